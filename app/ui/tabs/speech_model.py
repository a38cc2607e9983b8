"""The 竞岗演讲 score grid: candidates in speaking order × judges, with the trimmed mean per row (§十).

A view: every row comes from the services (:mod:`app.services.speech_grid`), which compute the
dropped marks and the mean. A typed score goes to the service at once (``bench.edit``, undoable);
the service answers with the candidate's new row, which replaces the old one cell by cell — so the
clerk sees the new mean within a frame. A score that could not be saved stays in its cell as typed,
marked 未保存, and the cursor stays on it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...core.numbers import fold_fullwidth
from ...core.scheme import GROUP_LABELS
from ...services import scores
from ...services.scores import JudgeRow
from ...services.speech_grid import SpeechCell, SpeechGrid, SpeechGridRow
from ...services.store import Wrote
from ..table import CENTER, LEFT, RIGHT, Index, UnsavedCells, score_text
from ..workbench import FAILED, Workbench, failure_cause

HIDDEN = "●"
DROPPED_BACKGROUND = QColor("#d9d9d9")
DROPPED_TEXT = QColor("#555555")


class SpeechScoreModel(QAbstractTableModel):
    """Columns: 序号, 姓名, 申报岗位, 评委1…n, 已评, 去掉, 得分, 状态."""

    COL_POS, COL_NAME, COL_POSTS, FIRST_JUDGE = 0, 1, 2, 3
    blind_entered = Signal()

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self._rows: list[SpeechGridRow] = []
        self._judges: list[JudgeRow] = []
        self.trim = 2
        self.double_entry = False
        self.last_ok = True                       # whether the last typed value was saved
        self.unsaved = UnsavedCells(bench)
        self.ask_reason: Callable[[str], str | None] = lambda _what: None
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    # -- content ------------------------------------------------------------------------------

    def load(self, grid: SpeechGrid) -> None:
        """New data; in place (cursor kept) when the rows and judges are the same, else a reset."""
        self.trim, self.double_entry = grid.trim, grid.double_entry
        rows, judges = grid.rows, grid.judges
        same = [r.person for r in rows] == [r.person for r in self._rows] and \
            [j.id for j in judges] == [j.id for j in self._judges]
        if same and rows:
            self._rows, self._judges = list(rows), list(judges)
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        else:
            self.beginResetModel()
            self._rows, self._judges = list(rows), list(judges)
            self.endResetModel()

    def judges(self) -> list[JudgeRow]:
        return list(self._judges)

    def row_at(self, row: int) -> SpeechGridRow:
        return self._rows[row]

    def person_name(self, person: str) -> str:
        return next((r.name for r in self._rows if r.person == person), person)

    @property
    def col_count(self) -> int:
        return self.FIRST_JUDGE + len(self._judges)

    @property
    def col_dropped(self) -> int:
        return self.col_count + 1

    @property
    def col_mean(self) -> int:
        return self.col_count + 2

    @property
    def col_state(self) -> int:
        return self.col_count + 3

    def is_judge_column(self, col: int) -> bool:
        return self.FIRST_JUDGE <= col < self.col_count

    def _judge(self, col: int) -> JudgeRow:
        return self._judges[col - self.FIRST_JUDGE]

    def cell_key(self, r: int, col: int) -> tuple[str, str]:
        return self._rows[r].person, self._judge(col).id

    # -- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.col_count + 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < self.columnCount():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if self.is_judge_column(section):
                return f"评委{self._judge(section).seat}"
            fixed = {self.COL_POS: "序号", self.COL_NAME: "姓名", self.COL_POSTS: "申报岗位",
                     self.col_count: "已评", self.col_dropped: "去掉", self.col_mean: "得分", self.col_state: "状态"}
            return fixed[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if self.is_judge_column(section):
                j = self._judge(section)
                return f"{j.name} · {GROUP_LABELS.get(j.group, j.group)}"
            if section == self.col_mean:
                return f"去掉 {self.trim} 个最高分和 {self.trim} 个最低分后的平均分（三位小数，四舍五入）"
            if section == self.col_dropped:
                return "去掉的最高分（高）和最低分（低），在格中以灰底删除线标出"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsEditable if self.is_judge_column(index.column()) else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < self.columnCount():
            return None
        row, col = self._rows[index.row()], index.column()
        if self.is_judge_column(col):
            pending = self.unsaved.role((row.person, self._judge(col).id), role)
            if pending is not None:
                return pending
            return self._judge_data(row, self._judge(col), role)
        hidden = col in (self.col_dropped, self.col_mean) and row.summary_hidden
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if hidden else self._summary_text(row, index.row(), col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (self.COL_POS, self.col_mean):
                return int(RIGHT)
            return int(CENTER if col in (self.col_count, self.col_state) else LEFT)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_POSTS:
                return row.posts
            if col == self.col_dropped and (row.high or row.low) and not hidden:
                seat = {j.id: j.seat for j in self._judges}
                high = "、".join(f"评委{seat[j]}（{row.cells[j].value}）" for j in row.high)
                low = "、".join(f"评委{seat[j]}（{row.cells[j].value}）" for j in row.low)
                return f"去掉最高分：{high}\n去掉最低分：{low}"
            if col == self.col_mean and row.mean is None:
                return f"至少需要 {2 * self.trim + 1} 个评委评分"
        return None

    def _summary_text(self, row: SpeechGridRow, r: int, col: int) -> str:
        if col == self.COL_POS:
            return str(r + 1)
        if col == self.COL_NAME:
            return row.name
        if col == self.COL_POSTS:
            return row.posts
        if col == self.col_count:
            return f"{len(row.cells)}/{len(self._judges)}"
        if col == self.col_dropped:
            if not (row.high or row.low):
                return ""
            return (f"高 {'/'.join(row.cells[j].value for j in row.high)} "
                    f"低 {'/'.join(row.cells[j].value for j in row.low)}")
        if col == self.col_mean:
            return score_text(row.mean)
        return row.state

    def _judge_data(self, row: SpeechGridRow, judge: JudgeRow, role: int) -> Any:
        cell: SpeechCell | None = row.cells.get(judge.id)
        hidden = cell is not None and cell.hidden
        dropped = not row.summary_hidden and (judge.id in row.high or judge.id in row.low)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if cell is None else (HIDDEN if hidden else cell.value)
        if role == Qt.ItemDataRole.EditRole:
            return "" if cell is None or hidden else cell.value
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if hidden else RIGHT)
        if role == Qt.ItemDataRole.FontRole and dropped:
            return self._strike
        if role == Qt.ItemDataRole.BackgroundRole and dropped:
            return QBrush(DROPPED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and dropped:
            return QBrush(DROPPED_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole and cell is not None:
            if hidden:
                return "第一录入人已录入；请盲录（输入您听到的分数）"
            what = "去掉的最高分" if judge.id in row.high else "去掉的最低分" if judge.id in row.low else ""
            state = "已确认" if cell.status == "confirmed" else "已录入，未确认"
            return f"{judge.name}：{cell.value}，{state}（{cell.entered_by}）" + (f"（{what}）" if dropped else "")
        return None

    # -- editing -------------------------------------------------------------------------------

    def _what(self, r: int, judge: JudgeRow, text: str) -> str:
        return f"第 {r + 1} 位 {self._rows[r].name} 评委{judge.seat} 的 {fold_fullwidth(text)} "

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.is_judge_column(index.column()):
            return False
        r, judge = index.row(), self._judge(index.column())
        row = self._rows[r]
        raw = str(value).strip()
        cell = row.cells.get(judge.id)
        key = (row.person, judge.id)
        self.last_ok = True
        if cell is not None and cell.hidden:
            return raw == "" or self._blind(r, judge, raw)
        if raw == "":
            if self.unsaved.text(key) is not None:      # an empty retry gives up the unsaved text
                self.unsaved.saved(key)
                self._cells_changed(r, {judge.id})
                return True
            return True if cell is None else self.clear_cell(index)
        if cell is not None and raw == cell.value and self.unsaved.text(key) is None:
            return True                        # unchanged: nothing to save, move on
        reason = None
        if cell is not None and cell.status == "confirmed":
            reason = self.ask_reason(f"{row.name} · 评委{judge.seat} 的评分 {cell.value} 已确认，改为 {raw} 须说明理由")
            if reason is None:
                self.last_ok = False
                self.bench.message.emit(f"{row.name} · 评委{judge.seat}：已取消，评分未修改", True)
                return False
        result = self.bench.edit(scores.set_speech_score, row.person, judge.id, raw, initiator=self,
                                 what=self._what(r, judge, raw), expected_version=cell.version if cell else 0,
                                 reason=reason)
        return self._after(r, judge.id, key, raw, result)

    def _after(self, r: int, judge_id: str, key: tuple[str, str], typed: str, result: Any) -> bool:
        """Show what the service answered: its row, or the typed text marked 未保存 (cursor stays)."""
        if result is FAILED:
            self.last_ok = False
            self.unsaved.put(key, typed, self._what(r, self._judges_by_id()[judge_id], "").strip(),
                             failure_cause(self.bench.last_error))
            self._cells_changed(r, {judge_id})
            return False
        self.unsaved.saved(key)
        new_row = result.result if isinstance(result, Wrote) else None
        if isinstance(new_row, tuple):           # blind entry: (BlindResult, row)
            new_row = new_row[1]
        if isinstance(new_row, SpeechGridRow) and 0 <= r < len(self._rows) and self._rows[r].person == new_row.person:
            self._replace_row(r, new_row, judge_id)
        return True

    def _judges_by_id(self) -> dict[str, JudgeRow]:
        return {j.id: j for j in self._judges}

    def clear_cell(self, index: Index) -> bool:
        """Del: give up an unsaved typed score, or remove a stored score (undoable; a confirmed one only
        with a reason)."""
        if not index.isValid() or not self.is_judge_column(index.column()):
            return False
        r, judge = index.row(), self._judge(index.column())
        row = self._rows[r]
        key = (row.person, judge.id)
        if self.unsaved.text(key) is not None:
            self.unsaved.saved(key)
            self._cells_changed(r, {judge.id})
            self.bench.info(f"{row.name} · 评委{judge.seat}：已放弃未保存的录入")
            return True
        cell = row.cells.get(judge.id)
        if cell is None or cell.hidden:
            return True
        reason = None
        if cell.status == "confirmed":
            reason = self.ask_reason(f"{row.name} · 评委{judge.seat} 的评分 {cell.value} 已确认，清除须说明理由")
            if reason is None:
                return False
        result = self.bench.edit(scores.clear_speech_score, row.person, judge.id, initiator=self,
                                 what=f"清除第 {r + 1} 位 {row.name} 评委{judge.seat} 的 {cell.value} ",
                                 reason=reason, expected_version=cell.version)
        if result is FAILED:
            return False
        return self._after(r, judge.id, key, "", result)

    def _blind(self, r: int, judge: JudgeRow, raw: str) -> bool:
        row = self._rows[r]
        cell = row.cells[judge.id]
        key = (row.person, judge.id)
        result = self.bench.run(scores.blind_enter, "speech_scores", key, raw, initiator=self,
                                what=self._what(r, judge, raw), expected_version=cell.version)
        if not self._after(r, judge.id, key, raw, result):
            return False
        blind, _ = result.result
        what = f"{row.name} · 评委{judge.seat}"
        if blind.matched:
            self.bench.message.emit(f"{what}：盲录一致，已确认", False)
        else:
            self.bench.message.emit(f"{what}：盲录 {blind.second} 与第一录入不一致，已列入下方核对表", True)
        self.blind_entered.emit()
        return True

    def _replace_row(self, r: int, new: SpeechGridRow, judge: str) -> None:
        """Redraw what one entry changed: its cell, the cells whose dropped mark moved, the results.

        Cell by cell on purpose: a view repaints its whole viewport for a multi-cell range, which
        with 25 judges costs more than the 16 ms a typed score may take to show its mean."""
        old = self._rows[r]
        self._rows[r] = new
        touched = {judge} | ((set(old.high) | set(old.low)) ^ (set(new.high) | set(new.low)))
        if old.summary_hidden != new.summary_hidden or any(
                (old.cells.get(j) is None) != (new.cells.get(j) is None) or
                (old.cells.get(j) and new.cells.get(j) and old.cells[j].hidden != new.cells[j].hidden)
                for j in set(old.cells) | set(new.cells)):
            touched |= set(old.cells) | set(new.cells)       # a confirmation may reveal the whole row
        self._cells_changed(r, touched)

    def _cells_changed(self, r: int, judges: set[str]) -> None:
        columns = [self.FIRST_JUDGE + i for i, j in enumerate(self._judges) if j.id in judges]
        for col in columns + [self.col_count, self.col_dropped, self.col_mean, self.col_state]:
            index = self.index(r, col)
            self.dataChanged.emit(index, index)

    def missing_judges(self, r: int) -> list[str]:
        """评委n of the judges with no score in row ``r`` (said before confirming an incomplete row)."""
        row = self._rows[r]
        return [f"评委{j.seat}" for j in self._judges if j.id not in row.cells]

    def unsaved_judges(self, r: int) -> list[str]:
        person = self._rows[r].person
        return [f"评委{j.seat}" for j in self._judges if self.unsaved.text((person, j.id)) is not None]

    def confirm_rows(self, r: int) -> list[tuple[str, tuple[str, str], int]]:
        """The row's scores not yet confirmed, with the versions shown, as ``scores.confirm`` takes them."""
        row = self._rows[r]
        return [("speech_scores", (row.person, j), c.version) for j, c in row.cells.items() if c.status != "confirmed"]
