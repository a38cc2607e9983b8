"""The scannable 定岗推荐票 (SPEC §12): where every mark box is, as data, with its SHA-256.

Pure: no ReportLab, no image library. :mod:`app.scan.render` draws a :class:`Layout`,
:mod:`app.scan.reader` reads scans of it.

**The page** (A4 portrait, origin at the top left, millimetres): four solid black squares of 6 mm
(fiducials) centred 10 mm in from each corner; a QR code (23.1 mm, version 4 at error level H, so
up to 30 % of it may be damaged) at the top right; the title and the ballot's number at the top
left; then a **matrix**: one row per candidate, one column per post, one 5 mm box per cell.

**Why a matrix (the "suggest another post" mechanism).** §十一: a voter either agrees with a post
the candidate declared or suggests another. The matrix gives both the same gesture — one tick in
one box of the candidate's row. The boxes of the posts the candidate declared are the *agree*
boxes (printed with a heavy frame on a grey cell: 粗框 = 同意其申报岗位), all others in the row are
*suggest* boxes (细框 = 建议改任该岗位). So a candidate who declared two posts has two agree boxes,
and "suggesting the declared post" cannot even be marked. Alternatives weighed:

- a row of code-digit boxes (write or bubble a 2-digit post code): two marks per suggestion (twice
  the chance of a doubtful box), a code the voter must look up, and a box that means no post —
  the layout's boxes could not be ``suggest:<post>`` as the interchange JSON requires;
- a grid of every post per candidate on a second page: the same boxes as the matrix, but the agree
  and suggest choices for one candidate would be on two sheets, and 唱票 must turn pages.

The matrix is also easy to read aloud (唱票): find the ticked column, read its head. At 6.5 mm a
cell, 23 posts fit across and 31 candidates down; more posts or candidates continue on further
pages (each with its own fiducials and QR; the QR carries the page number). Columns are split
evenly (30 posts: 15 + 15, not 23 + 7), and every page repeats the candidates' rows, so with many
posts one candidate's row spans pages; :func:`app.scan.reader.ballot_marks` joins them.

**Boxes of at least 5 mm** (§12): 5 × 5 mm, centred in the 6.5 mm cell, so 1.5 mm of paper lies
between neighbours; the reader measures only the inner 3.2 mm (an inset of 0.9 mm), so a tick
running over its box's edge by up to 2.4 mm never reaches the next box's measured area.

**The digest.** The canonical JSON (:func:`canonical_json`: keys sorted, no spaces, UTF-8, numbers
as the shortest decimal) is hashed with SHA-256; the layout digest is its first 16 hex digits,
printed in the QR. Two layouts with the same boxes have the same digest, whatever the names printed.

**The QR payload** (:class:`QrPayload`), in the QR's compact alphanumeric mode (upper case, digits,
``:``)::

    JGB1:<meeting>:<group>:<number>:<page>:<DIGEST>     e.g. JGB1:DG1:S:482913:1:3F2A91C07B44E1D9

``meeting`` is a short code (1–10 of ``0-9 A-Z . -``); ``group`` one letter (L 局领导, S 其他行政编制人员,
U 事业单位负责人, C 各县（市、区）局长); ``number`` the ballot's 6 digits (§10); ``page`` from 1. At most
46 characters, which version 4-H holds (50).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

FORMAT = "JGB1"
PAGE_MM = (210, 297)
FIDUCIAL_MM = Decimal(6)
FIDUCIAL_CENTRES_MM = ((Decimal(10), Decimal(10)), (Decimal(200), Decimal(10)),
                       (Decimal(10), Decimal(287)), (Decimal(200), Decimal(287)))   # TL, TR, BL, BR
QR_VERSION, QR_LEVEL, QR_MODULES = 4, "H", 33
QR_MODULE_MM = Decimal("0.7")
QR_SIZE_MM = QR_MODULES * QR_MODULE_MM                     # 23.1
QR_X_MM, QR_Y_MM = Decimal("171.9"), Decimal(17)          # top left of the symbol (quiet zone around it)

BOX_MM = Decimal(5)
CELL_MM = Decimal("6.5")
INSET_MM = Decimal("0.9")                                   # the reader's inner area: 5 − 2 × 0.9 = 3.2 mm
TABLE_X_MM = Decimal(14)                                    # 序号 | 姓名 | the matrix … up to TABLE_RIGHT_MM
NUMBER_COL_MM, NAME_COL_MM = Decimal(8), Decimal(22)
MATRIX_X_MM = TABLE_X_MM + NUMBER_COL_MM + NAME_COL_MM      # 44
TABLE_RIGHT_MM = Decimal(196)
HEAD_Y_MM = Decimal(46)                                     # the column heads (post names, vertical)
HEAD_MM = Decimal(28)
ROWS_Y_MM = HEAD_Y_MM + HEAD_MM                             # 74: the first candidate's row
ROWS_BOTTOM_MM = Decimal(277)
MAX_COLS = int((TABLE_RIGHT_MM - MATRIX_X_MM) / CELL_MM)    # 23
MAX_ROWS = int((ROWS_BOTTOM_MM - ROWS_Y_MM) / CELL_MM)      # 31

AGREE, SUGGEST = "agree", "suggest"
GROUP_CODES = {"leaders": "L", "staff": "S", "unit_heads": "U", "county_chiefs": "C"}
CODE_GROUPS = {v: k for k, v in GROUP_CODES.items()}
MEETING_RE = re.compile(r"^[0-9A-Z.\-]{1,10}$")


class LayoutError(ValueError):
    """A layout that cannot be made or read (the message says which candidate, post or field)."""


@dataclass(frozen=True)
class Candidate:
    """A candidate as the ballot lists them: id and declared posts (first choice first)."""
    person: str
    declared: tuple[str, ...]


@dataclass(frozen=True)
class Box:
    """One mark box, in millimetres from the page's top left."""
    x_mm: Decimal
    y_mm: Decimal
    w_mm: Decimal
    h_mm: Decimal
    person: str
    choice: str                     # "agree:<post id>" or "suggest:<post id>"

    @property
    def kind(self) -> str:
        return self.choice.partition(":")[0]

    @property
    def post(self) -> str:
        return self.choice.partition(":")[2]


