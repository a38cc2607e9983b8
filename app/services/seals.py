"""SPEC §9 seals and 摘要码: the 监督组's password turned into a key the file does not hold, and the
seal rows that key makes in the audit chain.

A seal is one audit row (``action = "event"``, ``entity = "seal"``) appended in the same transaction
as what it seals, right after it; its ``new`` holds ``{"action", "stage", "n", "mac"}`` (and for an
unlock the stages it withdrew). ``n`` is the row before the seal and ``mac`` the HMAC over the head
after row ``n`` (:func:`app.core.seal.seal_mac`). The key's salt is the ``meta`` row ``seal_kdf``,
made when the file is made (or at the first seal of a file from an older version) and never changed.

:func:`seal` is the service for seals that move no stage (closing a count, §10): the password, then
one short transaction with the seal row. Stage moves seal inside their own transaction
(:mod:`app.services.stages`) through :func:`append_seal`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import seal as core
from ..models import audit
from ..models.schema import AuditLog, ChainHead, Meta
from .store import STAGE_LABELS, Changed, Store, StoreError, Wrote, check_password

KDF_KEY = "seal_kdf"
SEAL_ENTITY = "seal"


@dataclass(frozen=True)
class SealRecord:
    seq: int                   # the seal row
    at: str
    operator: str
    action: str
    stage: str
    n: int                     # the row it seals (the one before it)
    reason: str | None
    withdrawn: tuple[str, ...]
    head: str                  # the chain head after the seal row: its 摘要码 is printed
    code: str                  # 摘要码 …（第 seq 条）

    @property
    def label(self) -> str:
        """“锁定 竞岗演讲评分” as the record and the wall print it."""
        what = core.ACTION_LABELS.get(self.action, self.action)
        return f"{what} {STAGE_LABELS.get(self.stage, self.stage)}".strip()


def supervisor_key(store: Store, password: str, *, action: str = "封签", event: str = "seal-refused",
                   detail: dict | None = None, reason: str | None = None) -> tuple[bytes, str | None]:
    """The seal key K for ``password`` (refused, and the refusal logged, when it is not the 监督组's).
    Returns (K, the salt text to store first when the file has none yet)."""
    with store.read() as s:
        stored = s.get(Meta, "supervisor_password")
        kdf_row = s.get(Meta, KDF_KEY)
        hashed, kdf = (stored.value if stored else ""), (kdf_row.value if kdf_row else None)
    if not password or not check_password(password, hashed):
        if not store.read_only:
            with store.write(reason) as s:
                audit.log_event(s, event, detail or {"action": action})
        raise StoreError(f"监督组密码不正确，未{action}")
    new_kdf = None
    if kdf is None:
        kdf = new_kdf = core.kdf_text(core.new_salt())
    return core.seal_key(password, kdf), new_kdf


def ensure_kdf(session: Session, new_kdf: str | None) -> None:
    """Store the seal salt of a file from an older version (inside the sealing transaction)."""
    if new_kdf is not None and session.get(Meta, KDF_KEY) is None:
        session.add(Meta(key=KDF_KEY, value=new_kdf))
        session.flush()


def append_seal(session: Session, key: bytes, action: str, stage: str, *,
                withdrawn: tuple[str, ...] = ()) -> AuditLog:
    """The seal row over everything written so far in this transaction (flushed first)."""
    if action not in core.ACTIONS:
        raise StoreError(f"没有“{action}”这种封签")
    session.flush()
    head = session.execute(select(ChainHead).where(ChainHead.id == 1).with_for_update()).scalar_one()
    detail: dict = {"action": action, "stage": stage, "n": head.seq,
                    "mac": core.seal_mac(key, action, stage, head.seq, head.hash)}
    if withdrawn:
        detail["withdrawn"] = list(withdrawn)
    return audit.append(session, "event", SEAL_ENTITY, None, audit.canonical(detail), head)


def seal(store: Store, action: str, stage: str, password: str, *, reason: str | None = None) -> Wrote:
    """A seal that moves no stage (§10 ``close-count`` …): the 监督组's password, then the seal row.
    ``value`` of the answer is the 摘要码 to show on the wall and print."""
    if action not in core.ACTIONS:
        raise StoreError(f"没有“{action}”这种封签")
    key, new_kdf = supervisor_key(store, password, action=core.ACTION_LABELS[action],
                                  detail={"action": action, "stage": stage})
    with store.write(reason) as s:
        ensure_kdf(s, new_kdf)
        row = append_seal(s, key, action, stage)
        s.flush()
        seq, head = row.seq, row.hash
    code = core.digest_code(head, seq)
    label = f"{core.ACTION_LABELS[action]} {STAGE_LABELS.get(stage, stage)}".strip()
    return Wrote(Changed.STAGES, label=label, entity=f"{SEAL_ENTITY}:{seq}", value=code, seq=(seq - 1, seq))


# -- reading ------------------------------------------------------------------------------------

def _record(row: AuditLog) -> SealRecord | None:
    try:
        d = json.loads(row.new or "")
        return SealRecord(row.seq, row.at, row.operator, str(d["action"]), str(d.get("stage", "")), int(d["n"]),
                          row.reason, tuple(d.get("withdrawn") or ()), row.hash, core.digest_code(row.hash, row.seq))
    except (ValueError, KeyError, TypeError):
        return None


def list_seals(store: Store) -> list[SealRecord]:
    """Every seal in the chain, oldest first (the 封签记录 sheet)."""
    with store.read() as s:
        rows = s.execute(select(AuditLog).where(AuditLog.action == "event", AuditLog.entity == SEAL_ENTITY)
                         .order_by(AuditLog.seq)).scalars().all()
    return [r for r in map(_record, rows) if r is not None]


def last_seal(store: Store) -> SealRecord | None:
    with store.read() as s:
        row = s.execute(select(AuditLog).where(AuditLog.action == "event", AuditLog.entity == SEAL_ENTITY)
                        .order_by(AuditLog.seq.desc()).limit(1)).scalar_one_or_none()
    return _record(row) if row is not None else None


def current_head(store: Store) -> tuple[int, str]:
    """(n, head) now: the 摘要码 of the state a draft sheet or a form shows."""
    with store.read() as s:
        head = s.get(ChainHead, 1)
        return (head.seq, head.hash) if head else (0, audit.GENESIS)


def publication_seal(store: Store, snapshot) -> tuple[int, str] | None:
    """(n, head) after the seal of the publication that stored ``snapshot``: the 摘要码 of its sheets."""
    with store.read() as s:
        row = s.execute(select(AuditLog).where(AuditLog.seq > snapshot.seq, AuditLog.action == "event",
                                               AuditLog.entity == SEAL_ENTITY).order_by(AuditLog.seq).limit(1)
                        ).scalar_one_or_none()
    return (row.seq, row.hash) if row is not None else None


def head_at(store: Store, seq: int) -> str | None:
    with store.read() as s:
        return s.execute(select(AuditLog.hash).where(AuditLog.seq == seq)).scalar_one_or_none()
