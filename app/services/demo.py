"""A demo campaign in a store: the run command, the screenshots and the benchmarks use it."""

from __future__ import annotations

import json
from pathlib import Path

from ..demo import generate_campaign
from .campaign_io import import_campaign
from .store import Store, remove_sqlite

DEMO_PASSWORD = "jd2026"


def create_demo_store(path: str | Path, *, operator: str = "演示录入员", people: int = 60, posts: int = 12,
                      seed: int = 1, replace: bool = True) -> Store:
    """A fresh demo campaign file (replacing an older demo file at the same path)."""
    if replace:
        remove_sqlite(path)
    doc = generate_campaign(people=people, posts=posts, seed=seed)
    store = Store.create(path, title=doc.get("title") or "竞争轮岗（演示）", unit="演示局",
                         supervisor_password=DEMO_PASSWORD, operator=operator)
    import_campaign(store, json.loads(json.dumps(doc, ensure_ascii=False)))
    return store
