"""The hash-chained audit log: every insert, update and delete of an audited row is logged with
who, when, old → new and a reason; ``verify_database`` checks the chain *and* that the data agree.

The chain: each row's hash is ``sha256(prev_hash + "\\n" + canonical JSON of the row)``; the first
row's ``prev_hash`` is 64 zeros. One ``chain_head`` row holds the last seq and hash; every writer
updates it, so concurrent writers are serialised by the database (row lock on PostgreSQL, the
write lock on SQLite) and the chain never forks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session

from .schema import AUDITED, AuditLog, ChainHead

GENESIS = "0" * 64


def entity_key(obj: Any) -> str:
    mapper = inspect(obj).mapper
    pk = [str(getattr(obj, c.key)) for c in mapper.primary_key]
    return f"{mapper.local_table.name}:{'|'.join(pk)}"


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    return value


def row_state(obj: Any, *, old: bool = False) -> dict[str, Any]:
    """The row's columns (all but ``version``) as plain values; with ``old``, before this flush."""
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key == "version":
            continue
        value = getattr(obj, attr.key)
        if old:
            hist = state.attrs[attr.key].history
            if hist.deleted:
                value = hist.deleted[0]
            elif hist.added:
                value = None if not hist.unchanged else hist.unchanged[0]
        out[attr.key] = _plain(value)
    return out


_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
"""One encoder for every log row: ``json.dumps`` with these options would build a new one per call."""


def canonical(data: Any) -> str:
    return _CANONICAL.encode(data)


def entry_hash(prev_hash: str, seq: int, at: str, operator: str, action: str, entity: str,
               old: str | None, new: str | None, reason: str | None) -> str:
    body = canonical([seq, at, operator, action, entity, old, new, reason])
    return hashlib.sha256(f"{prev_hash}\n{body}".encode("utf-8")).hexdigest()


def lock_chain(session: Session) -> None:
    """Take the chain-head row lock now (PostgreSQL): the whole transaction is then serialised."""
    _head(session)


def _head(session: Session) -> ChainHead:
    # Locks the head row (PostgreSQL) until commit; later calls in this transaction get the same object.
    return session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()


def append(session: Session, action: str, entity: str, old: str | None, new: str | None,
           head: ChainHead | None = None) -> AuditLog:
    """Append one row to the chain (inside the caller's transaction)."""
    operator = session.info.get("operator") or "?"
    reason = session.info.get("reason")
    head = head or _head(session)
    seq = head.seq + 1
    at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    digest = entry_hash(head.hash, seq, at, operator, action, entity, old, new, reason)
    row = AuditLog(seq=seq, at=at, operator=operator, action=action, entity=entity, old=old, new=new,
                   reason=reason, prev_hash=head.hash, hash=digest)
    session.add(row)
    head.seq, head.hash = seq, digest
    return row


def table_row(table: Table, values: dict[str, Any]) -> tuple[str, str]:
    """(entity key, canonical state) of a row given as column values — what the flush hook would log for
    it (every column but ``version``), for services that write many rows at once with Core statements."""
    names, keys = _columns(table)
    pk = "|".join(str(values[k]) for k in keys)
    return f"{table.name}:{pk}", canonical({n: int(v) if isinstance(v, bool) else v
                                            for n in names for v in (values.get(n),)})


@lru_cache(maxsize=None)
def _columns(table: Table) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (tuple(c.name for c in table.columns if c.name != "version"),
            tuple(c.name for c in table.primary_key.columns))


def insert_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows of one shape with the driver's own executemany: for thousands of rows SQLAlchemy's
    per-row parameter processing costs more than the database's work. Values are plain (str, int, bool, None)."""
    if not rows:
        return
    conn = session.connection()
    names = list(rows[0])
    quote = conn.dialect.identifier_preparer
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    conn.exec_driver_sql(sql, [tuple(row[n] for n in names) for row in rows])


