"""人员名单 from Excel as the clerk meets it: read → 职级 words mapped → preview → store → undone in one step.

- **Reading** (:mod:`app.services.roster_excel`): all or nothing; the 必填 columns must be there; columns
  not read and 合计 rows are named in the summary. An office's own 职级 words (正科级, 四级主任科员 …)
  are not refused: :class:`RankWordsNeeded` lists them, the clerk maps each once to a rank of the
  scheme and the mapping is kept in the campaign (``meta`` row ``roster_rank_words``, logged).
- **Matching** a re-import to the people already stored: by 编号; a 编号 not stored, by 姓名 + 出生年月
  (the office renumbered), keeping the stored 编号 (scores, 报岗 and ballots refer to it). Only the
  columns the sheet has are compared; a blank 考试 / 民主测评 cell leaves a stored score alone.
  :func:`plan_roster_import` says what will be added, changed (field by field) and left, storing nothing.
- **Storing** (:func:`apply_roster_import`) is one transaction of Core statements with the audit rows
  appended in bulk (1,000 rows in a fraction of a second, not seconds of ORM objects); it refuses with a
  conflict if anybody changed the roster since the preview. The import is an audit event naming the
  audit rows it wrote.
- **Undoing** (:func:`app.services.roster_import_undo.undo_roster_import`) reverts exactly those rows, all
  at once, or refuses with a conflict naming who changed which of them since (or what now refers to a person
  it added).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from ..core.roster import RosterPerson, roster_problems
from ..core.scheme import DIMENSION_LABELS, DIMENSIONS, RANKS
from ..models import audit
from ..models.schema import AuditLog, Meta, Person, Score
from ._put import put
from .roster import PERSON_FIELDS, STORED_APPRAISAL_YEARS, list_people
from .roster_excel import ROSTER_COLUMNS, RosterImportError, RosterSheet, read_roster_sheet
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

RANK_WORDS_KEY = "roster_rank_words"
IMPORT_EVENT, UNDO_EVENT = "roster-import", "roster-import-undone"
PEOPLE, SCORES = Person.__table__, Score.__table__
LABELS = {c.key: c.header for c in ROSTER_COLUMNS if c.key in PERSON_FIELDS} | {
    "appraisal": "考核", "exam": "考试", **{d: f"民主测评{x}" for d, x in DIMENSION_LABELS.items()}}
RANK_HINTS = {"一级科员": "科员", "二级科员": "科员", "科员级": "科员", "办事员": "科员", "试用期": "科员",
              "一级主任科员": "正科虚职", "二级主任科员": "正科虚职", "主任科员": "正科虚职",
              "三级主任科员": "副科虚职", "四级主任科员": "副科虚职", "副主任科员": "副科虚职",
              "科长": "正科实职", "正科长": "正科实职", "副科长": "副科实职"}
"""What an office's 职级 word usually means, shown beside it in the mapping dialog — never applied by itself:
正科级 / 副科级 say nothing of 实职 or 虚职, and the rank decides the §八 bonus."""


class RankWordsNeeded(StoreError):
    """The sheet is right except for 职级 words the program does not know: map each, then import again."""

    def __init__(self, words: dict[str, tuple[int, ...]]):
        super().__init__(f"人员名单中有 {len(words)} 种程序不认识的职级写法（{'、'.join(list(words)[:8])}"
                         f"{'…' if len(words) > 8 else ''}），请逐一对应到程序的职级后再导入")
        self.words = words


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class PersonChange:
    """A stored person the sheet matches: as it will be stored, how it was matched, what changes."""

    person: RosterPerson          # the stored 编号, the sheet's values for the columns it has
    sheet_id: str                 # the 编号 on the sheet (differs when matched by 姓名 + 出生年月)
    matched_by: str               # "编号" or "姓名+出生年月"
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class RosterPlan:
    """What an import will do, for the preview; :func:`apply_roster_import` stores exactly this."""

    file: str
    sheet: RosterSheet
    added: tuple[RosterPerson, ...]
    changed: tuple[PersonChange, ...]
    unchanged: tuple[PersonChange, ...]
    kept: tuple[tuple[str, str], ...]          # (编号, 姓名) stored, not on the sheet: left as they are
    notes: tuple[str, ...]
    seen: tuple[tuple[str, int], ...]          # every stored person's (编号, version) when planned
    rank_words: tuple[tuple[str, str], ...]    # the 职级 mapping applied (word, rank)

    @property
    def nothing_to_do(self) -> bool:
        return not self.added and not self.changed

    def summary(self) -> str:
        parts = [f"新增 {len(self.added)} 人", f"修改 {len(self.changed)} 人", f"不变 {len(self.unchanged)} 人"]
        if self.kept:
            parts.append(f"名单中另有 {len(self.kept)} 人表中没有（保留不动）")
        return "，".join(parts)


# --- the 职级 mapping ---------------------------------------------------------------------------

def rank_words(store: Store) -> dict[str, str]:
    """The campaign's remembered 职级 mapping (office word → rank of the scheme)."""
    with store.read() as s:
        row = s.get(Meta, RANK_WORDS_KEY)
    return dict(json.loads(row.value)) if row else {}


