"""The data of every printed sheet and form, read from the store (the reports never query).

**Decision — sheets are printed from published data.** A 公示 sheet lists the stages it shows
(``app.reports.SHEETS[title].needs``); if one is not *published* the sheet is refused
(:class:`NotPublishedError`) unless ``draft=True``, and then every page carries "草稿（未公布）".
The 报岗情况公示 of round n needs round n published (``declarations_published_round``) or the
whole 报岗 stage published. The 抽签记录 is final when drawn (a redraw keeps the old record), and
the blank forms show no results, so these print at any time. Every sheet prints the stage state.

The digest printed at the foot is over exactly the data shown (``app.reports.data.data_digest``);
beside it the 摘要码 (SPEC §9) of the state shown, with its QR code: for a published 公示 the chain head
after the publication's seal (the sheet shows that publication's snapshot), else the head when the
data were read — the 监督组 check it later with ``python -m app verify FILE --printed CODE@n``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from typing import Any, Callable

from ..core.assignment import REASON_LABELS, RULE_LABELS
from ..core.results import compute, results_to_json
from ..core.seal import ACTION_LABELS, digest_code, qr_payload
from ..core.snapshot import published_results
from ..core.stage_rules import WITHDRAWN_LABEL, upstream
from ..models.audit import GENESIS
from ..core.declarations import effective_declaration
from ..core.scheme import DIMENSION_LABELS, DIMENSIONS, GRADES, GROUP_LABELS, GROUPS
from ..models.schema import ChainHead, Meta
from ..reports import SHEET, SHEETS
from ..reports import data as d
from ..reports import seals as seal_sheet
from . import draws, report_count
from ._put import put
from .campaign_io import compute_results, export_campaign
from .declaration_rounds import published_round, round_name
from .report_rotation import rotation_list, rotation_statistics
from .report_selection import selection_forms, selection_sheet
from .results_excel import percent
from .scores import list_judges
from .stages import require_editable, stage_states
from .seals import head_at, list_seals, publication_seal
from .snapshots import load_frozen, published_snapshot, withdrawn_stages
from .store import STAGE_LABELS, STATE_LABELS, Changed, Store, StoreError

ORDINALS = "一二三四五六七八九"
PHONE_KEY, MAILBOX_KEY, ISSUER_KEY = "supervision_phone", "supervision_mailbox", "publicity_issuer"
PUBLICITY_DAYS = 7
# Column headings of the voter groups, broken where a narrow column reads best.
GROUP_HEADINGS = {"leaders": "局领导", "staff": "其他行政\n编制人员", "unit_heads": "事业单位\n负责人",
                  "county_chiefs": "各县（市、\n区）局长"}


class NotPublishedError(StoreError):
    """A 公示 sheet whose stage is not published (print it with draft=True to get a marked draft)."""


def set_publicity_contacts(store: Store, phone: str, mailbox: str, issuer: str | None = None) -> Changed:
    """The campaign's 监督电话 and 监督信箱 (and the 落款单位 when given), printed on every 公示
    (audited meta rows). Frozen with the 公示 they appear on (SPEC §9): every 公示 draws on 人员名单, so they
    are data of 人员名单 and refused once it is locked."""
    with store.write("设置监督电话和监督信箱") as s:
        require_editable(s, "roster")
        put(s, Meta, {"key": PHONE_KEY}, {"value": phone.strip()})
        put(s, Meta, {"key": MAILBOX_KEY}, {"value": mailbox.strip()})
        if issuer is not None:
            put(s, Meta, {"key": ISSUER_KEY}, {"value": issuer.strip()})
    return Changed.STAGES


def publicity_contacts(store: Store) -> tuple[str, str]:
    """The stored 监督电话 and 监督信箱 (empty when not set), as the 拟任人选公示 prints them."""
    with store.read() as s:
        return tuple(row.value if (row := s.get(Meta, key)) else "" for key in (PHONE_KEY, MAILBOX_KEY))


def publicity_period(start: date, days: int = PUBLICITY_DAYS) -> tuple[date, date]:
    """**Decision**: 公示期 of 7 calendar days counting the start day (3月2日 → 3月8日)."""
    return start, start + timedelta(days=days - 1)


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def entered(text: Any, decimals: int) -> str:
    """An entered score as printed: padded to the scheme's decimals (88 → 88.0), exactly, never rounded."""
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        return str(text)
    if not value.is_finite() or -value.as_tuple().exponent > decimals:
        return str(text)
    return f"{value:.{decimals}f}"


