"""The frame every sheet shares (pretix style: one ``BaseDocTemplate``, header and footer drawn by
the page template, the sheet functions only supply the story).

- A4, margins 2 cm; landscape when the widest table does not fit the portrait width.
- Every page: unit · campaign · stage state at the head; at the foot the data digest and the audit
  log's last seq (left), "第 x 页 共 y 页" (centre, drawn when the page count is known), the print
  time (right). A draft carries a "草稿（未公布）" watermark on every page.
- Tables: thin black grid, header rows lightly shaded and repeated on every page, numbers right
  aligned; columns sized from their contents; text wraps only where a column is too narrow.
- The signature block (计分人、复核人、监督人、日期) is kept together at the end: on the last page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, PageBreak,
                                PageTemplate, Paragraph, Spacer, Table, TableStyle)

from ..core.numbers import format_score
from .data import SIGNERS, SheetHeader, short_digest
from .fonts import FontSet, font_set

MARGIN = 20 * mm
TOP_MARGIN = 24 * mm          # room for the running header above the 2 cm text area
BOTTOM_MARGIN = 20 * mm
PAD = 3                       # cell padding, points
HEADER_FILL = colors.Color(0.88, 0.88, 0.88)
DROPPED_FILL = colors.Color(0.80, 0.80, 0.80)
ZEBRA_FILL = colors.Color(0.95, 0.95, 0.95)
MIN_SIZE = 7.0
DRAFT_LABEL = "草稿（未公布）"
Out = str | Path | BinaryIO | None


def score_text(value: Decimal | None) -> str:
    """A published score with three decimals (§六); a score that cannot be computed: —."""
    return "—" if value is None else format_score(value)


def frame_width(landscape: bool) -> float:
    return (to_landscape(A4) if landscape else A4)[0] - 2 * MARGIN


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    status: ParagraphStyle
    section: ParagraphStyle
    note: ParagraphStyle
    fonts: FontSet

    @classmethod
    def make(cls, fonts: FontSet) -> "Styles":
        return cls(
            title=ParagraphStyle("title", fontName=fonts.title, fontSize=18, leading=26, alignment=TA_CENTER,
                                 spaceAfter=2 * mm, wordWrap="CJK"),
            subtitle=ParagraphStyle("subtitle", fontName=fonts.text, fontSize=12, leading=18, alignment=TA_CENTER,
                                    spaceAfter=1.5 * mm, wordWrap="CJK"),
            status=ParagraphStyle("status", fontName=fonts.text, fontSize=10.5, leading=15, alignment=TA_CENTER,
                                  spaceAfter=3 * mm, wordWrap="CJK"),
            section=ParagraphStyle("section", fontName=fonts.title, fontSize=12, leading=18, spaceBefore=3 * mm,
                                   spaceAfter=2 * mm, wordWrap="CJK"),
            note=ParagraphStyle("note", fontName=fonts.text, fontSize=10.5, leading=16, spaceBefore=1.5 * mm,
                                wordWrap="CJK"),
            fonts=fonts,
        )


@dataclass(frozen=True)
class Column:
    title: str
    align: str = "LEFT"        # LEFT / CENTER / RIGHT (numbers)
    wrap: bool = False         # a text column that may wrap; other columns are as wide as their cells
    min_width: float = 0       # points, e.g. room to write a score by hand


class Struck(str):
    """A cell value printed struck through on a grey ground (a dropped score, §十)."""


@dataclass(frozen=True)
class Signature:
    """Where a signature block goes (laid out at render time, when the page width is known)."""

    signers: Sequence[str] = SIGNERS
    date: bool = True


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Grid:
    """A table still to be laid out: its widths depend on the page chosen for the whole sheet."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]          # str, or a Flowable for a special cell
    size: float = 10.0
    head: Sequence[Sequence[str]] = ()     # extra header rows above the column titles (spans below)
    styles: Sequence[tuple] = ()           # extra TableStyle commands (absolute row numbers)
    row_height: float | None = None        # forms: room to write
    zebra: bool = False
    widths: list[float] = field(default_factory=list)

    @property
    def header_rows(self) -> int:
        return len(self.head) + 1

    def _measure(self, font: str, head_font: str) -> None:
        n = len(self.columns)
        self._cell = [0.0] * n          # widest cell at size 1
        self._head = [0.0] * n          # column title at size 1
        for row in self.rows:
            for j, value in enumerate(row):
                if isinstance(value, str) and value:
                    w = stringWidth(value, font, 1)
                    if w > self._cell[j]:
                        self._cell[j] = w
        for j, col in enumerate(self.columns):
            self._head[j] = max((stringWidth(part, head_font, 1) for part in col.title.split("\n")), default=0)
        # A title with explicit line breaks keeps its lines whole; others wrap (4 字 a line at least).
        self._keep = ["\n" in c.title for c in self.columns]

    def natural(self, size: float, cap_chars: float = 12) -> list[float]:
        """Comfortable widths at ``size``: cells unwrapped (wrap columns up to ``cap_chars`` 字)."""
        out = []
        for j, col in enumerate(self.columns):
            cell = self._cell[j] * size
            if col.wrap:
                cell = min(cell, cap_chars * size)
            head = self._head[j] * size
            if not self._keep[j]:
                head = min(head, max(cell, 4 * size))
            out.append(max(cell + 2 * PAD, head + 2 * PAD, col.min_width))
        return out

    def floor(self, size: float) -> list[float]:
        """Narrowest widths: wrap columns down to 4 字, others as wide as their widest cell."""
        out = []
        for j, col in enumerate(self.columns):
            cell = min(self._cell[j] * size, 4 * size) if col.wrap else self._cell[j] * size
            head = self._head[j] * size if self._keep[j] else min(self._head[j] * size, 2 * size)
            out.append(max(cell + 2 * PAD, head + 2 * PAD, col.min_width))
        return out

    def fit(self, avail: float) -> None:
        """Choose the font size and widths so the table spans exactly ``avail``."""
        size = self.size
        while True:
            nat, low = self.natural(size), self.floor(size)
            if sum(low) <= avail or size <= MIN_SIZE:
                break
            size -= 0.5
        self.size = size
        total = sum(nat)
        if total <= avail:
            # Spare room goes first to the text columns that would otherwise wrap, then to all.
            full = self.natural(size, cap_chars=1000)
            want = [max(f - n, 0) if c.wrap else 0 for f, n, c in zip(full, nat, self.columns)]
            share = min(1.0, (avail - total) / sum(want)) if sum(want) else 0.0
            nat = [n + w * share for n, w in zip(nat, want)]
            total = sum(nat)
            self.widths = [w + (avail - total) * w / total for w in nat]
            return
        give = [n - f for n, f in zip(nat, low)]
        spare = sum(give)
        cut = total - avail
        if spare <= 0 or cut > spare:
            self.widths = [f * avail / sum(low) for f in low]
        else:
            self.widths = [n - g * cut / spare for n, g in zip(nat, give)]

    def table(self, styles: Styles) -> Table:
        fonts = styles.fonts
        size, lead = self.size, self.size * 1.25
        head_style = ParagraphStyle("head", fontName=fonts.title, fontSize=size, leading=lead,
                                    alignment=TA_CENTER, wordWrap="CJK")
        cell_styles = {a: ParagraphStyle(f"cell{a}", fontName=fonts.body, fontSize=size, leading=lead,
                                         alignment={"LEFT": TA_LEFT, "CENTER": TA_CENTER, "RIGHT": TA_RIGHT}[a],
                                         wordWrap="CJK") for a in ("LEFT", "CENTER", "RIGHT")}
        data: list[list[Any]] = [[Paragraph(esc(t).replace("\n", "<br/>"), head_style) if t else "" for t in row]
                                 for row in self.head]
        data.append([Paragraph(esc(c.title).replace("\n", "<br/>"), head_style) for c in self.columns])
        room = [w - 2 * PAD - 0.5 for w in self.widths]
        struck: list[tuple] = []
        for i, row in enumerate(self.rows, start=self.header_rows):
            out = []
            for j, value in enumerate(row):
                if isinstance(value, Struck):
                    struck.append(("BACKGROUND", (j, i), (j, i), DROPPED_FILL))
                    value = Paragraph(f"<strike>{esc(value)}</strike>", cell_styles[self.columns[j].align])
                elif isinstance(value, str) and value and self._cell[j] * size > room[j]:
                    value = Paragraph(esc(value), cell_styles[self.columns[j].align])
                out.append(value)
            data.append(out)
        h = self.header_rows
        cmds: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), fonts.body, size, lead),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
            ("BACKGROUND", (0, 0), (-1, h - 1), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for j, col in enumerate(self.columns):
            if col.align != "LEFT":
                cmds.append(("ALIGN", (j, h), (j, -1), col.align))
        if self.zebra:
            cmds.append(("ROWBACKGROUNDS", (0, h), (-1, -1), [colors.white, ZEBRA_FILL]))
        cmds.extend(struck)
        cmds.extend(self.styles)
        heights = None
        if self.row_height:
            heights = [None] * h + [self.row_height] * len(self.rows)
        return Table(data, colWidths=self.widths, rowHeights=heights, repeatRows=h, style=TableStyle(cmds),
                     hAlign="CENTER")


class PageLabel(Flowable):
    """Zero-size marker: the running header of this page shows ``text`` (a form's number)."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv._jg_label = self.text  # type: ignore[attr-defined]


def _numbered_canvas(font: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Keeps each page until the end, then writes "第 x 页 共 y 页" now that y is known."""

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._jg_pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._jg_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._jg_pages)
            for state in self._jg_pages:
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.drawCentredString(self._pagesize[0] / 2, BOTTOM_MARGIN - 9 * mm,
                                       f"第 {self._pageNumber} 页 共 {total} 页")
                Canvas.showPage(self)
            Canvas.save(self)
    return NumberedCanvas


