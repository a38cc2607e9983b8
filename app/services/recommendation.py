"""§十一 定岗推荐 count mode: presence per voter group, recommendations per (person, post, group)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..core.numbers import ScoreError, parse_count
from ..core.scheme import GROUP_LABELS, GROUPS
from ..models.schema import Ballot, Person, Post, Presence, RecCount
from ._put import need_reason_to_change_confirmed, put
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError


def set_presence(store: Store, group: str, raw: object) -> Changed:
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write() as s:
        require_editable(s, "recommendation")
        try:
            n = parse_count(raw)
        except ScoreError as err:
            raise StoreError(f"{GROUP_LABELS[group]}到会人数：{err}") from None
        most = s.execute(select(func.max(RecCount.count)).where(RecCount.group == group)).scalar() or 0
        totals = s.execute(select(func.sum(RecCount.count)).where(RecCount.group == group)
                           .group_by(RecCount.person_id)).scalars().all()
        if n < max([most, *totals]):
            raise StoreError(f"{GROUP_LABELS[group]}到会人数 {n} 少于已录入的推荐数 {max([most, *totals])}")
        put(s, Presence, {"group": group}, {"present": n})
    return Changed.BALLOTS


UNSEEN = object()
"""``expected`` default of :func:`set_count`: no compare-and-set."""


def set_count(store: Store, person_id: str, post_id: str, group: str, raw: object, *,
              expected_version: int | None = None, expected: object = UNSEEN, reason: str | None = None) -> Changed:
    """One typed 推荐数. ``expected`` is the count the clerk saw (None = empty): when another laptop has
    changed it since, :class:`ConflictError` and nothing is overwritten."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        person, post = s.get(Person, person_id), s.get(Post, post_id)
        if person is None or post is None:
            raise StoreError("没有该竞岗人员或岗位")
        where = f"{person.name} → {post.name} · {GROUP_LABELS[group]}"
        presence = s.get(Presence, group)
        present = presence.present if presence else 0
        try:
            n = parse_count(raw, high=present)
        except ScoreError as err:
            raise StoreError(f"{where}：{err}（到会 {present} 人）") from None
        others = s.execute(select(func.coalesce(func.sum(RecCount.count), 0)).where(
            RecCount.person_id == person_id, RecCount.group == group, RecCount.post_id != post_id)).scalar()
        if others + n > present:
            raise StoreError(f"{where}：该人员各岗位推荐数合计 {others + n} 超过到会人数 {present}"
                             "（每张票对一名竞岗人员只能推荐一个岗位）")
        if s.execute(select(Ballot.serial).where(Ballot.group == group, Ballot.status == "valid").limit(1)).first():
            raise StoreError(f"{GROUP_LABELS[group]}已逐票唱票，推荐数由选票统计，不能再直接录入")
        existing = s.get(RecCount, (person_id, post_id, group))
        if expected is not UNSEEN and (existing.count if existing is not None else None) != expected:
            raise ConflictError("该项已被其他录入人修改，您的修改未保存；请刷新（Ctrl+R）后重新录入")
        if existing is not None and existing.count == n:
            return Changed.NONE
        if existing is not None:
            need_reason_to_change_confirmed(existing, s)
        put(s, RecCount, {"person_id": person_id, "post_id": post_id, "group": group},
            {"count": n, "status": "entered", "entered_by": store.operator, "confirmed_by": None},
            expected_version)
    return Changed.BALLOTS


def presence(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {p.group: p.present for p in s.execute(select(Presence)).scalars()}


def counts(store: Store) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    with store.read() as s:
        for c in s.execute(select(RecCount)).scalars():
            out.setdefault((c.person_id, c.post_id), {})[c.group] = c.count
    return out


def clear_count(store: Store, person_id: str, post_id: str, group: str, *, reason: str | None = None) -> Changed:
    """Remove a typed count (undo of a first entry): the pair has no count for that group again."""
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        row = s.get(RecCount, (person_id, post_id, group))
        if row is None:
            return Changed.NONE
        need_reason_to_change_confirmed(row, s)
        s.delete(row)
    return Changed.BALLOTS
