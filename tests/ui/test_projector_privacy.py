"""Issue 14, SPEC §9: the wall never shows an unpublished 综合考评, and never says 已公布 of a value that is not
in a published snapshot — before publication, after an unlock withdrew the results, after the correction, and
even when the data were changed behind the program's back (the wall shows the snapshot, never a recomputation).

Every string painted on every page of every scene, at 1920×1080 and 1024×768, is read (``scene_texts``).
small.json by hand (SPEC §8): 张明 综合 83.866 (办公室科长), 李华 66.478, 王芳 70.360 (财务科科长). After 评委1's
score for 张明 goes 88 → 98: kept (90 + 91 + 89) / 3 = 90.000, 综合 0.3 × 95.385 + 0.1 × 90 + 0.6 × 77.25 =
83.9655 → 83.966."""

from __future__ import annotations

import sqlite3

import pytest

from app.services import projector, scores, stages
from app.services.campaign_io import compute_results
from app.services.store import StoreError
from app.ui.projector_scenes import scene_texts

PASSWORD = "jd2026"
PUBLISHED = {"83.866", "66.478", "70.360"}
CORRECTED = {"83.966", "66.478", "70.360"}
TAMPERED = "83.999"      # 评委3 100 behind the program: (89 + 90 + 92) / 3 = 90.333 → 83.9988 → 83.999
EVERY_COMPOSITE = PUBLISHED | CORRECTED | {TAMPERED}


def wall(store) -> list[str]:
    out = []
    for scene in projector.SCENES:
        state = projector.ProjectorState(scene=scene)
        data = projector.build_scene(store, state)
        for w, h in ((1920, 1080), (1024, 768)):
            out += scene_texts(data, state, w, h)
    return out


def shown_composites(texts) -> set[str]:
    return {t for t in texts if t in EVERY_COMPOSITE}


def says_published(texts) -> bool:
    return any("已公布" in t for t in texts if not t.startswith("已公布："))     # the 封签 scene names the act


def test_unpublished_values_never_appear_and_published_means_the_snapshot(qapp, small_store):
    store = small_store
    texts = wall(store)
    assert shown_composites(texts) == set() and not says_published(texts) and "结果尚未公布" in texts

    # the case: results published while every input stage was still draft — now refused
    for _ in range(2):
        stages.advance(store, "assignment", PASSWORD)
    with pytest.raises(StoreError, match="所依据的阶段尚未公布"):
        stages.advance(store, "assignment", PASSWORD)
    texts = wall(store)
    assert shown_composites(texts) == set() and not says_published(texts)

    stages.publish_through(store, "assignment", PASSWORD)
    texts = wall(store)
    assert shown_composites(texts) == PUBLISHED and says_published(texts)

    # the 监督组 unlock 竞岗演讲评分 and correct a score: the results are withdrawn, nothing is shown
    stages.unlock(store, "speech", PASSWORD, "评委1录入错误")
    scores.set_speech_score(store, "1001", "J01", "98", reason="评委1录入错误")
    texts = wall(store)
    assert "结果已撤回" in texts
    assert shown_composites(texts) == set() and not says_published(texts)

    stages.publish_through(store, "assignment", PASSWORD)
    texts = wall(store)
    assert shown_composites(texts) == CORRECTED and says_published(texts)

    # changed behind the program's back: the wall still shows what was published, not a recomputation
    with sqlite3.connect(store.location) as db:
        db.execute("update speech_scores set value = '100' where person_id = '1001' and judge_id = 'J03'")
    _, live = compute_results(store)
    assert str(next(x for x in live.pairs if (x.person, x.post) == ("1001", "P1")).composite) == TAMPERED
    texts = wall(store)
    assert shown_composites(texts) == CORRECTED
