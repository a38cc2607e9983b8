"""Issue 17 *Done when*: a generated stack of a whole small campaign scanned through the GUI, the doubtful
boxes and invalid rows decided by keys as a clerk would (and confirmed by a second person), reaches
exactly the same tallies and results as keying the same ballots by 唱票.

small.json; 局领导 (5 present), 事业单位 (8) and 县局长 (10) vote on numbered paper ballots, 其他行政 stays
as typed counts. The papers are drawn at random (seed 17) but every group has a doubtful blot and a row
ticked twice. Laptop 甲 scans them; laptop 乙 keys the same papers by 唱票 (each laptop prints its own
numbers; the papers' marks are the same).
"""

from __future__ import annotations

import random

from PySide6.QtCore import Qt

from app.core.results import results_to_json
from app.services import scanning
from app.services.ballots import list_ballots
from app.services.campaign_io import compute_results
from app.services.recommendation_grid import recommendation_grid
from app.services.store import Store
from app.core.scheme import GROUPS
from tests.ballot_setup import numbered
from tests.scan_setup import Printed
from tests.scan_stack import keys_for, mark_of, write_stack
from tests.ui.test_count_tab import key_ballot, make_tab
from tests.ui.test_scan_tab import review, scan

PAPER_GROUPS = {"leaders": 5, "unit_heads": 8, "county_chiefs": 10}
DECLARED = {"1001": ("P1",), "1002": ("P1",), "1003": ("P2",)}
PEOPLE = ("1001", "1002", "1003")
POSTS = ("P1", "P2", "P3")


def papers_of(seed: int = 17) -> dict[str, list[dict[str, str]]]:
    """Per group, each paper's marks {person: what} (see tests/scan_stack.py)."""
    rng = random.Random(seed)
    out: dict[str, list[dict[str, str]]] = {}
    for group, n in PAPER_GROUPS.items():
        papers = []
        for i in range(n):
            marks = {}
            for person in PEOPLE:
                agree = f"agree:{DECLARED[person][0]}"
                suggest = f"suggest:{rng.choice([p for p in POSTS if p not in DECLARED[person]])}"
                u = rng.random()
                marks[person] = agree if u < 0.6 else suggest if u < 0.8 else "blank"
            if i == 0:
                marks["1001"] = "doubt:agree:P1"               # a blot between the thresholds: a person decides
            if i == 1:
                marks["1003"] = "two:agree:P2,suggest:P3"        # two boxes ticked: 无效
            if i == 2:
                marks["1002"] = "doubt:" + (marks["1002"] if marks["1002"] != "blank" else "suggest:P2")
            papers.append(marks)
        out[group] = papers
    return out


def tallies(store):
    grid = recommendation_grid(store)
    return [(r.person, r.post, r.counts, r.recommended, r.rate_shown, r.eligible, r.score) for r in grid.pairs]


def test_a_scanned_campaign_reaches_the_same_tallies_and_results_as_keying_it(qtbot, tmp_path, empty_store):
    papers = papers_of()
    scanned = empty_store
    printed = Printed(scanned, PAPER_GROUPS)
    stack = [(g, printed.numbers(g)[i], marks) for g in PAPER_GROUPS for i, marks in enumerate(papers[g])]
    write_stack(printed, stack, tmp_path / "scans")

    # 甲: scan, then decide every item by one key, as the paper says; 李强 confirms with Enter
    tab, bench, messages = make_tab(qtbot, scanned)
    bar = scan(qtbot, tab, tmp_path / "scans")
    assert bar.line.text().startswith(f"扫描完毕：已读 {len(stack)} 页")
    truth = {(g, n, person): what for g, n, marks in stack for person, what in marks.items()}
    dialog = review(qtbot, tab)
    assert len(dialog.items) >= 2 * len(PAPER_GROUPS)
    keys = 0
    while (item := dialog.current()) is not None and item.decided is None:
        what = truth[(item.group, item.number, item.person)]
        meant = mark_of(what)
        if meant.kind == "invalid":
            key = "x"
        elif meant.kind == "blank":
            key = "0"
        else:
            key = str([b.choice for b in item.boxes].index(f"{meant.kind}:{meant.post}") + 1)
        qtbot.keyClick(dialog.queue, key)
        keys += 1
    dialog.confirmer.setText("李强")
    while dialog.current() is not None:
        qtbot.keyClick(dialog.queue, Qt.Key.Key_Return)
        keys += 1
    assert scanning.review_queue(scanned) == []
    assert [p for p in scanning.scanned_pages(scanned) if p.status != "entered"] == []

    # 乙: the same papers keyed by 唱票 on a campaign of its own
    keyed = Store.create(tmp_path / "keyed.db", title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                         operator="李强")
    try:
        keyed_numbers = numbered(keyed, PAPER_GROUPS)
        ktab, kbench, _ = make_tab(qtbot, keyed)
        panel = ktab.ballot_panel
        for group in PAPER_GROUPS:
            panel.choose_group(GROUPS.index(group))
            for number, marks in zip(keyed_numbers[group], papers[group]):
                key_ballot(qtbot, panel, number, keys_for(marks, list(PEOPLE), DECLARED))
        assert len(list_ballots(keyed)) == len(stack)

        def marks_by_group(store):
            out = {}
            for b in list_ballots(store):
                out.setdefault(b.group, []).append(b.marks)
            return {g: sorted(map(str, v)) for g, v in out.items()}
        assert marks_by_group(scanned) == marks_by_group(keyed)
        assert tallies(scanned) == tallies(keyed)
        assert results_to_json(compute_results(scanned)[1]) == results_to_json(compute_results(keyed)[1])
        # the tab shows what the services computed: 甲's tally is 乙's
        assert [(r.person, r.post, r.counts) for r in tab.pair_model._rows] == \
            [(r.person, r.post, r.counts) for r in ktab.pair_model._rows]
    finally:
        keyed.close()
