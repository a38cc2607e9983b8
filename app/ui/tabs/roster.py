"""Tab 1 人员名单: the roster and the posts, Excel in and out, qualification and rotation screening.

Keys: Ctrl+N 新增人员, Enter / F2 / double-click 编辑, Del 删除 (asks a reason), Ctrl+F the filter,
Ctrl+Shift+N 新增岗位. Every save goes through the workbench (undoable with Ctrl+Z).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from ...core.roster import RosterPerson
from ...services.declarations import declarations
from ...services.recommendation import counts
from ...services.roster import delete_person, list_people, list_posts, save_person, save_post
from ...services.scores import speech_scores
from ...services.stages import stage_states
from ...services.store import STATE_LABELS, Changed, Store, StoreError
from ..dialogs import ReasonDialog
from ..workbench import FAILED
from .base import TabPage
from .roster_dialogs import PersonDialog, PostDialog
from .roster_model import NameFilter, PeopleModel, PostsModel, RosterRow, roster_rows


class RowView(QTableView):
    """A read-only table driven by keys: Enter/F2 edit the current row, Del deletes it."""

    edit_requested = Signal()
    delete_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setDefaultSectionSize(24)
        self.verticalHeader().hide()      # 编号 says which row it is; the width goes to the columns
        self.doubleClicked.connect(lambda _: self.edit_requested.emit())

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt name
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            return super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_F2) and self.currentIndex().isValid():
            self.edit_requested.emit()
        elif event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.delete_requested.emit()
        else:
            super().keyPressEvent(event)

    def set_widths(self, widths: tuple[int, ...]) -> None:
        for i, w in enumerate(widths):
            self.setColumnWidth(i, w)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)


def _delete_refusal(store: Store, person_id: str, name: str) -> str | None:
    """Why a person cannot be deleted: later stages refer to them (the database would refuse the
    delete with a foreign-key error that is not a message)."""
    uses = []
    if person_id in declarations(store):
        uses.append("报岗")
    if person_id in speech_scores(store):
        uses.append("演讲评分")
    if any(person == person_id for person, _ in counts(store)):
        uses.append("推荐计票")
    return f"{name}（{person_id}）已有{'、'.join(uses)}记录，不能删除" if uses else None


def _delete_checked(store: Store, person_id: str, name: str, reason: str) -> Changed:
    refusal = _delete_refusal(store, person_id, name)
    if refusal:
        raise StoreError(refusal)
    return delete_person(store, person_id, reason=reason)


class RosterTab(TabPage):
    TITLE = "人员名单"
    STAGE = "roster"
    WATCHES = Changed.ROSTER | Changed.STAGES

    def __init__(self, bench, parent: QWidget | None = None):
        super().__init__(bench, parent)
        self._people: list = []
        self.person_dialog: PersonDialog | None = None
        self.post_dialog: PostDialog | None = None
        self.reason_dialog: ReasonDialog | None = None

        bar = QHBoxLayout()
        self.add_button = self._button(bar, "新增人员", self.new_person, "Ctrl+N")
        self.edit_button = self._button(bar, "编辑", self.edit_person, "Enter / F2")
        self.delete_button = self._button(bar, "删除", self.delete_person, "Del，须填写理由")
        bar.addSpacing(12)
        self._button(bar, "导入 Excel…", self.import_excel, "全部检查无误才导入，有问题一条也不导入；导入前先预览新增、修改和不变的人")
        self._button(bar, "撤销导入…", self.undo_import, "撤销最近一次导入的全部内容（导入后有人改过的，不能撤销）")
        self._button(bar, "导出 Excel…", self.export_excel, "人员名单按导入模板导出，可改后再导入")
        self._button(bar, "导出模板…", self.export_template, "空白的人员名单模板")
        bar.addSpacing(12)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("筛选：姓名或编号（Ctrl+F）")
        self.filter.setClearButtonEnabled(True)
        self.filter.setFixedWidth(190)
        bar.addWidget(self.filter)
        bar.addSpacing(12)
        bar.addWidget(QLabel("审查日期"))
        self.as_of = QDateEdit(QDate.currentDate())
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setCalendarPopup(True)
        self.as_of.setToolTip("资格（§二(二)）与轮岗（暂行办法第七条–第十条）审查截至此日")
        bar.addWidget(self.as_of)
        bar.addStretch(1)
        self.state_label = QLabel()
        bar.addWidget(self.state_label)

        self.people = PeopleModel(self)
        self.proxy = NameFilter(self)
        self.proxy.setSourceModel(self.people)
        self.people_view = RowView()
        self.people_view.setModel(self.proxy)
        self.people_view.set_widths(PeopleModel.WIDTHS)
        self.people_view.edit_requested.connect(self.edit_person)
        self.people_view.delete_requested.connect(self.delete_person)
        self.people_view.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.count_label = QLabel()
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.people_view, 1)
        left_box.addWidget(self.detail)

        self.posts = PostsModel(self)
        self.posts_view = RowView()
        self.posts_view.setModel(self.posts)
        self.posts_view.set_widths(PostsModel.WIDTHS)
        self.posts_view.edit_requested.connect(self.edit_post)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        post_bar = QHBoxLayout()
        self.posts_label = QLabel("岗位")
        post_bar.addWidget(self.posts_label)
        post_bar.addStretch(1)
        self._button(post_bar, "新增岗位", self.new_post, "Ctrl+Shift+N")
        self._button(post_bar, "编辑岗位", self.edit_post, "在岗位表中按 Enter / F2")
        right_box.addLayout(post_bar)
        right_box.addWidget(self.posts_view, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setSizes([1055, 275])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)

        self.filter.textChanged.connect(self.proxy.set_text)
        self.filter.textChanged.connect(lambda _: self._update_count())
        self.as_of.dateChanged.connect(lambda _: self._recompute())
        for keys, slot in (("Ctrl+N", self.new_person), ("Ctrl+Shift+N", self.new_post),
                           ("Ctrl+F", self.filter.setFocus)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _button(self, bar: QHBoxLayout, text: str, slot: Callable[[], None], tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        bar.addWidget(button)
        return button

    # -- reading -------------------------------------------------------------------------------

    def as_of_date(self) -> date:
        d = self.as_of.date()
        return date(d.year(), d.month(), d.day())

    def refresh(self) -> None:
        store = self.bench.store
        self._people = list_people(store)
        current_post = self.current_post()
        self.posts.set_rows(list_posts(store))
        self._select(self.posts_view, self.posts.row_of(current_post.id) if current_post else None)
        self.posts_label.setText(f"岗位（{self.posts.rowCount()} 个）")
        state = stage_states(store).get("roster", "draft")
        self.state_label.setText(f"人员名单：{STATE_LABELS[state]}")
        self.state_label.setStyleSheet("color:#b00020" if state in ("locked", "published") else "")
        self._recompute()

    def _recompute(self) -> None:
        current = self.current_row()
        self.people.set_rows(roster_rows(self._people, self.as_of_date()))
        row = self.people.row_of(current.person.id) if current else None
        # keyboard first: some row is always current, so Enter / F2 / Del work at once
        self._select(self.people_view, 0 if row is None else self.proxy.mapFromSource(self.people.index(row, 0)).row())
        self._update_count()
        self._show_detail()

    def _update_count(self) -> None:
        rows = self.people.rows()
        by_category: dict[str, int] = {}
        for r in rows:
            by_category[r.person.category] = by_category.get(r.person.category, 0) + 1
        due = sum(1 for r in rows if r.due)
        shown = f"，筛选后 {self.proxy.rowCount()} 人" if self.proxy.rowCount() != len(rows) else ""
        parts = "、".join(f"{k} {v}" for k, v in by_category.items())
        self.count_label.setText(f"共 {len(rows)} 人{shown}（{parts}）；截至审查日期应轮岗 {due} 人" if rows
                                 else "尚无人员：按 Ctrl+N 新增，或导入 Excel")

    @staticmethod
    def _select(view: QTableView, row: int | None) -> None:
        if row is not None and 0 <= row < view.model().rowCount():
            view.setCurrentIndex(view.model().index(row, 0))

    def current_row(self) -> RosterRow | None:
        index = self.people_view.currentIndex()
        if not index.isValid():
            return None
        return self.people.row_at(self.proxy.mapToSource(index).row())

    def current_post(self):
        index = self.posts_view.currentIndex()
        return self.posts.row_at(index.row()) if index.isValid() else None

    def _show_detail(self) -> None:
        row = self.current_row()
        self.detail.setText("" if row is None else
                            f"{row.person.id} {row.person.name}　资格：{row.qualification.text}　轮岗：{row.screening.text}")

    # -- people --------------------------------------------------------------------------------

    def _refusal(self, call: Callable[[], bool]) -> str | None:
        """Run a workbench call; the refusal text it showed, or None when it succeeded."""
        errors: list[str] = []
        slot = lambda text, is_error: errors.append(text) if is_error else None  # noqa: E731
        self.bench.message.connect(slot)
        try:
            ok = call()
        finally:
            self.bench.message.disconnect(slot)
        return None if ok else (errors[-1] if errors else "未保存")

    def new_person(self) -> None:
        self._open_person(None)

    def edit_person(self) -> None:
        row = self.current_row()
        if row is not None:
            self._open_person(row)

    def _open_person(self, row: RosterRow | None) -> None:
        existing = {p.id: p.name for p, _ in self._people}
        dialog = PersonDialog(self.bench.store.scheme().input_decimals, existing,
                              row.person if row else None, self)
        dialog.save = lambda person: self._refusal(lambda: self._save_person(person, row))
        self.person_dialog = dialog
        dialog.open()

    def _save_person(self, person: RosterPerson, row: RosterRow | None) -> bool:
        # 考试/民主测评 stay out of the roster save: re-saving them would reset their confirmation.
        person = replace(person, exam=None, democratic=None)
        first = [row.version if row else None]

        def do(store: Store) -> Changed:
            version, first[0] = first[0], None     # the version seen applies to the first save only
            return save_person(store, person, expected_version=version)

        if row is None:
            text = f"新增人员 {person.id} {person.name}"
            undo = lambda store: _delete_checked(store, person.id, person.name, "撤销新增人员")  # noqa: E731
        else:
            text = f"编辑人员 {person.id} {person.name}"
            old = replace(row.person, exam=None, democratic=None)
            undo = lambda store: save_person(store, old, reason="撤销编辑人员")  # noqa: E731
        if not self.bench.edit(text, do, undo):
            return False
        self.select_person(person.id)
        return True

    def select_person(self, person_id: str) -> None:
        row = self.people.row_of(person_id)
        if row is None:
            return
        if self.proxy.mapFromSource(self.people.index(row, 0)).row() < 0:   # hidden by the filter
            self.filter.clear()
        self._select(self.people_view, self.proxy.mapFromSource(self.people.index(row, 0)).row())

    def delete_person(self) -> None:
        row = self.current_row()
        if row is None:
            return
        p = row.person
        refusal = _delete_refusal(self.bench.store, p.id, p.name)
        if refusal:      # said before a reason is asked for nothing
            self.bench.message.emit(refusal, True)
            return
        dialog = ReasonDialog("删除人员", f"删除 {p.id} {p.name}？其考试与测评分数将一并删除。"
                                          "请填写删除理由（记入审计日志）。", self)
        dialog.accepted.connect(lambda: self._delete(row, dialog.reason.text().strip()))
        self.reason_dialog = dialog
        dialog.open()

    def _delete(self, row: RosterRow, reason: str) -> bool:
        p = row.person
        return self.bench.edit(f"删除人员 {p.id} {p.name}",
                               lambda store: _delete_checked(store, p.id, p.name, reason),
                               lambda store: save_person(store, p, reason="撤销删除人员"))

    # -- posts -----------------------------------------------------------------------------------

    def new_post(self) -> None:
        self._open_post(None)

    def edit_post(self) -> None:
        post = self.current_post()
        if post is not None:
            self._open_post(post)

    def _open_post(self, post) -> None:
        dialog = PostDialog({p.id: p.name for p in self.posts.rows()}, post, self)
        dialog.save = lambda values: self._refusal(lambda: self._save_post(values, post))
        self.post_dialog = dialog
        dialog.open()

    def _save_post(self, values: dict, post) -> bool:
        args = dict(values)
        post_id = args.pop("post_id")
        if post is None:   # no service deletes a post, so adding one is not undoable
            if self.bench.run(save_post, post_id, **args) is FAILED:
                return False
            self.bench.info(f"已保存：新增岗位 {post_id} {args['name']}")
            return True
        old = {"name": post.name, "seats": post.seats, "office": post.office, "headcount": post.headcount}
        return self.bench.edit(f"编辑岗位 {post_id} {args['name']}",
                               lambda store: save_post(store, post_id, **args),
                               lambda store: save_post(store, post_id, **old))

    # -- Excel -----------------------------------------------------------------------------------

    def ask_open_path(self) -> str:
        folder = str(Path(self.bench.store.location).parent) if "://" not in self.bench.store.location else ""
        path, _ = QFileDialog.getOpenFileName(self, "导入人员名单", folder, "Excel 工作簿 (*.xlsx)")
        return path

    def ask_save_path(self, title: str, name: str) -> str:
        default = str(Path(self.bench.store.location).with_name(name))
        path, _ = QFileDialog.getSaveFileName(self, title, default, "Excel 工作簿 (*.xlsx)")
        return path

    def import_excel(self) -> None:
        from ..roster_import import import_roster   # openpyxl loads when first needed, not at start
        path = self.ask_open_path()
        if path:
            import_roster(self.bench, self, path)

    def undo_import(self) -> None:
        """The latest roster import, undone whole (also after a restart), once the clerk said 是."""
        from ...services.roster_import_undo import imports, undo_roster_import
        done = self.bench.run(imports)
        if done is FAILED:
            return
        if not done:
            self.bench.info("没有可撤销的人员名单导入")
            return
        last = done[-1]
        answer = QMessageBox.question(self, "撤销导入", f"撤销 {last.operator} 导入的“{last.file}”？\n新增的 {last.added} 人将删除，"
                                      f"修改的 {last.changed} 人恢复为导入前的样子。", QMessageBox.StandardButton.Yes
                                      | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes and (wrote := self.bench.run(undo_roster_import, last.seq)) is not FAILED:
            self.bench.info(f"已{wrote.label}")

    def export_excel(self) -> None:
        from ...services import excel
        path = self.ask_save_path("导出人员名单", "人员名单.xlsx")
        if path and self.bench.run(lambda store: excel.export_roster_xlsx(store, path)) is not FAILED:
            self.bench.info(f"已导出 {path}")

    def export_template(self) -> None:
        from ...services import excel
        path = self.ask_save_path("导出人员名单模板", "人员名单模板.xlsx")
        if path and self.bench.run(lambda store: excel.export_roster_template(path)) is not FAILED:
            self.bench.info(f"已导出 {path}")