@dataclass(frozen=True)
class PageLayout:
    page: int
    boxes: tuple[Box, ...]

    def persons(self) -> tuple[str, ...]:
        """The candidates on this page, top to bottom."""
        return tuple(dict.fromkeys(b.person for b in sorted(self.boxes, key=lambda b: (b.y_mm, b.x_mm))))

    def posts(self) -> tuple[str, ...]:
        """The posts (columns) on this page, left to right."""
        return tuple(dict.fromkeys(b.post for b in sorted(self.boxes, key=lambda b: (b.x_mm, b.y_mm))))


@dataclass(frozen=True)
class Layout:
    pages: tuple[PageLayout, ...]
    page_mm: tuple[int, int] = PAGE_MM
    fiducial_mm: Decimal = FIDUCIAL_MM
    fiducials_mm: tuple[tuple[Decimal, Decimal], ...] = FIDUCIAL_CENTRES_MM
    qr_mm: tuple[Decimal, Decimal, Decimal] = (QR_X_MM, QR_Y_MM, QR_SIZE_MM)     # x, y, size
    format: str = FORMAT

    def page(self, number: int) -> PageLayout:
        for p in self.pages:
            if p.page == number:
                return p
        raise LayoutError(f"版式没有第 {number} 页")

    def declared(self) -> dict[str, tuple[str, ...]]:
        """person → the posts with an agree box, in page order."""
        out: dict[str, list[str]] = {}
        for p in self.pages:
            for b in p.boxes:
                out.setdefault(b.person, [])
                if b.kind == AGREE and b.post not in out[b.person]:
                    out[b.person].append(b.post)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(canonical_json(self)).hexdigest()

    @property
    def digest(self) -> str:
        """The layout digest printed in the QR: the first 16 hex digits of the SHA-256 (lower case)."""
        return self.sha256[:16]


