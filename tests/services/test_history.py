"""撤销 / 重做 on the audit log with compare-and-set (issue 12), on SQLite and on PostgreSQL.

The lost update that used to happen: laptop 甲 types 80, laptop 乙 corrects it to 90, 甲 presses
Ctrl+Z — 乙's 90 was overwritten without a word. Now the undo is refused naming 乙, and 90 stays.
"""

from __future__ import annotations

import json

import pytest

from app.services import history, scores
from app.services.campaign_io import import_campaign
from app.services.history import Step
from app.services.store import ConflictError, StoreError
from app.services import stages
from tests.conftest import DATA


@pytest.fixture
def laptops(store_target, create_store, make_store):
    jia = create_store(store_target, operator="王敏")
    import_campaign(jia, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    scores.clear_speech_score(jia, "1001", "J04")
    return jia, make_store(store_target, operator="李强")


def value(store, person="1001", judge="J04"):
    entry = scores.speech_scores(store).get(person, {}).get(judge)
    return None if entry is None else str(entry[0])


def step(wrote) -> Step:
    return Step(wrote.label, wrote.seq)


def test_undo_of_a_value_another_laptop_corrected_is_refused_naming_them(laptops):
    jia, yi = laptops
    mine = scores.set_speech_score(jia, "1001", "J04", "80", expected_version=0)
    seen = scores.speech_scores(yi)["1001"]["J04"][2]
    scores.set_speech_score(yi, "1001", "J04", "90", expected_version=seen)
    with pytest.raises(ConflictError, match=r"张明 · 评委4 已被 李强 于 \d\d:\d\d 改为 90"):
        history.revert(jia, step(mine))
    assert value(jia) == "90"
    assert jia.verify().ok


def test_undo_then_redo_restores_and_reapplies_only_over_what_it_left(laptops):
    jia, yi = laptops
    first = scores.set_speech_score(jia, "1001", "J04", "80", expected_version=0)
    second = scores.set_speech_score(jia, "1001", "J04", "85", expected_version=first.version)
    undo = history.revert(jia, step(second))                    # 85 → 80
    assert value(jia) == "80"
    redo = history.revert(jia, step(undo), verb="重做")           # 80 → 85
    assert value(jia) == "85"
    again = history.revert(jia, step(redo))                     # 85 → 80
    scores.set_speech_score(yi, "1001", "J04", "70")            # 乙 changes it while 甲 could redo
    with pytest.raises(ConflictError, match="已被 李强"):
        history.revert(jia, step(again), verb="重做")
    assert value(jia) == "70"
    with pytest.raises(ConflictError, match="已被 李强"):
        history.revert(jia, step(first))                        # … nor is anything undone over 70
    assert value(jia) == "70"


def test_undo_of_a_first_entry_removes_it_unless_changed_since(laptops):
    jia, yi = laptops
    mine = scores.set_speech_score(jia, "1001", "J04", "80", expected_version=0)
    history.revert(jia, step(mine))
    assert value(jia) is None
    mine = scores.set_speech_score(jia, "1001", "J04", "80", expected_version=0)
    scores.confirm(yi, [("speech_scores", ("1001", "J04"))])    # 乙 confirmed it: the row moved on
    with pytest.raises(ConflictError, match="已被 李强"):
        history.revert(jia, step(mine))
    assert value(jia) == "80"


def test_undo_is_refused_while_the_stage_is_locked(laptops):
    jia, _ = laptops
    mine = scores.set_speech_score(jia, "1001", "J04", "80", expected_version=0)
    stages.advance(jia, "speech", "jd2026")
    stages.advance(jia, "speech", "jd2026")
    with pytest.raises(StoreError, match="已锁定"):
        history.revert(jia, step(mine))
    assert value(jia) == "80"


def test_every_undo_is_in_the_log_with_its_reason(laptops):
    jia, _ = laptops
    mine = scores.set_speech_score(jia, "1001", "J04", "80", expected_version=0)
    undo = history.revert(jia, step(mine))
    assert undo.seq[1] > undo.seq[0] > mine.seq[0]
    assert jia.verify().ok
