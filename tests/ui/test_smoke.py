"""Smoke tests of the desktop shell: window, font coverage, resources, Ctrl+Q."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QRawFont
from PySide6.QtWidgets import QLabel

from app.resources import app_icon_path, cjk_font_path, resource_path
from app.ui.app import configure_application
from app.ui.fonts import install_ui_font
from app.ui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]
MUST_RENDER = "竞0123456789"


@pytest.fixture
def restore_app_font(qapp):
    saved = QFont(qapp.font())
    yield qapp
    qapp.setFont(saved)


def assert_family_covers(family: str, text: str = MUST_RENDER) -> None:
    font = QFont(family)
    metrics = QFontMetrics(font)
    raw = QRawFont.fromFont(font)
    assert raw.isValid(), family
    for ch in text:
        assert metrics.inFontUcs4(ord(ch)), (family, ch)
        assert raw.supportsCharacter(ord(ch)), (family, ch)


def test_main_window_shows_every_tab(qtbot, small_store):
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # the title ends with the application's display name, so Qt does not append it a second time
    assert window.windowTitle().startswith("2026年竞争轮岗") and window.windowTitle().endswith(" — 竞岗考评")
    assert window.windowTitle().count("竞岗考评") == 1 and "王敏" in window.windowTitle()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["1 人员名单", "2 考试与测评", "3 报岗", "4 抽签", "5 竞岗演讲评分", "6 定岗推荐计票",
                      "7 综合考评与人选", "8 双向选择", "9 方案设置"]
    assert window.width() <= 1366 and window.height() <= 768
    assert "c.db" in window.file_label.text()
    assert "<b>人员名单:草稿</b>" in window.stage_label.text() and "演讲:草稿" in window.stage_label.text()
    assert "竞岗演讲评分：草稿" in window.stage_label.toolTip()


def test_alt_number_switches_tabs(qtbot, small_store):
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert window.tabs.currentIndex() == 4


def test_install_ui_font_covers_chinese_and_digits(restore_app_font):
    app = restore_app_font
    family = install_ui_font(app)
    assert family
    assert app.font().family() == family
    assert 10 <= app.font().pointSizeF() <= 11
    assert_family_covers(family)


def test_shipped_font_loads_and_covers(restore_app_font):
    app = restore_app_font
    family = install_ui_font(app, force_shipped=True)
    assert family == "WenQuanYi Micro Hei"
    assert_family_covers(family)


def test_configure_application_sets_name_and_icon(restore_app_font):
    app = restore_app_font
    configure_application(app)
    assert app.applicationName() == "竞岗考评"
    assert not app.windowIcon().isNull()


def test_resources_exist():
    font = cjk_font_path()
    assert font.is_file()
    assert font.stat().st_size > 1_000_000
    assert (font.parent / "LICENSE-wqy-microhei.txt").is_file()
    assert app_icon_path().is_file()
    assert resource_path("icons", "app.svg") == app_icon_path()


def test_resource_path_follows_pyinstaller_bundle(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "x.ttc") == tmp_path / "resources" / "fonts" / "x.ttc"
    assert cjk_font_path().parent == tmp_path / "resources" / "fonts"


def test_ctrl_q_closes_window(qtbot, small_store):
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow)
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="hides system fonts through fontconfig")
def test_shipped_font_used_when_system_has_no_cjk(tmp_path):
    """With fontconfig showing no fonts at all, the shipped font must take over."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    script = textwrap.dedent(
        """
        from PySide6.QtWidgets import QApplication
        from app.ui.fonts import font_covers, install_ui_font, system_cjk_families
        app = QApplication([])
        before = system_cjk_families()
        family = install_ui_font(app)
        print(repr((before, family, font_covers(app.font(), "竞0123456789"))))
        """
    )
    env = dict(os.environ, FONTCONFIG_FILE=str(conf), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    before, family, covers = ast.literal_eval(proc.stdout.strip().splitlines()[-1])
    if before:
        pytest.skip("this Qt build does not take its fonts from fontconfig")
    assert family == "WenQuanYi Micro Hei"
    assert covers


def test_signals_do_not_leak_references(qapp):
    """PySide6 6.12.0 lost a reference to True on every emit, aborting the program mid-meeting."""
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        fired = Signal(object)

    emitter = Emitter()
    emitter.fired.connect(lambda _: None)
    before = sys.getrefcount(True)
    for _ in range(1000):
        emitter.fired.emit(1)
    assert abs(sys.getrefcount(True) - before) < 10


def test_closing_with_an_unsaved_ballot_asks_first(qtbot, small_store, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from app.core.ballots import AGREE, Mark
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    window.show()
    tab = window.pages[5]
    tab.ballot_panel.form.marks["1001"] = Mark(AGREE, "P1")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No))
    window.close()
    assert window.isVisible() and "尚未保存" in asked[0]
    tab.ballot_panel.form.marks.clear()
    window.close()
    assert not window.isVisible()
