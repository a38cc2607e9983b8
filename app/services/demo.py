"""A demo campaign in a store: the run command, the screenshots and the benchmarks use it."""

from __future__ import annotations

import json
from pathlib import Path

from ..core import selection as core_selection
from ..demo import generate_campaign, rehearsal_campaign
from . import selection
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


def create_rehearsal_store(path: str | Path, *, operator: str = "演练录入员", people: int = 60, posts: int = 12,
                           seed: int = 1) -> Store:
    """A fresh rehearsal campaign (文件 → 演练): every meeting still to hold (see :func:`app.demo.rehearsal_campaign`);
    an older rehearsal file at the same path is replaced — that is how a rehearsal starts again."""
    remove_sqlite(path)
    doc = rehearsal_campaign(people=people, posts=posts, seed=seed)
    store = Store.create(path, title=doc["title"], unit="演练局", supervisor_password=DEMO_PASSWORD, operator=operator)
    import_campaign(store, json.loads(json.dumps(doc, ensure_ascii=False)))
    return store


def open_rehearsal(path: str | Path, *, operator: str) -> Store:
    """The rehearsal as it was left (made on first use)."""
    if not Path(path).exists():
        return create_rehearsal_store(path, operator=operator)
    return Store.open(path, operator=operator)


# --- the two-way selection played the way a demo meeting would go ---------------------------------

def selection_plan(state: core_selection.SelectionState, phase: str) -> dict[str, list[str]]:
    """Who declares which 科室 in a demo: most their former 科 first and one more; every seventh nobody."""
    offices = [o.name for o in state.offices]
    plan: dict[str, list[str]] = {}
    people = (x for x in state.persons if x.kind == phase and not x.no_rotation and not x.declined)
    for i, p in enumerate(people):
        if i % 7 == 6 or not offices:
            continue
        first = p.former_office if p.former_office in offices else offices[i % len(offices)]
        second = offices[(i * 5 + 3) % len(offices)]
        plan[p.id] = [first] if second == first else [first, second]
    return plan


def chief_choice(state: core_selection.SelectionState, office: str) -> str | None:
    """A demo 科长's move: the first free person who declared this 科 (by preference, then 编号) whom the
    rules allow; None = 放弃."""
    free = [p for p in state.persons if p.kind == state.phase and state.placement_of(p.id) is None
            and office in p.declared]
    free.sort(key=lambda p: (p.declared.index(office), p.id))
    return next((p.id for p in free if not core_selection.pick_problems(state, state.round_no, office, p.id)), None)


def play_selection(store: Store, *, staff_rounds: int = 3, business_rounds: int = 3) -> None:
    """Declarations and rounds of §十五/§十六 for a demo whose 科长 placement is published."""
    state = selection.load_state(store)
    for pid, posts in selection_plan(state, core_selection.STAFF).items():
        selection.set_choice(store, pid, core_selection.STAFF, posts)
    for phase, rounds in ((core_selection.STAFF, staff_rounds), (core_selection.BUSINESS, business_rounds)):
        if phase == core_selection.BUSINESS:
            selection.end_staff_phase(store)
            state = selection.load_state(store)
            for pid, posts in selection_plan(state, phase).items():
                selection.set_choice(store, pid, phase, posts)
        for _ in range(rounds):
            state = selection.load_state(store)
            for o in state.offices:
                if state.seated(o.name) >= o.headcount:
                    continue
                person = chief_choice(state, o.name)
                if person is None:
                    selection.pass_(store, state.round_no, o.name)
                else:
                    selection.pick(store, state.round_no, o.name, person)
                state = selection.load_state(store)
            selection.close_round(store)
