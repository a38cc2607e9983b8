"""Reading scanned 定岗推荐票 (SPEC §12): pages in, plain dataclasses out — never a guess.

``Reader(layouts).read_folder(folder)`` reads every image (PNG, JPEG, TIFF) and PDF page of a
folder, in any order and orientation, and returns one :class:`PageRead` per page:

- ``read``: the QR names a known layout and page, the four fiducials are found, the page is at
  most 3° askew; every box has its fill and decision, every candidate on the page a mark
  (``agree:<post>``, ``suggest:<post>``, ``blank``, ``invalid`` or ``doubtful``), and the aligned page
  image with each box's rectangle is kept for the person who decides the doubtful ones;
- ``rejected``: with a :data:`REASONS` code, the Chinese reason and what to do (rescan, or enter the
  paper by hand) — the QR unreadable or foreign, a fiducial missing, too much rotation, an unknown
  layout or page, too low a resolution, an unreadable file, the same ballot page twice in the folder,
  or what the caller's ``check_number`` hook refuses (a number not printed for the group, or
  already entered: SPEC §10, the count service knows);
- ``blank``: a page without a QR and without ink (the back of a ballot, scanned duplex): reported
  and skipped. A page without a QR but with ink is rejected, never skipped.

A ballot of several pages is joined by :func:`ballot_marks` once its pages are read.
The modules: :mod:`.sources` (files → pages), :mod:`.align` (QR, fiducials, warp),
:mod:`.measure` (fills, thresholds, marks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

from . import align as al
from .layout import Layout, QrPayload
from .measure import (BLANK, DOUBTFUL, INVALID, Rect, Thresholds, blank_shares, counts, decide, fill, marks_of,
                      page_rects)
from .sources import SourcePage, pages_of_bytes, pages_of_file, scan_files

READ, REJECTED, BLANK_PAGE = "read", "rejected", "blank"
RESCAN, BY_HAND, NOTHING = "请重新扫描该页；仍不能识读的，按唱票手工录入该票", "请按唱票手工录入该票", "无需处理"

REASONS: dict[str, tuple[str, str]] = {       # code → (reason, what to do)
    "qr_unreadable": ("二维码无法识读", RESCAN),
    "qr_foreign": ("二维码不是定岗推荐票的", "请检查是否混入了其他纸张"),
    "layout_unknown": ("选票版式未知（不是本次印制的定岗推荐票版式）", "请交监督组核对该票"),
    "fiducial_missing": ("缺少定位黑块（折角、破损或扫描不全）", RESCAN),
    "rotation": ("纸张歪斜超过 3°", "请摆正后重新扫描"),
    "alignment": ("定位黑块与二维码的位置不符", RESCAN),
    "low_resolution": ("扫描分辨率过低（至少 150 dpi，宜 200–300 dpi）", "请提高分辨率后重新扫描"),
    "file_unreadable": ("文件无法读取", "请检查文件后重新扫描"),
    "duplicate_page": ("同一选票的同一页重复扫描", "请核对两张纸的编号，交监督组处理"),
    "number_unknown": ("选票编号不是该类别印制的编号", "请交监督组核对该票"),
    "number_duplicate": ("该编号的选票已录入", "请交监督组核对该票"),
    "blank": ("空白页（背面），已跳过", NOTHING),
}
REVIEW = "review"
BLANK_INK = Fraction(1, 2000)    # blank: less ink than 0.05 % of the page (31 mm², a short word) — so a back
                                 # page with writing on it is rejected for a person to see, never skipped


@dataclass(frozen=True)
class BoxRead:
    person: str
    choice: str                 # agree:<post> / suggest:<post>
    rect: Rect                  # the whole box in the aligned page's pixels (for a crop)
    inner: Rect                 # the measured inner area
    dark: int                   # dark pixels seen in the inner area
    faint: int                  # faint (or dark) pixels seen there
    seen: int                   # pixels of the inner area that could be seen (streaks, page edge)
    blank: Fraction             # the blank form's dark share there
    fill: Fraction              # dark, against the blank form
    faint_fill: Fraction        # faint, against the blank form
    decision: str               # empty / marked / doubtful


@dataclass
class PageRead:
    file: str
    file_page: int
    sha256: str
    status: str                              # read / rejected / blank
    code: str = ""                           # REASONS key ("" when read)
    detail: str = ""                         # e.g. which corner, how many degrees
    meeting: str = ""
    group: str = ""
    number: str = ""
    page: int = 0                            # the ballot's page (from the QR)
    digest: str = ""
    turn: int = 0
    rotation: float = 0.0
    dpi: float = 0.0
    boxes: tuple[BoxRead, ...] = ()
    marks: dict[str, str] = field(default_factory=dict)
    aligned: np.ndarray | None = None        # the upright page, grey, at align.ALIGNED_DPI

    @property
    def reason(self) -> str:
        if not self.code:
            return ""
        text = REASONS.get(self.code, (self.code, ""))[0]
        return f"{text}（{self.detail}）" if self.detail else text

    @property
    def action(self) -> str:
        return REASONS.get(self.code, ("", RESCAN))[1] if self.code else ""

    def to_json(self) -> dict:
        """The line ``python -m app scan`` prints for the page (SPEC-style keys; marks by person)."""
        return {"page": self.file if self.file_page == 1 else f"{self.file}#{self.file_page}",
                "sha256": self.sha256, "status": self.status, "reason": self.reason, "code": self.code,
                "group": self.group or None, "number": self.number or None,
                "ballot_page": self.page or None, "marks": dict(self.marks)}


NumberCheck = Callable[[QrPayload], "tuple[str, str] | None"]


class Reader:
    """Reads pages against the known layouts (by digest). ``check_number(payload)`` may refuse a page:
    it returns (code, detail), e.g. ("number_unknown", "482913"), or None to accept. ``keep_images``:
    keep every read page's aligned image (True), none (False), or only those of pages a person must
    look at — a doubtful or invalid mark (:data:`REVIEW`, the default: 2 MB a page adds up)."""

    def __init__(self, layouts: Iterable[Layout], thresholds: Thresholds = Thresholds(),
                 check_number: NumberCheck | None = None, keep_images: bool | str = REVIEW):
        self.layouts = {layout.digest: layout for layout in layouts}
        self.thresholds = thresholds
        self.check_number = check_number
        self.keep_images = keep_images

    # -- one page ----------------------------------------------------------------------------------
    def read_page(self, src: SourcePage) -> PageRead:
        out = PageRead(src.file, src.file_page, src.sha256, REJECTED)
        if src.image is None:
            out.code, out.detail = "file_unreadable", src.error
            return out
        try:
            self._read(src.image, out)
            out.status = READ
        except al.Rejection as r:
            out.status = BLANK_PAGE if r.code == "blank" else REJECTED
            out.code, out.detail = r.code, r.detail
            out.boxes, out.marks = (), {}
        return out

    def _read(self, image: np.ndarray, out: PageRead) -> None:
        cols, rows = al.streaks(image)
        painted = al.inpaint(image, cols, rows) if cols.any() or rows.any() else image
        # a streak may hide the QR, or painting it over may blur a column of modules: try both
        found = al.find_qr(image) or (al.find_qr(painted) if painted is not image else [])
        image = painted
        if not found:
            raise al.Rejection("blank" if is_blank(image) else "qr_unreadable")
        payloads = [(QrPayload.decode(q.text), q) for q in found]
        ours = [(p, q) for p, q in payloads if p is not None]
        if not ours:
            raise al.Rejection("qr_foreign", found[0].text[:40])
        payload, qr = ours[0]
        out.meeting, out.group, out.number, out.page, out.digest = (payload.meeting, payload.group,
                                                                    payload.number, payload.page, payload.digest)
        layout = self.layouts.get(payload.digest)
        if layout is None:
            raise al.Rejection("layout_unknown", payload.digest)
        if payload.page not in {p.page for p in layout.pages}:
            raise al.Rejection("layout_unknown", f"版式 {payload.digest} 没有第 {payload.page} 页")
        if self.check_number:
            refused = self.check_number(payload)
            if refused:
                raise al.Rejection(*refused)
        fid = np.array([[float(x), float(y)] for x, y in layout.fiducials_mm])
        a = al.align(image, qr, fid, float(layout.fiducial_mm), tuple(float(v) for v in layout.qr_mm))
        out.turn, out.rotation, out.dpi = a.turn, a.rotation, a.dpi
        to_work = np.diag([1 / a.factor, 1 / a.factor, 1.0])
        aligned = al.warp(a.work, to_work @ a.homography, layout.page_mm)
        seen_mask = al.valid_mask(image.shape, a.homography, layout.page_mm, cols, rows)
        self._measure(layout, payload.page, aligned, seen_mask, out)
        if self.keep_images is True or (self.keep_images == REVIEW and
                                        {DOUBTFUL, INVALID} & set(out.marks.values())):
            out.aligned = aligned

    def _measure(self, layout: Layout, page_no: int, aligned: np.ndarray, seen_mask: np.ndarray | None,
                 out: PageRead) -> None:
        page = layout.page(page_no)
        dark, faint = al.ink_masks(aligned)
        rects = page_rects(layout, page)
        inner = [r[1] for r in rects]
        if seen_mask is not None:
            dark &= seen_mask
            faint &= seen_mask
            seen = counts(seen_mask, inner)
        else:
            seen = [r.w * r.h for r in inner]
        boxes = []
        for b, (whole, r), d, f, s, (blank, blank_faint) in zip(
                page.boxes, rects, counts(dark, inner), counts(faint, inner), seen, blank_shares(layout, page)):
            value, faint_value = fill(d, s, blank), fill(f, s, blank_faint)
            boxes.append(BoxRead(b.person, b.choice, whole, r, d, f, s, blank, value, faint_value,
                                 decide(value, faint_value, s, r.w * r.h, self.thresholds)))
        out.boxes = tuple(boxes)
        out.marks = marks_of(((b.person, b.choice, b.decision) for b in boxes), layout, page.persons())

    # -- files and folders -------------------------------------------------------------------------
    def read_bytes(self, name: str, data: bytes) -> list[PageRead]:
        return [self.read_page(p) for p in pages_of_bytes(name, data)]

    def read_file(self, path: Path) -> list[PageRead]:
        return [self.read_page(p) for p in pages_of_file(path)]

    def read_folder(self, folder: Path | str) -> "FolderRead":
        """Every page of the folder's scans in name order; a ballot page met twice is rejected the
        second time (``duplicate_page``, naming the first)."""
        folder = Path(folder)
        files, skipped = scan_files(folder)
        pages: list[PageRead] = []
        first: dict[tuple, str] = {}
        for path in files:
            for page in self.read_file(path):
                if page.status == READ:
                    key = (page.meeting, page.group, page.number, page.page)
                    if key in first:
                        page = _refuse(page, "duplicate_page", f"与 {first[key]} 相同")
                    else:
                        first[key] = page.file if page.file_page == 1 else f"{page.file}#{page.file_page}"
                pages.append(page)
        return FolderRead(pages, [p.name for p in skipped])


@dataclass
class FolderRead:
    pages: list[PageRead]
    skipped: list[str]                  # files of other kinds, not read


def crop(page: PageRead, box: BoxRead, around_mm: float = 4.0) -> np.ndarray:
    """The aligned page around ``box`` (``around_mm`` on each side), for a person to look at."""
    if page.aligned is None:
        raise ValueError("the page's image was not kept (Reader(keep_images=False)) or the page was not read")
    pad = round(around_mm * al.ALIGNED_DPI / 25.4)
    r = box.rect
    h, w = page.aligned.shape
    return page.aligned[max(0, r.y - pad):min(h, r.y + r.h + pad), max(0, r.x - pad):min(w, r.x + r.w + pad)]


def _refuse(page: PageRead, code: str, detail: str) -> PageRead:
    page.status, page.code, page.detail = REJECTED, code, detail
    page.boxes, page.marks = (), {}
    return page


def is_blank(image: np.ndarray) -> bool:
    """No QR and (the outer 5 % aside) less ink than :data:`BLANK_INK` of the page; give it the page
    with its streaks painted over (:func:`app.scan.align.inpaint`)."""
    factor = max(1, min(image.shape) // 600)
    small = image[::factor, ::factor]
    my, mx = small.shape[0] // 20, small.shape[1] // 20
    small = np.ascontiguousarray(small[my:small.shape[0] - my, mx:small.shape[1] - mx])
    dark = al.dark_pixels(small)
    return Fraction(int(dark.sum()), dark.size) < BLANK_INK


def ballot_marks(pages: Sequence[PageRead], layout: Layout) -> tuple[dict[str, str], list[int]]:
    """A whole ballot's marks from its read pages (same meeting, group and number), and the numbers of
    the layout's pages still missing (then the marks of the candidates on them are ``doubtful``)."""
    read = {p.page: p for p in pages if p.status == READ}
    missing = [p.page for p in layout.pages if p.page not in read]
    persons = list(dict.fromkeys(b.person for p in layout.pages for b in p.boxes))
    marks = marks_of(((b.person, b.choice, b.decision) for p in read.values() for b in p.boxes), layout, persons)
    for p in layout.pages:
        if p.page in missing:
            for person in p.persons():
                if marks[person] != "invalid":
                    marks[person] = DOUBTFUL
    return marks, missing


__all__ = ["Reader", "PageRead", "BoxRead", "FolderRead", "REASONS", "READ", "REJECTED", "BLANK_PAGE", "REVIEW",
           "ballot_marks", "crop", "is_blank", "Thresholds", "BLANK"]
