"""8 双向选择: §十五 科员定岗 and §十六 事业人员补充 run live, round by round.

Before a phase's first move the clerk types each person's 申报科室 in the right-hand table (Ctrl+D goes
there): 岗位编号 or 科室 names, first choice first, Enter saves and moves down, Delete removes. On an office row the clerk types the 编号 of the person the 科长 picks and presses Enter (``0`` + Enter or
Ctrl+Delete = 放弃); Ctrl+Enter 结束本轮 once every 科 has picked or passed. Every rule is the core's
(``app.core.selection``) through ``app.services.selection``; refusals show the service's text.

Picks and passes go through :meth:`Workbench.edit`: 撤销 (Ctrl+Z) withdraws the move with reason “撤销”
(only while its round is open; the withdrawn row stays in the audit log). 领导组安排… records where the
领导组 placed a person who gave up competing for 科长 (§十五(一)), before 科员定岗 starts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QMessageBox, QPushButton, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from ...core import selection as core
from ...services import roster, selection
from ...services.store import Changed, StoreError
from .base import TabPage
from .selection_model import HOW_TEXT, OfficeLine, OfficeModel, OfficeView, PersonLine, PersonModel, PersonView, signed_rows


class SelectionTab(TabPage):
    TITLE = "双向选择"
    STAGE = "selection"               # under the same locks and seals as every stage (SPEC §9)
    WATCHES = Changed.ROSTER | Changed.STAGES

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.state: core.SelectionState | None = None
        self._office_names: dict[str, str] = {}
        self._editing = False
        self._pending = False
        self._after = False
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

    def refresh(self) -> None:
        if self._editing:              # redraw once the editor is closed
            self._pending = True
            return
        store = self.bench.store
        try:
            state = selection.load_state(store)
        except StoreError as err:
            self.state = None
            self.refused.setText(str(err))
            self.stack.setCurrentWidget(self.refused)
            self.offices.set_rows([])
            self.persons.set_rows([])
            return
        self.state = state
        self.stack.setCurrentIndex(0)
        names = roster.names(store)
        posts = {p.id: p for p in roster.list_posts(store)}
        chiefs = selection.chiefs(store)

        def office_name(post_id: str | None) -> str:
            if post_id is None:
                return ""
            p = posts.get(post_id)
            return (p.office or p.name) if p is not None else post_id

        signed = [r for r in signed_rows(store) if r.phase == state.phase]
        acted = state.acted()
        lines = []
        for o in state.offices:
            a = acted.get(o.name)
            this = "—" if a is None else ("放弃" if a.person is None else f"{a.person} {names.get(a.person, '')}")
            if a is None and state.seated(o.name) >= o.headcount:
                this = "已满"
            last = max((r for r in signed if r.post == o.name), key=lambda r: r.round_no, default=None)
            signs = ""
            if last is not None:
                signs = "科长" + ("✓" if last.chief_signed else "未签")
                if last.person is not None:
                    signs += " 本人" + ("✓" if last.person_signed else "未签")
                if last.round_no != state.round_no:
                    signs = f"第{last.round_no}轮 " + signs
            seated = [f"{names.get(s.person, s.person)}{HOW_TEXT.get(s.how, '')}"
                      for s in state.placements if s.office == o.name]
            lines.append(OfficeLine(o.name, office_name(o.name), names.get(chiefs.get(o.name, ""), ""),
                                    o.headcount, state.seated(o.name), state.seated(o.name) >= o.headcount,
                                    this, a is not None, signs, "、".join(seated)))
        row = max(self.view.currentIndex().row(), 0)
        self.offices.set_rows(lines)
        if lines:
            self.view.setCurrentIndex(self.offices.index(min(row, len(lines) - 1), OfficeModel.ROUND_COL))
        self._office_names = {o.name: office_name(o.name) for o in state.offices}
        open_ = not any(m.phase == state.phase for m in signed)
        free = [PersonLine(p.id, names.get(p.id, p.id), "、".join(office_name(d) for d in p.declared),
                           office_name(p.former_office), tuple(p.declared), open_)
                for p in state.persons
                if p.kind == state.phase and state.placement_of(p.id) is None and not p.declined and not p.no_rotation]
        person_index = self.person_view.currentIndex()
        self.persons.set_rows(free)
        if free:
            row = min(max(person_index.row(), 0), len(free) - 1)
            self.person_view.setCurrentIndex(self.persons.index(row, PersonModel.DECLARED_COL))
        phase = selection.PHASE_LABELS[state.phase]
        self.header.setText(f"{phase} 第 {state.round_no} 轮")
        undeclared = sum(1 for f in free if not f.declared_ids)
        who = "科员" if state.phase == core.STAFF else "事业人员"
        self.person_title.setText(f"尚未定岗的{who}（{len(free)} 人" + (f"，{undeclared} 人未申报" if undeclared else "")
                                  + "）" + ("　申报科室可修改（Ctrl+D）" if open_ else "　申报已截止"))
        self.end_button.setEnabled(state.phase == core.STAFF)

    # -- actions ----------------------------------------------------------------------------------

    def office_names(self) -> dict[str, str]:
        """post id → 科室 name of the offices of the selection (for typing 申报科室)."""
        return dict(self._office_names)

    def focus_declarations(self) -> None:
        """Ctrl+D: to the 申报科室 cell of the first person who has not declared (else the current one)."""
        rows = self.persons.rows()
        if not rows:
            return
        first = next((i for i, r in enumerate(rows) if not r.declared_ids), None)
        row = first if first is not None else max(self.person_view.currentIndex().row(), 0)
        self.person_view.setFocus()
        self.person_view.go_to(row, PersonModel.DECLARED_COL)

    def declare(self, line: PersonLine, posts: list[str]) -> bool:
        """Save ``line``'s declared 科室 (empty = remove) as an undoable edit."""
        if self.state is None:
            return False
        old = list(line.declared_ids)
        if posts == old:
            return True
        phase, pid = self.state.phase, line.id

        def put(value: list[str]):
            if value:
                return lambda store: selection.set_choice(store, pid, phase, value)
            return lambda store: selection.clear_choice(store, pid)
        label = f"{line.name}（{pid}）申报科室"
        names = self._office_names
        text = f"{label}：{'、'.join(names.get(x, x) for x in posts)}" if posts else f"删除 {label}"
        return self.bench.edit(text, put(posts), put(old))

    def act(self, post: str, person: str | None) -> bool:
        """科 ``post`` picks ``person`` (None = 放弃) in the open round."""
        if self.state is None:
            return False
        round_no = self.state.round_no
        office = next((r.office for r in self.offices.rows() if r.post == post), post)
        self._editing = self.view.state() == QAbstractItemView.State.EditingState
        phase = self.state.phase

        def withdraw(store):
            return selection.withdraw(store, phase, round_no, post, reason="撤销")

        try:
            if person is None:
                text = f"{office} 第{round_no}轮放弃"
                ok = self.bench.edit(text, lambda store: selection.pass_(store, round_no, post), withdraw)
            else:
                text = f"{office} 第{round_no}轮选择 {person}"
                ok = self.bench.edit(text, lambda store: selection.pick(store, round_no, post, person), withdraw)
        finally:
            self._editing = False
        if self._pending:
            self._pending = False
            self._after = True
        return bool(ok)

    def after_edit(self, submitted: bool) -> None:
        if self._after:
            self._after = False
            self.refresh()
            if submitted:
                self._next_open_row()

    def _next_open_row(self) -> None:
        rows = self.offices.rows()
        start = max(self.view.currentIndex().row(), 0)
        for i in list(range(start, len(rows))) + list(range(0, start)):
            if not rows[i].acted and not rows[i].full:
                self.view.setCurrentIndex(self.offices.index(i, OfficeModel.ROUND_COL))
                return

    def close_round(self) -> None:
        if self.state is None:
            return
        round_no = self.state.round_no
        if self.bench.run(selection.close_round):
            self.bench.info(f"已结束第{round_no}轮，开始第{round_no + 1}轮")
            self._next_open_row()

    def end_staff_phase(self) -> None:
        if self.state is None or self.state.phase != core.STAFF:
            return
        free = self.persons.rowCount()
        answer = QMessageBox.question(
            self, "结束科员定岗",
            f"结束科员定岗后不能再选择科员；尚未定岗的 {free} 名科员将由领导组安排岗位（第十五条（六））。\n\n"
            "确定结束科员定岗，开始事业人员补充吗？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.bench.run(selection.end_staff_phase):
            self.bench.info("科员定岗已结束，开始事业人员补充第 1 轮")

    def sign(self, side: str) -> None:
        if self.state is None:
            return
        current = self.view.currentIndex()
        if not current.isValid():
            self.bench.message.emit("请先选中一个科室", True)
            return
        line = self.offices.row_at(current.row())
        mine = [r for r in signed_rows(self.bench.store) if r.phase == self.state.phase and r.post == line.post]
        if not mine:
            self.bench.message.emit(f"{line.office} 尚无选择记录，不能签字", True)
            return
        last = max(mine, key=lambda r: r.round_no)
        if self.bench.run(selection.sign, last.phase, last.round_no, last.post, side):
            who = "科长" if side == "chief" else "本人"
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
        if self.bench.run(selection.place_by_leaders, person, office):
            self.bench.info(f"已保存：{person} 由领导组安排" + (f"至 {office}" if office else ""))
