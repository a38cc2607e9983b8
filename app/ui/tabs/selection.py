"""8 双向选择: §十五 科员定岗 and §十六 事业人员补充 run live, round by round.

On an office row the clerk types the 编号 of the person the 科长 picks and presses Enter (``0`` + Enter or
Ctrl+Delete = 放弃); Ctrl+Enter 结束本轮 once every 科 has picked or passed. Every rule is the core's
(``app.core.selection``) through ``app.services.selection``; refusals show the service's text.

Picks and passes go through :meth:`Workbench.edit`: 撤销 (Ctrl+Z) withdraws the move with reason “撤销”
(only while its round is open; the withdrawn row stays in the audit log). 领导组安排… records where the
领导组 placed a person who gave up competing for 科长 (§十五(一)), before 科员定岗 starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from ...core import selection as core
from ...services import roster, selection
from ...services.store import Changed, StoreError
from ..table import CENTER, Column, Index, RowTableModel
from .base import TabPage

PASS_KEY = "0"
HOW_TEXT = {core.HOW_PICK: "", core.HOW_KEEP: "（保留）", core.HOW_ORIGIN: "（不轮岗）", core.HOW_LEADERS: "（领导组）"}


@dataclass(frozen=True)
class OfficeLine:
    post: str
    office: str            # 科室 name
    chief: str             # 科长 name
    headcount: int
    seated: int
    full: bool
    this_round: str        # picked name / 放弃 / —
    acted: bool
    signs: str
    seated_names: str


@dataclass(frozen=True)
class PersonLine:
    id: str
    name: str
    declared: str
    former: str


@dataclass(frozen=True)
class SignedRow:
    phase: str
    round_no: int
    post: str
    person: str | None
    chief_signed: bool
    person_signed: bool


def signed_rows(store) -> list[SignedRow]:
    """The stored moves with their signatures."""
    return [SignedRow(m.phase, m.round_no, m.post_id, m.person_id, m.chief_signed, m.person_signed)
            for m in selection.list_picks(store)]


class OfficeModel(RowTableModel):
    """One row per 科 of the selection; the 本轮 cell takes the picked person's 编号 (0 = 放弃)."""

    COLUMNS = (
        Column("office", "科室", lambda r: r.office),
        Column("chief", "科长", lambda r: r.chief),
        Column("count", "核定/已有", lambda r: f"{r.headcount}/{r.seated}", CENTER,
               "核定人数（科长除外）/ 已定岗人数（含不轮岗、领导组确定人员）"),
        Column("round", "本轮", lambda r: r.this_round, CENTER,
               "本轮选择：输入人员编号后按 Enter；0 + Enter 或 Ctrl+Delete 为放弃"),
        Column("signs", "签字", lambda r: r.signs, CENTER, "该科最近一次选择的双方签字确认"),
        Column("seated", "已定岗人员", lambda r: r.seated_names),
    )
    ROUND_COL = 3

    def __init__(self, tab: "SelectionTab"):
        super().__init__(tab)
        self.tab = tab
        self.round_no = 1
        self.last_ok = True

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.ROUND_COL:
            r = self._rows[index.row()]
            if not r.acted and not r.full:
                return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            return ""
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != self.ROUND_COL:
            return False
        raw = str(value).strip()
        if raw == "":
            self.last_ok = False
            return False
        post = self._rows[index.row()].post
        self.last_ok = self.tab.act(post, None if raw == PASS_KEY else raw)
        return self.last_ok


class PersonModel(RowTableModel):
    COLUMNS = (
        Column("id", "编号", lambda r: r.id),
        Column("name", "姓名", lambda r: r.name),
        Column("declared", "申报科室（依次）", lambda r: r.declared),
        Column("former", "原科室", lambda r: r.former),
    )


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
        if current.isValid() and event.text().isdigit() and current.column() != OfficeModel.ROUND_COL:
            self.setCurrentIndex(current.siblingAtColumn(OfficeModel.ROUND_COL))
        super().keyPressEvent(event)

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt name
        super().closeEditor(editor, hint)
        self.tab.after_edit(hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache)


class SelectionTab(TabPage):
    TITLE = "双向选择"
    STAGE = None
    WATCHES = Changed.ROSTER | Changed.STAGES

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.state: core.SelectionState | None = None
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
        self.hint = QLabel("在科室行输入人员编号后按 Enter 选择；0 + Enter 或 Ctrl+Delete 放弃；"
                           "Ctrl+Enter 结束本轮。选择记录不能撤销。")
        self.offices = OfficeModel(self)
        self.view = OfficeView(self)
        self.view.setModel(self.offices)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                  | QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed)
        head = self.view.horizontalHeader()
        for col, width in enumerate((110, 80, 80, 120, 150)):
            self.view.setColumnWidth(col, width)
        head.setSectionResizeMode(len(OfficeModel.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.persons = PersonModel(self)
        self.person_view = QTableView()
        self.person_view.setModel(self.persons)
        self.person_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.person_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.person_view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
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
        self.end_button = QPushButton("结束科员阶段")
        self.chief_button = QPushButton("科长签字")
        self.person_button = QPushButton("本人签字")
        self.leaders_button = QPushButton("领导组安排…")
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
        free = [PersonLine(p.id, names.get(p.id, p.id), "、".join(office_name(d) for d in p.declared),
                           office_name(p.former_office))
                for p in state.persons
                if p.kind == state.phase and state.placement_of(p.id) is None and not p.declined and not p.no_rotation]
        self.persons.set_rows(free)
        phase = selection.PHASE_LABELS[state.phase]
        self.header.setText(f"{phase} 第 {state.round_no} 轮")
        self.person_title.setText(f"尚未定岗的{'科员' if state.phase == core.STAFF else '事业人员'}（{len(free)} 人）")
        self.end_button.setEnabled(state.phase == core.STAFF)

    # -- actions ----------------------------------------------------------------------------------

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
        if self.state is not None and self.bench.run(selection.end_staff_phase):
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
