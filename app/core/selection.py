"""§十五 科员定岗 and §十六 事业人员补充: two-way selection (SPEC §6).

After the 科长 are fixed, 科员 (phase ``staff``) and then 事业人员 (phase ``business``) are seated
in rounds: in each round every 科 picks at most one person who declared it, or passes.

Decisions (documented here, refused with the rule named):

* **核定人数** (``Office.headcount``) counts the staff of a 科 *other than its 科长*. Everyone seated
  there counts against it: 不轮岗人员 (``origin``), persons placed by the 领导组 (``leaders``) and
  picks of both phases. No pick may exceed it; 事业人员 may leave a 科 short (§十六(五)).
* **不轮岗人员** (``no_rotation``) stay in their former 科 before the rounds (§十六(一)); they fill a
  seat but are not a "kept" person (办公室除不参加轮岗的人员外，可保留一名原工作人员, §十五).
* **自愿放弃竞争科长职位人员** (``declined``) are placed by the 领导组 first (§十五(一)) at
  ``leaders_office``; with none given they go to the 领导组 list at the end. They never enter a round.
* **保留** = a pick of a person whose former 科 is the picking 科 (how ``keep``). At most one per 科
  per phase: one former 行政 staff in §十五, one former 事业 staff in §十六.
* **必须选择原事业人员** (§十六): in the business phase a 科 that kept no former 行政 staff, while
  any former 事业 staff of that 科 who declared it is still free and the 科 is not full, may pick
  only such a person and may not pass. A 科 that ends with no 行政 keep and no 事业 keep while it
  had former 事业 staff (e.g. none declared it, it was full, or another 科 took them) is listed in
  ``Outcome.unmet`` for the 领导组/党组 (§十七).
* Phases are global: ``end_staff_phase`` closes §十五 for all 科 at a round boundary; a 事业 pick
  before that, or a 科员 pick after it, is refused.
* ``finish`` sorts everything, so the outcome does not depend on input or action order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

STAFF = "staff"          # 行政 科员
BUSINESS = "business"    # 事业人员

HOW_PICK = "pick"
HOW_KEEP = "keep"
HOW_LEADERS = "leaders"
HOW_ORIGIN = "origin"

RULE_15_1 = "第十五条（一）：自愿放弃竞争科长职位人员，由领导组研究确定工作岗位，不参加双向选择"
RULE_16_1 = "第十六条（一）：经领导组研究决定不轮岗人员到岗工作，不参加双向选择"
RULE_15_3 = "第十五条（三）：只能选择申报本科室的人员"
RULE_16_3 = "第十六条（三）：只能选择申报本科室的事业人员"
RULE_ONE_PER_ROUND = "第十五条（三）/第十六条（五）：每科每轮只可选择一名"
RULE_HEADCOUNT = "核定人数：科室人员（科长除外）不得超过核定人数"
RULE_KEEP_15 = "第十五条：每科只可保留一名原行政工作人员"
RULE_KEEP_16 = "第十六条：每科只可保留一名该科室原事业工作人员"
RULE_MUST_16 = "第十六条：该科原行政一般人员未保留的，必须选择一名原在该科室工作的事业人员"
RULE_PHASE_16 = "第十六条：事业人员补充在科员定岗结束后进行"
RULE_PHASE_15 = "第十五条（六）：科员定岗已结束，未定岗科员由领导组安排岗位"
RULE_ROUND = "轮次：只能在当前轮次选择"


@dataclass(frozen=True)
class Office:
    name: str
    chief: str          # the 科长's post id (not seated, not counted)
    headcount: int      # 核定人数, 科长除外


@dataclass(frozen=True)
class Person:
    id: str
    kind: str                               # STAFF or BUSINESS
    former_office: str | None = None
    declared: tuple[str, ...] = ()          # declared 科室, first choice first
    declined: bool = False                  # 自愿放弃竞争科长职位 (§十五(一))
    no_rotation: bool = False               # 不轮岗 (§十六(一)): stays in former_office
    leaders_office: str | None = None       # for declined persons: the 领导组's decision, if made


@dataclass(frozen=True)
class Placement:
    office: str
    person: str
    phase: str          # STAFF / BUSINESS; origin/leaders seats carry the person's kind
    round: int          # 0 for origin / leaders
    how: str            # HOW_PICK / HOW_KEEP / HOW_LEADERS / HOW_ORIGIN


@dataclass(frozen=True)
class Action:
    phase: str
    round: int
    office: str
    person: str | None  # None = 放弃 (pass)


@dataclass(frozen=True)
class SelectionState:
    offices: tuple[Office, ...]
    persons: tuple[Person, ...]
    phase: str = STAFF
    round_no: int = 1
    placements: tuple[Placement, ...] = ()
    log: tuple[Action, ...] = ()

    # --- lookups -------------------------------------------------------------------------
    def office(self, name: str) -> Office | None:
        return next((o for o in self.offices if o.name == name), None)

    def person(self, pid: str) -> Person | None:
        return next((p for p in self.persons if p.id == pid), None)

    def placement_of(self, pid: str) -> Placement | None:
        return next((s for s in self.placements if s.person == pid), None)

    def seated(self, office: str) -> int:
        return sum(1 for s in self.placements if s.office == office)

    def acted(self) -> dict[str, Action]:
        """Offices that picked or passed in the current round."""
        return {a.office: a for a in self.log if a.phase == self.phase and a.round == self.round_no}


@dataclass(frozen=True)
class Outcome:
    placements: tuple[Placement, ...]       # sorted by office, then round, then person
    to_leaders: tuple[str, ...]             # 行政 (and declined) not placed → 领导组安排 (§十五(一)(六))
    to_origin: tuple[str, ...]              # 事业 not placed → 回原编制单位 (§十六(七))
    short: tuple[tuple[str, int], ...]      # (office, seats left empty) — allowed (§十六(五))
    unmet: tuple[str, ...]                  # offices where RULE_MUST_16 could not be met

    def office_of(self, pid: str) -> str | None:
        return next((p.office for p in self.placements if p.person == pid), None)


# --- start ---------------------------------------------------------------------------------

def start_problems(offices: Sequence[Office], persons: Sequence[Person]) -> list[str]:
    problems: list[str] = []
    names = [o.name for o in offices]
    known = set(names)
    if len(known) != len(names):
        problems.append("科室名称重复")
    ids = [p.id for p in persons]
    if len(set(ids)) != len(ids):
        problems.append("人员重复")
    for o in offices:
        if o.headcount < 0:
            problems.append(f"{o.name} 核定人数不能为负")
    seats: dict[str, int] = {}
    for p in persons:
        if p.kind not in (STAFF, BUSINESS):
            problems.append(f"{p.id} 人员类别 {p.kind!r} 未知")
        for d in p.declared:
            if d not in known:
                problems.append(f"{p.id} 申报的科室 {d} 不存在")
        if p.no_rotation:
            if p.former_office not in known:
                problems.append(f"不轮岗人员 {p.id} 的原科室未知")
            else:
                seats[p.former_office] = seats.get(p.former_office, 0) + 1
        elif p.declined and p.leaders_office is not None:
            if p.leaders_office not in known:
                problems.append(f"{p.id} 由领导组确定的科室 {p.leaders_office} 不存在")
            else:
                seats[p.leaders_office] = seats.get(p.leaders_office, 0) + 1
    for o in offices:
        if seats.get(o.name, 0) > o.headcount:
            problems.append(f"{o.name}：不轮岗及领导组确定人员 {seats[o.name]} 人，超过{RULE_HEADCOUNT}（{o.headcount} 人）")
    return problems


def start(offices: Sequence[Office], persons: Sequence[Person]) -> SelectionState:
    """Seat 不轮岗人员 (origin) and the 领导组's placements of declined persons, then open round 1."""
    problems = start_problems(offices, persons)
    if problems:
        raise ValueError("；".join(problems))
    seats = []
    for p in persons:
        if p.no_rotation:
            seats.append(Placement(p.former_office, p.id, p.kind, 0, HOW_ORIGIN))
        elif p.declined and p.leaders_office is not None:
            seats.append(Placement(p.leaders_office, p.id, p.kind, 0, HOW_LEADERS))
    return SelectionState(tuple(offices), tuple(persons), STAFF, 1, tuple(seats), ())


