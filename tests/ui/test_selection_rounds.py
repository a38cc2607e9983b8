"""8 双向选择 end to end by keys: three 科员 rounds, 结束科员阶段, one 事业人员 round, the outcome."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import DATA
from app.core.roster import RosterPerson
from app.services import selection, stages
from app.services.campaign_io import import_campaign
from app.services.roster import names, save_person, save_post
from app.services.store import Store
from app.ui.tabs.selection_model import OfficeModel
from tests.ui.keys import open_selection_tab, type_in_cell, type_on_office_row

STAFF = (  # id, name, former 科, declared
    ("2001", "赵一", "办公室", ["P1"]),
    ("2002", "钱二", "财务科", ["P2", "P1"]),
    ("2003", "孙三", None, ["P1", "P2"]),
    ("2004", "李五", "办公室", ["P1"]),
    ("2005", "吴六", None, ["P2"]),
)
BUSINESS = (
    ("3001", "周四", "财务科", ["P2"]),
    ("3002", "郑七", "办公室", ["P1", "P2"]),
)


def make_store(tmp_path):
    """small.json: 科长 1001 at P1 (办公室), 1003 at P2 (财务科); both 科 核定 3; 5 科员, 2 事业人员."""
    store = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    save_post(store, "P1", "办公室科长", office="办公室", headcount=3)
    save_post(store, "P2", "财务科科长", office="财务科", headcount=3)
    save_post(store, "P3", "法规科科长", office="法规科", headcount=1)
    for pid, name, former, _ in STAFF:
        save_person(store, RosterPerson(id=pid, name=name, rank="科员", category="行政一般", identity="行政",
                                        former_office=former))
    for pid, name, former, _ in BUSINESS:
        save_person(store, RosterPerson(id=pid, name=name, rank="科员", category="事业人员", identity="事业",
                                        former_office=former))
    stages.publish_through(store, "assignment", "jd2026")
    return store


def type_on_row(qtbot, tab, row, text):
    type_on_office_row(qtbot, tab, row, text)


def declare_all(qtbot, tab, people):
    """Ctrl+D to the 申报科室 column, then one line per person: the 岗位编号 typed, Enter moves down."""
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    for pid, _, _, posts in people:
        while tab.persons.row_at(tab.person_view.currentIndex().row()).id != pid:   # ↓ past who does not declare
            qtbot.keyClick(tab.person_view, Qt.Key.Key_Down)
        type_in_cell(qtbot, tab.person_view, " ".join(p.lower() for p in posts))


def close_round(qtbot, tab):
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()


def this_round(tab):
    return [tab.offices.index(r, OfficeModel.ROUND_COL).data() for r in range(tab.offices.rowCount())]


def test_three_staff_rounds_and_a_business_round_to_the_end(qtbot, tmp_path):
    store = make_store(tmp_path)
    tab, messages = open_selection_tab(qtbot, store)
    assert [r.office for r in tab.offices.rows()] == ["办公室", "财务科"]
    declare_all(qtbot, tab, STAFF)
    assert selection.choices(store) == {pid: tuple(posts) for pid, _, _, posts in STAFF}

    # 科员定岗 第 1 轮: both 科 keep a former staff member.
    assert tab.header.text() == "科员定岗 第 1 轮"
    type_on_row(qtbot, tab, 0, "2001")
    type_on_row(qtbot, tab, 1, "2002")
    assert this_round(tab) == ["2001 赵一", "2002 钱二"]
    close_round(qtbot, tab)

    # 第 2 轮: 办公室 picks 孙三, 财务科 passes.
    assert tab.header.text() == "科员定岗 第 2 轮"
    type_on_row(qtbot, tab, 0, "2003")
    type_on_row(qtbot, tab, 1, "0")
    assert this_round(tab) == ["2003 孙三", "放弃"]
    close_round(qtbot, tab)

    # 第 3 轮: 办公室 passes (李五 would be a second 保留), 财务科 picks 吴六.
    assert tab.header.text() == "科员定岗 第 3 轮"
    type_on_row(qtbot, tab, 0, "0")
    type_on_row(qtbot, tab, 1, "2005")
    assert this_round(tab) == ["放弃", "2005 吴六"]
    close_round(qtbot, tab)
    assert tab.header.text() == "科员定岗 第 4 轮"
    assert [r.id for r in tab.persons.rows()] == ["1002", "2004"]   # 李华 (lost the 科长 contest) declared nothing

    tab.end_button.click()
    assert tab.header.text() == "事业人员补充 第 1 轮"
    assert [r.id for r in tab.persons.rows()] == ["3001", "3002"]
    assert not tab.end_button.isEnabled()
    declare_all(qtbot, tab, BUSINESS)

    # 事业人员补充 第 1 轮: 办公室 keeps 郑七 (its former 事业 staff), 财务科 passes.
    type_on_row(qtbot, tab, 0, "3002")
    type_on_row(qtbot, tab, 1, "0")
    assert this_round(tab) == ["3002 郑七", "放弃"]
    close_round(qtbot, tab)
    assert tab.header.text() == "事业人员补充 第 2 轮"
    assert not [m for m in messages if m[1]], messages

    result = selection.outcome(store)
    who = names(store)
    placed = {}
    for p in result.placements:
        placed.setdefault(p.office, []).append((who[p.person], p.phase, p.round, p.how))
    assert placed == {
        "P1": [("赵一", "staff", 1, "keep"), ("孙三", "staff", 2, "pick"), ("郑七", "business", 1, "keep")],
        "P2": [("钱二", "staff", 1, "keep"), ("吴六", "staff", 3, "pick")],
    }
    assert [who[p] for p in result.to_leaders] == ["李华", "李五"]
    assert [who[p] for p in result.to_origin] == ["周四"]
    assert result.short == (("P2", 1),)
    assert result.unmet == ()
    assert store.verify().ok
    store.close()
