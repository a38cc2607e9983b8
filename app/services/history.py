"""撤销 / 重做 built on the audit log (Anki's backend undo, here with compare-and-set).

Every write records the audit rows it appended, ``(before, after]`` (:attr:`Wrote.seq`). Undoing a
write writes each row's *old* state back — but only where the row is still exactly what that write
left (its logged *new* state). If anybody changed it since, nothing is written: a
:class:`ConflictError` names who changed it and what it is now. Redoing is undoing the undo, so it
carries the same check. The undo is itself an ordinary logged write (reason 撤销…), so the record
keeps every step, and a locked stage refuses an undo like any other edit.

**Decision:** an undone paper ballot is *discarded*, never deleted (SPEC §10, Tabbycat): undoing the
insert of a ballot sets its status to ``discarded``; redoing sets it back to ``valid`` after the same
checks a new ballot gets (group not full, not typed as counts).
"""

from __future__ import annotations

import json
from datetime import datetime
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Integer, func, select
from sqlalchemy.orm import Session

from ..core.scheme import GROUP_LABELS
from ..core.stage_rules import EVERY_STAGE, stage_of_entity
from ..models import audit
from ..models.schema import AUDITED, AuditLog, Ballot, Draw, Judge, Person, Post, Presence, RecCount
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

MODELS: dict[str, Any] = {m.__tablename__: m for m in AUDITED}


FLAG_OF: dict[str, Changed] = {
    "meta": Changed.SCHEME, "scheme": Changed.SCHEME, "stages": Changed.STAGES, "people": Changed.ROSTER,
    "posts": Changed.ROSTER, "scores": Changed.SCORES, "declarations": Changed.DECLARATIONS,
    "judges": Changed.SPEECH, "speech_scores": Changed.SPEECH, "blind_entries": Changed.SPEECH,
    "presence": Changed.BALLOTS, "rec_counts": Changed.BALLOTS, "ballots": Changed.BALLOTS, "draws": Changed.DRAW,
    "selection_choices": Changed.SELECTION, "selection_picks": Changed.SELECTION,
    "selection_placements": Changed.SELECTION,
    "ballot_numbers": Changed.BALLOTS, "count_checks": Changed.BALLOTS, "check_entries": Changed.BALLOTS,
}
SEALED_META = frozenset({"ballots_count", "ballots_opening", "ballots_accepted"})
"""The count's state rows (SPEC §10): moved only by the 监督组's sealed steps, never by undo."""
META_FLAGS = {"ballots_": Changed.BALLOTS, "selection_": Changed.SELECTION, "projector": Changed.PROJECTOR,
              "double_entry": Changed.SPEECH}
"""What a ``meta`` row's change redraws, by key prefix (other keys: the settings, SCHEME)."""
SELECTION_TABLES = frozenset({"selection_choices", "selection_picks", "selection_placements"})


@dataclass(frozen=True)
class Step:
    """One undoable write of this laptop: what it was, in words, and the audit rows it wrote."""

    label: str
    seq: tuple[int, int]
    undo: tuple | None = None       # the write's own undo service (Wrote.undo), else the generic revert


def _split(entity: str) -> tuple[str, list[str]]:
    table, _, key = entity.partition(":")
    return table, key.split("|")


def _primary_key(model: Any, parts: list[str]) -> Any:
    columns = list(model.__table__.primary_key.columns)
    values = [int(p) if isinstance(c.type, Integer) else p for c, p in zip(columns, parts)]
    return tuple(values) if len(values) > 1 else values[0]


def _state(obj: Any | None) -> str | None:
    return None if obj is None else audit.canonical(audit.row_state(obj))


def _stage_of(table: str, parts: list[str]) -> str | None:
    """The stage whose lock guards a row (an undo is an edit like any other): the one rule of
    :mod:`app.core.stage_rules` that ``verify`` replays too (the scheme has its own rule, below)."""
    stage = stage_of_entity(f"{table}:{'|'.join(parts)}")
    return None if stage == EVERY_STAGE else stage


