"""The sheets' data from a store (tests/data/small.json), and the PDFs printed from it.

small.json by hand (SPEC §2): 张明 (1001) 考评量化 95.385; 演讲 88 90 91 85 87 92 89 → drop 92, 91 and
85, 87 → (88+90+89)/3 = 89.000; 办公室科长 推荐 4+30+6+8 = 48 of 63 → 0.762, 得分 77.250;
综合 0.3×95.385 + 0.1×89 + 0.6×77.25 = 83.866 (rounded half up).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from app.models.schema import ChainHead, Meta
from app.reports import SHEETS, render
from app.reports.data import data_digest, short_digest
from app.services import declaration_rounds, draws, projector, seals, stages
from app.services.campaign_io import export_campaign, import_campaign
from app.services.report_data import (BUILDERS, NotPublishedError, build_pdf, publicity_period,
                                      set_publicity_contacts, sheet_data)
from app.services.store import STAGES, LockedError, Store, StoreError
from tests.conftest import DATA
from tests.reports import font_problems, missing, page_texts, squeeze

PRINTED = "2026-03-02 16:30"


@pytest.fixture
def store(tmp_path):
    s = Store.create(tmp_path / "c.db", title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                     operator="王敏")
    import_campaign(s, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    yield s
    s.close()


def publish(store: Store, *names: str) -> None:
    for stage in names or STAGES[:-1]:        # every stage but 双向选择, each after those it draws on
        stages.publish_through(store, stage, "jd2026")


def data(store: Store, title: str, **kw):
    return sheet_data(store, title, printed=PRINTED, **kw)


def test_every_sheet_has_a_data_builder():
    assert list(BUILDERS) == list(SHEETS)


def test_composite_shows_zhang_ming_for_the_office_post(store):
    publish(store)
    sheet = data(store, "综合考评结果")
    row = next(r for r in sheet.rows if r.name == "张明" and r.post == "办公室科长")
    assert (row.quantified, row.speech, row.recommendation, row.composite) == (
        D("95.385"), D("89.000"), D("77.250"), D("83.866"))
    assert sheet.header.state == "已公布" and not sheet.header.draft
    pdf = render("综合考评结果", sheet)
    assert missing(pdf, ["张明", "办公室科长", "83.866", "95.385", "89.000", "77.250", "某某局", "2026年竞争轮岗",
                         "综合考评结果（已公布）"]) == []
    assert font_problems(pdf) == []


def test_composite_lists_a_post_from_high_to_low(store):
    publish(store)
    office = [r for r in data(store, "综合考评结果").rows if r.post == "办公室科长"]
    assert [r.name for r in office] == sorted([r.name for r in office], key=lambda n: n != "张明")
    assert office[0].composite > (office[1].composite or 0)


def test_an_unpublished_sheet_is_refused_and_a_draft_is_marked(store):
    publish(store, "exam", "speech", "recommendation")             # 综合考评与人选 still a draft
    with pytest.raises(NotPublishedError, match="综合考评与人选（草稿）"):
        data(store, "综合考评结果")
    sheet = data(store, "综合考评结果", draft=True)
    assert sheet.header.draft
    texts = page_texts(render("综合考评结果", sheet))
    assert all("草稿（未公布）" in squeeze(t) for t in texts)
    assert "未公布：综合考评与人选（草稿）" in squeeze(texts[0])


def test_draft_on_published_data_is_not_a_draft(store):
    publish(store)
    assert not data(store, "综合考评结果", draft=True).header.draft


def test_a_published_sheet_prints_the_digest_code_of_its_publication(store):
    publish(store)
    first = data(store, "综合考评结果")
    seal = seals.list_seals(store)[-1]                       # the seal of 公布 综合考评与人选
    assert (seal.action, seal.stage) == ("publish", "assignment")
    assert first.header.audit_seq == seal.seq and first.header.code == seal.code
    assert first.header.head == f"JGHEAD1:{seal.seq}:{seal.head.upper()}"
    projector.set_projector_scene(store, "results")           # logged, but the sheet shows the publication
    second = data(store, "综合考评结果")
    assert second.header.code == first.header.code and data_digest(second) == data_digest(first)
    draft = data(store, "评委评分表")                            # a blank form
    with store.read() as s:                                   # a sheet of the data as read: the head now
        assert draft.header.audit_seq == s.get(ChainHead, 1).seq
    pdf = render("综合考评结果", second)
    assert missing(pdf, [short_digest(second), seal.code]) == []


def test_speech_marks_the_two_highest_and_two_lowest(store):
    publish(store)
    sheet = data(store, "竞岗演讲得分")
    assert sheet.judges == tuple(f"评委{k}" for k in range(1, 8))
    zhang = next(r for r in sheet.rows if r.person_id == "1001")
    assert zhang.scores == ("88.0", "90.0", "91.0", "85.0", "87.0", "92.0", "89.0")
    assert zhang.dropped == ("", "", "high", "low", "low", "high", "")
    assert (zhang.kept, zhang.mean) == (3, D("89.000"))
    assert sheet.header.subtitle == "尚未抽签，按名单顺序"


def test_speech_follows_the_drawn_order(store):
    draws.program_draw(store, "竞岗演讲", "4711")                  # SPEC §5: 1002, 1001, 1003
    publish(store)
    sheet = data(store, "竞岗演讲得分")
    assert [(r.position, r.person_id) for r in sheet.rows] == [(1, "1002"), (2, "1001"), (3, "1003")]
    assert sheet.header.subtitle == "按竞岗演讲抽签顺序"


def test_recommendation_counts_rate_and_score(store):
    publish(store)
    sheet = data(store, "定岗推荐结果")
    assert sheet.groups[0] == "局领导\n（5人）"
    row = next(r for r in sheet.rows if r.person_id == "1001" and r.post == "办公室科长")
    assert (row.counts, row.recommended, row.present, row.rate, row.reached, row.score, row.eligible) == (
        (4, 30, 6, 8), 48, 63, D("0.762"), True, D("77.250"), "是")
    low = next(r for r in sheet.rows if r.person_id == "1002" and r.post == "法规科科长")
    assert (low.kind, low.recommended, low.rate, low.reached, low.score) == ("建议岗位", 17, D("0.270"), False, None)
    assert missing(render("定岗推荐结果", sheet), ["0.762", "77.250", "0.270", "48", "63", "建议岗位"]) == []


def test_satisfaction_democratic_and_quantified(store):
    publish(store)
    sat = {r.person_id: r for r in data(store, "满意度测评结果").rows}
    assert (sat["1001"].present, sat["1001"].dissatisfied, sat["1001"].rate, sat["1001"].result) == (
        30, 5, D("0.167"), "通过")
    assert sat["1002"].rate == D("0.300")
    dem = {r.person_id: r for r in data(store, "民主测评结果").rows}
    assert dem["1001"].score == D("88.450")
    q = {r.person_id: r for r in data(store, "考评量化结果").rows}
    assert (q["1001"].exam, q["1001"].appraisal, q["1001"].appraisal_avg, q["1001"].bonus, q["1001"].quantified) == (
        D("82.500"), ("95.0", "92.0", "96.0"), D("94.333"), D("4.000"), D("95.385"))


def test_declarations_need_the_round_published(store):
    with pytest.raises(NotPublishedError, match="尚未公布任何一次报岗"):
        data(store, "报岗情况公示")
    declaration_rounds.publish_round(store, 1)
    first = data(store, "报岗情况公示")
    assert first.round_no == 1 and first.header.state == "第一次报岗已公布"
    zhang = next(r for r in first.rows if r.name == "张明")
    assert zhang.posts == ("办公室科长", "财务科科长")
    with pytest.raises(NotPublishedError, match="第二次报岗尚未公布"):
        data(store, "报岗情况公示", round_no=2)
    assert data(store, "报岗情况公示", round_no=2, draft=True).header.draft
    declaration_rounds.publish_round(store, 2)
    second = {r.name: r for r in data(store, "报岗情况公示").rows}
    assert second["张明"].posts == ("办公室科长",) and second["张明"].note == ""
    assert second["李华"].note == "沿用第一次报岗"
    posts = {p.post: p.names for p in data(store, "报岗情况公示").posts}
    assert posts["办公室科长"] == ("张明", "李华") and posts["法规科科长"] == ()


def test_appointment_with_its_publicity_period_and_contacts(store):
    set_publicity_contacts(store, "0351-1234567", "局机关一楼意见箱")
    assert store.verify().ok                                          # the setter is audited like any edit
    assert export_campaign(store)["settings"]["supervision_phone"] == "0351-1234567"
    publish(store)
    with pytest.raises(LockedError, match="人员名单”已公布"):    # frozen with the 公示: all draw on 人员名单
        set_publicity_contacts(store, "0351-0000000", "别处")
    sheet = data(store, "拟任人选公示", start_date=date(2026, 3, 2))
    p = sheet.header.publicity
    assert (p.start, p.end, p.days) == ("2026年3月2日", "2026年3月8日", 7)
    assert (p.phone, p.mailbox) == ("0351-1234567", "局机关一楼意见箱")
    office = next(r for r in sheet.rows if r.post == "办公室科长")
    assert (office.name, office.composite) == ("张明", D("83.866"))
    pdf = render("拟任人选公示", sheet)
    assert missing(pdf, ["张明", "办公室科长", "83.866", "2026年3月2日至2026年3月8日（7天）", "0351-1234567",
                         "局机关一楼意见箱"]) == []


def test_publicity_period_counts_the_first_day():
    assert publicity_period(date(2026, 2, 26)) == (date(2026, 2, 26), date(2026, 3, 4))


def test_draw_record_prints_inputs_seed_keys_order_and_check(store):
    draws.program_draw(store, "竞岗演讲", "4711")
    sheet = data(store, "抽签记录")
    [section] = sheet.sections
    assert (section.meeting, section.method, section.seed, section.ids) == ("竞岗演讲", "程序抽签", "4711", "1001,1002,1003")
    assert [x.person_id for x in section.lines] == ["1002", "1001", "1003"]
    assert section.lines[0].key == "036c673a7004480c4d07d9337c7aa2031c54ffafb85417232133f8f9b667a8de"
    assert "一致" in section.check
    pdf = render("抽签记录", sheet)
    assert missing(pdf, [section.list_digest, "4711", section.lines[0].key, "李华", "张明", "王芳"]) == []
    draws.program_draw(store, "竞岗演讲", "9999", reason="种子公布前被人看到")
    redo = data(store, "抽签记录", meeting="竞岗演讲").sections[0]
    assert redo.seed == "9999" and "4711" in redo.history[0] and "种子公布前被人看到" in redo.history[0]


def test_forms_in_speaking_order_with_a_count_per_group(store):
    draws.program_draw(store, "竞岗演讲", "4711")
    judges = data(store, "评委评分表")
    assert judges.judges == tuple(f"评委{k}" for k in range(1, 8))
    assert [c.name for c in judges.rows] == ["李华", "张明", "王芳"]
    ballots = data(store, "定岗推荐票")
    assert ballots.copies == (("局领导", 5), ("其他行政编制人员", 40), ("事业单位负责人", 8),
                              ("各县（市、区）局长", 10))
    zhang = next(c for c in ballots.rows if c.name == "张明")
    assert zhang.posts == ("办公室科长",)                               # the effective (last) declaration
    one_each = data(store, "定岗推荐票", copies=1)
    assert [n for _, n in one_each.copies] == [1, 1, 1, 1]
    assert len(page_texts(render("定岗推荐票", one_each))) == 2     # 3 candidates: two ballots to a sheet
    rated = data(store, "满意度测评票", copies=3)
    assert [c.name for c in rated.rows] == ["张明", "李华", "王芳"]      # 原任科长 first, then 申报者
    assert rated.copies == 3


@pytest.mark.parametrize("title", list(SHEETS))
def test_every_sheet_prints_from_a_published_store(store, title):
    draws.program_draw(store, "竞岗演讲", "4711")
    declaration_rounds.publish_round(store, 1)
    declaration_rounds.publish_round(store, 2)
    publish(store)
    pdf = build_pdf(store, title, printed=PRINTED, start_date=date(2026, 3, 2), copies=1)
    assert font_problems(pdf) == []
    assert missing(pdf, ["某某局", title]) == []


def test_unknown_sheet_and_meeting_are_refused(store):
    with pytest.raises(StoreError, match="没有“成绩单”这张表"):
        sheet_data(store, "成绩单")
    with pytest.raises(StoreError, match="没有“年会”这一会议"):
        sheet_data(store, "抽签记录", meeting="年会")


# --- issue 15: 公示 frame, ranks, forms as paper ---------------------------------------------------------

def test_every_publicity_sheet_carries_the_period_contacts_and_issuer(store):
    set_publicity_contacts(store, "0351-1234567", "局机关一楼意见箱", issuer="某某局竞争轮岗工作领导小组")
    publish(store)
    sheet = data(store, "综合考评结果", start_date=date(2026, 3, 2), version="posted")
    p = sheet.header.publicity
    assert (p.start, p.end, p.phone, p.mailbox, p.issuer) == ("2026年3月2日", "2026年3月8日", "0351-1234567",
                                                             "局机关一楼意见箱", "某某局竞争轮岗工作领导小组")
    assert sheet.header.version == "posted"
    text = squeeze("".join(page_texts(render("综合考评结果", sheet))))
    assert "某某局2026年竞争轮岗综合考评结果公示" in text and "某某局竞争轮岗工作领导小组2026年3月2日" in text
    assert "计分人" not in text
    assert data(store, "评委评分表").header.publicity is None               # a blank form is no 公示
    with pytest.raises(StoreError, match="页边距"):
        data(store, "综合考评结果", margins=(37, 28, 26, 90))


def test_composite_ranks_within_each_post_and_marks_who_was_placed(store):
    publish(store)
    sheet = data(store, "综合考评结果")
    office = [r for r in sheet.rows if r.post == "办公室科长"]
    # 张明 83.866 before 李华 71.165 (the small campaign's published 综合考评): 名次 1 and 2
    assert [(r.name, r.rank, r.placed) for r in office] == [("张明", 1, "拟任"), ("李华", 2, "")]
    assert all(r.rank is None for r in sheet.rows if r.composite is None)


def test_ballots_carry_post_codes_and_rating_forms_default_to_attendance(store):
    ballots = data(store, "定岗推荐票")
    assert ballots.posts[:2] == (("P1", "办公室科长"), ("P2", "财务科科长"))
    zhang = next(c for c in ballots.rows if c.name == "张明")
    assert zhang.codes == ("P1",)
    rated = data(store, "民主测评票")
    # the 满意度测评's 实际参加测评人数 entered in this file: 30 (small.json)
    assert rated.copies == 30
    assert [c.person_id for c in rated.rows] == ["1001", "1002", "1003"]


def test_the_draw_record_explains_the_check_without_spec(store):
    draws.program_draw(store, "竞岗演讲", "4711")
    sheet = data(store, "抽签记录")
    text = " ".join(sheet.notes) + sheet.sections[0].check
    assert "SPEC" not in text and "按键值从小到大排列" in text and "种子|会议名称|编号" in text
