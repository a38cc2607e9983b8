"""The 双向选择 tab as the services compute it (§十五, §十六): the open phase and round, one line per 科
(its 科长, 核定/已有, this round's move, the last move's signatures, who is seated) and the persons of
the phase still without a 科室 (with their 申报科室) — so the tab only shows rows. Every selection
write answers with this view (``Wrote.result``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core import selection as core
from ..models.schema import Person, Post, SelectionChoice, SelectionPick, SelectionPlacement
from . import selection
from .store import Store, StorageError, StoreError

HOW_TEXT = {core.HOW_PICK: "", core.HOW_KEEP: "（保留）", core.HOW_ORIGIN: "（不轮岗）", core.HOW_LEADERS: "（领导组）"}


@dataclass(frozen=True)
class Move:
    """A stored pick / keep / pass, as the clerk signs or withdraws it (with the version seen)."""

    phase: str
    round_no: int
    post: str
    person: str | None
    chief_signed: bool
    person_signed: bool
    version: int


@dataclass(frozen=True)
class OfficeLine:
    post: str
    office: str            # 科室 name
    chief: str             # 科长 name
    headcount: int
    seated: int
    full: bool
    this_round: str        # picked 编号 and name / 放弃 / — / 已满
    acted: bool
    signs: str
    seated_names: str
    last: Move | None = None          # this 科's latest move of the phase (签字 goes to it)


@dataclass(frozen=True)
class PersonLine:
    id: str
    name: str
    declared: str
    former: str
    declared_ids: tuple[str, ...] = ()
    editable: bool = False          # declarations still open (the phase has no move yet)
    version: int = 0                # the declaration's stored version (0 = none)


@dataclass(frozen=True)
class SelectionView:
    phase: str = ""
    round_no: int = 0
    header: str = ""                              # 科员定岗 第 2 轮
    offices: tuple[OfficeLine, ...] = ()
    persons: tuple[PersonLine, ...] = ()
    persons_title: str = ""
    office_names: dict[str, str] | None = None    # post id → 科室 name (typing 申报科室)
    refused: str | None = None                    # why there is no selection to show (科长 not published …)

    @property
    def open_round(self) -> tuple[str, int]:
        return self.phase, self.round_no


def view_in(store: Store, s: Session, chiefs: dict[str, str], *,
            state: core.SelectionState | None = None) -> SelectionView:
    """The view, built inside the caller's transaction (a write answers with it); ``state``: the selection
    as the caller has just computed it (else replayed from the stored facts)."""
    if state is None:
        state = selection._state(s, chiefs)
    names = {pid: name for pid, name in s.execute(select(Person.id, Person.name))}
    posts = {p.id: p for p in s.execute(select(Post)).scalars()}

    def office_name(post_id: str | None) -> str:
        if post_id is None:
            return ""
        p = posts.get(post_id)
        return (p.office or p.name) if p is not None else post_id

    moves = [Move(r.phase, r.round_no, r.post_id, r.person_id, bool(r.chief_signed), bool(r.person_signed), r.version)
             for r in s.execute(select(SelectionPick).where(SelectionPick.phase == state.phase)).scalars()]
    acted = state.acted()
    lines = []
    for o in state.offices:
        a = acted.get(o.name)
        full = state.seated(o.name) >= o.headcount
        this = "—" if a is None else ("放弃" if a.person is None else f"{a.person} {names.get(a.person, '')}")
        if a is None and full:
            this = "已满"
        last = max((m for m in moves if m.post == o.name), key=lambda m: m.round_no, default=None)
        signs = ""
        if last is not None:
            signs = "科长" + ("✓" if last.chief_signed else "未签")
            if last.person is not None:
                signs += " 本人" + ("✓" if last.person_signed else "未签")
            if last.round_no != state.round_no:
                signs = f"第{last.round_no}轮 " + signs
        seated = [f"{names.get(x.person, x.person)}{HOW_TEXT.get(x.how, '')}"
                  for x in state.placements if x.office == o.name]
        lines.append(OfficeLine(o.name, office_name(o.name), names.get(chiefs.get(o.name, ""), ""), o.headcount,
                                state.seated(o.name), full, this, a is not None, signs, "、".join(seated), last))
    open_ = not moves
    versions = {c.person_id: c.version for c in s.execute(select(SelectionChoice)).scalars()}
    free = tuple(PersonLine(p.id, names.get(p.id, p.id), "、".join(office_name(d) for d in p.declared),
                            office_name(p.former_office), tuple(p.declared), open_, versions.get(p.id, 0))
                 for p in state.persons
                 if p.kind == state.phase and state.placement_of(p.id) is None and not p.declined
                 and not p.no_rotation)
    undeclared = sum(1 for f in free if not f.declared_ids)
    who = "科员" if state.phase == core.STAFF else "事业人员"
    title = (f"尚未定岗的{who}（{len(free)} 人" + (f"，{undeclared} 人未申报" if undeclared else "") + "）"
             + ("　申报科室可修改（Ctrl+D）" if open_ else "　申报已截止"))
    return SelectionView(state.phase, state.round_no, f"{selection.PHASE_LABELS[state.phase]} 第 {state.round_no} 轮",
                         tuple(lines), free, title, {o.name: office_name(o.name) for o in state.offices})


def selection_view(store: Store) -> SelectionView:
    """Everything the 双向选择 tab shows, in one answer; a selection that cannot be shown (科长 not
    published, 核定人数 missing, inconsistent records) is a view with ``refused`` set. A store that
    cannot be read raises :class:`StorageError`."""
    try:
        chiefs = selection.chiefs(store)
        with store.read() as s:
            return view_in(store, s, chiefs)
    except StorageError:
        raise
    except StoreError as err:
        return SelectionView(refused=str(err))


def placement_version(store: Store, person_id: str) -> int:
    """The stored version of a person's 领导组 placement (0 = none): what 领导组安排 hands back."""
    with store.read() as s:
        row = s.get(SelectionPlacement, person_id)
        return row.version if row is not None else 0
