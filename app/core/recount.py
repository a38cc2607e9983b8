"""A blind re-entry compared with the ballots entered, ballot by ballot by number (SPEC §11).

A sampled paper, or every paper of a group, is keyed again without seeing what was entered; the two
are then compared by the printed number: the marks candidate by candidate (a candidate not on the
record is a blank mark), whether the paper was entered as 作废, and — for a whole group — which
numbers only one of the two has. Each difference names the number and says what each entry holds,
so the 监督组 can take the paper and look.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from .ballots import AGREE, BLANK, INVALID, SUGGEST, Mark

MARKS, VOID, MISSING, EXTRA = "marks", "void", "missing", "extra"


@dataclass(frozen=True)
class Paper:
    """One paper as keyed: its number, whether it was entered as 作废 (void as a whole), its marks."""

    number: str
    void: bool
    marks: Mapping[str, Mark]

    def mark(self, person: str) -> Mark:
        return self.marks.get(person, Mark(BLANK))


@dataclass(frozen=True)
class Difference:
    number: str
    kind: str                        # MARKS, VOID, MISSING (entered, not keyed again), EXTRA (only keyed again)
    persons: tuple[str, ...] = ()    # MARKS: the candidates marked differently
    entered: Paper | None = None
    again: Paper | None = None


def compare(entered: Mapping[str, Paper], again: Mapping[str, Paper], *,
            whole: bool) -> list[Difference]:
    """Every difference, by number. ``whole``: the re-entry covers the whole group, so a number only
    one side has is a difference too (a sample compares only the numbers keyed again)."""
    out: list[Difference] = []
    numbers = sorted(set(entered) | set(again)) if whole else sorted(again)
    for number in numbers:
        first, second = entered.get(number), again.get(number)
        if first is None:
            out.append(Difference(number, EXTRA, again=second))
        elif second is None:
            out.append(Difference(number, MISSING, entered=first))
        elif first.void != second.void:
            out.append(Difference(number, VOID, entered=first, again=second))
        elif not first.void:
            persons = tuple(p for p in sorted(set(first.marks) | set(second.marks)) if first.mark(p) != second.mark(p))
            if persons:
                out.append(Difference(number, MARKS, persons, first, second))
    return out


def mark_words(mark: Mark, posts: Mapping[str, str]) -> str:
    """A mark as the clerk reads it: 同意 P1 办公室科长, 建议 P3 法规科科长, 空白, 无效."""
    if mark.kind in (AGREE, SUGGEST):
        name = posts.get(mark.post or "", "")
        return f"{'同意' if mark.kind == AGREE else '建议'} {mark.post}" + (f" {name}" if name else "")
    return {BLANK: "空白", INVALID: "无效"}.get(mark.kind, mark.kind)


def describe(d: Difference, names: Mapping[str, str], posts: Mapping[str, str], *,
             second: str = "复核") -> str:
    """One difference in words: ``票号 483920：张明 录入为“同意 P1”，复核为“空白”``."""
    head = f"票号 {d.number}："
    if d.kind == EXTRA:
        return head + f"{second}录入了此票，原录入中没有"
    if d.kind == MISSING:
        return head + f"原录入中有此票，{second}未录入"
    if d.kind == VOID:
        first = "作废票" if d.entered and d.entered.void else "有效票"
        other = "作废票" if d.again and d.again.void else "有效票"
        return head + f"原录入为{first}，{second}为{other}"
    parts = [f"{names.get(p, p)} 录入为“{mark_words(d.entered.mark(p), posts)}”，"
             f"{second}为“{mark_words(d.again.mark(p), posts)}”" for p in d.persons]
    return head + "；".join(parts)


def differing_numbers(differences: Sequence[Difference]) -> tuple[str, ...]:
    return tuple(sorted({d.number for d in differences}))
