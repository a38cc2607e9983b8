"""The roster's 交流轮岗 columns in the Excel template and the import (暂行办法 第七条–第十条, the county
speech's 专业类别 and 岗位性质): written by the template, read back, office spellings accepted, mistakes named."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from app.core.roster import RosterPerson
from app.services.roster_excel import RosterImportError, read_roster, write_roster_template

FULL = RosterPerson("1001", "张明", rank="正科实职", category="原任科长", post_start="2015-06", speciality="经济类",
                    post_kind="人财物管理", bureau_leader=True, leader_rank="正职", unit_start="2012-03",
                    units_served=2, reserve_cadre=False, duties="人事、财务", exemption="患重大疾病")


def sheet(tmp_path, header, *rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "r.xlsx"
    wb.save(path)
    return path


def test_the_template_writes_and_reads_back_every_rotation_column(tmp_path):
    path = tmp_path / "t.xlsx"
    write_roster_template(path, [FULL, RosterPerson("1002", "李华", reserve_cadre=True)])
    assert read_roster(path) == [FULL, RosterPerson("1002", "李华", reserve_cadre=True)]
    ws = load_workbook(path)["人员名单"]
    headers = [c.value for c in ws[2]]
    assert headers[-9:] == ["专业类别", "岗位性质", "局管领导干部", "领导职务", "本单位工作时间", "任职单位数",
                            "后备干部", "负责工作", "暂缓情形"]
    lists = {dv.formula1: dv.showErrorMessage for dv in ws.data_validations.dataValidation}
    assert lists['"经济类,法律类,其它类"'] is True
    assert lists['"正职,副职"'] is True
    assert lists['"组织,人事,财务,审计,项目审批,执纪执法,资金管理,行政后勤"'] is False   # several may be typed
    help_text = " ".join(str(c.value) for row in load_workbook(path)["填表说明"].iter_rows() for c in row if c.value)
    assert "第七条（三）" in help_text and "经济类（含经济、会计、统计、财政）" in help_text


def test_office_spellings_are_read_as_the_template_words(tmp_path):
    path = sheet(tmp_path, ["编号", "姓名", "专业类", "具体岗位", "局管干部", "正副职", "专职岗位", "暂缓原因", "任职单位数",
                            "职级", "类别"],
                 ["1001", "张明", "其他", "其他", "√", "副职", "财务，人事", "涉及重要机密", "2", "正科实职", "原任科长"])
    [p] = read_roster(path)
    assert (p.speciality, p.post_kind, p.bureau_leader, p.leader_rank) == ("其它类", "其它", True, "副职")
    assert (p.duties, p.exemption, p.units_served) == ("人事、财务", "涉及重要机密", 2)   # the template's order


def test_mistakes_are_named_by_row_and_column_and_nothing_is_imported(tmp_path):
    path = sheet(tmp_path, ["编号", "姓名", "专业类别", "负责工作", "任职单位数", "领导职务", "职级", "类别"],
                 ["1001", "张明", "理工类", "财务、打牌", "0", "正职", "正科实职", "原任科长"],
                 ["1002", "李华", "法律类", "审计", "三", None, "科员", "行政一般"])
    with pytest.raises(RosterImportError) as err:
        read_roster(path)
    where = [(p.row, p.column) for p in err.value.problems]
    assert where == [(2, "C（专业类别）"), (2, "D（负责工作）"), (2, "E（任职单位数）"), (3, "E（任职单位数）")]
    text = str(err.value)
    assert "“理工类” 不是 经济类、法律类、其它类 之一" in text
    assert "“打牌” 不是 组织、人事、财务" in text and "应为 1 至 99 的整数" in text
