"""6 定岗推荐计票 on the one write path (issue 12) and the 唱票 items of issue 13, keyed as the clerk types.

small.json: present 局领导 5 / 其他行政 40 / 事业单位 8 / 县局长 10 = 63; 张明 1001 declared P1 with
4 + 30 + 6 + 8 = 48 recommendations. ``ballot_store``: no 局领导 counts typed, so that group takes ballots.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.core.ballots import AGREE, Mark
from app.services import ballots, projector
from app.services.ballot_checks import paper_counts
from app.services.ballots import list_ballots, save_ballot
from app.services.campaign_io import import_campaign
from app.services.recommendation import counts, presence
from app.services.store import Store
from app.ui.table import UNSAVED_ROLE
from app.ui.tabs.recommendation import RecommendationTab
from app.ui.tabs.recommendation_model import PairModel
from app.ui.workbench import Workbench
from tests.conftest import DATA
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.ui.keys import retry_cell
from tests.ui.test_recommendation_tab import type_cell

FAULTS = [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读（没有写入权限）")]
CTRL = Qt.KeyboardModifier.ControlModifier


def campaign(counted_by_ballot=("leaders",)) -> dict:
    """small.json with the given groups' typed counts set to 0 (those groups take paper ballots)."""
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["recommendation"]["counts"] = [c | {g: 0 for g in counted_by_ballot} for c in doc["recommendation"]["counts"]]
    return doc


@pytest.fixture
def ballot_store(empty_store):
    import_campaign(empty_store, campaign())
    return empty_store


@pytest.fixture
def laptops(tmp_path, qapp):
    """Two laptops on one campaign file: 甲 (王敏) and 乙 (李强)."""
    path = tmp_path / "c.db"
    a = Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(a, campaign())
    b = Store.open(path, operator="李强")
    yield a, b
    a.close()
    b.close()


def make_tab(qtbot, store):
    bench = Workbench(store, poll_ms=0)
    messages: list[tuple[str, bool]] = []
    bench.message.connect(lambda text, error: messages.append((text, error)))
    tab = RecommendationTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    return tab, bench, messages


def key_ballot(qtbot, tab, keys: str, *, save=Qt.Key.Key_Return):
    view = tab.ballot_panel.view
    view.setFocus()
    qtbot.keyClicks(view, keys)
    if save is not None:
        qtbot.keyClick(view, save)


# -- a full disk, a read-only file: each entry of the tab -------------------------------------------------

@pytest.mark.parametrize("fault, cause", FAULTS)
def test_presence_not_saved_stays_typed_and_marked(qtbot, ballot_store, fault, cause):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    view, model = tab.paper_view, tab.paper_model
    cell = model.index(0, 0)                                          # 到会人数 × 局领导
    with failing_writes(ballot_store, fault):
        type_cell(qtbot, view, cell, "6")
    assert presence(ballot_store)["leaders"] == 5
    assert cell.data() == "6" and cause.startswith(cell.data(UNSAVED_ROLE))
    assert view.currentIndex() == cell                                # the cursor did not move on
    assert messages[-1] == (f"局领导到会人数 6 没有保存：{cause}", True)
    assert list(bench.unsaved.values()) == ["局领导到会人数 6"]
    assert retry_cell(qtbot, view) == "6"                                  # the fault is gone: saved
    assert presence(ballot_store)["leaders"] == 6 and cell.data(UNSAVED_ROLE) is None and bench.unsaved == {}
    assert view.currentIndex() == model.index(0, 1)                   # and now Enter moved on
    assert ballot_store.verify().ok


