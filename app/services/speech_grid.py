"""The 竞岗演讲评分 grid as the tab shows it (§十): candidates in speaking order × judges, each row
with its count, the dropped highest/lowest scores and the trimmed mean — computed here, once, so the
view only shows rows (Anki's ``browser_row_for_id``).

In double-entry mode a first entry that another clerk typed and nobody confirmed yet is *hidden*
(the second clerk types blind), and so are that row's dropped marks and mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.declarations import effective_declaration
from ..core.scheme import Scheme
from ..core.scoring import trimmed_mean
from ..models.schema import Declaration, Judge, Meta, Person, Post, SpeechScore
from . import declarations, draws, roster, scores
from .scores import JudgeRow
from .store import Store


@dataclass(frozen=True)
class SpeechCell:
    value: str               # as stored, as shown
    status: str              # entered / confirmed
    version: int
    entered_by: str
    hidden: bool = False     # double entry: another clerk's unconfirmed entry, typed blind here


@dataclass(frozen=True)
class SpeechGridRow:
    person: str
    name: str
    posts: str                                    # 申报岗位 (effective declaration), names joined
    cells: dict[str, SpeechCell] = field(default_factory=dict)
    high: tuple[str, ...] = ()                    # judges whose score is dropped as highest
    low: tuple[str, ...] = ()
    mean: Decimal | None = None
    summary_hidden: bool = False                  # a hidden cell hides the dropped marks and the mean

    @property
    def state(self) -> str:
        if not self.cells:
            return ""
        return "已确认" if all(c.status == "confirmed" for c in self.cells.values()) else "录入"


@dataclass(frozen=True)
class Mismatch:
    name: str
    judge: str               # 评委n
    first: str
    second: str


@dataclass(frozen=True)
class SpeechGrid:
    rows: list[SpeechGridRow]
    judges: list[JudgeRow]
    trim: int
    decimals: int
    double_entry: bool
    order_note: str          # 演讲顺序：按抽签（种子 …）/ 尚未抽签 …
    mismatches: list[Mismatch]


def build_row(person: str, name: str, posts: str, stored: list[tuple[str, str, str, int, str]],
              judges: list[JudgeRow], scheme: Scheme, *, double_entry: bool, operator: str) -> SpeechGridRow:
    """§十: drop the ``speech_trim`` highest and lowest, mean of the rest, once ≥ 2k+1 scores exist.
    ``stored``: (judge, value, status, version, entered_by) of the candidate's scores."""
    cells = {judge: SpeechCell(value, status, version, entered_by,
                               double_entry and status != "confirmed" and entered_by != operator)
             for judge, value, status, version, entered_by in stored}
    k = scheme.speech_trim
    scored = [j.id for j in judges if j.id in cells]
    high: tuple[str, ...] = ()
    low: tuple[str, ...] = ()
    mean = None
    if len(scored) >= 2 * k + 1:
        result = trimmed_mean([Decimal(cells[j].value) for j in scored], k)
        high = tuple(scored[i] for i in result.dropped_high)
        low = tuple(scored[i] for i in result.dropped_low)
        mean = result.mean
    return SpeechGridRow(person, name, posts, cells, high, low, mean, any(c.hidden for c in cells.values()))


_SCORE_COLUMNS = (SpeechScore.judge_id, SpeechScore.value, SpeechScore.status, SpeechScore.version,
                  SpeechScore.entered_by)


def _judges(session: Session) -> list[JudgeRow]:
    return [JudgeRow(*row) for row in session.execute(
        select(Judge.id, Judge.name, Judge.group, Judge.seat).order_by(Judge.seat, Judge.id))]


def row_in(store: Store, session: Session, person_id: str) -> SpeechGridRow:
    """One candidate's row, read inside the caller's (write) transaction: what a typed score shows.
    Plain column reads, no ORM objects: it runs on every typed score."""
    name = session.execute(select(Person.name).where(Person.id == person_id)).scalar()
    rounds = [tuple(text.split(",")) for text in session.execute(
        select(Declaration.posts).where(Declaration.person_id == person_id).order_by(Declaration.round_no)).scalars()]
    declared = effective_declaration(rounds)
    post_names = dict(session.execute(select(Post.id, Post.name).where(Post.id.in_(declared))).all()) if declared else {}
    posts = "、".join(post_names.get(p, p) for p in declared)
    stored = [tuple(r) for r in session.execute(select(*_SCORE_COLUMNS).where(SpeechScore.person_id == person_id))]
    double = session.execute(select(Meta.value).where(Meta.key == "double_entry")).scalar()
    return build_row(person_id, name or person_id, posts, stored, _judges(session), store.scheme_in(session),
                     double_entry=double == "1", operator=store.operator)


def speech_grid(store: Store) -> SpeechGrid:
    """Everything the 竞岗演讲评分 tab shows, in one answer."""
    scheme, info = store.scheme(), store.info()
    names = roster.names(store)
    post_names = {p.id: p.name for p in roster.list_posts(store)}
    declared = {pid: effective_declaration(rounds) for pid, rounds in declarations.declarations(store).items()}
    with store.read() as s:
        judges = _judges(s)
        by_person: dict[str, list[tuple[str, str, str, int, str]]] = {}
        for person, *rest in s.execute(select(SpeechScore.person_id, *_SCORE_COLUMNS)):
            by_person.setdefault(person, []).append(tuple(rest))
    rows = [build_row(pid, names.get(pid, pid), "、".join(post_names.get(p, p) for p in declared.get(pid, ())),
                      by_person.get(pid, []), judges, scheme, double_entry=info.double_entry, operator=store.operator)
            for pid in draws.speaking_order(store)]
    drawn = draws.current_draw(store, draws.SPEECH_MEETING)
    note = (("演讲顺序：按抽签" + ("（纸签）" if drawn.method == draws.PAPER else f"（种子 {drawn.seed}）")) if drawn
            else "演讲顺序：尚未抽签，暂按名单顺序")
    if not judges:
        note += "；尚无评委，请先“添加评委…”"
    seat = {j.id: j.seat for j in judges}
    mismatches = []
    for entity, first, second in scores.mismatches(store):
        table, _, key = entity.partition(":")
        if table == "speech_scores":
            person, _, judge = key.partition("|")
            mismatches.append(Mismatch(names.get(person, person), f"评委{seat.get(judge, judge)}", first, second))
    return SpeechGrid(rows, judges, scheme.speech_trim, scheme.judge_decimals, info.double_entry, note, mismatches)
