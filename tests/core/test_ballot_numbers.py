"""定岗推荐票 accounting (SPEC §10): numbers, keyed numbers, reconciliation, the 确认单's list digest."""

import hashlib
import random
import shutil
import subprocess

import pytest

from app.core.ballot_numbers import (BallotCandidate, BallotNumberError, GroupAccount, MAX_PER_MEETING,
                                     ballot_number_refusal, candidate_list_digest, candidate_list_text,
                                     draw_ballot_numbers, print_order, reconcile)

PRINTED = {"leaders": 7, "staff": 45, "unit_heads": 10, "county_chiefs": 12}


# -- drawing numbers ----------------------------------------------------------------------------

def test_numbers_are_six_digits_unique_within_the_meeting_and_per_group():
    taken = {"123456", "654321"}
    drawn = draw_ballot_numbers(PRINTED, taken, random.Random(7))
    assert {g: len(ns) for g, ns in drawn.items()} == PRINTED
    every = [n for ns in drawn.values() for n in ns]
    assert len(set(every)) == 7 + 45 + 10 + 12 and not set(every) & taken
    assert all(len(n) == 6 and n.isascii() and n.isdigit() and n[0] != "0" for n in every)
    assert all(list(ns) == sorted(ns) for ns in drawn.values())     # a set is kept, not the order drawn


def test_numbers_are_not_sequential_and_differ_from_draw_to_draw():
    # The default source is the operating system's (secrets); two meetings never get the same numbers.
    first, second = draw_ballot_numbers({"staff": 50}), draw_ballot_numbers({"staff": 50})
    assert first != second
    values = [int(n) for n in first["staff"]]
    assert max(b - a for a, b in zip(values, values[1:])) > 1


def test_too_many_ballots_are_refused():
    with pytest.raises(BallotNumberError, match="最多印制"):
        draw_ballot_numbers({"staff": MAX_PER_MEETING + 1})


def test_print_order_is_group_by_group_and_shuffled_within_each():
    drawn = draw_ballot_numbers(PRINTED, rng=random.Random(1))
    order = print_order(drawn, random.Random(2))
    groups = [g for g, _ in order]
    assert groups == ["leaders"] * 7 + ["staff"] * 45 + ["unit_heads"] * 10 + ["county_chiefs"] * 12
    staff = [n for g, n in order if g == "staff"]
    assert sorted(staff) == list(drawn["staff"]) and staff != list(drawn["staff"])


# -- a keyed number -----------------------------------------------------------------------------

NUMBERS = {"leaders": {"483920", "105733"}, "staff": {"771204", "290415"}}


@pytest.mark.parametrize("typed", ["771204", "７７１２０４", " 771204\r\n"])
def test_a_printed_number_not_yet_entered_is_accepted(typed):
    assert ballot_number_refusal(typed, "staff", NUMBERS, {"290415"}) is None


@pytest.mark.parametrize("typed, entered, refusal", [
    ("77120", set(), "“77120” 不是票号：票号是 6 位数字"),
    ("77120a", set(), "“77120a” 不是票号：票号是 6 位数字"),
    ("483920", set(), "票号 483920 是局领导的选票，不是其他行政的"),
    ("999999", set(), "票号 999999 不是本次会议为其他行政印制的票号"),
    ("７７１２０４", {"771204"}, "票号 771204 已录入，不能重复录入"),
])
def test_a_wrong_number_is_refused_naming_it(typed, entered, refusal):
    assert ballot_number_refusal(typed, "staff", NUMBERS, entered) == refusal


# -- reconciliation -----------------------------------------------------------------------------

def staff(returned=4, entered=("100001", "100002", "100003", "100004"), **kw):
    return GroupAccount("staff", present=kw.pop("present", 40), printed=kw.pop("printed", 42),
                        issued=kw.pop("issued", 40), returned=returned, entered=entered, **kw)


def test_every_returned_ballot_entered_once_is_reconciled():
    result = reconcile([staff()])
    assert result.reconciled and result.findings == ()


def test_one_paper_missing_is_not_reconciled():
    result = reconcile([staff(entered=("100001", "100002", "100003"))])
    assert not result.reconciled
    assert result.findings == ("其他行政：收回 4 张，已录入 3 张，缺 1 张",)
    assert reconcile([staff(returned=3)]).findings == ("其他行政：收回 3 张，已录入 4 张，多 1 张",)


def test_one_number_entered_twice_is_not_reconciled():
    result = reconcile([staff(entered=("100001", "100002", "100002", "100004"))])
    assert not result.reconciled
    assert result.findings == ("其他行政：票号 100002 录入了 2 次",)


def test_the_totals_must_go_down_from_printed_to_returned_and_stay_within_those_present():
    result = reconcile([staff(returned=41, entered=(), printed=40, issued=42, present=40)])
    assert result.findings == ("其他行政：发出 42 张，多于印制 40 张", "其他行政：收回 41 张，多于到会 40 人",
                               "其他行政：收回 41 张，已录入 0 张，缺 41 张")
    assert reconcile([staff(issued=3)]).findings == ("其他行政：收回 4 张，多于发出 3 张",)


def test_a_number_in_two_groups_or_not_printed_for_the_group_is_a_finding():
    leaders = GroupAccount("leaders", present=5, printed=5, issued=5, returned=1, entered=("100001",))
    result = reconcile([staff(printed_numbers={"100001", "100002", "100003"}), leaders])
    assert result.findings == ("局领导：票号 100001 在其他组也录入了", "其他行政：票号 100001 在其他组也录入了",
                               "其他行政：票号 100004 不是为本组印制的票号")


def test_a_group_entered_as_totals_only_is_checked_on_its_totals_and_named():
    totals = GroupAccount("county_chiefs", present=10, printed=10, issued=10, returned=10, counts_only=True)
    result = reconcile([staff(), totals])
    assert result.reconciled and result.counts_only == ("county_chiefs",)


# -- the candidate–post list of the 开票前确认单 ----------------------------------------------------

LIST = [BallotCandidate("1001", "张明", (("P1", "办公室科长"), ("P2", "财务科科长"))),
        BallotCandidate("1003", "王芳", (("P2", "财务科科长"),))]


def test_the_canonical_text_is_one_plain_line_per_candidate():
    assert candidate_list_text(LIST) == "1|1001|张明|P1:办公室科长,P2:财务科科长\n2|1003|王芳|P2:财务科科长\n"


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs the sha256sum command")
def test_the_digest_recomputed_with_sha256sum():
    proc = subprocess.run(["sh", "-c", "printf '1|1001|张明|P1:办公室科长,P2:财务科科长\\n2|1003|王芳|P2:财务科科长\\n'"
                                       " | sha256sum"], capture_output=True, check=True)
    assert candidate_list_digest(LIST) == proc.stdout.decode("ascii").split()[0]
    assert candidate_list_digest(LIST) == hashlib.sha256(candidate_list_text(LIST).encode("utf-8")).hexdigest()


def test_the_order_on_the_ballot_changes_the_digest():
    assert candidate_list_digest(LIST) != candidate_list_digest(LIST[::-1])


@pytest.mark.parametrize("name", ["张|明", "张明,", "", " 张明"])
def test_a_name_that_cannot_be_written_plainly_is_refused(name):
    with pytest.raises(BallotNumberError, match="无法写成确认单的摘要文本"):
        candidate_list_text([BallotCandidate("1001", name, ())])
