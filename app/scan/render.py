"""Drawing the scannable 定岗推荐票 (:mod:`app.scan.layout`) with ReportLab, and rasterising it.

:func:`draw_scannable_ballot` draws one page of one ballot on a ReportLab canvas, exactly where the
layout says, so the sheet builders of :mod:`app.reports` can print the real ballot with it (the
caller starts and ends the canvas page). :func:`ballot_pdf` prints a stack of ballots;
:func:`render_pages` rasterises such a PDF with pypdfium2 (the test corpus is made from it, so the
reader is tested on what the printer gets).

What the voter sees: the title, meeting, voter group and number (with the number under the QR too);
one line of instructions; the post names stacked vertically over their columns; one row per
candidate (序号, 姓名) whose cells are zebra-shaded so the eye follows the row; the declared posts'
cells grey with a heavy frame (同意), the others white with a thin frame (建议). The inside of
every box stays white: the reader compares the ink there with the blank form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO
from typing import Mapping, Sequence

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ..core.scheme import GROUP_LABELS
from ..reports.fonts import FontSet, font_set
from .layout import (AGREE, CELL_MM, HEAD_MM, HEAD_Y_MM, MATRIX_X_MM, NAME_COL_MM, NUMBER_COL_MM, QR_LEVEL,
                     QR_MODULES, QR_VERSION, TABLE_X_MM, Layout, QrPayload)

INSTRUCTIONS = ("填票说明：同意某人任其申报岗位的，在其一行的粗框（灰底）内划“√”；认为其申报岗位不合适的，"
                "在建议岗位的细框内划“√”。每人限划一格，划两格以上的对此人无效，不划的视为弃权。")
ZEBRA, AGREE_CELL = 0.93, 0.72          # grey levels of a shaded row and of an agree cell (outside the box)


@dataclass(frozen=True)
class BallotText:
    """What is printed besides the layout: names of candidates and posts, meeting and title."""
    names: Mapping[str, str]            # person id → name
    post_names: Mapping[str, str]       # post id → name
    meeting: str                        # the QR's meeting code (layout.QrPayload)
    meeting_label: str = "定岗推荐"
    title: str = "定岗推荐票"


def qr_modules(text: str) -> list[list[bool]]:
    """The QR's module matrix (row by row, True = dark) as ReportLab encodes it: version 4, level H."""
    qr = qrencoder.QRCode(QR_VERSION, getattr(qrencoder.QRErrorCorrectLevel, QR_LEVEL))
    qr.addData(qrencoder.QRAlphaNum(text))
    qr.make()
    assert qr.getModuleCount() == QR_MODULES
    return [[bool(v) for v in row] for row in qr.modules]


def _x(v: Decimal | float) -> float:
    return float(v) * mm


