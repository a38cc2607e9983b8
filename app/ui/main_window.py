"""The main window. For now a placeholder that points to the command-line tools."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from .. import __version__

APP_TITLE = "竞岗考评"

DEFAULT_SIZE = (1100, 700)
"""Fits a 1366×768 screen with the taskbar and the window frame."""

INTRO_COMMANDS = (
    ("重算全部结果", "python -m app compute 竞岗文件.json"),
    ("复核抽签", "python -m app draw --seed 种子 --meeting 竞岗演讲 编号…"),
)

DEMO_MESSAGE = "演示模式：演示竞岗的界面将在后续版本提供。"


def intro_html() -> str:
    """The placeholder text: what this version offers and how to run it."""
    rows = "".join(
        f"<tr><td style='padding:4px 16px 4px 0'>{escape(what)}：</td>"
        f"<td style='padding:4px 0'><code>{escape(command)}</code></td></tr>"
        for what, command in INTRO_COMMANDS
    )
    return (
        f"<h2>{escape(APP_TITLE)} {escape(__version__)}</h2>"
        "<p>本版本提供计分引擎和命令行工具，图形界面将在后续版本中提供。</p>"
        "<p>在命令行中运行：</p>"
        f"<table align='center'>{rows}</table>"
    )


class MainWindow(QMainWindow):
    """Title 竞岗考评, an explanatory label, and the menu 文件 → 退出 (Ctrl+Q)."""

    def __init__(self, demo: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_TITLE)
        self.resize(*DEFAULT_SIZE)

        self.intro_label = QLabel(intro_html())
        self.intro_label.setObjectName("introLabel")
        self.intro_label.setTextFormat(Qt.TextFormat.RichText)
        self.intro_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.intro_label.setWordWrap(True)
        self.intro_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.intro_label.setMargin(24)
        self.setCentralWidget(self.intro_label)

        file_menu = self.menuBar().addMenu("文件(&F)")
        self.quit_action = QAction("退出(&X)", self)
        # Explicit Ctrl+Q: QKeySequence.Quit is empty on Windows.
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.quit_action.setStatusTip("关闭竞岗考评")
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        self.demo = demo
        if demo:
            self.statusBar().showMessage(DEMO_MESSAGE)
        else:
            self.statusBar().showMessage("就绪")
