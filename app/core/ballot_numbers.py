"""定岗推荐票 accounting (SPEC §10): ballot numbers, the check of a keyed number, reconciliation,
and the candidate–post list of the 开票前确认单 with its SHA-256.

- **Ballot numbers** are 6 random digits, unique within a meeting, drawn with :mod:`secrets` and never
  in sequence, so a number says nothing about who received it. **Decision**: 100000–999999 (no
  leading zero, which a spreadsheet or a hurried clerk would drop). The program keeps the *set* of
  numbers printed per group; the print order is shuffled within each group (each group's stack is
  handed out on its own).
- **A keyed number** (typed, or a barcode scanner typing digits and Enter) is folded (全角 digits →
  ASCII, surrounding blanks dropped) and must be 6 ASCII digits, printed for that group, not yet entered.
- **Reconciled** when, for every group, 印制 ≥ 发出 ≥ 收回, 收回 ≤ 到会, and the ballots entered
  = 收回, each number entered once and printed for that group. A group entered as typed totals only
  (no per-ballot entry, allowed for a whole group) is checked on its totals and listed as such.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Collection, Iterable, Mapping, Sequence

from .numbers import fold_fullwidth
from .scheme import GROUP_SHORT_LABELS, GROUPS

NUMBER_DIGITS = 6
LOWEST, HIGHEST = 100_000, 999_999
MAX_PER_MEETING = 100_000   # a meeting never prints more; keeps random drawing quick (≤ 1 in 9 taken)


class BallotNumberError(ValueError):
    """Numbers that cannot be drawn, or a list that cannot be written canonically (message in Chinese)."""


def _rng(rng: random.Random | None) -> random.Random:
    return rng if rng is not None else secrets.SystemRandom()


def draw_ballot_numbers(printed: Mapping[str, int], taken: Collection[str] = (),
                        rng: random.Random | None = None) -> dict[str, tuple[str, ...]]:
    """Fresh numbers for each group's 印制 count, unique within the meeting (``taken``: numbers it
    already has). Each group's numbers are returned sorted: the set is what is kept, not an order."""
    if any(n < 0 for n in printed.values()):
        raise BallotNumberError("印制张数不能为负")
    total = sum(printed.values())
    if total + len(taken) > MAX_PER_MEETING:
        raise BallotNumberError(f"一次会议最多印制 {MAX_PER_MEETING} 张选票")
    r, used, fresh = _rng(rng), set(taken), []
    while len(fresh) < total:
        number = str(r.randint(LOWEST, HIGHEST))
        if number not in used:
            used.add(number)
            fresh.append(number)
    out, start = {}, 0
    for g in [g for g in GROUPS if g in printed] + [g for g in printed if g not in GROUPS]:
        out[g] = tuple(sorted(fresh[start:start + printed[g]]))
        start += printed[g]
    return out


def print_order(numbers: Mapping[str, Iterable[str]], rng: random.Random | None = None) -> list[tuple[str, str]]:
    """(group, number) in the order to print: group by group, each group's numbers shuffled."""
    r, order = _rng(rng), []
    for g in sorted(numbers, key=lambda g: (GROUPS.index(g) if g in GROUPS else len(GROUPS), g)):
        stack = sorted(numbers[g])
        r.shuffle(stack)
        order.extend((g, n) for n in stack)
    return order


def fold_ballot_number(text: str) -> str:
    """A keyed number as stored: 全角 digits folded, blanks and the scanner's line end dropped."""
    return fold_fullwidth(text).strip()


def is_ballot_number(text: str) -> bool:
    return len(text) == NUMBER_DIGITS and all("0" <= ch <= "9" for ch in text)


def _label(group: str) -> str:
    return GROUP_SHORT_LABELS.get(group, group)


def ballot_number_refusal(text: str, group: str, printed: Mapping[str, Collection[str]],
                          entered: Collection[str]) -> str | None:
    """Why a keyed number cannot be entered for ``group`` (None when it can), naming it.

    ``printed``: the numbers printed per group of the meeting; ``entered``: every number already
    entered in the meeting (void ballots included).
    """
    number = fold_ballot_number(text)
    if not is_ballot_number(number):
        return f"“{number[:20]}” 不是票号：票号是 {NUMBER_DIGITS} 位数字"
    if number not in printed.get(group, ()):
        other = next((g for g in printed if g != group and number in printed[g]), None)
        if other is not None:
            return f"票号 {number} 是{_label(other)}的选票，不是{_label(group)}的"
        return f"票号 {number} 不是本次会议为{_label(group)}印制的票号"
    if number in entered:
        return f"票号 {number} 已录入，不能重复录入"
    return None