def draw_scannable_ballot(canvas: Canvas, layout: Layout, page: int, *, group: str, number: str,
                          text: BallotText, fonts: FontSet | None = None) -> None:
    """Draw page ``page`` of ballot ``number`` (voter group ``group``) on the canvas's current page.

    The canvas must be A4 portrait (``layout.page_mm``); nothing is drawn outside the layout's
    places besides the text. Raises :class:`app.scan.layout.LayoutError` for a page, meeting, group
    or number the QR cannot carry."""
    fonts = fonts or font_set()
    height = layout.page_mm[1]
    pl = layout.page(page)
    payload = QrPayload(text.meeting, group, number, page, layout.digest).encode()

    def y(v: Decimal | float) -> float:          # top-left millimetres → ReportLab points from the bottom
        return (height - float(v)) * mm

    c = canvas
    c.saveState()
    # fiducials
    c.setFillGray(0)
    half = layout.fiducial_mm / 2
    for cx, cy in layout.fiducials_mm:
        c.rect(_x(cx - half), y(cy + half), _x(layout.fiducial_mm), _x(layout.fiducial_mm), stroke=0, fill=1)
    # QR, drawn module by module (runs of dark modules in a row as one rectangle)
    qx, qy, qsize = layout.qr_mm
    module = qsize / QR_MODULES
    for r, row in enumerate(qr_modules(payload)):
        col = 0
        while col < len(row):
            if not row[col]:
                col += 1
                continue
            run = col
            while run < len(row) and row[run]:
                run += 1
            c.rect(_x(qx + col * module), y(qy + (r + 1) * module), _x((run - col) * module), _x(module),
                   stroke=0, fill=1)
            col = run
    c.setFont(fonts.body, 9)
    c.drawCentredString(_x(qx + qsize / 2), y(qy + qsize + Decimal("3.6")), f"No.{number}")
    # header
    left = float(TABLE_X_MM) + 1
    c.setFont(fonts.title, 18)
    c.drawString(left * mm, y(23), text.title)
    c.setFont(fonts.text, 10.5)
    c.drawString(left * mm, y(29.5), f"{text.meeting_label}　投票人类别：{GROUP_LABELS.get(group, group)}")
    c.drawString(left * mm, y(35), f"票号：{number}　　第 {page} 页　共 {len(layout.pages)} 页")
    _paragraph(c, INSTRUCTIONS, fonts.text, 8.5, left * mm, y(40), (float(qx) - 3 - left) * mm)
    _matrix(c, layout, pl, text, fonts, y)
    c.setFont(fonts.text, 7.5)
    c.setFillGray(0.3)
    spans = sum(1 for p in layout.pages if pl.persons()[0] in p.persons()) > 1
    once = "每人在本票各页中合计限划一格" if spans else "每人限划一格"
    c.drawCentredString(105 * mm, y(281.5), f"第 {page} 页 共 {len(layout.pages)} 页　·　版式 {layout.digest}"
                        f"　·　{once}　·　请勿在四角黑块和二维码上书写")
    c.restoreState()


def _paragraph(c: Canvas, text: str, font: str, size: float, x: float, top: float, width: float) -> None:
    """Chinese text broken at any character to ``width`` points, lines from ``top`` down."""
    lines, line = [], ""
    for ch in text:
        if stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    c.setFont(font, size)
    for i, ln in enumerate(lines):
        c.drawString(x, top - i * size * 1.3, ln)


