"""Aligning a scanned page on its QR and its four fiducials (SPEC §12 *Reading*): numpy and Pillow.

1. **QR** (zxing-cpp): the payload and the symbol's four corners in the image, in the symbol's own
   orientation — so the page's turn (0/90/180/270°) and a first scale (dots per mm) come with it.
2. **Fiducials**: an affine fit of the QR's corners predicts where each corner square is; within
   :data:`SEARCH_MM` of that point the reader looks (on a copy reduced to 140–280 dpi) for a dark
   square of the fiducial's size with a white ring of :data:`RING_MM` around it (integral images);
   its centre is the centroid of its dark pixels. No such square — at least 85 % of it dark, at most
   12 % of its ring — and the page is rejected (``fiducial_missing``): a folded corner, a torn or
   cut-off page, never a guess. (A corner square missing up to 15 % moves the centroid by about
   0.2 mm, well inside the 0.9 mm between a box's frame and its measured area.)
3. **Homography** from the four centres (page millimetres → image pixels). The page's rotation is
   the mean of its four edges' angles after the 90° turn is taken off; above :data:`MAX_ROTATION_DEG`
   the page is rejected. The QR's corners must land within :data:`QR_TOLERANCE_MM` of where the
   homography puts them (else ``alignment``: a fiducial was found in the wrong place).
4. **Warp** to the upright page at :data:`ALIGNED_DPI` (Pillow's perspective transform, bilinear).
   This aligned image is what the boxes are measured on and what a person sees when deciding.

**Scanner streaks** (dust on the feeder glass: a dark line along the whole feed direction) are found
before warping — image columns (or rows) dark in both the top and the bottom band of the image and
in most of the rest — and their pixels are masked out of the measurement, as are parts of the page
that lie outside the scanned image. A box that loses more than half its area to the mask is doubtful.

**Dark pixels**: a pixel is dark when it is below :data:`DARK_LEVEL` (70 %) of the local paper white,
so uneven brightness (a shadow along the spine, a grey scanner lid) does not make paper look inked;
*faint* when below :data:`FAINT_LEVEL` (80 %): a light pencil line the scanner blurred may have no dark
pixel at all, and a box with faint ink is never called empty (app.scan.measure). The paper white is
the maximum of 4 × 4-pixel means over ~8 mm neighbourhoods, smoothed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from PIL import Image

ALIGNED_DPI = 150
SEARCH_MM = 10.0
RING_MM = 1.8
MAX_ROTATION_DEG = 3.0
QR_TOLERANCE_MM = 1.0
MIN_DPI = 140
DARK_LEVEL = Fraction(7, 10)        # below 70 % of the local paper white: ink
FAINT_LEVEL = Fraction(4, 5)        # below 80 %: at least a faint trace (a light pencil line, a smudge)
CORNERS = ("左上", "右上", "左下", "右下")


class Rejection(Exception):
    """A page that must not be read automatically: ``code`` (see app.scan.reader.REASONS) and details."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code, detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class QrFound:
    text: str
    corners: np.ndarray             # 4 × 2: the symbol's TL, TR, BR, BL (its own orientation), image pixels


@dataclass
class Alignment:
    homography: np.ndarray          # page millimetres → image pixels (3 × 3)
    turn: int                       # 0, 90, 180, 270: how the page lies in the image (clockwise)
    rotation: float                 # degrees beyond the turn (signed)
    dpi: float                      # the scan's resolution, measured on the page
    fiducials: np.ndarray           # 4 × 2 image pixels (TL, TR, BL, BR of the page)
    work: np.ndarray                # the image reduced to 140–280 dpi (what is warped)
    factor: int                     # image pixels per work pixel


