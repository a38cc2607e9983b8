"""The margin of a count (SPEC §11): the 1/3 line of a pair, a seat, the count's margin."""

import copy
import itertools
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from tests.conftest import DATA
from app.core.campaign import parse_campaign
from app.core.margin import (SEAT, THRESHOLD, BallotEffect, Decision, ballot_effects, count_margin,
                             margin_sentence, seat_margin, threshold_margin)
from app.core.numbers import at_least
from app.core.recommendation import effective_weights, recommendation
from app.core.results import compute, results_to_json
from app.core.scheme import GROUPS, Scheme

THIRD = Fraction(1, 3)
SMALL_PRESENT = {"leaders": 5, "staff": 40, "unit_heads": 8, "county_chiefs": 10}   # 63 in all


def small():
    return json.loads((DATA / "small.json").read_text(encoding="utf-8"))


def effects_of(present, scheme=Scheme()):
    weights, _ = effective_weights(present, scheme)
    return ballot_effects(present, weights, scheme.composite_weights["recommendation"])


# -- the 1/3 line -------------------------------------------------------------------------------

def test_21_of_63_is_one_ballot_above_the_line():
    # 21/63 = 1/3 exactly: eligible (以上 includes the number). One ballot less: 20/63 < 1/3.
    assert threshold_margin(21, 63, THIRD) == 1


def test_20_of_63_is_one_ballot_below_the_line():
    # 20/63 < 1/3: not eligible. One ballot more: 21/63 = 1/3, eligible.
    assert threshold_margin(20, 63, THIRD) == 1


@pytest.mark.parametrize("n, present, threshold, k", [
    (48, 63, THIRD, 28),            # 48 − 28 = 20 < 21 = 63/3; 48 − 27 = 21 still eligible
    (0, 63, THIRD, 21),             # a declared pair nobody recommended: 21 ballots to reach 21/63
    (63, 63, THIRD, 43),            # everyone: down to 20
    (10, 30, THIRD, 1),             # 10 of 30 is exactly 1/3
    (11, 31, THIRD, 1),             # 31/3 = 10.33: 11 reaches, 10 does not
    (5, 10, Fraction(1, 2), 1),
    (4, 10, Fraction(1, 2), 1),
    (9, 10, Fraction(1), 1),        # θ = 1: one ballot short of all
    (7, 10, Fraction(1), 3),
])
def test_threshold_margin_by_hand(n, present, threshold, k):
    assert threshold_margin(n, present, threshold) == k


@given(st.integers(1, 300).flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p))),
       st.integers(1, 12).flatmap(lambda d: st.tuples(st.integers(1, d), st.just(d))))
def test_changing_margin_ballots_crosses_the_line_and_one_fewer_does_not(pn, frac):
    present, n = pn
    theta = Fraction(*frac)
    k = threshold_margin(n, present, theta)
    assert k >= 1
    if at_least(n, present, theta):
        assert not at_least(n - k, present, theta) and at_least(n - k + 1, present, theta)
    else:
        assert n + k <= present
        assert at_least(n + k, present, theta) and not at_least(n + k - 1, present, theta)


@given(st.fixed_dictionaries({g: st.integers(0, 12) for g in GROUPS}).filter(lambda p: sum(p.values()) > 0),
       st.data())
def test_moving_margin_recommendations_flips_the_recomputed_decision(present, data):
    """End to end through §十一(三): change exactly ``margin`` ballots in any groups, recompute, the decision flips."""
    counts = {g: data.draw(st.integers(0, present[g])) for g in GROUPS}
    before = recommendation(present, counts, Scheme())
    k = threshold_margin(before.recommended, before.present, Scheme().threshold)

    def changed(ballots):
        out, left = dict(counts), ballots
        for g in GROUPS:                 # any group will do: the rate pools all groups
            room = out[g] if before.eligible else present[g] - out[g]
            step = min(room, left)
            out[g] += -step if before.eligible else step
            left -= step
        assert left == 0
        return recommendation(present, out, Scheme()).eligible

    assert changed(k) != before.eligible
    assert changed(k - 1) == before.eligible


# -- a seat -------------------------------------------------------------------------------------

def test_effect_of_one_ballot_per_group_with_the_default_weights():
    # 2 × 0.6 × 100 × w_g / present_g = 120 w_g / present_g:
    # 局领导 120 × 0.35 / 5 = 8.4; 事业单位 120 × 0.15 / 8 = 2.25; 其他行政 120 × 0.40 / 40 = 1.2; 县局长 120 × 0.10 / 10 = 1.2
    assert effects_of(SMALL_PRESENT) == (
        BallotEffect("leaders", Fraction("8.4"), 5), BallotEffect("unit_heads", Fraction("2.25"), 8),
        BallotEffect("staff", Fraction("1.2"), 40), BallotEffect("county_chiefs", Fraction("1.2"), 10))


