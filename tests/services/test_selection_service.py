"""§十五/§十六 two-way selection stored as facts and replayed through the core."""

import json
import sqlite3

import pytest

from tests.conftest import DATA
from app.core import selection as core
from app.core.roster import RosterPerson
from app.services import selection, stages
from app.services.campaign_io import import_campaign
from app.services.roster import save_person, save_post
from app.services.scores import set_double_entry
from app.services.store import Changed, Store, StoreError


def _rows(tmp_path, table):
    with sqlite3.connect(tmp_path / "c.db") as db:
        return db.execute(f"select * from {table}").fetchall()


from tests.selection_setup import make_store  # noqa: E402  (shared set-up)


def test_refused_until_the_chiefs_are_published(tmp_path):
    store = make_store(tmp_path, publish=False)
    with pytest.raises(StoreError, match="科长人选尚未公布"):
        selection.set_choice(store, "2001", "staff", ["P1"])
    assert _rows(tmp_path, "selection_choices") == []


def test_state_has_offices_of_placed_chiefs_and_the_right_kinds(tmp_path):
    store = make_store(tmp_path)
    state = selection.load_state(store)
    assert [(o.name, o.headcount) for o in state.offices] == [("P1", 1), ("P2", 2)]   # P3 has no 科长
    kinds = {p.id: (p.kind, p.former_office) for p in state.persons}
    # 1001/1003 are the 科长; 1002 (拟竞争科长, not placed) needs a 科室: a 科员 of the rounds (§一(三)).
    assert kinds == {"1002": ("staff", None), "2001": ("staff", "P1"), "2002": ("staff", "P2"),
                     "2003": ("staff", None), "3001": ("business", "P2")}


def test_choice_is_validated(tmp_path):
    store = make_store(tmp_path)
    with pytest.raises(StoreError, match="申报的科室重复"):
        selection.set_choice(store, "2001", "staff", ["P1", "P1"])
    with pytest.raises(StoreError, match="P3 不存在或尚无科长"):
        selection.set_choice(store, "2001", "staff", ["P3"])
    with pytest.raises(StoreError, match="是事业人员，不能申报科员定岗"):
        selection.set_choice(store, "3001", "staff", ["P2"])
    with pytest.raises(StoreError, match="已确定为科长"):
        selection.set_choice(store, "1001", "staff", ["P2"])
    assert _rows(tmp_path, "selection_choices") == []
    assert selection.set_choice(store, "2001", "staff", ["P1", "P2"]).changes == Changed.SELECTION
    assert selection.load_state(store).person("2001").declared == ("P1", "P2")


