"""Issue 13, the clerk's keyboard and Qt's own words: Esc leaves the menu bar for good, the 文件 menu's Excel
items have letters, Qt's dialogs and confirmations speak Chinese (是/否), a new campaign is proposed in the
documents folder, and 文件 → 演练 opens a rehearsal campaign that can start again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialogButtonBox, QFileDialog, QLabel, QMessageBox

from app.services import ballots, draws, recommendation, scores
from app.core.draw import MEETINGS
from app.services.roster import list_people
from app.ui.app import install_qt_translations
from app.ui.main_window import OPEN_WINDOWS, MainWindow

SHOTS = Path("/tmp/shots")
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def window(qtbot, small_store):
    w = MainWindow(small_store)
    qtbot.addWidget(w)
    w.resize(1340, 700)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    qtbot.waitUntil(w.isActiveWindow)
    return w


def popup():
    return QApplication.activePopupWidget()


def test_esc_in_a_menu_leaves_the_menu_bar_so_the_next_arrow_opens_nothing(qtbot, window):
    """Alt+E, Esc, ↓, Enter used to open 编辑 with 撤销 selected and undo an entry."""
    before = QApplication.focusWidget()
    qtbot.keyClick(window, Qt.Key.Key_E, ALT)
    qtbot.waitUntil(lambda: popup() is not None)
    assert popup().title() == "编辑(&E)"
    qtbot.keyClick(popup(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.menuBar().activeAction() is None)
    assert popup() is None
    window.activateWindow()       # (the offscreen platform leaves the closed menu "active"; a desktop does not)
    qtbot.waitUntil(window.isActiveWindow)
    assert window.focusWidget() is before and not window.menuBar().hasFocus()   # the keyboard is back where it was
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Down)
    assert popup() is None
    window.grab().save(str(SHOTS / "menu_after_esc.png"))


def test_every_item_of_the_file_menu_has_its_own_letter(window):
    menu = window.menuBar().actions()[0].menu()
    items = [a.text() for a in menu.actions() if not a.isSeparator()]
    letters = [m.group(1).upper() for t in items if (m := re.search(r"&(\w)", t))]
    assert len(letters) == len(items), [t for t in items if "&" not in t]
    assert len(set(letters)) == len(letters)
    assert {"导入人员名单 Excel(&I)…", "导出人员名单 Excel(&E)…", "导出人员名单模板(&M)…",
            "导出各阶段结果 Excel(&R)…", "导出竞岗文件 JSON(&J)…"} <= set(items)


def test_qt_confirmations_and_dialogs_are_chinese(qtbot, qapp):
    assert install_qt_translations(qapp)
    box = QMessageBox(QMessageBox.Icon.Question, "锁定阶段", "确定锁定“竞岗演讲评分”阶段？",
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    qtbot.addWidget(box)
    assert [b.text() for b in box.buttons()] == ["是(&Y)", "否(&N)"]
    box.show()
    qtbot.waitExposed(box)
    box.grab().save(str(SHOTS / "question_yes_no.png"))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert [b.text() for b in buttons.buttons()] == ["确定", "取消"]
    dialog = QFileDialog(None, "导出", str(Path.home()), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert labels == ["查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："]   # Qt 6.11's "&Look in:" too
    dialog.grab().save(str(SHOTS / "file_dialog_chinese.png"))
    printer = QPrinter()
    printing = QPrintDialog(printer)
    qtbot.addWidget(printing)
    printing.show()
    qtbot.waitExposed(printing)
    english = [t for w in printing.findChildren(QLabel) + printing.findChildren(QAbstractButton)
               if (t := w.text()) and re.search(r"[A-Za-z]{3,}", t.replace("PDF", ""))]
    assert english == []
    printing.grab().save(str(SHOTS / "print_dialog_chinese.png"))
    assert QLocale().language() == QLocale.Language.Chinese


def test_a_new_campaign_is_proposed_in_the_documents_folder(qtbot, monkeypatch):
    from app.ui.start import StartDialog, documents_folder
    proposed = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda parent, title, path, filters: proposed.append(path) or ("", "")))
    dialog = StartDialog()
    qtbot.addWidget(dialog)
    dialog.name.setText("王敏")
    qtbot.keyClick(dialog.new_button, Qt.Key.Key_Space)
    program = Path(__file__).resolve().parents[2]
    assert proposed and Path(proposed[0]).parent == documents_folder()
    assert program not in Path(proposed[0]).resolve().parents


def test_the_rehearsal_is_ready_for_every_meeting_and_starts_again(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setattr("app.ui.start.rehearsal_path", lambda: tmp_path / "演练.db")
    menu = window.menuBar().actions()[0].menu()
    qtbot.keyClick(window, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: popup() is menu)
    qtbot.keyClick(menu, Qt.Key.Key_L)                           # 演练(&L)
    qtbot.waitUntil(lambda: popup() is not None and popup() is not menu)
    qtbot.keyClick(popup(), Qt.Key.Key_O)                         # 打开演练竞岗(&O)
    qtbot.waitUntil(lambda: bool(OPEN_WINDOWS) and OPEN_WINDOWS[-1].isVisible())
    rehearsal = OPEN_WINDOWS[-1]
    qtbot.addWidget(rehearsal)
    store = rehearsal.store
    assert Path(store.location) == tmp_path / "演练.db" and not window.isVisible()
    assert "演练竞岗" in rehearsal.windowTitle()
    judges = scores.list_judges(store)
    assert len(list_people(store)) == 60 and len(judges) == 25
    assert {j.group for j in judges} == {"leaders", "unit_heads", "county_chiefs"}
    assert sum(recommendation.presence(store).values()) == 300
    assert scores.speech_scores(store) == {} and ballots.list_ballots(store) == []
    assert recommendation.counts(store) == {}          # no typed counts: every group is counted by 唱票
    assert all(draws.current_draw(store, m) is None for m in MEETINGS)
    assert not any(item.startswith(("sat:", "dem:")) for by in scores.list_scores(store).values() for item in by)
    scores.set_speech_score(store, _competitor(store), judges[0].id, "88")
    rehearsal.restart_rehearsal()                                  # 是 (the tests answer every question 是)
    again = OPEN_WINDOWS[-1]
    qtbot.addWidget(again)
    assert again is not rehearsal and scores.speech_scores(again.store) == {}
    assert again.message_line.text() == "✓ 演练已重新开始：各次会议都还没开"
    again.grab().save(str(SHOTS / "rehearsal.png"))
    again.store.close()


def _competitor(store):
    from app.services.declarations import declarations
    return next(iter(declarations(store)))


def test_the_tab_list_names_each_tab_as_its_class_does_and_builds_it_when_shown(window):
    """Tabs are built when first shown (the start builds only 1 人员名单); their titles come from one list."""
    from app.ui.main_window import TABS, tab_classes
    assert [cls.TITLE for cls in tab_classes()] == [title for _, _, title in TABS]
    assert len(window.pages.built()) == 1
    window.tabs.setCurrentIndex(4)
    assert len(window.pages.built()) == 2 and window.tabs.currentWidget() is window.pages[4]
    assert window.tabs.tabText(4) == "5 竞岗演讲评分"