# --- rules ---------------------------------------------------------------------------------

def _kept(state: SelectionState, office: str, phase: str) -> bool:
    return any(s.office == office and s.phase == phase and s.how == HOW_KEEP for s in state.placements)


def must_take_candidates(state: SelectionState, office: str) -> tuple[str, ...]:
    """Former 事业 staff of ``office`` a §十六 pick is restricted to; empty when the rule does not bind."""
    o = state.office(office)
    if state.phase != BUSINESS or o is None or _kept(state, office, STAFF) or _kept(state, office, BUSINESS):
        return ()
    if state.seated(office) >= o.headcount:
        return ()
    return tuple(sorted(p.id for p in state.persons
                        if p.kind == BUSINESS and p.former_office == office and office in p.declared
                        and not p.declined and not p.no_rotation and state.placement_of(p.id) is None))


def _round_problems(state: SelectionState, round_no: int, office: str) -> list[str]:
    problems = []
    if round_no != state.round_no:
        problems.append(f"{RULE_ROUND}（当前第{state.round_no}轮，不是第{round_no}轮）")
    done = state.acted().get(office)
    if done is not None:
        what = f"已选择 {done.person}" if done.person is not None else "已放弃"
        problems.append(f"{office} 本轮{what}，{RULE_ONE_PER_ROUND}")
    return problems


