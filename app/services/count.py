"""The 定岗推荐 count the 监督组 can reconcile and seal (SPEC §10): accounting per voter group, the
开票前确认单's figures, opening and closing the count, an accepted difference, and what keeps the
定岗推荐计票 stage from being confirmed.

**The count's life.** Numbers are printed (:mod:`.ballot_numbers`); the clerk types 到会 and 发出;
the 开票前确认单 is printed and the 监督组 seal it — *opening* the count (``open-count``); ballots are
entered with their numbers; the clerk types 收回; the 监督组 *close* the count (``close-count``), which
seals the ballot records: nothing of the count changes afterwards unless the 监督组 reopen it (sealed,
with a reason). The stage is confirmed only when every group is reconciled (or the 监督组 accepted the
stated difference, sealed) and a count that was opened is closed.

**Accounting per group**: 印制 (the set's size), 发出 and 收回 (typed), 已录入 (papers entered, 作废
included), 有效 and 作废; 尚缺 = 收回 − 已录入. A group entered as typed totals (计数录入, allowed for a
whole group) is checked on its totals and listed as such.

Seals (SPEC §9, :mod:`app.services.seals`): each of the 监督组's steps — ``open-count``, ``close-count``,
``accept-difference``, ``reopen-count`` — asks their password (a wrong one is refused and logged) and writes
a seal row right after the step in the same transaction; ``verify`` finds every move of the count's state
followed by its seal (:func:`app.core.stage_rules.count_move`). Each answers with the 摘要码 after its seal.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.ballot_numbers import (BallotCandidate, BallotNumberError, GroupAccount, candidate_list_digest,
                                   candidate_list_text, reconcile)
from ..core.scheme import GROUP_SHORT_LABELS, GROUPS
from ..models import audit
from ..core import seal as core_seal
from ..models.schema import AuditLog, Ballot, Meta, Presence, Stage
from ._put import put
from .ballot_checks import KINDS, meta_key
from .ballot_numbers import (ACCEPTED_KEY, CLOSED, COUNT_KEY, ENTERED, NOT_OPENED, OPEN, OPENING_KEY,
                             count_state_in, number_sets_in)
from .ballots import COUNTS, Counted, counted, group_modes
from . import seals
from .stages import require_editable
from .store import Changed, ConflictError, Store, StoreError, Wrote


@dataclass(frozen=True)
class GroupAccounting:
    """One voter group's papers (SPEC §10), as the panel, the wall and the sheets show them."""

    group: str
    present: int | None          # 到会
    printed: int | None          # 印制 (None: papers the program did not number)
    issued: int | None           # 发出 (typed)
    returned: int | None         # 收回 (typed)
    entered: int                 # 已录入: papers entered, 作废 included
    valid: int | None            # 有效: entered and not void (a counts-only group: the typed 有效)
    void: int                    # 作废
    counts_only: bool            # typed totals for the whole group (计数录入)

    @property
    def missing(self) -> int | None:
        """尚缺: papers returned but not entered yet (negative: entered more than returned)."""
        if self.counts_only or self.returned is None:
            return None
        return self.returned - self.entered

    @property
    def numbered(self) -> bool:
        return self.printed is not None


@dataclass(frozen=True)
class Accepted:
    """A difference the 监督组 accepted (sealed): the findings as stated, and why."""

    findings: tuple[str, ...]
    reason: str
    by: str


@dataclass(frozen=True)
class Accounting:
    state: str                                   # NOT_OPENED / OPEN / CLOSED
    groups: dict[str, GroupAccounting]           # in GROUPS order
    findings: tuple[str, ...]                    # what keeps the count from being reconciled
    accepted: Accepted | None
    opening: dict | None                         # the sealed 开票前确认单's figures
    numbered: bool                               # some group's papers carry numbers
    checks: tuple[str, ...] = field(default=())  # audit / recount findings (part of ``findings``)

    @property
    def reconciled(self) -> bool:
        return not self.findings

    @property
    def difference_accepted(self) -> bool:
        """The 监督组 accepted exactly the findings there are now."""
        return bool(self.findings) and self.accepted is not None and set(self.accepted.findings) == set(self.findings)

    def confirm_refusal(self) -> str | None:
        """Why the 定岗推荐计票 stage cannot be confirmed now (None: it can)."""
        if self.numbered and self.state == NOT_OPENED:
            return "定岗推荐计票尚未开始：开票前确认单未封签，不能确认"
        if self.state == OPEN:
            return "计票尚未结束：请监督组核对后输入密码封签（结束计票），再确认本阶段"
        if self.findings and not self.difference_accepted:
            shown = "\n".join(self.findings[:10]) + (f"\n……另有 {len(self.findings) - 10} 项" if len(self.findings) > 10 else "")
            tail = ("\n（监督组此前认可的差额与现在不符，须重新认可）" if self.accepted is not None else "")
            return ("选票未核对一致，不能确认“定岗推荐计票”：\n" + shown + tail
                    + "\n请补录或更正；如确有差额，由监督组说明理由并输入密码认可差额")
        return None


