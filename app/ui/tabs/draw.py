"""4 抽签: fix and show the candidate list with its digest, then draw with the 监督组's seed (or
record the paper slips), and show how anyone can check it (SPEC §5).

A draw refers to the list digest shown and to the draw on the screen (compare-and-set): another
laptop having drawn meanwhile is said with who did it, and nothing is recorded. A draw that could not
be saved keeps the typed seed (or the slip numbers) and says 未保存 until a retry saves it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QButtonGroup, QComboBox, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QPushButton, QRadioButton, QTableView, QVBoxLayout,
                               QWidget)

from ...services import draws
from ...services.store import Changed
from ..dialogs import ReasonDialog
from ..table import UNSAVED_BG, UNSAVED_FG
from ..workbench import FAILED, failure_cause
from .base import TabPage
from .draw_model import KEY_FONT_SMALLER, CandidateModel, HistoryModel, OrderModel, check_command, mono_font


class SlipView(QTableView):
    """Enter commits the slip number and moves down to the next person."""

    def closeEditor(self, editor, hint) -> None:  # noqa: N802 - Qt name
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache and getattr(self.model(), "last_ok", True):
            current = self.currentIndex()
            if current.row() + 1 < self.model().rowCount():
                self.setCurrentIndex(current.siblingAtRow(current.row() + 1))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        current = self.currentIndex()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and current.isValid() \
                and self.model().flags(current) & Qt.ItemFlag.ItemIsEditable:
            self.model().setData(current, "")
            return
        super().keyPressEvent(event)


class DrawTab(TabPage):
    TITLE = "抽签"
    STAGE = "draw"
    WATCHES = Changed.ROSTER | Changed.DECLARATIONS | Changed.DRAW | Changed.STAGES

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self._drafts: dict[str, dict[str, int]] = {}   # meeting → slip numbers typed so far
        self._digest = ""
        self._record: draws.DrawRecord | None = None
        self._unsaved: dict[str, str] = {}               # meeting → why its draw is not saved
        self._pick_mode = True                          # follow the recorded draw's method once per meeting
        mono = mono_font()

        top = QHBoxLayout()
        label = QLabel("会议(&M)：")
        self.meeting = QComboBox()
        self.meeting.addItems(list(draws.MEETINGS))
        label.setBuddy(self.meeting)
        self.program_mode = QRadioButton("程序抽签(&C)")
        self.paper_mode = QRadioButton("纸签录入(&A)")
        self.program_mode.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.program_mode)
        modes.addButton(self.paper_mode)
        self.state = QLabel()
        for w in (label, self.meeting, self.program_mode, self.paper_mode):
            top.addWidget(w)
        top.addSpacing(16)
        top.addWidget(self.state, 1)

        digest_row = QHBoxLayout()
        digest_row.addWidget(QLabel("候选名单摘要（抽签前公布）："))
        self.digest = QLabel()
        self.digest.setFont(mono)
        self.digest.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        digest_row.addWidget(self.digest, 1)

        # 1 — the fixed list (and the paper slips)
        self.candidates = CandidateModel(self)
        self.candidate_view = SlipView()
        self.candidate_view.setModel(self.candidates)
        self.candidate_view.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                                            | QAbstractItemView.EditTrigger.DoubleClicked
                                            | QAbstractItemView.EditTrigger.EditKeyPressed)
        self._size_columns(self.candidate_view, (30, 54, 70, 80, 56))
        self.candidate_view.horizontalHeader().setStretchLastSection(True)
        self.save_paper_button = QPushButton("记录纸签顺序")
        left = self._box("候选名单", self.candidate_view, self.save_paper_button)

        # 2 — seed and result
        self.seed = QLineEdit()
        self.seed.setPlaceholderText("监督组现场公布的种子")
        self.seed.setFont(mono)
        self.draw_button = QPushButton("抽签")
        seed_row = QHBoxLayout()
        seed_label = QLabel("种子(&S)：")
        seed_label.setBuddy(self.seed)
        seed_row.addWidget(seed_label)
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.draw_button)
        self.order = OrderModel(self)
        OrderModel.key_font = mono_font(KEY_FONT_SMALLER)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.order_view = QTableView()
        self.order_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.order_view.setModel(self.order)
        self.order_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.order_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._size_columns(self.order_view, (44, 64, 76))
        self.order_view.horizontalHeader().setStretchLastSection(True)
        self.unsaved_label = QLabel()
        self.unsaved_label.setWordWrap(True)
        self.unsaved_label.setStyleSheet(f"background:{UNSAVED_BG};color:{UNSAVED_FG};padding:2px")
        self.unsaved_label.hide()
        middle = self._box("抽签顺序", seed_row, self.unsaved_label, self.hint, self.order_view)

        # 3 — the check and the history
        self.command = QLineEdit()
        self.command.setReadOnly(True)
        self.command.setFont(mono)
        self.command_all = QLineEdit()
        self.command_all.setReadOnly(True)
        self.command_all.setFont(mono)
        self.check_button = QPushButton("复核(&V)")
        self.check_result = QLabel()
        self.check_result.setWordWrap(True)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.check_result, 1)
        self.history = HistoryModel(self)
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        self._size_columns(self.history_view, (40, 64, 70, 52))
        self.history_view.horizontalHeader().setStretchLastSection(True)
        right = self._box("复核与记录", QLabel("选中一行，按此命令可手工重算其密钥："), self.command,
                          QLabel("全部重算（本程序命令行）："), self.command_all, check_row,
                          QLabel("抽签记录（重抽保留原记录）："), self.history_view)

        columns = QHBoxLayout()
        columns.addWidget(left, 24)
        columns.addWidget(middle, 49)
        columns.addWidget(right, 27)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(digest_row)
        layout.addLayout(columns, 1)

        self.meeting.currentIndexChanged.connect(self._meeting_changed)
        self.paper_mode.toggled.connect(self._mode_toggled)
        self.seed.returnPressed.connect(self.do_draw)
        self.seed.textChanged.connect(lambda _: self._update_commands())
        self.draw_button.clicked.connect(self.do_draw)
        self.check_button.clicked.connect(self.do_check)
        self.save_paper_button.clicked.connect(self.save_paper)
        # Queued: the last slip number is committed from inside the editor; record after it closes.
        self.candidates.completed.connect(self.save_paper, Qt.ConnectionType.QueuedConnection)
        self.candidates.refused.connect(lambda text: self.bench.message.emit(text, True))
        self.order_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_commands())
        self.candidates.dataChanged.connect(
            lambda *_: self.save_paper_button.setEnabled(self.candidates.is_complete()))
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save_paper,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # -- layout helpers -------------------------------------------------------------------------

    @staticmethod
    def _box(title: str, *items) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        for item in items:
            if isinstance(item, QWidget):
                layout.addWidget(item)
            else:
                layout.addLayout(item)
        return box

    @staticmethod
    def _size_columns(view: QTableView, widths: tuple[int, ...]) -> None:
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(24)
        view.horizontalHeader().setHighlightSections(False)
        for col, width in enumerate(widths):
            view.setColumnWidth(col, width)

    # -- reading -------------------------------------------------------------------------------

    def current_meeting(self) -> str:
        return self.meeting.currentText()

    def refresh(self) -> None:
        meeting = self.current_meeting()
        screen = draws.draw_screen(self.bench.store, meeting)
        ids = [pid for pid, _, _ in screen.candidates]
        self._digest, self._record = screen.digest, screen.current
        draft = self._drafts.setdefault(meeting, {})
        for pid in [p for p in draft if p not in ids]:
            del draft[pid]
        self.candidates.set_rows(screen.candidates, draft)
        self.digest.setText(f"{self._digest}（{len(ids)} 人）" if ids else "（无候选人）")
        self.digest.setToolTip(f"手工核对：printf '%s' '{','.join(sorted(ids))}' | sha256sum")
        record = self._record
        rows = []
        if record:
            for e in record.order:
                name = screen.names.get(e.person, "（已删除）")
                rows.append((e.position, e.person, name, e.key if record.method == draws.PROGRAM else "纸签"))
        self.order.set_rows(rows)
        self.history.set_rows(screen.history)
        if record is None:
            self.state.setText(f"{meeting}：尚未抽签")
        elif record.method == draws.PROGRAM:
            self.state.setText(f"{meeting}：已程序抽签，种子 {record.seed}（记录 {record.id}）")
        else:
            self.state.setText(f"{meeting}：已录入纸签（记录 {record.id}）")
        self.draw_button.setText("重新抽签…" if record else "抽签")
        self.check_result.clear()
        if self._pick_mode:
            self._pick_mode = False
            paper = bool(draft) or (record is not None and record.method == draws.PAPER)
            (self.paper_mode if paper else self.program_mode).setChecked(True)
        self._apply_mode()
        self._show_unsaved()
        if rows:
            self.order_view.selectRow(0)
        self._update_commands()

    def _apply_mode(self) -> None:
        paper = self.paper_mode.isChecked()
        self.candidates.set_paper(paper)
        self.candidate_view.setColumnHidden(CandidateModel.COL_SLIP, not paper)
        self.save_paper_button.setVisible(paper)
        self.save_paper_button.setEnabled(self.candidates.is_complete())
        for w in (self.seed, self.draw_button):
            w.setEnabled(not paper)
        self.hint.setText("纸签录入：在左侧“纸签号”列逐人输入所抽号码，回车到下一人；填齐后自动记录（Del 清除一格）。"
                          if paper else "先公布上方名单摘要，再由监督组现场公布种子；输入种子后按回车抽签。")
        self._update_commands()

    def _meeting_changed(self, _index: int) -> None:
        self._pick_mode = True
        self.refresh()

    def focus_entry(self) -> None:
        """Arriving on the tab: the seed field (program draw) or the slip numbers (paper)."""
        if self.paper_mode.isChecked():
            self.candidate_view.setFocus()
        else:
            self.seed.setFocus()

    def _mode_toggled(self, _on: bool) -> None:
        self._apply_mode()
        if self.paper_mode.isChecked():
            ids = self.candidates.ids()
            row = next((i for i, pid in enumerate(ids) if pid not in self.candidates.draft), 0)
            self.candidate_view.setCurrentIndex(self.candidates.index(row, CandidateModel.COL_SLIP))
            self.candidate_view.setFocus()
        else:
            self.seed.setFocus()

    def _update_commands(self) -> None:
        meeting, record = self.current_meeting(), self._record
        if (record.method == draws.PAPER) if record is not None else self.paper_mode.isChecked():
            self.command.setText("纸签抽签：按纸签号排序，无需计算")
            self.command_all.setText("")
            return
        seed = record.seed if record else (self.seed.text().strip() or "种子")
        ids = record.ids if record else self.candidates.ids()
        row = self.order_view.currentIndex().row()
        person = record.order[row].person if record and 0 <= row < len(record.order) else (ids[0] if ids else "编号")
        self.command.setText(check_command(seed, meeting, person))
        self.command.setCursorPosition(0)
        self.command_all.setText(f"python -m app draw --seed '{seed}' --meeting {meeting} {' '.join(sorted(ids))}")
        self.command_all.setCursorPosition(0)

    # -- actions -------------------------------------------------------------------------------

    def ask_reason(self, meeting: str) -> str | None:
        """A redraw keeps the first draw and needs a reason (SPEC §5)."""
        dialog = ReasonDialog("重新抽签", f"“{meeting}”已经抽签。重新抽签须说明理由；原抽签记录保留并标为作废。", self)
        return dialog.reason.text().strip() if dialog.exec() else None

    def do_draw(self) -> None:
        if self.paper_mode.isChecked():
            return
        meeting = self.current_meeting()
        reason = None
        if self._record is not None:
            reason = self.ask_reason(meeting)
            if reason is None:
                return
        seed = self.seed.text()
        what = f"{meeting}抽签（种子 {seed.strip()}）"
        result = self.bench.run(draws.program_draw, meeting, seed, reason, what=what + " ",
                                expected_digest=self._digest, expected_draw=self._record.id if self._record else 0)
        if self._after(meeting, what, result):
            self.bench.info(f"{meeting}已抽签，种子 {seed.strip()}；请将种子、名单摘要和顺序交监督组核对")

    def save_paper(self) -> None:
        if not self.paper_mode.isChecked():
            return
        meeting = self.current_meeting()
        if not self.candidates.is_complete():
            self.bench.message.emit(f"{meeting}纸签号尚未填齐（{len(self.candidates.draft)}/"
                                    f"{self.candidates.rowCount()}）", True)
            return
        reason = None
        if self._record is not None:
            reason = self.ask_reason(meeting)
            if reason is None:
                return
        what = f"{meeting}纸签顺序"
        result = self.bench.run(draws.paper_draw, meeting, dict(self.candidates.draft), reason, what=what + " ",
                                expected_draw=self._record.id if self._record else 0)
        if self._after(meeting, what, result):
            self._drafts[meeting] = {}
            self.bench.info(f"{meeting}纸签顺序已记录")
        self.refresh()   # the draft is gone (or marked 未保存) even if the tab is hidden

    def _after(self, meeting: str, what: str, result) -> bool:
        """A draw saved, or what was typed kept and marked 未保存 with the cause (the seed field, the slips)."""
        key = ("draws", meeting)
        if result is FAILED:
            self._unsaved[meeting] = f"{what} 未保存：{failure_cause(self.bench.last_error)}" + \
                ("；按回车重试" if not self.paper_mode.isChecked() else "；按 Ctrl+Enter 重试")
            self.bench.mark_unsaved(key, what)
            self._show_unsaved()
            return False
        self._unsaved.pop(meeting, None)
        self.bench.mark_saved(key)
        self._show_unsaved()
        return True

    def _show_unsaved(self) -> None:
        text = self._unsaved.get(self.current_meeting())
        self.unsaved_label.setText(text or "")
        self.unsaved_label.setVisible(bool(text))
        program = text is not None and not self.paper_mode.isChecked()
        self.seed.setStyleSheet(f"background:{UNSAVED_BG};color:{UNSAVED_FG}" if program else "")
        self.seed.setToolTip(text if program else "")

    def do_check(self) -> None:
        problems = self.bench.run(draws.verify_recorded, self.current_meeting())
        if problems is FAILED:
            return
        if problems:
            self.check_result.setStyleSheet("color:#b00020;font-weight:bold")
            self.check_result.setText("不一致：" + "；".join(problems))
        else:
            self.check_result.setStyleSheet("color:#1e4620;font-weight:bold")
            self.check_result.setText("一致：按记录重算，名单摘要、每人密钥和顺序与记录相同")
