"""§十一 定岗推荐: the ballot paper count per voter group — 发出 / 收回 / 有效 — and its cross-check.

The clerk types three numbers per group as the 监票人 announce them. They are stored as audited
``meta`` rows (``ballots_issued:<group>``, ``ballots_returned:<group>``, ``ballots_valid:<group>``),
so every change is in the log like any other entry. They do not enter any formula: 推荐率 is
always over those *present* (SPEC §3); the numbers only let the 考评组 see that the papers add up.

**Decision** (the cross-check, warnings, never refusals — the numbers may be typed in any order):
1. 收回 > 发出: more papers came back than were handed out.
2. 有效 > 收回: more valid papers than papers returned.
3. 到会 ≠ 收回 (both known): each voter present gets one paper and hands it back, so a
   difference means a voter left, a paper is missing, or a head count is wrong.
4. 唱票: more ballots keyed than 有效 papers (fewer is just "still counting").
5. Count mode: one candidate's recommendations in a group, summed over posts, above 有效 (each
   valid paper recommends a candidate for at most one post).
Only a number that is not a whole number ≥ 0 is refused; an empty entry clears the number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import select

from ..core.numbers import ScoreError, parse_count
from ..core.scheme import GROUP_LABELS, GROUPS
from ..models.schema import Meta
from ._put import put
from .stages import require_editable
from .store import Changed, Store, StoreError, Wrote

KINDS = ("issued", "returned", "valid")
KIND_LABELS = {"issued": "发出", "returned": "收回", "valid": "有效"}


def meta_key(kind: str, group: str) -> str:
    return f"ballots_{kind}:{group}"


@dataclass(frozen=True)
class PaperCount:
    """The papers of one voter group; ``None`` where nothing was typed."""

    issued: int | None = None
    returned: int | None = None
    valid: int | None = None

    def get(self, kind: str) -> int | None:
        return getattr(self, kind)


def set_paper_count(store: Store, group: str, kind: str, raw: object, *,
                    expected_version: int | None = None) -> Wrote:
    """Record (or with an empty entry clear) one of 发出 / 收回 / 有效 for a voter group.
    ``expected_version``: the version the clerk saw (0 = empty) — changed since: :class:`ConflictError`.
    ``Wrote.result`` is the 定岗推荐计票 tab's new grid."""
    from .recommendation_grid import grid_in
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    if kind not in KINDS:
        raise StoreError(f"未知的票数项 {kind}")
    where = f"{GROUP_LABELS[group]}{KIND_LABELS[kind]}票数"
    empty = raw is None or (isinstance(raw, str) and not raw.strip())
    value = None
    if not empty:
        try:
            value = parse_count(raw)
        except ScoreError as err:
            raise StoreError(f"{where}：{err}") from None
    key = meta_key(kind, group)
    with store.write() as s:
        require_editable(s, "recommendation")
        row = s.get(Meta, key)
        if expected_version is not None and (row.version if row is not None else 0) != expected_version:
            from .history import conflict
            raise conflict(s, f"meta:{key}", wanted="空" if value is None else str(value))
        changes, label = Changed.BALLOTS, f"{where}：{value}" if value is not None else f"清空 {where}"
        if value is None:
            if row is None:
                changes = Changed.NONE
            else:
                label += f"（原 {row.value}）"
                s.delete(row)
                row = None
        elif row is not None and row.value == str(value):
            changes = Changed.NONE
        else:
            row, _ = put(s, Meta, {"key": key}, {"value": str(value)})
        s.flush()
        wrote = Wrote(changes, label=label, entity=f"meta:{key}", value=None if value is None else str(value),
                      version=row.version if row is not None else 0, result=grid_in(store, s))
    return Wrote(wrote.changes, wrote.label, wrote.entity, wrote.value, wrote.version,
                 store.last_write if changes else (0, 0), wrote.result)


def paper_counts(store: Store) -> dict[str, PaperCount]:
    """group → its 发出 / 收回 / 有效 (every group present in the answer)."""
    keys = {meta_key(k, g): (g, k) for g in GROUPS for k in KINDS}
    found: dict[str, dict[str, int]] = {g: {} for g in GROUPS}
    with store.read() as s:
        for row in s.execute(select(Meta).where(Meta.key.in_(list(keys)))).scalars():
            group, kind = keys[row.key]
            found[group][kind] = int(row.value)
    return {g: PaperCount(**found[g]) for g in GROUPS}


def cross_check(present: Mapping[str, int], papers: Mapping[str, PaperCount], *,
                keyed: Mapping[str, int] | None = None,
                person_totals: Mapping[str, Mapping[str, int]] | None = None,
                names: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """group → warnings (Chinese), by the rules in the module docstring.

    ``keyed``: ballots keyed in 唱票 mode per group; ``person_totals``: group → person → the
    person's recommendations in that group summed over posts (count mode); ``names``: person → name.
    """
    keyed = keyed or {}
    person_totals = person_totals or {}
    names = names or {}
    out: dict[str, list[str]] = {}
    for g in GROUPS:
        label = GROUP_LABELS[g]
        p = papers.get(g, PaperCount())
        warnings: list[str] = []
        if p.issued is not None and p.returned is not None and p.returned > p.issued:
            warnings.append(f"{label}：收回 {p.returned} 张多于发出 {p.issued} 张")
        if p.returned is not None and p.valid is not None and p.valid > p.returned:
            warnings.append(f"{label}：有效 {p.valid} 张多于收回 {p.returned} 张")
        if g in present and p.returned is not None and present[g] != p.returned:
            warnings.append(f"{label}：收回 {p.returned} 张与到会 {present[g]} 人不符")
        if p.valid is not None and keyed.get(g, 0) > p.valid:
            warnings.append(f"{label}：已唱票 {keyed[g]} 张多于有效票 {p.valid} 张")
        if p.valid is not None:
            for person, total in sorted(person_totals.get(g, {}).items()):
                if total > p.valid:
                    warnings.append(f"{label}：{names.get(person, person)} 各岗位推荐数合计 {total}"
                                    f" 多于有效票 {p.valid} 张")
        if warnings:
            out[g] = warnings
    return out
