"""§十三 确定人选: who gets which post (SPEC §4).

Persons rank their eligible posts by §十三(二) (higher 推荐率; equal → declared before
suggested, first choice first); posts rank competitors by §十三(三) (综合考评 as published;
equal → higher 推荐率, exact; equal → declared that post). Ties the rules cannot settle
are listed for 党组研究决定 (§十七) and never broken at random.

Both modes run the same simultaneous-rounds deferred acceptance: in ``literal`` mode each
person's list stops after their first post (a loser is not moved); in ``fallback`` mode a
loser proposes to their next post. Every round is computed from *sets*, so the result
does not depend on input order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Sequence

# Rule codes of SPEC §8 and what they mean on a sheet.
RULE_ONLY = "13.1"
RULE_COMPOSITE = "13.3"
RULE_RATE = "13.3-rate"
RULE_DECLARED = "13.3-declared"
RULE_FALLBACK = "fallback"
RULE_LABELS = {
    RULE_ONLY: "第十三条（一）：该岗位只有一人竞争（推荐率达三分之一以上）",
    RULE_COMPOSITE: "第十三条（三）：综合考评得分高",
    RULE_RATE: "第十三条（三）：综合得分相同，推荐率高",
    RULE_DECLARED: "第十三条（三）：综合得分、推荐率均相同，申报该岗位者优先",
    RULE_FALLBACK: "顺延：在优先岗位竞争未果，按推荐顺序在下一岗位确定",
}

REASON_TIE = "tie"
REASON_MISSING = "missing scores"
REASON_EQUAL_SUGGESTED = "equal rates of suggested posts"
REASON_LABELS = {
    REASON_TIE: "综合得分、推荐率、申报情况均相同，提请党组研究决定",
    REASON_MISSING: "有竞争者综合考评得分无法计算（缺少分数），暂不确定",
    REASON_EQUAL_SUGGESTED: "两个建议岗位推荐率相同，提请党组研究决定",
}


@dataclass(frozen=True)
class Candidacy:
    """One *eligible* (person, post) pair: 推荐率 ≥ 1/3 and 满意度测评 passed."""

    person: str
    post: str
    rate: Fraction
    declared: bool
    choice: int | None = None          # position in the effective declaration, 0 = first choice
    composite: Decimal | None = None   # published 综合考评; None when a score is missing


@dataclass(frozen=True)
class PostSeats:
    post: str
    seats: int = 1


@dataclass(frozen=True)
class Placement:
    post: str
    person: str
    rule: str


@dataclass(frozen=True)
class Undecided:
    reason: str
    post: str | None = None                 # a tie at this post's last seat
    persons: tuple[str, ...] = ()
    person: str | None = None               # a person whose suggested posts tie
    posts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assignment:
    placements: tuple[Placement, ...]
    vacant: tuple[str, ...]
    undecided: tuple[Undecided, ...]
    # Everyone who competed at each post after §十三(二), as sorted (post, person) pairs: the placed
    # persons and their rivals there (the margin of a seat, SPEC §11, is taken against these rivals).
    competitors: tuple[tuple[str, str], ...] = ()

    def rivals(self, post: str, person: str) -> tuple[str, ...]:
        """The others who competed at ``post`` and were not placed there."""
        placed = {p.person for p in self.placements if p.post == post}
        return tuple(x for q, x in self.competitors if q == post and x != person and x not in placed)

    def post_of(self, person: str) -> str | None:
        return next((p.post for p in self.placements if p.person == person), None)


def _preference_key(c: Candidacy) -> tuple:
    # §十三(二): higher rate first; equal → declared before suggested; declared → first choice first.
    return (-c.rate, not c.declared, c.choice if c.declared and c.choice is not None else 0)


def _merit_key(c: Candidacy) -> tuple:
    # §十三(三): 综合考评 (published), then 推荐率 (exact), then declared that post. Higher is better.
    return (c.composite, c.rate, c.declared)


def _tiers(cands: Iterable[Candidacy]) -> list[list[Candidacy]]:
    """A person's posts in order of §十三(二); a tier of two or more is a tie of suggested posts."""
    tiers: list[list[Candidacy]] = []
    for c in sorted(cands, key=lambda c: (_preference_key(c), c.post)):
        if tiers and _preference_key(tiers[-1][0]) == _preference_key(c):
            tiers[-1].append(c)
        else:
            tiers.append([c])
    return tiers


