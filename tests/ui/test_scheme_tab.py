"""Tab 8 方案设置 driven with keys: current values shown, live sums, every problem listed before
anything is saved, a reason once scores exist, undo, a locked stage refusing, 细则 defaults."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.core.scheme import Scheme
from app.models.schema import AuditLog
from app.services import stages
from app.services.scheme import current_scheme, set_scheme
from app.services.store import Changed
from app.ui.tabs.scheme import SchemeTab
from app.ui.workbench import Change, Workbench

CTRL = Qt.KeyboardModifier.ControlModifier


def ime(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def retype(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    qtbot.keyClicks(widget, text)


def make_tab(qtbot, bench) -> SchemeTab:
    tab = SchemeTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)
    tab.activateWindow()
    tab.refresh()
    return tab


@pytest.fixture
def tab(qtbot, bench) -> SchemeTab:          # small_store: scores exist
    return make_tab(qtbot, bench)


@pytest.fixture
def empty_tab(qtbot, empty_store) -> SchemeTab:
    return make_tab(qtbot, Workbench(empty_store))


def total(tab: SchemeTab, first_path: str) -> str:
    return next(label.text() for t, label in tab.totals if t.paths[0] == first_path)


def test_the_form_shows_the_current_scheme_grouped_by_clause(tab):
    titles = [box.title() for box in tab.findChildren(type(tab.fields["threshold"].parentWidget()))]
    assert {"§四 考试", "§五 满意度测评", "§六 民主测评", "§八 考评量化", "§九 报岗", "§十 竞岗演讲",
            "§十一 定岗推荐", "§十二 综合考评", "§十三 确定人选"} <= set(titles)
    f = tab.fields
    assert f["dimension_weights.de"].text() == "0.30" and f["group_weights.leaders"].text() == "0.35"
    assert f["threshold"].text() == "1/3" and f["satisfaction_threshold"].text() == "1/3"
    assert f["declaration_rounds"].text() == "1-2，1-2，1"
    assert f["rank_bonus.正科实职"].text() == "4" and f["exam_parts.申论"].text() == "50"
    assert f["assignment"].currentText() == "字面（不调剂）"
    assert total(tab, "dimension_weights.de") == "合计 1.00 ✓"
    assert total(tab, "exam_parts.行测") == "合计 100 ✓"
    assert tab.notes["min_judges"].text() == "至少须 5 名评委评分"
    assert "已有分数" in tab.state_label.text()


def test_sums_follow_the_typing(qtbot, tab):
    retype(qtbot, tab.fields["dimension_weights.de"], "0.35")
    assert total(tab, "dimension_weights.de") == "合计 1.05 ✗ 须为 1"
    assert "fff4ce" in tab.fields["dimension_weights.de"].styleSheet()          # changed, not applied
    assert "有未应用的修改" in tab.state_label.text()
    retype(qtbot, tab.fields["dimension_weights.neng"], "0.1")
    assert total(tab, "dimension_weights.de") == "合计 1.00 ✓"
    retype(qtbot, tab.fields["speech_trim"], "1")
    assert tab.notes["min_judges"].text() == "至少须 3 名评委评分"


def test_every_problem_is_listed_and_nothing_saved(qtbot, tab, bench, messages):
    retype(qtbot, tab.fields["dimension_weights.de"], "0.35")
    retype(qtbot, tab.fields["threshold"], "1/0")
    retype(qtbot, tab.fields["speech_trim"], "x")
    retype(qtbot, tab.fields["declaration_rounds"], "1-2,2-1")
    qtbot.keyClick(tab.fields["declaration_rounds"], Qt.Key.Key_S, CTRL)
    text = tab.problems.text()
    assert "§十一 定岗推荐·推荐率界线：“1/0” 不是分数（写成 1/3）" in text
    assert "§十 竞岗演讲·去掉最高、最低各：“x” 须为整数" in text
    assert "民主测评权重：权重之和为 1.05，须为 1" in text
    assert "第2次报岗岗位数 2–1 不合理" in text
    assert messages[-1] == ("方案未保存：4 处问题，见“方案设置”页", True)
    assert current_scheme(bench.store) == Scheme()
    assert tab.reason_dialog is None
    assert tab.fields["threshold"].text() == "1/0"                      # what was typed stays


def test_without_scores_ctrl_s_saves_at_once_and_undo_restores(qtbot, empty_tab):
    tab, bench = empty_tab, empty_tab.bench
    retype(qtbot, tab.fields["speech_trim"], "1")
    retype(qtbot, tab.fields["group_weights.leaders"], "30%")
    retype(qtbot, tab.fields["group_weights.staff"], "0.45")
    qtbot.keyClick(tab.fields["group_weights.staff"], Qt.Key.Key_S, CTRL)
    assert tab.reason_dialog is None and tab.problems.text() == ""
    scheme = current_scheme(bench.store)
    assert scheme.speech_trim == 1 and scheme.group_weights["leaders"] == Decimal("0.30")
    assert tab.fields["group_weights.leaders"].text() == "0.30" and not tab.is_modified()
    assert tab.fields["group_weights.leaders"].styleSheet() == ""
    qtbot.keyClick(tab.fields["speech_trim"], Qt.Key.Key_S, CTRL)       # nothing changed: nothing pushed
    assert len(bench.undo_steps) == 1
    bench.undo()
    assert current_scheme(bench.store) == Scheme()
    assert tab.fields["speech_trim"].text() == "2" and tab.fields["group_weights.leaders"].text() == "0.35"


def test_with_scores_a_reason_is_asked_and_logged(qtbot, tab, bench):
    retype(qtbot, tab.fields["threshold"], "1/2")
    qtbot.keyClick(tab.fields["threshold"], Qt.Key.Key_S, CTRL)
    dialog = tab.reason_dialog
    assert dialog.isVisible()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Escape)                     # cancelled: nothing stored
    assert current_scheme(bench.store).threshold == Fraction(1, 3)
    assert tab.fields["threshold"].text() == "1/2"
    qtbot.keyClick(tab.fields["threshold"], Qt.Key.Key_S, CTRL)
    dialog = tab.reason_dialog
    ime(dialog.reason, "党组会议决定")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert current_scheme(bench.store).threshold == Fraction(1, 2)
    with bench.store.read() as s:
        last = s.execute(select(AuditLog).where(AuditLog.entity == "scheme:1")
                         .order_by(AuditLog.seq.desc())).scalars().first()
    assert last.reason == "党组会议决定" and last.operator == "王敏"


def test_a_locked_stage_refuses_the_change(qtbot, tab, bench, messages):
    stages.advance(bench.store, "speech", "jd2026")
    stages.advance(bench.store, "speech", "jd2026")
    bench.changed.emit(Change(Changed.STAGES))
    assert "“竞岗演讲评分”已锁定：方案不能修改" in tab.state_label.text()
    retype(qtbot, tab.fields["composite_weights.speech"], "0.2")
    retype(qtbot, tab.fields["composite_weights.recommendation"], "0.5")
    qtbot.keyClick(tab.fields["composite_weights.speech"], Qt.Key.Key_S, CTRL)
    ime(tab.reason_dialog.reason, "调整权重")
    qtbot.keyClick(tab.reason_dialog.reason, Qt.Key.Key_Return)
    assert "“竞岗演讲评分”已锁定，方案不能修改" in tab.problems.text()
    assert messages[-1][1] is True
    assert current_scheme(bench.store) == Scheme()
    assert tab.fields["composite_weights.speech"].text() == "0.2"


def test_restore_defaults_fills_the_rules_values_to_apply(qtbot, empty_tab):
    tab, bench = empty_tab, empty_tab.bench
    set_scheme(bench.store, {"speech_trim": 1, "assignment": "fallback"})
    bench.changed.emit(Change(Changed.SCHEME))
    assert tab.fields["assignment"].currentText() == "顺延（顺延下一岗位）"
    qtbot.mouseClick(tab.defaults_button, Qt.MouseButton.LeftButton)
    assert tab.fields["speech_trim"].text() == "2" and tab.fields["assignment"].currentData() == "literal"
    assert current_scheme(bench.store).speech_trim == 1                  # not saved until 应用
    qtbot.mouseClick(tab.apply_button, Qt.MouseButton.LeftButton)
    assert current_scheme(bench.store) == Scheme()


def test_a_redraw_keeps_what_the_clerk_typed(qtbot, empty_tab):
    tab, bench = empty_tab, empty_tab.bench
    retype(qtbot, tab.fields["input_decimals"], "2")
    set_scheme(bench.store, {"judge_decimals": 2})                       # another change arrives
    bench.changed.emit(Change(Changed.SCHEME))
    assert tab.fields["input_decimals"].text() == "2"
    assert tab.fields["judge_decimals"].text() == "1"                    # the typed form is not overwritten
    assert "fff4ce" in tab.fields["judge_decimals"].styleSheet()         # …but differs from what is stored now
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert tab.fields["input_decimals"].text() == "1" and tab.fields["judge_decimals"].text() == "2"
