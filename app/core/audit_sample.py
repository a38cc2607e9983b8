"""抽查 — the sampling audit of a closed 定岗推荐 count, recomputable by anyone (SPEC §11).

After the count is closed the 监督组 announce an audit seed in the room. For each entered ballot of
a group, ``ticket = sha256(seed + "|" + meeting + "|" + group + "|" + number)`` (lowercase hex,
UTF-8); the sample of size s is the s ballots with the smallest tickets. By hand:
``printf '%s' '2718|定岗推荐|局领导|483920' | sha256sum``, then sort the tickets.

``meeting`` and ``group`` are the texts printed on the 抽查单; **Decision**: the group is written as
on the ballot, e.g. ``局领导`` (any text is hashed as given). Numbers are 6-digit ballot numbers
(SPEC §10), 全角 digits folded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

from .ballot_numbers import fold_ballot_number, is_ballot_number

SMALL_MARGIN = 5     # a count's margin of at most this many ballots: audit the whole group
SHARE = 10           # else this per cent of the group's ballots …
AT_LEAST = 5         # … and never fewer than this many


class AuditError(ValueError):
    """A sample that cannot be drawn (empty seed, no numbers, a repeated or malformed number)."""


def audit_ticket(seed: str, meeting: str, group: str, number: str) -> str:
    return hashlib.sha256(f"{seed}|{meeting}|{group}|{number}".encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    position: int   # from 1: the order in which the papers are pulled
    number: str
    ticket: str


@dataclass(frozen=True)
class AuditOrder:
    seed: str
    meeting: str
    group: str
    order: tuple[AuditEntry, ...]   # every entered ballot, smallest ticket first

    def sample(self, size: int) -> tuple[AuditEntry, ...]:
        return self.order[:max(size, 0)]

    def lines(self) -> list[str]:
        """The lines of ``python -m app audit-sample``: ``<position> <number> <ticket>``."""
        return [f"{e.position} {e.number} {e.ticket}" for e in self.order]


def audit_order(seed: str, meeting: str, group: str, numbers: Sequence[str]) -> AuditOrder:
    """All the group's entered ballots in sample order (by ticket, then number); the first s are the sample."""
    if not seed or not seed.strip():
        raise AuditError("种子为空：请由监督组在计票结束后现场公布抽查种子")
    if not meeting or not meeting.strip():
        raise AuditError("会议名称为空")
    if not group or not group.strip():
        raise AuditError("投票组为空")
    if not numbers:
        raise AuditError("没有票号：请给出该组已录入的全部票号")
    folded = [fold_ballot_number(n) for n in numbers]
    bad = [n for n in folded if not is_ballot_number(n)]
    if bad:
        raise AuditError(f"不是 6 位数字的票号：{'、'.join(b[:20] for b in bad[:5])}")
    seen: set[str] = set()
    repeated = sorted({n for n in folded if n in seen or seen.add(n)})
    if repeated:
        raise AuditError(f"票号重复：{'、'.join(repeated)}")
    keyed = sorted((audit_ticket(seed, meeting, group, n), n) for n in folded)
    return AuditOrder(seed, meeting, group,
                      tuple(AuditEntry(i, n, t) for i, (t, n) in enumerate(keyed, start=1)))


def suggested_sample_size(ballots: int, count_margin: int | None) -> int:
    """How many of a group's ``ballots`` to pull: all when the count's margin is ≤ 5 ballots; else
    10 % rounded *up* (a part of a paper is a whole paper), at least 5, never more than the group has.

    **Decision**: with no margin (nothing decided by ballots) the 10 % rule applies.
    Margin 12: 200 ballots → 20; 51 → 6 (5.1 rounded up); 30 → 5 (3, at least 5); 3 → 3. Margin 5: all.
    """
    if ballots <= 0:
        return 0
    if count_margin is not None and count_margin <= SMALL_MARGIN:
        return ballots
    share = -(-ballots * SHARE // 100)
    return min(ballots, max(share, AT_LEAST))
