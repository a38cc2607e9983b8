"""The 公示 sheets: one function each, a dataclass of :mod:`app.reports.data` in, PDF bytes out.

Each function only supplies the story; the page frame (header, footer, page numbers, digest,
signatures on the last page) is :class:`app.reports.base.SheetBuilder`'s.
"""

from __future__ import annotations

import re

from .base import Out, SheetBuilder, frame_width, score_text, write
from .publicity import contacts
from .table import Column, Struck
from .data import (AppointmentSheet, CompositeSheet, DeclarationSheet, DemocraticSheet, DrawSheet, QuantifiedSheet,
                   RecommendationSheet, SatisfactionSheet, SpeechSheet)

ORDINALS = "一二三四五六七八九"
NUM = "RIGHT"


def _count(n: int | None) -> str:
    return "" if n is None else str(n)


def _break_list(text: str, b: SheetBuilder) -> str:
    """Line breaks only after commas, so no id is split across lines (the page is portrait)."""
    style, chain = b.styles.note, b.fonts.chain("body")
    room, lines, line = frame_width(False, b.header.margins) - 2, [], ""
    for part in text.split(","):
        piece = f"{line},{part}" if line else part
        if line and chain.width(piece + ",", style.fontSize) > room:
            lines.append(line + ",")
            piece = part
        line = piece
    return "\n".join(lines + [line])


def declaration_sheet(data: DeclarationSheet, out: Out = None) -> bytes:
    """报岗情况公示 (§九): each person's declaration as of this round, and who declared each post."""
    b = SheetBuilder(data)
    b.title()
    most = max((len(r.posts) for r in data.rows), default=1) or 1
    choice = ["申报岗位"] if most == 1 else [f"第{ORDINALS[i]}志愿岗位" for i in range(most)]
    cols = [Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("现职级")]
    cols += [Column(c, wrap=True) for c in choice] + [Column("备注", wrap=True)]
    rows = [[str(i), r.person_id, r.name, r.rank] + [r.posts[k] if k < len(r.posts) else "" for k in range(most)]
            + [r.note] for i, r in enumerate(data.rows, start=1)]
    b.grid(cols, rows)
    b.section("各岗位报名情况")
    b.grid([Column("序号", "CENTER"), Column("岗位", wrap=True), Column("职数", NUM), Column("报名人数", NUM),
            Column("报名人员", wrap=True)],
           [[str(i), p.post, str(p.seats), str(len(p.names)), "、".join(p.names)]
            for i, p in enumerate(data.posts, start=1)])
    return b.render(out, notes=data.notes)


def satisfaction_sheet(data: SatisfactionSheet, out: Out = None) -> bytes:
    """述职述廉满意度测评结果 (§五)."""
    b = SheetBuilder(data)
    b.title()
    cols = [Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("类别"),
            Column("实际参加测评人数", NUM), Column("不满意票", NUM), Column("不满意率", NUM), Column("结果", wrap=True)]
    rows = [[str(i), r.person_id, r.name, r.category, _count(r.present), _count(r.dissatisfied),
             score_text(r.rate) if r.present else "", r.result] for i, r in enumerate(data.rows, start=1)]
    b.grid(cols, rows)
    return b.render(out, notes=data.notes)


