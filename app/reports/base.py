"""The frame every sheet shares (pretix style: one ``BaseDocTemplate``, header and footer drawn by
the page template, the sheet functions only supply the story).

- A4, margins 2 cm; landscape when the widest table does not fit the portrait width.
- Every page: unit · campaign · stage state at the head; at the foot the data digest and the 摘要码 of
  the state shown (left), "第 x 页 共 y 页" (centre, drawn when the page count is known), the print
  time and the 摘要码's QR code (right; :func:`seal_code`). A draft carries a "草稿（未公布）" watermark on every page.
- Tables (:mod:`app.reports.table`): laid out once the page is chosen, header rows repeated.
- The signature block (计分人、复核人、监督人、日期) is kept together at the end: on the last page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
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
from .table import Column, Grid, esc

MARGIN = 20 * mm
TOP_MARGIN = 24 * mm          # room for the running header above the 2 cm text area
BOTTOM_MARGIN = 20 * mm
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
class Signature:
    """Where a signature block goes (laid out at render time, when the page width is known)."""

    signers: Sequence[str] = SIGNERS
    date: bool = True


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
        seq = f" · 审计日志至第 {h.audit_seq} 条" if h.audit_seq is not None and not h.code else ""
        digest = f"数据摘要 {self.digest}{seq}" + (f" · {h.code}" if h.code else "")
        printed = f"打印 {h.printed}" if h.printed else ""
        right -= seal_code(canv, h.head, right, 3.5 * mm)
        # The page number (drawn later, centred on ``foot``) must not run into the texts beside it.
        centre = stringWidth("第 999 页 共 999 页", self.fonts.text, 9) / 2 + 3 * mm
        side = max(stringWidth(digest, self.fonts.text, 8), stringWidth(printed, self.fonts.text, 8))
        y = foot if left + side < w / 2 - centre else foot - 4 * mm
        canv.setFont(self.fonts.text, 8)
        canv.drawString(left, y, digest)
        if printed:
            canv.drawRightString(right, y, printed)
        canv.restoreState()


QR_SIZE = 11 * mm             # between the footer rule and a printer's unprintable edge


def seal_code(canv: Canvas, payload: str, right: float, bottom: float) -> float:
    """SPEC §9: the QR code of the 摘要码 (the full chain head and n, ``payload``) in the page's bottom
    right corner; returns the width it takes from the footer line (0 when there is none). The 摘要码 itself
    is printed in words beside the data digest."""
    if not payload:
        return 0.0
    from reportlab.graphics.barcode import qrencoder
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(payload)
    qr.make()
    count = qr.getModuleCount()
    box = QR_SIZE / count
    canv.saveState()
    canv.setFillGray(0)
    for r, row in enumerate(qr.modules):
        for c, dark in enumerate(row):
            if dark:
                canv.rect(right - QR_SIZE + c * box, bottom + QR_SIZE - (r + 1) * box, box * 1.02, box * 1.02,
                          stroke=0, fill=1)
    canv.restoreState()
    return QR_SIZE + 2 * mm


def signature_block(styles: Styles, width: float, signers: Sequence[str] = SIGNERS,
                    date: bool = True) -> list[Flowable]:
    """计分人：____ 复核人：____ 监督人：____ 日期：____ (the caller keeps it with the last rows)."""
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
    return [Spacer(1, 8 * mm), table]


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
        # Text columns count at 8 字 here: wrapping them onto two lines beats turning the page.
        return any(sum(g.natural(g.size, cap_chars=8)) > portrait + 0.5 for g in self.story if isinstance(g, Grid))

    def render(self, out: Out = None, *, notes: Sequence[str] = (),
               finish: Callable[["SheetBuilder"], None] | None = None) -> bytes:
        for text in notes:
            self.note(text)
        if finish:
            finish(self)
        wide = self.landscape()
        width = frame_width(wide)
        items = list(self.story) + ([Signature(tuple(self.signers))] if self.signers else [])
        story: list[Any] = []
        for item in items:
            if isinstance(item, Grid):
                item.fit(width)
            if not isinstance(item, Signature):
                story.append(item)
                continue
            # The signatures take the notes above them and the last rows of the table along:
            # never a page of signatures alone.
            block = signature_block(self.styles, width, item.signers, item.date)
            while story and not isinstance(story[-1], (Grid, PageBreak, PageLabel, CondPageBreak)):
                block.insert(0, story.pop())
            if story and isinstance(story[-1], Grid):
                rest, tail = story.pop().with_tail(self.fonts)
                block.insert(0, tail)
                if rest is not None:
                    story.append(rest)
                else:                       # the whole (short) table moves: its heading goes along
                    while story and isinstance(story[-1], Paragraph):
                        block.insert(0, story.pop())
            story.append(KeepTogether(block))
        story = [x.table(self.fonts) if isinstance(x, Grid) else x for x in story]
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
