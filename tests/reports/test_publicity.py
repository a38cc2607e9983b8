"""Every 公示 sheet is a real 公示 (GB/T 9704-2012 manner): unit and campaign in the title, the opening
sentence with the 公示期 and how to object, the 落款 with room for the seal, the posted and the filed
version, the standard margins and type sizes; and Chinese line breaking."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings, strategies as st
from pypdf import PdfReader

from app.reports import SHEET, SHEETS, data as d, fonts, render
from app.reports.base import Page
from app.reports.text import CANNOT_END, CANNOT_START, Terms, break_lines, tokens
from tests.reports import missing, page_texts, squeeze
from tests.reports.test_sheets import PUBLICITY, SAMPLES

MM = 72 / 25.4


def publicized(title: str, version: str = d.FILED, **kw):
    data = SAMPLES[title]()
    return replace(data, header=replace(data.header, publicity=PUBLICITY, version=version, **kw))


def spans(pdf: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """(text, font size, x, y) of every piece of text drawn on a page."""
    out: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            out.append((text.strip(), size * scale, tm[4] + cm[4], tm[5] + cm[5]))
    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("title", [t for t, e in SHEETS.items() if e.kind == SHEET])
def test_every_sheet_is_a_publicity_with_dates_contacts_and_issuer(title):
    data = publicized(title)
    text = squeeze("".join(page_texts(render(title, data))))
    name = title if title.endswith("公示") else title + "公示"
    assert f"某某局2026年竞争轮岗{name}" in text                          # unit and campaign in the title
    assert "公示期为2026年3月2日至2026年3月8日（7天）" in text
    assert "监督电话：0351-1234567；监督信箱：局机关一楼意见箱。" in text
    assert text.rfind("2026年3月2日") > text.find("监督信箱")              # the 落款 date after the table


def test_the_posted_version_has_no_signatures_and_the_filed_one_has_them():
    posted = squeeze("".join(page_texts(render("综合考评结果", publicized("综合考评结果", d.POSTED)))))
    filed = squeeze("".join(page_texts(render("综合考评结果", publicized("综合考评结果", d.FILED)))))
    for label in ("计分人", "复核人", "监督人："):
        assert label not in posted and label in filed
    assert "某某局2026年3月2日" in posted.replace("第1页共1页", "")       # the 落款 on both


def test_both_versions_carry_the_same_data_digest():
    posted, filed = publicized("综合考评结果", d.POSTED), publicized("综合考评结果", d.FILED)
    assert d.data_digest(posted) == d.data_digest(filed)


def test_the_issuer_is_the_stored_one_when_set():
    data = publicized("满意度测评结果")
    data = replace(data, header=replace(data.header, publicity=replace(PUBLICITY, issuer="某某局竞争轮岗工作领导小组")))
    assert missing(render("满意度测评结果", data), ["某某局竞争轮岗工作领导小组2026年3月2日"]) == []


def test_margins_are_those_of_gb_t_9704_and_adjustable():
    page = Page.make(False)
    assert [round(v / MM, 3) for v in (page.top, page.left, page.right, page.bottom)] == [37, 28, 26, 35]
    turned = Page.make(True)                         # landscape: the portrait page turned, 37 mm on the left
    assert [round(v / MM, 3) for v in (turned.left, turned.top)] == [37, 26]
    pdf = render("满意度测评结果", publicized("满意度测评结果"))
    texts = [s for s in spans(pdf) if s[0] not in ("某某局", "2026年竞争轮岗")]
    lefts = [x for _, _, x, y in texts if 40 * MM < y < (297 - 40) * MM]
    assert round(min(lefts) / MM) == 28                              # the body starts at the 28 mm margin
    wide = publicized("满意度测评结果", margins=(30, 20, 20, 30))
    lefts = [x for _, _, x, y in spans(render("满意度测评结果", wide)) if 40 * MM < y < 250 * MM]
    assert round(min(lefts) / MM) == 20


def test_title_22_body_16_and_no_table_text_below_10_5_points():
    pdf = render("综合考评结果", publicized("综合考评结果"))
    pieces = spans(pdf)
    assert any(t.startswith("某某局2026年") and round(s) == 22 for t, s, _, _ in pieces)
    assert any(t.startswith("根据竞争轮岗实施细则") and round(s) == 16 for t, s, _, _ in pieces)
    cells = [s for t, s, _, _ in pieces if t in ("张明", "李华", "83.866", "95.385", "办公室科长")]
    assert cells and min(cells) >= 10.5


def seven_appointees(version: str) -> d.AppointmentSheet:
    data = publicized("拟任人选公示", version)
    rows = tuple(replace(data.rows[0], post=f"{office}科长", name=name, person_id=str(1001 + i))
                 for i, (office, name) in enumerate(zip(("办公室", "人事", "财务", "法规", "计划", "统计", "审计"),
                                                        ("张明", "李华", "王芳", "赵强", "陈静", "刘洋", "周敏"))))
    return replace(data, rows=rows)


@pytest.mark.parametrize("version", [d.POSTED, d.FILED])
def test_seven_appointees_fit_one_page(version):
    pdf = render("拟任人选公示", seven_appointees(version))
    texts = page_texts(pdf)
    assert len(texts) == 1
    assert missing(pdf, ["张明", "周敏", "审计科长", "公示期为2026年3月2日至2026年3月8日（7天）"]) == []


# --- Chinese line breaking ------------------------------------------------------------------------------

def test_no_line_starts_with_a_closing_mark_and_a_name_is_never_split():
    chain = fonts.font_set().chain("body")
    terms = Terms(["王薇健", "机关党委办公室科长"])
    text = "注：推荐率不达三分之一的，王薇健不得任机关党委办公室科长（第十一条）。"
    for width in range(40, 400, 7):
        lines = break_lines(text, width, chain, 10.5, terms)
        assert all(line[0] not in CANNOT_START for line in lines if line)
        assert all(line[-1] not in CANNOT_END for line in lines if line)
        assert "".join(lines) == text
        if width >= chain.width("机关党委办公室科长（第十一条）。", 10.5):
            assert any("王薇健" in line for line in lines)
            assert any("机关党委办公室科长" in line for line in lines)


NAMES = ["王薇健", "欧阳明华", "张三", "机关党委办公室科长", "离退休干部科科长"]
PIECES = NAMES + list("的任为在与和") + list("，。、；：）（“”") + ["83.866", "2026年"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=40), st.integers(min_value=30, max_value=300))
def test_line_breaking_keeps_every_character_and_every_name(parts, width):
    chain = fonts.font_set().chain("table")
    text = "".join(parts)
    terms = Terms(NAMES)
    lines = break_lines(text, width, chain, 10.5, terms)
    assert "".join(lines) == text                                      # nothing lost, nothing added
    wide_tokens = {t for t in tokens(text, terms) if chain.width(t, 10.5) > width}
    for line in lines:
        if line and not any(t in line or line in t for t in wide_tokens):
            assert chain.width(line, 10.5) <= width + 0.01
    if not wide_tokens:
        for name in NAMES:                                             # a name is never cut in two
            assert text.count(name) == sum(line.count(name) for line in lines)


def test_the_recommendation_note_wraps_without_a_line_starting_with_a_comma():
    pdf = render("定岗推荐结果", publicized("定岗推荐结果"))
    for text in page_texts(pdf):
        for line in text.splitlines():
            line = line.strip()
            assert not line or line[0] not in "，。、；：？！）》”", line


def test_the_composite_sheet_prints_rank_within_post_and_who_was_placed():
    data = publicized("综合考评结果")
    rows = (replace(data.rows[0], rank=1, placed="拟任"), replace(data.rows[1], rank=2), data.rows[2])
    pdf = render("综合考评结果", replace(data, rows=rows))
    text = squeeze("".join(page_texts(pdf)))
    assert "岗位内名次" in text and "确定人选" in text
    assert "办公室科长11001张明" in text and "83.866拟任" in text     # 名次 1 at 办公室科长, placed
    assert "办公室科长21002李华" in text and "71.165" in text


@pytest.mark.parametrize("version", [d.POSTED, d.FILED])
def test_the_demo_campaigns_appointment_notice_fits_one_page(tmp_path, version):
    # python -m app --demo: 7 appointees, 5 vacancies and a 22-character campaign name in the title
    from datetime import date

    from app.services import stages
    from app.services.demo import create_demo_store
    from app.services.report_data import build_pdf
    store = create_demo_store(tmp_path / "demo.db")
    stages.publish_through(store, "assignment", "jd2026")
    pdf = build_pdf(store, "拟任人选公示", start_date=date(2026, 3, 2), version=version)
    text = squeeze("".join(page_texts(pdf)))
    assert len(page_texts(pdf)) == 1
    assert "空缺：人事科科长、法规科科长、科技科科长、审计科科长、执法监督科科长，无符合条件的人选" in text
    assert ("计分人" in text) == (version == d.FILED)
    assert any(t.startswith("根据竞争轮岗实施细则") and s >= 14 for t, s, _, _ in spans(pdf))   # body ≥ 14 pt
