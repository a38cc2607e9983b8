"""§十三 确定人选 — every tie-break, both modes (SPEC §4)."""

from decimal import Decimal as D
from fractions import Fraction as F

from hypothesis import given, settings, strategies as st

from app.core.assignment import (REASON_EQUAL_SUGGESTED, REASON_MISSING, REASON_TIE, Candidacy, Placement,
                                 PostSeats, Undecided, assign_posts)

POSTS = [PostSeats("P1"), PostSeats("P2"), PostSeats("P3")]


def c(person, post, rate, composite="80", declared=True, choice=0):
    return Candidacy(person, post, F(rate), declared, choice if declared else None,
                     None if composite is None else D(composite))


def test_13_1_only_competitor_gets_the_post_and_other_posts_are_vacant():
    a = assign_posts(POSTS, [c("A", "P1", "30/63")])
    assert a.placements == (Placement("P1", "A", "13.1"),)
    assert a.vacant == ("P2", "P3")
    assert a.undecided == ()


def test_13_2_higher_rate_decides_the_post():
    # A is eligible for P1 (30/63) and P2 (40/63): placed by the higher rate, at P2.
    a = assign_posts(POSTS, [c("A", "P1", "30/63", choice=0), c("A", "P2", "40/63", choice=1)])
    assert a.placements == (Placement("P2", "A", "13.1"),)
    assert a.vacant == ("P1", "P3")


def test_13_2_equal_rates_declared_post_before_suggested():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", declared=False), c("A", "P2", "1/2", declared=True)])
    assert a.post_of("A") == "P2"


def test_13_2_equal_rates_two_declared_posts_first_choice():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", choice=1), c("A", "P2", "1/2", choice=0)])
    assert a.post_of("A") == "P2"


def test_13_2_two_suggested_posts_with_equal_rates_is_undecided():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", declared=False), c("A", "P3", "1/2", declared=False),
                             c("B", "P1", "2/5")])
    assert a.post_of("A") is None
    assert a.undecided == (Undecided(REASON_EQUAL_SUGGESTED, person="A", posts=("P1", "P3")),)
    # A competes nowhere: B has P1 alone.
    assert Placement("P1", "B", "13.1") in a.placements


def test_13_3_higher_composite_wins():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", "83.866"), c("B", "P1", "2/3", "83.865")])
    assert a.placements == (Placement("P1", "A", "13.3"),)


def test_13_3_equal_composite_higher_rate_wins():
    a = assign_posts(POSTS, [c("A", "P1", "21/63", "80.000"), c("B", "P1", "22/63", "80.000")])
    assert a.placements == (Placement("P1", "B", "13.3-rate"),)


def test_13_3_equal_composite_and_rate_declared_wins():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", "80", declared=False), c("B", "P1", "1/2", "80", declared=True)])
    assert a.placements == (Placement("P1", "B", "13.3-declared"),)


def test_13_3_complete_tie_is_undecided_never_random():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", "80"), c("B", "P1", "1/2", "80"), c("C", "P1", "1/2", "79")])
    assert a.placements == ()
    assert a.undecided == (Undecided(REASON_TIE, post="P1", persons=("A", "B")),)
    assert "P1" not in a.vacant


def test_13_3_missing_composite_makes_the_post_undecided():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", "90"), c("B", "P1", "1/2", None)])
    assert a.placements == ()
    assert a.undecided == (Undecided(REASON_MISSING, post="P1", persons=("A", "B")),)


def test_missing_composite_does_not_matter_for_a_sole_competitor():
    a = assign_posts(POSTS, [c("A", "P1", "1/2", None)])
    assert a.placements == (Placement("P1", "A", "13.1"),)


def test_literal_loser_is_not_moved_fallback_moves_them():
    # A prefers P1 (rate 2/3) over P2 (1/2) and loses P1 to B; nobody else wants P2.
    cands = [c("A", "P1", "2/3", "70", choice=0), c("A", "P2", "1/2", "70", choice=1),
             c("B", "P1", "1/2", "90")]
    literal = assign_posts(POSTS, cands, "literal")
    assert literal.placements == (Placement("P1", "B", "13.3"),)
    assert literal.vacant == ("P2", "P3")
    fallback = assign_posts(POSTS, cands, "fallback")
    assert fallback.placements == (Placement("P1", "B", "13.3"), Placement("P2", "A", "fallback"))
    assert fallback.vacant == ("P3",)


def test_fallback_chain_displaces_a_weaker_holder():
    # A loses P1 to B, falls back to P2, where A beats C (who holds it tentatively); C falls back to P3.
    cands = [c("A", "P1", "2/3", "85", choice=0), c("A", "P2", "1/2", "85", choice=1),
             c("B", "P1", "1/2", "90"),
             c("C", "P2", "2/3", "80", choice=0), c("C", "P3", "1/2", "80", choice=1)]
    a = assign_posts(POSTS, cands, "fallback")
    assert a.placements == (Placement("P1", "B", "13.3"), Placement("P2", "A", "fallback"),
                            Placement("P3", "C", "fallback"))


