"""The 竞岗演讲 score grid: candidates in speaking order × judges, with the trimmed mean per row (§十).

Every typed score goes to the services at once (``bench.edit``, undoable). After a typed score
only that row is redrawn — the value, the count, the dropped marks and the mean are updated
from the typed value itself, so the clerk sees the new mean within a frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from ...core.numbers import ScoreError, parse_score
from ...core.scheme import GROUP_LABELS
from ...core.scoring import trimmed_mean
from ...services import scores
from ...services.scores import JudgeRow
from ...services.store import Changed
from ..table import CENTER, LEFT, RIGHT, Index, score_text
from ..workbench import FAILED, Workbench

HIDDEN = "●"
DROPPED_BACKGROUND = QColor("#d9d9d9")
DROPPED_TEXT = QColor("#555555")


@dataclass
class Entry:
    value: Decimal
    status: str          # entered / confirmed
    version: int


@dataclass
class SpeechRow:
    person: str
    name: str
    posts: str                                   # 申报岗位 (effective declaration), names joined
    scores: dict[str, Entry] = field(default_factory=dict)
    # derived (see SpeechScoreModel._summarise)
    high: tuple[str, ...] = ()
    low: tuple[str, ...] = ()
    mean: Decimal | None = None


class SpeechScoreModel(QAbstractTableModel):
    """Columns: 序号, 姓名, 申报岗位, 评委1…n, 已评, 去掉, 得分, 状态."""

    COL_POS, COL_NAME, COL_POSTS, FIRST_JUDGE = 0, 1, 2, 3
    blind_entered = Signal()

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self._rows: list[SpeechRow] = []
        self._judges: list[JudgeRow] = []
        self.trim = 2
        self.decimals = 1
        self.double_entry = False
        self.mine: set[tuple[str, str]] = set()   # cells this operator typed (shown in double-entry mode)
        self.local_edit = False                   # True while our own edit is being saved (no full redraw)
        self.last_ok = True                       # whether the last typed value was taken
        self.ask_reason: Callable[[str], str | None] = lambda _what: None
        self._strike = QFont()
        self._strike.setStrikeOut(True)

    # -- content ------------------------------------------------------------------------------

    def load(self, rows: list[SpeechRow], judges: list[JudgeRow], *, trim: int, decimals: int,
             double_entry: bool) -> None:
        """New data; in place (cursor kept) when the rows and judges are the same, else a reset."""
        self.trim, self.decimals, self.double_entry = trim, decimals, double_entry
        for row in rows:
            self._summarise(row, judges)
        same = [r.person for r in rows] == [r.person for r in self._rows] and \
            [j.id for j in judges] == [j.id for j in self._judges]
        if same and rows:
            self._rows, self._judges = rows, judges
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
        else:
            self.beginResetModel()
            self._rows, self._judges = rows, judges
            self.endResetModel()

    def judges(self) -> list[JudgeRow]:
        return list(self._judges)

    def row_at(self, row: int) -> SpeechRow:
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

    def _hidden(self, row: SpeechRow, judge: str) -> bool:
        """Double entry: the second clerk types blind, so a first entry not typed here shows as ●."""
        entry = row.scores.get(judge)
        return (self.double_entry and entry is not None and entry.status != "confirmed"
                and (row.person, judge) not in self.mine)

    def _row_hidden(self, row: SpeechRow) -> bool:
        return any(self._hidden(row, j) for j in row.scores)

    def _summarise(self, row: SpeechRow, judges: list[JudgeRow] | None = None) -> None:
        """§十: drop the ``trim`` highest and lowest, mean of the rest, once ≥ 2k+1 scores exist."""
        scored = [j.id for j in (judges if judges is not None else self._judges) if j.id in row.scores]
        row.high, row.low, row.mean = (), (), None
        if len(scored) >= 2 * self.trim + 1:
            result = trimmed_mean([row.scores[j].value for j in scored], self.trim)
            row.high = tuple(scored[i] for i in result.dropped_high)
            row.low = tuple(scored[i] for i in result.dropped_low)
            row.mean = result.mean

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
            return self._judge_data(row, self._judge(col), role)
        hidden = col in (self.col_dropped, self.col_mean) and self._row_hidden(row)
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
                high = "、".join(f"评委{seat[j]}（{row.scores[j].value}）" for j in row.high)
                low = "、".join(f"评委{seat[j]}（{row.scores[j].value}）" for j in row.low)
                return f"去掉最高分：{high}\n去掉最低分：{low}"
            if col == self.col_mean and row.mean is None:
                return f"至少需要 {2 * self.trim + 1} 个评委评分"
        return None

    def _summary_text(self, row: SpeechRow, r: int, col: int) -> str:
        if col == self.COL_POS:
            return str(r + 1)
        if col == self.COL_NAME:
            return row.name
        if col == self.COL_POSTS:
            return row.posts
        if col == self.col_count:
            return f"{len(row.scores)}/{len(self._judges)}"
        if col == self.col_dropped:
            if not (row.high or row.low):
                return ""
            return (f"高 {'/'.join(str(row.scores[j].value) for j in row.high)} "
                    f"低 {'/'.join(str(row.scores[j].value) for j in row.low)}")
        if col == self.col_mean:
            return score_text(row.mean)
        if not row.scores:
            return ""
        return "已确认" if all(e.status == "confirmed" for e in row.scores.values()) else "录入"

    def _judge_data(self, row: SpeechRow, judge: JudgeRow, role: int) -> Any:
        entry = row.scores.get(judge.id)
        hidden = self._hidden(row, judge.id)
        dropped = not self._row_hidden(row) and (judge.id in row.high or judge.id in row.low)
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if entry is None else (HIDDEN if hidden else str(entry.value))
        if role == Qt.ItemDataRole.EditRole:
            return "" if entry is None or hidden else str(entry.value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if hidden else RIGHT)
        if role == Qt.ItemDataRole.FontRole and dropped:
            return self._strike
        if role == Qt.ItemDataRole.BackgroundRole and dropped:
            return QBrush(DROPPED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and dropped:
            return QBrush(DROPPED_TEXT)
        if role == Qt.ItemDataRole.ToolTipRole and entry is not None:
            if hidden:
                return "第一录入人已录入；请盲录（输入您听到的分数）"
            what = "去掉的最高分" if judge.id in row.high else "去掉的最低分" if judge.id in row.low else ""
            state = "已确认" if entry.status == "confirmed" else "已录入，未确认"
            return f"{judge.name}：{entry.value}，{state}" + (f"（{what}）" if dropped else "")
        return None

    # -- editing -------------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.is_judge_column(index.column()):
            return False
        r, judge = index.row(), self._judge(index.column())
        row = self._rows[r]
        raw = str(value).strip()
        entry = row.scores.get(judge.id)
        self.last_ok = True
        if self._hidden(row, judge.id):
            return raw == "" or self._blind(r, judge, raw)
        if raw == "":
            return True if entry is None else self.clear_cell(index)
        try:
            parsed: Decimal | None = parse_score(raw, decimals=self.decimals)
        except ScoreError:
            parsed = None                      # the service refuses it with the message
        if entry is not None and parsed is not None and str(parsed) == str(entry.value):
            return True                        # unchanged: nothing to save, move on
        what = f"{row.name} · 评委{judge.seat}"
        reason = None
        if entry is not None and entry.status == "confirmed" and parsed is not None:
            reason = self.ask_reason(f"{what} 的评分 {entry.value} 已确认，改为 {raw} 须说明理由")
            if reason is None:
                self.last_ok = False
                self.bench.message.emit(f"{what}：已取消，评分未修改", True)
                return False
        expected = entry.version if entry else 0
        first = [True]
        prev = str(entry.value) if entry else None
        pid, jid = row.person, judge.id

        def do(store):
            version = expected if first[0] else None   # a redo applies over whatever undo left
            first[0] = False
            return scores.set_speech_score(store, pid, jid, raw, expected_version=version, reason=reason)

        def undo(store):
            if prev is None:
                return scores.clear_speech_score(store, pid, jid)
            return scores.set_speech_score(store, pid, jid, prev)

        if not self._edit(f"{what}：{raw}", do, undo):
            self.last_ok = False
            return False
        row.scores[jid] = Entry(parsed, "entered", entry.version + 1 if entry else 1)
        self.mine.add((pid, jid))
        self._row_changed(r, jid)
        return True

    def clear_cell(self, index: Index) -> bool:
        """Del: remove a score (undoable); a confirmed one only with a reason."""
        if not index.isValid() or not self.is_judge_column(index.column()):
            return False
        r, judge = index.row(), self._judge(index.column())
        row = self._rows[r]
        entry = row.scores.get(judge.id)
        if entry is None or self._hidden(row, judge.id):
            return True
        what = f"{row.name} · 评委{judge.seat}"
        reason = None
        if entry.status == "confirmed":
            reason = self.ask_reason(f"{what} 的评分 {entry.value} 已确认，清除须说明理由")
            if reason is None:
                return False
        pid, jid, prev = row.person, judge.id, str(entry.value)
        ok = self._edit(f"清除 {what}（原 {prev}）",
                        lambda store: scores.clear_speech_score(store, pid, jid, reason=reason),
                        lambda store: scores.set_speech_score(store, pid, jid, prev))
        if ok:
            del row.scores[jid]
            self._row_changed(r, jid)
        return ok

    def _edit(self, text: str, do, undo) -> bool:
        self.local_edit = True
        try:
            return self.bench.edit(text, do, undo)
        finally:
            self.local_edit = False

    def _blind(self, r: int, judge: JudgeRow, raw: str) -> bool:
        row = self._rows[r]
        result = self.bench.run(scores.blind_enter, "speech_scores", (row.person, judge.id), raw)
        if result is FAILED:
            self.last_ok = False
            return False
        what = f"{row.name} · 评委{judge.seat}"
        if result.matched:
            entry = row.scores[judge.id]
            row.scores[judge.id] = Entry(entry.value, "confirmed", entry.version + 1)
            self.bench.message.emit(f"{what}：盲录一致，已确认", False)
        else:
            self.bench.message.emit(f"{what}：盲录 {result.second} 与第一录入不一致，已列入下方核对表", True)
        self._row_changed(r, judge.id)
        self.local_edit = True
        try:
            self.bench.changed.emit(Changed.SPEECH)
        finally:
            self.local_edit = False
        self.blind_entered.emit()
        return True

    def _row_changed(self, r: int, judge: str) -> None:
        """Redraw what one entry changed: its cell, the cells whose dropped mark moved, the results.

        Cell by cell on purpose: a view repaints its whole viewport for a multi-cell range, which
        with 25 judges costs more than the 16 ms a typed score may take to show its mean."""
        row = self._rows[r]
        marked = set(row.high) | set(row.low)
        self._summarise(row)
        touched = {judge} | (marked ^ (set(row.high) | set(row.low)))
        if self.double_entry:
            touched |= set(row.scores)                 # a confirmation may reveal the whole row
        columns = [self.FIRST_JUDGE + i for i, j in enumerate(self._judges) if j.id in touched]
        for col in columns + [self.col_count, self.col_dropped, self.col_mean, self.col_state]:
            index = self.index(r, col)
            self.dataChanged.emit(index, index)

    def confirm_rows(self, r: int) -> list[tuple[str, tuple[str, str]]]:
        """The row's scores not yet confirmed, as ``scores.confirm`` takes them."""
        row = self._rows[r]
        return [("speech_scores", (row.person, j)) for j, e in row.scores.items() if e.status != "confirmed"]
