"""唱票 mode: one paper ballot at a time; the last one of a group can be taken back (撤销上一张).

A voter group is tallied either from paper ballots (唱票) or from typed counts (count mode), never
both: the counts the rules see are the ballot tally for a group that has ballots and the typed
counts otherwise (:func:`merged_counts`, the one place of that rule). An undone ballot is
*discarded* (作废), never deleted.

A ballot is named to the clerk by its printed number (局领导票号 483920, SPEC §10) — or, on a paper
the program did not number, by its place *within the group* (局领导第 3 张, what the panel's 已唱 N 张
counts) — and in the record by its serial (序号), which never repeats.

A paper the 监督组 declare 作废 (void as a whole, SPEC §10) is entered as ``void``: it counts among the
papers returned and entered, and recommends nobody. A ballot taken back by the clerk (撤销上一张, undo)
is ``discarded``: kept in the file and the log, counted nowhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.ballot_numbers import fold_ballot_number
from ..core.ballots import AGREE, SUGGEST, Mark, mark_problem
from ..core.declarations import effective_declaration
from ..core.scheme import GROUP_LABELS, GROUPS
from ..models.schema import Ballot, Declaration, Post, Presence, RecCount, Stage
from .ballot_numbers import (CLOSED, CLOSED_TEXT, ENTERED, NOT_OPENED, NOT_OPENED_TEXT, count_state_in,
                             group_numbered_in, number_refusal_in)
from .history import last_writer
from .stages import require_editable
from .store import STAGE_LABELS, STATE_LABELS, Changed, ConflictError, Store, StoreError, Wrote

# ``mark_problem`` is the services' name for the rule too: the 唱票 form shows a wrong mark as it is keyed.

BALLOTS, COUNTS, OPEN = "ballots", "counts", "open"
"""How a voter group is being tallied: from paper ballots (it has some), from typed counts (a count
above 0 was typed), or not yet begun (唱票 by default — the form takes its ballots)."""


@dataclass(frozen=True)
class BallotRow:
    serial: int
    group: str
    marks: dict[str, Mark]
    status: str
    entered_by: str
    ballot_no: str | None = None


@dataclass(frozen=True)
class BallotRef:
    """One stored ballot as the clerk names it: 局领导第 ``number`` 张 (序号 ``serial``)."""

    serial: int
    group: str
    number: int              # its place among the group's entered ballots (= 已唱 N 张 when it is the last)
    version: int
    entered_by: str
    ballot_no: str | None = None     # the printed number (None: a paper the program did not number)
    void: bool = False               # entered as 作废 (void as a whole)

    @property
    def words(self) -> str:
        group = GROUP_LABELS.get(self.group, self.group)
        what = "作废票" if self.void else "选票"
        if self.ballot_no:
            return f"{group}票号 {self.ballot_no} 的{what}"
        return f"{group}第 {self.number} 张{what}"


# -- the rules of a group ------------------------------------------------------------------------------

def group_modes(s: Session) -> dict[str, str]:
    """group → BALLOTS / COUNTS / OPEN (see the constants)."""
    with_ballots = set(s.execute(select(Ballot.group).where(Ballot.status.in_(ENTERED)).distinct()).scalars())
    typed = set(s.execute(select(RecCount.group).where(RecCount.count > 0).distinct()).scalars())
    return {g: BALLOTS if g in with_ballots else COUNTS if g in typed else OPEN for g in GROUPS}


def _group_mode(s: Session, group: str, keyed: int) -> str:
    """One group's mode (as :func:`group_modes`), knowing its entered ballots."""
    if keyed:
        return BALLOTS
    typed = s.execute(select(RecCount.person_id).where(RecCount.group == group, RecCount.count > 0).limit(1)).first()
    return COUNTS if typed else OPEN


def new_ballot_refusal(group: str, mode: str, keyed: int, present: int, stage_state: str = "draft", *,
                       count: str = NOT_OPENED, numbered: bool = False) -> str | None:
    """Why a new paper ballot of ``group`` would be refused now (None: it would be taken). The 唱票
    form asks this at the first key, the save at the end — one rule. ``keyed``: the group's entered
    papers (void ones too); ``count``: the count's state; ``numbered``: the group's papers carry numbers."""
    if stage_state in ("locked", "published"):
        return (f"“{STAGE_LABELS['recommendation']}”{STATE_LABELS[stage_state]}，不能修改；"
                "如需更正，请监督组输入密码并说明理由后解锁")
    if count == CLOSED:
        return CLOSED_TEXT
    if numbered and count == NOT_OPENED:
        return NOT_OPENED_TEXT
    label = GROUP_LABELS[group]
    if mode == COUNTS:
        return f"{label}已按“计数”方式录入推荐数，不能再逐票唱票"
    if keyed >= present:
        return f"{label}已录 {keyed} 张票，等于到会人数 {present}，不能再录"
    return None


