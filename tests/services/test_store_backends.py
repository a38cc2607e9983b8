"""The campaign store on both backends (SQLite file, PostgreSQL URL): the same code, the same
results, and several laptops entering into one campaign without a silent lost update.

Every test runs twice through ``store_target`` (see conftest.py); the PostgreSQL run is skipped
unless ``JINGGANG_TEST_PG_URL`` is set (``.ci/run`` starts a server on loopback).
"""

from __future__ import annotations

import json
import threading
from typing import Callable

import pytest
from sqlalchemy import event, func, select

from app.core.results import results_to_json
from app.models.schema import AuditLog, RecCount
from app.services import scores
from app.services.campaign_io import compute_results, export_campaign, import_campaign
from app.services.recommendation import counts, presence, set_count, set_presence
from app.services.roster import list_posts, save_post
from app.services.store import ConflictError, Store, StoreError
from tests.conftest import DATA, on_expected_keys
from tests.services.conftest import backend

SMALL = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def laptops(store_target, create_store, make_store) -> tuple[Store, Store]:
    """The small campaign, and two laptops on it: 王敏 (who created and imported it) and 李强."""
    first = create_store(store_target, "王敏")
    import_campaign(first, json.loads(json.dumps(SMALL)))
    return first, make_store(store_target, "李强")


def log_rows(store: Store, entity: str) -> list[AuditLog]:
    with store.read() as s:
        return list(s.execute(select(AuditLog).where(AuditLog.entity == entity).order_by(AuditLog.seq)).scalars())


def log_size(store: Store) -> int:
    with store.read() as s:
        return s.execute(select(func.count()).select_from(AuditLog)).scalar_one()


def speech_value(store: Store, person: str, judge: str) -> str:
    return str(scores.speech_scores(store)[person][judge][0])


# -- same code, same results ---------------------------------------------------------------------

def test_imported_campaign_computes_the_expected_results(laptops, store_target):
    first, second = laptops
    for s in (first, second):
        _, results = compute_results(s)
        assert on_expected_keys(results_to_json(results), EXPECTED) == EXPECTED
        report = s.verify()
        assert report.ok, report.problems
        assert report.rows > 0
    assert export_campaign(first) == export_campaign(second)
    assert first.info().title == "2026年竞争轮岗" and first.info().location == store_target


def test_the_backend_is_the_one_asked_for(laptops, store_target):
    first, _ = laptops
    assert first.engine.dialect.name == backend(store_target)


def test_a_target_holds_one_campaign(laptops, store_target, create_store):
    with pytest.raises(StoreError):
        create_store(store_target, "赵六")


# -- two laptops: stale edits conflict, nothing is overwritten -----------------------------------

def test_stale_speech_score_from_the_second_laptop_conflicts(laptops):
    first, second = laptops
    v1 = scores.speech_scores(first)["1001"]["J01"][2]
    v2 = scores.speech_scores(second)["1001"]["J01"][2]
    assert v1 == v2
    scores.set_speech_score(first, "1001", "J01", "91", expected_version=v1)
    with pytest.raises(ConflictError, match="已被"):
        scores.set_speech_score(second, "1001", "J01", "92", expected_version=v2)
    assert speech_value(second, "1001", "J01") == "91"
    assert speech_value(first, "1001", "J01") == "91"
    updates = [r for r in log_rows(first, "speech_scores:1001|J01") if r.action == "update"]
    assert [(r.operator, json.loads(r.new)["value"]) for r in updates] == [("王敏", "91")]
    # After a refresh the second laptop's edit goes through, on top of the first's.
    fresh = scores.speech_scores(second)["1001"]["J01"][2]
    assert fresh == v1 + 1
    scores.set_speech_score(second, "1001", "J01", "92", expected_version=fresh)
    assert speech_value(first, "1001", "J01") == "92"
    assert first.verify().ok


