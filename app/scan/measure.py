"""Fill of every box, its decision, and the candidate's mark (SPEC §12 *Reading*, §3).

**Fill.** In the aligned page (:mod:`app.scan.align`), the *inner area* of a box is the box inset by
:data:`app.scan.layout.INSET_MM` (0.9 mm: the printed frame and a misalignment of half a millimetre
stay out of it). Its share of dark pixels ``s`` is compared with the same share ``b`` on the blank
form (rendered from the layout itself, :func:`blank_shares`): fill = (s − b) / (1 − b), at least 0.
Counts are integers, so the fill is an exact fraction and a decision never depends on float rounding.

**Decision** with two thresholds (:class:`Thresholds`, editable): fill < ``low`` → empty;
fill ≥ ``high`` → marked; between → doubtful, for a person. Empty also needs the *faint* fill (the
same measure with pixels below 80 % of the paper white, :mod:`app.scan.align`) below ``faint``: a
pencil ✓ that the scanner's blur left without a dark pixel is doubtful, never empty. A box of which
less than half the inner area could be seen (a scanner streak, the page's edge) is doubtful
whatever its fill.

**Defaults, chosen on the generated corpus** (5,000 pages at 200 and 300 dpi, ``python -m benchmarks
--only scan`` prints the fills by truth; :mod:`app.scan.corpus` says what each truth means). Boxes that
must read empty — blank boxes under noise, blur, JPEG 50 and streaks, stray dots up to 0.7 mm, erased
pencil — fill at most 7.0 % (99 % of them 0 %). Boxes with a meant mark fill 0.8 % to 100 % (1st
percentile 8.9 %, median 30 %); the low end is pencil the scanner's blur lightened. ``high`` = 10 % is
above every empty box by 3 points (the largest stray dot); ``low`` = 2 % is below nearly every meant
mark, and ``faint`` = 3 % (no dark pixel but a visible grey line) keeps the rest doubtful. What falls
between goes to the clerk: 0.63 % of the boxes in that run, with 0 boxes decided wrongly.

**Candidate** (§3): two or more marked boxes → ``invalid`` (two posts, or agree and suggest) —
whatever the doubtful ones say; otherwise any doubtful box → ``doubtful``; one marked box → its
choice (``agree:<post>`` / ``suggest:<post>``; a suggestion of a post the candidate declared is
``invalid``); none → ``blank`` (an abstention).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

import numpy as np

from .align import ALIGNED_DPI, ink_masks
from .layout import AGREE, INSET_MM, SUGGEST, Box, Layout, PageLayout

EMPTY, MARKED, DOUBTFUL = "empty", "marked", "doubtful"
BLANK, INVALID = "blank", "invalid"
MIN_SEEN = Fraction(1, 2)


@dataclass(frozen=True)
class Thresholds:
    low: Fraction = Fraction(2, 100)            # fill below it (and faint below ``faint``): empty
    high: Fraction = Fraction(10, 100)          # fill at or above it: marked
    faint: Fraction = Fraction(3, 100)          # an empty box has less faint ink than this

    def __post_init__(self) -> None:
        if not (0 <= self.low <= self.high <= 1) or not 0 <= self.faint <= 1:
            raise ValueError(f"阈值须满足 0 ≤ 下限 ≤ 上限 ≤ 1（下限 {self.low}，上限 {self.high}，浅痕 {self.faint}）")


@dataclass(frozen=True)
class Rect:
    """A rectangle in the aligned page's pixels: left, top, width, height."""
    x: int
    y: int
    w: int
    h: int


def rect_px(x_mm: Decimal, y_mm: Decimal, w_mm: Decimal, h_mm: Decimal, inset: Decimal = Decimal(0),
            dpi: int = ALIGNED_DPI) -> Rect:
    k = Decimal(dpi) / Decimal("25.4")
    x0, y0 = int(((x_mm + inset) * k).to_integral_value()), int(((y_mm + inset) * k).to_integral_value())
    x1 = int(((x_mm + w_mm - inset) * k).to_integral_value())
    y1 = int(((y_mm + h_mm - inset) * k).to_integral_value())
    return Rect(x0, y0, x1 - x0, y1 - y0)


