"""定岗推荐唱票 on the projector: the live tally, kept up to date incrementally as ballots are saved.

Split from :mod:`app.services.projector` (which re-exports these names). The scene holds names, post
names and counts only — never an id (the projector's privacy rule)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.declarations import effective_declaration
from ..core.numbers import ScoreError, ratio, round_score
from ..core.recommendation import recommendation
from ..core.scheme import GROUPS, Scheme
from ..models.schema import Ballot, Declaration, Person, Post, Presence, RecCount
from .ballots import recommended_pairs
from .store import Changed, Store

GROUP_SHORT = {"leaders": "局领导", "staff": "其他行政", "unit_heads": "事业单位", "county_chiefs": "县局长"}
"""Voter groups as the wall names them (short enough for a 1024×768 projector)."""

@dataclass(frozen=True)
class GroupProgress:
    group: str                     # voter group key (leaders …) — a label, not a person
    label: str
    counted: int                   # ballots counted (唱票) — or, for a typed group, 0
    present: int
    by_ballot: bool                # False: this group's counts were typed (计数录入); a group with
                                   # neither ballots nor counts yet is 唱票 (0 of those present), as
                                   # the main window says (ballots.group_modes)


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
class TallyAccounting:
    """The accounting line of the wall (SPEC §10), over the groups whose papers carry numbers:
    印制 / 发出 / 收回 / 已录入 / 作废 and what is still missing; the count's state."""

    printed: int
    issued: int | None           # None: not typed for every numbered group yet
    returned: int | None
    entered: int
    void: int
    state: str                   # "" (not opened) / open / closed
    code: str | None = None      # the 摘要码 of the close, once closed (SPEC §9)

    @property
    def missing(self) -> int | None:
        return None if self.returned is None else self.returned - self.entered


@dataclass(frozen=True)
class TallyScene:
    threshold: Fraction
    groups: tuple[GroupProgress, ...]
    bars: tuple[TallyBar, ...]
    ballots: int                   # valid paper ballots counted, all groups
    accounting: TallyAccounting | None = None    # None: no group's papers carry numbers
    differences: tuple[str, ...] = ()   # 唱票 vs 扫描 differences still open (SPEC §12), in words: number, name
    scanning: str = ""             # "扫描中：已读 12 页 …" while this laptop reads scans (set by the window)

    @property
    def counted(self) -> int:
        return sum(g.counted for g in self.groups if g.by_ballot)

    @property
    def present(self) -> int:
        return sum(g.present for g in self.groups)


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


def _add_ballot(cache: _TallyCache, group: str, marks_json: str) -> None:
    gi = _GROUP_INDEX[group]
    cache.per_group[gi] += 1
    counts, dirty = cache.counts, cache.dirty
    for key in recommended_pairs(marks_json):
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
        accounting = tally_accounting(s)
        from .scanning import second_channels_in
        compared = bool(second_channels_in(s))         # 唱票 and 扫描 compared (SPEC §12): rare
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
    typed_positive = {group for _, _, group, n in typed_rows if n > 0}
    groups = tuple(GroupProgress(g, GROUP_SHORT[g], cache.per_group[_GROUP_INDEX[g]] if g in by_ballot else 0,
                                 presence.get(g, 0), g in by_ballot or g not in typed_positive) for g in GROUPS)

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
    return TallyScene(scheme.threshold, groups, bars, sum(cache.per_group), accounting,
                      difference_lines(store, dict(post_rows)) if compared else ())


WALL_MARKS = {"blank": "空白", "invalid": "无效", "doubtful": "不清", "missing": "无此票", "present": "有此票"}


def difference_lines(store: Store, post_names: dict[str, str]) -> tuple[str, ...]:
    """The open differences between 唱票 and 扫描 (SPEC §12), short enough for a 1024×768 wall: the ballot
    number (it says nothing about who voted, SPEC §10), the candidate's name, both marks by post name."""
    from .scanning import channel_differences

    def words(mark: str) -> str:
        kind, _, post = mark.partition(":")
        if post:
            return ("同意 " if kind == "agree" else "建议 ") + post_names.get(post, post)
        return WALL_MARKS.get(mark, mark)
    return tuple(f"{d.number}{' ' + d.person_name if d.person_name else ''}：唱票 {words(d.keyed)}｜扫描 {words(d.scanned)}"
                 for d in channel_differences(store))


def tally_accounting(s: Session) -> TallyAccounting | None:
    """Three narrow counts (numbers printed, papers entered by status, the typed 发出/收回): the wall
    redraws after every ballot, so this does not go through the full reconciliation."""
    from ..models.schema import BallotNumber, Meta
    from .ballot_numbers import COUNT_KEY
    printed = dict(map(tuple, s.execute(select(BallotNumber.group, func.count()).group_by(BallotNumber.group))))
    if not printed:
        return None
    entered = void = 0
    for group, status, n in s.execute(select(Ballot.group, Ballot.status, func.count())
                                      .where(Ballot.status.in_(("valid", "void")), Ballot.group.in_(list(printed)))
                                      .group_by(Ballot.group, Ballot.status)):
        entered += n
        void += n if status == "void" else 0
    keys = {f"ballots_{k}:{g}": (k, g) for g in printed for k in ("issued", "returned")}
    typed: dict[str, list[int]] = {"issued": [], "returned": []}
    for key, value in s.execute(select(Meta.key, Meta.value).where(Meta.key.in_([*keys, COUNT_KEY]))):
        if key in keys:
            typed[keys[key][0]].append(int(value))
    state = s.get(Meta, COUNT_KEY)
    total = {k: sum(v) if len(v) == len(printed) else None for k, v in typed.items()}
    from .count import count_code_in
    return TallyAccounting(sum(printed.values()), total["issued"], total["returned"], entered, void,
                           state.value if state is not None else "", count_code_in(s))