def describe_entity(session: Session, entity: str) -> str:
    """An entry in words, as the clerk knows it: ``张三 · 评委5``, ``李华 考试``, ``局领导 到会人数``."""
    from .scores import item_label      # scores imports this module's callers; keep the import local
    table, parts = _split(entity)

    def name(person_id: str) -> str:
        person = session.get(Person, person_id)
        return person.name if person else person_id

    if table == "speech_scores":
        judge = session.get(Judge, parts[1])
        return f"{name(parts[0])} · 评委{judge.seat if judge else parts[1]}"
    if table == "scores":
        return f"{name(parts[0])} {item_label(parts[1])}"
    if table == "rec_counts":
        post = session.get(Post, parts[1])
        return f"{name(parts[0])} → {post.name if post else parts[1]} · {GROUP_LABELS.get(parts[2], parts[2])}"
    if table == "presence":
        return f"{GROUP_LABELS.get(parts[0], parts[0])}到会人数"
    if table == "ballots":
        from .ballots import describe_ballot
        return describe_ballot(session, int(parts[0]))
    if table == "meta":
        return _describe_meta(parts[0])
    if table == "selection_placements":
        return f"{name(parts[0])} 领导组安排"
    if table == "people":
        return f"人员 {parts[0]} {name(parts[0])}"
    if table == "posts":
        post = session.get(Post, parts[0])
        return f"岗位 {parts[0]} {post.name if post else ''}".rstrip()
    if table == "declarations":
        return f"{name(parts[0])} 第{parts[1]}次报岗"
    if table == "scheme":
        return "方案设置"
    if table == "blind_entries":
        return f"盲录 {describe_entity(session, '|'.join(parts))}"
    if table == "selection_choices":
        return f"{name(parts[0])} 申报科室"
    if table == "selection_picks":
        post = session.get(Post, parts[2])
        return f"第{parts[1]}轮 {post.name if post else parts[2]} 的选择"
    if table == "judges":
        judge = session.get(Judge, parts[0])
        return f"评委 {judge.name if judge else parts[0]}"
    if table == "draws":
        draw = session.get(Draw, int(parts[0]))
        return f"{draw.meeting if draw else ''}抽签（记录 {parts[0]}）"
    if table == "meta" and parts[0] == "declarations_published_round":
        return "报岗公布"
    return entity


def _describe_meta(key: str) -> str:
    from .ballot_checks import KIND_LABELS
    kind, _, group = key.partition(":")
    if kind.startswith("ballots_") and kind[len("ballots_"):] in KIND_LABELS:
        return f"{GROUP_LABELS.get(group, group)}{KIND_LABELS[kind[len('ballots_'):]]}票数"
    return {"selection_round": "双向选择的当前轮次", "selection_staff_end": "科员定岗的结束轮次",
            "projector": "大屏画面", "double_entry": "双录入模式"}.get(key, key)


def _flag(table: str, parts: list[str]) -> Changed:
    if table == "meta":
        return next((flag for prefix, flag in META_FLAGS.items() if parts[0].startswith(prefix)), Changed.SCHEME)
    return FLAG_OF.get(table, Changed.ALL)


def shown_value(state: str | None) -> str:
    """A stored row as the clerk sees it: the value, the count, the posts; ``空`` when absent."""
    if state is None:
        return "空"
    data = json.loads(state)
    for key in ("value", "count", "present", "posts", "status", "name", "state"):
        if key in data and data[key] is not None:
            return str(data[key])
    return "已改动"


def last_change(session: Session, entity: str, after_seq: int = 0, until_seq: int | None = None) -> AuditLog | None:
    """The last logged write of ``entity`` after ``after_seq`` (and up to ``until_seq``)."""
    query = select(AuditLog).where(AuditLog.entity == entity, AuditLog.seq > after_seq)
    if until_seq is not None:
        query = query.where(AuditLog.seq <= until_seq)
    return session.execute(query.order_by(AuditLog.seq.desc()).limit(1)).scalar_one_or_none()


def _local_time(at: str) -> str:
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%H:%M")
    except ValueError:
        return at


def who_when(log: AuditLog) -> str:
    """``李强 于 10:02``: who wrote a log row and when (local time)."""
    return f"{log.operator} 于 {_local_time(log.at)}"


def changed_since(session: Session, entity: str, after_seq: int, *, wanted: str | None = None,
                  until_seq: int | None = None) -> str:
    """The conflict message: who changed ``entity`` after ``after_seq`` (and up to ``until_seq``), when,
    and what it is now."""
    last = last_change(session, entity, after_seq, until_seq)
    what = describe_entity(session, entity)
    if last is None:        # changed behind the log: verify will name it
        return f"{what} 已被改动，您的操作未执行；请刷新（Ctrl+R）"
    # A person's or a post's row has no one value to quote (its name is not what changed): say 修改.
    now = "已改动" if entity.partition(":")[0] in ("people", "posts") else shown_value(last.new)
    change = "删除" if last.new is None and last.old is not None else "修改" if now == "已改动" else f"改为 {now}"
    mine = f"，您的 {wanted} 未写入" if wanted else "，未覆盖"
    return f"{what} 已被 {who_when(last)} {change}{mine}；请核对后再录入"


def last_writer(session: Session, entity: str) -> tuple[str, str]:
    """Who last changed ``entity`` (the audit log's operator) and at what time (HH:MM)."""
    last = last_change(session, entity)
    return ("其他录入人", "") if last is None else (last.operator, _local_time(last.at))


def conflict(session: Session, obj: Any, *, wanted: str | None = None) -> ConflictError:
    """The error for an edit of ``obj`` (a row, or an entity key) that somebody changed since it was
    shown: names who, when, and what it is now."""
    entity = obj if isinstance(obj, str) else audit.entity_key(obj)
    return ConflictError(changed_since(session, entity, 0, wanted=wanted))


