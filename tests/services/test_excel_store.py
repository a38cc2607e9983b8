"""Roster → store → Excel → store is lossless; a refused import stores nothing (issue 3)."""

import json

import pytest
from openpyxl import load_workbook

from tests.conftest import DATA
from app.services.campaign_io import import_campaign
from app.services.excel import export_results_xlsx, export_roster_xlsx, import_roster_xlsx
from app.services.roster import list_people
from app.services.store import Store, StoreError


def new_store(tmp_path, name):
    return Store.create(tmp_path / name, title="t", unit="u", supervisor_password="jd2026", operator="王敏")


def test_round_trip_roster_store_excel_store(tmp_path):
    first = new_store(tmp_path, "a.db")
    import_campaign(first, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    export_roster_xlsx(first, tmp_path / "名单.xlsx")
    second = new_store(tmp_path, "b.db")
    import_roster_xlsx(second, tmp_path / "名单.xlsx")
    assert [p for p, _ in list_people(second)] == [p for p, _ in list_people(first)]


def test_a_bad_sheet_stores_nothing_and_names_row_and_column(tmp_path):
    store = new_store(tmp_path, "a.db")
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "姓名", "职级", "类别", "考试"])
    ws.append(["1001", "张明", "正科实职", "原任科长", 82.5])
    ws.append(["1002", "李华", "副科实职", "拟竞争科长", 101])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(StoreError) as err:
        import_roster_xlsx(store, tmp_path / "bad.xlsx")
    assert "第3行" in str(err.value) and "考试" in str(err.value) and "101 超出 0–100" in str(err.value)
    assert list_people(store) == []


def test_results_workbook_from_the_store(tmp_path):
    store = new_store(tmp_path, "a.db")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    export_results_xlsx(store, tmp_path / "结果.xlsx")
    wb = load_workbook(tmp_path / "结果.xlsx")
    assert "综合考评" in wb.sheetnames
    values = [c.value for row in wb["综合考评"].iter_rows() for c in row]
    assert any(str(v) == "83.866" for v in values)


def test_an_unpublished_workbook_is_marked_draft_and_every_sheet_can_be_filed(tmp_path):
    from app.services import stages
    store = new_store(tmp_path, "a.db")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    export_results_xlsx(store, tmp_path / "草稿.xlsx", printed="2026-03-02 16:30")
    wb = load_workbook(tmp_path / "草稿.xlsx")
    for ws in wb.worksheets:
        assert "草稿（未公布）" in ws.cell(1, 1).value and ws.oddHeader.right.text == "草稿（未公布）"
        assert ws.oddHeader.left.text == "u　t"                          # unit and campaign on every page
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页" and "2026-03-02 16:30" in ws.oddFooter.right.text
        last = [c.value for c in ws[ws.max_row]]
        assert str(last[0]).startswith("计分人：") and "复核人：" in last[0] and "监督人：" in last[0]
    stages.publish_through(store, "assignment", "jd2026")     # every stage but 双向选择
    export_results_xlsx(store, tmp_path / "公布.xlsx")
    wb = load_workbook(tmp_path / "公布.xlsx")
    assert not any("草稿" in str(ws.cell(1, 1).value) for ws in wb.worksheets)


def test_the_template_help_rows_are_tall_enough_for_their_text(tmp_path):
    from app.services.excel import export_roster_template
    from app.services.results_excel import text_width
    export_roster_template(tmp_path / "模板.xlsx")
    ws = load_workbook(tmp_path / "模板.xlsx")["填表说明"]
    width = ws.column_dimensions["B"].width
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row):
        text = row[1].value
        if isinstance(text, str) and text:
            lines = -(-text_width(text) // (int(width) - 1))
            assert ws.row_dimensions[row[0].row].height >= 15 * lines, text
