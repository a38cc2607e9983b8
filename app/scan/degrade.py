"""What an office scanner and a voter's hands do to a ballot, for the test corpus (:mod:`.corpus`).

:class:`Scan` says how one page is scanned; :func:`scan_page` turns a clean raster of the page (with
its marks) into the scanner's image; :func:`encode` into the file's bytes. In order:

1. the paper: a **damaged QR** (light: a few ink blots and white-outs off the finder patterns, within
   what level H corrects; heavy: two finder patterns gone), a **folded corner** (the corner triangle
   folds onto the front: the scanner lid shows where it was, the flap's blank back covers the rest);
2. the scanner: **rotation** (± a few degrees), **skew** (shear), **scale** 97–103 %, a **shift** on
   the bed, the lid's grey around the page; then **uneven brightness** (a gradient across the page),
   **blur**, **noise**; **streaks** along the feed direction (image columns); a **turn** by 90°, 180°
   or 270°; the file: JPEG at quality 50–90, PNG, TIFF or a PDF (JPEG inside).

:func:`expected_rotation` and :func:`fold_coverage` give the truth the corpus needs to say whether a
page must be read or rejected.
"""

from __future__ import annotations

import io
import time
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from .align import turn_and_rotation

_TILE = None


@dataclass
class Scan:
    dpi: int
    turn: int = 0                                   # clockwise, 0/90/180/270
    rotation: float = 0.0                           # degrees, clockwise
    shear: float = 0.0                              # degrees
    scale: float = 1.0
    shift_mm: tuple[float, float] = (0.0, 0.0)
    margin_mm: float = 3.0                          # scanner bed around the page
    fit: bool = True                                # the bed holds the whole (turned) page; else A4 + margin
    lid: int = 250
    light: float = 0.0                              # uneven brightness: 0 none … 0.35 deep
    light_angle: float = 0.0
    blur: float = 0.0                               # Gaussian radius, pixels
    noise: float = 0.0                              # sigma, grey levels
    streaks: tuple[tuple[float, int, int], ...] = ()  # (position 0–1 across, width px, grey)
    qr_damage: str = ""                             # "", "light", "heavy"
    fold: tuple[int, float, int] | None = None      # (corner 0–3 TL TR BL BR, leg mm, lid grey)
    fmt: str = "jpeg"                               # jpeg / png / tiff / pdf
    quality: int = 80
    seed: int = 0
    notes: list[str] = field(default_factory=list)


def _forward(scan: Scan, page_px: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """The 3 × 3 affine map page pixels → scanner-image pixels (before the turn), and the image size."""
    k = scan.dpi / 25.4
    w, h = page_px
    a, s = math.radians(scan.rotation), math.tan(math.radians(scan.shear))
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    m = scan.scale * rot @ np.array([[1, s], [0, 1]])
    margin = scan.margin_mm * k
    shift = np.array(scan.shift_mm) * k
    if scan.fit:
        corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], float) @ m.T
        low, high = corners.min(0), corners.max(0)
        size = (round(high[0] - low[0] + 2 * margin + abs(shift[0])), round(high[1] - low[1] + 2 * margin
                                                                             + abs(shift[1])))
        t = margin + np.maximum(shift, 0) - low
    else:
        size = (round(w + 2 * margin), round(h + 2 * margin))
        t = np.array([size[0] / 2, size[1] / 2]) + shift - m @ np.array([w / 2, h / 2])
    return np.array([[m[0, 0], m[0, 1], t[0]], [m[1, 0], m[1, 1], t[1]], [0, 0, 1]]), size


def _turned(points: np.ndarray, turn: int, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    x, y = points[:, 0], points[:, 1]
    if turn == 90:
        return np.c_[h - y, x]
    if turn == 180:
        return np.c_[w - x, h - y]
    if turn == 270:
        return np.c_[y, w - x]
    return points


def expected_rotation(scan: Scan, fiducials_mm: np.ndarray, page_px: tuple[int, int]) -> float:
    """The rotation the reader will measure (its own rule) for this scan."""
    m, size = _forward(scan, page_px)
    pts = (np.c_[fiducials_mm * scan.dpi / 25.4, np.ones(4)] @ m.T)[:, :2]
    return turn_and_rotation(_turned(pts, scan.turn, size))[1]


def fiducial_room(scan: Scan, fiducials_mm: np.ndarray, page_px: tuple[int, int]) -> float:
    """How far (mm) the fiducial centre nearest an edge of the scanned image lies from that edge."""
    m, size = _forward(scan, page_px)
    pts = (np.c_[fiducials_mm * scan.dpi / 25.4, np.ones(4)] @ m.T)[:, :2]
    room = np.minimum(pts, np.array(size) - pts).min()
    return float(room) / (scan.dpi / 25.4)


def fold_coverage(leg_mm: float, fiducial_centre: float = 10.0, fiducial: float = 6.0) -> float:
    """The share of the corner fiducial hidden by a fold of ``leg_mm``: the corner triangle is gone and
    its flap (its mirror image across the fold) covers the rest of the leg × leg square."""
    n = 60
    lo = fiducial_centre - fiducial / 2
    grid = lo + (np.arange(n) + 0.5) * fiducial / n
    xx, yy = np.meshgrid(grid, grid)
    return float(((xx <= leg_mm) & (yy <= leg_mm)).mean())


def damage_qr(page: np.ndarray, scan: Scan, qr_mm: tuple[float, float, float], rng: np.random.Generator) -> None:
    k = scan.dpi / 25.4
    qx, qy, qs = (v * k for v in qr_mm)
    img = Image.fromarray(page)
    d = ImageDraw.Draw(img)
    finder = qs * 8 / 33
    if scan.qr_damage == "light":
        for _ in range(int(rng.integers(2, 5))):
            r = rng.uniform(0.4, 0.9) * k
            cx = rng.uniform(qx + finder + r, qx + qs - r)
            cy = rng.uniform(qy + finder + r, qy + qs - r)
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=int(rng.choice([30, 250])))
    elif scan.qr_damage == "heavy":
        d.rectangle((qx - 1, qy - 1, qx + finder, qy + finder), fill=250)
        d.rectangle((qx + qs - finder, qy - 1, qx + qs + 1, qy + finder), fill=250)
        d.line((qx, qy + qs * 0.5, qx + qs, qy + qs * 0.55), fill=40, width=max(2, round(1.2 * k)))
    page[:] = np.asarray(img)


