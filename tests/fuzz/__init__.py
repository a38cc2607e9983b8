"""Bad input as a hostile or clumsy user makes it: random and malformed campaign files and Excel workbooks
fed to ``compute``, the campaign import and the roster import, each of which must refuse cleanly (its own
error with a Chinese message, no traceback, nothing written) or succeed."""