def fraction_text(f: Fraction) -> str:
    return "三分之一" if f == Fraction(1, 3) else f"{f.numerator}/{f.denominator}"


@dataclass
class Options:
    start_date: date | None = None      # 拟任人选公示
    round_no: int | None = None         # 报岗情况公示
    meeting: str | None = None          # 抽签记录
    copies: int | None = None           # forms
    print_counts: dict[str, int] | None = None   # 定岗推荐票: 印制 张数 per group (numbers drawn at the first print)
    numbered: bool | None = None        # 定岗推荐票: with numbers (None: as stored — numbered once a set exists)
    phase: str | None = None            # 双向选择确认表: staff / business (or 科员定岗 / 事业人员补充)
    draft: bool = False
    printed: str | None = None
    version: str = d.FILED              # 公示: posted (张贴版) or filed (存档版, with the signatures)
    margins: tuple[float, float, float, float] | None = None   # mm: top, left, right, bottom
    as_of: date | None = None           # 交流轮岗: the screening / statistics date (default today)
    group: str | None = None            # 定岗推荐票: only this voter group's ballots


class _Ctx:
    """One reading of the store: the export, the results (computed when first needed), states.

    A 公示 sheet whose stages are all published shows the **snapshot** stored at publication (SPEC §9,
    published means frozen): ``doc`` is the snapshot's campaign and ``computed`` its results, checked
    against the numbers the snapshot holds — never the data as they are now. The 摘要码 printed is the
    chain head after that publication's seal; any other sheet prints the head of the data it read."""

    def __init__(self, store: Store, title: str | None = None):
        self.store = store
        for _ in range(3):                       # the seq must be that of the data read in between
            before = self._seq()
            self.doc = export_campaign(store)
            self.states = stage_states(store)
            self.withdrawn = withdrawn_stages(store)
            if self._seq() == before:
                break
        self.seq = before
        self.head = head_at(store, before) or GENESIS
        self.snapshot = None
        self.sealed: tuple[int, str] | None = None     # (n, head) of the publication shown
        needs = SHEETS[title].needs if title in SHEETS else ()
        if needs and all(self.states.get(s) == "published" for s in needs):
            top = max(needs, key=lambda st: len(upstream(st)))
            self.snapshot = published_snapshot(store, top)
            self.doc = self.snapshot.campaign
            self.sealed = publication_seal(store, self.snapshot)
        self.settings = self.doc.get("settings") or {}
        self.people = {p["id"]: p for p in self.doc["people"]}
        self.order = [p["id"] for p in self.doc["people"]]
        self.rank = {pid: i for i, pid in enumerate(self.order)}
        self.post_names = {p["id"]: p["name"] for p in self.doc["posts"]}
        self.post_order = {p["id"]: i for i, p in enumerate(self.doc["posts"])}

    def _seq(self) -> int:
        with self.store.read() as s:
            head = s.get(ChainHead, 1)
            return head.seq if head else 0

    def _states(self, stages: list[str]) -> str:
        return "、".join(f"{STAGE_LABELS[s]}（{self._state(s)}）" for s in stages)

    def _state(self, stage: str) -> str:
        if stage in self.withdrawn:
            return f"{WITHDRAWN_LABEL}，更正后重新公布"
        return STATE_LABELS[self.states.get(stage, 'draft')]

    @cached_property
    def computed(self):
        if self.snapshot is None:
            return compute_results(self.store)
        campaign = load_frozen(self.doc)
        results = compute(campaign)
        if published_results(self.snapshot.stage, results_to_json(results)) != self.snapshot.results:
            raise StoreError(f"“{STAGE_LABELS[self.snapshot.stage]}”公布时的快照与其数据重算的结果不符，不能打印；"
                             "请监督组用 python -m app verify 核对")
        return campaign, results

    def name(self, pid: str) -> str:
        return self.people.get(pid, {}).get("name", pid)

    def post(self, post_id: str) -> str:
        return self.post_names.get(post_id, post_id)

    def rounds(self, pid: str) -> list[list[str]]:
        return self.people.get(pid, {}).get("declarations") or []

    def declared(self, pid: str) -> tuple[str, ...]:
        return effective_declaration(self.rounds(pid))

    def header(self, title: str, opts: Options, *, subtitle: str = "", published: bool | None = None,
               state: str = "") -> d.SheetHeader:
        """``published``/``state`` given: the builder has judged publication itself (报岗 by round)."""
        needs = SHEETS[title].needs if published is None else ()
        waiting = [s for s in needs if self.states.get(s) != "published"]
        if waiting and not opts.draft:
            names = self._states(waiting)
            raise NotPublishedError(f"“{title}”所依据的阶段尚未公布：{names}。公布后再打印，或打印草稿")
        if needs:
            state = "已公布" if not waiting else "未公布：" + self._states(waiting)
        printed = opts.printed if opts.printed is not None else datetime.now().strftime("%Y-%m-%d %H:%M")
        draft = bool(waiting) if published is None else not published
        publicity = self.publicity(opts) if SHEETS[title].kind == SHEET else None
        if opts.version not in d.VERSION_LABELS:
            raise StoreError(f"没有“{opts.version}”这一版本；可选：{'、'.join(d.VERSION_LABELS)}")
        n, head = self.sealed if self.sealed and not draft else (self.seq, self.head)
        return d.SheetHeader(unit=self.doc.get("unit", ""), campaign=self.doc.get("title", ""), title=title,
                             subtitle=subtitle, state=state, draft=draft, audit_seq=n, printed=printed,
                             publicity=publicity, version=opts.version, margins=margins_of(opts),
                             code=digest_code(head, n), head=qr_payload(head, n))

    def publicity(self, opts: Options) -> d.Publicity:
        """The 公示期 (7 days from ``start_date``, default today), 监督电话/信箱 and the 落款."""
        start, end = publicity_period(opts.start_date or date.today())
        return d.Publicity(chinese_date(start), chinese_date(end), PUBLICITY_DAYS, self.settings.get(PHONE_KEY, ""),
                           self.settings.get(MAILBOX_KEY, ""), self.settings.get(ISSUER_KEY, ""), chinese_date(start))


