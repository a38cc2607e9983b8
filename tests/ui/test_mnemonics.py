"""Alt+letter mnemonics: no letter is used twice among the menu bar and the widgets visible on a tab
(a clash makes Qt open neither), in particular Alt+P opens 大屏(&P) on tab 4 抽签."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel

from tests.ui.test_stage_advance import window  # noqa: F401  (the main window fixture)


def mnemonics(window) -> list[tuple[str, str]]:
    found = [(a.text(), "menu") for a in window.menuBar().actions()]
    for cls in (QAbstractButton, QLabel, QGroupBox):
        found += [(w.text() if cls is not QGroupBox else w.title(), cls.__name__)
                  for w in window.findChildren(cls) if w.isVisible()]
    return [(m.group(1).upper(), text) for text, _ in found if (m := re.search(r"&([^&\s])", text))]


@pytest.mark.parametrize("index", range(9))
def test_no_mnemonic_is_used_twice_on_any_tab(window, index):
    window.tabs.setCurrentIndex(index)
    QApplication.processEvents()
    letters = mnemonics(window)
    seen: dict[str, str] = {}
    for letter, text in letters:
        assert letter not in seen, f"Alt+{letter}: “{seen[letter]}” 与 “{text}”"
        seen[letter] = text


def test_alt_p_opens_the_projector_menu_on_the_draw_tab(qtbot, window):
    window.tabs.setCurrentIndex(3)                                   # 4 抽签
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "大屏(&P)")
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    window.grab().save("/tmp/shots/mnemonic_draw.png")
    menu.close()
