"""Hand marks for the test corpus (:mod:`app.scan.corpus`): how voters really fill a box.

Each style draws on an *ink layer* (white = no ink) around one box, at the page's raster resolution,
and says what a reader must make of it — its **truth**:

| style | what | truth |
|---|---|---|
| ``fill`` | the box scribbled full with a pen | marked |
| ``check`` / ``cross`` | a pen ✓ / ✗, 0.8–1.3 × the box, off centre by up to 0.6 mm | marked |
| ``pencil`` | an HB pencil ✓ or ✗ (grey 70–130, grainy) | marked |
| ``partial`` | a pen fill of 40–75 % of the inner area | marked |
| ``over_edge`` | a pen ✓ or ✗ 1.0–1.4 × the box, 0.8–1.6 mm off centre: it runs over the frame | marked |
| ``light_pencil`` | a faint pencil ✓ (grey 150–200 of 255) | either |
| ``tiny`` | a pen blot of 6–25 % of the inner area | either |
| ``dot`` | a stray dot, 0.3–0.7 mm | empty |
| ``erased`` | a pencil ✓ rubbed out: a faint trace and a smudge (grey ≥ 185) | empty |

*either* means a person could read it both ways, so the reader may decide it either way (or leave
it doubtful). A mark meant as a mark whose ink covers less than :data:`MEANT_MIN` (5 %) of the inner
area once drawn (a ✓ that mostly missed the box) is *either* too: the truth is measured on the ink
layer with the reader's own rule of dark pixels, not assumed. Every other meant mark is *marked*,
however thin: reading it as empty is a silent error.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from PIL import Image, ImageDraw

from .align import DARK_LEVEL
from .layout import INSET_MM, Box

MARKED, EMPTY, EITHER = "marked", "empty", "either"
MEANT = ("fill", "check", "cross", "pencil", "partial", "over_edge")
UNSURE = ("light_pencil", "tiny")
UNMEANT = ("dot", "erased")
STYLES = MEANT + UNSURE + UNMEANT
MEANT_MIN = Fraction(1, 20)
PAD_MM = 4.0                      # the ink layer reaches this far around the box


@dataclass(frozen=True)
class Drawn:
    x0: int                       # the layer's place on the page (pixels)
    y0: int
    layer: np.ndarray             # uint8, 255 = no ink
    share: Fraction               # dark share of the box's inner area on the layer alone
    truth: str


def _pen(rng: random.Random) -> tuple[int, float]:
    return rng.randint(10, 80), rng.uniform(0.35, 0.7)          # ink grey, width in mm


def _stroke(draw: ImageDraw.ImageDraw, pts: list[tuple[float, float]], width: float, grey: int) -> None:
    w = max(1, round(width))
    draw.line(pts, fill=grey, width=w, joint="curve")
    r = w / 2
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=grey)


def _tick(draw, cx, cy, size, width, grey, rng, cross: bool) -> None:
    h = size / 2
    if cross:
        j = [rng.uniform(-0.08, 0.08) * size for _ in range(4)]
        _stroke(draw, [(cx - h + j[0], cy - h + j[1]), (cx + h, cy + h)], width, grey)
        _stroke(draw, [(cx + h + j[2], cy - h), (cx - h, cy + h + j[3])], width, grey)
    else:
        a = (cx - h * 0.8, cy + h * rng.uniform(-0.05, 0.25))
        b = (cx - h * rng.uniform(0.1, 0.35), cy + h * 0.9)
        c = (cx + h * rng.uniform(0.8, 1.1), cy - h * rng.uniform(0.8, 1.1))
        _stroke(draw, [a, b, c], width, grey)


def _grain(layer: np.ndarray, rng: random.Random, keep: tuple[float, float]) -> np.ndarray:
    """Pencil: ink only where the graphite caught the paper's tooth (a random share of it)."""
    g = np.random.default_rng(rng.getrandbits(32))
    ink = 255 - layer.astype(np.float32)
    ink *= g.uniform(keep[0], keep[1], layer.shape).astype(np.float32)
    return (255 - ink).clip(0, 255).astype(np.uint8)


