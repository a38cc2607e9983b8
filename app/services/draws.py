"""§五/§十 抽签: the speaking order of each meeting, drawn on paper slips or by the program (SPEC §5).

The candidate list is fixed and shown with its digest *before* the 监督组 announce the seed; a
program draw is then redone by anyone with a SHA-256 tool. A draw is recorded once: a redraw
needs a reason, and the old draw stays in the file (``superseded``, with that reason).

A draw refers to what the clerk saw (compare-and-set): the list digest shown to the room and the
current draw on the screen (``expected_draw``, 0 = none yet). Another laptop having drawn, redrawn
or changed the list since is refused with who did it; nothing is recorded. A draw is not undone
(撤销): a wrong draw is redrawn with a reason, and both stay in the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core import draw as core
from ..core.declarations import effective_declaration
from ..models.schema import Declaration, Draw, Person, Stage
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

MEETINGS = core.MEETINGS
PROGRAM, PAPER = "program", "paper"
METHOD_LABELS = {PROGRAM: "程序抽签", PAPER: "纸签"}
SPEECH_MEETING = "竞岗演讲"


@dataclass(frozen=True)
class DrawRecord:
    id: int
    meeting: str
    method: str                 # program / paper
    seed: str | None            # program draws only
    list_digest: str
    order: tuple[core.DrawEntry, ...]   # paper draws: position = the slip number, key = ""
    superseded: bool
    reason: str | None

    @property
    def ids(self) -> list[str]:
        return [e.person for e in self.order]


def _check_meeting(meeting: str) -> None:
    if meeting not in MEETINGS:
        raise StoreError(f"没有“{meeting}”这一会议；抽签会议为 {'、'.join(MEETINGS)}")


def _candidates(s: Session, meeting: str) -> list[str]:
    people = s.execute(select(Person).order_by(Person.sort, Person.id)).scalars().all()
    if meeting == "原任科长述职":
        return [p.id for p in people if p.category == "原任科长"]
    if meeting == "申报者述职":
        return [p.id for p in people if p.category == "拟竞争科长"]
    # §十: 不轮岗的科长 do not speak.
    return [p.id for p in _declared(s, people) if not (p.no_rotation and p.category == "原任科长")]


def _declared(s: Session, people: list[Person]) -> list[Person]:
    """The people with an effective declaration, in the order given (roster order)."""
    rounds: dict[str, list[tuple[str, ...]]] = {}
    for d in s.execute(select(Declaration).order_by(Declaration.person_id, Declaration.round_no)).scalars():
        rounds.setdefault(d.person_id, []).append(tuple(p for p in d.posts.split(",") if p))
    return [p for p in people if effective_declaration(rounds.get(p.id, []))]


def candidates_for(store: Store, meeting: str) -> list[str]:
    """Who draws for a meeting, in roster order: 原任科长述职 → 原任科长; 申报者述职 → 拟竞争科长;
    竞岗演讲 → everyone with a declaration, except 不轮岗的科长."""
    _check_meeting(meeting)
    with store.read() as s:
        return _candidates(s, meeting)


def fix_list(store: Store, meeting: str) -> tuple[list[str], str]:
    """The list shown, with its digest, before the seed exists (SPEC §5 step 1)."""
    ids = candidates_for(store, meeting)
    return ids, core.list_digest(ids)


def _record(row: Draw) -> DrawRecord:
    order = tuple(core.DrawEntry(int(pos), str(pid), key or "") for pos, pid, key in json.loads(row.order))
    return DrawRecord(row.id, row.meeting, row.method, row.seed, row.list_digest, order, bool(row.superseded),
                      row.reason)


def _current_row(s: Session, meeting: str) -> Draw | None:
    return s.execute(select(Draw).where(Draw.meeting == meeting, Draw.superseded.is_(False))
                     .order_by(Draw.id.desc()).limit(1)).scalar_one_or_none()


def _drawn_by(session: Session, row: Draw) -> str:
    """``李强 于 10:02``: who recorded a draw."""
    from .history import last_change, who_when
    log = last_change(session, f"draws:{row.id}")
    return who_when(log) if log is not None else "其他录入人"


def _describe(row: Draw) -> str:
    how = f"种子 {row.seed}" if row.method == PROGRAM else METHOD_LABELS[row.method]
    return f"{how}，记录 {row.id}"


def _store_draw(store: Store, meeting: str, method: str, make: Callable[[list[str]], tuple[str | None, str, list]],
                reason: str | None, *, expected_draw: int | None, expected_digest: str | None) -> Wrote:
    """Record a draw over the candidate list as it is *now*, inside one transaction: ``make(ids)`` gives
    (seed, list digest, order). Compare-and-set on the current draw and on the digest the room saw."""
    reason = (reason or "").strip() or None
    with store.write(reason) as s:
        require_editable(s, "draw")
        current = _current_row(s, meeting)
        if expected_draw is not None and (current.id if current is not None else 0) != expected_draw:
            if current is None:
                raise ConflictError(f"“{meeting}”的抽签已被其他录入人改动，您的抽签未执行；请刷新（Ctrl+R）后核对")
            raise ConflictError(f"“{meeting}”已由 {_drawn_by(s, current)} 抽签（{_describe(current)}），"
                                "您的抽签未执行；请核对后再抽签")
        ids = _candidates(s, meeting)
        if expected_digest is not None and expected_digest != core.list_digest(ids):
            raise StoreError(f"“{meeting}”的候选名单在公布摘要后有变化，请重新公布名单摘要后再抽签")
        seed, digest, order = make(ids)
        if current is not None:
            if not reason:
                raise StoreError(f"“{meeting}”已抽签（{METHOD_LABELS[current.method]}），"
                                 "重新抽签须说明理由；原抽签记录将保留")
            current.superseded, current.reason = True, reason
        next_id = (s.execute(select(func.max(Draw.id))).scalar() or 0) + 1
        row = Draw(id=next_id, meeting=meeting, method=method, seed=seed, list_digest=digest,
                   order=json.dumps(order, ensure_ascii=False), superseded=False)
        s.add(row)
        s.flush()
        record = _record(row)
        label = f"{meeting}{'重新' if current is not None else ''}{METHOD_LABELS[method]}" + \
            (f"（种子 {seed}）" if method == PROGRAM else "")
    return Wrote(Changed.DRAW, label=label, entity=f"draws:{record.id}", value=seed, version=1,
                 seq=store.last_write, result=record)


def program_draw(store: Store, meeting: str, seed: str, reason: str | None = None, *,
                 expected_digest: str | None = None, expected_draw: int | None = None) -> Wrote:
    """Draw with the 监督组's seed. ``expected_digest`` is the list digest the room was shown: if the list
    has changed since, the draw is refused rather than made over another list. ``expected_draw``: the
    current draw the clerk saw (its record id, 0 = none)."""
    _check_meeting(meeting)

    def make(ids: list[str]) -> tuple[str | None, str, list]:
        try:
            result = core.draw(seed.strip(), meeting, ids)
        except core.DrawError as err:
            raise StoreError(f"{meeting}抽签：{err}") from None
        return result.seed, result.list_digest, [[e.position, e.person, e.key] for e in result.order]
    return _store_draw(store, meeting, PROGRAM, make, reason, expected_draw=expected_draw,
                       expected_digest=expected_digest)


def paper_draw(store: Store, meeting: str, numbers: dict[str, int], reason: str | None = None, *,
               expected_draw: int | None = None) -> Wrote:
    """Record the numbers the candidates drew on paper slips: a permutation of 1…n."""
    _check_meeting(meeting)

    def make(ids: list[str]) -> tuple[str | None, str, list]:
        problems = []
        missing = [i for i in ids if i not in numbers]
        extra = sorted(set(numbers) - set(ids))
        if missing:
            problems.append(f"缺少纸签号：{'、'.join(missing)}")
        if extra:
            problems.append(f"不是本次抽签的人员：{'、'.join(extra)}")
        n = len(ids)
        if n == 0:
            problems.append("没有参加抽签的人员")
        bad = [f"{pid}（{num}）" for pid, num in numbers.items()
               if pid in ids and (isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= n)]
        if bad:
            problems.append(f"纸签号须为 1–{n} 的整数：{'、'.join(bad)}")
        seen: dict[int, str] = {}
        for pid in ids:
            num = numbers.get(pid)
            if num is None:
                continue
            if num in seen:
                problems.append(f"纸签号 {num} 重复（{seen[num]}、{pid}）")
            seen[num] = pid
        if problems:
            raise StoreError(f"{meeting}纸签：" + "；".join(problems))
        return None, core.list_digest(ids), [[numbers[pid], pid, None] for pid in sorted(ids, key=lambda i: numbers[i])]
    return _store_draw(store, meeting, PAPER, make, reason, expected_draw=expected_draw, expected_digest=None)


def current_draw(store: Store, meeting: str) -> DrawRecord | None:
    _check_meeting(meeting)
    with store.read() as s:
        row = _current_row(s, meeting)
        return _record(row) if row else None


def draw_history(store: Store, meeting: str) -> list[DrawRecord]:
    """Every draw of the meeting, oldest first (superseded ones with their reason)."""
    _check_meeting(meeting)
    with store.read() as s:
        return [_record(r) for r in s.execute(select(Draw).where(Draw.meeting == meeting).order_by(Draw.id)).scalars()]


def verify_recorded(store: Store, meeting: str) -> list[str]:
    """Redo the current draw from its record; every disagreement (empty = 一致). Also says when
    the candidate list has changed since the draw."""
    record = current_draw(store, meeting)
    if record is None:
        raise StoreError(f"“{meeting}”尚未抽签，无可复核")
    problems: list[str] = []
    if record.method == PROGRAM:
        problems += core.verify_draw(core.Draw(meeting, record.seed or "", record.list_digest, record.order))
    else:
        numbers = [e.position for e in record.order]
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problems.append("纸签号不是 1 至人数的连续整数")
        if core.list_digest(record.ids) != record.list_digest:
            problems.append("名单摘要与记录的人员不符")
    now = set(candidates_for(store, meeting))
    added, gone = sorted(now - set(record.ids)), sorted(set(record.ids) - now)
    if added:
        problems.append(f"抽签后新增的候选人未参加抽签：{'、'.join(added)}")
    if gone:
        problems.append(f"已不在候选名单中：{'、'.join(gone)}")
    return problems


def speaking_order(store: Store) -> list[str]:
    """竞岗演讲 order: the current draw's order, else roster order. Candidates added after the draw
    follow in roster order; people no longer candidates are left out (verify_recorded says so)."""
    ids = candidates_for(store, SPEECH_MEETING)
    record = current_draw(store, SPEECH_MEETING)
    if record is None:
        return ids
    current = set(ids)
    drawn = [pid for pid in record.ids if pid in current]
    seen = set(drawn)
    return drawn + [pid for pid in ids if pid not in seen]


def ballot_order(store: Store) -> list[str]:
    """The candidates of the 定岗推荐票, top to bottom — the printed ballot and the 唱票 screen both
    use this order: the 竞岗演讲 speaking order (drawn, else roster order), then whoever else has a
    declaration (不轮岗的科长, who do not speak) in roster order."""
    order = speaking_order(store)
    with store.read() as s:
        people = s.execute(select(Person).order_by(Person.sort, Person.id)).scalars().all()
        declared = [p.id for p in _declared(s, people)]
    listed = set(order)
    return order + [pid for pid in declared if pid not in listed]


@dataclass(frozen=True)
class DrawScreen:
    """Everything the 抽签 tab shows for one meeting."""

    meeting: str
    candidates: list[tuple[str, str, str]]      # id, name, category — the fixed list, roster order
    digest: str                                 # its list digest (SPEC §5 step 1)
    current: DrawRecord | None                  # the draw in force (what a redraw refers to)
    names: dict[str, str]                       # id → name, for the order (also of people gone since)
    history: list[DrawRecord]                   # every draw of the meeting, newest first
    state: str                                  # the 抽签 stage: draft / confirmed / locked / published


def draw_screen(store: Store, meeting: str) -> DrawScreen:
    _check_meeting(meeting)
    with store.read() as s:
        people = {p.id: p for p in s.execute(select(Person)).scalars()}
        ids = _candidates(s, meeting)
        rows = s.execute(select(Draw).where(Draw.meeting == meeting).order_by(Draw.id)).scalars().all()
        current = _current_row(s, meeting)
        stage = s.get(Stage, "draw")
        return DrawScreen(meeting, [(pid, people[pid].name, people[pid].category) for pid in ids],
                          core.list_digest(ids), _record(current) if current is not None else None,
                          {pid: p.name for pid, p in people.items()}, [_record(r) for r in reversed(rows)],
                          stage.state if stage is not None else "draft")
