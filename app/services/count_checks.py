"""Checks of a 定岗推荐 count (SPEC §11): the sampling audit and the blind re-entry of a whole group.

- **抽查** (``sample``): after the count is closed the 监督组 announce an audit seed; per group the
  sample is the s ballots with the smallest ``sha256(seed|定岗推荐|group|number)``
  (:mod:`app.core.audit_sample`, recomputable with ``python -m app audit-sample``), s suggested from
  the count's margin and editable. The clerk pulls each sampled paper by its number and keys it again
  *blind*; each re-entry is compared with the ballot entered under that number.
- **全组复核** (``recount``): every paper of one group keyed again blind (by two clerks, or 唱票 a second
  time), compared ballot by ballot by number (:mod:`app.core.recount`); differences are listed for the
  监督组. Started by hand (a double count), or required: a sampled paper that differs forces the
  whole group to be re-entered and compared **before any correction** (:func:`correct_ballot`).
- **更正** needs the count reopened by the 监督组 (sealed, :func:`app.services.count.reopen_count`) and,
  in a group where a check found a difference, a complete recount of that group.

A re-entry is blind: the form shows nothing of what was entered; the answer after each saved paper
says only whether it agrees (the paper is in the clerk's hands to be looked at again).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.audit_sample import AuditError, audit_order, suggested_sample_size
from ..core.ballot_numbers import fold_ballot_number, is_ballot_number
from ..core.ballots import Mark
from ..core.recount import Difference, Paper, compare, describe
from ..core.scheme import GROUP_LABELS, GROUP_SHORT_LABELS, GROUPS
from ..models.schema import Ballot, CheckEntry, CountCheck, Person, Post
from .ballot_numbers import CLOSED, ENTERED, NOT_OPENED, OPEN, count_state_in, number_sets_in
from .ballots import checked_marks
from .history import last_writer
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote

MEETING = "定岗推荐"
"""The meeting's name in the audit tickets (SPEC §11), as the 抽查单 prints it."""
SAMPLE, RECOUNT = "sample", "recount"
KIND_LABELS = {SAMPLE: "抽查", RECOUNT: "全组复核"}


def ticket_group(group: str) -> str:
    """The group as hashed into a ticket: as printed on the ballot (``投票人类别``)."""
    return GROUP_LABELS[group]


@dataclass(frozen=True)
class CheckLine:
    """One number of a check: its place in the pull order (sample), whether it was keyed again, and
    what the comparison found."""

    position: int
    number: str
    ticket: str                  # sample: the ticket; recount: ""
    keyed: bool
    differences: tuple[str, ...]


@dataclass(frozen=True)
class CheckGroup:
    group: str
    size: int                    # sampled (sample) or entered (recount)
    ballots: int                 # the group's entered numbered ballots when the check started
    lines: tuple[CheckLine, ...]
    extra: tuple[str, ...]       # recount: numbers keyed again that were never entered (described)
    finished: bool = False       # declared finished: a number not keyed again is a paper not found

    @property
    def keyed(self) -> int:
        return sum(1 for x in self.lines if x.keyed)

    @property
    def complete(self) -> bool:
        return self.finished or self.keyed == len(self.lines)

    @property
    def differences(self) -> tuple[str, ...]:
        return tuple(d for x in self.lines for d in x.differences) + self.extra


@dataclass(frozen=True)
class CheckView:
    id: int
    kind: str
    seed: str | None
    reason: str | None
    started_by: str
    version: int
    groups: tuple[CheckGroup, ...]

    @property
    def label(self) -> str:
        if self.kind == RECOUNT:
            return f"{GROUP_SHORT_LABELS[self.groups[0].group]}全组复核（第 {self.id} 次检查）"
        return f"抽查（种子 {self.seed}，第 {self.id} 次检查）"

    @property
    def complete(self) -> bool:
        return all(g.complete for g in self.groups)

    def group(self, group: str) -> CheckGroup | None:
        return next((g for g in self.groups if g.group == group), None)


# -- reading ---------------------------------------------------------------------------------------

def _paper(status: str, marks: str, number: str) -> Paper:
    return Paper(number, status == "void", {p: Mark.decode(m) for p, m in json.loads(marks).items()})


def _records(s: Session, group: str) -> dict[str, Paper]:
    return {n: _paper(st, m, n) for n, st, m in s.execute(
        select(Ballot.ballot_no, Ballot.status, Ballot.marks)
        .where(Ballot.group == group, Ballot.status.in_(ENTERED), Ballot.ballot_no.is_not(None)))}


