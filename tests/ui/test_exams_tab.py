"""Tab 2 考试与测评 driven with real key presses: save at Enter, move on, refuse, undo, confirm, lock."""


import pytest
from PySide6.QtCore import Qt

from app.services import stages
from app.services.scores import list_scores
from app.ui.table import UNSAVED_ROLE
from app.ui.tabs.exams import ExamsTab
from app.ui.tabs.exams_model import FAILED_BG


@pytest.fixture
def tab(bench, qtbot):
    page = ExamsTab(bench)
    qtbot.addWidget(page)
    page.resize(1330, 560)
    page.show()
    page.refresh()
    return page


def cell(tab, person, key):
    model = tab.model
    return model.index(model.row_index(person), model.column_of(key))


def type_at(qtbot, view, index, text, *, enter=True):
    """Go to the cell, type the first key on the view (opens the editor), the rest into the editor."""
    view.setFocus()
    view.setCurrentIndex(index)
    qtbot.keyClick(view, text[0])
    editor = view.indexWidget(view.currentIndex())
    assert editor is not None, "typing did not open an editor"
    qtbot.keyClicks(editor, text[1:])
    if enter:
        qtbot.keyClick(editor, Qt.Key.Key_Return)


def stored(bench, person, item):
    entry = list_scores(bench.store).get(person, {}).get(item)
    return entry.value if entry else None


def shown(tab, person, key):
    return cell(tab, person, key).data()


def test_the_tab_loads_when_first_shown(bench, qtbot):
    page = ExamsTab(bench)
    qtbot.addWidget(page)
    assert page.model.rowCount() == 0
    page.show()
    assert [r.id for r in page.model.rows] == ["1001", "1002", "1003"]
    assert page.view.currentIndex() == cell(page, "1001", "exam")


def test_every_table_model_passes_the_model_tester(tab, qtmodeltester):
    qtmodeltester.check(tab.model)
    tab.exam_mode.setCurrentIndex(1)
    tab.dem_mode.setCurrentIndex(1)
    qtmodeltester.check(tab.model)
    qtmodeltester.check(tab.grades)


def test_typed_exam_score_is_saved_at_once_and_the_cursor_moves_right(tab, qtbot, bench):
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "88.5")
    assert stored(bench, "1001", "exam") == "88.5"
    assert shown(tab, "1001", "exam") == "88.500"
    # §八 by hand: 88.5×10% + 88.45×30% + 94.333×60% + 4 = 95.9848 → 95.985 (was 95.385)
    assert shown(tab, "1001", "quantified") == "95.985"
    assert tab.view.currentIndex() == cell(tab, "1001", "sat:present")


def test_enter_at_the_end_of_a_row_goes_to_the_next_persons_first_entry(tab, qtbot, bench):
    type_at(qtbot, tab.view, cell(tab, "1001", "dem:lian"), "91")
    assert stored(bench, "1001", "dem:lian") == "91"
    assert tab.view.currentIndex() == cell(tab, "1002", "exam")


@pytest.mark.parametrize("bad, why", [("101", "超出 0–100"), ("88.55", "小数位过多"), ("abc", "不是数字")])
def test_a_refused_score_keeps_the_cell_and_says_why(tab, qtbot, bench, messages, bad, why):
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), bad)
    assert stored(bench, "1001", "exam") == "82.5"
    assert shown(tab, "1001", "exam") == bad and cell(tab, "1001", "exam").data(UNSAVED_ROLE)   # kept, 未保存
    assert tab.view.currentIndex() == cell(tab, "1001", "exam")
    text, error = messages[-1]
    assert error and "张明（1001）考试" in text and why in text
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)                   # Del gives the typed text up
    assert shown(tab, "1001", "exam") == "82.500" and bench.unsaved == {}
    assert stored(bench, "1001", "exam") == "82.5"


def test_more_dissatisfied_than_present_is_refused(tab, qtbot, bench, messages):
    type_at(qtbot, tab.view, cell(tab, "1002", "sat:dissatisfied"), "31")
    assert stored(bench, "1002", "sat:dissatisfied") == "9"
    assert messages[-1][1] and "李华（1002）满意度测评·不满意票" in messages[-1][0] and "超过 30" in messages[-1][0]


def test_satisfaction_of_one_third_is_flagged_at_once(tab, qtbot):
    assert shown(tab, "1002", "rate") == "0.300"
    type_at(qtbot, tab.view, cell(tab, "1002", "sat:dissatisfied"), "10")
    # §五: 10 of 30 is exactly 1/3, 达三分之一以上 → 不合格
    assert shown(tab, "1002", "rate") == "0.333 不合格"
    assert cell(tab, "1002", "rate").data(Qt.ItemDataRole.BackgroundRole) == FAILED_BG


def test_undo_restores_the_previous_value_or_clears_a_new_one(tab, qtbot, bench):
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "88.5")
    bench.undo()
    assert stored(bench, "1001", "exam") == "82.5"
    assert shown(tab, "1001", "exam") == "82.500"
    bench.redo()
    assert stored(bench, "1001", "exam") == "88.5"
    assert shown(tab, "1001", "exam") == "88.500"

    tab.exam_mode.setCurrentIndex(1)
    type_at(qtbot, tab.view, cell(tab, "1003", "exam:行测"), "25")
    assert stored(bench, "1003", "exam:行测") == "25"
    bench.undo()
    assert stored(bench, "1003", "exam:行测") is None
    assert shown(tab, "1003", "exam_total") == "76.500"