@pytest.mark.parametrize("gap, k", [
    ("0.500", 1),      # 8.4 ≥ 0.5
    ("8.400", 1),      # exactly one 局领导 ballot closes it
    ("8.401", 2),
    ("17.388", 3),     # 张明 − 李华 at P1 in small.json: 2 × 8.4 = 16.8 < 17.388 ≤ 25.2
    ("50.000", 9),     # all 5 局领导 (42), then ⌈8 / 2.25⌉ = 4 事业单位 ballots: 9
    ("0.000", 1),      # placed by a tie-break: one ballot moved puts the rival ahead
])
def test_seat_margin_by_hand(gap, k):
    assert seat_margin(Decimal(gap), effects_of(SMALL_PRESENT)) == k


def test_no_number_of_ballots_closes_a_gap_over_the_whole_effect():
    # every ballot of every group: 5 × 8.4 + 8 × 2.25 + 40 × 1.2 + 10 × 1.2 = 42 + 18 + 48 + 12 = 120
    assert seat_margin(Decimal("120.000"), effects_of(SMALL_PRESENT)) == 63
    assert seat_margin(Decimal("120.001"), effects_of(SMALL_PRESENT)) is None


def test_an_absent_group_drops_out_and_the_others_are_rescaled():
    # 局领导 absent: weights 0.40/0.65 = 8/13, 0.15/0.65 = 3/13, 0.10/0.65 = 2/13 (SPEC §3).
    # Effects 120 × w / present: 事业单位 120 × 3/13 / 8 = 45/13 ≈ 3.46; 其他行政 120 × 8/13 / 40 = 24/13;
    # 县局长 120 × 2/13 / 10 = 24/13. Gap 10: 2 × 45/13 = 6.92 < 10 ≤ 3 × 45/13 = 10.38 → 3 ballots.
    present = dict(SMALL_PRESENT, leaders=0)
    effects = effects_of(present)
    assert [(e.group, e.effect) for e in effects] == [
        ("unit_heads", Fraction(45, 13)), ("staff", Fraction(24, 13)), ("county_chiefs", Fraction(24, 13))]
    assert seat_margin(Decimal("0.500"), effects) == 1
    assert seat_margin(Decimal("10.000"), effects) == 3


@given(st.fixed_dictionaries({g: st.integers(0, 6) for g in GROUPS}).filter(lambda p: sum(p.values()) > 0),
       st.fractions(min_value=0, max_value=130, max_denominator=1000))
def test_seat_margin_is_the_fewest_ballots_any_choice_of_groups_needs(present, gap):
    """Largest effect first is optimal: no other way of taking ballots (≤ present_g per group) needs fewer."""
    effects = effects_of(present)
    k = seat_margin(gap, effects)
    best = None
    for taken in itertools.product(*(range(e.ballots + 1) for e in effects)):
        if sum(n * e.effect for n, e in zip(taken, effects)) >= gap and (gap > 0 or sum(taken) > 0):
            best = sum(taken) if best is None else min(best, sum(taken))
    assert k == best


def test_a_seat_with_a_gap_of_0_500_over_the_default_weights():
    """张明 and 李华 at P1 with the same recommendations; 李华's speech raised so the gap is 0.500.

    Both: 局领导 4/5, 其他行政 30/40, 事业单位 6/8, 县局长 8/10 → 推荐得分
    100 × (0.35 × 0.8 + 0.40 × 0.75 + 0.15 × 0.75 + 0.10 × 0.8) = 77.250.
    张明: 0.3 × 95.385 + 0.1 × 89.000 + 0.6 × 77.250 = 28.6155 + 8.9 + 46.35 = 83.8655 → 83.866.
    李华: speech 80 85 [92.6 92.6 92.7] 95 96 → 277.9 / 3 = 92.633;
          0.3 × 92.510 + 0.1 × 92.633 + 0.6 × 77.250 = 27.753 + 9.2633 + 46.35 = 83.3663 → 83.366.
    Gap 0.500. One 局领导 ballot moved from 张明 to 李华: each 推荐得分 moves by 100 × 0.35 / 5 = 7,
    the 综合考评 gap by 2 × 0.6 × 7 = 8.4 ≥ 0.5 → 约 1 ballot.
    """
    doc = small()
    doc["speech"]["1002"] = ["80", "85", "92.6", "92.6", "92.7", "95", "96"]
    doc["recommendation"]["counts"][1] = {"person": "1002", "post": "P1", "leaders": 4, "staff": 30,
                                          "unit_heads": 6, "county_chiefs": 8}
    del doc["recommendation"]["counts"][2]     # 李华's P3 suggestions: each ballot names him once
    out = results_to_json(compute(parse_campaign(doc)))
    composites = {(p["person"], p["post"]): p["composite"] for p in out["pairs"]}
    assert composites[("1001", "P1")] == "83.866" and composites[("1002", "P1")] == "83.366"
    assert out["assignment"][0] == {"post": "P1", "person": "1001", "rule": "13.3", "margin": 1}
    assert out["margin"] == {"ballots": 1, "post": "P1", "person": "1001", "decision": "seat"}


