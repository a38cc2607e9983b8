"""app.scan is a library the services and the GUI plug in: it never imports them (STYLE.md layers)."""

from pathlib import Path

from tests.test_layers import APP, imports_of

FORBIDDEN = {"PySide6", "sqlalchemy", "alembic", "app.ui", "app.services", "app.models", "app.cli"}


def test_scan_imports_no_gui_no_database_no_services():
    bad = [f"{path.relative_to(APP)} imports {name}" for path in (APP / "scan").rglob("*.py")
           for name in imports_of(path) if any(name == b or name.startswith(b + ".") for b in FORBIDDEN)]
    assert bad == []


def test_the_layout_module_is_pure():
    """layout.py is the data the database stores and the printer draws: no image or PDF library."""
    names = imports_of(Path(APP / "scan" / "layout.py"))
    assert not {n for n in names if n.split(".")[0] in ("numpy", "PIL", "reportlab", "zxingcpp", "pypdfium2")}
