"""The 定岗推荐计票 tab as the services compute it (§十一): per voter group its papers and how it is
tallied, per (person, post) the counts by group, 推荐率, the 1/3 line and 推荐得分 — so the tab only
shows rows (Anki's ``browser_row_for_id``), and every write of the tab answers with the new grid.

The counts come from :func:`app.services.ballots.counted` (ballots where a group has ballots, typed
counts otherwise); 推荐率 and 推荐得分 from :func:`app.core.recommendation.recommendation`; the
paper cross-check from :func:`app.services.ballot_checks.cross_check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.declarations import effective_declaration
from ..core.numbers import ScoreError
from ..core.recommendation import recommendation
from ..core.scheme import GROUPS, Scheme
from ..core.scoring import satisfaction
from ..models.schema import Declaration, Meta, Person, Post, Presence, RecCount, Score
from . import ballots, draws
from .ballot_checks import KINDS, PaperCount, cross_check, meta_key
from .store import Store, StoreError

SATISFACTION_NOTE = "满意度测评不满意率达三分之一以上，不得推荐（§五）"


@dataclass(frozen=True)
class TypedCount:
    """A 推荐数 typed in count mode, with the version the clerk hands back when changing it."""

    count: int
    version: int
    status: str


@dataclass(frozen=True)
class GroupLine:
    """One voter group: the paper table's column and the 唱票 panel's group."""

    group: str
    present: int | None               # 到会人数 (None: not typed)
    papers: PaperCount                # 发出 / 收回 / 有效
    versions: dict[str, int]          # present / issued / returned / valid → stored version (0 = empty)
    keyed: int                        # valid paper ballots entered (唱票)
    mode: str                         # ballots.BALLOTS / COUNTS / OPEN
    last: ballots.BallotRef | None    # the last valid ballot (撤销上一张 takes it back)
    refusal: str | None               # why a new ballot would be refused now (at the first key)
    warnings: tuple[str, ...]         # the paper cross-check (ballot_checks)

    def value(self, kind: str) -> int | None:
        if kind == "present":
            return self.present
        if kind == "keyed":
            return self.keyed if self.mode == ballots.BALLOTS else None
        return self.papers.get(kind)


@dataclass(frozen=True)
class PairLine:
    person: str
    name: str
    post: str
    post_name: str
    kind: str                         # 申报 / 申报(2) / 建议
    counts: dict[str, int | None]     # group → recommendations (None: nothing recorded)
    typed: dict[str, TypedCount]      # what count mode holds, with versions
    present: int                      # Σ 到会
    recommended: int                  # Σ n
    rate_shown: Decimal | None        # 推荐率, three decimals (None: cannot be computed)
    eligible: bool | None             # 达到三分之一 (exact), None: cannot be computed
    score: Decimal | None             # 推荐得分
    barred: bool                      # eligible, but the 满意度测评 failed (§五)
    note: str                         # why a cell is blank, for the tooltip


@dataclass(frozen=True)
class Candidate:
    """A row of the printed 定岗推荐票: the person and the posts they declared, first choice first."""

    id: str
    name: str
    declared: tuple[str, ...]


@dataclass(frozen=True)
class _Basis:
    """What a pair's line is computed from (kept so that rows for added suggestions use the same rule)."""

    scheme: Scheme
    names: dict[str, str]
    declared: dict[str, tuple[str, ...]]
    posts: dict[str, str]
    presence: dict[str, int]
    counts: dict[tuple[str, str], dict[str, int]]
    typed: dict[tuple[str, str], dict[str, TypedCount]]
    by_ballot: frozenset[str]
    passed: dict[str, bool]


@dataclass(frozen=True)
class RecommendationGrid:
    groups: dict[str, GroupLine]                  # in GROUPS order
    pairs: tuple[PairLine, ...]
    posts: dict[str, str]                         # post → name, post order
    names: dict[str, str]                         # person → name, roster order
    declared: dict[str, tuple[str, ...]]          # effective declarations
    ballot_form: tuple[Candidate, ...] | None     # the printed ballot's order (None: not read, unchanged)
    stage_state: str
    basis: _Basis = field(repr=False, compare=False)

    @property
    def warnings(self) -> list[str]:
        return [w for g in GROUPS for w in self.groups[g].warnings]

    def with_suggested(self, extra: set[tuple[str, str]] | frozenset) -> "RecommendationGrid":
        """The grid with a row for each suggested pair added in count mode but not counted yet."""
        shown = {(r.person, r.post) for r in self.pairs}
        wanted = {(p, post) for p, post in extra if post in self.posts and p in self.names}
        if wanted <= shown:
            return self
        return replace(self, pairs=tuple(_pair_lines(self.basis, wanted)))

    def suggested_post(self, person: str, code: str) -> str:
        """The post a typed code names, for a row suggesting it for ``person`` (count mode): refused when
        there is no such post, or it is one the person declared."""
        code = code.strip().upper()
        post = {p.upper(): p for p in self.posts}.get(code)
        if post is None:
            raise StoreError(f"没有岗位编号“{code}”（岗位：{'、'.join(self.posts)}）")
        if post in self.declared.get(person, ()):
            raise StoreError(f"{post} 是{self.names.get(person, person)}申报的岗位，已在表中")
        return post


# -- reading --------------------------------------------------------------------------------------------

def _declared(s: Session) -> dict[str, tuple[str, ...]]:
    rounds: dict[str, list[tuple[str, ...]]] = {}
    for pid, posts in s.execute(select(Declaration.person_id, Declaration.posts)
                                .order_by(Declaration.person_id, Declaration.round_no)):
        rounds.setdefault(pid, []).append(tuple(p for p in posts.split(",") if p))
    return {pid: effective_declaration(r) for pid, r in rounds.items()}


