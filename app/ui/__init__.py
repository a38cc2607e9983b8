"""PySide6 user interface of 竞岗考评 (imports Qt; the core packages never do)."""
