"""The 考试与测评 grid from the services (§四 §五 §六 §八): one rule for parts and totals shared with the
export, the figures the results use, what is still missing, and the row a typed value answers with."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.core.scheme import DIMENSIONS
from app.services import scores
from app.services.campaign_io import compute_results, export_campaign, import_campaign
from app.services.demo import create_demo_store
from app.services.exam_grid import as_entered, exam_grid
from app.services.store import ConflictError, Store, StoreError
from tests.conftest import DATA


@pytest.fixture
def small(store):
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    return store


def test_parts_beat_a_total_and_grades_beat_a_score():
    entered = as_entered({"exam": "90", "exam:行测": "25", "exam:申论": "45", "dem:de": "80",
                          "grade:de:优秀": "20", "grade:de:称职": "10", "dem:neng": "85", "sat:present": "30"})
    assert entered.exam == {"行测": "25", "申论": "45"}
    assert entered.democratic == {"de": {"优秀": 20, "称职": 10}, "neng": "85"}
    assert entered.satisfaction is None                              # one count alone is no 满意度测评


def test_the_export_and_the_grid_read_parts_the_same_way(small):
    scores.set_score(small, "1001", "exam:行测", "25")
    person = next(p for p in export_campaign(small)["people"] if p["id"] == "1001")
    assert person["exam"] == {"行测": "25"}                           # the typed total 82.5 no longer counts
    row = next(r for r in exam_grid(small).rows if r.id == "1001")
    assert row.exam is None and row.quantified is None and row.exam_parts
    assert row.missing == ("考试·申论", "考试·公共基础")
    scores.set_score(small, "1001", "exam:申论", "45")
    scores.set_score(small, "1001", "exam:公共基础", "18")
    row = next(r for r in exam_grid(small).rows if r.id == "1001")
    # 25 + 45 + 18 = 88; 88×10% + 88.45×30% + 94.333×60% + 4 = 95.9348 → 95.935
    assert (row.exam, row.quantified, row.missing) == (Decimal("88.000"), Decimal("95.935"), ())


def test_a_total_over_parts_is_refused_by_the_service(small):
    scores.set_score(small, "1001", "exam:行测", "25")
    with pytest.raises(StoreError, match="张明（1001）考试：考试已按分项"):
        scores.set_score(small, "1001", "exam", "90")


def test_the_grid_figures_are_what_compute_results_publishes(tmp_path):
    store = create_demo_store(tmp_path / "demo.db", operator="王敏", people=30, posts=6)
    try:
        _, results = compute_results(store)
        rows = {r.id: r for r in exam_grid(store).rows}
        for r in results.people:
            row = rows[r.id]
            assert (row.exam, row.democratic, row.appraisal_avg, row.bonus, row.quantified) == \
                (r.exam, r.democratic, r.appraisal_avg, r.bonus, r.quantified)
            assert row.satisfaction == r.satisfaction
            assert all(isinstance(row.dims[d], Decimal) for d in DIMENSIONS) and row.missing == ()
    finally:
        store.close()


def test_missing_names_each_entry_and_satisfaction_only_for_speakers(small):
    scores.clear_score(small, "1002", "dem:lian")
    scores.clear_score(small, "1002", "sat:dissatisfied")
    row = next(r for r in exam_grid(small).rows if r.id == "1002")
    assert row.missing == ("满意度测评", "民主测评·廉") and row.democratic is None
    assert exam_grid(small).incomplete == 1


def test_a_typed_value_answers_with_the_persons_row(small):
    wrote = scores.set_score(small, "1001", "exam", "88.5", expected_version=1)
    assert wrote.label == "张明（1001）考试：88.5" and wrote.value == "88.5" and wrote.version == 2
    assert wrote.entity == "scores:1001|exam" and wrote.seq[1] > wrote.seq[0]
    # §八 by hand: 88.5×10% + 88.45×30% + 94.333×60% + 4 = 95.9848 → 95.985
    assert wrote.result.quantified == Decimal("95.985") and wrote.result.entries["exam"].version == 2
    same = scores.set_score(small, "1001", "exam", "88.50", expected_version=2)
    assert not same and same.version == 2                             # unchanged: nothing written


def test_a_stale_version_names_who_changed_it(small, make_store):
    other = make_store(small.location)
    scores.set_score(other, "1001", "exam", "90", expected_version=1)
    with pytest.raises(ConflictError, match=r"张明 考试 已被 李强 于 \d\d:\d\d 改为 90，您的 80 未写入"):
        scores.set_score(small, "1001", "exam", "80", expected_version=1)
    with pytest.raises(ConflictError, match="已被 李强"):
        scores.clear_score(small, "1001", "exam", expected_version=1)
    assert scores.list_scores(small)["1001"]["exam"].value == "90"


def test_confirming_a_value_changed_since_confirms_nothing(small, make_store):
    seen = scores.list_scores(small)["1001"]
    other = make_store(small.location)
    scores.set_score(other, "1001", "exam", "90")
    with pytest.raises(ConflictError, match="张明 考试 已被 李强"):
        scores.confirm(small, [("scores", ("1001", item), e.version) for item, e in seen.items()])
    assert {e.status for e in scores.list_scores(small)["1001"].values()} == {"entered"}


def test_a_stores_second_laptop_sees_the_same_grid(small, make_store):
    other: Store = make_store(small.location)
    assert [r.id for r in exam_grid(other).rows] == ["1001", "1002", "1003"]
