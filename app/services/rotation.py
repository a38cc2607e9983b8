"""交流轮岗: the roster screened by the 交流轮岗暂行办法 (第七条–第十条) as of a date, and the county
speech's statistics of the people who changed post in this campaign. The rules are
:mod:`app.core.rotation`'s; this module maps what the roster records onto them and reads the store.

What the roster records → :class:`app.core.rotation.StaffRecord`:

- 任职时间 (``post_start``, 任现职时间) → 同一岗位起始 (第九条) and, for a 局管领导干部, 同一职位起始
  (第七条（一）); the roster has no separate date for either.
- 本单位工作时间 (``unit_start``) → 本单位工作起始 (第七条（三）（四）). **Decision:** 在同一单位任正、副职
  (第七条（二）) counts from the later of 本单位工作时间 and 任职时间: the roster does not record an earlier
  spell as 副职 in the same unit, and a screening must not call someone due on a guess.
- 局管领导干部, 领导职务 (正职/副职), 后备干部, 任职单位数, 负责工作 (第七条（一）/第九条（二）) as typed.
- 暂缓情形 → 第八条 (交流) and 第十条 (轮岗) by :data:`app.core.rotation.EXEMPTIONS`; 不轮岗 (特殊岗位)
  → 第十条（三）职位条件有特殊要求.
- Not recorded, so not screened: 优秀年轻干部 and 本人自愿 (第七条（三）后半、（四）) — judgements of
  the 人事处 — and the judgement clauses the core leaves out.

A fact the screening needs but the roster lacks (a 局管领导干部 without 正职/副职, a 后备干部 without
任职单位数) is named in :attr:`Screening.missing`: the person is listed as 资料不全, never passed as
不需 in silence.

Who **changed post** (the statistics): the people placed by 确定人选 (§十三, as computed from the
stored data) and by the two-way selection (§十五/§十六, including the 领导组's placements), whose
place is another 科室 than their 原科室 (matched as the selection matches it: a post id, else the
post's 科室). Kept in their 科室 (保留原科室人员, 不轮岗) is no change; without a 原科室 the person is
listed apart, not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from ..core import selection as sel
from ..core.roster import RosterPerson, as_date, split_list
from ..core.rotation import (EXEMPTIONS, Duty, LeaderRank, Measure, PostKind, Position, RotationError,
                             RotationStatistics, ScreeningResult, Speciality, StaffRecord, Status, ExchangedPerson,
                             education_level, full_years, rotation_statistics, screen_one)
from .roster import list_people, list_posts
from .store import Store, StoreError

DUE, EXEMPT, NOT_DUE, UNKNOWN = "due", "exempt", "not_due", "unknown"


@dataclass(frozen=True)
class Screening:
    """One person's screening as the roster tab and the 交流轮岗对象名单 show it."""

    person: RosterPerson
    state: str                          # DUE (应/必须), EXEMPT (可不或暂缓), NOT_DUE, UNKNOWN (cannot screen)
    short: str                          # the cell: "应轮岗 第九条（一）"
    text: str                           # the sentence with every article and reason
    result: ScreeningResult | None = None
    missing: tuple[str, ...] = ()       # facts the roster lacks for an article that might apply


def staff_record(person: RosterPerson) -> tuple[StaffRecord, tuple[str, ...]]:
    """What the roster records, as the core's record; and what it lacks (see the module's notes)."""
    missing = []
    rank = LeaderRank.NONE
    if person.bureau_leader:
        if person.leader_rank:
            rank = LeaderRank(person.leader_rank)
        else:
            missing.append("局管领导干部未填领导职务（正职/副职），第七条未审查")
    units = person.units_served
    if person.reserve_cadre and units is None:
        missing.append("后备干部未填任职单位数，第七条（三）未审查")
    exempt = {EXEMPTIONS[x][1]: True for x in split_list(person.exemption) if x in EXEMPTIONS}
    if person.no_rotation:
        exempt["special_post_requirements"] = True
    post = as_date(person.post_start) if person.post_start else None
    unit = as_date(person.unit_start) if person.unit_start else None
    record = StaffRecord(
        person_id=person.id, name=person.name,
        bureau_leader=person.bureau_leader, rank=rank,
        position_since=post if person.bureau_leader else None,
        unit_since=unit,
        unit_leader_since=max(unit, post) if unit and post else None,
        post_since=post,
        duties=frozenset(Duty(x) for x in split_list(person.duties) if x in {d.value for d in Duty}),
        reserve_cadre=person.reserve_cadre and units is not None,
        units_served=units or 1,
        **exempt,
    )
    return record, tuple(missing)


def screen_person(person: RosterPerson, as_of: date) -> Screening:
    """The screening of one roster record as of ``as_of``, with the article that applies."""
    if not person.post_start:
        return Screening(person, UNKNOWN, "缺任职时间", "缺任职时间，无法审查")
    try:
        record, missing = staff_record(person)
        result = screen_one(record, as_of)
    except RotationError as err:
        post = person.post_start and as_date(person.post_start) > as_of
        return Screening(person, UNKNOWN, "任职时间有误" if post else "日期有误",
                         f"任职时间 {person.post_start} 晚于审查日期" if post else str(err))
    parts, shorts = [], []
    for measure, status in ((Measure.EXCHANGE, result.exchange), (Measure.ROTATION, result.rotation)):
        if status is Status.NOT_DUE:
            continue
        found = [f for f in result.findings if f.measure is measure]
        parts.append(f"{status.label(measure)} " + "；".join(f.article + f.reason for f in found))
        shorts.append(f"{status.label(measure)} {found[-1].article if status is Status.EXEMPT else found[0].article}")
    gap = "；资料不全：" + "；".join(missing) if missing else ""
    if not parts:
        years = full_years(as_date(person.post_start), as_of)
        if missing:
            return Screening(person, UNKNOWN, "资料不全", f"不需轮岗（同一岗位{years}年）{gap}", result, missing)
        return Screening(person, NOT_DUE, f"不需 {years}年", f"不需轮岗（同一岗位{years}年）", result)
    due = Status.DUE in (result.rotation, result.exchange) or Status.MUST in (result.rotation, result.exchange)
    return Screening(person, DUE if due else EXEMPT, "；".join(shorts), "；".join(parts) + gap, result, missing)


