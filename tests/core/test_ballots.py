"""§十一 唱票: marks and their tally (SPEC §3)."""

from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark, PaperBallot, mark_problem, tally

POSTS = ("P1", "P2", "P3")


def test_agree_counts_for_the_declared_post_and_suggest_for_the_other():
    ballots = [
        PaperBallot(1, "staff", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3")}),
        PaperBallot(2, "staff", {"1001": Mark(AGREE, "P1"), "1002": Mark(BLANK)}),
        PaperBallot(3, "leaders", {"1001": Mark(SUGGEST, "P2"), "1002": Mark(INVALID)}),
    ]
    t = tally(ballots)
    assert t.counts[("1001", "P1")] == {"leaders": 0, "staff": 2, "unit_heads": 0, "county_chiefs": 0}
    assert t.counts[("1001", "P2")]["leaders"] == 1
    assert t.counts[("1002", "P3")]["staff"] == 1
    assert t.ballots == {"leaders": 1, "staff": 2, "unit_heads": 0, "county_chiefs": 0}
    assert t.invalid == {"1002": 1} and t.blank == {"1002": 1}


def test_a_mark_for_the_declared_post_as_a_suggestion_is_refused_with_the_rule():
    assert "此票对该人无效" in mark_problem("1001", Mark(SUGGEST, "P1"), ("P1",), POSTS)
    assert mark_problem("1001", Mark(AGREE, "P2"), ("P1",), POSTS) == "1001 未申报岗位 P2，不能“同意”"
    assert mark_problem("1001", Mark(SUGGEST, "P9"), ("P1",), POSTS) == "没有岗位 P9"
    assert mark_problem("1001", Mark(INVALID), ("P1",), POSTS) is None


def test_marks_encode_and_decode():
    for m in (Mark(AGREE, "P1"), Mark(SUGGEST, "P2"), Mark(BLANK), Mark(INVALID)):
        assert Mark.decode(m.encode()) == m
