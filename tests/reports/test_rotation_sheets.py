"""交流轮岗对象名单 and 机关轮岗交流人员统计表: from plain data (every name, article and count in the PDF text,
fonts embedded) and from a store, as PDF and as Excel, through ``python -m app report``."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from app.cli_report import run_report
from app.reports import render
from app.reports import data as d
from app.reports import rotation as r
from app.services.report_data import build_xlsx, sheet_data
from tests.reports import font_problems, missing, page_texts, squeeze
from tests.services.test_rotation_service import AS_OF, campaign  # noqa: F401 - the fixture

UNIT, CAMPAIGN = "某某局", "2026年竞争轮岗"


def header(title: str, **kw) -> d.SheetHeader:
    base = dict(unit=UNIT, campaign=CAMPAIGN, title=title, audit_seq=417, printed="2026-12-01 10:00")
    base.update(kw)
    return d.SheetHeader(**base)


def rotation_list() -> r.RotationList:
    return r.RotationList(
        header("交流轮岗对象名单", subtitle="截至2026年12月1日"), "2026年12月1日", 5,
        (r.RotationCandidate("1001", "张明", "财务科", "正科实职（局管正职）", "2020-12", "必须交流", "应轮岗",
                             "第七条（一）在同一职位任正职满5年（6年），负责财务工作，必须交流；"
                             "第九条（二）在财务专职岗位工作满5年（6年）"),),
        (r.RotationCandidate("2001", "赵一", "办公室", "科员", "2010-01", "", "可不轮岗",
                             "第九条（一）在同一岗位工作满8年（16年）；第十条（三）职位条件有特殊要求，可不作为轮岗对象"),),
        (r.RotationCandidate("1002", "李华", "法规科", "副科实职（局管领导干部）", "2019-05", "", "",
                             "局管领导干部未填领导职务（正职/副职），第七条未审查"),))


def statistics() -> r.RotationStatisticsSheet:
    groups = (r.StatisticsGroup("任职情况", (("科长（主任）", 1), ("副科长", 0), ("一般干部", 2), ("合计", 3))),
              r.StatisticsGroup("年龄", (("不满30岁", 1), ("30-40岁", 1), ("40-50岁", 0), ("50岁以上", 1), ("合计", 3))),
              r.StatisticsGroup("文化程度", (("大学本科及以上", 2), ("大专", 1), ("中专", 0), ("高中及以下", 0),
                                         ("合计", 3))),
              r.StatisticsGroup("文凭记载专业", (("经济类", 1), ("法律类", 1), ("其它类", 0), ("未填写", 1), ("合计", 3))),
              r.StatisticsGroup("具体岗位", (("人财物管理", 1), ("项目经费审批", 0), ("证牌照核发", 0), ("执法监督监察", 1),
                                         ("其它", 0), ("未填写", 1), ("合计", 3))))
    people = (r.MovedRow("1001", "张明", "财务科", "办公室科长", "确定人选（第十三条）", "51", "大学本科", "经济类", "人财物管理"),
              r.MovedRow("2002", "钱二", "财务科", "办公室", "科员定岗第1轮", "36", "大专", "法律类", "执法监督监察"),
              r.MovedRow("2001", "赵一", "办公室", "财务科", "科员定岗第1轮", "29", "研究生", "", ""))
    return r.RotationStatisticsSheet(
        header("机关轮岗交流人员统计表", subtitle="统计日期2026年12月1日", state="已公布"), "2026年12月1日", 3,
        "本次竞争轮岗共有3人轮岗交流到其他科室。", groups, people,
        (r.MovedRow("2003", "孙三", "", "财务科", "科员定岗第2轮", "", "", "", ""),), 1)


LIST_TEXT = ["某某局交流轮岗对象名单", "截至2026年12月1日", "张明", "赵一", "李华", "必须交流", "应轮岗", "可不轮岗",
             "第七条（一）", "第九条（二）", "第十条（三）", "一、应交流、轮岗的人员（1人", "二、可不交流、暂缓交流或可不轮岗的人员（1人",
             "三、资料不全、未能完全审查的人员（1人）", "未填领导职务", "经办人", "审核人"]
STATISTICS_TEXT = ["某某局机关轮岗交流人员统计表", "统计日期2026年12月1日", "交流总人数", "任职情况", "一般干部", "不满30岁",
                   "50岁以上", "大学本科及以上", "经济类", "执法监督监察", "张明", "钱二", "赵一", "孙三", "办公室科长",
                   "科员定岗第1轮", "原科室未填写", "填表人", "审核人"]


def test_the_list_names_each_person_with_the_article_and_the_reason():
    data = rotation_list()
    pdf = render("交流轮岗对象名单", data)
    assert missing(pdf, LIST_TEXT) == []
    assert font_problems(pdf) == []
    text = squeeze("".join(page_texts(pdf)))
    assert "公示期" not in text and "计分人" not in text      # a work document, not a 公示


def test_the_statistics_print_the_counts_in_one_row_under_their_groups():
    pdf = render("机关轮岗交流人员统计表", statistics())
    assert missing(pdf, STATISTICS_TEXT) == []
    assert font_problems(pdf) == []
    # each counts row as printed, group after group (合计 left out: it is the total):
    # 3 | 1 0 2 | 1 1 0 1 | 2 1 0 0, then 1 1 0 1 | 1 0 0 1 0 1
    first = squeeze(page_texts(pdf)[0])
    assert "及以下310211012100" in first and "未填写1101100101轮岗交流人员" in first


def test_from_a_store_as_pdf_and_excel(campaign, tmp_path):  # noqa: F811 - the fixture
    data = sheet_data(campaign, "机关轮岗交流人员统计表", as_of=AS_OF)
    assert data.header.draft                                   # round 2 of the 科员定岗 still open
    assert data.total == 3 and [m.person_id for m in data.people] == ["1001", "2002", "2001"]
    assert [m.person_id for m in data.uncounted] == ["2003"] and data.stayed == 1
    assert [m.age for m in data.people] == ["51", "36", "29"]
    out = tmp_path / "stat.xlsx"
    build_xlsx(campaign, "机关轮岗交流人员统计表", out, as_of=AS_OF, printed="2026-12-01 10:00")
    wb = load_workbook(out)
    counts = wb["统计表"]
    assert [c.value for c in counts[3]][:4] == [None, "科长\n（主任）", "副科长", "一般\n干部"]
    assert [c.value for c in counts[4]][:8] == [3, 1, 0, 2, 1, 1, 0, 1]
    assert "草稿" in counts["A1"].value
    people = wb["轮岗交流人员"]
    assert [people.cell(r, 3).value for r in range(3, 7)] == ["张明", "钱二", "赵一", "孙三"]
    assert people.cell(6, 11).value == "原科室未填写，未计入统计"
    assert not list(tmp_path.glob(".stat-*"))                  # the temporary file was renamed, not left


def test_the_command_line_takes_a_date_and_writes_excel_when_asked(campaign, tmp_path):  # noqa: F811
    db, err = str(campaign.location), io.StringIO()
    pdf, xlsx = tmp_path / "名单.pdf", tmp_path / "名单.xlsx"
    assert run_report(db, "交流轮岗对象名单", str(pdf), as_of=date(2026, 12, 1)) == 0
    assert missing(pdf.read_bytes(), ["截至2026年12月1日"]) == []
    assert run_report(db, "交流轮岗对象名单", str(xlsx), as_of=date(2026, 12, 1)) == 0
    ws = load_workbook(xlsx).active
    assert ws["A1"].value.endswith("交流轮岗对象名单（截至2026年12月1日）")
    assert run_report(db, "综合考评结果", str(tmp_path / "x.xlsx"), draft=True, stderr=err) == 2
    assert "“综合考评结果”没有 Excel 版本" in err.getvalue()
