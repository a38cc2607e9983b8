"""唱票 mode: one paper ballot at a time, with its serial number; the last one can be undone.

A voter group is tallied either from paper ballots (唱票) or from typed counts (count mode), never
both: the counts the rules see are the ballot tally for a group that has ballots and the typed
counts otherwise. An undone ballot is *discarded*, never deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.ballots import Mark, PaperBallot, mark_problem, tally
from ..core.declarations import effective_declaration
from ..core.scheme import GROUP_LABELS, GROUPS
from ..models.schema import Ballot, Declaration, Post, Presence, RecCount
from .stages import require_editable
from .store import Changed, Store, StoreError


@dataclass(frozen=True)
class BallotRow:
    serial: int
    group: str
    marks: dict[str, Mark]
    status: str
    entered_by: str


def _declared(s) -> dict[str, tuple[str, ...]]:
    rounds: dict[str, list[tuple[str, ...]]] = {}
    for d in s.execute(select(Declaration).order_by(Declaration.person_id, Declaration.round_no)).scalars():
        rounds.setdefault(d.person_id, []).append(tuple(d.posts.split(",")))
    return {p: effective_declaration(r) for p, r in rounds.items()}


def save_ballot(store: Store, group: str, marks: dict[str, Mark]) -> tuple[int, Changed]:
    """Save one paper ballot; returns its serial number. Refused whole if any mark is wrong."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write() as s:
        require_editable(s, "recommendation")
        if s.execute(select(RecCount.person_id).where(RecCount.group == group, RecCount.count > 0).limit(1)).first():
            raise StoreError(f"{GROUP_LABELS[group]}已按“计数”方式录入推荐数，不能再逐票唱票")
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
        presence = s.get(Presence, group)
        present = presence.present if presence else 0
        counted = s.execute(select(func.count()).select_from(Ballot).where(
            Ballot.group == group, Ballot.status == "valid")).scalar()
        if counted + 1 > present:
            raise StoreError(f"{GROUP_LABELS[group]}已录 {counted} 张票，等于到会人数 {present}，不能再录")
        serial = (s.execute(select(func.max(Ballot.serial))).scalar() or 0) + 1
        s.add(Ballot(serial=serial, group=group, status="valid", entered_by=store.operator,
                     marks=json.dumps({p: m.encode() for p, m in sorted(marks.items())}, ensure_ascii=False)))
    return serial, Changed.BALLOTS


def undo_last_ballot(store: Store, reason: str = "撤销上一张票") -> tuple[int | None, Changed]:
    """Discard the most recent valid ballot (kept in the file and the log)."""
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        last = s.execute(select(Ballot).where(Ballot.status == "valid").order_by(Ballot.serial.desc())
                         .limit(1)).scalar_one_or_none()
        if last is None:
            return None, Changed.NONE
        last.status = "discarded"
        return last.serial, Changed.BALLOTS


def list_ballots(store: Store, *, include_discarded: bool = False) -> list[BallotRow]:
    with store.read() as s:
        q = select(Ballot).order_by(Ballot.serial)
        if not include_discarded:
            q = q.where(Ballot.status == "valid")
        return [BallotRow(b.serial, b.group, {p: Mark.decode(m) for p, m in json.loads(b.marks).items()},
                          b.status, b.entered_by) for b in s.execute(q).scalars()]


def merged_counts(s) -> dict[tuple[str, str], dict[str, int]]:
    """The counts the rules see: ballot tally for groups with ballots, typed counts otherwise."""
    ballots = [PaperBallot(b.serial, b.group, {p: Mark.decode(m) for p, m in json.loads(b.marks).items()})
               for b in s.execute(select(Ballot).where(Ballot.status == "valid")).scalars()]
    t = tally(ballots)
    by_ballot = {g for g in GROUPS if t.ballots[g]}
    out: dict[tuple[str, str], dict[str, int]] = {}
    for key, per_group in t.counts.items():
        for g in by_ballot:
            if per_group.get(g):
                out.setdefault(key, {})[g] = per_group[g]
    for c in s.execute(select(RecCount)).scalars():
        if c.group not in by_ballot:
            out.setdefault((c.person_id, c.post_id), {})[c.group] = c.count
    return out
