"""人员名单 tables: people with their qualification (§二) and rotation screening (暂行办法 §七–§十), posts.

The screening is the service's (:func:`app.services.rotation.screen_person`, which says how the roster's
columns map onto the 暂行办法's articles); this model only shows it, coloured by its state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.roster import RosterPerson
from ...services import qualification as qualification_service, rotation
from ...services.roster import PostRow
from ..table import CENTER, RIGHT, Column, RowTableModel, score_text

Index = QModelIndex | QPersistentModelIndex


class Mark(Enum):
    """How a qualification or screening cell is coloured."""

    OK = "ok"
    DUE = "due"          # 应轮岗 / 不符合: needs attention
    EXEMPT = "exempt"    # 可不轮岗
    UNKNOWN = "unknown"  # a date is missing
    PLAIN = "plain"


COLOURS = {Mark.OK: "#1e6b2e", Mark.DUE: "#b00020", Mark.EXEMPT: "#9a5b00", Mark.UNKNOWN: "#777777"}

@dataclass(frozen=True)
class Verdict:
    """One cell of the qualification or screening column: a short cell text and the full sentence."""

    mark: Mark
    short: str
    text: str


QUALIFICATION_MARKS = {qualification_service.OK: Mark.OK, qualification_service.NOT_MET: Mark.DUE,
                      qualification_service.UNKNOWN: Mark.UNKNOWN, qualification_service.PLAIN: Mark.PLAIN}


def chief_qualification(rank: str, post_start: str | None, as_of: date) -> Verdict:
    """§二(二) for a 拟竞争科长, as the service decides it (:mod:`app.services.qualification`)."""
    q = qualification_service.chief_qualification(rank, post_start, as_of)
    return Verdict(QUALIFICATION_MARKS[q.state], q.short, q.text)


def qualification(person: RosterPerson, as_of: date) -> Verdict:
    q = qualification_service.qualification(person, as_of)
    return Verdict(QUALIFICATION_MARKS[q.state], q.short, q.text)


SCREENING_MARKS = {rotation.DUE: Mark.DUE, rotation.EXEMPT: Mark.EXEMPT, rotation.NOT_DUE: Mark.PLAIN,
                   rotation.UNKNOWN: Mark.UNKNOWN}


def screening(person: RosterPerson, as_of: date) -> Verdict:
    """The rotation status with the article that applies, e.g. "应轮岗 第九条（一）在同一岗位工作满8年（9年）"."""
    s = rotation.screen_person(person, as_of)
    return Verdict(SCREENING_MARKS[s.state], s.short, s.text)


@dataclass(frozen=True)
class RosterRow:
    person: RosterPerson
    version: int
    qualification: Verdict
    screening: Verdict

    @property
    def due(self) -> bool:
        return self.screening.mark is Mark.DUE


def roster_rows(people: list[tuple[RosterPerson, int]], as_of: date) -> list[RosterRow]:
    return [RosterRow(p, v, qualification(p, as_of), screening(p, as_of)) for p, v in people]


def _month(iso: str | None) -> str | None:
    return iso[:7] if iso else None


def _appraisal(i: int):
    return lambda r: score_text(r.person.appraisal[i]) if len(r.person.appraisal) > i else None


BIRTH_COL = 3
POST_START_COL = 9
QUALIFICATION_COL = 14
SCREENING_COL = 15


class PeopleModel(RowTableModel):
    COLUMNS = (
        Column("id", "编号", lambda r: r.person.id),
        Column("name", "姓名", lambda r: r.person.name),
        Column("gender", "性别", lambda r: r.person.gender, CENTER),
        Column("birth", "出生", lambda r: _month(r.person.birth), tip="出生时间（表中到月，悬停看全）"),
        Column("rank", "职级", lambda r: r.person.rank),
        Column("category", "类别", lambda r: r.person.category),
        Column("identity", "身份", lambda r: r.person.identity, CENTER),
        Column("unit", "编制单位", lambda r: r.person.unit),
        Column("office", "原科室", lambda r: r.person.former_office),
        Column("post_start", "任职时间", lambda r: _month(r.person.post_start),
               tip="任现职时间：资格与轮岗审查由此起算（表中到月）"),
        Column("no_rotation", "不轮岗", lambda r: "是" if r.person.no_rotation else "", CENTER,
               tip="特殊岗位不轮岗"),
        Column("a1", "考核1", _appraisal(0), RIGHT, tip="近三年年度考核分"),
        Column("a2", "考核2", _appraisal(1), RIGHT, tip="近三年年度考核分"),
        Column("a3", "考核3", _appraisal(2), RIGHT, tip="近三年年度考核分"),
        Column("qualification", "资格", lambda r: r.qualification.short, tip="§二 参与竞争轮岗的人员范围；"
               "拟竞争科长按§二(二)审查任职年限"),
        Column("screening", "轮岗审查", lambda r: r.screening.short,
               tip="交流轮岗暂行办法 第七条–第十条，截至审查日期"),
    )
    WIDTHS = (44, 56, 34, 60, 66, 82, 36, 76, 58, 62, 48, 50, 50, 50, 90)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < self.rowCount()):
            return None
        row: RosterRow = self.row_at(index.row())
        col = index.column()
        if col in (QUALIFICATION_COL, SCREENING_COL):
            verdict = row.qualification if col == QUALIFICATION_COL else row.screening
            if role == Qt.ItemDataRole.ForegroundRole and verdict.mark in COLOURS:
                return QBrush(QColor(COLOURS[verdict.mark]))
            if role == Qt.ItemDataRole.ToolTipRole:
                return verdict.text
        if role == Qt.ItemDataRole.ToolTipRole:   # any cell may be elided: the whole value on hover
            full = {BIRTH_COL: row.person.birth, POST_START_COL: row.person.post_start}.get(col)
            return full or super().data(index, Qt.ItemDataRole.DisplayRole) or None
        return super().data(index, role)

    def row_of(self, person_id: str) -> int | None:
        return next((i for i, r in enumerate(self.rows()) if r.person.id == person_id), None)


class PostsModel(RowTableModel):
    COLUMNS = (
        Column("id", "编号", lambda p: p.id),
        Column("name", "岗位", lambda p: p.name),
        Column("office", "科室", lambda p: p.office),
        Column("seats", "职数", lambda p: p.seats, RIGHT, tip="科长职数（§十三 每岗位名额）"),
        Column("headcount", "核定人数", lambda p: p.headcount, RIGHT, tip="科室核定人数（§十五 双向选择）"),
    )
    WIDTHS = (36, 80, 50, 38, 64)

    def row_of(self, post_id: str) -> int | None:
        return next((i for i, p in enumerate(self.rows()) if isinstance(p, PostRow) and p.id == post_id), None)


class NameFilter(QSortFilterProxyModel):
    """Type to filter by 姓名 or 编号 (contains, case-insensitive)."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._text = ""

    def set_text(self, text: str) -> None:
        if hasattr(self, "beginFilterChange"):       # Qt ≥ 6.10
            self.beginFilterChange()
            self._text = text.strip().casefold()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - older Qt
            self._text = text.strip().casefold()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 - Qt name
        if not self._text:
            return True
        model = self.sourceModel()
        return any(self._text in str(model.index(source_row, c, source_parent).data() or "").casefold()
                   for c in (0, 1))
