"""Tab 2 考试与测评 on the one write path (issue 12): a value typed on a full disk or a read-only file
stays in its cell marked 未保存 with the cause, and Enter saves it once the fault is gone; two laptops
on one campaign file never overwrite each other silently (undo, redo, the same cell, a confirmation);
confirming names what is still missing (issue 13)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services.scores import list_scores
from app.ui.table import UNSAVED_ROLE
from app.ui.tabs.exams import ExamsTab
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.ui.laptops import activate, second_laptop, show, type_at

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def tab(qtbot, bench):
    return show(qtbot, ExamsTab, bench)


@pytest.fixture
def second(qtbot, small_store):
    """乙: a second laptop on the same campaign file (李强), with what it was told."""
    with second_laptop(small_store.location) as (bench, said):
        yield show(qtbot, ExamsTab, bench), said


def cell(tab, person, key):
    return tab.model.index(tab.model.row_index(person), tab.model.column_of(key))


def stored(store, person, item):
    entry = list_scores(store).get(person, {}).get(item)
    return entry.value if entry else None


# -- faults while typing ------------------------------------------------------------------------------

@pytest.mark.parametrize("key, typed, label", [("exam", "88.5", "张明（1001）考试"),
                                               ("sat:present", "31", "张明（1001）满意度测评·实际参加人数"),
                                               ("dem:lian", "91", "张明（1001）民主测评·廉")])
@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_value_not_saved_stays_typed_and_marked(qtbot, tab, bench, messages, key, typed, label, fault, cause):
    before = stored(bench.store, "1001", key)
    with failing_writes(bench.store, fault):
        type_at(qtbot, tab.view, cell(tab, "1001", key), typed)
    index = cell(tab, "1001", key)
    assert stored(bench.store, "1001", key) == before
    assert index.data() == typed and cause in index.data(UNSAVED_ROLE)
    assert tab.view.currentIndex() == index                                  # the cursor did not move on
    text, is_error = messages[-1]
    assert is_error and text.startswith(f"{label} 的 {typed} 没有保存：{cause}")
    assert list(bench.unsaved.values()) == [f"{label} {typed}"]
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)                              # the fault is gone: Enter retries
    assert stored(bench.store, "1001", key) == typed
    assert index.data(UNSAVED_ROLE) is None and bench.unsaved == {} and bench.write_problem is None
    assert tab.view.currentIndex() != index                                  # … and moves on
    assert bench.store.verify().ok


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_grade_count_not_saved_stays_typed_in_the_panel(qtbot, tab, bench, messages, fault, cause):
    tab.dem_mode.setCurrentIndex(1)
    index = tab.grades.index(0, 0)                                           # 德·优秀 of 张明
    with failing_writes(bench.store, fault):
        type_at(qtbot, tab.grade_view, index, "20")
    assert index.data() == "20" and cause in index.data(UNSAVED_ROLE)
    assert tab.grade_view.currentIndex() == index
    assert messages[-1][0].startswith(f"张明（1001）民主测评·德·优秀票数 的 20 没有保存：{cause}")
    qtbot.keyClick(tab.grade_view, Qt.Key.Key_F2)                            # F2 opens it with what was typed
    editor = tab.grade_view.indexWidget(index)
    assert editor.text() == "20"
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert stored(bench.store, "1001", "grade:de:优秀") == "20" and index.data(UNSAVED_ROLE) is None
    assert bench.store.verify().ok


def test_a_failed_clear_keeps_the_value_and_says_so(qtbot, tab, bench, messages):
    tab.view.setFocus()
    tab.view.setCurrentIndex(cell(tab, "1003", "dem:qin"))
    with failing_writes(bench.store):
        qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert stored(bench.store, "1003", "dem:qin") == "90" and cell(tab, "1003", "dem:qin").data() == "90.000"
    assert messages[-1] == ("清除 王芳（1003）民主测评·勤 的 90 没有保存：磁盘已满", True)


# -- two laptops ------------------------------------------------------------------------------------

def test_undo_after_the_other_laptop_corrected_it_is_a_conflict(qtbot, tab, bench, messages, second):
    """甲 types 80, 乙 corrects it to 90, 甲 presses Ctrl+Z: 乙's 90 stays, 甲 is told who changed it."""
    tab2, _ = second
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "80")
    tab2.refresh()                                                           # 乙's screen shows 80
    type_at(qtbot, tab2.view, cell(tab2, "1001", "exam"), "90")
    assert not bench.undo()
    assert stored(bench.store, "1001", "exam") == "90"
    text, is_error = messages[-1]
    assert is_error and "不能撤销：张明 考试 已被 李强" in text and "改为 90" in text
    assert cell(tab, "1001", "exam").data() == "90.000"                      # 甲's screen shows 乙's value


