"""8 双向选择 on the one write path (issue 12): faults while typing, two laptops on one file, and 撤销 / 重做
checked by the selection's own rules.

tests/selection_setup.py: 科长 1001 at P1 (办公室, 核定 1), 1003 at P2 (财务科, 核定 2); 科员 2001 赵一 (原办公室),
2002 钱二 (原财务科), 2003 孙三; 事业人员 3001 周四 (原财务科). Declared: 2001 → P1, 2003 → P1 P2, 3001 → P2.
"""

from __future__ import annotations

import pytest

from app.services import selection, stages
from app.services.selection_grid import selection_view
from app.services.store import Changed, Store
from app.ui.table import UNSAVED_ROLE
from app.ui.tabs.selection_model import OfficeModel, PersonModel
from app.ui.workbench import Workbench
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.selection_setup import make_store
from tests.ui.keys import open_selection_tab, retry_cell, type_in_cell, type_on_office_row

FAULTS = [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读（没有写入权限）")]


def declare(store):
    selection.set_choice(store, "2001", "staff", ["P1"])
    selection.set_choice(store, "2003", "staff", ["P1", "P2"])
    selection.set_choice(store, "3001", "business", ["P2"])


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    declare(s)
    yield s
    s.close()


@pytest.fixture
def laptops(tmp_path, qapp):
    a = make_store(tmp_path)
    declare(a)
    b = Store.open(a.location, operator="李强")
    benches = Workbench(a, poll_ms=0), Workbench(b, poll_ms=0)
    yield benches
    a.close()
    b.close()


def said(bench):
    seen: list[tuple[str, bool]] = []
    bench.message.connect(lambda text, err: seen.append((text, err)))
    return seen


# -- faults while typing ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fault, cause", FAULTS)
def test_a_pick_not_saved_stays_typed_and_marked(qtbot, store, fault, cause):
    tab, messages = open_selection_tab(qtbot, store)
    with failing_writes(store, fault):
        type_on_office_row(qtbot, tab, 1, "2003")                         # 财务科 picks 孙三
    cell = tab.offices.index(1, OfficeModel.ROUND_COL)
    assert selection.load_state(store).placement_of("2003") is None
    assert messages[-1] == (f"财务科 第1轮选择 2003 没有保存：{cause}", True)
    assert cell.data() == "2003" and cause.startswith(cell.data(UNSAVED_ROLE))
    assert tab.view.currentIndex().row() == 1                             # the cursor stayed
    assert list(tab.bench.unsaved.values()) == ["财务科 第1轮的选择 2003"]
    assert retry_cell(qtbot, tab.view) == "2003"                               # the fault is gone: saved
    assert selection.load_state(store).placement_of("2003").office == "P2"
    assert cell.data() == "2003 孙三" and cell.data(UNSAVED_ROLE) is None and tab.bench.unsaved == {}
    assert store.verify().ok


@pytest.mark.parametrize("fault, cause", FAULTS)
def test_a_declaration_not_saved_stays_typed_and_marked(qtbot, store, fault, cause):
    tab, messages = open_selection_tab(qtbot, store)
    row = next(i for i, r in enumerate(tab.persons.rows()) if r.id == "2002")
    tab.person_view.setFocus()
    tab.person_view.go_to(row, PersonModel.DECLARED_COL)
    with failing_writes(store, fault):
        type_in_cell(qtbot, tab.person_view, "p2")
    cell = tab.persons.index(row, PersonModel.DECLARED_COL)
    assert "2002" not in selection.choices(store)
    assert messages[-1] == (f"钱二（2002）申报科室 财务科 没有保存：{cause}", True)
    assert cell.data() == "p2" and cell.data(UNSAVED_ROLE)
    assert tab.person_view.currentIndex().row() == row
    assert retry_cell(qtbot, tab.person_view) == "p2"
    assert selection.choices(store)["2002"] == ("P2",) and cell.data(UNSAVED_ROLE) is None
    assert store.verify().ok


# -- two laptops --------------------------------------------------------------------------------------------

def test_both_laptops_type_a_pick_for_one_office(laptops):
    a, b = laptops
    said_b = said(b)
    seen = selection_view(b.store)                          # 乙's screen: 财务科 has not chosen yet
    assert a.edit(selection.pick, 1, "P2", "2003", expected_round=("staff", 1))
    assert not b.edit(selection.pick, 1, "P2", "2001", expected_round=seen.open_round)
    text, is_error = said_b[-1]
    assert is_error and text.startswith("财务科 科员定岗第1轮已由 王敏 于 ") and "录入（选择 2003 孙三），您的选择 2001未保存" in text
    assert [(m.post_id, m.person_id) for m in selection.list_picks(a.store)] == [("P2", "2003")]


def test_a_round_closed_on_the_other_laptop_refuses_a_late_pick(laptops):
    a, b = laptops
    said_b = said(b)
    assert a.run(selection.pass_, 1, "P1") and a.run(selection.pass_, 1, "P2")
    assert a.run(selection.close_round, expected_round=("staff", 1))
    assert not b.run(selection.close_round, expected_round=("staff", 1))          # not a second close
    assert said_b[-1][1] and said_b[-1][0].startswith("科员定岗第1轮已由 王敏 于 ")
    assert not b.edit(selection.pick, 1, "P2", "2003", expected_round=("staff", 1))
    assert "现为科员定岗第2轮" in said_b[-1][0]
    assert selection.load_state(a.store).round_no == 2 and selection.load_state(a.store).placements == ()


def test_both_laptops_type_a_declaration(laptops):
    a, b = laptops
    said_b = said(b)
    assert a.edit(selection.set_choice, "2002", "staff", ["P1"], expected_version=0)
    assert not b.edit(selection.set_choice, "2002", "staff", ["P2"], expected_version=0)
    assert said_b[-1][1] and "钱二 申报科室 已被 王敏" in said_b[-1][0] and "您的 P2 未写入" in said_b[-1][0]
    assert selection.choices(a.store)["2002"] == ("P1",)


def test_undo_of_a_pick_the_other_laptop_signed_is_a_conflict(laptops):
    a, b = laptops
    said_a = said(a)
    assert a.edit(selection.pick, 1, "P2", "2003", expected_round=("staff", 1))
    move = next(line for line in selection_view(b.store).offices if line.post == "P2").last
    assert b.run(selection.sign, "staff", 1, "P2", "chief", expected_version=move.version)
    assert not a.undo()
    assert said_a[-1][1] and "第1轮 财务科科长 的选择 已被 李强" in said_a[-1][0]
    assert selection.load_state(a.store).placement_of("2003").office == "P2"      # 乙's signed pick stays


# -- 撤销 / 重做 keep the selection's rules (history.revert → selection.check_revert) ----------------------------

def test_undo_and_redo_of_a_pick_in_the_open_round(laptops):
    a, _ = laptops
    wrote = a.edit(selection.pick, 1, "P2", "2003", expected_round=("staff", 1))
    assert wrote.changes == Changed.SELECTION and wrote.label == "财务科 第1轮选择 2003"
    assert a.undo() and selection.load_state(a.store).placement_of("2003") is None
    assert a.redo() and selection.load_state(a.store).placement_of("2003").office == "P2"
    assert a.store.verify().ok


def test_a_pick_of_a_closed_round_cannot_be_undone(laptops):
    a, _ = laptops
    said_a = said(a)
    assert a.edit(selection.pick, 1, "P2", "2003") and a.run(selection.pass_, 1, "P1")
    assert a.run(selection.close_round)
    assert not a.undo()                          # the generic write-back alone would delete a closed round's move
    assert said_a[-1] == ("不能撤销“财务科 第1轮选择 2003”：科员定岗第1轮已结束，该轮的选择不能再改动", True)
    assert selection.load_state(a.store).placement_of("2003").office == "P2"
    assert a.can_undo()                          # refused, not a conflict: the step stays (the stage may reopen)


def test_a_declaration_cannot_be_undone_once_its_phase_started(laptops):
    a, _ = laptops
    said_a = said(a)
    assert a.edit(selection.set_choice, "2002", "staff", ["P2"], expected_version=0)
    assert a.run(selection.pass_, 1, "P1")       # the phase has a move: declarations are closed
    assert not a.undo()
    assert said_a[-1] == ("不能撤销“钱二（2002）申报科室：财务科”：科员定岗已开始，不能再修改申报", True)
    assert selection.choices(a.store)["2002"] == ("P2",)


def test_a_redo_that_would_pick_one_person_twice_is_refused(laptops):
    """甲 picks 孙三 for 财务科 and takes it back; 乙 then picks 孙三 for 办公室; 甲's 重做 would put the first pick
    back beside it — each row is as 甲 left it, so only the replay of the round under the core's rules
    (§十五: one 科 per person) can see it. Refused; 乙's pick stays."""
    a, b = laptops
    said_a = said(a)
    assert a.edit(selection.pick, 1, "P2", "2003") and a.undo()
    assert b.edit(selection.pick, 1, "P1", "2003")
    assert not a.redo()
    text, is_error = said_a[-1]
    assert is_error and text.startswith("不能重做“财务科 第1轮选择 2003”：已存的双向选择记录不一致")
    assert [(m.post_id, m.person_id) for m in selection.list_picks(a.store)] == [("P1", "2003")]
    assert a.store.verify().ok


def test_no_undo_once_the_chiefs_are_no_longer_published(laptops):
    a, _ = laptops
    said_a = said(a)
    assert a.edit(selection.pick, 1, "P2", "2003")
    stages.unlock(a.store, "assignment", "jd2026", "更正综合考评")      # the 科长 are not fixed any more
    assert not a.undo()
    assert said_a[-1][0].startswith("不能撤销“财务科 第1轮选择 2003”：科长人选尚未公布")
    assert [(m.post_id, m.person_id) for m in selection.list_picks(a.store)] == [("P2", "2003")]


def test_a_store_that_cannot_be_read_keeps_the_tab_and_says_why(qtbot, store):
    from app.ui.workbench import Change
    from tests.faults import failing_reads
    tab, messages = open_selection_tab(qtbot, store)
    rows = tab.offices.rows()
    with failing_reads(store):
        tab.bench.changed.emit(Change(Changed.SELECTION))
    assert messages[-1] == ("“双向选择”未能刷新：磁盘读写错误（文件可能已被移走或设备已断开）", True)
    assert tab.offices.rows() == rows and tab.stack.currentIndex() == 0     # not the “尚未公布” page
