"""Ballot numbers (SPEC §10): the set printed per voter group, the print run, and a keyed number's check.

**Decisions**
- Numbers are drawn when a group's 定岗推荐票 are first printed (``report --sheet 定岗推荐票`` or the
  print dialog), 印制 张数 per group; only the *set* is stored (``ballot_numbers``), never an order.
- **A later print of the same group reprints the stored set** (a jammed printer, a lost PDF): the same
  numbers, in a new random order, so the 印制 count on the 开票前确认单 stays the set's size. Asking for
  another 张数 for a group that has a set is refused; **重新制票** (with a reason) drops the old set and
  draws a new one — the old papers must then be destroyed, as the log records. Both only before the
  count is opened: once the 开票前确认单 is sealed nothing more is printed.
- A group whose papers the program did not number (printed elsewhere, or a file from before issue 16)
  has no set: its ballots are entered without a number, and the sheets say so.

The count's state (``meta`` ``ballots_count``: not opened / ``open`` / ``closed``) is read here too:
numbered ballots are entered only while the count is open, nothing of the count changes once closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.ballot_numbers import (BallotNumberError, ballot_number_refusal, draw_ballot_numbers,
                                   fold_ballot_number, print_order)
from ..core.scheme import GROUP_LABELS, GROUPS
from ..models import audit
from ..models.schema import Ballot, BallotNumber, Meta
from .stages import require_editable
from .store import Changed, LockedError, Store, StoreError, Wrote

COUNT_KEY, OPENING_KEY, ACCEPTED_KEY = "ballots_count", "ballots_opening", "ballots_accepted"
NOT_OPENED, OPEN, CLOSED = "", "open", "closed"
COUNT_LABELS = {NOT_OPENED: "未开始", OPEN: "计票中", CLOSED: "已结束（已封签）"}
ENTERED = ("valid", "void")
"""Ballot statuses that are entered papers (收回 counts them); ``discarded`` ones were taken back."""

NOT_OPENED_TEXT = ("尚未开始计票：请先打印“开票前确认单”，由监督组核对签字并输入密码封签（开始计票），"
                   "再逐张录入带票号的选票")
CLOSED_TEXT = "计票已结束（已封签），选票记录不能再改动；如需更正，请监督组输入密码并说明理由后重新打开计票"


def count_state_in(s: Session) -> str:
    row = s.get(Meta, COUNT_KEY)
    return row.value if row is not None else NOT_OPENED


def count_state(store: Store) -> str:
    with store.read() as s:
        return count_state_in(s)


def require_count_not_closed(s: Session) -> None:
    """Every write of the count's data asks this (with the stage's lock): a closed count is sealed."""
    if count_state_in(s) == CLOSED:
        raise LockedError(CLOSED_TEXT, "recommendation")


# -- the printed sets ---------------------------------------------------------------------------

def number_sets_in(s: Session) -> dict[str, frozenset[str]]:
    """group → the numbers printed for it (only groups that have some)."""
    found: dict[str, set[str]] = {}
    for number, group in s.execute(select(BallotNumber.number, BallotNumber.group)):
        found.setdefault(group, set()).add(number)
    return {g: frozenset(found[g]) for g in GROUPS if g in found}


def printed_counts(store: Store) -> dict[str, int]:
    """group → 印制 (the size of its set; 0 for a group without numbers)."""
    with store.read() as s:
        sets = number_sets_in(s)
    return {g: len(sets.get(g, ())) for g in GROUPS}


@dataclass(frozen=True)
class PrintRun:
    """The 定岗推荐票 to print: (group, number) group by group, each group's stack in random order."""

    ballots: tuple[tuple[str, str], ...]
    drawn: tuple[str, ...]          # groups whose numbers were drawn for this print
    reprinted: tuple[str, ...]      # groups printed again from their stored set


