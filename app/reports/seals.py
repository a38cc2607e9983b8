"""封签记录 (SPEC §9): every seal the 监督组 made — each lock, publication, unlock and count close —
with its time, who typed, the reason, and the 摘要码 of the chain head right after it, for the 监督组
to sign and keep. Later ``python -m app verify FILE --printed CODE@n`` checks any of these codes
against the file. Plain data in (:class:`SealSheet`), PDF out; the data builder is
``app.services.report_data``'s ``BUILDERS["封签记录"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import SheetHeader


@dataclass(frozen=True)
class SealRow:
    n: int                     # the seal's row in the audit log
    at: str                    # local time, as printed
    what: str                  # 锁定 / 公布 / 解锁 / 结束计票 …
    stage: str                 # the stage's Chinese name
    operator: str
    reason: str                # for an unlock; the stages it withdrew (已撤回)
    code: str                  # 3F2A-91C0-7B44-E1D9（第 n 条）


@dataclass(frozen=True)
class SealSheet:
    header: SheetHeader
    rows: tuple[SealRow, ...]
    notes: tuple[str, ...] = ()


def seal_sheet(data: SealSheet, out=None) -> bytes:
    """封签记录: one row per seal, oldest first; the 监督组 sign at the end."""
    from .base import SheetBuilder
    from .table import Column

    b = SheetBuilder(data, signers=("监督人", "监督人", "计分人"))
    b.title()
    if not data.rows:
        b.note("尚无封签（锁定、公布、解锁阶段或结束计票时由监督组输入密码封签）。")
    else:
        b.grid([Column("条目", "RIGHT"), Column("时间", "CENTER"), Column("封签"), Column("阶段", wrap=True),
                Column("录入人"), Column("理由 / 撤回", wrap=True), Column("摘要码")],
               [[str(r.n), r.at, r.what, r.stage, r.operator, r.reason, r.code] for r in data.rows], size=9)
    return b.render(out, notes=data.notes)
