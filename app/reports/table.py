"""Tables in the official style: thin black grid, a lightly shaded header repeated on every page,
numbers right aligned, column widths from the contents.

A :class:`Grid` is measured when the sheet adds it and laid out when the page is known
(portrait, or landscape when the widest table needs it): each column gets its comfortable width,
spare room goes first to text columns that would otherwise wrap, and a table too wide for the page
wraps its text columns first, then steps the font down (not below 7 pt). Only a cell that does not
fit its column becomes a wrapping ``Paragraph``; every other cell stays a plain string (fast: the
综合考评结果 of 600 rows builds well under a second).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Sequence

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from .fonts import FontSet, esc
from .text import CANNOT_START, NO_TERMS, Terms, Text, tokens

PAD = 3                       # cell padding, points
HEADER_FILL = colors.Color(0.88, 0.88, 0.88)
DROPPED_FILL = colors.Color(0.80, 0.80, 0.80)
ZEBRA_FILL = colors.Color(0.95, 0.95, 0.95)
MIN_SIZE = 10.5              # 五号: no table printed smaller (a form's grid may ask for less room, not less type)
TAIL_ROWS = 3                 # data rows kept on the page of the signature block


@dataclass(frozen=True)
class Column:
    title: str
    align: str = "LEFT"        # LEFT / CENTER / RIGHT (numbers)
    wrap: bool = False         # a text column that may wrap; other columns are as wide as their cells
    min_width: float = 0       # points, e.g. room to write a score by hand


class Struck(str):
    """A cell value printed struck through on a grey ground (a dropped score, §十)."""


class SharedTable(Table):
    """A table that a document draws many times over (the same candidate list on every 定岗推荐票). ReportLab
    lays a table out again at every ``wrap`` and, at every page break, splits what is left of it into a new
    table: for 300 ballots of a 450-row list, the whole list once per page of every ballot. Here the
    layout is kept while the size asked for is the same, and each split is kept by the size it was split
    at, so every ballot after the first reuses the same pieces.

    Each use is a shallow copy (:meth:`use`): the copies share the layout and the split cache, but each has
    its own attributes for the page it is on (ReportLab marks a table it had to move to the next page).
    """

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._jg_splits: dict[tuple[float, float], list] = {}    # shared by the copies
        self._jg_layouts: dict[tuple[float, float], dict] = {}   # shared: what _calc set, by size
        self._jg_calc: tuple[float, float] | None = None

    def use(self) -> "SharedTable":
        return copy.copy(self)

    def _calc(self, availWidth: float, availHeight: float) -> None:  # noqa: N803 - ReportLab's names
        key = (availWidth, availHeight)
        if self._jg_calc == key:
            return
        layout = self._jg_layouts.get(key)
        if layout is None:
            before = dict(self.__dict__)
            super()._calc(availWidth, availHeight)
            layout = {k: v for k, v in self.__dict__.items() if k not in before or before[k] is not v}
            self._jg_layouts[key] = layout
        else:                           # another copy laid it out at this size: the same attributes
            self.__dict__.update(layout)
        self._jg_calc = key

    def split(self, availWidth: float, availHeight: float) -> list:  # noqa: N803
        cache = self._jg_splits
        key = (availWidth, availHeight)
        if key not in cache:
            cache[key] = super().split(availWidth, availHeight)
            self._jg_calc = None        # split laid the table out for its own purpose
        return [p.use() if isinstance(p, SharedTable) else p for p in cache[key]]


@dataclass
class Grid:
    """A table still to be laid out: its widths depend on the page chosen for the whole sheet."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]          # str, or a Flowable for a special cell
    size: float = 10.5
    head: Sequence[Sequence[str]] = ()     # extra header rows above the column titles (spans below)
    styles: Sequence[tuple] = ()           # extra TableStyle commands (absolute row numbers)
    row_height: float | None = None        # forms: room to write
    zebra: bool = False
    widths: list[float] = field(default_factory=list)

    @property
    def header_rows(self) -> int:
        return len(self.head) + 1

    def _measure(self, fonts: FontSet, terms: Terms = NO_TERMS) -> None:
        chain = fonts.chain("table")
        self._terms = terms
        font = chain.primary
        n = len(self.columns)
        self._cell = [0.0] * n          # widest cell at size 1
        self._head = [0.0] * n          # column title at size 1
        self._word = [0.0] * n          # widest unbreakable piece (a name, a post) of a wrap column
        self._plain: set[str] = set()   # cell texts the primary font prints alone
        for row in self.rows:
            for j, value in enumerate(row):
                if isinstance(value, str) and value:
                    if value in self._plain or chain.plain(value):
                        self._plain.add(value)
                        w = stringWidth(value, font, 1)
                    else:
                        w = chain.width(value, 1)
                    if w > self._cell[j]:
                        self._cell[j] = w
                    if self.columns[j].wrap and w > 4:
                        word = max(chain.width(t, 1) for t in tokens(value, terms)) if value else 0
                        if word > self._word[j]:
                            self._word[j] = word
        for j, col in enumerate(self.columns):
            self._head[j] = max((chain.width(part, 1) for part in col.title.split("\n")), default=0)
        # A title with explicit line breaks keeps its lines whole; others wrap (4 字 a line at least).
        self._keep = ["\n" in c.title for c in self.columns]

    def natural(self, size: float, cap_chars: float = 12) -> list[float]:
        """Comfortable widths at ``size``: cells unwrapped (wrap columns up to ``cap_chars`` 字)."""
        out = []
        for j, col in enumerate(self.columns):
            cell = self._cell[j] * size
            if col.wrap:
                cell = min(cell, cap_chars * size)
            head = self._head[j] * size
            if not self._keep[j]:
                head = min(head, max(cell, 4 * size))
            out.append(max(cell + 2 * PAD + 1, head + 2 * PAD + 1, col.min_width))
        return out

    def floor(self, size: float, chars: float = 4) -> list[float]:
        """Narrowest widths: wrap columns down to ``chars`` 字 (never below their longest unbreakable
        piece: a name, a post), others as wide as their widest cell."""
        out = []
        for j, col in enumerate(self.columns):
            cell = min(self._cell[j], max(chars, self._word[j])) * size if col.wrap else self._cell[j] * size
            head = self._head[j] * size if self._keep[j] else min(self._head[j] * size, 2 * size)
            out.append(max(cell + 2 * PAD + 1, head + 2 * PAD + 1, col.min_width))
        return out

    def fit(self, avail: float) -> None:
        """Choose the font size and widths so the table spans exactly ``avail``."""
        size = self.size
        while True:
            nat, low = self.natural(size), self.floor(size)
            if sum(low) <= avail or size <= MIN_SIZE:
                break
            size -= 0.5
        if sum(low) > avail:        # still too wide at 10.5 pt: text columns down to 2 字 before anything else
            low = self.floor(size, chars=2)
        self.size = size
        total = sum(nat)
        if total <= avail:
            # Spare room goes first to the text columns that would otherwise wrap, then to all.
            full = self.natural(size, cap_chars=1000)
            want = [max(f - n, 0) if c.wrap else 0 for f, n, c in zip(full, nat, self.columns)]
            share = min(1.0, (avail - total) / sum(want)) if sum(want) else 0.0
            nat = [n + w * share for n, w in zip(nat, want)]
            total = sum(nat)
            self.widths = [w + (avail - total) * w / total for w in nat]
            return
        give = [n - f for n, f in zip(nat, low)]
        spare = sum(give)
        cut = total - avail
        if spare <= 0 or cut > spare:
            self.widths = [f * avail / sum(low) for f in low]
        else:
            self.widths = [n - g * cut / spare for n, g in zip(nat, give)]

    def table(self, fonts: FontSet, rows: Sequence[Sequence[Any]] | None = None, header: bool = True) -> Table:
        """The ReportLab table of all rows, or of ``rows`` (a tail: the extra ``styles`` are not applied)."""
        whole = rows is None
        rows = self.rows if rows is None else rows
        size, lead = self.size, self.size * 1.25
        chain, terms = fonts.chain("table"), self._terms
        head_style = ParagraphStyle("head", fontName=chain.primary, fontSize=size, leading=lead, alignment=TA_CENTER)
        cell_styles = {a: ParagraphStyle(f"cell{a}", fontName=chain.primary, fontSize=size, leading=lead,
                                         alignment={"LEFT": TA_LEFT, "CENTER": TA_CENTER, "RIGHT": TA_RIGHT}[a])
                       for a in ("LEFT", "CENTER", "RIGHT")}
        data: list[list[Any]] = []
        if header:
            data = [[Text(t, head_style, chain, terms) if t else "" for t in row] for row in self.head]
            data.append([Text(balanced(c.title, w - 2 * PAD - 0.5, chain, size), head_style, chain, terms)
                         for c, w in zip(self.columns, self.widths)])
        h = len(data)
        room = [w - 2 * PAD - 0.5 for w in self.widths]
        struck: list[tuple] = []
        for i, row in enumerate(rows, start=h):
            out = []
            for j, value in enumerate(row):
                if isinstance(value, Struck):
                    struck.append(("BACKGROUND", (j, i), (j, i), DROPPED_FILL))
                    value = Paragraph(f"<strike>{chain.markup(value)}</strike>", cell_styles[self.columns[j].align])
                elif isinstance(value, str) and value and (self._cell[j] * size > room[j] or value not in self._plain):
                    value = Text(value, cell_styles[self.columns[j].align], chain, terms)
                out.append(value)
            data.append(out)
        cmds: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), chain.primary, size, lead),
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if h:
            cmds.append(("BACKGROUND", (0, 0), (-1, h - 1), HEADER_FILL))
        for j, col in enumerate(self.columns):
            if col.align != "LEFT":
                cmds.append(("ALIGN", (j, h), (j, -1), col.align))
        if self.zebra:
            cmds.append(("ROWBACKGROUNDS", (0, h), (-1, -1), [colors.white, ZEBRA_FILL]))
        cmds.extend(struck)
        if whole:
            cmds.extend(self.styles)
        heights = None
        if self.row_height:
            heights = [None] * h + [self.row_height] * len(rows)
        return SharedTable(data, colWidths=self.widths, rowHeights=heights, repeatRows=h, style=TableStyle(cmds),
                           hAlign="CENTER")

    def with_tail(self, fonts: FontSet, keep: int = TAIL_ROWS) -> tuple[Table | None, Flowable]:
        """The table split so its last ``keep`` rows can travel with what follows (the signatures):
        (the rest or None, the tail). A table with spans, or too short to split, is all tail."""
        if self.styles or len(self.rows) <= keep + 1:
            return None, self.table(fonts)
        return (self.table(fonts, self.rows[:-keep]),
                Tail(self.table(fonts, self.rows[-keep:]), self.table(fonts, self.rows[-keep:], header=False)))


