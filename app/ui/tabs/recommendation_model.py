"""6 定岗推荐计票 — the tab's two tables as views of the grid the services compute
(:mod:`app.services.recommendation_grid`): the paper table (到会 / 发出 / 收回 / 有效 / 已唱 / 核对 per
voter group) and the pair table (counts by group, 推荐率, the 1/3 line, 推荐得分).

A typed number goes to its service at once (``bench.edit``, undoable) with the version the clerk saw;
the service answers with the new grid, which both tables then show. A number that could not be saved
stays in its cell as typed, marked 未保存, and the cursor stays on it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.scheme import GROUP_LABELS, GROUPS
from ...services import ballot_checks, recommendation as rec_service
from ...services.ballots import BALLOTS
from ...services.recommendation_grid import GroupLine, PairLine, RecommendationGrid
from ...services.store import Wrote
from ..table import CENTER, LEFT, RIGHT, Index, UnsavedCells, score_text
from ..workbench import FAILED, Workbench, failure_cause

GROUP_SHORT = {"leaders": "局领导", "staff": "其他行政", "unit_heads": "事业单位", "county_chiefs": "县局长"}
GREEN, RED, AMBER, GREY = QColor("#1e6b2e"), QColor("#b00020"), QColor("#9a5b00"), QColor("#777777")
BALLOT_BG = QColor("#eef4fb")   # a group tallied from paper ballots (唱票): not typed here

Answered = Callable[[RecommendationGrid], None]


def _grid_of(result: Any) -> RecommendationGrid | None:
    return result.result if isinstance(result, Wrote) and isinstance(result.result, RecommendationGrid) else None


def show_answer(model: Any, key: Any, typed: str, what: str, result: Any, redraw: Callable[[], None]) -> bool:
    """After a typed number went to its service: on failure keep the typed text in its cell, marked
    未保存 with the cause (the cursor stays: ``last_ok``); on success drop the mark and show the grid
    the service answered with."""
    if result is FAILED:
        model.last_ok = False
        if typed:
            model.unsaved.put(key, typed, what, failure_cause(model.bench.last_error))
            redraw()
        return False
    model.unsaved.saved(key)
    grid = _grid_of(result)
    if grid is not None:
        model.answered(grid)
    return True


# -- the pair table ---------------------------------------------------------------------------------

class PairModel(QAbstractTableModel):
    """Counts per (person, post) × voter group, editable in count mode; the computed columns as the
    service computed them."""

    HEADERS = ("姓名", "岗位", "申报/建议", *(GROUP_SHORT[g] for g in GROUPS), "合计", "到会", "推荐率",
               "三分之一线", "推荐得分")
    COL_NAME, COL_POST, COL_KIND, COL_GROUP = 0, 1, 2, 3
    COL_SUM, COL_PRESENT, COL_RATE, COL_LINE, COL_SCORE = 7, 8, 9, 10, 11
    TIPS = {COL_SUM: "各投票组推荐数之和 Σn", COL_PRESENT: "各投票组到会人数之和 Σ到会",
            COL_RATE: "推荐率 = 合计 ÷ 到会（显示三位小数，是否达到按精确分数判断）",
            COL_LINE: "§十一(三) 推荐率达到会人数三分之一以上（含三分之一）为达到",
            COL_SCORE: "§十一(四) 推荐得分 = 100 × Σ 权重 × 推荐数 ÷ 到会，仅达到三分之一者计算"}

    def __init__(self, bench: Workbench, parent: Any = None, *, answered: Answered | None = None):
        super().__init__(parent)
        self.bench = bench
        self._rows: list[PairLine] = []
        self.count_mode = False
        self.ballot_groups: set[str] = set()   # groups tallied from paper ballots: not typed here
        self.last_ok = True
        self.unsaved = UnsavedCells(bench)
        self.answered = answered or (lambda grid: None)

    def set_rows(self, rows: list[PairLine] | tuple[PairLine, ...], ballot_groups: set[str] | None = None) -> None:
        """Same pairs in the same order: update in place (the cursor stays where the clerk is)."""
        rows = list(rows)
        self.ballot_groups = set(ballot_groups or ())
        if [(r.person, r.post) for r in rows] == [(r.person, r.post) for r in self._rows] and rows:
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_count_mode(self, on: bool) -> None:
        self.count_mode = on
        if self._rows:   # flags changed: views re-query them on the next paint
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.HEADERS) - 1))

    def row_at(self, row: int) -> PairLine:
        return self._rows[row]

    def rows(self) -> list[PairLine]:
        return list(self._rows)

    def find(self, person: str, post: str) -> int:
        return next((i for i, r in enumerate(self._rows) if (r.person, r.post) == (person, post)), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole and section >= 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.COL_GROUP <= section < self.COL_GROUP + len(GROUPS):
                return GROUP_LABELS[GROUPS[section - self.COL_GROUP]] + "推荐数"
            return self.TIPS.get(section)
        return None

    def _group(self, col: int) -> str | None:
        return GROUPS[col - self.COL_GROUP] if self.COL_GROUP <= col < self.COL_GROUP + len(GROUPS) else None

    def key(self, r: PairLine, group: str) -> tuple[str, str, str, str]:
        return ("count", r.person, r.post, group)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        group = self._group(index.column())
        if group and self.count_mode and group not in self.ballot_groups:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r, col = self._rows[index.row()], index.column()
        group = self._group(col)
        if group:
            pending = self.unsaved.role(self.key(r, group), role)
            if pending is not None:
                return pending
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(r, col, group)
        if role == Qt.ItemDataRole.EditRole:
            return str(r.typed[group].count) if group and group in r.typed else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if col < self.COL_GROUP else (CENTER if col == self.COL_LINE else RIGHT))
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == self.COL_LINE and r.eligible is not None:
                return QBrush(GREEN if r.eligible else RED)
            if col == self.COL_KIND and r.kind == "建议":
                return QBrush(AMBER)
            if col == self.COL_SCORE and r.score is None:
                return QBrush(GREY)
        if role == Qt.ItemDataRole.BackgroundRole and group in self.ballot_groups:
            return QBrush(BALLOT_BG)
        if role == Qt.ItemDataRole.ToolTipRole:
            if group in self.ballot_groups:
                return f"{GROUP_LABELS[group]}：由唱票逐张统计，不能直接录入"
            if col == self.COL_POST:
                return f"{r.post} {r.post_name}"
            if r.note and col >= self.COL_RATE:
                return r.note
        return None

    def _text(self, r: PairLine, col: int, group: str | None) -> str:
        if col == self.COL_NAME:
            return r.name
        if col == self.COL_POST:
            return f"{r.post} {r.post_name}"
        if col == self.COL_KIND:
            return r.kind
        if group:
            n = r.counts[group]
            return "" if n is None else str(n)
        if col == self.COL_SUM:
            return str(r.recommended)
        if col == self.COL_PRESENT:
            return str(r.present)
        if r.eligible is None:
            return ""
        if col == self.COL_RATE:
            return score_text(r.rate_shown)
        if col == self.COL_LINE:
            return "达到" if r.eligible else "未达到"
        if col == self.COL_SCORE:
            return "不得推荐" if r.barred else score_text(r.score)
        return ""

    # -- editing -------------------------------------------------------------------------------

    def _what(self, r: PairLine, group: str, text: str) -> str:
        return f"{r.name} → {r.post_name} · {GROUP_LABELS[group]}推荐数 {text} "

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        group = self._group(index.column()) if index.isValid() else None
        if role != Qt.ItemDataRole.EditRole or not group or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        r = self._rows[index.row()]
        text, key = str(value).strip(), self.key(r, group)
        typed = r.typed.get(group)
        self.last_ok = True
        if text == "":
            if self.unsaved.text(key) is not None:       # an empty retry gives up the unsaved text
                self.unsaved.saved(key)
                self._changed(index.row())
            return True                                  # nothing typed: nothing to save
        if typed is not None and text == str(typed.count) and self.unsaved.text(key) is None:
            return True                                  # the same number: nothing to save
        result = self.bench.edit(rec_service.set_count, r.person, r.post, group, text, initiator=self,
                                 what=self._what(r, group, text), expected_version=typed.version if typed else 0)
        return self._after(index.row(), key, text, self._what(r, group, "").strip(), result)

    def clear_cell(self, index: Index) -> bool:
        """Del: give up an unsaved typed count, or remove a stored one (undoable)."""
        group = self._group(index.column()) if index.isValid() else None
        if not group or not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        r = self._rows[index.row()]
        key = self.key(r, group)
        if self.unsaved.text(key) is not None:
            self.unsaved.saved(key)
            self._changed(index.row())
            self.bench.info(f"{r.name} → {r.post_name} · {GROUP_LABELS[group]}：已放弃未保存的录入")
            return True
        typed = r.typed.get(group)
        if typed is None:
            return True
        result = self.bench.edit(rec_service.clear_count, r.person, r.post, group, initiator=self,
                                 what=f"清除 {self._what(r, group, str(typed.count))}", expected_version=typed.version)
        return result is not FAILED and self._after(index.row(), key, "", "", result)

    def _after(self, row: int, key: Any, typed: str, what: str, result: Any) -> bool:
        return show_answer(self, key, typed, what, result, lambda: self._changed(row))

    def _changed(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))


# -- the paper table ------------------------------------------------------------------------------

PAPER_ROWS = (("present", "到会人数"), ("issued", "发出票数"), ("returned", "收回票数"), ("valid", "有效票数"),
              ("keyed", "已唱票张数"), ("check", "核对"))


class PaperModel(QAbstractTableModel):
    """Rows 到会 / 发出 / 收回 / 有效 (typed, saved at once), 已唱票, 核对; one column per voter group."""

    EDITABLE = ("present", "issued", "returned", "valid")

    def __init__(self, bench: Workbench, parent: Any = None, *, answered: Answered | None = None):
        super().__init__(parent)
        self.bench = bench
        self.groups: dict[str, GroupLine] | None = None
        self.last_ok = True
        self.unsaved = UnsavedCells(bench)
        self.answered = answered or (lambda grid: None)

    def set_groups(self, groups: dict[str, GroupLine]) -> None:
        first = self.groups is None
        self.groups = dict(groups)
        if first:
            self.beginResetModel()
            self.endResetModel()
        else:
            self.dataChanged.emit(self.index(0, 0), self.index(len(PAPER_ROWS) - 1, len(GROUPS) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.groups is None else len(PAPER_ROWS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.groups is None else len(GROUPS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(GROUPS):
            if role == Qt.ItemDataRole.DisplayRole:
                return GROUP_SHORT[GROUPS[section]]
            if role == Qt.ItemDataRole.ToolTipRole:
                return GROUP_LABELS[GROUPS[section]]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(PAPER_ROWS):
            if role == Qt.ItemDataRole.DisplayRole:
                return PAPER_ROWS[section][1]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if PAPER_ROWS[index.row()][0] in self.EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def value(self, kind: str, group: str) -> int | None:
        return None if self.groups is None else self.groups[group].value(kind)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.groups is None or not 0 <= index.row() < len(PAPER_ROWS):
            return None
        kind, group = PAPER_ROWS[index.row()][0], GROUPS[index.column()]
        if kind in self.EDITABLE:
            pending = self.unsaved.role((kind, group), role)
            if pending is not None:
                return pending
        line = self.groups[group]
        warnings = line.warnings
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if kind == "check":
                return "" if role == Qt.ItemDataRole.EditRole else (f"⚠ {len(warnings)} 项" if warnings else "✓")
            n = line.value(kind)
            return "" if n is None else str(n)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if kind == "check" else RIGHT)
        if role == Qt.ItemDataRole.ForegroundRole and kind == "check":
            return QBrush(RED if warnings else GREEN)
        if role == Qt.ItemDataRole.ToolTipRole:
            if kind == "check":
                return "\n".join(warnings) or "发出、收回、有效票数与到会人数相符"
            if kind == "keyed":
                return ("唱票方式已录入的选票张数（撤销的票不计）" if line.mode == BALLOTS
                        else f"{GROUP_LABELS[group]}尚未唱票")
        return None

    def _what(self, kind: str, group: str, text: str) -> str:
        return f"{GROUP_LABELS[group]}{dict(PAPER_ROWS)[kind]} {text} "

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.groups is None:
            return False
        kind, group = PAPER_ROWS[index.row()][0], GROUPS[index.column()]
        if kind not in self.EDITABLE:
            return False
        key = (kind, group)
        text, old = str(value).strip(), self.value(kind, group)
        self.last_ok = True
        if text == "" and self.unsaved.text(key) is not None:      # an empty retry gives up the unsaved text
            self.unsaved.saved(key)
            self.dataChanged.emit(index, index)
            return True
        if text == (str(old) if old is not None else "") and self.unsaved.text(key) is None:
            return True
        seen = self.groups[group].versions[kind]
        what = self._what(kind, group, text or "（清空）")
        if kind == "present":
            result = self.bench.edit(rec_service.set_presence, group, text, initiator=self, what=what,
                                     expected_version=seen)
        else:
            result = self.bench.edit(ballot_checks.set_paper_count, group, kind, text, initiator=self, what=what,
                                     expected_version=seen)
        return show_answer(self, key, text, self._what(kind, group, "").strip(), result,
                           lambda: self.dataChanged.emit(index, index))

    def clear_cell(self, index: Index) -> bool:
        """Del on an unsaved cell gives up what was typed there."""
        if not index.isValid() or self.groups is None:
            return False
        kind, group = PAPER_ROWS[index.row()][0], GROUPS[index.column()]
        if self.unsaved.text((kind, group)) is None:
            return False
        self.unsaved.saved((kind, group))
        self.dataChanged.emit(index, index)
        self.bench.info(f"{GROUP_LABELS[group]}{dict(PAPER_ROWS)[kind]}：已放弃未保存的录入")
        return True
