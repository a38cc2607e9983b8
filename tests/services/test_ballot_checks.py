"""§十一 定岗推荐: 发出 / 收回 / 有效 per voter group, stored and logged, and the cross-check rules."""

import pytest

from app.services import stages
from app.services.ballot_checks import PaperCount, cross_check, paper_counts, set_paper_count
from app.services.store import Changed, Store, StoreError


@pytest.fixture
def store(tmp_path):
    store = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    yield store
    store.close()


def test_numbers_are_stored_cleared_and_logged(store):
    assert set_paper_count(store, "staff", "issued", "４０").changes is Changed.BALLOTS      # 全角 digits folded
    assert set_paper_count(store, "staff", "returned", 39).changes is Changed.BALLOTS
    assert set_paper_count(store, "staff", "returned", "39").changes is Changed.NONE  # same value: nothing to log
    assert paper_counts(store)["staff"] == PaperCount(issued=40, returned=39)
    assert paper_counts(store)["leaders"] == PaperCount()
    cleared = set_paper_count(store, "staff", "issued", "")                            # empty entry clears
    assert (cleared.changes, cleared.label) == (Changed.BALLOTS, "清空 其他行政编制人员发出票数（原 40）")
    assert paper_counts(store)["staff"] == PaperCount(returned=39)
    assert store.verify().ok


def test_malformed_numbers_and_locked_stage_are_refused(store):
    with pytest.raises(StoreError, match="其他行政编制人员有效票数：“3.5” 不是整数"):
        set_paper_count(store, "staff", "valid", "3.5")
    with pytest.raises(StoreError, match="未知的投票组"):
        set_paper_count(store, "nobody", "valid", 3)
    stages.advance(store, "recommendation", "jd2026")
    stages.advance(store, "recommendation", "jd2026")
    with pytest.raises(StoreError, match="已锁定"):
        set_paper_count(store, "staff", "valid", 3)
    assert paper_counts(store)["staff"] == PaperCount()


def test_cross_check_rules():
    present = {"leaders": 5, "staff": 40}
    papers = {"leaders": PaperCount(issued=5, returned=6, valid=7),
              "staff": PaperCount(issued=40, returned=40, valid=38)}
    warnings = cross_check(present, papers, keyed={"staff": 39},
                           person_totals={"staff": {"1001": 39, "1002": 38}}, names={"1001": "张明"})
    assert warnings["leaders"] == ["局领导：收回 6 张，多于发出 5 张", "局领导：有效 7 张多于收回 6 张",
                                   "局领导：收回 6 张，多于到会 5 人"]
    assert warnings["staff"] == ["其他行政编制人员：已唱票 39 张多于有效票 38 张",
                                 "其他行政编制人员：张明 各岗位推荐数合计 39 多于有效票 38 张"]
    # Consistent papers, or numbers not yet typed: no warning.
    assert cross_check({"leaders": 5}, {"leaders": PaperCount(issued=5, returned=5, valid=5)}) == {}
    assert cross_check({"leaders": 5}, {"leaders": PaperCount(valid=5)}, keyed={"leaders": 3}) == {}
