"""The plain data each sheet and form prints; the services fill them, the reports only lay them out.

Conventions, so that a sheet shows exactly what the digest covers:
- a ``Decimal`` is a *published* score and is printed by ``format_score`` (three decimals);
- what was entered (a judge's score, an annual 考核 score) is kept as the entered text (``str``);
- counts are ``int``; labels are ready-to-print Chinese text.

:func:`data_digest` is SHA-256 over a canonical JSON of everything printed except the print time
and the audit-log position; the sheet prints its first 16 hex digits beside the audit log's last
seq, so a printed sheet can be matched to the record (redo the data from the store, compare).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..core.numbers import format_score

DIGEST_SHOWN = 16
SIGNERS = ("计分人", "复核人", "监督人")
MARGINS_MM = (37.0, 28.0, 26.0, 35.0)   # top, left, right, bottom: GB/T 9704-2012 (天头 37 mm, 订口 28 mm)
POSTED, FILED = "posted", "filed"       # 张贴版 (no signatures) and 存档版 (计分人/复核人/监督人 signed)
VERSION_LABELS = {POSTED: "张贴版", FILED: "存档版"}


@dataclass(frozen=True)
class Publicity:
    """What makes a sheet a 公示: the 公示期, how to object, and the 落款 (issuing unit and date)."""

    start: str                          # 2026年3月2日
    end: str
    days: int
    phone: str                          # "" → a blank line to fill in by hand
    mailbox: str
    issuer: str = ""                    # 落款单位 ("" → the unit)
    issued: str = ""                    # 落款日期 ("" → the start of the 公示期)


@dataclass(frozen=True)
class SheetHeader:
    unit: str                   # 单位, e.g. 某某局
    campaign: str               # 竞岗名称
    title: str                  # the sheet's Chinese title (the registry key)
    subtitle: str = ""          # a line under the title, e.g. 第二次报岗
    state: str = ""             # 阶段状态 as printed, e.g. 已公布
    draft: bool = False         # not (all) published: 草稿（未公布） watermark
    audit_seq: int | None = None  # n of the 摘要码: the audit row whose chain head it is (not digested)
    printed: str = ""           # 打印时间 (not digested)
    publicity: Publicity | None = None   # a 公示 sheet: opening sentence, 公示期, 落款
    version: str = FILED        # POSTED or FILED (not digested: both versions show the same data)
    margins: tuple[float, float, float, float] = MARGINS_MM   # mm (not digested)
    code: str = ""              # 摘要码 3F2A-91C0-7B44-E1D9（第 n 条） of the state shown (SPEC §9; not digested)
    head: str = ""              # what its QR code carries: the full head and n (not digested)


# --- 公示 sheets ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class DeclarationRow:
    person_id: str
    name: str
    rank: str
    posts: tuple[str, ...]      # post names, first choice first
    note: str = ""              # e.g. 沿用第一次报岗


@dataclass(frozen=True)
class PostDeclared:
    post: str
    seats: int
    names: tuple[str, ...]      # who declared it (first choices first)


@dataclass(frozen=True)
class DeclarationSheet:
    header: SheetHeader
    round_no: int
    rows: tuple[DeclarationRow, ...]
    posts: tuple[PostDeclared, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SatisfactionRow:
    person_id: str
    name: str
    category: str
    present: int | None
    dissatisfied: int | None
    rate: Decimal | None
    result: str                 # 通过 / 未通过（…） / 无测评记录


@dataclass(frozen=True)
class SatisfactionSheet:
    header: SheetHeader
    rows: tuple[SatisfactionRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemocraticRow:
    person_id: str
    name: str
    dimensions: tuple[Decimal | None, ...]
    score: Decimal | None


@dataclass(frozen=True)
class DemocraticSheet:
    header: SheetHeader
    dimension_labels: tuple[str, ...]   # e.g. 德（30%）
    rows: tuple[DemocraticRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuantifiedRow:
    person_id: str
    name: str
    rank: str
    exam: Decimal | None
    democratic: Decimal | None
    appraisal: tuple[str, ...]          # entered annual scores
    appraisal_avg: Decimal | None
    bonus: Decimal
    quantified: Decimal | None


@dataclass(frozen=True)
class QuantifiedSheet:
    header: SheetHeader
    labels: tuple[str, str, str]        # 考试（10%）, 民主测评（30%）, 考核均分（60%）
    years: int
    rows: tuple[QuantifiedRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpeechRow:
    position: int | None                # 演讲顺序 (None: not in the drawn order)
    person_id: str
    name: str
    scores: tuple[str, ...]             # per judge seat, as entered; "" = no score
    dropped: tuple[str, ...]            # per judge seat: "high", "low" or ""
    kept: int
    mean: Decimal | None


@dataclass(frozen=True)
class SpeechSheet:
    header: SheetHeader
    judges: tuple[str, ...]             # 评委1 … 评委n (names are not printed)
    trim: int
    rows: tuple[SpeechRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecommendationRow:
    person_id: str
    name: str
    post: str
    kind: str                           # 申报（第1志愿） / 建议岗位
    counts: tuple[int, ...]             # per voter group, in the order of the sheet's groups
    recommended: int
    present: int
    rate: Decimal | None
    reached: bool                       # rate ≥ threshold (exact)
    score: Decimal | None
    eligible: str                       # 是 / 否（reason）


@dataclass(frozen=True)
class AccountRow:
    """SPEC §10: one voter group's papers on the 定岗推荐结果 公示 (None: not typed / not numbered)."""

    group: str
    printed: int | None                 # 印制 (None: papers not numbered by the program)
    issued: int | None                  # 发出
    returned: int | None                # 收回
    valid: int | None                   # 有效
    void: int | None                    # 作废
    how: str = ""                       # 逐张唱票 / 按计数录入


