"""唱票: one paper ballot at a time, one key per candidate (§十一(一)(二), SPEC §3).

Keys on the ballot form (the candidate under the cursor):
  ``1`` 同意 (the declared post; with two declared posts ``1``/``2`` = the first/second),
  ``0`` or Space 不同意/空白, ``*`` 无效 (marked both ways, two posts …),
  a post code (``P3``, any case) = 建议该岗位 — each key moves to the next candidate;
  Backspace clears the mark (or the code being typed), ↑/↓ move, Esc clears the code being typed.
  Enter on the last candidate, or Ctrl+Enter anywhere, saves the ballot (an unmarked candidate is
  空白); F1…F4 choose the voter group (with marks keyed: asked first, the paper is cleared);
  Ctrl+Delete clears this paper (清空本票); Ctrl+Backspace takes back the group's last ballot (撤销上一张).
A code that starts with ``0``, ``1`` or ``2`` is typed after ``/`` (those digits are marks).

A group that cannot take a ballot (the stage locked, the group typed as counts, or as many ballots as
voters present) refuses at the first key, with the service's reason. A ballot that could not be saved
stays on the form, marked 未保存, with the reason; the next Enter tries again.

The panel has three parts, kept apart for the ballot numbers to come (issue 16): the form (this
paper's marks, :class:`BallotFormModel`), the keys (:class:`BallotView`) and the actions (group,
save, 撤销上一张, 清空本票 — :class:`BallotPanel`).
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from ...core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from ...core.scheme import GROUP_LABELS, GROUPS
from ...services import ballots
from ...services.ballots import COUNTS, BallotRef, mark_problem
from ...services.recommendation_grid import GroupLine, RecommendationGrid
from ...services.store import StorageError, StoreError
from ..table import CENTER, LEFT, Index
from ..workbench import FAILED, Workbench

MARK_KEYS = {"0", "1", "2", " ", "*"}
PROBLEM_BG = QColor("#fdecea")


def mark_text(mark: Mark | None, posts: dict[str, str]) -> str:
    if mark is None:
        return ""
    if mark.kind == AGREE:
        return f"同意 {mark.post} {posts.get(mark.post or '', '')}"
    if mark.kind == SUGGEST:
        return f"建议 {mark.post} {posts.get(mark.post or '', '')}"
    return {BLANK: "不同意 / 空白", INVALID: "无效"}.get(mark.kind, mark.kind)


class BallotFormModel(QAbstractTableModel):
    """The candidates of the paper ballot in its printed order (``draws.ballot_order``) and this paper's marks."""

    HEADERS = ("序", "姓名", "申报岗位（按键）", "本票标记")
    COL_MARK = 3

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.candidates: list[tuple[str, str, tuple[str, ...]]] = []   # id, name, declared posts
        self.posts: dict[str, str] = {}
        self.marks: dict[str, Mark] = {}
        self.typing: tuple[int, str] | None = None    # (row, code typed so far)

    def set_candidates(self, candidates: list[tuple[str, str, tuple[str, ...]]], posts: dict[str, str]) -> None:
        if candidates == self.candidates and posts == self.posts:
            return          # the same paper: keep what is being keyed
        self.beginResetModel()
        self.candidates, self.posts = candidates, posts
        self.marks = {pid: m for pid, m in self.marks.items() if any(c[0] == pid for c in candidates)}
        self.typing = None
        self.endResetModel()

    def clear(self) -> None:
        self.marks, self.typing = {}, None
        self._changed_all()

    def _changed_all(self) -> None:
        if self.candidates:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.candidates) - 1, len(self.HEADERS) - 1))

    def set_mark(self, row: int, mark: Mark | None) -> None:
        pid = self.candidates[row][0]
        if mark is None:
            self.marks.pop(pid, None)
        else:
            self.marks[pid] = mark
        self.typing = None
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def set_typing(self, row: int, code: str | None) -> None:
        self.typing = None if code is None else (row, code)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def problem(self, row: int) -> str | None:
        pid, _, declared = self.candidates[row]
        mark = self.marks.get(pid)
        return None if mark is None else mark_problem(pid, mark, declared, self.posts)

    def ballot(self) -> dict[str, Mark]:
        """Every candidate's mark; an unmarked candidate is a blank (abstention)."""
        return {pid: self.marks.get(pid, Mark(BLANK)) for pid, _, _ in self.candidates}

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.candidates)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.candidates):
            return None
        row, col = index.row(), index.column()
        pid, name, declared = self.candidates[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(row + 1)
            if col == 1:
                return name
            if col == 2:
                return "  ".join(f"{i} {self.posts.get(p, p)}" for i, p in enumerate(declared, start=1))
            if col == self.COL_MARK:
                if self.typing and self.typing[0] == row:
                    return f"建议岗位编号：{self.typing[1]}…"
                return mark_text(self.marks.get(pid), self.posts) + ("  ⚠" if self.problem(row) else "")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if col == 0 else LEFT)
        if role == Qt.ItemDataRole.BackgroundRole and self.problem(row):
            return QBrush(PROBLEM_BG)
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_MARK and self.problem(row):
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_MARK and self.problem(row):
                return self.problem(row)
            if col == 2:
                return "  ".join(f"按 {i}：同意 {p} {self.posts.get(p, '')}" for i, p in enumerate(declared, start=1))
        return None


