"""§十五 科员定岗 / §十六 事业人员补充: the two-way selection, stored as facts and replayed through
``app.core.selection`` (the core decides; the database only holds what was typed).

Decisions:

* **科长 first.** Every call refuses until the stage “综合考评与人选” (``assignment``) is
  *published*: the 科长 are fixed then, and each 科 of the selection is identified by the post id
  of its 科长 (``Office.name == Office.chief == Post.id``). Only posts with a placed 科长
  (``compute_results(...).assignment``) are 科室 of the selection; such a post must have
  ``Post.headcount`` (核定人数, 科长除外; 0 is allowed) or the selection is refused. The stage
  “双向选择” (``selection``) locks it like any other stage: locked or published, every write is refused.
* **Who takes part.** People placed as 科长 do not. Phase ``business`` (事业人员): category
  “事业人员” or identity “事业”. Phase ``staff`` (科员): identity “行政” or not given, and category
  “行政一般”, or rank “科员”, or a 科长 candidate (原任科长 / 拟竞争科长) *not* placed as 科长 — 行政编制的
  一般人员都必须全程参与竞争轮岗 (§一(三)), so whoever did not become 科长 needs a 科室; one who gave up
  competing is marked for the 领导组 (§十五(一)) before round 1. A 原任科长 marked 不轮岗 keeps the post
  and is not in the rounds; nor is anyone else (聘用…).
  ``Person.former_office`` (text) is matched to a 科 by post id, else by ``Post.office``.
  不轮岗 comes from ``Person.no_rotation``; a ``SelectionPlacement`` row with ``placed_by="leaders"``
  marks a person who gave up competing for 科长 (§十五(一)), ``office`` the 领导组's 科 if decided
  (post id or 科室 name); ``placed_by="origin"`` also marks 不轮岗.
* **Choices** (``SelectionChoice``): at least one 科, no duplicates, existing 科 only, the phase must
  match the person's kind; refused once that phase has any pick or pass stored.
* **Rounds.** The open round is one ``Meta`` row ``selection_round`` = ``"<phase>:<round>"``
  (absent = ``staff:1``), written by :func:`close_round` and :func:`end_staff_phase` after the core
  allowed it; ``selection_staff_end`` keeps the 科员 round that was open when 科员定岗 ended (a
  round may close with no action when every 科 is full, so the picks alone cannot tell). Replay:
  each closed round's stored actions then ``close_round``; at the phase boundary
  ``end_staff_phase``; then the open round's actions.
* **Order within a round** is not stored (SQLite and PostgreSQL have no portable insertion order):
  the round's actions are replayed to a fixed point (apply what the core allows, retry the rest).
  Applying an allowed action never makes another office's action in the same round illegal, so
  this reaches the same state as the order they were typed in.
* Every write builds the state inside its own transaction and asks the core *before* writing, so a
  refusal raises :class:`StoreError` with the core's Chinese message and stores nothing.
  Writes return :class:`Wrote` with ``Changed.SELECTION`` and take what the clerk saw (compare-and-set:
  the version of the declaration or move, the open round): changed since → :class:`ConflictError`
  naming who. ``Wrote.result`` is the tab's new view (:mod:`app.services.selection_grid`).
* **撤销 / 重做** are the generic ones of :mod:`app.services.history` (the rows written back), checked by
  :func:`check_revert` inside the same transaction with this module's own rules: a declaration only
  while its phase has no move, a move only while its round is open, a 领导组 placement only before
  科员定岗 starts, and the whole selection must still replay under the core (§十五, §十六); else the
  undo is refused and nothing is written back.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace

from sqlalchemy import and_, not_, select
from sqlalchemy.orm import Session

from ..core import selection as core
from ..models.schema import AuditLog, Meta, Person, Post, SelectionChoice, SelectionPick, SelectionPlacement, Stage
from ._put import put
from .campaign_io import compute_results
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

ROUND_KEY = "selection_round"
STAFF_END_KEY = "selection_staff_end"   # the 科员 round open when 科员定岗 ended
PHASES = (core.STAFF, core.BUSINESS)
PHASE_LABELS = {core.STAFF: "科员定岗", core.BUSINESS: "事业人员补充"}
SIDES = {"chief": "chief_signed", "person": "person_signed"}


# --- facts → core state ----------------------------------------------------------------------

def _require_published(s: Session) -> None:
    row = s.get(Stage, "assignment")
    if row is None or row.state != "published":
        raise StoreError("科长人选尚未公布（“综合考评与人选”未公布），不能进行双向选择")


def _require_open(s: Session) -> None:
    """Every write: the 科长 published, and the 双向选择 stage itself not locked or published (SPEC §9:
    the selection is under the same stage locks and seals as every other stage)."""
    _require_published(s)
    require_editable(s, "selection")


_SELECTION_ENTITIES = ("selection_choices:%", "selection_picks:%", "selection_placements:%",
                       f"meta:{ROUND_KEY}", f"meta:{STAFF_END_KEY}", "meta:projector")
_chief_cache: "weakref.WeakKeyDictionary[Store, tuple[int, dict[str, str]]]" = weakref.WeakKeyDictionary()


def _data_mark(s: Session) -> int:
    """The audit seq of the last change to anything but the selection itself (and the projector's scene):
    the 科长 placement can only have moved if this moved. Read from the end of the log, so the selection's
    own rows are all it skips."""
    other = and_(*(not_(AuditLog.entity.like(e)) for e in _SELECTION_ENTITIES))
    return s.execute(select(AuditLog.seq).where(other).order_by(AuditLog.seq.desc()).limit(1)).scalar() or 0


def _chiefs(store: Store) -> dict[str, str]:
    """post id → the person placed there as 科长 (from the published assignment).

    Computing the whole campaign takes ~0.1–0.2 s on 300 people, and every pick and redraw needs the
    科长; so the answer is kept per store until any other data change (:func:`_data_mark`)."""
    with store.read() as s:
        _require_published(s)
        mark = _data_mark(s)
    hit = _chief_cache.get(store)
    if hit is not None and hit[0] == mark:
        return dict(hit[1])
    _, results = compute_results(store)
    chiefs = {p.post: p.person for p in results.assignment.placements}
    _chief_cache[store] = (mark, chiefs)
    return dict(chiefs)


def chiefs(store: Store) -> dict[str, str]:
    """post id → the 科长 placed there (the offices of the selection); refused before publication."""
    return _chiefs(store)


@dataclass(frozen=True)
class StoredMove:
    phase: str
    round_no: int
    post_id: str
    person_id: str | None
    chief_signed: bool
    person_signed: bool


def list_picks(store: Store) -> list[StoredMove]:
    """Every stored move (pick, keep or pass) with both sides' signatures."""
    with store.read() as s:
        return [StoredMove(r.phase, r.round_no, r.post_id, r.person_id, bool(r.chief_signed), bool(r.person_signed))
                for r in s.execute(select(SelectionPick).order_by(SelectionPick.phase, SelectionPick.round_no,
                                                                  SelectionPick.post_id)).scalars()]


STAFF_CATEGORIES = ("行政一般", "原任科长", "拟竞争科长")


def person_kind(person: Person) -> str | None:
    """STAFF, BUSINESS or None (not in the two-way selection). Call only for people not placed as 科长."""
    if person.category == "事业人员" or person.identity == "事业":
        return core.BUSINESS
    if person.identity not in (None, "行政"):
        return None
    if person.category == "原任科长" and person.no_rotation:
        return None                       # a 科长 who does not rotate keeps the post: not a 科员
    if person.category in STAFF_CATEGORIES or person.rank == "科员":
        return core.STAFF
    return None


def _offices(s: Session, chiefs: dict[str, str]) -> tuple[list[core.Office], dict[str, str]]:
    """The 科 of the selection and a resolver of 科室 texts (post id or Post.office) → post id."""
    posts = s.execute(select(Post).order_by(Post.sort, Post.id)).scalars().all()
    offices, missing, by_text = [], [], {}
    for p in posts:
        if p.id not in chiefs:
            continue
        if p.headcount is None:
            missing.append(f"{p.name}（{p.id}）")
            continue
        offices.append(core.Office(p.id, p.id, p.headcount))
        if p.office:
            by_text.setdefault(p.office, p.id)
    if missing:
        raise StoreError("以下岗位未填核定人数，不能进行双向选择：" + "、".join(missing))
    for o in offices:
        by_text[o.name] = o.name
    return offices, by_text


def _persons(s: Session, chiefs: dict[str, str], by_text: dict[str, str]) -> list[core.Person]:
    placed_chiefs = set(chiefs.values())
    choices = {c.person_id: c for c in s.execute(select(SelectionChoice)).scalars()}
    placements = {r.person_id: r for r in s.execute(select(SelectionPlacement)).scalars()}
    out = []
    for p in s.execute(select(Person).order_by(Person.sort, Person.id)).scalars():
        kind = person_kind(p)
        if p.id in placed_chiefs or kind is None:
            continue
        choice = choices.get(p.id)
        declared = tuple(choice.posts.split(",")) if choice is not None and choice.posts else ()
        former = by_text.get(p.former_office) if p.former_office else None
        extra = placements.get(p.id)
        declined = extra is not None and extra.placed_by == "leaders"
        no_rotation = bool(p.no_rotation) or (extra is not None and extra.placed_by == "origin")
        if extra is not None and extra.placed_by == "origin" and extra.office:
            former = by_text.get(extra.office, extra.office)
        leaders_office = None
        if declined and extra.office:
            leaders_office = by_text.get(extra.office, extra.office)
        if no_rotation and former is None:
            former = p.former_office  # unknown 科: the core names the problem
        out.append(core.Person(p.id, kind, former, declared, declined, no_rotation, leaders_office))
    return out


def _phase_started(s: Session, phase: str) -> bool:
    """Has the phase any pick or pass stored (its declarations are then closed)?"""
    return s.execute(select(SelectionPick.post_id).where(SelectionPick.phase == phase).limit(1)).first() is not None


def _open_round(s: Session) -> tuple[str, int]:
    row = s.get(Meta, ROUND_KEY)
    if row is None:
        return core.STAFF, 1
    phase, _, number = row.value.partition(":")
    return phase, int(number)


def _apply_round(state: core.SelectionState, actions: list[SelectionPick]) -> core.SelectionState:
    pending = list(actions)
    while pending:
        left = []
        for a in pending:
            ok = (core.pass_problems(state, a.round_no, a.post_id) if a.person_id is None
                  else core.pick_problems(state, a.round_no, a.post_id, a.person_id))
            if ok:
                left.append(a)
            elif a.person_id is None:
                state = core.apply_pass(state, a.round_no, a.post_id)
            else:
                state = core.apply_pick(state, a.round_no, a.post_id, a.person_id)
        if len(left) == len(pending):
            a = left[0]
            problems = (core.pass_problems(state, a.round_no, a.post_id) if a.person_id is None
                        else core.pick_problems(state, a.round_no, a.post_id, a.person_id))
            raise StoreError(f"已存的双向选择记录不一致（{PHASE_LABELS.get(a.phase, a.phase)}第{a.round_no}轮 "
                             f"{a.post_id}）：" + "；".join(problems))
        pending = left
    return state


def _state(s: Session, chiefs: dict[str, str]) -> core.SelectionState:
    offices, by_text = _offices(s, chiefs)
    persons = _persons(s, chiefs, by_text)
    try:
        state = core.start(offices, persons)
    except ValueError as err:
        raise StoreError(f"双向选择无法开始：{err}") from None
    open_phase, open_no = _open_round(s)
    rounds: dict[tuple[str, int], list[SelectionPick]] = {}
    for a in s.execute(select(SelectionPick).order_by(SelectionPick.phase, SelectionPick.round_no,
                                                      SelectionPick.post_id)).scalars():
        rounds.setdefault((a.phase, a.round_no), []).append(a)
    end_row = s.get(Meta, STAFF_END_KEY)
    end = int(end_row.value) if end_row is not None else 0
    try:
        if open_phase == core.STAFF:
            plan = [(core.STAFF, n) for n in range(1, open_no + 1)]
        else:
            plan = [(core.STAFF, n) for n in range(1, end + 1)] + [(core.BUSINESS, n) for n in range(1, open_no + 1)]
        for phase, n in plan:
            state = _apply_round(state, rounds.pop((phase, n), []))
            if (phase, n) == (open_phase, open_no):
                break
            ending = phase == core.STAFF and open_phase == core.BUSINESS and n == end
            state = core.end_staff_phase(state) if ending else core.close_round(state)
    except ValueError as err:
        raise StoreError(f"已存的双向选择记录不一致：{err}") from None
    if rounds:
        phase, n = next(iter(rounds))
        raise StoreError(f"已存的双向选择记录不一致：{PHASE_LABELS.get(phase, phase)}第{n}轮不在已进行的轮次中")
    return state


def load_state(store: Store) -> core.SelectionState:
    chiefs = _chiefs(store)
    with store.read() as s:
        return _state(s, chiefs)


# --- writes ----------------------------------------------------------------------------------

def _wrote(store: Store, s: Session, chiefs: dict[str, str], label: str, entity: str, row, value: str | None,
           state: core.SelectionState | None = None) -> Wrote:
    """What a selection write stored, with the tab's new view (computed inside the transaction; ``state``:
    the selection after the write when the write has it already, else it is replayed)."""
    from .selection_grid import view_in
    s.flush()
    return Wrote(Changed.SELECTION, label=label, entity=entity, value=value,
                 version=getattr(row, "version", 0) if row is not None else 0,
                 result=view_in(store, s, chiefs, state=state))


def _done(store: Store, wrote: Wrote) -> Wrote:
    return Wrote(wrote.changes, wrote.label, wrote.entity, wrote.value, wrote.version, store.last_write, wrote.result)


def _check_version(s: Session, row, entity: str, expected_version: int | None, wanted: str | None = None) -> None:
    if expected_version is not None and (row.version if row is not None else 0) != expected_version:
        from .history import conflict
        raise conflict(s, entity, wanted=wanted)


def _round_words(phase: str, round_no: int) -> str:
    return f"{PHASE_LABELS.get(phase, phase)}第{round_no}轮"


def _check_round(s: Session, expected_round: tuple[str, int] | None) -> None:
    """The round the clerk saw open must still be open (another laptop may have closed it)."""
    if expected_round is None:
        return
    now = _open_round(s)
    if now != tuple(expected_round):
        from .history import last_writer
        who, when = last_writer(s, f"meta:{ROUND_KEY}")
        raise ConflictError(f"{_round_words(*expected_round)}已由 {who} 于 {when} 结束，现为{_round_words(*now)}；"
                            "您的操作未执行，请核对后再录入")


def _person_name(s: Session, person_id: str) -> str:
    person = s.get(Person, person_id)
    return person.name if person is not None else ""


def _office_words(s: Session, post_id: str) -> str:
    post = s.get(Post, post_id)
    return (post.office or post.name) if post is not None else post_id


def set_choice(store: Store, person_id: str, phase: str, posts: list[str], *, expected_version: int | None = None,
               reason: str | None = None) -> Wrote:
    """A person's declared 科室 (post ids of their 科长), first choice first. ``expected_version``: the
    version of the declaration the clerk saw (0 = none)."""
    chiefs = _chiefs(store)
    entity = f"selection_choices:{person_id}"
    with store.write(reason) as s:
        _require_open(s)
        person = s.get(Person, person_id)
        if person is None:
            raise StoreError(f"没有编号为 {person_id} 的人员")
        who = f"{person.name}（{person_id}）"
        if phase not in PHASES:
            raise StoreError(f"没有“{phase}”这一阶段")
        existing = s.get(SelectionChoice, person_id)
        _check_version(s, existing, entity, expected_version, ",".join(posts))
        state = _state(s, chiefs)
        p = state.person(person_id)
        problems = []
        if person_id in chiefs.values():
            problems.append("已确定为科长，不参加双向选择")
        elif p is None:
            problems.append("不是科员或事业人员，不参加双向选择")
        elif p.kind != phase:
            problems.append(f"是{'事业人员' if p.kind == core.BUSINESS else '科员'}，"
                            f"不能申报{PHASE_LABELS[phase]}")
        elif p.no_rotation:
            problems.append(core.RULE_16_1)
        elif p.declined:
            problems.append(core.RULE_15_1)
        if not posts:
            problems.append("至少申报一个科室")
        if len(set(posts)) != len(posts):
            problems.append("申报的科室重复")
        unknown = [x for x in posts if state.office(x) is None]
        if unknown:
            problems.append(f"申报的科室 {'、'.join(unknown)} 不存在或尚无科长")
        if _phase_started(s, phase):
            problems.append(f"{PHASE_LABELS[phase]}已开始，不能再修改申报")
        if problems:
            raise StoreError(f"{who}：" + "；".join(problems))
        row, _ = put(s, SelectionChoice, {"person_id": person_id}, {"phase": phase, "posts": ",".join(posts)})
        label = f"{who}申报科室：{'、'.join(_office_words(s, x) for x in posts)}"
        wrote = _wrote(store, s, chiefs, label, entity, row, ",".join(posts))
    return _done(store, wrote)


def clear_choice(store: Store, person_id: str, *, expected_version: int | None = None,
                 reason: str | None = None) -> Wrote:
    """Remove a person's declared 科室; same time limit as :func:`set_choice`."""
    chiefs = _chiefs(store)
    entity = f"selection_choices:{person_id}"
    with store.write(reason) as s:
        _require_open(s)
        row = s.get(SelectionChoice, person_id)
        _check_version(s, row, entity, expected_version, "空")
        person = s.get(Person, person_id)
        label = f"删除 {person.name if person else person_id}（{person_id}）的申报科室"
        if row is None:
            return replace(_wrote(store, s, chiefs, label, entity, None, None), changes=Changed.NONE)
        if _phase_started(s, row.phase):
            raise StoreError(f"{PHASE_LABELS.get(row.phase, row.phase)}已开始，不能再修改申报")
        s.delete(row)
        wrote = _wrote(store, s, chiefs, label, entity, None, None)
    return _done(store, wrote)


def choices(store: Store) -> dict[str, tuple[str, ...]]:
    """person id → declared 科室 (post ids, first choice first)."""
    with store.read() as s:
        return {c.person_id: tuple(c.posts.split(",")) if c.posts else ()
                for c in s.execute(select(SelectionChoice)).scalars()}


def _act(store: Store, round_no: int, post_id: str, person_id: str | None, reason: str | None,
         expected_round: tuple[str, int] | None) -> Wrote:
    chiefs = _chiefs(store)
    with store.write(reason) as s:
        _require_open(s)
        _check_round(s, expected_round)
        state = _state(s, chiefs)
        entity = f"selection_picks:{state.phase}|{round_no}|{post_id}"
        existing = s.get(SelectionPick, (state.phase, round_no, post_id))
        if expected_round is not None and existing is not None:     # the 科 chose meanwhile on another laptop
            from .history import last_writer
            who, when = last_writer(s, entity)
            done = "放弃" if existing.person_id is None else f"选择 {existing.person_id} {_person_name(s, existing.person_id)}"
            mine = "放弃" if person_id is None else f"选择 {person_id}"
            raise ConflictError(f"{_office_words(s, post_id)} {_round_words(state.phase, round_no)}已由 {who} 于 {when} "
                                f"录入（{done}），您的{mine}未保存；请核对后再录入")
        problems = (core.pass_problems(state, round_no, post_id) if person_id is None
                    else core.pick_problems(state, round_no, post_id, person_id))
        if problems:
            raise StoreError("；".join(problems))
        if person_id is None:
            kind = "pass"
        else:
            kind = "keep" if state.person(person_id).former_office == post_id else "pick"
        row = SelectionPick(phase=state.phase, round_no=round_no, post_id=post_id, kind=kind,
                            person_id=person_id, chief_signed=False, person_signed=False)
        s.add(row)
        after = (core.apply_pass(state, round_no, post_id) if person_id is None
                 else core.apply_pick(state, round_no, post_id, person_id))
        office = _office_words(s, post_id)
        label = f"{office} 第{round_no}轮" + ("放弃" if person_id is None else f"选择 {person_id}")
        wrote = _wrote(store, s, chiefs, label, entity, row, person_id or "放弃", after)
    return _done(store, wrote)


def pick(store: Store, round_no: int, post_id: str, person_id: str, *, reason: str | None = None,
         expected_round: tuple[str, int] | None = None) -> Wrote:
    """科 ``post_id`` picks ``person_id`` in the current round (a pick of its former staff = 保留).
    ``expected_round``: the (phase, round) the clerk saw open — then a round closed meanwhile, or a
    move this 科 made meanwhile on another laptop, is a conflict naming who."""
    return _act(store, round_no, post_id, person_id, reason, expected_round)


def pass_(store: Store, round_no: int, post_id: str, *, reason: str | None = None,
          expected_round: tuple[str, int] | None = None) -> Wrote:
    """科 ``post_id`` passes (放弃) in the current round."""
    return _act(store, round_no, post_id, None, reason, expected_round)


def _set_round(store: Store, step, reason: str | None, expected_round: tuple[str, int] | None, label: str) -> Wrote:
    chiefs = _chiefs(store)
    with store.write(reason) as s:
        _require_open(s)
        _check_round(s, expected_round)
        before = _state(s, chiefs)
        try:
            state = step(before)
        except ValueError as err:
            raise StoreError(str(err)) from None
        row, _ = put(s, Meta, {"key": ROUND_KEY}, {"value": f"{state.phase}:{state.round_no}"})
        if state.phase != before.phase:
            put(s, Meta, {"key": STAFF_END_KEY}, {"value": str(before.round_no)})
        wrote = _wrote(store, s, chiefs, f"{label}（{_round_words(before.phase, before.round_no)}）",
                       f"meta:{ROUND_KEY}", row, f"{state.phase}:{state.round_no}")
    return _done(store, wrote)


def close_round(store: Store, *, reason: str | None = None, expected_round: tuple[str, int] | None = None) -> Wrote:
    """结束本轮: allowed once every 科 not yet full has picked or passed. ``expected_round``: the round
    the clerk saw open (closed meanwhile on another laptop → conflict, not a second close)."""
    return _set_round(store, core.close_round, reason, expected_round, "结束本轮")


def end_staff_phase(store: Store, *, reason: str | None = None,
                    expected_round: tuple[str, int] | None = None) -> Wrote:
    """结束科员定岗 (between rounds) and open 事业人员补充 round 1."""
    return _set_round(store, core.end_staff_phase, reason, expected_round, "结束科员定岗")


def sign(store: Store, phase: str, round_no: int, post_id: str, side: str, *, reason: str | None = None,
         expected_version: int | None = None) -> Wrote:
    """签字确认 by the 科长 (``chief``) or the picked person (``person``) of the move the clerk saw
    (``expected_version``: that move's version — withdrawn or signed meanwhile → conflict)."""
    if side not in SIDES:
        raise StoreError(f"签字方“{side}”未知（chief / person）")
    chiefs = _chiefs(store)
    entity = f"selection_picks:{phase}|{round_no}|{post_id}"
    with store.write(reason) as s:
        _require_open(s)
        row = s.get(SelectionPick, (phase, round_no, post_id))
        _check_version(s, row, entity, expected_version)
        if row is None:
            raise StoreError(f"{PHASE_LABELS.get(phase, phase)}第{round_no}轮 {post_id} 尚无选择记录，不能签字")
        if side == "person" and row.person_id is None:
            raise StoreError(f"{post_id} 第{round_no}轮已放弃，无被选人员签字")
        if getattr(row, SIDES[side]):
            raise StoreError("已签字")
        setattr(row, SIDES[side], True)
        who = "科长" if side == "chief" else "本人"
        wrote = _wrote(store, s, chiefs, f"{_office_words(s, post_id)} 第{round_no}轮 {who}签字", entity, row, who)
    return _done(store, wrote)


def outcome(store: Store) -> core.Outcome:
    """The result once 事业人员补充 has run (between rounds)."""
    state = load_state(store)
    try:
        return core.finish(state)
    except ValueError as err:
        raise StoreError(str(err)) from None


def withdraw(store: Store, phase: str, round_no: int, post_id: str, *, reason: str | None,
             expected_version: int | None = None) -> Wrote:
    """撤回 a stored pick/keep/pass of the *open* round (the deleted row stays in the audit log)."""
    if not reason or not reason.strip():
        raise StoreError("撤回须填写理由")
    chiefs = _chiefs(store)
    entity = f"selection_picks:{phase}|{round_no}|{post_id}"
    with store.write(reason) as s:
        _require_open(s)
        if _open_round(s) != (phase, round_no):
            raise StoreError("该轮已结束，不能撤回")
        row = s.get(SelectionPick, (phase, round_no, post_id))
        _check_version(s, row, entity, expected_version, "撤回")
        if row is None:
            raise StoreError(f"{PHASE_LABELS.get(phase, phase)}第{round_no}轮 {post_id} 尚无选择记录，不能撤回")
        s.delete(row)
        s.flush()
        after = _state(s, chiefs)   # the rest of the round must still replay
        wrote = _wrote(store, s, chiefs, f"撤回 {_office_words(s, post_id)} 第{round_no}轮的选择", entity, None, None,
                       after)
    return _done(store, wrote)


def _leaders_check(s: Session, person_id: str) -> Person:
    person = s.get(Person, person_id)
    if person is None:
        raise StoreError(f"没有编号为 {person_id} 的人员")
    if _phase_started(s, core.STAFF) or _open_round(s) != (core.STAFF, 1):
        raise StoreError(f"科员定岗已开始，不能再由领导组安排（{core.RULE_15_1}）")
    return person


def place_by_leaders(store: Store, person_id: str, office: str | None, *, note: str | None = None,
                     reason: str | None = None, expected_version: int | None = None) -> Wrote:
    """§十五(一): a person who gave up competing for 科长 is placed by the 领导组 at ``office`` (post id
    of a 科 of the selection), or left to the 领导组 list when ``office`` is None. Only before 科员定岗
    has any pick or pass. ``expected_version``: the placement the clerk saw (0 = none)."""
    chiefs = _chiefs(store)
    office = (office or "").strip() or None
    entity = f"selection_placements:{person_id}"
    with store.write(reason) as s:
        _require_open(s)
        person = _leaders_check(s, person_id)
        who = f"{person.name}（{person_id}）"
        if person_id in chiefs.values():
            raise StoreError(f"{who}：已确定为科长，不参加双向选择")
        if person_kind(person) is None:
            raise StoreError(f"{who}：不是科员或事业人员，不参加双向选择")
        if office is not None and office not in chiefs:
            raise StoreError(f"{who}：科室 {office} 不存在或尚无科长")
        _check_version(s, s.get(SelectionPlacement, person_id), entity, expected_version, office or "领导组另行安排")
        row, _ = put(s, SelectionPlacement, {"person_id": person_id},
                     {"placed_by": "leaders", "office": office, "note": note})
        s.flush()
        _state(s, chiefs)   # the core checks the seats (核定人数)
        label = f"{who}由领导组安排" + (f"至 {_office_words(s, office)}" if office else "")
        wrote = _wrote(store, s, chiefs, label, entity, row, office)
    return _done(store, wrote)


def clear_leaders_placement(store: Store, person_id: str, *, reason: str | None,
                            expected_version: int | None = None) -> Wrote:
    """Remove a 领导组 placement (same time limit as :func:`place_by_leaders`); reason required."""
    if not reason or not reason.strip():
        raise StoreError("撤回须填写理由")
    chiefs = _chiefs(store)
    entity = f"selection_placements:{person_id}"
    with store.write(reason) as s:
        _require_open(s)
        person = _leaders_check(s, person_id)
        row = s.get(SelectionPlacement, person_id)
        _check_version(s, row, entity, expected_version, "撤回")
        if row is None or row.placed_by != "leaders":
            raise StoreError(f"{person.name}（{person_id}）没有领导组安排记录")
        s.delete(row)
        s.flush()
        _state(s, chiefs)
        wrote = _wrote(store, s, chiefs, f"撤回 {person.name}（{person_id}）的领导组安排", entity, None, None)
    return _done(store, wrote)


# --- 撤销 / 重做 ---------------------------------------------------------------------------------

def check_revert(store: Store, s: Session, rows: list[tuple[str, str | None, str | None]], *, verb: str,
                 label: str) -> None:
    """Called by :func:`app.services.history.revert` after it wrote back selection rows, inside its
    transaction: the same rules the writes above keep, else :class:`StoreError` (nothing is written back).

    ``rows``: (entity, old state, new state) of each row the step had written; the revert has just put
    the *old* state back."""
    import json
    why = f"不能{verb}“{label}”："
    try:
        _require_published(s)
    except StoreError as err:
        raise StoreError(why + str(err)) from None
    open_round = _open_round(s)
    for entity, old, new in rows:
        table, _, key = entity.partition(":")
        states = [json.loads(x) for x in (old, new) if x]
        if table == "selection_choices":
            phase = next((x.get("phase") for x in states if x.get("phase")), core.STAFF)
            if _phase_started(s, phase):
                raise StoreError(why + f"{PHASE_LABELS.get(phase, phase)}已开始，不能再修改申报")
        elif table == "selection_picks":
            phase, round_no, _ = key.split("|")
            if open_round != (phase, int(round_no)):
                raise StoreError(why + f"{_round_words(phase, int(round_no))}已结束，该轮的选择不能再改动")
        elif table == "selection_placements":
            if _phase_started(s, core.STAFF) or open_round != (core.STAFF, 1):
                raise StoreError(why + f"科员定岗已开始，不能再由领导组安排（{core.RULE_15_1}）")
    s.flush()
    try:
        _state(s, _chiefs(store))       # the whole selection still replays under the core's rules
    except StoreError as err:
        raise StoreError(why + str(err)) from None
