"""8 双向选择 on the generated demo campaign (the one ``python -m app --demo`` opens), keys only, in the
main window: the 科长 placement published, every 科员's 申报科室 typed, three 科员 rounds, 结束科员阶段, the
事业人员 round(s), then the outcome checked against every rule of §十五/§十六 and the sheet printed.

Each 科长's choice is made the way a 科长 would: among the free persons who declared the 科 (first choice
first), the first one the rules allow, else 放弃 — the test asks the core which moves are allowed, and every
move is typed through the tab."""

from collections import Counter

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core import selection as core
from app.services import selection, stages
from app.services.demo import chief_choice, create_demo_store, selection_plan
from app.services.report_data import sheet_data
from app.ui.main_window import MainWindow
from app.ui.tabs.selection import SelectionTab
from tests.ui.keys import type_in_cell

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def demo(tmp_path):
    store = create_demo_store(tmp_path / "demo.db", operator="王敏")       # 60 people, 12 posts
    stages.publish_through(store, "assignment", "jd2026")       # every stage it draws on, then 综合考评与人选
    yield store
    store.close()


def type_declarations(qtbot, tab: SelectionTab, plan: dict[str, list[str]]) -> None:
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_D, CTRL)                      # Ctrl+D: the first undeclared person
    for row, line in enumerate(tab.persons.rows()):
        assert tab.person_view.currentIndex().row() == row
        if line.id in plan:
            type_in_cell(qtbot, tab.person_view, " ".join(x.lower() for x in plan[line.id]))   # Enter moves down
        elif row + 1 < tab.persons.rowCount():
            qtbot.keyClick(tab.person_view, Qt.Key.Key_Down)


def play_round(qtbot, tab: SelectionTab) -> dict[str, str | None]:
    """Every 科 that may still act picks or passes, typed on its row; then Ctrl+Enter."""
    moves = {}
    for row, line in enumerate(tab.offices.rows()):
        if line.full:
            continue
        state = selection.load_state(tab.bench.store)
        person = chief_choice(state, line.post)
        moves[line.post] = person
        tab.view.setFocus()
        tab.view.setCurrentIndex(tab.offices.index(row, 0))
        type_in_cell(qtbot, tab.view, person or "0")
        assert tab.offices.row_at(row).acted, tab.bench_messages[-1]
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, CTRL)
    QApplication.processEvents()
    return moves


def test_demo_campaign_three_staff_rounds_and_the_business_rounds_to_the_end(qtbot, demo):
    window = MainWindow(demo)
    qtbot.addWidget(window)
    messages = []
    window.bench.message.connect(lambda text, err: messages.append((text, err)))
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_8, Qt.KeyboardModifier.AltModifier)     # Alt+8: 双向选择
    tab = window.tabs.currentWidget()
    assert isinstance(tab, SelectionTab)
    tab.bench_messages = messages
    start = selection.load_state(demo)
    chiefs = selection.chiefs(demo)
    assert len(start.offices) == len(chiefs) >= 6
    assert [r.post for r in tab.offices.rows()] == [o.name for o in start.offices]

    # 科员 declare (keys), three rounds.
    staff_plan = selection_plan(start, core.STAFF)
    assert len(staff_plan) >= 20
    type_declarations(qtbot, tab, staff_plan)
    assert selection.choices(demo) == {pid: tuple(posts) for pid, posts in staff_plan.items()}
    staff_moves = []
    for n in (1, 2, 3):
        assert tab.header.text() == f"科员定岗 第 {n} 轮"
        staff_moves.append(play_round(qtbot, tab))
    assert tab.header.text() == "科员定岗 第 4 轮"
    picked_round_1 = [p for p in staff_moves[0].values() if p]
    assert len(picked_round_1) == len(start.offices)          # every 科 had someone who declared it

    # 结束科员阶段, 事业人员 declare, rounds until nobody picks.
    qtbot.keyClick(tab.view, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)   # 结束科员阶段(&J), confirmed
    qtbot.waitUntil(lambda: tab.header.text() == "事业人员补充 第 1 轮")    # a mnemonic clicks after ~100 ms
    business_plan = selection_plan(selection.load_state(demo), core.BUSINESS)
    type_declarations(qtbot, tab, business_plan)
    for _ in range(10):
        if not any(play_round(qtbot, tab).values()):
            break
    assert not [m for m in messages if m[1]], [m for m in messages if m[1]]

    # The outcome, checked rule by rule.
    result = selection.outcome(demo)
    state = selection.load_state(demo)
    offices = {o.name: o for o in state.offices}
    per_office = Counter(p.office for p in result.placements)
    for office, n in per_office.items():
        assert n <= offices[office].headcount, f"{office} over its 核定人数"
    persons = {p.id: p for p in state.persons}
    placed = [p.person for p in result.placements]
    assert len(placed) == len(set(placed))                                    # nobody twice
    for p in result.placements:
        if p.how in (core.HOW_PICK, core.HOW_KEEP):
            assert p.office in persons[p.person].declared                    # only who declared the 科
            assert (p.how == core.HOW_KEEP) == (persons[p.person].former_office == p.office)
    keeps = Counter((p.office, p.phase) for p in result.placements if p.how == core.HOW_KEEP)
    assert max(keeps.values()) == 1                                           # one 保留 per 科 per phase
    everyone = {p.id for p in state.persons}
    assert set(placed) | set(result.to_leaders) | set(result.to_origin) == everyone
    assert {persons[x].kind for x in result.to_origin} <= {core.BUSINESS}
    undeclared = [p for p in persons if persons[p].kind == core.STAFF and p not in staff_plan
                  and not persons[p].no_rotation]
    assert set(undeclared) <= set(result.to_leaders)                       # nobody picked who did not declare
    rounds = Counter((p.phase, p.round) for p in result.placements if p.how in (core.HOW_PICK, core.HOW_KEEP))
    assert {r for (ph, r) in rounds if ph == core.STAFF} == {1, 2, 3}

    # The final list prints as a finished (not draft) sheet with every placed name on it.
    data = sheet_data(demo, "双向选择结果", printed="2026-11-24")
    assert not data.header.draft
    assert sum(len(o.placed) for o in data.offices) == len(result.placements)
    assert demo.verify().ok