def democratic_sheet(data: DemocraticSheet, out: Out = None) -> bytes:
    """民主测评结果 (§六): the five dimension scores and the weighted score."""
    b = SheetBuilder(data)
    b.title()
    cols = ([Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名")]
            + [Column(label, NUM) for label in data.dimension_labels] + [Column("民主测评得分", NUM)])
    rows = [[str(i), r.person_id, r.name] + [score_text(d) for d in r.dimensions] + [score_text(r.score)]
            for i, r in enumerate(data.rows, start=1)]
    b.grid(cols, rows)
    return b.render(out, notes=data.notes)


def quantified_sheet(data: QuantifiedSheet, out: Out = None) -> bytes:
    """考评量化结果 (§八)."""
    b = SheetBuilder(data)
    b.title()
    exam, dem, avg = data.labels
    cols = ([Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("职级"), Column(exam, NUM),
             Column(dem, NUM)] + [Column(f"考核{i}", NUM) for i in range(1, data.years + 1)]
            + [Column(avg, NUM), Column("职级加分", NUM), Column("考评量化得分", NUM)])
    rows = []
    for i, r in enumerate(data.rows, start=1):
        years = [r.appraisal[k] if k < len(r.appraisal) else "" for k in range(data.years)]
        rows.append([str(i), r.person_id, r.name, r.rank, score_text(r.exam), score_text(r.democratic)] + years
                    + [score_text(r.appraisal_avg), score_text(r.bonus), score_text(r.quantified)])
    b.grid(cols, rows)
    return b.render(out, notes=data.notes)


JUDGES_PER_BAND = 13     # 评委 columns side by side at 10.5 pt on a landscape page (with 顺序、编号、姓名)


def speech_sheet(data: SpeechSheet, out: Out = None) -> bytes:
    """竞岗演讲得分 (§十): judges as 评委1…n, the dropped scores struck through, the trimmed mean. More
    judges than fit side by side at 10.5 pt are printed in bands (评委1–13, then 评委14–25 with the mean),
    each band a table with 顺序、编号、姓名, rather than shrinking the type."""
    b = SheetBuilder(data)
    b.title()
    n = len(data.judges)
    bands = max(1, -(-n // JUDGES_PER_BAND))
    per = -(-n // bands) if n else 0
    lead = [Column("顺序", "CENTER"), Column("编号", "CENTER"), Column("姓名")]
    for k in range(bands):
        lo, hi = k * per, min(n, (k + 1) * per)
        last = k == bands - 1
        if bands > 1:
            b.section(f"评委{lo + 1}至评委{hi}的评分" + ("及演讲得分" if last else ""))
        cols = lead + [Column(j, NUM) for j in data.judges[lo:hi]]
        cols += [Column("有效分\n数个数", NUM), Column("演讲得分", NUM)] if last else []
        rows = []
        for r in data.rows:
            scores = [Struck(s) if d else s for s, d in zip(r.scores[lo:hi], r.dropped[lo:hi])]
            rows.append([_count(r.position), r.person_id, r.name] + scores
                        + ([str(r.kept), score_text(r.mean)] if last else []))
        b.grid(cols, rows)
    return b.render(out, notes=data.notes)


def recommendation_sheet(data: RecommendationSheet, out: Out = None) -> bytes:
    """定岗推荐结果 (§十一): per pair, the counts by group, the rate, eligible or not, the score."""
    b = SheetBuilder(data)
    b.title()
    # The voter groups under one heading, each with those present in brackets: a column as narrow as its
    # counts allow (with 到会N人 on every group's heading the numbers had no room and broke inside).
    lead = [Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("岗位"),
            Column("申报\n情况", wrap=True)]
    reach = f"达到{data.threshold}"
    tail = [Column("推荐\n合计", NUM), Column("到会\n合计", NUM), Column("推荐率", NUM),
            Column("\n".join(reach[i:i + 2] for i in range(0, len(reach), 2)), "CENTER"), Column("推荐\n得分", NUM),
            Column("可任该岗位", wrap=True)]
    cols = lead + [Column(g, NUM) for g in data.groups] + tail
    first, last = len(lead), len(lead) + len(data.groups) - 1
    head = [[c.title for c in lead] + ["各组推荐人数（到会人数）"] + [""] * (len(data.groups) - 1) + [c.title for c in tail]]
    spans = [("SPAN", (first, 0), (last, 0))] + [("SPAN", (j, 0), (j, 1)) for j in range(len(cols))
                                                  if not first <= j <= last]
    rows = [[str(i), r.person_id, r.name, r.post, r.kind] + [str(n) for n in r.counts]
            + [str(r.recommended), str(r.present), score_text(r.rate), "是" if r.reached else "否",
               score_text(r.score), r.eligible] for i, r in enumerate(data.rows, start=1)]
    b.grid(cols, rows, head=head, styles=spans)
    return b.render(out, notes=data.notes)


def composite_sheet(data: CompositeSheet, out: Out = None) -> bytes:
    """综合考评结果 (§十二): per post, the competitors by 综合考评 from high to low, their rank at the
    post and who was placed there (§十三)."""
    b = SheetBuilder(data)
    b.title()
    q, s, r = data.labels
    cols = [Column("序号", "CENTER"), Column("岗位", wrap=True), Column("岗位\n内名次", "CENTER"), Column("编号", "CENTER"),
            Column("姓名"), Column(q, NUM), Column(s, NUM), Column(r, NUM), Column("综合考评\n得分", NUM),
            Column("确定\n人选", "CENTER"), Column("备注", wrap=True)]
    rows = [[str(i), x.post, _count(x.rank), x.person_id, x.name, score_text(x.quantified), score_text(x.speech),
             score_text(x.recommendation), score_text(x.composite), x.placed, x.note]
            for i, x in enumerate(data.rows, start=1)]
    b.grid(cols, rows)
    return b.render(out, notes=data.notes)


def appointment_sheet(data: AppointmentSheet, out: Out = None) -> bytes:
    """拟任人选公示 (§十三, §十四): the persons, the 7-day 公示期 and where to object. The body is set in
    16 pt where that fits one page, else smaller (7 appointees fit one page; the title 22 pt, else 18)."""
    pdf = b""
    for size, title in ((16.0, 22.0), (15.0, 22.0), (14.0, 22.0), (14.0, 18.0), (12.0, 18.0)):
        pdf = _appointment(data, size, title)
        if _pages(pdf) <= 1:
            break
    write(pdf, out)
    return pdf


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def _appointment(data: AppointmentSheet, size: float, title: float) -> bytes:
    b = SheetBuilder(data, force_portrait=True, body_size=size, title_size=title)
    h = data.header
    b.title(opening_text=None if h.publicity is None else
            f"根据竞争轮岗实施细则，经考试、测评、竞岗演讲、定岗推荐和综合考评，确定拟任人选如下，现予公示。"
            f"公示期为{h.publicity.start}至{h.publicity.end}（{h.publicity.days}天）。对拟任人选有异议的，可在公示期内"
            "通过监督电话、监督信箱或来访向竞争轮岗监督组反映，提倡署真实姓名。" + contacts(h.publicity))
    # Headers broken and the clause shortened to （三） under 第十三条, so that each appointee takes one line.
    b.grid([Column("序号", "CENTER"), Column("拟任岗位", wrap=True), Column("姓名"), Column("性别", "CENTER"),
            Column("出生\n年月", "CENTER"), Column("学历", wrap=True), Column("原科室及现职级", wrap=True),
            Column("综合\n考评\n得分", NUM), Column("依据\n第十三条", "CENTER")],
           [[str(i), r.post, r.name, r.gender, r.birth, r.education, " ".join(x for x in (r.office, r.rank) if x),
             score_text(r.composite), r.rule.split("：")[0].removeprefix("第十三条")]
            for i, r in enumerate(data.rows, start=1)])
    rules = list(dict.fromkeys(r.rule for r in data.rows if "：" in r.rule))
    # 待定 and 空缺 as sentences under the table: a table of its own (heading, header row) took the room
    # the 落款 needed, and a long campaign's 公示 went onto a second page.
    pending = tuple(f"{'待定' if why.startswith('待定') else '空缺'}：{post}" + (f"（{who}）" if who else "")
                    + f"，{why.split('：', 1)[-1]}。" for post, who, why in data.pending)
    notes = pending + (("注：确定依据　" + "；".join(rules) + "。",) if rules else ()) + data.notes
    return b.render(notes=notes)


def draw_sheet(data: DrawSheet, out: Out = None) -> bytes:
    """抽签记录 (SPEC §5): the fixed list and its digest, the seed, every key, the order, the check."""
    b = SheetBuilder(data)
    b.title()
    if not data.sections:
        b.note("尚无抽签记录。")
    for s in data.sections:
        b.section(f"{s.meeting}（{s.method}）")
        b.note(_break_list(f"参加抽签人员（编号按字符串排序，以英文逗号连接）：{s.ids}", b))
        b.note(f"名单摘要 SHA-256：{s.list_digest}")
        if s.seed:
            b.note(f"监督组公布的种子：{s.seed}")
        program = any(line.key for line in s.lines)
        cols = [Column("顺序", "CENTER"), Column("编号", "CENTER"), Column("姓名")]
        if program:
            cols.append(Column("键值 SHA-256（种子|会议|编号）"))
        rows = [[str(x.position), x.person_id, x.name] + ([x.key] if program else []) for x in s.lines]
        b.grid(cols, rows, size=9 if program else 10)
        b.note(f"复核：{s.check}")
        for line in s.history:
            b.note(f"此前的抽签：{line}")
    return b.render(out, notes=data.notes)
