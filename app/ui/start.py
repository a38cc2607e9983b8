"""The start dialog: who is typing (录入人), and which campaign to open — or a new one, or the demo."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from ..services.store import Store, StoreError
from .dialogs import NewCampaignDialog


def demo_path() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or tempfile.gettempdir()
    Path(base).mkdir(parents=True, exist_ok=True)
    return Path(base) / "竞岗考评演示.db"


def rehearsal_path() -> Path:
    """The rehearsal campaign (文件 → 演练), beside the demo, never in a folder the clerk keeps real files in."""
    return demo_path().with_name("竞岗考评演练.db")


def documents_folder() -> Path:
    """Where a new campaign file is proposed: the user's documents folder (never the program's own folder)."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(docs) if docs else Path.home()
    return folder if folder.is_dir() else Path.home()


class StartDialog(QDialog):
    """Returns an open :class:`Store` in ``self.store`` when accepted."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("竞岗考评")
        self.store: Store | None = None
        settings = QSettings()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h3>竞岗考评</h3>请输入录入人姓名，然后打开或新建竞岗文件。"))
        row = QHBoxLayout()
        row.addWidget(QLabel("录入人："))
        self.name = QLineEdit(str(settings.value("operator", "")))
        row.addWidget(self.name)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setStyleSheet("color:#b00020")
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("打开竞岗文件(&O)…")
        self.new_button = QPushButton("新建竞岗(&N)…")
        self.demo_button = QPushButton("打开演示竞岗(&D)")
        self.rehearsal_button = QPushButton("会前演练(&R)")
        self.rehearsal_button.setToolTip("演练竞岗：名单、岗位、评委、报岗已就绪，各次会议都还没开（文件 → 演练 可重新开始）")
        for b in (self.open_button, self.new_button, self.demo_button, self.rehearsal_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        recent = settings.value("recent", "")
        if recent and Path(str(recent)).exists():
            self.recent_button = QPushButton(f"继续上次：{Path(str(recent)).name}")
            self.recent_button.setDefault(True)
            self.recent_button.clicked.connect(lambda: self._open(str(recent)))
            layout.addWidget(self.recent_button)
        self.open_button.clicked.connect(self._choose_open)
        self.new_button.clicked.connect(self._choose_new)
        self.demo_button.clicked.connect(self._demo)
        self.rehearsal_button.clicked.connect(self._rehearsal)

    def operator(self) -> str | None:
        name = self.name.text().strip()
        if not name:
            self.error.setText("请先填写录入人姓名")
            self.name.setFocus()
            return None
        return name

    def _done(self, store: Store) -> None:
        settings = QSettings()
        settings.setValue("operator", store.operator)
        if "://" not in store.location:
            settings.setValue("recent", store.location)
        self.store = store
        self.accept()

    def _open(self, path: str) -> None:
        operator = self.operator()
        if operator is None:
            return
        try:
            self._done(Store.open(path, operator=operator))
        except StoreError as err:
            self.error.setText(str(err))

    def _choose_open(self) -> None:
        if self.operator() is None:
            return
        path, _ = QFileDialog.getOpenFileName(self, "打开竞岗文件", str(documents_folder()), "竞岗数据 (*.db);;所有文件 (*)")
        if path:
            self._open(path)

    def _choose_new(self) -> None:
        operator = self.operator()
        if operator is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "新建竞岗文件", str(documents_folder() / "竞争轮岗.db"),
                                              "竞岗数据 (*.db)")
        if not path:
            return
        dialog = NewCampaignDialog(self)
        if not dialog.exec():
            return
        try:
            self._done(Store.create(path, title=dialog.title.text().strip(), unit=dialog.unit.text().strip(),
                                    supervisor_password=dialog.password.text(), operator=operator))
        except StoreError as err:
            self.error.setText(str(err))

    def _demo(self) -> None:
        operator = self.operator()
        if operator is None:
            return
        from ..services.demo import create_demo_store
        try:
            self._done(create_demo_store(demo_path(), operator=operator))
        except StoreError as err:
            QMessageBox.warning(self, "演示竞岗", str(err))

    def _rehearsal(self) -> None:
        operator = self.operator()
        if operator is None:
            return
        from ..services.demo import open_rehearsal
        try:
            self._done(open_rehearsal(rehearsal_path(), operator=operator))
        except StoreError as err:
            self.error.setText(str(err))
