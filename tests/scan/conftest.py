"""Ballots for the scan tests: a small layout printed by the production code and rasterised."""

from __future__ import annotations

import random

import numpy as np
import pytest

from app.scan.layout import Candidate, Layout, make_layout
from app.scan.marks import apply_ink, draw_mark
from app.scan.render import BallotText, ballot_pdf, render_pages
from app.scan.sources import SourcePage

POSTS = ("P1", "P2", "P3", "P4", "P5")
POST_NAMES = {"P1": "办公室科长", "P2": "财务科科长", "P3": "人事教育科科长", "P4": "法制科科长", "P5": "稽查局局长"}
CANDIDATES = (Candidate("1001", ("P1",)), Candidate("1002", ("P2", "P3")), Candidate("1003", ("P4",)),
              Candidate("1004", ("P5", "P1")), Candidate("1005", ("P3",)), Candidate("1006", ("P2",)))
NAMES = {"1001": "张三", "1002": "李四", "1003": "王五", "1004": "赵六", "1005": "孙七", "1006": "周八"}
TEXT = BallotText(NAMES, POST_NAMES, "DG1")

_renders: dict = {}


@pytest.fixture(scope="session")
def layout() -> Layout:
    return make_layout(CANDIDATES, POSTS)


def printed(layout: Layout, dpi: int = 200, group: str = "staff", number: str = "482913", page: int = 1,
            text: BallotText = TEXT) -> np.ndarray:
    """A fresh copy of the ballot's page as the printer makes it, rasterised at ``dpi``."""
    key = (layout.digest, dpi, group, number, id(text))
    if key not in _renders:
        _renders[key] = render_pages(ballot_pdf(layout, [(group, number)], text), dpi)
    return _renders[key][page - 1].copy()


def marked(image: np.ndarray, layout: Layout, marks: dict[tuple[str, str], str], dpi: int = 200,
           page: int = 1, seed: int = 1) -> dict[tuple[str, str], str]:
    """Draw ``marks`` ((person, choice) → style) on the image in place; their truths."""
    rng = random.Random(seed)
    boxes = {(b.person, b.choice): b for b in layout.page(page).boxes}
    truth = {}
    for key, style in marks.items():
        drawn = draw_mark(style, boxes[key], dpi, rng)
        apply_ink(image, drawn)
        truth[key] = drawn.truth
    return truth


def source(image: np.ndarray, name: str = "scan.png") -> SourcePage:
    return SourcePage(name, 1, "0" * 64, image)