def find_qr(image: np.ndarray) -> list[QrFound]:
    """The QR codes of the image, first on a copy reduced to about 150 dpi (if the page is as large as
    the image: fast), then on the image itself, with zxing-cpp's three binarizers in turn. A faint symbol — the QR of the other side showing
    through a blank back page, mirrored — is not a QR of this page and is left out: its darkest
    modules must be darker than half the paper around them, as printed ink is."""
    import zxingcpp
    b = zxingcpp.Binarizer
    factor = max(1, int(min(image.shape) / (210 / 25.4) // 150))
    tries = [(Image.fromarray(image).reduce(factor), factor, b.LocalAverage)] if factor > 1 else []
    # the other binarizers only when the usual one fails (a streak along the symbol's edge, blots)
    tries += [(image, 1, b.LocalAverage), (image, 1, b.FixedThreshold), (image, 1, b.GlobalHistogram)]
    for img, scale, binarizer in tries:
        out = []
        for r in zxingcpp.read_barcodes(img, formats=zxingcpp.BarcodeFormat.QRCode, binarizer=binarizer):
            p = r.position
            c = np.array([[q.x, q.y] for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)], float)
            if _printed(image, c * scale):
                out.append(QrFound(r.text, c * scale))
        if out:
            return out
    return []


def _printed(image: np.ndarray, corners: np.ndarray) -> bool:
    x0, y0 = np.maximum(corners.min(0).astype(int), 0)
    x1, y1 = corners.max(0).astype(int) + 1
    region = image[y0:y1, x0:x1]
    if region.size == 0:
        return False
    ink, paper = np.percentile(region[::2, ::2], (5, 95))
    return bool(ink < 0.5 * paper)


def homography(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 3 × 3 projective map taking the four ``src`` points to the four ``dst`` points."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    h = np.linalg.solve(np.array(rows, float), np.array(rhs, float))
    return np.append(h, 1.0).reshape(3, 3)


def apply(h: np.ndarray, points: np.ndarray) -> np.ndarray:
    p = np.c_[points, np.ones(len(points))] @ h.T
    return p[:, :2] / p[:, 2:3]


def _affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    a = np.c_[src, np.ones(len(src))]
    m, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return m                                    # 3 × 2: [x, y, 1] @ m


def box_sums(mask: np.ndarray, side: int) -> np.ndarray:
    """``out[y, x]`` = the sum of ``mask[y:y+side, x:x+side]`` (an integral image)."""
    s = np.zeros((mask.shape[0] + 1, mask.shape[1] + 1), np.int32)
    s[1:, 1:] = mask.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
    return s[side:, side:] - s[:-side, side:] - s[side:, :-side] + s[:-side, :-side]


def find_fiducial(work: np.ndarray, centre: np.ndarray, ppm: float, size_mm: float) -> np.ndarray | None:
    """The centre (work-image pixels) of the fiducial nearest ``centre``, or None when there is none."""
    f = max(3, round(size_mm * ppm))
    g = max(2, round(RING_MM * ppm))
    reach = int((SEARCH_MM + size_mm / 2 + RING_MM) * ppm) + 2
    x0, y0 = int(centre[0]) - reach, int(centre[1]) - reach
    x1, y1 = int(centre[0]) + reach, int(centre[1]) + reach
    cx0, cy0 = max(x0, 0), max(y0, 0)
    crop = work[cy0:min(y1, work.shape[0]), cx0:min(x1, work.shape[1])]
    if crop.shape[0] < f + 2 * g + 1 or crop.shape[1] < f + 2 * g + 1:
        return None
    paper = float(np.percentile(crop, 95))
    if paper < 96:
        return None                             # no paper here: off the page, or a black fold
    dark = crop < paper * 0.5
    inner = box_sums(dark, f)
    outer = box_sums(dark, f + 2 * g)
    inner = inner[g:g + outer.shape[0], g:g + outer.shape[1]]
    ring = outer - inner
    score = inner - 4 * ring
    iy, ix = np.unravel_index(int(np.argmax(score)), score.shape)
    ring_area = (f + 2 * g) ** 2 - f * f
    if inner[iy, ix] < 0.85 * f * f or ring[iy, ix] > 0.12 * ring_area:
        return None
    # centroid of the dark pixels in the square and half its ring
    h = g // 2
    ys, xs = iy + g - h, ix + g - h
    patch = dark[ys:ys + f + 2 * h, xs:xs + f + 2 * h]
    yy, xx = np.nonzero(patch)
    return np.array([cx0 + xs + xx.mean() + 0.5, cy0 + ys + yy.mean() + 0.5])


def align(image: np.ndarray, qr: QrFound, fiducials_mm: np.ndarray, fiducial_mm: float,
          qr_mm: tuple[float, float, float]) -> Alignment:
    """Find the page in ``image`` (see the module's text); raises :class:`Rejection`."""
    qx, qy, qs = qr_mm
    qr_page = np.array([[qx, qy], [qx + qs, qy], [qx + qs, qy + qs], [qx, qy + qs]], float)
    sides = np.linalg.norm(np.roll(qr.corners, -1, axis=0) - qr.corners, axis=1)
    ppm = float(sides.mean()) / qs
    if ppm * 25.4 < MIN_DPI:
        raise Rejection("low_resolution", f"约 {ppm * 25.4:.0f} dpi")
    factor = max(1, int(ppm * 25.4 // MIN_DPI))
    work = np.asarray(Image.fromarray(image).reduce(factor)) if factor > 1 else image
    guess = np.c_[fiducials_mm, np.ones(4)] @ _affine(qr_page, qr.corners) / factor
    found = []
    for k, c in enumerate(guess):
        point = find_fiducial(work, c, ppm / factor, fiducial_mm)
        if point is None:
            raise Rejection("fiducial_missing", CORNERS[k])
        found.append(point * factor)
    pts = np.array(found)
    h = homography(fiducials_mm, pts)
    turn, rotation = turn_and_rotation(pts)
    if abs(rotation) > MAX_ROTATION_DEG:
        raise Rejection("rotation", f"{abs(rotation):.1f}°")
    error = np.linalg.norm(apply(h, qr_page) - qr.corners, axis=1).max() / ppm
    if error > QR_TOLERANCE_MM:
        raise Rejection("alignment", f"{error:.1f} mm")
    return Alignment(h, turn, rotation, ppm * 25.4, pts, work, factor)


def turn_and_rotation(pts: np.ndarray) -> tuple[int, float]:
    """The page's quarter turn and its remaining rotation (degrees) from the fiducials TL, TR, BL, BR."""
    tl, tr, bl, br = pts
    across = math.degrees(math.atan2(*(tr - tl)[::-1])), math.degrees(math.atan2(*(br - bl)[::-1]))
    down = math.degrees(math.atan2(*(bl - tl)[::-1])) - 90, math.degrees(math.atan2(*(br - tr)[::-1])) - 90
    angles = np.array(across + down)
    turn = int(round(float(np.degrees(np.angle(np.exp(1j * np.radians(angles)).mean()))) / 90)) % 4 * 90
    rest = (angles - turn + 180) % 360 - 180
    return turn, float(rest.mean())


def streaks(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boolean masks of the image's columns and rows that are scanner streaks (see the module's text)."""
    paper = float(np.percentile(image[::8, ::8], 98))

    def lines(d: np.ndarray) -> np.ndarray:       # d: lines × along (every 4th pixel along)
        n = d.shape[1]
        band = max(1, n // 8)
        hit = (d[:, :band].mean(1) > 0.85) & (d[:, -band:].mean(1) > 0.85) & (d.mean(1) > 0.6)
        grown = hit.copy()
        grown[1:] |= hit[:-1]
        grown[:-1] |= hit[1:]
        return grown
    return lines((image[::4, :] < paper * 0.6).T), lines(image[:, ::4] < paper * 0.6)


def warp(image: np.ndarray, h: np.ndarray, page_mm: tuple[int, int], dpi: int = ALIGNED_DPI,
         fill: int = 255, nearest: bool = False) -> np.ndarray:
    """The page upright at ``dpi``: output pixel (u, v) shows page point ((u, v) + ½) / (dpi / 25.4) mm."""
    k = dpi / 25.4
    size = (round(page_mm[0] * k), round(page_mm[1] * k))
    m = h @ np.array([[1 / k, 0, 0], [0, 1 / k, 0], [0, 0, 1]])
    m = m / m[2, 2]
    out = Image.fromarray(image).transform(size, Image.Transform.PERSPECTIVE, tuple(m.flatten()[:8]),
                                           Image.Resampling.NEAREST if nearest else Image.Resampling.BILINEAR,
                                           fillcolor=fill)
    return np.asarray(out)


def inpaint(image: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A copy of ``image`` with each streak replaced by the mean of the lines either side of it, so that
    a streak across the QR or a fiducial does not hide it (the boxes are still measured without it)."""
    out = image.copy()
    for mask, axis in ((cols, 1), (rows, 0)):
        view = out if axis == 1 else out.T
        idx = np.flatnonzero(mask)
        for run in np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1) if idx.size else []:
            a, b = run[0] - 1, run[-1] + 1
            left = view[:, a] if a >= 0 else view[:, b]
            right = view[:, b] if b < view.shape[1] else left
            view[:, run[0]:b] = ((left.astype(np.uint16) + right) // 2)[:, None]
    return out


def valid_mask(shape: tuple[int, int], h: np.ndarray, page_mm: tuple[int, int], cols: np.ndarray,
               rows: np.ndarray) -> np.ndarray | None:
    """Where the aligned page shows real paper (None: everywhere): streaks and the outside masked."""
    corners = apply(h, np.array([[0, 0], [page_mm[0], 0], [0, page_mm[1]], [page_mm[0], page_mm[1]]], float))
    inside = (corners >= 0).all() and (corners[:, 0] <= shape[1]).all() and (corners[:, 1] <= shape[0]).all()
    if inside and not cols.any() and not rows.any():
        return None
    mask = np.full(shape, 255, np.uint8)
    mask[:, cols] = 0
    mask[rows, :] = 0
    return warp(mask, h, page_mm, fill=0, nearest=True) > 0


def paper_white(aligned: np.ndarray) -> np.ndarray:
    """The local paper white of the aligned page, same shape, uint8 (see the module's text)."""
    img = Image.fromarray(aligned)
    small = np.asarray(img.reduce(4)).astype(np.int16)
    hb, wb = small.shape[0] // 4, small.shape[1] // 4
    blocks = small[:hb * 4, :wb * 4].reshape(hb, 4, wb, 4).max(axis=(1, 3))
    p = np.pad(blocks, 1, mode="edge")
    grown = np.max([p[i:i + hb, j:j + wb] for i in range(3) for j in range(3)], axis=0)
    p = np.pad(grown, 1, mode="edge").astype(np.float32)
    smooth = sum(p[i:i + hb, j:j + wb] for i in range(3) for j in range(3)) / 9
    bg = Image.fromarray(smooth.clip(0, 255).astype(np.uint8)).resize(img.size, Image.Resampling.BILINEAR)
    return np.asarray(bg)


def dark_pixels(aligned: np.ndarray, level: Fraction = DARK_LEVEL) -> np.ndarray:
    """True where the aligned page is inked: darker than ``level`` of the local paper white."""
    return ink_masks(aligned, (level,))[0]


def ink_masks(aligned: np.ndarray, levels: tuple[Fraction, ...] = (DARK_LEVEL, FAINT_LEVEL)) -> list[np.ndarray]:
    """For each level, True where the aligned page is darker than that share of the local paper white."""
    bg = paper_white(aligned).astype(np.int32)
    img = aligned.astype(np.int32)
    return [img * level.denominator < bg * level.numerator for level in levels]