def screen_people(people: list[RosterPerson], as_of: date) -> list[Screening]:
    return [screen_person(p, as_of) for p in people]


def screen_roster(store: Store, as_of: date) -> list[Screening]:
    """Everyone on the roster, in roster order."""
    return screen_people([p for p, _ in list_people(store)], as_of)


# --- who changed post in this campaign, and the statistics ---------------------------------------------

@dataclass(frozen=True)
class Move:
    """One person placed in this campaign: where from, where to, how."""

    person: RosterPerson
    former: str                 # 原科室 as recorded ("" when not recorded)
    placed: str                 # the post (科长) or the 科室 (two-way selection) as printed
    how: str                    # 确定人选（第十三条） / 科员定岗第1轮 / 事业人员补充第2轮 / 领导组安排
    position: Position
    changed: bool | None        # another 科室 than before; None: 原科室 not recorded


@dataclass(frozen=True)
class Moves:
    moves: tuple[Move, ...]
    assignment_published: bool
    selection: str              # "" finished; else why the two-way selection's placements are not final

    @property
    def changed(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.changed)

    @property
    def unknown(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.changed is None)


def roster_person(entry: dict[str, Any]) -> RosterPerson:
    """A person of the campaign file (``export_campaign``'s ``people``) as the roster record screening reads
    (scores left out): the sheets screen the one reading of the store they print from."""
    return RosterPerson(**{k: entry[k] for k in _RECORD_KEYS if entry.get(k) is not None})


_RECORD_KEYS = tuple(f.name for f in fields(RosterPerson) if f.name not in ("appraisal", "exam", "democratic"))


def campaign_moves(store: Store, *, people: dict[str, RosterPerson] | None = None,
                   posts: list[tuple[str, str, str | None]] | None = None, results: Any = None,
                   published: bool | None = None) -> Moves:
    """Every placement of this campaign (确定人选, then the two-way selection), with whether it changed post.
    ``people``, ``posts`` (id, name, 科室), ``results`` and ``published`` when the caller has read them."""
    from . import selection as svc            # the selection service reads the computed 科长
    from .campaign_io import compute_results
    from .stages import stage_states
    if people is None:
        people = {p.id: p for p, _ in list_people(store)}
    if posts is None:
        posts = [(p.id, p.name, p.office) for p in list_posts(store)]
    by_text: dict[str, str] = {}
    for pid, _, office in posts:
        if office:
            by_text.setdefault(office, pid)
    for pid, _, _ in posts:
        by_text[pid] = pid
    label = {pid: name for pid, name, _ in posts}
    office_label = {pid: office or name for pid, name, office in posts}

    def move(pid: str, post_id: str, how: str, position: Position) -> Move:
        person = people[pid]
        former = person.former_office or ""
        changed = None if not former else by_text.get(former, former) != post_id
        shown = label.get(post_id, post_id) if position is Position.CHIEF else office_label.get(post_id, post_id)
        return Move(person, former, shown, how, position, changed)

    out: list[Move] = []
    if results is None:
        _, results = compute_results(store)
    for pl in sorted(results.assignment.placements, key=lambda x: (x.post, x.person)):
        out.append(move(pl.person, pl.post, "确定人选（第十三条）", Position.CHIEF))
    if published is None:
        published = stage_states(store).get("assignment") == "published"
    status = ""
    placements: tuple[sel.Placement, ...] = ()
    try:
        state = svc.load_state(store)
        try:
            placements = sel.finish(state).placements
        except ValueError:
            placements = state.placements
            status = f"双向选择尚未结束（当前{svc.PHASE_LABELS[state.phase]}第{state.round_no}轮）"
    except StoreError as err:
        status = f"双向选择尚未开始（{err}）"
    for pl in placements:
        if pl.how == sel.HOW_ORIGIN or pl.person not in people:
            continue                          # 不轮岗: stays
        if pl.how == sel.HOW_LEADERS:
            how = "领导组安排"
        else:
            phase = "事业人员补充" if pl.phase == sel.BUSINESS else "科员定岗"
            how = f"{phase}第{pl.round}轮" + ("（保留原科室人员）" if pl.how == sel.HOW_KEEP else "")
        out.append(move(pl.person, pl.office, how, Position.STAFF))
    return Moves(tuple(out), published, status)


def _enum(kind: type, value: str | None):
    return next((m for m in kind if m.value == value), None) if value else None


def exchanged(person: RosterPerson, position: Position | None = None) -> ExchangedPerson:
    """A roster record as the statistics count it (what is not recorded: None, counted as 未填写)."""
    return ExchangedPerson(person.id, as_date(person.birth) if person.birth else None,
                           education_level(person.education), _enum(Speciality, person.speciality),
                           _enum(PostKind, person.post_kind), position)


def statistics(moves: Moves, as_of: date) -> RotationStatistics:
    """The county speech's counts of those who changed post, their ages on ``as_of``."""
    try:
        return rotation_statistics([exchanged(m.person, m.position) for m in moves.changed], as_of)
    except RotationError as err:
        raise StoreError(f"无法统计：{err}") from None