class SheetDoc(BaseDocTemplate):
    """A4 document with the official running header and footer."""

    def __init__(self, target: Any, header: SheetHeader, digest: str, fonts: FontSet, landscape: bool):
        pagesize = to_landscape(A4) if landscape else A4
        super().__init__(target, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=TOP_MARGIN,
                         bottomMargin=BOTTOM_MARGIN, title=header.title, author=header.unit, subject=header.campaign,
                         creator="竞岗考评", invariant=True, initialFontName=fonts.body, initialFontSize=10)
        self.sheet_header, self.digest, self.fonts = header, digest, fonts
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._under, onPageEnd=self._over,
                                            pagesize=pagesize)])

    def _under(self, canv: Canvas, doc: Any) -> None:
        if self.sheet_header.draft:
            w, h = self.pagesize
            canv.saveState()
            canv.setFillGray(0.86)
            canv.setFont(self.fonts.title, 64)
            canv.translate(w / 2, h / 2)
            canv.rotate(30)
            canv.drawCentredString(0, -20, DRAFT_LABEL)
            canv.restoreState()

    def _over(self, canv: Canvas, doc: Any) -> None:
        h = self.sheet_header
        w, page_h = self.pagesize
        left, right = MARGIN, w - MARGIN
        top = page_h - TOP_MARGIN + 5 * mm
        canv.saveState()
        label = getattr(canv, "_jg_label", "") or h.title
        if h.draft:
            label += "（草稿，未公布）"
        elif h.state:
            label += "（已公布）"
        font, size, campaign = self.fonts.text, 9.0, h.campaign
        room = right - left - 8 * mm

        def fits() -> bool:
            return stringWidth(f"{h.unit}　{campaign}", font, size) + stringWidth(label, font, size) <= room

        while not fits() and size > 7:
            size -= 0.5
        while not fits() and len(campaign) > 1:
            campaign = campaign[:-2] + "…"
        canv.setFont(font, size)
        canv.drawString(left, top, f"{h.unit}　{campaign}")
        canv.drawRightString(right, top, label)
        canv.setLineWidth(0.6)
        canv.line(left, top - 2 * mm, right, top - 2 * mm)
        foot = BOTTOM_MARGIN - 9 * mm
        canv.line(left, foot + 4 * mm, right, foot + 4 * mm)
        seq = f" · 审计日志至第 {h.audit_seq} 条" if h.audit_seq is not None else ""
        digest = f"数据摘要 {self.digest}{seq}"
        printed = f"打印 {h.printed}" if h.printed else ""
        # The page number (drawn later, centred on ``foot``) must not run into the texts beside it.
        centre = stringWidth("第 999 页 共 999 页", self.fonts.text, 9) / 2 + 3 * mm
        side = max(stringWidth(digest, self.fonts.text, 8), stringWidth(printed, self.fonts.text, 8))
        y = foot if left + side < w / 2 - centre else foot - 4 * mm
        canv.setFont(self.fonts.text, 8)
        canv.drawString(left, y, digest)
        if printed:
            canv.drawRightString(right, y, printed)
        canv.restoreState()


