"""A whole small campaign counted from scans (issue 17 *Done when*): the program prints the numbered
定岗推荐票, voters mark them in many styles, an office scanner returns them at 200 and 300 dpi (turned,
tilted, noisy, JPEG); the folder is read into the campaign, the doubtful candidates are decided by one
clerk and confirmed by another — and the tallies and results are exactly those of keying the same
papers by 唱票, and of small.expected.json."""

from __future__ import annotations

import json

from app.core.ballots import Mark
from app.core.results import results_to_json
from app.scan.degrade import Scan
from app.services import ballots, count, scanning
from app.services.campaign_io import compute_results
from app.services.store import Store
from tests.ballot_setup import PASSWORD, numbered
from tests.conftest import DATA, on_expected_keys
from tests.scan_setup import Printed, save_scan
from tests.services.conftest import SECOND_OPERATOR, new_store

SMALL = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))
DECLARED = {"1001": ("P1",), "1002": ("P1",), "1003": ("P2",)}     # the effective rounds of small.json
GROUPS = {"leaders": 300, "unit_heads": 200, "county_chiefs": 200}  # scanned (dpi); 其他行政 stays typed
STYLES = ("check", "cross", "fill", "pencil", "partial", "over_edge")


def papers(group: str) -> list[dict[str, str]]:
    """The group's papers giving exactly small.json's counts: paper i recommends a pair while its count
    lasts (李华's P1 papers first, then P3); the rest of a row is blank."""
    present = SMALL["recommendation"]["present"][group]
    out: list[dict[str, str]] = [{} for _ in range(present)]
    used = {p: 0 for p in DECLARED}
    for c in SMALL["recommendation"]["counts"]:
        person, post = c["person"], c["post"]
        kind = "agree" if post in DECLARED[person] else "suggest"
        for i in range(used[person], used[person] + c[group]):
            out[i][person] = f"{kind}:{post}"
        used[person] += c[group]
    return out


def test_a_scanned_stack_reaches_the_same_tallies_and_results_as_keying(store, tmp_path, make_store):
    stack = Printed(store, {g: SMALL["recommendation"]["present"][g] for g in GROUPS})
    folder = tmp_path / "scans"
    folder.mkdir()
    truth: dict[tuple[str, str], dict[str, str]] = {}
    blotted = 0
    for group, dpi in GROUPS.items():
        for i, (number, marks) in enumerate(zip(stack.numbers(group), papers(group))):
            truth[(group, number)] = marks
            image = stack.marked(number, marks, style=STYLES[i % len(STYLES)], seed=i, dpi=dpi)
            if i % 4 == 1:                        # a smudge in an empty box of a candidate: doubtful
                person = next(p for p in DECLARED if p not in marks) if len(marks) < 3 else "1003"
                choice = "suggest:P3" if person != "1002" else "suggest:P2"
                if marks.get(person, "").endswith(choice.split(":")[1]):
                    choice = "suggest:P1" if person == "1003" else "suggest:P2"
                stack.blot(image, person, choice, dpi=dpi)
                blotted += 1
            scan = Scan(dpi, turn=180 if i % 5 == 2 else 0, rotation=(-1.5, 0.0, 1.2, 2.0)[i % 4],
                        noise=3.0 if i % 2 else 0.0, blur=0.6 if i % 3 == 0 else 0.0,
                        fmt=("jpeg", "png", "tiff")[i % 3], quality=85, seed=i)
            save_scan(folder, f"{group}-{i:02d}", image, scan)
    recorded = scanning.scan_folder(store, folder)
    assert len(recorded) == 23 and {p.status for p in recorded} <= {"entered", "waiting"}
    queue = scanning.review_queue(store)
    assert len({(q.group, q.number) for q in queue}) >= blotted
    # the clerk decides each candidate from the paper, the second person confirms
    for item in queue:
        decided = scanning.decide(store, item.key, truth[(item.group, item.number)].get(item.person, "blank"),
                                  expected_version=item.version)
        scanning.confirm(store, item.key, SECOND_OPERATOR, expected_version=decided.version)
    assert scanning.review_queue(store) == []
    assert {p.status for p in scanning.scanned_pages(store)} == {"entered"}
    scanned = {b.ballot_no: {p: m.encode() for p, m in b.marks.items() if m.kind != "blank"}
               for b in ballots.list_ballots(store)}
    assert scanned == {number: marks for (_, number), marks in truth.items()}     # every paper, every mark
    count.close_count(store, PASSWORD)
    assert store.verify().ok

    # the same papers keyed by 唱票 in another campaign
    keyed = new_store(tmp_path / "keyed.db")
    try:
        numbered(keyed, {g: SMALL["recommendation"]["present"][g] for g in GROUPS})
        for group in GROUPS:
            for marks in papers(group):
                n = next(iter(sorted(set(ballots_numbers(keyed, group)) - used_numbers(keyed))))
                ballots.save_ballot(keyed, group, {p: Mark.decode(m) for p, m in marks.items()}, ballot_no=n)
        with store.read() as s, keyed.read() as k:
            assert ballots.merged_counts(s) == ballots.merged_counts(k)
        scanned_results = results_to_json(compute_results(store)[1])
        assert scanned_results == results_to_json(compute_results(keyed)[1])
        assert on_expected_keys(scanned_results, EXPECTED) == EXPECTED
    finally:
        keyed.close()


def ballots_numbers(store: Store, group: str) -> list[str]:
    from app.services.ballot_numbers import number_sets_in
    with store.read() as s:
        return sorted(number_sets_in(s)[group])


def used_numbers(store: Store) -> set[str]:
    return {b.ballot_no for b in ballots.list_ballots(store)}