# -- reading ---------------------------------------------------------------------------------------

def _meta_json(s: Session, key: str) -> dict | None:
    row = s.get(Meta, key)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _typed(s: Session) -> dict[str, dict[str, int]]:
    keys = {meta_key(k, g): (g, k) for g in GROUPS for k in KINDS}
    out: dict[str, dict[str, int]] = {g: {} for g in GROUPS}
    for row in s.execute(select(Meta).where(Meta.key.in_(list(keys)))).scalars():
        g, k = keys[row.key]
        out[g][k] = int(row.value)
    return out


def accounting_in(s: Session, *, tallied: Counted | None = None, modes: dict[str, str] | None = None,
                  presence: dict[str, int] | None = None, papers: dict[str, dict[str, int]] | None = None) -> Accounting:
    """The count's accounting and findings, read inside the caller's transaction (``tallied``, ``modes``,
    ``presence`` and the typed ``papers``: what the caller has read already — the tab's grid reads them once)."""
    from .count_checks import check_findings_in
    sets = number_sets_in(s)
    if presence is None:
        presence = {p.group: p.present for p in s.execute(select(Presence)).scalars()}
    typed = _typed(s) if papers is None else papers
    modes = group_modes(s) if modes is None else modes
    tallied = counted(s) if tallied is None else tallied
    numbers = tallied.numbers or {g: [] for g in GROUPS}
    void = tallied.void or {g: 0 for g in GROUPS}
    unnumbered = {g: tallied.entered(g) - len(numbers[g]) for g in GROUPS}
    groups, accounts = {}, []
    for g in GROUPS:
        counts_only = modes[g] == COUNTS
        entered = len(numbers[g]) + unnumbered[g]
        printed = len(sets[g]) if g in sets else None
        groups[g] = GroupAccounting(g, presence.get(g), printed, typed[g].get("issued"), typed[g].get("returned"),
                                    entered, typed[g].get("valid") if counts_only else entered - void[g], void[g],
                                    counts_only)
        accounts.append(GroupAccount(g, presence.get(g, 0), printed, typed[g].get("issued"), typed[g].get("returned"),
                                     tuple(numbers[g]), sets.get(g), counts_only, unnumbered[g]))
    result = reconcile(accounts)
    state = count_state_in(s)
    opening = _meta_json(s, OPENING_KEY)
    findings = list(result.findings) + _opening_findings(opening, groups)
    checks = tuple(check_findings_in(s))
    accepted_row = _meta_json(s, ACCEPTED_KEY)
    accepted = None
    if accepted_row is not None:
        accepted = Accepted(tuple(accepted_row.get("findings") or ()), str(accepted_row.get("reason", "")),
                            str(accepted_row.get("by", "")))
    return Accounting(state, groups, tuple(findings) + checks, accepted, opening, bool(sets), checks)


def _opening_findings(opening: dict | None, groups: Mapping[str, GroupAccounting]) -> list[str]:
    """到会 and 发出 changed since the 开票前确认单 was sealed (印制 cannot change after it)."""
    if not opening:
        return []
    out = []
    for g in GROUPS:
        sealed = (opening.get("groups") or {}).get(g) or {}
        for key, label, now in (("present", "到会", groups[g].present), ("issued", "发出", groups[g].issued)):
            if key in sealed and sealed[key] != now:
                out.append(f"{GROUP_SHORT_LABELS[g]}：{label} {'未录入' if now is None else now}，"
                           f"与开票前确认单（{sealed[key]}）不符")
    return out


