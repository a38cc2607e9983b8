"""Tab 2 考试与测评: exam scores, 满意度测评 counts, 民主测评 (scores or grade counts), 考评量化.

Keyboard: type a number, Enter saves it at once and moves right to the next entry cell (then to
the next person); Delete clears a cell; Ctrl+Z undoes; Ctrl+Enter confirms every entered value;
F6 jumps between the grid and the 等次票数 panel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTableView, QVBoxLayout,
                               QWidget)

from ...core.scheme import DIMENSION_LABELS, DIMENSIONS, GRADES
from ...services import scores
from ...services.exam_grid import ExamGridRow, exam_grid
from ...services.store import STATE_LABELS, Changed
from ..dialogs import ReasonDialog
from ..table import RIGHT, UNSAVED_ROLE, Index, UnsavedDelegate, score_text
from ..workbench import FAILED, Workbench
from .base import TabPage
from .exams_model import COMPUTED_BG, CONFIRMED_BG, ENTERED_BG, ExamModel, unsaved_key


# --- keyboard entry: shared by the entry grids -----------------------------------------------------

class EntryDelegate(UnsavedDelegate):
    """A line editor; Enter hands the text to the view (save, then move on), Esc cancels. A cell whose
    typed text is not saved keeps its red 未保存 look under the cursor too, since the cursor stays on it."""

    def createEditor(self, parent: QWidget, option: Any, index: QModelIndex) -> QWidget:
        editor = QLineEdit(parent)
        align = index.data(Qt.ItemDataRole.TextAlignmentRole)
        if align is not None:
            editor.setAlignment(Qt.AlignmentFlag(int(align)))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)   # focus left the cell: save, no move

    def eventFilter(self, editor: Any, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.parent().submit_editor(editor)
            return True
        return super().eventFilter(editor, event)


class EntryView(QTableView):
    """Type to edit, Enter saves and moves to the next entry cell (right, or down); Delete clears.

    The model provides ``entry_columns()`` and ``submit_text(index, text) -> bool``; the editor is
    closed *before* the save, so a redraw or a dialog during the save never meets an open editor.
    """

    end_reached = Signal()

    def __init__(self, parent: QWidget | None = None, *, move: str = "right"):
        super().__init__(parent)
        self.move = move
        self.setItemDelegate(EntryDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.verticalHeader().setDefaultSectionSize(24)
        self.setAlternatingRowColors(False)

    def submit_editor(self, editor: QWidget, *, advance: bool = True) -> bool:
        index = self.currentIndex()
        row, col, text = index.row(), index.column(), editor.text()
        self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        ok = bool(self.model().submit_text(self.model().index(row, col), text))
        if ok and advance:
            self.advance(row, col)
        else:
            self.setCurrentIndex(self.model().index(row, col))
        return ok

    def finish_editing(self) -> None:
        editor = self.indexWidget(self.currentIndex()) if self.state() == QAbstractItemView.State.EditingState else None
        if editor is not None:
            self.submit_editor(editor, advance=False)

    def advance(self, row: int, col: int) -> None:
        model = self.model()
        cols = model.entry_columns()
        if self.move == "down":
            target = (row + 1, col) if row + 1 < model.rowCount() else None
        else:
            later = [c for c in cols if c > col]
            target = (row, later[0]) if later else (row + 1, cols[0]) if cols and row + 1 < model.rowCount() else None
        if target is None:
            self.end_reached.emit()
            return
        self.go_to(*target)

    def go_to(self, row: int, col: int) -> None:
        index = self.model().index(row, col)
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt name
        index = self.currentIndex()
        if self.state() != QAbstractItemView.State.EditingState and index.isValid() and not event.modifiers():
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if index.data(UNSAVED_ROLE):                     # Enter on an unsaved value tries again
                    if self.model().submit_text(index, str(index.data(Qt.ItemDataRole.EditRole) or "")):
                        self.advance(index.row(), index.column())
                    else:
                        self.setCurrentIndex(self.model().index(index.row(), index.column()))
                    return
                self.advance(index.row(), index.column())       # Enter on a filled cell skips it
                return
            if event.key() == Qt.Key.Key_Delete and index.flags() & Qt.ItemFlag.ItemIsEditable:
                self.model().submit_text(index, "")
                self.setCurrentIndex(self.model().index(index.row(), index.column()))
                return
        super().keyPressEvent(event)


# --- 等次票数 of the current person -----------------------------------------------------------------

class GradeModel(QAbstractTableModel):
    """等次票数 of the current person: one row per dimension (德…廉), one column per grade."""

    HEADERS = (*GRADES, "合计", "折算得分")

    def __init__(self, exams: ExamModel, parent: Any = None):
        super().__init__(parent)
        self.exams = exams
        self.person_id: str | None = None
        exams.dataChanged.connect(self._changed)
        exams.modelReset.connect(self._reset)

    def person(self) -> ExamGridRow | None:
        i = self.exams.row_index(self.person_id) if self.person_id else -1
        return self.exams.rows[i] if i >= 0 else None

    def set_person(self, person_id: str | None) -> None:
        if person_id != self.person_id:
            self.beginResetModel()
            self.person_id = person_id
            self.endResetModel()

    def _changed(self, *_: Any) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, len(self.HEADERS) - 1))

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def entry_columns(self) -> list[int]:
        return list(range(len(GRADES)))

    def item(self, index: Index) -> str:
        return f"grade:{DIMENSIONS[index.row()]}:{GRADES[index.column()]}"

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() or self.person() is None else len(DIMENSIONS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(DIMENSIONS):
            return DIMENSION_LABELS[DIMENSIONS[section]]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return base | Qt.ItemFlag.ItemIsEditable if index.column() < len(GRADES) else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        person = self.person()
        if person is None or not index.isValid() or not (0 <= index.row() < len(DIMENSIONS)):
            return None
        d, c = DIMENSIONS[index.row()], index.column()
        if c < len(GRADES):
            pending = self.exams.unsaved.role(unsaved_key(person.id, self.item(index)), role)
            if pending is not None:
                return pending
        counts = {g: int(e.value) for g in GRADES if (e := person.entries.get(f"grade:{d}:{g}")) is not None}
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c < len(GRADES):
                return str(counts[GRADES[c]]) if GRADES[c] in counts else ""
            if c == len(GRADES):
                return str(sum(counts.values())) if counts else ""
            return score_text(person.dims.get(d)) if counts else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT)
        if role == Qt.ItemDataRole.BackgroundRole:
            if c >= len(GRADES):
                return COMPUTED_BG
            entry = person.entries.get(self.item(index))
            return None if entry is None else CONFIRMED_BG if entry.status == "confirmed" else ENTERED_BG
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() >= len(GRADES) or not self.person_id:
            return False
        return self.exams.submit_item(self.person_id, self.item(index), "" if value is None else str(value),
                                      interactive=False)

    def submit_text(self, index: Index, text: str, *, interactive: bool = True) -> bool:
        if not self.person_id:
            return False
        return self.exams.submit_item(self.person_id, self.item(index), text, interactive=interactive)


# --- the tab ---------------------------------------------------------------------------------------

class ExamsTab(TabPage):
    TITLE = "考试与测评"
    STAGE = "exam"
    WATCHES = Changed.SCORES | Changed.ROSTER | Changed.STAGES | Changed.SCHEME

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.model = ExamModel(bench, self)
        self.model.ask_reason = self.ask_reason
        self.grades = GradeModel(self.model, self)
        self._modes_chosen = False

        self.exam_mode = QComboBox()
        self.exam_mode.addItems(["总分", "分项（行测·申论·公共基础）"])
        self.dem_mode = QComboBox()
        self.dem_mode.addItems(["五项得分", "等次票数"])
        self.exam_mode.setToolTip("考试按总分录入，或按三个分项录入（总分由分项相加）")
        self.dem_mode.setToolTip("民主测评按德能勤绩廉五项得分录入，或按每项的优秀/称职/基本称职/不称职票数录入")
        self.stage_label = QLabel()
        self.confirm_button = QPushButton("确认本页（Ctrl+Enter）")
        self.confirm_button.clicked.connect(self.confirm_page)
        top = QHBoxLayout()
        top.addWidget(QLabel("考试录入："))
        top.addWidget(self.exam_mode)
        top.addSpacing(16)
        top.addWidget(QLabel("民主测评录入："))
        top.addWidget(self.dem_mode)
        top.addStretch(1)
        top.addWidget(self.stage_label)
        top.addSpacing(12)
        top.addWidget(self.confirm_button)

        self.view = EntryView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)     # 编号 names the row
        self.grade_view = EntryView(self)
        self.grade_view.setModel(self.grades)
        self.grade_view.verticalHeader().setDefaultSectionSize(24)
        self.grade_view.setFixedHeight(24 * 5 + 30)
        self.grade_box = QGroupBox("等次票数")
        grade_layout = QHBoxLayout(self.grade_box)
        grade_layout.setContentsMargins(6, 4, 6, 4)
        grade_layout.addWidget(self.grade_view)
        grade_hint = QLabel("输入每项各等次的票数，回车跳到下一格；\n录完“廉·不称职”自动转到下一人。\n"
                            "F6 回到上方表格。折算：优秀100、称职80、\n基本称职60、不称职0（方案可改）。")
        grade_hint.setStyleSheet("color:#555")
        grade_layout.addWidget(grade_hint)
        grade_layout.addStretch(1)
        for i, width in enumerate((56, 56, 72, 60, 50, 72)):
            self.grade_view.setColumnWidth(i, width)
        self.grade_view.setFixedWidth(sum((56, 56, 72, 60, 50, 72)) + 40)
        self.grade_box.setVisible(False)

        self.hint = QLabel()
        self.hint.setStyleSheet("color:#555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.grade_box)
        layout.addWidget(self.hint)

        self.exam_mode.currentIndexChanged.connect(self._modes_changed)
        self.dem_mode.currentIndexChanged.connect(self._modes_changed)
        self.model.modelReset.connect(self._apply_widths)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._follow_person())
        self.grade_view.end_reached.connect(self._next_person_grades)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.confirm_page)
        focus = QShortcut(QKeySequence("F6"), self)
        focus.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        focus.activated.connect(self.toggle_focus)
        self._apply_widths()
        self._dirty = True       # load when first shown (TabPage starts clean)

    # -- drawing ----------------------------------------------------------------------------------

    def initiators(self) -> tuple[object, ...]:
        return (self, self.model)      # a typed value: its row is already redrawn from the answer

    def refresh(self) -> None:
        grid = exam_grid(self.bench.store)
        self.model.load(grid)
        if not self._modes_chosen:
            self._modes_chosen = True
            self._choose_modes(grid.parts_entered, grid.grades_entered)
        locked = grid.state in ("locked", "published")
        self.stage_label.setText(f"本阶段：{STATE_LABELS[grid.state]}" + ("（不能修改）" if locked else ""))
        self.stage_label.setStyleSheet("color:#b00020;font-weight:bold" if locked else "")
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            cols = self.model.entry_columns()
            self.view.setCurrentIndex(self.model.index(0, cols[0] if cols else 0))
        self._follow_person()
        source = (f"{grid.incomplete} 人尚有未录入的项：按已录入的数据计算，缺项留空" if grid.incomplete
                  else "各项均已录入")
        self.hint.setText(f"输入后按回车保存并跳到下一格 · Delete 清除 · Ctrl+Z 撤销 · Ctrl+Enter 确认本页 · "
                          f"黄色待确认、绿色已确认、红色未保存 · {source}")

    def _choose_modes(self, parts: bool, grades: bool) -> None:
        """Open in the mode the stored data were entered in (parts / grade counts)."""
        self.exam_mode.setCurrentIndex(1 if parts else 0)
        self.dem_mode.setCurrentIndex(1 if grades else 0)

    def _modes_changed(self) -> None:
        current = self.view.currentIndex()
        key = self.model.columns[current.column()].key if current.isValid() else None
        row = current.row()
        self.model.set_modes(self.exam_mode.currentIndex() == 1, self.dem_mode.currentIndex() == 1)
        self.grade_box.setVisible(self.model.grade_mode)
        col = self.model.column_of(key) if key else -1
        cols = self.model.entry_columns()
        if row >= 0:
            self.view.go_to(row, col if col >= 0 else (cols[0] if cols else 0))
        self._follow_person()

    def _apply_widths(self) -> None:
        for i, col in enumerate(self.model.columns):
            self.view.setColumnWidth(i, col.width)

    def _follow_person(self) -> None:
        index = self.view.currentIndex()
        row: ExamGridRow | None = self.model.rows[index.row()] if index.isValid() else None
        self.grades.set_person(row.id if row else None)
        self.grade_box.setTitle(f"等次票数 — {row.name}（{row.id}）" if row else "等次票数")

    # -- actions ----------------------------------------------------------------------------------

    def ask_reason(self, label: str) -> str | None:
        dialog = ReasonDialog("修改已确认的值", f"{label} 已确认。修改须说明理由，理由记入审计日志。", self)
        return dialog.reason.text().strip() if dialog.exec() else None

    def ask_confirm_anyway(self, text: str) -> bool:
        answer = QMessageBox.question(self, "确认本页", text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_page(self) -> None:
        """确认本页: every entered (not yet confirmed) value of every person, at the version shown — a value
        another laptop changed since is not confirmed (the conflict names who). A value typed but not saved
        must be retried or given up first; what is still missing is named and the clerk decides (issue 13)."""
        self.view.finish_editing()
        self.grade_view.finish_editing()
        unsaved = [what for key, what in self.bench.unsaved.items() if isinstance(key, tuple) and key[:1] == ("scores",)]
        if unsaved:
            self.bench.message.emit(f"{'、'.join(unsaved[:5])}{' 等' if len(unsaved) > 5 else ''} 未保存，"
                                    "请先重试（Enter）或放弃（Del），再确认", True)
            return
        keys = self.model.unconfirmed_keys()
        if not keys:
            self.bench.info("本页没有待确认的录入")
            return
        missing = self.model.missing()
        if missing:
            shown = missing[:10] + ([f"……共 {len(missing)} 人"] if len(missing) > 10 else [])
            text = "\n".join([f"以下 {len(missing)} 人尚有未录入的项：", *shown, "",
                              f"仍要确认已录入的 {len(keys)} 项吗？"])
            if not self.ask_confirm_anyway(text):
                self.bench.message.emit(f"未确认：{len(missing)} 人尚有未录入的项", True)
                return
        done = self.bench.run(scores.confirm, keys, what=f"确认本页 {len(keys)} 项 ")
        if done is not FAILED:
            note = f"；尚有 {len(missing)} 人有未录入的项" if missing else ""
            self.bench.info(f"已确认 {done.result} 项录入{note}")

    def toggle_focus(self) -> None:
        if self.grade_view.hasFocus() or not self.grade_box.isVisible():
            self.view.setFocus()
        else:
            self.grade_view.setFocus()
            if not self.grade_view.currentIndex().isValid():
                self.grade_view.go_to(0, 0)

    def _next_person_grades(self) -> None:
        """After 廉·不称职: the next person's 德·优秀."""
        current = self.view.currentIndex()
        if current.isValid() and current.row() + 1 < self.model.rowCount():
            self.view.go_to(current.row() + 1, current.column())
            self.grade_view.go_to(0, 0)
