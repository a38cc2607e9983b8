"""A stack of scans of a campaign's own 定岗推荐票 (SPEC §12), as the program prints them, marked as voters
mark them: the tests of the 扫描计票 GUI and its screenshots use it.

A paper is ``(group, number, marks)`` with marks ``{person: what}``: ``"agree:P1"`` / ``"suggest:P3"``
(a pen ✓, read as marked), ``"doubt:agree:P1"`` (a small blot of :data:`DOUBT_SHARE` of the box: between
the two thresholds, so the reader leaves it to a person), ``"two:agree:P1,suggest:P3"`` (two boxes
ticked: 无效), ``"blank"`` (nothing). :func:`truth` says what each paper is, once a person has decided
the doubtful boxes as the voter meant them (a doubtful blot means the box it is in).
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.scan.marks import apply_ink, draw_mark
from app.scan.render import ballot_pdf, render_pages

DPI = 200
DOUBT_SHARE = Fraction(5, 100)       # of the inner area: at or above the low threshold (2 %), below the high (10 %)


def scannable(store):
    """(layout, text) of the campaign's printed scannable ballots."""
    from app.services import scanning
    printed = scanning.printable(store, [])          # what printing the 定岗推荐票 does: the layout stored
    return printed.layout, printed.text


def page_images(store, papers, dpi: int = DPI, seed: int = 1) -> list[np.ndarray]:
    """Every page of ``papers`` as printed and marked (grey, ``dpi``), in order."""
    layout, text = scannable(store)
    pages = render_pages(ballot_pdf(layout, [(g, n) for g, n, _ in papers], text), dpi)
    rng = random.Random(seed)
    per = len(layout.pages)
    for i, (_, _, marks) in enumerate(papers):
        for p in layout.pages:
            image = pages[i * per + p.page - 1]
            boxes = {(b.person, b.choice): b for b in p.boxes}
            for person, what in marks.items():
                kind, _, rest = what.partition(":")
                if kind == "doubt":
                    if (person, rest) in boxes:
                        blot(image, boxes[(person, rest)], dpi)
                    continue
                choices = rest.split(",") if kind == "two" else ([] if what == "blank" else [what])
                for choice in choices:
                    if (person, choice) in boxes:
                        apply_ink(image, draw_mark("check", boxes[(person, choice)], dpi, rng))
    return pages


def blot(image: np.ndarray, box, dpi: int) -> None:
    """A small dark square in the middle of ``box``: :data:`DOUBT_SHARE` of the inner area."""
    from app.scan.layout import INSET_MM
    k = dpi / 25.4
    inner = (float(box.w_mm) - 2 * float(INSET_MM)) * k
    side = max(2, round(inner * float(DOUBT_SHARE) ** 0.5))
    cx, cy = (float(box.x_mm) + float(box.w_mm) / 2) * k, (float(box.y_mm) + float(box.h_mm) / 2) * k
    x0, y0 = round(cx - side / 2), round(cy - side / 2)
    image[y0:y0 + side, x0:x0 + side] = 20


def write_stack(store, papers, folder: Path, *, dpi: int = DPI, prefix: str = "scan") -> list[Path]:
    """The pages of ``papers`` as PNG files ``scan-001.png`` … in ``folder`` (the scanner's folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, image in enumerate(page_images(store, papers, dpi), start=1):
        path = folder / f"{prefix}-{i:03d}.png"
        Image.fromarray(image).save(path, dpi=(dpi, dpi))
        out.append(path)
    return out


def write_pdf(store, papers, path: Path, *, dpi: int = DPI) -> Path:
    """The pages of ``papers`` as one multi-page PDF (a scanner's PDF: one image per page)."""
    images = [Image.fromarray(i) for i in page_images(store, papers, dpi)]
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def mark_of(what: str, doubt_as: str | None = None) -> Mark:
    """What the paper says for one candidate (a doubtful blot: as the voter meant it, the box it is in)."""
    kind, _, rest = what.partition(":")
    if kind == "doubt":
        kind, _, rest = rest.partition(":")
    if what == "blank":
        return Mark(BLANK)
    if kind == "two":
        return Mark(INVALID)
    return Mark(AGREE if kind == "agree" else SUGGEST, rest)


def keys_for(marks: dict[str, str], people: list[str], declared: dict[str, tuple[str, ...]]) -> str:
    """The 唱票 keys for one paper (``1``/``2`` the declared post, a post code to suggest, ``0`` blank,
    ``*`` invalid), candidates in ballot order."""
    out = []
    for person in people:
        m = mark_of(marks.get(person, "blank"))
        if m.kind == BLANK:
            out.append("0")
        elif m.kind == INVALID:
            out.append("*")
        elif m.kind == AGREE:
            out.append(str(declared[person].index(m.post) + 1))
        else:
            out.append(m.post.lower() if not m.post[:1] in "012" else "/" + m.post)
    return "".join(out)
