"""Tab 5 竞岗演讲评分, driven with the keyboard (§十): speaking order, Enter moves to the next judge,
refused scores, dropped scores marked, the trimmed mean, undo, confirm, double entry, the lock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from app.services import draws, scores, stages
from app.services.store import Store
from app.ui.tabs.speech import SpeechTab
from app.ui.table import UNSAVED_ROLE
from app.ui.workbench import Workbench

# small.json, drawn with seed 4711: 1002 李华, 1001 张明, 1003 王芳.
LIHUA, ZHANGMING, WANGFANG = 0, 1, 2


def make_tab(qtbot, bench) -> SpeechTab:
    tab = SpeechTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


@pytest.fixture
def tab(qtbot, bench):
    draws.program_draw(bench.store, "竞岗演讲", "4711")
    for judge in ("J04", "J05", "J06", "J07"):          # 张明 has 3 of 7 scores: 88, 90, 91
        scores.clear_speech_score(bench.store, "1001", judge)
    return make_tab(qtbot, bench)


def judge_col(tab, seat: int) -> int:
    return tab.model.FIRST_JUDGE + seat - 1


def go(tab, row: int, seat: int) -> None:
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.model.index(row, judge_col(tab, seat)))


def type_score(qtbot, tab, text: str) -> None:
    """As a clerk types: the first key opens the cell editor, Enter commits (queued in Qt 6)."""
    qtbot.keyClick(tab.view, text[0])
    editors = [e for e in tab.view.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, "typing should open the cell editor"
    qtbot.keyClicks(editors[0], text[1:])
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    QApplication.processEvents()


def shown(tab, row: int, col: int) -> str:
    return tab.model.index(row, col).data()


def stored(bench, person: str, judge: str):
    entry = scores.speech_scores(bench.store).get(person, {}).get(judge)
    return None if entry is None else entry[0]


def test_rows_in_speaking_order_with_dropped_scores_marked(tab, qtmodeltester):
    m = tab.model
    assert [shown(tab, r, m.COL_NAME) for r in range(3)] == ["李华", "张明", "王芳"]
    assert [shown(tab, r, m.COL_POS) for r in range(3)] == ["1", "2", "3"]
    assert shown(tab, LIHUA, m.COL_POSTS) == "办公室科长"
    assert m.headerData(judge_col(tab, 1), Qt.Orientation.Horizontal) == "评委1"
    assert m.headerData(judge_col(tab, 1), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "评委1 · 局领导"
    # 李华 90 93 88.5 91 95 86 92: drop 95, 93 and 86, 88.5 → (90 + 91 + 92) / 3 = 91.000
    assert shown(tab, LIHUA, m.col_count) == "7/7"
    assert shown(tab, LIHUA, m.col_mean) == "91.000"
    assert shown(tab, LIHUA, m.col_dropped) == "高 93/95 低 88.5/86"
    for seat in (2, 3, 5, 6):
        index = m.index(LIHUA, judge_col(tab, seat))
        assert index.data(Qt.ItemDataRole.FontRole).strikeOut()
        assert index.data(Qt.ItemDataRole.BackgroundRole) is not None
    kept = m.index(LIHUA, judge_col(tab, 1))
    assert kept.data(Qt.ItemDataRole.FontRole) is None and kept.data(Qt.ItemDataRole.BackgroundRole) is None
    assert shown(tab, ZHANGMING, m.col_count) == "3/7" and shown(tab, ZHANGMING, m.col_mean) == ""
    assert shown(tab, LIHUA, m.col_mean + 1) == "录入"
    qtmodeltester.check(m)
    qtmodeltester.check(tab.mismatches)


def test_typed_scores_move_on_and_the_mean_appears_at_five(qtbot, tab, bench):
    m = tab.model
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "85")
    assert stored(bench, "1001", "J04") == Decimal("85")
    assert tab.view.currentIndex().column() == judge_col(tab, 5)
    assert shown(tab, ZHANGMING, m.col_mean) == ""                 # 4 scores: not yet 2k+1
    type_score(qtbot, tab, "87")
    # 88 90 91 85 87: drop 91, 90 and 85, 87 → 88.000
    assert shown(tab, ZHANGMING, m.col_count) == "5/7"
    assert shown(tab, ZHANGMING, m.col_mean) == "88.000"
    type_score(qtbot, tab, "92")
    type_score(qtbot, tab, "89")
    assert shown(tab, ZHANGMING, m.col_mean) == "89.000"           # as in small.expected.json
    assert (tab.view.currentIndex().row(), tab.view.currentIndex().column()) == (WANGFANG, judge_col(tab, 1))


def test_a_typed_score_redraws_only_its_row(qtbot, tab):
    resets, changes = [], []
    tab.model.modelReset.connect(lambda: resets.append(1))
    tab.model.dataChanged.connect(lambda a, b, *_: changes.append((a.row(), b.row())))
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "85")
    assert resets == [] and changes and {rows for rows in changes} == {(ZHANGMING, ZHANGMING)}


@pytest.mark.parametrize("bad, why", [("101", "超出"), ("88.55", "小数"), ("8o", "不是数字")])
def test_a_refused_score_keeps_the_cell(qtbot, tab, bench, messages, bad, why):
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, bad)
    assert stored(bench, "1001", "J04") is None
    cell = tab.model.index(ZHANGMING, judge_col(tab, 4))
    assert cell.data() == bad and cell.data(UNSAVED_ROLE)         # what was typed stays, marked 未保存
    assert tab.view.currentIndex().column() == judge_col(tab, 4)   # the cursor stays on the cell
    text, is_error = messages[-1]
    assert is_error and text.startswith("张明 · 评委4：") and why in text
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)                    # Del gives the typed text up
    assert cell.data() == "" and cell.data(UNSAVED_ROLE) is None and bench.unsaved == {}


def test_undo_restores_the_previous_score_or_clears_it(qtbot, tab, bench):
    go(tab, LIHUA, 1)
    type_score(qtbot, tab, "80")                                   # 90 → 80
    assert stored(bench, "1002", "J01") == Decimal("80")
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "85")                                   # empty → 85
    bench.undo()
    assert stored(bench, "1001", "J04") is None and shown(tab, ZHANGMING, judge_col(tab, 4)) == ""
    bench.undo()
    assert stored(bench, "1002", "J01") == Decimal("90") and shown(tab, LIHUA, judge_col(tab, 1)) == "90"
    assert shown(tab, LIHUA, tab.model.col_mean) == "91.000"
    bench.redo()
    assert stored(bench, "1002", "J01") == Decimal("80")
    go(tab, LIHUA, 2)
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)                    # Del clears, undoably
    assert stored(bench, "1002", "J02") is None
    bench.undo()
    assert stored(bench, "1002", "J02") == Decimal("93")


def test_ctrl_enter_confirms_the_row(qtbot, tab, bench):
    go(tab, LIHUA, 3)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert {status for _, status, _ in scores.speech_scores(bench.store)["1002"].values()} == {"confirmed"}
    assert shown(tab, LIHUA, tab.model.col_state) == "已确认"
    assert shown(tab, ZHANGMING, tab.model.col_state) == "录入"


def test_double_entry_second_clerk_types_blind(qtbot, tab, bench, small_store, messages):
    qtbot.mouseClick(tab.double_entry, Qt.MouseButton.LeftButton)
    assert bench.store.info().double_entry
    second = Store.open(small_store.location, operator="李强")
    try:
        bench2 = Workbench(second)
        tab2 = make_tab(qtbot, bench2)
        seen2: list[tuple[str, bool]] = []
        bench2.message.connect(lambda text, error: seen2.append((text, error)))
        m = tab2.model
        assert shown(tab2, ZHANGMING, judge_col(tab2, 1)) == "●"         # first entry hidden
        assert m.index(ZHANGMING, judge_col(tab2, 1)).data(Qt.ItemDataRole.EditRole) == ""
        assert shown(tab2, LIHUA, m.col_mean) == ""                       # nothing leaks through the mean
        go(tab2, ZHANGMING, 1)
        type_score(qtbot, tab2, "88")                                     # first was 88: confirmed
        type_score(qtbot, tab2, "91")                                     # first was 90: listed
        assert scores.speech_scores(second)["1001"]["J01"][1] == "confirmed"
        assert shown(tab2, ZHANGMING, judge_col(tab2, 1)) == "88"
        assert "不一致" in seen2[-1][0]
        assert tab2.mismatches.rows() == [("张明", "评委2", "90", "91")]
        assert not tab2.mismatch_box.isHidden()
    finally:
        second.close()


def test_locked_stage_refuses_a_score(qtbot, tab, bench, messages):
    stages.advance(bench.store, "speech", "jd2026")
    stages.advance(bench.store, "speech", "jd2026")
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "85")
    assert stored(bench, "1001", "J04") is None and shown(tab, ZHANGMING, judge_col(tab, 4)) == "85"
    assert tab.model.index(ZHANGMING, judge_col(tab, 4)).data(UNSAVED_ROLE)      # marked 未保存
    assert messages[-1][1] and "已锁定" in messages[-1][0]


def test_add_a_judge(qtbot, tab, bench):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QInputMethodEvent
    from app.ui.tabs.speech import JudgeDialog

    tries: list[int] = []

    def fill():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, JudgeDialog):           # not open yet: look again shortly
            tries.append(1)
            if len(tries) < 200:
                QTimer.singleShot(5, fill)
            return
        assert dialog.judge_id.text() == "J08"
        event = QInputMethodEvent()
        event.setCommitString("周局长")                               # Chinese comes through the input method
        QApplication.sendEvent(dialog.name, event)
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    QTimer.singleShot(0, fill)
    qtbot.mouseClick(tab.add_judge_button, Qt.MouseButton.LeftButton)
    assert [(j.id, j.name, j.seat) for j in scores.list_judges(bench.store)][-1] == ("J08", "周局长", 8)
    assert tab.model.headerData(judge_col(tab, 8), Qt.Orientation.Horizontal) == "评委8"
    assert tab.model.col_count == tab.model.FIRST_JUDGE + 8


def test_retyping_a_cell_follows_its_version(qtbot, tab, bench, messages):
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "85")
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "86")                                   # no false 'changed by someone else'
    assert stored(bench, "1001", "J04") == Decimal("86") and not messages[-1][1]
    other = Store.open(bench.store.location, operator="李强")       # another laptop changes it meanwhile
    try:
        scores.set_speech_score(other, "1001", "J04", "70")
    finally:
        other.close()
    go(tab, ZHANGMING, 4)
    type_score(qtbot, tab, "87")
    assert stored(bench, "1001", "J04") == Decimal("70")
    assert messages[-1][1] and "已被 李强" in messages[-1][0] and "改为 70" in messages[-1][0]


def test_changing_a_confirmed_score_asks_a_reason(qtbot, tab, bench, messages):
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QInputMethodEvent
    from app.ui.dialogs import ReasonDialog

    def answer(text, tries=[0]):
        def fill():
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, ReasonDialog):      # the entry is committed queued: wait for it
                tries[0] += 1
                if tries[0] < 200:
                    QTimer.singleShot(5, fill)
                return
            if text is None:
                dialog.reject()
                return
            event = QInputMethodEvent()
            event.setCommitString(text)
            QApplication.sendEvent(dialog.reason, event)
            qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        QTimer.singleShot(0, fill)

    go(tab, LIHUA, 1)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    go(tab, LIHUA, 1)
    answer(None)
    type_score(qtbot, tab, "80")
    assert stored(bench, "1002", "J01") == Decimal("90") and "已取消" in messages[-1][0]
    answer("评委当场更正")
    go(tab, LIHUA, 1)
    type_score(qtbot, tab, "80")
    assert scores.speech_scores(bench.store)["1002"]["J01"][:2] == (Decimal("80"), "entered")
    assert shown(tab, LIHUA, tab.model.col_state) == "录入"


def test_confirming_a_row_with_judges_missing_asks_first(qtbot, tab, bench, messages, monkeypatch):
    """§十 needs every judge's score: 张明 has 3 of 7 — Ctrl+Enter says who is missing and, on 否, confirms nothing."""
    from PySide6.QtWidgets import QMessageBox
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    go(tab, ZHANGMING, 1)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert asked and "张明 只有 3/7 位评委的评分" in asked[0] and "评委4、评委5、评委6、评委7" in asked[0]
    assert {status for _, status, _ in scores.speech_scores(bench.store)["1001"].values()} == {"entered"}
    assert messages[-1] == ("张明：未确认（缺 4 位评委的评分）", True)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert {status for _, status, _ in scores.speech_scores(bench.store)["1001"].values()} == {"confirmed"}


def test_names_and_declared_posts_are_not_clipped(qtbot, demo_store):
    """Two declared posts (计划科科长、审计科科长) fit their column at 1366 px; nothing is elided."""
    tab = make_tab(qtbot, Workbench(demo_store))
    m, metrics = tab.model, tab.names.fontMetrics()
    for col in (m.COL_NAME, m.COL_POSTS):
        width = tab.names.columnWidth(col)
        for r in range(m.rowCount()):
            assert metrics.horizontalAdvance(m.index(r, col).data()) + 8 <= width, m.index(r, col).data()
