"""Tab 3 报岗 on the one write path (issue 12): a round typed on a full disk or a read-only file stays
typed and marked 未保存 until Enter saves it; two laptops never overwrite each other silently — undo,
redo, the same cell, 公布 and 撤回公布 refer to what the clerk saw; an undo cannot change a published round."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services.declaration_rounds import publish_round, published_round
from app.services.declarations import declarations
from app.ui.table import UNSAVED_ROLE
from app.ui.tabs.declarations import DeclarationsTab
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.ui.laptops import second_laptop, show, type_at


@pytest.fixture
def tab(qtbot, bench):
    return show(qtbot, DeclarationsTab, bench)


@pytest.fixture
def second(qtbot, small_store):
    """乙: a second laptop on the same campaign file (李强), with what it was told."""
    with second_laptop(small_store.location) as (bench, said):
        yield show(qtbot, DeclarationsTab, bench), said


def cell(tab, person, round_no):
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == person)
    return tab.model.index(row, tab.model.entry_columns()[round_no - 1])


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_round_not_saved_stays_typed_and_marked(qtbot, tab, bench, messages, fault, cause):
    with failing_writes(bench.store, fault):
        type_at(qtbot, tab.view, cell(tab, "1002", 2), "p3 p2")
    index = cell(tab, "1002", 2)
    assert declarations(bench.store)["1002"] == [("P1",)]
    assert index.data() == "p3 p2" and cause in index.data(UNSAVED_ROLE)
    assert tab.view.currentIndex() == index
    assert messages[-1][1] and messages[-1][0].startswith(f"李华（1002）第二次报岗 的 P3 P2 没有保存：{cause}")
    assert list(bench.unsaved.values()) == ["李华（1002）第二次报岗 p3 p2"]
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)                        # the fault is gone: Enter saves it
    assert declarations(bench.store)["1002"] == [("P1",), ("P3", "P2")]
    assert index.data(UNSAVED_ROLE) is None and bench.unsaved == {}
    assert tab.view.currentIndex() == cell(tab, "1003", 2)             # … and moves down
    assert bench.store.verify().ok


def test_delete_on_an_unsaved_round_gives_it_up(qtbot, tab, bench):
    with failing_writes(bench.store):
        type_at(qtbot, tab.view, cell(tab, "1002", 2), "P3")
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert cell(tab, "1002", 2).data() == "" and bench.unsaved == {}
    assert declarations(bench.store)["1002"] == [("P1",)]


def test_undo_after_the_other_laptop_corrected_it_is_a_conflict(qtbot, tab, bench, messages, second):
    tab2, _ = second
    type_at(qtbot, tab.view, cell(tab, "1002", 1), "P2")
    tab2.refresh()
    type_at(qtbot, tab2.view, cell(tab2, "1002", 1), "P3")
    assert not bench.undo()
    assert declarations(bench.store)["1002"] == [("P3",)]
    assert "不能撤销：李华 第1次报岗 已被 李强" in messages[-1][0] and "改为 P3" in messages[-1][0]
    assert cell(tab, "1002", 1).data() == "P3 法规科科长"


def test_undo_then_redo_after_the_other_laptop_changed_it_is_a_conflict(qtbot, tab, bench, messages, second):
    tab2, _ = second
    type_at(qtbot, tab.view, cell(tab, "1002", 1), "P2")
    assert bench.undo() and declarations(bench.store)["1002"] == [("P1",)]
    tab2.refresh()
    type_at(qtbot, tab2.view, cell(tab2, "1002", 1), "P3")
    assert not bench.redo()
    assert declarations(bench.store)["1002"] == [("P3",)]
    assert "不能重做：李华 第1次报岗 已被 李强" in messages[-1][0]


def test_both_type_the_same_round_the_second_is_told(qtbot, tab, bench, second):
    tab2, said2 = second
    type_at(qtbot, tab.view, cell(tab, "1002", 1), "P2")
    type_at(qtbot, tab2.view, cell(tab2, "1002", 1), "P3")
    assert declarations(bench.store)["1002"] == [("P2",)]
    assert "李华 第1次报岗 已被 王敏" in said2[-1][0] and "您的 P3 未写入" in said2[-1][0]
    assert cell(tab2, "1002", 1).data() == "P3" and cell(tab2, "1002", 1).data(UNSAVED_ROLE)


def test_publishing_what_the_other_laptop_published_is_a_conflict(qtbot, tab, bench, messages, second):
    tab2, _ = second
    qtbot.mouseClick(tab2.publish_button, Qt.MouseButton.LeftButton)    # 乙 publishes round 1
    assert tab.publish_button.text() == "公布第一次报岗"                   # 甲's screen has not moved yet
    qtbot.mouseClick(tab.publish_button, Qt.MouseButton.LeftButton)
    assert published_round(bench.store) == 1
    assert messages[-1][1] and "第一次报岗已公布（李强 于" in messages[-1][0]
    assert tab.publish_button.text() == "公布第二次报岗"                   # redrawn after the conflict


def test_withdrawing_a_round_the_other_laptop_moved_is_a_conflict(qtbot, tab, bench, messages, second, monkeypatch):
    publish_round(bench.store, 1)
    tab.refresh()
    publish_round(second[0].bench.store, 2)                               # 乙 publishes round 2 meanwhile
    monkeypatch.setattr(tab, "ask_password_reason", lambda label: ("jd2026", "录错岗位"))
    tab.withdraw()                                                        # 甲 means 第一次
    assert published_round(bench.store) == 2
    assert "报岗公布已被 李强" in messages[-1][0] and "未撤回第一次报岗的公布" in messages[-1][0]


def test_an_undo_cannot_change_a_round_published_since(qtbot, tab, bench, messages):
    type_at(qtbot, tab.view, cell(tab, "1002", 1), "P2")
    publish_round(bench.store, 1)
    assert not bench.undo()
    assert declarations(bench.store)["1002"] == [("P2",)]
    assert "第一次报岗已公布（公示），不能修改" in messages[-1][0]