def pick_problems(state: SelectionState, round_no: int, office: str, person: str) -> list[str]:
    """Every reason ``office`` may not pick ``person`` in ``round_no``; empty when allowed."""
    o, p = state.office(office), state.person(person)
    problems = []
    if o is None:
        problems.append(f"科室 {office} 不存在")
    if p is None:
        problems.append(f"人员 {person} 不存在")
    if problems:
        return problems
    problems += _round_problems(state, round_no, office)
    if p.declined:
        problems.append(f"{person}：{RULE_15_1}")
    if p.no_rotation:
        problems.append(f"{person}：{RULE_16_1}")
    if state.phase == STAFF and p.kind == BUSINESS:
        problems.append(f"{person} 是事业人员：{RULE_PHASE_16}")
    if state.phase == BUSINESS and p.kind == STAFF:
        problems.append(f"{person} 是科员：{RULE_PHASE_15}")
    seat = state.placement_of(person)
    if seat is not None:
        problems.append(f"{person} 已在 {seat.office} 定岗")
    if office not in p.declared:
        problems.append(f"{person} 未申报 {office}：{RULE_15_3 if p.kind == STAFF else RULE_16_3}")
    if state.seated(office) >= o.headcount:
        problems.append(f"{office} 已有 {state.seated(office)} 人，{RULE_HEADCOUNT}（{o.headcount} 人）")
    if p.former_office == office and _kept(state, office, state.phase):
        problems.append(f"{office} 已保留一名原工作人员：{RULE_KEEP_15 if state.phase == STAFF else RULE_KEEP_16}")
    must = must_take_candidates(state, office)
    if must and person not in must:
        problems.append(f"{office} 须先选择 {'、'.join(must)} 之一：{RULE_MUST_16}")
    return problems


def pass_problems(state: SelectionState, round_no: int, office: str) -> list[str]:
    if state.office(office) is None:
        return [f"科室 {office} 不存在"]
    problems = _round_problems(state, round_no, office)
    must = must_take_candidates(state, office)
    if must:
        problems.append(f"{office} 不可放弃，须选择 {'、'.join(must)} 之一：{RULE_MUST_16}")
    return problems


def apply_pick(state: SelectionState, round_no: int, office: str, person: str) -> SelectionState:
    problems = pick_problems(state, round_no, office, person)
    if problems:
        raise ValueError("；".join(problems))
    how = HOW_KEEP if state.person(person).former_office == office else HOW_PICK
    seat = Placement(office, person, state.phase, round_no, how)
    return replace(state, placements=state.placements + (seat,),
                   log=state.log + (Action(state.phase, round_no, office, person),))


def apply_pass(state: SelectionState, round_no: int, office: str) -> SelectionState:
    problems = pass_problems(state, round_no, office)
    if problems:
        raise ValueError("；".join(problems))
    return replace(state, log=state.log + (Action(state.phase, round_no, office, None),))


def close_problems(state: SelectionState) -> list[str]:
    """A round closes when every 科 has picked or passed (a 科 at its 核定人数 needs neither)."""
    acted = state.acted()
    waiting = sorted(o.name for o in state.offices
                     if o.name not in acted and state.seated(o.name) < o.headcount)
    if waiting:
        return [f"第{state.round_no}轮尚未选择或放弃：{'、'.join(waiting)}"]
    return []


def close_round(state: SelectionState) -> SelectionState:
    problems = close_problems(state)
    if problems:
        raise ValueError("；".join(problems))
    return replace(state, round_no=state.round_no + 1)


def end_staff_phase(state: SelectionState) -> SelectionState:
    """Close §十五 for all 科 (only between rounds) and open §十六 round 1."""
    if state.phase != STAFF:
        raise ValueError("科员定岗已结束")
    if state.acted():
        raise ValueError(f"第{state.round_no}轮进行中，须先结束本轮")
    return replace(state, phase=BUSINESS, round_no=1)


def finish(state: SelectionState) -> Outcome:
    """The result once §十六 has run (between rounds). Independent of input and action order."""
    if state.phase != BUSINESS:
        raise ValueError("科员定岗尚未结束，不能结束双向选择")
    if state.acted():
        raise ValueError(f"第{state.round_no}轮进行中，须先结束本轮")
    placements = tuple(sorted(state.placements, key=lambda s: (s.office, s.phase != STAFF, s.round, s.person)))
    placed = {s.person for s in placements}
    free = [p for p in state.persons if p.id not in placed]
    short = tuple(sorted((o.name, o.headcount - state.seated(o.name)) for o in state.offices
                         if state.seated(o.name) < o.headcount))
    unmet = tuple(sorted(o.name for o in state.offices
                         if not _kept(state, o.name, STAFF) and not _kept(state, o.name, BUSINESS)
                         and any(p.kind == BUSINESS and p.former_office == o.name
                                 and not p.declined and not p.no_rotation for p in state.persons)))
    return Outcome(placements,
                   tuple(sorted(p.id for p in free if p.kind == STAFF or p.declined)),
                   tuple(sorted(p.id for p in free if p.kind == BUSINESS and not p.declined)),
                   short, unmet)
