"""8 双向选择: §十五 科员定岗 and §十六 事业人员补充 run live, round by round.

Before a phase's first move the clerk types each person's 申报科室 in the right-hand table (Ctrl+D goes
there): 岗位编号 or 科室 names, first choice first, Enter saves and moves down, Delete removes. On an office row the clerk types the 编号 of the person the 科长 picks and presses Enter (``0`` + Enter or
Ctrl+Delete = 放弃); Ctrl+Enter 结束本轮 once every 科 has picked or passed. Every rule is the core's
(``app.core.selection``) through ``app.services.selection``; refusals show the service's text.

Declarations, picks and passes go through :meth:`Workbench.edit` with what the clerk saw (the
declaration's version, the open round): another laptop's change since is a conflict naming who. 撤销
(Ctrl+Z) is the services' undo, checked by the selection's own rules (only while the round is open;
the row stays in the audit log). What a write could not save stays in its cell, marked 未保存.
领导组安排… records where the 领导组 placed a person who gave up competing for 科长 (§十五(一)), before
科员定岗 starts. The tab shows the view the services compute (:mod:`app.services.selection_grid`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from ...services import selection
from ...services.selection_grid import PersonLine, SelectionView, selection_view
from ...services.store import Changed, Wrote
from ..workbench import FAILED, failure_cause
from .base import TabPage
from .selection_model import OfficeModel, OfficeView, PersonModel, PersonView


class SelectionTab(TabPage):
    TITLE = "双向选择"
    STAGE = "selection"               # under the same locks and seals as every stage (SPEC §9)
    # the moves; names, posts and 核定人数; and whatever fixes the 科长 (the published assignment)
    WATCHES = (Changed.SELECTION | Changed.ROSTER | Changed.STAGES | Changed.SCORES | Changed.DECLARATIONS
               | Changed.SPEECH | Changed.BALLOTS | Changed.SCHEME)

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.shown = SelectionView()
        self._editing = False
        self._answer: SelectionView | None = None      # an answer that came while the editor was open
        self.stack = QStackedWidget()
        self.refused = QLabel()
        self.refused.setWordWrap(True)
        self.refused.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.refused.setObjectName("selectionRefused")

        page = QWidget()
        self.header = QLabel()
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.header.setFont(font)
        self.hint = QLabel("先在右表“申报科室”录入各人申报（岗位编号或科室名，Ctrl+D 转到右表）；"
                           "再在科室行输入人员编号后按 Enter 选择；0 + Enter 或 Ctrl+Delete 放弃；"
                           "Ctrl+Enter 结束本轮；Ctrl+Z 撤回本轮的一次选择。")
        self.hint.setWordWrap(True)
        self.offices = OfficeModel(self)
        self.view = OfficeView(self)
        self.view.setModel(self.offices)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        head = self.view.horizontalHeader()
        for col, width in enumerate((48, 100, 70, 76, 110, 130)):
            self.view.setColumnWidth(col, width)
        head.setSectionResizeMode(len(OfficeModel.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.persons = PersonModel(self)
        self.person_view = PersonView(self, move="down")
        self.person_view.setModel(self.persons)
        self.person_view.verticalHeader().setVisible(False)
        for col, width in enumerate((60, 70, 200)):
            self.person_view.setColumnWidth(col, width)
        self.person_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.person_title = QLabel()

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(QLabel("科室（本轮选择）"))
        lv.addWidget(self.view)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.person_title)
        rv.addWidget(self.person_view)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([780, 540])

        self.close_button = QPushButton("结束本轮（Ctrl+Enter）")
        self.end_button = QPushButton("结束科员阶段(&J)…")
        self.chief_button = QPushButton("科长签字(&K)")
        self.person_button = QPushButton("本人签字(&R)")
        self.leaders_button = QPushButton("领导组安排(&L)…")
        self.leaders_button.clicked.connect(self.place_by_leaders)
        self.close_button.clicked.connect(self.close_round)
        self.end_button.clicked.connect(self.end_staff_phase)
        self.chief_button.clicked.connect(lambda: self.sign("chief"))
        self.person_button.clicked.connect(lambda: self.sign("person"))
        buttons = QHBoxLayout()
        for b in (self.close_button, self.end_button, self.chief_button, self.person_button,
                  self.leaders_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        pv = QVBoxLayout(page)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addWidget(self.header)
        pv.addWidget(self.hint)
        pv.addWidget(split, 1)
        pv.addLayout(buttons)
        self.stack.addWidget(page)
        self.stack.addWidget(self.refused)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        declare_key = QShortcut(QKeySequence("Ctrl+D"), self)
        declare_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        declare_key.activated.connect(self.focus_declarations)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(keys), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(self.close_round)

    # -- drawing ----------------------------------------------------------------------------------

    def initiators(self) -> tuple[object, ...]:
        return (self,)       # every write of the tab answers with the new view, shown at once

    def refresh(self) -> None:
        self.show_view(selection_view(self.bench.store))

    def show_view(self, view: SelectionView) -> None:
        """Show what the services computed (a refresh, or the answer of a write)."""
        if self._editing:              # drawn once the editor is closed
            self._answer = view
            return
        self.shown = view
        if view.refused is not None:
            self.refused.setText(view.refused)
            self.stack.setCurrentWidget(self.refused)
            self.offices.set_rows([])
            self.persons.set_rows([])
            return
        self.stack.setCurrentIndex(0)
        row = max(self.view.currentIndex().row(), 0)
        self.offices.set_rows(list(view.offices))
        if view.offices:
            self.view.setCurrentIndex(self.offices.index(min(row, len(view.offices) - 1), OfficeModel.ROUND_COL))
        person_index = self.person_view.currentIndex()
        self.persons.set_rows(list(view.persons))
        if view.persons:
            row = min(max(person_index.row(), 0), len(view.persons) - 1)
            self.person_view.setCurrentIndex(self.persons.index(row, PersonModel.DECLARED_COL))
        self.header.setText(view.header)
        self.person_title.setText(view.persons_title)
        self.end_button.setEnabled(view.phase == "staff")

    # -- actions ----------------------------------------------------------------------------------

    def office_names(self) -> dict[str, str]:
        """post id → 科室 name of the offices of the selection (for typing 申报科室)."""
        return dict(self.shown.office_names or {})

    def focus_declarations(self) -> None:
        """Ctrl+D: to the 申报科室 cell of the first person who has not declared (else the current one)."""
        rows = self.persons.rows()
        if not rows:
            return
        first = next((i for i, r in enumerate(rows) if not r.declared_ids), None)
        row = first if first is not None else max(self.person_view.currentIndex().row(), 0)
        self.person_view.setFocus()
        self.person_view.go_to(row, PersonModel.DECLARED_COL)

    def _answered(self, result) -> None:
        if isinstance(result, Wrote) and isinstance(result.result, SelectionView):
            self.show_view(result.result)

    def declare(self, line: PersonLine, posts: list[str], *, typed: str = "") -> bool:
        """Save ``line``'s declared 科室 (empty = remove) as an undoable edit, against the version shown."""
        if self.shown.refused is not None or not self.shown.phase:
            return False
        if posts == list(line.declared_ids) and self.persons.unsaved.text(("declared", line.id)) is None:
            return True
        names = self.office_names()
        label = f"{line.name}（{line.id}）申报科室"
        if posts:
            what = f"{label} {'、'.join(names.get(x, x) for x in posts)} "
            result = self.bench.edit(selection.set_choice, line.id, self.shown.phase, posts, initiator=self,
                                     what=what, expected_version=line.version)
        else:
            what = f"删除 {label} "
            result = self.bench.edit(selection.clear_choice, line.id, initiator=self, what=what,
                                     expected_version=line.version)
        key = ("declared", line.id)
        if result is FAILED:
            if typed:
                self.persons.unsaved.put(key, typed, label, failure_cause(self.bench.last_error))
                row = next((i for i, r in enumerate(self.persons.rows()) if r.id == line.id), -1)
                if row >= 0:
                    index = self.persons.index(row, PersonModel.DECLARED_COL)
                    self.persons.dataChanged.emit(index, index)
            return False
        self.persons.unsaved.saved(key)
        self._answered(result)
        return True

    def act(self, post: str, person: str | None, *, typed: str = "") -> bool:
        """科 ``post`` picks ``person`` (None = 放弃) in the open round the clerk sees."""
        view = self.shown
        if view.refused is not None or not view.phase:
            return False
        office = next((r.office for r in view.offices if r.post == post), post)
        editing = self.view.state() == QAbstractItemView.State.EditingState
        self._editing = editing          # a redraw meanwhile (a conflict shows the other laptop's move) waits
        key = ("round", post)
        try:
            if person is None:
                result = self.bench.edit(selection.pass_, view.round_no, post, initiator=self,
                                         what=f"{office} 第{view.round_no}轮放弃 ", expected_round=view.open_round)
            else:
                result = self.bench.edit(selection.pick, view.round_no, post, person, initiator=self,
                                         what=f"{office} 第{view.round_no}轮选择 {person} ",
                                         expected_round=view.open_round)
        finally:
            self._editing = False
        if result is FAILED:
            if typed:
                self.offices.unsaved.put(key, typed, f"{office} 第{view.round_no}轮的选择",
                                         failure_cause(self.bench.last_error))
                self.offices.post_changed(post)
            return False
        self.offices.unsaved.saved(key)
        if isinstance(result, Wrote) and isinstance(result.result, SelectionView):
            if editing:
                self._answer = result.result         # shown by after_edit, once the editor has closed
            else:
                self.show_view(result.result)
        return True

    def after_edit(self, submitted: bool) -> None:
        """The office cell's editor has closed: show what came while it was open."""
        answer, self._answer = self._answer, None
        if answer is not None:
            self.show_view(answer)
            if submitted and self.offices.last_ok:
                self._next_open_row()

    def _next_open_row(self) -> None:
        rows = self.offices.rows()
        start = max(self.view.currentIndex().row(), 0)
        for i in list(range(start, len(rows))) + list(range(0, start)):
            if not rows[i].acted and not rows[i].full:
                self.view.setCurrentIndex(self.offices.index(i, OfficeModel.ROUND_COL))
                return

    def close_round(self) -> None:
        view = self.shown
        if view.refused is not None or not view.phase:
            return
        result = self.bench.run(selection.close_round, initiator=self, what=f"结束第{view.round_no}轮 ",
                                expected_round=view.open_round)
        if result is not FAILED:
            self._answered(result)
            self.bench.info(f"已结束第{view.round_no}轮，开始第{view.round_no + 1}轮")
            self._next_open_row()

    def end_staff_phase(self) -> None:
        view = self.shown
        if view.refused is not None or view.phase != "staff":
            return
        free = self.persons.rowCount()
        answer = QMessageBox.question(
            self, "结束科员定岗",
            f"结束科员定岗后不能再选择科员；尚未定岗的 {free} 名科员将由领导组安排岗位（第十五条（六））。\n\n"
            "确定结束科员定岗，开始事业人员补充吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        result = self.bench.run(selection.end_staff_phase, initiator=self, what="结束科员定岗 ",
                                expected_round=view.open_round)
        if result is not FAILED:
            self._answered(result)
            self.bench.info("科员定岗已结束，开始事业人员补充第 1 轮")

    def sign(self, side: str) -> None:
        if self.shown.refused is not None:
            return
        current = self.view.currentIndex()
        if not current.isValid():
            self.bench.message.emit("请先选中一个科室", True)
            return
        line = self.offices.row_at(current.row())
        last = line.last
        if last is None:
            self.bench.message.emit(f"{line.office} 尚无选择记录，不能签字", True)
            return
        who = "科长" if side == "chief" else "本人"
        result = self.bench.run(selection.sign, last.phase, last.round_no, last.post, side, initiator=self,
                                what=f"{line.office} 第{last.round_no}轮{who}签字 ", expected_version=last.version)
        if result is not FAILED:
            self._answered(result)
            self.bench.info(f"已保存：{line.office} 第{last.round_no}轮 {who}签字")

    def ask_leaders_placement(self) -> tuple[str, str | None] | None:
        """(person 编号, office post id or None) from a small dialog; None if cancelled. Tests replace it."""
        dlg = QDialog(self)
        dlg.setWindowTitle("领导组安排")
        person, office = QLineEdit(), QLineEdit()
        office.setPlaceholderText("留空 = 由领导组另行安排")
        form = QFormLayout(dlg)
        form.addRow("人员编号", person)
        form.addRow("科室（科长岗位编号）", office)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dlg.accept)
        box.rejected.connect(dlg.reject)
        form.addRow(box)
        if dlg.exec() != QDialog.DialogCode.Accepted or not person.text().strip():
            return None
        return person.text().strip(), office.text().strip() or None

    def place_by_leaders(self) -> None:
        answer = self.ask_leaders_placement()
        if answer is None:
            return
        person, office = answer
        result = self.bench.run(selection.place_by_leaders, person, office, initiator=self,
                                what=f"{person} 由领导组安排{'至 ' + office if office else ''} ")
        if result is not FAILED:
            self._answered(result)
            self.bench.info(f"已保存：{result.label}")