def margins_of(opts: Options) -> tuple[float, float, float, float]:
    if opts.margins is None:
        return d.MARGINS_MM
    if len(opts.margins) != 4 or any(not (5 <= m <= 60) for m in opts.margins):
        raise StoreError(f"页边距须为上、左、右、下四个数，每个在 5 至 60 毫米之间（现为 {opts.margins}）")
    return tuple(float(m) for m in opts.margins)


# --- 公示 sheets --------------------------------------------------------------------------------------

def _declarations(ctx: _Ctx, opts: Options) -> d.DeclarationSheet:
    title = "报岗情况公示"
    whole = ctx.states.get("declarations") == "published"
    published = published_round(ctx.store)
    last = max((len(ctx.rounds(pid)) for pid in ctx.order), default=0)
    n = opts.round_no or (last if whole or opts.draft else published)
    if n < 1:
        raise NotPublishedError("尚未公布任何一次报岗，不能打印报岗情况公示（可打印草稿）")
    is_published = whole or n <= published
    if not is_published and not opts.draft:
        raise NotPublishedError(f"{round_name(n)}报岗尚未公布，不能打印报岗情况公示（可打印草稿）")
    header = ctx.header(title, opts, subtitle=f"{round_name(n)}报岗", published=is_published,
                        state=f"{round_name(n)}报岗" + ("已公布" if is_published else "未公布"))
    rows, by_post = [], {pid: [] for pid in ctx.post_names}
    for pid in ctx.order:
        rounds = ctx.rounds(pid)[:n]
        posts = effective_declaration(rounds)
        if not posts:
            continue
        submitted = max(i for i, r in enumerate(rounds, start=1) if r)
        note = "" if submitted == n else f"沿用{round_name(submitted)}报岗"
        p = ctx.people[pid]
        rows.append(d.DeclarationRow(pid, p["name"], p.get("rank") or "", tuple(ctx.post(x) for x in posts), note))
        for k, post in enumerate(posts):
            by_post.setdefault(post, []).append((k, len(rows), p["name"]))
    seats = {p["id"]: p.get("seats", 1) for p in ctx.doc["posts"]}
    posts = tuple(d.PostDeclared(ctx.post(post), seats.get(post, 1), tuple(x[2] for x in sorted(names)))
                  for post, names in by_post.items())
    notes = ("注：每人以最后一次提交的报岗为准，本次未提交的沿用此前的报岗；第一、二次报岗可报1至2个岗位，"
             "第三次限报1个岗位（第九条）。报名人员中第一志愿者在前。",)
    return d.DeclarationSheet(header, n, tuple(rows), posts, notes)


