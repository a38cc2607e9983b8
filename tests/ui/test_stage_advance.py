"""阶段 → 确认 / 锁定 / 公布本阶段 (Ctrl+Shift+L): says what it did in the message line, asks the 监督组's
password before 锁定 and before 公布 (cancel: nothing done), shows the 摘要码 on the wall after a seal, and on a
tab without a stage says so instead of doing nothing."""

import pytest
from PySide6.QtCore import Qt
from app.services import projector, seals, stages
from app.services.store import ConflictError
from app.ui import dialogs
from app.ui.main_window import MainWindow


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
    """Every password asked for, answered from ``answers`` (the right password when empty; None = 取消)."""
    asked, answers = [], []

    def ask(parent, title, text):
        asked.append((title, text))
        return answers.pop(0) if answers else "jd2026"
    monkeypatch.setattr(dialogs, "ask_supervisor_password", ask)
    return asked, answers


def advance(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def test_each_step_is_said_and_lock_and_publish_are_asked_first(qtbot, window, small_store, questions):
    asked, answers = questions
    stages.publish_through(small_store, "draw", "jd2026")            # what 竞岗演讲评分 draws on
    window.tabs.setCurrentIndex(4)                                   # 5 竞岗演讲评分
    state = lambda: stages.stage_states(small_store)["speech"]       # noqa: E731

    advance(qtbot, window)
    assert state() == "confirmed" and asked == []                    # 确认 can be taken back: not asked
    assert window.message_line.text() == "✓ 已确认：竞岗演讲评分"

    answers.append(None)
    advance(qtbot, window)
    assert state() == "confirmed"                                    # 取消: nothing done
    title, text = asked[-1]
    assert "锁定" in title and "竞岗演讲评分" in text and "监督组" in text
    assert window.message_line.text() == "✓ 未锁定“竞岗演讲评分”"

    answers.append("wrong")
    advance(qtbot, window)
    assert state() == "confirmed" and window.message_line.is_error and "密码不正确" in window.message_line.text()

    advance(qtbot, window)
    assert state() == "locked"
    seal = seals.last_seal(small_store)
    assert window.message_line.text() == f"✓ 已锁定：竞岗演讲评分　{seal.code}"
    assert projector.projector_state(small_store).scene == "seal"    # the wall shows the 摘要码
    window.grab().save("/tmp/shots/stage_locked.png")

    advance(qtbot, window)
    title, text = asked[-1]
    assert "公布" in title and "竞岗演讲评分" in text and "公示表" in text and "大屏" in text
    assert state() == "published"
    assert window.message_line.text().startswith("✓ 已公布：竞岗演讲评分　摘要码 ")

    advance(qtbot, window)                                           # nothing beyond 公布: refused in words
    assert window.message_line.is_error and "已公布" in window.message_line.text()


def test_a_move_refers_to_the_state_seen(small_store):
    """Two laptops: a move made for the state one of them saw is refused once the other has moved it."""
    stages.advance(small_store, "speech", expected="draft")
    with pytest.raises(ConflictError, match="已是“已确认”"):
        stages.advance(small_store, "speech", expected="draft")
    assert stages.stage_states(small_store)["speech"] == "confirmed"


def test_a_tab_without_a_stage_says_so(qtbot, window, small_store, questions):
    before = stages.stage_states(small_store)
    window.tabs.setCurrentIndex(8)
    advance(qtbot, window)
    assert stages.stage_states(small_store) == before and questions[0] == []
    assert window.message_line.text() == "✓ “方案设置”页没有阶段，无需确认、锁定、公布或解锁"


def test_confirming_a_stage_with_entries_missing_names_them_and_asks(qtbot, window, small_store, monkeypatch):
    """Issue 13: 竞岗演讲评分 with 张明 at 3 of 7 judges and every score only 录入 — 确认 lists them and, on 否,
    the stage stays 草稿."""
    from PySide6.QtWidgets import QMessageBox
    from app.services import scores
    for judge in ("J04", "J05", "J06", "J07"):
        scores.clear_speech_score(small_store, "1001", judge)
    stages.publish_through(small_store, "draw", "jd2026")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    window.tabs.setCurrentIndex(4)
    advance(qtbot, window)
    assert stages.stage_states(small_store)["speech"] == "draft"
    assert asked and "张明：3/7 位评委评分" in asked[0] and "李华：7 个评分未确认" in asked[0]
    assert window.message_line.is_error and "还有 3 项未录完或未确认" in window.message_line.text()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    advance(qtbot, window)
    assert stages.stage_states(small_store)["speech"] == "confirmed"
