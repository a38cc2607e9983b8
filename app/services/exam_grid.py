"""The 考试与测评 grid as the tab shows it (§四 §五 §六 §八): one row per person in roster order, with
what was typed (and its status and version) and what it makes — the exam total, each 民主测评
dimension, 民主测评, 考核均分, 加分, 考评量化, 不满意率 — computed here, once, so the view only shows
rows (Anki's ``browser_row_for_id``). A figure that cannot be computed yet stays ``None``, never a
guess; ``missing`` names the entries still to be typed (issue 13: nothing is confirmed without a word).

:func:`as_entered` is the one place that reads a person's stored items the way the campaign file
carries them — exam parts beat a total, grade counts beat a dimension score — for this grid and for
the export (:mod:`app.services.campaign_io`), so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.numbers import ScoreError, round_score
from ..core.scheme import DIMENSIONS, Scheme
from ..core.scoring import (Satisfaction, appraisal_average, democratic, dimension_from_grades, exam_total,
                            quantified, rank_bonus, satisfaction)
from ..models.schema import Person, Score, Stage
from .scores import Entry, item_label
from .store import Store

SPEAKERS = ("原任科长", "拟竞争科长")
"""**Decision:** the 满意度测评 follows the 述职述廉 (§五), which only 原任科长 and 申报竞争科长职位人员
give; for everyone else its two counts are not listed as missing."""


@dataclass(frozen=True)
class Entered:
    """A person's stored values as the campaign file carries them (SPEC §8)."""

    exam: str | dict[str, str] | None                    # the total, or the parts {行测: "25", …}
    democratic: dict[str, str | dict[str, int]]          # dimension → score, or grade counts {优秀: 20, …}
    satisfaction: tuple[int, int] | None                 # (present, dissatisfied) when both are stored


def as_entered(items: Mapping[str, str]) -> Entered:
    """§四: the exam is entered as a total or as its parts — when any part is stored the parts are the
    exam (a total typed earlier no longer counts). §六: a dimension tallied from grade counts likewise
    beats a dimension score."""
    parts = {item[5:]: v for item, v in items.items() if item.startswith("exam:")}
    exam: str | dict[str, str] | None = parts or items.get("exam")
    dem: dict[str, str | dict[str, int]] = {}
    for d in DIMENSIONS:
        grades = {item.split(":")[2]: int(v) for item, v in items.items() if item.startswith(f"grade:{d}:")}
        if grades:
            dem[d] = grades
        elif f"dem:{d}" in items:
            dem[d] = items[f"dem:{d}"]
    sat = None
    if "sat:present" in items and "sat:dissatisfied" in items:
        sat = (int(items["sat:present"]), int(items["sat:dissatisfied"]))
    return Entered(exam, dem, sat)


@dataclass(frozen=True)
class ExamGridRow:
    id: str
    name: str
    rank: str
    category: str
    entries: Mapping[str, Entry]                       # item → what is stored, with status and version
    exam: Decimal | None
    dims: Mapping[str, Decimal | None]
    democratic: Decimal | None
    appraisal_avg: Decimal | None
    bonus: Decimal | None
    quantified: Decimal | None
    satisfaction: Satisfaction | None
    missing: tuple[str, ...] = ()                       # entries still to type, in words (考试·申论 …)
    exam_parts: bool = False                           # the exam is its parts (a total no longer counts)
    graded: frozenset[str] = frozenset()               # dimensions tallied from grade counts

    def items_behind(self, key: str) -> list[str]:
        """The stored items a cell shows: a total made of parts, a dimension tallied from grades."""
        if key in ("exam", "exam_total"):
            parts = sorted(i for i in self.entries if i.startswith("exam:"))
            return parts or (["exam"] if "exam" in self.entries else [])
        if key.startswith("dem:"):
            grades = sorted(i for i in self.entries if i.startswith(f"grade:{key[4:]}:"))
            return grades or ([key] if key in self.entries else [])
        return [key] if key in self.entries else []

    def status_of(self, key: str) -> str | None:
        behind = [self.entries[i].status for i in self.items_behind(key)]
        if not behind:
            return None
        return "confirmed" if all(s == "confirmed" for s in behind) else "entered"

    def unconfirmed(self) -> list[str]:
        return sorted(i for i, e in self.entries.items() if e.status != "confirmed")


