"""§六 三位小数、四舍五入; 以上/以下 include the number itself (SPEC §1)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from app.core.numbers import ScoreError, at_least, format_score, parse_count, parse_score, round_score


def test_83_8655_rounds_up_to_83_866_where_a_float_would_give_83_865():
    assert round_score(Decimal("83.8655")) == Decimal("83.866")
    assert f"{round(83.8655, 3)}" == "83.865"  # the float trap the rule is about


@pytest.mark.parametrize("value, expected", [
    (Decimal("2.0005"), "2.001"),      # half up, not banker's (which gives 2.000)
    (Decimal("2.0015"), "2.002"),
    (Decimal("2.00049"), "2.000"),
    (Fraction(1, 3), "0.333"),
    (Fraction(2, 3), "0.667"),
    (Fraction(1, 6), "0.167"),
    (Decimal("-2.0005"), "-2.001"),    # half away from zero
    (95, "95.000"),
])
def test_round_score_half_up(value, expected):
    assert str(round_score(value)) == expected


def test_format_score_has_exactly_three_decimals():
    assert format_score(Decimal("82.5")) == "82.500"
    assert format_score(Decimal("100")) == "100.000"
    assert format_score(None) is None


def test_ten_of_thirty_is_exactly_one_third_and_counts_as_reached():
    assert at_least(10, 30, Fraction(1, 3))
    assert not at_least(9, 30, Fraction(1, 3))
    assert at_least(21, 63, Fraction(1, 3))
    assert not at_least(20, 63, Fraction(1, 3))


@given(st.integers(min_value=-10**9, max_value=10**9), st.integers(min_value=1, max_value=10**6))
def test_round_score_agrees_with_exact_fraction_oracle(numerator, denominator):
    x = Fraction(numerator, denominator)
    r = Fraction(round_score(x))
    # Oracle: the result is a multiple of 1/1000 within half a unit, and exact halves go away from zero.
    assert (r * 1000).denominator == 1
    assert abs(x - r) <= Fraction(1, 2000)
    if abs(x - r) == Fraction(1, 2000):
        assert abs(r) > abs(x)


@given(st.decimals(min_value=-1000, max_value=1000, places=6, allow_nan=False, allow_infinity=False))
def test_round_score_matches_decimal_round_half_up(d):
    from decimal import ROUND_HALF_UP
    assert round_score(d) == d.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_at_least_agrees_with_fraction_comparison(n, d):
    assert at_least(n, d, Fraction(1, 3)) == (Fraction(n, d) >= Fraction(1, 3))


@pytest.mark.parametrize("raw, expected", [
    ("88", Decimal("88")), (" 88.5 ", Decimal("88.5")), ("８８．５", Decimal("88.5")),
    ("\u300088\u3000", Decimal("88")), (90, Decimal("90")), (Decimal("77.5"), Decimal("77.5")),
    ("0", Decimal("0")), ("100", Decimal("100")), ("100.0", Decimal("100.0")),
    ("85.50", Decimal("85.5")),    # trailing zeros are not extra decimals
    ("90.000", Decimal("90")),
])
def test_parse_score_accepts(raw, expected):
    assert parse_score(raw, decimals=1) == expected


@pytest.mark.parametrize("raw, message", [
    ("101", "101 超出 0–100"),
    ("-1", "-1 超出 0–100"),
    ("88.55", "88.55 小数位过多（最多 1 位小数）"),
    ("abc", "“abc” 不是数字"),
    ("1e2", "“1e2” 不是数字"),
    ("NaN", "“NaN” 不是数字"),
    ("", "为空"),
    ("8 8", "“8 8” 不是数字"),
    (88.5, "88.5 须写成字符串"),
    (True, "True 不是分数"),
    (None, "None 不是分数"),
])
def test_parse_score_refuses_with_a_reason(raw, message):
    with pytest.raises(ScoreError) as err:
        parse_score(raw, decimals=1)
    assert message in str(err.value)


def test_parse_score_integer_only_scheme():
    with pytest.raises(ScoreError, match="最多整数"):
        parse_score("88.5", decimals=0)


def test_parse_count():
    assert parse_count("12") == 12
    assert parse_count(0) == 0
    with pytest.raises(ScoreError, match="超过 40"):
        parse_count(41, high=40)
    with pytest.raises(ScoreError, match="不是整数"):
        parse_count("3.5")
    with pytest.raises(ScoreError, match="小于 1"):
        parse_count(0, low=1)


@pytest.mark.parametrize("raw", ["²", "①", "1²", "٣", "1" * 10, ""])
def test_count_is_ascii_digits_only(raw):
    """str.isdigit() accepts "²" and Arabic-Indic digits; a count must be 0-9 only (full-width folded)."""
    with pytest.raises(ScoreError, match="不是整数"):
        parse_count(raw)
    assert parse_count("４２") == 42


@given(st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False))
def test_a_score_already_with_three_decimals_prints_as_the_rounding_would(value):
    # format_score skips the rounding for a value already at three places: the text must be the same
    assert format_score(value) == f"{round_score(value):.3f}"
    assert format_score(Decimal("-0.000")) == "0.000"
