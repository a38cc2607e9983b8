"""唱票 panel: the voter group, the ballot's number, the paper (:mod:`.ballot_entry`) and its actions.

A paper of a group whose ballots carry printed numbers (SPEC §10) starts with its **number**: typed,
or read by a USB barcode scanner (which types the digits and Enter) into the 票号 box; the number is
checked at once — one not printed for the group, or already entered, is refused naming it — and the
keys go to the paper. Then one key per candidate, Enter on the last one saves the paper and the keys
go back to the 票号 box. ``-`` (either minus key) enters the paper as **作废** (void as a whole, one
key). A group whose papers the program did not number takes its ballots without a number, as before.

The same panel re-enters papers for a check of the count (抽查, 全组复核, SPEC §11): :meth:`start_check`
points it at a check; the number must then be one the check asks for, the paper is saved as a blind
re-entry and the answer says only whether it agrees with what was entered.

Keys: F1…F4 the voter group; F6 the 票号 box; Ctrl+Enter save; Ctrl+Backspace 撤销上一张;
Ctrl+Delete 清空本票; ``-`` 作废本票.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QVBoxLayout,
                               QWidget)

from ...core.scheme import GROUP_LABELS, GROUPS
from ...services import ballot_numbers, ballots, count_checks
from ...services.ballots import COUNTS, BallotRef
from ...services.recommendation_grid import GroupLine, RecommendationGrid
from ...services.store import StorageError, StoreError
from ..workbench import FAILED, Workbench
from .ballot_entry import BallotFormModel, BallotView



def restyle(widget: QWidget, css: str) -> None:
    """Set a style sheet only when it changes: a new style sheet re-polishes the widget, which a paper
    saved every few seconds should not pay for nothing."""
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)


def set_text(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


@dataclass(frozen=True)
class CheckTarget:
    """The check the panel re-enters papers for (a blind re-entry, SPEC §11)."""

    id: int
    label: str                      # 抽查（种子 2718，第 1 次检查） / 局领导全组复核（…）
    groups: tuple[str, ...]


class NumberEdit(QLineEdit):
    """The 票号 box: digits (a scanner types them and Enter), Esc clears, ↓ goes to the paper."""

    def __init__(self, panel: "BallotPanel"):
        super().__init__(panel)
        self.panel = panel
        self.setMaxLength(20)            # a long paste is refused by the check, naming what was typed

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            return
        if event.key() == Qt.Key.Key_Down:
            self.panel.view.setFocus()
            return
        if Qt.Key.Key_F1 <= event.key() <= Qt.Key.Key_F4 and not event.modifiers():
            self.panel.choose_group(event.key() - Qt.Key.Key_F1)
            return
        super().keyPressEvent(event)


class BallotPanel(QWidget):
    """Voter group, 票号, the ballot form, save / 作废 / 撤销上一张 / 清空本票, and what happened last."""

    UNSAVED_KEY = ("唱票", "本票")

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench = bench
        self.groups: dict[str, GroupLine] = {}
        self._group_index = 0
        self.number: str | None = None          # the accepted number of the paper being keyed
        self.check: CheckTarget | None = None   # re-entering papers for a check of the count

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check_banner = QLabel()
        self.check_banner.setWordWrap(True)
        self.check_banner.setStyleSheet("background:#fff4c2;color:#5c4400;font-weight:bold;padding:3px 6px")
        self.check_banner.hide()
        layout.addWidget(self.check_banner)
        top = QHBoxLayout()
        top.addWidget(QLabel("投票组："))
        self.group_box = QComboBox()
        for i, g in enumerate(GROUPS, start=1):
            self.group_box.addItem(f"F{i} {GROUP_LABELS[g]}", g)
        self.group_box.currentIndexChanged.connect(self._group_changed)
        top.addWidget(self.group_box, 1)
        self.group_status = QLabel()
        top.addWidget(self.group_status)
        layout.addLayout(top)

        number_row = QHBoxLayout()
        self.number_label = QLabel("票号（F6）：")
        number_row.addWidget(self.number_label)
        self.number_edit = NumberEdit(self)
        self.number_edit.setPlaceholderText("扫描条码，或键入 6 位票号后按 Enter")
        self.number_edit.setMaximumWidth(270)
        self.number_edit.returnPressed.connect(self.accept_number)
        number_row.addWidget(self.number_edit)
        self.number_state = QLabel()
        # styled once: a style sheet set per paper re-polishes the label and repaints the panel twice a paper
        self.number_state.setStyleSheet("color:#1e4620;font-weight:bold")
        number_row.addWidget(self.number_state, 1)
        layout.addLayout(number_row)

        self.form = BallotFormModel(self)
        self.view = BallotView(self)
        self.view.setModel(self.form)
        header = self.view.horizontalHeader()
        for col, width in enumerate((28, 60, 206)):
            header.resizeSection(col, width)
        header.setStretchLastSection(True)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.view, 1)

        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setStyleSheet("color:#555")
        layout.addWidget(self.legend)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存本票（Ctrl+Enter）")
        self.save_button.clicked.connect(self.save)
        self.void_button = QPushButton("作废本票（-）")
        self.void_button.setToolTip("监督组宣布整张作废的选票：录入票号后按 - 键（计入收回，不推荐任何人）")
        self.void_button.clicked.connect(self.void)
        self.undo_button = QPushButton("撤销上一张（Ctrl+Backspace）")
        self.undo_button.clicked.connect(self.undo_last)
        self.clear_button = QPushButton("清空本票（Ctrl+Del）")
        self.clear_button.clicked.connect(self.clear_form)
        for b in (self.save_button, self.void_button, self.undo_button, self.clear_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.unsaved_mark = QLabel()
        self.unsaved_mark.setObjectName("ballotUnsaved")
        self.unsaved_mark.setStyleSheet("background:#b00020;color:white;font-weight:bold;padding:2px 6px")
        self.unsaved_mark.setWordWrap(True)
        self.unsaved_mark.hide()
        layout.addWidget(self.unsaved_mark)
        self.status = QLabel("逐张唱票：每名人员按一个键，最后一人按 Enter 保存本票")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        # When the focus is on a button or the group box (on the form, the view handles the keys).
        for i in range(len(GROUPS)):
            self._shortcut(f"F{i + 1}", lambda i=i: self.choose_group(i))
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            self._shortcut(seq, self.save)
        self._shortcut("Ctrl+Backspace", self.undo_last)
        self._shortcut("Ctrl+Delete", self.clear_form)
        self._shortcut("F6", self.focus_number)

    def _shortcut(self, seq: str, slot) -> None:
        sc = QShortcut(QKeySequence(seq), self)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(slot)

    # -- what the tab gives us ---------------------------------------------------------------------

    def set_grid(self, grid: RecommendationGrid) -> None:
        self.groups = dict(grid.groups)
        if grid.ballot_form is not None:
            self.form.set_candidates([(c.id, c.name, c.declared) for c in grid.ballot_form], dict(grid.posts))
        for i, g in enumerate(GROUPS):
            typed = self.groups[g].mode == COUNTS
            text = f"F{i + 1} {GROUP_LABELS[g]}" + ("（已按计数录入）" if typed else "")
            if self.group_box.itemText(i) != text:
                self.group_box.setItemText(i, text)
        set_text(self.legend, "岗位编号：" + " · ".join(f'<span style="white-space:nowrap">{escape(p)}&nbsp;{escape(name)}</span>'
                                                  for p, name in grid.posts.items())
                            + "　　<b>-</b>&nbsp;作废本票")
        self._update_status()
        if not self.view.currentIndex().isValid():
            self.view.go(0)

    def group(self) -> str:
        return self.group_box.currentData()

    def group_line(self) -> GroupLine | None:
        return self.groups.get(self.group())

    def numbered(self) -> bool:
        """Papers of the current group carry numbers (a check's re-entry always goes by number)."""
        line = self.group_line()
        return self.check is not None or (line is not None and line.numbered)

    def _update_status(self) -> None:
        line = self.group_line()
        if line is None:
            return
        numbered = self.numbered()
        self.number_edit.setEnabled(numbered)
        self.number_label.setEnabled(numbered)
        if not numbered:
            self.number = None
            self.number_edit.clear()
            self.number_edit.setPlaceholderText("本组选票未由本程序编号，不录票号")
        else:
            self.number_edit.setPlaceholderText("扫描条码，或键入 6 位票号后按 Enter")
        self._show_number()
        a = line.account
        if self.check is not None:
            return
        if a is not None and a.numbered:
            missing = f"，尚缺 {a.missing}" if a.missing else ""
            returned = f" / 收回 {a.returned} 张" if a.returned is not None else ""
            set_text(self.group_status, f"已录入 {a.entered} 张{returned}{missing}")
        else:
            set_text(self.group_status, f"已唱 {line.keyed} 张 / 到会 {line.present or 0} 人")

    def _show_number(self) -> None:
        if self.number:
            set_text(self.number_state, f"✓ 票号 {self.number}")
        else:
            set_text(self.number_state, "")

    def refused(self) -> bool:
        """A key that would start or extend a paper the group cannot take: refuse it now, with the
        reason the save would give (SPEC §10: never after all the marks). A numbered paper without
        its number sends the keys to the 票号 box."""
        line = self.group_line()
        if self.check is None and line is not None and line.refusal:
            self.refuse(line.refusal)
            return True
        if self.numbered() and not self.number:
            self.refuse("请先录入本张选票的票号（扫描条码或键入 6 位数字后按 Enter）")
            self.focus_number()
            return True
        return False

    # -- the number --------------------------------------------------------------------------------

    def focus_number(self) -> None:
        if self.numbered():
            self.number_edit.setFocus()
            self.number_edit.selectAll()

    def focus_entry(self) -> None:
        """Where the keys go: the 票号 box for a numbered paper still without its number, else the paper."""
        if self.numbered() and not self.number:
            self.focus_number()
        else:
            self.view.setFocus()

    def accept_number(self) -> bool:
        """The typed (or scanned) number, checked at once against the group's printed numbers and those
        already entered (or against the check's list)."""
        text = self.number_edit.text()
        if not text.strip():
            return False
        line = self.group_line()
        if self.check is None and line is not None and line.refusal:
            self.refuse(line.refusal)
            return False
        if self.check is not None:
            result = self.bench.run(count_checks.check_reentry_number, self.check.id, self.group(), text)
        else:
            result = self.bench.run(ballot_numbers.check_number, self.group(), text)
        if result is FAILED:
            self.say(str(self.bench.last_error), False)
            self.number = None
            self._show_number()
            self.number_edit.selectAll()
            return False
        self.number = result
        self.number_edit.clear()
        self._show_number()
        self.clear_error()
        self.view.go(0)
        self.view.setFocus()
        return True

    # -- actions -----------------------------------------------------------------------------------

    def choose_group(self, i: int) -> None:
        self.group_box.setCurrentIndex(i)
        self.focus_entry()

    def _group_changed(self, i: int) -> None:
        if i == self._group_index:
            return
        if self.form.marks:
            old, new = GROUP_LABELS[GROUPS[self._group_index]], GROUP_LABELS[GROUPS[i]]
            answer = QMessageBox.question(
                self, "切换投票组", f"本票（{old}）已录入 {len(self.form.marks)} 个标记，尚未保存。\n"
                f"切换到“{new}”将清空本票。确定切换吗？",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                self.group_box.blockSignals(True)
                self.group_box.setCurrentIndex(self._group_index)
                self.group_box.blockSignals(False)
                self.say(f"仍为{old}，本票未清空", False)
                return
            self._clear(f"已清空{old}的本票，切换到{new}")
        self._group_index = i
        self.number = None
        self._update_status()

    def say(self, text: str, ok: bool) -> None:
        set_text(self.status, ("✓ " if ok else "⚠ ") + text)
        restyle(self.status, "color:#1e4620;font-weight:bold" if ok else "color:#b00020;font-weight:bold")

    def refuse(self, text: str) -> None:
        self.say(text, False)
        self.bench.message.emit(text, True)

    def clear_error(self) -> None:
        if self.status.text().startswith("⚠"):
            set_text(self.status, "")
            restyle(self.status, "")

    def _mark_unsaved(self, why: str | None) -> None:
        if why is None:
            self.unsaved_mark.hide()
            self.bench.mark_saved(self.UNSAVED_KEY)
            return
        self.unsaved_mark.setText(f"本票未保存：{why}。标记仍在表中，按 Ctrl+Enter 重试，Ctrl+Del 放弃")
        self.unsaved_mark.show()

    def _what(self, void: bool) -> str:
        group = GROUP_LABELS[self.group()]
        kind = "作废票" if void else "选票"
        if self.number:
            return f"{group}票号 {self.number} 的{kind} "
        line = self.group_line()
        return f"{group}第 {(line.account.entered if line and line.account else 0) + 1} 张{kind} "

    def void(self) -> None:
        """作废本票: the paper (its number keyed) is entered as void as a whole — asked first only when
        marks were keyed on it."""
        if self.refused():
            return
        if self.form.marks:
            answer = QMessageBox.question(
                self, "作废本票", f"本票已录入 {len(self.form.marks)} 个标记。确定按“作废票”录入整张选票吗？\n"
                "作废票计入收回张数，不推荐任何人。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._save(void=True)

    def save(self) -> None:
        form = self.form
        if not form.candidates:
            self.refuse("没有竞岗人员（尚无报岗），无票可录")
            return
        if form.typing is not None:
            row, code = form.typing
            self.view.go(row)
            self.refuse(f"{form.candidates[row][1]}：岗位编号“{code}”未输完，请输完或按 Esc 取消")
            return
        if self.numbered() and not self.number:
            self.refuse("请先录入本张选票的票号（扫描条码或键入 6 位数字后按 Enter）")
            self.focus_number()
            return
        self._save(void=False)

    def _save(self, *, void: bool) -> None:
        form, group = self.form, self.group()
        what = self._what(void)
        if self.check is not None:
            # a blind re-entry is part of the check's record: not undoable (Ctrl+Z)
            result = self.bench.run(count_checks.reenter, self.check.id, group, self.number or "", form.ballot(),
                                    void=void, initiator=self, what=what)
        else:
            result = self.bench.edit(ballots.save_ballot, group, form.ballot(), ballot_no=self.number, void=void,
                                     initiator=self, what=what)
        if result is FAILED:
            err = self.bench.last_error
            why = err.cause if isinstance(err, StorageError) else str(err)
            bad = next((r for r in range(form.rowCount()) if form.problem(r)), None)
            if bad is not None:
                self.view.go(bad)
            self.say(f"未保存，本票仍在表中：{why}", False)
            if form.marks or self.number:
                self.bench.mark_unsaved(self.UNSAVED_KEY, what.strip())
            self._mark_unsaved(why)
            return
        form.clear()
        self._mark_unsaved(None)
        self.number = None
        self._show_number()
        self.view.go(0)
        if self.check is not None:
            answer = result.result
            if answer.agrees:
                self.say(f"票号 {answer.number}：复录与原录入一致", True)
            else:
                self.say(f"票号 {answer.number} 与原录入不一致，已记录：" + "；".join(answer.differences), False)
            self._show_check(answer.view)
        else:
            ref: BallotRef = result.result
            saved = f"票号 {ref.ballot_no}" if ref.ballot_no else f"第 {ref.number} 张"
            self.say(f"{saved}已保存（{GROUP_LABELS[ref.group]}{'，作废票' if ref.void else ''}）", True)
        self.focus_entry()

    def undo_last(self) -> None:
        if self.check is not None:
            self.refuse("复录的票不能撤销（每次复录都记入检查记录）；录错的请告知监督组")
            return
        group = self.group()
        try:
            ref = ballots.last_ballot(self.bench.store, group)
        except StoreError as err:
            self.refuse(f"未撤销：{getattr(err, 'cause', err)}")
            return
        if ref is None:
            self.refuse(f"{GROUP_LABELS[group]}没有可撤销的选票")
            return
        answer = QMessageBox.question(
            self, "撤销上一张", f"撤销{ref.words}（序号 {ref.serial}，{ref.entered_by} 录入）？\n"
            "撤销的票保留在记录中，标为已撤销，不再计票" + ("；其票号可重新录入。" if ref.ballot_no else "。"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        result = self.bench.edit(ballots.undo_last_ballot, group, initiator=self, what=f"撤销{ref.words} ",
                                 expected_serial=ref.serial)
        if result is FAILED:
            err = self.bench.last_error
            self.say("未撤销：" + (err.cause if isinstance(err, StorageError) else str(err)), False)
            return
        done: BallotRef = result.result
        said = f"票号 {done.ballot_no}" if done.ballot_no else f"第 {done.number} 张"
        self.say(f"{said}已撤销（{GROUP_LABELS[done.group]}，保留在记录中）", True)
        self.focus_entry()

    def clear_form(self) -> None:
        n = len(self.form.marks)
        self._clear(f"已清空本票（{n} 个标记）" if n else "本票已清空")
        self.view.go(0)
        self.focus_entry()

    def _clear(self, text: str) -> None:
        self.form.clear()
        self.number = None
        self._show_number()
        self._mark_unsaved(None)
        self.say(text, True)

    # -- re-entry for a check ----------------------------------------------------------------------

    def start_check(self, target: CheckTarget, view: "count_checks.CheckView | None" = None) -> None:
        """Re-enter papers for ``target`` (blind): numbers from its list, answers per paper."""
        self.check = target
        if self.group() not in target.groups:
            self.group_box.setCurrentIndex(GROUPS.index(target.groups[0]))
        self.number = None
        self.form.clear()
        self.check_banner.show()
        if view is not None:
            self._show_check(view)
        else:
            self.check_banner.setText(f"复录（盲录）：{target.label}")
        self._update_status()
        self.say("复录：按抽查单上的票号取出选票，录入票号和标记（看不到原录入），保存后显示是否一致", True)
        self.focus_entry()

    def _show_check(self, view: "count_checks.CheckView") -> None:
        parts = "　".join(f"{GROUP_LABELS[g.group]} 已复录 {g.keyed}/{g.size}" for g in view.groups)
        self.check_banner.setText(f"复录（盲录）：{view.label}　{parts}　（结束复录：在“抽查与复核”中）")

    def stop_check(self) -> None:
        self.check = None
        self.number = None
        self.form.clear()
        self.check_banner.hide()
        self._update_status()
        self.say("已回到计票录入", True)
        self.focus_entry()
