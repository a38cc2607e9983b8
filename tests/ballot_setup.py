"""A 定岗推荐 count with numbered ballots, set up as the 考评组 does before the first paper (SPEC §10):
the 定岗推荐票 printed with numbers, 到会 and 发出 typed, the 开票前确认单 sealed by the 监督组.

small.json: 张明 1001 declared P1, 李华 1002 declared P1, 王芳 1003 declared P2 (then P3 is a post
nobody declared); present 5 / 40 / 8 / 10.
"""

from __future__ import annotations

import json

from tests.conftest import DATA
from app.services import ballot_numbers, count
from app.services.ballot_checks import set_paper_count
from app.services.campaign_io import import_campaign

PASSWORD = "jd2026"


def ballot_doc(*groups: str) -> dict:
    """small.json with ``groups`` left to paper ballots (their typed counts taken out)."""
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["recommendation"]["counts"] = [c | {g: 0 for g in groups} for c in doc["recommendation"]["counts"]]
    return doc


def numbered(store, printed: dict[str, int], *, issued: dict[str, int] | None = None, open_count: bool = True,
             import_doc: bool = True) -> dict[str, list[str]]:
    """Print ``printed`` ballots per group (numbers drawn), type 发出 (default: those present), seal
    the 开票前确认单. Returns each group's numbers in the order they were printed."""
    if import_doc:
        import_campaign(store, ballot_doc(*printed))
    run = ballot_numbers.print_run(store, printed).result
    present = json.loads((DATA / "small.json").read_text(encoding="utf-8"))["recommendation"]["present"]
    for g in printed:
        set_paper_count(store, g, "issued", (issued or {}).get(g, present[g]))
    if open_count:
        count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    out: dict[str, list[str]] = {}
    for g, n in run.ballots:
        out.setdefault(g, []).append(n)
    return out
