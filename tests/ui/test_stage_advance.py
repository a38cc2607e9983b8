"""阶段 → 确认 / 锁定 / 公布本阶段 (Ctrl+Shift+L): says what it did in the message line, asks before
锁定 and before 公布 (default 否), and on a tab without a stage says so instead of doing nothing."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import stages
from app.ui.main_window import MainWindow

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def window(qtbot, small_store):
    w = MainWindow(small_store)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(w.isActiveWindow)
    return w


@pytest.fixture
def questions(monkeypatch):
    """Every question asked, answered from ``answers`` (Yes when empty)."""
    asked, answers = [], []

    def question(parent, title, text, buttons=None, default=None):
        asked.append((title, text, default))
        return answers.pop(0) if answers else YES
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked, answers


def advance(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_each_step_is_said_and_lock_and_publish_are_asked_first(qtbot, window, small_store, questions):
    asked, answers = questions
    window.tabs.setCurrentIndex(4)                                   # 5 竞岗演讲评分
    state = lambda: stages.stage_states(small_store)["speech"]       # noqa: E731

    advance(qtbot, window)
    assert state() == "confirmed" and asked == []                    # 确认 can be taken back: not asked
    assert window.message_line.text() == "✓ 已确认：竞岗演讲评分"

    answers.append(NO)
    advance(qtbot, window)
    assert state() == "confirmed"                                    # answered 否: nothing done
    title, text, default = asked[-1]
    assert "锁定" in title and "竞岗演讲评分" in text and "监督组" in text and default == NO
    assert window.message_line.text() == "✓ 未锁定“竞岗演讲评分”"

    advance(qtbot, window)
    assert state() == "locked"
    assert window.message_line.text() == "✓ 已锁定：竞岗演讲评分"
    window.grab().save("/tmp/shots/stage_locked.png")

    advance(qtbot, window)
    title, text, default = asked[-1]
    assert "公布" in title and "竞岗演讲评分" in text and "公示表" in text and "大屏" in text and default == NO
    assert state() == "published"
    assert window.message_line.text() == "✓ 已公布：竞岗演讲评分"

    advance(qtbot, window)                                           # nothing beyond 公布: refused in words
    assert window.message_line.is_error and "已公布" in window.message_line.text()


@pytest.mark.parametrize("index, title", [(7, "双向选择"), (8, "方案设置")])
def test_a_tab_without_a_stage_says_so(qtbot, window, small_store, questions, index, title):
    before = stages.stage_states(small_store)
    window.tabs.setCurrentIndex(index)
    advance(qtbot, window)
    assert stages.stage_states(small_store) == before and questions[0] == []
    assert window.message_line.text() == f"✓ “{title}”页没有阶段，无需确认、锁定、公布或解锁"
