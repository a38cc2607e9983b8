"""Start the desktop program: ``run_gui`` (``python -m app`` / ``python -m app gui``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

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


QT_TRANSLATIONS = "qtbase_zh_CN"
"""Qt's own words (是/否, 确定/取消, the file, save and print dialogs) in Chinese: shipped with PySide6 in its
translations folder, and carried by the bundle (packaging/jinggang.spec; the self-test checks it)."""


class MnemonicFallback(QTranslator):
    """Qt's translation lags its sources: Qt 6.11 says "&Look in:" and "Files of &type:" where the shipped
    qtbase_zh_CN has only "Look in:" → "查找范围：". For a text with a mnemonic and no translation of its own,
    the translation of the text without "&" is used, with the letter put back: "查找范围(&L)："."""

    def __init__(self, base: QTranslator, parent: QApplication):
        super().__init__(parent)
        self.base = base

    def translate(self, context, source, disambiguation=None, n=-1):  # noqa: D102 - Qt's virtual
        if not source or "&" not in source or "&&" in source or self.base.translate(context, source, disambiguation, n):
            return None  # null: Qt asks the next translator (an empty text would be the answer)
        text = self.base.translate(context, source.replace("&", ""), disambiguation, n)
        if not text:
            return None
        letter = source[source.index("&") + 1]
        colon = text[-1] if text[-1:] in ("：", ":") else ""
        return f"{text.removesuffix(colon)}(&{letter.upper()}){colon}"


def install_qt_translations(app: QApplication) -> bool:
    """Load Qt's Chinese translation once; True when it is in effect (False: Qt's dialogs stay English)."""
    if app.property("jinggang_qt_translations"):
        return True
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))   # calendars, month names
    translator = QTranslator(app)    # parented: lives as long as the application
    import PySide6
    folders = (QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
               str(Path(PySide6.__file__).parent / "Qt" / "translations"))   # the bundle's copy
    if not any(translator.load(QT_TRANSLATIONS, folder) for folder in folders) or not app.installTranslator(translator):
        return False
    app.installTranslator(MnemonicFallback(translator, app))
    app.setProperty("jinggang_qt_translations", True)
    return True


def configure_application(app: QApplication) -> str:
    """Name, icon, Qt's words in Chinese and the UI font; returns the font family in use."""
    install_qt_translations(app)
    app.setOrganizationName("jinggang")
    app.setApplicationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    icon_file = app_icon_path()
    if icon_file.is_file():
        app.setWindowIcon(QIcon(str(icon_file)))
    return install_ui_font(app)


def run_gui(demo: bool = False, argv: Sequence[str] | None = None, db: str | None = None,
            operator: str | None = None) -> int:
    """Open a campaign (the demo, a given file, or through the start dialog) and run the event loop."""
    if QApplication.instance() is None:
        from .xcb_check import check_xcb
        if (missing := check_xcb()) is not None:   # Qt would abort naming the wrong library
            print(missing, file=sys.stderr)
            return 1
    app = make_application(argv)
    from ..services.store import Store, StoreError
    from .start import StartDialog, demo_path
    store = None
    try:
        if demo:
            from ..services.demo import create_demo_store
            store = create_demo_store(demo_path(), operator=operator or "演示录入员")
        elif db:
            store = Store.open(db, operator=operator or "录入员")
    except StoreError as err:
        QMessageBox.critical(None, APP_TITLE, str(err))
    if store is None:
        dialog = StartDialog()
        if not dialog.exec() or dialog.store is None:
            return 0
        store = dialog.store
    window = MainWindow(store)
    window.show()
    return app.exec()
