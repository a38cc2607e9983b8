"""The 定岗推荐计票 tab with numbered ballots (SPEC §10, §11), driven with real key presses: the 票号 box
before the marks, refusals at once naming the number, 作废 with one key, the accounting table, the
count's sealed steps, the margin shown, the sampling audit (its sample agreeing with the command line)
and a sampled mismatch forcing the group to be re-entered blind.

small.json with 局领导 by paper ballots: 5 present, 7 printed (2 spare), 5 issued.
"""

import io
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit

from tests.ballot_setup import PASSWORD, ballot_doc, numbered
from tests.ui.test_recommendation_tab import cell, make_tab as _make_tab, row_of, type_cell
from app.cli import run_audit_sample
from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.services import count, count_checks
from app.services.ballot_checks import paper_counts
from app.services.ballots import list_ballots
from app.services.campaign_io import import_campaign
from app.services.report_data import sheet_data
from app.services.store import Store
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from app.ui.tabs.count_checks_dialog import ChecksDialog
from app.ui.tabs.count_panel import CountBar, OpeningDialog
from app.ui.tabs.recommendation_model import PairModel

CTRL = Qt.KeyboardModifier.ControlModifier


def make_tab(qtbot, store):
    """The tab, its window active (offscreen there is no window manager to do it): focus is checked."""
    tab, bench, messages = _make_tab(qtbot, store)
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow, timeout=1000)
    return tab, bench, messages


@pytest.fixture
def leaders(empty_store):
    """The numbers printed for 局领导 (print order); 发出 5 typed; the count not opened yet."""
    return numbered(empty_store, {"leaders": 7}, issued={"leaders": 5}, open_count=False)["leaders"]


def opened(store):
    count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)


def key_ballot(qtbot, panel, number, marks):
    """The clerk's keys for one paper: the number and Enter (a scanner types the same), one key per
    candidate, Enter on the last one. Returns how many keys that was."""
    qtbot.keyClicks(panel.number_edit, number)
    qtbot.keyClick(panel.number_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(panel.view, marks)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    return len(number) + 1 + len(marks) + 1


# -- opening the count ----------------------------------------------------------------------------

def test_the_opening_is_sealed_from_the_dialog_and_the_keys_go_to_the_number_box(qtbot, empty_store, leaders):
    tab, bench, messages = make_tab(qtbot, empty_store)
    bar: CountBar = tab.count_bar
    assert bar.state.text() == "计票：未开始" and bar.open_button.isEnabled() and not bar.close_button.isEnabled()
    panel = tab.ballot_panel
    panel.view.setFocus()
    qtbot.keyClick(panel.view, "1")                                  # before the seal: refused at the first key
    assert "尚未开始计票" in messages[-1][0] and panel.form.marks == {}

    dialog = bar.opening_dialog()
    assert isinstance(dialog, OpeningDialog) and dialog.figures.groups["leaders"] == \
        {"present": 5, "printed": 7, "issued": 5}
    dialog.password.setText("wrong")
    assert not dialog.seal() and "监督组密码不正确" in dialog.error.text()      # the dialog stays open
    dialog.password.setText(PASSWORD)
    assert dialog.seal()
    assert count.accounting(empty_store).state == "open"
    assert bar.state.text().startswith("计票：计票中") and bar.close_button.isEnabled()
    tab.focus_entry()
    assert panel.number_edit.hasFocus()                               # a numbered paper starts with its number


# -- keying by number -------------------------------------------------------------------------------

def test_a_ballot_is_its_number_one_key_per_candidate_and_enter(qtbot, empty_store, leaders):
    opened(empty_store)
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    keys = key_ballot(qtbot, panel, leaders[0], "1p30")              # 张明 同意, 李华 建议 P3, 王芳 空白
    assert keys == 6 + 1 + 4 + 1                                      # number, Enter, 3 candidates (P3 is 2 keys), Enter
    saved = list_ballots(empty_store)
    assert [(b.ballot_no, b.group) for b in saved] == [(leaders[0], "leaders")]
    assert saved[0].marks == {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)}
    assert panel.status.text() == f"✓ 票号 {leaders[0]}已保存（局领导）"
    assert panel.number_edit.hasFocus() and panel.number is None      # the next paper starts with its number
    assert cell(tab.paper_model, tab.paper_model.row_of("entered"), 0) == "1"


