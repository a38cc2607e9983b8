"""§九 每次报岗情况进行公示: rounds are published in order and a published round is frozen."""

import json

import pytest

from tests.conftest import DATA
from app.services import stages
from app.services.campaign_io import import_campaign
from app.services.declaration_rounds import (clear_round, publish_round, published_round, set_round,
                                             withdraw_publication)
from app.services.declarations import declarations
from app.services.store import StoreError


@pytest.fixture
def small(store):
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    return store


def test_nothing_published_at_first_and_rounds_publish_in_order(small):
    assert published_round(small) == 0
    with pytest.raises(StoreError, match="请先公布第一次报岗"):
        publish_round(small, 2)
    publish_round(small, 1)
    assert published_round(small) == 1
    with pytest.raises(StoreError, match="第一次报岗已公布"):
        publish_round(small, 1)


def test_a_round_nobody_declared_cannot_be_published(small):
    publish_round(small, 1)
    publish_round(small, 2)          # 1001 and 1003 declared a second time
    with pytest.raises(StoreError, match="第三次尚无人报岗"):
        publish_round(small, 3)


def test_a_published_round_refuses_edits_and_later_rounds_stay_open(small):
    publish_round(small, 1)
    with pytest.raises(StoreError, match="第一次报岗已公布"):
        set_round(small, "1002", 1, ["P2"])
    set_round(small, "1002", 2, ["P3"])
    assert declarations(small)["1002"] == [("P1",), ("P3",)]


def test_round_limits_still_come_from_the_declarations_service(small):
    publish_round(small, 1)
    publish_round(small, 2)
    with pytest.raises(StoreError, match="第3次报岗须报 1 个岗位"):
        set_round(small, "1001", 3, ["P1", "P2"])


def test_clear_round_removes_only_the_last_unpublished_round(small):
    with pytest.raises(StoreError, match="已有第二次报岗"):
        clear_round(small, "1001", 1)
    clear_round(small, "1001", 2)
    assert declarations(small)["1001"] == [("P1", "P2")]
    publish_round(small, 1)
    with pytest.raises(StoreError, match="已公布"):
        clear_round(small, "1001", 1)


def test_withdrawing_a_publication_needs_the_password_and_a_reason(small):
    publish_round(small, 1)
    with pytest.raises(StoreError, match="理由"):
        withdraw_publication(small, "jd2026", " ")
    with pytest.raises(StoreError, match="密码不正确"):
        withdraw_publication(small, "wrong", "录错岗位")
    assert published_round(small) == 1
    withdraw_publication(small, "jd2026", "录错岗位")
    assert published_round(small) == 0
    set_round(small, "1002", 1, ["P2"])
    report = small.verify()
    assert report.ok, report.problems


def test_a_locked_stage_refuses_publication(small):
    stages.advance(small, "declarations", "jd2026")
    stages.advance(small, "declarations", "jd2026")
    with pytest.raises(StoreError, match="已锁定"):
        publish_round(small, 1)
