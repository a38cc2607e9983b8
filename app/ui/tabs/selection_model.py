"""8 双向选择: the table models and views of the tab (科室 with this round's pick; free persons with their
申报科室), kept apart from the tab's layout and actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemDelegate, QTableView

from ..table import CENTER, Column, Index, RowTableModel, UnsavedCells
from .declarations import parse_codes
from .exams import EntryView

if TYPE_CHECKING:
    from .selection import SelectionTab


PASS_KEY = "0"


class OfficeModel(RowTableModel):
    """One row per 科 of the selection; the 本轮 cell takes the picked person's 编号 (0 = 放弃)."""

    COLUMNS = (
        Column("post", "编号", lambda r: r.post, CENTER, "岗位编号：申报科室时可输入此编号"),
        Column("office", "科室", lambda r: r.office),
        Column("chief", "科长", lambda r: r.chief),
        Column("count", "核定/已有", lambda r: f"{r.headcount}/{r.seated}", CENTER,
               "核定人数（科长除外）/ 已定岗人数（含不轮岗、领导组确定人员）"),
        Column("round", "本轮", lambda r: r.this_round, CENTER,
               "本轮选择：输入人员编号后按 Enter；0 + Enter 或 Ctrl+Delete 为放弃"),
        Column("signs", "签字", lambda r: r.signs, CENTER, "该科最近一次选择的双方签字确认"),
        Column("seated", "已定岗人员", lambda r: r.seated_names),
    )
    ROUND_COL = 4

    def __init__(self, tab: "SelectionTab"):
        super().__init__(tab)
        self.tab = tab
        self.last_ok = True
        self.unsaved = UnsavedCells(tab.bench)     # a typed 编号 that was not saved, by 科

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.ROUND_COL:
            r = self._rows[index.row()]
            if not r.acted and not r.full:
                return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == self.ROUND_COL and 0 <= index.row() < len(self._rows):
            pending = self.unsaved.role(("round", self._rows[index.row()].post), role)
            if pending is not None:
                return pending
        if role == Qt.ItemDataRole.EditRole:
            return ""
        return super().data(index, role)

    def post_changed(self, post: str) -> None:
        row = next((i for i, r in enumerate(self._rows) if r.post == post), -1)
        if row >= 0:
            index = self.index(row, self.ROUND_COL)
            self.dataChanged.emit(index, index)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.ROUND_COL:
            return False
        raw = str(value).strip()
        post = self._rows[index.row()].post
        if raw == "":
            self.last_ok = False
            if self.unsaved.text(("round", post)) is not None:      # an empty retry gives up the typed 编号
                self.unsaved.saved(("round", post))
                self.dataChanged.emit(index, index)
            return False
        self.last_ok = self.tab.act(post, None if raw == PASS_KEY else raw, typed=raw)
        return self.last_ok


def office_codes(text: str, offices: dict[str, str]) -> list[str]:
    """``"p1、财务科"`` → ``["P1", "P2"]``: 科室 typed by 岗位编号 (any case, 全角 folded) or by name.
    Anything else is kept as typed, so the service names it."""
    by_name = {name: post for post, name in offices.items()}
    return [by_name.get(code, code) for code in parse_codes(text, list(offices))]


class PersonModel(RowTableModel):
    """The free persons of the phase; their 申报科室 cell takes 岗位编号 or 科室 names until the phase starts."""

    COLUMNS = (
        Column("id", "编号", lambda r: r.id),
        Column("name", "姓名", lambda r: r.name),
        Column("declared", "申报科室（依次）", lambda r: r.declared or ("未申报" if r.editable else ""),
               tip="输入岗位编号或科室名称，空格或顿号分隔，第一志愿在前；回车保存并跳到下一人；Delete 删除申报"),
        Column("former", "原科室", lambda r: r.former),
    )
    DECLARED_COL = 2

    def __init__(self, tab: "SelectionTab"):
        super().__init__(tab)
        self.tab = tab
        self.unsaved = UnsavedCells(tab.bench)     # a typed 申报科室 that was not saved, by person

    def entry_columns(self) -> list[int]:
        return [self.DECLARED_COL]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.DECLARED_COL and self._rows[index.row()].editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == self.DECLARED_COL and 0 <= index.row() < len(self._rows):
            pending = self.unsaved.role(("declared", self._rows[index.row()].id), role)
            if pending is not None:
                return pending
        if role == Qt.ItemDataRole.EditRole and index.isValid():
            return " ".join(self._rows[index.row()].declared_ids)
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == self.DECLARED_COL
                and not self._rows[index.row()].declared_ids):
            return QBrush(QColor("#b00020"))
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.DECLARED_COL:
            return False
        return self.submit_text(index, "" if value is None else str(value))

    def submit_text(self, index: Index, text: str) -> bool:
        if not index.isValid() or index.column() != self.DECLARED_COL:
            return False
        row = self._rows[index.row()]
        if not text.strip() and self.unsaved.text(("declared", row.id)) is not None:
            self.unsaved.saved(("declared", row.id))           # Delete (or an empty retry) gives it up
            self.dataChanged.emit(index, index)
            self.tab.bench.info(f"{row.name}：已放弃未保存的申报科室")
            return True
        return self.tab.declare(row, office_codes(text, self.tab.office_names()), typed=text.strip())


class PersonView(EntryView):
    """Enter saves the 申报科室 and moves down; typing on 编号/姓名 goes to the 申报科室 cell."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        current = self.currentIndex()
        if (current.isValid() and current.column() != PersonModel.DECLARED_COL and event.text().strip()
                and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier):
            self.setCurrentIndex(current.siblingAtColumn(PersonModel.DECLARED_COL))
        super().keyPressEvent(event)


class OfficeView(QTableView):
    """Digits go to the 本轮 cell of the current row; Enter there picks, Ctrl+Delete passes."""

    def __init__(self, tab: "SelectionTab"):
        super().__init__()
        self.tab = tab

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        current = self.currentIndex()
        if current.isValid() and event.key() == Qt.Key.Key_Delete \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.tab.act(self.model().row_at(current.row()).post, None)
            return
        if current.isValid() and event.key() == Qt.Key.Key_Delete and not event.modifiers():
            model = self.model()
            key = ("round", model.row_at(current.row()).post)
            if model.unsaved.text(key) is not None:             # Del gives up a typed 编号 that was not saved
                model.unsaved.saved(key)
                model.dataChanged.emit(current, current)
                self.tab.bench.info("已放弃未保存的录入")
                return
        if current.isValid() and event.text().isdigit() and current.column() != OfficeModel.ROUND_COL:
            self.setCurrentIndex(current.siblingAtColumn(OfficeModel.ROUND_COL))
        super().keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt name
        super().closeEditor(editor, hint)
        self.tab.after_edit(hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache)