def save_rank_words(store: Store, mapping: dict[str, str]) -> Wrote:
    """Remember (add to) the mapping; every rank must be one of the scheme's."""
    bad = [f"{w} → {r}" for w, r in mapping.items() if r not in RANKS]
    if bad:
        raise StoreError(f"职级只能对应到 {'、'.join(RANKS)}：{'、'.join(bad)}")
    if not mapping:
        return Wrote(Changed.NONE)
    merged = rank_words(store) | mapping
    with store.write("职级写法对应") as s:
        put(s, Meta, {"key": RANK_WORDS_KEY}, {"value": audit.canonical(merged)})
    return Wrote(Changed.ROSTER, label="职级写法对应：" + "，".join(f"{w} → {r}" for w, r in mapping.items()))


# --- planning -----------------------------------------------------------------------------------

def read_roster_file(store: Store, path: str | Path) -> RosterSheet:
    """The sheet with the campaign's 职级 mapping applied; RankWordsNeeded when words are left to map."""
    mapping = rank_words(store)
    try:
        sheet = read_roster_sheet(path, store.scheme(), mapping)
    except RosterImportError as err:
        raise StoreError("人员名单未导入，请改正以下问题后重新导入：\n" + "\n".join(str(p) for p in err.problems)) from None
    if not sheet.people:
        raise StoreError(f"{Path(path).name} 中没有人员")
    if sheet.rank_words:
        raise RankWordsNeeded(sheet.rank_words)
    if more := [p for p in sheet.people if len(p.appraisal) > STORED_APPRAISAL_YEARS]:
        raise StoreError(f"人员名单未导入：人员名单只能保存 {STORED_APPRAISAL_YEARS} 年的考核分，"
                         f"{more[0].name}（{more[0].id}）等 {len(more)} 人有 {len(more[0].appraisal)} 年")
    return sheet


def plan_roster_import(store: Store, path: str | Path) -> RosterPlan:
    return plan_from_sheet(store, read_roster_file(store, path), Path(path).name)


