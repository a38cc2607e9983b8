"""The demo store (``python -m app --demo``) and the demo two-way selection the screenshots and guide use."""

from collections import Counter

from app.core import selection as core
from app.services import selection, stages
from app.services.demo import create_demo_store, play_selection


def test_demo_selection_plays_to_a_finished_outcome(tmp_path):
    store = create_demo_store(tmp_path / "demo.db", people=60, posts=12)
    stages.publish_through(store, "assignment", "jd2026")
    play_selection(store)
    result = selection.outcome(store)
    state = selection.load_state(store)
    heads = {o.name: o.headcount for o in state.offices}
    assert all(n <= heads[o] for o, n in Counter(p.office for p in result.placements).items())
    rounds = {(p.phase, p.round) for p in result.placements if p.how in (core.HOW_PICK, core.HOW_KEEP)}
    assert {(core.STAFF, 1), (core.STAFF, 2), (core.STAFF, 3), (core.BUSINESS, 1)} <= rounds
    assert result.to_leaders                     # the undeclared (every seventh) go to the 领导组
    placed = {p.person for p in result.placements}
    assert placed | set(result.to_leaders) | set(result.to_origin) == {p.id for p in state.persons}
    assert store.verify().ok
    store.close()
