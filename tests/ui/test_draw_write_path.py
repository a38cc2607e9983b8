"""Tab 4 抽签 on the one write path (issue 12): a draw that could not be saved keeps the typed seed or
the slip numbers and says 未保存 until a retry saves it; a program draw, a paper draw and a redraw refer
to the draw the clerk saw, so a draw another laptop made meanwhile is never superseded silently."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services import draws
from app.ui.tabs.draw import DrawTab
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.ui.laptops import activate, second_laptop, show
from tests.ui.test_draw_tab import answer_reason, type_seed, type_slip


def make_tab(qtbot, bench) -> DrawTab:
    tab = show(qtbot, DrawTab, bench, refresh=False)
    tab.meeting.setCurrentText("竞岗演讲")
    return tab


@pytest.fixture
def tab(qtbot, bench):
    return make_tab(qtbot, bench)


@pytest.fixture
def second(qtbot, small_store):
    """乙: a second laptop on the same campaign file, operator 李强."""
    with second_laptop(small_store.location) as (bench, _):
        yield make_tab(qtbot, bench)


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_program_draw_not_saved_keeps_the_seed(qtbot, tab, bench, messages, fault, cause):
    with failing_writes(bench.store, fault):
        type_seed(qtbot, tab, "4711")
    assert draws.current_draw(bench.store, "竞岗演讲") is None
    assert tab.seed.text() == "4711" and "f8c9c4" in tab.seed.styleSheet()
    assert tab.unsaved_label.isVisible() and f"竞岗演讲抽签（种子 4711） 未保存：{cause}" in tab.unsaved_label.text()
    assert messages[-1][1] and messages[-1][0].startswith(f"竞岗演讲抽签（种子 4711） 没有保存：{cause}")
    assert list(bench.unsaved.values()) == ["竞岗演讲抽签（种子 4711）"]
    qtbot.keyClick(tab.seed, Qt.Key.Key_Return)                       # the fault is gone: Enter draws
    assert draws.current_draw(bench.store, "竞岗演讲").ids == ["1002", "1001", "1003"]
    assert not tab.unsaved_label.isVisible() and tab.seed.styleSheet() == "" and bench.unsaved == {}
    assert not bench.can_undo()                                       # a draw is redrawn, never undone
    assert bench.store.verify().ok


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_paper_slips_not_saved_stay_typed(qtbot, tab, bench, fault, cause):
    tab.meeting.setCurrentText("申报者述职")                            # 1002 李华, 1003 王芳
    qtbot.mouseClick(tab.paper_mode, Qt.MouseButton.LeftButton)
    view = tab.candidate_view
    with failing_writes(bench.store, fault):
        type_slip(qtbot, view, "2")
        type_slip(qtbot, view, "1")                                   # complete: recorded at once … not
        qtbot.waitUntil(lambda: tab.unsaved_label.isVisible(), timeout=1000)
    assert draws.current_draw(bench.store, "申报者述职") is None
    assert [tab.candidates.index(r, 4).data() for r in range(2)] == ["2", "1"]
    assert f"申报者述职纸签顺序 未保存：{cause}" in tab.unsaved_label.text()
    assert tab.unsaved_label.text().endswith("；按 Ctrl+Enter 重试")
    activate(qtbot, tab)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert draws.current_draw(bench.store, "申报者述职").ids == ["1003", "1002"]
    assert not tab.unsaved_label.isVisible() and bench.unsaved == {}
    assert bench.store.verify().ok


def test_a_draw_the_other_laptop_made_meanwhile_is_not_superseded(qtbot, tab, bench, messages, second):
    type_seed(qtbot, second, "2026")                                  # 乙 draws; 甲's screen still says 尚未抽签
    assert tab.draw_button.text() == "抽签"
    type_seed(qtbot, tab, "4711")
    record = draws.current_draw(bench.store, "竞岗演讲")
    assert record.seed == "2026" and len(draws.draw_history(bench.store, "竞岗演讲")) == 1
    assert messages[-1][1] and "“竞岗演讲”已由 李强 于" in messages[-1][0] and "种子 2026，记录 1" in messages[-1][0]
    assert tab.seed.text() == "4711" and tab.unsaved_label.isVisible()
    assert tab.draw_button.text() == "重新抽签…" and "种子 2026" in tab.state.text()   # redrawn after the conflict


def test_a_redraw_refers_to_the_draw_the_clerk_saw(qtbot, tab, bench, messages, second):
    type_seed(qtbot, tab, "4711")
    second.refresh()
    answer_reason(qtbot, "种子误报")
    type_seed(qtbot, second, "2026")                                  # 乙 redraws: record 2
    answer_reason(qtbot, "监督组要求")
    type_seed(qtbot, tab, "9999")                                     # 甲 still shows record 1
    history = draws.draw_history(bench.store, "竞岗演讲")
    assert [(h.seed, h.superseded) for h in history] == [("4711", True), ("2026", False)]
    assert "已由 李强 于" in messages[-1][0] and "种子 2026，记录 2" in messages[-1][0]


def test_a_paper_draw_refers_to_the_draw_the_clerk_saw(qtbot, tab, bench, messages, second):
    tab.meeting.setCurrentText("申报者述职")
    qtbot.mouseClick(tab.paper_mode, Qt.MouseButton.LeftButton)
    draws.program_draw(second.bench.store, "申报者述职", "2026")       # 乙 draws by program meanwhile
    view = tab.candidate_view
    type_slip(qtbot, view, "2")
    type_slip(qtbot, view, "1")
    qtbot.waitUntil(lambda: tab.unsaved_label.isVisible(), timeout=1000)
    assert draws.current_draw(bench.store, "申报者述职").method == "program"
    assert "“申报者述职”已由 李强 于" in messages[-1][0]
    assert [tab.candidates.index(r, 4).data() for r in range(2)] == ["2", "1"]     # the slips stay typed
