"""Start the desktop program: ``run_gui`` (``python -m app`` / ``python -m app gui``)."""

from __future__ import annotations

import sys
from typing import Sequence

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from ..resources import app_icon_path
from .fonts import install_ui_font
from .main_window import APP_TITLE, MainWindow


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists), named, with icon and a CJK-capable font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(sys.argv if argv is None else argv))
    configure_application(app)
    return app


def configure_application(app: QApplication) -> str:
    """Name, icon and UI font; returns the font family in use."""
    app.setApplicationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    icon_file = app_icon_path()
    if icon_file.is_file():
        app.setWindowIcon(QIcon(str(icon_file)))
    return install_ui_font(app)


def run_gui(demo: bool = False, argv: Sequence[str] | None = None) -> int:
    """Show the main window and run the event loop; returns the exit code."""
    app = make_application(argv)
    window = MainWindow(demo=demo)
    window.show()
    return app.exec()