def test_an_unknown_or_repeated_number_is_refused_at_once_naming_it(qtbot, empty_store, leaders):
    opened(empty_store)
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    key_ballot(qtbot, panel, leaders[0], "111")
    stranger = next(str(n) for n in range(100000, 100100) if str(n) not in leaders)
    for typed, refusal in ((leaders[0], f"票号 {leaders[0]} 已录入，不能重复录入"),
                           (stranger, f"票号 {stranger} 不是本次会议为局领导印制的票号"),
                           ("12345", "“12345” 不是票号：票号是 6 位数字")):
        qtbot.keyClicks(panel.number_edit, typed)
        qtbot.keyClick(panel.number_edit, Qt.Key.Key_Return)
        assert messages[-1] == (refusal, True)
        assert panel.number is None and panel.number_edit.hasFocus()  # refused before any mark
        panel.number_edit.clear()
    panel.view.setFocus()
    qtbot.keyClick(panel.view, "1")                                   # a mark without a number: back to the box
    assert "请先录入本张选票的票号" in messages[-1][0] and panel.number_edit.hasFocus()
    assert len(list_ballots(empty_store)) == 1


def test_void_is_one_key_and_counts_as_returned(qtbot, empty_store, leaders):
    opened(empty_store)
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    qtbot.keyClicks(panel.number_edit, leaders[0])
    qtbot.keyClick(panel.number_edit, Qt.Key.Key_Return)
    qtbot.keyClick(panel.view, Qt.Key.Key_Minus)                      # 作废本票
    assert [b.status for b in list_ballots(empty_store)] == ["void"]
    assert panel.status.text() == f"✓ 票号 {leaders[0]}已保存（局领导，作废票）"
    model = tab.paper_model
    assert [cell(model, model.row_of(k), 0) for k in ("entered", "void", "valid")] == ["1", "1", "0"]


def test_the_accounting_table_says_what_is_still_missing(qtbot, empty_store, leaders):
    opened(empty_store)
    tab, bench, messages = make_tab(qtbot, empty_store)
    model, panel = tab.paper_model, tab.ballot_panel
    type_cell(qtbot, tab.paper_view, model.index(model.row_of("returned"), 0), "5")     # 收回 5
    assert paper_counts(empty_store)["leaders"].returned == 5
    for number in leaders[:4]:
        key_ballot(qtbot, panel, number, "111")
    rows = {k: cell(model, model.row_of(k), 0) for k in ("present", "printed", "issued", "returned", "entered",
                                                          "void", "valid", "missing", "check")}
    assert rows == {"present": "5", "printed": "7", "issued": "5", "returned": "5", "entered": "4", "void": "0",
                    "valid": "4", "missing": "1", "check": "⚠ 1 项"}
    assert panel.group_status.text() == "已录入 4 张 / 收回 5 张，尚缺 1"
    assert "局领导：收回 5 张，已录入 4 张，缺 1 张" in tab.checks.text()
    key_ballot(qtbot, panel, leaders[4], "000")
    assert cell(model, model.row_of("missing"), 0) == "0" and cell(model, model.row_of("check"), 0) == "✓"
    assert tab.count_bar.state.text() == "计票：计票中　✓ 已核对一致"


def test_closing_the_count_seals_it_and_the_stage_confirms_only_when_reconciled(qtbot, empty_store, leaders):
    opened(empty_store)
    tab, bench, messages = make_tab(qtbot, empty_store)
    model, panel = tab.paper_model, tab.ballot_panel
    type_cell(qtbot, tab.paper_view, model.index(model.row_of("returned"), 0), "5")
    for number in leaders[:4]:
        key_ballot(qtbot, panel, number, "111")
    dialog = tab.count_bar.close_dialog()
    assert "局领导：收回 5 张，已录入 4 张，缺 1 张" in dialog.findChild(QPlainTextEdit).toPlainText()
    dialog.password.setText(PASSWORD)
    assert dialog.seal()
    assert tab.count_bar.state.text().startswith("计票：已结束（已封签）")
    qtbot.keyClicks(panel.number_edit, leaders[4])                    # a closed count takes no paper
    qtbot.keyClick(panel.number_edit, Qt.Key.Key_Return)
    assert "计票已结束（已封签）" in messages[-1][0]
    from app.services import stages
    with pytest.raises(Exception, match="局领导：收回 5 张，已录入 4 张，缺 1 张"):
        stages.advance(empty_store, "recommendation")
    accept = tab.count_bar.accept_dialog()
    accept.reason.setText("一名投票人未交回选票即离场，监督组在场确认")
    accept.password.setText(PASSWORD)
    assert accept.seal()
    stages.advance(empty_store, "recommendation")
    assert stages.stage_states(empty_store)["recommendation"] == "confirmed"


