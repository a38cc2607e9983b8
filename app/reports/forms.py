"""Blank forms for the meeting: 评委评分表, 定岗推荐票, 满意度测评票, 民主测评票.

Each form starts on a new page, names itself in the running header (评委3, 局领导 0007 …) and is
numbered within itself (第 1 页 共 4 页 of this ballot), so a form that runs over several pages can be
put together again. Ballots carry no signature (secret ballot); a judge signs every page of their own
score sheet.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from . import halfsheet
from .base import Out, Page, SheetBuilder, heading, write
from .data import Ballot, BallotForms, JudgeForms, RatingForms, short_digest
from .fonts import FontChain
from .table import Column

WRITE = 9 * mm          # row height where a person writes by hand
CODE_BOX = 24 * mm      # the reserved square for the ballot's code (QR), top right
BAR_HEIGHT = 7 * mm     # the number's Code 128 barcode, under the 票号 line
BALLOT_RULES = (
    "每位候选人只推荐一个岗位：同意其任申报岗位的，在该岗位的“同意”栏内划“√”。",
    "认为其申报岗位不合适的，不划“√”，在“建议岗位”栏内填写另一个岗位的代码（见岗位代码表，如 P03）。",
    "申报了两个岗位的候选人，只能在其中一个岗位划“√”；两个岗位都划“√”的，本票对此人无效。",
    "对同一人既划“√”又填写建议岗位的，本票对此人无效。",
    "建议岗位填写此人已申报的岗位，或填写两个以上岗位的，本票对此人无效。",
    "对某人既不划“√”也不填写建议岗位的，视为弃权。",
    "对某人无效或弃权，不影响本票对其他人的推荐；每张收回的票都计入本组实际到会人数。",
)


class BallotHead(Flowable):
    """The top of a ballot's first page: the title and the group and number on the left, the square
    for the ballot's code on the right (a QR code of ``ballot.code``, or left blank and marked)."""

    def __init__(self, title: str, lines: Sequence[str], ballot: Ballot, chain: FontChain, title_chain: FontChain):
        super().__init__()
        self.title, self.lines, self.ballot, self.chain, self.title_chain = title, lines, ballot, chain, title_chain
        self.height = CODE_BOX + 2 * mm + (BAR_HEIGHT - 2 * mm if ballot.number.isdigit() and ballot.code else 0)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        room = self.width - CODE_BOX - 6 * mm
        size = 18.0
        while self.title_chain.width(self.title, size) > room and size > 12:
            size -= 1
        self.title_chain.draw(c, room / 2, self.height - size - 1 * mm, self.title, size, "centre")
        y = self.height - size - 9 * mm
        for line in self.lines:
            self.chain.draw(c, room / 2, y, line, 12, "centre")
            y -= 6 * mm
        if self.ballot.number.isdigit() and self.ballot.code:
            # SPEC §10: the number as a barcode too — an ordinary (1D) USB scanner reads it and types
            # the digits and Enter into the 票号 box; the QR on the right carries the same digits.
            bar = Code128(self.ballot.number, barHeight=BAR_HEIGHT, barWidth=0.33 * mm, humanReadable=False,
                          quiet=False)
            bar.drawOn(c, (room - bar.width) / 2, 1 * mm)
        x0, y0 = self.width - CODE_BOX, 1 * mm
        if self.ballot.code:
            widget = QrCodeWidget(self.ballot.code, barLevel="M")
            x1, y1, x2, y2 = widget.getBounds()
            d = Drawing(CODE_BOX, CODE_BOX, transform=[CODE_BOX / (x2 - x1), 0, 0, CODE_BOX / (y2 - y1), 0, 0])
            d.add(widget)
            renderPDF.draw(d, c, x0, y0)
        else:
            c.saveState()
            c.setStrokeColor(colors.Color(0.6, 0.6, 0.6))
            c.setDash(2, 2)
            c.rect(x0, y0, CODE_BOX, CODE_BOX)
            c.setFillColor(colors.Color(0.55, 0.55, 0.55))
            self.chain.draw(c, x0 + CODE_BOX / 2, y0 + CODE_BOX / 2 - 3, "票号条码区", 8, "centre")
            c.restoreState()


