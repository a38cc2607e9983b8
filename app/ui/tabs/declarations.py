"""Tab 3 报岗: up to three rounds per competitor (§九), the round limits enforced as typed, and the
公布 (公示) of each round.

Keyboard: type post codes separated by space, comma or 、 (``p1 p2``, case and 全角 ignored),
Enter saves at once and moves down to the next person in the same round; Delete removes a
person's last round; Ctrl+Z undoes. Publication is one audited meta row per campaign — see
:mod:`app.services.declaration_rounds` for why not the stage states.
"""

from __future__ import annotations

import re
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableView, QVBoxLayout,
                               QWidget)

from ...services.declaration_rounds import (DeclarationGrid, clear_round, declaration_grid, publish_round,
                                            round_name, set_round, withdraw_publication)
from ...services.declarations import DeclarationRow
from ...services.store import STATE_LABELS, Changed, Wrote
from ..dialogs import UnlockDialog
from ..table import CENTER, LEFT, Column, Index, RowTableModel, UnsavedCells
from ..workbench import FAILED, Workbench, failure_cause
from .base import TabPage
from .exams import EntryView

PUBLISHED_BG = QBrush(QColor("#e8ebef"))
EFFECTIVE_BG = QBrush(QColor("#f1f3f5"))
_SEPARATORS = re.compile(r"[\s,，、;；/]+")


def parse_codes(text: str, known: Sequence[str]) -> list[str]:
    """``"p1、Ｐ2"`` → ``["P1", "P2"]``: 全角 folded, codes matched to the posts without regard to case.
    An unknown code is kept as typed, so the service can say which one does not exist."""
    folded = "".join(chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else " " if ch == "\u3000" else ch
                     for ch in text)
    by_fold = {k.casefold(): k for k in known}
    return [by_fold.get(p.casefold(), p) for p in _SEPARATORS.split(folded.strip()) if p]


def unsaved_key(person_id: str, round_no: int) -> tuple[str, str, int]:
    return ("declarations", person_id, round_no)