def test_a_seat_won_on_the_rate_at_equal_composites_has_margin_1():
    results = compute(parse_campaign(_tied_at_p1()))
    seat = results.seat_margin("P1", "1001")
    assert results.assignment.placements[0].rule == "13.3-rate"
    assert seat == Decision(1, SEAT, "P1", "1001", "1002")


def _tied_at_p1():
    """李华 made 张明's twin (same 考评量化 95.385), except: 张明 has one 其他行政 recommendation more
    (推荐得分 +100 × 0.40 / 40 = +1.000 → 78.250, 综合 +0.6) and a speech 6 points lower (83.000, 综合 −0.6).
    张明 0.3 × 95.385 + 0.1 × 83 + 0.6 × 78.25 = 83.8655; 李华 0.3 × 95.385 + 0.1 × 89 + 0.6 × 77.25 = 83.8655:
    equal 综合考评, 张明's 推荐率 49/63 > 48/63 → 13.3-rate."""
    doc = small()
    twin = copy.deepcopy(doc["people"][0])
    twin.update(id="1002", name="李华")
    doc["people"][1] = twin
    doc["speech"]["1002"] = doc["speech"]["1001"]
    doc["speech"]["1001"] = ["80", "81", "83", "83", "83", "85", "86"]
    doc["recommendation"]["counts"][1] = dict(doc["recommendation"]["counts"][0], person="1002")
    doc["recommendation"]["counts"][0] = dict(doc["recommendation"]["counts"][0], staff=31)
    del doc["recommendation"]["counts"][2]     # 李华's P3 suggestions: each ballot names him once
    return doc


# -- the count's margin -------------------------------------------------------------------------

def test_the_margins_of_small_json():
    """P = 63 present, θ = 1/3: the line is at ⌈63/3⌉ = 21 recommendations, so 20 stays below.

    Pairs: 张明 P1 4+30+6+8 = 48 → 48 − 20 = 28; 李华 P1 2+20+5+6 = 33 → 13;
    李华 P3 2+10+2+3 = 17 (not eligible) → 21 − 17 = 4; 王芳 P2 3+25+4+5 = 37 → 17.
    Seat P1: 张明 83.866 − 李华 66.478 = 17.388; 局领导 8.4 per ballot: 2 × 8.4 = 16.8 < 17.388 → 3.
    Seat P2: 王芳 alone (13.1) → null. The count: min(28, 13, 4, 17, 3) = 3, the seat at P1.
    """
    results = compute(parse_campaign(small()))
    out = results_to_json(results)
    assert [(p["person"], p["post"], p["margin"]) for p in out["pairs"]] == [
        ("1001", "P1", 28), ("1002", "P1", 13), ("1002", "P3", 4), ("1003", "P2", 17)]
    assert [(a["post"], a["margin"]) for a in out["assignment"]] == [("P1", 3), ("P2", None)]
    assert out["margin"] == {"ballots": 3, "post": "P1", "person": "1001", "decision": "seat"}
    names = {"1001": "张明", "1002": "李华", "1003": "王芳"}
    posts = {"P1": "办公室科长", "P2": "财务科科长", "P3": "法规科科长"}
    assert margin_sentence(results.margin, names, posts) == "改变约 3 张选票可能改变：办公室科长 的人选（张明 与 李华 的先后）"


def test_the_threshold_sentence():
    line = Decision(1, THRESHOLD, "P2", "1001")
    assert margin_sentence(line, {"1001": "张三"}, {"P2": "财务科科长"}) == "改变约 1 张选票可能改变：张三 财务科科长 的三分之一线"
    assert margin_sentence(line, {"1001": "张三"}, {"P2": "财务科科长"}, Fraction(2, 5)).endswith("的推荐率 2/5 线")


def test_count_margin_takes_the_smallest_then_post_then_person_then_the_line():
    seat = Decision(2, SEAT, "P1", "1001", "1002")
    line = Decision(2, THRESHOLD, "P1", "1001")
    assert count_margin([seat, line, Decision(2, THRESHOLD, "P2", "1000")]) == line
    assert count_margin([seat, Decision(3, THRESHOLD, "P0", "1000")]) == seat
    assert count_margin([]) is None


def test_no_recommendation_meeting_means_no_margins():
    doc = small()
    del doc["recommendation"]
    out = results_to_json(compute(parse_campaign(doc)))
    assert out["margin"] is None
    assert all(p["margin"] is None for p in out["pairs"])
