"""交流轮岗 by the service: the roster's columns screened by 暂行办法 第七条–第十条 as of a date, the people who
changed 科室 in a campaign and the county speech's counts of them — every number redone by hand below."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.core.roster import RosterPerson
from app.core.rotation import Position
from app.services import rotation, selection
from app.services.roster import list_people, save_person
from tests.selection_setup import make_store

AS_OF = date(2026, 12, 1)
LEADER = RosterPerson("1001", "张明", rank="正科实职", category="原任科长", post_start="2020-12-01",
                      bureau_leader=True, leader_rank="正职")


def texts(s: rotation.Screening) -> list[str]:
    return [f.article for f in s.result.findings] if s.result else []


def test_a_principal_six_years_in_post_is_due_for_exchange_and_must_go_when_in_charge_of_finance():
    # 2020-12-01 → 2026-12-01: 6 full years ≥ 5 (第七条（一）正职满5年)
    s = rotation.screen_person(LEADER, AS_OF)
    assert (s.state, s.short) == (rotation.DUE, "应交流 第七条（一）")
    assert s.text == "应交流 第七条（一）在同一职位任正职满5年（6年）"
    must = rotation.screen_person(replace(LEADER, duties="财务"), AS_OF)
    assert must.short.startswith("必须交流 第七条（一）")
    # 财务 is also a 专职岗位 of 第九条（二）: 6 years ≥ 5 → 应轮岗 as well
    assert texts(must) == ["第七条（一）", "第九条（二）"]


def test_a_deputy_needs_eight_years_and_the_day_before_the_anniversary_is_not_enough():
    deputy = replace(LEADER, leader_rank="副职", post_start="2018-12-02")
    assert rotation.screen_person(deputy, AS_OF).state == rotation.NOT_DUE       # 7 years 364 days
    # 8 years: 副职满8年 (第七条（一）), and 8 years in the same post is also 第九条（一）
    assert rotation.screen_person(deputy, date(2026, 12, 2)).short == "应交流 第七条（一）；应轮岗 第九条（一）"


def test_an_exemption_of_article_eight_defers_the_exchange_with_its_reason():
    s = rotation.screen_person(replace(LEADER, exemption="患重大疾病"), AS_OF)
    assert s.state == rotation.EXEMPT
    assert s.short == "可不交流或暂缓交流 第八条（三）"
    assert "第八条（三）因患重大疾病正在治疗" in s.text


def test_not_rotating_is_article_ten_three():
    s = rotation.screen_person(RosterPerson("2001", "赵一", post_start="2010-01", no_rotation=True), AS_OF)
    assert (s.state, s.short) == (rotation.EXEMPT, "可不轮岗 第十条（三）")


def test_a_leader_without_principal_or_deputy_is_listed_as_incomplete_not_as_not_due():
    s = rotation.screen_person(replace(LEADER, leader_rank=None), AS_OF)
    assert s.state == rotation.UNKNOWN
    assert s.missing == ("局管领导干部未填领导职务（正职/副职），第七条未审查",)


def test_a_reserve_cadre_with_one_unit_is_due_and_without_the_count_is_incomplete():
    cadre = RosterPerson("1002", "李华", rank="副科实职", post_start="2023-05", reserve_cadre=True, units_served=1)
    assert rotation.screen_person(cadre, AS_OF).short == "应交流 第七条（三）"
    assert rotation.screen_person(replace(cadre, units_served=2), AS_OF).state == rotation.NOT_DUE
    assert rotation.screen_person(replace(cadre, units_served=None), AS_OF).missing == \
        ("后备干部未填任职单位数，第七条（三）未审查",)


def test_years_as_leader_in_the_unit_count_from_the_later_of_unit_and_post():
    # in the unit since 2010 but 正职 only since 2020-12: 6 years as leader there, not 16 (第七条（二） needs 10)
    s = rotation.screen_person(replace(LEADER, unit_start="2010-03"), AS_OF)
    assert texts(s) == ["第七条（一）"]
    older = rotation.screen_person(replace(LEADER, unit_start="2010-03", post_start="2016-06"), AS_OF)
    assert texts(older) == ["第七条（一）", "第七条（二）", "第九条（一）"]   # 10 years in post: 第九条（一） needs 8


def test_a_date_after_the_screening_date_is_named():
    s = rotation.screen_person(replace(LEADER, unit_start="2027-01"), AS_OF)
    assert (s.state, s.short) == (rotation.UNKNOWN, "日期有误")
    assert s.text.startswith("1001 张明：") and s.text.endswith("2027-01-01 晚于截止日期 2026-12-01")


def test_the_rotation_columns_are_stored_and_screened_from_the_store(tmp_path):
    store = make_store(tmp_path, publish=False)
    save_person(store, replace(LEADER, former_office="财务科", speciality="经济类", post_kind="人财物管理",
                               duties="人事、财务", units_served=2, unit_start="2019-04", exemption=None))
    stored = {p.id: p for p, _ in list_people(store)}["1001"]
    assert (stored.duties, stored.units_served, stored.unit_start, stored.bureau_leader) == ("人事、财务", 2, "2019-04", True)
    assert {s.person.id: s.state for s in rotation.screen_roster(store, AS_OF)}["1001"] == rotation.DUE
    assert store.verify().ok


# --- who changed 科室, and the counts ----------------------------------------------------------------------

def _facts(store, pid: str, **kw) -> None:
    person = {p.id: p for p, _ in list_people(store)}[pid]
    save_person(store, replace(person, **kw))


@pytest.fixture
def campaign(tmp_path):
    """small.json placed 1001 张明 at P1 办公室 and 1003 王芳 at P2 财务科; the 科员定岗 then seats 2002 (from 财务科)
    at 办公室 and 2001 (from 办公室) at 财务科 in round 1, and 2003 (原科室 not recorded) at 财务科 in round 2."""
    store = make_store(tmp_path, publish=False)
    _facts(store, "1001", former_office="财务科", birth="1975-06", education="大学本科", speciality="经济类",
           post_kind="人财物管理")                                   # 51 on 2026-12-01 → 50岁以上
    _facts(store, "1003", former_office="财务科", birth="1980-01", education="大专")     # stays in 财务科
    _facts(store, "2002", birth="1990-01-15", education="大专", speciality="法律类", post_kind="执法监督监察")  # 36
    _facts(store, "2001", birth="1996-12-02", education="研究生")     # 29: the 30th birthday is the day after
    from app.services import stages
    stages.publish_through(store, "assignment", "jd2026")
    selection.set_choice(store, "2001", "staff", ["P2"])
    selection.set_choice(store, "2002", "staff", ["P1"])
    selection.set_choice(store, "2003", "staff", ["P2"])
    selection.pick(store, 1, "P1", "2002")
    selection.pick(store, 1, "P2", "2001")
    selection.close_round(store)
    selection.pick(store, 2, "P2", "2003")
    return store


def test_who_changed_office_by_placement_and_by_two_way_selection(campaign):
    moves = rotation.campaign_moves(campaign)
    by_id = {m.person.id: m for m in moves.moves}
    assert (by_id["1001"].changed, by_id["1001"].placed, by_id["1001"].position) == (True, "办公室科长", Position.CHIEF)
    assert by_id["1003"].changed is False                       # 财务科 → 财务科科长
    assert (by_id["2002"].changed, by_id["2002"].placed, by_id["2002"].how) == (True, "办公室", "科员定岗第1轮")
    assert by_id["2001"].changed is True
    assert by_id["2003"].changed is None                        # 原科室 not recorded: listed apart
    assert [m.person.id for m in moves.changed] == ["1001", "2002", "2001"]
    assert moves.selection.startswith("双向选择尚未结束")         # round 2 still open: the sheet is a draft


def test_the_counts_by_age_education_speciality_and_kind_of_post(campaign):
    stats = rotation.statistics(rotation.campaign_moves(campaign), AS_OF)
    assert stats.total == 3
    assert stats.by_position == (("科长（主任）", 1), ("副科长", 0), ("一般干部", 2), ("合计", 3))
    assert stats.by_age == (("不满30岁", 1), ("30-40岁", 1), ("40-50岁", 0), ("50岁以上", 1), ("合计", 3))
    assert stats.by_education == (("大学本科及以上", 2), ("大专", 1), ("中专", 0), ("高中及以下", 0), ("合计", 3))
    assert stats.by_speciality == (("经济类", 1), ("法律类", 1), ("其它类", 0), ("未填写", 1), ("合计", 3))
    assert stats.by_post_kind == (("人财物管理", 1), ("项目经费审批", 0), ("证牌照核发", 0), ("执法监督监察", 1),
                                  ("其它", 0), ("未填写", 1), ("合计", 3))


def test_the_campaign_file_carries_the_rotation_columns_and_refuses_bad_ones(tmp_path):
    import json

    from app.core.campaign import CampaignError
    from app.services.campaign_io import check_campaign_file, export_campaign, import_campaign
    from app.services.store import Store
    store = make_store(tmp_path, publish=False)
    save_person(store, replace(LEADER, speciality="法律类", duties="审计", units_served=3, unit_start="2012-05"))
    doc = export_campaign(store)
    zhang = next(p for p in doc["people"] if p["id"] == "1001")
    assert {k: zhang.get(k) for k in ("speciality", "bureau_leader", "leader_rank", "duties", "units_served",
                                     "unit_start")} == {"speciality": "法律类", "bureau_leader": True,
                                                        "leader_rank": "正职", "duties": "审计", "units_served": 3,
                                                        "unit_start": "2012-05"}
    assert "reserve_cadre" not in zhang and "exemption" not in zhang     # not recorded: not written
    again = Store.create(tmp_path / "again.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(again, json.loads(json.dumps(doc)))
    assert {p.id: p for p, _ in list_people(again)}["1001"].duties == "审计"
    zhang.update(speciality="理工类", units_served="3", bureau_leader="是")
    with pytest.raises(CampaignError) as err:
        check_campaign_file(doc)
    text = "\n".join(err.value.problems)
    assert "speciality: “理工类” 不是 经济类、法律类、其它类 之一" in text
    assert ".units_served: “3” 须为 1 至 99 的整数" in text and ".bureau_leader: “是” 须为 true 或 false" in text


def test_the_person_dialogs_rotation_fields_are_read_and_checked():
    from app.services.roster_form import person_from_form
    fields = {"id": "1001", "name": "张明", "rank": "正科实职", "category": "原任科长", "speciality": "经济类",
              "leader_rank": "正职", "unit_start": "2012.03", "units_served": "2", "duties": "财务，人事",
              "exemption": ""}
    person, problems = person_from_form(fields, no_rotation=False, decimals=1, bureau_leader=True)
    assert problems == []
    assert (person.duties, person.unit_start, person.units_served, person.exemption) == ("人事、财务", "2012-03", 2, None)
    _, problems = person_from_form(dict(fields, duties="财务、打牌", unit_start="2012.13"), no_rotation=False,
                                   decimals=1, bureau_leader=False)
    assert "本单位工作时间: “2012.13” 不是日期（可写 1985-03-01、1985.03 或 1985年3月）" in problems
    assert any(p.startswith("负责工作: “打牌” 不是") for p in problems)
    assert "领导职务: 填了“正职”，但未标为局管领导干部" in problems
