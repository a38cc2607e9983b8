"""With the 大屏预览 dock shown, the main window still fits a 1366×768 laptop screen (UI font as shipped)."""

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.ui.fonts import install_ui_font
from app.ui.main_window import DEFAULT_SIZE, MainWindow


@pytest.fixture
def ui_font(qapp):
    saved = QFont(qapp.font())
    install_ui_font(qapp, force_shipped=True)          # the font the program runs with, on every machine
    yield
    qapp.setFont(saved)


def test_the_window_with_the_preview_dock_fits_1366_by_768(qtbot, ui_font, demo_store):
    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.projector.dock.show()
    QApplication.processEvents()
    assert window.projector.dock.isVisible()
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        hint = window.minimumSizeHint()
        assert hint.width() <= DEFAULT_SIZE[0] <= 1366, (window.tabs.tabText(i), hint.width())
        assert hint.height() <= DEFAULT_SIZE[1] <= 768, (window.tabs.tabText(i), hint.height())
    assert window.width() <= 1366 and window.height() <= 768


def test_the_status_bar_fits_the_default_width(qtbot, ui_font, demo_store):
    """File, every stage's state and the last backup in one line of the default 1340-px window."""
    window = MainWindow(demo_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        used = sum(label.sizeHint().width() for label in (window.file_label, window.stage_label, window.backup_label))
        assert used + 60 <= DEFAULT_SIZE[0], (window.tabs.tabText(i), used)
    assert "竞岗演讲评分：草稿" in window.stage_label.toolTip()

