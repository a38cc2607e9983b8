"""Blank forms for the meeting: 评委评分表, 定岗推荐票, 满意度测评票, 民主测评票.

Each form starts on a new page and names itself in the running header (评委3, No.0007 …), so a
form that runs over two pages can still be told apart. Ballots carry no signature (secret
ballot); a judge signs their own score sheet.
"""

from __future__ import annotations

from reportlab.lib.units import mm

from .base import Out, SheetBuilder
from .table import Column
from .data import BallotForms, JudgeForms, RatingForms

WRITE = 9 * mm          # row height where a person writes by hand


def judge_forms(data: JudgeForms, out: Out = None) -> bytes:
    """评委评分表: one per judge, the candidates in speaking order (§十)."""
    b = SheetBuilder(data, signers=None)
    unit = "整数" if data.decimals == 0 else f"最多保留 {data.decimals} 位小数"
    for judge in data.judges:
        b.new_page(f"{data.header.title} · {judge}")
        b.title(subtitle=f"评委编号：{judge}")
        b.note(f"请按演讲顺序评分，百分制（0–100），{unit}。得分请书写清楚，改动处请签名。")
        b.grid([Column("演讲顺序", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("申报岗位", wrap=True),
                Column("得分", "CENTER", min_width=28 * mm), Column("备注", min_width=24 * mm)],
               [[str(c.position), c.person_id, c.name, c.detail, "", ""] for c in data.rows], row_height=WRITE)
        for text in data.notes:
            b.note(text)
        b.signature(("评委签名",))
    return b.render(out)


def ballot_forms(data: BallotForms, out: Out = None) -> bytes:
    """定岗推荐票 (§十一): numbered, the voter group on each, 同意 / 建议岗位 per candidate."""
    b = SheetBuilder(data, signers=None)
    total = sum(n for _, n in data.copies)
    serial = 0
    for group, copies in data.copies:
        for k in range(1, copies + 1):
            serial += 1
            number = f"No.{serial:0{max(4, len(str(total)))}d}"
            b.new_page(f"{data.header.title} {number}")
            b.title(subtitle=f"投票人类别：{group}　　编号：{number}（{group}票第 {k} 张，共 {copies} 张）")
            b.note("填票说明：同意某人任其申报岗位的，在该岗位“同意”栏内划“√”；认为其申报岗位不合适的，"
                   "在“建议岗位”栏内填写一个建议岗位。对同一人既划“√”又填写建议岗位、建议其已申报的岗位、"
                   "或填写两个以上岗位的，该票对此人无效；不划不填的视为弃权。")
            rows: list[list[str]] = []
            spans: list[tuple] = []
            for c in data.rows:
                first = len(rows) + 1                       # + the header row
                posts = c.posts or ("",)
                for i, post in enumerate(posts):
                    rows.append([str(c.position) if i == 0 else "", c.name if i == 0 else "", post, "", ""])
                if len(posts) > 1:
                    last = first + len(posts) - 1
                    spans += [("SPAN", (col, first), (col, last)) for col in (0, 1, 4)]
            b.grid([Column("序号", "CENTER"), Column("姓名"), Column("申报岗位", wrap=True),
                    Column("同意（划“√”）", "CENTER", min_width=24 * mm),
                    Column("建议岗位（限填一个）", min_width=40 * mm)], rows, styles=spans, row_height=6.5 * mm)
            if data.posts:
                b.note("岗位一览：" + "、".join(data.posts))
            for text in data.notes:
                b.note(text)
    return b.render(out)


def rating_forms(data: RatingForms, out: Out = None) -> bytes:
    """满意度测评票 (§五) or 民主测评票 (§六): numbered copies; a "√" in one column per row (or group)."""
    b = SheetBuilder(data, signers=None)
    width = max(4, len(str(data.copies)))
    for k in range(1, data.copies + 1):
        number = f"No.{k:0{width}d}"
        b.new_page(f"{data.header.title} {number}")
        b.title(subtitle=f"编号：{number}")
        if data.groups:
            b.note("填票说明：对每人的德、能、勤、绩、廉各项，在相应等次栏内划“√”，每项限划一个等次；"
                   "多划的该项无效，不划的视为弃权。")
            head = [["序号", "姓名"] + sum(([g] + [""] * (len(data.columns) - 1) for g in data.groups), [])]
            # Equal grade columns: 基本称职 on two lines, the others as wide.
            cols = [Column("", "CENTER", min_width=9 * mm), Column("")] + [
                Column(c if len(c) < 4 else f"{c[:2]}\n{c[2:]}", "CENTER", min_width=10 * mm)
                for _ in data.groups for c in data.columns]
            spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1))]
            spans += [("SPAN", (2 + i * len(data.columns), 0), (1 + (i + 1) * len(data.columns), 0))
                      for i in range(len(data.groups))]
            rows = [[str(c.position), c.name] + [""] * (len(cols) - 2) for c in data.rows]
            b.grid(cols, rows, head=head, styles=spans, row_height=7 * mm, size=9)
        else:
            b.note("填票说明：对每人在“满意”“基本满意”“不满意”中选一项，在相应栏内划“√”；"
                   "多划的对此人无效，不划的视为弃权。")
            cols = ([Column("序号", "CENTER"), Column("姓名"), Column("现任职务", wrap=True)]
                    + [Column(c, "CENTER", min_width=20 * mm) for c in data.columns])
            rows = [[str(c.position), c.name, c.detail] + [""] * len(data.columns) for c in data.rows]
            b.grid(cols, rows, row_height=7 * mm)
        for text in data.notes:
            b.note(text)
    return b.render(out)