def accounting(store: Store) -> Accounting:
    with store.read() as s:
        return accounting_in(s)


def confirm_refusal_in(s: Session) -> str | None:
    """Asked by :func:`app.services.stages.advance` before the stage is confirmed (SPEC §10, §12: nor while
    scanned ballots wait for review or the two channels differ)."""
    refusal = accounting_in(s).confirm_refusal()
    if refusal:
        return refusal
    return _scan_refusal(s, "不能确认“定岗推荐计票”")


def _scan_refusal(s: Session, what: str) -> str | None:
    from .scanning import open_findings_in
    found = open_findings_in(s)
    return f"扫描计票尚未完成，{what}：\n" + "\n".join(found) if found else None


# -- the 开票前确认单's figures -----------------------------------------------------------------------

@dataclass(frozen=True)
class OpeningFigures:
    """What the 开票前确认单 prints and the opening seals (SPEC §10)."""

    groups: dict[str, dict[str, int | None]]     # group → present, printed, issued
    candidates: tuple[BallotCandidate, ...]      # as printed on the ballot
    list_text: str                               # the candidate–post list, canonical (its SHA-256 below)
    list_digest: str
    weights: dict[str, str]                      # group → weight as stored (e.g. "0.35")
    threshold: str                               # "1/3"

    def to_json(self) -> dict:
        return {"groups": self.groups, "list_digest": self.list_digest, "weights": self.weights,
                "threshold": self.threshold}

    @property
    def digest(self) -> str:
        """SHA-256 of the figures (canonical JSON): the opening seals exactly the sheet the 监督组 signed."""
        return hashlib.sha256(audit.canonical(self.to_json()).encode("utf-8")).hexdigest()


def ballot_candidates(store: Store) -> tuple[BallotCandidate, ...]:
    """The candidates as printed on the 定岗推荐票 (``draws.ballot_order``), with their declared posts."""
    from .recommendation_grid import recommendation_grid
    grid = recommendation_grid(store)
    return tuple(BallotCandidate(c.id, c.name, tuple((p, grid.posts.get(p, p)) for p in c.declared))
                 for c in grid.ballot_form or ())


def opening_figures(store: Store) -> OpeningFigures:
    candidates = ballot_candidates(store)
    try:
        text, digest = candidate_list_text(candidates), candidate_list_digest(candidates)
    except BallotNumberError as err:
        raise StoreError(str(err)) from None
    scheme = store.scheme()
    with store.read() as s:
        acc = accounting_in(s)
    groups = {g: {"present": a.present, "printed": a.printed, "issued": a.issued} for g, a in acc.groups.items()}
    weights = {g: str(scheme.group_weights[g]) for g in GROUPS}
    t = scheme.threshold
    return OpeningFigures(groups, candidates, text, digest, weights, f"{t.numerator}/{t.denominator}")


# -- sealed steps (SPEC §9: the 监督组's password, a seal row right after the step) --------------------

STAGE = "recommendation"


def _key(store: Store, password: str, action: str, reason: str | None = None) -> tuple[bytes, str | None]:
    """The seal key for ``action`` — a wrong password is refused, and the refusal logged."""
    return seals.supervisor_key(store, password, action=core_seal.ACTION_LABELS[action],
                                detail={"action": action, "stage": STAGE}, reason=reason)


def _seal(s: Session, key: bytes, action: str) -> str:
    """The seal row over the step just written (the count's state row is the last row before it, so
    ``verify`` finds each move of the count followed by its seal); returns its 摘要码."""
    s.flush()
    row = seals.append_seal(s, key, action, STAGE)
    s.flush()
    return core_seal.digest_code(row.hash, row.seq)


def _sealed(label: str, code: str, store: Store, entity: str) -> Wrote:
    return Wrote(Changed.BALLOTS | Changed.STAGES, label=label, entity=entity, value=code, seq=store.last_write)


def _require_stage_draft(s: Session, verb: str) -> None:
    """The count's sealed steps happen while the stage is a draft (before it is confirmed)."""
    row = s.get(Stage, STAGE)
    if row is not None and row.state in ("locked", "published"):
        require_editable(s, STAGE)           # says 已锁定 / 已公布 as every refusal does
    if row is not None and row.state != "draft":
        raise StoreError(f"“定岗推荐计票”已确认，不能{verb}；请先退回草稿")


