"""§五/§十 抽签: a speaking order anyone can verify with a SHA-256 tool (SPEC §5).

1. The candidate list is fixed first: ``list_digest = sha256("id1,id2,…")`` over the ids
   sorted as strings.
2. The 监督组 announce the seed in the room.
3. Each candidate's key is ``sha256(seed + "|" + meeting + "|" + id)``; the order is by key,
   then id. By hand: ``printf '%s' '4711|竞岗演讲|1001' | sha256sum``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

MEETINGS = ("原任科长述职", "申报者述职", "竞岗演讲")


class DrawError(ValueError):
    """A draw that cannot be made (empty seed, no ids, duplicate id)."""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def list_digest(ids: Sequence[str]) -> str:
    """The digest shown *before* the seed exists: over the ids sorted as strings, comma-joined."""
    return _sha256(",".join(sorted(ids)))


def draw_key(seed: str, meeting: str, person_id: str) -> str:
    return _sha256(f"{seed}|{meeting}|{person_id}")


@dataclass(frozen=True)
class DrawEntry:
    position: int   # from 1
    person: str
    key: str


@dataclass(frozen=True)
class Draw:
    meeting: str
    seed: str
    list_digest: str
    order: tuple[DrawEntry, ...]

    def lines(self) -> list[str]:
        """The lines of ``python -m app draw``: the digest, then ``<position> <id> <key>``."""
        return [f"list_digest {self.list_digest}"] + [f"{e.position} {e.person} {e.key}" for e in self.order]


def _check(seed: str, meeting: str, ids: Sequence[str]) -> None:
    if not seed or not seed.strip():
        raise DrawError("种子为空：请由监督组现场公布种子后再抽签")
    if not meeting or not meeting.strip():
        raise DrawError("会议名称为空")
    if not ids:
        raise DrawError("没有参加抽签的人员")
    seen: set[str] = set()
    dups = sorted({i for i in ids if i in seen or seen.add(i)})
    if dups:
        raise DrawError(f"编号重复：{'、'.join(dups)}")
    if any(not i or "," in i or "|" in i for i in ids):
        raise DrawError("编号不能为空，也不能含逗号或竖线")


def draw(seed: str, meeting: str, ids: Sequence[str]) -> Draw:
    """The speaking order: candidates sorted by key, ascending, then by id."""
    _check(seed, meeting, ids)
    keyed = sorted((draw_key(seed, meeting, i), i) for i in ids)
    order = tuple(DrawEntry(pos, i, key) for pos, (key, i) in enumerate(keyed, start=1))
    return Draw(meeting, seed, list_digest(ids), order)


def verify_draw(recorded: Draw) -> list[str]:
    """Redo a recorded draw; every disagreement with the record (empty when it checks out)."""
    ids = [e.person for e in recorded.order]
    try:
        redone = draw(recorded.seed, recorded.meeting, ids)
    except DrawError as err:
        return [str(err)]
    problems = []
    if redone.list_digest != recorded.list_digest:
        problems.append(f"名单摘要不符：记录 {recorded.list_digest}，重算 {redone.list_digest}")
    for mine, theirs in zip(recorded.order, redone.order):
        if mine != theirs:
            problems.append(f"第{theirs.position}位：记录为 {mine.person} {mine.key}，重算为 {theirs.person} {theirs.key}")
    return problems