class DeclarationModel(QAbstractTableModel):
    """One row per competitor: 编号, 姓名, 类别, one column per round, 有效报岗 (the last round, SPEC §2).
    A view: the rows come from :func:`declaration_grid`; a typed round is saved at once and the service
    answers with the person's new row. A round that could not be saved stays typed, marked 未保存."""

    FIXED = (("编号", 56), ("姓名", 70), ("类别", 84))

    def __init__(self, bench: Workbench, parent: Any = None):
        super().__init__(parent)
        self.bench = bench
        self.rows: list[DeclarationRow] = []
        self.posts: dict[str, str] = {}
        self.limits: list[tuple[int, int]] = [(1, 2), (1, 2), (1, 1)]
        self.published = 0
        self.unsaved = UnsavedCells(bench)
        self.last_ok = True

    @property
    def round_count(self) -> int:
        return len(self.limits)

    def reload(self) -> None:
        self.load(declaration_grid(self.bench.store))

    def load(self, grid: DeclarationGrid) -> None:
        rows, posts = list(grid.rows), {p.id: p.name for p in grid.posts}
        if [r.id for r in rows] == [r.id for r in self.rows] and len(grid.limits) == self.round_count:
            self.rows, self.posts, self.limits, self.published = rows, posts, list(grid.limits), grid.published
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.columnCount() - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)
            return
        self.beginResetModel()
        self.rows, self.posts, self.limits, self.published = rows, posts, list(grid.limits), grid.published
        self.endResetModel()

    def widths(self) -> list[int]:
        return [w for _, w in self.FIXED] + [215] * (self.round_count + 1)

    def round_of(self, column: int) -> int | None:
        n = column - len(self.FIXED) + 1
        return n if 1 <= n <= self.round_count else None

    def entry_columns(self) -> list[int]:
        return [len(self.FIXED) + i for i in range(self.round_count)]

    def posts_text(self, posts: Sequence[str]) -> str:
        return "、".join(f"{p} {self.posts.get(p, '')}".strip() for p in posts)

    def row_index(self, person_id: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == person_id), -1)

    # -- Qt -------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.FIXED) + self.round_count + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not (0 <= section < self.columnCount()):
            if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole \
                    and 0 <= section < len(self.rows):
                return str(section + 1)
            return None
        n = self.round_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.FIXED):
                return self.FIXED[section][0]
            if n is None:
                return "有效报岗"
            return round_name(n) + ("（已公布）" if n <= self.published else "")
        if role == Qt.ItemDataRole.ToolTipRole:
            if n is not None:
                lo, hi = self.limits[n - 1]
                return f"{round_name(n)}报岗：可报 {lo} 个岗位" if lo == hi else f"{round_name(n)}报岗：可报 {lo}–{hi} 个岗位"
            if section == len(self.FIXED) + self.round_count:
                return "以最后一次报岗为准，岗位按本人填报顺序"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return base | Qt.ItemFlag.ItemIsEditable if self.round_of(index.column()) else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        row, c = self.rows[index.row()], index.column()
        n = self.round_of(c)
        if n is not None:
            pending = self.unsaved.role(unsaved_key(row.id, n), role)
            if pending is not None:
                return pending
        posts = (row.rounds[n - 1] if n <= len(row.rounds) else ()) if n else None
        if role == Qt.ItemDataRole.DisplayRole or (role == Qt.ItemDataRole.ToolTipRole and c >= len(self.FIXED)):
            if c < len(self.FIXED):
                return (row.id, row.name, row.category)[c]
            text = self.posts_text(posts if posts is not None else row.effective)
            if role == Qt.ItemDataRole.ToolTipRole and n is not None and n <= self.published:
                return f"{text}\n{round_name(n)}报岗已公布，不能修改" if text else f"{round_name(n)}报岗已公布"
            return text
        if role == Qt.ItemDataRole.EditRole:
            return " ".join(posts) if posts else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(CENTER if c in (0, 2) else LEFT)
        if role == Qt.ItemDataRole.BackgroundRole:
            if n is None:
                return EFFECTIVE_BG if c >= len(self.FIXED) else None
            return PUBLISHED_BG if n <= self.published else None
        return None

    # -- entry ----------------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self.round_of(index.column()):
            return False
        return self.submit_text(index, "" if value is None else str(value))

    def submit_text(self, index: Index, text: str) -> bool:
        """Save one round of one person (empty = remove that round) as an undoable edit; False when it was
        not saved (what was typed then stays in the cell, marked 未保存)."""
        row, n = self.rows[index.row()], self.round_of(index.column())
        if n is None:
            return False
        key, pid = unsaved_key(row.id, n), row.id
        pending = self.unsaved.text(key) is not None
        codes = parse_codes(text, list(self.posts))
        old = list(row.rounds[n - 1]) if n <= len(row.rounds) else None
        self.last_ok = True
        if not codes and pending:                # an empty entry gives the unsaved text up
            self.unsaved.saved(key)
            self._row_changed(index.row())
            return True
        if codes == (old or []) and not pending:
            return True
        label = f"{row.name}（{row.id}）{round_name(n)}报岗"
        if codes:
            result = self.bench.edit(set_round, pid, n, codes, initiator=self, what=f"{label} 的 {' '.join(codes)} ",
                                     expected_version=row.version(n))
        else:
            result = self.bench.edit(clear_round, pid, n, initiator=self, what=f"删除 {label} ",
                                     expected_version=row.version(n))
        i = self.row_index(pid)                  # a redraw (another laptop's entries) may have moved it
        if result is FAILED:
            self.last_ok = False
            if codes and i >= 0:
                self.unsaved.put(key, text.strip(), label, failure_cause(self.bench.last_error))
                self._row_changed(i)
            return False
        self.unsaved.saved(key)
        new = result.result if isinstance(result, Wrote) else None
        if isinstance(new, DeclarationRow) and i >= 0:
            self.rows[i] = new
            self._row_changed(i)
        return True

    def _row_changed(self, i: int) -> None:
        self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))


class PostLegendModel(RowTableModel):
    COLUMNS = (Column("id", "编号", lambda p: p.id, CENTER), Column("name", "岗位", lambda p: p.name))