@pytest.mark.parametrize("fault, cause", FAULTS)
def test_paper_count_not_saved_stays_typed_and_marked(qtbot, ballot_store, fault, cause):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    view, model = tab.paper_view, tab.paper_model
    cell = model.index(1, 1)                                          # 发出 × 其他行政
    with failing_writes(ballot_store, fault):
        type_cell(qtbot, view, cell, "40")
    assert paper_counts(ballot_store)["staff"].issued is None
    assert cell.data() == "40" and cell.data(UNSAVED_ROLE) and view.currentIndex() == cell
    assert messages[-1] == (f"其他行政编制人员发出票数 40 没有保存：{cause}", True)
    assert retry_cell(qtbot, view) == "40"
    assert paper_counts(ballot_store)["staff"].issued == 40 and cell.data(UNSAVED_ROLE) is None
    assert ballot_store.verify().ok


@pytest.mark.parametrize("fault, cause", FAULTS)
def test_typed_count_not_saved_stays_typed_and_marked(qtbot, small_store, fault, cause):
    tab, bench, messages = make_tab(qtbot, small_store)
    qtbot.mouseClick(tab.count_mode, Qt.MouseButton.LeftButton)
    model, view = tab.pair_model, tab.pair_view
    row = model.find("1001", "P1")
    cell = model.index(row, PairModel.COL_GROUP)
    with failing_writes(small_store, fault):
        type_cell(qtbot, view, cell, "5")
    assert counts(small_store)[("1001", "P1")]["leaders"] == 4
    assert cell.data() == "5" and cell.data(UNSAVED_ROLE) and view.currentIndex() == cell
    assert model.index(row, PairModel.COL_RATE).data() == "0.762"       # the stored 48/63, nothing guessed
    assert messages[-1] == (f"张明 → 办公室科长 · 局领导推荐数 5 没有保存：{cause}", True)
    assert list(bench.unsaved.values()) == ["张明 → 办公室科长 · 局领导推荐数 5"]
    assert retry_cell(qtbot, view) == "5"
    assert counts(small_store)[("1001", "P1")]["leaders"] == 5
    assert model.index(row, PairModel.COL_RATE).data() == "0.778"       # 49/63
    assert bench.unsaved == {} and small_store.verify().ok


@pytest.mark.parametrize("fault, cause", FAULTS)
def test_a_ballot_not_saved_stays_on_the_form_marked(qtbot, ballot_store, fault, cause):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    panel = tab.ballot_panel
    with failing_writes(ballot_store, fault):
        key_ballot(qtbot, tab, "1p31")                                # 张明 同意, 李华 建议 P3, 王芳 同意: Enter saves
    assert list_ballots(ballot_store) == []
    assert panel.form.marks == {"1001": Mark(AGREE, "P1"), "1002": Mark("suggest", "P3"), "1003": Mark(AGREE, "P2")}
    assert messages[-1] == (f"局领导第 1 张选票 没有保存：{cause}", True)
    assert panel.status.text() == f"⚠ 未保存，本票仍在表中：{cause}"
    assert panel.unsaved_mark.isVisible() and panel.unsaved_mark.text().startswith(f"本票未保存：{cause}")
    assert list(bench.unsaved.values()) == ["局领导第 1 张选票"]
    qtbot.keyClick(panel.view, Qt.Key.Key_Return, CTRL)              # the fault is gone: Ctrl+Enter saves it
    assert [b.marks for b in list_ballots(ballot_store)] == [
        {"1001": Mark(AGREE, "P1"), "1002": Mark("suggest", "P3"), "1003": Mark(AGREE, "P2")}]
    assert panel.status.text() == "✓ 第 1 张已保存（局领导）" and panel.form.marks == {}
    assert not panel.unsaved_mark.isVisible() and bench.unsaved == {}
    assert panel.group_status.text() == "已唱 1 张 / 到会 5 人"
    assert ballot_store.verify().ok