def _names(s: Session) -> tuple[dict[str, str], dict[str, str]]:
    return (dict(s.execute(select(Person.id, Person.name)).all()), dict(s.execute(select(Post.id, Post.name)).all()))


def _stored_plan(check: CountCheck) -> dict:
    """``{"groups": {group: {...}}, "finished": bool}`` as stored."""
    try:
        plan = json.loads(check.plan or "{}")
    except ValueError:
        plan = {}
    return plan if isinstance(plan, dict) else {}


def _plan(check: CountCheck) -> dict:
    """group → its part of the check: sample ``{size, ballots, sample: [[number, ticket] …]}``,
    recount ``{ballots, numbers}``."""
    groups = _stored_plan(check).get("groups")
    return groups if isinstance(groups, dict) else {}


def _finished(check: CountCheck) -> bool:
    return bool(_stored_plan(check).get("finished"))


def _view(s: Session, check: CountCheck, names: tuple[dict, dict] | None = None) -> CheckView:
    names = names or _names(s)
    entries = {(e.group, e.ballot_no): _paper(e.status, e.marks, e.ballot_no) for e in s.execute(
        select(CheckEntry).where(CheckEntry.check_id == check.id)).scalars()}
    plan, finished = _plan(check), _finished(check)
    groups = []
    for g in GROUPS:
        if g not in plan:
            continue
        part = plan[g]
        records = _records(s, g)
        again = {n: p for (group, n), p in entries.items() if group == g}
        whole = check.kind == RECOUNT
        if whole:
            numbers = [(i, n, "") for i, n in enumerate(sorted(set(part.get("numbers") or ()) | set(records)), start=1)]
        else:
            numbers = [(i, n, t) for i, (n, t) in enumerate(part.get("sample") or (), start=1)]
        # Compared: what was keyed again; once the check is declared finished, also what was not
        # (a paper not found). A sampled number no longer entered is a difference as well.
        looked = {n for _, n, _ in numbers if n in again or finished} | set(again)
        found = compare({n: records[n] for n in looked if n in records},
                        {n: again[n] for n in looked if n in again}, whole=True)
        by_number: dict[str, list[Difference]] = {}
        for d in found:
            by_number.setdefault(d.number, []).append(d)
        second = "复核" if whole else "抽查"
        lines = tuple(CheckLine(i, n, t, n in again, tuple(describe(d, *names, second=second)
                                                               for d in by_number.get(n, ())))
                      for i, n, t in numbers)
        listed = {n for _, n, _ in numbers}
        extra = tuple(describe(d, *names, second=second) for n, ds in sorted(by_number.items()) if n not in listed
                      for d in ds)
        groups.append(CheckGroup(g, len(lines), int(part.get("ballots", len(records))), lines, extra, finished))
    return CheckView(check.id, check.kind, check.seed, check.reason, check.started_by, check.version, tuple(groups))


def checks_in(s: Session) -> list[CheckView]:
    checks = s.execute(select(CountCheck).order_by(CountCheck.id)).scalars().all()
    if not checks:
        return []
    names = _names(s)
    return [_view(s, c, names) for c in checks]


def list_checks(store: Store) -> list[CheckView]:
    with store.read() as s:
        return checks_in(s)


def _latest_recounts(views: list[CheckView]) -> dict[str, CheckView]:
    return {v.groups[0].group: v for v in views if v.kind == RECOUNT and v.groups}


def recount_required_in(s: Session, views: list[CheckView] | None = None) -> dict[str, str]:
    """group → why a whole-group re-entry is required and not done yet (a sampled difference)."""
    views = checks_in(s) if views is None else views
    recounts = _latest_recounts(views)
    out: dict[str, str] = {}
    for v in views:
        if v.kind != SAMPLE:
            continue
        for part in v.groups:
            if part.differences and not (part.group in recounts and recounts[part.group].id > v.id
                                         and recounts[part.group].complete):
                numbers = "、".join(x.number for x in part.lines if x.differences)
                out[part.group] = (f"{GROUP_SHORT_LABELS[part.group]}：抽查发现差异（票号 {numbers}），"
                                   "须全组盲录复核并比对后才能更正")
    return out


