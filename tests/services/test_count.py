"""A 定岗推荐 count the 监督组 can reconcile and seal (SPEC §10): numbers printed per group, ballots
entered by number, 作废, the accounting, the 开票前确认单's seal, reconciliation before confirmation.

small.json, 局领导 by paper ballots: 5 present; 7 ballots printed (2 spare), 5 issued.
"""

import json
import re

import pytest

from tests.ballot_setup import PASSWORD, ballot_doc, numbered
from app.core.ballots import AGREE, BLANK, SUGGEST, Mark
from app.models.schema import AuditLog
from app.services import ballot_numbers, count, stages
from app.services.ballot_checks import set_paper_count
from app.services.ballots import counted, list_ballots, save_ballot, undo_last_ballot
from app.services.campaign_io import compute_results, export_campaign, import_campaign
from app.services.store import ConflictError, LockedError, Store, StoreError
from app.services.verify import verify_store

PAPER = {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)}


@pytest.fixture
def store(store_target, create_store):
    """A fresh campaign on SQLite and on PostgreSQL (when JINGGANG_TEST_PG_URL is set)."""
    return create_store(store_target)


def leaders(store, **kw):
    return numbered(store, {"leaders": 7}, issued={"leaders": 5}, **kw)["leaders"]


# -- printing ------------------------------------------------------------------------------------

def test_numbers_are_drawn_at_the_first_print_and_a_reprint_reuses_the_set(store):
    import_campaign(store, ballot_doc("leaders", "staff"))
    first = ballot_numbers.print_run(store, {"leaders": 7, "staff": 45}).result
    assert first.drawn == ("leaders", "staff") and first.reprinted == ()
    assert [g for g, _ in first.ballots] == ["leaders"] * 7 + ["staff"] * 45        # group by group
    assert ballot_numbers.printed_counts(store) == {"leaders": 7, "staff": 45, "unit_heads": 0, "county_chiefs": 0}
    again = ballot_numbers.print_run(store, {"leaders": None}).result            # a reprint: the stored set
    assert again.drawn == () and again.reprinted == ("leaders", "staff")
    assert sorted(n for g, n in again.ballots if g == "leaders") == sorted(n for g, n in first.ballots if g == "leaders")
    only = ballot_numbers.print_run(store, {"leaders": 0}).result                # staff only
    assert {g for g, _ in only.ballots} == {"staff"}
    with pytest.raises(StoreError, match="局领导已印制 7 张选票（票号已保存），重印只能按原票号印 7 张"):
        ballot_numbers.print_run(store, {"leaders": 9})


def test_renumbering_drops_the_old_set_before_the_count_opens(store):
    old = set(leaders(store, open_count=False))
    with pytest.raises(StoreError, match="须填写理由"):
        ballot_numbers.renumber_group(store, "leaders", 6, reason=" ", expected=7)
    with pytest.raises(StoreError, match="现已印制 7 张（不是您看到的 6 张）"):
        ballot_numbers.renumber_group(store, "leaders", 6, reason="打印机卡纸", expected=6)
    ballot_numbers.renumber_group(store, "leaders", 6, reason="打印机卡纸，原票全部销毁", expected=7)
    with store.read() as s:
        new = ballot_numbers.number_sets_in(s)["leaders"]
    assert len(new) == 6 and not new & old


def test_nothing_is_printed_once_the_count_is_open(store):
    leaders(store)
    with pytest.raises(StoreError, match="计票已开始"):
        ballot_numbers.print_run(store, {"leaders": None})
    with pytest.raises(StoreError, match="不能重新制票"):
        ballot_numbers.renumber_group(store, "leaders", 5, reason="x", expected=7)


# -- entering by number -----------------------------------------------------------------------------

def test_a_numbered_ballot_waits_for_the_sealed_opening(store):
    numbers = leaders(store, open_count=False)
    with pytest.raises(StoreError, match="尚未开始计票：请先打印“开票前确认单”"):
        save_ballot(store, "leaders", PAPER, ballot_no=numbers[0])


