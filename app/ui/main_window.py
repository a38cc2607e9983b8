"""The 考评组's workbench: one tab per job of the 细则, a message line, the status bar."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from .. import files
from ..services import stages
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


def tab_classes() -> list[type]:
    from .tabs.roster import RosterTab
    from .tabs.exams import ExamsTab
    from .tabs.declarations import DeclarationsTab
    from .tabs.draw import DrawTab
    from .tabs.speech import SpeechTab
    from .tabs.recommendation import RecommendationTab
    from .tabs.results import ResultsTab
    from .tabs.selection import SelectionTab
    from .tabs.scheme import SchemeTab
    return [RosterTab, ExamsTab, DeclarationsTab, DrawTab, SpeechTab, RecommendationTab, ResultsTab, SelectionTab,
            SchemeTab]


SHORT_STAGE_LABELS = {"roster": "名单", "exam": "考测", "declarations": "报岗", "draw": "抽签", "speech": "演讲",
                      "recommendation": "推荐", "assignment": "人选", "selection": "双选"}
"""Stage names in the status bar for the stages of the other tabs."""


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
        self.bench = Workbench(store, self)
        self.projector = ProjectorControls(self, self.bench)   # before the tabs: the wall hears a change first
        info = store.info()
        self.setWindowTitle(f"{APP_TITLE} — {info.title}（录入人：{store.operator}）")
        self.resize(*DEFAULT_SIZE)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        self.tabs = QTabWidget()
        self.pages = [cls(self.bench) for cls in tab_classes()]
        for i, page in enumerate(self.pages, start=1):
            self.tabs.addTab(page, f"{i} {page.TITLE}")
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
        self._action(file_menu, "导入人员名单 Excel…", self.import_roster)
        self._action(file_menu, "导出人员名单 Excel…", lambda: self._export("人员名单.xlsx", "excel:roster"))
        self._action(file_menu, "导出人员名单模板…", lambda: self._export("人员名单模板.xlsx", "excel:template"))
        self._action(file_menu, "导出各阶段结果 Excel…", lambda: self._export("考评结果.xlsx", "excel:results"))
        self._action(file_menu, "导出竞岗文件 JSON…", lambda: self._export("竞岗文件.json", "json"))
        file_menu.addSeparator()
        self._action(file_menu, "打印公示表与会议用表…", self.print_sheets, "Ctrl+P")
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

    # -- stage control -------------------------------------------------------------------------

    def current_stage(self) -> str | None:
        page = self.tabs.currentWidget()
        return getattr(page, "STAGE", None)

    def page_stage(self) -> str | None:
        """The current tab's stage; on a tab without one, say so in the message line."""
        stage = self.current_stage()
        if not stage:
            title = getattr(self.tabs.currentWidget(), "TITLE", "")
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
        from ..services.excel import import_roster_xlsx
        path, _ = QFileDialog.getOpenFileName(self, "导入人员名单", "", "Excel 工作簿 (*.xlsx)")
        if path and self.bench.run(import_roster_xlsx, path) is not FAILED:
            self.bench.info(f"已导入人员名单 {Path(path).name}")

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
        from .print_preview import PrintDialog
        PrintDialog(self.bench, self).exec()

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
        from PySide6.QtWidgets import QApplication
        focused = QApplication.focusWidget()
        if focused is not None:
            focused.clearFocus()
            QApplication.processEvents()
        unsaved = [text for p in self.pages if (text := getattr(p, "unsaved_work", lambda: None)())]
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
