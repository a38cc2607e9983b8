"""Stage states: draft → confirmed → locked → published (SPEC §9).

- A locked or published stage refuses edits (:func:`require_editable`); a refused edit is logged.
- 锁定, 公布 and 解锁 need the 监督组's password and are sealed in the audit chain (:mod:`.seals`);
  before 锁定 and 公布 the whole file is verified (:func:`app.services.verify.verify_store`) and a
  problem refuses the move.
- 公布 stores the stage's snapshot (:mod:`.snapshots`) and needs every stage it draws on published
  (:data:`app.core.stage_rules.DRAWS_ON`).
- 解锁 (with a reason) sends the stage back to draft and withdraws (已撤回) every published stage
  drawing on it: back to locked, shown as withdrawn until published again.
- Every move refers to the state the user saw (``expected``): a stage moved meanwhile by another laptop
  is a conflict, never a second step.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import seal as core_seal
from ..core.stage_rules import DRAWS_ON, downstream, upstream
from ..models import audit
from ..models.schema import ChainHead, Meta, Stage
from .store import (STAGE_LABELS, STATE_LABELS, STAGES, Changed, ConflictError, LockedError, Store, StoreError,
                    Wrote, check_password)

FORWARD = {"draft": "confirmed", "confirmed": "locked", "locked": "published"}
UNSEEN = object()


def stage_states(store: Store) -> dict[str, str]:
    """Every stage's state (a stage a file of an older version lacks is draft)."""
    with store.read() as s:
        found = {row.stage: row.state for row in s.execute(select(Stage)).scalars()}
    return {stage: found.get(stage, "draft") for stage in STAGES} | found


def require_editable(session: Session, stage: str) -> None:
    """Called by every service inside its write transaction, before it changes anything."""
    row = session.get(Stage, stage)
    if row is not None and row.state in ("locked", "published"):
        raise LockedError(f"“{STAGE_LABELS[stage]}”{STATE_LABELS[row.state]}，不能修改；"
                          "如需更正，请监督组输入密码并说明理由后解锁", stage)
    if stage == "recommendation":       # a closed count is sealed too (SPEC §10)
        from .ballot_numbers import require_count_not_closed
        require_count_not_closed(session)


def _label(stage: str) -> str:
    return STAGE_LABELS[stage]


def _row(session: Session, stage: str) -> Stage:
    """The stage's row, made (as draft) for a stage a file of an older version lacks."""
    if stage not in STAGES:
        raise StoreError(f"没有“{stage}”这一阶段")
    row = session.get(Stage, stage)
    if row is None:
        row = Stage(stage=stage, state="draft")
        session.add(row)
        session.flush()
    return row


def _check_seen(row: Stage, expected: object) -> None:
    if expected is not UNSEEN and expected is not None and row.state != expected:
        raise ConflictError(f"“{_label(row.stage)}”已是“{STATE_LABELS[row.state]}”（刚被其他录入人改动），"
                            "未作改动；请刷新（Ctrl+R）后再操作")


def _wrote(label: str, code: str | None = None, seq: tuple[int, int] = (0, 0)) -> Wrote:
    return Wrote(Changed.STAGES, label=label, value=code, seq=seq)


def advance(store: Store, stage: str, password: str | None = None, *, expected: object = UNSEEN) -> Wrote:
    """One step forward: 确认 (no password) → 锁定 → 公布 (the 监督组's password, sealed)."""
    if stage not in STAGES:
        raise StoreError(f"没有“{stage}”这一阶段")
    state = stage_states(store)[stage]
    if expected is not UNSEEN and expected is not None and state != expected:
        raise ConflictError(f"“{_label(stage)}”已是“{STATE_LABELS[state]}”（刚被其他录入人改动），"
                            "未作改动；请刷新（Ctrl+R）后再操作")
    if state == "draft":
        return confirm(store, stage, expected=state)
    if state == "confirmed":
        return lock(store, stage, password or "", expected=state)
    if state == "locked":
        return publish(store, stage, password or "", expected=state)
    raise StoreError(f"“{_label(stage)}”已公布")


def confirm(store: Store, stage: str, *, expected: object = UNSEEN) -> Wrote:
    with store.write() as s:
        row = _row(s, stage)
        _check_seen(row, expected)
        if row.state != "draft":
            raise StoreError(f"“{_label(stage)}”{STATE_LABELS[row.state]}，不能确认")
        if stage == "recommendation":
            from .count import confirm_refusal_in       # SPEC §10: a count confirmed only when reconciled
            refusal = confirm_refusal_in(s)
            if refusal:
                raise StoreError(refusal)
        row.state = "confirmed"
    return _wrote(f"已确认：{_label(stage)}")


def reopen(store: Store, stage: str, *, expected: object = UNSEEN) -> Wrote:
    """Back from confirmed to draft (no password needed: nothing was locked yet)."""
    with store.write() as s:
        row = _row(s, stage)
        _check_seen(row, expected)
        if row.state != "confirmed":
            raise StoreError(f"“{_label(stage)}”{STATE_LABELS[row.state]}，不能直接退回草稿")
        row.state = "draft"
    return _wrote(f"已退回草稿：{_label(stage)}")


def _verified(store: Store, password: str, verb: str) -> None:
    """The full check before 锁定 and 公布: a file with any finding is not sealed."""
    from .verify import verify_store
    result = verify_store(store, password=password, recompute=False)
    if not result.ok:
        shown = result.findings[:8]
        more = f"\n……另有 {len(result.findings) - 8} 项" if len(result.findings) > 8 else ""
        raise StoreError(f"核对文件发现问题，未{verb}（请监督组用 python -m app verify 核对）：\n"
                         + "\n".join(shown) + more)


