"""Sheets and forms from plain data: every name, post and number printed, every font embedded,
headers repeated, pages numbered, signatures on the last page (reports never touch a database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from app.reports import FORM, ROTATION, SHEET, SHEETS, count as cnt, data as d, fonts, render
from app.reports import seals as seal_data
from app.reports.data import data_digest, short_digest
from tests.reports import font_problems, is_landscape, missing, page_texts, squeeze
from tests.reports import test_rotation_sheets as rotation_samples
from tests.reports import test_selection_sheets as selection_samples

UNIT, CAMPAIGN = "某某局", "2026年竞争轮岗"


def header(title: str, **kw) -> d.SheetHeader:
    base = dict(unit=UNIT, campaign=CAMPAIGN, title=title, state="已公布", audit_seq=417, printed="2026-03-02 16:30")
    base.update(kw)
    return d.SheetHeader(**base)


def composite(n: int = 3, **kw) -> d.CompositeSheet:
    people = [("1001", "张明", "办公室科长", D("95.385"), D("89.000"), D("77.250"), D("83.866"), ""),
              ("1002", "李华", "办公室科长", D("93.900"), D("91.200"), D("58.125"), D("71.165"), ""),
              ("1003", "王芳", "财务科科长", D("91.041"), D("82.000"), None, None, "推荐率不达三分之一")]
    rows = tuple(d.CompositeRow(post, pid, name, q, s, r, c, note)
                 for pid, name, post, q, s, r, c, note in (people * (n // 3 + 1))[:n])
    return d.CompositeSheet(header("综合考评结果", **kw), ("考评量化\n（30%）", "竞岗演讲\n（10%）", "定岗推荐\n（60%）"),
                            rows, ("注：综合考评得分 = 考评量化×30% + 竞岗演讲×10% + 定岗推荐×60%。",))


def speech(judges: int = 7) -> d.SpeechSheet:
    scores = ("88.0", "90.0", "91.0", "85.0", "87.0", "92.0", "89.0") + tuple(f"{80 + k}.5" for k in range(judges - 7))
    dropped = ("", "", "high", "low", "low", "high", "") + ("",) * (judges - 7)
    rows = (d.SpeechRow(1, "1002", "李华", scores, dropped, judges - 4, D("89.000")),
            d.SpeechRow(2, "1001", "张明", scores, dropped, judges - 4, D("89.500")))
    return d.SpeechSheet(header("竞岗演讲得分"), tuple(f"评委{k}" for k in range(1, judges + 1)), 2, rows)


def candidates() -> tuple[d.FormCandidate, ...]:
    return (d.FormCandidate(1, "1002", "李华", "办公室科长", ("办公室科长",), ("P01",)),
            d.FormCandidate(2, "1001", "张明", "办公室科长、财务科科长", ("办公室科长", "财务科科长"), ("P01", "P02")))


PUBLICITY = d.Publicity("2026年3月2日", "2026年3月8日", 7, "0351-1234567", "局机关一楼意见箱")


SAMPLES = {
    "报岗情况公示": lambda: d.DeclarationSheet(
        header("报岗情况公示", subtitle="第二次报岗"), 2,
        (d.DeclarationRow("1001", "张明", "正科实职", ("办公室科长", "财务科科长")),
         d.DeclarationRow("1002", "李华", "副科实职", ("法规科科长",), "沿用第一次报岗")),
        (d.PostDeclared("办公室科长", 1, ("张明",)), d.PostDeclared("法规科科长", 1, ("李华",)))),
    "满意度测评结果": lambda: d.SatisfactionSheet(header("满意度测评结果"), (
        d.SatisfactionRow("1001", "张明", "原任科长", 30, 5, D("0.167"), "通过"),
        d.SatisfactionRow("1004", "赵强", "拟竞争科长", 30, 10, D("0.333"), "未通过（不满意率达三分之一以上）"))),
    "民主测评结果": lambda: d.DemocraticSheet(header("民主测评结果"), ("德\n（30%）", "能\n（15%）", "勤\n（10%）",
                                                                  "绩\n（25%）", "廉\n（20%）"),
                                        (d.DemocraticRow("1001", "张明", (D("90"), D("85"), D("88"), D("86"), D("92")),
                                                         D("88.450")),)),
    "考评量化结果": lambda: d.QuantifiedSheet(header("考评量化结果"), ("考试\n（10%）", "民主测评\n（30%）", "考核均分\n（60%）"),
                                        3, (d.QuantifiedRow("1001", "张明", "正科实职", D("82.500"), D("88.450"),
                                                            ("95.0", "92.0", "96.0"), D("94.333"), D("4.000"),
                                                            D("95.385")),)),
    "竞岗演讲得分": speech,
    "定岗推荐结果": lambda: d.RecommendationSheet(
        header("定岗推荐结果"), ("局领导\n（5人）", "其他行政\n编制人员\n（40人）", "事业单位\n负责人\n（8人）",
                                 "各县（市、\n区）局长\n（10人）"), "三分之一",
        (d.RecommendationRow("1001", "张明", "办公室科长", "第一志愿", (4, 30, 6, 8), 48, 63, D("0.762"), True,
                             D("77.250"), "是"),
         d.RecommendationRow("1002", "李华", "法规科科长", "建议岗位", (2, 10, 2, 3), 17, 63, D("0.270"), False,
                             None, "否"))),
    "综合考评结果": composite,
    "拟任人选公示": lambda: d.AppointmentSheet(
        header("拟任人选公示", publicity=PUBLICITY),
        (d.AppointmentRow("办公室科长", "1001", "张明", "男", "1975-04", "大学本科", "办公室", "正科实职", D("83.866"),
                          "第十三条（三）：综合考评得分高"),),
        (("法规科科长", "", "空缺：无符合条件的人选，留待下一轮安排（第十三条）"),)),
    "抽签记录": lambda: d.DrawSheet(header("抽签记录", state=""), (d.DrawSection(
        "竞岗演讲", "程序抽签", "4711", "1001,1002,1003",
        "5d4c1b1e0f3a1c27e2b7e7e4e0f6d64b6f7a4f0a2b1c3d4e5f60718293a4b5c6",
        (d.DrawLine(1, "1002", "李华", "036c673a7004480c4d07d9337c7aa2031c54ffafb85417232133f8f9b667a8de"),
         d.DrawLine(2, "1001", "张明", "5f3d0c2b6c0b1b4f8f0e5c1d7a9e3b2c4d6e8f0a1b3c5d7e9f1a3b5c7d9e1f3a")),
        "已按本表说明的方法重新计算，名单摘要、每人键值与顺序均与记录一致"),)),
    "评委评分表": lambda: d.JudgeForms(header("评委评分表", state=""), ("评委1", "评委2"), candidates()),
    "定岗推荐票": lambda: d.BallotForms(header("定岗推荐票", state=""), (("局领导", 2), ("各县（市、区）局长", 1)),
                                   candidates(), (("P01", "办公室科长"), ("P02", "财务科科长"), ("P03", "法规科科长"))),
    "开票前确认单": lambda: cnt.OpeningSheet(
        header("开票前确认单", state=""),
        (cnt.OpeningGroup("局领导", 5, 7, 5), cnt.OpeningGroup("其他行政编制人员", 40, None, None)),
        (cnt.OpeningCandidate(1, "1002", "李华", "P01:办公室科长"),
         cnt.OpeningCandidate(2, "1001", "张明", "P01:办公室科长,P02:财务科科长")),
        "9f2c5d0b7e4a1c3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5", "局领导 35%、其他行政编制人员 40%",
        "三分之一", "3f2a91c07b44e1d9aa00bb11cc22dd33ee44ff5566778899aabbccddeeff0011"),
    "抽查单": lambda: cnt.AuditSheet(
        header("抽查单", state=""), "2718", "定岗推荐", "改变约 3 张选票可能改变：办公室科长 的人选",
        (cnt.AuditGroup("局领导", 2, 5, (cnt.AuditLine(1, "483920", "0a1b2c3d4e5f60718293a4b5c6d7e8f9" * 2, "一致"),
                                         cnt.AuditLine(2, "105733", "1b2c3d4e5f60718293a4b5c6d7e8f90a" * 2))),)),
    "满意度测评票": lambda: d.RatingForms(header("满意度测评票", state=""), 2, candidates(), ("满意", "基本满意", "不满意")),
    "民主测评票": lambda: d.RatingForms(header("民主测评票", state=""), 1, candidates(),
                                   ("优秀", "称职", "基本称职", "不称职"), ("德", "能", "勤", "绩", "廉")),
    "双向选择结果": lambda: selection_samples.result(),
    "双向选择确认表": lambda: selection_samples.forms(),
    "交流轮岗对象名单": lambda: rotation_samples.rotation_list(),
    "机关轮岗交流人员统计表": lambda: rotation_samples.statistics(),
    "封签记录": lambda: seal_data.SealSheet(header("封签记录", state="", code="摘要码 8A97-0B8F-B9F7-DD78（第 142 条）",
                                                  head="JGHEAD1:142:" + "8A970B8FB9F7DD78" * 4), (
        seal_data.SealRow(136, "2026-03-02 16:30:05", "锁定", "综合考评与人选", "王敏", "", "4DBE-ACCC-C722-DCD1（第 136 条）"),
        seal_data.SealRow(142, "2026-03-03 09:12:40", "解锁", "竞岗演讲评分", "王敏", "评委3录入错误；撤回：综合考评与人选",
                          "8A97-0B8F-B9F7-DD78（第 142 条）"))),
}

EXPECTED = {
    "报岗情况公示": ["张明", "李华", "办公室科长", "财务科科长", "法规科科长", "沿用第一次报岗", "第二次报岗", "1001", "1002"],
    "满意度测评结果": ["张明", "赵强", "原任科长", "30", "5", "10", "0.167", "0.333", "未通过（不满意率达三分之一以上）"],
    "民主测评结果": ["张明", "90.000", "85.000", "88.000", "86.000", "92.000", "88.450", "德", "（30%）"],
    "考评量化结果": ["张明", "正科实职", "82.500", "88.450", "95.0", "92.0", "96.0", "94.333", "4.000", "95.385"],
    "竞岗演讲得分": ["李华", "张明", "评委1", "评委7", "88.0", "92.0", "85.0", "89.000", "89.500"],
    "定岗推荐结果": ["张明", "李华", "办公室科长", "法规科科长", "第一志愿", "建议岗位", "48", "63", "0.762", "0.270",
                     "77.250", "各组推荐人数（到会人数）", "（40人）", "各县（市、"],
    "综合考评结果": ["张明", "李华", "王芳", "办公室科长", "财务科科长", "95.385", "89.000", "77.250", "83.866",
                     "71.165", "推荐率不达三分之一", "—"],
    "拟任人选公示": ["张明", "办公室科长", "1975-04", "83.866", "2026年3月2日至2026年3月8日（7天）", "0351-1234567",
                     "局机关一楼意见箱", "法规科科长", "第十三条（三）"],
    "抽签记录": ["李华", "张明", "4711", "1001,1002,1003", "036c673a7004480c4d07d9337c7aa2031c54ffafb85417232133f8f9b667a8de",
                 "5d4c1b1e0f3a1c27e2b7e7e4e0f6d64b6f7a4f0a2b1c3d4e5f60718293a4b5c6", "一致"],
    "评委评分表": ["评委1", "评委2", "李华", "张明", "办公室科长、财务科科长", "评委签名"],
    "定岗推荐票": ["局领导", "各县（市、区）局长", "0001", "0003", "李华", "张明", "P02财务科科长", "P03", "法规科科长",
                   "同意", "建议岗位"],
    "开票前确认单": ["局领导", "其他行政编制人员", "未编号", "李华", "张明", "P01:办公室科长，P02:财务科科长",
                   "9f2c5d0b7e4a1c3d", "3F2A91C07B44E1D9", "三分之一", "监督人"],
    "抽查单": ["2718", "定岗推荐", "483920", "105733", "0a1b2c3d4e5f6071", "一致", "改变约3张选票"],
    "满意度测评票": ["No.0001", "No.0002", "李华", "张明", "1001", "1002", "满意", "基本满意", "不满意"],
    "民主测评票": ["No.0001", "李华", "张明", "1001", "优秀", "称职", "基本称职", "不称职", "德", "廉"],
    "双向选择结果": ["办公室", "财务科", "法规科", "张明", "王芳", "赵一", "周四", "钱二", "冯八", "领导组安排",
                     "回原编制单位"],
    "双向选择确认表": ["办公室", "财务科", "张明", "王芳", "科员定岗第2轮", "拟选人员", "科长签字", "本人签字"],
    "交流轮岗对象名单": rotation_samples.LIST_TEXT,
    "机关轮岗交流人员统计表": rotation_samples.STATISTICS_TEXT,
    "封签记录": ["锁定", "解锁", "综合考评与人选", "竞岗演讲评分", "评委3录入错误", "4DBE-ACCC-C722-DCD1（第136条）",
                 "8A97-0B8F-B9F7-DD78（第142条）", "监督人"],
}


def test_every_registered_sheet_has_a_sample():
    # A new entry in app.reports.SHEETS (e.g. 双向选择结果) must come with a sample here.
    assert set(SAMPLES) == set(SHEETS) == set(EXPECTED)
    assert {e.kind for e in SHEETS.values()} == {SHEET, FORM, ROTATION}


@pytest.mark.parametrize("title", list(SHEETS))
def test_every_name_post_and_number_is_in_the_pdf_text(title):
    data = SAMPLES[title]()
    pdf = render(title, data)
    assert pdf.startswith(b"%PDF")
    assert missing(pdf, EXPECTED[title] + [UNIT, CAMPAIGN, title, short_digest(data)]) == []


@pytest.mark.parametrize("title", list(SHEETS))
def test_every_font_is_embedded_truetype(title):
    pdf = render(title, SAMPLES[title]())
    assert font_problems(pdf) == []
    assert b"/Helvetica" not in pdf          # not even the canvas's default font is referenced


def test_the_digest_and_the_audit_seq_are_printed_on_every_page():
    data = composite(120)
    texts = [squeeze(t) for t in page_texts(render("综合考评结果", data))]
    assert len(texts) > 1
    assert all(f"数据摘要{short_digest(data)}·审计日志至第417条" in t for t in texts)


def test_the_digest_covers_what_is_shown_and_nothing_else():
    data = composite()
    reprinted = replace(data, header=replace(data.header, printed="2026-03-09 08:00", audit_seq=999))
    assert data_digest(reprinted) == data_digest(data)
    row = replace(data.rows[0], composite=D("83.867"))
    assert data_digest(replace(data, rows=(row,) + data.rows[1:])) != data_digest(data)
    # A Decimal is digested as printed (three decimals), so 83.8660 and 83.866 are one sheet.
    same = replace(data.rows[0], composite=D("83.8660"))
    assert data_digest(replace(data, rows=(same,) + data.rows[1:])) == data_digest(data)


def test_a_long_table_repeats_its_header_and_numbers_the_pages():
    data = composite(75)
    texts = page_texts(render("综合考评结果", data))
    n = len(texts)
    assert n >= 3
    for number, text in enumerate(texts, start=1):
        flat = squeeze(text)
        assert f"第{number}页共{n}页" in flat
        assert "考评量化" in flat and "综合考评得分" in flat        # the header row, on every page
    assert sum(t.count("张明") for t in texts) == 25


def test_the_signature_block_is_only_on_the_last_page():
    texts = page_texts(render("综合考评结果", composite(75)))
    for label in ("计分人", "复核人", "监督人", "日期："):
        assert [label in t for t in texts] == [False] * (len(texts) - 1) + [True]


def test_a_wide_sheet_turns_landscape_and_a_narrow_one_stays_portrait():
    assert is_landscape(render("竞岗演讲得分", speech(25)))
    assert not is_landscape(render("竞岗演讲得分", speech(7)))
    assert not is_landscape(render("拟任人选公示", SAMPLES["拟任人选公示"]()))


def test_twenty_five_judges_all_printed_with_their_scores():
    pdf = render("竞岗演讲得分", speech(25))
    assert missing(pdf, [f"评委{k}" for k in range(1, 26)] + [f"{80 + k}.5" for k in range(18)]) == []


def test_a_draft_is_marked_on_every_page():
    data = composite(75, state="未公布：综合考评与人选（草稿）", draft=True)
    texts = page_texts(render("综合考评结果", data))
    assert all("草稿（未公布）" in squeeze(t) for t in texts)
    assert "综合考评与人选（草稿）" in squeeze(texts[0])


def test_a_published_sheet_says_so_and_carries_no_draft_mark():
    texts = page_texts(render("综合考评结果", composite()))
    assert "阶段状态：已公布" in squeeze(texts[0])
    assert not any("草稿" in t for t in texts)


def test_small_ballots_are_printed_two_to_a_sheet_each_half_a_whole_ballot():
    # 2 candidates, 3 posts: one ballot fits an A5 half; 3 ballots → 2 landscape sheets, a cut line on each
    pdf = render("定岗推荐票", SAMPLES["定岗推荐票"]())
    texts = [squeeze(t) for t in page_texts(pdf)]
    assert len(texts) == 2 and is_landscape(pdf)
    assert "票号：0001（本组第1张，共2张）" in texts[0] and "票号：0002（本组第2张，共2张）" in texts[0]
    assert "票号：0003（本组第1张，共1张）" in texts[1] and "各县（市、区）局长" in texts[1]
    assert all("沿虚线剪开" in t for t in texts)
    assert texts[0].count("填票说明") == 2 and texts[0].count("数据摘要") == 2     # each half stands alone
    assert texts[0].count("岗位代码表：") == 2 and texts[0].count("P03法规科科长") == 2


def test_a_ballot_larger_than_half_a_sheet_takes_pages_of_its_own_numbered_within_it():
    base = SAMPLES["定岗推荐票"]()
    many = tuple(d.FormCandidate(i, str(2000 + i), f"候选{i}", "办公室科长", ("办公室科长",), ("P01",))
                 for i in range(1, 31))
    pdf = render("定岗推荐票", replace(base, rows=many))
    texts = page_texts(pdf)
    assert not is_landscape(pdf) and len(texts) == 6            # 3 ballots of 2 pages
    assert [("票号：000" + str(k)) in squeeze(t) for k, t in zip((1, 1, 2, 2, 3, 3), texts)] == [True, False] * 3
    assert [("第%d页共2页" % k) in squeeze(t) for k, t in zip((1, 2) * 3, texts)] == [True] * 6
    judges = page_texts(render("评委评分表", SAMPLES["评委评分表"]()))
    assert ["评委签名" in t for t in judges] == [True, True]
    assert "计分人" not in "".join(judges)          # a judge signs their own sheet, nobody else


def test_the_same_data_gives_the_same_pdf(tmp_path):
    data = composite()
    out = tmp_path / "c.pdf"
    assert render("综合考评结果", data, out) == render("综合考评结果", data) == out.read_bytes()


def test_render_refuses_the_wrong_dataclass():
    with pytest.raises(TypeError, match="综合考评结果 takes CompositeSheet"):
        render("综合考评结果", speech())


def test_shipped_font_has_every_glyph_the_sheets_print():
    shipped = fonts.font_set()
    for title, make in SAMPLES.items():
        text = "".join(page_texts(render(title, make())))
        assert shipped.missing(text.replace("\n", "")) == "", title


def test_a_configured_font_without_chinese_is_passed_over(tmp_path):
    # DejaVu has digits but no 汉字: never chosen, the next font in the order is used.
    dejavu = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    import os
    if not os.path.exists(dejavu):
        pytest.skip("DejaVuSans.ttf not installed")
    fonts.configure(dejavu)
    try:
        chosen = fonts.font_set()
        assert all("wqy-microhei" in s for s in chosen.sources if not s.startswith("fallback"))
        assert fonts.missing_glyphs(chosen.body, "综合考评0123456789") == ""
    finally:
        fonts.configure(None)


def test_a_configured_font_is_used_first(tmp_path):
    from app.resources import cjk_font_path
    copy = tmp_path / "my-font.ttc"
    copy.write_bytes(cjk_font_path().read_bytes())
    fonts.configure(copy)
    try:
        assert all(str(copy) in s for s in fonts.font_set().sources if not s.startswith("fallback"))
        assert font_problems(render("综合考评结果", composite())) == []
    finally:
        fonts.configure(None)