def _matrix(c: Canvas, layout: Layout, pl, text: BallotText, fonts: FontSet, y) -> None:
    persons, posts = pl.persons(), pl.posts()
    order = {p: i + 1 for i, p in enumerate(dict.fromkeys(b.person for q in layout.pages for b in q.boxes))}
    by = {(b.person, b.post): b for b in pl.boxes}
    x0 = MATRIX_X_MM
    top = HEAD_Y_MM + HEAD_MM
    right = x0 + len(posts) * CELL_MM
    bottom = top + len(persons) * CELL_MM
    # row shading, then agree cells
    for r, person in enumerate(persons):
        if r % 2:
            c.setFillGray(ZEBRA)
            c.rect(_x(TABLE_X_MM), y(top + (r + 1) * CELL_MM), _x(right - TABLE_X_MM), _x(CELL_MM), stroke=0, fill=1)
        for k, post in enumerate(posts):
            if by[(person, post)].kind == AGREE:
                c.setFillGray(AGREE_CELL)
                c.rect(_x(x0 + k * CELL_MM), y(top + (r + 1) * CELL_MM), _x(CELL_MM), _x(CELL_MM), stroke=0, fill=1)
    # grid lines
    c.setStrokeGray(0.55)
    c.setLineWidth(0.3)
    for r in range(len(persons) + 1):
        c.line(_x(TABLE_X_MM), y(top + r * CELL_MM), _x(right), y(top + r * CELL_MM))
    for xv in [TABLE_X_MM, TABLE_X_MM + NUMBER_COL_MM, x0] + [x0 + (k + 1) * CELL_MM for k in range(len(posts))]:
        c.line(_x(xv), y(HEAD_Y_MM if xv >= x0 else top), _x(xv), y(bottom))
    c.line(_x(x0), y(HEAD_Y_MM), _x(right), y(HEAD_Y_MM))
    # heads
    c.setFillGray(0)
    c.setFont(fonts.body, 8)
    c.drawCentredString(_x(TABLE_X_MM + NUMBER_COL_MM / 2), y(top - 2), "序号")
    c.drawCentredString(_x(TABLE_X_MM + NUMBER_COL_MM + NAME_COL_MM / 2), y(top - 2), "姓名")
    for k, post in enumerate(posts):
        _vertical(c, text.post_names.get(post, post), fonts.body, x0 + k * CELL_MM, HEAD_Y_MM, y)
    # rows: number, name, boxes
    for r, person in enumerate(persons):
        base = y(top + r * CELL_MM + CELL_MM / 2) - 3.4
        c.setFillGray(0)
        c.setFont(fonts.body, 9)
        c.drawCentredString(_x(TABLE_X_MM + NUMBER_COL_MM / 2), base, str(order[person]))
        name = text.names.get(person, person)
        size = 10.0
        while size > 6 and stringWidth(name, fonts.body, size) > _x(NAME_COL_MM) - 4:
            size -= 0.5
        c.setFont(fonts.body, size)
        c.drawString(_x(TABLE_X_MM + NUMBER_COL_MM) + 2, base, name)
        for post in posts:
            b = by[(person, post)]
            c.setFillGray(1)
            c.setStrokeGray(0)
            c.setLineWidth(1.4 if b.kind == AGREE else 0.5)
            c.rect(_x(b.x_mm), y(b.y_mm + b.h_mm), _x(b.w_mm), _x(b.h_mm), stroke=1, fill=1)


def _vertical(c: Canvas, name: str, font: str, left: Decimal, top: Decimal, y) -> None:
    """A post name stacked character by character in its column head (smaller type for a long name;
    beyond 10 characters two stacks, read right to left as vertical Chinese is)."""
    room = float(HEAD_MM) - 2
    stacks = 1 if len(name) * 2.4 <= room else 2
    per = -(-len(name) // stacks)
    size_mm = min(3.2, room / per, 6.0 / stacks)
    c.setFont(font, size_mm / 0.3528)
    centre = float(left) + float(CELL_MM) / 2
    for s in range(stacks):
        cx = centre + ((stacks - 1) / 2 - s) * size_mm
        for i, ch in enumerate(name[s * per:(s + 1) * per]):
            c.drawCentredString(cx * mm, y(float(top) + 1 + (i + 0.85) * size_mm), ch)


def ballot_pdf(layout: Layout, ballots: Sequence[tuple[str, str]], text: BallotText) -> bytes:
    """A PDF of whole ballots: for each (group, number), every page of the layout in order."""
    buf = BytesIO()
    c = Canvas(buf, pagesize=(layout.page_mm[0] * mm, layout.page_mm[1] * mm), invariant=True)
    c.setTitle(text.title)
    fonts = font_set()
    for group, number in ballots:
        for p in layout.pages:
            draw_scannable_ballot(c, layout, p.page, group=group, number=number, text=text, fonts=fonts)
            c.showPage()
    c.save()
    return buf.getvalue()


def render_pages(pdf: bytes, dpi: int) -> list:
    """Every page of ``pdf`` as an 8-bit grey numpy array at ``dpi`` (pypdfium2)."""
    import numpy as np
    import pypdfium2
    doc = pypdfium2.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            bitmap = doc[i].render(scale=dpi / 72, grayscale=True)
            out.append(np.array(bitmap.to_numpy()[:, :, 0] if bitmap.to_numpy().ndim == 3 else bitmap.to_numpy()))
        return out
    finally:
        doc.close()
