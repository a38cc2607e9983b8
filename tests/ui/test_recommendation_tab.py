"""6 定岗推荐计票 driven with real key presses: presence, the paper cross-check, count mode and 唱票.

small_store (tests/data/small.json): present 5 / 40 / 8 / 10 = 63; 张明 1001 declared P1,
李华 1002 declared P1 (counted for P3 as a suggestion), 王芳 1003 declared P2.
"""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.conftest import DATA
from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.services import stages
from app.services.ballot_checks import PaperCount, paper_counts
from app.services.ballots import list_ballots
from app.services.campaign_io import import_campaign
from app.services.recommendation import counts, presence
from app.services.scores import clear_speech_score
from app.ui.tabs.recommendation import RecommendationTab
from app.ui.tabs.recommendation_model import PairModel
from app.services.store import Changed
from app.ui.table import UNSAVED_ROLE
from app.ui.workbench import Change, Workbench


@pytest.fixture
def ballot_store(empty_store):
    """small.json with no typed 局领导 counts: that group is counted from paper ballots (唱票)."""
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["recommendation"]["counts"] = [c | {"leaders": 0} for c in doc["recommendation"]["counts"]]
    import_campaign(empty_store, doc)
    return empty_store


def make_tab(qtbot, store):
    bench = Workbench(store)
    messages = []
    bench.message.connect(lambda text, error: messages.append((text, error)))
    tab = RecommendationTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)              # drawn when first shown
    return tab, bench, messages


def type_cell(qtbot, view, index, text):
    """Type into a cell like a clerk: the first key opens the editor, Enter saves and moves on."""
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, text[0])
    editor = view.indexWidget(index)
    assert editor is not None, "typing did not open the cell editor"
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    QApplication.processEvents()       # the delegate commits and closes on the event loop


def cell(model, row, col):
    return model.data(model.index(row, col))


def row_of(tab, person, post):
    row = tab.pair_model.find(person, post)
    assert row >= 0
    return row


# -- presence and papers -----------------------------------------------------------------------------

def test_presence_is_saved_at_once_refused_when_malformed_and_undone(qtbot, small_store):
    tab, bench, messages = make_tab(qtbot, small_store)
    view, model = tab.paper_view, tab.paper_model
    type_cell(qtbot, view, model.index(0, 0), "6")                 # 到会人数 × 局领导
    assert presence(small_store)["leaders"] == 6
    assert view.currentIndex().row() == 0 and view.currentIndex().column() == 1   # Enter moved right
    # Σ到会 63 → 64: 张明 → 办公室科长 48/64 = 0.750
    assert cell(tab.pair_model, row_of(tab, "1001", "P1"), PairModel.COL_RATE) == "0.750"

    type_cell(qtbot, view, model.index(0, 1), "4x")                 # refused: not a whole number
    assert presence(small_store)["staff"] == 40
    assert messages[-1] == ("其他行政编制人员到会人数：“4x” 不是整数", True)
    assert view.currentIndex().column() == 1                         # the cursor stays on the refused cell
    assert cell(model, 0, 1) == "4x"                                 # what was typed stays, marked 未保存
    assert model.index(0, 1).data(UNSAVED_ROLE) == "输入有误，未保存"
    type_cell(qtbot, view, model.index(0, 1), "40")                  # corrected: the stored 40 again
    assert cell(model, 0, 1) == "40" and model.index(0, 1).data(UNSAVED_ROLE) is None

    bench.undo()
    assert presence(small_store)["leaders"] == 5
    assert cell(tab.pair_model, row_of(tab, "1001", "P1"), PairModel.COL_RATE) == "0.762"
    assert messages[-1] == ("已撤销：局领导到会人数：6", False)


