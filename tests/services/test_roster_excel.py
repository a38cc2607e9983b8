"""人员名单 ⇄ Excel and the results workbook (openpyxl; sheets built in the tests themselves)."""

from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from app.core.campaign import load_campaign_text
from app.core.results import compute
from app.core.roster import RosterPerson
from app.core.scheme import Scheme
from app.services.roster_excel import (ROSTER_COLUMNS, ImportProblem, RosterImportError, export_results,
                                       read_roster, write_roster_template)
from tests.conftest import DATA

D = Decimal


def person(pid, name, **kw):
    return RosterPerson(pid, name, **kw)


PEOPLE = [
    person("1001", "张明", rank="正科实职", category="原任科长", gender="男", birth="1975-03",
           work_start="1995-07-01", post_start="2012-10", political="中共党员", education="本科",
           identity="行政", unit="市局机关", former_office="办公室", no_rotation=False,
           appraisal=(D("95"), D("92.5"), D("96")), exam=D("82.5"),
           democratic={"de": D("90"), "neng": D("85"), "qin": D("88"), "ji": D("86.5"), "lian": D("92")}),
    person("1002", "张明", rank="科员", category="行政一般", birth="1988-10", no_rotation=True, former_office="=1+1",
           appraisal=(D("90"),)),
    person("0012", "李华", rank="副科虚职", category="事业人员", identity="事业", unit="信息中心",
           birth="1990-01-15", exam=D("100"), appraisal=(D("0"), D("88.1"), D("77"))),
]


def test_columns_are_the_documented_ones_in_order():
    headers = [c.header for c in ROSTER_COLUMNS]
    assert headers == ["编号", "姓名", "性别", "出生时间", "参加工作时间", "任职时间", "政治面貌", "学历", "身份",
                       "编制单位", "职级", "类别", "原科室", "不轮岗", "考核1", "考核2", "考核3", "考试",
                       "德", "能", "勤", "绩", "廉", "专业类别", "岗位性质", "局管领导干部", "领导职务",
                       "本单位工作时间", "任职单位数", "后备干部", "负责工作", "暂缓情形"]


def test_round_trip_roster_excel_roster_is_lossless(tmp_path):
    path = tmp_path / "名单.xlsx"
    write_roster_template(path, PEOPLE)
    assert read_roster(path) == PEOPLE


