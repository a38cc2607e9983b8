"""What a stage still lacks before it is confirmed (issue 13: nothing is confirmed without a word).

Confirming a stage (草稿 → 已确认) says that its entries were checked against the papers. The 阶段 menu
asks first when entries are still missing or still only 录入 (not confirmed), naming them: a speech row
with 7 of 25 judges, an exam part not typed, a typed 推荐数 not confirmed. Stages whose rules refuse the
move themselves (the count's reconciliation, SPEC §10) still do; this is the clerk's reminder.
"""

from __future__ import annotations

from sqlalchemy import select

from ..core.scheme import GROUP_LABELS
from ..models.schema import Person, RecCount
from . import exam_grid, speech_grid
from .store import Store

SHOWN = 12        # lines listed in the question; the rest are counted


def _speech(store: Store) -> list[str]:
    grid = speech_grid.speech_grid(store)
    judges = len(grid.judges)
    out = []
    for row in grid.rows:
        scored = len(row.cells)
        unconfirmed = sum(1 for c in row.cells.values() if c.status != "confirmed")
        if scored < judges:
            out.append(f"{row.name}：{scored}/{judges} 位评委评分")
        elif unconfirmed:
            out.append(f"{row.name}：{unconfirmed} 个评分未确认")
    return out


def _exam(store: Store) -> list[str]:
    out = []
    for row in exam_grid.exam_grid(store).rows:
        if row.missing:
            out.append(f"{row.name}：缺 {'、'.join(row.missing)}")
        elif row.unconfirmed():
            out.append(f"{row.name}：{len(row.unconfirmed())} 项未确认")
    return out


def _recommendation(store: Store) -> list[str]:
    """Typed 推荐数 not yet confirmed (ballots are accounted by the count's own rules)."""
    with store.read() as s:
        rows = s.execute(select(RecCount.person_id, RecCount.post_id, RecCount.group)
                         .where(RecCount.status != "confirmed").order_by(RecCount.person_id)).all()
        names = dict(s.execute(select(Person.id, Person.name)).all())
    return [f"{names.get(p, p)} → {post} · {GROUP_LABELS.get(g, g)}：推荐数未确认" for p, post, g in rows]


CHECKS = {"speech": _speech, "exam": _exam, "recommendation": _recommendation}


def incomplete(store: Store, stage: str) -> list[str]:
    """Each entry of ``stage`` still missing or not confirmed, in words (empty: nothing to say)."""
    check = CHECKS.get(stage)
    return check(store) if check else []
