"""撤销导入: one roster import undone whole — exactly the rows it wrote (the audit log names them), or refused
with a conflict naming who changed which of them since, or what now refers to a person it added."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from ..models import audit
from ..models.schema import (AuditLog, Ballot, Declaration, RecCount, SelectionChoice, SelectionPick,
                             SelectionPlacement, SpeechScore)
from .roster_import import IMPORT_EVENT, LABELS, PEOPLE, SCORES, UNDO_EVENT, local_time
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote


@dataclass(frozen=True)
class ImportRecord:
    """One import as the audit log holds it (for 撤销导入)."""

    seq: int                 # the import event's audit row
    file: str
    operator: str
    at: str
    added: int
    changed: int
    rows: tuple[int, int]    # the audit rows it wrote (first, last)


def imports(store: Store) -> list[ImportRecord]:
    """Every roster import not undone yet, latest last."""
    with store.read() as s:
        rows = s.execute(select(AuditLog).where(AuditLog.action == "event",
                                                AuditLog.entity.in_((IMPORT_EVENT, UNDO_EVENT)))
                         .order_by(AuditLog.seq)).scalars().all()
    undone = {json.loads(r.new)["import"] for r in rows if r.entity == UNDO_EVENT}
    out = []
    for r in rows:
        if r.entity == IMPORT_EVENT and r.seq not in undone:
            d = json.loads(r.new)
            out.append(ImportRecord(r.seq, d["file"], r.operator, r.at, d["added"], d["changed"], tuple(d["rows"])))
    return out


_REFERENCES = ((Declaration, "报岗"), (SpeechScore, "演讲评分"), (RecCount, "推荐计票"), (SelectionChoice, "双向选择申报"),
               (SelectionPick, "双向选择"), (SelectionPlacement, "双向选择安排"))


def undo_roster_import(store: Store, import_seq: int | None = None) -> Wrote:
    """Revert exactly the rows one import wrote (the latest by default), all at once; ConflictError naming
    who changed which of them since, or what now refers to a person it added. Nothing changes on a refusal."""
    records = imports(store)
    record = records[-1] if import_seq is None and records else next((r for r in records if r.seq == import_seq), None)
    if record is None:
        raise StoreError("没有可撤销的人员名单导入" if import_seq is None else "这次人员名单导入已撤销，或不是一次导入")
    with store.write(f"撤销导入人员名单 {record.file}") as s:
        require_editable(s, "roster")
        logged = s.execute(select(AuditLog).where(AuditLog.seq.between(*record.rows)).order_by(AuditLog.seq)).scalars().all()
        tables = {"people": PEOPLE, "scores": SCORES}
        entries = [(tables[r.entity.split(":", 1)[0]], r) for r in logged if r.action in ("insert", "update")]
        current = _current_rows(s, entries)
        changed_since = [r for t, r in entries if current.get(r.entity, (None, None))[1] != r.new]
        if changed_since:
            raise ConflictError(_changed_since_message(s, changed_since, record))
        added = [json.loads(r.new)["id"] for t, r in entries if t is PEOPLE and r.action == "insert"]
        _refuse_if_referenced(s, added, {r.entity for t, r in entries if t is SCORES})
        log, order = [], sorted(entries, key=lambda e: (e[0] is PEOPLE, e[1].seq))   # scores before their people
        for table, r in order:
            row, _ = current[r.entity]
            keys = {c.name: row[c.name] for c in table.primary_key.columns}
            where = [table.c[k] == v for k, v in keys.items()]
            if r.action == "insert":
                s.execute(delete(table).where(*where))
                log.append(("delete", r.entity, r.new, None))
            else:
                old = json.loads(r.old) | {"version": row["version"] + 1}
                s.execute(update(table).where(*where).values(**{k: v for k, v in old.items() if k not in keys}))
                log.append(("update", r.entity, r.new, audit.table_row(table, old)[1]))
        if any(t is SCORES for t, _ in entries):
            require_editable(s, "exam")
        audit.append_rows(s, log)
        audit.log_event(s, UNDO_EVENT, {"import": record.seq, "file": record.file})
    return Wrote(Changed.ROSTER | Changed.SCORES, seq=store.last_write,   # 重做 reverts these rows (generic)
                 label=f"撤销导入人员名单 {record.file}（新增的 {record.added} 人已删除，修改的 {record.changed} 人已恢复）")


def _current_rows(s: Session, entries: list[tuple[Table, Any]]) -> dict[str, tuple[dict, str]]:
    """entity → (stored row, canonical state) of the rows an import wrote that still exist."""
    out: dict[str, tuple[dict, str]] = {}
    for table in {t for t, _ in entries}:
        pk = [c.name for c in table.primary_key.columns]
        wanted = {tuple(json.loads(r.new)[k] for k in pk) for t, r in entries if t is table}
        first = table.c[pk[0]]
        firsts = sorted({w[0] for w in wanted})
        for i in range(0, len(firsts), 500):   # IN lists of a bounded size
            for row in s.execute(select(table).where(first.in_(firsts[i:i + 500]))):
                values = dict(row._mapping)
                if tuple(values[k] for k in pk) in wanted:
                    entity, state = audit.table_row(table, values)
                    out[entity] = (values, state)
    return out


def _changed_since_message(s: Session, rows: list[Any], record: ImportRecord) -> str:
    lines = []
    for r in rows[:5]:
        later = s.execute(select(AuditLog).where(AuditLog.entity == r.entity, AuditLog.seq > record.rows[1])
                          .order_by(AuditLog.seq.desc()).limit(1)).scalar()
        what = _what(s, r)
        who = f"{later.operator} 于 {local_time(later.at)}{'删除' if later.action == 'delete' else '修改'}" if later else "已被修改"
        lines.append(f"{what}：导入后{who}")
    more = f"等 {len(rows)} 项" if len(rows) > 5 else ""
    return (f"不能撤销导入“{record.file}”：导入的内容此后有改动{more}，撤销会覆盖这些改动：\n" + "\n".join(lines)
            + "\n如仍要恢复，请逐人修改或删除。")


def _what(s: Session, r: Any) -> str:
    data = json.loads(r.new)
    if r.entity.startswith("people:"):
        return f"{data['name']}（{data['id']}）"
    name = s.execute(select(PEOPLE.c.name).where(PEOPLE.c.id == data["person_id"])).scalar() or data["person_id"]
    item = data["item"]
    label = "考试" if item == "exam" else LABELS.get(item.removeprefix("dem:"), item)
    return f"{name}（{data['person_id']}）的{label}"


def _refuse_if_referenced(s: Session, added: list[str], own_scores: set[str]) -> None:
    """A person the import added can go only if nothing else refers to them since."""
    if not added:
        return
    ids, uses = set(added), []
    for model, label in _REFERENCES:
        column = model.__table__.c.person_id
        for pid in s.execute(select(column).where(column.in_(ids)).distinct()).scalars():
            if pid is not None:
                uses.append((pid, label))
    for pid, item in s.execute(select(SCORES.c.person_id, SCORES.c.item).where(SCORES.c.person_id.in_(ids))):
        if audit.table_row(SCORES, {"person_id": pid, "item": item})[0] not in own_scores:
            uses.append((pid, "考试与测评"))
    for ballot in s.execute(select(Ballot.marks)).scalars():
        marks = json.loads(ballot)
        uses += [(pid, "推荐票") for pid in ids & set(marks)]
    if uses:
        names = dict(s.execute(select(PEOPLE.c.id, PEOPLE.c.name).where(PEOPLE.c.id.in_({p for p, _ in uses}))).all())
        by_person: dict[str, list[str]] = {}
        for pid, label in uses:
            by_person.setdefault(pid, []).append(label)
        lines = [f"{names.get(pid, pid)}（{pid}）已有{'、'.join(dict.fromkeys(labels))}记录"
                 for pid, labels in list(by_person.items())[:5]]
        raise ConflictError("不能撤销导入：导入新增的人员此后已被用到：\n" + "\n".join(lines))
