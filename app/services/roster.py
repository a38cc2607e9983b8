"""人员名单 and 岗位: add, edit, delete, import (all-or-nothing), list.

The writes a clerk makes in the 人员名单 dialogs take the version the clerk saw (``expected_version``,
0 = a new entry): another laptop having added, changed or deleted it since is a :class:`ConflictError`
naming who, and nothing is overwritten. Each returns what it stored (:class:`Wrote`), undone by the
history service (撤销).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.roster import RosterPerson, roster_problems
from ..models.schema import Ballot, Declaration, Person, Post, RecCount, Score, SpeechScore
from ._put import put
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

PERSON_FIELDS = ("name", "rank", "category", "gender", "birth", "work_start", "post_start", "political",
                 "education", "identity", "unit", "former_office", "no_rotation")
ROTATION_FIELDS = ("speciality", "post_kind", "bureau_leader", "leader_rank", "reserve_cadre", "units_served",
                   "unit_start", "duties", "exemption")   # 交流轮岗 (暂行办法 第七条–第十条, statistics)
PERSON_FIELDS += ROTATION_FIELDS


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


def _changed_by(session: Session, entity: str) -> str:
    """``李强 于 10:02``: who last wrote an entry (for a conflict message)."""
    from .history import last_change, who_when
    log = last_change(session, entity)
    return who_when(log) if log is not None else "其他录入人"


def _check_seen(session: Session, row: Person | Post | None, entity: str, what: str, expected_version: int | None,
                doing: str) -> None:
    """Compare-and-set on a roster entry: the version the clerk saw (0 = it did not exist)."""
    if expected_version is None or (row.version if row is not None else 0) == expected_version:
        return
    if expected_version == 0:
        raise ConflictError(f"编号 {entity.partition(':')[2]} 已有“{row.name}”（{_changed_by(session, entity)} 录入），"
                            f"您的{doing}未保存；请换一个编号或核对后再录入")
    if row is None:
        raise ConflictError(f"{what} 已被 {_changed_by(session, entity)} 删除，您的{doing}未保存")
    raise ConflictError(f"{what} 已被 {_changed_by(session, entity)} 修改，您的{doing}未保存；"
                        "请关闭后重新打开核对")


def save_person(store: Store, person: RosterPerson, *, expected_version: int | None = None,
                reason: str | None = None) -> Wrote:
    """新增 (``expected_version=0``) or 编辑 one person (the version the clerk saw). Returns the stored
    person as :func:`list_people` lists them: ``Wrote.result`` = (RosterPerson, version)."""
    problems = roster_problems(person)
    if problems:
        raise StoreError("；".join(problems))
    with store.write(reason) as s:
        require_editable(s, "roster")
        existing = s.get(Person, person.id)
        doing = "新增" if existing is None else "修改"
        label = f"{'新增' if existing is None else '编辑'}人员 {person.id} {person.name}"
        _check_seen(s, existing, f"people:{person.id}", f"人员 {person.id} {existing.name if existing else ''}",
                    expected_version, doing)
        sort = existing.sort if existing is not None else _next_sort(s)
        row, changed = put(s, Person, {"id": person.id}, _person_values(person, sort))
        scored = _roster_scores(s, person)
        s.flush()
        result = (_as_roster_person(row, _scores_of(s, person.id)), row.version)
        flags = (Changed.ROSTER if changed else Changed.NONE) | (Changed.SCORES if scored else Changed.NONE)
    return Wrote(flags, label=label, entity=f"people:{person.id}", value=person.name, version=row.version,
                 seq=store.last_write if flags else (0, 0), result=result)


def _next_sort(s) -> int:
    rows = s.execute(select(Person.sort)).scalars().all()
    return (max(rows) + 1) if rows else 1


def _roster_scores(s, person: RosterPerson) -> bool:
    """Scores carried by an imported roster row (考试, 民主测评) are entered like typed ones; True when
    any was written."""
    operator = s.info.get("operator", "?")
    items: dict[str, Decimal] = {}
    if person.exam is not None:
        items["exam"] = person.exam
    if person.democratic:
        items.update({f"dem:{d}": v for d, v in person.democratic.items()})
    wrote = False
    for item, value in items.items():
        existing = s.get(Score, (person.id, item))
        if existing is not None and Decimal(existing.value) == value:
            continue  # unchanged: keep its confirmation
        require_editable(s, "exam")   # a changed score is an edit of the 考试与测评 stage
        put(s, Score, {"person_id": person.id, "item": item},
            {"value": str(value), "status": "entered", "entered_by": operator, "confirmed_by": None})
        wrote = True
    return wrote



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


def _person_uses(s: Session, person_id: str) -> list[str]:
    """What later stages hold of a person (a person they refer to cannot be deleted)."""
    used = [label for model, label in ((Declaration, "报岗"), (SpeechScore, "演讲评分"), (RecCount, "推荐计票"))
            if s.execute(select(model).where(model.person_id == person_id).limit(1)).first()]
    if any(person_id in b.marks for b in s.execute(select(Ballot)).scalars()):
        used.append("推荐票")
    return used


def delete_refusal(store: Store, person_id: str) -> str | None:
    """Why a person cannot be deleted, said before a reason is asked for nothing; None when they can."""
    with store.read() as s:
        row = s.get(Person, person_id)
        used = _person_uses(s, person_id) if row is not None else []
        return f"{row.name}（{person_id}）已有{'、'.join(used)}记录，不能删除" if used else None


def delete_person(store: Store, person_id: str, *, reason: str, expected_version: int | None = None) -> Wrote:
    """删除 one person with their 考试与测评 values (a reason is logged); refused when a later stage refers
    to them. ``expected_version``: the version the clerk saw."""
    if not reason.strip():
        raise StoreError("删除人员须填写理由")
    with store.write(reason) as s:
        require_editable(s, "roster")
        row = s.get(Person, person_id)
        if row is None:
            if expected_version:
                _check_seen(s, None, f"people:{person_id}", f"人员 {person_id}", expected_version, "删除")
            raise StoreError(f"没有编号为 {person_id} 的人员")
        what = f"人员 {person_id} {row.name}"
        _check_seen(s, row, f"people:{person_id}", what, expected_version, "删除")
        used = _person_uses(s, person_id)
        if used:
            raise StoreError(f"{row.name}（{person_id}）已有{'、'.join(used)}记录，不能删除")
        person_scores = s.execute(select(Score).where(Score.person_id == person_id)).scalars().all()
        if person_scores:
            require_editable(s, "exam")
        for score in person_scores:
            s.delete(score)
        s.flush()
        s.delete(row)
    return Wrote(Changed.ROSTER | Changed.SCORES, label=f"删除{what}", entity=f"people:{person_id}",
                 seq=store.last_write)


def names(store: Store) -> dict[str, str]:
    """id → name in roster order (a light read for screens that only show names)."""
    with store.read() as s:
        return {pid: name for pid, name in s.execute(select(Person.id, Person.name).order_by(Person.sort, Person.id))}


def _scores_of(s: Session, person_id: str) -> dict[str, str]:
    return {x.item: x.value for x in s.execute(select(Score).where(Score.person_id == person_id)).scalars()}


def _as_roster_person(r: Any, scores: dict[str, str]) -> RosterPerson:
    """A stored person (ORM row or plain row) as the roster record."""
    dem = {d: Decimal(scores[f"dem:{d}"]) for d in ("de", "neng", "qin", "ji", "lian") if f"dem:{d}" in scores}
    return RosterPerson(
        id=r.id, name=r.name, rank=r.rank, category=r.category, gender=r.gender, birth=r.birth,
        work_start=r.work_start, post_start=r.post_start, political=r.political, education=r.education,
        identity=r.identity, unit=r.unit, former_office=r.former_office, no_rotation=bool(r.no_rotation),
        appraisal=tuple(Decimal(a) for a in (r.appraisal_1, r.appraisal_2, r.appraisal_3) if a is not None),
        exam=Decimal(scores["exam"]) if "exam" in scores else None,
        democratic=dem if len(dem) == 5 else None,
        **{f: getattr(r, f) for f in ROTATION_FIELDS if f not in ("bureau_leader", "reserve_cadre")},
        bureau_leader=bool(r.bureau_leader), reserve_cadre=bool(r.reserve_cadre),
    )


def list_people(store: Store) -> list[tuple[RosterPerson, int]]:
    """Every person in roster order, with the row version the UI must hand back when editing."""
    with store.read() as s:   # plain rows, not ORM objects: the roster tab reads this at every start
        rows = s.execute(select(Person.__table__).order_by(Person.sort, Person.id)).all()
        scores: dict[str, dict[str, str]] = {}
        for pid, item, value in s.execute(select(Score.person_id, Score.item, Score.value)
                                          .where((Score.item == "exam") | Score.item.like("dem:%"))):
            scores.setdefault(pid, {})[item] = value
    return [(_as_roster_person(r, scores.get(r.id, {})), r.version) for r in rows]


def save_post(store: Store, post_id: str, name: str, *, seats: int = 1, office: str | None = None,
              headcount: int | None = None, expected_version: int | None = None) -> Wrote:
    """新增 (``expected_version=0``) or 编辑 one post (the version the clerk saw); ``Wrote.result`` is
    the stored :class:`PostRow`."""
    if not post_id.strip() or not name.strip():
        raise StoreError("岗位编号和名称不能为空")
    if seats < 1:
        raise StoreError("岗位职数至少为 1")
    if headcount is not None and headcount < 0:
        raise StoreError("核定人数不能为负")
    post_id = post_id.strip()
    with store.write() as s:
        require_editable(s, "roster")
        existing = s.get(Post, post_id)
        label = f"{'新增' if existing is None else '编辑'}岗位 {post_id} {name.strip()}"
        _check_seen(s, existing, f"posts:{post_id}", f"岗位 {post_id} {existing.name if existing else ''}",
                    expected_version, "新增" if existing is None else "修改")
        sort = existing.sort if existing else len(s.execute(select(Post.id)).all()) + 1
        row, changed = put(s, Post, {"id": post_id},
                           {"name": name.strip(), "seats": seats, "office": office, "headcount": headcount,
                            "sort": sort})
        s.flush()
        result = PostRow(row.id, row.name, row.office, row.seats, row.headcount, row.version)
    return Wrote(Changed.ROSTER if changed else Changed.NONE, label=label, entity=f"posts:{post_id}",
                 value=result.name, version=result.version, seq=store.last_write if changed else (0, 0),
                 result=result)


def list_posts(store: Store) -> list[PostRow]:
    with store.read() as s:
        return [PostRow(p.id, p.name, p.office, p.seats, p.headcount, p.version)
                for p in s.execute(select(Post).order_by(Post.sort, Post.id)).scalars()]


def _post_used(s: Session, post_id: str) -> bool:
    declared = any(post_id in d.posts.split(",") for d in s.execute(select(Declaration)).scalars())
    counted = s.execute(select(RecCount).where(RecCount.post_id == post_id).limit(1)).first()
    balloted = any(f":{post_id}\"" in b.marks for b in s.execute(select(Ballot)).scalars())
    return bool(declared or counted or balloted)


def post_delete_refusal(store: Store, post_id: str) -> str | None:
    """Why a post cannot be deleted, said before a reason is asked for nothing; None when it can."""
    with store.read() as s:
        row = s.get(Post, post_id)
        if row is not None and _post_used(s, post_id):
            return f"岗位 {row.name}（{post_id}）已有报岗或推荐记录，不能删除"
    return None


def delete_post(store: Store, post_id: str, *, reason: str | None = None,
                expected_version: int | None = None) -> Wrote:
    """Only a post nobody has declared, been counted for, or been drawn against can be deleted."""
    with store.write(reason) as s:
        require_editable(s, "roster")
        row = s.get(Post, post_id)
        if row is None:
            if expected_version:
                _check_seen(s, None, f"posts:{post_id}", f"岗位 {post_id}", expected_version, "删除")
            raise StoreError(f"没有编号为 {post_id} 的岗位")
        what = f"岗位 {post_id} {row.name}"
        _check_seen(s, row, f"posts:{post_id}", what, expected_version, "删除")
        if _post_used(s, post_id):
            raise StoreError(f"岗位 {row.name}（{post_id}）已有报岗或推荐记录，不能删除")
        s.delete(row)
    return Wrote(Changed.ROSTER, label=f"删除{what}", entity=f"posts:{post_id}", seq=store.last_write)