def _satisfaction(ctx: _Ctx, opts: Options) -> d.SatisfactionSheet:
    campaign, results = ctx.computed
    t = campaign.scheme.satisfaction_threshold
    rows = []
    for p in results.people:
        s = p.satisfaction
        if s is None and not ctx.declared(p.id):
            continue
        result = "无测评记录" if s is None else ("通过" if s.passed else f"未通过（不满意率达{fraction_text(t)}以上）")
        rows.append(d.SatisfactionRow(p.id, p.name, ctx.people[p.id].get("category") or "",
                                      s.present if s else None, s.dissatisfied if s else None,
                                      s.rate_shown if s else None, result))
    notes = (f"注：不满意率 = 不满意票 ÷ 实际参加测评人数；达{fraction_text(t)}以上（含本数）的，原任科长不得参加"
             "科长竞争，申报者不得被推荐（第五条）。是否达到按精确分数判定，表中不满意率保留三位小数。",)
    return d.SatisfactionSheet(ctx.header("满意度测评结果", opts), tuple(rows), notes)


def _democratic(ctx: _Ctx, opts: Options) -> d.DemocraticSheet:
    campaign, results = ctx.computed
    w = campaign.scheme.dimension_weights
    inputs = {p.id: p for p in campaign.people}
    rows = [d.DemocraticRow(p.id, p.name, tuple((inputs[p.id].democratic or {}).get(k) for k in DIMENSIONS),
                            p.democratic)
            for p in results.people if p.democratic is not None or ctx.declared(p.id)]
    labels = tuple(f"{DIMENSION_LABELS[k]}\n（{percent(w[k])}）" for k in DIMENSIONS)
    points = "、".join(f"{g}{campaign.scheme.grade_points[g].normalize():f}分" for g in GRADES)
    notes = ("注：民主测评得分 = " + " + ".join(f"{DIMENSION_LABELS[k]}×{percent(w[k])}" for k in DIMENSIONS)
             + f"（第六条）。按等次票数计算的项目，{points}，按票数加权平均后保留三位小数。",)
    return d.DemocraticSheet(ctx.header("民主测评结果", opts), labels, tuple(rows), notes)


def _quantified(ctx: _Ctx, opts: Options) -> d.QuantifiedSheet:
    campaign, results = ctx.computed
    s = campaign.scheme
    years = max([s.appraisal_years] + [len(ctx.people[p.id].get("appraisal") or []) for p in results.people])
    rows = [d.QuantifiedRow(p.id, p.name, ctx.people[p.id].get("rank") or "", p.exam, p.democratic,
                            tuple(entered(a, s.input_decimals) for a in ctx.people[p.id].get("appraisal") or []),
                            p.appraisal_avg, p.bonus, p.quantified)
            for p in results.people if p.quantified is not None or ctx.declared(p.id)]
    labels = (f"考试\n（{percent(s.exam_weight)}）", f"民主测评\n（{percent(s.democratic_weight)}）",
              f"考核均分\n（{percent(s.appraisal_weight)}）")
    bonus = "、".join(f"{r}{v.normalize():f}分" for r, v in s.rank_bonus.items() if v)
    notes = (f"注：考评量化得分 = 考试×{percent(s.exam_weight)} + 民主测评×{percent(s.democratic_weight)} + "
             f"近三年考核均分×{percent(s.appraisal_weight)} + 职级加分（{bonus}；第八条），各项取已公布的三位小数。",)
    return d.QuantifiedSheet(ctx.header("考评量化结果", opts), labels, years, tuple(rows), notes)


def _speech(ctx: _Ctx, opts: Options) -> d.SpeechSheet:
    campaign, results = ctx.computed
    judges = list_judges(ctx.store)
    by_person = ctx.doc.get("speech_by_judge") or {}
    people = {p.id: p for p in results.people}
    decimals = campaign.scheme.judge_decimals
    order = draws.speaking_order(ctx.store)
    drawn = draws.current_draw(ctx.store, draws.SPEECH_MEETING) is not None
    ids = order + [pid for pid in ctx.order if pid in by_person and pid not in order]
    rows = []
    for pid in ids:
        mine = by_person.get(pid, {})
        if not mine:
            continue
        scored = [j for j in judges if j.id in mine]          # the order of campaign.speech[pid]
        trimmed = people[pid].speech
        mark = {}
        if trimmed is not None:
            mark = {scored[i].id: "high" for i in trimmed.dropped_high} | {scored[i].id: "low" for i in trimmed.dropped_low}
        rows.append(d.SpeechRow(order.index(pid) + 1 if pid in order else None, pid, ctx.name(pid),
                                tuple(entered(mine[j.id], decimals) if j.id in mine else "" for j in judges),
                                tuple(mark.get(j.id, "") for j in judges),
                                len(trimmed.kept) if trimmed else len(mine), trimmed.mean if trimmed else None))
    k = campaign.scheme.speech_trim
    subtitle = "按竞岗演讲抽签顺序" if drawn else "尚未抽签，按名单顺序"
    notes = (f"注：灰底加删除线的分数为去掉的{k}个最高分和{k}个最低分（第十条），演讲得分为其余分数的平均数，"
             "保留三位小数。评委以编号列出。",)
    return d.SpeechSheet(ctx.header("竞岗演讲得分", opts, subtitle=subtitle), tuple(f"评委{j.seat}" for j in judges),
                         k, tuple(rows), notes)


