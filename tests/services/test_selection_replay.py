"""The stored order of a round's moves is not kept (SQLite and PostgreSQL have no portable insertion order),
so the service replays a round to a fixed point. Property: the moves of a round, typed in one order the rules
allowed, give the same state when replayed in any other order — and a set no order allows is refused."""

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import selection as core
from app.services.selection import _apply_round
from app.services.store import StoreError


def _row(phase: str, round_no: int, office: str, person: str | None) -> SimpleNamespace:
    """Duck-typed like a stored ``SelectionPick`` row."""
    return SimpleNamespace(phase=phase, round_no=round_no, post_id=office, person_id=person)


def snapshot(state: core.SelectionState):
    return (state.phase, state.round_no, frozenset(state.placements), frozenset(state.log))


@st.composite
def rounds(draw):
    """A start state in some phase and round, and the moves of one round typed in a legal order."""
    n_offices = draw(st.integers(2, 4))
    offices = [core.Office(f"P{i}", f"P{i}", draw(st.integers(0, 3))) for i in range(n_offices)]
    names = [o.name for o in offices]
    persons = []
    for i in range(draw(st.integers(2, 9))):
        kind = draw(st.sampled_from((core.STAFF, core.BUSINESS)))
        former = draw(st.sampled_from([None, *names]))
        declared = tuple(draw(st.lists(st.sampled_from(names), max_size=3, unique=True)))
        persons.append(core.Person(f"{2000 + i}", kind, former, declared))
    state = core.start(offices, persons)
    if draw(st.booleans()):
        state = core.end_staff_phase(state)          # the 事业人员 phase: the must-take rule binds
    typed = []
    for office in draw(st.permutations(names)):     # each 科 in the order its 科长 spoke
        if state.seated(office) >= state.office(office).headcount:
            continue
        allowed = [p.id for p in state.persons if not core.pick_problems(state, state.round_no, office, p.id)]
        options = allowed + ([None] if not core.pass_problems(state, state.round_no, office) else [])
        if not options:
            continue
        person = draw(st.sampled_from(options))
        state = (core.apply_pass(state, state.round_no, office) if person is None
                 else core.apply_pick(state, state.round_no, office, person))
        typed.append((office, person))
    start_state = core.start(offices, persons)
    if state.phase == core.BUSINESS:
        start_state = core.end_staff_phase(start_state)
    return start_state, typed, state


@settings(max_examples=300, deadline=None)
@given(data=rounds(), order=st.randoms(use_true_random=False))
def test_a_round_replayed_in_any_order_gives_the_same_state(data, order):
    start_state, typed, expected = data
    rows = [_row(start_state.phase, start_state.round_no, office, person) for office, person in typed]
    order.shuffle(rows)
    replayed = _apply_round(start_state, rows)
    assert snapshot(replayed) == snapshot(expected)
    assert core.close_problems(replayed) == core.close_problems(expected)


def test_a_must_take_pass_replays_after_the_pick_that_freed_it():
    """By hand: §十六, 科 A (核定 2) has one former 事业 staff X who declared A and B. B picks X; only then may
    A pass (before it, A would have to take X). Stored as [A 放弃, B 选 X] — the replay still accepts it."""
    offices = [core.Office("A", "A", 2), core.Office("B", "B", 2)]
    persons = [core.Person("X", core.BUSINESS, "A", ("A", "B"))]
    state = core.end_staff_phase(core.start(offices, persons))
    assert core.pass_problems(state, 1, "A")                       # A may not pass first
    replayed = _apply_round(state, [_row(core.BUSINESS, 1, "A", None), _row(core.BUSINESS, 1, "B", "X")])
    assert replayed.placement_of("X").office == "B"
    assert set(replayed.acted()) == {"A", "B"}


def test_a_set_no_order_allows_is_refused():
    """Two 科 picking the same person in one round: whichever comes first, the other is illegal."""
    offices = [core.Office("A", "A", 2), core.Office("B", "B", 2)]
    persons = [core.Person("Y", core.STAFF, None, ("A", "B"))]
    state = core.start(offices, persons)
    with pytest.raises(StoreError, match="已存的双向选择记录不一致"):
        _apply_round(state, [_row(core.STAFF, 1, "A", "Y"), _row(core.STAFF, 1, "B", "Y")])
