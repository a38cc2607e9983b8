"""Tab 1 人员名单: the roster and the posts, Excel in and out, qualification and rotation screening.

Keys: Ctrl+N 新增人员, Enter / F2 / double-click 编辑, Del 删除 (asks a reason), Ctrl+F the filter,
Ctrl+Shift+N 新增岗位 (Enter / F2 / Del in the posts table). Every save goes through the workbench and
refers to the version the clerk saw (undoable with Ctrl+Z); a dialog whose save failed stays open with
what was typed and says why.
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

from ...services.roster import (PostRow, RosterPerson, delete_person, delete_post, delete_refusal, list_people, list_posts,
                                post_delete_refusal, save_person, save_post)
from ...services.stages import stage_states
from ...services.store import STATE_LABELS, Changed, Wrote
from ..dialogs import ReasonDialog, save_from_form
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
        self.posts_view.delete_requested.connect(self.delete_post)
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        post_bar = QHBoxLayout()
        self.posts_label = QLabel("岗位")
        post_bar.addWidget(self.posts_label)
        post_bar.addStretch(1)
        self._button(post_bar, "新增岗位", self.new_post, "Ctrl+Shift+N")
        self._button(post_bar, "编辑岗位", self.edit_post, "在岗位表中按 Enter / F2")
        self._button(post_bar, "删除岗位", self.delete_post, "在岗位表中按 Del，须填写理由；已有报岗或推荐记录的岗位不能删除")
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
        key = ("people", row.person.id) if row else ("people", "新增", id(dialog))

        def save(person: RosterPerson) -> str | None:
            what = f"{'编辑' if row else '新增'}人员 {person.id} {person.name}"
            return save_from_form(self.bench, lambda: self._save_person(person, row), key=key, what=what)
        dialog.save_value = save
        dialog.rejected.connect(lambda: self.bench.mark_saved(key))      # given up: no longer counted 未保存
        self.person_dialog = dialog
        dialog.open()

    def _save_person(self, person: RosterPerson, row: RosterRow | None):
        # 考试/民主测评 stay out of the roster save: re-saving them would reset their confirmation.
        person = replace(person, exam=None, democratic=None)
        result = self.bench.edit(save_person, person, initiator=self,
                                 what=f"{'编辑' if row else '新增'}人员 {person.id} {person.name} ",
                                 expected_version=row.version if row else 0)
        if result is not FAILED and isinstance(result, Wrote) and result.result is not None:
            self._show_person(*result.result)
        return result

    def _show_person(self, person: RosterPerson, version: int) -> None:
        """The stored person as the service answered: in place of the old row, or added at the end."""
        at = next((i for i, (p, _) in enumerate(self._people) if p.id == person.id), None)
        if at is None:
            self._people.append((person, version))
        else:
            self._people[at] = (person, version)
        self._recompute()
        self.select_person(person.id)

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
        refusal = delete_refusal(self.bench.store, p.id)
        if refusal:      # said before a reason is asked for nothing
            self.bench.message.emit(refusal, True)
            return
        self._ask_delete("删除人员", f"删除 {p.id} {p.name}？其考试与测评分数将一并删除。请填写删除理由（记入审计日志）。",
                         ("people", p.id, "删除"), f"删除人员 {p.id} {p.name}", lambda reason: self._delete(row, reason))

    def _ask_delete(self, title: str, prompt: str, key: tuple, what: str, delete: Callable[[str], object]) -> None:
        """A reason, then the delete; the dialog stays open (and the delete counts 未保存) while it fails."""
        dialog = ReasonDialog(title, prompt, self)
        dialog.save = lambda: save_from_form(self.bench, lambda: delete(dialog.reason.text().strip()), key=key,
                                             what=what)
        dialog.rejected.connect(lambda: self.bench.mark_saved(key))
        self.reason_dialog = dialog
        dialog.open()

    def _delete(self, row: RosterRow, reason: str):
        p = row.person
        result = self.bench.edit(delete_person, p.id, initiator=self, what=f"删除人员 {p.id} {p.name} ",
                                 reason=reason, expected_version=row.version)
        if result is not FAILED:
            self._people = [(q, v) for q, v in self._people if q.id != p.id]
            self._recompute()
        return result

    # -- posts -----------------------------------------------------------------------------------

    def new_post(self) -> None:
        self._open_post(None)

    def edit_post(self) -> None:
        post = self.current_post()
        if post is not None:
            self._open_post(post)

    def _open_post(self, post: PostRow | None) -> None:
        dialog = PostDialog({p.id: p.name for p in self.posts.rows()}, post, self)
        key = ("posts", post.id) if post else ("posts", "新增", id(dialog))

        def save(values: dict) -> str | None:
            what = f"{'编辑' if post else '新增'}岗位 {values['post_id']} {values['name']}"
            return save_from_form(self.bench, lambda: self._save_post(values, post), key=key, what=what)
        dialog.save_value = save
        dialog.rejected.connect(lambda: self.bench.mark_saved(key))
        self.post_dialog = dialog
        dialog.open()

    def _save_post(self, values: dict, post: PostRow | None):
        args = dict(values)
        post_id = args.pop("post_id")
        result = self.bench.edit(save_post, post_id, **args, initiator=self,
                                 what=f"{'编辑' if post else '新增'}岗位 {post_id} {args['name']} ",
                                 expected_version=post.version if post else 0)
        if result is not FAILED and isinstance(result, Wrote) and isinstance(result.result, PostRow):
            self._show_post(result.result)
        return result

    def _show_post(self, post: PostRow) -> None:
        rows = self.posts.rows()
        at = self.posts.row_of(post.id)
        if at is None:
            rows.append(post)
        else:
            rows[at] = post
        self.posts.set_rows(rows)
        self.posts_label.setText(f"岗位（{self.posts.rowCount()} 个）")
        self._select(self.posts_view, self.posts.row_of(post.id))

    def delete_post(self) -> None:
        post = self.current_post()
        if post is None:
            return
        refusal = post_delete_refusal(self.bench.store, post.id)
        if refusal:
            self.bench.message.emit(refusal, True)
            return
        self._ask_delete("删除岗位", f"删除岗位 {post.id} {post.name}？请填写删除理由（记入审计日志）。",
                         ("posts", post.id, "删除"), f"删除岗位 {post.id} {post.name}",
                         lambda reason: self._delete_post(post, reason))

    def _delete_post(self, post: PostRow, reason: str):
        result = self.bench.edit(delete_post, post.id, initiator=self, what=f"删除岗位 {post.id} {post.name} ",
                                 reason=reason, expected_version=post.version)
        if result is not FAILED:
            self.posts.set_rows([p for p in self.posts.rows() if p.id != post.id])
            self.posts_label.setText(f"岗位（{self.posts.rowCount()} 个）")
        return result

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