def _entered_count(s: Session, group: str, *, up_to: int | None = None) -> int:
    query = select(func.count()).select_from(Ballot).where(Ballot.group == group, Ballot.status.in_(ENTERED))
    if up_to is not None:
        query = query.where(Ballot.serial <= up_to)
    return s.execute(query).scalar() or 0


def ballot_ref(s: Session, ballot: Ballot) -> BallotRef:
    number = _entered_count(s, ballot.group, up_to=ballot.serial)
    if ballot.status not in ENTERED:      # a discarded ballot: where it stood among the entered ones
        number += 1
    return BallotRef(ballot.serial, ballot.group, number, ballot.version, ballot.entered_by, ballot.ballot_no,
                     ballot.status == "void")


def describe_ballot(s: Session, serial: int) -> str:
    """A ballot in words for messages: ``局领导第 3 张选票（序号 7）``."""
    ballot = s.get(Ballot, serial)
    if ballot is None:
        return f"序号 {serial} 的选票"
    ref = ballot_ref(s, ballot)
    return f"{ref.words}（序号 {serial}{'，已撤销' if ballot.status not in ENTERED else ''}）"


def last_ballot_in(s: Session, group: str) -> BallotRef | None:
    last = s.execute(select(Ballot).where(Ballot.group == group, Ballot.status.in_(ENTERED))
                     .order_by(Ballot.serial.desc()).limit(1)).scalar_one_or_none()
    return None if last is None else ballot_ref(s, last)