def test_paper_counts_are_cross_checked(qtbot, small_store):
    tab, bench, messages = make_tab(qtbot, small_store)
    view, model = tab.paper_view, tab.paper_model
    issued, returned, check = (model.row_of(k) for k in ("issued", "returned", "check"))
    type_cell(qtbot, view, model.index(issued, 0), "5")            # 发出 5
    type_cell(qtbot, view, model.index(returned, 0), "6")          # 收回 6 > 发出, ≠ 到会 5
    assert paper_counts(small_store)["leaders"] == PaperCount(issued=5, returned=6)
    assert cell(model, check, 0) == "⚠ 2 项"
    assert "局领导：收回 6 张，多于发出 5 张" in tab.checks.text()
    assert "局领导：收回 6 张，多于到会 5 人" in tab.checks.text()
    type_cell(qtbot, view, model.index(returned, 0), "5")
    assert cell(model, check, 0) == "✓"
    assert "局领导" not in tab.checks.text()


# -- count mode ----------------------------------------------------------------------------------------

def test_count_mode_typing_updates_the_rate_refuses_too_many_and_undoes(qtbot, small_store):
    tab, bench, messages = make_tab(qtbot, small_store)
    qtbot.mouseClick(tab.count_mode, Qt.MouseButton.LeftButton)
    model, view = tab.pair_model, tab.pair_view
    row = row_of(tab, "1001", "P1")
    leaders = model.index(row, PairModel.COL_GROUP)
    assert cell(model, row, PairModel.COL_RATE) == "0.762"         # (4+30+6+8)/63

    type_cell(qtbot, view, leaders, "5")
    assert counts(small_store)[("1001", "P1")]["leaders"] == 5
    assert cell(model, row, PairModel.COL_SUM) == "49"
    assert cell(model, row, PairModel.COL_RATE) == "0.778"         # 49/63
    assert view.currentIndex().row() == row + 1                     # Enter moved down the column

    type_cell(qtbot, view, leaders, "6")                            # only 5 leaders present
    assert counts(small_store)[("1001", "P1")]["leaders"] == 5
    assert messages[-1][1] and "到会 5 人" in messages[-1][0] and "张明" in messages[-1][0]
    assert view.currentIndex() == leaders and leaders.data(UNSAVED_ROLE) == "输入有误，未保存"
    qtbot.keyClick(view, Qt.Key.Key_Delete)                         # Del gives up the typed 6
    assert cell(model, row, PairModel.COL_GROUP) == "5" and leaders.data(UNSAVED_ROLE) is None

    bench.undo()
    assert counts(small_store)[("1001", "P1")]["leaders"] == 4
    assert cell(model, row, PairModel.COL_RATE) == "0.762"
    assert cell(model, row, PairModel.COL_LINE) == "达到"


def test_count_mode_adds_a_row_for_a_suggested_post(qtbot, small_store):
    tab, bench, messages = make_tab(qtbot, small_store)
    qtbot.mouseClick(tab.count_mode, Qt.MouseButton.LeftButton)
    tab.pair_view.setCurrentIndex(tab.pair_model.index(row_of(tab, "1003", "P2"), 0))
    qtbot.keyClicks(tab.add_post, "p1")
    qtbot.keyClick(tab.add_post, Qt.Key.Key_Return)
    row = row_of(tab, "1003", "P1")
    assert cell(tab.pair_model, row, PairModel.COL_KIND) == "建议"
    assert cell(tab.pair_model, row, PairModel.COL_LINE) == "未达到"
    assert tab.pair_view.currentIndex().row() == row
    staff = tab.pair_model.index(row, PairModel.COL_GROUP + 1)
    type_cell(qtbot, tab.pair_view, staff, "21")                   # with her 25 for P2: 46 > 40 present
    assert ("1003", "P1") not in counts(small_store)
    assert "该人员各岗位推荐数合计 46 超过到会人数 40" in messages[-1][0]
    for group, n in ((1, "15"), (2, "4"), (3, "2")):               # 其他行政 15, 事业单位 4, 县局长 2
        type_cell(qtbot, tab.pair_view, tab.pair_model.index(row, PairModel.COL_GROUP + group), n)
    assert counts(small_store)[("1003", "P1")] == {"staff": 15, "unit_heads": 4, "county_chiefs": 2}
    assert cell(tab.pair_model, row, PairModel.COL_RATE) == "0.333"
    assert cell(tab.pair_model, row, PairModel.COL_LINE) == "达到"      # 21/63 is exactly 1/3: 以上 includes it

    qtbot.keyClicks(tab.add_post, "P2")                             # her declared post: already there
    qtbot.keyClick(tab.add_post, Qt.Key.Key_Return)
    assert messages[-1] == ("P2 是王芳申报的岗位，已在表中", True)


