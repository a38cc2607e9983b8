"""The demo campaign generator (app.demo): valid, deterministic, and showing both outcomes."""

import io
import json
import random
from collections import defaultdict

import pytest

from app.cli import run_compute
from app.core.campaign import load_campaign_text, parse_campaign
from app.core.results import compute, results_to_json
from app.demo import generate_campaign, main

GROUPS = ("leaders", "staff", "unit_heads", "county_chiefs")


def _walk(value):
    yield value
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


@pytest.mark.parametrize("people, posts, seed", [(60, 12, 1), (60, 12, 2), (20, 5, 3), (9, 3, 4), (1, 1, 5), (120, 40, 6)])
def test_parses_and_computes(people, posts, seed):
    doc = generate_campaign(people=people, posts=posts, seed=seed)
    campaign = parse_campaign(doc)
    assert len(campaign.people) == people and len(campaign.posts) == posts
    out = results_to_json(compute(campaign))
    assert out["format"] == "jinggang-results/1"
    # Through the JSON text too, as a supervisor's copy would be read.
    text = json.dumps(doc, ensure_ascii=False)
    assert results_to_json(compute(load_campaign_text(text))) == out


def test_same_seed_same_document_other_seed_other_document():
    a = generate_campaign(seed=7)
    assert json.dumps(a, ensure_ascii=False) == json.dumps(generate_campaign(seed=7), ensure_ascii=False)
    assert a != generate_campaign(seed=8)


def test_global_random_is_left_alone():
    random.seed(12345)
    state = random.getstate()
    generate_campaign(seed=3)
    assert random.getstate() == state


def test_ids_unique_and_shaped():
    doc = generate_campaign(people=300, posts=30, seed=2)
    person_ids = [p["id"] for p in doc["people"]]
    post_ids = [p["id"] for p in doc["posts"]]
    assert len(set(person_ids)) == 300 and person_ids[0] == "1001"
    assert len(set(post_ids)) == 30 and post_ids[0] == "P01"
    assert all(p["name"].endswith("科长") for p in doc["posts"])
    assert len({p["name"] for p in doc["posts"]}) == 30


def test_no_float_anywhere():
    doc = generate_campaign(people=90, posts=15, seed=9)
    assert not any(isinstance(v, float) for v in _walk(doc))


def test_shape_of_the_data():
    doc = generate_campaign(people=90, posts=15, judges=25, voters=300, seed=4)
    competitors = [p for p in doc["people"] if "declarations" in p]
    assert 25 <= len(competitors) <= 35                      # about a third
    assert set(doc["speech"]) == {p["id"] for p in competitors}
    assert all(len(s) == 25 for s in doc["speech"].values())
    for p in competitors:
        rounds = p["declarations"]
        assert 1 <= len(rounds) <= 3
        assert all(1 <= len(r) <= 2 and len(set(r)) == len(r) for r in rounds[:2])
        assert len(rounds) < 3 or len(rounds[2]) == 1
    present = doc["recommendation"]["present"]
    assert sum(present.values()) == 300 and all(present[g] > 0 for g in GROUPS)
    # Each voter gives a competitor at most one recommendation: per group, a person's counts ≤ present.
    per_person = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for c in doc["recommendation"]["counts"]:
        for g in GROUPS:
            per_person[c["person"]][g] += c[g]
    assert all(per_person[p][g] <= present[g] for p in per_person for g in GROUPS)
    # Every declared pair has counts; some pairs are suggested ones.
    counted = {(c["person"], c["post"]) for c in doc["recommendation"]["counts"]}
    assert all((p["id"], post) in counted for p in competitors for post in p["declarations"][-1])
    declared = {(p["id"], post) for p in competitors for post in p["declarations"][-1]}
    assert counted - declared


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_demo_shows_both_an_assignment_and_an_ineligible_pair(seed):
    out = results_to_json(compute(parse_campaign(generate_campaign(seed=seed))))
    assert out["assignment"]
    assert any(not p["eligible"] for p in out["pairs"])
    assert any(p["eligible"] for p in out["pairs"])
    assert any(not p["satisfaction"]["passed"] for p in out["people"].values())


def test_300_people_30_posts():
    doc = generate_campaign(people=300, posts=30, judges=25, voters=300, seed=1)
    out = results_to_json(compute(load_campaign_text(json.dumps(doc, ensure_ascii=False))))
    assert len(out["people"]) == 300
    assert out["assignment"] and len(out["assignment"]) + len(out["vacant"]) + sum(
        1 for u in out["undecided"] if "post" in u) == 30


def test_more_posts_than_named_offices():
    doc = generate_campaign(people=150, posts=50, seed=1)
    names = [p["name"] for p in doc["posts"]]
    assert len(set(names)) == 50
    parse_campaign(doc)


@pytest.mark.parametrize("kwargs", [{"people": 0}, {"posts": 0}, {"judges": 4}, {"voters": 3}])
def test_impossible_sizes_refused(kwargs):
    with pytest.raises(ValueError):
        generate_campaign(**kwargs)


def test_main_writes_a_file_that_compute_reads(tmp_path):
    path = tmp_path / "demo.json"
    assert main(["--people", "30", "--posts", "6", "--seed", "3", "--out", str(path)]) == 0
    assert json.loads(path.read_text(encoding="utf-8")) == generate_campaign(people=30, posts=6, seed=3)
    out, err = io.StringIO(), io.StringIO()
    assert run_compute(str(path), out=out, err=err) == 0, err.getvalue()
    assert json.loads(out.getvalue())["format"] == "jinggang-results/1"


def test_only_section_kind_ranks_compete_for_chief():
    """§二(二): 正科/副科 may compete for 科长; a 科员 never declares (they are seated in 科员定岗)."""
    for people in (30, 60, 300):
        doc = generate_campaign(people=people, posts=12)
        competing = [p for p in doc["people"] if "declarations" in p]
        assert competing and all(p["rank"] != "科员" for p in competing)
        assert len(competing) >= people // 4
