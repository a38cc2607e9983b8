"""Rotation screening (暂行办法 第七条–第十条) and the county speech's statistics."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.rotation import (
    AgeBand,
    Duty,
    Education,
    ExchangedPerson,
    LeaderRank,
    Measure,
    PostKind,
    RotationError,
    RotationRules,
    Speciality,
    StaffRecord,
    Status,
    age_band,
    full_years,
    rotation_statistics,
    screen,
    screen_one,
)


def articles(result):
    return [f.article for f in result.findings]


# ---------------------------------------------------------------- full_years


def test_full_years_exact_anniversary():
    assert full_years(date(2018, 3, 1), date(2023, 2, 28)) == 4
    assert full_years(date(2018, 3, 1), date(2023, 3, 1)) == 5
    assert full_years(date(2018, 3, 1), date(2018, 3, 1)) == 0


def test_full_years_feb_29_start():
    start = date(2020, 2, 29)
    assert full_years(start, date(2021, 2, 28)) == 0
    assert full_years(start, date(2021, 3, 1)) == 1  # anniversary in a non-leap year is 03-01
    assert full_years(start, date(2024, 2, 28)) == 3
    assert full_years(start, date(2024, 2, 29)) == 4  # leap year: on the day itself


def test_full_years_refuses_as_of_before_start():
    with pytest.raises(RotationError):
        full_years(date(2020, 1, 2), date(2020, 1, 1))


@given(
    start=st.dates(min_value=date(1950, 1, 1), max_value=date(2050, 12, 31)),
    d1=st.integers(min_value=0, max_value=40000),
    d2=st.integers(min_value=0, max_value=40000),
)
def test_full_years_monotone_in_as_of(start, d1, d2):
    a, b = sorted((d1, d2))
    assert full_years(start, start + timedelta(days=a)) <= full_years(start, start + timedelta(days=b))


# ---------------------------------------------------------------- 第七条 交流


def leader(rank=LeaderRank.PRINCIPAL, **kw):
    return StaffRecord(person_id=kw.pop("person_id", "001"), name="张三", bureau_leader=True, rank=rank, **kw)


def test_art7_1_principal_boundary():
    rec = leader(position_since=date(2018, 3, 1))
    before = screen_one(rec, date(2023, 2, 28))
    assert before.exchange is Status.NOT_DUE and before.findings == ()
    on = screen_one(rec, date(2023, 3, 1))
    assert on.exchange is Status.DUE
    assert articles(on) == ["第七条（一）"]
    assert on.findings[0].reason == "在同一职位任正职满5年（5年）"
    assert on.findings[0].measure is Measure.EXCHANGE
    assert "任正职满5年（6年）" in screen_one(rec, date(2024, 3, 1)).findings[0].reason


def test_art7_1_deputy_boundary():
    rec = leader(LeaderRank.DEPUTY, position_since=date(2015, 6, 15))
    assert screen_one(rec, date(2023, 6, 14)).exchange is Status.NOT_DUE
    on = screen_one(rec, date(2023, 6, 15))
    assert on.exchange is Status.DUE
    assert on.findings[0].reason == "在同一职位任副职满8年（8年）"


def test_art7_1_only_bureau_leaders_with_a_rank():
    not_leader = StaffRecord("002", "李四", position_since=date(2010, 1, 1))
    no_rank = leader(LeaderRank.NONE, position_since=date(2010, 1, 1))
    for rec in (not_leader, no_rank):
        assert screen_one(rec, date(2023, 1, 1)).exchange is Status.NOT_DUE


def test_art7_1_finance_principal_must_exchange_at_5_years():
    rec = leader(position_since=date(2018, 3, 1), duties=frozenset({Duty.FINANCE}))
    assert screen_one(rec, date(2023, 2, 28)).exchange is Status.NOT_DUE
    on = screen_one(rec, date(2023, 3, 1))
    assert on.exchange is Status.MUST
    assert on.findings[0].article == "第七条（一）"
    assert on.findings[0].reason == "在同一职位任正职满5年（5年），负责财务工作，必须交流"


def test_art7_1_audit_duty_is_due_not_must_by_default():
    rec = leader(position_since=date(2018, 3, 1), duties=frozenset({Duty.AUDIT}))
    assert screen_one(rec, date(2023, 3, 1)).exchange is Status.DUE


def test_art7_2_same_unit_leader_ten_years():
    rec = leader(LeaderRank.DEPUTY, position_since=date(2020, 1, 1),
                 unit_since=date(2005, 1, 1), unit_leader_since=date(2013, 9, 1))
    assert screen_one(rec, date(2023, 8, 31)).exchange is Status.NOT_DUE
    on = screen_one(rec, date(2023, 9, 1))
    assert on.exchange is Status.DUE
    assert articles(on) == ["第七条（二）"]
    assert on.findings[0].reason == "在同一单位（处室）任正、副职满10年（10年）"


def test_art7_2_falls_back_to_unit_since():
    rec = leader(LeaderRank.DEPUTY, position_since=date(2020, 1, 1), unit_since=date(2012, 4, 1))
    assert articles(screen_one(rec, date(2023, 1, 1))) == ["第七条（二）"]  # 10 years (2022-04-01)


def test_art7_3_reserve_cadre_lacking_two_units():
    one_unit = StaffRecord("003", "王五", reserve_cadre=True, units_served=1)
    r = screen_one(one_unit, date(2023, 1, 1))
    assert r.exchange is Status.DUE
    assert articles(r) == ["第七条（三）"]
    assert "仅有1个单位" in r.findings[0].reason
    two_units = StaffRecord("003", "王五", reserve_cadre=True, units_served=2)
    assert screen_one(two_units, date(2023, 1, 1)).exchange is Status.NOT_DUE


def test_art7_3_outstanding_young_five_years_in_unit():
    rec = StaffRecord("004", "赵六", outstanding_young=True, unit_since=date(2019, 1, 10))
    assert screen_one(rec, date(2024, 1, 9)).exchange is Status.NOT_DUE
    on = screen_one(rec, date(2024, 1, 10))
    assert on.exchange is Status.DUE
    assert on.findings[0].reason == "优秀年轻干部在本单位（处室）工作满5年（5年）"


def test_art7_4_voluntary_after_five_years():
    rec = StaffRecord("005", "钱七", volunteered=True, unit_since=date(2017, 10, 31))
    assert screen_one(rec, date(2022, 10, 30)).exchange is Status.NOT_DUE
    on = screen_one(rec, date(2022, 10, 31))
    assert on.exchange is Status.DUE
    assert articles(on) == ["第七条（四）"]
    unwilling = StaffRecord("005", "钱七", unit_since=date(2000, 1, 1))
    assert screen_one(unwilling, date(2022, 10, 31)).exchange is Status.NOT_DUE


# ---------------------------------------------------------------- 第八条 exemption


def test_art8_exemption_overrides_must_and_lists_both():
    rec = leader(position_since=date(2017, 1, 1), duties=frozenset({Duty.FINANCE}), seriously_ill=True)
    r = screen_one(rec, date(2023, 1, 1))
    assert r.exchange is Status.EXEMPT
    assert articles(r) == ["第七条（一）", "第八条（三）"]
    assert "任正职满5年（6年）" in r.findings[0].reason


def test_art8_exemption_without_anything_due_is_not_listed():
    rec = leader(position_since=date(2022, 1, 1), under_investigation=True, rated_incompetent=True)
    r = screen_one(rec, date(2023, 1, 1))
    assert r.exchange is Status.NOT_DUE and r.findings == ()


def test_art8_several_exemptions():
    rec = StaffRecord("006", "孙八", reserve_cadre=True, rated_incompetent=True, under_investigation=True)
    r = screen_one(rec, date(2023, 1, 1))
    assert r.exchange is Status.EXEMPT
    assert articles(r) == ["第七条（三）", "第八条（一）", "第八条（二）"]


# ---------------------------------------------------------------- 第九条 / 第十条 轮岗


def test_art9_1_same_post_eight_years():
    rec = StaffRecord("007", "周九", post_since=date(2015, 5, 20))
    assert screen_one(rec, date(2023, 5, 19)).rotation is Status.NOT_DUE
    on = screen_one(rec, date(2023, 5, 20))
    assert on.rotation is Status.DUE and on.exchange is Status.NOT_DUE
    assert articles(on) == ["第九条（一）"]
    assert on.findings[0].reason == "在同一岗位工作满8年（8年）"
    assert on.findings[0].measure is Measure.ROTATION


def test_art9_2_specialist_post_five_years():
    rec = StaffRecord("008", "吴十", post_since=date(2018, 7, 1),
                      duties=frozenset({Duty.FUNDS, Duty.FINANCE}))
    assert screen_one(rec, date(2023, 6, 30)).rotation is Status.NOT_DUE
    on = screen_one(rec, date(2023, 7, 1))
    assert on.rotation is Status.DUE
    assert articles(on) == ["第九条（二）"]
    assert on.findings[0].reason == "在财务、资金管理专职岗位工作满5年（5年）"
    assert articles(screen_one(rec, date(2026, 7, 1))) == ["第九条（一）", "第九条（二）"]


def test_art10_exemption_overrides_rotation():
    rec = StaffRecord("009", "郑一", post_since=date(2010, 1, 1), classified_post=True)
    r = screen_one(rec, date(2023, 1, 1))
    assert r.rotation is Status.EXEMPT
    assert articles(r) == ["第九条（一）", "第十条（二）"]
    assert "（13年）" in r.findings[0].reason


def test_exchange_exemption_does_not_touch_rotation():
    rec = StaffRecord("010", "冯二", post_since=date(2010, 1, 1), seriously_ill=True)
    r = screen_one(rec, date(2023, 1, 1))
    assert (r.exchange, r.rotation) == (Status.NOT_DUE, Status.DUE)


def test_feb_29_start_in_screening():
    rec = leader(position_since=date(2016, 2, 29))
    assert screen_one(rec, date(2021, 2, 28)).exchange is Status.NOT_DUE
    assert screen_one(rec, date(2021, 3, 1)).exchange is Status.DUE


# ---------------------------------------------------------------- screen()


def test_screen_sorted_by_id_and_rules_editable():
    recs = [leader(person_id="b", position_since=date(2020, 1, 1)),
            leader(person_id="a", position_since=date(2022, 1, 1))]
    res = screen(recs, date(2023, 1, 1))
    assert [r.person_id for r in res] == ["a", "b"]
    assert [r.exchange for r in res] == [Status.NOT_DUE, Status.NOT_DUE]
    res = screen(recs, date(2023, 1, 1), RotationRules(principal_years=3))
    assert [r.exchange for r in res] == [Status.NOT_DUE, Status.DUE]


def test_screen_refuses_duplicates_and_future_dates():
    with pytest.raises(RotationError, match="重复"):
        screen([leader(), leader()], date(2023, 1, 1))
    with pytest.raises(RotationError, match="同一岗位起始"):
        screen([StaffRecord("x", "某", post_since=date(2024, 1, 1))], date(2023, 1, 1))


def test_status_labels():
    assert Status.DUE.label(Measure.EXCHANGE) == "应交流"
    assert Status.MUST.label(Measure.EXCHANGE) == "必须交流"
    assert Status.EXEMPT.label(Measure.EXCHANGE) == "可不交流或暂缓交流"
    assert Status.EXEMPT.label(Measure.ROTATION) == "可不轮岗"
    assert Status.NOT_DUE.label(Measure.ROTATION) == "不需轮岗"


# ---------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    "birth, as_of, band",
    [
        (date(1993, 6, 1), date(2023, 5, 31), AgeBand.UNDER_30),
        (date(1993, 6, 1), date(2023, 6, 1), AgeBand.FROM_30),
        (date(1983, 6, 1), date(2023, 5, 31), AgeBand.FROM_30),
        (date(1983, 6, 1), date(2023, 6, 1), AgeBand.FROM_40),
        (date(1973, 6, 1), date(2023, 5, 31), AgeBand.FROM_40),
        (date(1973, 6, 1), date(2023, 6, 1), AgeBand.FROM_50),
    ],
)
def test_age_band_boundaries(birth, as_of, band):
    assert age_band(birth, as_of) is band


def test_statistics_reproduce_county_speech():
    """§三: 27人; 30-40岁4, 40-50岁20, 50岁以上3; 本科11 大专8 中专6 高中2; 经济10 法律6 其它11;
    人财物14 项目经费3 证牌照2 执法监督监察8."""
    as_of = date(2024, 12, 31)
    ages = [date(1989, 1, 1)] * 4 + [date(1979, 1, 1)] * 20 + [date(1969, 1, 1)] * 3
    edus = ([Education.BACHELOR_OR_ABOVE] * 11 + [Education.COLLEGE] * 8
            + [Education.SECONDARY_SPECIALIZED] * 6 + [Education.HIGH_SCHOOL_OR_BELOW] * 2)
    specs = [Speciality.ECONOMICS] * 10 + [Speciality.LAW] * 6 + [Speciality.OTHER] * 11
    kinds = ([PostKind.PEOPLE_MONEY_GOODS] * 14 + [PostKind.PROJECT_FUNDS_APPROVAL] * 3
             + [PostKind.LICENCE_ISSUING] * 2 + [PostKind.ENFORCEMENT_SUPERVISION] * 8)
    people = [ExchangedPerson(str(i), *row) for i, row in enumerate(zip(ages, edus, specs, kinds))]
    s = rotation_statistics(people, as_of)
    assert s.total == 27
    assert s.by_age == (("不满30岁", 0), ("30-40岁", 4), ("40-50岁", 20), ("50岁以上", 3), ("合计", 27))
    assert s.by_education == (("大学本科及以上", 11), ("大专", 8), ("中专", 6), ("高中及以下", 2), ("合计", 27))
    assert s.by_speciality == (("经济类", 10), ("法律类", 6), ("其它类", 11), ("合计", 27))
    assert s.by_post_kind == (("人财物管理", 14), ("项目经费审批", 3), ("证牌照核发", 2),
                              ("执法监督监察", 8), ("其它", 0), ("合计", 27))


def test_statistics_empty_lists_every_category_with_zero():
    s = rotation_statistics([], date(2024, 1, 1))
    assert s.total == 0
    assert s.by_age == (("不满30岁", 0), ("30-40岁", 0), ("40-50岁", 0), ("50岁以上", 0), ("合计", 0))
    assert [n for _, n in s.by_speciality] == [0, 0, 0, 0]


def test_statistics_feb_29_birthday_and_future_birth():
    p = ExchangedPerson("1", date(1992, 2, 29), Education.COLLEGE, Speciality.LAW, PostKind.OTHER)
    assert rotation_statistics([p], date(2022, 2, 28)).by_age[0] == ("不满30岁", 1)
    assert rotation_statistics([p], date(2022, 3, 1)).by_age[1] == ("30-40岁", 1)
    with pytest.raises(RotationError):
        rotation_statistics([p], date(1990, 1, 1))


# ---------------------------------------------------------------- what the roster cannot say


def test_a_fact_not_recorded_is_counted_as_unknown_never_dropped():
    known = ExchangedPerson("1", date(1980, 1, 1), Education.COLLEGE, Speciality.LAW, PostKind.OTHER)
    blank = ExchangedPerson("2", None, None, None, None)
    s = rotation_statistics([known, blank], date(2026, 1, 1))
    assert s.by_age == (("不满30岁", 0), ("30-40岁", 0), ("40-50岁", 1), ("50岁以上", 0), ("未填写", 1), ("合计", 2))
    assert s.by_speciality == (("经济类", 0), ("法律类", 1), ("其它类", 0), ("未填写", 1), ("合计", 2))
    assert s.by_position[-2:] == (("未填写", 2), ("合计", 2))


@pytest.mark.parametrize("text, level", [
    ("大学本科", Education.BACHELOR_OR_ABOVE), ("研究生", Education.BACHELOR_OR_ABOVE), ("硕士研究生", Education.BACHELOR_OR_ABOVE),
    ("大学专科", Education.COLLEGE), ("大专", Education.COLLEGE), ("中专", Education.SECONDARY_SPECIALIZED),
    ("技校", Education.SECONDARY_SPECIALIZED), ("高中", Education.HIGH_SCHOOL_OR_BELOW), ("初中", Education.HIGH_SCHOOL_OR_BELOW),
    ("", None), (None, None), ("党校", None)])
def test_education_as_typed_maps_to_the_speech_levels(text, level):
    from app.core.rotation import education_level
    assert education_level(text) is level
