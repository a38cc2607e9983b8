"""§九 报岗 rounds (SPEC §2)."""

from app.core.declarations import effective_declaration, round_problems
from app.core.scheme import Scheme

S = Scheme()
POSTS = {"P1", "P2", "P3"}


def test_rounds_one_and_two_take_one_or_two_posts():
    assert round_problems(1, ["P1"], POSTS, S) == []
    assert round_problems(2, ["P1", "P2"], POSTS, S) == []
    assert round_problems(1, ["P1", "P2", "P3"], POSTS, S) == ["第1次报岗须报 1–2 个岗位，现报 3 个"]
    assert round_problems(2, [], POSTS, S) == ["第2次报岗须报 1–2 个岗位，现报 0 个"]


def test_round_three_takes_exactly_one():
    assert round_problems(3, ["P3"], POSTS, S) == []
    assert round_problems(3, ["P1", "P2"], POSTS, S) == ["第3次报岗须报 1 个岗位，现报 2 个"]


def test_no_fourth_round_no_duplicates_no_unknown_posts():
    assert round_problems(4, ["P1"], POSTS, S) == ["最多报岗 3 次，没有第4次"]
    assert round_problems(1, ["P1", "P1"], POSTS, S) == ["岗位 P1 重复申报"]
    assert round_problems(1, ["P9"], POSTS, S) == ["岗位 P9 不存在"]


def test_last_round_is_effective_and_keeps_order():
    assert effective_declaration([["P1", "P2"], ["P2", "P3"]]) == ("P2", "P3")
    assert effective_declaration([["P2", "P1"]]) == ("P2", "P1")
    assert effective_declaration([]) == ()