class DeclarationsTab(TabPage):
    TITLE = "报岗"
    STAGE = "declarations"
    WATCHES = Changed.DECLARATIONS | Changed.ROSTER | Changed.STAGES | Changed.SCHEME

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self.model = DeclarationModel(bench, self)
        self.view = EntryView(self, move="down")
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.model.modelReset.connect(self._apply_widths)
        self.legend_model = PostLegendModel(self)
        self.legend = QTableView()
        self.legend.setModel(self.legend_model)
        self.legend.verticalHeader().setVisible(False)
        self.legend.setColumnWidth(0, 48)
        self.legend.horizontalHeader().setStretchLastSection(True)
        self.legend.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        legend_box = QGroupBox("岗位编号")
        legend_layout = QVBoxLayout(legend_box)
        legend_layout.setContentsMargins(4, 4, 4, 4)
        legend_layout.addWidget(self.legend)
        legend_box.setFixedWidth(210)

        self.stage_label = QLabel()
        self.publish_button = QPushButton()
        self.publish_button.clicked.connect(self.publish_next)
        self.withdraw_button = QPushButton("撤回公布…")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.published_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("岗位编号用空格、逗号或顿号分隔（如 P1 P2），第一志愿在前；回车保存并跳到下一人"))
        top.addStretch(1)
        top.addWidget(self.published_label)
        top.addSpacing(8)
        top.addWidget(self.stage_label)
        top.addSpacing(8)
        top.addWidget(self.publish_button)
        top.addWidget(self.withdraw_button)
        body = QHBoxLayout()
        body.addWidget(self.view, 1)
        body.addWidget(legend_box)
        hint = QLabel("第一次、第二次可报 1–2 个岗位，第三次限报 1 个（§九）；每次报岗公布（公示）后不能再修改"
                      " · Delete 删除该人最后一次报岗 · Ctrl+Z 撤销")
        hint.setStyleSheet("color:#555")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(hint)
        self._apply_widths()
        self._dirty = True       # load when first shown (TabPage starts clean)

    def initiators(self) -> tuple[object, ...]:
        return (self, self.model)      # a typed round: its row is already redrawn from the answer

    def refresh(self) -> None:
        grid = declaration_grid(self.bench.store)
        self.model.load(grid)
        self.legend_model.set_rows(grid.posts)
        state = grid.state
        locked = state in ("locked", "published")
        self.stage_label.setText(f"本阶段：{STATE_LABELS[state]}" + ("（不能修改）" if locked else ""))
        self.stage_label.setStyleSheet("color:#b00020;font-weight:bold" if locked else "")
        published, rounds = self.model.published, self.model.round_count
        self.published_label.setText(f"已公布至{round_name(published)}" if published else "尚未公布")
        self.publish_button.setText(f"公布{round_name(published + 1)}报岗" if published < rounds else "三次报岗均已公布")
        self.publish_button.setEnabled(published < rounds and not locked)
        self.withdraw_button.setEnabled(published > 0 and not locked)
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            open_round = min(published + 1, rounds)
            self.view.setCurrentIndex(self.model.index(0, self.model.entry_columns()[open_round - 1]))

    def _apply_widths(self) -> None:
        for i, width in enumerate(self.model.widths()):
            self.view.setColumnWidth(i, width)

    def publish_next(self) -> None:
        n = self.model.published + 1
        answer = QMessageBox.question(self, "公布报岗", f"公布{round_name(n)}报岗后，该次报岗不能再修改"
                                      "（如需更正，须监督组输入密码并说明理由后撤回公布）。\n确定公布？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if self.bench.run(publish_round, n, what=f"公布{round_name(n)}报岗 ") is not FAILED:
            self.bench.info(f"已公布{round_name(n)}报岗")

    def ask_password_reason(self, label: str) -> tuple[str, str] | None:
        dialog = UnlockDialog(label, self)
        dialog.setWindowTitle("撤回公布")
        return (dialog.password.text(), dialog.reason.text().strip()) if dialog.exec() else None

    def withdraw(self) -> None:
        n = self.model.published
        if n == 0:
            return
        answer = self.ask_password_reason(f"{round_name(n)}报岗的公布")
        if answer and self.bench.run(withdraw_publication, *answer, round_no=n,
                                     what=f"撤回{round_name(n)}报岗的公布 ") is not FAILED:
            self.bench.info(f"已撤回{round_name(n)}报岗的公布")
