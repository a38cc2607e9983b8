"""导入人员名单 as the clerk meets it: the 职级 words asked for once, a preview of what will be added, changed
and left, then one undoable import (Ctrl+Z, or 撤销导入 on the roster tab, undoes the whole import).

The services (:mod:`app.services.roster_import`) read, match, store and undo; this module only asks and shows.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QGridLayout, QLabel,
                               QTableView, QTabWidget, QVBoxLayout, QWidget)

from ..core.scheme import RANKS
from ..services.roster_import import (RANK_HINTS, RankWordsNeeded, RosterPlan, apply_roster_import, plan_roster_import,
                                      save_rank_words)
from ..services.store import StoreError
from .table import Column, RowTableModel
from .workbench import FAILED, Workbench

CHOOSE = "请选择…"


class RankWordsDialog(QDialog):
    """Each office 职级 word of the sheet, with a rank of the scheme chosen for it (remembered per campaign).
    Nothing is chosen for the clerk: the rank decides the §八 bonus, and 正科级 says nothing of 实职 or 虚职."""

    def __init__(self, words: dict[str, tuple[int, ...]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("职级写法对应")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel("人员名单中的这些职级写法程序不认识。请为每一种选择对应的职级；本竞岗会记住这些对应，"
                       "以后导入不再询问。职级决定考评量化的职级加分（§八），请按实际任职选择实职或虚职。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        for c, head in enumerate(("名单中的写法", "所在行", "对应职级", "参考")):
            grid.addWidget(QLabel(f"<b>{head}</b>"), 0, c)
        self.boxes: dict[str, QComboBox] = {}
        for r, (word, rows) in enumerate(words.items(), start=1):
            box = QComboBox()
            box.addItems([CHOOSE, *RANKS])
            box.currentIndexChanged.connect(self._update)
            label = QLabel(word)
            label.setBuddy(box)
            shown = "、".join(str(x) for x in rows[:6]) + ("…" if len(rows) > 6 else "")
            grid.addWidget(label, r, 0)
            grid.addWidget(QLabel(f"第 {shown} 行（{len(rows)} 人）"), r, 1)
            grid.addWidget(box, r, 2)
            grid.addWidget(QLabel(f"通常为{RANK_HINTS[word]}" if word in RANK_HINTS else ""), r, 3)
            self.boxes[word] = box
        layout.addLayout(grid)
        self.missing = QLabel()
        self.missing.setStyleSheet("color:#b00020")
        layout.addWidget(self.missing)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定并继续导入")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def mapping(self) -> dict[str, str]:
        return {w: b.currentText() for w, b in self.boxes.items() if b.currentIndex() > 0}

    def _update(self) -> None:
        left = [w for w, b in self.boxes.items() if b.currentIndex() == 0]
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not left)
        self.missing.setText(f"还须选择：{'、'.join(left)}" if left else "")


class _Rows(RowTableModel):
    def __init__(self, columns: tuple[Column, ...], rows: list[Any], parent: Any = None):
        self.COLUMNS = columns
        super().__init__(parent)
        self.set_rows(rows)


ADDED = (Column("id", "编号", lambda p: p.id), Column("name", "姓名", lambda p: p.name),
         Column("rank", "职级", lambda p: p.rank), Column("category", "类别", lambda p: p.category),
         Column("birth", "出生", lambda p: p.birth), Column("unit", "编制单位", lambda p: p.unit))
CHANGED = (Column("id", "编号", lambda r: r[0]), Column("name", "姓名", lambda r: r[1]),
           Column("field", "项目", lambda r: r[2]), Column("old", "名单中", lambda r: r[3]),
           Column("new", "表中（导入后）", lambda r: r[4]), Column("how", "对上方式", lambda r: r[5]))
PEOPLE = (Column("id", "编号", lambda r: r[0]), Column("name", "姓名", lambda r: r[1]))


class ImportPreviewDialog(QDialog):
    """What the import will add, change (field by field) and leave; 导入 stores it, 取消 stores nothing."""

    def __init__(self, plan: RosterPlan, parent: QWidget | None = None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"导入人员名单 — {plan.file}")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        head = QLabel(f"<b>{plan.file}</b>（工作表“{plan.sheet.sheet}”，{len(plan.sheet.people)} 人）：{plan.summary()}。"
                      + ("<br>与名单完全一致，没有要导入的内容。" if plan.nothing_to_do else "<br>按“导入”后才保存；"
                         "导入后可用 Ctrl+Z 或人员名单页的“撤销导入”整体撤销。"))
        head.setWordWrap(True)
        layout.addWidget(head)
        if plan.notes:
            notes = QLabel("<br>".join(f"• {n}" for n in plan.notes))
            notes.setWordWrap(True)
            notes.setStyleSheet("color:#7a4b00")
            notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(notes)
        self.tabs = QTabWidget()
        changed = [(c.person.id, c.person.name, f.label, f.old, f.new,
                    "编号" if c.matched_by == "编号" else f"姓名+出生年月（表中编号 {c.sheet_id}）")
                   for c in plan.changed for f in c.changes]
        for title, columns, rows in ((f"新增（{len(plan.added)} 人）", ADDED, list(plan.added)),
                                     (f"修改（{len(plan.changed)} 人）", CHANGED, changed),
                                     (f"不变（{len(plan.unchanged)} 人）", PEOPLE,
                                      [(c.person.id, c.person.name) for c in plan.unchanged]),
                                     (f"名单中有、表中没有（{len(plan.kept)} 人，保留）", PEOPLE, list(plan.kept))):
            view = QTableView()
            view.setModel(_Rows(columns, rows, view))
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.verticalHeader().hide()
            view.horizontalHeader().setStretchLastSection(True)
            view.resizeColumnsToContents()
            self.tabs.addTab(view, title)
        first = next((i for i, n in enumerate((plan.added, plan.changed)) if n), 0)
        self.tabs.setCurrentIndex(first)
        layout.addWidget(self.tabs, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("导入(&I)")
        self.import_button.setEnabled(not plan.nothing_to_do)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭" if plan.nothing_to_do else "取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)


def import_roster(bench: Workbench, parent: QWidget, path: str,
                  ask_ranks: Callable[[dict[str, tuple[int, ...]]], dict[str, str] | None] | None = None,
                  preview: Callable[[RosterPlan], bool] | None = None) -> bool:
    """Read ``path``, ask for unknown 职级 words, preview, then import as one undoable edit. A refusal is
    shown as the workbench shows every refusal. ``ask_ranks`` and ``preview`` replace the dialogs (tests)."""
    ask_ranks = ask_ranks or (lambda words: _ask_ranks(parent, words))
    preview = preview or (lambda plan: _exec(ImportPreviewDialog(plan, parent)) is not None)
    plan = None
    for _ in range(2):
        try:
            plan = plan_roster_import(bench.store, path)
            break
        except RankWordsNeeded as need:
            mapping = ask_ranks(need.words)
            if mapping is None:
                bench.info("未导入人员名单（职级写法未对应）")
                return False
            if bench.run(save_rank_words, mapping) is FAILED:
                return False
        except StoreError as err:
            bench.message.emit(str(err), True)
            return False
    if plan is None or not preview(plan) or plan.nothing_to_do:
        if plan is not None:
            bench.info(f"未导入人员名单 {plan.file}")
        return False
    # Ctrl+Z undoes the whole import (its own undo service); 重做 writes back what the undo removed.
    return bench.edit(apply_roster_import, plan, what=f"导入人员名单 {plan.file} ") is not FAILED


def _ask_ranks(parent: QWidget, words: dict[str, tuple[int, ...]]) -> dict[str, str] | None:
    dialog = RankWordsDialog(words, parent)
    return None if _exec(dialog) is None else dialog.mapping()


def _exec(dialog: QDialog) -> QDialog | None:
    """Run a dialog; the dialog when accepted, else None. It is deleted afterwards (not kept by its parent)."""
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return dialog if accepted else None
