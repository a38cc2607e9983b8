"""The projector's data (大屏): nothing private, nothing unpublished; a fast live tally that agrees
with the rules; the chosen scene kept in the file.

small.json: present 5 / 40 / 8 / 10 = 63; 张明 1001 declared P1 办公室科长, 李华 1002 declared P1 (counted
for P3 法规科科长 as a suggestion), 王芳 1003 declared P2 财务科科长; 7 judges' speech scores each.
"""

from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import event, select

from tests.conftest import DATA
from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.core.recommendation import recommendation
from app.core.scheme import GROUPS, Scheme
from app.models.schema import AuditLog
from app.services import draws, projector, projector_tally, scores, stages
from app.services.ballot_checks import set_paper_count
from app.services.ballots import merged_counts, save_ballot, undo_last_ballot
from app.services.campaign_io import import_campaign
from app.services.recommendation import set_count
from app.services.store import STAGES, Changed, Store, StoreError

IDS = ("1001", "1002", "1003")
BIRTHS = {"1001": "1985-03", "1002": "1990-07", "1003": "1979-11"}


@pytest.fixture
def store(tmp_path):
    store = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    for p in doc["people"]:
        p["birth"] = BIRTHS[p["id"]]
        p["gender"] = "男"
    # 局领导 vote on paper (唱票); the other groups were typed in count mode.
    doc["recommendation"]["counts"] = [c | {"leaders": 0} for c in doc["recommendation"]["counts"]]
    import_campaign(store, doc)
    yield store
    store.close()


def confirm_speech(store, person):
    scores.confirm(store, [("speech_scores", (person, j.id)) for j in scores.list_judges(store)])


def every_scene(store):
    out = []
    for meeting in draws.MEETINGS:
        out.append(projector.draw_scene(store, meeting))
    out += [projector.speaker_scene(store, i) for i in range(3)]
    out += [projector.scoring_scene(store), projector.live_tally(store), projector.results_scene(store)]
    return out


def strings_in(value):
    """Every str and number inside a scene, walking the dataclasses (what a painter could show)."""
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from strings_in(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from strings_in(v)
    elif value is not None:
        yield str(value)


def assert_private(scenes):
    text = "\n".join(repr(s) for s in scenes)
    for pid in IDS:
        assert pid not in text
    for birth in BIRTHS.values():
        assert birth not in text and birth[:4] not in text
    for value in (v for s in scenes for v in strings_in(s)):
        for pid in IDS:
            assert not re.search(rf"(?<![0-9a-f]){pid}(?![0-9a-f])", value), value


# -- privacy ---------------------------------------------------------------------------------------

def test_no_id_and_no_birth_date_in_any_scene_at_any_stage(store):
    assert_private(every_scene(store))                        # nothing entered yet
    draws.program_draw(store, draws.SPEECH_MEETING, "4711")
    confirm_speech(store, "1001")
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)})
    set_paper_count(store, "leaders", "returned", 1)         # reconciled: one paper returned, one entered
    assert_private(every_scene(store))
    stages.publish_through(store, "assignment", "jd2026")
    scenes = every_scene(store)
    assert scenes[-1].published and scenes[-1].posts
    assert_private(scenes)


def test_names_are_shown_not_ids(store):
    draws.program_draw(store, draws.SPEECH_MEETING, "4711")
    scene = projector.draw_scene(store, draws.SPEECH_MEETING)
    names = {"1001": "张明", "1002": "李华", "1003": "王芳"}
    assert [line.name for line in scene.lines] == [names[pid] for pid in draws.current_draw(
        store, draws.SPEECH_MEETING).ids]


# -- only what is recorded / confirmed / published -------------------------------------------------------

def test_draw_scene_only_from_a_recorded_draw(store):
    before = projector.draw_scene(store, draws.SPEECH_MEETING)
    assert not before.recorded and before.seed is None and before.method == "" and before.verified is None
    # SPEC §5 step 1: the fixed list (names only, no order) and its digest, before the seed exists
    assert before.list_digest == draws.fix_list(store, draws.SPEECH_MEETING)[1]
    assert [(line.position, line.name) for line in before.lines] == [(0, "张明"), (0, "李华"), (0, "王芳")]
    draws.program_draw(store, draws.SPEECH_MEETING, "4711")
    after = projector.draw_scene(store, draws.SPEECH_MEETING)
    assert after.recorded and after.seed == "4711" and after.method == "程序抽签"
    assert after.list_digest == draws.current_draw(store, draws.SPEECH_MEETING).list_digest
    assert after.verified is True
    assert [line.position for line in after.lines] == [1, 2, 3]