# -- the margin --------------------------------------------------------------------------------------

def test_the_tab_shows_a_pair_at_21_of_63_one_ballot_above_the_line(qtbot, empty_store):
    # 李华 → 法规科科长: 2 + 14 + 2 + 3 = 21 of 63 = 1/3 exactly: eligible; one ballot less → 20/63 < 1/3.
    doc = ballot_doc()
    doc["recommendation"]["counts"][2] |= {"staff": 14}
    import_campaign(empty_store, doc)
    tab, bench, messages = make_tab(qtbot, empty_store)
    row = row_of(tab, "1002", "P3")
    assert cell(tab.pair_model, row, PairModel.COL_RATE) == "0.333"
    assert cell(tab.pair_model, row, PairModel.COL_LINE) == "达到"
    assert cell(tab.pair_model, row, PairModel.COL_MARGIN) == "1"
    assert tab.margin.text() == "余量：改变约 1 张选票可能改变：李华 法规科科长 的三分之一线；所涉结果：李华 法规科科长：推荐率达到三分之一线"


def gap_of_0_500():
    """tests/core/test_margin.py: 张明 83.866 and 李华 83.366 at 办公室科长 (gap 0.500); one 局领导 ballot
    moved closes 2 × 0.6 × 100 × 0.35 / 5 = 8.4 ≥ 0.5 → 约 1 ballot."""
    doc = ballot_doc()
    doc["speech"]["1002"] = ["80", "85", "92.6", "92.6", "92.7", "95", "96"]
    doc["recommendation"]["counts"][1] = {"person": "1002", "post": "P1", "leaders": 4, "staff": 30,
                                          "unit_heads": 6, "county_chiefs": 8}
    del doc["recommendation"]["counts"][2]
    return doc


SEAT = "改变约 1 张选票可能改变：办公室科长 的人选（张明 与 李华 的先后）；所涉结果：办公室科长：张明 拟任（对 李华）"


def test_the_tab_and_the_sheet_show_a_seat_with_a_gap_of_0_500(qtbot, empty_store):
    import_campaign(empty_store, gap_of_0_500())
    tab, bench, messages = make_tab(qtbot, empty_store)
    assert tab.margin.text() == "余量：" + SEAT
    sheet = sheet_data(empty_store, "定岗推荐结果", draft=True, printed="")
    assert sheet.margin == SEAT
    from app.reports import render
    from tests.reports import missing
    assert missing(render("定岗推荐结果", sheet), ["余量：改变约1张选票可能改变", "张明与李华的先后"]) == []


# -- the sampling audit ---------------------------------------------------------------------------------

@pytest.fixture
def closed(empty_store, leaders):
    opened(empty_store)
    from app.services.ballots import save_ballot
    from app.services.ballot_checks import set_paper_count
    for n in leaders[:5]:
        save_ballot(empty_store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"),
                                             "1003": Mark(BLANK)}, ballot_no=n)
    set_paper_count(empty_store, "leaders", "returned", 5)
    count.close_count(empty_store, PASSWORD)
    return leaders[:5]


def test_the_gui_sample_is_the_command_lines(qtbot, empty_store, closed):
    tab, bench, messages = make_tab(qtbot, empty_store)
    dialog = ChecksDialog(bench, tab)
    qtbot.addWidget(dialog)
    assert dialog.sizes["leaders"].value() == 5                      # margin 1 ≤ 5: the whole group
    dialog.sizes["leaders"].setValue(3)                               # the 监督组 may choose fewer
    qtbot.keyClicks(dialog.seed, "2718")
    view = dialog.start_sample()
    assert view is not None and not dialog.sample_button.isEnabled()
    out = io.StringIO()
    assert run_audit_sample("2718", "定岗推荐", "局领导", list(reversed(closed)), out=out, err=io.StringIO()) == 0
    cli = [line.split() for line in out.getvalue().splitlines()[:3]]
    shown = [[dialog.model.index(r, c).data() for c in (2, 3)] + [dialog.model.rows[r][2].ticket] for r in range(3)]
    assert shown == cli
    sheet = sheet_data(empty_store, "抽查单", printed="")
    assert [(x.number, x.ticket) for x in sheet.groups[0].lines] == [(n, t) for _, n, t in cli]