def _why_not(pair, person, t: Fraction, *, rate: bool = True) -> list[str]:
    """Why a pair may not take the post (§五, §十一(三)); ``rate=False`` leaves out the rate (shown beside)."""
    why: list[str] = []
    if not pair.eligible and pair.recommendation is None:
        why.append("无推荐记录")
    elif not pair.eligible and not pair.recommendation.eligible and rate:
        why.append(f"推荐率不达{fraction_text(t)}")
    if not pair.eligible and person is not None and not person.passed:
        why.append("满意度测评未通过")
    return why


def _recommendation(ctx: _Ctx, opts: Options) -> d.RecommendationSheet:
    campaign, results = ctx.computed
    s = campaign.scheme
    present = campaign.present or {}
    counts = {(c.person, c.post): c.counts for c in campaign.counts}
    people = {p.id: p for p in results.people}
    rows = []
    for x in sorted(results.pairs, key=lambda x: (ctx.rank.get(x.person), ctx.post_order.get(x.post))):
        rec, got = x.recommendation, counts.get((x.person, x.post), {})
        kind = f"第{ORDINALS[x.choice or 0]}志愿" if x.declared else "建议岗位"
        why = _why_not(x, people.get(x.person), s.threshold, rate=False)
        rows.append(d.RecommendationRow(
            x.person, ctx.name(x.person), ctx.post(x.post), kind, tuple(got.get(g, 0) for g in GROUPS),
            rec.recommended if rec else sum(got.values()), rec.present if rec else sum(present.values()),
            rec.rate_shown if rec else None, bool(rec and rec.eligible), x.score,
            "是" if x.eligible else "否" + (f"（{'，'.join(why)}）" if why else "")))
    t = fraction_text(s.threshold)
    weights = "、".join(f"{GROUP_LABELS[g]}{percent(s.group_weights[g])}" for g in GROUPS)
    notes = [f"注：推荐率 = 推荐合计 ÷ 到会合计，不达{t}的不得在该岗位任职（第十一条），是否达到按精确分数判定；"
             f"推荐得分 = 100 × Σ（权重 × 本组推荐数 ÷ 本组到会人数），权重：{weights}。"]
    if results.absent_groups and results.pairs and results.pairs[0].recommendation:
        used = results.pairs[0].recommendation.weights
        notes.append(f"注：{'、'.join(GROUP_LABELS[g] for g in results.absent_groups)}无人到会，不计入；其余各组权重"
                     f"按比例折算为：{'、'.join(f'{GROUP_LABELS[g]}{percent(w)}' for g, w in used.items())}。")
    groups = tuple(f"{GROUP_HEADINGS[g]}\n（{present.get(g, 0)}人）" for g in GROUPS)   # under 推荐人数（到会人数）
    accounting, margin, state, more = report_count.recommendation_extras(ctx)
    return d.RecommendationSheet(ctx.header("定岗推荐结果", opts), groups, t, tuple(rows), tuple(notes) + more,
                                 accounting, margin, state)


