"""Tab 1 人员名单 driven with keys: add/edit people and posts in dialogs, delete with a reason, undo,
a locked stage refusing, Excel out and in, the §二(二) qualification and the rotation screening."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.core.roster import RosterPerson
from app.services import stages
from app.services.roster import list_people, list_posts, save_person
from app.services.store import Changed, Store
from app.ui.tabs.roster import RosterTab
from app.ui.tabs.roster_model import QUALIFICATION_COL, SCREENING_COL, Mark, chief_qualification, screening
from app.ui.workbench import Change, Workbench
from tests.ui.keys import answer_modal

CTRL = Qt.KeyboardModifier.ControlModifier


def ime(widget, text: str) -> None:
    """Chinese arrives through the input method as a commit string (QTest cannot type it as keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def people(store) -> dict[str, RosterPerson]:
    return {p.id: p for p, _ in list_people(store)}


def make_tab(qtbot, bench) -> RosterTab:
    tab = RosterTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.refresh()
    tab.people_view.setFocus()
    return tab


@pytest.fixture
def tab(qtbot, bench) -> RosterTab:
    return make_tab(qtbot, bench)


def select(tab: RosterTab, person_id: str) -> None:
    row = tab.people.row_of(person_id)
    tab.people_view.setCurrentIndex(tab.proxy.mapFromSource(tab.people.index(row, 0)))


def test_every_table_model_passes_the_model_tester(tab, qtmodeltester):
    qtmodeltester.check(tab.people)
    qtmodeltester.check(tab.posts)
    qtmodeltester.check(tab.proxy)


def test_the_roster_and_posts_are_shown(tab):
    assert tab.people.rowCount() == 3 and tab.posts.rowCount() == 3
    model = tab.people
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers[:3] == ["编号", "姓名", "性别"] and "不轮岗" in headers and headers[-2:] == ["资格", "轮岗审查"]
    a1 = model.index(model.row_of("1001"), headers.index("考核1"))
    assert a1.data() == "95.000"                      # §六: scores with three decimals
    assert a1.data(Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert [tab.posts.index(r, 1).data() for r in range(3)] == ["办公室科长", "财务科科长", "法规科科长"]
    assert "共 3 人" in tab.count_label.text()


def test_ctrl_n_adds_a_person_typed_in_the_dialog(qtbot, tab, bench, messages):
    qtbot.keyClick(tab.people_view, Qt.Key.Key_N, CTRL)
    dialog = tab.person_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "新增人员"
    qtbot.keyClicks(dialog.id, "1004")
    ime(dialog.name, "赵强")
    qtbot.keyClicks(dialog.post_start, "2015.03")
    dialog.rank.setCurrentText("副科实职")
    dialog.category.setCurrentText("拟竞争科长")
    qtbot.keyClicks(dialog.appraisal[0], "91.5")
    qtbot.keyClick(dialog.appraisal[0], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    stored = people(bench.store)["1004"]
    assert (stored.name, stored.rank, stored.post_start, stored.appraisal) == ("赵强", "副科实职", "2015-03",
                                                                               (pytest.approx(91.5),))
    assert messages[-1] == ("已保存：新增人员 1004 赵强", False)
    assert tab.people.rowCount() == 4 and tab.current_row().person.id == "1004"


def test_bad_values_are_refused_in_the_dialog_and_cancel_stores_nothing(qtbot, tab, bench):
    qtbot.keyClick(tab.people_view, Qt.Key.Key_N, CTRL)
    dialog = tab.person_dialog
    qtbot.keyClicks(dialog.id, "1001")                 # taken by 张明
    qtbot.keyClicks(dialog.birth, "1985-13")
    qtbot.keyClicks(dialog.appraisal[0], "101")
    qtbot.keyClick(dialog.birth, Qt.Key.Key_Return)
    assert dialog.isVisible()
    problems = dialog.error.text()
    assert "姓名: 为空" in problems and "编号: 1001 已有人员（张明）" in problems
    assert "出生时间: “1985-13” 不是日期" in problems and "考核1: 101 超出 0–100" in problems
    qtbot.keyClick(dialog.birth, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert sorted(people(bench.store)) == ["1001", "1002", "1003"]
    assert people(bench.store)["1001"].birth is None


def test_enter_edits_the_current_person_and_ctrl_z_undoes_it(qtbot, tab, bench):
    select(tab, "1002")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Return)
    dialog = tab.person_dialog
    assert dialog.windowTitle() == "编辑人员" and dialog.id.text() == "1002" and dialog.id.isReadOnly()
    ime(dialog.former_office, "财务科")
    qtbot.keyClick(dialog.former_office, Qt.Key.Key_Return)
    assert people(bench.store)["1002"].former_office == "财务科"
    assert tab.people.index(tab.people.row_of("1002"), 8).data() == "财务科"
    bench.undo()
    assert people(bench.store)["1002"].former_office is None
    assert tab.people.index(tab.people.row_of("1002"), 8).data() == ""
    # F2 opens the same dialog; the roster edit left the imported exam score untouched
    qtbot.keyClick(tab.people_view, Qt.Key.Key_F2)
    assert tab.person_dialog is not dialog and tab.person_dialog.id.text() == "1002"
    assert str(people(bench.store)["1002"].exam) == "88"


def test_delete_asks_a_reason_and_can_be_undone(qtbot, tab, bench, messages):
    save_person(bench.store, RosterPerson(id="1009", name="孙丽"))
    tab.refresh()
    select(tab, "1009")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Delete)
    dialog = tab.reason_dialog
    assert dialog.isVisible() and "1009 孙丽" in dialog.findChildren(type(dialog.error))[0].text()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)          # no reason: refused in the dialog
    assert dialog.isVisible() and dialog.error.text() == "请填写理由"
    ime(dialog.reason, "重复录入")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert "1009" not in people(bench.store)
    assert messages[-1] == ("已保存：删除人员 1009 孙丽", False)
    bench.undo()
    assert people(bench.store)["1009"].name == "孙丽"


def test_a_person_with_later_entries_cannot_be_deleted(qtbot, tab, bench, messages):
    select(tab, "1001")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_Delete)
    assert messages[-1] == ("张明（1001）已有报岗、演讲评分、推荐计票记录，不能删除", True)
    assert tab.reason_dialog is None
    assert "1001" in people(bench.store)