def check_findings_in(s: Session) -> list[str]:
    """What the checks leave open, for the count's findings (SPEC §10/§11): a sample not finished or
    differing, a sampled difference without a later complete recount of its group, the latest recount
    of a group not finished or differing. Differences are computed against the ballots as they are now,
    so a correction makes them go; what stays is for the 监督组 to accept, with a reason."""
    views = checks_in(s)
    out: list[str] = []
    for v in views:
        if v.kind != SAMPLE:
            continue
        for part in v.groups:
            label = GROUP_SHORT_LABELS[part.group]
            if not part.complete:
                out.append(f"{label}：抽查未完成（已复录 {part.keyed} / {part.size} 张）")
            out += [f"{label}抽查：{d}" for d in part.differences]
    out += list(recount_required_in(s, views).values())
    for group, v in _latest_recounts(views).items():
        part = v.groups[0]
        label = GROUP_SHORT_LABELS[group]
        if not part.complete:
            out.append(f"{label}：全组复核未完成（已复录 {part.keyed} / {part.size} 张）")
        out += [f"{label}复核：{d}" for d in part.differences]
    return out


# -- the sample ------------------------------------------------------------------------------------

def _numbered_entered(s: Session) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    for g, n in s.execute(select(Ballot.group, Ballot.ballot_no)
                          .where(Ballot.status.in_(ENTERED), Ballot.ballot_no.is_not(None))):
        out[g].append(n)
    return out


def count_margin(store: Store) -> int | None:
    """The count's margin in ballots (SPEC §11), or None when nothing is decided by ballots or the
    campaign cannot be computed yet."""
    from .campaign_io import compute_results
    try:
        _, results = compute_results(store)
    except StoreError:
        return None
    return results.margin.ballots if results.margin is not None else None


def suggested_sizes(store: Store) -> dict[str, int]:
    """group → the suggested sample size (whole group when the count's margin is ≤ 5, else 10 % and at
    least 5) for the groups with numbered ballots."""
    margin = count_margin(store)
    with store.read() as s:
        entered = _numbered_entered(s)
    return {g: suggested_sample_size(len(entered[g]), margin) for g in GROUPS if entered[g]}


def sample_preview(store: Store, seed: str, sizes: Mapping[str, int]) -> dict[str, list[tuple[str, str]]]:
    """group → the first ``sizes[g]`` (number, ticket) in pull order, without storing anything."""
    with store.read() as s:
        entered = _numbered_entered(s)
    out = {}
    for g, size in sizes.items():
        if not entered.get(g):
            continue
        try:
            order = audit_order(seed, MEETING, ticket_group(g), entered[g])
        except AuditError as err:
            raise StoreError(str(err)) from None
        out[g] = [(e.number, e.ticket) for e in order.sample(size)]
    return out


def start_sample(store: Store, seed: str, sizes: Mapping[str, int]) -> Wrote:
    """抽查: the 监督组's seed, typed after the count was closed, and the sample size per group (the
    suggestion, or what they chose). Stores the sample (numbers in pull order with their tickets);
    ``Wrote.result`` is its :class:`CheckView`."""
    seed = (seed or "").strip()
    if not seed:
        raise StoreError("抽查种子为空：请由监督组在计票结束后现场公布抽查种子")
    with store.write(f"抽查（种子 {seed}）") as s:
        if count_state_in(s) != CLOSED:
            raise StoreError("计票结束（监督组封签）后才能抽查")
        if s.execute(select(CountCheck.id).where(CountCheck.kind == SAMPLE).limit(1)).first():
            raise StoreError("本次计票已抽查过（抽查种子只公布一次）；如需再查，请做全组复核")
        entered = _numbered_entered(s)
        plan = {}
        for g, size in sizes.items():
            if g not in GROUPS:
                raise StoreError(f"未知的投票组 {g}")
            numbers = entered.get(g) or []
            if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= len(numbers):
                raise StoreError(f"{GROUP_SHORT_LABELS[g]}的抽查张数须在 0 至 {len(numbers)} 之间")
            if not size:
                continue
            try:
                order = audit_order(seed, MEETING, ticket_group(g), numbers)
            except AuditError as err:
                raise StoreError(str(err)) from None
            plan[g] = {"size": size, "ballots": len(numbers),
                       "sample": [[e.number, e.ticket] for e in order.sample(size)]}
        if not plan:
            raise StoreError("没有要抽查的选票（各组抽查张数均为 0，或没有带票号的选票）")
        check = CountCheck(id=_next_id(s), kind=SAMPLE, seed=seed, started_by=store.operator,
                           plan=json.dumps({"groups": plan, "finished": False}, ensure_ascii=False))
        s.add(check)
        s.flush()
        view = _view(s, check)
    total = sum(g.size for g in view.groups)
    return Wrote(Changed.BALLOTS, label=f"抽查：种子 {seed}，共 {total} 张", entity=f"count_checks:{view.id}",
                 value=seed, version=view.version, seq=store.last_write, result=view)