def box_rects(box: Box, dpi: int = ALIGNED_DPI) -> tuple[Rect, Rect]:
    """(the whole box, its inner area) in aligned pixels."""
    return (rect_px(box.x_mm, box.y_mm, box.w_mm, box.h_mm, dpi=dpi),
            rect_px(box.x_mm, box.y_mm, box.w_mm, box.h_mm, INSET_MM, dpi))


_rects_cache: dict[tuple[str, int], list[tuple[Rect, Rect]]] = {}


def page_rects(layout: Layout, page: PageLayout) -> list[tuple[Rect, Rect]]:
    """:func:`box_rects` of every box of the page, in the page's order (cached per layout and page)."""
    key = (layout.digest, page.page)
    if key not in _rects_cache:
        _rects_cache[key] = [box_rects(b) for b in page.boxes]
    return _rects_cache[key]


def counts(mask: np.ndarray, rects: Sequence[Rect]) -> list[int]:
    """How many True pixels of ``mask`` lie in each rectangle."""
    return [int(np.count_nonzero(mask[r.y:r.y + r.h, r.x:r.x + r.w])) for r in rects]


def fill(dark: int, seen: int, blank: Fraction) -> Fraction:
    if seen == 0 or blank >= 1:
        return Fraction(0)
    if not blank:
        return Fraction(dark, seen)
    return max(Fraction(0), (Fraction(dark, seen) - blank) / (1 - blank))


def decide(value: Fraction, faint: Fraction, seen: int, area: int, t: Thresholds) -> str:
    """empty / marked / doubtful from the fill, the faint fill and how much of the box was seen."""
    if area == 0 or Fraction(seen, area) < MIN_SEEN:
        return DOUBTFUL
    if value >= t.high:
        return MARKED
    return EMPTY if value < t.low and faint < t.faint else DOUBTFUL


def candidate_mark(decisions: Iterable[tuple[str, str]], declared: Sequence[str] = ()) -> str:
    """The mark of one candidate from (choice, decision) of all their boxes (see the module's text)."""
    decisions = list(decisions)
    marked = [c for c, d in decisions if d == MARKED]
    if len(marked) >= 2:
        return INVALID
    if any(d == DOUBTFUL for _, d in decisions):
        return DOUBTFUL
    if not marked:
        return BLANK
    kind, _, post = marked[0].partition(":")
    if kind == SUGGEST and post in declared:
        return INVALID
    return marked[0] if kind in (AGREE, SUGGEST) else INVALID


def marks_of(boxes: Iterable[tuple[str, str, str]], layout: Layout,
             persons: Sequence[str] | None = None) -> dict[str, str]:
    """person → mark, from (person, choice, decision) triples; ``persons`` fixes which and their order."""
    by: dict[str, list[tuple[str, str]]] = {}
    for person, choice, decision in boxes:
        by.setdefault(person, []).append((choice, decision))
    declared = layout.declared()
    return {p: candidate_mark(by.get(p, ()), declared.get(p, ())) for p in (persons or list(by))}


_blank_cache: dict[tuple[str, int], list[tuple[Fraction, Fraction]]] = {}


def blank_shares(layout: Layout, page: PageLayout) -> list[tuple[Fraction, Fraction]]:
    """(dark, faint) shares of each box's inner area on the blank form, rendered from the layout (cached
    per layout digest and page). Drawn with placeholder texts: nothing is printed inside a box."""
    key = (layout.digest, page.page)
    if key not in _blank_cache:
        from .render import BallotText, ballot_pdf, render_pages
        persons = {b.person: "空白" for p in layout.pages for b in p.boxes}
        posts = {b.post: "空白岗位" for p in layout.pages for b in p.boxes}
        pdf = ballot_pdf(layout, [("staff", "000000")], BallotText(persons, posts, "BLANK"))
        for p, image in zip(layout.pages, render_pages(pdf, ALIGNED_DPI)):
            dark, faint = ink_masks(image)
            inner = [box_rects(b)[1] for b in p.boxes]
            _blank_cache[(layout.digest, p.page)] = [
                (Fraction(d, r.w * r.h), Fraction(f, r.w * r.h))
                for d, f, r in zip(counts(dark, inner), counts(faint, inner), inner)]
    return _blank_cache[key]