def draw_mark(style: str, box: Box, dpi: int, rng: random.Random) -> Drawn:
    """The ink of one mark of ``style`` in ``box`` (see the module's table)."""
    k = dpi / 25.4
    bx, by, bw, bh = (float(v) * k for v in (box.x_mm, box.y_mm, box.w_mm, box.h_mm))
    pad = PAD_MM * k
    x0, y0 = int(bx - pad), int(by - pad)
    size = (int(bw + 2 * pad) + 1, int(bh + 2 * pad) + 1)
    img = Image.new("L", size, 255)
    d = ImageDraw.Draw(img)
    cx, cy = bx - x0 + bw / 2, by - y0 + bh / 2
    grey, width = _pen(rng)
    jitter = lambda mm: rng.uniform(-mm, mm) * k                 # noqa: E731
    if style == "fill":
        step = width * k * rng.uniform(0.7, 1.0)
        y, pts, left = cy - bh / 2 - 0.3 * k, [], True
        while y <= cy + bh / 2 + 0.3 * k:
            pts.append((cx + (-1 if left else 1) * (bw / 2 + jitter(0.4)), y))
            left, y = not left, y + step
        _stroke(d, pts, width * k, grey)
    elif style in ("check", "cross", "over_edge", "pencil", "light_pencil", "erased"):
        cross = True if style == "cross" else False if style == "check" else rng.random() < 0.5
        scale = {"over_edge": (1.0, 1.4)}.get(style, (0.8, 1.3))
        shift = 0.6
        if style == "over_edge":
            angle, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0.8, 1.6) * k
            cx, cy = cx + dist * math.cos(angle), cy + dist * math.sin(angle)
            shift = 0.0
        if style in ("pencil", "light_pencil", "erased"):
            grey = {"pencil": rng.randint(70, 130), "light_pencil": rng.randint(150, 200),
                    "erased": rng.randint(190, 230)}[style]
            width = rng.uniform(0.3, 0.5)
        _tick(d, cx + jitter(shift), cy + jitter(shift), bw * rng.uniform(*scale), width * k, grey, rng, cross)
        if style == "erased":
            r = bw * rng.uniform(0.35, 0.6)
            smudge = Image.new("L", size, 255)
            ImageDraw.Draw(smudge).ellipse((cx - r, cy - r * 0.8, cx + r, cy + r * 0.8), fill=rng.randint(205, 235))
            img = Image.fromarray(np.minimum(np.asarray(img), np.asarray(smudge)))
    elif style in ("partial", "tiny"):
        inner = bw - 2 * float(INSET_MM) * k
        share = rng.uniform(0.4, 0.75) if style == "partial" else rng.uniform(0.06, 0.25)
        w = inner * math.sqrt(share) * rng.uniform(0.8, 1.25)
        h = inner * inner * share / w
        px, py = cx + rng.uniform(-1, 1) * (inner - w) / 2, cy + rng.uniform(-1, 1) * (inner - h) / 2
        d.polygon([(px - w / 2 + jitter(0.2), py - h / 2), (px + w / 2, py - h / 2 + jitter(0.2)),
                   (px + w / 2 + jitter(0.2), py + h / 2), (px - w / 2, py + h / 2 + jitter(0.2))], fill=grey)
    elif style == "dot":
        r = rng.uniform(0.15, 0.35) * k
        inner = bw / 2 - float(INSET_MM) * k
        px, py = cx + rng.uniform(-inner, inner), cy + rng.uniform(-inner, inner)
        d.ellipse((px - r, py - r, px + r, py + r), fill=grey)
    else:
        raise ValueError(f"unknown mark style {style!r}")
    layer = np.asarray(img)
    if style in ("pencil", "light_pencil", "erased"):
        layer = _grain(layer, rng, (0.75, 1.0) if style == "pencil" else (0.55, 1.0))
    share = ink_share(layer, box, dpi, x0, y0)
    truth = EMPTY if style in UNMEANT else EITHER if style in UNSURE else MARKED
    if truth == MARKED and share < MEANT_MIN:
        truth = EITHER
    return Drawn(x0, y0, layer, share, truth)


def ink_share(layer: np.ndarray, box: Box, dpi: int, x0: int, y0: int) -> Fraction:
    """The dark share (below :data:`app.scan.align.DARK_LEVEL` of white, as the reader counts) of the
    box's inner area on the layer."""
    k = dpi / 25.4
    ix0 = round((float(box.x_mm + INSET_MM)) * k) - x0
    iy0 = round((float(box.y_mm + INSET_MM)) * k) - y0
    ix1 = round((float(box.x_mm + box.w_mm - INSET_MM)) * k) - x0
    iy1 = round((float(box.y_mm + box.h_mm - INSET_MM)) * k) - y0
    inner = layer[iy0:iy1, ix0:ix1]
    dark = inner.astype(np.int32) * DARK_LEVEL.denominator < 255 * DARK_LEVEL.numerator
    return Fraction(int(dark.sum()), max(1, inner.size))


def apply_ink(page: np.ndarray, drawn: Drawn) -> None:
    """Ink darkens: the page takes the darker of itself and the layer (in place)."""
    h, w = drawn.layer.shape
    region = page[drawn.y0:drawn.y0 + h, drawn.x0:drawn.x0 + w]
    np.minimum(region, drawn.layer[:region.shape[0], :region.shape[1]], out=region)
