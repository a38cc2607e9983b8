"""§五/§十 抽签 (SPEC §5): the fixed list, the seeded draw anyone can redo, paper slips, redraws."""

import hashlib
import json

import pytest

from tests.conftest import DATA
from app.core.roster import RosterPerson
from app.services import draws, stages
from app.services.campaign_io import import_campaign
from app.services.roster import save_person
from app.services.store import Changed, LockedError, Store, StoreError
from app.models.schema import Draw


@pytest.fixture
def store(tmp_path):
    store = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    yield store
    store.close()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_candidates_per_meeting(store):
    # small.json: 1001 正科实职 → 原任科长; 1002 副科实职 and 1003 正科虚职 → 拟竞争科长; all three declared.
    assert draws.candidates_for(store, "原任科长述职") == ["1001"]
    assert draws.candidates_for(store, "申报者述职") == ["1002", "1003"]
    assert draws.candidates_for(store, "竞岗演讲") == ["1001", "1002", "1003"]
    with pytest.raises(StoreError, match="没有“年会”这一会议"):
        draws.candidates_for(store, "年会")


def test_a_no_rotation_chief_does_not_speak(store):
    # §十 不轮岗的科长 do not speak, even with a declaration on file.
    save_person(store, RosterPerson(id="1001", name="张明", rank="正科实职", category="原任科长", no_rotation=True),
                expected_version=None)
    assert draws.candidates_for(store, "竞岗演讲") == ["1002", "1003"]
    assert draws.candidates_for(store, "原任科长述职") == ["1001"]     # still reports (述职述廉)


def test_fixed_list_digest_is_over_sorted_ids(store):
    ids, digest = draws.fix_list(store, "竞岗演讲")
    assert ids == ["1001", "1002", "1003"]
    assert digest == sha("1001,1002,1003")


def test_program_draw_by_hand(store):
    # printf '%s' '4711|竞岗演讲|1002' | sha256sum → 036c67…, the smallest of the three keys.
    assert draws.program_draw(store, "竞岗演讲", "4711").changes == Changed.DRAW
    record = draws.current_draw(store, "竞岗演讲")
    assert record.method == "program" and record.seed == "4711"
    assert record.ids == ["1002", "1001", "1003"]
    assert [e.position for e in record.order] == [1, 2, 3]
    assert record.order[0].key == sha("4711|竞岗演讲|1002") == (
        "036c673a7004480c4d07d9337c7aa2031c54ffafb85417232133f8f9b667a8de")
    assert record.list_digest == sha("1001,1002,1003")
    assert draws.verify_recorded(store, "竞岗演讲") == []
    assert draws.speaking_order(store) == ["1002", "1001", "1003"]
    assert store.verify().ok


def test_speaking_order_before_any_draw_is_roster_order(store):
    assert draws.speaking_order(store) == ["1001", "1002", "1003"]
    draws.program_draw(store, "申报者述职", "4711")               # another meeting's draw changes nothing
    assert draws.speaking_order(store) == ["1001", "1002", "1003"]


def test_redraw_needs_a_reason_and_keeps_the_old_draw(store):
    draws.program_draw(store, "竞岗演讲", "4711")
    with pytest.raises(StoreError, match="重新抽签须说明理由"):
        draws.program_draw(store, "竞岗演讲", "1234")
    with pytest.raises(StoreError, match="重新抽签须说明理由"):
        draws.program_draw(store, "竞岗演讲", "1234", reason="   ")
    assert draws.current_draw(store, "竞岗演讲").seed == "4711"
    draws.program_draw(store, "竞岗演讲", "1234", reason="监督组种子记录有误")
    history = draws.draw_history(store, "竞岗演讲")
    assert [(h.seed, h.superseded, h.reason) for h in history] == [
        ("4711", True, "监督组种子记录有误"), ("1234", False, None)]
    assert draws.current_draw(store, "竞岗演讲").seed == "1234"
    report = store.verify()
    assert report.ok, report.problems


def test_empty_seed_and_changed_list_are_refused(store):
    with pytest.raises(StoreError, match="种子为空"):
        draws.program_draw(store, "竞岗演讲", "  ")
    with pytest.raises(StoreError, match="候选名单在公布摘要后有变化"):
        draws.program_draw(store, "竞岗演讲", "4711", expected_digest=sha("1001,1002"))
    assert draws.current_draw(store, "竞岗演讲") is None


def test_paper_draw_records_slip_numbers(store):
    draws.paper_draw(store, "竞岗演讲", {"1001": 3, "1002": 1, "1003": 2})
    record = draws.current_draw(store, "竞岗演讲")
    assert record.method == "paper" and record.seed is None
    assert [(e.position, e.person) for e in record.order] == [(1, "1002"), (2, "1003"), (3, "1001")]
    assert draws.verify_recorded(store, "竞岗演讲") == []
    assert draws.speaking_order(store) == ["1002", "1003", "1001"]


@pytest.mark.parametrize("numbers, why", [
    ({"1001": 1, "1002": 1, "1003": 2}, "纸签号 1 重复"),
    ({"1001": 1, "1002": 2, "1003": 4}, "纸签号须为 1–3 的整数"),
    ({"1001": 1, "1002": 2}, "缺少纸签号：1003"),
    ({"1001": 1, "1002": 2, "1003": 3, "9999": 4}, "不是本次抽签的人员：9999"),
])
def test_paper_numbers_must_be_a_permutation(store, numbers, why):
    with pytest.raises(StoreError, match=why):
        draws.paper_draw(store, "竞岗演讲", numbers)
    assert draws.draw_history(store, "竞岗演讲") == []


def test_paper_redraw_follows_the_same_rule(store):
    draws.paper_draw(store, "原任科长述职", {"1001": 1})
    with pytest.raises(StoreError, match="须说明理由"):
        draws.paper_draw(store, "原任科长述职", {"1001": 1})
    draws.paper_draw(store, "原任科长述职", {"1001": 1}, reason="补录")
    assert [h.superseded for h in draws.draw_history(store, "原任科长述职")] == [True, False]


def test_tampered_record_fails_the_check(store):
    draws.program_draw(store, "竞岗演讲", "4711")
    with store.write("test tamper") as s:
        row = s.get(Draw, 1)
        order = json.loads(row.order)
        order[0][1], order[1][1] = order[1][1], order[0][1]
        row.order = json.dumps(order)
    problems = draws.verify_recorded(store, "竞岗演讲")
    assert problems and "第1位" in problems[0]


def test_check_notes_a_candidate_added_after_the_draw(store):
    draws.paper_draw(store, "申报者述职", {"1002": 1, "1003": 2})
    save_person(store, RosterPerson(id="1004", name="赵强", rank="副科虚职", category="拟竞争科长"))
    assert draws.verify_recorded(store, "申报者述职") == ["抽签后新增的候选人未参加抽签：1004"]


def test_locked_draw_stage_refuses(store):
    stages.advance(store, "draw", "jd2026")
    stages.advance(store, "draw", "jd2026")
    with pytest.raises(LockedError, match="抽签”已锁定"):
        draws.program_draw(store, "竞岗演讲", "4711")
    with pytest.raises(StoreError, match="尚未抽签"):
        draws.verify_recorded(store, "竞岗演讲")
