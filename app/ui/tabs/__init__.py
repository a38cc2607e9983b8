"""One tab per job of the 细则, in its order (issue 4)."""