# -- 唱票 ---------------------------------------------------------------------------------------------

def test_a_ballot_with_a_suggested_post_is_keyed_and_saved_with_enter(qtbot, ballot_store):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    view, form = tab.ballot_panel.view, tab.ballot_panel.form
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F1)
    assert tab.ballot_panel.group() == "leaders"
    assert [c[1] for c in form.candidates] == ["张明", "李华", "王芳"]
    before = cell(tab.pair_model, row_of(tab, "1002", "P3"), PairModel.COL_RATE)
    assert before == "0.238"                                          # (0+10+2+3)/63

    qtbot.keyClick(view, "1")                                         # 张明: 同意 P1
    assert view.currentIndex().row() == 1
    qtbot.keyClicks(view, "p3")                                       # 李华: 建议 P3 (any case)
    assert form.marks["1002"] == Mark(SUGGEST, "P3")
    assert view.currentIndex().row() == 2
    qtbot.keyClick(view, Qt.Key.Key_Space)                            # 王芳: 空白
    qtbot.keyClick(view, Qt.Key.Key_Return)                           # Enter on the last one saves

    saved = list_ballots(ballot_store)
    assert [(b.serial, b.group) for b in saved] == [(1, "leaders")]
    assert saved[0].marks == {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)}
    assert "第 1 张已保存" in tab.ballot_panel.status.text()
    assert form.marks == {} and view.currentIndex().row() == 0       # a fresh paper
    row = row_of(tab, "1002", "P3")
    assert cell(tab.pair_model, row, PairModel.COL_GROUP) == "1"
    assert cell(tab.pair_model, row, PairModel.COL_RATE) == "0.254"   # 16/63
    assert cell(tab.paper_model, tab.paper_model.row_of("entered"), 0) == "1"   # 已录入 1 张
    assert tab.ballot_panel.group_status.text() == "已唱 1 张 / 到会 5 人"


def test_suggesting_the_declared_post_is_refused_and_kept_for_correction(qtbot, ballot_store):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    panel, view, form = tab.ballot_panel, tab.ballot_panel.view, tab.ballot_panel.form
    view.setFocus()
    qtbot.keyClicks(view, "P1")                                       # 张明 declared P1: not a suggestion
    assert "请按“无效”录入" in panel.status.text()
    qtbot.keyClick(view, "2")                                         # 李华 declared one post only
    assert "李华只申报了一个岗位" in messages[-1][0]
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert list_ballots(ballot_store) == []
    assert "此票对该人无效" in messages[-1][0] and messages[-1][1]
    assert form.marks["1001"] == Mark(SUGGEST, "P1")                  # still on screen
    assert view.currentIndex().row() == 0                             # the cursor is on the wrong mark
    qtbot.keyClick(view, "*")                                         # key it as 无效
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert list_ballots(ballot_store)[0].marks["1001"] == Mark(INVALID)


