"""5 竞岗演讲评分: type each judge's score, Enter moves on; the row shows how many judges scored,
which scores are dropped and the trimmed mean (§十). Confirm per candidate; double entry for a
second clerk, who types blind."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QCheckBox, QComboBox, QDialog, QMessageBox,
                               QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from ...core.scheme import GROUP_LABELS
from ...services import scores, speech_grid
from ...services.store import Changed
from ..dialogs import ReasonDialog
from ..table import UNSAVED_ROLE, Column, RowTableModel, UnsavedDelegate
from ..workbench import FAILED
from .base import TabPage
from .speech_model import SpeechScoreModel

ROW_HEIGHT = 24
POSTS_MAX = 250       # two declared posts (统计科科长、信访科科长) fit; the judges' grid keeps the rest
WIDTHS = {"pos": 36, "name": 66, "posts": 128, "judge": 50, "count": 46, "dropped": 168, "mean": 72, "state": 56}


class MismatchModel(RowTableModel):
    COLUMNS = (
        Column("name", "姓名", lambda r: r[0]),
        Column("judge", "评委", lambda r: r[1]),
        Column("first", "第一录入", lambda r: r[2]),
        Column("second", "第二录入（盲录）", lambda r: r[3]),
    )


class ScoreView(QTableView):
    """The judges' part of the grid: typing starts an entry; Enter saves and moves to the next judge,
    then to the next candidate's first judge; a refused score keeps the cell. Ctrl+Enter confirms
    the row, Del clears a score."""

    confirm_requested = Signal(int)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt name
        if editor is not None:
            super().closeEditor(editor, hint)
        model: SpeechScoreModel = self.model()
        if hint != QAbstractItemDelegate.EndEditHint.SubmitModelCache or not model.last_ok:
            return
        current = self.currentIndex()
        if current.column() + 1 < model.col_count:
            self.setCurrentIndex(current.siblingAtColumn(current.column() + 1))
        elif current.row() + 1 < model.rowCount():
            self.setCurrentIndex(model.index(current.row() + 1, model.FIRST_JUDGE))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        model: SpeechScoreModel = self.model()
        current = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier and current.isValid():
            self.confirm_requested.emit(current.row())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers() \
                and current.isValid() and current.data(UNSAVED_ROLE) \
                and self.state() != QAbstractItemView.State.EditingState:
            if model.setData(current, current.data(Qt.ItemDataRole.EditRole)):   # Enter retries what was typed
                self.closeEditor(None, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
            return
        if event.key() == Qt.Key.Key_Delete and current.isValid() and model.is_judge_column(current.column()):
            model.clear_cell(current)
            return
        super().keyPressEvent(event)


class JudgeDialog(QDialog):
    """添加评委: §十 judges are 局领导, 事业单位负责人 and 各县（市、区）局长."""

    def __init__(self, next_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("添加评委")
        form = QFormLayout(self)
        self.judge_id, self.name = QLineEdit(next_id), QLineEdit()
        self.group = QComboBox()
        for g in scores.JUDGE_GROUPS:
            self.group.addItem(GROUP_LABELS[g], g)
        form.addRow("编号", self.judge_id)
        form.addRow("姓名", self.name)
        form.addRow("类别", self.group)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        for edit in (self.judge_id, self.name):
            edit.textChanged.connect(lambda _: ok.setEnabled(bool(self.judge_id.text().strip() and
                                                                  self.name.text().strip())))
        ok.setEnabled(False)


class SideView(QTableView):
    """A fixed part of the grid (names, results) beside the judges' part, row for row."""

    def follow_scrollbar(self, visible: bool, height: int) -> None:
        # Keep the viewport as tall as the judges' part, whose horizontal scroll bar may take room.
        self.setViewportMargins(0, 0, 0, height if visible else 0)


def _linked_view(view: QTableView) -> None:
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
    view.horizontalHeader().setHighlightSections(False)