def _choose(applicants: set[Candidacy], seats: int) -> set[Candidacy]:
    """Whom a post holds: the best ``seats`` by merit, everyone tied at the last seat, or all when
    a score is missing (nobody can be ranked without it)."""
    if len(applicants) <= seats:
        return set(applicants)
    if any(c.composite is None for c in applicants):
        return set(applicants)
    ranked = sorted((_merit_key(c) for c in applicants), reverse=True)
    cut = ranked[seats - 1]
    return {c for c in applicants if _merit_key(c) >= cut}


def _deciding_rule(winner: Candidacy, loser: Candidacy) -> str:
    if winner.composite != loser.composite:
        return RULE_COMPOSITE
    if winner.rate != loser.rate:
        return RULE_RATE
    return RULE_DECLARED


def assign_posts(posts: Sequence[PostSeats], candidacies: Sequence[Candidacy], mode: str = "literal") -> Assignment:
    """§十三 in ``literal`` (default) or ``fallback`` mode. Only eligible pairs may be passed."""
    if mode not in ("literal", "fallback"):
        raise ValueError(f"unknown assignment mode {mode!r}")
    seats = {p.post: p.seats for p in posts}
    by_person: dict[str, list[Candidacy]] = defaultdict(list)
    for c in candidacies:
        if c.post not in seats:
            raise ValueError(f"candidacy for unknown post {c.post!r}")
        by_person[c.person].append(c)

    tiers = {person: _tiers(cs) for person, cs in by_person.items()}
    if mode == "literal":
        tiers = {person: ts[:1] for person, ts in tiers.items()}

    next_tier = {person: 0 for person in tiers}
    held: dict[str, set[Candidacy]] = defaultdict(set)
    proposed: dict[str, set[Candidacy]] = defaultdict(set)   # everyone who ever competed at a post
    undecided_persons: list[Undecided] = []
    free = set(tiers)
    while free:
        offers: dict[str, set[Candidacy]] = defaultdict(set)
        for person in free:
            i = next_tier[person]
            if i >= len(tiers[person]):
                continue  # no post left: not placed
            tier = tiers[person][i]
            if len(tier) > 1:
                undecided_persons.append(Undecided(REASON_EQUAL_SUGGESTED, person=person,
                                                   posts=tuple(sorted(c.post for c in tier))))
                continue
            offers[tier[0].post].add(tier[0])
        free = set()
        for post, new in offers.items():
            proposed[post] |= new
            applicants = held[post] | new
            kept = _choose(applicants, seats[post])
            held[post] = kept
            for c in applicants - kept:
                next_tier[c.person] += 1
                free.add(c.person)

    placements: list[Placement] = []
    undecided: list[Undecided] = []
    vacant: list[str] = []
    for post in sorted(seats):
        holders = held.get(post, set())
        n = seats[post]
        if len(holders) > n:
            if any(c.composite is None for c in holders):
                undecided.append(Undecided(REASON_MISSING, post=post, persons=tuple(sorted(c.person for c in holders))))
                continue
            cut = sorted((_merit_key(c) for c in holders), reverse=True)[n - 1]
            tied = {c for c in holders if _merit_key(c) == cut}
            winners = holders - tied
            undecided.append(Undecided(REASON_TIE, post=post, persons=tuple(sorted(c.person for c in tied))))
        else:
            winners = holders
        losers = proposed.get(post, set()) - winners
        # A competitor without a composite is never turned away (see _choose), so every loser has one.
        best_loser = max(losers, key=_merit_key, default=None)
        for c in sorted(winners, key=lambda c: c.person):
            if next_tier[c.person] > 0:
                rule = RULE_FALLBACK
            elif best_loser is None:
                rule = RULE_ONLY
            else:
                rule = _deciding_rule(c, best_loser)
            placements.append(Placement(post, c.person, rule))
        if len(winners) < n and len(holders) <= n:
            vacant.append(post)

    undecided_persons.sort(key=lambda u: u.person or "")
    competitors = tuple(sorted((post, c.person) for post, cs in proposed.items() for c in cs))
    return Assignment(tuple(placements), tuple(vacant), tuple(undecided + undecided_persons), competitors)