@pytest.mark.parametrize("fault, cause", FAULTS)
def test_undo_of_the_last_ballot_not_saved_says_why(qtbot, ballot_store, fault, cause):
    tab, bench, messages = make_tab(qtbot, ballot_store)
    key_ballot(qtbot, tab, "111")
    with failing_writes(ballot_store, fault):
        qtbot.keyClick(tab.ballot_panel.view, Qt.Key.Key_Backspace, CTRL)
    assert messages[-1] == (f"撤销局领导第 1 张选票 没有保存：{cause}", True)
    assert tab.ballot_panel.status.text() == f"⚠ 未撤销：{cause}"
    assert [b.status for b in list_ballots(ballot_store, include_discarded=True)] == ["valid"]
    qtbot.keyClick(tab.ballot_panel.view, Qt.Key.Key_Backspace, CTRL)
    assert [b.status for b in list_ballots(ballot_store, include_discarded=True)] == ["discarded"]
    assert tab.ballot_panel.status.text() == "✓ 第 1 张已撤销（局领导，作废，保留在记录中）"
    assert ballot_store.verify().ok


# -- two laptops on one file ------------------------------------------------------------------------------

def test_both_laptops_type_presence_for_one_group(qtbot, laptops):
    """甲 and 乙 both see 局领导 到会 5; 甲 types 6, then 乙 types 7: 乙 gets a conflict naming 甲, 6 stays."""
    a, b = laptops
    tab_a, _, _ = make_tab(qtbot, a)
    tab_b, bench_b, said_b = make_tab(qtbot, b)
    type_cell(qtbot, tab_a.paper_view, tab_a.paper_model.index(0, 0), "6")
    cell_b = tab_b.paper_model.index(0, 0)
    type_cell(qtbot, tab_b.paper_view, cell_b, "7")
    assert presence(a)["leaders"] == 6
    text, is_error = said_b[-1]
    assert is_error and text.startswith("局领导到会人数 已被 王敏 于 ") and "改为 6，您的 7 未写入" in text
    assert cell_b.data() == "7" and cell_b.data(UNSAVED_ROLE) == "已被其他录入人修改"    # 乙 still sees what he typed
    assert tab_b.paper_view.currentIndex() == cell_b
    assert tab_b.paper_model.groups["leaders"].present == 6                           # and the grid shows 甲's 6
    qtbot.keyClick(tab_b.paper_view, Qt.Key.Key_Delete)                              # 乙 agrees: gives up his 7
    assert cell_b.data() == "6" and bench_b.unsaved == {}


def test_both_laptops_type_the_same_paper_count(qtbot, laptops):
    a, b = laptops
    tab_a, _, _ = make_tab(qtbot, a)
    tab_b, _, said_b = make_tab(qtbot, b)
    type_cell(qtbot, tab_a.paper_view, tab_a.paper_model.index(2, 0), "5")         # 收回 5
    type_cell(qtbot, tab_b.paper_view, tab_b.paper_model.index(2, 0), "4")
    assert paper_counts(a)["leaders"].returned == 5
    assert said_b[-1][1] and "局领导收回票数 已被 王敏" in said_b[-1][0] and "您的 4 未写入" in said_b[-1][0]


def test_undo_of_the_last_ballot_keeps_the_other_laptops_later_ballot(qtbot, laptops, monkeypatch):
    """撤销上一张 names ballot 1; while the dialog is open 乙 saves ballot 2; 甲 clicks 是: ballot 2 is kept
    (and ballot 1 too), and 甲 is told who saved what."""
    a, b = laptops
    tab, bench, messages = make_tab(qtbot, a)
    key_ballot(qtbot, tab, "111")
    asked = []

    def meanwhile(*args, **kwargs):
        asked.append(args[2])
        save_ballot(b, "leaders", {"1001": Mark(AGREE, "P1")})       # the other clerk's ballot 2
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", staticmethod(meanwhile))
    qtbot.mouseClick(tab.ballot_panel.undo_button, Qt.MouseButton.LeftButton)
    assert asked[0].startswith("撤销局领导第 1 张选票（序号 1，王敏 录入）？")
    assert [(x.serial, x.status, x.entered_by) for x in list_ballots(a, include_discarded=True)] == [
        (1, "valid", "王敏"), (2, "valid", "李强")]
    text, is_error = messages[-1]
    assert is_error and text.startswith("不能撤销局领导第 1 张选票（序号 1）：李强 于 ")
    assert "又录入了局领导第 2 张选票（序号 2）" in text
    assert tab.ballot_panel.status.text().startswith("⚠ 未撤销：不能撤销局领导第 1 张选票")
    assert tab.ballot_panel.group_status.text() == "已唱 2 张 / 到会 5 人"            # 乙's ballot is shown
    assert a.verify().ok


