"""The margin of a 定岗推荐 count: how many changed ballots could change a decision (SPEC §11).

- **The 1/3 line of a pair** (§十一(三)), n recommendations of P present, line θ: eligible — the
  smallest k with (n − k)/P < θ; not eligible — the smallest k with (n + k)/P ≥ θ. One changed
  ballot changes n by at most one, so this figure is exact.
- **A seat** (§十三(三)): the placed person and each rival who competed at that post after 13.2.
  One changed ballot of group g can take one recommendation from the placed person and give one to
  the rival, closing their 综合考评 gap by at most ``2 × c × 100 × w_g / present_g`` (c = the
  recommendation's share of 综合考评, w_g the group's weight as used — rescaled when a group was
  absent, SPEC §3). Ballots are taken from the groups with the largest effect first, at most
  present_g from group g. Rounding to three decimals is ignored, so the figure is called 约.
- **The count's margin** is the smallest of all these, with the decision it belongs to.

Decisions (SPEC §11 leaves them open):
- A seat's order counts as reversed once the gap is *closed* (the rival's 综合考评 reaches the
  placed person's): at equal scores the tie-breaks of 13.3 (推荐率, declaration) or the 党组 decide,
  which the same changed ballots may well turn. A seat won at equal 综合考评 (rule 13.3-rate or
  13.3-declared, gap 0) therefore has margin 1: one ballot moved puts the rival ahead.
- A seat whose gap no number of changed ballots can close has no margin (``None``); so has a seat
  without a rival (13.1). A post left undecided (a tie for the 党组, missing scores) and a person
  whose suggested posts tie compete for nothing the ballots decide here: they give no seat margin.
- The 1/3 line of a person who failed the 满意度测评 (§五) decides nothing — that person is
  eligible nowhere whatever the ballots say — so it is listed on the pair but left out of the
  count's margin.
- Among decisions with the same smallest margin the count's margin names the first by post id,
  then person id, a 1/3 line before a seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping

from .numbers import exact
from .scheme import GROUPS

THRESHOLD = "threshold"   # a pair's 1/3 line
SEAT = "seat"             # who is placed at a post


def threshold_margin(recommended: int, present: int, threshold: Fraction) -> int:
    """Changed ballots that move a pair across the 推荐率 line, by integer arithmetic.

    Eligible (n/P ≥ θ): the smallest k with (n − k)/P < θ. Not eligible: the smallest k with
    (n + k)/P ≥ θ. 21 of 63 at θ = 1/3 → 1 (20/63 < 1/3); 20 of 63 → 1 (21/63 = 1/3).
    """
    if present <= 0 or not 0 <= recommended <= present:
        raise ValueError(f"recommended {recommended} of present {present}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold {threshold}")
    # The fewest recommendations that reach the line: ⌈θ·P⌉ (θ·P ≤ P, so it can always be reached).
    reach = -(-threshold.numerator * present // threshold.denominator)
    if recommended >= reach:
        return recommended - (reach - 1)   # down to reach − 1, the most that stays below the line
    return reach - recommended


@dataclass(frozen=True)
class BallotEffect:
    """What one changed ballot of a group can do to a 综合考评 gap, and how many such ballots there are."""

    group: str
    effect: Fraction   # 2 × c × 100 × w_g / present_g
    ballots: int       # present_g


def ballot_effects(present: Mapping[str, int], weights: Mapping[str, Fraction],
                   recommendation_weight: Decimal | Fraction) -> tuple[BallotEffect, ...]:
    """Per group present, largest effect first (then in the order of the groups).

    ``weights`` are the weights actually used (``Recommendation.weights``: a group with nobody
    present is absent from them); ``recommendation_weight`` is the scheme's 综合考评 share of 定岗推荐.
    """
    share = exact(recommendation_weight)
    effects = [BallotEffect(g, 2 * share * 100 * weights[g] / present[g], present[g])
               for g in GROUPS if present.get(g, 0) > 0 and g in weights]
    order = {g: i for i, g in enumerate(GROUPS)}
    return tuple(sorted((e for e in effects if e.effect > 0), key=lambda e: (-e.effect, order[e.group])))


def seat_margin(gap: Decimal | Fraction, effects: Iterable[BallotEffect]) -> int | None:
    """约: the fewest changed ballots whose largest possible effects add up to the gap.

    ``gap`` = placed person's 综合考评 − rival's (published values; ≥ 0). None when even every
    ballot changed cannot close it. Gap 0 (placed by a tie-break) → 1.
    """
    remaining = exact(gap)
    if remaining < 0:
        raise ValueError(f"the placed person is behind the rival by {-remaining}")
    if remaining == 0:
        return 1
    taken = 0
    for e in effects:
        need = -(-remaining // e.effect)   # ⌈remaining / effect⌉
        if need <= e.ballots:
            return taken + int(need)
        taken += e.ballots
        remaining -= e.ballots * e.effect
    return None


@dataclass(frozen=True)
class Decision:
    """A decision taken by ballots, and how many changed ballots could change it."""

    ballots: int
    kind: str                   # THRESHOLD or SEAT
    post: str
    person: str                 # the pair's person, or the person placed at the post
    rival: str | None = None    # SEAT: the closest rival

    def sort_key(self) -> tuple:
        return (self.ballots, self.post, self.person, self.kind != THRESHOLD, self.rival or "")


def count_margin(decisions: Iterable[Decision]) -> Decision | None:
    """The count's margin: the decision with the fewest changed ballots (None when there is none)."""
    return min(decisions, key=Decision.sort_key, default=None)


def closest_rival(placed: str, placed_composite: Decimal, rivals: Mapping[str, Decimal | None],
                  post: str, effects: tuple[BallotEffect, ...]) -> Decision | None:
    """The seat margin of ``placed`` at ``post`` against the rival nearest in changed ballots.

    A rival without a 综合考评, or one ahead of the placed person (cannot happen after §十三), is
    not compared. None when there is no rival whose order the ballots could reverse.
    """
    found = []
    for rival, composite in rivals.items():
        if composite is None or composite > placed_composite:
            continue
        k = seat_margin(placed_composite - composite, effects)
        if k is not None:
            found.append(Decision(k, SEAT, post, placed, rival))
    return min(found, key=Decision.sort_key, default=None)


def threshold_label(threshold: Fraction) -> str:
    """三分之一线 for the 细则's line, else the line as a fraction (推荐率 2/5 线)."""
    return "三分之一线" if threshold == Fraction(1, 3) else f"推荐率 {threshold} 线"


def margin_sentence(decision: Decision, person_names: Mapping[str, str], post_names: Mapping[str, str],
                    threshold: Fraction = Fraction(1, 3)) -> str:
    """The line of the 定岗推荐结果 公示, e.g. 改变约 1 张选票可能改变：张三 财务科科长 的三分之一线."""
    def person(pid: str | None) -> str:
        return person_names.get(pid or "", pid or "")

    post = post_names.get(decision.post, decision.post)
    head = f"改变约 {decision.ballots} 张选票可能改变："
    if decision.kind == THRESHOLD:
        return f"{head}{person(decision.person)} {post} 的{threshold_label(threshold)}"
    return f"{head}{post} 的人选（{person(decision.person)} 与 {person(decision.rival)} 的先后）"