def test_a_sampled_mismatch_forces_the_group_to_be_re_entered_blind(qtbot, empty_store, closed):
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    dialog = ChecksDialog(bench, tab)
    qtbot.addWidget(dialog)
    dialog.sizes["leaders"].setValue(2)
    dialog.seed.setText("2718")
    sample = dialog.start_sample()
    first, second = (x.number for x in sample.group("leaders").lines)
    assert dialog.reenter_selected() and panel.check is not None
    assert panel.check_banner.isVisible() and "盲录" in panel.check_banner.text()
    key_ballot(qtbot, panel, first, "1p3*")                            # the paper says 王芳 无效: entered as 空白
    assert panel.status.text() == f"⚠ 票号 {first} 与原录入不一致，已记录：票号 {first}：王芳 录入为“空白”，抽查为“无效”"
    key_ballot(qtbot, panel, second, "1p30")
    assert panel.status.text() == f"✓ 票号 {second}：复录与原录入一致"
    findings = count.accounting(empty_store).findings
    assert f"局领导：抽查发现差异（票号 {first}），须全组盲录复核并比对后才能更正" in findings

    # Correction: reopened by the 监督组, still refused until the whole group was keyed again blind.
    count.reopen_count(empty_store, PASSWORD, "抽查发现差异")
    with pytest.raises(Exception, match="须全组盲录复核"):
        count_checks.correct_ballot(empty_store, first, {}, reason="x", expected_version=1)
    dialog.refresh()
    recount = dialog.start_recount()
    panel.start_check(replace(panel.check, id=recount.id, label=recount.label), recount)
    for n in closed:
        key_ballot(qtbot, panel, n, "1p3*" if n == first else "1p30")
    dialog.refresh()
    row = next(r for r in range(dialog.model.rowCount())
               if dialog.model.rows[r][0].id == recount.id and dialog.model.rows[r][2].number == first)
    dialog.view.setCurrentIndex(dialog.model.index(row, 0))
    from PySide6.QtWidgets import QInputDialog
    import unittest.mock as mock
    with mock.patch.object(QInputDialog, "getText", return_value=("全组复核与原票一致", True)):
        assert dialog.correct_selected()
    assert next(b for b in list_ballots(empty_store) if b.ballot_no == first).marks["1003"] == Mark(INVALID)
    panel.stop_check()
    assert count.accounting(empty_store).findings == ()


# -- the write path: faults and a second laptop ------------------------------------------------------

@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读（没有写入权限）")])
def test_a_numbered_ballot_not_saved_keeps_its_number_and_marks(qtbot, empty_store, leaders, fault, cause):
    opened(empty_store)
    tab, bench, messages = make_tab(qtbot, empty_store)
    panel = tab.ballot_panel
    with failing_writes(empty_store, fault):
        key_ballot(qtbot, panel, leaders[0], "111")
    assert messages[-1] == (f"局领导票号 {leaders[0]} 的选票 没有保存：{cause}", True)
    assert panel.number == leaders[0] and len(panel.form.marks) == 3          # all kept on the form
    assert panel.unsaved_mark.isVisible() and bench.unsaved
    qtbot.keyClick(panel.view, Qt.Key.Key_Return, CTRL)                     # retry once the disk is back
    assert [b.ballot_no for b in list_ballots(empty_store)] == [leaders[0]]
    assert not panel.unsaved_mark.isVisible() and not bench.unsaved
    assert empty_store.verify().ok


def test_two_laptops_cannot_enter_the_same_number(qtbot, empty_store, leaders):
    """Laptop 甲 accepted number N on its form; 乙 saves a paper with N first: 甲's save is refused
    naming N, its marks stay for the 监督组 to look at the paper."""
    opened(empty_store)
    other = Store.open(empty_store.location, operator="李强")
    try:
        tab, bench, messages = make_tab(qtbot, empty_store)
        panel = tab.ballot_panel
        qtbot.keyClicks(panel.number_edit, leaders[0])
        qtbot.keyClick(panel.number_edit, Qt.Key.Key_Return)
        assert panel.number == leaders[0]
        from app.services.ballots import save_ballot
        save_ballot(other, "leaders", {"1001": Mark(AGREE, "P1")}, ballot_no=leaders[0])
        qtbot.keyClicks(panel.view, "000")
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
        assert messages[-1] == (f"票号 {leaders[0]} 已录入，不能重复录入", True)
        assert [b.entered_by for b in list_ballots(empty_store)] == ["李强"]
        assert panel.form.marks and panel.number == leaders[0]
    finally:
        other.close()
