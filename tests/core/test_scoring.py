"""Each stage's formula with numbers a person can redo by hand (SPEC §2)."""

from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from app.core.numbers import ScoreError
from app.core.scheme import Scheme
from app.core.scoring import (appraisal_average, composite, democratic, dimension_from_grades, exam_total,
                              quantified, rank_bonus, satisfaction, trimmed_mean)

S = Scheme()


# §四 考试
def test_exam_total_is_the_sum_of_the_three_parts():
    assert exam_total({"行测": D("25.5"), "申论": D("41"), "公共基础": D("16")}, S) == D("82.500")


def test_exam_part_above_its_full_marks_is_refused():
    with pytest.raises(ScoreError, match="行测 31 超出 0–30"):
        exam_total({"行测": D("31"), "申论": D("41"), "公共基础": D("16")}, S)


def test_exam_missing_part_is_refused():
    with pytest.raises(ScoreError, match="公共基础"):
        exam_total({"行测": D("25"), "申论": D("41")}, S)


# §五 满意度测评
def test_ten_of_thirty_dissatisfied_fails():
    result = satisfaction(30, 10, S)
    assert result.rate == Fraction(1, 3)
    assert not result.passed
    assert str(result.rate_shown) == "0.333"


def test_nine_of_thirty_dissatisfied_passes():
    result = satisfaction(30, 9, S)
    assert result.passed
    assert str(result.rate_shown) == "0.300"


def test_satisfaction_refuses_more_dissatisfied_than_present():
    with pytest.raises(ScoreError, match="超出 0–30"):
        satisfaction(30, 31, S)
    with pytest.raises(ScoreError, match="大于 0"):
        satisfaction(0, 0, S)


# §六 民主测评
def test_democratic_weights_30_15_10_25_20():
    # 90×0.30 + 85×0.15 + 88×0.10 + 86×0.25 + 92×0.20 = 27 + 12.75 + 8.8 + 21.5 + 18.4 = 88.45
    dims = {"de": D(90), "neng": D(85), "qin": D(88), "ji": D(86), "lian": D(92)}
    assert democratic(dims, S) == D("88.450")


def test_dimension_from_grade_counts_uses_100_80_60_0():
    # (20×100 + 8×80 + 2×60 + 1×0) / 31 = 2760/31 = 89.032258… → 89.032
    counts = {"优秀": 20, "称职": 8, "基本称职": 2, "不称职": 1}
    assert dimension_from_grades(counts, S) == D("89.032")


def test_grade_points_are_editable():
    scheme = S.with_overrides({"grade_points": {"称职": "85"}})
    assert dimension_from_grades({"称职": 1, "优秀": 1}, scheme) == D("92.500")


def test_grade_counts_all_zero_refused():
    with pytest.raises(ScoreError, match="合计为 0"):
        dimension_from_grades({"优秀": 0}, S)


# §八 考评量化
def test_appraisal_average_is_rounded_mean():
    assert appraisal_average([D(95), D(92), D(96)], S) == D("94.333")
    assert appraisal_average([D(90), D(91)], S) == D("90.500")


def test_appraisal_more_than_three_refused():
    with pytest.raises(ScoreError, match="最多 3"):
        appraisal_average([D(90)] * 4, S)


@pytest.mark.parametrize("rank, bonus", [("正科实职", "4.000"), ("正科虚职", "2.000"), ("副科实职", "1.000"),
                                         ("副科虚职", "0.000"), ("科员", "0.000"), ("其他", "0.000")])
def test_rank_bonus(rank, bonus):
    assert str(rank_bonus(rank, S)) == bonus


def test_quantified_uses_the_rounded_appraisal_average_then_adds_bonus():
    # 82.5×0.1 + 88.45×0.3 + 94.333×0.6 + 4 = 8.25 + 26.535 + 56.5998 + 4 = 95.3848 → 95.385
    assert quantified(D("82.5"), D("88.450"), D("94.333"), D(4), S) == D("95.385")


# §十 竞岗演讲
def test_trimmed_mean_drops_two_highest_and_two_lowest():
    scores = [D(x) for x in ("88", "90", "91", "85", "87", "92", "89")]
    t = trimmed_mean(scores, 2)
    assert t.mean == D("89.000")              # (88 + 90 + 89) / 3
    assert t.dropped_high == (2, 5)           # 91, 92
    assert t.dropped_low == (3, 4)            # 85, 87
    assert t.kept == (0, 1, 6)


def test_trimmed_mean_with_repeating_decimal():
    # kept 80, 81, 81.5 → 242.5 / 3 = 80.8333… → 80.833
    scores = [D(x) for x in ("70", "75", "80", "81", "81.5", "95", "99")]
    assert trimmed_mean(scores, 2).mean == D("80.833")


def test_trimmed_mean_equal_scores_marks_one_each():
    scores = [D(90)] * 5
    t = trimmed_mean(scores, 2)
    assert t.mean == D("90.000") and len(t.kept) == 1
    assert set(t.dropped_low) | set(t.dropped_high) | set(t.kept) == set(range(5))


def test_trimmed_mean_needs_2k_plus_1_scores():
    with pytest.raises(ScoreError, match="至少需要 5 个"):
        trimmed_mean([D(90)] * 4, 2)
    assert trimmed_mean([D(90)] * 3, 1).mean == D("90.000")


scores_strategy = st.lists(st.integers(min_value=0, max_value=1000).map(lambda n: D(n) / 10),
                           min_size=5, max_size=30)


@given(scores_strategy, st.randoms(use_true_random=False))
def test_trimmed_mean_lies_between_kept_extremes_and_ignores_order(scores, rnd):
    t = trimmed_mean(scores, 2)
    kept = sorted(scores)[2:-2]
    assert min(kept) <= t.mean <= max(kept)
    shuffled = list(scores)
    rnd.shuffle(shuffled)
    assert trimmed_mean(shuffled, 2).mean == t.mean
    # dropped are really the extremes
    assert all(scores[i] >= max(kept) for i in t.dropped_high)
    assert all(scores[i] <= min(kept) for i in t.dropped_low)


# §十二 综合考评
def test_composite_30_10_60():
    # 95.385×0.3 + 89×0.1 + 77.25×0.6 = 28.6155 + 8.9 + 46.35 = 83.8655 → 83.866
    assert composite(D("95.385"), D("89.000"), D("77.250"), S) == D("83.866")
