"""导入人员名单 keyed as the clerk does (issue 13): 文件 → 导入人员名单 Excel(&I), the 职级 words chosen with the
keyboard, the preview read and answered with Enter, Ctrl+Z undoing the whole import, and 撤销导入 after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from app.services.roster import list_people
from app.services.roster_import import rank_words
from app.ui.main_window import MainWindow
from app.ui.roster_import import ImportPreviewDialog, RankWordsDialog
from tests.ui.keys import answer_modal, raise_from

SHOTS = Path("/tmp/shots")
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def workbook(path, rows, header=("编号", "姓名", "性别", "出生年月", "职级", "类别", "编制")):
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年竞争轮岗人员名单"])
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    wb.save(path)
    return str(path)


ROWS = [["2001", "周新", "男", "1980.05", "科员", "行政一般", "行政"],
        ["2002", "吴敏", "女", "1986.11", "科员", "事业人员", "事业"],
        ["合计", "共2人"]]


@pytest.fixture
def window(qtbot, small_store, monkeypatch):
    w = MainWindow(small_store)
    qtbot.addWidget(w)
    w.resize(1340, 700)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    return w


def use_file(monkeypatch, window, path):
    monkeypatch.setattr(window.pages[0], "ask_open_path", lambda: path)


def ids(store):
    return [p.id for p, _ in list_people(store)]


def test_the_file_menu_import_previews_then_imports_and_ctrl_z_undoes_it_whole(qtbot, window, tmp_path, monkeypatch):
    SHOTS.mkdir(exist_ok=True)
    use_file(monkeypatch, window, workbook(tmp_path / "新名单.xlsx", ROWS))
    before = ids(window.store)

    def look(dialog):
        assert isinstance(dialog, ImportPreviewDialog)
        assert [dialog.tabs.tabText(i) for i in range(4)] == ["新增（2 人）", "修改（0 人）", "不变（0 人）",
                                                              "名单中有、表中没有（3 人，保留）"]
        texts = " ".join(label.text() for label in dialog.findChildren(type(window.message_line).__mro__[1]))
        assert "第5行“合计 共2人”是合计行，未导入（与读到的 2 人一致）" in texts
        assert "以下列未导入（程序不读取）：G（编制）" in texts
        dialog.grab().save(str(SHOTS / "roster_import_preview.png"))

    seen = answer_modal(qtbot, Qt.Key.Key_Return, check=look)
    qtbot.keyClick(window, Qt.Key.Key_F, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_I)
    raise_from(seen)
    qtbot.waitUntil(lambda: len(ids(window.store)) == len(before) + 2, timeout=5000)
    assert seen and window.tabs.currentIndex() == 0
    assert window.message_line.text() == "✓ 已保存：导入人员名单 新名单.xlsx（新增 2 人，修改 0 人）"
    window.grab().save(str(SHOTS / "roster_import_done.png"))

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.pages[0].people_view.setFocus()
    qtbot.keyClick(window.pages[0].people_view, Qt.Key.Key_Z, CTRL)
    assert ids(window.store) == before
    assert window.message_line.text().startswith("✓ 已撤销：导入人员名单 新名单.xlsx")
    qtbot.keyClick(window.pages[0].people_view, Qt.Key.Key_Y, CTRL)        # 重做: imported again
    assert len(ids(window.store)) == len(before) + 2
    assert window.store.verify().ok


def test_cancelling_the_preview_stores_nothing(qtbot, window, tmp_path, monkeypatch):
    use_file(monkeypatch, window, workbook(tmp_path / "新名单.xlsx", ROWS))
    before = ids(window.store)
    answer_modal(qtbot, Qt.Key.Key_Escape)
    window.pages[0].import_excel()
    assert ids(window.store) == before
    assert window.message_line.text() == "✓ 未导入人员名单 新名单.xlsx"


def test_office_rank_words_are_chosen_with_the_keyboard_and_remembered(qtbot, window, tmp_path, monkeypatch):
    rows = [["2001", "周新", "男", "1980.05", "四级主任科员", "行政一般", "行政"],
            ["2002", "吴敏", "女", "1986.11", "一级科员", "事业人员", "事业"]]
    use_file(monkeypatch, window, workbook(tmp_path / "职级.xlsx", rows))

    def choose(dialog):
        assert isinstance(dialog, RankWordsDialog)
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()   # nothing chosen for the clerk
        dialog.grab().save(str(SHOTS / "roster_rank_words.png"))
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        boxes = dialog.findChildren(QComboBox)
        boxes[0].setFocus()
        for _ in range(4):                              # 请选择… → 正科实职 → 正科虚职 → 副科实职 → 副科虚职
            qtbot.keyClick(boxes[0], Qt.Key.Key_Down)
        qtbot.keyClick(boxes[0], Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is boxes[1]
        for _ in range(5):                              # … → 科员
            qtbot.keyClick(focused, Qt.Key.Key_Down)
        assert dialog.mapping() == {"四级主任科员": "副科虚职", "一级科员": "科员"}
        answer_modal(qtbot, Qt.Key.Key_Return)         # then the preview: 导入
        qtbot.keyClick(focused, Qt.Key.Key_Return)

    seen = answer_modal(qtbot, check=choose)
    window.pages[0].import_excel()
    raise_from(seen)
    qtbot.waitUntil(lambda: "2002" in ids(window.store), timeout=5000)
    assert rank_words(window.store) == {"四级主任科员": "副科虚职", "一级科员": "科员"}
    ranks = {p.id: p.rank for p, _ in list_people(window.store)}
    assert (ranks["2001"], ranks["2002"]) == ("副科虚职", "科员")


def test_undo_import_on_the_roster_tab_works_after_a_restart(qtbot, window, tmp_path, monkeypatch, small_store):
    use_file(monkeypatch, window, workbook(tmp_path / "新名单.xlsx", ROWS))
    before = ids(window.store)
    answer_modal(qtbot, Qt.Key.Key_Return)
    window.pages[0].import_excel()
    assert len(ids(window.store)) == len(before) + 2
    again = MainWindow(small_store)                     # the program started again: its undo stack is empty
    qtbot.addWidget(again)
    again.pages[0].undo_import()                        # 撤销导入… (QMessageBox.question answered 是 by conftest)
    assert ids(small_store) == before
    assert again.message_line.text().startswith("✓ 已撤销导入人员名单 新名单.xlsx（新增的 2 人已删除")
    again.pages[0].undo_import()
    assert again.message_line.text() == "✓ 没有可撤销的人员名单导入"
