"""The table models of tab 4 抽签: the fixed candidate list (with the paper slips being typed), the
recorded order with each key, and the record of draws."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase

from ...services import draws
from ..table import CENTER, LEFT, RIGHT, Column, Index, RowTableModel


def mono_font(smaller: float = 0) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    if smaller:
        font.setPointSizeF(max(7.0, font.pointSizeF() - smaller))
    return font


KEY_FONT_SMALLER = 1.5
"""A 64-digit key fits its column on a 1366-wide screen at a slightly smaller monospace size."""



def check_command(seed: str, meeting: str, person: str) -> str:
    """What a supervisor types to redo one key by hand (SPEC §5)."""
    return f"printf '%s' '{seed}|{meeting}|{person}' | sha256sum"


class CandidateModel(QAbstractTableModel):
    """The fixed list; in paper mode the clerk types each person's slip number (a draft until all
    n numbers are in, then recorded at once — the service takes only a whole permutation)."""

    HEADERS = ("序", "编号", "姓名", "类别", "纸签号")
    COL_SLIP = 4
    completed = Signal()
    refused = Signal(str)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[tuple[str, str, str]] = []   # id, name, category
        self.draft: dict[str, int] = {}
        self.paper = False
        self.last_ok = True     # whether the last typed value was taken (the cursor moves on only then)

    def set_rows(self, rows: list[tuple[str, str, str]], draft: dict[str, int]) -> None:
        self.beginResetModel()
        self._rows, self.draft = list(rows), draft
        self.endResetModel()

    def set_paper(self, on: bool) -> None:
        self.paper = on
        if self._rows:
            self.dataChanged.emit(self.index(0, self.COL_SLIP), self.index(len(self._rows) - 1, self.COL_SLIP))

    def ids(self) -> list[str]:
        return [r[0] for r in self._rows]

    def is_complete(self) -> bool:
        return bool(self._rows) and all(pid in self.draft for pid in self.ids())

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal \
                and section == self.COL_SLIP:
            return "纸签录入方式：逐人录入所抽纸签上的号码（1 至人数，不得重复），填齐后自动记录"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.COL_SLIP and self.paper:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        pid, name, category = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.COL_SLIP:
                return str(self.draft[pid]) if pid in self.draft else ""
            return (str(index.row() + 1), pid, name, category)[col]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if col in (0, self.COL_SLIP) else LEFT)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.COL_SLIP \
                or not self.paper:
            return False
        self.last_ok = False
        pid, name, _ = self._rows[index.row()]
        text = str(value).strip().translate({ord("０") + i: ord("0") + i for i in range(10)})
        n = len(self._rows)
        if text == "":
            self.draft.pop(pid, None)
        else:
            if not text.isdigit() or not 1 <= int(text) <= n:
                self.refused.emit(f"{name}（{pid}）纸签号“{text}”不对：须为 1–{n} 的整数")
                return False
            holder = next((p for p, num in self.draft.items() if num == int(text) and p != pid), None)
            if holder is not None:
                other = next(r[1] for r in self._rows if r[0] == holder)
                self.refused.emit(f"{name}（{pid}）纸签号 {text} 已填给 {other}（{holder}）；请先核对")
                return False
            self.draft[pid] = int(text)
        self.last_ok = True
        self.dataChanged.emit(index, index)
        if self.is_complete():
            self.completed.emit()
        return True


class OrderModel(RowTableModel):
    """The recorded order: position, 编号, 姓名, key (program) or the slip (paper)."""

    key_font = None  # set once a QGuiApplication exists

    COLUMNS = (
        Column("position", "顺序", lambda r: r[0], RIGHT),
        Column("id", "编号", lambda r: r[1]),
        Column("name", "姓名", lambda r: r[2]),
        Column("key", "密钥 sha256(种子|会议|编号)", lambda r: r[3],
               tip="每人密钥 = sha256(种子 + \"|\" + 会议名称 + \"|\" + 编号)，按密钥从小到大排出顺序"),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid() and index.column() == 3:
            return self.key_font
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == 3:
            return self.row_at(index.row())[3]
        return super().data(index, role)


class HistoryModel(RowTableModel):
    COLUMNS = (
        Column("id", "记录", lambda r: r.id, RIGHT),
        Column("method", "方式", lambda r: draws.METHOD_LABELS[r.method]),
        Column("seed", "种子", lambda r: r.seed or "—"),
        Column("state", "状态", lambda r: "已作废" if r.superseded else "有效", CENTER),
        Column("reason", "重抽理由", lambda r: r.reason or ""),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            r = self.row_at(index.row())
            return f"名单摘要 {r.list_digest}\n顺序 {'、'.join(r.ids)}" + (f"\n作废理由：{r.reason}" if r.reason else "")
        return super().data(index, role)
