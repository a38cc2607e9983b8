"""Typing as a clerk does, for the UI tests: ASCII as key presses, Chinese through an input-method commit
(``QTest.keyClicks`` aborts on non-ASCII text)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit


def ime(widget, text: str) -> None:
    """Chinese arrives through the input method as a commit string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def open_editor(view) -> QLineEdit:
    editors = [e for e in view.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert editors, "a cell editor is open"
    return editors[0]


def type_in_cell(qtbot, view, text: str, *, enter: bool = True) -> None:
    """With the view focused on a cell: the first key opens the editor, the rest is typed, Enter saves.

    A text starting with a non-ASCII character opens the editor with F2 and arrives through the IME."""
    view.setFocus()
    if text[:1].isascii() and text[:1].strip():
        qtbot.keyClick(view, text[0])
        rest = text[1:]
    else:
        qtbot.keyClick(view, Qt.Key.Key_F2)
        rest = text
    editor = open_editor(view)
    for part in _runs(rest):
        if part.isascii():
            qtbot.keyClicks(editor, part)
        else:
            ime(editor, part)
    if enter:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()                   # Enter commits queued in Qt 6


def _runs(text: str) -> list[str]:
    """``"p1 财务科"`` → ``["p1 ", "财务科"]``: ASCII and non-ASCII runs."""
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def open_selection_tab(qtbot, store):
    """The 双向选择 tab on its own, shown and active (keys reach it), with the messages it sends."""
    from app.ui.tabs.selection import SelectionTab
    from app.ui.workbench import Workbench

    bench = Workbench(store)
    messages: list[tuple[str, bool]] = []
    bench.message.connect(lambda text, err: messages.append((text, err)))
    tab = SelectionTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()                                # no window manager offscreen: do its job
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab)
    return tab, messages


def type_on_office_row(qtbot, tab, row: int, text: str) -> None:
    """双向选择: select the 科室 row, type the 编号 (or 0) — the first digit opens the 本轮 cell — and Enter."""
    tab.view.setCurrentIndex(tab.offices.index(row, 0))
    type_in_cell(qtbot, tab.view, text)


def retry_cell(qtbot, view) -> str:
    """F2 opens a cell marked 未保存 with what was typed; Enter tries to save it again. Returns that text."""
    qtbot.keyClick(view, Qt.Key.Key_F2)
    editor = view.focusWidget()
    text = editor.text()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    return text
def answer_modal(qtbot, *keys, check=None) -> list:
    """Once a modal dialog opens (``exec`` blocks the test), press ``keys`` on it; ``check(dialog)`` first, if
    given. Returns a list that holds the dialog once it was answered — and the exception, if ``check`` raised
    (the dialog is then rejected, so that the test goes on and :func:`raise_from` can fail it)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    seen: list = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(dialog)
        dialog.activateWindow()
        if check is not None:
            try:
                check(dialog)
            except BaseException as err:   # never leave the test blocked in exec(): close, then fail
                seen.append(err)
                dialog.reject()
                return
        for key in keys:
            focused = QApplication.focusWidget()
            target = focused if focused is not None and focused.window() is dialog else dialog.focusWidget() or dialog
            if isinstance(key, tuple):
                QTest.keyClick(target, *key)
            else:
                QTest.keyClick(target, key)
    QTimer.singleShot(0, answer)
    return seen


def raise_from(seen: list) -> None:
    """Fail with what a ``check`` of :func:`answer_modal` raised, if anything."""
    for item in seen:
        if isinstance(item, BaseException):
            raise item