def test_unknown_repeated_or_missing_numbers_are_refused_naming_them(store):
    numbers = leaders(store)
    saved = save_ballot(store, "leaders", PAPER, ballot_no=numbers[0]).result
    assert saved.ballot_no == numbers[0] and saved.words == f"局领导票号 {numbers[0]} 的选票"
    with pytest.raises(StoreError, match=f"票号 {numbers[0]} 已录入，不能重复录入"):
        save_ballot(store, "leaders", PAPER, ballot_no=numbers[0])
    with pytest.raises(StoreError, match="请先录入（或扫描）票号"):
        save_ballot(store, "leaders", PAPER)
    stranger = next(str(n) for n in range(100000, 100100) if str(n) not in numbers)
    with pytest.raises(StoreError, match=f"票号 {stranger} 不是本次会议为局领导印制的票号"):
        ballot_numbers.check_number(store, "leaders", stranger)
    assert ballot_numbers.check_number(store, "leaders", f" {numbers[1]}\r\n") == numbers[1]   # a scanner's line end
    with pytest.raises(StoreError, match="“12345” 不是票号"):
        ballot_numbers.check_number(store, "leaders", "12345")


def test_a_void_ballot_counts_as_entered_and_recommends_nobody(store):
    numbers = leaders(store)
    save_ballot(store, "leaders", PAPER, ballot_no=numbers[0])
    void = save_ballot(store, "leaders", PAPER, ballot_no=numbers[1], void=True).result
    assert void.void and void.words == f"局领导票号 {numbers[1]} 的作废票"
    with store.read() as s:
        tally = counted(s)
    assert tally.keyed["leaders"] == 1 and tally.entered("leaders") == 2
    assert tally.counts[("1001", "P1")]["leaders"] == 1                      # the void paper recommends nobody
    a = count.accounting(store).groups["leaders"]
    assert (a.printed, a.issued, a.entered, a.valid, a.void) == (7, 5, 2, 1, 1)


def test_undo_takes_back_a_void_ballot_too(store):
    numbers = leaders(store)
    ref = save_ballot(store, "leaders", {}, ballot_no=numbers[0], void=True).result
    undo_last_ballot(store, "leaders", expected_serial=ref.serial)
    assert count.accounting(store).groups["leaders"].entered == 0
    save_ballot(store, "leaders", PAPER, ballot_no=numbers[0])              # the number is free again


# -- reconciliation --------------------------------------------------------------------------------

def enter(store, numbers, n):
    for number in numbers[:n]:
        save_ballot(store, "leaders", PAPER, ballot_no=number)


def close(store):
    return count.close_count(store, PASSWORD)


def test_confirmation_is_refused_with_one_paper_missing(store):
    # 5 returned, 4 entered: 局领导 5 − 4 = 1 missing.
    numbers = leaders(store)
    enter(store, numbers, 4)
    set_paper_count(store, "leaders", "returned", 5)
    assert count.accounting(store).groups["leaders"].missing == 1
    close(store)
    with pytest.raises(StoreError, match="局领导：收回 5 张，已录入 4 张，缺 1 张"):
        stages.advance(store, "recommendation")
    assert stages.stage_states(store)["recommendation"] == "draft"


def test_confirmation_is_refused_with_one_number_entered_twice(store, tmp_path):
    # A file whose record has number N twice (4 papers entered as 5): the record is kept as the file
    # says, and the count cannot be confirmed.
    numbers = leaders(store)
    enter(store, numbers, 4)
    doc = export_campaign(store)
    twice = dict(doc["recommendation"]["ballots"][0], serial=99)
    doc["recommendation"]["ballots"].append(twice)
    doc["recommendation"]["counts"] = [dict(c, leaders=c["leaders"] + (1 if (c["person"], c["post"]) in
                                                                          {("1001", "P1"), ("1002", "P3")} else 0))
                                       for c in doc["recommendation"]["counts"]]
    other = Store.create(tmp_path / "twice.db", title="t", unit="u", supervisor_password=PASSWORD, operator="王敏")
    import_campaign(other, doc)
    set_paper_count(other, "leaders", "returned", 5)
    findings = count.accounting(other).findings
    assert findings == (f"局领导：票号 {numbers[0]} 录入了 2 次",)
    close(other)
    with pytest.raises(StoreError, match=f"票号 {numbers[0]} 录入了 2 次"):
        stages.advance(other, "recommendation")
    other.close()


