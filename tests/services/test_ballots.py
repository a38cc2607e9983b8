"""唱票: a ballot at a time updates the counts; undo discards, never deletes (issue 3/4)."""

import json

import pytest

from tests.conftest import DATA
from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.services.ballots import discard_ballot, last_ballot, list_ballots, save_ballot, undo_last_ballot
from app.services.campaign_io import compute_results, export_campaign, import_campaign
from app.services.recommendation import set_count, set_presence
from app.services.store import ConflictError, Store, StoreError


@pytest.fixture
def store(tmp_path):
    store = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["recommendation"]["counts"] = [c | {"leaders": 0} for c in doc["recommendation"]["counts"]]
    import_campaign(store, doc)
    return store


def pair(results, person, post):
    return next(p for p in results.pairs if p.person == person and p.post == post)


def test_ballots_replace_typed_counts_for_their_group(store):
    # 5 leaders present; leaders' counts are now taken from paper ballots.
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)})
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(INVALID), "1003": Mark(AGREE, "P2")})
    _, results = compute_results(store)
    assert pair(results, "1001", "P1").recommendation.recommended == 2 + 30 + 6 + 8
    assert pair(results, "1002", "P3").recommendation.recommended == 1 + 10 + 2 + 3
    with pytest.raises(StoreError, match="已逐票唱票"):
        set_count(store, "1001", "P1", "leaders", 3)


def test_undo_discards_the_last_ballot_and_keeps_it(store):
    first = save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")}).result
    second = save_ballot(store, "leaders", {"1001": Mark(SUGGEST, "P2")}).result
    assert [(b.serial, b.number) for b in (first, second)] == [(1, 1), (2, 2)]
    wrote = undo_last_ballot(store, "leaders", expected_serial=2)
    assert (wrote.result.serial, wrote.label) == (2, "撤销 局领导第 2 张选票（序号 2）")
    assert [b.serial for b in list_ballots(store)] == [1]
    assert [(b.serial, b.status) for b in list_ballots(store, include_discarded=True)] == [(1, "valid"), (2, "discarded")]
    third = save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")}).result
    assert (third.serial, third.number) == (3, 2)          # serials never reused; the 2nd valid ballot of 局领导
    assert store.verify().ok


def test_the_number_within_the_group_is_what_the_panel_counts(store):
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    set_presence(store, "staff", 41)
    with pytest.raises(StoreError, match="已按“计数”方式录入"):       # 其他行政 was typed as counts
        save_ballot(store, "staff", {})
    assert save_ballot(store, "leaders", {}).result.number == 2
    assert last_ballot(store, "leaders").number == 2 and last_ballot(store, "staff") is None


def test_undo_names_the_ballot_and_refuses_when_a_later_one_was_saved(store):
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})         # ballot 2, after the clerk's dialog named 1
    with pytest.raises(ConflictError, match="王敏 于 .* 又录入了局领导第 2 张选票（序号 2）"):
        undo_last_ballot(store, "leaders", expected_serial=1)
    assert [b.status for b in list_ballots(store, include_discarded=True)] == ["valid", "valid"]
    undo_last_ballot(store, "leaders", expected_serial=2)
    with pytest.raises(ConflictError, match="局领导第 2 张选票（序号 2，已作废） 已被 王敏 于 .* 撤销"):
        undo_last_ballot(store, "leaders", expected_serial=2)    # taken back already (the other laptop)
    assert [b.status for b in list_ballots(store, include_discarded=True)] == ["valid", "discarded"]


def test_a_ballot_is_discarded_only_as_it_was_seen(store):
    wrote = save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    with pytest.raises(StoreError, match="须填写理由"):
        discard_ballot(store, 1, expected_version=wrote.version, reason=" ")
    with pytest.raises(ConflictError, match="已被 王敏"):
        discard_ballot(store, 1, expected_version=wrote.version + 1, reason="监督组认定")
    assert discard_ballot(store, 1, expected_version=wrote.version, reason="监督组认定").value == "discarded"
    assert list_ballots(store) == []


def test_wrong_marks_and_too_many_ballots_are_refused(store):
    with pytest.raises(StoreError, match="此票对该人无效"):
        save_ballot(store, "leaders", {"1001": Mark(SUGGEST, "P1")})
    with pytest.raises(StoreError, match="不是竞岗人员"):
        save_ballot(store, "leaders", {"9999": Mark(AGREE, "P1")})
    with pytest.raises(StoreError, match="已按“计数”方式录入"):
        save_ballot(store, "staff", {"1001": Mark(AGREE, "P1")})
    for _ in range(5):
        save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    with pytest.raises(StoreError, match="等于到会人数 5"):
        save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})


def test_ballots_survive_export_and_import(store, tmp_path):
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3")})
    undo_last_ballot(store, "leaders", expected_serial=1)
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    exported = export_campaign(store)
    other = Store.create(tmp_path / "d.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(other, json.loads(json.dumps(exported)))
    assert export_campaign(other) == exported
