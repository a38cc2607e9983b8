"""考试与测评: the entry grid model. A view: every row comes from the services
(:mod:`app.services.exam_grid`), which compute the exam total (parts beat a total), the 民主测评
dimensions (grade counts beat a score), 民主测评, 考核均分, 加分, 考评量化 and 不满意率 — a figure
that cannot be computed yet stays blank, never a guess.

A typed value goes to the service at once (``bench.edit``, undoable with Ctrl+Z); the service
answers with the person's new row, which replaces the old one. A value that could not be saved
stays in its cell as typed, marked 未保存, and the cursor stays on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable, Mapping

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from ...core.scheme import DIMENSION_LABELS, DIMENSIONS
from ...services import scores
from ...services.exam_grid import ExamGrid, ExamGridRow, exam_grid
from ...services.store import Wrote
from ..table import CENTER, LEFT, RIGHT, Index, UnsavedCells, score_text
from ..workbench import FAILED, Workbench, failure_cause

CONFIRMED_BG = QBrush(QColor("#e2f2e0"))
ENTERED_BG = QBrush(QColor("#fff6d6"))
COMPUTED_BG = QBrush(QColor("#f1f3f5"))
FAILED_BG = QBrush(QColor("#f8d0d0"))
FAILED_FG = QBrush(QColor("#9b0000"))


def unsaved_key(person_id: str, item: str) -> tuple[str, str, str]:
    """The key of a typed-but-unsaved value (the workbench lists every tab's together)."""
    return ("scores", person_id, item)


@dataclass(frozen=True)
class Col:
    key: str            # a stored item ("exam", "exam:行测", "sat:present", "dem:de") or a computed key
    header: str
    width: int
    entry: bool = False
    tip: str | None = None


def build_columns(exam_parts: Mapping[str, Decimal], parts_mode: bool, grade_mode: bool) -> list[Col]:
    cols = [Col("id", "编号", 48), Col("name", "姓名", 62), Col("rank", "职级", 70)]
    if parts_mode:
        cols += [Col(f"exam:{p}", p, 60, True, f"{p}，满分 {full}") for p, full in exam_parts.items()]
        cols.append(Col("exam_total", "考试", 60, tip="考试总分 = " + " + ".join(exam_parts)))
    else:
        cols.append(Col("exam", "考试", 60, True, "考试总分（百分制）"))
    cols += [Col("sat:present", "实到人数", 64, True, "满意度测评实际参加人数"),
             Col("sat:dissatisfied", "不满意票", 64, True, "满意度测评不满意票数"),
             Col("rate", "不满意率", 90, tip="不满意票 / 实到人数；达三分之一以上（≥ 1/3）不合格（§五）")]
    for d in DIMENSIONS:
        tip = f"民主测评·{DIMENSION_LABELS[d]}" + ("（由等次票数折算）" if grade_mode else "")
        cols.append(Col(f"dem:{d}", DIMENSION_LABELS[d], 58, not grade_mode, tip))
    cols += [Col("democratic", "民主测评", 70, tip="德30% 能15% 勤10% 绩25% 廉20%（§六）"),
             Col("appraisal", "考核均分", 70, tip="近三年年度考核分的平均分"),
             Col("bonus", "加分", 50, tip="正科实职4 正科虚职2 副科实职1 副科虚职0（§八）"),
             Col("quantified", "考评量化", 70, tip="考试10% + 民主测评30% + 考核均分60% + 加分（§八）"),
             Col("status", "状态", 80, tip="黄色：已录入待确认；绿色：已确认")]
    return cols


COUNT_ITEMS = ("sat:present", "sat:dissatisfied")


class ExamModel(QAbstractTableModel):
    """One row per person (roster order); entry columns save through the workbench at once."""

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self.parts_mode = False
        self.grade_mode = False
        self.grid: ExamGrid | None = None
        self.columns: list[Col] = build_columns({}, False, False)
        self.rows: list[ExamGridRow] = []
        self.unsaved = UnsavedCells(bench)
        self.last_ok = True                       # whether the last typed value was saved
        self.ask_reason: Callable[[str], str | None] = lambda label: None

    # -- content ------------------------------------------------------------------------------

    def reload(self) -> None:
        self.load(exam_grid(self.bench.store))

    def load(self, grid: ExamGrid) -> None:
        self.grid = grid
        self._apply(list(grid.rows), build_columns(grid.exam_parts, self.parts_mode, self.grade_mode))

    def set_modes(self, parts_mode: bool, grade_mode: bool) -> None:
        self.parts_mode, self.grade_mode = parts_mode, grade_mode
        self._apply(self.rows, build_columns(self.grid.exam_parts if self.grid else {}, parts_mode, grade_mode))

    def _apply(self, rows: list[ExamGridRow], columns: list[Col]) -> None:
        """Same shape: update in place (the cursor and an open editor stay); else reset."""
        if [r.id for r in rows] == [r.id for r in self.rows] and columns == self.columns:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self.rows, self.columns = rows, columns
        self.endResetModel()

    def row_index(self, person_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == person_id), -1)

    def entry_columns(self) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.entry]

    def column_of(self, key: str) -> int:
        return next((i for i, c in enumerate(self.columns) if c.key == key), -1)

    def _row_changed(self, i: int) -> None:
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.columns) - 1))

    # -- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.columns[section].tip
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows):
            return str(section + 1)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return base | Qt.ItemFlag.ItemIsEditable if self.columns[index.column()].entry else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if col.entry:
            pending = self.unsaved.role(unsaved_key(row.id, col.key), role)
            if pending is not None:
                return pending
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, col.key)
        if role == Qt.ItemDataRole.EditRole:
            entry = row.entries.get(col.key)
            return entry.value if entry else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(LEFT if col.key == "name" else CENTER if col.key in ("id", "rank", "status") else RIGHT)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            failed = col.key == "rate" and row.satisfaction is not None and not row.satisfaction.passed
            return FAILED_FG if failed else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tip(row, col)
        return None

    def display(self, row: ExamGridRow, key: str) -> str:
        if key in ("id", "name", "rank"):
            return getattr(row, key)
        if key in COUNT_ITEMS:
            entry = row.entries.get(key)
            return entry.value if entry else ""
        if key.startswith("exam:"):
            entry = row.entries.get(key)
            return score_text(Decimal(entry.value)) if entry else ""
        if key in ("exam", "exam_total"):
            return score_text(row.exam)
        if key.startswith("dem:"):
            return score_text(row.dims.get(key[4:]))
        if key == "rate":
            if row.satisfaction is None:
                return ""
            return f"{row.satisfaction.rate_shown:.3f}" + ("" if row.satisfaction.passed else " 不合格")
        if key == "status":
            if not row.entries:
                return ""
            waiting = len(row.unconfirmed())
            return f"待确认 {waiting}" if waiting else "✓ 已确认"
        value = {"democratic": row.democratic, "appraisal": row.appraisal_avg, "bonus": row.bonus,
                 "quantified": row.quantified}.get(key)
        return score_text(value)

    def _background(self, row: ExamGridRow, col: Col) -> QBrush | None:
        if col.key == "rate":
            sat = row.satisfaction
            return FAILED_BG if sat is not None and not sat.passed else COMPUTED_BG
        if col.key == "status":
            return ENTERED_BG if row.unconfirmed() else (CONFIRMED_BG if row.entries else None)
        status = row.status_of(col.key) if col.key.startswith(("exam", "sat:", "dem:")) else None
        if status is not None:
            return CONFIRMED_BG if status == "confirmed" else ENTERED_BG
        return None if col.entry or col.key in ("id", "name", "rank") else COMPUTED_BG

    def _tip(self, row: ExamGridRow, col: Col) -> str | None:
        if col.key == "status" and (row.unconfirmed() or row.missing):
            lines = []
            if row.unconfirmed():
                lines.append("待确认：" + "、".join(scores.item_label(i) for i in row.unconfirmed()))
            if row.missing:
                lines.append("尚未录入：" + "、".join(row.missing))
            return "\n".join(lines)
        lines = []
        for item in row.items_behind(col.key):
            e = row.entries[item]
            who = f"{e.entered_by} 录入" + (f"，{e.confirmed_by} 确认" if e.confirmed_by else "，待确认")
            lines.append(f"{scores.item_label(item)} {e.value}（{who}）")
        if col.key == "exam" and row.exam_parts:
            lines.append("考试按分项录入，总分由分项相加")
        if col.key.startswith("dem:") and col.key[4:] in row.graded:
            lines.append("由等次票数折算")
        if col.key in ("democratic", "appraisal", "quantified", "exam_total") and not self.display(row, col.key):
            lines.append("数据不全，暂不能计算")
        return "\n".join(lines) or col.tip

    # -- entry ----------------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.columns[index.column()].entry:
            return False
        return self.submit_text(index, "" if value is None else str(value), interactive=False)

    def submit_text(self, index: Index, text: str, *, interactive: bool = True) -> bool:
        row, col = self.rows[index.row()], self.columns[index.column()]
        return self.submit_item(row.id, col.key, text, interactive=interactive)

    def submit_item(self, person_id: str, item: str, text: str, *, interactive: bool = True) -> bool:
        """Save one typed value (empty = clear) as an undoable edit; False when it was not saved (the
        typed text then stays in its cell, marked 未保存)."""
        i = self.row_index(person_id)
        if i < 0:
            return False
        row, text, key = self.rows[i], text.strip(), unsaved_key(person_id, item)
        label = f"{row.name}（{row.id}）{scores.item_label(item)}"
        pending = self.unsaved.text(key) is not None
        old = row.entries.get(item)
        self.last_ok = True
        if not text:
            if pending:                          # an empty entry gives the unsaved text up
                self.unsaved.saved(key)
                self._row_changed(i)
                return True
            if old is None:
                return True
        elif old is not None and not pending and self._same(item, text, old.value, row):
            return True                          # unchanged: nothing to save, move on
        reason = None
        if old is not None and old.status == "confirmed":
            reason = self.ask_reason(label) if interactive else None
            if not reason:
                self.last_ok = False
                self.bench.message.emit(f"{label} 已确认，修改须在回车后填写理由；未修改", True)
                return False
        seen = old.version if old is not None else 0     # what the clerk saw: another laptop's change → conflict
        if text:
            result = self.bench.edit(scores.set_score, person_id, item, text, initiator=self,
                                     what=f"{label} 的 {text} ", expected_version=seen, reason=reason)
        else:
            result = self.bench.edit(scores.clear_score, person_id, item, initiator=self,
                                     what=f"清除 {label} 的 {old.value} ", expected_version=seen, reason=reason)
        i = self.row_index(person_id)            # a redraw (another laptop's entries) may have moved it
        if result is FAILED:
            self.last_ok = False
            if text and i >= 0:
                self.unsaved.put(key, text, label, failure_cause(self.bench.last_error))
                self._row_changed(i)
            return False
        self.unsaved.saved(key)
        new = result.result if isinstance(result, Wrote) else None
        if isinstance(new, ExamGridRow) and i >= 0:
            self.rows[i] = new
            self._row_changed(i)
        return True

    def _same(self, item: str, text: str, stored: str, row: ExamGridRow) -> bool:
        if self.grid is None:
            return False
        try:
            mine = {i: e.value for i, e in row.entries.items()}
            return scores.normalise(self.grid.scheme, item, text, mine) == stored
        except Exception:  # noqa: BLE001 - the service will refuse it with its own message
            return False

    def unconfirmed_keys(self) -> list[tuple[str, tuple[str, str], int]]:
        """Every entered value not yet confirmed, with the version shown, as ``scores.confirm`` takes them."""
        return [("scores", (r.id, item), r.entries[item].version) for r in self.rows for item in r.unconfirmed()]

    def missing(self) -> list[str]:
        """Who still lacks what, in words (``张明（1001）：满意度测评、民主测评·廉``)."""
        return [f"{r.name}（{r.id}）：{'、'.join(r.missing)}" for r in self.rows if r.missing]
