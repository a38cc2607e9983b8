"""Painting the projector's scenes: black background, white and yellow text, legible from the back.

Every size is a multiple of the window height (``unit`` = height / 1080): the base font is 28 pt at
1080 px (at 96 dpi: 38 px) and scales with the height, so a 1024×768 projector shows the same
rows, smaller. Long lists are *paged*, never shrunk: each scene has a fixed number of rows per page
(measured in height units, so the same at every size) and :func:`paginate` cuts the data into pages.

Every string painted goes through :meth:`SceneRenderer.text`, which records it — :meth:`texts`
is how the tests check that nothing hidden ever reaches the wall.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QGuiApplication, QImage, QPainter, QPainterPath, QPen,
                           QStaticText)

from ..core.scheme import GROUPS
from ..services.projector import (DRAW, PICK_PASS, PICK_WAITING, RESULTS, RESULTS_WITHDRAWN, SCENE_LABELS, SCORING,
                                  SEAL, SELECTION, SPEAKER, TALLY, DrawScene, ProjectorState, ResultLine, ResultPost,
                                  ResultsScene, Scene, ScoringScene, SealScene, SelectionScene, SpeakerScene,
                                  TallyScene)

REF_HEIGHT = 1080
BASE_PT = 28                      # the smallest text on the wall, at 1080 px (the issue: ≥ 28 pt)
BASE_PX_AT_REF = BASE_PT * 96 / 72
ROW = 1.6                         # a list row, in base font heights
PAGE_SECONDS = 8

BG = QColor("#000000")
FG = QColor("#ffffff")
ACCENT = QColor("#ffd400")        # yellow on black: the eye goes there first
DIM = QColor("#c8c8c8")           # still ≥ 12:1 against black
BAR_BELOW = QColor("#5f86c6")     # a bar under the 1/3 line
RULE = QColor("#555555")

WAITING_FOR_SEED = "尚未抽签　候选名单已确定，等待监督组公布种子"
"""抽签结果 before the draw: the list and its digest are shown, the seed is still to come (SPEC §5)."""

COUNT_HEADERS = {"leaders": "领导", "staff": "行政", "unit_heads": "事业", "county_chiefs": "县局"}
"""Column heads of the counts by voter group (two characters: they fit a 1024×768 wall)."""

# Rows of a list page, per scene (columns side by side for short lines). Chosen so that the header
# lines, the rows and the footer fit 1080 height units; see the layout in each ``_paint_*``.
ROWS = {DRAW: 10, SCORING: 12, TALLY: 12, RESULTS: 14, SELECTION: 12}
COLUMNS = {DRAW: 3, SCORING: 2, TALLY: 1, RESULTS: 1, SELECTION: 1}


def base_px(height: int) -> int:
    """The base font in pixels for a window this high: 28 pt at 1080, proportionally less below."""
    return max(10, math.ceil(height * BASE_PX_AT_REF / REF_HEIGHT - 1e-9))


def accounting_line(a) -> str:
    """The wall's accounting line (SPEC §10): 印制 · 发出 · 收回 · 已录入 (作废) · 尚缺; once the count is
    closed, its 摘要码 (SPEC §9)."""
    if a.state == "closed":
        return a.code or "计票已结束（监督组封签）"

    def n(v):
        return "—" if v is None else str(v)
    missing = a.missing
    tail = "" if missing is None else (f" · 尚缺 {missing}" if missing > 0 else (" · ✓ 相符" if missing == 0
                                                                              else f" · 多录 {-missing}"))
    return f"印制 {a.printed} · 发出 {n(a.issued)} · 收回 {n(a.returned)} · 已录 {a.entered}（作废 {a.void}）{tail}"


# -- pages --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PostHeading:
    post: ResultPost


def _rows(data: Scene) -> list[Any]:
    if isinstance(data, DrawScene):
        return list(data.lines)
    if isinstance(data, ScoringScene):
        return list(data.lines)
    if isinstance(data, TallyScene):
        return list(data.bars)
    if isinstance(data, SelectionScene):
        return list(data.lines)
    if isinstance(data, ResultsScene):
        rows: list[Any] = []
        for post in data.posts:
            rows.append(PostHeading(post))
            rows.extend(post.lines)
        return rows
    return []


def per_page(data: Scene) -> int:
    scene = scene_of(data)
    # the tally's last row gives way to the line of open 唱票/扫描 differences (SPEC §12)
    less = difference_rows(data) if isinstance(data, TallyScene) else 0
    return (ROWS.get(scene, 0) - less) * COLUMNS.get(scene, 1)


DIFFERENCE_LINES = 2
"""Open 唱票/扫描 differences the tally shows one per row (a heading row above them says how many)."""


def difference_rows(data: TallyScene) -> int:
    return 1 + min(len(data.differences), DIFFERENCE_LINES) if data.differences else 0


def paginate(data: Scene) -> list[list[Any]]:
    """The rows of each page (one page when the list is short or the scene is a card)."""
    rows, size = _rows(data), per_page(data)
    if not rows or not size:
        return [[]]
    pages: list[list[Any]] = [[]]
    for i, row in enumerate(rows):
        page = pages[-1]
        # keep a post's heading with its first line: never the last row of a page
        last_slot = len(page) == size - 1
        if len(page) >= size or (isinstance(row, PostHeading) and last_slot and i + 1 < len(rows)):
            pages.append([])
        pages[-1].append(row)
    return pages


def scene_of(data: Scene) -> str:
    return {DrawScene: DRAW, SpeakerScene: SPEAKER, ScoringScene: SCORING, TallyScene: TALLY,
            ResultsScene: RESULTS, SelectionScene: SELECTION, SealScene: SEAL}[type(data)]


# -- the renderer -------------------------------------------------------------------------------------

class SceneRenderer:
    """Paints a scene into a rectangle of any size and remembers every string it painted."""

    def __init__(self, family: QFont | None = None) -> None:
        self._family = QFont(family if family is not None else QGuiApplication.font())
        self._fonts: dict[tuple[int, bool], tuple[QFont, QFontMetricsF]] = {}
        self._widths: dict[tuple[str, int, bool], float] = {}
        self._static: dict[tuple[str, int, bool], QStaticText] = {}
        self._texts: list[str] = []
        self._sizes: set[int] = set()
        self.p: QPainter | None = None
        self.u = 1.0
        self.b = 38

    def texts(self) -> list[str]:
        """Every string the last :meth:`paint` drew, in order."""
        return list(self._texts)

    def pixel_sizes(self) -> set[int]:
        """The font sizes (px) the last :meth:`paint` used: none below :func:`base_px`."""
        return set(self._sizes)

    # -- primitives ------------------------------------------------------------------------------

    def font(self, scale: float = 1.0, bold: bool = False) -> QFont:
        return self._font(scale, bold)[0]

    def _font(self, scale: float, bold: bool) -> tuple[QFont, QFontMetricsF]:
        px = max(self.b, round(self.b * scale))     # never below the base size
        key = (px, bold)
        if key not in self._fonts:
            f = QFont(self._family)
            f.setPixelSize(px)
            f.setBold(bold)
            self._fonts[key] = (f, QFontMetricsF(f))
        return self._fonts[key]

    def width(self, text: str, scale: float = 1.0, bold: bool = False) -> float:
        font, metrics = self._font(scale, bold)
        key = (text, font.pixelSize(), bold)
        w = self._widths.get(key)
        if w is None:
            if len(self._widths) > 4000:
                self._widths.clear()
            w = self._widths[key] = metrics.horizontalAdvance(text)
        return w

    def text(self, x: float, y: float, w: float, h: float, text: str, *, scale: float = 1.0,
             color: QColor = FG, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, bold: bool = False) -> float:
        """Draw one line in the box (vertically centred); elided rather than clipped. Returns its width."""
        font, metrics = self._font(scale, bold)
        width = self.width(text, scale, bold)
        if width > w:
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, w)
            width = metrics.horizontalAdvance(text)
        self._texts.append(text)
        self._sizes.add(font.pixelSize())
        p = self.p
        p.setFont(font)
        p.setPen(color)
        if align == Qt.AlignmentFlag.AlignRight:
            x += w - width
        elif align == Qt.AlignmentFlag.AlignHCenter:
            x += (w - width) / 2
        top = y + (h - metrics.height()) / 2
        if bold and font.pixelSize() > 1.6 * self.b:
            # Large bold type (a name, a card) as an outline, filled and stroked: a font without a
            # bold face gets no synthetic bold above ~60 px, and the back row needs the weight.
            regular = self._font(scale, False)[0]      # emboldened here, the same at every size
            path = QPainterPath()
            path.addText(QPointF(x, top + metrics.ascent()), regular, text)
            p.fillPath(path, color)
            p.strokePath(path, QPen(color, font.pixelSize() / 26))
            return width
        # QStaticText keeps each string laid out between paints (names, posts, heads repeat on
        # every ballot), which halves the cost of a page of text.
        key = (text, font.pixelSize(), bold)
        static = self._static.get(key)
        if static is None:
            if len(self._static) > 4000:
                self._static.clear()
            static = self._static[key] = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=font)
        p.drawStaticText(QPointF(x, top), static)
        return width

    # -- the frame ----------------------------------------------------------------------------------

    def paint(self, painter: QPainter, width: int, height: int, data: Scene | None, state: ProjectorState,
              page: int = 0, pages: Sequence[Sequence[Any]] | None = None) -> None:
        self._texts, self._sizes = [], set()
        self.p = painter
        self.u = height / REF_HEIGHT
        self.b = base_px(height)
        self.W, self.H = width, height
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, width, height), BG)
        try:
            if state.blackout or data is None:
                return
            pages = pages if pages is not None else paginate(data)
            page = min(max(page, 0), len(pages) - 1)
            rows = pages[page]
            scene = scene_of(data)
            getattr(self, f"_paint_{scene}")(data, rows)
            if len(pages) > 1:
                self._footer_page(page, len(pages))
        finally:
            painter.restore()
            self.p = None

    # layout helpers (all in pixels of this window)
    @property
    def mx(self) -> float:
        return 48 * self.u

    def _title(self, title: str, right: str = "") -> float:
        """The scene's title line; returns the y where the content starts."""
        u, mx = self.u, self.mx
        h = 96 * u
        width = self.W - 2 * mx
        right_w = self.width(right) + 8 if right else 0
        self.text(mx, 24 * u, width - right_w, h, title, scale=1.5, color=ACCENT, bold=True)
        if right:
            self.text(self.W - mx - right_w, 24 * u, right_w, h, right, align=Qt.AlignmentFlag.AlignRight)
        self.p.fillRect(QRectF(mx, 24 * u + h + 6 * u, width, 3 * u), RULE)
        return 24 * u + h + 20 * u

    def _footer(self, left: str) -> None:
        u, mx = self.u, self.mx
        self.text(mx, self.H - 76 * u, self.W - 2 * mx - self.width("第 99/99 页") - 16, 64 * u, left, color=DIM)

    def _footer_page(self, page: int, count: int) -> None:
        u, mx = self.u, self.mx
        label = f"第 {page + 1}/{count} 页"
        w = self.width(label) + 4
        self.text(self.W - mx - w, self.H - 76 * u, w, 64 * u, label, color=DIM, align=Qt.AlignmentFlag.AlignRight)

    def _card(self, text: str, sub: str = "") -> None:
        """A centred message (nothing to show yet)."""
        u = self.u
        self.text(0, self.H / 2 - 110 * u, self.W, 140 * u, text, scale=2.0, color=ACCENT, bold=True,
                  align=Qt.AlignmentFlag.AlignHCenter)
        if sub:
            self.text(0, self.H / 2 + 40 * u, self.W, 70 * u, sub, color=DIM, align=Qt.AlignmentFlag.AlignHCenter)

    def _row_h(self) -> float:
        return ROW * BASE_PX_AT_REF * self.u

    # -- 抽签结果 ------------------------------------------------------------------------------------

    def _paint_draw(self, data: DrawScene, rows: list) -> None:
        y = self._title(f"{SCENE_LABELS[DRAW]} · {data.meeting}")
        if not data.recorded and not data.lines:
            self._card(f"{data.meeting}尚未抽签", "尚无候选人")
            return
        u, mx, rh = self.u, self.mx, self._row_h()
        width = self.W - 2 * mx
        if data.recorded:
            seed = f"种子 {data.seed}" if data.seed else "纸签抽签：按所抽签号"
            head = f"{data.method}　{seed}"
        else:
            head = WAITING_FOR_SEED
        check = {True: "复核一致", False: "复核不一致，请核查", None: ""}[data.verified]
        check_w = self.width(check) + 8 if check else 0
        self.text(mx, y, width - check_w, rh, head, color=FG if data.recorded else ACCENT, bold=not data.recorded)
        if check:
            self.text(self.W - mx - check_w, y, check_w, rh, check, color=ACCENT if data.verified else FG,
                      bold=True, align=Qt.AlignmentFlag.AlignRight)
        y += rh
        digest = data.list_digest
        label = "名单摘要 "
        lw = self.width(label)
        halves = [" ".join(digest[i:i + 8] for i in range(start, start + 32, 8)) for start in (0, 32)]
        for i, half in enumerate(halves):
            if i == 0:
                self.text(mx, y, lw, rh, label, color=DIM)
            self.text(mx + lw, y, width - lw, rh, half, color=DIM)
            y += rh
        y += 12 * u
        cols, per_col = COLUMNS[DRAW], ROWS[DRAW]
        col_w = width / cols
        num_w = self.width("000") + 12 * u
        for i, line in enumerate(rows):
            c, r = divmod(i, per_col)
            x, ry = mx + c * col_w, y + r * rh
            if data.recorded:          # before the draw there is no order: names only
                self.text(x, ry, num_w, rh, str(line.position), color=ACCENT, bold=True,
                          align=Qt.AlignmentFlag.AlignRight)
            self.text(x + num_w + 18 * u, ry, col_w - num_w - 30 * u, rh, line.name)
        self._footer(f"共 {len(data.lines)} 人，按抽签顺序" if data.recorded
                     else f"共 {len(data.lines)} 人，按名单顺序；公布种子后抽签定顺序")

    # -- 当前演讲 ------------------------------------------------------------------------------------

    def _paint_speaker(self, data: SpeakerScene, rows: list) -> None:
        u = self.u
        right = f"第 {data.position} 位 / 共 {data.total} 位" if data.total else ""
        self._title(SCENE_LABELS[SPEAKER], right)
        if not data.name:
            self._card("尚无演讲人", "报岗后按抽签顺序演讲")
            return
        self.text(0, 300 * u, self.W, 220 * u, data.name, scale=4.0, color=ACCENT, bold=True,
                  align=Qt.AlignmentFlag.AlignHCenter)
        posts = "、".join(data.posts) if data.posts else "—"
        self.text(self.mx, 560 * u, self.W - 2 * self.mx, 100 * u, f"申报岗位：{posts}", scale=1.4,
                  align=Qt.AlignmentFlag.AlignHCenter)
        if data.next_name:
            self.text(self.mx, 760 * u, self.W - 2 * self.mx, 80 * u, f"下一位：{data.next_name}", scale=1.2,
                      color=DIM, align=Qt.AlignmentFlag.AlignHCenter)
        self._footer("演讲顺序按抽签结果" if data.drawn else "尚未抽签：按名单顺序")

    # -- 评分进度 ------------------------------------------------------------------------------------

    def _paint_scoring(self, data: ScoringScene, rows: list) -> None:
        y = self._title(SCENE_LABELS[SCORING], f"评委 {data.judges} 人")
        if not data.lines:
            self._card("尚无演讲人")
            return
        u, mx, rh = self.u, self.mx, self._row_h()
        width = self.W - 2 * mx
        cols, per_col = COLUMNS[SCORING], ROWS[SCORING]
        gap = 40 * u
        col_w = (width - gap * (cols - 1)) / cols
        num_w = self.width("000")
        done_w = self.width("已评") + 8 * u
        count_w = max(self.width(f"{data.judges}/{data.judges}"), done_w) + 8 * u
        mean_w = max(self.width("100.000"), self.width("得分")) + 8 * u
        name_w = col_w - num_w - count_w - mean_w - 3 * 16 * u
        for c in range(min(cols, math.ceil(len(rows) / per_col) or 1)):
            x = mx + c * (col_w + gap)
            self.text(x + num_w + 16 * u, y, name_w, rh, "姓名", color=DIM)
            self.text(x + num_w + name_w + 32 * u, y, count_w, rh, "已评", color=DIM, align=Qt.AlignmentFlag.AlignRight)
            self.text(x + col_w - mean_w, y, mean_w, rh, "得分", color=DIM, align=Qt.AlignmentFlag.AlignRight)
        y += rh
        for i, line in enumerate(rows):
            c, r = divmod(i, per_col)
            x, ry = mx + c * (col_w + gap), y + r * rh
            complete = data.judges and line.scored >= data.judges
            self.text(x, ry, num_w, rh, str(line.position), color=DIM, align=Qt.AlignmentFlag.AlignRight)
            self.text(x + num_w + 16 * u, ry, name_w, rh, line.name)
            self.text(x + num_w + name_w + 32 * u, ry, count_w, rh, f"{line.scored}/{data.judges}",
                      color=ACCENT if complete else FG, align=Qt.AlignmentFlag.AlignRight)
            mean = f"{line.mean:.3f}" if line.mean is not None else "—"
            self.text(x + col_w - mean_w, ry, mean_w, rh, mean, color=ACCENT if line.mean is not None else DIM,
                      bold=line.mean is not None, align=Qt.AlignmentFlag.AlignRight)
        self._footer(f"得分：去掉最高、最低各 {data.trim} 个后的平均分，确认后显示")

    # -- 定岗推荐唱票 ----------------------------------------------------------------------------------

    def _paint_tally(self, data: TallyScene, rows: list) -> None:
        u, mx, rh = self.u, self.mx, self._row_h()
        counted = f"已计 {data.counted} 张 / " if any(g.by_ballot for g in data.groups) else ""
        closed = data.accounting is not None and data.accounting.state == "closed"
        right = "计票已结束（监督组封签）" if closed else f"{counted}到会 {data.present} 人"
        if data.scanning:
            right = f"{data.scanning.split('（')[0].split('　')[0]}　{right}"
        y = self._title(SCENE_LABELS[TALLY], right)
        width = self.W - 2 * mx
        # ballots counted of those present, per voter group (a group typed in count mode says so)
        cell = width / len(data.groups)
        for i, g in enumerate(data.groups):
            part = f"{g.label} {g.counted}/{g.present}" if g.by_ballot else f"{g.label} 计数录入"
            self.text(mx + i * cell, y, cell - 16 * u, rh, part, color=DIM)
        y += rh + 4 * u
        # columns: name | post | bar | rate | counts by group
        pad = 18 * u
        name_w = max([self.width("姓名"), *(self.width(b.name) for b in rows)]) + pad
        post_w = max([self.width("岗位"), *(self.width(b.post + ("*" if not b.declared else "")) for b in rows)]) + pad
        rate_w = max(self.width("0.000"), self.width("推荐率")) + pad
        count_w = max(self.width("领导"), self.width("000")) + pad
        bar_w = max(width - name_w - post_w - rate_w - count_w * len(GROUPS) - pad, 3 * self.b)
        bar_x = mx + name_w + post_w
        rate_x = bar_x + bar_w + pad
        counts_x = rate_x + rate_w
        third_x = bar_x + bar_w * float(data.threshold)
        self.text(mx, y, name_w, rh, "姓名", color=DIM)
        self.text(mx + name_w, y, post_w, rh, "岗位", color=DIM)
        label = f"{data.threshold.numerator}/{data.threshold.denominator}"
        lw = self.width(label)
        self.text(third_x - lw / 2, y, lw + 2, rh, label, color=FG, bold=True)
        self.text(rate_x, y, rate_w - pad / 2, rh, "推荐率", color=DIM, align=Qt.AlignmentFlag.AlignRight)
        for i, g in enumerate(GROUPS):
            self.text(counts_x + i * count_w, y, count_w - 4 * u, rh, COUNT_HEADERS[g], color=DIM,
                      align=Qt.AlignmentFlag.AlignRight)
        y += rh
        top = y
        for r, bar in enumerate(rows):
            ry = y + r * rh
            colour = ACCENT if bar.eligible else FG
            self.text(mx, ry, name_w - pad / 2, rh, bar.name)
            self.text(mx + name_w, ry, post_w - pad / 2, rh, bar.post + ("" if bar.declared else "*"),
                      color=FG if bar.declared else DIM)
            self.p.fillRect(QRectF(bar_x, ry + rh * 0.22, bar_w, rh * 0.56), QColor("#1c1c1c"))
            if bar.rate is not None and bar.rate > 0:
                filled = bar_w * float(min(bar.rate, Fraction(1)))
                self.p.fillRect(QRectF(bar_x, ry + rh * 0.22, filled, rh * 0.56),
                                ACCENT if bar.eligible else BAR_BELOW)
            rate = f"{bar.rate_shown:.3f}" if bar.rate_shown is not None else "—"
            self.text(rate_x, ry, rate_w - pad / 2, rh, rate, color=colour, bold=bar.eligible,
                      align=Qt.AlignmentFlag.AlignRight)
            for i, n in enumerate(bar.counts):
                self.text(counts_x + i * count_w, ry, count_w - 4 * u, rh, str(n), align=Qt.AlignmentFlag.AlignRight)
        # the 1/3 line across every bar of the page
        if rows:
            pen = QPen(FG)
            pen.setWidthF(max(2.0, 4 * u))
            self.p.setPen(pen)
            self.p.drawLine(QPointF(third_x, top + rh * 0.1), QPointF(third_x, top + len(rows) * rh - rh * 0.1))
        else:
            self._card("尚无竞岗人员")
        if data.differences:                 # SPEC §12: shown until the 监督组 resolve them
            n, shown = len(data.differences), data.differences[:DIFFERENCE_LINES]
            dy = self.H - 76 * u - rh * (len(shown) + 1)
            more = f"（另有 {n - len(shown)} 处）" if n > len(shown) else ""
            self.text(mx, dy, width, rh, f"⚠ 唱票与扫描不一致 {n} 处，待监督组认定{more}", color=ACCENT, bold=True)
            for i, line in enumerate(shown, start=1):
                self.text(mx, dy + i * rh, width, rh, line, color=ACCENT)
        self._footer(accounting_line(data.accounting) if data.accounting else "黄色：推荐率达三分之一　* 建议岗位")

    # -- 结果 --------------------------------------------------------------------------------------

    def _paint_results(self, data: ResultsScene, rows: list) -> None:
        y = self._title(SCENE_LABELS[RESULTS] + ("：综合考评与人选" if data.published else ""))
        if not data.published or not data.posts:
            if data.note == RESULTS_WITHDRAWN:      # SPEC §9: an input was unlocked for a correction
                self._card(RESULTS_WITHDRAWN, "所依据的阶段已由监督组解锁更正，重新公布后再显示")
            else:
                self._card(data.note or "结果尚未公布")
            return
        u, mx, rh = self.u, self.mx, self._row_h()
        width = self.W - 2 * mx
        num_w = self.width("00") + 8 * u
        score_w = self.width("100.000") + 16 * u
        tag_w = self.width("人选") + 24 * u
        name_w = min(width - num_w - score_w - tag_w - 48 * u, 8 * self.b)   # keep name and score together
        for r, row in enumerate(rows):
            ry = y + r * rh
            if isinstance(row, PostHeading):
                post = row.post
                self.p.fillRect(QRectF(mx - 8 * u, ry + 4 * u, width + 16 * u, rh - 8 * u), QColor("#262626"))
                ow = min(self.width(post.outcome) + 8, width * 0.55)
                self.text(mx, ry, width - ow - 24 * u, rh, post.post, color=ACCENT, bold=True)
                self.text(mx + width - ow, ry, ow, rh, post.outcome, align=Qt.AlignmentFlag.AlignRight)
                continue
            line: ResultLine = row
            self.text(mx, ry, num_w, rh, str(line.rank), color=DIM, align=Qt.AlignmentFlag.AlignRight)
            self.text(mx + num_w + 24 * u, ry, name_w, rh, line.name, color=ACCENT if line.placed else FG,
                      bold=line.placed)
            self.text(mx + num_w + 24 * u + name_w, ry, score_w, rh, f"{line.composite:.3f}",
                      color=ACCENT if line.placed else FG, align=Qt.AlignmentFlag.AlignRight)
            if line.placed:
                self.text(mx + num_w + 24 * u + name_w + score_w + 24 * u, ry, tag_w, rh, "人选", color=ACCENT,
                          bold=True)
        self._footer("按岗位，综合考评得分从高到低（已公布）")

    # -- 双向选择 ------------------------------------------------------------------------------------

    def _paint_selection(self, data: SelectionScene, rows: list) -> None:
        if not data.started:
            self._title(SCENE_LABELS[SELECTION])
            self._card(data.note or "双向选择尚未开始", "科长人选公布后开始" if data.note == "双向选择尚未开始" else "")
            return
        y = self._title(SCENE_LABELS[SELECTION], f"{data.phase} 第 {data.round_no} 轮")
        if not data.lines:
            self._card("尚无科室")
            return
        u, mx, rh = self.u, self.mx, self._row_h()
        width = self.W - 2 * mx
        gap = 24 * u
        count_w = max(self.width("已定岗"), self.width("99/99")) + 8 * u
        rest = width - count_w - 3 * gap
        office_w, chief_w = rest * 0.34, rest * 0.28
        pick_w = rest - office_w - chief_w
        xs = (mx, mx + office_w + gap, mx + office_w + chief_w + 2 * gap)
        for x, w, head in zip(xs, (office_w, chief_w, pick_w), ("科室", "科长", "本轮选择")):
            self.text(x, y, w, rh, head, color=DIM)
        self.text(self.W - mx - count_w, y, count_w, rh, "已定岗", color=DIM, align=Qt.AlignmentFlag.AlignRight)
        y += rh
        for r, line in enumerate(rows):
            ry = y + r * rh
            full = line.seated >= line.headcount
            self.text(xs[0], ry, office_w, rh, line.office)
            self.text(xs[1], ry, chief_w, rh, line.chief)
            waiting = line.pick in (PICK_WAITING, PICK_PASS)
            self.text(xs[2], ry, pick_w, rh, line.pick, color=DIM if waiting else ACCENT, bold=not waiting)
            self.text(self.W - mx - count_w, ry, count_w, rh, f"{line.seated}/{line.headcount}",
                      color=ACCENT if full else FG, align=Qt.AlignmentFlag.AlignRight)
        self._footer("已定岗：已确定人数 / 核定人数（科长除外）")


    # -- 封签 --------------------------------------------------------------------------------------

    def _paint_seal(self, data: SealScene, rows: list) -> None:
        """SPEC §9: the last seal's 摘要码, large enough to copy down from the back of the room."""
        self._title(SCENE_LABELS[SEAL])
        if data.note:
            self._card(data.note, "锁定、公布、解锁阶段或结束计票时，由监督组输入密码封签")
            return
        u, H = self.u, self.H
        self.text(0, H * 0.24, self.W, 110 * u, data.label, scale=1.8, bold=True, align=Qt.AlignmentFlag.AlignHCenter)
        self.text(0, H * 0.40, self.W, 70 * u, "摘要码", color=DIM, align=Qt.AlignmentFlag.AlignHCenter)
        self.text(0, H * 0.47, self.W, 170 * u, data.code, scale=3.2, color=ACCENT, bold=True,
                  align=Qt.AlignmentFlag.AlignHCenter)
        self.text(0, H * 0.66, self.W, 80 * u, f"（审计日志第 {data.n} 条）", scale=1.2,
                  align=Qt.AlignmentFlag.AlignHCenter)
        self._footer("请监督组记下摘要码与条目号，日后可核对文件未被改写")


def render_image(data: Scene | None, state: ProjectorState, width: int, height: int, page: int = 0,
                 renderer: SceneRenderer | None = None) -> QImage:
    """The scene as the wall shows it, into an image (screenshots, tests)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    renderer = renderer or SceneRenderer()
    painter = QPainter(image)
    try:
        renderer.paint(painter, width, height, data, state, page)
    finally:
        painter.end()
    return image


def scene_texts(data: Scene | None, state: ProjectorState, width: int = 1920, height: int = 1080) -> list[str]:
    """Every string any page of the scene paints (the privacy tests read this)."""
    out: list[str] = []
    renderer = SceneRenderer()
    pages = paginate(data) if data is not None else [[]]
    for page in range(len(pages)):
        render_image(data, state, width, height, page, renderer)
        out.extend(renderer.texts())
    return out
