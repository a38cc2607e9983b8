"""What the clerk sees when a typed entry cannot be saved (issue 12): the typed text stays in its
cell marked 未保存, the cursor stays, a red message names the entry and the cause in Chinese, the
status bar counts what is unsaved — and a retry once the fault is gone saves it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.services import draws, scores
from app.services.store import Store
from app.ui.main_window import MainWindow
from app.ui.table import UNSAVED_ROLE
from tests.faults import DISK_FULL, READ_ONLY, can_mount, failing_writes, fill, tmpfs
from tests.ui.test_speech_tab import ZHANGMING, go, judge_col, make_tab, stored, type_score


def retry(qtbot, tab) -> str:
    """F2 opens the unsaved cell with what was typed; Enter tries to save it again."""
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)
    editor = tab.view.focusWidget()
    text = editor.text()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()
    return text


@pytest.fixture
def tab(qtbot, bench):
    draws.program_draw(bench.store, "竞岗演讲", "4711")
    scores.clear_speech_score(bench.store, "1001", "J04")
    return make_tab(qtbot, bench)


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_speech_score_not_saved_stays_typed_and_marked(qtbot, tab, bench, messages, fault, cause):
    go(tab, ZHANGMING, 4)
    with failing_writes(bench.store, fault):
        type_score(qtbot, tab, "88.5")
    cell = tab.model.index(ZHANGMING, judge_col(tab, 4))
    assert stored(bench, "1001", "J04") is None
    assert cell.data() == "88.5" and cause in cell.data(UNSAVED_ROLE)
    assert tab.view.currentIndex() == cell                           # the cursor did not move on
    text, is_error = messages[-1]
    assert is_error and text == f"第 2 位 张明 评委4 的 88.5 没有保存：{cause}" + ("（没有写入权限）" if "只读" in cause else "")
    assert list(bench.unsaved.values()) == ["第 2 位 张明 评委4 的 88.5"]
    assert bench.write_problem.startswith(cause)
    # the fault is gone: Enter on the cell opens it with the typed text, Enter again saves it
    assert retry(qtbot, tab) == "88.5"
    assert str(stored(bench, "1001", "J04")) == "88.5"
    assert cell.data(UNSAVED_ROLE) is None and bench.unsaved == {} and bench.write_problem is None
    assert bench.store.verify().ok


def test_the_main_window_shows_what_is_unsaved_and_why(qtbot, small_store):
    draws.program_draw(small_store, "竞岗演讲", "4711")
    scores.clear_speech_score(small_store, "1001", "J04")
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(4)
    tab = window.pages[4]
    go(tab, ZHANGMING, 4)
    with failing_writes(small_store):
        type_score(qtbot, tab, "88.5")
    assert window.unsaved_label.isVisible() and window.unsaved_label.text() == "未保存 1 项"
    assert "磁盘已满" in window.connection_label.text()
    assert window.message_line.is_error and "没有保存：磁盘已满" in window.message_line.text()


@pytest.mark.skipif(not can_mount(), reason="mounting a RAM disk needs root")
def test_a_real_full_disk(qtbot, tmp_path, qapp):
    """The real fault: the campaign file on an 8 MB RAM disk filled to the last byte. Each typed score
    is either saved or shown unsaved — never lost silently — and the retry saves it once there is room."""
    import json
    from app.services.campaign_io import import_campaign
    from tests.conftest import DATA
    from app.ui.workbench import Workbench
    with tmpfs(tmp_path / "disk", "8m") as disk:
        store = Store.create(disk / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
        try:
            import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
            draws.program_draw(store, "竞岗演讲", "4711")
            bench = Workbench(store)
            tab = make_tab(qtbot, bench)
            fill(disk)
            typed, outcomes = [], []
            for n in range(40):                       # until the WAL needs a page it cannot have
                value = f"{60 + n % 40}.{n % 10}"
                go(tab, ZHANGMING, 1 + n % 7)
                type_score(qtbot, tab, value)
                cell = tab.model.index(ZHANGMING, judge_col(tab, 1 + n % 7))
                outcomes.append(cell.data(UNSAVED_ROLE))
                typed.append((n % 7, value, cell.data(UNSAVED_ROLE)))
                if cell.data(UNSAVED_ROLE):
                    break
            assert outcomes[-1] and "磁盘已满" in outcomes[-1], outcomes
            (disk / "filler").unlink()                # room again: the retry saves it
            seat = 1 + typed[-1][0]
            go(tab, ZHANGMING, seat)
            retry(qtbot, tab)
            assert str(stored(bench, "1001", f"J0{seat}")) == typed[-1][1]
            assert store.verify().ok
        finally:
            store.close()


def test_enter_on_an_unsaved_score_tries_again(qtbot, tab, bench):
    go(tab, ZHANGMING, 4)
    with failing_writes(bench.store):
        type_score(qtbot, tab, "88.5")
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)                     # no editor: Enter retries the typed text
    assert str(stored(bench, "1001", "J04")) == "88.5"
    assert tab.view.currentIndex().column() == judge_col(tab, 5)   # saved: the cursor moves on as usual


def test_full_width_digits_are_echoed_as_ascii(qtbot, tab, bench, messages):
    go(tab, ZHANGMING, 4)
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)               # an input method types the full-width text
    editor = tab.view.focusWidget()
    event = QInputMethodEvent()
    event.setCommitString("８８．５")
    QApplication.sendEvent(editor, event)
    with failing_writes(bench.store):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()
    assert messages[-1][0].startswith("第 2 位 张明 评委4 的 88.5 没有保存")
    retry(qtbot, tab)
    assert messages[-1] == ("已保存：张明 · 评委4：88.5", False)