def test_undo_then_redo_after_the_other_laptop_changed_it_is_a_conflict(qtbot, tab, bench, messages, second):
    tab2, _ = second
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "80")
    assert bench.undo() and stored(bench.store, "1001", "exam") == "82.5"
    tab2.refresh()
    type_at(qtbot, tab2.view, cell(tab2, "1001", "exam"), "90")
    assert not bench.redo()
    assert stored(bench.store, "1001", "exam") == "90"
    assert "不能重做：张明 考试 已被 李强" in messages[-1][0]


def test_undo_and_redo_of_ones_own_value(qtbot, tab, bench):
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "80")
    assert bench.undo() and cell(tab, "1001", "exam").data() == "82.500"
    assert bench.redo() and cell(tab, "1001", "exam").data() == "80.000"
    assert stored(bench.store, "1001", "exam") == "80"


def test_both_type_the_same_cell_the_second_is_told_and_keeps_the_typed_value(qtbot, tab, bench, second):
    tab2, said2 = second                                                     # both screens show 82.5
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "80")
    type_at(qtbot, tab2.view, cell(tab2, "1001", "exam"), "85")
    assert stored(bench.store, "1001", "exam") == "80"
    text, is_error = said2[-1]
    assert is_error and "张明 考试 已被 王敏" in text and "改为 80，您的 85 未写入" in text
    index = cell(tab2, "1001", "exam")
    assert index.data() == "85" and index.data(UNSAVED_ROLE) == "已被其他录入人修改"
    assert tab2.view.currentIndex() == index
    qtbot.keyClick(tab2.view, Qt.Key.Key_Return)                             # 乙 has seen 80 now: Enter saves 85
    assert stored(bench.store, "1001", "exam") == "85"


def test_confirming_a_value_changed_since_confirms_nothing(qtbot, tab, bench, messages, second):
    tab2, _ = second
    type_at(qtbot, tab2.view, cell(tab2, "1001", "exam"), "90")              # 甲 still shows 82.5
    activate(qtbot, tab)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)
    assert {e.status for p in list_scores(bench.store).values() for e in p.values()} == {"entered"}
    assert messages[-1][1] and "张明 考试 已被 李强" in messages[-1][0]
    assert cell(tab, "1001", "exam").data() == "90.000"                      # redrawn: 甲 sees what is stored
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)                        # confirming what is shown now
    assert {e.status for p in list_scores(bench.store).values() for e in p.values()} == {"confirmed"}


# -- issue 13: confirming names what is missing --------------------------------------------------------

def test_confirming_names_what_is_missing_and_can_be_declined(qtbot, tab, bench, messages, monkeypatch):
    tab.view.setFocus()
    tab.view.setCurrentIndex(cell(tab, "1002", "dem:lian"))
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    asked: list[str] = []
    monkeypatch.setattr(tab, "ask_confirm_anyway", lambda text: asked.append(text) or False)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)
    assert "以下 1 人尚有未录入的项：\n李华（1002）：民主测评·廉" in asked[-1] and "仍要确认已录入的 23 项吗？" in asked[-1]
    assert {e.status for p in list_scores(bench.store).values() for e in p.values()} == {"entered"}
    assert messages[-1] == ("未确认：1 人尚有未录入的项", True)
    monkeypatch.setattr(tab, "ask_confirm_anyway", lambda text: asked.append(text) or True)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)
    assert {e.status for p in list_scores(bench.store).values() for e in p.values()} == {"confirmed"}
    assert messages[-1] == ("已确认 23 项录入；尚有 1 人有未录入的项", False)


def test_the_question_defaults_to_no(tab, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    seen = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: seen.append(a) or QMessageBox.StandardButton.No))
    assert not tab.ask_confirm_anyway("缺项")
    assert seen[0][-1] == QMessageBox.StandardButton.No


def test_a_value_typed_but_not_saved_blocks_the_confirmation(qtbot, tab, bench, messages, monkeypatch):
    with failing_writes(bench.store):
        type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "88.5")
    monkeypatch.setattr(tab, "ask_confirm_anyway", lambda text: pytest.fail("refused before asking"))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)
    assert messages[-1] == ("张明（1001）考试 88.5 未保存，请先重试（Enter）或放弃（Del），再确认", True)
    assert {e.status for p in list_scores(bench.store).values() for e in p.values()} == {"entered"}


def test_complete_data_is_confirmed_without_a_question(qtbot, tab, bench, monkeypatch):
    monkeypatch.setattr(tab, "ask_confirm_anyway", lambda text: pytest.fail("nothing is missing"))
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)
    assert {e.status for p in list_scores(bench.store).values() for e in p.values()} == {"confirmed"}
