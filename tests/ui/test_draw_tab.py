"""Tab 4 抽签, driven with the keyboard: the list digest before the seed, the seeded draw a supervisor
can redo with sha256sum, paper slips, a redraw with a reason, the locked stage (SPEC §5)."""

from __future__ import annotations

import hashlib

import pytest
from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from app.services import draws, stages
from app.ui.dialogs import ReasonDialog
from app.ui.tabs.draw import DrawTab

KEY_1002 = "036c673a7004480c4d07d9337c7aa2031c54ffafb85417232133f8f9b667a8de"   # sha256("4711|竞岗演讲|1002")


@pytest.fixture
def tab(qtbot, bench):
    tab = DrawTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    tab.meeting.setCurrentText("竞岗演讲")
    return tab


def type_seed(qtbot, tab, seed: str) -> None:
    tab.seed.setFocus()
    tab.seed.clear()
    qtbot.keyClicks(tab.seed, seed)
    qtbot.keyClick(tab.seed, Qt.Key.Key_Return)


def type_slip(qtbot, view, text: str) -> None:
    """Type into the current cell as a clerk does: the first key opens the editor, Enter commits."""
    qtbot.keyClick(view, text[0])
    editors = [e for e in view.viewport().findChildren(QLineEdit) if e.isVisible()]   # closed ones linger
    assert len(editors) == 1, "typing a digit should open the cell editor"
    editor = editors[0]
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()                    # Qt 6 commits the editor's data queued


def commit_chinese(widget, text: str) -> None:
    """Chinese arrives through the input method (QTest.keyClicks handles only Latin keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answer_reason(qtbot, text: str | None) -> None:
    """Fill in (or cancel) the ReasonDialog the next redraw opens."""
    tries: list[int] = []

    def fill():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):          # not open yet: look again shortly
            tries.append(1)
            if len(tries) < 200:
                QTimer.singleShot(5, fill)
            return
        if text is None:
            dialog.reject()
            return
        commit_chinese(dialog.reason, text)
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    QTimer.singleShot(0, fill)


def test_list_digest_is_shown_before_the_seed(tab, qtmodeltester):
    assert tab.digest.text().startswith(hashlib.sha256(b"1001,1002,1003").hexdigest())
    assert "3 人" in tab.digest.text()
    assert tab.digest.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert [tab.candidates.index(r, 1).data() for r in range(3)] == ["1001", "1002", "1003"]
    assert tab.order.rowCount() == 0 and "尚未抽签" in tab.state.text()
    qtmodeltester.check(tab.candidates)


def test_seed_and_enter_draw_the_order_a_supervisor_can_redo(qtbot, tab, bench, qtmodeltester):
    type_seed(qtbot, tab, "4711")
    assert draws.current_draw(bench.store, "竞岗演讲").ids == ["1002", "1001", "1003"]
    shown = [[tab.order.index(r, c).data() for c in range(4)] for r in range(3)]
    assert shown[0] == ["1", "1002", "李华", KEY_1002]
    assert [row[1] for row in shown] == ["1002", "1001", "1003"]
    assert tab.order.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == KEY_1002
    assert tab.command.text() == "printf '%s' '4711|竞岗演讲|1002' | sha256sum"
    tab.order_view.selectRow(2)
    assert tab.command.text() == "printf '%s' '4711|竞岗演讲|1003' | sha256sum"
    assert "种子 4711" in tab.state.text()
    qtmodeltester.check(tab.order)
    qtmodeltester.check(tab.history)

    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    assert tab.check_result.text().startswith("一致")


def test_check_says_inconsistent_when_the_record_differs(qtbot, tab, bench):
    type_seed(qtbot, tab, "4711")
    from app.models.schema import Draw
    with bench.store.write("test tamper") as s:
        s.get(Draw, 1).seed = "4712"
    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    assert tab.check_result.text().startswith("不一致")


def test_empty_seed_is_refused_with_a_message(qtbot, tab, bench, messages):
    type_seed(qtbot, tab, "")
    assert messages and messages[-1][1] and "种子为空" in messages[-1][0]
    assert draws.current_draw(bench.store, "竞岗演讲") is None


def test_redraw_asks_a_reason_and_keeps_the_first(qtbot, tab, bench):
    type_seed(qtbot, tab, "4711")
    assert tab.draw_button.text() == "重新抽签…"
    answer_reason(qtbot, None)                      # cancelled: nothing happens, the seed stays typed
    type_seed(qtbot, tab, "2026")
    assert draws.current_draw(bench.store, "竞岗演讲").seed == "4711"
    assert tab.seed.text() == "2026"
    answer_reason(qtbot, "种子误报")
    qtbot.keyClick(tab.seed, Qt.Key.Key_Return)
    history = draws.draw_history(bench.store, "竞岗演讲")
    assert [(h.seed, h.superseded, h.reason) for h in history] == [("4711", True, "种子误报"), ("2026", False, None)]
    assert [tab.history.index(r, 3).data() for r in range(2)] == ["有效", "已作废"]
    assert tab.history.index(1, 4).data() == "种子误报"


def test_paper_slips_typed_in_the_grid(qtbot, tab, bench, messages):
    tab.meeting.setCurrentText("申报者述职")          # 1002 李华, 1003 王芳
    qtbot.mouseClick(tab.paper_mode, Qt.MouseButton.LeftButton)
    view = tab.candidate_view
    assert view.currentIndex().row() == 0 and view.currentIndex().column() == tab.candidates.COL_SLIP
    type_slip(qtbot, view, "3")                     # only 1–2 exist: refused, cell kept, cursor stays
    assert messages[-1][1] and "李华（1002）纸签号“3”不对" in messages[-1][0]
    assert tab.candidates.index(0, 4).data() == "" and view.currentIndex().row() == 0
    type_slip(qtbot, view, "2")
    assert view.currentIndex().row() == 1
    type_slip(qtbot, view, "2")                     # duplicate: refused
    assert "已填给 李华（1002）" in messages[-1][0]
    assert draws.current_draw(bench.store, "申报者述职") is None
    type_slip(qtbot, view, "1")                     # complete → recorded at once
    qtbot.waitUntil(lambda: draws.current_draw(bench.store, "申报者述职") is not None, timeout=1000)
    record = draws.current_draw(bench.store, "申报者述职")
    assert record.method == "paper" and record.ids == ["1003", "1002"]
    assert [tab.order.index(r, 1).data() for r in range(2)] == ["1003", "1002"]
    assert "纸签" in tab.state.text() and tab.candidates.index(0, 4).data() == ""
    tab.check_button.click()
    assert tab.check_result.text().startswith("一致")


def test_locked_stage_refuses_a_draw(qtbot, tab, bench, messages):
    stages.advance(bench.store, "draw", "jd2026")
    stages.advance(bench.store, "draw", "jd2026")
    type_seed(qtbot, tab, "4711")
    assert messages[-1][1] and "已锁定" in messages[-1][0]
    assert draws.current_draw(bench.store, "竞岗演讲") is None
    assert tab.order.rowCount() == 0