def open_count(store: Store, password: str, *, digest: str) -> Wrote:
    """开始计票: the 监督组 seal the 开票前确认单 they signed (``open-count``). ``digest``: the figures'
    digest printed on that sheet — if anything it shows changed since (到会, 印制, 发出, the list,
    weights), nothing is sealed and the sheet must be printed again. ``Wrote.value``: the 摘要码."""
    figures = opening_figures(store)
    if figures.digest != digest:
        raise ConflictError("开票前确认单打印后数据已变动（到会、印制、发出、候选人名单、权重或推荐率界线），"
                            "未开始计票；请重新打印确认单，由监督组核对后再封签")
    if not any(f["printed"] for f in figures.groups.values()):
        raise StoreError("尚未印制带票号的定岗推荐票，无需开始计票（未编号的选票可直接录入）")
    missing = [GROUP_SHORT_LABELS[g] for g, f in figures.groups.items() if f["printed"] and f["issued"] is None]
    if missing:
        raise StoreError(f"开始计票前请录入发出票数：{'、'.join(missing)}")
    key, new_kdf = _key(store, password, core_seal.OPEN_COUNT)
    with store.write("开始计票（开票前确认单已由监督组核对签字）") as s:
        seals.ensure_kdf(s, new_kdf)
        _require_stage_draft(s, "开始计票")
        if count_state_in(s) != NOT_OPENED:
            raise ConflictError("计票已开始（刚被其他录入人封签），未再封签；请刷新（Ctrl+R）")
        if s.execute(select(Ballot.serial).where(Ballot.status.in_(ENTERED), Ballot.ballot_no.is_not(None))
                     .limit(1)).first():
            raise StoreError("已有带票号的选票录入，开票前确认单须在第一张票之前封签")
        put(s, Meta, {"key": OPENING_KEY}, {"value": audit.canonical({**figures.to_json(), "digest": figures.digest})})
        s.flush()
        put(s, Meta, {"key": COUNT_KEY}, {"value": OPEN})
        code = _seal(s, key, core_seal.OPEN_COUNT)
    return _sealed("开始计票：开票前确认单已封签", code, store, f"meta:{COUNT_KEY}")


def close_count(store: Store, password: str) -> Wrote:
    """结束计票: the 监督组 seal the ballot records (``close-count``); nothing of the count changes
    afterwards unless they reopen it. ``Wrote.value``: the 摘要码 the wall shows and the sheets print."""
    key, new_kdf = _key(store, password, core_seal.CLOSE_COUNT)
    with store.write("结束计票（监督组封签）") as s:
        seals.ensure_kdf(s, new_kdf)
        _require_stage_draft(s, "结束计票")
        state = count_state_in(s)
        if state == CLOSED:
            raise ConflictError("计票已结束（刚被其他录入人封签），未再封签；请刷新（Ctrl+R）")
        if state == NOT_OPENED and number_sets_in(s):
            raise StoreError("计票尚未开始（开票前确认单未封签），不能结束")
        refusal = _scan_refusal(s, "不能结束计票")
        if refusal:
            raise StoreError(refusal)
        put(s, Meta, {"key": COUNT_KEY}, {"value": CLOSED})
        code = _seal(s, key, core_seal.CLOSE_COUNT)
    return _sealed("结束计票：选票记录已封签", code, store, f"meta:{COUNT_KEY}")


def reopen_count(store: Store, password: str, reason: str) -> Wrote:
    """重新打开计票 for a correction (SPEC §11: corrections need a sealed unlock — ``reopen-count``): the
    监督组's password and a reason; the stage goes back to draft if it was confirmed."""
    if not reason or not reason.strip():
        raise StoreError("重新打开计票须填写理由")
    key, new_kdf = _key(store, password, core_seal.REOPEN_COUNT, reason.strip())
    with store.write(reason.strip()) as s:
        seals.ensure_kdf(s, new_kdf)
        stage = s.get(Stage, STAGE)
        if stage is not None and stage.state in ("locked", "published"):
            raise StoreError("“定岗推荐计票”已锁定，请先由监督组解锁本阶段，再重新打开计票")
        if count_state_in(s) != CLOSED:
            raise ConflictError("计票未结束，无需重新打开")
        if stage is not None and stage.state == "confirmed":
            stage.state = "draft"
            s.flush()
        put(s, Meta, {"key": COUNT_KEY}, {"value": OPEN})
        code = _seal(s, key, core_seal.REOPEN_COUNT)
    return _sealed(f"重新打开计票（理由：{reason.strip()}）", code, store, f"meta:{COUNT_KEY}")