def judge_forms(data: JudgeForms, out: Out = None) -> bytes:
    """评委评分表: one per judge, the candidates in speaking order (§十); the judge signs every page."""
    b = SheetBuilder(data, signers=None, form=True)
    unit = "整数" if data.decimals == 0 else f"最多保留 {data.decimals} 位小数"
    for judge in data.judges:
        b.new_page(f"{data.header.title} · {judge}", signers=("评委签名", "日期"))
        b.title(subtitle=f"评委编号：{judge}")
        b.note(f"请按演讲顺序评分，百分制（0–100），{unit}。得分请书写清楚，改动处请签名；每页下方均请签名。",
               b.styles.form_note)
        b.grid([Column("演讲顺序", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("申报岗位", wrap=True),
                Column("得分", "CENTER", min_width=28 * mm), Column("备注", min_width=24 * mm)],
               [[str(c.position), c.person_id, c.name, c.detail, "", ""] for c in data.rows], row_height=WRITE)
        for text in data.notes:
            b.note(text, b.styles.form_note)
    return b.render(out)


def _post_list(data: BallotForms) -> tuple[list[Column], list[list[str]]]:
    """岗位代码表 in as many column pairs as keep it short (at most 4 pairs)."""
    n = len(data.posts)
    pairs = min(4, max(1, math.ceil(n / 8)))
    per = math.ceil(n / pairs) if n else 0
    cols: list[Column] = []
    for _ in range(pairs):
        cols += [Column("代码", "CENTER"), Column("岗位", wrap=True)]
    rows = []
    for r in range(per):
        row = []
        for k in range(pairs):
            i = k * per + r
            row += list(data.posts[i]) if i < n else ["", ""]
        rows.append(row)
    return cols, rows


def ballot_forms(data: BallotForms, out: Out = None) -> bytes:
    """定岗推荐票 (§十一): the ballot's group and number and the room for its code at the top, the rules
    and the post codes on the first page, then 同意 / 建议岗位 per candidate.

    A ballot that fits half a sheet (a few candidates and posts) is printed two to a landscape A4 sheet,
    a dashed cut line between (:mod:`app.reports.halfsheet`); a larger one starts a page of its own."""
    if data.scannable is not None:             # numbered: the scannable layout (SPEC §12), one A4 per page
        from ..scan.render import ballot_pdf
        pdf = ballot_pdf(data.scannable.layout, data.scannable.ballots, data.scannable.text)
        write(pdf, out)
        return pdf
    b = SheetBuilder(data, signers=None, form=True)
    title = heading(data.header)
    rows: list[list[str]] = []
    spans: list[tuple] = []
    for c in data.rows:
        first = len(rows) + 1                       # + the header row
        posts = c.posts or ("",)
        codes = c.codes or ("",) * len(posts)
        for i, (post, code) in enumerate(zip(posts, codes)):
            rows.append([str(c.position) if i == 0 else "", c.name if i == 0 else "",
                         f"{code} {post}".strip(), "", ""])
        if len(posts) > 1:
            last = first + len(posts) - 1
            spans += [("SPAN", (col, first), (col, last)) for col in (0, 1, 4)]
    cols = [Column("序号", "CENTER"), Column("姓名"), Column("申报岗位\n（代码 岗位）"),
            Column("同意\n（划“√”）", "CENTER", min_width=24 * mm), Column("建议岗位代码\n（限填一个）", min_width=36 * mm)]
    list_cols, list_rows = _post_list(data)
    post_list = b.grid(list_cols, list_rows, add=False) if data.posts else None
    candidates = b.grid(cols, rows, styles=spans, row_height=7 * mm, add=False)
    ballots = data.each()
    if ballots and (pdf := _two_up(b, data, title, ballots, post_list, candidates)) is not None:
        write(pdf, out)
        return pdf
    for ballot, k, n in ballots:
        b.new_page(_label(data, ballot))
        b.add(*_ballot(b, data, title, ballot, k, n, post_list, candidates))
    return b.render(out)


def _label(data: BallotForms, ballot: Ballot) -> str:
    return f"{data.header.title} {ballot.group} {ballot.number}"


def _ballot(b: SheetBuilder, data: BallotForms, title: str, ballot: Ballot, k: int, n: int,
            post_list: Any, candidates: Any) -> list[Any]:
    """One ballot's flowables (``post_list`` and ``candidates``: grids, or their tables on a half sheet)."""
    parts: list[Any] = [
        BallotHead(title, (f"投票人类别：{ballot.group}", f"票号：{ballot.number}（本组第 {k} 张，共 {n} 张）"),
                   ballot, b.fonts.chain("body"), b.fonts.chain("title")),
        b.text("填票说明：", b.styles.form_note)]
    parts += [b.text("①②③④⑤⑥⑦⑧⑨"[i] + rule, b.styles.rules) for i, rule in enumerate(BALLOT_RULES)]
    if post_list is not None:
        parts += [b.text("岗位代码表：", b.styles.form_note), post_list]
    parts += [Spacer(1, 3 * mm), candidates]         # the candidates apart from the code list above
    parts += [b.text(text, b.styles.form_note) for text in data.notes]
    return parts


def _two_up(b: SheetBuilder, data: BallotForms, title: str, ballots: Sequence[tuple[Ballot, int, int]],
            post_list: Any, candidates: Any) -> bytes | None:
    """The ballots two to a sheet when one fits an A5 half, else None."""
    grids = [g for g in (post_list, candidates) if g is not None]
    for g in grids:
        g.fit(halfsheet.HALF_WIDTH)
    tables = {id(g): g.table(b.fonts) for g in grids}

    def table(g: Any) -> Any:
        return None if g is None else tables[id(g)].use()
    ballot, k, n = ballots[0]
    if not halfsheet.fits(_ballot(b, data, title, ballot, k, n, table(post_list), table(candidates))):
        return None
    forms = [[halfsheet.HalfLabel(_label(data, ballot))]
             + _ballot(b, data, title, ballot, k, n, table(post_list), table(candidates))
             for ballot, k, n in ballots]
    h = data.header
    return halfsheet.render_halves(forms, b.fonts, unit=h.unit, campaign=h.campaign, digest=short_digest(data),
                                   audit_seq=h.audit_seq, printed=h.printed, title=heading(h))


def rating_row_height(b: SheetBuilder, rows: int, landscape: bool, first: float, head: float) -> float:
    """Row height for a rating form: 7 mm, less (down to 5.5 mm) when that saves a page, so no page
    holds only a few rows. ``first``: what the first page holds above the table; ``head``: the header row."""
    avail = Page.make(landscape, b.header.margins).height - head - 2 * mm

    def pages(h: float) -> int:
        cap1, cap = int((avail - first) // h), int(avail // h)
        return 1 if rows <= cap1 else 1 + math.ceil((rows - cap1) / max(cap, 1))
    fewest = pages(5.5 * mm)
    h = 7 * mm
    while pages(h) > fewest and h > 5.5 * mm:
        h -= 0.25 * mm
    return h


def rating_forms(data: RatingForms, out: Out = None) -> bytes:
    """满意度测评票 (§五) or 民主测评票 (§六): numbered copies; a "√" in one column per row (or group),
    in the order of the entry screen, with each person's 编号."""
    b = SheetBuilder(data, signers=None, form=True)
    width = max(4, len(str(data.copies)))
    unrated = ""
    if data.unrated:
        reasons: dict[str, int] = {}
        for u in data.unrated:
            reasons[u.reason] = reasons.get(u.reason, 0) + 1
        unrated = ("注：人员名单中另有" + "；".join(f"{n}人{why}" for why, n in reasons.items())
                   + "，未列入本票（其测评结果不公布）。")
    for k in range(1, data.copies + 1):
        number = f"{k:0{width}d}"
        b.new_page(f"{data.header.title} No.{number}")
        b.title(subtitle=f"编号：No.{number}（共 {data.copies} 张）")
        if data.groups:
            b.note("填票说明：对每人的德、能、勤、绩、廉各项，在相应等次栏内划“√”，每项限划一个等次；"
                   "多划的该项无效，不划的视为弃权。", b.styles.form_note)
            head = [["序号", "编号", "姓名"] + sum(([g] + [""] * (len(data.columns) - 1) for g in data.groups), [])]
            # Equal grade columns: 基本称职 on two lines, the others as wide.
            cols = [Column("", "CENTER", min_width=9 * mm), Column("", "CENTER"), Column("")] + [
                Column(c if len(c) < 4 else f"{c[:2]}\n{c[2:]}", "CENTER", min_width=9 * mm)
                for _ in data.groups for c in data.columns]
            spans = [("SPAN", (j, 0), (j, 1)) for j in range(3)]
            spans += [("SPAN", (3 + i * len(data.columns), 0), (2 + (i + 1) * len(data.columns), 0))
                      for i in range(len(data.groups))]
            rows = [[str(c.position), c.person_id, c.name] + [""] * (len(cols) - 3) for c in data.rows]
            height = rating_row_height(b, len(rows), True, 40 * mm, 14 * mm)
            b.grid(cols, rows, head=head, styles=spans, row_height=height)
        else:
            b.note("填票说明：对每人在“满意”“基本满意”“不满意”中选一项，在相应栏内划“√”；"
                   "多划的对此人无效，不划的视为弃权。", b.styles.form_note)
            cols = ([Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("现任职务", wrap=True)]
                    + [Column(c, "CENTER", min_width=20 * mm) for c in data.columns])
            rows = [[str(c.position), c.person_id, c.name, c.detail] + [""] * len(data.columns) for c in data.rows]
            height = rating_row_height(b, len(rows), False, 40 * mm, 9 * mm)
            b.grid(cols, rows, row_height=height)
        for text in data.notes + ((unrated,) if unrated else ()):
            b.note(text, b.styles.form_note)
    return b.render(out)
