"""Tab 1 人员名单 on the one write path (issue 12): a dialog whose save failed (full disk, read-only
file, a conflict) stays open with what was typed, says why and counts as 未保存 until a retry saves
it; people and posts are added, edited and deleted against the version the clerk saw, so two laptops
never overwrite each other silently, and undo/redo refuse to undo the other laptop's correction."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.roster import RosterPerson
from app.services.roster import list_people, list_posts, save_person, save_post
from app.ui.tabs.roster import RosterTab
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.ui.keys import ime
from tests.ui.laptops import activate, second_laptop, show

CTRL = Qt.KeyboardModifier.ControlModifier


def people(store) -> dict[str, RosterPerson]:
    return {p.id: p for p, _ in list_people(store)}


def make_tab(qtbot, bench) -> RosterTab:
    tab = show(qtbot, RosterTab, bench)
    tab.people_view.setFocus()
    return tab


@pytest.fixture
def tab(qtbot, bench) -> RosterTab:
    return make_tab(qtbot, bench)


@pytest.fixture
def second(qtbot, small_store):
    """乙: a second laptop on the same campaign file, operator 李强."""
    with second_laptop(small_store.location) as (bench, _):
        yield make_tab(qtbot, bench)


def select(tab: RosterTab, person_id: str) -> None:
    row = tab.people.row_of(person_id)
    tab.people_view.setFocus()
    tab.people_view.setCurrentIndex(tab.proxy.mapFromSource(tab.people.index(row, 0)))


def edit_office(qtbot, tab, person_id: str, office: str):
    """Enter on the person, type the 原科室, Enter: the dialog (still open if the save failed)."""
    select(tab, person_id)
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Return)
    dialog = tab.person_dialog
    dialog.former_office.clear()
    ime(dialog.former_office, office)
    qtbot.keyClick(dialog.former_office, Qt.Key.Key_Return)
    return dialog


# -- faults while saving ------------------------------------------------------------------------------

@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_new_person_not_saved_keeps_the_dialog_open(qtbot, tab, bench, messages, fault, cause):
    qtbot.keyClick(tab.people_view, Qt.Key.Key_N, CTRL)
    dialog = tab.person_dialog
    qtbot.keyClicks(dialog.id, "1004")
    ime(dialog.name, "赵强")
    qtbot.keyClicks(dialog.appraisal[0], "91.5")
    with failing_writes(bench.store, fault):
        qtbot.keyClick(dialog.appraisal[0], Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.id.text() == "1004" and dialog.name.text() == "赵强"
    assert dialog.appraisal[0].text() == "91.5"
    assert dialog.error.text().startswith(f"新增人员 1004 赵强 没有保存：{cause}")
    assert messages[-1][1] and messages[-1][0] == dialog.error.text()
    assert "1004" not in people(bench.store)
    assert list(bench.unsaved.values()) == ["新增人员 1004 赵强"]
    qtbot.keyClick(dialog.appraisal[0], Qt.Key.Key_Return)             # the fault is gone: Enter saves
    assert not dialog.isVisible() and people(bench.store)["1004"].name == "赵强"
    assert bench.unsaved == {} and messages[-1] == ("已保存：新增人员 1004 赵强", False)
    assert tab.current_row().person.id == "1004"
    assert bench.store.verify().ok


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_an_edit_not_saved_keeps_the_dialog_and_cancel_gives_it_up(qtbot, tab, bench, fault, cause):
    with failing_writes(bench.store, fault):
        dialog = edit_office(qtbot, tab, "1002", "财务科")
    assert dialog.isVisible() and dialog.former_office.text() == "财务科"
    assert dialog.error.text().startswith(f"编辑人员 1002 李华 没有保存：{cause}")
    assert list(bench.unsaved.values()) == ["编辑人员 1002 李华"]
    qtbot.keyClick(dialog.former_office, Qt.Key.Key_Escape)            # the clerk gives it up
    assert not dialog.isVisible() and bench.unsaved == {}
    assert people(bench.store)["1002"].former_office is None
    assert bench.store.verify().ok


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_delete_not_saved_keeps_the_reason_dialog_open(qtbot, tab, bench, fault, cause):
    save_person(bench.store, RosterPerson(id="1009", name="孙丽"))
    tab.refresh()
    select(tab, "1009")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Delete)
    dialog = tab.reason_dialog
    ime(dialog.reason, "重复录入")
    with failing_writes(bench.store, fault):
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.reason.text() == "重复录入"
    assert dialog.error.text().startswith(f"删除人员 1009 孙丽 没有保存：{cause}")
    assert "1009" in people(bench.store)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible() and "1009" not in people(bench.store) and bench.unsaved == {}
    assert bench.store.verify().ok


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_post_not_saved_keeps_the_dialog_open(qtbot, tab, bench, fault, cause):
    qtbot.keyClick(tab.people_view, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = tab.post_dialog
    qtbot.keyClicks(dialog.id, "P4")
    ime(dialog.name, "人事科科长")
    with failing_writes(bench.store, fault):
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.name.text() == "人事科科长"
    assert dialog.error.text().startswith(f"新增岗位 P4 人事科科长 没有保存：{cause}")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert not dialog.isVisible() and {p.id for p in list_posts(bench.store)} == {"P1", "P2", "P3", "P4"}
    assert tab.posts.row_of("P4") is not None and bench.unsaved == {}
    assert bench.store.verify().ok


# -- two laptops ----------------------------------------------------------------------------------------

def test_undo_after_the_other_laptop_corrected_it_is_a_conflict(qtbot, tab, bench, messages, second):
    edit_office(qtbot, tab, "1002", "财务科")
    second.refresh()
    edit_office(qtbot, second, "1002", "法规科")
    assert not bench.undo()
    assert people(bench.store)["1002"].former_office == "法规科"
    assert messages[-1][1] and "不能撤销：人员 1002 李华 已被 李强" in messages[-1][0]
    assert tab.people.index(tab.people.row_of("1002"), 8).data() == "法规科"


def test_undo_then_redo_after_the_other_laptop_changed_it_is_a_conflict(qtbot, tab, bench, messages, second):
    edit_office(qtbot, tab, "1002", "财务科")
    assert bench.undo() and people(bench.store)["1002"].former_office is None
    second.refresh()
    edit_office(qtbot, second, "1002", "法规科")
    assert not bench.redo()
    assert people(bench.store)["1002"].former_office == "法规科"
    assert "不能重做：人员 1002 李华 已被 李强" in messages[-1][0]


def test_an_edit_over_the_other_laptops_edit_is_refused_in_the_dialog(qtbot, tab, bench, second):
    select(tab, "1002")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Return)                 # 甲 opens 李华 …
    dialog = tab.person_dialog
    edit_office(qtbot, second, "1002", "法规科")                        # … 乙 saves an edit meanwhile
    ime(dialog.former_office, "财务科")
    qtbot.keyClick(dialog.former_office, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.former_office.text() == "财务科"
    assert "人员 1002 李华 已被 李强" in dialog.error.text() and "您的修改未保存" in dialog.error.text()
    assert people(bench.store)["1002"].former_office == "法规科"
    assert tab.people.index(tab.people.row_of("1002"), 8).data() == "法规科"     # 甲's table shows it now


def test_both_add_the_same_number_the_second_is_told(qtbot, tab, bench, second):
    activate(qtbot, tab)
    qtbot.keyClick(tab.people_view, Qt.Key.Key_N, CTRL)
    dialog = tab.person_dialog
    qtbot.keyClicks(dialog.id, "1004")
    ime(dialog.name, "赵强")
    save_person(second.bench.store, RosterPerson(id="1004", name="钱进"), expected_version=0)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert dialog.isVisible() and "编号 1004 已有“钱进”（李强 于" in dialog.error.text()
    assert people(bench.store)["1004"].name == "钱进"


def test_deleting_a_person_the_other_laptop_changed_is_refused(qtbot, tab, bench, second):
    save_person(bench.store, RosterPerson(id="1009", name="孙丽"))
    tab.refresh()
    select(tab, "1009")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Delete)
    dialog = tab.reason_dialog
    second.refresh()
    edit_office(qtbot, second, "1009", "办公室")
    ime(dialog.reason, "重复录入")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert dialog.isVisible() and "人员 1009 孙丽 已被 李强" in dialog.error.text()
    assert people(bench.store)["1009"].former_office == "办公室"


def test_a_post_edit_over_the_other_laptops_edit_is_refused(qtbot, tab, bench, second):
    tab.posts_view.setFocus()
    tab.posts_view.setCurrentIndex(tab.posts.index(tab.posts.row_of("P2"), 0))
    qtbot.keyClick(tab.posts_view, Qt.Key.Key_Return)
    dialog = tab.post_dialog
    post = {p.id: p for p in list_posts(bench.store)}["P2"]
    save_post(second.bench.store, "P2", "财务审计科科长", expected_version=post.version)
    dialog.seats.clear()
    qtbot.keyClicks(dialog.seats, "2")
    qtbot.keyClick(dialog.seats, Qt.Key.Key_Return)
    assert dialog.isVisible() and "岗位 P2 财务审计科科长 已被 李强" in dialog.error.text()
    assert {p.id: (p.name, p.seats) for p in list_posts(bench.store)}["P2"] == ("财务审计科科长", 1)


def test_a_post_is_deleted_with_a_reason_and_undone(qtbot, tab, bench, messages):
    save_post(bench.store, "P9", "临时岗位")
    tab.refresh()
    tab.posts_view.setFocus()
    tab.posts_view.setCurrentIndex(tab.posts.index(tab.posts.row_of("P9"), 0))
    qtbot.keyClick(tab.posts_view, Qt.Key.Key_Delete)
    dialog = tab.reason_dialog
    ime(dialog.reason, "建错")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert "P9" not in {p.id for p in list_posts(bench.store)} and tab.posts.row_of("P9") is None
    assert messages[-1] == ("已保存：删除岗位 P9 临时岗位", False)
    assert bench.undo() and "P9" in {p.id for p in list_posts(bench.store)}
    tab.posts_view.setCurrentIndex(tab.posts.index(tab.posts.row_of("P1"), 0))
    qtbot.keyClick(tab.posts_view, Qt.Key.Key_Delete)                 # declared: refused before any reason
    assert messages[-1] == ("岗位 办公室科长（P1）已有报岗或推荐记录，不能删除", True)