def test_stale_edits_conflict_for_counts_presence_posts_and_exam_scores(laptops):
    first, second = laptops
    # 定岗推荐 count
    version = _version(first, RecCount, ("1001", "P1", "staff"))
    set_count(first, "1001", "P1", "staff", 31, expected_version=version)
    with pytest.raises(ConflictError):
        set_count(second, "1001", "P1", "staff", 29, expected_version=version)
    assert counts(second)[("1001", "P1")]["staff"] == 31
    # 岗位
    post = next(p for p in list_posts(second) if p.id == "P2")
    save_post(first, "P2", "财务审计科科长", expected_version=post.version)
    with pytest.raises(ConflictError):
        save_post(second, "P2", "财务科（审计）科长", expected_version=post.version)
    assert next(p for p in list_posts(second) if p.id == "P2").name == "财务审计科科长"
    # 考试 score
    from app.models.schema import Score
    version = _version(first, Score, ("1002", "exam"))
    scores.set_score(first, "1002", "exam", "77.5", expected_version=version)
    with pytest.raises(ConflictError):
        scores.set_score(second, "1002", "exam", "78", expected_version=version)
    # A first entry typed on both laptops (expected_version 0 = "it was empty when I looked").
    scores.save_judge(first, "J08", "评委8", "county_chiefs")
    scores.set_speech_score(first, "1003", "J08", "83", expected_version=0)
    with pytest.raises(ConflictError, match="已被"):
        scores.set_speech_score(second, "1003", "J08", "84", expected_version=0)
    assert speech_value(second, "1003", "J08") == "83"
    set_presence(second, "leaders", 6)
    assert presence(first)["leaders"] == 6
    report = first.verify()
    assert report.ok, report.problems


def _version(store: Store, model, key) -> int:
    with store.read() as s:
        return s.get(model, key).version


# -- truly concurrent writers --------------------------------------------------------------------

def interleave(second: Store, second_call: Callable[[], object], first_call: Callable[[], object],
               *, wait: float = 1.0) -> tuple[object, object]:
    """Run ``second_call`` here; when its transaction is about to write (before its flush), run
    ``first_call`` in another thread and give it ``wait`` seconds to finish, then let the second
    go on. On PostgreSQL the first commits in between (the second read before the first wrote);
    on SQLite the first waits for the second's write lock and runs after it.
    Returns the outcomes ("ok" or the exception) of (first, second)."""
    outcomes: dict[str, object] = {}

    def run(key: str, fn: Callable[[], object]) -> None:
        try:
            fn()
            outcomes[key] = "ok"
        except Exception as err:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[key] = err

    thread = threading.Thread(target=run, args=("first", first_call))

    def pause(_session, _context, _instances) -> None:
        if not thread.is_alive() and "first" not in outcomes:
            thread.start()
            thread.join(timeout=wait)

    event.listen(second._sessions, "before_flush", pause, insert=True)
    try:
        run("second", second_call)
    finally:
        event.remove(second._sessions, "before_flush", pause)
        if thread.ident is not None:
            thread.join(timeout=30)
    return outcomes.get("first"), outcomes.get("second")


def one_wins(first, second) -> tuple[str, Exception]:
    outcomes = {"first": first, "second": second}
    winners = [k for k, v in outcomes.items() if v == "ok"]
    losers = [v for v in outcomes.values() if v != "ok"]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    return winners[0], losers[0]


def test_a_change_committed_between_read_and_write_is_a_conflict(laptops):
    """Neither laptop passes expected_version: the row's version column still catches the race."""
    first, second = laptops
    a, b = interleave(second, lambda: scores.set_speech_score(second, "1002", "J03", "70", expected_version=1),
                      lambda: scores.set_speech_score(first, "1002", "J03", "71", expected_version=1))
    winner, loser = one_wins(a, b)
    assert isinstance(loser, ConflictError), repr(loser)
    assert speech_value(first, "1002", "J03") == {"first": "71", "second": "70"}[winner]
    a, b = interleave(second, lambda: scores.set_speech_score(second, "1002", "J04", "60"),
                      lambda: scores.set_speech_score(first, "1002", "J04", "61"))
    # Without expected_version a writer may replace only what it has read. Either the second read
    # the old row and gets the conflict (PostgreSQL: the first committed in between), or the
    # first ran after the second had committed and replaced the second's value (SQLite's write
    # lock): each logged change starts from the value the one before it left. Never a silent loss.
    assert a == "ok", repr(a)
    assert b == "ok" or isinstance(b, ConflictError), repr(b)
    assert speech_value(first, "1002", "J04") == "61"
    chain = log_rows(first, "speech_scores:1002|J04")
    assert [json.loads(r.new)["value"] for r in chain][-1] == "61"
    for before, after in zip(chain, chain[1:]):
        assert json.loads(after.old)["value"] == json.loads(before.new)["value"]
    assert first.verify().ok