def test_a_ballot_undone_elsewhere_is_not_undone_twice(qtbot, laptops, monkeypatch):
    a, b = laptops
    tab, bench, messages = make_tab(qtbot, a)
    key_ballot(qtbot, tab, "111")
    key_ballot(qtbot, tab, "000")

    def meanwhile(*args, **kwargs):
        ballots.undo_last_ballot(b, "leaders", expected_serial=2)     # 乙 took ballot 2 back already
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", staticmethod(meanwhile))
    qtbot.keyClick(tab.ballot_panel.view, Qt.Key.Key_Backspace, CTRL)
    assert [x.status for x in list_ballots(a, include_discarded=True)] == ["valid", "discarded"]   # 1 kept
    assert "局领导第 2 张选票（序号 2，已作废） 已被 李强 于 " in messages[-1][0] and messages[-1][1]


def test_undo_of_a_count_another_laptop_corrected_is_a_conflict(qtbot, laptops):
    """甲 types 5, 乙 corrects it to 3, 甲 Ctrl+Z: a conflict naming 乙, and 乙's 3 stays. Then Ctrl+Z and
    Ctrl+Y on 甲 alone, and a redo over 乙's later entry."""
    a, b = laptops
    tab_a, bench_a, said_a = make_tab(qtbot, a)
    tab_b, bench_b, _ = make_tab(qtbot, b)
    for tab in (tab_a, tab_b):
        qtbot.mouseClick(tab.count_mode, Qt.MouseButton.LeftButton)
    ma, mb = tab_a.pair_model, tab_b.pair_model
    staff = PairModel.COL_GROUP + 1
    type_cell(qtbot, tab_a.pair_view, ma.index(ma.find("1001", "P1"), staff), "31")     # 30 → 31
    bench_b.refresh()
    type_cell(qtbot, tab_b.pair_view, mb.index(mb.find("1001", "P1"), staff), "29")
    assert not bench_a.undo()
    assert counts(a)[("1001", "P1")]["staff"] == 29
    assert said_a[-1][1] and said_a[-1][0].startswith("不能撤销：张明 → 办公室科长 · 其他行政编制人员 已被 李强 于 ")
    assert ma.index(ma.find("1001", "P1"), staff).data() == "29"                        # 甲 shows 乙's entry

    type_cell(qtbot, tab_a.pair_view, ma.index(ma.find("1002", "P1"), staff), "21")     # 20 → 21
    assert bench_a.undo() and counts(a)[("1002", "P1")]["staff"] == 20
    assert bench_a.redo() and counts(a)[("1002", "P1")]["staff"] == 21
    assert bench_a.undo() and counts(a)[("1002", "P1")]["staff"] == 20
    bench_b.refresh()
    type_cell(qtbot, tab_b.pair_view, mb.index(mb.find("1002", "P1"), staff), "22")
    assert not bench_a.redo()                                                            # 甲's redo would overwrite 22
    assert counts(a)[("1002", "P1")]["staff"] == 22 and "已被 李强" in said_a[-1][0]
    assert a.verify().ok


# -- 唱票 as the clerk meets it (issue 13) -----------------------------------------------------------------

