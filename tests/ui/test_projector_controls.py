"""The 大屏 controls on the one write path (issue 12): each action is its own kind of change (PROJECTOR),
so F8 redraws the wall and no tab; a failed action says which and why; two laptops pressing F8 for the
same speaker move the wall once, and a laptop that saw an older speaker is told who moved it on."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import projector
from app.services.store import Changed, ConflictError, Store
from app.ui.main_window import MainWindow
from tests.faults import DISK_FULL, READ_ONLY, failing_reads, failing_writes


@pytest.fixture
def window(qtbot, small_store):
    w = MainWindow(small_store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def press(qtbot, window, key, mods=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window, key, mods)
    QApplication.processEvents()


def test_f8_moves_the_speaker_and_redraws_no_tab(qtbot, window, monkeypatch):
    changes = []
    window.bench.changed.connect(changes.append)
    window.tabs.setCurrentIndex(4)                       # 竞岗演讲评分 on screen
    drawn = []
    for page in window.pages:
        monkeypatch.setattr(page, "refresh", lambda page=page: drawn.append(page.TITLE))
    press(qtbot, window, Qt.Key.Key_F8)
    assert projector.projector_state(window.store).speaker == 1
    assert [c.flags for c in changes] == [Changed.PROJECTOR]
    assert drawn == []
    assert window.projector.feed.state.speaker == 1
    assert window.message_line.text() == "✓ 大屏：当前演讲 第 2 位 李华"
    for page in window.pages[5:8]:                        # 定岗推荐计票, 综合考评与人选, 双向选择
        assert not page.WATCHES & Changed.PROJECTOR


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读（没有写入权限）")])
def test_a_projector_action_not_saved_says_which_and_why(qtbot, window, fault, cause):
    with failing_writes(window.store, fault):
        press(qtbot, window, Qt.Key.Key_F8)
        assert window.message_line.is_error
        assert window.message_line.text() == f"⚠ 大屏下一位演讲人 没有保存：{cause}"
        press(qtbot, window, Qt.Key.Key_F7)
        assert window.message_line.text() == f"⚠ 大屏黑屏 没有保存：{cause}"
        assert not window.projector.blackout_action.isChecked()          # the menu shows what the wall shows
        press(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
        assert window.message_line.text() == f"⚠ 大屏切换到“定岗推荐唱票” 没有保存：{cause}"
        assert window.projector.scene_actions[projector.DRAW].isChecked()
    assert projector.projector_state(window.store) == projector.ProjectorState()
    press(qtbot, window, Qt.Key.Key_F7)                                   # the fault is gone: it works
    assert projector.projector_state(window.store).blackout and window.projector.blackout_action.isChecked()
    assert window.store.verify().ok


def test_a_wall_that_cannot_be_read_keeps_its_picture(qtbot, window):
    feed = window.projector.feed
    window.projector.open_wall()
    before = feed.data
    said = []
    window.bench.message.connect(lambda text, err: said.append((text, err)))
    with failing_reads(window.store):
        feed.on_changed(type("C", (), {"flags": Changed.DRAW})())
    assert feed.data is before and said[-1] == ("大屏未能更新：磁盘读写错误（文件可能已被移走或设备已断开）", True)
    window.projector.close_wall()


def test_two_laptops_press_f8_for_the_same_speaker(small_store):
    other = Store.open(small_store.location, operator="李强")
    try:
        assert projector.step_speaker(small_store, 1, seen=0).changes == Changed.PROJECTOR
        again = projector.step_speaker(other, 1, seen=0)                  # 乙 saw speaker 1 too: already done
        assert again.changes == Changed.NONE and projector.projector_state(other).speaker == 1
        assert projector.step_speaker(small_store, 1, seen=1).label == "大屏：当前演讲 第 3 位 王芳"
        with pytest.raises(ConflictError, match="大屏已被 王敏 于 .* 切换为“当前演讲 第 3 位 王芳”，您的切换未执行"):
            projector.step_speaker(other, 1, seen=0)                      # 乙 still shows speaker 1
        assert projector.projector_state(other).speaker == 2
    finally:
        other.close()