def test_trimmed_mean_only_once_every_judge_has_scored_and_all_are_confirmed(store):
    # 张明: 88 90 91 85 87 92 89 → drop 92, 91 and 85, 87 → (88 + 89 + 90) / 3 = 89.000
    entered = projector.scoring_scene(store)
    assert entered.judges == 7 and entered.trim == 2
    assert all(line.mean is None and line.scored == 7 for line in entered.lines)
    judges = scores.list_judges(store)
    scores.confirm(store, [("speech_scores", ("1001", j.id)) for j in judges[:6]])
    assert all(line.mean is None for line in projector.scoring_scene(store).lines)    # 6 of 7 confirmed
    scores.confirm(store, [("speech_scores", ("1001", judges[6].id))])
    line = next(x for x in projector.scoring_scene(store).lines if x.name == "张明")
    assert line.confirmed and line.mean == Decimal("89.000")
    # a judge added later has not scored 张明: the mean is hidden again until they have
    scores.save_judge(store, "J8", "新评委", "leaders")
    line = next(x for x in projector.scoring_scene(store).lines if x.name == "张明")
    assert line.scored == 7 and line.mean is None


def test_results_only_when_the_assignment_stage_is_published(store):
    for stage in ("exam", "speech", "recommendation"):          # what 综合考评与人选 draws on, published first
        stages.publish_through(store, stage, "jd2026")
    for state in ("confirmed", "locked"):
        stages.advance(store, "assignment", "jd2026")
        assert stages.stage_states(store)["assignment"] == state
        scene = projector.results_scene(store)
        assert not scene.published and scene.posts == () and scene.note == "结果尚未公布"
    stages.advance(store, "assignment", "jd2026")
    scene = projector.results_scene(store)
    assert scene.published and scene.note is None
    office = next(p for p in scene.posts if p.post == "办公室科长")
    # 张明 and 李华 compete for 办公室科长; the published composite decides (§十三(三))
    assert [line.name for line in office.lines][0] == office.outcome.removeprefix("人选：")
    assert sum(line.placed for line in office.lines) == 1


# -- the live tally ------------------------------------------------------------------------------

def expected_bars(store):
    """The tally as the rules see it: merged_counts + recommendation() for every shown pair."""
    with store.read() as s:
        merged = merged_counts(s)
    from app.services.recommendation import presence
    present = presence(store)
    return {(pid, post): recommendation(present, merged.get((pid, post), {}), Scheme())
            for pid, post in merged}


def bar(scene, name, post):
    return next(b for b in scene.bars if b.name == name and b.post == post)


POSTS = {"P1": "办公室科长", "P2": "财务科科长", "P3": "法规科科长"}
NAMES = {"1001": "张明", "1002": "李华", "1003": "王芳"}


def assert_tally_matches_rules(store, scene):
    for (pid, post), rec in expected_bars(store).items():
        b = bar(scene, NAMES[pid], POSTS[post])
        assert (b.rate, b.eligible, b.recommended, b.present) == (rec.rate, rec.eligible, rec.recommended, rec.present)


def test_live_tally_counts_ballots_for_their_group_and_typed_counts_for_the_others(store):
    scene = projector.live_tally(store)
    leaders = scene.groups[0]
    # no ballots and only zero counts typed: 唱票 (0 of 5) on the wall, as in the main window (issue 13)
    assert (leaders.label, leaders.by_ballot, leaders.counted, leaders.present) == ("局领导", True, 0, 5)
    assert [g.by_ballot for g in scene.groups[1:]] == [False, False, False]       # typed: 计数录入
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)})
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(INVALID), "1003": Mark(AGREE, "P2")})
    scene = projector.live_tally(store)
    assert (scene.groups[0].counted, scene.groups[0].present, scene.groups[0].by_ballot) == (2, 5, True)
    zm = bar(scene, "张明", "办公室科长")
    # 局领导 2 by ballot + 30 + 6 + 8 typed = 46 of 63 present
    assert zm.counts == (2, 30, 6, 8) and zm.recommended == 46 and zm.rate == Fraction(46, 63) and zm.eligible
    assert zm.rate_shown == Decimal("0.730")
    lh = bar(scene, "李华", "法规科科长")
    assert not lh.declared and lh.counts == (1, 10, 2, 3) and not lh.eligible
    assert_tally_matches_rules(store, scene)


def test_a_rate_of_exactly_one_third_is_eligible(store):
    # 李华 → 法规科科长: 0 + 14 + 2 + 3 = 19; one 局领导 ballot each time → 21 of 63 = 1/3 exactly (§十一(三))
    set_count(store, "1002", "P3", "staff", 14)
    save_ballot(store, "leaders", {"1002": Mark(SUGGEST, "P3")})
    assert not bar(projector.live_tally(store), "李华", "法规科科长").eligible     # 20/63
    save_ballot(store, "leaders", {"1002": Mark(SUGGEST, "P3")})
    b = bar(projector.live_tally(store), "李华", "法规科科长")
    assert b.rate == Fraction(1, 3) and b.eligible and b.rate_shown == Decimal("0.333")


