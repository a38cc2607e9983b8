"""6 定岗推荐计票 (§十一): presence and papers per voter group, then 唱票 (one paper at a time, by its
number, SPEC §10) or count mode (per candidate, post and group); 推荐率, the 1/3 line, 推荐得分 and
each pair's margin update live.

Layout for 1366×768: left — the accounting table (到会 / 印制 / 发出 / 收回 / 已录入 / 作废 / 有效 / 尚缺
/ 核对 per group), the count's state and the 监督组's steps (开票前确认单, 结束计票, 认可差额, 重新打开,
抽查与复核), and the entry (唱票 panel with the 票号 box, or the count-mode helper); right — the count's
margin (SPEC §11), 扫描计票 (SPEC §12: :mod:`.scan_panel`) and every (person, post) pair with its counts
by group and the computed columns. In
count mode the group cells of the right table are typed directly.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QButtonGroup, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QRadioButton,
                               QSplitter, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from ...core.scheme import GROUPS
from ...services import count
from ...services.ballots import BALLOTS
from ...services.recommendation_grid import RecommendationGrid, recommendation_grid
from ...services.store import Changed, StoreError
from .ballot_panel import BallotPanel, restyle, set_text
from .base import TabPage
from .count_panel import CountBar
from .scan_panel import ScanBar
from .recommendation_model import PAPER_ROWS, PairModel, PaperModel


class EntryTableView(QTableView):
    """Any key starts typing; Enter saves and moves to the next cell to fill (down the column, then
    the next column — or along the row); a refused entry keeps the cursor on its cell."""

    def __init__(self, order: str = "column", parent: QWidget | None = None):
        super().__init__(parent)
        self.order = order
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().setDefaultSectionSize(24)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt name
        ok = getattr(self.model(), "last_ok", True)
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and ok:
            self.advance()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not editing \
                and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.advance()
            return
        clear = getattr(self.model(), "clear_cell", None)
        if event.key() == Qt.Key.Key_Delete and not editing and clear is not None and self.currentIndex().isValid():
            clear(self.currentIndex())
            return
        super().keyPressEvent(event)

    def advance(self) -> None:
        model, current = self.model(), self.currentIndex()
        if model is None or not current.isValid():
            return
        rows, cols = model.rowCount(), model.columnCount()
        cells = ([(r, c) for c in range(cols) for r in range(rows)] if self.order == "column"
                 else [(r, c) for r in range(rows) for c in range(cols)])
        here = cells.index((current.row(), current.column()))
        for r, c in cells[here + 1:]:
            index = model.index(r, c)
            if model.flags(index) & Qt.ItemFlag.ItemIsEditable:
                self.setCurrentIndex(index)
                return


class RecommendationTab(TabPage):
    TITLE = "定岗推荐计票"
    STAGE = "recommendation"
    # counts, ballots and papers; names, posts, declarations; 满意度 (SCORES); weights; the ballot's
    # order (DRAW); the lock (STAGES) — not the speech scores, the selection or the projector
    WATCHES = (Changed.BALLOTS | Changed.ROSTER | Changed.DECLARATIONS | Changed.SCORES | Changed.SCHEME
               | Changed.DRAW | Changed.STAGES)

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.grid: RecommendationGrid | None = None
        self.extra: set[tuple[str, str]] = set()     # suggested pairs added in count mode, not yet counted
        self._dirty = True       # read the store when first shown

        self.paper_model = PaperModel(bench, self, answered=self.show_grid)
        self.paper_view = EntryTableView(order="row")
        self.paper_view.setModel(self.paper_model)
        self.paper_view.verticalHeader().setDefaultSectionSize(21)
        self.paper_view.setFixedHeight(len(PAPER_ROWS) * 21 + 28)
        self.count_bar = CountBar(bench, self)
        self.scan_bar = ScanBar(bench, self)
        self.scan_bar.add_shortcuts(self)
        self.paper_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self.ballot_mode = QRadioButton("唱票录入（逐张）")
        self.count_mode = QRadioButton("计数录入（按组汇总）")
        modes = QButtonGroup(self)
        modes.addButton(self.ballot_mode)
        modes.addButton(self.count_mode)
        self.ballot_mode.setChecked(True)
        self.ballot_mode.toggled.connect(self._mode_changed)

        self.ballot_panel = BallotPanel(bench)
        count_page = QWidget()
        count_layout = QVBoxLayout(count_page)
        count_layout.setContentsMargins(0, 4, 0, 0)
        hint = QLabel("在右表各投票组一栏直接键入推荐数，Enter 保存并移到下一行（一列录完转下一组）。"
                      "已唱票的投票组由选票统计，不能在此录入。\n"
                      "选票上建议了其他岗位：在右表选中该人员的一行，在下面“建议岗位”框（Ctrl+J）键入岗位编号后按 Enter，为其添加一行。")
        hint.setWordWrap(True)
        count_layout.addWidget(hint)
        add = QHBoxLayout()
        self.add_person = QLabel("（先在右表选中人员）")
        add.addWidget(QLabel("建议岗位："))
        add.addWidget(self.add_person)
        self.add_post = QLineEdit()
        self.add_post.setPlaceholderText("岗位编号，如 P3")
        self.add_post.setMaximumWidth(140)
        self.add_post.returnPressed.connect(self.add_suggested)
        add.addWidget(self.add_post)
        add_button = QPushButton("添加")
        add_button.clicked.connect(self.add_suggested)
        add.addWidget(add_button)
        jump = QShortcut(QKeySequence("Ctrl+J"), self)
        jump.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        jump.activated.connect(lambda: self.count_mode.isChecked() and self.add_post.setFocus())
        add.addStretch(1)
        count_layout.addLayout(add)
        count_layout.addStretch(1)
        self.entry = QStackedWidget()
        self.entry.addWidget(self.ballot_panel)
        self.entry.addWidget(count_page)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(self.paper_view)
        left_layout.addWidget(self.count_bar)
        mode_row = QHBoxLayout()
        mode_row.addWidget(QLabel("录入方式："))
        mode_row.addWidget(self.ballot_mode)
        mode_row.addWidget(self.count_mode)
        mode_row.addStretch(1)
        left_layout.addLayout(mode_row)
        left_layout.addWidget(self.entry, 1)

        self.pair_model = PairModel(bench, self, answered=self.show_grid)
        self.pair_view = EntryTableView(order="column")
        self.pair_view.setModel(self.pair_model)
        self.pair_view.verticalHeader().hide()
        header = self.pair_view.horizontalHeader()
        for col, width in enumerate((58, 142, 64, 58, 64, 64, 58, 42, 42, 58, 70, 70, 42)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.pair_view.selectionModel().currentChanged.connect(lambda *_: self._update_add_person())
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        margin_row = QHBoxLayout()
        self.margin = QLabel()
        self.margin.setWordWrap(True)
        self.margin.setToolTip("SPEC §11：改变多少张选票可能改变一项由选票决定的结果（三分之一线、岗位人选）；"
                               "“余量”列为各人各岗位的三分之一线余量")
        margin_row.addWidget(self.margin, 1)
        self.margin_button = QPushButton("重算余量")
        self.margin_button.clicked.connect(self.show_margin)
        margin_row.addWidget(self.margin_button)
        self._ballot_only = False
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addLayout(margin_row)
        right_layout.addWidget(self.checks)
        right_layout.addWidget(self.scan_bar)          # on the right: the 唱票 form keeps its rows
        right_layout.addWidget(self.pair_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([500, 830])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._mode_changed()

    # -- redraw ------------------------------------------------------------------------------------

    def initiators(self) -> tuple[object, ...]:
        # A typed number shows the grid its write answered with; a saved ballot (the panel) is followed
        # by one read of the grid, after the projector has painted it.
        return (self, self.paper_model, self.pair_model)

    def on_changed(self, change) -> None:
        # A ballot saved on this panel redraws the grid — not the paper's candidates (unchanged) nor the
        # count's margin (a whole computation, ~0.3 s at 300 people): that waits for the next other
        # change, 重算余量, or the count's close. So do the pages of a scan and the review's decisions.
        if change.started_by(self.ballot_panel, *self.scan_bar.writers()) and change.flags == Changed.BALLOTS:
            self._ballot_only = True
        super().on_changed(change)

    def refresh(self) -> None:
        light, self._ballot_only = self._ballot_only, False
        self.show_grid(recommendation_grid(self.bench.store, ballots_only_since=self.grid if light else None))
        if not light:
            self.show_margin()
            self.scan_bar.show_open()       # after a scan, the bar reads them itself (one ballot: no news)

    def show_margin(self) -> None:
        """The count's margin (SPEC §11) with the decision it belongs to, as the 公示 prints it."""
        try:        # a read beside a redraw: not through bench.run, which would replace bench.last_error
            line = count.margin_line(self.bench.store)
        except StoreError as err:
            self.margin.setText(f"余量未能计算：{getattr(err, 'cause', err)}")
            return
        self.margin.setText(line.words if line.words.startswith("余量") else f"余量：{line.words}")
        self.margin.setStyleSheet("color:#9a5b00;font-weight:bold" if line.ballots is not None and line.ballots <= 5
                                  else "")

    def print_sheet(self, title: str) -> None:
        """The print dialog with ``title`` chosen (开票前确认单, 抽查单)."""
        from ..print_preview import PrintDialog
        PrintDialog(self.bench, self, title=title).exec()

    def show_grid(self, grid: RecommendationGrid) -> None:
        """Show what the services computed: the grid of a refresh, or the answer of a write."""
        if grid.ballot_form is None and self.grid is not None:
            grid = replace(grid, ballot_form=self.grid.ballot_form)
        self.grid = grid
        self.extra = {(p, post) for p, post in self.extra
                      if not any((r.person, r.post) == (p, post) for r in grid.pairs) and post in grid.posts}
        shown = grid.with_suggested(self.extra)
        self.paper_model.set_groups(grid.groups)
        self.pair_model.set_rows(shown.pairs, {g for g, line in grid.groups.items() if line.mode == BALLOTS})
        self.ballot_panel.set_grid(grid)
        self.count_bar.set_grid(grid)
        self._show_checks(grid)
        self._update_add_person()

    def _show_checks(self, grid: RecommendationGrid) -> None:
        lines = grid.warnings
        set_text(self.checks, "\n".join(f"⚠ {x}" for x in lines))
        restyle(self.checks, "color:#9a5b00" if lines else "")
        if self.checks.isHidden() == bool(lines):
            self.checks.setVisible(bool(lines))

    def _mode_changed(self) -> None:
        counting = self.count_mode.isChecked()
        self.entry.setCurrentIndex(1 if counting else 0)
        self.pair_model.set_count_mode(counting)
        self.focus_entry()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        super().showEvent(event)
        self.focus_entry()

    def unsaved_work(self) -> str | None:
        """A paper ballot keyed but not yet saved (Enter) would be lost on closing."""
        panel = self.ballot_panel
        if self.scan_bar.running():
            return "扫描计票：正在扫描，其余的页尚未读（已录入的页已保存）"
        return "定岗推荐票：当前这张票已录入标记但尚未保存" if panel.form.marks or panel.number else None

    def focus_entry(self) -> None:
        # Arriving on the tab (Alt+6), the keys go straight to the entry in use (the 票号 box first).
        if self.count_mode.isChecked():
            self.pair_view.setFocus()
        else:
            self.ballot_panel.focus_entry()

    # -- count mode: a row for a suggested post ------------------------------------------------------

    def _current_person(self) -> str | None:
        index = self.pair_view.currentIndex()
        return self.pair_model.row_at(index.row()).person if index.isValid() else None

    def _update_add_person(self) -> None:
        person = self._current_person()
        self.add_person.setText(self.grid.names.get(person, person) if person and self.grid else "（先在右表选中人员）")

    def add_suggested(self) -> None:
        person, grid = self._current_person(), self.grid
        if person is None or grid is None:
            self.bench.message.emit("请先在右表选中要添加建议岗位的人员", True)
            return
        try:
            post = grid.suggested_post(person, self.add_post.text())
        except StoreError as err:
            self.bench.message.emit(str(err), True)
            return
        name = grid.names.get(person, person)
        row = self.pair_model.find(person, post)
        if row < 0:
            self.extra.add((person, post))
            self.show_grid(grid)
            row = self.pair_model.find(person, post)
            self.bench.info(f"已为{name}添加建议岗位 {post} {grid.posts[post]}，请录入各组推荐数")
        self.add_post.clear()
        first = next((c for c in range(PairModel.COL_GROUP, PairModel.COL_GROUP + len(GROUPS))
                      if self.pair_model.flags(self.pair_model.index(row, c)) & Qt.ItemFlag.ItemIsEditable),
                     PairModel.COL_GROUP)
        self.pair_view.setCurrentIndex(self.pair_model.index(row, first))
        self.pair_view.setFocus()
