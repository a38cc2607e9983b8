"""方案设置 (issue 4, tab 8): validated whole, a reason once scores exist, logged, refused when a stage is frozen."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import select

from tests.conftest import DATA
from app.core.roster import RosterPerson
from app.core.scheme import Scheme
from app.models.schema import AuditLog
from app.services import scores, stages
from app.services.campaign_io import compute_results, import_campaign
from app.services.roster import save_person
from app.services.scheme import (REASON_NEEDED, chinese_problem, current_scheme, scheme_problems, scores_exist,
                                 set_scheme)
from app.services.store import Changed, LockedError, StoreError


def scheme_log(store) -> list[AuditLog]:
    with store.read() as s:
        return list(s.execute(select(AuditLog).where(AuditLog.entity == "scheme:1").order_by(AuditLog.seq)).scalars())


def test_a_new_campaign_has_the_rules_defaults(store):
    assert current_scheme(store) == Scheme()
    assert not scores_exist(store)


def test_without_scores_a_change_needs_no_reason_and_is_logged(store):
    assert set_scheme(store, {"group_weights": {"leaders": "0.30", "staff": "0.45"}}, None).changes == Changed.SCHEME
    scheme = current_scheme(store)
    assert scheme.group_weights["leaders"] == Decimal("0.30") and scheme.group_weights["staff"] == Decimal("0.45")
    last = scheme_log(store)[-1]
    assert last.action == "update" and last.operator == "王敏" and last.reason is None
    assert json.loads(last.new)["data"].count('"leaders":"0.30"') == 1


def test_every_problem_is_listed_in_chinese_and_nothing_is_stored(store):
    bad = {"dimension_weights": {"de": "0.35"}, "group_weights": {"leaders": "0.40"}}
    with pytest.raises(StoreError) as err:
        set_scheme(store, bad, "试")
    text = str(err.value)
    assert "民主测评权重：权重之和为 1.05，须为 1" in text
    assert "定岗推荐权重：权重之和为 1.05，须为 1" in text
    assert current_scheme(store) == Scheme()
    malformed = {"threshold": "一半", "exam_weight": "0.1x", "assignment": "random"}
    problems = scheme_problems(malformed)
    assert problems == ["推荐率界线：“一半” 不是分数", "考评量化·考试权重：“0.1x” 不是数字",
                        "确定人选方式：“random” 须为 字面（literal）或 顺延（fallback）"]


def test_problem_texts_name_the_field_not_the_file_key():
    assert chinese_problem("scheme.dimension_weights.de: “x” 不是数字") == "民主测评权重·德：“x” 不是数字"
    assert chinese_problem("scheme: input_decimals：小数位 5 须在 0–3 之间") == "录入小数位：小数位 5 须在 0–3 之间"
    assert chinese_problem("scheme: 综合考评权重.speech：2 须在 0–1 之间") == "综合考评权重·竞岗演讲：2 须在 0–1 之间"


def test_once_a_score_exists_a_reason_is_required_and_logged(store):
    save_person(store, RosterPerson(id="1001", name="张明", rank="正科实职", category="原任科长"))
    assert not scores_exist(store)
    scores.set_score(store, "1001", "exam", "82.5")
    assert scores_exist(store)
    with pytest.raises(StoreError, match=REASON_NEEDED):
        set_scheme(store, {"threshold": "1/2"}, None)
    with pytest.raises(StoreError, match=REASON_NEEDED):
        set_scheme(store, {"threshold": "1/2"}, "   ")
    assert current_scheme(store).threshold == Fraction(1, 3)
    set_scheme(store, {"threshold": "1/2"}, "党组会议决定推荐率界线为二分之一")
    assert current_scheme(store).threshold == Fraction(1, 2)
    assert scheme_log(store)[-1].reason == "党组会议决定推荐率界线为二分之一"


def test_an_unchanged_scheme_is_no_change_and_needs_no_reason(store):
    save_person(store, RosterPerson(id="1001", name="张明"))
    scores.set_score(store, "1001", "exam", "80")
    before = len(scheme_log(store))
    assert set_scheme(store, Scheme().to_json(), None).changes == Changed.NONE
    assert len(scheme_log(store)) == before


@pytest.mark.parametrize("steps, word", [(2, "已锁定"), (3, "已公布")])
def test_a_frozen_stage_refuses_any_change_naming_the_stage(store, steps, word):
    if steps == 3:
        stages.publish_through(store, "speech", "jd2026")      # with 人员名单, 报岗 and 抽签 it draws on
    else:
        for _ in range(steps):
            stages.advance(store, "speech", "jd2026")
    with pytest.raises(LockedError, match=f"“竞岗演讲评分”{word}，方案不能修改"):
        set_scheme(store, {"speech_trim": 1}, "理由")
    assert current_scheme(store).speech_trim == 2
    if steps == 2:
        stages.advance(store, "roster", "jd2026")
        stages.advance(store, "roster", "jd2026")
    with pytest.raises(LockedError, match=f"“人员名单”{'已锁定' if steps == 2 else '已公布'}、"):
        set_scheme(store, {"speech_trim": 1}, "理由")


def test_a_confirmed_stage_does_not_block(store):
    stages.advance(store, "roster", "jd2026")
    set_scheme(store, {"speech_trim": 1})
    assert current_scheme(store).min_judges == 3


def test_the_new_weights_are_what_the_results_use(store):
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    _, before = compute_results(store)
    # §十二 composite: with all weight on 考评量化 the composite equals the published 考评量化.
    set_scheme(store, {"composite_weights": {"quantified": "1", "speech": "0", "recommendation": "0"}}, "试算")
    _, after = compute_results(store)
    pair = next(p for p in after.pairs if p.person == "1001" and p.post == "P1")
    assert pair.composite == next(x for x in after.people if x.id == "1001").quantified
    assert pair.composite != next(p for p in before.pairs if p.person == "1001" and p.post == "P1").composite