def test_reconciled_and_closed_the_count_is_confirmed(store):
    numbers = leaders(store)
    enter(store, numbers, 5)
    set_paper_count(store, "leaders", "returned", 5)
    with pytest.raises(StoreError, match="计票尚未结束"):
        stages.advance(store, "recommendation")
    close(store)
    stages.advance(store, "recommendation")
    assert stages.stage_states(store)["recommendation"] == "confirmed"


def test_the_supervisors_accept_a_stated_difference_with_a_reason(store):
    numbers = leaders(store)
    enter(store, numbers, 4)
    set_paper_count(store, "leaders", "returned", 5)
    close(store)
    findings = count.accounting(store).findings
    with pytest.raises(StoreError, match="监督组密码不正确"):
        count.accept_difference(store, "wrong", "一张票被投票人带走", findings=findings)
    with pytest.raises(ConflictError, match="差额已变动"):
        count.accept_difference(store, PASSWORD, "一张票被投票人带走", findings=("别的差额",))
    count.accept_difference(store, PASSWORD, "一张票被投票人带走", findings=findings)
    acc = count.accounting(store)
    assert acc.difference_accepted and acc.accepted.reason == "一张票被投票人带走"
    stages.advance(store, "recommendation")
    assert stages.stage_states(store)["recommendation"] == "confirmed"


def test_a_group_typed_as_counts_is_reconciled_on_its_totals_and_named(store):
    numbers = leaders(store)
    enter(store, numbers, 5)
    set_paper_count(store, "leaders", "returned", 5)
    acc = count.accounting(store)
    assert acc.reconciled
    assert [g for g, a in acc.groups.items() if a.counts_only] == ["staff", "unit_heads", "county_chiefs"]


def test_a_changed_presence_after_the_seal_is_a_finding(store):
    from app.services.recommendation import set_presence
    numbers = leaders(store)
    enter(store, numbers, 5)
    set_paper_count(store, "leaders", "returned", 5)
    set_presence(store, "leaders", 6)
    assert count.accounting(store).findings == ("局领导：到会 6，与开票前确认单（5）不符",)


# -- opening and closing -------------------------------------------------------------------------------

def test_the_opening_seals_the_sheet_as_printed(store):
    leaders(store, open_count=False)
    seen = count.opening_figures(store)
    assert seen.groups["leaders"] == {"present": 5, "printed": 7, "issued": 5}
    assert seen.list_text == "1|1001|张明|P1:办公室科长\n2|1002|李华|P1:办公室科长\n3|1003|王芳|P2:财务科科长\n"
    set_paper_count(store, "leaders", "issued", 6)                     # changed after the sheet was printed
    with pytest.raises(ConflictError, match="开票前确认单打印后数据已变动"):
        count.open_count(store, PASSWORD, digest=seen.digest)
    with pytest.raises(StoreError, match="监督组密码不正确"):
        count.open_count(store, "nope", digest=count.opening_figures(store).digest)
    count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    assert count.accounting(store).opening["groups"]["leaders"]["issued"] == 6
    with store.read() as s:
        events = [(r.entity, json.loads(r.new or "{}").get("action"))
                  for r in s.query(AuditLog).filter(AuditLog.action == "event")]
    assert ("seal-refused", "open-count") in events and ("seal", "open-count") in events


def test_a_closed_count_refuses_every_change_until_the_supervisors_reopen_it(store):
    numbers = leaders(store)
    enter(store, numbers, 4)
    close(store)
    for attempt in (lambda: save_ballot(store, "leaders", PAPER, ballot_no=numbers[4]),
                    lambda: set_paper_count(store, "leaders", "returned", 5)):
        with pytest.raises(LockedError, match="计票已结束（已封签）"):
            attempt()
    with pytest.raises(StoreError, match="须填写理由"):
        count.reopen_count(store, PASSWORD, " ")
    count.reopen_count(store, PASSWORD, "第5张票漏录")
    save_ballot(store, "leaders", PAPER, ballot_no=numbers[4])
    assert count.accounting(store).groups["leaders"].entered == 5