def plan_from_sheet(store: Store, sheet: RosterSheet, file: str) -> RosterPlan:
    stored = list_people(store)
    by_id = {p.id: p for p, _ in stored}
    by_name_birth: dict[tuple[str, str], list[RosterPerson]] = {}
    for p, _ in stored:
        if p.birth:
            by_name_birth.setdefault((p.name, p.birth[:7]), []).append(p)
    problems, added, changed, unchanged, claimed = [], [], [], [], {}
    for p in sheet.people:
        if p.id in by_id:
            match, how = by_id[p.id], "编号"
        else:
            candidates = [c for c in by_name_birth.get((p.name, (p.birth or "")[:7]), []) if p.birth]
            if len(candidates) > 1:
                problems.append(f"{p.name}（表中编号 {p.id}，出生 {p.birth[:7]}）：名单中有 {len(candidates)} 人姓名、"
                                "出生年月都相同，无法确定是谁；请在表中填写其名单中的编号")
                continue
            match, how = (candidates[0], "姓名+出生年月") if candidates else (None, "")
        if match is None:
            added.append(p)
            continue
        if match.id in claimed:
            problems.append(f"{p.name}（表中编号 {p.id}）与 {claimed[match.id]} 都对应名单中的 {match.name}（{match.id}）")
            continue
        claimed[match.id] = f"{p.name}（表中编号 {p.id}）"
        merged = _merged(match, p, sheet.columns)
        entry = PersonChange(merged, p.id, how, tuple(_changes(match, merged)))
        (changed if entry.changes else unchanged).append(entry)
    for p in added:
        problems += [f"{p.name}（{p.id}）{m}" for m in roster_problems(p)]
    if problems:
        raise StoreError("人员名单未导入：\n" + "\n".join(problems))
    notes = list(sheet.notes)
    renumbered = [c for c in changed + unchanged if c.matched_by != "编号"]
    if renumbered:
        notes.append(f"{len(renumbered)} 人按姓名和出生年月对上了名单中的人，表中编号不同，沿用名单中的编号"
                     f"（如 {renumbered[0].person.name}：表中 {renumbered[0].sheet_id}，名单中 {renumbered[0].person.id}）")
    names = {p.name for p, _ in stored}
    namesakes = [p for p in added if p.name in names]
    if namesakes:
        notes.append(f"新增的人中有 {len(namesakes)} 人与名单中已有的人同名（如 {namesakes[0].name}），"
                     "编号和出生年月都对不上，按新人员添加：如是同一人，请在表中改用名单中的编号")
    if sheet.unknown_columns:
        notes.append("以下列未导入（程序不读取）：" + "、".join(sheet.unknown_columns))
    seen_ids = {p.id for p in added} | set(claimed)
    kept = tuple((p.id, p.name) for p, _ in stored if p.id not in seen_ids)
    if sheet.mapped_ranks:
        notes.append("职级按本竞岗保存的对应导入：" + "，".join(f"{w} → {r}" for w, r in sheet.mapped_ranks))
    return RosterPlan(file, sheet, tuple(added), tuple(changed), tuple(unchanged), kept, tuple(notes),
                      tuple((p.id, v) for p, v in stored), sheet.mapped_ranks)


def _merged(stored: RosterPerson, sheet: RosterPerson, columns: frozenset[str]) -> RosterPerson:
    """The stored person with the values of the columns the sheet has (blank scores leave stored ones)."""
    values: dict[str, Any] = {f: getattr(sheet, f) for f in PERSON_FIELDS if f in columns}
    if "appraisal" in columns:
        values["appraisal"] = sheet.appraisal
    values["exam"] = sheet.exam if sheet.exam is not None else stored.exam
    values["democratic"] = sheet.democratic if sheet.democratic is not None else stored.democratic
    return replace(stored, **values)


def _shown(value: Any) -> str:
    if value is None or value == ():
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _changes(old: RosterPerson, new: RosterPerson) -> Iterable[FieldChange]:
    for f in (*PERSON_FIELDS, "appraisal", "exam"):
        a, b = getattr(old, f), getattr(new, f)
        if a != b:
            yield FieldChange(LABELS.get(f, f), _shown(a), _shown(b))
    for d in DIMENSIONS:
        a, b = (old.democratic or {}).get(d), (new.democratic or {}).get(d)
        if a != b:
            yield FieldChange(LABELS[d], _shown(a), _shown(b))


# --- storing --------------------------------------------------------------------------------------

def _person_row(p: RosterPerson, sort: int, version: int) -> dict[str, Any]:
    apps = list(p.appraisal) + [None] * (STORED_APPRAISAL_YEARS - len(p.appraisal))
    row = {f: getattr(p, f) for f in PERSON_FIELDS}
    row.update({f"appraisal_{i + 1}": None if a is None else str(a) for i, a in enumerate(apps)},
               id=p.id, sort=sort, version=version)
    return row


def _score_items(p: RosterPerson) -> dict[str, Decimal]:
    items = {} if p.exam is None else {"exam": p.exam}
    items.update({f"dem:{d}": v for d, v in (p.democratic or {}).items()})
    return items