def test_undo_of_the_last_ballot_asks_and_discards_it(qtbot, ballot_store, monkeypatch):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    view = tab.ballot_panel.view
    view.setFocus()
    for keys in ("111", "1p31"):                                      # two papers, each saved by Enter
        qtbot.keyClicks(view, keys)
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert [b.serial for b in list_ballots(ballot_store)] == [1, 2]
    row = row_of(tab, "1002", "P3")
    assert cell(tab.pair_model, row, PairModel.COL_GROUP) == "1"

    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    qtbot.keyClick(view, Qt.Key.Key_Backspace, Qt.KeyboardModifier.ControlModifier)
    assert asked[0].startswith("撤销局领导第 2 张选票（序号 2，王敏 录入）？")
    assert len(list_ballots(ballot_store)) == 2                         # answered 否: nothing undone

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    qtbot.mouseClick(tab.ballot_panel.undo_button, Qt.MouseButton.LeftButton)
    assert [b.serial for b in list_ballots(ballot_store)] == [1]
    assert [b.status for b in list_ballots(ballot_store, include_discarded=True)] == ["valid", "discarded"]
    assert cell(tab.pair_model, row, PairModel.COL_GROUP) == "0"
    assert "第 2 张已撤销" in tab.ballot_panel.status.text()


def test_a_locked_stage_refuses_a_ballot_at_the_first_key(qtbot, ballot_store):
    stages.advance(ballot_store, "recommendation", "jd2026")
    stages.advance(ballot_store, "recommendation", "jd2026")                    # confirmed → locked
    tab, bench, messages = make_tab(qtbot, ballot_store)
    view = tab.ballot_panel.view
    view.setFocus()
    qtbot.keyClick(view, "1")
    assert "已锁定" in messages[-1][0] and messages[-1][1]
    assert tab.ballot_panel.form.marks == {} and view.currentIndex().row() == 0   # no mark taken
    assert "已锁定" in tab.ballot_panel.status.text()
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)   # a save says so too
    assert list_ballots(ballot_store) == []
    assert "已锁定" in messages[-1][0] and "未保存" in tab.ballot_panel.status.text()


def test_a_group_typed_in_count_mode_refuses_ballots(qtbot, small_store):
    tab, bench, messages = make_tab(qtbot, small_store)
    view = tab.ballot_panel.view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F2)
    assert tab.ballot_panel.group_box.currentText() == "F2 其他行政编制人员（已按计数录入）"
    qtbot.keyClicks(view, "1")                                          # refused at the first key
    assert "已按“计数”方式录入" in messages[-1][0] and tab.ballot_panel.form.marks == {}
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert list_ballots(small_store) == []
    assert "已按“计数”方式录入" in messages[-1][0]


def test_rates_are_computed_even_while_other_stages_are_incomplete(qtbot, small_store):
    for judge in ("J01", "J02", "J03"):                                # 王芳's speech: 4 scores, 5 needed
        clear_speech_score(small_store, "1003", judge)
    tab, bench, messages = make_tab(qtbot, small_store)
    row = row_of(tab, "1001", "P1")
    assert cell(tab.pair_model, row, PairModel.COL_RATE) == "0.762"
    assert cell(tab.pair_model, row, PairModel.COL_SCORE) == "77.250"
    assert cell(tab.pair_model, row_of(tab, "1002", "P3"), PairModel.COL_LINE) == "未达到"   # 17/63 < 1/3


def test_table_models_pass_the_model_tester(qtmodeltester, qtbot, ballot_store):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    qtmodeltester.check(tab.pair_model)
    qtmodeltester.check(tab.paper_model)
    tab.ballot_panel.form.marks["1001"] = Mark(SUGGEST, "P1")
    qtmodeltester.check(tab.ballot_panel.form)


def test_the_tab_redraws_only_for_what_it_shows(qtbot, small_store, monkeypatch):
    tab, bench, messages = make_tab(qtbot, small_store)
    drawn = []
    monkeypatch.setattr(tab, "refresh", lambda: drawn.append(1))
    for flags in (Changed.SPEECH, Changed.SELECTION, Changed.PROJECTOR):
        bench.changed.emit(Change(flags))
    assert drawn == []
    bench.changed.emit(Change(Changed.BALLOTS))                        # another laptop's ballot
    assert drawn == [1]
    bench.changed.emit(Change(Changed.BALLOTS, tab.pair_model))         # a count typed here: shown already
    assert drawn == [1]