def test_the_export_carries_numbers_void_ballots_accounting_and_state_and_compute_ignores_them(store, tmp_path):
    numbers = leaders(store)
    enter(store, numbers, 4)
    save_ballot(store, "leaders", {}, ballot_no=numbers[4], void=True)
    set_paper_count(store, "leaders", "returned", 5)
    close(store)
    doc = export_campaign(store)
    rec = doc["recommendation"]
    assert sorted(rec["ballot_numbers"]["leaders"]) == sorted(numbers)
    assert [b.get("number") for b in rec["ballots"]] == numbers[:5]
    assert rec["ballots"][-1]["status"] == "void"
    assert rec["accounting"]["groups"]["leaders"] == {"printed": 7, "issued": 5, "returned": 5, "entered": 5,
                                                      "valid": 4, "void": 1, "counts_only": False}
    assert rec["accounting"]["state"] == "closed" and doc["settings"]["ballots_count"] == "closed"
    other = Store.create(tmp_path / "copy.db", title="t", unit="u", supervisor_password=PASSWORD, operator="王敏")
    import_campaign(other, doc)
    again = export_campaign(other)
    assert again["recommendation"]["ballots"] == rec["ballots"]
    assert again["recommendation"]["accounting"] == rec["accounting"]
    assert compute_results(other)[1] == compute_results(store)[1]
    # the copy carries the closed count without the seals of the file it came from: verify says so, and finds
    # nothing wrong (the import's transaction, before any seal of the copy)
    result = verify_store(other, password=PASSWORD)
    assert result.ok, result.findings
    assert any("计票状态“已结束”：由导入竞岗文件带入" in line for line in result.checked), result.checked
    # …but closing it again in the copy, behind the program, is still found
    from app.services._put import put
    from app.models.schema import Meta
    from app.services.ballot_numbers import COUNT_KEY
    with other.write() as s:
        put(s, Meta, {"key": COUNT_KEY}, {"value": "open"})
    assert any("没有监督组封签" in f for f in verify_store(other).findings)
    other.close()


# -- the seals (SPEC §9) -------------------------------------------------------------------------------

def test_every_step_of_the_count_is_sealed_and_verify_checks_the_seals(store):
    """Open, close, reopen, close again, accept a difference: each a seal with the 监督组's password, each
    answering with its 摘要码; verify with the password finds every seal valid and nothing else."""
    numbers = numbered(store, {"leaders": 7}, issued={"leaders": 5}, open_count=False)["leaders"]
    opened = count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    enter(store, numbers, 4)
    set_paper_count(store, "leaders", "returned", 5)
    closed = count.close_count(store, PASSWORD)
    with store.read() as s:
        assert count.count_code_in(s) == closed.value
    count.reopen_count(store, PASSWORD, "第5张票漏录？核对后仍找不到")
    again = count.close_count(store, PASSWORD)
    accepted = count.accept_difference(store, PASSWORD, "一张票被投票人带走",
                                       findings=count.accounting(store).findings)
    codes = [w.value for w in (opened, closed, again, accepted)]
    assert all(re.fullmatch(r"摘要码 [0-9A-F]{4}(-[0-9A-F]{4}){3}（第 \d+ 条）", c) for c in codes)
    with store.read() as s:
        assert count.count_code_in(s) == again.value
        actions = [json.loads(r.new)["action"] for r in s.query(AuditLog).filter(AuditLog.entity == "seal")]
    assert actions == ["open-count", "close-count", "reopen-count", "close-count", "accept-difference"]
    result = verify_store(store, password=PASSWORD)
    assert result.ok, result.findings
    assert result.seals == 5
    assert not verify_store(store, password="wrong").ok


def test_closing_the_count_behind_the_program_is_found(store, tmp_path):
    """The count's state changed with an SQL tool (and the chain recomputed would still lack the seal):
    verify names the row that moved the count without the 监督组's seal."""
    numbers = leaders(store)
    enter(store, numbers, 5)
    set_paper_count(store, "leaders", "returned", 5)
    from app.services.ballot_numbers import COUNT_KEY, CLOSED
    from app.services._put import put
    from app.models.schema import Meta
    with store.write() as s:                                  # the program's own write path, but no seal
        put(s, Meta, {"key": COUNT_KEY}, {"value": CLOSED})
    findings = verify_store(store).findings
    assert any("结束计票，没有监督组封签" in f for f in findings), findings
