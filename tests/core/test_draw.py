"""抽签 verifiable with any SHA-256 tool (SPEC §5)."""

import hashlib
import io

import pytest
from hypothesis import given, strategies as st

from app.cli import run_draw
from app.core.draw import Draw, DrawEntry, DrawError, draw, draw_key, list_digest, verify_draw


def sha(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_key_is_sha256_of_seed_meeting_id():
    # printf '%s' '4711|竞岗演讲|1001' | sha256sum
    assert draw_key("4711", "竞岗演讲", "1001") == "c42a311ab2c9d5e9d883bee4742dd8edc5e8fafb58923b566c3e5fe40c03d7b5"


def test_list_digest_sorts_ids_as_strings():
    # "10" sorts before "9" as a string
    assert list_digest(["9", "10", "1001"]) == sha("10,1001,9")


def test_order_is_by_key():
    d = draw("4711", "竞岗演讲", ["1003", "1001", "1002"])
    assert [e.person for e in d.order] == ["1002", "1001", "1003"]
    assert [e.position for e in d.order] == [1, 2, 3]
    assert d.order[0].key == sha("4711|竞岗演讲|1002")


def test_draw_command_prints_digest_then_positions():
    out, err = io.StringIO(), io.StringIO()
    assert run_draw("4711", "竞岗演讲", ["1001", "1002", "1003"], out, err) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == "list_digest " + sha("1001,1002,1003")
    assert lines[1] == "1 1002 " + sha("4711|竞岗演讲|1002")
    assert len(lines) == 4 and err.getvalue() == ""


@pytest.mark.parametrize("seed, ids, message", [
    ("", ["1001"], "种子为空"),
    ("  ", ["1001"], "种子为空"),
    ("4711", [], "没有参加抽签的人员"),
    ("4711", ["1001", "1002", "1001"], "编号重复：1001"),
])
def test_draw_command_refuses_bad_input_with_exit_2(seed, ids, message):
    out, err = io.StringIO(), io.StringIO()
    assert run_draw(seed, "竞岗演讲", ids, out, err) == 2
    assert message in err.getvalue() and out.getvalue() == ""


def test_verify_detects_a_tampered_record():
    d = draw("4711", "竞岗演讲", ["1001", "1002", "1003"])
    assert verify_draw(d) == []
    swapped = Draw(d.meeting, d.seed, d.list_digest,
                   (DrawEntry(1, d.order[1].person, d.order[1].key), DrawEntry(2, d.order[0].person, d.order[0].key),
                    d.order[2]))
    assert verify_draw(swapped)
    other_seed = Draw(d.meeting, "4712", d.list_digest, d.order)
    assert verify_draw(other_seed)


def test_different_meetings_give_independent_orders():
    ids = [str(1000 + i) for i in range(20)]
    assert [e.person for e in draw("1", "竞岗演讲", ids).order] != [e.person for e in draw("1", "申报者述职", ids).order]


@given(st.lists(st.integers(0, 10**6).map(str), min_size=1, max_size=30, unique=True), st.text(min_size=1).filter(str.strip),
       st.randoms(use_true_random=False))
def test_draw_is_a_permutation_independent_of_input_order(ids, seed, rnd):
    d = draw(seed, "竞岗演讲", ids)
    assert sorted(e.person for e in d.order) == sorted(ids)
    shuffled = list(ids)
    rnd.shuffle(shuffled)
    assert draw(seed, "竞岗演讲", shuffled) == d
    keys = [e.key for e in d.order]
    assert keys == sorted(keys)
