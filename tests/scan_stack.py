"""A stack of scans of a campaign's own 定岗推荐票 (SPEC §12), as the program prints them
(:class:`tests.scan_setup.Printed`), marked as voters mark them: the tests of the 扫描计票 GUI and its
screenshots use it.

A paper is ``(group, number, marks)`` with marks ``{person: what}``: ``"agree:P1"`` / ``"suggest:P3"``
(a pen ✓, read as marked), ``"doubt:agree:P1"`` (a small blot of :data:`DOUBT_SHARE` of the box: between
the two thresholds, so the reader leaves it to a person), ``"two:agree:P1,suggest:P3"`` (two boxes
ticked: 无效), ``"blank"`` (nothing). :func:`mark_of` says what each paper says, once a person has decided
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
from tests.scan_setup import Printed

DOUBT_SHARE = Fraction(5, 100)       # of the inner area: at or above the low threshold (2 %), below the high (10 %)


def paper_image(printed: Printed, number: str, marks: dict[str, str], seed: int = 1) -> np.ndarray:
    """The ballot ``number`` as printed, marked as ``marks`` says (see the module's text)."""
    image = printed.page(number)
    ticks = {}
    for person, what in marks.items():
        kind, _, rest = what.partition(":")
        if kind == "doubt":
            printed.blot(image, person, rest, share=float(DOUBT_SHARE))
        elif kind == "two":
            ticks[person] = rest.split(",")
        elif what != "blank":
            ticks[person] = what
    rng = random.Random(seed)
    for person, choices in ticks.items():
        for choice in (choices if isinstance(choices, list) else [choices]):
            apply_ink(image, draw_mark("check", printed.box(person, choice), printed.dpi, rng))
    return image


def write_stack(printed: Printed, papers, folder: Path, *, prefix: str = "scan") -> list[Path]:
    """``papers`` ((group, number, marks) …) as PNG files ``scan-001.png`` … in ``folder`` (the scanner's
    folder), in that order."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, (_, number, marks) in enumerate(papers, start=1):
        path = folder / f"{prefix}-{i:03d}.png"
        Image.fromarray(paper_image(printed, number, marks, seed=i)).save(path, dpi=(printed.dpi, printed.dpi))
        out.append(path)
    return out


def write_pdf(printed: Printed, papers, path: Path) -> Path:
    """``papers`` as one multi-page PDF (a scanner's PDF: one image per page)."""
    images = [Image.fromarray(paper_image(printed, n, m, seed=i)) for i, (_, n, m) in enumerate(papers, start=1)]
    images[0].save(path, "PDF", resolution=printed.dpi, save_all=True, append_images=images[1:])
    return path


def mark_of(what: str) -> Mark:
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