def test_multi_seat_post_takes_the_best_two():
    posts = [PostSeats("P1", 2)]
    a = assign_posts(posts, [c("A", "P1", "1/2", "90"), c("B", "P1", "1/2", "85"), c("C", "P1", "1/2", "80")])
    assert a.placements == (Placement("P1", "A", "13.3"), Placement("P1", "B", "13.3"))
    assert a.vacant == ()


def test_multi_seat_tie_at_last_seat_places_those_above_only():
    posts = [PostSeats("P1", 2)]
    a = assign_posts(posts, [c("A", "P1", "1/2", "90"), c("B", "P1", "1/2", "85"), c("C", "P1", "1/2", "85")])
    assert a.placements == (Placement("P1", "A", "13.3"),)
    assert a.undecided == (Undecided(REASON_TIE, post="P1", persons=("B", "C")),)


def test_multi_seat_with_fewer_competitors_is_partly_vacant():
    a = assign_posts([PostSeats("P1", 2)], [c("A", "P1", "1/2")])
    assert a.placements == (Placement("P1", "A", "13.1"),)
    assert a.vacant == ("P1",)


# --- properties -------------------------------------------------------------------------------

RATES = [F(1, 3), F(2, 5), F(1, 2), F(2, 3)]
COMPOSITES = [None, D("70.000"), D("80.000"), D("80.001"), D("90.000")]


@st.composite
def scenarios(draw):
    n_posts = draw(st.integers(1, 4))
    posts = [PostSeats(f"P{i}", draw(st.integers(1, 2))) for i in range(n_posts)]
    cands = []
    for person in range(draw(st.integers(0, 7))):
        chosen = draw(st.lists(st.sampled_from([p.post for p in posts]), unique=True, max_size=n_posts))
        composite = draw(st.sampled_from(COMPOSITES))
        choice = 0
        for post in chosen:
            declared = draw(st.booleans())
            cands.append(Candidacy(f"{person:04d}", post, draw(st.sampled_from(RATES)), declared,
                                   choice if declared else None, composite))
            choice += declared
    return posts, cands


@settings(max_examples=300)
@given(scenarios(), st.sampled_from(["literal", "fallback"]), st.randoms(use_true_random=False))
def test_assignment_invariants_and_order_independence(scenario, mode, rnd):
    posts, cands = scenario
    a = assign_posts(posts, cands, mode)
    seats = {p.post: p.seats for p in posts}
    placed = [p.person for p in a.placements]
    assert len(placed) == len(set(placed)), "a person placed twice"
    for post, n in seats.items():
        assert sum(1 for p in a.placements if p.post == post) <= n, "a post over its seats"
    eligible = {(x.person, x.post) for x in cands}
    assert all((p.person, p.post) in eligible for p in a.placements)
    undecided_posts = {u.post for u in a.undecided if u.post}
    assert not (undecided_posts & set(a.vacant))
    undecided_people = {p for u in a.undecided for p in u.persons} | {u.person for u in a.undecided if u.person}
    assert not (undecided_people & set(placed)), "an undecided person was also placed"
    shuffled_cands, shuffled_posts = list(cands), list(posts)
    rnd.shuffle(shuffled_cands)
    rnd.shuffle(shuffled_posts)
    assert assign_posts(shuffled_posts, shuffled_cands, mode) == a


@settings(max_examples=200)
@given(scenarios())
def test_literal_places_each_person_only_at_their_13_2_post(scenario):
    posts, cands = scenario
    a = assign_posts(posts, cands, "literal")
    for p in a.placements:
        mine = [x for x in cands if x.person == p.person]
        best = min(mine, key=lambda x: (-x.rate, not x.declared, x.choice or 0))
        assert p.post == best.post
        assert p.rule != "fallback"


def test_competitors_are_kept_for_the_margin_of_a_seat():
    # A and B both fixed to P1 by 13.2; B wins on 综合考评. C competes at P2 alone. D's suggested posts tie
    # (undecided): D competes nowhere, so is nobody's rival.
    a = assign_posts(POSTS, [c("A", "P1", "30/63", "80"), c("B", "P1", "30/63", "81"), c("C", "P2", "30/63", "70"),
                             c("D", "P1", "1/2", "90", declared=False), c("D", "P3", "1/2", "90", declared=False)])
    assert a.placements == (Placement("P1", "B", "13.3"), Placement("P2", "C", "13.1"))
    assert a.competitors == (("P1", "A"), ("P1", "B"), ("P2", "C"))
    assert a.rivals("P1", "B") == ("A",)
    assert a.rivals("P2", "C") == ()