@dataclass(frozen=True)
class GroupAccount:
    """One voter group's figures at a count (印制 ≥ 发出 ≥ 收回; 收回 ≤ 到会)."""

    group: str
    present: int
    printed: int                                   # 印制
    issued: int                                    # 发出
    returned: int                                  # 收回
    entered: Sequence[str] = ()                    # numbers of the ballots entered (void ones too), as keyed
    printed_numbers: Collection[str] | None = None # when known, every entered number must be one of them
    counts_only: bool = False                      # typed totals for the whole group, no per-ballot entry


@dataclass(frozen=True)
class Reconciliation:
    findings: tuple[str, ...]        # each names its group: "其他行政：收回 40 张，已录入 39 张，缺 1 张"
    counts_only: tuple[str, ...]     # groups entered as totals only (the sheet says so)

    @property
    def reconciled(self) -> bool:
        return not self.findings


def _order(accounts: Iterable[GroupAccount]) -> list[GroupAccount]:
    return sorted(accounts, key=lambda a: (GROUPS.index(a.group) if a.group in GROUPS else len(GROUPS), a.group))


def reconcile(accounts: Iterable[GroupAccount]) -> Reconciliation:
    """SPEC §10: every finding that keeps the count from being confirmed (none → reconciled)."""
    accounts = _order(accounts)
    findings: list[str] = []
    everywhere = Counter(n for a in accounts if not a.counts_only for n in a.entered)
    for a in accounts:
        say = lambda text: findings.append(f"{_label(a.group)}：{text}")   # noqa: E731
        for name, value in (("到会", a.present), ("印制", a.printed), ("发出", a.issued), ("收回", a.returned)):
            if value < 0:
                say(f"{name} {value} 张不能为负")
        if a.issued > a.printed:
            say(f"发出 {a.issued} 张，多于印制 {a.printed} 张")
        if a.returned > a.issued:
            say(f"收回 {a.returned} 张，多于发出 {a.issued} 张")
        if a.returned > a.present:
            say(f"收回 {a.returned} 张，多于到会 {a.present} 人")
        if a.counts_only:
            continue
        entered = len(a.entered)
        if entered < a.returned:
            say(f"收回 {a.returned} 张，已录入 {entered} 张，缺 {a.returned - entered} 张")
        elif entered > a.returned:
            say(f"收回 {a.returned} 张，已录入 {entered} 张，多 {entered - a.returned} 张")
        mine = Counter(a.entered)
        for number in sorted(mine):
            if mine[number] > 1:
                say(f"票号 {number} 录入了 {mine[number]} 次")
            elif everywhere[number] > 1:
                say(f"票号 {number} 在其他组也录入了")
            if a.printed_numbers is not None and number not in a.printed_numbers:
                say(f"票号 {number} 不是为本组印制的票号")
    return Reconciliation(tuple(findings), tuple(a.group for a in accounts if a.counts_only))


# -- the candidate–post list of the 开票前确认单 --------------------------------------------------

@dataclass(frozen=True)
class BallotCandidate:
    """One candidate as printed on the 定岗推荐票: id, name and the declared posts in printed order."""

    person: str
    name: str
    posts: tuple[tuple[str, str], ...]   # (post id, post name)


_RESERVED = ("|", ",", ":", "\n", "\r")


def candidate_list_text(candidates: Sequence[BallotCandidate]) -> str:
    """The canonical text of the candidate–post list, which the 确认单 prints with its SHA-256.

    One line per candidate in the order printed on the ballot, each ending in a line feed (LF):
    ``<position>|<person id>|<name>|<post id>:<post name>,<post id>:<post name>`` — position from 1,
    the posts in the order printed (first choice first), no spaces added, UTF-8, nothing before the
    first line or after the last line feed. Anyone can recompute the digest:
    ``printf '1|1001|张明|P1:办公室科长\\n2|1003|王芳|P2:财务科科长\\n' | sha256sum``
    (or save the printed lines, LF line ends, and run ``sha256sum`` on the file).
    """
    lines = []
    for i, c in enumerate(candidates, start=1):
        fields = [c.person, c.name] + [x for post in c.posts for x in post]
        bad = next((f for f in fields if any(ch in f for ch in _RESERVED) or f != f.strip() or not f), None)
        if bad is not None:
            raise BallotNumberError(f"候选人名单中的“{bad[:20]}”为空、首尾有空格或含有 | , : 或换行，无法写成确认单的摘要文本")
        posts = ",".join(f"{pid}:{name}" for pid, name in c.posts)
        lines.append(f"{i}|{c.person}|{c.name}|{posts}\n")
    return "".join(lines)


def candidate_list_digest(candidates: Sequence[BallotCandidate]) -> str:
    """SHA-256 of :func:`candidate_list_text`, lowercase hex (what ``sha256sum`` prints)."""
    return hashlib.sha256(candidate_list_text(candidates).encode("utf-8")).hexdigest()
