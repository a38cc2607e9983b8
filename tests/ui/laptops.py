"""Two laptops on one campaign file, for the write-path tests of the tabs (issue 12): 甲 is the test's
own workbench (operator 王敏); :func:`second_laptop` opens 乙 (李强) on the same file, as a second
program would; :func:`show` puts a tab on screen the way each test file needs it."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from PySide6.QtWidgets import QApplication

from app.services.store import Store
from app.ui.workbench import Workbench
from tests.ui.keys import type_in_cell


def show(qtbot, tab_class, bench, *, refresh: bool = True):
    """A tab of ``tab_class`` on ``bench``, shown at the main window's size (and drawn)."""
    tab = tab_class(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    if refresh:
        tab.refresh()
    return tab


def activate(qtbot, widget) -> None:
    """No window manager offscreen: make this laptop's window the active one, as a click would — the
    tabs' shortcuts (Ctrl+Enter, Ctrl+N, Ctrl+S …) work in the active window only."""
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)


@contextmanager
def second_laptop(location: str, operator: str = "李强") -> Iterator[tuple[Workbench, list[tuple[str, bool]]]]:
    """乙: another program on the same campaign file (no poll timer), with what its workbench said."""
    store = Store.open(location, operator=operator)
    bench = Workbench(store, poll_ms=0)
    said: list[tuple[str, bool]] = []
    bench.message.connect(lambda text, error: said.append((text, error)))
    try:
        yield bench, said
    finally:
        store.close()


def type_at(qtbot, view, index, text: str) -> None:
    """Go to the cell and type as the clerk does; Enter saves."""
    view.setFocus()
    view.setCurrentIndex(index)
    type_in_cell(qtbot, view, text)