def test_incremental_tally_agrees_with_a_fresh_one_after_an_undo(store):
    marks = [{"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P2")},
             {"1001": Mark(SUGGEST, "P3"), "1003": Mark(AGREE, "P2")},
             {"1002": Mark(AGREE, "P1"), "1003": Mark(SUGGEST, "P1")}]
    for m in marks:
        save_ballot(store, "leaders", m)
        projector.live_tally(store)
    undo_last_ballot(store, "leaders", expected_serial=3)
    warm = projector.live_tally(store)
    save_ballot(store, "leaders", marks[0])
    warm = projector.live_tally(store)
    projector_tally._caches.pop(store)
    fresh = projector.live_tally(store)
    assert warm == fresh
    assert warm.groups[0].counted == 3
    # 王芳 → 办公室科长 came only from the undone ballot: no longer on the wall
    assert not [b for b in warm.bars if (b.name, b.post) == ("王芳", "办公室科长")]
    assert bar(warm, "张明", "办公室科长").counts == (2, 30, 6, 8)
    assert_tally_matches_rules(store, warm)


def test_after_a_ballot_the_tally_reads_only_the_new_ballot(store):
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    projector.live_tally(store)
    save_ballot(store, "leaders", {"1001": Mark(AGREE, "P1")})
    statements = []
    listener = lambda conn, cursor, sql, params, context, many: statements.append((sql, params))  # noqa: E731
    event.listen(store.engine, "before_cursor_execute", listener)
    try:
        scene = projector.live_tally(store)
    finally:
        event.remove(store.engine, "before_cursor_execute", listener)
    assert bar(scene, "张明", "办公室科长").counts[0] == 2
    selects = [sql for sql, _ in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 10                      # one read transaction, a few narrow queries (one: numbers printed;
                                                   # one: the groups both read aloud and scanned, SPEC §12)
    ballot_reads = [p for sql, p in statements if "FROM ballots" in sql and "marks" in sql]
    assert len(ballot_reads) == 1 and 1 in tuple(ballot_reads[0])    # serial > 1: the new one only


# -- the chosen scene ------------------------------------------------------------------------------

def test_scene_choice_is_stored_logged_and_survives_a_restart(store, tmp_path):
    assert projector.projector_state(store) == projector.ProjectorState()
    assert projector.set_projector_scene(store, projector.SPEAKER, speaker=2).changes == Changed.PROJECTOR
    assert projector.set_blackout(store, True)
    assert projector.set_blackout(store, True).changes == Changed.NONE         # nothing to change, nothing logged
    with store.read() as s:
        logged = [r.new for r in s.execute(select(AuditLog).where(AuditLog.entity == "meta:projector")).scalars()]
    assert len(logged) == 2 and json.loads(json.loads(logged[-1])["value"])["blackout"] is True
    location = store.location
    store.close()
    again = Store.open(location, operator="李强")
    try:
        assert projector.projector_state(again) == projector.ProjectorState(projector.SPEAKER, draws.SPEECH_MEETING,
                                                                            2, True)
        assert again.verify().ok
    finally:
        again.close()


def test_bad_choices_are_refused(store):
    with pytest.raises(StoreError, match="没有"):
        projector.set_projector_scene(store, "slides")
    with pytest.raises(StoreError, match="会议"):
        projector.set_projector_scene(store, projector.DRAW, meeting="年会")
    with pytest.raises(StoreError, match="序号"):
        projector.set_projector_scene(store, projector.SPEAKER, speaker=-1)


def test_step_speaker_stays_within_the_order(store):
    projector.step_speaker(store, -1)
    assert projector.projector_state(store).speaker == 0
    for _ in range(5):
        projector.step_speaker(store, 1)
    state = projector.projector_state(store)
    assert state.scene == projector.SPEAKER and state.speaker == 2            # three speakers
    scene = projector.speaker_scene(store, state.speaker)
    assert (scene.position, scene.total, scene.next_name) == (3, 3, None)


def test_speaker_scene_shows_the_declared_posts_in_order(store):
    scene = projector.speaker_scene(store, 0)
    assert (scene.position, scene.total, scene.name, scene.posts, scene.next_name) == (1, 3, "张明", ("办公室科长",), "李华")
    assert not scene.drawn
    draws.program_draw(store, draws.SPEECH_MEETING, "4711")
    order = draws.speaking_order(store)
    scene = projector.speaker_scene(store, 0)
    assert scene.drawn and scene.name == NAMES[order[0]]


def test_a_corrupt_stored_state_falls_back_to_the_default(store):
    from app.models.schema import Meta
    with store.write("测试") as s:
        s.add(Meta(key=projector.PROJECTOR_KEY, value="{not json"))
    assert projector.projector_state(store) == projector.ProjectorState()
    with store.write("测试") as s:
        s.get(Meta, projector.PROJECTOR_KEY).value = json.dumps({"scene": "tally", "speaker": True, "meeting": 3})
    assert projector.projector_state(store) == projector.ProjectorState(scene="tally")


def test_every_group_shown_once_in_the_rules_order(store):
    assert [g.group for g in projector.live_tally(store).groups] == list(GROUPS)