# -- making a layout ---------------------------------------------------------------------------------

def _chunks(items: Sequence[str], most: int) -> list[Sequence[str]]:
    """``items`` in ⌈n / most⌉ runs of nearly equal length (the first ones one longer)."""
    if not items:
        return []
    n = -(-len(items) // most)
    size, extra = divmod(len(items), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out


def make_layout(candidates: Sequence[Candidate], posts: Sequence[str], *,
                max_rows: int = MAX_ROWS, max_cols: int = MAX_COLS) -> Layout:
    """The matrix layout: candidates in ballot order (rows), ``posts`` in print order (columns)."""
    if not candidates:
        raise LayoutError("定岗推荐票没有候选人")
    if not posts:
        raise LayoutError("定岗推荐票没有岗位")
    if not 1 <= max_rows <= MAX_ROWS or not 1 <= max_cols <= MAX_COLS:
        raise LayoutError(f"每页至多 {MAX_ROWS} 行、{MAX_COLS} 列")
    _check_ids("岗位", posts)
    _check_ids("候选人", [c.person for c in candidates])
    known = set(posts)
    for c in candidates:
        if not c.declared:
            raise LayoutError(f"候选人 {c.person} 没有申报岗位，不能列入定岗推荐票")
        unknown = [p for p in c.declared if p not in known]
        if unknown:
            raise LayoutError(f"候选人 {c.person} 申报的岗位 {unknown[0]} 不在岗位列表中")
    pages = []
    inset = (CELL_MM - BOX_MM) / 2
    for rows in _chunks([c.person for c in candidates], max_rows):
        for cols in _chunks(list(posts), max_cols):
            boxes = []
            for r, person in enumerate(rows):
                declared = next(c.declared for c in candidates if c.person == person)
                for k, post in enumerate(cols):
                    kind = AGREE if post in declared else SUGGEST
                    boxes.append(Box(MATRIX_X_MM + k * CELL_MM + inset, ROWS_Y_MM + r * CELL_MM + inset,
                                     BOX_MM, BOX_MM, person, f"{kind}:{post}"))
            pages.append(PageLayout(len(pages) + 1, tuple(boxes)))
    return Layout(tuple(pages))


def _check_ids(what: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if not isinstance(i, str) or not i.strip() or ":" in i:
            raise LayoutError(f"{what}编号 {i!r} 不可用（不能为空，不能含“:”）")
        if i in seen:
            raise LayoutError(f"{what}编号 {i} 重复")
        seen.add(i)


# -- JSON and digest ---------------------------------------------------------------------------------

def _num(value: Decimal | int) -> int | float:
    """A millimetre value for JSON: an integer when whole, else the shortest decimal (repr of float)."""
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else float(d)


def layout_json(layout: Layout) -> dict[str, Any]:
    """The interchange form: ``{"page_mm": [210, 297], "pages": [{"page": 1, "boxes": [...]}], …}``."""
    return {
        "format": layout.format,
        "page_mm": [layout.page_mm[0], layout.page_mm[1]],
        "fiducials_mm": {"size": _num(layout.fiducial_mm),
                         "centres": [[_num(x), _num(y)] for x, y in layout.fiducials_mm]},
        "qr_mm": {"x": _num(layout.qr_mm[0]), "y": _num(layout.qr_mm[1]), "size": _num(layout.qr_mm[2])},
        "pages": [{"page": p.page, "boxes": [
            {"x_mm": _num(b.x_mm), "y_mm": _num(b.y_mm), "w_mm": _num(b.w_mm), "h_mm": _num(b.h_mm),
             "person": b.person, "choice": b.choice} for b in p.boxes]} for p in layout.pages],
    }


def canonical_json(layout: Layout) -> bytes:
    return json.dumps(layout_json(layout), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def layout_from_json(data: Mapping[str, Any] | str | bytes) -> Layout:
    """Read a layout written by :func:`layout_json` (text or parsed; numbers read exactly)."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data, parse_float=Decimal)
        except ValueError as err:
            raise LayoutError(f"版式文件不是 JSON：{err}") from None
    try:
        page_mm = tuple(int(v) for v in data["page_mm"])
        fid = data.get("fiducials_mm", {"size": FIDUCIAL_MM, "centres": FIDUCIAL_CENTRES_MM})
        qr = data.get("qr_mm", {"x": QR_X_MM, "y": QR_Y_MM, "size": QR_SIZE_MM})
        pages = []
        for p in data["pages"]:
            boxes = tuple(Box(Decimal(str(b["x_mm"])), Decimal(str(b["y_mm"])), Decimal(str(b["w_mm"])),
                              Decimal(str(b["h_mm"])), str(b["person"]), str(b["choice"])) for b in p["boxes"])
            for b in boxes:
                if b.kind not in (AGREE, SUGGEST) or not b.post:
                    raise LayoutError(f"第 {p['page']} 页的方框 choice {b.choice!r} 不是 agree:<岗位> 或 suggest:<岗位>")
            pages.append(PageLayout(int(p["page"]), boxes))
        layout = Layout(tuple(pages), (page_mm[0], page_mm[1]), Decimal(str(fid["size"])),
                        tuple((Decimal(str(x)), Decimal(str(y))) for x, y in fid["centres"]),
                        (Decimal(str(qr["x"])), Decimal(str(qr["y"])), Decimal(str(qr["size"]))),
                        str(data.get("format", FORMAT)))
    except LayoutError:
        raise
    except (KeyError, TypeError, ValueError, ArithmeticError) as err:
        raise LayoutError(f"版式文件缺少或写错了字段：{err}") from None
    if len(layout.fiducials_mm) != 4 or not layout.pages:
        raise LayoutError("版式须有四个定位标记和至少一页")
    return layout


# -- the QR payload ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QrPayload:
    meeting: str
    group: str          # leaders / staff / unit_heads / county_chiefs
    number: str         # 6 digits
    page: int
    digest: str         # 16 lower-case hex digits
    format: str = FORMAT

    def encode(self) -> str:
        if not MEETING_RE.match(self.meeting):
            raise LayoutError(f"会议代码 {self.meeting!r} 须为 1–10 位大写字母、数字、“.”或“-”")
        if self.group not in GROUP_CODES:
            raise LayoutError(f"未知的投票人类别 {self.group!r}")
        if not re.fullmatch(r"\d{6}", self.number):
            raise LayoutError(f"选票编号 {self.number!r} 须为 6 位数字")
        if not 1 <= self.page <= 99 or not re.fullmatch(r"[0-9a-f]{16}", self.digest):
            raise LayoutError("页码须为 1–99，版式摘要须为 16 位十六进制")
        return ":".join((self.format, self.meeting, GROUP_CODES[self.group], self.number, str(self.page),
                         self.digest.upper()))

    @classmethod
    def decode(cls, text: str) -> "QrPayload | None":
        """The payload of a ballot's QR, or None when ``text`` is not one (another QR, a foreign format)."""
        parts = text.strip().split(":")
        if len(parts) != 6 or parts[0] != FORMAT:
            return None
        _, meeting, group, number, page, digest = parts
        if (not MEETING_RE.match(meeting) or group not in CODE_GROUPS or not re.fullmatch(r"\d{6}", number)
                or not re.fullmatch(r"[1-9]\d?", page) or not re.fullmatch(r"[0-9A-F]{16}", digest)):
            return None
        return cls(meeting, CODE_GROUPS[group], number, int(page), digest.lower())
