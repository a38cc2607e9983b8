"""§十一 定岗推荐: 推荐率 and 推荐得分 of one (person, post) pair, by voter group (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Mapping

from .numbers import ScoreError, at_least, exact, ratio, round_score
from .scheme import GROUP_LABELS, GROUPS, Scheme


@dataclass(frozen=True)
class Recommendation:
    recommended: int                 # Σ n_g
    present: int                     # Σ present_g
    rate: Fraction                   # exact 推荐率
    eligible: bool                   # rate ≥ threshold (达到会人数三分之一及以上)
    score: Decimal | None            # 推荐得分, only when eligible
    weights: Mapping[str, Fraction]  # the weights actually used (rescaled when a group was absent)
    absent_groups: tuple[str, ...]   # groups with nobody present: dropped, others rescaled

    @property
    def rate_shown(self) -> Decimal:
        return round_score(self.rate)

    @property
    def rescaled(self) -> bool:
        return bool(self.absent_groups)


def effective_weights(present: Mapping[str, int], scheme: Scheme) -> tuple[dict[str, Fraction], tuple[str, ...]]:
    """Decision (SPEC §3): a group with nobody present drops out; the others are rescaled to sum to 1."""
    absent = tuple(g for g in GROUPS if present.get(g, 0) == 0)
    base = {g: exact(scheme.group_weights[g]) for g in GROUPS if g not in absent}
    total = sum(base.values(), Fraction(0))
    if total == 0:
        raise ScoreError("到会的投票组权重合计为 0，无法计算推荐得分")
    return {g: w / total for g, w in base.items()}, absent


def check_counts(present: Mapping[str, int], counts: Mapping[str, int]) -> list[tuple[str, str]]:
    """Every problem with one pair's counts as (group, message): a count above those present is refused."""
    problems = []
    for g in GROUPS:
        p, n = present.get(g, 0), counts.get(g, 0)
        if n < 0:
            problems.append((g, f"{GROUP_LABELS[g]}推荐数 {n} 不能为负"))
        elif n > p:
            problems.append((g, f"{GROUP_LABELS[g]}推荐数 {n} 超过到会人数 {p}"))
    return problems


def recommendation(present: Mapping[str, int], counts: Mapping[str, int], scheme: Scheme) -> Recommendation:
    """§十一(三)(四): rate = Σn/Σpresent; if ≥ threshold, score = 100 × Σ w_g · n_g / present_g."""
    problems = check_counts(present, counts)
    if problems:
        raise ScoreError("；".join(message for _, message in problems))
    total_present = sum(present.get(g, 0) for g in GROUPS)
    if total_present <= 0:
        raise ScoreError("到会人数为 0")
    recommended = sum(counts.get(g, 0) for g in GROUPS)
    rate = ratio(recommended, total_present)
    eligible = at_least(recommended, total_present, scheme.threshold)
    weights, absent = effective_weights(present, scheme)
    score = None
    if eligible:
        score = round_score(100 * sum((w * Fraction(counts.get(g, 0), present[g]) for g, w in weights.items()),
                                      Fraction(0)))
    return Recommendation(recommended, total_present, rate, eligible, score, weights, absent)