def test_the_same_new_cell_typed_on_two_laptops_at_once(laptops):
    first, second = laptops
    scores.save_judge(first, "J08", "评委8", "leaders")
    a, b = interleave(second, lambda: scores.set_speech_score(second, "1001", "J08", "80", expected_version=0),
                      lambda: scores.set_speech_score(first, "1001", "J08", "81", expected_version=0))
    winner, loser = one_wins(a, b)
    assert isinstance(loser, ConflictError), repr(loser)
    assert speech_value(first, "1001", "J08") == {"first": "81", "second": "80"}[winner]
    assert first.verify().ok


def test_two_laptops_cannot_together_exceed_the_voters_present(laptops):
    """§十一: one ballot recommends a candidate for one post only, so a person's counts in a group
    may not add up to more than the voters present — also when two laptops type at once."""
    first, second = laptops
    # staff: 40 present, 1001 → P1 already has 30: either 8 more fits, both together do not.
    a, b = interleave(second, lambda: set_count(second, "1001", "P3", "staff", 8),
                      lambda: set_count(first, "1001", "P2", "staff", 8))
    _, loser = one_wins(a, b)
    assert isinstance(loser, StoreError) and "超过到会人数" in str(loser), repr(loser)
    total = sum(c.get("staff", 0) for (person, _), c in counts(first).items() if person == "1001")
    assert total == 38


def test_racing_writers_on_one_row_serialise_the_audit_chain(laptops):
    """Two threads hammer the same cell without expected_version; a writer that gets a conflict
    refreshes and types again (as the clerk would). Every save is in the log, in order, and the
    chain verifies."""
    first, second = laptops
    rounds = 12
    saved: list[tuple[str, str]] = []
    conflicts = {"王敏": 0, "李强": 0}
    lock = threading.Lock()

    def clerk(store: Store, base: int) -> None:
        for r in range(rounds):
            value = str(base + r)
            barrier.wait(timeout=30)
            for _attempt in range(50):
                try:
                    scores.set_speech_score(store, "1003", "J05", value)
                    break
                except ConflictError:
                    with lock:
                        conflicts[store.operator] += 1
            else:  # pragma: no cover
                raise AssertionError("never saved")
            with lock:
                saved.append((store.operator, value))

    barrier = threading.Barrier(2)
    before = log_size(first)
    errors: list[BaseException] = []

    def guarded(store: Store, base: int) -> None:
        try:
            clerk(store, base)
        except BaseException as err:  # noqa: BLE001
            errors.append(err)
            barrier.abort()

    threads = [threading.Thread(target=guarded, args=(first, 20)), threading.Thread(target=guarded, args=(second, 50))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(saved) == 2 * rounds
    rows = [r for r in log_rows(first, "speech_scores:1003|J05") if r.seq > before]
    logged = [(r.operator, json.loads(r.new)["value"]) for r in rows if r.action == "update"]
    assert sorted(logged) == sorted(saved)          # both laptops' changes, each once
    assert speech_value(first, "1003", "J05") == logged[-1][1]
    assert log_size(first) == before + len(rows)
    report = second.verify()
    assert report.ok, report.problems


def test_concurrent_writers_on_different_rows_never_fork_the_chain(store_target, create_store, make_store):
    first = create_store(store_target, "王敏")
    import_campaign(first, json.loads(json.dumps(SMALL)))
    clerks = [first] + [make_store(store_target, name) for name in ("李强", "张伟", "刘洋")]
    cells = [("1001", "J01"), ("1002", "J02"), ("1003", "J03"), ("1001", "J04")]
    writes = 15
    before = log_size(first)
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(clerks))

    def clerk(store: Store, cell: tuple[str, str]) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(writes):
                scores.set_speech_score(store, *cell, str(60 + n))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=clerk, args=(s, c)) for s, c in zip(clerks, cells)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with first.read() as s:
        new = list(s.execute(select(AuditLog).where(AuditLog.seq > before).order_by(AuditLog.seq)).scalars())
    assert [r.seq for r in new] == list(range(before + 1, before + 1 + len(clerks) * writes))
    for store, (person, judge) in zip(clerks, cells):
        mine = [r for r in new if r.entity == f"speech_scores:{person}|{judge}"]
        assert {r.operator for r in mine} == {store.operator}
        assert [json.loads(r.new)["value"] for r in mine] == [str(60 + n) for n in range(writes)]
        assert speech_value(first, person, judge) == str(60 + writes - 1)
    report = first.verify()
    assert report.ok, report.problems
