"""§十一 定岗推荐: rate over all present, score by group weights (SPEC §3)."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from app.core.numbers import ScoreError
from app.core.recommendation import recommendation
from app.core.scheme import Scheme

S = Scheme()
PRESENT = {"leaders": 5, "staff": 40, "unit_heads": 8, "county_chiefs": 10}   # 63 in all


def test_rate_and_score_of_the_example():
    # 48/63 = 0.7619…; 100 × (0.35×4/5 + 0.40×30/40 + 0.15×6/8 + 0.10×8/10) = 28 + 30 + 11.25 + 8 = 77.25
    r = recommendation(PRESENT, {"leaders": 4, "staff": 30, "unit_heads": 6, "county_chiefs": 8}, S)
    assert r.rate == Fraction(48, 63)
    assert str(r.rate_shown) == "0.762"
    assert r.eligible and r.score == D("77.250")
    assert not r.rescaled


def test_21_of_63_is_eligible():
    r = recommendation(PRESENT, {"leaders": 1, "staff": 14, "unit_heads": 3, "county_chiefs": 3}, S)
    assert r.recommended == 21 and r.eligible
    # 100 × (0.35×1/5 + 0.40×14/40 + 0.15×3/8 + 0.10×3/10) = 7 + 14 + 5.625 + 3 = 29.625
    assert r.score == D("29.625")


def test_20_of_63_is_not_eligible_and_has_no_score():
    r = recommendation(PRESENT, {"leaders": 1, "staff": 13, "unit_heads": 3, "county_chiefs": 3}, S)
    assert r.recommended == 20 and not r.eligible
    assert r.score is None
    assert str(r.rate_shown) == "0.317"


def test_absent_group_drops_out_and_weights_are_rescaled():
    # No county chiefs: weights 0.35/0.9, 0.40/0.9, 0.15/0.9.
    present = {"leaders": 5, "staff": 40, "unit_heads": 8, "county_chiefs": 0}
    r = recommendation(present, {"leaders": 4, "staff": 30, "unit_heads": 6}, S)
    assert r.absent_groups == ("county_chiefs",)
    assert r.weights["leaders"] == Fraction(35, 90)
    assert sum(r.weights.values()) == 1
    # 100 × (0.28 + 0.30 + 0.1125) / 0.9 = 69.25 / 0.9 = 76.9444… → 76.944
    assert r.score == D("76.944")


def test_count_above_present_is_refused():
    with pytest.raises(ScoreError, match="超过到会人数 5"):
        recommendation(PRESENT, {"leaders": 6}, S)


def test_nobody_present_is_refused():
    with pytest.raises(ScoreError, match="到会人数为 0"):
        recommendation({g: 0 for g in PRESENT}, {}, S)


def test_threshold_is_editable_and_exact():
    half = S.with_overrides({"threshold": "1/2"})
    r = recommendation({"staff": 10}, {"staff": 5}, half)
    assert r.eligible and r.score == D("50.000")  # staff alone, weight rescaled to 1: 100 × 5/10
    r = recommendation({"staff": 10, "leaders": 1}, {"staff": 5}, half)
    assert not r.eligible  # 5/11 < 1/2
