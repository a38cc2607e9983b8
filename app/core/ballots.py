"""§十一 定岗推荐票: one paper ballot at a time (唱票), tallied into counts per (person, post, group).

On a ballot each candidate is marked one way (SPEC §3): the voter **agrees** with a post the
candidate declared, or finds it unsuitable and **suggests** another post; a blank mark is an
abstention. A ballot that marks a candidate both ways, suggests the declared post, or names two
posts is **invalid for that candidate** — the clerk keys such a paper as ``invalid``. Invalid and
abstaining ballots still count among those present.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping

from .scheme import GROUPS

AGREE, SUGGEST, BLANK, INVALID = "agree", "suggest", "blank", "invalid"


@dataclass(frozen=True)
class Mark:
    kind: str               # agree / suggest / blank / invalid
    post: str | None = None

    def encode(self) -> str:
        return f"{self.kind}:{self.post}" if self.post else self.kind

    @classmethod
    def decode(cls, text: str) -> "Mark":
        kind, _, post = text.partition(":")
        return cls(kind, post or None)


@dataclass(frozen=True)
class PaperBallot:
    serial: int
    group: str
    marks: Mapping[str, Mark]     # person → mark; a person not on the mapping is a blank mark


def mark_problem(person: str, mark: Mark, declared: tuple[str, ...], posts: Iterable[str]) -> str | None:
    """Why a mark cannot be keyed as given (None when it can). An ``invalid`` mark is always keyable."""
    known = set(posts)
    if mark.kind in (BLANK, INVALID):
        return None
    if mark.kind == AGREE:
        if mark.post not in declared:
            return f"{person} 未申报岗位 {mark.post}，不能“同意”"
        return None
    if mark.kind == SUGGEST:
        if mark.post not in known:
            return f"没有岗位 {mark.post}"
        if mark.post in declared:
            return f"建议岗位 {mark.post} 就是 {person} 申报的岗位：此票对该人无效，请按“无效”录入"
        return None
    return f"未知的标记 {mark.kind}"


@dataclass(frozen=True)
class Tally:
    counts: Mapping[tuple[str, str], Mapping[str, int]]    # (person, post) → group → n
    ballots: Mapping[str, int]                              # group → ballots counted
    invalid: Mapping[str, int]                              # person → ballots invalid for that person
    blank: Mapping[str, int]                                # person → abstentions


def tally(ballots: Iterable[PaperBallot]) -> Tally:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {g: 0 for g in GROUPS})
    per_group: dict[str, int] = {g: 0 for g in GROUPS}
    invalid: dict[str, int] = defaultdict(int)
    blank: dict[str, int] = defaultdict(int)
    for b in ballots:
        per_group[b.group] += 1
        for person, mark in b.marks.items():
            if mark.kind in (AGREE, SUGGEST) and mark.post:
                counts[(person, mark.post)][b.group] += 1
            elif mark.kind == INVALID:
                invalid[person] += 1
            else:
                blank[person] += 1
    return Tally({k: dict(v) for k, v in counts.items()}, per_group, dict(invalid), dict(blank))
