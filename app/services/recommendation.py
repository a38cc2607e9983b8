"""§十一 定岗推荐 count mode: presence per voter group, recommendations per (person, post, group).

Every write takes the version the clerk saw (compare-and-set: changed since → :class:`ConflictError`
naming who) and answers with what it stored and the tab's new grid (``Wrote.result``,
:class:`app.services.recommendation_grid.RecommendationGrid`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.numbers import ScoreError, parse_count
from ..core.scheme import GROUP_LABELS, GROUPS
from ..models.schema import Ballot, Person, Post, Presence, RecCount
from ._put import need_reason_to_change_confirmed, put
from .stages import require_editable
from .store import Changed, Store, StoreError, Wrote


def _answer(store: Store, s: Session, label: str, entity: str, row, value: str | None,
            changes: Changed = Changed.BALLOTS) -> Wrote:
    from .recommendation_grid import grid_in
    s.flush()
    return Wrote(changes, label=label, entity=entity, value=value, version=row.version if row is not None else 0,
                 result=grid_in(store, s))


def _with_seq(store: Store, wrote: Wrote) -> Wrote:
    return Wrote(wrote.changes, wrote.label, wrote.entity, wrote.value, wrote.version, store.last_write, wrote.result)


def _check_version(s: Session, row, entity: str, expected_version: int | None, wanted: str) -> None:
    if expected_version is not None and (row.version if row is not None else 0) != expected_version:
        from .history import conflict
        raise conflict(s, entity, wanted=wanted)


def set_presence(store: Store, group: str, raw: object, *, expected_version: int | None = None) -> Wrote:
    """到会人数 of a voter group. ``expected_version``: the version the clerk saw (0 = empty)."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    where = f"{GROUP_LABELS[group]}到会人数"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise StoreError(f"{where}不能为空（无人到会请录 0）")
    entity = f"presence:{group}"
    with store.write() as s:
        require_editable(s, "recommendation")
        try:
            n = parse_count(raw)
        except ScoreError as err:
            raise StoreError(f"{where}：{err}") from None
        row = s.get(Presence, group)
        _check_version(s, row, entity, expected_version, str(n))
        if row is not None and row.present == n:
            return _answer(store, s, f"{where}：{n}", entity, row, str(n), Changed.NONE)
        most = s.execute(select(func.max(RecCount.count)).where(RecCount.group == group)).scalar() or 0
        totals = s.execute(select(func.sum(RecCount.count)).where(RecCount.group == group)
                           .group_by(RecCount.person_id)).scalars().all()
        if n < max([most, *totals]):
            raise StoreError(f"{where} {n} 少于已录入的推荐数 {max([most, *totals])}")
        keyed = s.execute(select(func.count()).select_from(Ballot).where(
            Ballot.group == group, Ballot.status == "valid")).scalar() or 0
        if n < keyed:
            raise StoreError(f"{where} {n} 少于已唱票 {keyed} 张")
        row, _ = put(s, Presence, {"group": group}, {"present": n})
        wrote = _answer(store, s, f"{where}：{n}", entity, row, str(n))
    return _with_seq(store, wrote)


def _pair(s: Session, person_id: str, post_id: str, group: str) -> str:
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    person, post = s.get(Person, person_id), s.get(Post, post_id)
    if person is None or post is None:
        raise StoreError("没有该竞岗人员或岗位")
    return f"{person.name} → {post.name} · {GROUP_LABELS[group]}"


def set_count(store: Store, person_id: str, post_id: str, group: str, raw: object, *,
              expected_version: int | None = None, reason: str | None = None) -> Wrote:
    """One typed 推荐数. ``expected_version`` is the version of the count the clerk saw (0 = empty):
    when another laptop has changed it since, :class:`ConflictError` names who, and nothing is written."""
    entity = f"rec_counts:{person_id}|{post_id}|{group}"
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        where = _pair(s, person_id, post_id, group)
        presence = s.get(Presence, group)
        present = presence.present if presence else 0
        try:
            n = parse_count(raw, high=present)
        except ScoreError as err:
            raise StoreError(f"{where}：{err}（到会 {present} 人）") from None
        existing = s.get(RecCount, (person_id, post_id, group))
        _check_version(s, existing, entity, expected_version, str(n))
        label = f"{where}推荐数：{n}"
        if existing is not None and existing.count == n:
            return _answer(store, s, label, entity, existing, str(n), Changed.NONE)
        others = s.execute(select(func.coalesce(func.sum(RecCount.count), 0)).where(
            RecCount.person_id == person_id, RecCount.group == group, RecCount.post_id != post_id)).scalar()
        if others + n > present:
            raise StoreError(f"{where}：该人员各岗位推荐数合计 {others + n} 超过到会人数 {present}"
                             "（每张票对一名竞岗人员只能推荐一个岗位）")
        if s.execute(select(Ballot.serial).where(Ballot.group == group, Ballot.status == "valid").limit(1)).first():
            raise StoreError(f"{GROUP_LABELS[group]}已逐票唱票，推荐数由选票统计，不能再直接录入")
        if existing is not None:
            need_reason_to_change_confirmed(existing, s)
        row, _ = put(s, RecCount, {"person_id": person_id, "post_id": post_id, "group": group},
                     {"count": n, "status": "entered", "entered_by": store.operator, "confirmed_by": None})
        wrote = _answer(store, s, label, entity, row, str(n))
    return _with_seq(store, wrote)


def clear_count(store: Store, person_id: str, post_id: str, group: str, *, reason: str | None = None,
                expected_version: int | None = None) -> Wrote:
    """Remove a typed count: the pair has no count for that group again."""
    entity = f"rec_counts:{person_id}|{post_id}|{group}"
    with store.write(reason) as s:
        require_editable(s, "recommendation")
        where = _pair(s, person_id, post_id, group)
        row = s.get(RecCount, (person_id, post_id, group))
        _check_version(s, row, entity, expected_version, "空")
        if row is None:
            return _answer(store, s, f"清除 {where}推荐数", entity, None, None, Changed.NONE)
        need_reason_to_change_confirmed(row, s)
        label = f"清除 {where}推荐数（原 {row.count}）"
        s.delete(row)
        wrote = _answer(store, s, label, entity, None, None)
    return _with_seq(store, wrote)


def presence(store: Store) -> dict[str, int]:
    with store.read() as s:
        return {p.group: p.present for p in s.execute(select(Presence)).scalars()}


def counts(store: Store) -> dict[tuple[str, str], dict[str, int]]:
    out: dict[tuple[str, str], dict[str, int]] = {}
    with store.read() as s:
        for c in s.execute(select(RecCount)).scalars():
            out.setdefault((c.person_id, c.post_id), {})[c.group] = c.count
    return out