class SpeechTab(TabPage):
    TITLE = "竞岗演讲评分"
    STAGE = "speech"
    WATCHES = (Changed.SPEECH | Changed.ROSTER | Changed.DECLARATIONS | Changed.DRAW | Changed.STAGES
               | Changed.SCHEME)

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.model = SpeechScoreModel(bench, self)
        self.model.ask_reason = self.ask_reason

        top = QHBoxLayout()
        self.order_label = QLabel()
        self.confirm_button = QPushButton("确认本行(Ctrl+Enter)")
        self.double_entry = QCheckBox("双录入(&D)：第二录入人盲录")
        self.add_judge_button = QPushButton("添加评委…")
        top.addWidget(self.order_label, 1)
        for w in (self.double_entry, self.add_judge_button, self.confirm_button):
            top.addWidget(w)

        # Three views over one model: names (fixed), the judges (scrolls sideways), the results (fixed).
        self.names = SideView()
        self.view = ScoreView()
        self.summary = SideView()
        for v in (self.names, self.view, self.summary):
            v.setModel(self.model)
            _linked_view(v)
        for side in (self.names, self.summary):
            side.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            side.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            side.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            side.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            side.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            side.setTextElideMode(Qt.TextElideMode.ElideRight)
            side.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            side.clicked.connect(self._side_clicked)
            side.verticalScrollBar().valueChanged.connect(self.view.verticalScrollBar().setValue)
            self.view.verticalScrollBar().valueChanged.connect(side.verticalScrollBar().setValue)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setItemDelegate(UnsavedDelegate(self.view))      # an unsaved score stays red under the cursor
        bar = self.view.horizontalScrollBar()
        bar.rangeChanged.connect(lambda lo, hi: [side.follow_scrollbar(hi > lo, bar.sizeHint().height())
                                                 for side in (self.names, self.summary)])
        grid = QHBoxLayout()
        grid.setSpacing(0)
        grid.addWidget(self.names)
        grid.addWidget(self.view, 1)
        grid.addWidget(self.summary)

        self.mismatches = MismatchModel(self)
        self.mismatch_view = QTableView()
        self.mismatch_view.setModel(self.mismatches)
        self.mismatch_view.verticalHeader().setVisible(False)
        self.mismatch_view.horizontalHeader().setStretchLastSection(True)
        for col, width in enumerate((90, 90, 90)):
            self.mismatch_view.setColumnWidth(col, width)
        self.mismatch_box = QGroupBox("双录入不一致（逐项核对后，由第一录入人更正或第二录入人重新盲录）")
        box_layout = QVBoxLayout(self.mismatch_box)
        box_layout.setContentsMargins(6, 4, 6, 4)
        box_layout.addWidget(self.mismatch_view)
        self.mismatch_box.setMaximumHeight(140)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        layout.addWidget(self.mismatch_box)

        self.confirm_button.clicked.connect(lambda: self.confirm_row(self.view.currentIndex().row()))
        self.view.confirm_requested.connect(self.confirm_row)
        self.double_entry.toggled.connect(self._toggle_double_entry)
        self.add_judge_button.clicked.connect(self.add_judge)
        self.model.blind_entered.connect(self._refresh_mismatches)
        self.model.modelReset.connect(self._arrange_columns)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._follow_row(cur.row()))

    # -- reading -------------------------------------------------------------------------------

    def initiators(self) -> tuple[object, ...]:
        return (self, self.model)      # a typed score: its row is already redrawn from the answer

    def refresh(self) -> None:
        grid = speech_grid.speech_grid(self.bench.store)
        self.model.load(grid)
        self.order_label.setText(grid.order_note)
        self.double_entry.blockSignals(True)
        self.double_entry.setChecked(grid.double_entry)
        self.double_entry.blockSignals(False)
        self.confirm_button.setEnabled(not grid.double_entry)
        self._show_mismatches(grid.mismatches)
        if not self.view.currentIndex().isValid() and grid.rows and grid.judges:
            self.view.setCurrentIndex(self.model.index(0, self.model.FIRST_JUDGE))

    def _refresh_mismatches(self) -> None:
        self._show_mismatches(speech_grid.speech_grid(self.bench.store).mismatches)

    def _show_mismatches(self, mismatches) -> None:
        rows = [(m.name, m.judge, m.first, m.second) for m in mismatches]
        self.mismatches.set_rows(rows)
        self.mismatch_box.setVisible(self.model.double_entry or bool(rows))
        if rows:
            self.mismatch_box.setTitle(f"双录入不一致 {len(rows)} 项（核对原始评分表后更正或重新盲录）")

    def _text_width(self, col: int, least: int, most: int) -> int:
        """Wide enough for the longest text of ``col`` (names and declared posts are never clipped where
        the screen allows), between ``least`` and ``most`` pixels; the tooltip has the rest."""
        metrics = self.names.fontMetrics()
        longest = max((metrics.horizontalAdvance(str(self.model.index(r, col).data() or ""))
                       for r in range(self.model.rowCount())), default=0)
        return max(least, min(most, longest + 14))

    def _arrange_columns(self) -> None:
        m = self.model
        fixed_left = (m.COL_POS, m.COL_NAME, m.COL_POSTS)
        right = (m.col_count, m.col_dropped, m.col_mean, m.col_state)
        widths = dict(zip(fixed_left + right, (WIDTHS["pos"], self._text_width(m.COL_NAME, WIDTHS["name"], 120),
                                              self._text_width(m.COL_POSTS, WIDTHS["posts"], POSTS_MAX),
                                              WIDTHS["count"], WIDTHS["dropped"], WIDTHS["mean"], WIDTHS["state"])))
        for col in range(m.columnCount()):
            self.names.setColumnHidden(col, col not in fixed_left)
            self.summary.setColumnHidden(col, col not in right)
            self.view.setColumnHidden(col, not m.is_judge_column(col))
            for v in (self.names, self.view, self.summary):
                v.setColumnWidth(col, widths.get(col, WIDTHS["judge"]))
        frame = 2 * self.names.frameWidth()
        self.names.setFixedWidth(sum(widths[c] for c in fixed_left) + frame)
        self.summary.setFixedWidth(sum(widths[c] for c in right) + frame)

    # -- actions -------------------------------------------------------------------------------

    def _side_clicked(self, index) -> None:
        if self.model.judges():
            col = self.view.currentIndex().column()
            self.view.setCurrentIndex(self.model.index(index.row(), col if self.model.is_judge_column(col)
                                                       else self.model.FIRST_JUDGE))
        self.view.setFocus()

    def _follow_row(self, row: int) -> None:
        for side in (self.names, self.summary):
            if row < 0:
                side.clearSelection()
            else:
                side.selectRow(row)

    def ask_reason(self, prompt: str) -> str | None:
        dialog = ReasonDialog("修改已确认的评分", prompt, self)
        return dialog.reason.text().strip() if dialog.exec() else None

    def confirm_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        name = self.model.row_at(row).name
        pending = self.model.confirm_rows(row)
        unsaved = self.model.unsaved_judges(row)
        if unsaved:
            self.bench.message.emit(f"{name}：{'、'.join(unsaved)} 的评分未保存，请先重试（F2 后 Enter）或放弃（Del），"
                                    "再确认", True)
            return
        if not pending:
            self.bench.info(f"{name}：没有待确认的评分")
            return
        missing = self.model.missing_judges(row)
        if missing:
            No, Yes = QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes
            scored = len(self.model.judges()) - len(missing)
            answer = QMessageBox.question(
                self, "确认评分", f"{name} 只有 {scored}/{len(self.model.judges())} 位评委的评分，"
                f"缺 {'、'.join(missing[:10])}{' 等' if len(missing) > 10 else ''}。\n\n仍要确认已录入的 "
                f"{len(pending)} 个评分吗？", Yes | No, No)
            if answer != Yes:
                self.bench.message.emit(f"{name}：未确认（缺 {len(missing)} 位评委的评分）", True)
                return
        if self.bench.run(scores.confirm, pending, what=f"确认 {name} 的 {len(pending)} 个评分") is not FAILED:
            self.bench.info(f"{name}：已确认 {len(pending)} 个评分")

    def _toggle_double_entry(self, on: bool) -> None:
        if self.bench.run(scores.set_double_entry, on, expected=not on, what="切换双录入模式") is FAILED:
            self.double_entry.blockSignals(True)
            self.double_entry.setChecked(not on)
            self.double_entry.blockSignals(False)
            return
        self.bench.info("双录入模式已开启：第二录入人看不到第一录入的分数，盲录一致即确认" if on else "双录入模式已关闭")

    def add_judge(self) -> None:
        judges = self.model.judges()
        dialog = JudgeDialog(f"J{len(judges) + 1:02d}", self)
        if dialog.exec() and self.bench.run(scores.save_judge, dialog.judge_id.text().strip(),
                                             dialog.name.text().strip(), dialog.group.currentData()) is not FAILED:
            self.bench.info(f"已添加评委 {dialog.name.text().strip()}")