def _label(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def print_run(store: Store, printed: Mapping[str, int | None]) -> Wrote:
    """Numbers for a print of the 定岗推荐票. ``printed`` is the 印制 张数 per group: absent or None — the
    group's stored set as it is (nothing for a group without one); 0 — the group is not printed this
    time; n — fresh numbers for a group without a set (stored, logged), a reprint of a set of n.
    ``Wrote.result``: the :class:`PrintRun`."""
    unknown = [g for g in printed if g not in GROUPS]
    if unknown:
        raise StoreError(f"未知的投票组 {'、'.join(unknown)}")
    bad = [g for g, n in printed.items() if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 0)]
    if bad:
        raise StoreError(f"{_label(bad[0])}的印制张数须为不小于 0 的整数")
    with store.write("印制定岗推荐票") as s:
        if count_state_in(s) != NOT_OPENED:
            raise StoreError("计票已开始（开票前确认单已封签），不能再印制定岗推荐票；票号以开票前确认单为准")
        sets = number_sets_in(s)
        wanted: dict[str, int] = {}
        chosen: list[str] = []
        for g in GROUPS:
            n, have = printed.get(g), len(sets.get(g, ()))
            if n == 0:
                continue
            if have and n is not None and n != have:
                raise StoreError(f"{_label(g)}已印制 {have} 张选票（票号已保存），重印只能按原票号印 {have} 张；"
                                 f"如需改为 {n} 张，请先“重新制票”（原已印制的选票须全部销毁）")
            if not have and n:
                wanted[g] = n
            if have or n:
                chosen.append(g)
        if wanted:
            require_editable(s, "recommendation")
            taken = {n for ns in sets.values() for n in ns}
            try:
                fresh = draw_ballot_numbers(wanted, taken)
            except BallotNumberError as err:
                raise StoreError(str(err)) from None
            for g, numbers in fresh.items():
                s.add_all(BallotNumber(number=n, group=g) for n in numbers)
            sets = {**sets, **{g: frozenset(ns) for g, ns in fresh.items()}}
        reprinted = tuple(g for g in chosen if g not in wanted)
        if chosen:
            audit.log_event(s, "print-ballots", {"drawn": {g: wanted[g] for g in wanted},
                                                  "reprinted": {g: len(sets[g]) for g in reprinted}})
    order = tuple(print_order({g: sets[g] for g in chosen}))
    label = "印制定岗推荐票：" + ("，".join(f"{_label(g)} {len(sets[g])} 张" for g in chosen) or "无")
    return Wrote(Changed.BALLOTS if wanted else Changed.NONE, label=label, entity="ballot_numbers",
                 seq=store.last_write, result=PrintRun(order, tuple(wanted), reprinted))


def renumber_group(store: Store, group: str, printed: int, *, reason: str, expected: int) -> Wrote:
    """重新制票: drop ``group``'s set (``expected`` = its size as the clerk saw it) and draw ``printed``
    fresh numbers — only before the count is opened, with a reason (the old papers are destroyed)."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    if not reason or not reason.strip():
        raise StoreError("重新制票须填写理由（原已印制的选票须全部销毁）")
    if printed < 0:
        raise StoreError("印制张数须为不小于 0 的整数")
    with store.write(reason.strip()) as s:
        require_editable(s, "recommendation")
        if count_state_in(s) != NOT_OPENED:
            raise StoreError("计票已开始（开票前确认单已封签），不能重新制票")
        old = s.execute(select(BallotNumber).where(BallotNumber.group == group)).scalars().all()
        if len(old) != expected:
            raise StoreError(f"{_label(group)}现已印制 {len(old)} 张（不是您看到的 {expected} 张），未重新制票；请刷新后再操作")
        for row in old:
            s.delete(row)
        s.flush()
        taken = set(s.execute(select(BallotNumber.number)).scalars())
        fresh = draw_ballot_numbers({group: printed}, taken)[group] if printed else ()
        s.add_all(BallotNumber(number=n, group=group) for n in fresh)
    return Wrote(Changed.BALLOTS, label=f"重新制票：{_label(group)} {printed} 张（原 {expected} 张作废）",
                 entity=f"ballot_numbers:{group}", value=str(printed), seq=store.last_write)


# -- a keyed number -------------------------------------------------------------------------------

def group_numbered_in(s: Session, group: str) -> bool:
    """The group's papers carry numbers printed by the program."""
    return s.execute(select(BallotNumber.number).where(BallotNumber.group == group).limit(1)).first() is not None


def number_refusal_in(s: Session, group: str, text: str) -> str | None:
    """Why ``text`` cannot be entered as a ballot of ``group`` now (None: it can). Reads only what
    concerns this number (a paper is checked at its first Enter, SPEC §10)."""
    if not group_numbered_in(s, group):
        return f"{_label(group)}的选票未由本程序编号，不用录入票号"
    number = fold_ballot_number(text)
    printed_for = s.execute(select(BallotNumber.group).where(BallotNumber.number == number)).scalar()
    entered = s.execute(select(Ballot.serial).where(Ballot.ballot_no == number, Ballot.status.in_(ENTERED))
                        .limit(1)).first() is not None
    printed = {printed_for: {number}} if printed_for else {}
    return ballot_number_refusal(text, group, printed, {number} if entered else set())


def check_number(store: Store, group: str, text: str) -> str:
    """A keyed (or scanned) number, checked at once: the number as stored, or :class:`StoreError`
    naming it (not a number, printed for another group, not printed, already entered)."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.read() as s:
        refusal = number_refusal_in(s, group, text)
    if refusal:
        raise StoreError(refusal)
    return fold_ballot_number(text)