def _key(store: Store, stage: str, action: str, password: str,
         reason: str | None = None) -> tuple[bytes, str | None]:
    """The seal key from the 监督组's password; a wrong password is refused and the refusal logged."""
    from .seals import supervisor_key
    if not password:
        raise StoreError(f"{core_seal.ACTION_LABELS[action]}“{_label(stage)}”须由监督组输入密码")
    return supervisor_key(store, password, action=f"{core_seal.ACTION_LABELS[action]}“{_label(stage)}”",
                          event=f"{action}-refused", detail={"stage": stage}, reason=reason)


def _sealed(store: Store, stage: str, action: str, key: tuple[bytes, str | None], reason: str | None,
            expected: object, change) -> Wrote:
    """One sealed move: one transaction that checks the state seen, moves, and appends the seal;
    answers with the 摘要码 after the seal row."""
    from .seals import append_seal, ensure_kdf
    verb = core_seal.ACTION_LABELS[action]
    key, new_kdf = key
    with store.write(reason) as s:
        before = s.get(ChainHead, 1).seq
        ensure_kdf(s, new_kdf)
        row = _row(s, stage)
        _check_seen(row, expected)
        withdrawn = change(s, row)
        seal_row = append_seal(s, key, action, stage, withdrawn=tuple(withdrawn or ()))
        s.flush()
        seq, head = seal_row.seq, seal_row.hash
    code = core_seal.digest_code(head, seq)
    return _wrote(f"{'已' + verb}：{_label(stage)}", code, (before, seq))


def lock(store: Store, stage: str, password: str, *, expected: object = "confirmed") -> Wrote:
    """锁定 (sealed): refused unless the whole file verifies."""
    key = _key(store, stage, core_seal.LOCK, password)
    _verified(store, password, "锁定")

    def change(s: Session, row: Stage) -> None:
        if row.state != "confirmed":
            raise StoreError(f"“{_label(stage)}”{STATE_LABELS[row.state]}，须先确认才能锁定")
        row.state = "locked"
    return _sealed(store, stage, core_seal.LOCK, key, None, expected, change)


def publish(store: Store, stage: str, password: str, *, expected: object = "locked") -> Wrote:
    """公布 (sealed): needs every stage it draws on published; stores the snapshot of what it publishes."""
    from .snapshots import append_snapshot, build_snapshot
    key = _key(store, stage, core_seal.PUBLISH, password)
    states = stage_states(store)
    waiting = [s for s in upstream(stage) if states.get(s) != "published"]
    if waiting:
        names = "、".join(f"“{_label(s)}”（{STATE_LABELS[states.get(s, 'draft')]}）" for s in waiting)
        raise StoreError(f"“{_label(stage)}”所依据的阶段尚未公布：{names}；请先公布这些阶段")
    _verified(store, password, "公布")
    for _ in range(3):
        seen = store.last_seq()
        document = build_snapshot(store, stage)

        def change(s: Session, row: Stage) -> None:
            if row.state != "locked":
                raise StoreError(f"“{_label(stage)}”{STATE_LABELS[row.state]}，须先锁定才能公布")
            if s.get(ChainHead, 1).seq != seen:
                raise _Moved()
            row.state = "published"
            s.flush()
            append_snapshot(s, stage, document)
        try:
            return _sealed(store, stage, core_seal.PUBLISH, key, None, expected, change)
        except _Moved:
            continue
    raise ConflictError("公布时数据一直在变动（其他录入人正在录入），未公布；请稍后再试")


class _Moved(StoreError):
    """The log moved between reading the snapshot and writing it: read again."""


def unlock(store: Store, stage: str, password: str, reason: str, *, expected: object = UNSEEN) -> Wrote:
    """解锁 (sealed, with a reason): back to draft; every published stage drawing on it is withdrawn
    (已撤回: back to locked, its sheets and the wall say so until it is published again)."""
    if not reason.strip():
        raise StoreError("解锁须填写理由")
    if stage not in STAGES:
        raise StoreError(f"没有“{stage}”这一阶段")
    key = _key(store, stage, core_seal.UNLOCK, password, reason.strip())

    def change(s: Session, row: Stage) -> list[str]:
        if row.state not in ("locked", "published"):
            raise StoreError(f"“{_label(stage)}”{STATE_LABELS[row.state]}，无需解锁")
        withdrawn = []
        for other in downstream(stage):
            dep = s.get(Stage, other)
            if dep is not None and dep.state == "published":
                dep.state = "locked"
                withdrawn.append(other)
        row.state = "draft"
        return withdrawn
    return _sealed(store, stage, core_seal.UNLOCK, key, reason.strip(), expected, change)


def require_supervisor(store: Store, password: str, reason: str, *, action: str, event: str,
                       detail: dict) -> None:
    """The 监督组's password and a reason for ``action`` (撤回公布 …); a refusal is logged too."""
    if not reason.strip():
        raise StoreError(f"{action}须填写理由")
    with store.read() as s:
        stored = s.get(Meta, "supervisor_password")
        hashed = stored.value if stored else ""
    if not check_password(password, hashed):
        with store.write(reason) as s:
            audit.log_event(s, event, detail)
        raise StoreError(f"监督组密码不正确，未{action}")


def publish_through(store: Store, stage: str, password: str) -> list[Wrote]:
    """Confirm, lock and publish ``stage`` and, first, every stage it draws on (in order): the
    meeting's whole sequence in one call (the demo, tests, screenshots)."""
    done = []
    for st in [*upstream(stage), stage]:
        while stage_states(store)[st] != "published":
            done.append(advance(store, st, password))
    return done


__all__ = ["FORWARD", "DRAWS_ON", "advance", "confirm", "lock", "publish", "publish_through", "reopen", "unlock",
           "require_editable", "require_supervisor", "stage_states"]
