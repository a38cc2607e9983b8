"""Tab 3 报岗 driven with real key presses: codes typed, limits refused, undo, publication, lock."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from app.services import stages
from app.services.declaration_rounds import publish_round, published_round
from app.services.declarations import declarations
from app.ui.tabs.declarations import DeclarationsTab, parse_codes


@pytest.fixture
def tab(bench, qtbot):
    page = DeclarationsTab(bench)
    qtbot.addWidget(page)
    page.resize(1330, 560)
    page.show()
    page.refresh()
    return page


def cell(tab, person, round_no):
    model = tab.model
    row = next(i for i, r in enumerate(model.rows) if r.id == person)
    return model.index(row, model.entry_columns()[round_no - 1])


def effective(tab, person):
    model = tab.model
    row = next(i for i, r in enumerate(model.rows) if r.id == person)
    return model.index(row, model.columnCount() - 1).data()


def type_at(qtbot, view, index, text, ime=""):
    """Keys for the ASCII text; ``ime`` arrives as an input method commits it (、 and 全角 letters)."""
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, text[0])
    editor = view.indexWidget(view.currentIndex())
    assert editor is not None, "typing did not open an editor"
    qtbot.keyClicks(editor, text[1:])
    if ime:
        event = QInputMethodEvent()
        event.setCommitString(ime)
        QApplication.sendEvent(editor, event)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_the_tab_loads_when_first_shown(bench, qtbot):
    page = DeclarationsTab(bench)
    qtbot.addWidget(page)
    page.show()
    assert page.model.rowCount() == 3 and page.legend_model.rowCount() == 3
    assert page.view.currentIndex() == cell(page, "1001", 1)


def test_models_pass_the_model_tester(tab, qtmodeltester):
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.legend_model)


def test_rounds_show_codes_and_names_and_the_last_round_is_effective(tab):
    assert [r.id for r in tab.model.rows] == ["1001", "1002", "1003"]      # 原任科长 and 拟竞争科长
    assert cell(tab, "1001", 1).data() == "P1 办公室科长、P2 财务科科长"
    assert cell(tab, "1001", 1).data(Qt.ItemDataRole.EditRole) == "P1 P2"
    assert effective(tab, "1001") == "P1 办公室科长"                           # SPEC §2: the last round
    assert [tab.legend_model.index(i, 0).data() for i in range(3)] == ["P1", "P2", "P3"]


def test_codes_are_folded_and_matched_without_case():
    assert parse_codes("p1、Ｐ2", ["P1", "P2"]) == ["P1", "P2"]
    assert parse_codes(" p3，p1 ", ["P1", "P3"]) == ["P3", "P1"]
    assert parse_codes("x9 p1", ["P1"]) == ["x9", "P1"]


def test_typed_round_is_saved_and_the_cursor_moves_down(tab, qtbot, bench):
    publish_round(bench.store, 1)
    tab.refresh()
    type_at(qtbot, tab.view, cell(tab, "1002", 2), "p3", ime="、ｐ2")
    assert declarations(bench.store)["1002"] == [("P1",), ("P3", "P2")]
    assert effective(tab, "1002") == "P3 法规科科长、P2 财务科科长"
    assert tab.view.currentIndex() == cell(tab, "1003", 2)


@pytest.mark.parametrize("person, round_no, typed, why", [
    ("1001", 3, "P1 P2", "第3次报岗须报 1 个岗位，现报 2 个"),
    ("1002", 3, "P2", "尚无第2次报岗"),
    ("1003", 3, "P9", "岗位 P9 不存在"),
    ("1003", 3, "p2 P2", "岗位 P2 重复申报"),
])
def test_round_limits_are_refused_as_typed(tab, qtbot, bench, messages, person, round_no, typed, why):
    publish_round(bench.store, 1)
    publish_round(bench.store, 2)
    tab.refresh()
    before = declarations(bench.store)
    type_at(qtbot, tab.view, cell(tab, person, round_no), typed)
    assert declarations(bench.store) == before
    assert tab.view.currentIndex() == cell(tab, person, round_no)
    assert messages[-1][1] and why in messages[-1][0]


def test_undo_removes_a_new_round_and_restores_a_changed_one(tab, qtbot, bench):
    publish_round(bench.store, 1)
    tab.refresh()
    type_at(qtbot, tab.view, cell(tab, "1002", 2), "P3")
    bench.undo()
    assert declarations(bench.store)["1002"] == [("P1",)]
    assert cell(tab, "1002", 2).data() == ""
    type_at(qtbot, tab.view, cell(tab, "1001", 2), "P2 P1")
    assert declarations(bench.store)["1001"][1] == ("P2", "P1")
    bench.undo()
    assert declarations(bench.store)["1001"][1] == ("P1",)


def test_publishing_a_round_freezes_it(tab, qtbot, bench, messages):
    assert tab.publish_button.text() == "公布第一次报岗"
    qtbot.mouseClick(tab.publish_button, Qt.MouseButton.LeftButton)   # QMessageBox.question → 是 (patched)
    assert published_round(bench.store) == 1
    assert tab.model.headerData(tab.model.entry_columns()[0], Qt.Orientation.Horizontal) == "第一次（已公布）"
    assert tab.publish_button.text() == "公布第二次报岗"
    type_at(qtbot, tab.view, cell(tab, "1002", 1), "P2")
    assert declarations(bench.store)["1002"] == [("P1",)]
    assert "第一次报岗已公布" in messages[-1][0]


def test_withdrawing_a_publication_needs_the_supervisors_password(tab, qtbot, bench, messages, monkeypatch):
    publish_round(bench.store, 1)
    tab.refresh()
    monkeypatch.setattr(tab, "ask_password_reason", lambda label: ("wrong", "录错"))
    tab.withdraw()
    assert published_round(bench.store) == 1 and "密码不正确" in messages[-1][0]
    monkeypatch.setattr(tab, "ask_password_reason", lambda label: ("jd2026", "录错岗位"))
    qtbot.mouseClick(tab.withdraw_button, Qt.MouseButton.LeftButton)
    assert published_round(bench.store) == 0
    assert tab.published_label.text() == "尚未公布"


def test_a_locked_stage_refuses_the_edit(tab, qtbot, bench, messages):
    stages.advance(bench.store, "declarations", "jd2026")
    stages.advance(bench.store, "declarations", "jd2026")
    tab.refresh()
    assert "已锁定" in tab.stage_label.text() and not tab.publish_button.isEnabled()
    type_at(qtbot, tab.view, cell(tab, "1002", 1), "P2")
    assert declarations(bench.store)["1002"] == [("P1",)]
    assert messages[-1][1] and "已锁定" in messages[-1][0]


def test_delete_removes_the_last_round(tab, qtbot, bench):
    tab.view.setCurrentIndex(cell(tab, "1003", 2))
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert declarations(bench.store)["1003"] == [("P2", "P3")]
    bench.undo()
    assert declarations(bench.store)["1003"] == [("P2", "P3"), ("P2",)]