def test_a_locked_roster_refuses_the_edit_and_keeps_the_dialog_open(qtbot, tab, bench, messages):
    stages.advance(bench.store, "roster", "jd2026")
    stages.advance(bench.store, "roster", "jd2026")
    bench.changed.emit(Change(Changed.STAGES))
    assert tab.state_label.text() == "人员名单：已锁定"
    select(tab, "1003")
    qtbot.keyClick(tab.people_view, Qt.Key.Key_F2)
    dialog = tab.person_dialog
    qtbot.keyClicks(dialog.work_start, "1998-07")
    qtbot.keyClick(dialog.work_start, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.work_start.text() == "1998-07"     # nothing typed is lost
    assert "“人员名单”已锁定，不能修改" in dialog.error.text()
    assert messages[-1][1] is True and "已锁定" in messages[-1][0]
    assert people(bench.store)["1003"].work_start is None
    assert not bench.can_undo()


def test_posts_are_added_and_edited_with_keys(qtbot, tab, bench):
    qtbot.keyClick(tab.people_view, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = tab.post_dialog
    qtbot.keyClicks(dialog.id, "P4")
    ime(dialog.name, "人事科科长")
    ime(dialog.office, "人事科")
    qtbot.keyClicks(dialog.headcount, "5")
    qtbot.keyClick(dialog.headcount, Qt.Key.Key_Return)
    post = {p.id: p for p in list_posts(bench.store)}["P4"]
    assert (post.name, post.office, post.seats, post.headcount) == ("人事科科长", "人事科", 1, 5)
    tab.posts_view.setFocus()
    tab.posts_view.setCurrentIndex(tab.posts.index(tab.posts.row_of("P2"), 0))
    qtbot.keyClick(tab.posts_view, Qt.Key.Key_Return)
    dialog = tab.post_dialog
    dialog.seats.clear()
    qtbot.keyClicks(dialog.seats, "0")
    qtbot.keyClick(dialog.seats, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "职数: “0” 须为不小于 1 的整数"
    dialog.seats.clear()
    qtbot.keyClicks(dialog.seats, "2")
    qtbot.keyClick(dialog.seats, Qt.Key.Key_Return)
    assert {p.id: p.seats for p in list_posts(bench.store)}["P2"] == 2
    bench.undo()
    assert {p.id: p.seats for p in list_posts(bench.store)}["P2"] == 1


def test_typing_in_the_filter_keeps_matching_names_and_ids(qtbot, tab):
    qtbot.keyClick(tab.people_view, Qt.Key.Key_F, CTRL)
    assert tab.filter.hasFocus()
    ime(tab.filter, "李")
    assert tab.proxy.rowCount() == 1 and tab.proxy.index(0, 1).data() == "李华"
    tab.filter.clear()
    qtbot.keyClicks(tab.filter, "100")
    assert tab.proxy.rowCount() == 3
    qtbot.keyClicks(tab.filter, "3")
    assert tab.proxy.rowCount() == 1 and "筛选后 1 人" in tab.count_label.text()


def test_excel_export_then_import_into_a_new_campaign(qtbot, tab, bench, tmp_path, monkeypatch, messages):
    path = str(tmp_path / "人员名单.xlsx")
    monkeypatch.setattr(tab, "ask_save_path", lambda title, name: path)
    tab.export_excel()
    assert messages[-1] == (f"已导出 {path}", False)
    other = Store.create(tmp_path / "b.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    try:
        other_tab = make_tab(qtbot, Workbench(other))
        monkeypatch.setattr(other_tab, "ask_open_path", lambda: path)
        answer_modal(qtbot, Qt.Key.Key_Return)          # the preview: 导入
        other_tab.import_excel()
        assert sorted(people(other)) == ["1001", "1002", "1003"]
        assert other_tab.people.rowCount() == 3
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(b"not a workbook")
        seen: list[tuple[str, bool]] = []
        other_tab.bench.message.connect(lambda text, error: seen.append((text, error)))
        monkeypatch.setattr(other_tab, "ask_open_path", lambda: str(bad))
        other_tab.import_excel()
        assert seen and seen[-1][1] is True and "bad.xlsx" in seen[-1][0]
    finally:
        other.close()


# -- §二(二) and the rotation screening ----------------------------------------------------------

@pytest.mark.parametrize("rank, start, as_of, mark, text", [
    ("副科实职", "2024-03-01", date(2026, 2, 28), Mark.DUE, "不符合§二(二)：副科实职须满2年，至审查日期1年"),
    ("副科实职", "2024-03-01", date(2026, 3, 1), Mark.OK, "符合§二(二)：副科实职满2年（2年）"),
    ("正科虚职", "2023-06", date(2026, 6, 1), Mark.OK, "符合§二(二)：正科虚职满3年（3年）"),
    ("副科虚职", "2023-06", date(2026, 5, 31), Mark.DUE, "不符合§二(二)：副科虚职须满3年，至审查日期2年"),
    ("科员", "2000-01", date(2026, 1, 1), Mark.DUE, "不符合§二(二)：科员不在可竞争科长的职级之列"),
    ("副科实职", None, date(2026, 1, 1), Mark.UNKNOWN, "缺任职时间，无法审查§二(二)（副科实职须满2年）"),
], ids=["one-day-short", "anniversary", "month-precision", "month-short", "keyuan", "no-date"])
def test_chief_qualification_counts_full_years_of_the_rank(rank, start, as_of, mark, text):
    verdict = chief_qualification(rank, start, as_of)
    assert (verdict.mark, verdict.text) == (mark, text)


def test_screening_names_the_article(bench):
    person = people(bench.store)["1001"]
    due = screening(replace(person, post_start="2017-03-01"), date(2026, 3, 1))
    assert (due.mark, due.text) == (Mark.DUE, "应轮岗 第九条（一）在同一岗位工作满8年（9年）")
    assert screening(replace(person, post_start="2018-03-02"), date(2026, 3, 1)).text == "不需轮岗（同一岗位7年）"
    exempt = screening(replace(person, post_start="2010-01", no_rotation=True), date(2026, 3, 1))
    assert exempt.mark is Mark.EXEMPT and exempt.short == "可不轮岗 第十条（三）"
    assert exempt.text == ("可不轮岗 第九条（一）在同一岗位工作满8年（16年）；"
                           "第十条（三）职位条件有特殊要求，可不作为轮岗对象")


def test_the_screening_date_redraws_status_and_article(qtbot, tab, bench):
    save_person(bench.store, replace(people(bench.store)["1002"], exam=None, democratic=None,
                                     post_start="2018-03-01", category="拟竞争科长"))
    tab.refresh()
    tab.as_of.setDate(QDate(2026, 2, 28))
    row = tab.people.row_of("1002")
    cell = tab.people.index(row, SCREENING_COL)
    assert cell.data() == "不需 7年"
    assert tab.people.index(row, QUALIFICATION_COL).data() == "符合 7年"
    tab.as_of.setFocus()
    tab.as_of.setDate(QDate(2026, 3, 1))
    cell = tab.people.index(tab.people.row_of("1002"), SCREENING_COL)
    assert cell.data() == "应轮岗 第九条（一）"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "应轮岗 第九条（一）在同一岗位工作满8年（8年）"
    assert cell.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b00020"
    select(tab, "1002")
    assert "轮岗：应轮岗 第九条（一）在同一岗位工作满8年（8年）" in tab.detail.text()
    assert "截至审查日期应轮岗 1 人" in tab.count_label.text()
