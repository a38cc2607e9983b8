"""双向选择 (§十五 科员定岗, §十六 事业人员补充): the result sheet and the blank confirmation form.

The dataclasses live here (not in :mod:`app.reports.data`) so the selection is one module; this
module imports ReportLab only inside the builders, so ``import app.reports`` stays ReportLab-free.

- 双向选择结果: per 科室 (the post's 科室, else its 科长's post name) the persons seated there and how
  (科员定岗第n轮 / 事业人员补充第n轮 / 保留原科室人员（…第n轮） / 领导组安排 / 不轮岗); then 领导组安排 (行政 not placed),
  回原编制单位 (事业 not placed), 科室 left short (allowed, §十六(五)) and 科室 where the must-take
  rule of §十六 could not be met; 计分人/复核人/监督人 on the last page.
- 双向选择确认表: one page for one round of one phase: per 科室 its 科长 and blank cells for the
  picked person and the two signatures (科长, 本人) and the date.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import SheetHeader


@dataclass(frozen=True)
class SelectionPlaced:
    person_id: str
    name: str
    former_office: str              # 原科室 ("" unknown)
    how: str                        # 科员定岗第1轮 / 保留原科室人员（事业人员补充第1轮） / 领导组安排 / 不轮岗


@dataclass(frozen=True)
class SelectionOffice:
    office: str                     # 科室 name
    chief: str                      # 科长 name
    headcount: int                  # 核定人数（科长除外）
    placed: tuple[SelectionPlaced, ...]


@dataclass(frozen=True)
class SelectionLeftover:
    person_id: str
    name: str
    former_office: str


@dataclass(frozen=True)
class SelectionSheet:
    header: SheetHeader
    offices: tuple[SelectionOffice, ...]
    to_leaders: tuple[SelectionLeftover, ...] = ()     # 领导组安排 (行政 and declined, not placed)
    to_origin: tuple[SelectionLeftover, ...] = ()      # 回原编制单位 (事业, not placed)
    short: tuple[tuple[str, int], ...] = ()            # (科室, 空缺人数): allowed
    unmet: tuple[str, ...] = ()                        # 科室 where §十六's must-take rule was not met
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SelectionFormRow:
    office: str
    chief: str
    chief_id: str = ""
    declared: tuple[tuple[str, str], ...] = ()      # (编号, 姓名) of who declared this 科室 and is not placed


@dataclass(frozen=True)
class SelectionForms:
    header: SheetHeader
    phase: str                      # 科员定岗 / 事业人员补充
    round_no: int
    rows: tuple[SelectionFormRow, ...]
    notes: tuple[str, ...] = ()


def selection_sheet(data: SelectionSheet, out=None) -> bytes:
    """双向选择结果."""
    from .base import SheetBuilder
    from .table import Column

    b = SheetBuilder(data)
    b.title()
    rows = []
    for o in data.offices:
        if not o.placed:
            rows.append([o.office, o.chief, str(o.headcount), "", "", "（无）", "", ""])
        for i, p in enumerate(o.placed, start=1):
            rows.append([o.office if i == 1 else "", o.chief if i == 1 else "", str(o.headcount) if i == 1 else "",
                         str(i), p.person_id, p.name, p.former_office, p.how])
    b.grid([Column("科室", wrap=True), Column("科长"), Column("核定人数", "RIGHT"), Column("序号", "CENTER"),
            Column("编号", "CENTER"), Column("姓名"), Column("原科室", wrap=True), Column("确定方式", wrap=True)], rows)
    cols = [Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("原科室", wrap=True)]
    for heading, people in (("领导组安排（未定岗的行政人员，第十五条）", data.to_leaders),
                            ("回原编制单位（未定岗的事业人员，第十六条（七））", data.to_origin)):
        b.section(heading)
        if people:
            b.grid(cols, [[str(i), p.person_id, p.name, p.former_office] for i, p in enumerate(people, start=1)])
        else:
            b.note("无。")
    if data.short:
        b.section("补充人员少于核定人数的科室（允许，第十六条（五））")
        b.grid([Column("科室", wrap=True), Column("空缺人数", "RIGHT")], [[o, str(n)] for o, n in data.short])
    if data.unmet:
        b.section("未能选择原事业人员的科室（第十六条，报领导组研究）")
        b.note("、".join(data.unmet))
    return b.render(out, notes=data.notes)


def selection_forms(data: SelectionForms, out=None) -> bytes:
    """双向选择确认表: one page for the round, to be filled in and signed at the meeting. Each 科室 shows
    who declared it (编号 and name, as the entry screen keys them); the 科长 writes both."""
    from reportlab.lib.units import mm

    from .base import SheetBuilder
    from .table import Column

    b = SheetBuilder(data, signers=None, form=True)
    label = f"{data.phase}第{data.round_no}轮"
    b.new_page(f"{data.header.title} · {label}")
    b.title(subtitle=label)
    b.note("每科每轮只可选择一名申报本科室的人员，或放弃（在“拟选人员”栏写“放弃”）；拟选人员请写编号和姓名"
           "（录入时按编号）。选定后由科长和被选人员本人签字确认。", b.styles.form_note)
    b.grid([Column("序号", "CENTER"), Column("科室", wrap=True), Column("科长（编号）"),
            Column("申报本科室的人员（编号 姓名）", wrap=True),
            Column("拟选人员\n（编号、姓名）", min_width=32 * mm), Column("科长签字", min_width=22 * mm),
            Column("本人签字", min_width=22 * mm), Column("日期", min_width=18 * mm)],
           [[str(i), r.office, f"{r.chief}（{r.chief_id}）" if r.chief_id else r.chief,
             "、".join(f"{pid} {name}" for pid, name in r.declared) or "（无）", "", "", "", ""]
            for i, r in enumerate(data.rows, start=1)],
           row_height=12 * mm)
    for text in data.notes:
        b.note(text, b.styles.form_note)
    b.signature(("主持人", "监督人"))
    return b.render(out)