def signature_block(styles: Styles, width: float, signers: Sequence[str] = SIGNERS,
                    date: bool = True) -> Flowable:
    """计分人：____ 复核人：____ 监督人：____ 日期：____, kept together (so on the last page)."""
    labels = [f"{s}：" for s in signers] + (["日期："] if date else [])
    size = 11
    label_w = max(stringWidth(t, styles.fonts.body, size) for t in labels) + 2
    line_w = max((width - len(labels) * label_w) / len(labels), 20 * mm)
    row: list[str] = []
    for t in labels:
        row += [t, ""]
    cmds = [("FONT", (0, 0), (-1, -1), styles.fonts.body, size), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    cmds += [("LINEBELOW", (2 * i + 1, 0), (2 * i + 1, 0), 0.6, colors.black) for i in range(len(labels))]
    table = Table([row], colWidths=[label_w, line_w - 4 * mm] * len(labels), rowHeights=[10 * mm],
                  style=TableStyle(cmds), hAlign="LEFT")
    return KeepTogether([Spacer(1, 8 * mm), table])


class SheetBuilder:
    """Collects a sheet's story; at :meth:`render` picks the page, fits the tables and writes the PDF."""

    def __init__(self, data: Any, *, signers: Sequence[str] | None = SIGNERS, force_landscape: bool = False):
        self.data = data
        self.header: SheetHeader = data.header
        self.fonts = font_set()
        self.styles = Styles.make(self.fonts)
        self.signers = signers
        self.force_landscape = force_landscape
        self.story: list[Any] = []

    def title(self, subtitle: str | None = None) -> None:
        h = self.header
        self.story.append(Paragraph(esc(h.title), self.styles.title))
        sub = h.subtitle if subtitle is None else subtitle
        if sub:
            self.story.append(Paragraph(esc(sub), self.styles.subtitle))
        status = f"阶段状态：{h.state}" if h.state else ""
        if h.draft:
            status = f"{DRAFT_LABEL}　{status}" if status else DRAFT_LABEL
        if status:
            self.story.append(Paragraph(esc(status), self.styles.status))

    def grid(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]], **kw: Any) -> Grid:
        g = Grid(columns, rows, **kw)
        g._measure(self.fonts.body, self.fonts.title)
        self.story.append(g)
        return g

    def section(self, text: str) -> None:
        self.story.append(CondPageBreak(40 * mm))
        self.story.append(Paragraph(esc(text), self.styles.section))

    def note(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.story.append(Paragraph(esc(text).replace("\n", "<br/>"), style or self.styles.note))

    def signature(self, signers: Sequence[str] = SIGNERS, date: bool = True) -> None:
        self.story.append(Signature(tuple(signers), date))

    def add(self, *flowables: Any) -> None:
        self.story.extend(flowables)

    def new_page(self, label: str | None = None) -> None:
        if self.story:
            self.story.append(PageBreak())
        if label is not None:
            self.story.append(PageLabel(label))

    def landscape(self) -> bool:
        if self.force_landscape:
            return True
        portrait = frame_width(False)
        return any(sum(g.natural(g.size)) > portrait + 0.5 for g in self.story if isinstance(g, Grid))

    def render(self, out: Out = None, *, notes: Sequence[str] = (),
               finish: Callable[["SheetBuilder"], None] | None = None) -> bytes:
        for text in notes:
            self.note(text)
        if finish:
            finish(self)
        wide = self.landscape()
        width = frame_width(wide)
        story = []
        for item in self.story:
            if isinstance(item, Grid):
                item.fit(width)
                item = item.table(self.styles)
            elif isinstance(item, Signature):
                item = signature_block(self.styles, width, item.signers, item.date)
            story.append(item)
        if self.signers:
            story.append(signature_block(self.styles, width, self.signers))
        buf = io.BytesIO()
        doc = SheetDoc(buf, self.header, short_digest(self.data), self.fonts, wide)
        doc.build(story, canvasmaker=_numbered_canvas(self.fonts.text))
        pdf = buf.getvalue()
        write(pdf, out)
        return pdf


def write(pdf: bytes, out: Out) -> None:
    if out is None:
        return
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(pdf)
    else:
        out.write(pdf)