def _passed(s: Session, scheme: Scheme) -> dict[str, bool]:
    """§五 per person with a 满意度测评 on record: 不满意率 < 1/3 (exact)."""
    items: dict[str, dict[str, str]] = {}
    for pid, item, value in s.execute(select(Score.person_id, Score.item, Score.value)
                                      .where(Score.item.startswith("sat:"))):
        items.setdefault(pid, {})[item] = value
    out = {}
    for pid, mine in items.items():
        if "sat:present" in mine and "sat:dissatisfied" in mine:
            try:
                out[pid] = satisfaction(int(mine["sat:present"]), int(mine["sat:dissatisfied"]), scheme).passed
            except (ScoreError, ValueError):
                pass
    return out


def grid_in(store: Store, s: Session, *, ballot_form: tuple[Candidate, ...] | None = None) -> RecommendationGrid:
    """The grid, read inside the caller's transaction (a write answers with it)."""
    scheme = store.scheme_in(s)
    names = {pid: name for pid, name in s.execute(select(Person.id, Person.name).order_by(Person.sort, Person.id))}
    posts = {pid: name for pid, name in s.execute(select(Post.id, Post.name).order_by(Post.sort, Post.id))}
    declared = _declared(s)
    presence_rows = {p.group: p for p in s.execute(select(Presence)).scalars()}
    presence = {g: p.present for g, p in presence_rows.items()}
    typed: dict[tuple[str, str], dict[str, TypedCount]] = {}
    for c in s.execute(select(RecCount)).scalars():
        typed.setdefault((c.person_id, c.post_id), {})[c.group] = TypedCount(c.count, c.version, c.status)
    tallied = ballots.counted(s)
    modes = ballots.group_modes(s)
    state = ballots.stage_state(s)
    paper_rows = {m.key: m for m in s.execute(select(Meta).where(Meta.key.like("ballots_%"))).scalars()}
    basis = _Basis(scheme, names, declared, posts, presence, tallied.counts, typed, tallied.by_ballot,
                   _passed(s, scheme))

    papers = {g: PaperCount(**{k: int(paper_rows[meta_key(k, g)].value) for k in KINDS
                               if meta_key(k, g) in paper_rows}) for g in GROUPS}
    totals: dict[str, dict[str, int]] = {}
    for (person, _), per_group in tallied.counts.items():
        for g, n in per_group.items():
            totals.setdefault(g, {})[person] = totals.get(g, {}).get(person, 0) + n
    warnings = cross_check(presence, papers, keyed=tallied.keyed, person_totals=totals, names=names)
    groups = {}
    for g in GROUPS:
        row = presence_rows.get(g)
        versions = {"present": row.version if row else 0}
        versions.update({k: paper_rows[meta_key(k, g)].version if meta_key(k, g) in paper_rows else 0 for k in KINDS})
        keyed = tallied.keyed.get(g, 0)
        groups[g] = GroupLine(g, presence.get(g), papers[g], versions, keyed, modes[g], ballots.last_ballot_in(s, g),
                              ballots.new_ballot_refusal(g, modes[g], keyed, presence.get(g, 0), state),
                              tuple(warnings.get(g, ())))
    return RecommendationGrid(groups, tuple(_pair_lines(basis)), posts, names, declared, ballot_form, state, basis)


def recommendation_grid(store: Store) -> RecommendationGrid:
    """Everything the 定岗推荐计票 tab shows, in one answer (with the printed ballot's order)."""
    order = draws.ballot_order(store)
    with store.read() as s:
        grid = grid_in(store, s)
    form = tuple(Candidate(pid, grid.names.get(pid, pid), grid.declared[pid]) for pid in order
                 if grid.declared.get(pid))
    return replace(grid, ballot_form=form)


# -- the rows -------------------------------------------------------------------------------------------

def _pair_lines(b: _Basis, extra: set[tuple[str, str]] | frozenset = frozenset()) -> list[PairLine]:
    """Declared pairs in the person's order, then suggested ones (counted or added), by post order."""
    post_order = {p: i for i, p in enumerate(b.posts)}
    candidates = [pid for pid in b.names if b.declared.get(pid)]
    counted = set(b.counts) | set(b.typed)
    persons = candidates + sorted({p for p, _ in counted} - set(candidates))
    suggested = counted | set(extra)
    total_present = sum(b.presence.get(g, 0) for g in GROUPS)
    out = []
    for person in persons:
        mine = list(b.declared.get(person, ()))
        mine += sorted({post for p, post in suggested if p == person and post not in mine},
                       key=lambda post: (post_order.get(post, len(post_order)), post))
        for post in mine:
            out.append(_pair_line(b, person, post, total_present))
    return out


def _pair_line(b: _Basis, person: str, post: str, total_present: int) -> PairLine:
    declared = b.declared.get(person, ())
    kind = "建议" if post not in declared else ("申报" if len(declared) == 1 or declared.index(post) == 0 else "申报(2)")
    merged = b.counts.get((person, post), {})
    counts = {g: merged.get(g, 0 if g in b.by_ballot else None) for g in GROUPS}
    note, rate, eligible, score, barred = "", None, None, None, False
    try:
        rec = recommendation(b.presence, merged, b.scheme)
        rate, eligible, score = rec.rate_shown, rec.eligible, rec.score
        if rec.eligible and not b.passed.get(person, True):
            score, barred, note = None, True, SATISFACTION_NOTE
    except ScoreError as err:
        note = str(err)
    return PairLine(person, b.names.get(person, person), post, b.posts.get(post, post), kind, counts,
                    dict(b.typed.get((person, post), {})), total_present, sum(merged.values()), rate, eligible,
                    score, barred, note)
