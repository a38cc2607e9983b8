"""The 考评组's workbench: one tab per job of the 细则, a message line, the status bar."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMenuBar, QMessageBox, QTabWidget,
                               QVBoxLayout, QWidget)

from .. import files
from ..services import completeness, stages
from ..services.projector import SEAL
from ..services.store import STAGE_LABELS, STATE_LABELS, Changed, Store, StoreError
from . import dialogs
from .dialogs import UnlockDialog
from .projector import ProjectorControls
from .workbench import FAILED, Workbench

APP_TITLE = "竞岗考评"
DEFAULT_SIZE = (1340, 700)
"""Fits a 1366×768 screen with the taskbar and the window frame."""
# What a step forward means, said before it is taken (确认 needs no question: it can be taken back).
ADVANCE_MEANS = {
    "locked": "锁定后，本阶段的录入不能再修改；如需更正，须监督组输入密码并说明理由后解锁。",
    "published": "公布后，本阶段的结果即为正式结果：可打印公示表，并在大屏显示。",
}


def backup_name(location: str, now: datetime | None = None) -> str:
    """The backup proposed beside the file, named by date and time (``c-备份-20261124-0930.db``), so a
    second backup with the proposed name is not refused; a name already taken gets -2, -3 …"""
    source = Path(location)
    stem = f"{source.stem}-备份-{(now or datetime.now()).strftime('%Y%m%d-%H%M')}"
    path, n = source.with_name(f"{stem}.db"), 1
    while path.exists():
        n += 1
        path = source.with_name(f"{stem}-{n}.db")
    return str(path)


TABS = (("roster", "RosterTab", "人员名单"), ("exams", "ExamsTab", "考试与测评"), ("declarations", "DeclarationsTab", "报岗"),
        ("draw", "DrawTab", "抽签"), ("speech", "SpeechTab", "竞岗演讲评分"),
        ("recommendation", "RecommendationTab", "定岗推荐计票"), ("results", "ResultsTab", "综合考评与人选"),
        ("selection", "SelectionTab", "双向选择"), ("scheme", "SchemeTab", "方案设置"))
"""The tabs in the 细则's order: module in ``app.ui.tabs``, class, title (the class's TITLE; a test keeps them equal)."""


def tab_class(module: str, name: str) -> type:
    return getattr(import_module(f"{__package__}.tabs.{module}"), name)


def tab_classes() -> list[type]:
    return [tab_class(module, name) for module, name, _ in TABS]


class TabPages(Sequence):
    """The tab pages, each built the first time it is shown or asked for: a start builds only the
    first (about 80 ms less on a 2-core laptop than building all nine). Until then its tab holds an
    empty placeholder, swapped for the page in place, so ``tabs.currentWidget()`` is the page."""

    def __init__(self, tabs: QTabWidget, bench: Workbench):
        self.tabs, self.bench = tabs, bench
        self._pages: list[QWidget | None] = [None] * len(TABS)
        for i, (_, _, title) in enumerate(TABS, start=1):
            tabs.addTab(QWidget(), f"{i} {title}")
        tabs.currentChanged.connect(self.__getitem__)   # connected first: the page exists for the other slots

    def __len__(self) -> int:
        return len(self._pages)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if self._pages[i] is None:
            module, name, title = TABS[i]
            page = tab_class(module, name)(self.bench)
            self._pages[i] = page
            current, placeholder = self.tabs.currentIndex(), self.tabs.widget(i)
            blocked = self.tabs.blockSignals(True)
            try:
                self.tabs.removeTab(i)
                self.tabs.insertTab(i, page, f"{i + 1} {title}")
                self.tabs.setCurrentIndex(current)
            finally:
                self.tabs.blockSignals(blocked)
            placeholder.deleteLater()
        return self._pages[i]

    def built(self) -> list[QWidget]:
        return [p for p in self._pages if p is not None]


SHORT_STAGE_LABELS = {"roster": "名单", "exam": "考测", "declarations": "报岗", "draw": "抽签", "speech": "演讲",
                      "recommendation": "推荐", "assignment": "人选", "selection": "双选"}
"""Stage names in the status bar for the stages of the other tabs."""


OPEN_WINDOWS: list["MainWindow"] = []
"""Main windows opened in place of another (演练): kept referenced while the program runs."""


class MenuEscape(QObject):
    """Esc in a menu of the menu bar leaves the menu bar altogether. Qt's own Esc only closes the menu and keeps
    the bar in keyboard mode with the title highlighted, so the clerk's next ↓ opened 编辑 with 撤销 selected and
    Enter undid an entry (issue 13). The Esc is passed on to the bar, which then gives the keyboard back."""

    def __init__(self, bar: QMenuBar):
        super().__init__(bar)
        self.bar = bar

    def watch(self) -> None:
        for action in self.bar.actions():
            if action.menu() is not None:
                action.menu().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape \
                and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            QTimer.singleShot(0, self.leave)     # after the menu has closed itself
        return False

    def leave(self) -> None:
        if self.bar.activeAction() is not None or self.bar.hasFocus():
            QApplication.sendEvent(self.bar, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape,
                                                       Qt.KeyboardModifier.NoModifier))


class MessageLine(QLabel):
    """The last save or refusal, in words; refusals in red so they cannot be missed."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("messageLine")
        self.setWordWrap(True)
        self.setMinimumHeight(26)
        self.setContentsMargins(8, 2, 8, 2)
        self.is_error = False

    def clear(self) -> None:
        """Arriving on another tab: a message about the last tab's entry no longer applies there (what is
        still unsaved stays counted in the status bar)."""
        self.is_error = False
        self.setText("")
        self.setStyleSheet("")

    def show_message(self, text: str, is_error: bool) -> None:
        self.is_error = is_error
        self.setText(("⚠ " if is_error else "✓ ") + text)
        self.setStyleSheet("background:#fdecea;color:#b00020;font-weight:bold" if is_error
                           else "background:#edf7ed;color:#1e4620")