def _next_id(s: Session) -> int:
    return (s.execute(select(func.max(CountCheck.id))).scalar() or 0) + 1


def start_recount(store: Store, group: str, reason: str = "全组盲录复核") -> Wrote:
    """全组复核: every paper of ``group`` keyed again blind and compared by number (a double count, or
    required by a sampled difference). ``Wrote.result``: its :class:`CheckView`."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write(reason) as s:
        if count_state_in(s) == NOT_OPENED:
            raise StoreError("计票尚未开始，不能复核")
        if group not in number_sets_in(s):
            raise StoreError(f"{GROUP_LABELS[group]}的选票未编号，不能逐张按票号复核")
        numbers = _numbered_entered(s)[group]
        if not numbers:
            raise StoreError(f"{GROUP_LABELS[group]}尚无录入的选票，无需复核")
        running = next((v for v in checks_in(s) if v.kind == RECOUNT and v.groups[0].group == group
                        and not v.complete), None)
        if running is not None:
            raise StoreError(f"{GROUP_LABELS[group]}的全组复核（第 {running.id} 次检查）尚未完成，请继续复录")
        check = CountCheck(id=_next_id(s), kind=RECOUNT, group=group, reason=reason, started_by=store.operator,
                           plan=json.dumps({"groups": {group: {"ballots": len(numbers), "numbers": sorted(numbers)}},
                                            "finished": False}))
        s.add(check)
        s.flush()
        view = _view(s, check)
    return Wrote(Changed.BALLOTS, label=f"{GROUP_LABELS[group]}全组复核：{len(numbers)} 张",
                 entity=f"count_checks:{view.id}", version=view.version, seq=store.last_write, result=view)


# -- a paper keyed again ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Reentry:
    """The answer to a paper keyed again: whether it agrees, and the check as it now stands."""

    number: str
    group: str
    agrees: bool
    differences: tuple[str, ...]
    view: CheckView


def reentry_refusal_in(s: Session, check: CountCheck | None, group: str, text: str) -> str | None:
    """Why ``text`` cannot be keyed again for this check and group now (None: it can)."""
    if check is None:
        return "没有这次检查"
    number = fold_ballot_number(text)
    if not is_ballot_number(number):
        return f"“{number[:20]}” 不是票号：票号是 6 位数字"
    plan = _plan(check).get(group)
    label = GROUP_SHORT_LABELS.get(group, group)
    if plan is None:
        return f"本次{KIND_LABELS[check.kind]}不含{label}的选票"
    if check.kind == SAMPLE:
        if number not in {n for n, _ in plan.get("sample") or ()}:
            return f"票号 {number} 不在{label}的抽查名单中"
    elif number not in number_sets_in(s).get(group, ()):
        return f"票号 {number} 不是为{label}印制的票号"
    if s.get(CheckEntry, (check.id, number)) is not None:
        return f"票号 {number} 本次{KIND_LABELS[check.kind]}已复录，不能重复录入"
    if _finished(check):
        return f"本次{KIND_LABELS[check.kind]}已结束，不能再复录"
    return None


def finish_check(store: Store, check_id: int, *, expected_version: int, reason: str) -> Wrote:
    """复录完毕: the 监督组 declare a check finished although some numbers were not keyed again (the
    paper was not found); each such number becomes a difference. ``expected_version``: as seen."""
    if not reason or not reason.strip():
        raise StoreError("结束检查须说明理由（如：票号 483920 的选票找不到）")
    with store.write(reason.strip()) as s:
        check = s.get(CountCheck, check_id)
        if check is None:
            raise StoreError("没有这次检查")
        if check.version != expected_version:
            who, when = last_writer(s, f"count_checks:{check_id}")
            raise ConflictError(f"本次检查已被 {who} 于 {when} 改动，未结束；请刷新后再操作")
        plan = _stored_plan(check)
        if plan.get("finished"):
            raise StoreError("本次检查已结束")
        check.plan = json.dumps({**plan, "finished": True}, ensure_ascii=False)
        s.flush()
        view = _view(s, check)
    return Wrote(Changed.BALLOTS, label=f"结束{view.label}", entity=f"count_checks:{check_id}",
                 version=view.version, seq=store.last_write, result=view)


def check_reentry_number(store: Store, check_id: int, group: str, text: str) -> str:
    """A number keyed for a check, checked at once (as :func:`app.services.ballot_numbers.check_number`)."""
    with store.read() as s:
        refusal = reentry_refusal_in(s, s.get(CountCheck, check_id), group, text)
    if refusal:
        raise StoreError(refusal)
    return fold_ballot_number(text)


def reenter(store: Store, check_id: int, group: str, ballot_no: str, marks: dict[str, Mark], *,
            void: bool = False) -> Wrote:
    """One paper keyed again blind for check ``check_id``; ``Wrote.result`` is a :class:`Reentry`."""
    if group not in GROUPS:
        raise StoreError(f"未知的投票组 {group}")
    with store.write() as s:
        check = s.get(CountCheck, check_id)
        refusal = reentry_refusal_in(s, check, group, ballot_no)
        if refusal:
            raise StoreError(refusal)
        number = fold_ballot_number(ballot_no)
        s.add(CheckEntry(check_id=check_id, ballot_no=number, group=group, status="void" if void else "valid",
                         marks=checked_marks(s, {} if void else marks), entered_by=store.operator))
        s.flush()
        view = _view(s, check)
        part = view.group(group)
        line = next((x for x in part.lines if x.number == number), None)
        found = line.differences if line else tuple(d for d in part.extra if f"票号 {number}：" in d)
    label = f"{KIND_LABELS[check.kind]}复录 {GROUP_SHORT_LABELS[group]}票号 {number}"
    return Wrote(Changed.BALLOTS, label=label, entity=f"check_entries:{check_id}|{number}", value=number,
                 seq=store.last_write, result=Reentry(number, group, not found, found, view))


# -- a correction --------------------------------------------------------------------------------------

def correct_ballot(store: Store, ballot_no: str, marks: dict[str, Mark], *, void: bool = False, reason: str,
                   expected_version: int) -> Wrote:
    """更正 one entered ballot by its number (SPEC §11): only while the count is reopened (sealed, with a
    reason), and — in a group where a check found a difference — after the whole group was re-entered
    blind and compared. ``expected_version``: the ballot's version as the 监督组 saw it."""
    if not reason or not reason.strip():
        raise StoreError("更正选票须填写理由")
    number = fold_ballot_number(ballot_no)
    with store.write(reason.strip()) as s:
        require_editable(s, "recommendation")
        if count_state_in(s) != OPEN:
            raise StoreError("更正选票须先由监督组输入密码并说明理由，重新打开计票")
        ballot = s.execute(select(Ballot).where(Ballot.ballot_no == number, Ballot.status.in_(ENTERED))
                           ).scalar_one_or_none()
        if ballot is None:
            raise StoreError(f"没有已录入的票号 {number}")
        required = recount_required_in(s)
        if ballot.group in required:
            raise StoreError(required[ballot.group])
        if ballot.version != expected_version:
            who, when = last_writer(s, f"ballots:{ballot.serial}")
            raise ConflictError(f"票号 {number} 的选票已被 {who} 于 {when} 改动，未更正；请核对后再操作")
        ballot.marks = checked_marks(s, {} if void else marks)
        ballot.status = "void" if void else "valid"
        s.flush()
        version, group = ballot.version, ballot.group
    return Wrote(Changed.BALLOTS, label=f"更正 {GROUP_SHORT_LABELS[group]}票号 {number} 的选票",
                 entity=f"ballots:{ballot.serial}", value=number, version=version, seq=store.last_write)


def reentered_marks(store: Store, check_id: int, ballot_no: str) -> tuple[dict[str, Mark], bool] | None:
    """What a check keyed for a number (marks, void), to correct a ballot to the recount's reading."""
    with store.read() as s:
        e = s.get(CheckEntry, (check_id, fold_ballot_number(ballot_no)))
        if e is None:
            return None
        return {p: Mark.decode(m) for p, m in json.loads(e.marks).items()}, e.status == "void"


def ballot_version(store: Store, ballot_no: str) -> int:
    """The version of the entered ballot with this number, as a correction refers to it (0: none)."""
    with store.read() as s:
        return s.execute(select(Ballot.version).where(Ballot.ballot_no == fold_ballot_number(ballot_no),
                                                      Ballot.status.in_(ENTERED))).scalar() or 0
