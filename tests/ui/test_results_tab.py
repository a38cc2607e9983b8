"""7 综合考评与人选 on small_store: 张明 → 办公室科长 by 第十三条（三）, 83.866, 法规科科长 vacant."""

import json

import pytest
from PySide6.QtCore import Qt

from tests.conftest import DATA
from app.core.assignment import REASON_EQUAL_SUGGESTED, REASON_TIE, RULE_LABELS, Assignment, Placement, Undecided
from app.services.campaign_io import import_campaign
from app.services.recommendation import set_count
from app.services.scores import clear_speech_score
from app.ui.tabs.results import VACANT_TEXT, ResultsTab
from app.ui.workbench import Workbench


def make_tab(qtbot, store):
    bench = Workbench(store)
    tab = ResultsTab(bench)
    qtbot.addWidget(tab)
    tab.resize(1330, 560)
    tab.show()
    qtbot.waitExposed(tab)              # drawn when first shown
    return tab, bench


def table(model):
    return [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_small_campaign_placement_and_composites(qtbot, small_store):
    tab, _ = make_tab(qtbot, small_store)
    assert tab.pages.currentIndex() == 0
    assert table(tab.seat_model) == [
        ["P1 办公室科长", "张明", "第十三条（三）：综合考评得分高"],
        ["P2 财务科科长", "王芳", RULE_LABELS["13.1"]],
        ["P3 法规科科长", "—", VACANT_TEXT],
    ]
    # By post, then 综合考评 from high to low; 李华's suggested P3 (推荐率 17/63 < 1/3) has no score.
    assert table(tab.pair_model) == [
        ["张明", "P1 办公室科长", "申报", "95.385", "89.000", "0.762", "77.250", "83.866"],
        ["李华", "P1 办公室科长", "申报", "92.510", "91.000", "0.524", "49.375", "66.478"],
        ["王芳", "P2 财务科科长", "申报", "90.200", "82.000", "0.587", "58.500", "70.360"],
        ["李华", "P3 法规科科长", "建议", "92.510", "91.000", "0.270", "", ""],
    ]
    composite = tab.pair_model.index(0, 7)
    assert tab.pair_model.data(composite, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert "推荐率不达到会人数三分之一" in tab.pair_model.data(tab.pair_model.index(3, 0), Qt.ItemDataRole.ToolTipRole)
    assert tab.mode_label.text().startswith("人选确定方式：字面（literal）")


def test_results_follow_a_change_of_counts(qtbot, small_store):
    tab, bench = make_tab(qtbot, small_store)
    # 张明 loses the 30 staff votes for P1: (4+0+6+8)/63 = 0.286 < 1/3, so 李华 is the only one left.
    bench.run(set_count, "1001", "P1", "staff", 0)
    assert table(tab.seat_model)[0] == ["P1 办公室科长", "李华", RULE_LABELS["13.1"]]
    assert table(tab.pair_model)[:2] == [
        ["李华", "P1 办公室科长", "申报", "92.510", "91.000", "0.524", "49.375", "66.478"],
        ["张明", "P1 办公室科长", "申报", "95.385", "89.000", "0.286", "", ""],
    ]


def test_incomplete_data_show_what_is_missing(qtbot, small_store):
    for judge in ("J01", "J02", "J03"):
        clear_speech_score(small_store, "1003", judge)
    tab, _ = make_tab(qtbot, small_store)
    assert tab.pages.currentIndex() == 1
    text = tab.missing.toPlainText()
    assert text.startswith("数据不完整，暂不能计算")
    assert "评委评分只有 4 个" in text and "1003" in text
    assert tab.seat_model.rowCount() == 0


def test_fallback_mode_is_shown(qtbot, empty_store):
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["scheme"] = {"assignment": "fallback"}
    import_campaign(empty_store, doc)
    tab, _ = make_tab(qtbot, empty_store)
    assert tab.mode_label.text().startswith("人选确定方式：顺延（fallback）")


def test_undecided_seats_name_the_persons_and_the_reason():
    assignment = Assignment(
        placements=(Placement("P1", "1001", "13.3-rate"),),
        vacant=(),
        undecided=(Undecided(REASON_TIE, post="P2", persons=("1002", "1003")),
                   Undecided(REASON_EQUAL_SUGGESTED, person="1004", posts=("P1", "P2"))))
    posts = {"P1": "办公室科长", "P2": "财务科科长"}
    names = {"1001": "张明", "1002": "李华", "1003": "王芳", "1004": "赵强"}
    seats = [(s.post, s.person, s.rule) for s in ResultsTab._seats(assignment, posts, names)]
    assert seats == [
        ("P1 办公室科长", "张明", "第十三条（三）：综合得分相同，推荐率高"),
        ("P2 财务科科长", "待定：李华、王芳", "综合得分、推荐率、申报情况均相同，提请党组研究决定"),
        ("未定：P1 办公室科长、P2 财务科科长", "赵强", "两个建议岗位推荐率相同，提请党组研究决定"),
    ]


@pytest.mark.parametrize("model", ["pair_model", "seat_model"])
def test_models_pass_the_model_tester(qtmodeltester, qtbot, small_store, model):
    tab, _ = make_tab(qtbot, small_store)
    qtmodeltester.check(getattr(tab, model))


def test_the_tab_redraws_only_for_what_the_results_are_computed_from(qtbot, small_store, monkeypatch):
    from app.services.store import Changed
    from app.ui.workbench import Change
    tab, bench = make_tab(qtbot, small_store)
    drawn = []
    monkeypatch.setattr(tab, "refresh", lambda: drawn.append(1))
    for flags in (Changed.PROJECTOR, Changed.SELECTION, Changed.DRAW, Changed.STAGES):
        bench.changed.emit(Change(flags))
    assert drawn == []
    bench.changed.emit(Change(Changed.BALLOTS))
    assert drawn == [1]


def test_a_store_that_cannot_be_read_keeps_the_table_and_says_why(qtbot, small_store):
    from app.services.store import Changed
    from app.ui.workbench import Change
    from tests.faults import failing_reads
    tab, bench = make_tab(qtbot, small_store)
    said = []
    bench.message.connect(lambda text, err: said.append((text, err)))
    before = table(tab.seat_model)
    with failing_reads(small_store):
        bench.changed.emit(Change(Changed.SCORES))              # another laptop's entry, the file gone
    assert said[-1] == ("“综合考评与人选”未能刷新：磁盘读写错误（文件可能已被移走或设备已断开）", True)
    assert tab.pages.currentIndex() == 0 and table(tab.seat_model) == before   # not “请补齐…”
    bench.changed.emit(Change(Changed.SCORES))                  # readable again: drawn
    assert table(tab.seat_model) == before and tab.pages.currentIndex() == 0