class MainWindow(QMainWindow):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.print_title: str | None = None        # the sheet last chosen in the print dialog
        self.bench = Workbench(store, self)
        self.projector = ProjectorControls(self, self.bench)   # before the tabs: the wall hears a change first
        info = store.info()
        # Qt appends " — <application display name>" to a title not ending with it (X11, Windows): so the
        # title ends with 竞岗考评 itself, which then appears once
        self.setWindowTitle(f"{info.title}（录入人：{store.operator}） — {APP_TITLE}")
        self.resize(*DEFAULT_SIZE)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        self.tabs = QTabWidget()
        self.pages = TabPages(self.tabs, self.bench)
        layout.addWidget(self.tabs, 1)
        self.message_line = MessageLine()
        layout.addWidget(self.message_line)
        self.setCentralWidget(central)

        self.file_label, self.stage_label, self.backup_label = QLabel(), QLabel(), QLabel()
        self.unsaved_label, self.connection_label = QLabel(), QLabel()
        for label in (self.unsaved_label, self.connection_label, self.file_label, self.stage_label,
                      self.backup_label):
            self.statusBar().addPermanentWidget(label)
        self.bench.message.connect(self.message_line.show_message)
        self.bench.connection.connect(self._update_connection)
        self.bench.unsaved_changed.connect(self._update_unsaved)
        self._update_connection()
        self._update_unsaved()
        self.bench.changed.connect(self._on_changed)
        self.tabs.currentChanged.connect(lambda _: self._update_status())
        self.tabs.currentChanged.connect(lambda _: self.message_line.clear())
        self.tabs.currentChanged.connect(lambda i: self.pages[i].focus_entry())
        self._build_menus()
        for i in range(min(len(self.pages), 9)):
            act = QAction(self)
            act.setShortcut(QKeySequence(f"Alt+{i + 1}"))
            act.triggered.connect(lambda _=False, i=i: self.tabs.setCurrentIndex(i))
            self.addAction(act)
        self.pages[0].refresh()
        self.pages[0]._dirty = False   # drawn: its first showEvent need not read the roster again
        self._update_status()

    # -- menus ---------------------------------------------------------------------------------

    def _action(self, menu, text: str, slot: Callable[[], None], shortcut: str | QKeySequence | None = None) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        menu.addAction(act)
        return act

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        self._action(file_menu, "备份(&B)…", self.backup, "Ctrl+B")
        self._action(file_menu, "另存为(&A)…", self.backup, "Ctrl+Shift+S")
        file_menu.addSeparator()
        self._action(file_menu, "导入人员名单 Excel(&I)…", self.import_roster)
        self._action(file_menu, "导出人员名单 Excel(&E)…", lambda: self._export("人员名单.xlsx", "excel:roster"))
        self._action(file_menu, "导出人员名单模板(&M)…", lambda: self._export("人员名单模板.xlsx", "excel:template"))
        self._action(file_menu, "导出各阶段结果 Excel(&R)…", lambda: self._export("考评结果.xlsx", "excel:results"))
        self._action(file_menu, "导出竞岗文件 JSON(&J)…", lambda: self._export("竞岗文件.json", "json"))
        file_menu.addSeparator()
        self._action(file_menu, "打印公示表与会议用表(&P)…", self.print_sheets, "Ctrl+P")
        file_menu.addSeparator()
        rehearsal = file_menu.addMenu("演练(&L)")
        rehearsal.setToolTipsVisible(True)
        self._action(rehearsal, "打开演练竞岗(&O)", self.open_rehearsal).setToolTip(
            "各次会议都还没开：名单、岗位、评委、报岗已就绪，没有抽签、评分和推荐票，各组都用唱票录入")
        self._action(rehearsal, "重新开始演练(&R)…", self.restart_rehearsal).setToolTip("放弃演练中录入的一切，从头再来")
        file_menu.addSeparator()
        self._action(file_menu, "校验审计日志(&V)", self.verify)
        file_menu.addSeparator()
        self.quit_action = self._action(file_menu, "退出(&X)", self.close, "Ctrl+Q")
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)

        edit_menu = bar.addMenu("编辑(&E)")
        self.undo_action = self._action(edit_menu, "撤销", self.bench.undo, "Ctrl+Z")
        self.redo_action = self._action(edit_menu, "重做", self.bench.redo, "Ctrl+Y")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.bench.history_changed.connect(self._update_history)
        self._update_history()
        edit_menu.addSeparator()
        self.refresh_action = self._action(edit_menu, "刷新（显示其他录入人的录入）", self.bench.refresh, "Ctrl+R")

        stage_menu = bar.addMenu("阶段(&T)")
        self._action(stage_menu, "确认 / 锁定 / 公布本阶段（下一步）", self.advance_stage, "Ctrl+Shift+L")
        self._action(stage_menu, "退回草稿（未锁定时）", self.reopen_stage)
        self._action(stage_menu, "监督组解锁…", self.unlock_stage)

        self.projector.install(bar)   # 大屏(&P): F5 打开大屏, Ctrl+1…6 画面, F7 黑屏, F8 / Shift+F8 演讲人, F9 翻页
        self.menu_escape = MenuEscape(bar)
        self.menu_escape.watch()

    # -- stage control -------------------------------------------------------------------------

    def current_stage(self) -> str | None:
        return getattr(self.pages[self.tabs.currentIndex()], "STAGE", None)

    def page_stage(self) -> str | None:
        """The current tab's stage; on a tab without one, say so in the message line."""
        stage = self.current_stage()
        if not stage:
            title = TABS[self.tabs.currentIndex()][2]
            self.bench.info(f"“{title}”页没有阶段，无需确认、锁定、公布或解锁")
        return stage

    def advance_stage(self) -> None:
        """确认 → 锁定 → 公布, one step, for the state shown (another laptop's move is a conflict). 锁定 and
        公布 ask for the 监督组's password (the step is sealed) and show the 摘要码 on the wall."""
        stage = self.page_stage()
        if not stage:
            return
        label = STAGE_LABELS[stage]
        state = stages.stage_states(self.store).get(stage, "draft")
        target = stages.FORWARD.get(state)
        password = None
        if target == "confirmed" and not self._confirm_incomplete(stage, label):
            return
        if target in ADVANCE_MEANS:
            verb = STATE_LABELS[target].removeprefix("已")
            password = dialogs.ask_supervisor_password(self, f"{verb}阶段",
                                                       f"确定{verb}“{label}”阶段？\n\n{ADVANCE_MEANS[target]}")
            if password is None:
                self.bench.info(f"未{verb}“{label}”")
                return
        wrote = self.bench.run(stages.advance, stage, password, expected=state)
        if wrote is not FAILED:
            self._sealed(wrote)

    def _confirm_incomplete(self, stage: str, label: str) -> bool:
        """Confirming a stage with entries missing or not confirmed asks first, naming them (default 否)."""
        missing = self.bench.run(completeness.incomplete, stage)
        if missing is FAILED or not missing:
            return missing is not FAILED
        shown = "\n".join(missing[:completeness.SHOWN])
        more = f"\n……共 {len(missing)} 项" if len(missing) > completeness.SHOWN else ""
        No, Yes = QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes
        answer = QMessageBox.question(self, "确认阶段", f"“{label}”还有未录完或未确认的内容：\n\n{shown}{more}\n\n"
                                      "仍要确认本阶段吗？", Yes | No, No)
        if answer != Yes:
            self.bench.message.emit(f"未确认“{label}”：还有 {len(missing)} 项未录完或未确认", True)
            return False
        return True

    def _sealed(self, wrote) -> None:
        """Say what was done; a sealed step also shows its 摘要码 on the wall (SPEC §9)."""
        if wrote.value:
            self.bench.info(f"{wrote.label}　{wrote.value}")
            self.projector.show_scene(SEAL, quiet=True)
        else:
            self.bench.info(wrote.label)

    def reopen_stage(self) -> None:
        stage = self.page_stage()
        if stage:
            state = stages.stage_states(self.store).get(stage, "draft")
            wrote = self.bench.run(stages.reopen, stage, expected=state)
            if wrote is not FAILED:
                self.bench.info(wrote.label)

    def unlock_stage(self) -> None:
        stage = self.page_stage()
        if not stage:
            return
        state = stages.stage_states(self.store).get(stage, "draft")
        dialog = UnlockDialog(STAGE_LABELS[stage], self)
        if dialog.exec():
            wrote = self.bench.run(stages.unlock, stage, dialog.password.text(), dialog.reason.text().strip(),
                                   expected=state)
            if wrote is not FAILED:
                self._sealed(wrote)

    # -- files ---------------------------------------------------------------------------------

    def backup(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "备份竞岗文件", backup_name(self.store.location),
                                              "竞岗数据 (*.db)")
        if path:
            if self.bench.run(lambda store: store.backup(path)) is not FAILED:
                self.bench.info(f"已备份到 {path}")
                self._update_status()

    def import_roster(self) -> None:
        """The same import as the 人员名单 tab's (preview, 职级 words, undo), shown on that tab."""
        self.tabs.setCurrentIndex(0)
        self.pages[0].import_excel()

    # -- rehearsal -------------------------------------------------------------------------------

    def open_rehearsal(self) -> None:
        """文件 → 演练: the rehearsal campaign as it was left (made on first use), in a window of its own."""
        from ..services.demo import open_rehearsal
        from .start import rehearsal_path
        path = rehearsal_path()
        if Path(self.store.location) == path:
            self.bench.info("已在演练竞岗中")
            return
        store = self.bench.run(lambda _: open_rehearsal(path, operator=self.store.operator))
        if store is not FAILED:
            self.replace_with(store)

    def restart_rehearsal(self) -> None:
        from ..services.demo import create_rehearsal_store
        from .start import rehearsal_path
        answer = QMessageBox.question(self, "重新开始演练", "放弃演练竞岗中录入的一切（抽签、评分、推荐票……），从头再来？\n"
                                      "正式竞岗文件不受影响。", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        path = rehearsal_path()
        if Path(self.store.location) == path:
            self.store.close()      # this window shows the rehearsal: its file is replaced
        store = self.bench.run(lambda _: create_rehearsal_store(path, operator=self.store.operator))
        if store is not FAILED:
            self.replace_with(store)
            OPEN_WINDOWS[-1].bench.info("演练已重新开始：各次会议都还没开")

    def replace_with(self, store: Store) -> "MainWindow":
        """Show ``store`` in a new main window in place of this one."""
        window = MainWindow(store)
        window.setGeometry(self.geometry())
        OPEN_WINDOWS.append(window)
        window.show()
        self.close()
        return window

    def _export(self, default: str, kind: str) -> None:
        from ..services import excel
        from ..services.campaign_io import export_campaign
        import json
        path, _ = QFileDialog.getSaveFileName(self, "导出", str(Path(self.store.location).with_name(default)))
        if not path:
            return
        writers = {
            "excel:roster": lambda store: excel.export_roster_xlsx(store, path),
            "excel:template": lambda store: excel.export_roster_template(path),
            "excel:results": lambda store: excel.export_results_xlsx(store, path),
            "json": lambda store: files.write_text(
                path, json.dumps(export_campaign(store), ensure_ascii=False, indent=1) + "\n"),
        }
        if self.bench.run(writers[kind]) is not FAILED:
            self.bench.info(f"已导出 {path}")

    def print_sheets(self) -> None:
        """打印公示表与会议用表 (Ctrl+P), opened on the sheet chosen last time."""
        from .print_preview import PrintDialog
        dialog = PrintDialog(self.bench, self, title=self.print_title)
        dialog.exec()
        self.print_title = dialog.current_title()
        dialog.deleteLater()

    def verify(self) -> None:
        """The same check as ``python -m app verify`` (without the password: the seals are checked at every
        lock and publication, and by the 监督组 with ``--password``)."""
        report = self.store.verify()
        if report.ok:
            QMessageBox.information(self, "校验审计日志", "\n".join(report.checked) + "\n\n核对通过。")
        else:
            QMessageBox.warning(self, "校验审计日志", "发现问题：\n" + "\n".join(report.problems[:20]))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        """Every entry is already saved; only an un-applied 方案设置 form can be lost, so ask."""
        # A cell still being edited is committed as if Enter had been pressed (its editor loses focus).
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
            QApplication.processEvents()
        unsaved = [text for p in self.pages.built() if (text := getattr(p, "unsaved_work", lambda: None)())]
        if unsaved:
            answer = QMessageBox.question(self, "退出", "\n".join(unsaved) + "\n退出将放弃这些内容。确定退出？")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        super().closeEvent(event)

    # -- status ----------------------------------------------------------------------------------

    def _on_changed(self, change) -> None:
        if change.flags & Changed.STAGES:
            try:
                self._update_status()
            except StoreError:
                pass                     # the message line already says the store cannot be read

    def _update_history(self) -> None:
        steps, redos = self.bench.undo_steps, self.bench.redo_steps
        self.undo_action.setEnabled(bool(steps))
        self.undo_action.setText(f"撤销 {steps[-1].label}" if steps else "撤销")
        self.redo_action.setEnabled(bool(redos))
        self.redo_action.setText(f"重做 {redos[-1].label}" if redos else "重做")

    def _update_connection(self) -> None:
        """Whether this laptop can reach and write the campaign: always on screen (issue 12)."""
        bench = self.bench
        server = self.store.is_server
        if not bench.connected:
            text, ok = f"● {bench.connection_text}", False
        elif bench.write_problem:
            text, ok = f"● 无法保存：{bench.write_problem}", False
        else:
            text, ok = ("● 数据库已连接" if server else "● 可保存"), True
        self.connection_label.setText(text)
        self.connection_label.setStyleSheet("color:#1e6b2e" if ok else "color:#b00020;font-weight:bold")
        self.connection_label.setToolTip("本机录入保存到：" + (Path(self.store.location).name if not server
                                                          else "数据库服务器"))

    def _update_unsaved(self) -> None:
        unsaved = list(self.bench.unsaved.values())
        self.unsaved_label.setVisible(bool(unsaved))
        self.unsaved_label.setText(f"未保存 {len(unsaved)} 项" if unsaved else "")
        self.unsaved_label.setStyleSheet("background:#b00020;color:white;font-weight:bold;padding:0 6px")
        self.unsaved_label.setToolTip("以下录入没有保存（格中红底显示，按 Enter 重试）：\n" + "\n".join(unsaved[:30]))

    def _update_status(self) -> None:
        self.file_label.setText(f"文件：{Path(self.store.location).name}" + ("（只读）" if self.store.read_only else ""))
        self.file_label.setToolTip(self.store.READ_ONLY_NOTICE if self.store.read_only else "")
        states = stages.stage_states(self.store)
        current = self.current_stage()
        parts, full = [], []
        for stage, label in STAGE_LABELS.items():
            state = STATE_LABELS[states.get(stage, 'draft')]
            full.append(f"{label}：{state}")
            # The current tab's stage in full and bold; the others short, so the line fits 1366 px.
            parts.append(f"<b>{label}:{state}</b>" if stage == current else f"{SHORT_STAGE_LABELS[stage]}:{state}")
        self.stage_label.setText(" · ".join(parts))
        self.stage_label.setToolTip("\n".join(full))
        self.backup_label.setText(f"最近备份：{Path(self.store.last_backup).name}" if self.store.last_backup
                                  else "尚未备份")
