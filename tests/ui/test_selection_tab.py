"""8 双向选择: picks typed on office rows, passes, closing a round, signatures, refused before publication."""

import pytest
from PySide6.QtCore import Qt

from app.services import selection
from app.ui.table import UNSAVED_ROLE
from app.ui.tabs.selection_model import OfficeModel
from tests.ui.keys import open_selection_tab, type_on_office_row


from tests.selection_setup import make_store  # noqa: E402  (shared set-up)


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    selection.set_choice(s, "2001", "staff", ["P1"])
    selection.set_choice(s, "2003", "staff", ["P1", "P2"])
    selection.set_choice(s, "3001", "business", ["P2"])
    yield s
    s.close()


def open_tab(qtbot, store):
    return open_selection_tab(qtbot, store)


def type_on_row(qtbot, tab, row, text):
    type_on_office_row(qtbot, tab, row, text)


def cell(tab, row, col):
    return tab.offices.index(row, col).data()


def test_pick_by_typing_the_id_and_enter(qtbot, store):
    tab, messages = open_tab(qtbot, store)
    assert tab.header.text() == "科员定岗 第 1 轮"
    assert [r.office for r in tab.offices.rows()] == ["办公室", "财务科"]
    assert [r.id for r in tab.persons.rows()] == ["1002", "2001", "2002", "2003"]   # 1002 lost the 科长 contest
    type_on_row(qtbot, tab, 1, "2003")
    state = selection.load_state(store)
    assert state.placement_of("2003").office == "P2"
    assert cell(tab, 1, OfficeModel.ROUND_COL) == "2003 孙三"
    assert cell(tab, 1, 3) == "2/1"
    assert "2003" not in [r.id for r in tab.persons.rows()]
    assert messages[-1] == ("已保存：财务科 第1轮选择 2003", False)
    assert tab.view.currentIndex().row() == 0          # moved on to the 科 that has yet to choose


def test_refused_pick_keeps_the_table_and_shows_why(qtbot, store):
    tab, messages = open_tab(qtbot, store)
    before = [r for r in tab.offices.rows()]
    type_on_row(qtbot, tab, 0, "2002")                  # 2002 declared nothing
    assert messages[-1][1] is True and "2002 未申报 P1" in messages[-1][0]
    assert tab.offices.rows() == before
    # the typed 编号 stays in its cell, marked 未保存, until it is corrected or given up (Del)
    index = tab.offices.index(0, OfficeModel.ROUND_COL)
    assert index.data() == "2002" and index.data(UNSAVED_ROLE) == "输入有误，未保存"
    assert tab.view.currentIndex().row() == 0
    assert selection.load_state(store).placements == ()
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert cell(tab, 0, OfficeModel.ROUND_COL) == "—" and index.data(UNSAVED_ROLE) is None


def test_pass_then_close_round_and_sign(qtbot, store):
    tab, messages = open_tab(qtbot, store)
    type_on_row(qtbot, tab, 0, "0")                     # 0 + Enter = 放弃
    assert cell(tab, 0, OfficeModel.ROUND_COL) == "放弃"
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "尚未选择或放弃：P2" in messages[-1][0] and messages[-1][1]   # refused: 财务科 has not acted
    assert selection.load_state(store).round_no == 1
    tab.view.setCurrentIndex(tab.offices.index(1, 0))
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert cell(tab, 1, OfficeModel.ROUND_COL) == "放弃"
    tab.chief_button.click()
    assert "科长✓" in cell(tab, 1, 5)
    tab.person_button.click()                           # a pass has no person to sign
    assert "无被选人员签字" in messages[-1][0]
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert selection.load_state(store).round_no == 2
    assert tab.header.text() == "科员定岗 第 2 轮"
    assert cell(tab, 0, OfficeModel.ROUND_COL) == "—"
    tab.end_button.click()
    assert tab.header.text() == "事业人员补充 第 1 轮"
    assert [r.id for r in tab.persons.rows()] == ["3001"]


def test_pick_and_both_signatures(qtbot, store):
    tab, messages = open_tab(qtbot, store)
    type_on_row(qtbot, tab, 0, "2001")
    assert cell(tab, 0, 6) == "赵一（保留）"
    tab.view.setCurrentIndex(tab.offices.index(0, 0))
    tab.chief_button.click()
    tab.person_button.click()
    assert cell(tab, 0, 5) == "科长✓ 本人✓"
    assert not [m for m in messages if m[1]]


def test_models_pass_the_model_tester(qtbot, qtmodeltester, store):
    tab, _ = open_tab(qtbot, store)
    qtmodeltester.check(tab.offices)
    qtmodeltester.check(tab.persons)


def test_refused_before_publication(qtbot, tmp_path):
    s = make_store(tmp_path, publish=False)
    tab, _ = open_tab(qtbot, s)
    assert tab.stack.currentWidget() is tab.refused
    assert "尚未公布" in tab.refused.text()
    assert tab.offices.rowCount() == 0
    s.close()


def test_screenshot(qtbot, store):
    tab, _ = open_tab(qtbot, store)
    type_on_row(qtbot, tab, 0, "2001")
    tab.grab().save("/tmp/selection.png")


def test_pick_is_undone_with_the_undo_stack(qtbot, store):
    tab, messages = open_tab(qtbot, store)
    type_on_row(qtbot, tab, 1, "2003")
    assert cell(tab, 1, OfficeModel.ROUND_COL) == "2003 孙三"
    tab.bench.undo()
    assert cell(tab, 1, OfficeModel.ROUND_COL) == "—"
    assert selection.load_state(store).placement_of("2003") is None
    assert "2003" in [r.id for r in tab.persons.rows()]
    assert messages[-1] == ("已撤销：财务科 第1轮选择 2003", False)
    tab.bench.redo()
    assert cell(tab, 1, OfficeModel.ROUND_COL) == "2003 孙三"


def test_leaders_placement_button(qtbot, store, monkeypatch):
    tab, messages = open_tab(qtbot, store)
    monkeypatch.setattr(tab, "ask_leaders_placement", lambda: ("2003", "P2"))
    tab.leaders_button.click()
    assert not [m for m in messages if m[1]]
    assert selection.load_state(store).placement_of("2003").office == "P2"
    assert "2003" not in [r.id for r in tab.persons.rows()]