@dataclass(frozen=True)
class RecommendationSheet:
    header: SheetHeader
    groups: tuple[str, ...]             # labels with those present, e.g. 局领导（到会5人）
    threshold: str                      # 三分之一
    rows: tuple[RecommendationRow, ...]
    notes: tuple[str, ...] = ()
    accounting: tuple[AccountRow, ...] = ()   # SPEC §10: 印制、发出、收回、有效、作废 per group
    margin: str = ""                    # SPEC §11: the count's margin sentence and its decision
    count: str = ""                     # the count's state and, once sealed, its 摘要码


@dataclass(frozen=True)
class CompositeRow:
    post: str
    person_id: str
    name: str
    quantified: Decimal | None
    speech: Decimal | None
    recommendation: Decimal | None
    composite: Decimal | None
    note: str = ""
    rank: int | None = None             # 名次 among the competitors at this post (ties share a rank)
    placed: str = ""                    # 拟任 / 待定 (§十三), "" otherwise


@dataclass(frozen=True)
class CompositeSheet:
    header: SheetHeader
    labels: tuple[str, str, str]        # 考评量化（30%）, 竞岗演讲（10%）, 定岗推荐（60%）
    rows: tuple[CompositeRow, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppointmentRow:
    post: str
    person_id: str
    name: str
    gender: str
    birth: str
    education: str
    office: str                         # 原科室
    rank: str                           # 现职级
    composite: Decimal | None
    rule: str                           # what decided the seat (§十三)


@dataclass(frozen=True)
class AppointmentSheet:
    header: SheetHeader
    rows: tuple[AppointmentRow, ...]
    pending: tuple[tuple[str, str, str], ...] = ()   # (岗位, 人员, 原因): 待定 and 空缺
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DrawLine:
    position: int
    person_id: str
    name: str
    key: str                            # "" for a paper draw


@dataclass(frozen=True)
class DrawSection:
    meeting: str
    method: str                         # 程序抽签 / 纸签
    seed: str
    ids: str                            # the fixed list: ids sorted as strings, comma-joined
    list_digest: str
    lines: tuple[DrawLine, ...]
    check: str                          # 复核一致 … or the problems
    history: tuple[str, ...] = ()       # superseded draws with their reason


@dataclass(frozen=True)
class DrawSheet:
    header: SheetHeader
    sections: tuple[DrawSection, ...]
    notes: tuple[str, ...] = ()


# --- blank forms for the meeting ------------------------------------------------------------------

@dataclass(frozen=True)
class FormCandidate:
    position: int                       # order on the form (speaking order where drawn)
    person_id: str
    name: str
    detail: str = ""                    # e.g. the declared posts, or the current post
    posts: tuple[str, ...] = ()         # declared post names (定岗推荐票)
    codes: tuple[str, ...] = ()         # their codes (P01 …), as the 唱票 screen keys them


@dataclass(frozen=True)
class JudgeForms:
    header: SheetHeader
    judges: tuple[str, ...]             # 评委1 … 评委n: one form each
    rows: tuple[FormCandidate, ...]
    decimals: int = 1
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ballot:
    """One printed 定岗推荐票: its voter group, its number, and what its code (QR) carries ("" → the
    reserved box stays blank). Issue 16 passes random numbers and codes; by default 0001, 0002 …"""

    group: str
    number: str
    code: str = ""


@dataclass(frozen=True)
class ScannableBallots:
    """The numbered 定岗推荐票 in the scannable layout (SPEC §12): ``layout`` (:class:`app.scan.layout.Layout`),
    ``text`` (:class:`app.scan.render.BallotText`: names, post names, the meeting code) and the ballots to
    print, (voter group key, number), in print order."""

    layout: Any
    text: Any
    ballots: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class BallotForms:
    """定岗推荐票: numbered; the voter group printed on each; ``copies`` per group."""

    header: SheetHeader
    copies: tuple[tuple[str, int], ...]  # (group label, how many)
    rows: tuple[FormCandidate, ...]
    posts: tuple[tuple[str, str], ...]  # (code, name) of every post, for the 建议岗位 column
    notes: tuple[str, ...] = ()
    ballots: tuple[Ballot, ...] = ()    # given: exactly these ballots, in this order (else from ``copies``)
    scannable: ScannableBallots | None = None   # numbered: printed in the scannable layout instead

    def each(self) -> tuple[tuple[Ballot, int, int], ...]:
        """(ballot, k, n): the k-th of the n ballots of its group."""
        ballots = self.ballots
        if not ballots:
            total = sum(n for _, n in self.copies)
            width = max(4, len(str(total)))
            serial, made = 0, []
            for group, n in self.copies:
                for _ in range(n):
                    serial += 1
                    made.append(Ballot(group, f"{serial:0{width}d}"))
            ballots = tuple(made)
        sizes: dict[str, int] = {}
        for b in ballots:
            sizes[b.group] = sizes.get(b.group, 0) + 1
        seen: dict[str, int] = {}
        out = []
        for b in ballots:
            seen[b.group] = seen.get(b.group, 0) + 1
            out.append((b, seen[b.group], sizes[b.group]))
        return tuple(out)


@dataclass(frozen=True)
class Unrated:
    person_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class RatingForms:
    """满意度测评票 and 民主测评票: numbered copies of one table."""

    header: SheetHeader
    copies: int
    rows: tuple[FormCandidate, ...]
    columns: tuple[str, ...]            # 满意/基本满意/不满意, or the grades
    groups: tuple[str, ...] = ()        # 民主测评: 德（30%）… each over ``columns``
    notes: tuple[str, ...] = ()
    unrated: tuple[Unrated, ...] = ()   # people of the roster not on the form, and why


# --- the digest -------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_score(value)      # printed with three decimals, so digested that way
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def data_digest(data: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of what the sheet shows (print time and seq left out)."""
    content = dataclasses.asdict(data)
    header = content.get("header", {})
    for key in ("printed", "audit_seq", "version", "margins", "code", "head"):
        header.pop(key, None)
    text = json.dumps(_plain(content), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def short_digest(data: Any) -> str:
    return data_digest(data)[:DIGEST_SHOWN]