def apply_roster_import(store: Store, plan: RosterPlan) -> Wrote:
    """Store what the preview showed, in one transaction; refused (ConflictError) when the roster changed since."""
    if plan.nothing_to_do:
        raise StoreError(f"{plan.file} 与名单完全一致，没有要导入的内容")
    operator = store.operator
    with store.write(f"导入人员名单 {plan.file}") as s:
        require_editable(s, "roster")
        _check_unchanged_since(s, dict(plan.seen))
        current = {r.id: r for r in s.execute(select(PEOPLE))}
        people = [p for p in plan.added] + [c.person for c in plan.changed]
        ids = [p.id for p in people]
        scores = {(r.person_id, r.item): r for r in s.execute(select(SCORES).where(SCORES.c.person_id.in_(ids)))} \
            if plan.changed else {}
        log: list[tuple[str, str, str | None, str | None]] = []
        sort = max((r.sort for r in current.values()), default=0)
        inserts, updates = [], []
        for p in plan.added:
            sort += 1
            inserts.append(_person_row(p, sort, 1))
        for c in plan.changed:
            old = current[c.person.id]
            updates.append(_person_row(c.person, old.sort, old.version + 1))
        for row in inserts:
            log.append(("insert", *_state(PEOPLE, row, None)))
        for row in updates:
            log.append(("update", *_state(PEOPLE, row, dict(current[row["id"]]._mapping))))
        score_inserts, score_updates = [], []
        for p in people:
            for item, value in _score_items(p).items():
                old = scores.get((p.id, item))
                if old is not None and Decimal(old.value) == value:
                    continue   # unchanged: keeps its confirmation
                row = {"person_id": p.id, "item": item, "value": str(value), "status": "entered",
                       "entered_by": operator, "confirmed_by": None, "version": 1 if old is None else old.version + 1}
                (score_inserts if old is None else score_updates).append(row)
                log.append(("insert" if old is None else "update",
                            *_state(SCORES, row, None if old is None else dict(old._mapping))))
        if score_inserts or score_updates:
            require_editable(s, "exam")   # a changed score is an edit of the 考试与测评 stage
        audit.insert_many(s, PEOPLE, inserts)
        if updates:
            s.execute(update(PEOPLE).where(PEOPLE.c.id == bindparam("_id")),
                      [{**_bind(row, PEOPLE), "_id": row["id"]} for row in updates])
        audit.insert_many(s, SCORES, score_inserts)
        if score_updates:
            s.execute(update(SCORES).where((SCORES.c.person_id == bindparam("_pid")) & (SCORES.c.item == bindparam("_item"))),
                      [{**_bind(row, SCORES), "_pid": row["person_id"], "_item": row["item"]} for row in score_updates])
        first, last = audit.append_rows(s, log)
        detail = {"file": plan.file, "rows": [first, last], "added": len(plan.added), "changed": len(plan.changed)}
        audit.log_event(s, IMPORT_EVENT, detail)
        s.flush()
        event_seq = Store._head_seq(s)
    label = f"导入人员名单 {plan.file}（新增 {len(plan.added)} 人，修改 {len(plan.changed)} 人）"
    from .roster_import_undo import undo_roster_import
    return Wrote(Changed.ROSTER | Changed.SCORES, label=label, seq=(first - 1, event_seq), result=event_seq,
                 undo=(undo_roster_import, event_seq))


def _state(table: Table, row: dict[str, Any], old: dict[str, Any] | None) -> tuple[str, str | None, str]:
    entity, new = audit.table_row(table, row)
    return entity, None if old is None else audit.table_row(table, old)[1], new


def _bind(row: dict[str, Any], table: Table) -> dict[str, Any]:
    """An UPDATE's values: every column but the key (bound by ``_id`` …)."""
    keys = {c.name for c in table.primary_key.columns}
    return {k: v for k, v in row.items() if k not in keys}


def _check_unchanged_since(s: Session, seen: dict[str, int]) -> None:
    now = dict(s.execute(select(PEOPLE.c.id, PEOPLE.c.version)).all())
    moved = sorted(set(now) ^ set(seen) | {pid for pid in now if pid in seen and now[pid] != seen[pid]})
    if not moved:
        return
    pid = moved[0]
    last = s.execute(select(AuditLog).where(AuditLog.entity == f"people:{pid}").order_by(AuditLog.seq.desc())
                     .limit(1)).scalar()
    name = s.execute(select(PEOPLE.c.name).where(PEOPLE.c.id == pid)).scalar() or "（已删除）"
    who = f"，{last.operator} 于 {local_time(last.at)}" if last else ""
    raise ConflictError(f"人员名单在预览之后已被修改（{name}（{pid}）{who}等 {len(moved)} 人），未导入；请重新导入以查看最新的对比")


def local_time(at: str) -> str:
    from datetime import datetime
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%m-%d %H:%M")
    except ValueError:
        return at
