"""7 综合考评与人选: 综合考评 per (person, post) (§十二) and who takes which post (§十三), each seat
with the rule that decided it in plain Chinese, ties left to the 党组 (§十七), vacant posts.

Everything comes from :func:`app.services.campaign_io.compute_results` — the same computation the
``compute`` command and the exported sheets use — so the tab never computes a rule of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QPlainTextEdit, QSplitter, QStackedWidget,
                               QTableView, QVBoxLayout, QWidget)

from ...core.assignment import REASON_LABELS, RULE_LABELS
from ...services import roster
from ...services.campaign_io import compute_results
from ...services.store import Changed, StorageError, StoreError
from ..table import RIGHT, Column, Index, RowTableModel, score_text
from .base import TabPage

MODE_LABELS = {
    "literal": "字面（literal）：每人先按第十三条（二）确定竞争的岗位，竞争未果者不调往其他岗位",
    "fallback": "顺延（fallback）：竞争未果者按推荐顺序到下一岗位继续竞争",
}
VACANT_TEXT = "缺位，待下一轮竞岗"


@dataclass(frozen=True)
class PairLine:
    person: str
    name: str
    post: str
    post_label: str
    kind: str
    quantified: Decimal | None
    speech: Decimal | None
    rate: Fraction | None
    rate_shown: Decimal | None     # three decimals, as computed with the rate (core.Recommendation)
    score: Decimal | None
    composite: Decimal | None
    eligible: bool
    placed: bool
    barred: bool       # 推荐率 reached, but the 满意度测评 failed (§五)
    note: str


@dataclass(frozen=True)
class SeatLine:
    post: str
    person: str
    rule: str
    kind: str          # placed / undecided / vacant


class PairResultModel(RowTableModel):
    COLUMNS = (
        Column("name", "姓名", lambda r: r.name),
        Column("post", "岗位", lambda r: r.post_label),
        Column("kind", "申报/建议", lambda r: r.kind),
        Column("quantified", "考评量化", lambda r: score_text(r.quantified), RIGHT, "§八 考评量化得分（含加分）"),
        Column("speech", "演讲", lambda r: score_text(r.speech), RIGHT, "§十 竞岗演讲得分（去掉最高、最低分后的平均分）"),
        Column("rate", "推荐率", lambda r: score_text(r.rate_shown), RIGHT,
               "§十一(三) 推荐率，三位小数；是否达到三分之一按精确分数判断"),
        Column("score", "推荐得分", lambda r: "不得推荐" if r.barred else score_text(r.score), RIGHT,
               "§十一(四) 定岗推荐得分；满意度测评未通过者不得推荐（§五）"),
        Column("composite", "综合考评", lambda r: score_text(r.composite), RIGHT,
               "§十二 考评量化 30% + 演讲 10% + 定岗推荐 60%"),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and 0 <= index.row() < len(self._rows):
            r = self._rows[index.row()]
            if role == Qt.ItemDataRole.ForegroundRole and not r.eligible:
                return QBrush(QColor("#777777"))
            if role == Qt.ItemDataRole.ForegroundRole and r.placed:
                return QBrush(QColor("#1e6b2e"))
            if role == Qt.ItemDataRole.FontRole and r.placed:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole and r.note:
                return r.note
        return super().data(index, role)


class SeatModel(RowTableModel):
    COLUMNS = (
        Column("post", "岗位", lambda r: r.post),
        Column("person", "人选", lambda r: r.person),
        Column("rule", "依据", lambda r: r.rule),
    )
    COLOURS = {"placed": "#1e6b2e", "undecided": "#b00020", "vacant": "#9a5b00"}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and 0 <= index.row() < len(self._rows):
            r = self._rows[index.row()]
            if role == Qt.ItemDataRole.ForegroundRole and index.column() > 0:
                return QBrush(QColor(self.COLOURS[r.kind]))
            if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
                return r.rule
        return super().data(index, role)


def _names_joined(ids, names: dict[str, str]) -> str:
    return "、".join(names.get(i, i) for i in ids)


class ResultsTab(TabPage):
    TITLE = "综合考评与人选"
    STAGE = "assignment"
    # what compute_results is computed from (reads only): not the draw, the selection or the projector
    WATCHES = (Changed.ROSTER | Changed.SCORES | Changed.DECLARATIONS | Changed.SPEECH | Changed.BALLOTS
               | Changed.SCHEME)

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self._dirty = True       # read the store when first shown
        self.mode_label = QLabel()
        self.mode_label.setWordWrap(True)

        self.pair_model = PairResultModel(self)
        self.pair_view = self._table(self.pair_model, (64, 150, 70, 76, 70, 66, 76, 76))
        self.seat_model = SeatModel(self)
        self.seat_view = self._table(self.seat_model, (150, 110, 200))
        self.seat_view.setWordWrap(True)
        self.seat_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(QLabel("综合考评（§十二）：按岗位、综合考评从高到低；灰色为推荐率未达三分之一或不得推荐"))
        left_layout.addWidget(self.pair_view, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(QLabel("确定人选（§十三）"))
        right_layout.addWidget(self.seat_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([700, 630])
        splitter.setChildrenCollapsible(False)

        self.missing = QPlainTextEdit()
        self.missing.setReadOnly(True)
        self.missing.setStyleSheet("color:#b00020")
        self.pages = QStackedWidget()
        self.pages.addWidget(splitter)
        self.pages.addWidget(self.missing)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.mode_label)
        layout.addWidget(self.pages, 1)

    @staticmethod
    def _table(model: RowTableModel, widths: tuple[int, ...]) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.verticalHeader().setDefaultSectionSize(24)
        header = view.horizontalHeader()
        for col, width in enumerate(widths):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        return view

    def refresh(self) -> None:
        store = self.bench.store
        mode = store.scheme().assignment
        self.mode_label.setText("人选确定方式：" + MODE_LABELS.get(mode, mode))
        try:
            campaign, results = compute_results(store)
        except StorageError:
            raise                   # cannot read now: the tab keeps what it shows and says so (TabPage)
        except StoreError as err:
            self.pair_model.set_rows([])
            self.seat_model.set_rows([])
            self.missing.setPlainText(str(err) + "\n\n请在相应页补齐以上各项后，此页自动显示综合考评与人选。")
            self.pages.setCurrentIndex(1)
            return
        self.pages.setCurrentIndex(0)
        posts = {p.id: p.name for p in roster.list_posts(store)}
        for p in campaign.posts:
            posts.setdefault(p.id, getattr(p, "name", p.id))
        order = {p: i for i, p in enumerate(posts)}
        names = {p.id: p.name for p in results.people}
        people = {p.id: p for p in results.people}
        placed = {(a.person, a.post) for a in results.assignment.placements}
        lines = []
        for x in results.pairs:
            person = people[x.person]
            note = ""
            if x.rate is not None and x.recommendation and not x.recommendation.eligible:
                note = "推荐率不达到会人数三分之一，不得在该岗位任职（§十一(三)）"
            elif x.recommendation and x.recommendation.eligible and not person.passed:
                note = "满意度测评不满意率达三分之一以上，不得推荐（§五）"
            elif x.eligible and x.composite is None:
                note = "缺少分数，综合考评无法计算"
            kind = "建议" if not x.declared else ("申报" if not x.choice else f"申报({x.choice + 1})")
            lines.append(PairLine(x.person, names.get(x.person, x.person), x.post, f"{x.post} {posts.get(x.post, '')}",
                                  kind, person.quantified, person.speech.mean if person.speech else None, x.rate,
                                  x.recommendation.rate_shown if x.recommendation else None, x.score, x.composite, x.eligible, (x.person, x.post) in placed,
                                  bool(x.recommendation and x.recommendation.eligible and not person.passed), note))
        lines.sort(key=lambda r: (order.get(r.post, len(order)), r.post, r.composite is None,
                                  -(r.composite or 0), -(r.rate or 0), r.person))
        self.pair_model.set_rows(lines)
        self.seat_model.set_rows(self._seats(results.assignment, posts, names))

    @staticmethod
    def _seats(assignment, posts: dict[str, str], names: dict[str, str]) -> list[SeatLine]:
        def label(post: str) -> str:
            return f"{post} {posts.get(post, '')}"

        seats: list[SeatLine] = []
        for post in posts:
            for a in assignment.placements:
                if a.post == post:
                    seats.append(SeatLine(label(post), names.get(a.person, a.person),
                                          RULE_LABELS.get(a.rule, a.rule), "placed"))
            for u in assignment.undecided:
                if u.post == post:
                    seats.append(SeatLine(label(post), "待定：" + _names_joined(u.persons, names),
                                          REASON_LABELS.get(u.reason, u.reason), "undecided"))
            if post in assignment.vacant:
                seats.append(SeatLine(label(post), "—", VACANT_TEXT, "vacant"))
        for u in assignment.undecided:
            if u.post is None:
                seats.append(SeatLine("未定：" + "、".join(label(p) for p in u.posts),
                                      names.get(u.person or "", u.person or ""),
                                      REASON_LABELS.get(u.reason, u.reason), "undecided"))
        return seats
