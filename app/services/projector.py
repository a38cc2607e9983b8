"""The projector (大屏): which scene the room sees, and what each scene shows.

OpenSlides' rule: the projector shows only what is published or public in the room. Every scene is
a frozen dataclass of *names, post names and numbers* — never a person's id, birth date or any
other roster field — so a painter cannot show what it was never given. What each scene may show:

- 抽签结果: a *recorded* draw only — position and name, the method, the seed and the list digest,
  and whether redoing the draw from its record agrees (复核一致). Before the draw: the candidate
  list fixed for it (names only, no order) and its digest, waiting for the seed (SPEC §5 step 1).
- 当前演讲: the speaker's name, their declared posts (effective 报岗), n of N, the next speaker.
- 评分进度: per candidate how many judges have scored — never a judge's score; the trimmed mean
  only once every judge has scored that candidate and every score is confirmed.
- 定岗推荐唱票: the live count (唱票 is public in the room): per (candidate, post) the counts by
  voter group, the exact 推荐率 against the 1/3 line, and the ballots counted of those present.
- 结果: the composite ranking and the placements, only once 综合考评与人选 is *published*, and then from
  the snapshot its publication stored (SPEC §9: published means frozen) — never recomputed; withdrawn
  (已撤回, an unlock of a stage it draws on) the wall says so until it is published again.
- 封签: the last seal — what was locked, published, unlocked or closed — and its 摘要码 (SPEC §9), large,
  for the 监督组 to note; the window switches to it after each seal.
- 双向选择: the open phase and round, and per 科室 its 科长, this round's pick (name) / 放弃 / 待选
  and 已定岗 of 核定 — names only; before the 科长 are published a card 双向选择尚未开始.

The chosen scene (+ the meeting of 抽签结果, the speaker of 当前演讲, 黑屏) is one audited ``meta``
row ``projector`` (JSON), so a restart shows the same scene and every switch is in the log.

The live tally (定岗推荐唱票) is :mod:`app.services.projector_tally`; its names are re-exported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable

from ..core.declarations import effective_declaration
from ..core.draw import MEETINGS
from ..core.scoring import trimmed_mean
from ..models.schema import Meta, Person
from . import declarations, draws, roster, scores, selection, stages
from ._put import put
from .projector_tally import GROUP_SHORT, GroupProgress, TallyBar, TallyScene, live_tally  # noqa: F401 (re-export)
from .store import Changed, ConflictError, Store, StoreError, Wrote

DRAW, SPEAKER, SCORING, TALLY, RESULTS = "draw", "speaker", "scoring", "tally", "results"
SELECTION, SEAL = "selection", "seal"
SCENES = (DRAW, SPEAKER, SCORING, TALLY, RESULTS, SELECTION, SEAL)
SCENE_LABELS = {DRAW: "抽签结果", SPEAKER: "当前演讲", SCORING: "评分进度", TALLY: "定岗推荐唱票", RESULTS: "结果",
                SELECTION: "双向选择", SEAL: "封签"}
PROJECTOR_KEY = "projector"

# A switch of scene changes no data: its own flag, so no tab redraws for it (F8 does not reload a tab).
PROJECTOR_CHANGED: Changed = Changed.PROJECTOR

# What each scene is drawn from: the projector rebuilds a scene only for these changes.
SCENE_WATCHES: dict[str, Changed] = {
    DRAW: Changed.DRAW | Changed.ROSTER | Changed.DECLARATIONS,
    SPEAKER: Changed.DRAW | Changed.ROSTER | Changed.DECLARATIONS,
    SCORING: Changed.SPEECH | Changed.DRAW | Changed.ROSTER | Changed.DECLARATIONS | Changed.SCHEME,
    TALLY: Changed.BALLOTS | Changed.ROSTER | Changed.DECLARATIONS | Changed.SCHEME,
    RESULTS: Changed.ALL & ~Changed.PROJECTOR,
    # the moves; names and 核定人数 (ROSTER); publication (STAGES); and what fixes the 科长 (the results)
    SELECTION: (Changed.SELECTION | Changed.ROSTER | Changed.STAGES | Changed.SCORES | Changed.DECLARATIONS
                | Changed.SPEECH | Changed.BALLOTS | Changed.SCHEME),
    SEAL: Changed.STAGES,
}


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


def _speaker_words(store: Store, s, index: int) -> str:
    order = draws.speaking_order(store)
    if not order:
        return "（尚无演讲人）"
    index = min(max(index, 0), len(order) - 1)
    person = s.get(Person, order[index])
    return f"第 {index + 1} 位 {person.name if person else ''}".rstrip()


def _describe(store: Store, s, state: ProjectorState) -> str:
    if state.blackout:
        return "大屏：黑屏"
    if state.scene == SPEAKER:
        return f"大屏：当前演讲 {_speaker_words(store, s, state.speaker)}"
    if state.scene == DRAW:
        return f"大屏：抽签结果（{state.meeting}）"
    return f"大屏：{SCENE_LABELS[state.scene]}"


def _update_state(store: Store, change: Callable[[ProjectorState], ProjectorState], reason: str, *,
                  seen: Callable[[ProjectorState], bool] | None = None) -> Wrote:
    """Apply ``change`` to the stored state inside one write (two laptops cannot lose a switch).
    ``seen``: whether the stored state is still the one the clerk acted on (else a conflict naming who)."""
    with store.write(reason) as s:
        row = s.get(Meta, PROJECTOR_KEY)
        old = ProjectorState.from_json(row.value if row else None)
        new = change(old)
        if row is not None and new == old:
            return Wrote(Changed.NONE, label=_describe(store, s, new), entity=f"meta:{PROJECTOR_KEY}",
                         value=new.to_json(), version=row.version, result=new)
        if seen is not None and not seen(old):
            from .history import last_writer
            who, when = last_writer(s, f"meta:{PROJECTOR_KEY}")
            raise ConflictError(f"大屏已被 {who} 于 {when} 切换为“{_describe(store, s, old).removeprefix('大屏：')}”，"
                                "您的切换未执行；请核对后再按")
        row, _ = put(s, Meta, {"key": PROJECTOR_KEY}, {"value": new.to_json()})
        s.flush()
        wrote = Wrote(PROJECTOR_CHANGED, label=_describe(store, s, new), entity=f"meta:{PROJECTOR_KEY}",
                      value=new.to_json(), version=row.version, result=new)
    return Wrote(wrote.changes, wrote.label, wrote.entity, wrote.value, wrote.version, store.last_write, wrote.result)


def set_projector_scene(store: Store, scene: str, *, meeting: str | None = None, speaker: int | None = None,
                        blackout: bool | None = None) -> Wrote:
    """Show ``scene`` on the wall (logged). Options left out keep their stored value. ``Wrote.result``
    is the new :class:`ProjectorState`."""
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


def set_blackout(store: Store, on: bool) -> Wrote:
    """黑屏 (on) or back to the scene (off)."""
    return _update_state(store, lambda old: replace(old, blackout=bool(on)), "大屏：黑屏" if on else "大屏：恢复显示")


def step_speaker(store: Store, step: int, *, seen: int | None = None) -> Wrote:
    """当前演讲: the next (+1) or previous (−1) speaker, kept within the speaking order.

    ``seen``: the speaker the clerk saw (index from 0). Two laptops pressing F8 for the same speaker
    move the wall once; a laptop that saw an older speaker gets a conflict naming who moved it on."""
    last = max(len(draws.speaking_order(store)) - 1, 0)

    def target(old: ProjectorState) -> int:
        base = old.speaker if seen is None else seen
        return min(max(base + step, 0), last)

    def change(old: ProjectorState) -> ProjectorState:
        return replace(old, scene=SPEAKER, speaker=target(old))

    def unchanged(old: ProjectorState) -> bool:
        return seen is None or old.speaker == seen

    return _update_state(store, change, "大屏：当前演讲" + ("下一位" if step > 0 else "上一位"), seen=unchanged)


# -- the scenes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawLine:
    position: int
    name: str


@dataclass(frozen=True)
class DrawScene:
    meeting: str
    recorded: bool                 # False: not drawn yet — the fixed list (names, roster order) and its
                                   # digest, waiting for the seed (SPEC §5 step 1); no order, no seed
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


@dataclass(frozen=True)
class SealScene:
    label: str = ""                # 已公布：综合考评与人选
    code: str = ""                 # 3F2A-91C0-7B44-E1D9
    n: int = 0
    note: str | None = None        # 尚无封签


Scene = DrawScene | SpeakerScene | ScoringScene | TallyScene | ResultsScene | SelectionScene | SealScene


# -- builders -----------------------------------------------------------------------------------------

def _names(store: Store) -> dict[str, str]:
    return {p.id: p.name for p, _ in roster.list_people(store)}


def _post_names(store: Store) -> dict[str, str]:
    return {p.id: p.name for p in roster.list_posts(store)}


def draw_scene(store: Store, meeting: str = draws.SPEECH_MEETING) -> DrawScene:
    """抽签结果 from the *recorded* draw only. Before it, the candidate list fixed for the draw (names
    only, roster order — no position) with its digest, so the room sees the digest before the seed."""
    record = draws.current_draw(store, meeting)
    names = _names(store)
    if record is None:
        ids, digest = draws.fix_list(store, meeting)
        return DrawScene(meeting, False, list_digest=digest if ids else "",
                         lines=tuple(DrawLine(0, names.get(pid, "")) for pid in ids))
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
    """结果: only when 综合考评与人选 is published, from its publication's snapshot (OpenSlides: the
    projector shows the published; SPEC §9: published means frozen)."""
    from .snapshots import published_snapshot, withdrawn_stages
    if stages.stage_states(store).get("assignment") != "published":
        if "assignment" in withdrawn_stages(store):
            return ResultsScene(False, (), RESULTS_WITHDRAWN)
        return ResultsScene(False, (), "结果尚未公布")
    try:
        snap = published_snapshot(store, "assignment")
        campaign, results = snap.campaign, snap.results
        names = {p["id"]: p["name"] for p in campaign["people"]}
        post_names = {p["id"]: p["name"] for p in campaign["posts"]}
        pairs = [(x["person"], x["post"], Decimal(x["composite"])) for x in results["pairs"]
                 if x.get("composite") is not None]
        placements = [(a["person"], a["post"]) for a in results["assignment"]]
        tied_posts = {u["post"] for u in results["undecided"] if u.get("post")}
        vacant = set(results["vacant"])
    except (StoreError, KeyError, TypeError, ValueError, ArithmeticError):
        return ResultsScene(True, (), "结果暂不能显示")
    placed = set(placements)
    out = []
    for post, post_name in post_names.items():
        ranked = sorted((x for x in pairs if x[1] == post), key=lambda x: (-x[2], names.get(x[0], "")))
        lines, rank = [], 0
        for i, (person, _, score) in enumerate(ranked):
            if i == 0 or score != ranked[i - 1][2]:
                rank = i + 1
            lines.append(ResultLine(rank, names.get(person, ""), score, (person, post) in placed))
        chosen = [names.get(person, "") for person, p in placements if p == post]
        if chosen:
            outcome = "人选：" + "、".join(chosen)
        elif post in tied_posts:
            outcome = "待定：提请党组研究决定"
        elif post in vacant:
            outcome = "缺位，待下一轮竞岗"
        else:
            outcome = "暂未确定"
        out.append(ResultPost(post_name, tuple(lines), outcome))
    return ResultsScene(True, tuple(out), None)


RESULTS_WITHDRAWN = "结果已撤回"
"""综合考评与人选 was published, then withdrawn by an unlock of a stage it draws on (SPEC §9)."""


def seal_scene(store: Store) -> SealScene:
    """封签: the last seal and its 摘要码 (the head after the seal row)."""
    from ..core.seal import code_digits
    from .seals import last_seal
    record = last_seal(store)
    if record is None:
        return SealScene(note="尚无封签")
    return SealScene("已" + record.label.replace(" ", "：", 1), code_digits(record.head), record.seq)


def selection_scene(store: Store) -> SelectionScene:
    """双向选择: the open round, per 科室 its 科长 and this round's pick — names only, never an id."""
    from . import selection   # with the results it computes from: not loaded at start
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
    if state.scene == SEAL:
        return seal_scene(store)
    return results_scene(store)
