"""A campaign whose 定岗推荐票 are printed by the program in the scannable layout, and scans of them
(SPEC §12): the PDF the printer gets, rasterised, marked with :mod:`app.scan.marks`, degraded with
:mod:`app.scan.degrade` — the papers as the office scanner returns them."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from app.reports import render
from app.scan.degrade import Scan, encode, scan_page
from app.scan.layout import INSET_MM, Layout
from app.scan.marks import apply_ink, draw_mark
from app.scan.render import render_pages
from app.services import count
from app.services.report_data import sheet_data
from tests.ballot_setup import PASSWORD, numbered


class Printed:
    """The printed stack: each ballot's (group, number), the layout, and each page rasterised at ``dpi``."""

    def __init__(self, store, printed: dict[str, int], *, dpi: int = 200, open_count: bool = True,
                 import_doc: bool = True, issued: dict[str, int] | None = None):
        numbered(store, printed, open_count=False, import_doc=import_doc, issued=issued)
        data = sheet_data(store, "定岗推荐票", numbered=True, print_counts=dict(printed))
        self.pdf = render("定岗推荐票", data)
        self.layout: Layout = data.scannable.layout
        self.ballots = data.scannable.ballots
        self.dpi = dpi
        self._pages = {dpi: render_pages(self.pdf, dpi)}
        if open_count:
            count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)

    def numbers(self, group: str) -> list[str]:
        return [n for g, n in self.ballots if g == group]

    def page(self, number: str, dpi: int | None = None) -> np.ndarray:
        """A fresh copy of the ballot's (first) page, rasterised at ``dpi`` (default: the stack's)."""
        dpi = dpi or self.dpi
        if dpi not in self._pages:
            self._pages[dpi] = render_pages(self.pdf, dpi)
        i = [n for _, n in self.ballots].index(number)
        return self._pages[dpi][i].copy()

    def box(self, person: str, choice: str):
        return next(b for b in self.layout.pages[0].boxes if (b.person, b.choice) == (person, choice))

    def marked(self, number: str, marks: dict[str, str], *, style: str = "check", seed: int = 1,
               dpi: int | None = None) -> np.ndarray:
        """The ballot's page with ``marks`` (person → "agree:P1" / "suggest:P3"; a list of choices for a
        candidate marked twice) drawn in ``style``."""
        dpi = dpi or self.dpi
        image = self.page(number, dpi)
        rng = random.Random(seed)
        for person, choice in marks.items():
            for c in (choice if isinstance(choice, (list, tuple)) else [choice]):
                apply_ink(image, draw_mark(style, self.box(person, c), dpi, rng))
        return image

    def blot(self, image: np.ndarray, person: str, choice: str, share: float = 0.06,
             dpi: int | None = None) -> np.ndarray:
        """A small black blot covering ``share`` of the box's measured area: between the thresholds
        (2 % and 10 %), so the reader leaves it doubtful."""
        b = self.box(person, choice)
        k = (dpi or self.dpi) / 25.4
        inner = float(b.w_mm - 2 * INSET_MM) * k
        side = max(1, round((share * inner * inner) ** 0.5))
        cx, cy = round(float(b.x_mm + b.w_mm / 2) * k), round(float(b.y_mm + b.h_mm / 2) * k)
        image[cy - side // 2:cy - side // 2 + side, cx - side // 2:cx - side // 2 + side] = 0
        return image


def save_scan(folder: Path, name: str, image: np.ndarray, scan: Scan | None = None) -> Path:
    """The page as the scanner writes it (``scan``: rotation, noise, JPEG …; default a clean PNG)."""
    scan = scan or Scan(dpi=200, fmt="png")
    suffix, data = encode(scan_page(image, scan), scan)
    path = folder / f"{name}{suffix}"
    path.write_bytes(data)
    return path