def append_rows(session: Session, rows: list[tuple[str, str, str | None, str | None]]) -> tuple[int, int]:
    """Append many rows ``(action, entity, old, new)`` in one statement (a roster import logs thousands):
    the same chain as :func:`append`, one time stamp. Returns the (first, last) seq written."""
    operator = session.info.get("operator") or "?"
    reason = session.info.get("reason")
    head = _head(session)      # flushes whatever the ORM has pending first, so the chain stays one line
    at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    first, prev, seq, values = head.seq + 1, head.hash, head.seq, []
    for action, entity, old, new in rows:
        seq += 1
        digest = entry_hash(prev, seq, at, operator, action, entity, old, new, reason)
        values.append({"seq": seq, "at": at, "operator": operator, "action": action, "entity": entity, "old": old,
                       "new": new, "reason": reason, "prev_hash": prev, "hash": digest})
        prev = digest
    if values:
        insert_many(session, AuditLog.__table__, values)
        head.seq, head.hash = seq, prev
    return first, seq


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    with session.no_autoflush:
        changes = []
        for obj in session.new:
            if isinstance(obj, AUDITED):
                changes.append(("insert", entity_key(obj), None, canonical(row_state(obj))))
        for obj in session.dirty:
            if isinstance(obj, AUDITED) and session.is_modified(obj, include_collections=False):
                old, new = row_state(obj, old=True), row_state(obj)
                if old != new:
                    changes.append(("update", entity_key(obj), canonical(old), canonical(new)))
        for obj in session.deleted:
            if isinstance(obj, AUDITED):
                changes.append(("delete", entity_key(obj), canonical(row_state(obj, old=True)), None))
        if not changes:
            return
        head = _head(session)
        for action, entity, old, new in sorted(changes, key=lambda c: (c[1], c[0])):
            append(session, action, entity, old, new, head)


def install(session_factory: Any) -> None:
    """Log every change made through ORM sessions.

    The hook is registered once on the ``Session`` class itself. (Registering it per sessionmaker
    and skipping when ``event.contains`` said it was there proved unsafe: the event registry keys
    targets by ``id()``, so a new sessionmaker at the address of a collected one could look
    "already installed" and its changes went unlogged — caught by a flaky CI run.)
    """
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def log_event(session: Session, what: str, detail: dict[str, Any]) -> None:
    """A logged event that changes no row (a backup, an unlock attempt, an export)."""
    append(session, "event", what, None, canonical(detail))


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    rows: int
    problems: tuple[str, ...]


def verify_database(session: Session) -> VerifyReport:
    """Check the chain link by link, then that the latest logged state of every row is the stored one."""
    problems: list[str] = []
    prev, expected_seq = GENESIS, 1
    latest: dict[str, str | None] = {}
    count = 0
    for row in session.execute(select(AuditLog).order_by(AuditLog.seq)).scalars():
        count += 1
        if row.seq != expected_seq:
            problems.append(f"审计日志第 {expected_seq} 行缺失（下一行为第 {row.seq} 行）")
            break
        if row.prev_hash != prev:
            problems.append(f"审计日志第 {row.seq} 行：与上一行的链接不符（上一行被改动或删除）")
            break
        digest = entry_hash(row.prev_hash, row.seq, row.at, row.operator, row.action, row.entity,
                            row.old, row.new, row.reason)
        if digest != row.hash:
            problems.append(f"审计日志第 {row.seq} 行：内容与其哈希不符（该行被改动）")
            break
        if row.action != "event":
            latest[row.entity] = row.new
        prev, expected_seq = row.hash, row.seq + 1
    if problems:
        return VerifyReport(False, count, tuple(problems))
    head = session.get(ChainHead, 1)
    if (head.seq if head else 0) != count or (head.hash if head else GENESIS) != prev:
        return VerifyReport(False, count, (f"审计日志末尾被删除：链头记录第 {head.seq if head else 0} 行，"
                                           f"实有 {count} 行",))
    stored: dict[str, str] = {}
    for model in AUDITED:
        for obj in session.execute(select(model)).scalars():
            stored[entity_key(obj)] = canonical(row_state(obj))
    problems += replay_mismatches(latest, stored)
    return VerifyReport(not problems, count, tuple(problems))


def replay_mismatches(latest: dict[str, str | None], stored: dict[str, str]) -> list[str]:
    """Each row whose stored state differs from the last state the log gives it (``latest``: entity → the
    canonical row, None when deleted; ``stored``: entity → the canonical row in the tables)."""
    problems = []
    for entity in sorted(set(stored) | {e for e, v in latest.items() if v is not None}):
        logged, actual = latest.get(entity), stored.get(entity)
        if logged is None and actual is not None:
            problems.append(f"{entity}：数据中有此记录，审计日志中没有（未经程序写入）")
        elif logged is not None and actual is None:
            problems.append(f"{entity}：审计日志中有此记录，数据中已不存在（未经程序删除）")
        elif logged != actual and not _same_but_new_columns(logged, actual):
            problems.append(f"{entity}：数据 {actual} 与审计日志最后记录 {logged} 不符（未经程序修改）")
    return problems


def _same_but_new_columns(logged: str, actual: str) -> bool:
    """A row logged before a migration added nullable columns (0005: the roster's rotation columns) lacks
    their keys; it agrees with the stored row when those columns are still null and all else is equal.
    A value put into such a column behind the program's back is still a difference."""
    try:
        old, new = json.loads(logged), json.loads(actual)
    except ValueError:
        return False
    if not isinstance(old, dict) or not isinstance(new, dict) or not set(old) < set(new):
        return False
    return all(new[k] is None for k in set(new) - set(old)) and all(old[k] == new[k] for k in old)