def accept_difference(store: Store, password: str, reason: str, *, findings: tuple[str, ...]) -> Wrote:
    """认可差额: the 监督组 accept the stated difference (``findings``, exactly as they were shown) with
    a reason and their seal (``accept-difference``); the stage can then be confirmed while the findings
    stay as stated."""
    if not reason or not reason.strip():
        raise StoreError("认可差额须由监督组说明理由")
    key, new_kdf = _key(store, password, core_seal.ACCEPT_DIFFERENCE, reason.strip())
    with store.write(reason.strip()) as s:
        seals.ensure_kdf(s, new_kdf)
        _require_stage_draft(s, "认可差额")
        now = accounting_in(s).findings
        if not now:
            raise StoreError("选票已核对一致，没有需要认可的差额")
        if set(now) != set(findings):
            raise ConflictError("差额已变动（刚有录入），未认可；请核对现在的差额后再认可")
        put(s, Meta, {"key": ACCEPTED_KEY}, {"value": audit.canonical(
            {"findings": list(now), "reason": reason.strip(), "by": store.operator})})
        code = _seal(s, key, core_seal.ACCEPT_DIFFERENCE)
    return _sealed(f"监督组认可差额（{len(now)} 项）", code, store, f"meta:{ACCEPTED_KEY}")


def count_code_in(s: Session) -> str | None:
    """The 摘要码 of the seal that closed the count (SPEC §10), while it is closed; else None."""
    if count_state_in(s) != CLOSED:
        return None
    for seq, digest, new in s.execute(select(AuditLog.seq, AuditLog.hash, AuditLog.new)
                                      .where(AuditLog.action == "event", AuditLog.entity == seals.SEAL_ENTITY)
                                      .order_by(AuditLog.seq.desc())):
        try:
            action = json.loads(new or "{}").get("action")
        except ValueError:
            continue
        if action == core_seal.CLOSE_COUNT:
            return core_seal.digest_code(digest, seq)
    return None


# -- the margin (SPEC §11) ----------------------------------------------------------------------------

@dataclass(frozen=True)
class MarginLine:
    """The count's margin as the tab and the 定岗推荐结果 公示 print it."""

    ballots: int | None        # None: nothing is decided by ballots (or the campaign cannot be computed yet)
    sentence: str              # 改变约 3 张选票可能改变：办公室科长 的人选（张明 与 李华 的先后）
    decision: str = ""         # the decision it belongs to, in words

    @property
    def words(self) -> str:
        """The sentence and the decision, as the tab and the 定岗推荐结果 公示 print them."""
        return f"{self.sentence}；所涉结果：{self.decision}" if self.decision else self.sentence


def margin_line(store: Store) -> MarginLine:
    """The count's margin from the results ``compute`` gives (pairs, seats), in words."""
    from ..core.margin import SEAT, margin_sentence, threshold_label
    from .campaign_io import compute_results
    try:
        campaign, results = compute_results(store)
    except StoreError as err:
        return MarginLine(None, f"余量暂不能计算：{str(err).splitlines()[0]}")
    m = results.margin
    if m is None:
        return MarginLine(None, "余量：没有由选票决定的事项")
    names = {p.id: p.name for p in campaign.people}
    posts = {p.id: p.name for p in campaign.posts}
    t = campaign.scheme.threshold
    if m.kind == SEAT:
        decision = f"{posts.get(m.post, m.post)}：{names.get(m.person, m.person)} 拟任（对 {names.get(m.rival or '', m.rival)}）"
    else:
        pair = next((x for x in results.pairs if x.person == m.person and x.post == m.post), None)
        reached = "达到" if pair is not None and pair.recommendation and pair.recommendation.eligible else "未达到"
        decision = f"{names.get(m.person, m.person)} {posts.get(m.post, m.post)}：推荐率{reached}{threshold_label(t)}"
    return MarginLine(m.ballots, margin_sentence(m, names, posts, t), decision)