class BallotView(QTableView):
    """The keyboard of the 唱票 clerk: one key per candidate, the cursor moves on."""

    def __init__(self, panel: "BallotPanel"):
        super().__init__(panel)
        self.panel = panel
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)

    def form(self) -> BallotFormModel:
        return self.panel.form

    def go(self, row: int) -> None:
        if 0 <= row < self.form().rowCount():
            self.setCurrentIndex(self.form().index(row, BallotFormModel.COL_MARK))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        form, key, text = self.form(), event.key(), event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            self.panel.save()
            return
        if key == Qt.Key.Key_Backspace and ctrl:
            self.panel.undo_last()
            return
        if key == Qt.Key.Key_Delete and ctrl:
            self.panel.clear_form()
            return
        if Qt.Key.Key_F1 <= key <= Qt.Key.Key_F4 and not mods:
            self.panel.choose_group(key - Qt.Key.Key_F1)
            return
        row = self.currentIndex().row()
        if not form.candidates or ctrl or mods & Qt.KeyboardModifier.AltModifier:
            super().keyPressEvent(event)
            return
        if row < 0:
            row = 0
            self.go(0)
        if form.typing and form.typing[0] != row:
            form.set_typing(form.typing[0], None)
        code = form.typing[1] if form.typing else None
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
                   Qt.Key.Key_End, Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            if code is not None:
                form.set_typing(row, None)
            super().keyPressEvent(event)
            return
        if key == Qt.Key.Key_Escape:
            form.set_typing(row, None)
            return
        if key in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            if code:
                form.set_typing(row, code[:-1] or None)
            else:
                form.set_mark(row, None)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if code is not None:
                self._finish_code(row, code)
            elif row == form.rowCount() - 1:
                self.panel.save()
            else:
                self.go(row + 1)
            return
        if code is not None or (text and text not in MARK_KEYS and text.strip()):
            if code is None and self.panel.refused():
                return
            self._type_code(row, (code or "") + (text if text != "/" or code is None else ""))
            return
        if text in MARK_KEYS:
            if not self.panel.refused():
                self._mark_key(row, text)
            return
        super().keyPressEvent(event)

    def _mark_key(self, row: int, text: str) -> None:
        form = self.form()
        pid, name, declared = form.candidates[row]
        if text in ("1", "2"):
            i = int(text) - 1
            if i >= len(declared):
                self.panel.refuse(f"{name}只申报了一个岗位：按 1 表示同意，0 或空格不同意，或键入建议岗位编号")
                return
            form.set_mark(row, Mark(AGREE, declared[i]))
        elif text in ("0", " "):
            form.set_mark(row, Mark(BLANK))
        else:
            form.set_mark(row, Mark(INVALID))
        self.panel.clear_error()
        self.go(row + 1)

    def _type_code(self, row: int, typed: str) -> None:
        form = self.form()
        code = typed.lstrip("/").upper()
        if typed == "/":
            form.set_typing(row, "")
            return
        codes = {p.upper(): p for p in form.posts}
        if not any(c.startswith(code) for c in codes):
            self.panel.refuse(f"没有以“{code}”开头的岗位编号（岗位：{'、'.join(form.posts)}）")
            return
        if code in codes and not any(c != code and c.startswith(code) for c in codes):
            self._finish_code(row, code)
        else:
            form.set_typing(row, code)

    def _finish_code(self, row: int, code: str) -> None:
        form = self.form()
        post = {p.upper(): p for p in form.posts}.get(code.upper())
        if post is None:
            self.panel.refuse(f"“{code}”不是完整的岗位编号，请继续键入，或按 Esc 取消")
            return
        form.set_mark(row, Mark(SUGGEST, post))
        problem = form.problem(row)
        if problem:
            self.panel.refuse(problem)      # kept on screen, marked; the service would refuse it too
        else:
            self.panel.clear_error()
        self.go(row + 1)