def test_pick_is_stored_and_replayed(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2001", "staff", ["P1"])
    selection.set_choice(store, "2003", "staff", ["P2"])
    selection.pick(store, 1, "P1", "2001")
    selection.pick(store, 1, "P2", "2003")
    state = selection.load_state(store)
    assert {(s.office, s.person, s.how) for s in state.placements} == {("P1", "2001", "keep"), ("P2", "2003", "pick")}
    assert sorted((r[0], r[1], r[2], r[3], r[4]) for r in _rows(tmp_path, "selection_picks")) \
        == [("staff", 1, "P1", "keep", "2001"), ("staff", 1, "P2", "pick", "2003")]
    assert store.verify().ok


def test_refused_pick_stores_nothing(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2001", "staff", ["P1"])
    with pytest.raises(StoreError, match="2003 未申报 P1：" + core.RULE_15_3):
        selection.pick(store, 1, "P1", "2003")
    with pytest.raises(StoreError, match=core.RULE_PHASE_16):
        selection.pick(store, 1, "P2", "3001")
    assert _rows(tmp_path, "selection_picks") == []
    assert store.verify().ok


def test_headcount_refusal_and_round_closing(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2001", "staff", ["P1"])
    selection.set_choice(store, "2003", "staff", ["P1", "P2"])
    selection.pick(store, 1, "P1", "2001")
    with pytest.raises(StoreError, match="本轮已选择 2001"):
        selection.pick(store, 1, "P1", "2003")
    with pytest.raises(StoreError, match="尚未选择或放弃：P2"):
        selection.close_round(store)
    selection.pass_(store, 1, "P2")
    selection.close_round(store)
    assert selection.load_state(store).round_no == 2
    with pytest.raises(StoreError, match=core.RULE_HEADCOUNT):
        selection.pick(store, 2, "P1", "2003")            # P1 核定 1, already holds 2001
    with pytest.raises(StoreError, match=core.RULE_ROUND):
        selection.pick(store, 1, "P2", "2003")
    selection.pick(store, 2, "P2", "2003")
    assert len(_rows(tmp_path, "selection_picks")) == 3
    assert store.verify().ok


def test_choices_frozen_once_the_phase_started(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2001", "staff", ["P1"])
    selection.pick(store, 1, "P1", "2001")
    with pytest.raises(StoreError, match="科员定岗已开始"):
        selection.set_choice(store, "2003", "staff", ["P1"])


def test_full_run_signatures_and_outcome(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2001", "staff", ["P1"])
    selection.set_choice(store, "3001", "business", ["P2"])
    selection.pick(store, 1, "P1", "2001")
    selection.pass_(store, 1, "P2")
    selection.sign(store, "staff", 1, "P1", "chief")
    selection.sign(store, "staff", 1, "P1", "person")
    with pytest.raises(StoreError, match="已签字"):
        selection.sign(store, "staff", 1, "P1", "person")
    with pytest.raises(StoreError, match="无被选人员签字"):
        selection.sign(store, "staff", 1, "P2", "person")
    with pytest.raises(StoreError, match="科员定岗尚未结束"):
        selection.outcome(store)
    with pytest.raises(StoreError, match="须先结束本轮"):
        selection.end_staff_phase(store)
    selection.close_round(store)
    selection.end_staff_phase(store)
    state = selection.load_state(store)
    assert (state.phase, state.round_no) == ("business", 1)
    # P2 kept no 行政 staff and 3001 (former 财务科, declared it) is free: P2 may not pass.
    with pytest.raises(StoreError, match=core.RULE_MUST_16):
        selection.pass_(store, 1, "P2")
    selection.pick(store, 1, "P2", "3001")
    selection.close_round(store)           # P1 is full: it need not act
    out = selection.outcome(store)
    assert [(p.office, p.person, p.how) for p in out.placements] == [("P1", "2001", "keep"), ("P2", "3001", "keep")]
    assert "2002" in out.to_leaders and "2003" in out.to_leaders
    assert out.short == (("P2", 1),) and out.unmet == ()
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("select chief_signed, person_signed from selection_picks where post_id='P1'").fetchone() == (1, 1)
    assert store.verify().ok


def test_withdraw_then_pick_again(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2003", "staff", ["P1", "P2"])
    selection.pick(store, 1, "P1", "2003")
    with pytest.raises(StoreError, match="撤回须填写理由"):
        selection.withdraw(store, "staff", 1, "P1", reason=" ")
    assert selection.withdraw(store, "staff", 1, "P1", reason="录错").changes == Changed.SELECTION
    assert _rows(tmp_path, "selection_picks") == []
    assert selection.load_state(store).placement_of("2003") is None
    selection.pick(store, 1, "P2", "2003")
    assert selection.load_state(store).placement_of("2003").office == "P2"
    with sqlite3.connect(tmp_path / "c.db") as db:   # the withdrawn row stays in the audit log
        assert db.execute("select reason from audit_log where action='delete' "
                          "and entity like 'selection_picks:%'").fetchall() == [("录错",)]
    assert store.verify().ok


def test_withdraw_of_a_closed_round_is_refused(tmp_path):
    store = make_store(tmp_path)
    selection.pass_(store, 1, "P1")
    selection.pass_(store, 1, "P2")
    selection.close_round(store)
    with pytest.raises(StoreError, match="该轮已结束，不能撤回"):
        selection.withdraw(store, "staff", 1, "P1", reason="录错")
    assert len(_rows(tmp_path, "selection_picks")) == 2


def test_place_by_leaders_at_an_office(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "3001", "business", ["P2"])
    assert selection.place_by_leaders(store, "2003", "P2", note="领导组会议").changes == Changed.SELECTION
    state = selection.load_state(store)
    p = state.person("2003")
    assert p.declined and state.placement_of("2003").office == "P2"
    assert state.placement_of("2003").how == core.HOW_LEADERS
    free = [x.id for x in state.persons if state.placement_of(x.id) is None and not x.declined]
    assert "2003" not in free
    with pytest.raises(StoreError, match=core.RULE_15_1):
        selection.set_choice(store, "2003", "staff", ["P1"])
    selection.pass_(store, 1, "P1")
    selection.pass_(store, 1, "P2")
    selection.close_round(store)
    selection.end_staff_phase(store)
    selection.pick(store, 1, "P2", "3001")
    selection.pass_(store, 1, "P1")
    selection.close_round(store)
    out = selection.outcome(store)
    assert out.office_of("2003") == "P2" and "2003" not in out.to_leaders
    assert store.verify().ok


def test_place_by_leaders_without_office_goes_to_the_leaders_list(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "3001", "business", ["P2"])
    selection.place_by_leaders(store, "2003", None)
    selection.place_by_leaders(store, "2002", "P1")
    selection.clear_leaders_placement(store, "2002", reason="改由本人参加")
    assert not selection.load_state(store).person("2002").declined
    selection.pass_(store, 1, "P1")
    selection.pass_(store, 1, "P2")
    selection.close_round(store)
    selection.end_staff_phase(store)
    selection.pick(store, 1, "P2", "3001")
    selection.pass_(store, 1, "P1")
    selection.close_round(store)
    out = selection.outcome(store)
    assert "2003" in out.to_leaders and out.office_of("2003") is None
    assert store.verify().ok


def test_place_by_leaders_refused_once_the_staff_phase_started(tmp_path):
    store = make_store(tmp_path)
    with pytest.raises(StoreError, match="P3 不存在或尚无科长"):
        selection.place_by_leaders(store, "2003", "P3")
    selection.pass_(store, 1, "P1")
    with pytest.raises(StoreError, match="科员定岗已开始.*第十五条（一）"):
        selection.place_by_leaders(store, "2003", "P2")
    with pytest.raises(StoreError, match="科员定岗已开始"):
        selection.clear_leaders_placement(store, "2003", reason="x")
    assert _rows(tmp_path, "selection_placements") == []


def test_unplaced_candidates_take_part_but_a_non_rotating_chief_does_not(tmp_path):
    store = make_store(tmp_path, publish=False)
    save_person(store, RosterPerson(id="1009", name="冯九", rank="正科实职", category="原任科长", identity="行政",
                                    no_rotation=True))
    save_person(store, RosterPerson(id="1010", name="陈十", rank="正科实职", category="原任科长", identity="行政"))
    save_person(store, RosterPerson(id="4001", name="褚十一", rank="科员", category="行政一般", identity="聘用"))
    stages.publish_through(store, "assignment", "jd2026")
    kinds = {p.id: p.kind for p in selection.load_state(store).persons}
    assert kinds["1010"] == "staff"         # an incumbent who did not become 科长 again needs a 科室
    assert "1009" not in kinds              # 不轮岗 科长 keeps the post
    assert "4001" not in kinds              # 聘用: not in the rounds
    assert "1001" not in kinds and "1003" not in kinds   # placed 科长


def test_chiefs_are_computed_once_until_other_data_change(tmp_path, monkeypatch):
    """A pick must not recompute the campaign (0.2 s on 300 people); any other change must."""
    from app.services import selection as svc
    store = make_store(tmp_path)
    calls = []
    real = svc.compute_results
    monkeypatch.setattr(svc, "compute_results", lambda st: calls.append(1) or real(st))
    assert selection.chiefs(store) == {"P1": "1001", "P2": "1003"}
    selection.set_choice(store, "2001", "staff", ["P1"])
    selection.pick(store, 1, "P1", "2001")
    selection.load_state(store)
    assert len(calls) == 1                         # the selection's own writes keep the cached 科长
    set_double_entry(store, True)                  # (the roster is published with the 科长: frozen)
    assert selection.chiefs(store) == {"P1": "1001", "P2": "1003"}
    assert len(calls) == 2                         # any other change: computed again
