"""8 双向选择: the clerk types each person's 申报科室 in the tab (岗位编号 or 科室 name), Enter saves and
moves down, Delete removes, Ctrl+Z undoes; refused texts name the person and the problem; closed once the
phase has its first move."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services import selection
from app.services.store import StoreError
from app.ui.tabs.selection_model import OfficeModel, PersonModel, office_codes
from tests.selection_setup import make_store
from tests.ui.keys import open_selection_tab, type_in_cell

DECLARED = PersonModel.DECLARED_COL


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    yield s
    s.close()


def open_tab(qtbot, store):
    tab, messages = open_selection_tab(qtbot, store)
    return tab, tab.bench, messages


def declared(tab):
    return {tab.persons.index(i, 0).data(): tab.persons.index(i, DECLARED).data()
            for i in range(tab.persons.rowCount())}


def test_office_codes_by_id_name_case_and_fullwidth():
    offices = {"P1": "办公室", "P2": "财务科"}
    assert office_codes("p1 财务科", offices) == ["P1", "P2"]
    assert office_codes("Ｐ２、办公室", offices) == ["P2", "P1"]
    assert office_codes("P9", offices) == ["P9"]          # kept as typed: the service names it
    assert office_codes("", offices) == []


def test_type_declarations_enter_moves_down(qtbot, store):
    tab, _, messages = open_tab(qtbot, store)
    # 1002 李华 competed for 科长 and was not placed: a 科员 of the rounds now.
    assert [r.id for r in tab.persons.rows()] == ["1002", "2001", "2002", "2003"]
    assert "4 人未申报" in tab.person_title.text()
    assert declared(tab) == {"1002": "未申报", "2001": "未申报", "2002": "未申报", "2003": "未申报"}

    tab.view.setFocus()                                   # on the office table
    qtbot.keyClick(tab.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # Ctrl+D: first undeclared
    assert tab.person_view.hasFocus()
    assert (tab.person_view.currentIndex().row(), tab.person_view.currentIndex().column()) == (0, DECLARED)

    type_in_cell(qtbot, tab.person_view, "p1")
    assert tab.person_view.currentIndex().row() == 1                            # Enter moved down
    type_in_cell(qtbot, tab.person_view, "财务科、办公室")                          # by 科室 name, through the IME
    type_in_cell(qtbot, tab.person_view, "P2 p1")
    assert not [m for m in messages if m[1]], messages
    assert declared(tab) == {"1002": "办公室", "2001": "财务科、办公室", "2002": "财务科、办公室", "2003": "未申报"}
    assert selection.choices(store) == {"1002": ("P1",), "2001": ("P2", "P1"), "2002": ("P2", "P1")}
    assert "1 人未申报" in tab.person_title.text()

    # Ctrl+Z takes the last one back, Ctrl+Y puts it again.
    tab.bench.undo()
    assert selection.choices(store).get("2002") is None
    tab.bench.redo()
    assert selection.choices(store)["2002"] == ("P2", "P1")

    # The offices show their 岗位编号, so the clerk can read off what to type.
    assert [tab.offices.index(r, 0).data() for r in range(tab.offices.rowCount())] == ["P1", "P2"]
    assert OfficeModel.COLUMNS[0].header == "编号"


def test_refused_declaration_names_the_person_and_stores_nothing(qtbot, store):
    tab, _, messages = open_tab(qtbot, store)
    tab.focus_declarations()
    type_in_cell(qtbot, tab.person_view, "P3")            # 法规科 has no 科长 (vacant): not an office
    assert messages[-1][1]
    assert "李华（1002）" in messages[-1][0] and "P3" in messages[-1][0]
    type_in_cell(qtbot, tab.person_view, "p1 P1")
    assert "重复" in messages[-1][0] and messages[-1][1]
    assert selection.choices(store) == {}
    assert tab.person_view.currentIndex().row() == 0      # stays on the refused row


def test_delete_removes_and_undo_restores(qtbot, store):
    selection.set_choice(store, "2002", "staff", ["P2"])
    tab, _, _ = open_tab(qtbot, store)
    tab.person_view.setFocus()
    tab.person_view.go_to(2, DECLARED)
    qtbot.keyClick(tab.person_view, Qt.Key.Key_Delete)
    assert "2002" not in selection.choices(store)
    assert declared(tab)["2002"] == "未申报"
    tab.bench.undo()
    assert selection.choices(store)["2002"] == ("P2",)


def test_typing_on_the_name_goes_to_the_declared_cell(qtbot, store):
    tab, _, _ = open_tab(qtbot, store)
    tab.person_view.setFocus()
    tab.person_view.setCurrentIndex(tab.persons.index(1, 1))
    type_in_cell(qtbot, tab.person_view, "p2")
    assert selection.choices(store)["2001"] == ("P2",)


def test_declarations_close_when_the_phase_starts(qtbot, store):
    selection.set_choice(store, "2001", "staff", ["P1"])
    tab, _, messages = open_tab(qtbot, store)
    assert tab.persons.flags(tab.persons.index(1, DECLARED)) & Qt.ItemFlag.ItemIsEditable
    selection.pick(store, 1, "P1", "2001")
    tab.refresh()
    assert not tab.persons.flags(tab.persons.index(1, DECLARED)) & Qt.ItemFlag.ItemIsEditable
    assert "申报已截止" in tab.person_title.text()
    assert declared(tab)["2002"] == ""                    # no longer "未申报" in red: nothing to enter
    with pytest.raises(StoreError, match="已开始"):
        selection.clear_choice(store, "2001")
    QApplication.processEvents()
