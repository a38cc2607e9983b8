"""Two forms to a sheet: A4 landscape cut down the middle into two A5 halves, a dashed cut line between.

Used for the 定岗推荐票 when one ballot — its head, the rules, the post codes and the candidates — fits
an A5 half (a small campaign: a few candidates and posts); a larger ballot keeps whole A4 pages of its
own. Each half is a complete ballot after cutting: the unit and campaign and the ballot's label at its
head, the data digest and the print time at its foot (a half is one page: no page numbers are needed).

The halves have margins of their own (15 mm, 12 mm beside the cut): GB/T 9704's 37 mm top margin is
for documents, and a ballot on A5 has no room to spare.
"""

from __future__ import annotations

import io
from typing import Any, Sequence

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, FrameBreak, PageTemplate

from .fonts import FontSet

PAGE = landscape(A4)
OUTER, INNER, TOP, BOTTOM = 15 * mm, 12 * mm, 18 * mm, 16 * mm
HALF_WIDTH = PAGE[0] / 2 - OUTER - INNER
HALF_HEIGHT = PAGE[1] - TOP - BOTTOM
CUT_LABEL = "沿虚线剪开"


def height_of(flowables: Sequence[Any], width: float = HALF_WIDTH) -> float:
    """The height the flowables take in a frame ``width`` wide, spaces between them included."""
    total = 0.0
    for i, f in enumerate(flowables):
        _, h = f.wrap(width, 10 * PAGE[1])
        total += h + (f.getSpaceBefore() if i else 0) + f.getSpaceAfter()
    return total


def fits(flowables: Sequence[Any]) -> bool:
    return height_of(flowables) <= HALF_HEIGHT


class HalfLabel(Flowable):
    """Zero-size marker: the half it is drawn in carries ``text`` in its head."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text
        self.width = self.height = 0

    def draw(self) -> None:
        labels = self.canv.__dict__.setdefault("_jg_halves", [])
        labels.append(self.text)


def render_halves(forms: Sequence[Sequence[Any]], fonts: FontSet, *, unit: str, campaign: str, digest: str,
                  audit_seq: int | None, printed: str, title: str) -> bytes:
    """``forms`` (each a list of flowables that :func:`fits`) two to a landscape A4 page."""
    chain = fonts.chain("body")
    x_left, x_right = OUTER, PAGE[0] / 2 + INNER
    frames = [Frame(x, BOTTOM, HALF_WIDTH, HALF_HEIGHT, id=f"half{k}", leftPadding=0, rightPadding=0, topPadding=0,
                    bottomPadding=0) for k, x in enumerate((x_left, x_right))]
    seq = f" · 审计日志至第 {audit_seq} 条" if audit_seq is not None else ""

    def page_end(canv: Canvas, doc: Any) -> None:
        labels = canv.__dict__.pop("_jg_halves", [])
        canv.saveState()
        for k, label in enumerate(labels[:2]):
            x0 = (x_left, x_right)[k]
            x1 = x0 + HALF_WIDTH
            top = PAGE[1] - TOP + 5 * mm
            size, head = 8.0, f"{unit}　{campaign}"
            while chain.width(head, size) + chain.width(label, size) > HALF_WIDTH - 6 * mm and len(head) > 2:
                head = head[:-2] + "…"
            chain.draw(canv, x0, top, head, size)
            chain.draw(canv, x1, top, label, size, "right")
            canv.setLineWidth(0.5)
            canv.line(x0, top - 2 * mm, x1, top - 2 * mm)
            foot = BOTTOM - 8 * mm
            canv.line(x0, foot + 4 * mm, x1, foot + 4 * mm)
            chain.draw(canv, x0, foot, f"数据摘要 {digest}{seq}", 7)
            if printed:
                chain.draw(canv, x1, foot, f"打印 {printed}", 7, "right")
        # the cut line down the middle, with its label in a gap at mid-height
        mid, gap = PAGE[0] / 2, chain.width(CUT_LABEL, 8) / 2 + 2 * mm
        canv.setDash(4, 3)
        canv.setLineWidth(0.5)
        canv.setStrokeGray(0.45)
        canv.line(mid, 6 * mm, mid, PAGE[1] / 2 - gap)
        canv.line(mid, PAGE[1] / 2 + gap, mid, PAGE[1] - 6 * mm)
        canv.setFillGray(0.35)
        canv.translate(mid + 3, PAGE[1] / 2)
        canv.rotate(90)
        chain.draw(canv, 0, 0, CUT_LABEL, 8, "centre")
        canv.restoreState()

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=PAGE, leftMargin=0, rightMargin=0, topMargin=0, bottomMargin=0,
                          title=title, author=unit, subject=campaign, creator="竞岗考评", invariant=True,
                          initialFontName=fonts.table, initialFontSize=10.5)
    doc.addPageTemplates([PageTemplate("halves", frames, onPageEnd=page_end, pagesize=PAGE)])
    story: list[Any] = []
    for i, form in enumerate(forms):
        if i:
            story.append(FrameBreak())
        story += list(form)
    doc.build(story)
    return buf.getvalue()