def test_template_has_title_header_dropdowns_frozen_header_and_help_sheet(tmp_path):
    path = tmp_path / "模板.xlsx"
    write_roster_template(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["人员名单", "填表说明"]
    ws = wb["人员名单"]
    assert ws["A1"].value == "竞争轮岗人员名单"
    assert [c.value for c in ws[2]][:4] == ["编号", "姓名", "性别", "出生时间"]
    assert ws.freeze_panes == "C3"                        # header, 编号 and 姓名 stay in view
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"正科实职,正科虚职,副科实职,副科虚职,科员"' in lists
    assert '"原任科长,拟竞争科长,行政一般,事业人员"' in lists
    assert '"行政,事业,聘用"' in lists and '"是,否"' in lists
    assert ws.column_dimensions["J"].width >= 16          # 编制单位
    help_text = " ".join(str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value)
    assert "1985年3月" in help_text and "出生年月" in help_text
    assert read_roster(path) == []                         # the empty template imports as nothing


def office_sheet(tmp_path, rows, *, title=True, sheets_before=()):
    """A sheet as an office makes it: a merged title row, then the header, then ``rows``."""
    wb = Workbook()
    first = wb.active
    for name in sheets_before:
        wb.create_sheet(name)
    ws = first
    ws.title = "人员名单"
    if title:
        ws.append(["2024年竞争轮岗人员花名册"])
        ws.merge_cells("A1:H1")
    for row in rows:
        ws.append(row)
    path = tmp_path / "office.xlsx"
    wb.save(path)
    return path


HEADER = ["序号", "姓  名", "人员编号", "职级", "人员类别", "出生年月", "编制单位", "2023年考核", "2022年考核", "备注"]


def test_real_office_sheet_imports(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2024年竞争轮岗人员花名册"])
    ws.merge_cells("A1:J1")
    ws.append(["填报单位：市局人事科"])
    ws.append(HEADER)
    ws.append([1, "张\u3000三", 1001, "正科实职", "原任科长", "1985.03", "市局机关", 95, "92.5", ""])
    ws.append([2, " 李 四 ", "1002", "科员", "行政一般", "1985年3月", None, 90.0, 88, None])
    ws.append([None] * 10)                               # blank row: skipped
    ws.append([3, "王五", "1003", "副科实职", "拟竞争科长", "1985-03-01", "信息中心", None, None, "外单位"])
    ws.append([4, "赵六", "1004", "科员", "事业人员", datetime(1979, 6, 30), None, 91, 90, None])
    ws.append([5, "张\u3000三", "1005", "科员", "行政一般", 1985.1, None, None, None, None])
    ws.merge_cells("G4:G5")                               # 编制单位 merged over 张三 and 李四
    ws.append(["填表人：刘七"])
    path = tmp_path / "office.xlsx"
    wb.save(path)

    people = read_roster(path)
    assert [(p.id, p.name) for p in people] == [("1001", "张三"), ("1002", "李四"), ("1003", "王五"),
                                                ("1004", "赵六"), ("1005", "张三")]
    by_id = {p.id: p for p in people}
    assert [by_id[i].birth for i in ("1001", "1002", "1003", "1004", "1005")] == \
        ["1985-03", "1985-03", "1985-03-01", "1979-06-30", "1985-10"]
    assert by_id["1001"].unit == by_id["1002"].unit == "市局机关"
    assert by_id["1004"].unit is None
    assert by_id["1001"].rank == "正科实职" and by_id["1003"].category == "拟竞争科长"
    # 考核 columns carry years: kept oldest first, whatever their order on the sheet
    assert by_id["1001"].appraisal == (D("92.5"), D("95"))
    assert by_id["1002"].appraisal == (D("88"), D("90"))
    assert by_id["1003"].appraisal == ()


def test_numeric_year_month_cells(tmp_path):
    rows = [["编号", "姓名", "职级", "类别", "出生时间"], ["1", "甲", "科员", "行政一般", 1985.01],
            ["2", "乙", "科员", "行政一般", 1985.12], ["3", "丙", "科员", "行政一般", 198503]]
    people = read_roster(office_sheet(tmp_path, rows))
    assert [p.birth for p in people] == ["1985-01", "1985-12", "1985-03"]


def test_two_level_header_and_first_recognisable_sheet(tmp_path):
    wb = Workbook()
    wb.active.title = "填表说明"
    wb.active.append(["说明文字"])
    wb.create_sheet("封面").append(["封面"])
    ws = wb.create_sheet("名单")
    ws.append(["编号", "姓名", "民主测评", None, None, None, None, "近三年考核", None, None, "考试成绩", "职级", "类别"])
    ws.append([None, None, "德", "能", "勤", "绩", "廉", "2021年", "2022年", "2023年", None, None, None])
    for cells in ("A1:A2", "B1:B2", "C1:G1", "H1:J1", "K1:K2", "L1:L2", "M1:M2"):
        ws.merge_cells(cells)
    ws.append(["7", "周八", 90, 85, 88, 86, 92, 91, 92.5, 93, 82.5, "科员", "行政一般"])
    path = tmp_path / "two.xlsx"
    wb.save(path)
    [p] = read_roster(path)
    assert p.democratic == {"de": D("90"), "neng": D("85"), "qin": D("88"), "ji": D("86"), "lian": D("92")}
    assert p.appraisal == (D("91"), D("92.5"), D("93")) and p.exam == D("82.5")


def refused(path, scheme=Scheme()):
    with pytest.raises(RosterImportError) as info:
        read_roster(path, scheme)
    return info.value.problems


BASE = ["编号", "姓名", "职级", "类别", "出生时间", "考试"]


def test_bad_date_is_refused_with_row_and_column(tmp_path):
    path = office_sheet(tmp_path, [BASE, ["1", "甲", "科员", "行政一般", "1985-13", 80]])
    [p] = refused(path)
    assert (p.sheet, p.row, p.column) == ("人员名单", 3, "E（出生时间）")
    assert str(p).startswith("人员名单 第3行 E列（出生时间）：“1985-13” 不是日期")


@pytest.mark.parametrize("value, words", [(101, "超出 0–100"), ("101", "超出 0–100"), (88.55, "小数位过多"),
                                          ("88.55", "小数位过多"), ("八十", "不是数字"), (1985.123, "小数位过多")])
def test_bad_score_is_refused(tmp_path, value, words):
    path = office_sheet(tmp_path, [BASE, ["1", "甲", "科员", "行政一般", None, value]])
    [p] = refused(path)
    assert (p.row, p.column) == (3, "F（考试）") and words in p.message


def test_float_noise_below_ten_digits_is_read_as_typed(tmp_path):
    path = office_sheet(tmp_path, [BASE, ["1", "甲", "科员", "行政一般", None, 88.4 + 0.1]])
    assert read_roster(path)[0].exam == D("88.5")


def test_scheme_decimals_are_used(tmp_path):
    path = office_sheet(tmp_path, [BASE, ["1", "甲", "科员", "行政一般", None, 88.55]])
    assert read_roster(path, Scheme(input_decimals=2))[0].exam == D("88.55")


def test_unknown_rank_and_ambiguous_numeric_date(tmp_path):
    path = office_sheet(tmp_path, [BASE, ["1", "甲", "正处", "行政一般", 1985.2, None],
                                   ["2", "乙", "科员", "行政一般", 1985.123, None]])
    problems = refused(path)
    assert [(p.row, p.column) for p in problems] == [(3, "C（职级）"), (3, "E（出生时间）"), (4, "E（出生时间）")]
    assert "“正处” 不是 正科实职、正科虚职、副科实职、副科虚职、科员 之一" in problems[0].message
    assert "1985年20月" in problems[1].message


def test_duplicate_id_names_both_rows(tmp_path):
    path = office_sheet(tmp_path, [BASE, ["1001", "甲", "科员", "行政一般"], ["1002", "乙", "科员", "行政一般"],
                                   ["1001", "丙", "科员", "行政一般"]])
    [p] = refused(path)
    assert (p.row, p.column) == (5, "A（编号）") and "第3行" in p.message and "重复" in p.message


def test_missing_name(tmp_path):
    path = office_sheet(tmp_path, [BASE, ["1", None, "科员", "行政一般"], ["2", "乙", "科员", "行政一般"]])
    [p] = refused(path)
    assert (p.row, p.column, p.message) == (3, "B（姓名）", "姓名为空")


def test_every_problem_of_the_sheet_is_listed_and_nothing_is_imported(tmp_path):
    path = office_sheet(tmp_path, [
        BASE,
        ["1", "甲", "科员", "行政一般", "1985.03", 80],          # fine
        ["2", "乙", "科长", "行政一般", "2月", 80],              # 职级 and date
        ["3", "", "科员", "", None, 100.5],                     # 姓名, 类别, 考试
        ["2", "丁", "科员", "行政一般", None, "90.0"],           # duplicate 编号
    ])
    problems = refused(path)
    assert [(p.row, p.column[0]) for p in problems] == [(4, "C"), (4, "E"), (5, "B"), (5, "D"), (5, "F"), (6, "A")]
    text = str(RosterImportError(problems))
    assert text.count("\n") == 5 and "人员名单 第6行 A列（编号）" in text


def test_header_problems(tmp_path):
    path = office_sheet(tmp_path, [["姓名", "职级", "德", "能", "考试", "考试成绩"], ["甲", "科员", 90, 90, 80, 80]])
    messages = [str(p) for p in refused(path)]
    assert any("缺少“编号”列" in m for m in messages)
    assert any("缺少“类别”列（必填：原任科长、拟竞争科长、行政一般、事业人员 之一）" in m for m in messages)
    assert not any("缺少“职级”列" in m for m in messages)
    assert any("缺少“勤、绩、廉”列" in m for m in messages)
    assert any("F列（考试成绩）" in m and "E（考试）" in m for m in messages)


def test_partial_democratic_row_and_bad_flag(tmp_path):
    header = ["编号", "姓名", "德", "能", "勤", "绩", "廉", "不轮岗", "职级", "类别"]
    path = office_sheet(tmp_path, [header, ["1", "甲", 90, 90, None, 90, 90, "可能", "科员", "行政一般"]])
    problems = refused(path)
    assert [(p.row, p.column) for p in problems] == [(3, "E（勤）"), (3, "H（不轮岗）")]


def test_flags(tmp_path):
    header = ["编号", "姓名", "不轮岗", "职级", "类别"]
    rows = [[str(i), "某", v, "科员", "行政一般"] for i, v in enumerate(["是", "√", "否", None, " 是 "])]
    assert [p.no_rotation for p in read_roster(office_sheet(tmp_path, [header] + rows))] == \
        [True, True, False, False, True]


def test_no_header_and_not_an_xlsx(tmp_path):
    path = office_sheet(tmp_path, [["a", "b"], [1, 2]])
    [p] = refused(path)
    assert p.row == 0 and "找不到表头" in str(p)
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    [p] = refused(bad)
    assert ".xlsx" in p.message


def test_problem_text_without_row_or_column():
    assert str(ImportProblem("人员名单", 0, "", "找不到表头")) == "人员名单：找不到表头"


# --- results ------------------------------------------------------------------------------------

@pytest.fixture
def results_book(tmp_path):
    campaign = load_campaign_text((DATA / "small.json").read_text(encoding="utf-8"))
    path = tmp_path / "结果.xlsx"
    export_results(path, campaign, compute(campaign))
    return load_workbook(path)


def rows_by_id(ws):
    header = [c.value for c in ws[2]]
    return header, {r[0].value: r for r in ws.iter_rows(min_row=3) if r[0].value}


def number(cell):
    """The cell's number as an exact Decimal (the test reads what a person sees: three decimals)."""
    assert isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool)
    return Decimal(format(cell.value, ".10g"))


def test_results_workbook_has_one_sheet_per_stage(results_book):
    assert results_book.sheetnames == ["满意度测评", "民主测评", "考评量化", "竞岗演讲", "定岗推荐", "综合考评", "确定人选"]
    for ws in results_book.worksheets:
        assert ws["A1"].value and ws["A1"].font.bold
        assert ws["A2"].font.bold and ws.freeze_panes == "A3"
        assert ws.print_title_rows == "$2:$2"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 == "9"  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


def test_composite_sheet_holds_83_866_for_1001_at_p1(results_book):
    ws = results_book["综合考评"]
    header = [c.value for c in ws[2]]
    assert header[:4] == ["岗位", "名次", "编号", "姓名"] and "确定人选" in header
    data = [r for r in ws.iter_rows(min_row=3) if r[2].value]
    row = next(r for r in data if r[2].value == "1001" and "P1" in r[0].value)
    cell = row[header.index("综合考评得分")]
    assert number(cell) == D("83.866") and cell.number_format == "0.000"
    assert number(row[4]) == D("95.385") and number(row[5]) == D("89") and number(row[6]) == D("77.25")
    assert row[1].value == 1 and row[header.index("确定人选")].value == "拟任"      # first at P1, placed
    second = data[data.index(row) + 1]                      # sorted: the next row at P1 scored lower
    assert "P1" in second[0].value and second[1].value == 2
    row = next(r for r in data if r[2].value == "1002" and "P3" in r[0].value)
    assert row[7].value is None and row[1].value is None and "推荐率不达三分之一" in row[9].value
    assert "考评量化×30%" in " ".join(str(c.value) for r in ws.iter_rows() for c in r if c.value)


def test_speech_sheet_marks_the_dropped_scores(results_book):
    header, rows = rows_by_id(results_book["竞岗演讲"])
    assert header[2:9] == [f"评委{i}" for i in range(1, 8)]
    row = rows["1001"]                       # 88 90 91 85 87 92 89: drop 92, 91 and 85, 87
    struck = [number(c) for c in row[2:9] if c.font.strike]
    assert sorted(struck) == [D("85"), D("87"), D("91"), D("92")]
    # readable: black struck figures on a light ground (not grey on grey)
    assert all(c.fill.fgColor.rgb.endswith("F2F2F2") and c.font.color.rgb.endswith("000000")
               for c in row[2:9] if c.font.strike)
    assert number(row[header.index("演讲得分")]) == D("89.000")


def test_stage_sheets_hold_the_published_numbers(results_book):
    _, sat = rows_by_id(results_book["满意度测评"])
    assert number(sat["1002"][4]) == D("0.300") and sat["1002"][5].value == "通过"
    _, dem = rows_by_id(results_book["民主测评"])
    assert number(dem["1001"][7]) == D("88.450")
    header, quant = rows_by_id(results_book["考评量化"])
    assert number(quant["1001"][header.index("考评量化得分")]) == D("95.385")
    assert number(quant["1001"][header.index("考核均分（60%）")]) == D("94.333")
    ws = results_book["定岗推荐"]
    header = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "1001")
    assert [row[i].value for i in range(4, 10)] == [4, 30, 6, 8, 48, 63]
    assert number(row[header.index("推荐率")]) == D("0.762") and number(row[header.index("推荐得分")]) == D("77.25")
    assert header[4] == "局领导\n（到会5人）"


