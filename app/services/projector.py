"""The projector (大屏): which scene the room sees, and what each scene shows.

OpenSlides' rule: the projector shows only what is published or public in the room. Every scene is
a frozen dataclass of *names, post names and numbers* — never a person's id, birth date or any
other roster field — so a painter cannot show what it was never given. What each scene may show:

- 抽签结果: a *recorded* draw only — position and name, the method, the seed and the list digest,
  and whether redoing the draw from its record agrees (复核一致).
- 当前演讲: the speaker's name, their declared posts (effective 报岗), n of N, the next speaker.
- 评分进度: per candidate how many judges have scored — never a judge's score; the trimmed mean
  only once every judge has scored that candidate and every score is confirmed.
- 定岗推荐唱票: the live count (唱票 is public in the room): per (candidate, post) the counts by
  voter group, the exact 推荐率 against the 1/3 line, and the ballots counted of those present.
- 结果: the composite ranking and the placements, only once 综合考评与人选 is *published*.
- 双向选择: the open phase and round, and per 科室 its 科长, this round's pick (name) / 放弃 / 待选
  and 已定岗 of 核定 — names only; before the 科长 are published a card 双向选择尚未开始.

The chosen scene (+ the meeting of 抽签结果, the speaker of 当前演讲, 黑屏) is one audited ``meta``
row ``projector`` (JSON), so a restart shows the same scene and every switch is in the log.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.ballots import AGREE, SUGGEST
from ..core.declarations import effective_declaration
from ..core.draw import MEETINGS
from ..core.numbers import ScoreError, ratio, round_score
from ..core.recommendation import recommendation
from ..core.scheme import GROUPS, Scheme
from ..core.scoring import trimmed_mean
from ..models.schema import Ballot, Declaration, Meta, Person, Post, Presence, RecCount
from . import declarations, draws, roster, scores, selection, stages
from ._put import put
from .store import Changed, Store, StoreError

DRAW, SPEAKER, SCORING, TALLY, RESULTS = "draw", "speaker", "scoring", "tally", "results"
SELECTION = "selection"
SCENES = (DRAW, SPEAKER, SCORING, TALLY, RESULTS, SELECTION)
SCENE_LABELS = {DRAW: "抽签结果", SPEAKER: "当前演讲", SCORING: "评分进度", TALLY: "定岗推荐唱票", RESULTS: "结果",
                SELECTION: "双向选择"}
PROJECTOR_KEY = "projector"

# A switch of scene is a settings change, like set_double_entry: STAGES until the store grows a flag
# of its own (then that one is used, and the tabs no longer redraw for a switch of scene).
PROJECTOR_CHANGED: Changed = getattr(Changed, "PROJECTOR", Changed.STAGES)

# What each scene is drawn from: the projector rebuilds a scene only for these changes.
SCENE_WATCHES: dict[str, Changed] = {
    DRAW: Changed.DRAW | Changed.ROSTER | Changed.DECLARATIONS,
    SPEAKER: Changed.DRAW | Changed.ROSTER | Changed.DECLARATIONS,
    SCORING: Changed.SPEECH | Changed.DRAW | Changed.ROSTER | Changed.DECLARATIONS | Changed.SCHEME,
    TALLY: Changed.BALLOTS | Changed.ROSTER | Changed.DECLARATIONS | Changed.SCHEME,
    RESULTS: Changed.ALL,
    SELECTION: Changed.ROSTER | Changed.STAGES,    # selection writes return ROSTER; publication is STAGES
}

GROUP_SHORT = {"leaders": "局领导", "staff": "其他行政", "unit_heads": "事业单位", "county_chiefs": "县局长"}
"""Voter groups as the wall names them (short enough for a 1024×768 projector)."""


# -- the chosen scene ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectorState:
    scene: str = DRAW
    meeting: str = draws.SPEECH_MEETING    # the meeting whose draw 抽签结果 shows
    speaker: int = 0                       # 当前演讲: index into the speaking order, from 0
    blackout: bool = False                 # 黑屏

    def to_json(self) -> str:
        return json.dumps({"scene": self.scene, "meeting": self.meeting, "speaker": self.speaker,
                           "blackout": self.blackout}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> "ProjectorState":
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        scene = data.get("scene") if data.get("scene") in SCENES else DRAW
        meeting = data.get("meeting") if data.get("meeting") in MEETINGS else draws.SPEECH_MEETING
        speaker = data.get("speaker")
        speaker = speaker if isinstance(speaker, int) and not isinstance(speaker, bool) and speaker >= 0 else 0
        return cls(scene, meeting, speaker, bool(data.get("blackout", False)))


def projector_state(store: Store) -> ProjectorState:
    with store.read() as s:
        row = s.get(Meta, PROJECTOR_KEY)
        return ProjectorState.from_json(row.value if row else None)


def _update_state(store: Store, change: Callable[[ProjectorState], ProjectorState], reason: str) -> Changed:
    """Apply ``change`` to the stored state inside one write (two laptops cannot lose a switch)."""
    with store.write(reason) as s:
        row = s.get(Meta, PROJECTOR_KEY)
        old = ProjectorState.from_json(row.value if row else None)
        new = change(old)
        if row is not None and new == old:
            return Changed.NONE
        put(s, Meta, {"key": PROJECTOR_KEY}, {"value": new.to_json()})
    return PROJECTOR_CHANGED


def set_projector_scene(store: Store, scene: str, *, meeting: str | None = None, speaker: int | None = None,
                        blackout: bool | None = None) -> Changed:
    """Show ``scene`` on the wall (logged). Options left out keep their stored value."""
    if scene not in SCENES:
        raise StoreError(f"大屏没有“{scene}”这一画面")
    if meeting is not None and meeting not in MEETINGS:
        raise StoreError(f"没有“{meeting}”这一会议；抽签会议为 {'、'.join(MEETINGS)}")
    if speaker is not None and (isinstance(speaker, bool) or not isinstance(speaker, int) or speaker < 0):
        raise StoreError("演讲人序号须为非负整数")

    def change(old: ProjectorState) -> ProjectorState:
        return replace(old, scene=scene, meeting=meeting if meeting is not None else old.meeting,
                       speaker=speaker if speaker is not None else old.speaker,
                       blackout=blackout if blackout is not None else old.blackout)
    return _update_state(store, change, f"大屏：{SCENE_LABELS[scene]}" + ("（黑屏）" if blackout else ""))


def set_blackout(store: Store, on: bool) -> Changed:
    """黑屏 (on) or back to the scene (off)."""
    return _update_state(store, lambda old: replace(old, blackout=bool(on)), "大屏：黑屏" if on else "大屏：恢复显示")


def step_speaker(store: Store, step: int) -> Changed:
    """当前演讲: the next (+1) or previous (−1) speaker, kept within the speaking order."""
    last = max(len(draws.speaking_order(store)) - 1, 0)
    return _update_state(store, lambda old: replace(old, scene=SPEAKER, speaker=min(max(old.speaker + step, 0), last)),
                         "大屏：当前演讲" + ("下一位" if step > 0 else "上一位"))


# -- the scenes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawLine:
    position: int
    name: str


@dataclass(frozen=True)
class DrawScene:
    meeting: str
    recorded: bool                 # False: nothing drawn yet — the wall says so and shows no order
    method: str = ""               # 程序抽签 / 纸签
    seed: str | None = None
    list_digest: str = ""
    verified: bool | None = None   # redoing the draw from its record agrees (None: not checked)
    lines: tuple[DrawLine, ...] = ()


@dataclass(frozen=True)
class SpeakerScene:
    drawn: bool                    # the order comes from a recorded draw (else roster order)
    position: int                  # n of N, from 1 (0 when nobody speaks)
    total: int
    name: str | None
    posts: tuple[str, ...]         # declared posts' names, first choice first
    next_name: str | None


@dataclass(frozen=True)
class ScoringLine:
    position: int
    name: str
    scored: int                    # judges who have scored this candidate
    confirmed: bool                # every judge scored and every score confirmed
    mean: Decimal | None           # the trimmed mean — only when ``confirmed``


@dataclass(frozen=True)
class ScoringScene:
    judges: int
    trim: int
    lines: tuple[ScoringLine, ...]


@dataclass(frozen=True)
class GroupProgress:
    group: str                     # voter group key (leaders …) — a label, not a person
    label: str
    counted: int                   # ballots counted (唱票) — or, for a typed group, 0
    present: int
    by_ballot: bool                # False: this group's counts were typed (计数录入)


@dataclass(frozen=True)
class TallyBar:
    """One (candidate, post) on the 唱票 wall. The 推荐率 comes from
    :func:`app.core.recommendation.recommendation`, computed when first asked for — the wall asks
    only for the page it shows, so a ballot marking every candidate does not redo them all at once."""

    name: str
    post: str
    declared: bool
    counts: tuple[int, ...]        # per voter group, in GROUPS order
    present_by_group: tuple[int, ...]
    scheme: Scheme = field(repr=False, compare=False)

    @property
    def recommended(self) -> int:
        return sum(self.counts)

    @property
    def present(self) -> int:
        return sum(self.present_by_group)

    @cached_property
    def _rule(self) -> tuple[Fraction | None, bool]:
        try:
            rec = recommendation(dict(zip(GROUPS, self.present_by_group)), dict(zip(GROUPS, self.counts)),
                                 self.scheme)
            return rec.rate, rec.eligible
        except ScoreError:         # nobody present yet, or a count above those present
            return (ratio(self.recommended, self.present) if self.present else None), False

    @property
    def rate(self) -> Fraction | None:
        """The exact 推荐率 (None while nobody is present)."""
        return self._rule[0]

    @property
    def eligible(self) -> bool:
        """推荐率 ≥ threshold (§十一(三))."""
        return self._rule[1]

    @property
    def rate_shown(self) -> Decimal | None:
        """Three decimals, as on the sheets."""
        return round_score(self.rate) if self.rate is not None else None


@dataclass(frozen=True)
class TallyScene:
    threshold: Fraction
    groups: tuple[GroupProgress, ...]
    bars: tuple[TallyBar, ...]
    ballots: int                   # valid paper ballots counted, all groups

    @property
    def counted(self) -> int:
        return sum(g.counted for g in self.groups if g.by_ballot)

    @property
    def present(self) -> int:
        return sum(g.present for g in self.groups)


@dataclass(frozen=True)
class ResultLine:
    rank: int
    name: str
    composite: Decimal
    placed: bool


@dataclass(frozen=True)
class ResultPost:
    post: str
    lines: tuple[ResultLine, ...]
    outcome: str                   # 人选：张明 / 缺位 / 待定 …


@dataclass(frozen=True)
class ResultsScene:
    published: bool
    posts: tuple[ResultPost, ...] = ()
    note: str | None = None        # 结果尚未公布 / 暂不能显示


PICK_PASS, PICK_WAITING = "放弃", "待选"


@dataclass(frozen=True)
class SelectionLine:
    office: str                    # 科室 name (Post.office, else the post's name)
    chief: str                     # the 科长's name
    pick: str                      # this round's pick (a name) / 放弃 / 待选
    acted: bool                    # picked or passed in the open round
    seated: int                    # 已定岗 (科长除外)
    headcount: int                 # 核定人数 (科长除外)


@dataclass(frozen=True)
class SelectionScene:
    started: bool                  # False: 科长 not published (or the selection cannot be shown)
    phase: str = ""                # 科员定岗 / 事业人员补充
    round_no: int = 0
    lines: tuple[SelectionLine, ...] = ()
    note: str | None = None        # 双向选择尚未开始 / 暂不能显示


Scene = DrawScene | SpeakerScene | ScoringScene | TallyScene | ResultsScene | SelectionScene


# -- builders -----------------------------------------------------------------------------------------

def _names(store: Store) -> dict[str, str]:
    return {p.id: p.name for p, _ in roster.list_people(store)}


def _post_names(store: Store) -> dict[str, str]:
    return {p.id: p.name for p in roster.list_posts(store)}


def draw_scene(store: Store, meeting: str = draws.SPEECH_MEETING) -> DrawScene:
    """抽签结果 from the *recorded* draw only: nothing is shown before the draw is stored."""
    record = draws.current_draw(store, meeting)
    if record is None:
        return DrawScene(meeting, False)
    names = _names(store)
    try:
        verified = not draws.verify_recorded(store, meeting)
    except StoreError:
        verified = False
    lines = tuple(DrawLine(e.position, names.get(e.person, "（已不在名单）")) for e in record.order)
    return DrawScene(meeting, True, draws.METHOD_LABELS.get(record.method, record.method),
                     record.seed if record.method == draws.PROGRAM else None, record.list_digest, verified, lines)


def _declared_posts(store: Store) -> dict[str, tuple[str, ...]]:
    return {pid: effective_declaration(rounds) for pid, rounds in declarations.declarations(store).items()}


def speaker_scene(store: Store, index: int) -> SpeakerScene:
    order = draws.speaking_order(store)
    drawn = draws.current_draw(store, draws.SPEECH_MEETING) is not None
    if not order:
        return SpeakerScene(drawn, 0, 0, None, (), None)
    index = min(max(index, 0), len(order) - 1)
    names, posts = _names(store), _post_names(store)
    declared = _declared_posts(store).get(order[index], ())
    nxt = names.get(order[index + 1]) if index + 1 < len(order) else None
    return SpeakerScene(drawn, index + 1, len(order), names.get(order[index], ""),
                        tuple(posts.get(p, p) for p in declared), nxt)


def scoring_scene(store: Store) -> ScoringScene:
    """评分进度: how many judges have scored; the trimmed mean once all have and all are confirmed."""
    trim = store.scheme().speech_trim
    judges = [j.id for j in scores.list_judges(store)]
    stored = scores.speech_scores(store)
    names = _names(store)
    lines = []
    for i, pid in enumerate(draws.speaking_order(store), start=1):
        mine = {j: v for j, v in stored.get(pid, {}).items() if j in judges}
        done = bool(judges) and len(mine) == len(judges) and all(st == "confirmed" for _, st, _ in mine.values())
        mean = None
        if done and len(mine) >= 2 * trim + 1:
            mean = trimmed_mean([mine[j][0] for j in judges], trim).mean
        lines.append(ScoringLine(i, names.get(pid, ""), len(mine), mean is not None, mean))
    return ScoringScene(len(judges), trim, tuple(lines))


def results_scene(store: Store) -> ResultsScene:
    """结果: only when 综合考评与人选 is published (OpenSlides: the projector shows the published)."""
    if stages.stage_states(store).get("assignment") != "published":
        return ResultsScene(False, (), "结果尚未公布")
    from .campaign_io import compute_results
    try:
        _, results = compute_results(store)
    except StoreError:
        return ResultsScene(True, (), "结果暂不能显示")
    names = {p.id: p.name for p in results.people}
    post_names = _post_names(store)
    a = results.assignment
    placed = {(x.person, x.post) for x in a.placements}
    out = []
    for post, post_name in post_names.items():
        ranked = sorted((x for x in results.pairs if x.post == post and x.composite is not None),
                        key=lambda x: (-x.composite, names.get(x.person, "")))
        lines, rank = [], 0
        for i, x in enumerate(ranked):
            if i == 0 or x.composite != ranked[i - 1].composite:
                rank = i + 1
            lines.append(ResultLine(rank, names.get(x.person, ""), x.composite, (x.person, post) in placed))
        chosen = [names.get(x.person, "") for x in a.placements if x.post == post]
        tied = [u for u in a.undecided if u.post == post]
        if chosen:
            outcome = "人选：" + "、".join(chosen)
        elif tied:
            outcome = "待定：提请党组研究决定"
        elif post in a.vacant:
            outcome = "缺位，待下一轮竞岗"
        else:
            outcome = "暂未确定"
        out.append(ResultPost(post_name, tuple(lines), outcome))
    return ResultsScene(True, tuple(out), None)


# -- the live tally (唱票): fast, incremental ------------------------------------------------------------

@dataclass
class _TallyCache:
    """Decoded ballots, tallied once: a new ballot is added, not re-read (serials only grow, a ballot
    is only ever discarded), so a save costs one new row, not a re-tally of every paper; and only the
    bars of the pairs that ballot marked are built again."""

    fingerprint: tuple[int, int] = (0, 0)      # (valid ballots, Σ serial): any change of the valid set moves it
    last_serial: int = 0
    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)   # (person, post) → per group
    per_group: list[int] = field(default_factory=lambda: [0] * len(GROUPS))
    dirty: set[tuple[str, str]] = field(default_factory=set)                # pairs whose counts moved
    context: tuple | None = None               # everything else a bar depends on (roster, posts, presence …)
    order: tuple[tuple[str, str], ...] = ()
    bars: dict[tuple[str, str], "TallyBar"] = field(default_factory=dict)
    person_keys: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    roster: tuple | None = None                # (people, posts, declarations key, declarations)
    scheme: Scheme | None = None


_caches: "weakref.WeakKeyDictionary[Store, _TallyCache]" = weakref.WeakKeyDictionary()
_GROUP_INDEX = {g: i for i, g in enumerate(GROUPS)}
_COUNTED = (AGREE, SUGGEST)     # core.ballots.tally counts these marks; blank / invalid count nothing


def _add_ballot(cache: _TallyCache, group: str, marks_json: str) -> None:
    gi = _GROUP_INDEX[group]
    cache.per_group[gi] += 1
    counts, dirty = cache.counts, cache.dirty
    for person, code in json.loads(marks_json).items():
        kind, _, post = code.partition(":")          # Mark.decode, without building a Mark per mark
        if post and kind in _COUNTED:
            key = (person, post)
            row = counts.get(key)
            if row is None:
                row = counts[key] = [0] * len(GROUPS)
            row[gi] += 1
            dirty.add(key)


def _refresh_ballots(s: Session, cache: _TallyCache) -> bool:
    """Bring the tally up to the stored ballots; True when it was redone from the start."""
    n, total = s.execute(select(func.count(), func.coalesce(func.sum(Ballot.serial), 0))
                         .where(Ballot.status == "valid")).one()
    old_n, old_total = cache.fingerprint
    if (n, total) == (old_n, old_total):
        return False
    new = []
    if n > old_n:
        new = s.execute(select(Ballot.serial, Ballot.group, Ballot.marks)
                        .where(Ballot.status == "valid", Ballot.serial > cache.last_serial)
                        .order_by(Ballot.serial)).all()
    restart = not new or old_n + len(new) != n or old_total + sum(r.serial for r in new) != total
    if restart:
        # A ballot was discarded (撤销上一张): tally again from the start.
        cache.counts, cache.per_group, cache.last_serial = {}, [0] * len(GROUPS), 0
        new = s.execute(select(Ballot.serial, Ballot.group, Ballot.marks)
                        .where(Ballot.status == "valid").order_by(Ballot.serial)).all()
    for row in new:
        _add_ballot(cache, row.group, row.marks)
    cache.fingerprint = (n, total)
    cache.last_serial = max([cache.last_serial, *(r.serial for r in new)])
    return restart


_ROSTER_FLAGS = Changed.ROSTER | Changed.DECLARATIONS


def live_tally(store: Store, changed: Changed = Changed.ALL) -> TallyScene:
    """定岗推荐唱票 as it stands: one read transaction, a handful of narrow queries, the ballots
    tallied incrementally. Counts follow :func:`app.services.ballots.merged_counts`: a group with
    ballots is counted from its ballots, any other group from its typed counts.

    ``changed`` is what changed since the last call (the ``Workbench.changed`` flags): the names,
    posts and declarations are read again only after a ROSTER or DECLARATIONS change, the scheme
    only after a SCHEME change; the ballots, presence and typed counts are always read."""
    cache = _caches.get(store)
    if cache is None:
        cache = _caches[store] = _TallyCache()
    with store.read() as s:
        if cache.scheme is None or changed & Changed.SCHEME:
            cache.scheme = store.scheme_in(s)
        scheme = cache.scheme
        restarted = _refresh_ballots(s, cache)
        presence = dict(map(tuple, s.execute(select(Presence.group, Presence.present))))
        if cache.roster is None or changed & _ROSTER_FLAGS:
            people = tuple(map(tuple, s.execute(select(Person.id, Person.name).order_by(Person.sort, Person.id))))
            post_rows = tuple(map(tuple, s.execute(select(Post.id, Post.name).order_by(Post.sort, Post.id))))
            rounds: dict[str, list[tuple[str, ...]]] = {}
            for pid, posts in s.execute(select(Declaration.person_id, Declaration.posts)
                                        .order_by(Declaration.person_id, Declaration.round_no)):
                rounds.setdefault(pid, []).append(tuple(p for p in posts.split(",") if p))
            declared = {pid: effective_declaration(r) for pid, r in rounds.items()}
            fresh = (people, post_rows, tuple(sorted(declared.items())))
            if fresh != (cache.roster or ())[:3]:
                cache.roster = (*fresh, declared)
        people, post_rows, _, declared = cache.roster
        by_ballot = tuple(g for g in GROUPS if cache.per_group[_GROUP_INDEX[g]])
        typed_groups = [g for g in GROUPS if g not in by_ballot]
        typed_rows: tuple = ()
        if typed_groups:
            typed_rows = tuple(map(tuple, s.execute(
                select(RecCount.person_id, RecCount.post_id, RecCount.group, RecCount.count)
                .where(RecCount.group.in_(typed_groups))
                .order_by(RecCount.person_id, RecCount.post_id, RecCount.group))))
    present = tuple(presence.get(g, 0) for g in GROUPS)
    # the roster part compares by identity when it was not read again
    context = (cache.roster, present, by_ballot, typed_rows, scheme)
    groups = tuple(GroupProgress(g, GROUP_SHORT[g], cache.per_group[_GROUP_INDEX[g]] if g in by_ballot else 0,
                                 presence.get(g, 0), g in by_ballot) for g in GROUPS)

    ballot_mask = tuple(g in by_ballot for g in GROUPS)
    zero = (0,) * len(GROUPS)
    typed: dict[tuple[str, str], list[int]] = {}
    for pid, post, group, n in typed_rows:
        typed.setdefault((pid, post), [0] * len(GROUPS))[_GROUP_INDEX[group]] = n

    def row_of(key: tuple[str, str]) -> tuple[int, ...]:
        counted, keyed = cache.counts.get(key), typed.get(key)
        if counted is None and keyed is None:
            return zero
        return tuple((counted[i] if counted else 0) if m else (keyed[i] if keyed else 0)
                     for i, m in enumerate(ballot_mask))

    names = dict(people)
    post_name = dict(post_rows)
    rebuild = restarted or context != cache.context
    new_pairs = {k for k in cache.dirty if k not in cache.bars}
    if rebuild or new_pairs:
        # The order of the wall: roster order; each person's declared posts first (their order),
        # then any post suggested for them (post order). Stable while the ballots come in; only the
        # people a ballot gave a new pair are ordered again.
        post_order = {p: i for i, (p, _) in enumerate(post_rows)}
        if rebuild:
            cache.person_keys = {}
            touched = set(names)
        else:
            touched = {pid for pid, _ in new_pairs}
        suggested: dict[str, set[str]] = {}
        for pid, post in (*cache.counts, *typed):
            if pid in touched and post not in declared.get(pid, ()):
                suggested.setdefault(pid, set()).add(post)
        for pid in touched:
            extra = sorted((p for p in suggested.get(pid, ()) if any(row_of((pid, p)))),
                           key=lambda p: (post_order.get(p, len(post_order)), p))
            cache.person_keys[pid] = tuple((pid, p) for p in (*declared.get(pid, ()), *extra))
        cache.order = tuple(k for pid, _ in people for k in cache.person_keys.get(pid, ()))
    if rebuild:
        cache.bars = {}
        todo = cache.order
    else:
        todo = [k for k in cache.dirty if k in cache.bars or k in new_pairs]
    for key in todo:
        pid, post = key
        cache.bars[key] = TallyBar(names.get(pid, ""), post_name.get(post, post), post in declared.get(pid, ()),
                                   row_of(key), present, scheme)
    cache.dirty = set()
    cache.context = context
    bars = tuple(cache.bars[k] for k in cache.order)
    return TallyScene(scheme.threshold, groups, bars, sum(cache.per_group))


def selection_scene(store: Store) -> SelectionScene:
    """双向选择: the open round, per 科室 its 科长 and this round's pick — names only, never an id."""
    try:
        state = selection.load_state(store)
        chiefs = selection.chiefs(store)
    except StoreError as err:
        if "科长人选尚未公布" in str(err):
            return SelectionScene(False, note="双向选择尚未开始")
        return SelectionScene(False, note="暂不能显示")   # the message may name ids: not on the wall
    names = _names(store)
    posts = {p.id: p for p in roster.list_posts(store)}
    acted = state.acted()
    lines = []
    for o in state.offices:
        post = posts.get(o.name)
        office = (post.office or post.name) if post is not None else ""
        action = acted.get(o.name)
        if action is None:
            pick = PICK_WAITING
        elif action.person is None:
            pick = PICK_PASS
        else:
            pick = names.get(action.person, "")
        lines.append(SelectionLine(office, names.get(chiefs.get(o.chief, chiefs.get(o.name, "")), ""), pick,
                                   action is not None, state.seated(o.name), o.headcount))
    return SelectionScene(True, selection.PHASE_LABELS.get(state.phase, ""), state.round_no, tuple(lines))


def build_scene(store: Store, state: ProjectorState, changed: Changed = Changed.ALL) -> Scene:
    """The data of the chosen scene, read from the store (``changed``: what changed since the last
    build of this scene, when the caller knows — the live tally then reads less)."""
    if state.scene == DRAW:
        return draw_scene(store, state.meeting)
    if state.scene == SPEAKER:
        return speaker_scene(store, state.speaker)
    if state.scene == SCORING:
        return scoring_scene(store)
    if state.scene == TALLY:
        return live_tally(store, changed)
    if state.scene == SELECTION:
        return selection_scene(store)
    return results_scene(store)
