"""Stage states: draft → confirmed → locked → published. A locked or published stage refuses edits;
unlocking needs the 监督组's password and a reason, and is logged (refused attempts too)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import audit
from ..models.schema import Meta, Stage
from .store import STAGE_LABELS, STATE_LABELS, STAGES, Changed, LockedError, Store, StoreError, check_password

FORWARD = {"draft": "confirmed", "confirmed": "locked", "locked": "published"}


def stage_states(store: Store) -> dict[str, str]:
    with store.read() as s:
        return {row.stage: row.state for row in s.execute(select(Stage)).scalars()}


def require_editable(session: Session, stage: str) -> None:
    """Called by every service inside its write transaction, before it changes anything."""
    row = session.get(Stage, stage)
    if row is not None and row.state in ("locked", "published"):
        raise LockedError(f"“{STAGE_LABELS[stage]}”{STATE_LABELS[row.state]}，不能修改；"
                          "如需更正，请监督组输入密码并说明理由后解锁")
    if stage == "recommendation":       # a closed count is sealed too (SPEC §10)
        from .ballot_numbers import require_count_not_closed
        require_count_not_closed(session)


def advance(store: Store, stage: str) -> Changed:
    """One step forward: 确认 → 锁定 → 公布."""
    if stage not in STAGES:
        raise StoreError(f"没有“{stage}”这一阶段")
    with store.write() as s:
        row = s.get(Stage, stage)
        if row.state not in FORWARD:
            raise StoreError(f"“{STAGE_LABELS[stage]}”已公布")
        if stage == "recommendation" and row.state == "draft":
            from .count import confirm_refusal_in       # SPEC §10: a count confirmed only when reconciled
            refusal = confirm_refusal_in(s)
            if refusal:
                raise StoreError(refusal)
        row.state = FORWARD[row.state]
    return Changed.STAGES


def reopen(store: Store, stage: str) -> Changed:
    """Back from confirmed to draft (no password needed: nothing was locked yet)."""
    with store.write() as s:
        row = s.get(Stage, stage)
        if row.state != "confirmed":
            raise StoreError(f"“{STAGE_LABELS[stage]}”{STATE_LABELS[row.state]}，不能直接退回草稿")
        row.state = "draft"
    return Changed.STAGES


def require_supervisor(store: Store, password: str, reason: str, *, action: str, event: str,
                       detail: dict) -> None:
    """The 监督组's password and a reason for ``action`` (解锁, 撤回公布 …); a refusal is logged too."""
    if not reason.strip():
        raise StoreError(f"{action}须填写理由")
    with store.read() as s:
        stored = s.get(Meta, "supervisor_password")
        hashed = stored.value if stored else ""
    if not check_password(password, hashed):
        with store.write(reason) as s:
            audit.log_event(s, event, detail)
        raise StoreError(f"监督组密码不正确，未{action}")


def unlock(store: Store, stage: str, password: str, reason: str) -> Changed:
    """解锁: the 监督组's password and a reason; the stage goes back to draft."""
    require_supervisor(store, password, reason, action="解锁", event="unlock-refused", detail={"stage": stage})
    with store.write(reason) as s:
        row = s.get(Stage, stage)
        if row.state not in ("locked", "published"):
            raise StoreError(f"“{STAGE_LABELS[stage]}”{STATE_LABELS[row.state]}，无需解锁")
        row.state = "draft"
    return Changed.STAGES