class BallotPanel(QWidget):
    """Voter group, the ballot form, save / 撤销上一张 / 清空本票, and what happened last."""

    UNSAVED_KEY = ("唱票", "本票")

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench = bench
        self.groups: dict[str, GroupLine] = {}
        self._group_index = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self.undo_button = QPushButton("撤销上一张（Ctrl+Backspace）")
        self.undo_button.clicked.connect(self.undo_last)
        self.clear_button = QPushButton("清空本票（Ctrl+Del）")
        self.clear_button.clicked.connect(self.clear_form)
        for b in (self.save_button, self.undo_button, self.clear_button):
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
            self.group_box.setItemText(i, f"F{i + 1} {GROUP_LABELS[g]}" + ("（已按计数录入）" if typed else ""))
        self.legend.setText("岗位编号：" + " · ".join(f'<span style="white-space:nowrap">{escape(p)}&nbsp;{escape(name)}</span>'
                                                  for p, name in grid.posts.items()))
        self._update_status()
        if not self.view.currentIndex().isValid():
            self.view.go(0)

    def group(self) -> str:
        return self.group_box.currentData()

    def group_line(self) -> GroupLine | None:
        return self.groups.get(self.group())

    def _update_status(self) -> None:
        line = self.group_line()
        if line is None:
            return
        self.group_status.setText(f"已唱 {line.keyed} 张 / 到会 {line.present or 0} 人")

    def refused(self) -> bool:
        """A key that would start or extend a paper the group cannot take: refuse it now, with the
        reason the save would give (SPEC §10: never after all the marks)."""
        line = self.group_line()
        if line is not None and line.refusal:
            self.refuse(line.refusal)
            return True
        return False

    # -- actions -----------------------------------------------------------------------------------

    def choose_group(self, i: int) -> None:
        self.group_box.setCurrentIndex(i)
        self.view.setFocus()

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
        self._update_status()

    def say(self, text: str, ok: bool) -> None:
        self.status.setText(("✓ " if ok else "⚠ ") + text)
        self.status.setStyleSheet("color:#1e4620;font-weight:bold" if ok else "color:#b00020;font-weight:bold")

    def refuse(self, text: str) -> None:
        self.say(text, False)
        self.bench.message.emit(text, True)

    def clear_error(self) -> None:
        if self.status.text().startswith("⚠"):
            self.status.setText("")
            self.status.setStyleSheet("")

    def _mark_unsaved(self, why: str | None) -> None:
        if why is None:
            self.unsaved_mark.hide()
            self.bench.mark_saved(self.UNSAVED_KEY)
            return
        self.unsaved_mark.setText(f"本票未保存：{why}。标记仍在表中，按 Ctrl+Enter 重试，Ctrl+Del 放弃")
        self.unsaved_mark.show()

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
        group = self.group()
        line = self.group_line()
        number = (line.keyed if line else 0) + 1
        what = f"{GROUP_LABELS[group]}第 {number} 张选票 "
        result = self.bench.edit(ballots.save_ballot, group, form.ballot(), initiator=self, what=what)
        if result is FAILED:
            err = self.bench.last_error
            why = err.cause if isinstance(err, StorageError) else str(err)
            bad = next((r for r in range(form.rowCount()) if form.problem(r)), None)
            if bad is not None:
                self.view.go(bad)
            self.say(f"未保存，本票仍在表中：{why}", False)
            if form.marks:
                self.bench.mark_unsaved(self.UNSAVED_KEY, what.strip())
            self._mark_unsaved(why)
            return
        ref: BallotRef = result.result
        form.clear()
        self._mark_unsaved(None)
        self.view.go(0)
        self.view.setFocus()
        self.say(f"第 {ref.number} 张已保存（{GROUP_LABELS[ref.group]}）", True)

    def undo_last(self) -> None:
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
            "撤销的票保留在记录中，标为作废，不再计票。",
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
        self.say(f"第 {done.number} 张已撤销（{GROUP_LABELS[done.group]}，作废，保留在记录中）", True)
        self.view.setFocus()

    def clear_form(self) -> None:
        n = len(self.form.marks)
        self._clear(f"已清空本票（{n} 个标记）" if n else "本票已清空")
        self.view.go(0)
        self.view.setFocus()

    def _clear(self, text: str) -> None:
        self.form.clear()
        self._mark_unsaved(None)
        self.say(text, True)