def test_a_full_group_refuses_at_the_first_key(qtbot, ballot_store):
    for _ in range(5):                                               # 5 局领导 present, 5 ballots keyed
        save_ballot(ballot_store, "leaders", {})
    tab, bench, messages = make_tab(qtbot, ballot_store)
    key_ballot(qtbot, tab, "1", save=None)
    assert messages[-1] == ("局领导已录 5 张票，等于到会人数 5，不能再录", True)
    assert tab.ballot_panel.form.marks == {} and tab.ballot_panel.view.currentIndex().row() == 0
    key_ballot(qtbot, tab, "p3", save=None)                          # a post code is refused as well
    assert tab.ballot_panel.form.marks == {} and tab.ballot_panel.form.typing is None


def test_switching_group_with_marks_keyed_asks_and_clears(qtbot, empty_store, monkeypatch):
    import_campaign(empty_store, campaign(("leaders", "staff")))
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    key_ballot(qtbot, tab, "11", save=None)                          # two marks on a 局领导 paper
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    assert asked == ["本票（局领导）已录入 2 个标记，尚未保存。\n切换到“其他行政编制人员”将清空本票。确定切换吗？"]
    assert panel.group() == "leaders" and len(panel.form.marks) == 2          # 否: nothing changed
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    assert panel.group() == "staff" and panel.form.marks == {}
    assert panel.status.text() == "✓ 已清空局领导的本票，切换到其他行政编制人员"
    key_ballot(qtbot, tab, "1", save=None)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete, CTRL)              # 清空本票 has a key
    assert panel.form.marks == {} and panel.status.text() == "✓ 已清空本票（1 个标记）"
    assert list_ballots(empty_store) == []                            # nothing leaked into a ballot


def test_the_saved_number_is_the_number_within_the_group(qtbot, empty_store):
    import_campaign(empty_store, campaign(("leaders", "staff")))
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    key_ballot(qtbot, tab, "111")                                    # 局领导: serial 1
    qtbot.keyClick(panel.view, Qt.Key.Key_F2)
    key_ballot(qtbot, tab, "000")                                    # 其他行政: serial 2
    qtbot.keyClick(panel.view, Qt.Key.Key_F1)
    key_ballot(qtbot, tab, "100")                                    # 局领导: serial 3, its 2nd ballot
    assert panel.status.text() == "✓ 第 2 张已保存（局领导）"
    assert panel.group_status.text() == "已唱 2 张 / 到会 5 人"
    assert messages[-1] == ("已保存：局领导第 2 张选票", False)
    assert [(x.serial, x.group) for x in list_ballots(empty_store)] == [(1, "leaders"), (2, "staff"), (3, "leaders")]


def test_the_projector_and_the_main_window_name_each_groups_entry_alike(qtbot, empty_store):
    """No ballots and no counts yet: 唱票 on both (the wall shows 0 of those present); typed counts: 计数录入."""
    import_campaign(empty_store, campaign(("leaders", "staff")))
    tab, bench, _ = make_tab(qtbot, empty_store)
    wall = projector.live_tally(empty_store)
    main = [tab.ballot_panel.group_box.itemText(i).endswith("（已按计数录入）") for i in range(4)]
    assert main == [False, False, True, True]
    assert [not g.by_ballot for g in wall.groups] == main
    assert [(g.counted, g.present) for g in wall.groups[:2]] == [(0, 5), (0, 40)]


def test_a_store_that_cannot_be_read_keeps_the_tab_and_says_why(qtbot, ballot_store):
    from app.services.store import Changed
    from app.ui.workbench import Change
    from tests.faults import failing_reads
    tab, bench, messages = make_tab(qtbot, ballot_store)
    rows = tab.pair_model.rows()
    with failing_reads(ballot_store):
        bench.changed.emit(Change(Changed.BALLOTS))
    assert messages[-1] == ("“定岗推荐计票”未能刷新：磁盘读写错误（文件可能已被移走或设备已断开）", True)
    assert tab.pair_model.rows() == rows