@dataclass(frozen=True)
class ExamGrid:
    rows: list[ExamGridRow]
    exam_parts: dict[str, Decimal]          # part → full marks (the scheme's)
    scheme: Scheme
    state: str                              # the 考试与测评 stage: draft / confirmed / locked / published
    parts_entered: bool = False             # some exam was entered as parts: open in that mode
    grades_entered: bool = False            # some dimension was entered as grade counts
    incomplete: int = field(default=0)      # persons with something still to type


def _try(compute: Callable[[], Any]) -> Any:
    try:
        return compute()
    except (ScoreError, ValueError, ArithmeticError, KeyError):
        return None


def _missing(entered: Entered, category: str, scheme: Scheme) -> tuple[str, ...]:
    out = []
    if isinstance(entered.exam, dict):
        out += [f"考试·{p}" for p in scheme.exam_parts if p not in entered.exam]
    elif entered.exam is None:
        out.append("考试")
    if category in SPEAKERS and entered.satisfaction is None:
        out.append("满意度测评")
    out += [item_label(f"dem:{d}") for d in DIMENSIONS if d not in entered.democratic]
    return tuple(out)


def build_row(person: Person, stored: Sequence[Score], scheme: Scheme) -> ExamGridRow:
    """One person's row from their stored values, with the same core functions the results use."""
    entries = {x.item: Entry(x.value, x.status, x.entered_by, x.confirmed_by, x.version) for x in stored}
    entered = as_entered({i: e.value for i, e in entries.items()})

    def exam() -> Decimal | None:
        if isinstance(entered.exam, dict):
            return exam_total({p: Decimal(v) for p, v in entered.exam.items()}, scheme)
        return None if entered.exam is None else round_score(Decimal(entered.exam))

    def dimension(d: str) -> Decimal | None:
        value = entered.democratic.get(d)
        if isinstance(value, dict):
            return dimension_from_grades(value, scheme)
        return None if value is None else Decimal(value)

    appraisal = [Decimal(a) for a in (person.appraisal_1, person.appraisal_2, person.appraisal_3) if a is not None]
    exam_score = _try(exam)
    dims = {d: _try(lambda d=d: dimension(d)) for d in DIMENSIONS}
    dem = _try(lambda: democratic(dims, scheme)) if all(v is not None for v in dims.values()) else None
    avg = _try(lambda: appraisal_average(appraisal, scheme)) if appraisal else None
    bonus = _try(lambda: rank_bonus(person.rank, scheme))
    quant = None
    if None not in (exam_score, dem, avg, bonus):
        quant = _try(lambda: quantified(exam_score, dem, avg, bonus, scheme))
    sat = _try(lambda: satisfaction(*entered.satisfaction, scheme)) if entered.satisfaction else None
    graded = frozenset(d for d, v in entered.democratic.items() if isinstance(v, dict))
    return ExamGridRow(person.id, person.name, person.rank, person.category, entries, exam_score, dims, dem, avg,
                       bonus, quant, sat, _missing(entered, person.category, scheme),
                       isinstance(entered.exam, dict), graded)


def row_in(store: Store, session: Session, person_id: str) -> ExamGridRow | None:
    """One person's row, read inside the caller's (write) transaction: what a typed value shows."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    session.flush()
    stored = session.execute(select(Score).where(Score.person_id == person_id)).scalars().all()
    return build_row(person, stored, store.scheme_in(session))


def exam_grid(store: Store) -> ExamGrid:
    """Everything the 考试与测评 tab shows, in one answer."""
    with store.read() as s:
        scheme = store.scheme_in(s)
        people = s.execute(select(Person).order_by(Person.sort, Person.id)).scalars().all()
        by_person: dict[str, list[Score]] = {}
        for x in s.execute(select(Score)).scalars():
            by_person.setdefault(x.person_id, []).append(x)
        stage = s.get(Stage, "exam")
        state = stage.state if stage is not None else "draft"
    rows = [build_row(p, by_person.get(p.id, []), scheme) for p in people]
    items = {i for r in rows for i in r.entries}
    return ExamGrid(rows, dict(scheme.exam_parts), scheme, state,
                    parts_entered=any(i.startswith("exam:") for i in items),
                    grades_entered=any(i.startswith("grade:") for i in items),
                    incomplete=sum(1 for r in rows if r.missing))