def _composite(ctx: _Ctx, opts: Options) -> d.CompositeSheet:
    campaign, results = ctx.computed
    w = campaign.scheme.composite_weights
    people = {p.id: p for p in results.people}
    pairs = sorted(results.pairs, key=lambda x: (ctx.post_order.get(x.post), x.composite is None,
                                                 -(x.composite or 0), ctx.rank.get(x.person)))
    a = results.assignment
    placed = {(pl.post, pl.person) for pl in a.placements}
    undecided = {(u.post, pid) for u in a.undecided if u.post for pid in u.persons}
    scores: dict[str, list[Decimal]] = {}
    for x in pairs:
        if x.composite is not None:
            scores.setdefault(x.post, []).append(x.composite)
    rows = []
    for x in pairs:
        p = people[x.person]
        note = "；".join(_why_not(x, p, campaign.scheme.threshold))
        if x.eligible and x.composite is None:
            note = "缺少分数，无法计算"
        mark = "拟任" if (x.post, x.person) in placed else "待定" if (x.post, x.person) in undecided else ""
        rows.append(d.CompositeRow(ctx.post(x.post), x.person, p.name, p.quantified, p.speech.mean if p.speech else None,
                                   x.score, x.composite, note, post_rank(x.composite, scores.get(x.post, [])), mark))
    labels = (f"考评量化\n（{percent(w['quantified'])}）", f"竞岗演讲\n（{percent(w['speech'])}）",
              f"定岗推荐\n（{percent(w['recommendation'])}）")
    notes = (f"注：综合考评得分 = 考评量化×{percent(w['quantified'])} + 竞岗演讲×{percent(w['speech'])} + "
             f"定岗推荐×{percent(w['recommendation'])}（第十二条），各项取已公布的三位小数；同一岗位按综合考评得分"
             "从高到低排列，岗位内名次相同者得分相同；“确定人选”栏标“拟任”的为按第十三条确定的人选，“待定”的报党组研究"
             "决定；备注栏写明不具备该岗位任职资格的原因（第五条、第十一条）。",)
    return d.CompositeSheet(ctx.header("综合考评结果", opts, subtitle="按岗位排列"), labels, tuple(rows), notes)


def post_rank(composite: Decimal | None, at_post: list[Decimal]) -> int | None:
    """名次 at a post by 综合考评 as published: 1 + how many scored higher there (ties share a rank)."""
    if composite is None:
        return None
    return 1 + sum(1 for c in at_post if c > composite)


def _appointment(ctx: _Ctx, opts: Options) -> d.AppointmentSheet:
    campaign, results = ctx.computed
    a = results.assignment
    composite = {(x.person, x.post): x.composite for x in results.pairs}
    rows = []
    for pl in sorted(a.placements, key=lambda p: (ctx.post_order.get(p.post, 10**9), p.person)):
        p = ctx.people[pl.person]
        rows.append(d.AppointmentRow(ctx.post(pl.post), pl.person, p["name"], p.get("gender") or "",
                                     p.get("birth") or "", p.get("education") or "", p.get("former_office") or "",
                                     p.get("rank") or "", composite.get((pl.person, pl.post)), RULE_LABELS.get(pl.rule, pl.rule)))
    pending = []
    for u in a.undecided:
        where = ctx.post(u.post) if u.post else "、".join(ctx.post(x) for x in u.posts)
        who = "、".join(ctx.name(x) for x in (u.persons if u.post else (u.person,)))
        pending.append((where, who, "待定：" + REASON_LABELS.get(u.reason, u.reason)))
    if a.vacant:     # one row for all: the same reason (a row each took a page of its own for 5 vacancies)
        pending.append(("、".join(ctx.post(x) for x in a.vacant), "", "空缺：无符合条件的人选，留待下一轮安排（第十三条）"))
    return d.AppointmentSheet(ctx.header("拟任人选公示", opts), tuple(rows), tuple(pending))


def _draw(ctx: _Ctx, opts: Options) -> d.DrawSheet:
    meetings = [opts.meeting] if opts.meeting else list(draws.MEETINGS)
    sections = []
    for meeting in meetings:
        record = draws.current_draw(ctx.store, meeting)
        if record is None:
            continue
        problems = draws.verify_recorded(ctx.store, meeting)
        check = ("已按本表说明的方法重新计算，名单摘要、每人键值与顺序均与记录一致" if record.method == draws.PROGRAM
                 else "纸签号为 1 至人数的连续整数，名单摘要与记录一致") if not problems else "；".join(problems)
        history = tuple(f"第{r.id}号（{draws.METHOD_LABELS[r.method]}" + (f"，种子 {r.seed}" if r.seed else "")
                        + f"）已作废，理由：{r.reason or '未说明'}"
                        for r in draws.draw_history(ctx.store, meeting) if r.superseded)
        lines = tuple(d.DrawLine(e.position, e.person, ctx.name(e.person), e.key) for e in record.order)
        sections.append(d.DrawSection(meeting, draws.METHOD_LABELS[record.method], record.seed or "",
                                      ",".join(sorted(record.ids)), record.list_digest, lines, check, history))
    notes = ("注：如何复核（任何一台有 SHA-256 计算工具的电脑均可）：",
             "一、名单摘要：把参加抽签人员的编号按字符排序，用英文逗号连接成一行（不加空格），计算这行文字的 SHA-256，"
             "应等于表中的名单摘要。",
             "二、每人键值：把“种子|会议名称|编号”（中间是竖线，不加空格，如 4711|竞岗演讲|1001）作为一行文字计算 SHA-256，"
             "得到 64 位的十六进制数，应等于表中此人的键值。",
             "三、顺序：按键值从小到大排列（0 最小，f 最大，逐位比较），排在最前的先发言。",
             "例：在 Linux 或 macOS 终端中输入 printf '%s' '4711|竞岗演讲|1001' | sha256sum；在 Windows 中可把这行文字"
             "存为不带换行的文本文件，再用 certutil -hashfile 文件名 SHA256 计算。")
    return d.DrawSheet(ctx.header("抽签记录", opts, subtitle=opts.meeting or ""), tuple(sections), notes)


