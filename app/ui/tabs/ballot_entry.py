"""唱票: one paper ballot at a time, one key per candidate (§十一(一)(二), SPEC §3).

Keys on the ballot form (the candidate under the cursor):
  ``1`` 同意 (the declared post; with two declared posts ``1``/``2`` = the first/second),
  ``0`` or Space 不同意/空白, ``*`` 无效 (marked both ways, two posts …),
  a post code (``P3``, any case) = 建议该岗位 — each key moves to the next candidate;
  Backspace clears the mark (or the code being typed), ↑/↓ move, Esc clears the code being typed;
  ``-`` enters the whole paper as 作废 (void, SPEC §10).
  Enter on the last candidate, or Ctrl+Enter anywhere, saves the ballot (an unmarked candidate is
  空白); F1…F4 choose the voter group (with marks keyed: asked first, the paper is cleared);
  Ctrl+Delete clears this paper (清空本票); Ctrl+Backspace takes back the group's last ballot (撤销上一张).
A code that starts with ``0``, ``1`` or ``2`` is typed after ``/`` (those digits are marks).

A group that cannot take a ballot (the stage locked, the count not opened or closed, the group typed
as counts, or as many ballots as voters present) refuses at the first key, with the service's
reason; so does a numbered paper whose number was not entered yet. A ballot that could not be saved
stays on the form, marked 未保存, with the reason; the next Enter tries again.

This module is the paper: its marks (:class:`BallotFormModel`) and its keys (:class:`BallotView`);
the number, the group and the actions are the panel's (:mod:`.ballot_panel`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QTableView

from ...core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from ...services.ballots import mark_problem
from ..table import CENTER, LEFT, Index

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

    ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.BackgroundRole,
                       Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole})

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self.ROLES or not index.isValid() or not 0 <= index.row() < len(self.candidates):
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

    def __init__(self, panel: Any):
        super().__init__(panel)
        self.panel = panel
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(24)

    def form(self) -> BallotFormModel:
        return self.panel.form

    # QAbstractItemView repaints its whole viewport when the focus comes or goes (a paper's number
    # accepted sends the keys here, a paper saved sends them to the number box): 20 rows painted for the
    # one row whose focus frame changes. Only the current row is repainted; the rest is QAbstractItemView's.
    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt name
        QAbstractScrollArea.focusInEvent(self, event)
        if not self.currentIndex().isValid():
            self.go(0)
        self._update_current_row()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt name
        QAbstractScrollArea.focusOutEvent(self, event)
        self._update_current_row()

    def _update_current_row(self) -> None:
        current = self.currentIndex()
        if current.isValid():
            rect = self.visualRect(current.siblingAtColumn(0)).united(
                self.visualRect(current.siblingAtColumn(self.form().columnCount() - 1)))
            self.viewport().update(rect)

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
        if key == Qt.Key.Key_Minus and not ctrl and not (self.form().typing and self.form().typing[1]):
            self.panel.void()
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
