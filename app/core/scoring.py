"""The formulas of each stage (SPEC §2), one function each.

Every function takes already-validated Decimals/ints, computes on exact Fractions and
returns the *published* value (rounded once by :func:`round_score`). A later stage
is computed from the rounded published values of the stages before it (SPEC §1).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Mapping, Sequence

from .numbers import ScoreError, at_least, exact, ratio, round_score
from .scheme import DIMENSIONS, GRADES, Scheme


# --- §四 考试 -----------------------------------------------------------------------------------

def exam_total(parts: Mapping[str, Decimal], scheme: Scheme) -> Decimal:
    """The exam total from its parts (行测 + 申论 + 公共基础), each within its full marks."""
    missing = [name for name in scheme.exam_parts if name not in parts]
    if missing:
        raise ScoreError(f"缺少考试部分：{'、'.join(missing)}")
    for name, score in parts.items():
        full = scheme.exam_parts.get(name)
        if full is None:
            raise ScoreError(f"考试没有“{name}”这一部分")
        if not (0 <= score <= full):
            raise ScoreError(f"{name} {score} 超出 0–{full}")
    return round_score(sum((exact(v) for v in parts.values()), Fraction(0)))


# --- §五 满意度测评 -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Satisfaction:
    present: int
    dissatisfied: int
    rate: Fraction          # exact 不满意率
    passed: bool            # 不满意率 < threshold

    @property
    def rate_shown(self) -> Decimal:
        return round_score(self.rate)


def satisfaction(present: int, dissatisfied: int, scheme: Scheme) -> Satisfaction:
    """§五: 不满意率达三分之一以上 (≥ 1/3) → not passed. 10 of 30 fails."""
    if present <= 0:
        raise ScoreError("实际参加测评人数须大于 0")
    if not (0 <= dissatisfied <= present):
        raise ScoreError(f"不满意票 {dissatisfied} 超出 0–{present}（实际参加测评人数）")
    failed = at_least(dissatisfied, present, scheme.satisfaction_threshold)
    return Satisfaction(present, dissatisfied, ratio(dissatisfied, present), not failed)


# --- §六 民主测评 ---------------------------------------------------------------------------------

def dimension_from_grades(counts: Mapping[str, int], scheme: Scheme) -> Decimal:
    """One dimension's score tallied from grade counts: Σ count × points / Σ count (Decision, SPEC §2)."""
    unknown = [g for g in counts if g not in GRADES]
    if unknown:
        raise ScoreError(f"未知的等次：{'、'.join(unknown)}")
    if any(c < 0 for c in counts.values()):
        raise ScoreError("等次票数不能为负")
    total = sum(counts.values())
    if total <= 0:
        raise ScoreError("等次票数合计为 0")
    points = sum((c * exact(scheme.grade_points[g]) for g, c in counts.items()), Fraction(0))
    return round_score(points / total)


def democratic(dimensions: Mapping[str, Decimal], scheme: Scheme) -> Decimal:
    """§六: 德30% + 能15% + 勤10% + 绩25% + 廉20% of the five dimension scores."""
    missing = [d for d in DIMENSIONS if d not in dimensions]
    if missing:
        raise ScoreError(f"缺少测评维度：{'、'.join(missing)}")
    return round_score(
        sum((exact(scheme.dimension_weights[d]) * exact(dimensions[d]) for d in DIMENSIONS), Fraction(0))
    )


# --- §八 考评量化 ---------------------------------------------------------------------------------

def appraisal_average(scores: Sequence[Decimal], scheme: Scheme) -> Decimal:
    """近三年考核均分: the mean of the (up to three) annual scores, rounded."""
    if not scores:
        raise ScoreError("没有年度考核分")
    if len(scores) > scheme.appraisal_years:
        raise ScoreError(f"年度考核分最多 {scheme.appraisal_years} 个，现有 {len(scores)} 个")
    return round_score(sum((exact(s) for s in scores), Fraction(0)) / len(scores))


def rank_bonus(rank: str, scheme: Scheme) -> Decimal:
    """§八: 正科实职4、正科虚职2、副科实职1、副科虚职0; other ranks 0."""
    return round_score(scheme.rank_bonus.get(rank, Decimal(0)))


def quantified(exam: Decimal, democratic_score: Decimal, appraisal_avg: Decimal, bonus: Decimal,
               scheme: Scheme) -> Decimal:
    """§八: 考试10% + 民主测评30% + 考核均分60%, plus the rank bonus."""
    base = (exact(scheme.exam_weight) * exact(exam)
            + exact(scheme.democratic_weight) * exact(democratic_score)
            + exact(scheme.appraisal_weight) * exact(appraisal_avg))
    return round_score(base + exact(bonus))


# --- §十 竞岗演讲 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrimmedMean:
    """Which scores were dropped (by position in the input) and the mean of the rest."""

    dropped_high: tuple[int, ...]
    dropped_low: tuple[int, ...]
    kept: tuple[int, ...]
    mean: Decimal


def trimmed_mean(scores: Sequence[Decimal], trim: int) -> TrimmedMean:
    """§十: drop the ``trim`` highest and ``trim`` lowest scores, mean of the rest.

    Refuses fewer than 2·trim+1 scores. Of equal scores, the later-entered one is the
    one marked as dropped at the high end and the earlier one at the low end — the
    mean does not depend on that choice, only the marking on the sheet does.
    """
    need = 2 * trim + 1
    if len(scores) < need:
        raise ScoreError(f"评委评分只有 {len(scores)} 个，去掉 {trim} 个最高分和 {trim} 个最低分至少需要 {need} 个")
    order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
    low = tuple(sorted(order[:trim]))
    high = tuple(sorted(order[len(order) - trim:])) if trim else ()
    kept = tuple(sorted(order[trim:len(order) - trim]))
    mean = sum((exact(scores[i]) for i in kept), Fraction(0)) / len(kept)
    return TrimmedMean(high, low, kept, round_score(mean))


# --- §十二 综合考评 -------------------------------------------------------------------------------

def composite(quantified_score: Decimal, speech: Decimal, recommendation: Decimal, scheme: Scheme) -> Decimal:
    """§十二: 考评量化30% + 竞岗演讲10% + 定岗推荐60%, from the published values."""
    w = scheme.composite_weights
    return round_score(exact(w["quantified"]) * exact(quantified_score)
                       + exact(w["speech"]) * exact(speech)
                       + exact(w["recommendation"]) * exact(recommendation))
