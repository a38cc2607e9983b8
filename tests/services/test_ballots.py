"""唱票: a ballot at a time updates the counts; undo discards, never deletes (issue 3/4)."""

import json

import pytest

from tests.conftest import DATA
from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.services.ballots import list_ballots, save_ballot, undo_last_ballot
from app.services.campaign_io import compute_results, export_campaign, import_campaign
from app.services.recommendation import set_count, set_presence
from app.services.store import Store, StoreError


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
    s1, _ = save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    s2, _ = save_ballot(store, "leaders", {"1001": Mark(SUGGEST, "P2")})
    assert (s1, s2) == (1, 2)
    assert undo_last_ballot(store)[0] == 2
    assert [b.serial for b in list_ballots(store)] == [1]
    assert [(b.serial, b.status) for b in list_ballots(store, include_discarded=True)] == [(1, "valid"), (2, "discarded")]
    assert save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})[0] == 3     # serials never reused
    assert store.verify().ok


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
    undo_last_ballot(store)
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    exported = export_campaign(store)
    other = Store.create(tmp_path / "d.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(other, json.loads(json.dumps(exported)))
    assert export_campaign(other) == exported
