"""The scheme (方案): defaults of the 细则, validated overrides."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from app.core.scheme import Scheme, SchemeError


def test_defaults_are_the_rules():
    s = Scheme()
    assert s.group_weights["leaders"] == D("0.35") and s.threshold == Fraction(1, 3)
    assert s.speech_trim == 2 and s.min_judges == 5
    assert s.declaration_rounds == ((1, 2), (1, 2), (1, 1))
    assert s.assignment == "literal"


def test_scheme_is_immutable():
    s = Scheme()
    with pytest.raises(AttributeError):
        s.speech_trim = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.group_weights["leaders"] = D("1")  # type: ignore[index]


def test_weights_must_sum_to_one():
    with pytest.raises(SchemeError) as err:
        Scheme().with_overrides({"group_weights": {"leaders": "0.5"}})
    assert "权重之和为 1.15，须为 1" in str(err.value)


def test_every_problem_is_listed():
    with pytest.raises(SchemeError) as err:
        Scheme().with_overrides({"threshold": "2", "speech_trim": -1, "assignment": "random"})
    assert len(err.value.problems) == 1  # assignment is refused before the others are built
    with pytest.raises(SchemeError) as err:
        Scheme().with_overrides({"threshold": "2", "speech_trim": -1})
    assert len(err.value.problems) == 2


def test_float_weights_are_refused():
    with pytest.raises(SchemeError, match="字符串"):
        Scheme().with_overrides({"exam_weight": 0.1})


def test_overrides_round_trip_through_json():
    s = Scheme().with_overrides({"speech_trim": 1, "threshold": "2/5", "assignment": "fallback"})
    assert Scheme().with_overrides(s.to_json()) == s
    assert s.min_judges == 3


def test_unknown_keys_are_ignored():
    assert Scheme().with_overrides({"colour": "red"}) == Scheme()


@pytest.mark.parametrize("key, raw", [("threshold", "1e999999999"), ("exam_weight", "9e999999"),
                                      ("exam_weight", "0." + "1" * 40)])
def test_exponents_and_overlong_numbers_are_refused_at_once(key, raw):
    """Decimal("1e999999999") would make the weight-sum check hang: refused before any arithmetic."""
    with pytest.raises(ValueError) as err:
        Scheme().with_overrides({key: raw})
    assert f"scheme.{key}" in str(err.value)