def test_assignment_sheet_in_plain_chinese(results_book):
    ws = results_book["确定人选"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3, max_row=5)]
    assert rows[0][:4] == ["办公室科长（P1）", "确定", "1001", "张明"] and "综合考评得分高" in rows[0][4]
    assert rows[1][:4] == ["财务科科长（P2）", "确定", "1003", "王芳"] and "只有一人" in rows[1][4]
    assert rows[2][:2] == ["法规科科长（P3）", "空缺"]


def test_merged_cells_section_rows_and_month_formatted_dates(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "姓名", "编制单位", "任职时间", "职级", "类别"])
    ws.append(["一、行政人员"])
    ws.merge_cells("A2:F2")                               # a section row: skipped
    ws.append(["1", "甲", "市局机关", datetime(2012, 10, 1), "科员", "行政一般"])
    ws["D3"].number_format = "yyyy.mm"                    # shown without the day: month precision
    ws.append(["2", "乙", None, datetime(2013, 5, 17), "科员", "行政一般"])
    ws.append([None, None, None, None])                   # the merged 编制单位 reaches here: still a blank row
    ws.merge_cells("C3:C5")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    people = read_roster(path)
    assert [(p.id, p.unit, p.post_start) for p in people] == [("1", "市局机关", "2012-10"),
                                                             ("2", "市局机关", "2013-05-17")]