def test_incomplete_exam_parts_leave_the_total_blank_never_wrong(tab, qtbot, bench):
    tab.exam_mode.setCurrentIndex(1)
    type_at(qtbot, tab.view, cell(tab, "1001", "exam:行测"), "25")
    assert tab.view.currentIndex() == cell(tab, "1001", "exam:申论")
    assert shown(tab, "1001", "exam_total") == ""   # 1001's parts are incomplete …
    assert shown(tab, "1001", "quantified") == ""
    assert shown(tab, "1002", "quantified") != ""   # … but everyone else is computed, person by person
    assert "考试·申论、考试·公共基础" in cell(tab, "1001", "status").data(Qt.ItemDataRole.ToolTipRole)
    qtbot.keyClicks(tab.view, "4")
    qtbot.keyClicks(tab.view.indexWidget(tab.view.currentIndex()), "5")
    qtbot.keyClick(tab.view.indexWidget(tab.view.currentIndex()), Qt.Key.Key_Return)
    type_at(qtbot, tab.view, cell(tab, "1001", "exam:公共基础"), "18")
    # 25 + 45 + 18 = 88; 88×10% + 26.535 + 56.5998 + 4 = 95.9348 → 95.935
    assert shown(tab, "1001", "exam_total") == "88.000"
    assert shown(tab, "1001", "quantified") == "95.935"
    assert tab.model.missing() == []


def test_a_total_cannot_be_typed_over_exam_parts(tab, qtbot, bench, messages):
    tab.exam_mode.setCurrentIndex(1)
    type_at(qtbot, tab.view, cell(tab, "1001", "exam:行测"), "25")
    tab.exam_mode.setCurrentIndex(0)
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "90")
    assert stored(bench, "1001", "exam") == "82.5"
    assert "已按分项" in messages[-1][0]


def test_grade_counts_are_tallied_into_the_dimension(tab, qtbot, bench):
    tab.dem_mode.setCurrentIndex(1)
    assert tab.grade_box.isVisible() and tab.grades.person_id == "1001"
    grades = tab.grade_view
    grades.setCurrentIndex(tab.grades.index(0, 0))
    for count in ("20", "10", "0", "0"):
        type_at(qtbot, grades, grades.currentIndex(), count)
    assert stored(bench, "1001", "grade:de:优秀") == "20"
    assert grades.currentIndex() == tab.grades.index(1, 0)        # on to 能·优秀
    # (20×100 + 10×80) / 30 = 93.333
    assert tab.grades.index(0, 5).data() == "93.333"
    assert shown(tab, "1001", "dem:de") == "93.333"
    assert tab.grades.index(0, 4).data() == "30"


def test_the_last_grade_cell_moves_on_to_the_next_person(tab, qtbot):
    tab.dem_mode.setCurrentIndex(1)
    type_at(qtbot, tab.grade_view, tab.grades.index(4, 3), "1")
    assert tab.grades.person_id == "1002"
    assert tab.grade_view.currentIndex() == tab.grades.index(0, 0)


def test_ctrl_enter_confirms_every_entered_value(tab, qtbot, bench):
    assert shown(tab, "1001", "status") == "待确认 8"      # exam, five dimensions, two counts
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert all(e.status == "confirmed" for person in list_scores(bench.store).values() for e in person.values())
    assert shown(tab, "1001", "status") == "✓ 已确认"


def test_a_confirmed_value_changes_only_with_a_reason(tab, qtbot, bench, messages, monkeypatch):
    tab.confirm_page()
    monkeypatch.setattr(tab.model, "ask_reason", lambda label: None)
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "83")
    assert stored(bench, "1001", "exam") == "82.5"
    assert "须在回车后填写理由" in messages[-1][0]
    monkeypatch.setattr(tab.model, "ask_reason", lambda label: "试卷复核更正")
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "83")
    assert stored(bench, "1001", "exam") == "83"
    assert shown(tab, "1001", "status") == "待确认 1"


def test_a_locked_stage_refuses_the_edit(tab, qtbot, bench, messages):
    stages.advance(bench.store, "exam", "jd2026")
    stages.advance(bench.store, "exam", "jd2026")
    tab.refresh()
    assert "已锁定" in tab.stage_label.text()
    type_at(qtbot, tab.view, cell(tab, "1001", "exam"), "90")
    assert stored(bench, "1001", "exam") == "82.5"
    assert messages[-1][1] and "已锁定" in messages[-1][0]


def test_delete_clears_a_cell_and_undo_brings_it_back(tab, qtbot, bench):
    tab.view.setCurrentIndex(cell(tab, "1003", "dem:qin"))
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)
    assert stored(bench, "1003", "dem:qin") is None
    assert shown(tab, "1003", "democratic") == ""
    bench.undo()
    assert stored(bench, "1003", "dem:qin") == "90"