def _seal_record(ctx: _Ctx, opts: Options) -> seal_sheet.SealSheet:
    """封签记录 (SPEC §9): every seal with the 摘要码 after it, for the 监督组 to sign."""
    rows = []
    for r in list_seals(ctx.store):
        when = _local_time(r.at)
        note = r.reason or ""
        if r.withdrawn:
            note = "；".join(x for x in (note, "撤回：" + "、".join(STAGE_LABELS.get(w, w) for w in r.withdrawn)) if x)
        rows.append(seal_sheet.SealRow(r.seq, when, ACTION_LABELS.get(r.action, r.action),
                                       STAGE_LABELS.get(r.stage, r.stage), r.operator, note,
                                       r.code.removeprefix("摘要码 ")))
    notes = ("注：封签由监督组输入密码生成，记入审计日志；摘要码为该条之后审计日志链头的前16位。核对："
             "python -m app verify 竞岗文件.db --password --printed 摘要码@条目号（文件被改写、日志被删减或封签被伪造时不能通过）。",)
    # a record the 监督组 sign and keep, not a 公示: no 公示期 or 落款
    return seal_sheet.SealSheet(replace(ctx.header("封签记录", opts), publicity=None), tuple(rows), notes)


def _local_time(at: str) -> str:
    try:
        return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return at


# --- blank forms ------------------------------------------------------------------------------------

def _speakers(ctx: _Ctx) -> list[str]:
    """The forms' candidates: the order the 唱票 screen shows too (``draws.ballot_order``)."""
    return draws.ballot_order(ctx.store)


def _judge_forms(ctx: _Ctx, opts: Options) -> d.JudgeForms:
    judges = [f"评委{j.seat}" for j in list_judges(ctx.store)]
    if opts.copies or not judges:
        judges = [f"评委{n}" for n in range(1, (opts.copies or ctx.store.scheme().min_judges) + 1)]
    rows = tuple(d.FormCandidate(i, pid, ctx.name(pid), "、".join(ctx.post(x) for x in ctx.declared(pid)))
                 for i, pid in enumerate(_speakers(ctx), start=1))
    return d.JudgeForms(ctx.header("评委评分表", opts), tuple(judges), rows, ctx.store.scheme().judge_decimals)


def _ballot_forms(ctx: _Ctx, opts: Options) -> d.BallotForms:
    """定岗推荐票, numbered as :func:`app.services.report_count.ballot_set` decides (SPEC §10)."""
    rows = tuple(d.FormCandidate(i, pid, ctx.name(pid), posts=tuple(ctx.post(x) for x in ctx.declared(pid)),
                                 codes=ctx.declared(pid))
                 for i, pid in enumerate(_speakers(ctx), start=1))
    copies, ballots, notes, scannable = report_count.ballot_set(ctx, opts)
    return d.BallotForms(ctx.header("定岗推荐票", opts), copies, rows, tuple(ctx.post_names.items()), notes, ballots,
                         scannable)


def _reporters(ctx: _Ctx) -> list[str]:
    """Who reports (述职述廉): 原任科长 and 申报者 (the draws' lists)."""
    return [pid for meeting in ("原任科长述职", "申报者述职") for pid in draws.candidates_for(ctx.store, meeting)]