def test_too_many_appraisal_columns_for_the_scheme(tmp_path):
    header = ["编号", "姓名", "2020年考核", "2021年考核", "2022年考核", "2023年考核", "职级", "类别"]
    path = office_sheet(tmp_path, [header, ["1", "甲", 90, 90, 90, 90, "科员", "行政一般"]])
    [p] = refused(path)
    assert p.row == 2 and "近 3 年" in p.message
    assert len(read_roster(path, Scheme(appraisal_years=4))[0].appraisal) == 4


def test_undecided_and_absent_groups_are_written_out(tmp_path):
    import json
    doc = {
        "format": "jinggang-campaign/1",
        "posts": [{"id": "P1", "name": "办公室科长"}, {"id": "P2", "name": "财务科科长"}, {"id": "P3", "name": "法规科科长"}],
        "people": [
            {"id": "2001", "name": "甲", "rank": "科员", "declarations": [["P1"]]},
            {"id": "2002", "name": "乙", "rank": "科员", "declarations": [["P1"]]},
            {"id": "2003", "name": "丙", "rank": "科员", "declarations": [["P1"]]},
        ],
        "recommendation": {
            "present": {"leaders": 5, "staff": 10},
            "counts": [
                {"person": "2001", "post": "P2", "leaders": 2, "staff": 4},     # two suggested posts, 6/15 each
                {"person": "2001", "post": "P3", "leaders": 2, "staff": 4},
                {"person": "2002", "post": "P1", "leaders": 4, "staff": 6},     # no scores: P1 cannot be decided
                {"person": "2003", "post": "P1", "leaders": 4, "staff": 5},
            ],
        },
    }
    campaign = load_campaign_text(json.dumps(doc, ensure_ascii=False))
    path = tmp_path / "结果.xlsx"
    export_results(path, campaign, compute(campaign))
    wb = load_workbook(path)
    rows = [[c.value for c in r] for r in wb["确定人选"].iter_rows(min_row=3) if r[0].value
            and not str(r[0].value).startswith("计分人")]
    assert ["办公室科长（P1）", "待定", "2002、2003", "乙、丙"] == rows[0][:4] and "缺少分数" in rows[0][4]
    assert rows[-1][:3] == ["财务科科长（P2）、法规科科长（P3）", "待定", "2001"] and "推荐率相同" in rows[-1][4]
    notes = " ".join(str(r[0].value) for r in wb["定岗推荐"].iter_rows(min_row=3) if r[0].value)
    assert "事业单位负责人、各县（市、区）局长无人到会" in notes and "局领导46.667%" in notes
