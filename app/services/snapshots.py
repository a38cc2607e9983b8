"""Published means frozen (SPEC §9): the snapshot a publication stores, and reading it back.

A snapshot is an audit row (``action = "event"``, ``entity = "snapshot:<stage>"``) whose ``new`` is
``{"stage", "sha256", "document"}`` (:mod:`app.core.snapshot`), written in the publishing transaction
before its seal, so the seal covers it. The latest snapshot of a stage is what its sheets and the
projector show while it is published; a stage with a snapshot that is no longer published is
**已撤回** (withdrawn) until it is published again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.campaign import Campaign, CampaignError, parse_campaign
from ..core.results import Results, compute, results_to_json
from ..core.snapshot import covered, published_results, sha256_of, snapshot_document
from ..models import audit
from ..models.schema import AuditLog, Stage
from . import draws
from .campaign_io import export_campaign
from .store import STAGE_LABELS, Store, StoreError

PREFIX = "snapshot:"


@dataclass(frozen=True)
class Snapshot:
    stage: str
    seq: int                        # the snapshot row
    sha256: str
    document: dict[str, Any]

    @property
    def campaign(self) -> dict[str, Any]:
        return self.document["campaign"]

    @property
    def results(self) -> dict[str, Any]:
        return self.document["results"]


def _draws_export(store: Store) -> list[dict[str, Any]]:
    out = []
    for meeting in draws.MEETINGS:
        record = draws.current_draw(store, meeting)
        if record is not None:
            out.append({"meeting": meeting, "method": record.method, "seed": record.seed,
                        "list_digest": record.list_digest,
                        "order": [[e.position, e.person, e.key] for e in record.order]})
    return out


def load_frozen(campaign_doc: dict[str, Any]) -> Campaign:
    """A frozen campaign (a snapshot's ``campaign``) as the core reads it."""
    try:
        return parse_campaign(json.loads(json.dumps(campaign_doc, ensure_ascii=False)))
    except CampaignError as err:
        raise StoreError("数据不完整，不能计算：\n" + "\n".join(err.problems)) from None


def compute_frozen(campaign_doc: dict[str, Any]) -> Results:
    """The results of a frozen campaign (a snapshot's ``campaign``)."""
    return compute(load_frozen(campaign_doc))


def build_snapshot(store: Store, stage: str) -> dict[str, Any]:
    """The snapshot document of ``stage`` from the data as stored now."""
    doc = export_campaign(store)
    if "draw" in covered(stage):
        doc["draws"] = _draws_export(store)
    frozen = snapshot_document(stage, doc, None)
    results = results_to_json(compute_frozen(frozen["campaign"]))
    frozen["results"] = published_results(stage, results)
    return frozen


def append_snapshot(session: Session, stage: str, document: dict[str, Any]) -> AuditLog:
    detail = {"stage": stage, "sha256": sha256_of(document), "document": document}
    session.flush()
    return audit.append(session, "event", PREFIX + stage, None, audit.canonical(detail))


def _parse(row: AuditLog) -> Snapshot | None:
    try:
        d = json.loads(row.new or "")
        return Snapshot(str(d["stage"]), row.seq, str(d["sha256"]), d["document"])
    except (ValueError, KeyError, TypeError):
        return None


def latest_snapshot(store: Store, stage: str) -> Snapshot | None:
    with store.read() as s:
        row = s.execute(select(AuditLog).where(AuditLog.action == "event", AuditLog.entity == PREFIX + stage)
                        .order_by(AuditLog.seq.desc()).limit(1)).scalar_one_or_none()
    return _parse(row) if row is not None else None


def all_snapshots(store: Store) -> list[Snapshot]:
    """Every snapshot in the chain, oldest first (the evidence package)."""
    with store.read() as s:
        rows = s.execute(select(AuditLog).where(AuditLog.action == "event", AuditLog.entity.like(PREFIX + "%"))
                         .order_by(AuditLog.seq)).scalars().all()
    return [x for x in map(_parse, rows) if x is not None]


def published_snapshot(store: Store, stage: str) -> Snapshot:
    """The snapshot a published stage shows; StoreError when the stage is not published or its
    snapshot does not check (then nothing is shown as published)."""
    with store.read() as s:
        row = s.get(Stage, stage)
        state = row.state if row else "draft"
    if state != "published":
        raise StoreError(f"“{STAGE_LABELS.get(stage, stage)}”尚未公布")
    snap = latest_snapshot(store, stage)
    if snap is None:
        raise StoreError(f"“{STAGE_LABELS.get(stage, stage)}”已公布，但审计日志中没有公布时的快照（文件由旧版本程序公布），"
                         "请监督组解锁后重新公布")
    if sha256_of(snap.document) != snap.sha256:
        raise StoreError(f"“{STAGE_LABELS.get(stage, stage)}”公布时的快照与其 SHA-256 不符（快照被改动）")
    return snap


def withdrawn_stages(store: Store) -> set[str]:
    """Stages published once (a snapshot exists) and not published now: 已撤回 until published again."""
    with store.read() as s:
        states = {r.stage: r.state for r in s.execute(select(Stage)).scalars()}
        snapped = {e.removeprefix(PREFIX) for e in s.execute(
            select(AuditLog.entity).where(AuditLog.action == "event", AuditLog.entity.like(PREFIX + "%"))
            .distinct()).scalars()}
    return {st for st in snapped if states.get(st) != "published"}
