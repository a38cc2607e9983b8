"""The sheets of a 定岗推荐 count the 监督组 seal and audit (SPEC §10, §11).

- **开票前确认单**: printed before the first ballot is entered: per voter group 到会, 印制 and 发出; the
  candidate–post list exactly as on the ballot, with its SHA-256 and how to recompute it; the group
  weights and the 推荐率 line; the 确认单摘要 the opening seal refers to. The 监督组 check and sign it,
  then seal it in the program (开始计票).
- **抽查单**: the audit seed, per group the sampled numbers in pull order with their tickets and how
  anyone recomputes them (``sha256sum`` or ``python -m app audit-sample``), a column to tick each paper
  pulled and one for the result of its blind re-entry.

The dataclasses live here (as the selection's do); ReportLab is imported only by the builders, so
``import app.reports`` stays light.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import SheetHeader


@dataclass(frozen=True)
class OpeningGroup:
    group: str                      # 局领导 …
    present: int | None
    printed: int | None             # None: not numbered by the program
    issued: int | None


@dataclass(frozen=True)
class OpeningCandidate:
    position: int
    person_id: str
    name: str
    posts: str                      # "P1:办公室科长,P2:财务科科长" as in the digest's text


@dataclass(frozen=True)
class OpeningSheet:
    header: SheetHeader
    groups: tuple[OpeningGroup, ...]
    candidates: tuple[OpeningCandidate, ...]
    list_digest: str                # SHA-256 of the candidate–post list's text
    weights: str                    # 局领导 35%、…
    threshold: str                  # 三分之一
    figures_digest: str             # the 确认单摘要 the opening seal refers to (16 hex digits shown)
    opened: str = ""                # "" before the seal; else when and by whom it was sealed
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AuditLine:
    position: int
    number: str
    ticket: str
    result: str = ""                # filled once re-entered: 一致 / the difference


@dataclass(frozen=True)
class AuditGroup:
    group: str                      # as hashed: 局领导, 其他行政编制人员 …
    size: int
    ballots: int
    lines: tuple[AuditLine, ...]


@dataclass(frozen=True)
class AuditSheet:
    header: SheetHeader
    seed: str
    meeting: str                    # 定岗推荐
    margin: str                     # the count's margin sentence, and why this size
    groups: tuple[AuditGroup, ...]
    notes: tuple[str, ...] = ()


def _hex(text: str, every: int = 16) -> str:
    """A long hex string in groups (a table cell can break between them)."""
    return " ".join(text[i:i + every] for i in range(0, len(text), every))


def _n(value: int | None) -> str:
    return "—" if value is None else str(value)


def opening_sheet(data: OpeningSheet, out=None) -> bytes:
    """开票前确认单 (SPEC §10)."""
    from reportlab.lib.units import mm

    from .base import SheetBuilder
    from .table import Column

    b = SheetBuilder(data, signers=("计票人", "监票人", "监督人"), form=True)
    b.title(subtitle=data.opened or "开票前填写，监督组核对签字后封签，方可开始计票")
    b.section("一、各投票组到会、印制、发出张数")
    b.grid([Column("投票组"), Column("到会人数", "RIGHT"), Column("印制张数", "RIGHT"), Column("发出张数", "RIGHT"),
            Column("监督组核对", min_width=28 * mm)],
           [[g.group, _n(g.present), _n(g.printed) if g.printed is not None else "未编号", _n(g.issued), ""]
            for g in data.groups])
    b.section("二、候选人–岗位名单（与定岗推荐票一致）")
    b.grid([Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("申报岗位（代码:岗位）", wrap=True)],
           [[str(c.position), c.person_id, c.name, c.posts.replace(",", "，")] for c in data.candidates])
    b.note(f"名单摘要（SHA-256）：{_hex(data.list_digest)}")
    b.note(f"三、各组权重：{data.weights}；推荐率达到会人数{data.threshold}以上（含本数）为达到。")
    b.note(f"确认单摘要：{data.figures_digest[:16].upper()}（封签时程序核对：封签的数字与本单一致）")
    for text in data.notes:
        b.note(text, b.styles.form_note)
    return b.render(out)


def audit_sheet(data: AuditSheet, out=None) -> bytes:
    """抽查单 (SPEC §11)."""
    from reportlab.lib.units import mm

    from .base import SheetBuilder
    from .table import Column

    b = SheetBuilder(data, signers=("抽查人", "复录人", "监督人"), form=True)
    b.title(subtitle=f"抽查种子：{data.seed}　会议：{data.meeting}" if data.seed else "尚未抽查")
    if data.margin:
        b.note(data.margin)
    for g in data.groups:
        b.section(f"{g.group}：抽查 {g.size} 张（共录入 {g.ballots} 张）")
        b.grid([Column("序", "CENTER"), Column("票号", "CENTER"), Column("键值（SHA-256）", wrap=True),
                Column("已取出（√）", "CENTER", min_width=20 * mm), Column("复录结果", wrap=True, min_width=30 * mm)],
               [[str(x.position), x.number, _hex(x.ticket), "", x.result] for x in g.lines])
    for text in data.notes:
        b.note(text, b.styles.form_note)
    return b.render(out)
