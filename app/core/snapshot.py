"""SPEC §9 "published means frozen": the snapshot a stage's publication stores in the audit chain.

A snapshot is one JSON document: the stage's data and the data of every stage it draws on, as the
campaign file carries them (``campaign``, a ``jinggang-campaign/1`` document holding only those
parts), and the numbers the stage publishes (``results``, the matching part of the
``jinggang-results/1`` document). Its SHA-256 is over its canonical JSON (sorted keys, no spaces,
UTF-8). Sheets and the projector show a published stage from its snapshot; ``verify`` and
``verify_evidence.py`` recompute its numbers from its own ``campaign``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .stage_rules import stage_of_entity, upstream

SNAPSHOT_FORMAT = "jinggang-snapshot/1"

PERSON_ROSTER_KEYS = ("id", "name", "rank", "category", "gender", "birth", "work_start", "post_start", "political",
                      "education", "identity", "unit", "former_office", "no_rotation", "appraisal")
PERSON_EXAM_KEYS = ("exam", "democratic", "satisfaction")
PERSON_RESULT_KEYS = {
    "exam": ("exam", "democratic", "appraisal_avg", "bonus", "quantified", "satisfaction"),
    "speech": ("speech",),
}
PAIR_RECOMMENDATION_KEYS = ("person", "post", "declared", "rate", "eligible", "recommendation", "margin")
NOT_FROZEN = ("ballots", "accounting", "checks", "scans")
"""Parts of the campaign's ``recommendation`` no snapshot holds: the paper ballots (their tally, the counts,
is the stage's data), the accounting (SPEC §10, derived from the ballots, the numbers printed and the typed
papers, which are frozen), the checks of the count (SPEC §11: an audit may follow the publication) and the
scan record (SPEC §12: pages, fills and decisions behind the ballots)."""


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_of(document: Any) -> str:
    return hashlib.sha256(canonical(document).encode("utf-8")).hexdigest()


def covered(stage: str) -> set[str]:
    """The stages whose data a snapshot of ``stage`` holds: itself and every stage it draws on."""
    return {stage, *upstream(stage)}


def frozen_campaign(doc: dict[str, Any], stage: str) -> dict[str, Any]:
    """The parts of a campaign export that ``stage`` and the stages it draws on hold (never the paper
    ballots themselves: their tally, the counts, is the recommendation stage's data)."""
    stages = covered(stage)
    out: dict[str, Any] = {"format": doc.get("format"), "title": doc.get("title", ""), "unit": doc.get("unit", ""),
                           "scheme": doc.get("scheme"), "posts": doc.get("posts", [])}
    out["settings"] = {k: v for k, v in (doc.get("settings") or {}).items()
                       if stage_of_entity(f"meta:{k}") in stages}
    people = []
    for p in doc.get("people", []):
        entry = {k: p[k] for k in PERSON_ROSTER_KEYS if k in p}
        if "exam" in stages:
            entry.update({k: p[k] for k in PERSON_EXAM_KEYS if k in p})
        if "declarations" in stages and "declarations" in p:
            entry["declarations"] = p["declarations"]
        people.append(entry)
    out["people"] = people
    if "speech" in stages:
        for key in ("judges", "speech", "speech_by_judge"):
            if key in doc:
                out[key] = doc[key]
    if "draw" in stages and "draws" in doc:
        out["draws"] = doc["draws"]
    if "recommendation" in stages and doc.get("recommendation"):
        out["recommendation"] = {k: v for k, v in doc["recommendation"].items() if k not in NOT_FROZEN}
    if "selection" in stages and doc.get("selection"):
        out["selection"] = doc["selection"]
    return out


def published_results(stage: str, results: dict[str, Any]) -> dict[str, Any]:
    """The numbers ``stage`` publishes, from a whole results document of its frozen campaign."""
    if stage in PERSON_RESULT_KEYS:
        keys = PERSON_RESULT_KEYS[stage]
        return {"people": {pid: {k: r.get(k) for k in keys} for pid, r in results.get("people", {}).items()}}
    if stage == "recommendation":
        out: dict[str, Any] = {"pairs": [{k: x.get(k) for k in PAIR_RECOMMENDATION_KEYS}
                                         for x in results.get("pairs", [])],
                               "margin": results.get("margin")}     # SPEC §11, as the 公示 prints it
        if results.get("absent_groups"):
            out["absent_groups"] = results["absent_groups"]
        return out
    if stage == "assignment":
        return {k: v for k, v in results.items() if k != "format"}
    return {}


def snapshot_document(stage: str, doc: dict[str, Any], results: dict[str, Any] | None) -> dict[str, Any]:
    """The snapshot of ``stage`` from a campaign export and the results document of its frozen part."""
    return {"format": SNAPSHOT_FORMAT, "stage": stage, "stages": sorted(covered(stage)),
            "campaign": frozen_campaign(doc, stage),
            "results": published_results(stage, results or {})}