def _rated(ctx: _Ctx, has_result: Callable[[dict], bool]) -> tuple[tuple[d.FormCandidate, ...], tuple[d.Unrated, ...]]:
    """Everyone whose result the result sheet will publish — the 述职述廉 reporters, everyone who declared a
    post, everyone with a result already entered — in the order of the entry screen (the roster's), and
    the rest of the roster with the reason they are not rated."""
    reporters = set(_reporters(ctx))
    rows, unrated = [], []
    for pid in ctx.order:
        p = ctx.people[pid]
        if pid in reporters or ctx.declared(pid) or has_result(p):
            detail = "　".join(x for x in (p.get("former_office") or "", p.get("rank") or "") if x)
            rows.append(d.FormCandidate(len(rows) + 1, pid, p["name"], detail))
        else:
            unrated.append(d.Unrated(pid, p["name"], "未报岗，不是原任科长，不参加述职述廉测评"))
    return tuple(rows), tuple(unrated)


def _attendance(ctx: _Ctx) -> int:
    """Default copies of a rating form: the attendance entered for the 满意度测评 (the largest 实际参加测评
    人数), else the 定岗推荐 meeting's attendance, else 1."""
    entered = [p.get("satisfaction", {}).get("present") for p in ctx.doc["people"]]
    entered = [n for n in entered if isinstance(n, int) and n > 0]
    if entered:
        return max(entered)
    present = (ctx.doc.get("recommendation") or {}).get("present") or {}
    return sum(v for v in present.values() if isinstance(v, int)) or 1


def _satisfaction_forms(ctx: _Ctx, opts: Options) -> d.RatingForms:
    rows, unrated = _rated(ctx, lambda p: bool(p.get("satisfaction")))
    return d.RatingForms(ctx.header("满意度测评票", opts), opts.copies or _attendance(ctx), rows,
                         ("满意", "基本满意", "不满意"), unrated=unrated)


def _democratic_forms(ctx: _Ctx, opts: Options) -> d.RatingForms:
    rows, unrated = _rated(ctx, lambda p: bool(p.get("democratic")))
    return d.RatingForms(ctx.header("民主测评票", opts), opts.copies or _attendance(ctx), rows, GRADES,
                         tuple(DIMENSION_LABELS[k] for k in DIMENSIONS), unrated=unrated)


BUILDERS: dict[str, Callable[[_Ctx, Options], Any]] = {
    "报岗情况公示": _declarations, "满意度测评结果": _satisfaction, "民主测评结果": _democratic,
    "考评量化结果": _quantified, "竞岗演讲得分": _speech, "定岗推荐结果": _recommendation,
    "综合考评结果": _composite, "拟任人选公示": _appointment, "抽签记录": _draw,
    "评委评分表": _judge_forms, "定岗推荐票": _ballot_forms, "开票前确认单": report_count.opening_sheet,
    "抽查单": report_count.audit_sheet, "满意度测评票": _satisfaction_forms,
    "民主测评票": _democratic_forms, "双向选择结果": selection_sheet, "双向选择确认表": selection_forms,
    "交流轮岗对象名单": rotation_list, "机关轮岗交流人员统计表": rotation_statistics,
    "封签记录": _seal_record,
}
"""Keyed like ``app.reports.SHEETS``: a new sheet adds one entry there and one here."""


def sheet_data(store: Store, title: str, **options: Any) -> Any:
    """The dataclass that ``app.reports.SHEETS[title]`` prints. Options: those of :class:`Options`
    (``start_date``, ``round_no``, ``meeting``, ``copies``, ``draft``, ``printed``, ``as_of`` …).
    Raises NotPublishedError / StoreError."""
    if title not in BUILDERS:
        raise StoreError(f"没有“{title}”这张表；可打印：{'、'.join(BUILDERS)}")
    if options.get("meeting") and options["meeting"] not in draws.MEETINGS:
        raise StoreError(f"没有“{options['meeting']}”这一会议；抽签会议为 {'、'.join(draws.MEETINGS)}")
    return BUILDERS[title](_Ctx(store, title), Options(**options))


def build_xlsx(store: Store, title: str, out: Any, **options: Any) -> Any:
    """The Excel version of a document that has one (``rotation_excel.XLSX_WRITERS``), written to ``out``;
    returns the data written."""
    from .rotation_excel import XLSX_WRITERS
    if title not in XLSX_WRITERS:
        raise StoreError(f"“{title}”没有 Excel 版本；可导出 Excel 的有：{'、'.join(XLSX_WRITERS)}"
                         "（各阶段结果请用“文件 → 导出各阶段结果 Excel”）")
    data = sheet_data(store, title, **options)
    XLSX_WRITERS[title](out, data)
    return data


def build_pdf(store: Store, title: str, out: Any = None, **options: Any) -> bytes:
    """Read the data and print the sheet: PDF bytes (also written to ``out`` when given)."""
    from ..reports import render
    return render(title, sheet_data(store, title, **options), out)
