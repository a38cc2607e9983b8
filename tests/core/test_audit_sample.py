"""抽查 — the sampling audit anyone can recompute (SPEC §11)."""

import hashlib
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from app.cli import run_audit_sample
from app.core.audit_sample import AuditError, audit_order, audit_ticket, suggested_sample_size

ROOT = Path(__file__).resolve().parents[2]
NUMBERS = ["483920", "105733", "771204", "290415", "658031", "912377", "340086"]


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_ticket_is_sha256_of_seed_meeting_group_number():
    assert audit_ticket("2718", "定岗推荐", "局领导", "483920") == sha("2718|定岗推荐|局领导|483920")


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs the sha256sum command")
def test_the_sample_recomputed_with_sha256sum_exactly_as_the_spec_writes_it():
    # SPEC §11: ticket = sha256(seed + "|" + meeting + "|" + group + "|" + number), lowercase hex, UTF-8;
    # the sample is the ballots with the smallest tickets. By hand, one printf … | sha256sum per ballot, then sort.
    by_hand = []
    for number in NUMBERS:
        proc = subprocess.run(["sh", "-c", f"printf '%s' '2718|定岗推荐|其他行政编制人员|{number}' | sha256sum"],
                              capture_output=True, check=True)
        by_hand.append((proc.stdout.decode("ascii").split()[0], number))
    by_hand.sort()
    proc = subprocess.run([sys.executable, "-m", "app", "audit-sample", "--seed", "2718", "--meeting", "定岗推荐",
                           "--group", "其他行政编制人员", *NUMBERS], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == [f"{i} {n} {t}" for i, (t, n) in enumerate(by_hand, start=1)]


def test_sample_of_three_is_the_first_three_lines():
    order = audit_order("2718", "定岗推荐", "局领导", NUMBERS)
    tickets = sorted(sha(f"2718|定岗推荐|局领导|{n}") for n in NUMBERS)
    assert [e.ticket for e in order.sample(3)] == tickets[:3]
    assert [e.position for e in order.sample(3)] == [1, 2, 3]


def test_fullwidth_digits_are_folded_before_hashing():
    order = audit_order("2718", "定岗推荐", "局领导", ["４８３９２０"])
    assert order.order[0].number == "483920" and order.order[0].ticket == sha("2718|定岗推荐|局领导|483920")


@pytest.mark.parametrize("seed, numbers, message", [
    ("", ["483920"], "种子为空"),
    (" ", ["483920"], "种子为空"),
    ("2718", [], "没有票号"),
    ("2718", ["483920", "105733", "483920"], "票号重复：483920"),
    ("2718", ["48392"], "不是 6 位数字的票号：48392"),
])
def test_audit_sample_command_refuses_bad_input_with_exit_2(seed, numbers, message):
    out, err = io.StringIO(), io.StringIO()
    assert run_audit_sample(seed, "定岗推荐", "局领导", numbers, out, err) == 2
    assert message in err.getvalue() and out.getvalue() == ""


def test_the_help_is_chinese():
    proc = subprocess.run([sys.executable, "-m", "app", "audit-sample", "--help"], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")
    assert proc.returncode == 0
    assert "用法：" in proc.stdout and "抽查种子" in proc.stdout and "显示本帮助并退出" in proc.stdout
    assert "usage" not in proc.stdout and "show this help" not in proc.stdout


@pytest.mark.parametrize("ballots, margin, size", [
    (40, 3, 40),       # margin ≤ 5: the whole group
    (40, 5, 40),
    (200, 12, 20),     # 10 % of 200
    (51, 12, 6),       # 5.1 rounded up
    (30, 12, 5),       # 3, but at least 5
    (3, 12, 3),        # never more than the group has
    (200, None, 20),   # nothing decided by ballots: the 10 % rule
    (0, 3, 0),
])
def test_suggested_sample_size(ballots, margin, size):
    assert suggested_sample_size(ballots, margin) == size


@given(st.sets(st.integers(100000, 999999).map(str), min_size=1, max_size=40), st.text(min_size=1).filter(str.strip),
       st.randoms(use_true_random=False))
def test_the_order_is_a_permutation_by_ticket_independent_of_input_order(numbers, seed, rnd):
    numbers = sorted(numbers)
    order = audit_order(seed, "定岗推荐", "局领导", numbers)
    shuffled = list(numbers)
    rnd.shuffle(shuffled)
    assert audit_order(seed, "定岗推荐", "局领导", shuffled) == order
    assert sorted(e.number for e in order.order) == numbers
    assert [e.ticket for e in order.order] == sorted(e.ticket for e in order.order)


def test_an_empty_group_name_is_refused():
    with pytest.raises(AuditError, match="投票组为空"):
        audit_order("2718", "定岗推荐", "", NUMBERS)
