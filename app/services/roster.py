"""人员名单 and 岗位: add, edit, import (all-or-nothing), list."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from sqlalchemy import select

from ..core.roster import RosterPerson, roster_problems
from ..models.schema import Ballot, Declaration, Person, Post, RecCount, Score, SpeechScore
from ._put import put
from .stages import require_editable
from .store import Changed, Store, StoreError

PERSON_FIELDS = ("name", "rank", "category", "gender", "birth", "work_start", "post_start", "political",
                 "education", "identity", "unit", "former_office", "no_rotation")


@dataclass(frozen=True)
class PostRow:
    id: str
    name: str
    office: str | None
    seats: int
    headcount: int | None
    version: int


STORED_APPRAISAL_YEARS = 3
"""The roster keeps the 近三年 annual scores (考核1–3); more are refused, never silently dropped."""


def _person_values(p: RosterPerson, sort: int) -> dict:
    if len(p.appraisal) > STORED_APPRAISAL_YEARS:
        raise StoreError(f"{p.name}（{p.id}）：考核分有 {len(p.appraisal)} 年，名单只保存近 {STORED_APPRAISAL_YEARS} 年")
    values = {f: getattr(p, f) for f in PERSON_FIELDS}
    apps = list(p.appraisal) + [None] * (3 - len(p.appraisal))
    values.update(appraisal_1=_text(apps[0]), appraisal_2=_text(apps[1]), appraisal_3=_text(apps[2]), sort=sort)
    return values


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def save_person(store: Store, person: RosterPerson, *, expected_version: int | None = None,
                reason: str | None = None) -> Changed:
    problems = roster_problems(person)
    if problems:
        raise StoreError("；".join(problems))
    with store.write(reason) as s:
        require_editable(s, "roster")
        sort = s.get(Person, person.id).sort if s.get(Person, person.id) else _next_sort(s)
        put(s, Person, {"id": person.id}, _person_values(person, sort), expected_version)
        _roster_scores(s, person)
    return Changed.ROSTER | Changed.SCORES


def _next_sort(s) -> int:
    rows = s.execute(select(Person.sort)).scalars().all()
    return (max(rows) + 1) if rows else 1


def _roster_scores(s, person: RosterPerson) -> None:
    """Scores carried by an imported roster row (考试, 民主测评) are entered like typed ones."""
    operator = s.info.get("operator", "?")
    items: dict[str, Decimal] = {}
    if person.exam is not None:
        items["exam"] = person.exam
    if person.democratic:
        items.update({f"dem:{d}": v for d, v in person.democratic.items()})
    for item, value in items.items():
        existing = s.get(Score, (person.id, item))
        if existing is not None and Decimal(existing.value) == value:
            continue  # unchanged: keep its confirmation
        require_editable(s, "exam")   # a changed score is an edit of the 考试与测评 stage
        put(s, Score, {"person_id": person.id, "item": item},
            {"value": str(value), "status": "entered", "entered_by": operator, "confirmed_by": None})



def import_people(store: Store, people: Sequence[RosterPerson], *, reason: str = "导入人员名单") -> Changed:
    """All-or-nothing: every record is checked first; any problem stores nothing."""
    problems = []
    seen: set[str] = set()
    for i, p in enumerate(people, start=1):
        problems += [f"第{i}条（{p.id} {p.name}）{m}" for m in roster_problems(p)]
        if p.id in seen:
            problems.append(f"第{i}条（{p.id} {p.name}）编号重复")
        seen.add(p.id)
    if problems:
        raise StoreError("\n".join(problems))
    with store.write(reason) as s, s.no_autoflush:
        require_editable(s, "roster")
        # Load what exists once (into the identity map), then add everything and flush once.
        existing = {row.id: row.sort for row in s.execute(select(Person)).scalars()}
        s.execute(select(Score)).scalars().all()
        next_sort = max(existing.values(), default=0) + 1
        for p in people:
            sort = existing.get(p.id)
            if sort is None:
                sort, next_sort = next_sort, next_sort + 1
            put(s, Person, {"id": p.id}, _person_values(p, sort))
        s.flush()
        for p in people:
            _roster_scores(s, p)
    return Changed.ROSTER | Changed.SCORES


def delete_person(store: Store, person_id: str, *, reason: str) -> Changed:
    if not reason.strip():
        raise StoreError("删除人员须填写理由")
    with store.write(reason) as s:
        require_editable(s, "roster")
        row = s.get(Person, person_id)
        if row is None:
            raise StoreError(f"没有编号为 {person_id} 的人员")
        used = [label for model, label in ((Declaration, "报岗"), (SpeechScore, "演讲评分"), (RecCount, "推荐计票"))
                if s.execute(select(model).where(model.person_id == person_id).limit(1)).first()]
        if any(person_id in b.marks for b in s.execute(select(Ballot)).scalars()):
            used.append("推荐票")
        if used:
            raise StoreError(f"{row.name}（{person_id}）已有{'、'.join(used)}记录，不能删除")
        person_scores = s.execute(select(Score).where(Score.person_id == person_id)).scalars().all()
        if person_scores:
            require_editable(s, "exam")
        for score in person_scores:
            s.delete(score)
        s.flush()
        s.delete(row)
    return Changed.ROSTER | Changed.SCORES


def names(store: Store) -> dict[str, str]:
    """id → name in roster order (a light read for screens that only show names)."""
    with store.read() as s:
        return {pid: name for pid, name in s.execute(select(Person.id, Person.name).order_by(Person.sort, Person.id))}


def list_people(store: Store) -> list[tuple[RosterPerson, int]]:
    """Every person in roster order, with the row version the UI must hand back when editing."""
    with store.read() as s:   # plain rows, not ORM objects: the roster tab reads this at every start
        rows = s.execute(select(Person.__table__).order_by(Person.sort, Person.id)).all()
        scores = {(pid, item): value for pid, item, value in s.execute(
            select(Score.person_id, Score.item, Score.value).where((Score.item == "exam") | Score.item.like("dem:%")))}
    out = []
    for r in rows:
        dem = {d: Decimal(scores[(r.id, f"dem:{d}")]) for d in ("de", "neng", "qin", "ji", "lian")
               if (r.id, f"dem:{d}") in scores}
        out.append((RosterPerson(
            id=r.id, name=r.name, rank=r.rank, category=r.category, gender=r.gender, birth=r.birth,
            work_start=r.work_start, post_start=r.post_start, political=r.political, education=r.education,
            identity=r.identity, unit=r.unit, former_office=r.former_office, no_rotation=bool(r.no_rotation),
            appraisal=tuple(Decimal(a) for a in (r.appraisal_1, r.appraisal_2, r.appraisal_3) if a is not None),
            exam=Decimal(scores[(r.id, "exam")]) if (r.id, "exam") in scores else None,
            democratic=dem if len(dem) == 5 else None,
        ), r.version))
    return out


def save_post(store: Store, post_id: str, name: str, *, seats: int = 1, office: str | None = None,
              headcount: int | None = None, expected_version: int | None = None) -> Changed:
    if not post_id.strip() or not name.strip():
        raise StoreError("岗位编号和名称不能为空")
    if seats < 1:
        raise StoreError("岗位职数至少为 1")
    if headcount is not None and headcount < 0:
        raise StoreError("核定人数不能为负")
    with store.write() as s:
        require_editable(s, "roster")
        existing = s.get(Post, post_id)
        sort = existing.sort if existing else len(s.execute(select(Post.id)).all()) + 1
        put(s, Post, {"id": post_id.strip()},
            {"name": name.strip(), "seats": seats, "office": office, "headcount": headcount, "sort": sort},
            expected_version)
    return Changed.ROSTER


def list_posts(store: Store) -> list[PostRow]:
    with store.read() as s:
        return [PostRow(p.id, p.name, p.office, p.seats, p.headcount, p.version)
                for p in s.execute(select(Post).order_by(Post.sort, Post.id)).scalars()]


def delete_post(store: Store, post_id: str, *, reason: str | None = None) -> Changed:
    """Only a post nobody has declared, been counted for, or been drawn against can be deleted."""
    with store.write(reason) as s:
        require_editable(s, "roster")
        row = s.get(Post, post_id)
        if row is None:
            raise StoreError(f"没有编号为 {post_id} 的岗位")
        declared = any(post_id in d.posts.split(",") for d in s.execute(select(Declaration)).scalars())
        counted = s.execute(select(RecCount).where(RecCount.post_id == post_id).limit(1)).first()
        balloted = any(f":{post_id}\"" in b.marks for b in s.execute(select(Ballot)).scalars())
        if declared or counted or balloted:
            raise StoreError(f"岗位 {row.name}（{post_id}）已有报岗或推荐记录，不能删除")
        s.delete(row)
    return Changed.ROSTER
