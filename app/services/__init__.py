"""Use cases of the program: importing and exporting sheets, storing campaigns."""
