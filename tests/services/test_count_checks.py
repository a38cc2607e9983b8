"""Checks of a closed count (SPEC §11): the sampling audit from the 监督组's seed, a sampled mismatch
forcing the whole group to be re-entered blind before any correction, a blind double count of a
group compared ballot by ballot by number.

small.json, 局领导 by paper ballots: 5 present, 7 printed, 5 issued, returned and entered.
"""

import io

import pytest

from tests.ballot_setup import PASSWORD, numbered
from app.cli import run_audit_sample
from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.services import count, count_checks, stages
from app.services.ballot_checks import set_paper_count
from app.services.ballots import list_ballots, save_ballot
from app.services.store import Store, StoreError

# 张明 agrees (P1), 李华 suggested P3, 王芳 blank — the paper as entered.
PAPER = {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)}
SEED = "2718"


@pytest.fixture
def store(store_target, create_store):
    """A fresh campaign on SQLite and on PostgreSQL (when JINGGANG_TEST_PG_URL is set)."""
    return create_store(store_target)


@pytest.fixture
def closed(store):
    """Five papers entered and reconciled, the count closed; the numbers in entry order."""
    numbers = numbered(store, {"leaders": 7}, issued={"leaders": 5})["leaders"][:5]
    for n in numbers:
        save_ballot(store, "leaders", PAPER, ballot_no=n)
    set_paper_count(store, "leaders", "returned", 5)
    count.close_count(store, PASSWORD)
    return numbers


def test_a_sample_needs_a_closed_count_and_a_seed(store):
    numbers = numbered(store, {"leaders": 7}, issued={"leaders": 5})["leaders"]
    save_ballot(store, "leaders", PAPER, ballot_no=numbers[0])
    with pytest.raises(StoreError, match="计票结束（监督组封签）后才能抽查"):
        count_checks.start_sample(store, SEED, {"leaders": 1})
    with pytest.raises(StoreError, match="抽查种子为空"):
        count_checks.start_sample(store, "  ", {"leaders": 1})


def test_the_suggested_size_is_the_whole_group_when_the_margin_is_small(store, closed):
    # The five papers (张明 P1, 李华 建议 P3, 王芳 空白) give 李华 → P3 5 + 10 + 2 + 3 = 20 of 63: one more
    # recommendation reaches 21 = 63/3, so the count's margin is 1 ballot (≤ 5): all 5 papers are pulled.
    assert count_checks.count_margin(store) == 1
    assert count_checks.suggested_sizes(store) == {"leaders": 5}


def test_the_sample_is_the_one_the_command_line_recomputes(store, closed):
    view = count_checks.start_sample(store, SEED, {"leaders": 3}).result
    part = view.group("leaders")
    out = io.StringIO()
    assert run_audit_sample(SEED, "定岗推荐", "局领导", closed, out=out, err=io.StringIO()) == 0
    by_cli = [line.split() for line in out.getvalue().splitlines()][:3]
    assert [[str(x.position), x.number, x.ticket] for x in part.lines] == by_cli
    with pytest.raises(StoreError, match="已抽查过"):
        count_checks.start_sample(store, "9999", {"leaders": 1})


def test_papers_keyed_again_as_entered_agree(store, closed):
    view = count_checks.start_sample(store, SEED, {"leaders": 2}).result
    first = view.group("leaders").lines[0].number
    outside = next(n for n in closed if n not in {x.number for x in view.group("leaders").lines})
    with pytest.raises(StoreError, match=f"票号 {outside} 不在局领导的抽查名单中"):
        count_checks.check_reentry_number(store, view.id, "leaders", outside)
    answer = count_checks.reenter(store, view.id, "leaders", first, PAPER).result
    assert answer.agrees and answer.differences == ()
    with pytest.raises(StoreError, match=f"票号 {first} 本次抽查已复录"):
        count_checks.reenter(store, view.id, "leaders", first, PAPER)
    assert count.accounting(store).findings == ("局领导：抽查未完成（已复录 1 / 2 张）",)


def test_a_sampled_mismatch_forces_the_whole_group_to_be_re_entered_before_any_correction(store, closed):
    view = count_checks.start_sample(store, SEED, {"leaders": 2}).result
    wrong, right = (x.number for x in view.group("leaders").lines)
    # The paper says 王芳 无效; it was entered as 空白.
    paper = PAPER | {"1003": Mark(INVALID)}
    answer = count_checks.reenter(store, view.id, "leaders", wrong, paper).result
    assert not answer.agrees
    assert answer.differences == (f"票号 {wrong}：王芳 录入为“空白”，抽查为“无效”",)
    count_checks.reenter(store, view.id, "leaders", right, PAPER)
    findings = count.accounting(store).findings
    assert findings == (f"局领导抽查：票号 {wrong}：王芳 录入为“空白”，抽查为“无效”",
                        f"局领导：抽查发现差异（票号 {wrong}），须全组盲录复核并比对后才能更正")
    with pytest.raises(StoreError, match="选票未核对一致"):
        stages.advance(store, "recommendation")

    # A correction: first the sealed reopening, then still refused until the group was re-entered.
    serial_version = {b.ballot_no: b for b in list_ballots(store)}
    count.reopen_count(store, PASSWORD, "抽查发现差异，更正")
    with pytest.raises(StoreError, match="须全组盲录复核并比对后才能更正"):
        count_checks.correct_ballot(store, wrong, paper, reason="按原票更正", expected_version=1)

    recount = count_checks.start_recount(store, "leaders", "抽查发现差异").result
    for n in closed:
        count_checks.reenter(store, recount.id, "leaders", n, paper if n == wrong else PAPER)
    assert count.accounting(store).findings == (
        f"局领导抽查：票号 {wrong}：王芳 录入为“空白”，抽查为“无效”",
        f"局领导复核：票号 {wrong}：王芳 录入为“空白”，复核为“无效”")
    assert serial_version[wrong].status == "valid"
    count_checks.correct_ballot(store, wrong, paper, reason="按原票更正（全组复核一致）", expected_version=1)
    assert count.accounting(store).findings == ()
    count.close_count(store, PASSWORD)
    stages.advance(store, "recommendation")
    assert stages.stage_states(store)["recommendation"] == "confirmed"


def test_a_double_count_of_a_group_lists_each_difference_by_number(store, closed):
    recount = count_checks.start_recount(store, "leaders", "两人各唱一遍").result
    assert recount.group("leaders").size == 5
    with pytest.raises(StoreError, match="尚未完成"):
        count_checks.start_recount(store, "leaders")
    # the second clerk: paper 2 read as 李华 同意 P1, paper 4 as 作废, paper 5 not found in the box
    for i, n in enumerate(closed[:4]):
        marks = PAPER | ({"1002": Mark(AGREE, "P1")} if i == 1 else {})
        count_checks.reenter(store, recount.id, "leaders", n, marks, void=(i == 3))
    view = count_checks.list_checks(store)[-1]
    assert not view.complete
    assert "局领导：全组复核未完成（已复录 4 / 5 张）" in count.accounting(store).findings
    done = count_checks.finish_check(store, recount.id, expected_version=view.version,
                                     reason=f"票号 {closed[4]} 的选票找不到").result
    assert done.complete
    assert done.group("leaders").differences == tuple(text for _, text in sorted([   # by number
        (closed[1], f"票号 {closed[1]}：李华 录入为“建议 P3 法规科科长”，复核为“同意 P1 办公室科长”"),
        (closed[3], f"票号 {closed[3]}：原录入为有效票，复核为作废票"),
        (closed[4], f"票号 {closed[4]}：原录入中有此票，复核未录入"),
    ]))