def fold_corner(page: np.ndarray, scan: Scan) -> None:
    corner, leg, lid = scan.fold
    k = scan.dpi / 25.4
    h, w = page.shape
    L = leg * k
    sx, sy = (1, 1) if corner == 0 else (-1, 1) if corner == 1 else (1, -1) if corner == 2 else (-1, -1)
    ox, oy = (0 if sx > 0 else w), (0 if sy > 0 else h)
    pt = lambda x, y: (ox + sx * x, oy + sy * y)                         # noqa: E731
    img = Image.fromarray(page)
    d = ImageDraw.Draw(img)
    d.polygon([pt(L, 0), pt(L, L), pt(0, L)], fill=244)                      # the flap's blank back
    d.polygon([pt(0, 0), pt(L, 0), pt(0, L)], fill=lid)                      # where the corner was
    d.line([pt(L, 0), pt(0, L)], fill=170, width=max(1, round(0.3 * k)))
    page[:] = np.asarray(img)


def _noise_tile() -> np.ndarray:
    global _TILE
    if _TILE is None:
        _TILE = (np.random.default_rng(20240917).standard_normal((1024, 1024)) * 16).round().clip(-127, 127) \
            .astype(np.int16)
    return _TILE


def scan_page(page: np.ndarray, scan: Scan) -> np.ndarray:
    """The scanner's image of ``page`` (a clean grey raster at ``scan.dpi``, with marks and damage)."""
    rng = np.random.default_rng(scan.seed)
    m, size = _forward(scan, (page.shape[1], page.shape[0]))
    inv = np.linalg.inv(m)
    img = Image.fromarray(page).transform(size, Image.Transform.AFFINE, tuple(inv[:2].flatten()),
                                          Image.Resampling.BILINEAR, fillcolor=scan.lid)
    if scan.blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(scan.blur))
    out = np.asarray(img).astype(np.int16)
    if scan.light > 0:
        gx, gy = math.cos(scan.light_angle), math.sin(scan.light_angle)
        ys, xs = np.mgrid[0:size[1]:16, 0:size[0]:16]
        ramp = (xs * gx + ys * gy) / (abs(gx) * size[0] + abs(gy) * size[1])
        ramp = ramp - ramp.min()
        field_ = (255 * (1 - scan.light * ramp / max(ramp.max(), 1e-9))).astype(np.uint8)
        big = np.asarray(Image.fromarray(field_).resize(size, Image.Resampling.BILINEAR))
        out = (out.astype(np.int32) * big // 255).astype(np.int16)
    if scan.noise > 0:
        tile = _noise_tile()
        oy, ox = rng.integers(0, 1024, 2)
        reps = (size[1] // 1024 + 2, size[0] // 1024 + 2)
        noise = np.tile(tile, reps)[oy:oy + size[1], ox:ox + size[0]]
        out += (noise * scan.noise / 16).astype(np.int16)
    if scan.turn:
        out = np.rot90(out, -scan.turn // 90)
    for pos, width, grey in scan.streaks:          # along the feed: whole columns of the final image
        x = int(pos * out.shape[1])
        out[:, x:x + width] = np.minimum(out[:, x:x + width], grey)
    return np.ascontiguousarray(out.clip(0, 255).astype(np.uint8))


def encode(image: np.ndarray, scan: Scan) -> tuple[str, bytes]:
    """(the file suffix, the bytes) of the scanned image in the scan's format."""
    buf = io.BytesIO()
    img = Image.fromarray(image)
    if scan.fmt == "jpeg":
        img.save(buf, "JPEG", quality=scan.quality, dpi=(scan.dpi, scan.dpi))
        return ".jpg", buf.getvalue()
    if scan.fmt == "png":
        img.save(buf, "PNG", compress_level=1, dpi=(scan.dpi, scan.dpi))
        return ".png", buf.getvalue()
    if scan.fmt == "tiff":
        img.save(buf, "TIFF", dpi=(scan.dpi, scan.dpi))
        return ".tif", buf.getvalue()
    # a fixed date: the same seed makes the same bytes (Pillow stamps the time of writing otherwise)
    fixed = time.gmtime(1767225600)          # 2026-01-01 00:00 UTC
    img.save(buf, "PDF", resolution=scan.dpi, quality=scan.quality, creationDate=fixed, modDate=fixed)
    return ".pdf", buf.getvalue()