def _restore(session: Session, model: Any, current: Any | None, pk: Any, state: str | None) -> None:
    if state is None:
        if model is Ballot and current is not None:      # a ballot is discarded, never deleted
            current.status = "discarded"
        elif current is not None:
            session.delete(current)
        return
    values = json.loads(state)
    for column in model.__table__.columns:
        if column.name in values and isinstance(column.type, Boolean) and values[column.name] is not None:
            values[column.name] = bool(values[column.name])
    if current is None:
        session.add(model(**values))
    else:
        for key, value in values.items():
            if getattr(current, key) != value:
                setattr(current, key, value)


def _guard(session: Session, table: str, parts: list[str]) -> None:
    """What an edit of these rows must respect beyond the stage lock, an undo respects too: a published
    报岗 round is frozen (§九); the scheme is frozen while any stage is locked or published."""
    if table == "declarations":
        from .declaration_rounds import require_round_open
        require_round_open(session, int(parts[1]))
    elif table == "scheme":
        from .scheme import require_scheme_editable
        require_scheme_editable(session)


def _check_ballot_valid_again(session: Session, ballot: Ballot) -> None:
    """A ballot brought back (redo) must still fit its group, as a new one would: within those present,
    not in a group typed as counts, its number not entered again meanwhile (SPEC §10)."""
    if ballot.status not in ("valid", "void"):
        return
    group = GROUP_LABELS.get(ballot.group, ballot.group)
    present = session.get(Presence, ballot.group)
    if ballot.ballot_no and session.execute(select(Ballot.serial).where(
            Ballot.ballot_no == ballot.ballot_no, Ballot.serial != ballot.serial,
            Ballot.status.in_(("valid", "void"))).limit(1)).first():
        raise StoreError(f"不能恢复票号 {ballot.ballot_no} 的选票：该票号已再次录入")
    counted = session.execute(select(func.count()).select_from(Ballot).where(
        Ballot.group == ballot.group, Ballot.status.in_(("valid", "void")))).scalar() or 0
    if counted > (present.present if present else 0):
        raise StoreError(f"不能恢复第 {ballot.serial} 张选票：{group}已录满到会人数")
    if session.execute(select(RecCount.person_id).where(RecCount.group == ballot.group, RecCount.count > 0)
                       .limit(1)).first():
        raise StoreError(f"不能恢复第 {ballot.serial} 张选票：{group}已按“计数”方式录入推荐数")


def revert(store: Store, step: Step, *, verb: str = "撤销") -> Wrote:
    """Write back what the audit rows of ``step`` replaced (compare-and-set on each row).

    Returns what was written; its ``seq`` is the step that reverts this revert (重做)."""
    before, after = step.seq
    if after <= before:
        raise StoreError(f"没有可{verb}的内容")
    changes = Changed.NONE
    with store.write(f"{verb}：{step.label}") as s:
        rows = s.execute(select(AuditLog).where(AuditLog.seq > before, AuditLog.seq <= after,
                                                AuditLog.action != "event").order_by(AuditLog.seq.desc())).scalars().all()
        if not rows:
            raise StoreError(f"没有可{verb}的内容")
        start = store.head_seq(s)            # rows after this one are this revert's own
        for row in rows:
            table, parts = _split(row.entity)
            model = MODELS.get(table)
            if model is None or table == "stages":
                raise StoreError(f"“{step.label}”不能{verb}（阶段的确认、锁定和公布请用“阶段”菜单）")
            if table == "meta" and parts and parts[0] in SEALED_META:
                raise StoreError(f"“{step.label}”不能{verb}（计票的开始、结束和认可差额由监督组封签）")
            stage = _stage_of(table, parts)
            if stage:
                require_editable(s, stage)
            _guard(s, table, parts)
            pk = _primary_key(model, parts)
            current = s.get(model, pk)
            if _state(current) != row.new:
                raise ConflictError(f"不能{verb}：" + changed_since(s, row.entity, after, until_seq=start))
            _restore(s, model, current, pk, row.old)
            s.flush()
            if model is Ballot:
                _check_ballot_valid_again(s, s.get(model, pk))
            changes |= _flag(table, parts)
        if changes & Changed.SELECTION:
            # The generic write-back keeps each row as it was, but not the selection's own rules
            # (declarations close when a phase starts, a move only in its open round, §十五/§十六 on
            # replay): the selection service checks the state it leaves, or the revert is refused.
            from .selection import check_revert
            check_revert(store, s, [(r.entity, r.old, r.new) for r in rows], verb=verb, label=step.label)
    return Wrote(changes, label=step.label, seq=store.last_write)


def entity_version(session: Session, entity: str) -> int:
    """The stored version of an entity (0 = absent)."""
    table, parts = _split(entity)
    model = MODELS[table]
    row = session.get(model, _primary_key(model, parts))
    return 0 if row is None else row.version

