"""A base for the read-mostly table models: columns declared once, rows as plain objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPalette, QPen
from PySide6.QtWidgets import QStyledItemDelegate

Index = QModelIndex | QPersistentModelIndex

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    value: Callable[[Any], Any]
    align: Qt.AlignmentFlag = LEFT
    tip: str | None = None


def score_text(value: Any) -> str:
    """Scores always show three decimals (§六), blanks stay blank."""
    if value is None:
        return ""
    return f"{value:.3f}" if not isinstance(value, str) else value


class RowTableModel(QAbstractTableModel):
    COLUMNS: Sequence[Column] = ()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[Any] = []

    # -- content ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rows(self) -> list[Any]:
        return list(self._rows)

    # -- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
                return self.COLUMNS[section].header
            if orientation == Qt.Orientation.Vertical:
                return str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section].tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(self._rows[index.row()])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == SORT_ROLE:
            return column.value(self._rows[index.row()])
        return None


# -- typed but not saved ------------------------------------------------------------------------------

UNSAVED_ROLE = Qt.ItemDataRole.UserRole + 7
"""A cell's 未保存 mark: the cause in words while its typed text is not stored, else None."""
UNSAVED_BG = "#f8c9c4"
UNSAVED_FG = "#8b0000"


class UnsavedCells:
    """Typed text that could not be saved, by entry key, shown in its cell (with a 未保存 mark) until
    a retry succeeds — a failed write never looks like a saved one (issue 12). The workbench keeps the
    list for the status bar."""

    def __init__(self, bench: Any):
        self.bench = bench
        self._cells: dict[Any, tuple[str, str]] = {}     # key → (typed text, cause)

    def put(self, key: Any, text: str, what: str, cause: str) -> None:
        self._cells[key] = (text, cause)
        self.bench.mark_unsaved(key, f"{what} {text}".strip())

    def saved(self, key: Any) -> None:
        if self._cells.pop(key, None) is not None:
            self.bench.mark_saved(key)

    def text(self, key: Any) -> str | None:
        entry = self._cells.get(key)
        return entry[0] if entry else None

    def keys(self) -> list[Any]:
        return list(self._cells)

    def role(self, key: Any, role: int) -> Any:
        """The cell's data for ``role`` while unsaved, else None (the model shows the stored value)."""
        entry = self._cells.get(key)
        if entry is None:
            return None
        text, cause = entry
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return text
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(UNSAVED_BG))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(UNSAVED_FG))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"未保存：{text}（{cause}）。按 Enter 重试，Del 放弃"
        if role == UNSAVED_ROLE:
            return cause
        return None



class UnsavedDelegate(QStyledItemDelegate):
    """Keeps an unsaved cell's red look under the cursor too (a dark red selection and frame): the
    cursor stays on the cell whose text was not saved."""

    def initStyleOption(self, option: Any, index: Any) -> None:  # noqa: N802 - Qt name
        super().initStyleOption(option, index)
        if index.data(UNSAVED_ROLE):
            option.palette.setColor(QPalette.ColorRole.Highlight, QColor(UNSAVED_FG))
            option.palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))

    def paint(self, painter: Any, option: Any, index: Any) -> None:
        super().paint(painter, option, index)
        if index.data(UNSAVED_ROLE):
            painter.save()
            painter.setPen(QPen(QColor(UNSAVED_FG), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()