def last_ballot(store: Store, group: str) -> BallotRef | None:
    """The group's last entered ballot (valid or void): what 撤销上一张 would take back."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.read() as s:
        return last_ballot_in(s, group)


def _declared(s) -> dict[str, tuple[str, ...]]:
    rounds: dict[str, list[tuple[str, ...]]] = {}
    # plain columns, no ORM objects: this runs on every saved ballot
    for person, posts in s.execute(select(Declaration.person_id, Declaration.posts)
                                   .order_by(Declaration.person_id, Declaration.round_no)):
        rounds.setdefault(person, []).append(tuple(posts.split(",")))
    return {p: effective_declaration(r) for p, r in rounds.items()}


def checked_marks(s: Session, marks: dict[str, Mark]) -> str:
    """A paper's marks as stored (JSON), refused whole — naming each — if a mark is wrong (SPEC §3):
    a ballot, a blind re-entry and a correction are checked by this one rule."""
    declared = _declared(s)
    posts = set(s.execute(select(Post.id)).scalars())
    problems = []
    for person, mark in marks.items():
        if person not in declared:
            problems.append(f"{person} 不是竞岗人员")
            continue
        problem = mark_problem(person, mark, declared[person], posts)
        if problem:
            problems.append(problem)
    if problems:
        raise StoreError("；".join(problems))
    return json.dumps({p: m.encode() for p, m in sorted(marks.items())}, ensure_ascii=False)


# -- writes -------------------------------------------------------------------------------------------

def enter_ballot_in(s: Session, operator: str, group: str, marks: dict[str, Mark], *, ballot_no: str | None = None,
                    void: bool = False) -> tuple[Ballot, BallotRef]:
    """One paper ballot entered inside the caller's transaction, by every rule :func:`save_ballot` names
    (a scanned ballot, SPEC §12, is entered by this same rule). Returns the row and its :class:`BallotRef`."""
    require_editable(s, "recommendation")
    presence = s.get(Presence, group)
    keyed = _entered_count(s, group)
    numbered = group_numbered_in(s, group)
    refusal = new_ballot_refusal(group, _group_mode(s, group, keyed), keyed, presence.present if presence else 0,
                                 count=count_state_in(s), numbered=numbered)
    if refusal:
        raise StoreError(refusal)
    if numbered:
        if not ballot_no or not str(ballot_no).strip():
            raise StoreError(f"{GROUP_LABELS[group]}的选票有票号：请先录入（或扫描）票号")
        refusal = number_refusal_in(s, group, str(ballot_no))
        if refusal:
            raise StoreError(refusal)
        ballot_no = fold_ballot_number(str(ballot_no))
    elif ballot_no:
        raise StoreError(f"{GROUP_LABELS[group]}的选票未由本程序编号，不用录入票号")
    text = checked_marks(s, {} if void else marks)
    serial = (s.execute(select(func.max(Ballot.serial))).scalar() or 0) + 1
    row = Ballot(serial=serial, group=group, status="void" if void else "valid", entered_by=operator,
                 marks=text, ballot_no=ballot_no or None)
    s.add(row)
    s.flush()
    return row, BallotRef(serial, group, keyed + 1, row.version, row.entered_by, row.ballot_no, void)  # the newest


def save_ballot(store: Store, group: str, marks: dict[str, Mark], *, ballot_no: str | None = None,
                void: bool = False) -> Wrote:
    """Save one paper ballot, refused whole if any mark is wrong. A group whose papers carry numbers
    needs ``ballot_no`` (printed for the group, not yet entered — SPEC §10) and an open count; ``void``:
    the paper was declared 作废 as a whole (its marks are not kept). ``Wrote.result`` is its
    :class:`BallotRef` (the number within the group is what the panel's 已唱 N 张 then shows)."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write() as s:
        row, ref = enter_ballot_in(s, store.operator, group, marks, ballot_no=ballot_no, void=void)
        serial = row.serial
    return Wrote(Changed.BALLOTS, label=ref.words, entity=f"ballots:{serial}", value=row.status, version=ref.version,
                 seq=store.last_write, result=ref)


def _discard(store: Store, s: Session, ballot: Ballot, label: str) -> Wrote:
    void = ballot.status == "void"
    ballot.status = "discarded"
    s.flush()
    ref = BallotRef(ballot.serial, ballot.group, _entered_count(s, ballot.group, up_to=ballot.serial) + 1,
                    ballot.version, ballot.entered_by, ballot.ballot_no, void)
    return Wrote(Changed.BALLOTS, label=label, entity=f"ballots:{ballot.serial}", value="discarded",
                 version=ballot.version, result=ref)


def discard_ballot(store: Store, serial: int, *, expected_version: int, reason: str) -> Wrote:
    """撤销 one ballot (kept in the file and the log, no longer counted). ``expected_version`` is the
    version the clerk saw: a ballot changed since (discarded, brought back) is a conflict."""
    if not reason or not reason.strip():
        raise StoreError("撤销选票须填写理由")
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        ballot = s.get(Ballot, serial)
        if ballot is None:
            raise StoreError(f"没有序号 {serial} 的选票")
        words = describe_ballot(s, serial)
        if ballot.version != expected_version or ballot.status not in ENTERED:
            who, when = last_writer(s, f"ballots:{serial}")
            raise ConflictError(f"{words} 已被 {who} 于 {when} 改动（现为{'已录入' if ballot.status in ENTERED else '已撤销'}），"
                                "您的撤销未执行；请核对后再操作")
        wrote = _discard(store, s, ballot, f"撤销 {words}")
    return Wrote(wrote.changes, wrote.label, wrote.entity, wrote.value, wrote.version, store.last_write, wrote.result)


def undo_last_ballot(store: Store, group: str, *, expected_serial: int, reason: str = "撤销上一张票") -> Wrote:
    """撤销上一张: discard the group's last valid ballot — the one the clerk's dialog named
    (``expected_serial``). If another laptop saved a later ballot of the group meanwhile, or took this
    one back already, nothing is discarded: a :class:`ConflictError` names who and which ballot."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        named = s.get(Ballot, expected_serial)
        if named is None or named.group != group:
            raise StoreError(f"没有{GROUP_LABELS[group]}序号 {expected_serial} 的选票")
        words = describe_ballot(s, expected_serial)
        if named.status not in ENTERED:
            who, when = last_writer(s, f"ballots:{expected_serial}")
            raise ConflictError(f"{words} 已被 {who} 于 {when} 撤销，未再撤销其他选票；请核对后再操作")
        last = last_ballot_in(s, group)
        if last is not None and last.serial != expected_serial:
            who, when = last_writer(s, f"ballots:{last.serial}")
            raise ConflictError(f"不能撤销{words}：{who} 于 {when} 又录入了{last.words}（序号 {last.serial}），"
                                "最后一张已不是您确认撤销的那张；两张选票均未改动，请核对后再撤销")
        wrote = _discard(store, s, named, f"撤销 {words}")
    return Wrote(wrote.changes, wrote.label, wrote.entity, wrote.value, wrote.version, store.last_write, wrote.result)


# -- reading ------------------------------------------------------------------------------------------

def list_ballots(store: Store, *, include_discarded: bool = False) -> list[BallotRow]:
    with store.read() as s:
        q = select(Ballot).order_by(Ballot.serial)
        if not include_discarded:
            q = q.where(Ballot.status.in_(ENTERED))
        return [BallotRow(b.serial, b.group, {p: Mark.decode(m) for p, m in json.loads(b.marks).items()},
                          b.status, b.entered_by, b.ballot_no) for b in s.execute(q).scalars()]


@dataclass(frozen=True)
class Counted:
    """What the rules count (SPEC §3): per (person, post) the recommendations by group — the ballot
    tally for a group that has ballots, the typed counts otherwise — and per group the valid ballots."""

    counts: dict[tuple[str, str], dict[str, int]]
    keyed: dict[str, int]                    # group → valid ballots (唱票)
    by_ballot: frozenset[str]                # groups counted from ballots
    void: dict[str, int] | None = None       # group → papers entered as 作废 (void as a whole)
    numbers: dict[str, list[str]] | None = None   # group → the numbers of its entered papers (SPEC §10)
    last: dict[str, BallotRef | None] | None = None   # group → its last entered ballot (撤销上一张)

    def entered(self, group: str) -> int:
        """The group's papers entered: valid and void."""
        return self.keyed.get(group, 0) + (self.void or {}).get(group, 0)


COUNTED_MARKS = (AGREE, SUGGEST)
"""The marks that recommend (as :func:`app.core.ballots.tally` counts them); blank and invalid count nothing."""


def recommended_pairs(marks_json: str) -> Iterator[tuple[str, str]]:
    """The (person, post) pairs one stored ballot recommends — read straight from its stored marks
    (``Mark.encode`` text), without building a Mark per mark: a count re-reads every ballot."""
    for person, code in json.loads(marks_json).items():
        kind, _, post = code.partition(":")
        if post and kind in COUNTED_MARKS:
            yield person, post


def counted(s: Session) -> Counted:
    """The tally rule, in one place: every screen, sheet and result reads the counts through it."""
    per_pair: dict[tuple[str, str], dict[str, int]] = {}
    keyed = {g: 0 for g in GROUPS}
    void = {g: 0 for g in GROUPS}
    numbers: dict[str, list[str]] = {g: [] for g in GROUPS}
    last: dict[str, tuple] = {}
    for row in s.execute(select(Ballot.group, Ballot.marks, Ballot.status, Ballot.serial, Ballot.ballot_no,
                                Ballot.version, Ballot.entered_by).where(Ballot.status.in_(ENTERED))
                         .order_by(Ballot.serial)):
        group, marks, status = row.group, row.marks, row.status
        if row.ballot_no:
            numbers[group].append(row.ballot_no)
        last[group] = row
        if status == "void":
            void[group] += 1
            continue
        keyed[group] += 1
        for key in recommended_pairs(marks):
            row = per_pair.setdefault(key, {})
            row[group] = row.get(group, 0) + 1
    by_ballot = frozenset(g for g in GROUPS if keyed[g] or void[g])
    out = {key: dict(row) for key, row in per_pair.items()}
    for c in s.execute(select(RecCount)).scalars():
        if c.group not in by_ballot:
            out.setdefault((c.person_id, c.post_id), {})[c.group] = c.count
    refs = {g: None if g not in last else BallotRef(last[g].serial, g, keyed[g] + void[g], last[g].version,
                                                     last[g].entered_by, last[g].ballot_no, last[g].status == "void")
            for g in GROUPS}
    return Counted(out, keyed, by_ballot, void, numbers, refs)


def merged_counts(s: Session) -> dict[tuple[str, str], dict[str, int]]:
    """The counts the rules see: ballot tally for groups with ballots, typed counts otherwise."""
    return counted(s).counts


def stage_state(s: Session) -> str:
    row = s.get(Stage, "recommendation")
    return row.state if row is not None else "draft"
