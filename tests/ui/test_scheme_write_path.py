"""Tab 9 方案设置 on the one write path (issue 12): a change that could not be saved keeps every field
as typed (and the reason dialog open) and says 未保存 until it is applied; a change refers to the scheme
version the form was drawn from, so two laptops never overwrite each other's scheme silently; undo and
redo refuse to undo the other laptop's change, or to change a scheme a locked stage was computed with."""

from __future__ import annotations

from fractions import Fraction

import pytest
from PySide6.QtCore import Qt

from app.core.scheme import Scheme
from app.services import stages
from app.services.scheme import current_scheme
from app.ui.tabs.scheme import SchemeTab
from app.ui.workbench import Workbench
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.ui.keys import ime
from tests.ui.laptops import activate, second_laptop, show
from tests.ui.test_scheme_tab import retype

CTRL = Qt.KeyboardModifier.ControlModifier


def make_tab(qtbot, bench) -> SchemeTab:
    tab = show(qtbot, SchemeTab, bench)
    activate(qtbot, tab)
    return tab


@pytest.fixture
def tab(qtbot, bench) -> SchemeTab:                    # small_store: scores exist, a reason is asked
    return make_tab(qtbot, bench)


@pytest.fixture
def empty_tab(qtbot, empty_store) -> SchemeTab:
    return make_tab(qtbot, Workbench(empty_store, poll_ms=0))


@pytest.fixture
def second(qtbot, small_store):
    """乙: a second laptop on the same campaign file, operator 李强."""
    with second_laptop(small_store.location) as (bench, _):
        yield make_tab(qtbot, bench)


def apply_with_reason(qtbot, tab, path: str, value: str, reason: str = "党组会议决定"):
    """Type a value, Ctrl+S, type the reason, Enter: the reason dialog (still open if the save failed)."""
    activate(qtbot, tab)
    retype(qtbot, tab.fields[path], value)
    qtbot.keyClick(tab.fields[path], Qt.Key.Key_S, CTRL)
    dialog = tab.reason_dialog
    ime(dialog.reason, reason)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    return dialog


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_change_not_saved_keeps_the_form(qtbot, empty_tab, fault, cause):
    tab, bench = empty_tab, empty_tab.bench
    retype(qtbot, tab.fields["speech_trim"], "1")
    with failing_writes(bench.store, fault):
        qtbot.keyClick(tab.fields["speech_trim"], Qt.Key.Key_S, CTRL)
    assert current_scheme(bench.store) == Scheme()
    assert tab.fields["speech_trim"].text() == "1" and tab.is_modified()
    assert tab.problems.text().startswith(f"方案设置的修改（去掉最高分、最低分的个数 2→1） 没有保存：{cause}")
    assert list(bench.unsaved.values()) == ["方案设置的修改（去掉最高分、最低分的个数 2→1）"]
    qtbot.keyClick(tab.fields["speech_trim"], Qt.Key.Key_S, CTRL)       # the fault is gone: Ctrl+S saves
    assert current_scheme(bench.store).speech_trim == 1
    assert not tab.is_modified() and tab.problems.text() == "" and bench.unsaved == {}
    assert bench.store.verify().ok


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_with_a_reason_the_dialog_stays_open(qtbot, tab, bench, fault, cause):
    with failing_writes(bench.store, fault):
        dialog = apply_with_reason(qtbot, tab, "threshold", "1/2")
    assert dialog.isVisible() and dialog.reason.text() == "党组会议决定"
    assert dialog.error.text().startswith(f"方案设置的修改（推荐率界线 1/3→1/2） 没有保存：{cause}")
    assert tab.fields["threshold"].text() == "1/2"
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert not dialog.isVisible() and current_scheme(bench.store).threshold == Fraction(1, 2)
    assert bench.unsaved == {}
    assert bench.store.verify().ok


def test_放弃修改_gives_an_unsaved_change_up(qtbot, empty_tab):
    tab, bench = empty_tab, empty_tab.bench
    retype(qtbot, tab.fields["speech_trim"], "1")
    with failing_writes(bench.store):
        qtbot.keyClick(tab.fields["speech_trim"], Qt.Key.Key_S, CTRL)
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert tab.fields["speech_trim"].text() == "2" and bench.unsaved == {}


def test_undo_after_the_other_laptop_changed_it_is_a_conflict(qtbot, tab, bench, messages, second):
    apply_with_reason(qtbot, tab, "threshold", "1/2")
    second.refresh()
    apply_with_reason(qtbot, second, "threshold", "2/5", "监督组复核")
    assert not bench.undo()
    assert current_scheme(bench.store).threshold == Fraction(2, 5)
    assert messages[-1][1] and "不能撤销：方案设置 已被 李强" in messages[-1][0]
    assert tab.fields["threshold"].text() == "2/5"                       # 甲's form shows 乙's scheme


def test_undo_then_redo_after_the_other_laptop_changed_it_is_a_conflict(qtbot, tab, bench, messages, second):
    apply_with_reason(qtbot, tab, "threshold", "1/2")
    assert bench.undo() and current_scheme(bench.store).threshold == Fraction(1, 3)
    second.refresh()
    apply_with_reason(qtbot, second, "threshold", "2/5", "监督组复核")
    assert not bench.redo()
    assert current_scheme(bench.store).threshold == Fraction(2, 5)
    assert "不能重做：方案设置 已被 李强" in messages[-1][0]


def test_both_change_the_scheme_the_second_is_told_what_changed(qtbot, tab, bench, second):
    apply_with_reason(qtbot, tab, "threshold", "1/2")                   # 乙's form still shows 1/3
    dialog = apply_with_reason(qtbot, second, "speech_trim", "1", "监督组复核")
    assert dialog.isVisible()
    assert "方案设置已被 王敏 于" in dialog.error.text() and "推荐率界线 1/3→1/2" in dialog.error.text()
    assert current_scheme(bench.store).speech_trim == 2 and current_scheme(bench.store).threshold == Fraction(1, 2)
    assert second.fields["speech_trim"].text() == "1"                    # what 乙 typed stays …
    assert "fff4ce" in second.fields["threshold"].styleSheet()           # … and 1/3 now differs from the scheme


def test_an_undo_cannot_change_a_scheme_a_locked_stage_was_computed_with(qtbot, tab, bench, messages):
    apply_with_reason(qtbot, tab, "threshold", "1/2")
    stages.advance(bench.store, "exam", "jd2026")
    stages.advance(bench.store, "exam", "jd2026")
    assert not bench.undo()
    assert current_scheme(bench.store).threshold == Fraction(1, 2)
    assert "“考试与测评”已锁定，方案不能修改" in messages[-1][0]