def balanced(title: str, room: float, chain: Any, size: float) -> str:
    """A column title too wide for its column, broken into lines of even length (考评量化/得分, not
    考评量化得/分); a title with its own line breaks is left as it is."""
    if "\n" in title or chain.width(title, size) <= room:
        return title
    lines = -(-chain.width(title, size) // room)
    per = -(-len(title) // int(lines))
    parts = [title[i:i + per] for i in range(0, len(title), per)]
    for k in range(len(parts) - 1, 0, -1):          # no line starts with a closing mark
        while parts[k] and parts[k][0] in CANNOT_START:
            parts[k - 1] += parts[k][0]
            parts[k] = parts[k][1:]
    text = "\n".join(p for p in parts if p)
    if any(chain.width(p, size) > room for p in text.split("\n")):
        return title                                # evenly it does not fit: let the lines wrap as they come
    return text


class Tail(Flowable):
    """A table's last rows, kept with the signature block: joined seamlessly to the rows above,
    or, when the block has to open a new page, with the header row so the page reads on its own."""

    def __init__(self, headed: Table, bare: Table):
        super().__init__()
        self.headed, self.bare, self._table = headed, bare, headed

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        frame = getattr(self, "_frame", None)
        self._table = self.bare if frame is not None and not frame._atTop else self.headed
        self.width, self.height = self._table.wrap(avail_width, avail_height)
        return self.width, self.height

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802 - ReportLab's name
        self._table.drawOn(canvas, x, y, _sW)
