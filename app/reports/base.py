"""The frame every sheet shares (pretix style: one ``BaseDocTemplate``, header and footer drawn by
the page template, the sheet functions only supply the story).

- A4 with the margins of GB/T 9704-2012 (37 mm top, 28 mm left, 26 mm right, 35 mm bottom; the
  header's ``margins`` adjust them); landscape when the widest table does not fit the portrait width,
  as the portrait page turned (the 37 mm margin then on the left).
- Every page: unit · campaign · the sheet (and a form's number) at the head; at the foot the data
  digest and the 摘要码 of the state shown (SPEC §9; the audit log's last seq when there is none) (left),
  "第 x 页 共 y 页" (centre; counted within each form for forms), the print time and the 摘要码's QR code
  (right): :func:`draw_footer`, one function (the QR code: :func:`seal_code`). A draft carries a
  "草稿（未公布）" watermark on every page.
- A 公示 sheet (the header has ``publicity``): title with unit and campaign, the opening sentence
  with the 公示期 and how to object, the story, the notes, the 落款 with room for the seal, and —
  the filed version only — the 计分人、复核人、监督人 block (:mod:`app.reports.publicity`).
- Fonts by role (:mod:`app.reports.fonts`), every string through the role's fallback chain, and a
  refusal before layout when a character is in no font. Chinese line breaking (:mod:`app.reports.text`):
  no line starts with "，" or "）", names and post names are never broken.
- Tables (:mod:`app.reports.table`): laid out once the page is chosen, header rows repeated.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, PageBreak,
                                PageTemplate, Spacer, Table, TableStyle)

from ..core.numbers import format_score
from .data import FILED, MARGINS_MM, SIGNERS, SheetHeader, short_digest
from .fonts import FontChain, FontSet, font_set, require_printable
from .publicity import BLANK, Issuer, contacts, heading, opening  # noqa: F401 - contacts: for the sheets
from .table import Column, Grid
from .text import Terms, Text

# Page and font streams Flate-compressed as binary, without the ASCII85 layer on top: every PDF reader
# reads them, the file is an eighth smaller and ReportLab's pure-Python ASCII85 encoder (5 % of a
# sheet's time) is not run.
rl_config.useA85 = 0

DRAFT_LABEL = "草稿（未公布）"
TITLE_SIZE, BODY_SIZE, NOTE_SIZE, FORM_TITLE_SIZE = 22.0, 16.0, 14.0, 18.0
Out = str | Path | BinaryIO | None
# The campaign's name is no term: it is as long as a line, and kept whole it left the line before it short.
TERM_FIELDS = {"name", "post", "posts", "office", "former_office", "chief", "unit", "issuer", "rank",
               "education", "category"}
# Words of the sheets' own sentences that read badly broken (三分之/一, 监督电/话).
PHRASES = {"三分之一", "监督电话", "监督信箱", "公示期", "第十三条", "不满意率", "推荐率", BLANK}


def score_text(value: Decimal | None) -> str:
    """A published score with three decimals (§六); a score that cannot be computed: —."""
    return "—" if value is None else format_score(value)


@dataclass(frozen=True)
class Page:
    """The page and its margins (points): the portrait page turned for landscape."""

    size: tuple[float, float]
    top: float
    left: float
    right: float
    bottom: float

    @classmethod
    def make(cls, landscape: bool, margins: Sequence[float] = MARGINS_MM) -> "Page":
        top, left, right, bottom = (m * mm for m in margins)
        if landscape:       # turned a quarter to the left: the 37 mm top is now on the left
            return cls(to_landscape(A4), right, top, bottom, left)
        return cls(A4, top, left, right, bottom)

    @property
    def width(self) -> float:
        return self.size[0] - self.left - self.right

    @property
    def height(self) -> float:
        return self.size[1] - self.top - self.bottom


def frame_width(landscape: bool, margins: Sequence[float] = MARGINS_MM) -> float:
    return Page.make(landscape, margins).width


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    status: ParagraphStyle
    section: ParagraphStyle
    opening: ParagraphStyle
    note: ParagraphStyle
    form_note: ParagraphStyle
    rules: ParagraphStyle
    fonts: FontSet

    @classmethod
    def make(cls, fonts: FontSet, form: bool = False, body: float = BODY_SIZE, title: float = TITLE_SIZE) -> "Styles":
        size = FORM_TITLE_SIZE if form else title
        return cls(
            title=ParagraphStyle("title", fontName=fonts.title, fontSize=size, leading=size * 1.5,
                                 alignment=TA_CENTER, spaceAfter=3 * mm),
            subtitle=ParagraphStyle("subtitle", fontName=fonts.body, fontSize=14, leading=21, alignment=TA_CENTER,
                                    spaceAfter=1.5 * mm),
            status=ParagraphStyle("status", fontName=fonts.body, fontSize=10.5, leading=15, alignment=TA_CENTER,
                                  spaceAfter=3 * mm),
            section=ParagraphStyle("section", fontName=fonts.title, fontSize=14, leading=21, spaceBefore=3 * mm,
                                   spaceAfter=2 * mm),
            opening=ParagraphStyle("opening", fontName=fonts.body, fontSize=body, leading=body * 1.75,
                                   firstLineIndent=2 * body, spaceAfter=2 * mm),
            note=ParagraphStyle("note", fontName=fonts.body, fontSize=body - 2, leading=(body - 2) * 1.6,
                                spaceBefore=1.5 * mm),
            form_note=ParagraphStyle("form-note", fontName=fonts.body, fontSize=12, leading=18, spaceBefore=1 * mm),
            rules=ParagraphStyle("rules", fontName=fonts.body, fontSize=10.5, leading=15, spaceBefore=1 * mm,
                                 leftIndent=1.2 * 10.5, firstLineIndent=-1.2 * 10.5),
            fonts=fonts,
        )


@dataclass(frozen=True)
class Signature:
    """Where a signature block goes (laid out at render time, when the page width is known)."""

    signers: Sequence[str] = SIGNERS
    date: bool = True


class PageLabel(Flowable):
    """Zero-size marker: a new form starts here. The running header of its pages shows ``text``
    (a form's number); pages are numbered within the form; ``signers`` sign at the foot of each page."""

    serial = 0

    def __init__(self, text: str, signers: Sequence[str] = ()):
        super().__init__()
        PageLabel.serial += 1
        self.text, self.signers, self.form = text, tuple(signers), PageLabel.serial
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv._jg_label = self.text  # type: ignore[attr-defined]
        self.canv._jg_form = self.form  # type: ignore[attr-defined]
        self.canv._jg_signers = self.signers  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Footer:
    """What the foot of every page shows besides the page number."""

    chain: FontChain
    digest: str
    audit_seq: int | None
    printed: str
    page: Page
    code: str = ""              # 摘要码 …（第 n 条） of the state shown (SPEC §9)
    head: str = ""              # its QR code's text: the full chain head and n


def draw_footer(canv: Canvas, footer: Footer, page: int, pages: int) -> None:
    """The foot of one page: the digest and audit seq (left), 第 x 页 共 y 页 (centre), the print time
    (right); a form's signature line above them. Called once per page when its form's page count is known."""
    w = footer.page.size[0]
    left, right = footer.page.left, w - footer.page.right
    foot = footer.page.bottom - 12 * mm
    chain = footer.chain
    canv.saveState()
    signers = getattr(canv, "_jg_signers", ())
    if signers:
        x = left
        for s in signers:
            chain.draw(canv, x, footer.page.bottom - 8 * mm, f"{s}：", 12)
            x += chain.width(f"{s}：", 12)
            canv.setLineWidth(0.6)
            canv.line(x, footer.page.bottom - 8.5 * mm, x + 45 * mm, footer.page.bottom - 8.5 * mm)
            x += 55 * mm
    canv.setLineWidth(0.6)
    canv.line(left, foot + 4 * mm, right, foot + 4 * mm)
    number = f"第 {page} 页 共 {pages} 页"
    chain.draw(canv, w / 2, foot, number, 9, "centre")
    seq = f" · 审计日志至第 {footer.audit_seq} 条" if footer.audit_seq is not None and not footer.code else ""
    digest = f"数据摘要 {footer.digest}{seq}" + (f" · {footer.code}" if footer.code else "")
    printed = f"打印 {footer.printed}" if footer.printed else ""
    right -= seal_code(canv, footer.head, right, foot - 8 * mm)
    centre = chain.width("第 999 页 共 999 页", 9) / 2 + 3 * mm
    side = max(chain.width(digest, 8), chain.width(printed, 8))
    y = foot if left + side < w / 2 - centre else foot - 4 * mm
    chain.draw(canv, left, y, digest, 8)
    if printed:
        chain.draw(canv, right, y, printed, 8, "right")
    canv.restoreState()


def _numbered_canvas(footer: Footer) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Keeps the pages of the current form until the form ends, then writes each page's footer
        ("第 x 页 共 y 页" within the form) — so memory holds one form, not the whole document."""

        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._jg_pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            state = dict(self.__dict__)
            pending = self._jg_pages
            if pending and pending[-1].get("_jg_form") != state.get("_jg_form"):
                self._flush()
                self.__dict__.update(state)
            pending.append(state)
            self._startPage()

        def _flush(self) -> None:
            pending = list(self._jg_pages)
            self._jg_pages.clear()
            for i, state in enumerate(pending, start=1):
                self.__dict__.update(state)
                draw_footer(self, footer, i, len(pending))
                Canvas.showPage(self)

        def save(self) -> None:
            self._flush()
            Canvas.save(self)
    return NumberedCanvas


class SheetDoc(BaseDocTemplate):
    """A4 document with the official margins, running header and footer."""

    def __init__(self, target: Any, header: SheetHeader, fonts: FontSet, page: Page):
        super().__init__(target, pagesize=page.size, leftMargin=page.left, rightMargin=page.right,
                         topMargin=page.top, bottomMargin=page.bottom, title=heading(header), author=header.unit,
                         subject=header.campaign, creator="竞岗考评", invariant=True,
                         initialFontName=fonts.table, initialFontSize=10.5)
        self.sheet_header, self.fonts, self.sheet_page = header, fonts, page
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._under, onPageEnd=self._over,
                                            pagesize=page.size)])

    def _under(self, canv: Canvas, doc: Any) -> None:
        if self.sheet_header.draft:
            w, h = self.sheet_page.size
            canv.saveState()
            canv.setFillGray(0.86)
            canv.translate(w / 2, h / 2)
            canv.rotate(30)
            self.fonts.chain("title").draw(canv, 0, -20, DRAFT_LABEL, 64, "centre")
            canv.restoreState()

    def _over(self, canv: Canvas, doc: Any) -> None:
        h = self.sheet_header
        w, page_h = self.sheet_page.size
        left, right = self.sheet_page.left, w - self.sheet_page.right
        top = page_h - self.sheet_page.top + 6 * mm
        chain = self.fonts.chain("body")
        canv.saveState()
        label = getattr(canv, "_jg_label", "") or h.title
        if h.draft:
            label += "（草稿，未公布）"
        elif h.state:
            label += "（已公布）"
        size, campaign = 9.0, h.campaign
        room = right - left - 8 * mm

        def fits() -> bool:
            return chain.width(f"{h.unit}　{campaign}", size) + chain.width(label, size) <= room

        while not fits() and size > 7:
            size -= 0.5
        while not fits() and len(campaign) > 1:
            campaign = campaign[:-2] + "…"
        chain.draw(canv, left, top, f"{h.unit}　{campaign}", size)
        chain.draw(canv, right, top, label, size, "right")
        canv.setLineWidth(0.6)
        canv.line(left, top - 2 * mm, right, top - 2 * mm)
        canv.restoreState()


QR_SIZE = 11 * mm             # below the footer rule, well above a printer's unprintable edge


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
    chain = styles.fonts.chain("body")
    labels = [f"{s}：" for s in signers] + (["日期："] if date else [])
    size = 12
    label_w = max(chain.width(t, size) for t in labels) + 2
    line_w = max((width - len(labels) * label_w) / len(labels), 20 * mm)
    row: list[Any] = []
    for t in labels:
        row += [Text(t, ParagraphStyle("sign", fontName=chain.primary, fontSize=size, leading=size * 1.3), chain), ""]
    cmds = [("FONT", (0, 0), (-1, -1), chain.primary, size), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    cmds += [("LINEBELOW", (2 * i + 1, 0), (2 * i + 1, 0), 0.6, colors.black) for i in range(len(labels))]
    table = Table([row], colWidths=[label_w, line_w - 4 * mm] * len(labels), rowHeights=[10 * mm],
                  style=TableStyle(cmds), hAlign="LEFT")
    return [Spacer(1, 6 * mm), table]


def terms_of(data: Any) -> Terms:
    """The names, post and 科室 names a sheet prints: never broken across lines."""
    found: set[str] = set()

    def walk(value: Any, field: str = "") -> None:
        if isinstance(value, str):
            if field in TERM_FIELDS:
                found.add(value)
        elif dataclasses.is_dataclass(value):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name), f.name)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item, field)
    walk(data)
    return Terms(found | PHRASES)


class SheetBuilder:
    """Collects a sheet's story; at :meth:`render` picks the page, fits the tables and writes the PDF."""

    def __init__(self, data: Any, *, signers: Sequence[str] | None = SIGNERS, force_landscape: bool = False,
                 form: bool = False, force_portrait: bool = False, body_size: float = BODY_SIZE,
                 title_size: float = TITLE_SIZE):
        self.data = data
        self.header: SheetHeader = data.header
        self.fonts = font_set()
        require_printable(data, self.fonts)
        self.body_size = body_size
        self.styles = Styles.make(self.fonts, form, body_size, title_size)
        self.terms = terms_of(data)
        self.signers = signers
        self.force_landscape, self.force_portrait = force_landscape, force_portrait
        self.story: list[Any] = []
        self.opened = False

    # -- text -------------------------------------------------------------------------------------

    def text(self, text: str, style: ParagraphStyle) -> Text:
        role = "title" if style.fontName == self.fonts.title and style.fontName != self.fonts.body else "body"
        return Text(text, style, self.fonts.chain(role), self.terms)

    def title(self, subtitle: str | None = None, opening_text: str | None = None, text: str | None = None) -> None:
        """The title (unit, campaign, sheet — or ``text``), a subtitle, the state; a 公示's opening sentence."""
        h = self.header
        self.story.append(self.text(text or heading(h), self.styles.title))
        sub = h.subtitle if subtitle is None else subtitle
        if sub:
            self.story.append(self.text(sub, self.styles.subtitle))
        # A posted 公示 says 已公布 in its running header; the line is kept for drafts and other sheets.
        status = f"阶段状态：{h.state}" if h.state and (h.publicity is None or h.draft) else ""
        if h.draft:
            status = f"{DRAFT_LABEL}　{status}" if status else DRAFT_LABEL
        if status:
            self.story.append(self.text(status, self.styles.status))
        if h.publicity is not None and not self.opened:
            self.opened = True
            self.story.append(self.text(opening_text or opening(h), self.styles.opening))

    def grid(self, columns: Sequence[Column], rows: Sequence[Sequence[Any]], *, add: bool = True, **kw: Any) -> Grid:
        """A table measured now and laid out at render; ``add=False``: measured only (forms add the same
        grid to every copy, each copy gets its own table at render)."""
        g = Grid(columns, rows, **kw)
        g._measure(self.fonts, self.terms)
        if add:
            self.story.append(g)
        return g

    def section(self, text: str) -> None:
        self.story.append(CondPageBreak(40 * mm))
        self.story.append(self.text(text, self.styles.section))

    def note(self, text: str, style: ParagraphStyle | None = None) -> None:
        self.story.append(self.text(text, style or self.styles.note))

    def signature(self, signers: Sequence[str] = SIGNERS, date: bool = True) -> None:
        self.story.append(Signature(tuple(signers), date))

    def add(self, *flowables: Any) -> None:
        self.story.extend(flowables)

    def new_page(self, label: str | None = None, signers: Sequence[str] = ()) -> None:
        """A new form: a new page, numbered from 1 within the form, its label in the running header."""
        if self.story:
            self.story.append(PageBreak())
        self.story.append(PageLabel(label or self.header.title, signers))

    def landscape(self) -> bool:
        if self.force_landscape:
            return True
        if self.force_portrait:
            return False
        portrait = frame_width(False, self.header.margins)
        # Text columns count at 8 字 here: wrapping them onto two lines beats turning the page.
        return any(sum(g.natural(g.size, cap_chars=8)) > portrait + 0.5 for g in self.story if isinstance(g, Grid))

    def _ending(self) -> list[Any]:
        """After the notes: the 落款 (a 公示) and, on the filed version, the signatures."""
        h, out = self.header, []
        if h.publicity is not None:
            p = h.publicity
            out.append(Issuer(p.issuer or h.unit, p.issued or p.start, self.fonts.chain("body"), self.body_size))
        if self.signers and (h.publicity is None or h.version == FILED):
            out.append(Signature(tuple(self.signers)))
        return out

    def render(self, out: Out = None, *, notes: Sequence[str] = (),
               finish: Callable[["SheetBuilder"], None] | None = None) -> bytes:
        for text in notes:
            self.note(text)
        if finish:
            finish(self)
        wide = self.landscape()
        page = Page.make(wide, self.header.margins)
        width = page.width
        ending = self._ending()
        items = list(self.story) + ([("end", ending)] if ending else [])
        story: list[Any] = []
        for item in items:
            if isinstance(item, Grid):
                item.fit(width)
            if isinstance(item, Signature):
                item = ("end", [item])
            if not isinstance(item, tuple):
                story.append(item)
                continue
            # The ending takes the notes above it and the last rows of the table along:
            # never a page of signatures (or a 落款) alone.
            block: list[Any] = []
            for part in item[1]:
                block += (signature_block(self.styles, width, part.signers, part.date)
                          if isinstance(part, Signature) else [part])
            while story and not isinstance(story[-1], (Grid, PageBreak, PageLabel, CondPageBreak)):
                block.insert(0, story.pop())
            if story and isinstance(story[-1], Grid):
                rest, tail = story.pop().with_tail(self.fonts)
                block.insert(0, tail)
                if rest is not None:
                    story.append(rest)
                else:                       # the whole (short) table moves: its heading goes along
                    while story and isinstance(story[-1], Text):
                        block.insert(0, story.pop())
            story.append(KeepTogether(block))
        # One table per grid, however often the grid recurs (a form's copies): laid out and split once.
        tables: dict[int, Any] = {}
        story = [tables.setdefault(id(x), x.table(self.fonts)).use() if isinstance(x, Grid) else x for x in story]
        h = self.header
        footer = Footer(self.fonts.chain("body"), short_digest(self.data), h.audit_seq, h.printed, page, h.code, h.head)
        buf = io.BytesIO()
        doc = SheetDoc(buf, h, self.fonts, page)
        doc.build(story, canvasmaker=_numbered_canvas(footer))
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
