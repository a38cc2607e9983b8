"""The data of the count's sheets (SPEC §10, §11): the numbered 定岗推荐票, the 开票前确认单, the 抽查单,
and the accounting and margin the 定岗推荐结果 公示 prints. :mod:`app.services.report_data` registers them.

**Decision — printing the 定岗推荐票** (see :mod:`app.services.ballot_numbers`): the first print of a
group draws its numbers (印制 张数: ``printed`` per group, or ``copies`` for every group, else those
present); a later print reprints the stored set, in a new random order. ``numbered=False`` prints the
old unnumbered forms (0001, 0002 …) for papers that will not be reconciled by number.
"""

from __future__ import annotations

from typing import Any

from ..core.scheme import GROUP_LABELS, GROUPS
from ..reports import count as cnt
from ..reports import data as d
from . import ballot_numbers, count, count_checks
from .history import last_writer
from .store import StoreError


def _present(ctx: Any) -> dict[str, int]:
    return (ctx.doc.get("recommendation") or {}).get("present") or {}


def ballot_set(ctx: Any, opts: Any) -> tuple[tuple[tuple[str, int], ...], tuple[d.Ballot, ...], tuple[str, ...],
                                              d.ScannableBallots | None]:
    """(copies per group, the ballots to print, notes, the scannable print) for the 定岗推荐票: numbered
    ballots are printed in the scannable layout (SPEC §12), the layout stored as they are."""
    present = _present(ctx)
    stored = ballot_numbers.printed_counts(ctx.store)
    numbered = opts.numbered if opts.numbered is not None else any(stored.values())
    if opts.copies:
        wanted: dict[str, int | None] = {g: opts.copies for g in GROUPS}
    elif opts.print_counts:
        wanted = {g: opts.print_counts.get(g, 0) for g in GROUPS}
    else:
        wanted = {g: None if stored[g] else (present.get(g) or 0) for g in GROUPS}
    if opts.group:                           # --group: this voter group's ballots only
        if opts.group not in GROUPS:
            raise StoreError(f"未知的投票组 {opts.group}")
        wanted = {g: (n if g == opts.group else 0) for g, n in wanted.items()}
    if not numbered:
        counts = {g: n for g, n in wanted.items() if n}
        copies = tuple((GROUP_LABELS[g], counts[g]) for g in GROUPS if g in counts) \
            or tuple((GROUP_LABELS[g], 1) for g in GROUPS)
        return copies, (), (), None
    run = ballot_numbers.print_run(ctx.store, wanted).result
    if not run.ballots:
        raise StoreError("没有要印制的定岗推荐票：请先录入各组到会人数，或指定各组印制张数（--printed 局领导=7,…）")
    sizes: dict[str, int] = {}
    for g, _ in run.ballots:
        sizes[g] = sizes.get(g, 0) + 1
    copies = tuple((GROUP_LABELS[g], sizes[g]) for g in GROUPS if g in sizes)
    ballots = tuple(d.Ballot(GROUP_LABELS[g], n, n) for g, n in run.ballots)
    from .scanning import printable
    return copies, ballots, (), printable(ctx.store, run.ballots)


def opening_sheet(ctx: Any, opts: Any) -> cnt.OpeningSheet:
    figures = count.opening_figures(ctx.store)
    acc = count.accounting(ctx.store)
    groups = tuple(cnt.OpeningGroup(GROUP_LABELS[g], f["present"], f["printed"], f["issued"])
                   for g, f in figures.groups.items())
    candidates = tuple(cnt.OpeningCandidate(i, c.person, c.name, ",".join(f"{pid}:{name}" for pid, name in c.posts))
                       for i, c in enumerate(figures.candidates, start=1))
    from .results_excel import percent
    weights = "、".join(f"{GROUP_LABELS[g]} {percent(ctx.store.scheme().group_weights[g])}" for g in GROUPS)
    from .report_data import fraction_text
    opened = ""
    if acc.state != ballot_numbers.NOT_OPENED:
        with ctx.store.read() as s:
            who, when = last_writer(s, f"meta:{ballot_numbers.OPENING_KEY}")
        same = acc.opening and acc.opening.get("digest") == figures.digest
        opened = f"已由监督组封签（{who} {when} 开始计票）" + ("" if same else "；注意：现在的数字与封签时不同")
    notes = ("名单摘要的复核：把上表每人一行写成“序号|编号|姓名|代码:岗位,代码:岗位”（不加空格，每行以换行结束），"
             "保存为 UTF-8 文本文件后用 sha256sum（Windows：certutil -hashfile 文件名 SHA256）计算，应与上面的名单摘要相同。",
             "开始计票前，监督组核对本单并签字，再在程序中输入监督组密码封签；封签后才能逐张录入选票。")
    return cnt.OpeningSheet(ctx.header("开票前确认单", opts, subtitle=""), groups, candidates, figures.list_digest,
                            weights, fraction_text(ctx.store.scheme().threshold), figures.digest, opened, notes)


def audit_sheet(ctx: Any, opts: Any) -> cnt.AuditSheet:
    views = [v for v in count_checks.list_checks(ctx.store) if v.kind == count_checks.SAMPLE]
    if not views:       # a blank sheet: nothing sampled yet (the seed comes after the count is closed)
        return cnt.AuditSheet(ctx.header("抽查单", opts, subtitle=""), "", count_checks.MEETING,
                              "尚未抽查：计票结束后由监督组现场公布抽查种子，在程序“抽查与复核”中抽取。", ())
    view = views[-1]
    groups = []
    for part in view.groups:
        lines = tuple(cnt.AuditLine(x.position, x.number, x.ticket,
                                    "；".join(x.differences) or ("一致" if x.keyed else ""))
                      for x in part.lines)
        groups.append(cnt.AuditGroup(count_checks.ticket_group(part.group), part.size, part.ballots, lines))
    margin = count.margin_line(ctx.store)
    rule = ("余量不超过 5 张，各组全部抽查" if margin.ballots is not None and margin.ballots <= 5
            else "各组抽查 10%，至少 5 张") + "（监督组可另定张数）"
    notes = ("如何复核（任何有 SHA-256 工具的电脑均可）：把“种子|会议|投票组|票号”（竖线分隔，不加空格，如 "
             f"{view.seed}|{count_checks.MEETING}|局领导|483920）作为一行文字计算 SHA-256，得到该票的键值；"
             "同组全部已录入的票按键值从小到大排列，最前面的若干张即为抽查的票。",
             f"例：printf '%s' '{view.seed}|{count_checks.MEETING}|局领导|483920' | sha256sum；或 python -m app "
             f"audit-sample --seed {view.seed} --meeting {count_checks.MEETING} --group 局领导 票号…",
             "按票号取出选票，在程序“复录”中逐张盲录（看不到原录入）；有差异的，该组须全组盲录复核并比对后方可更正。")
    return cnt.AuditSheet(ctx.header("抽查单", opts, subtitle=""), view.seed or "", count_checks.MEETING,
                          f"{margin.sentence}；{rule}。", tuple(groups), notes)


def recommendation_extras(ctx: Any) -> tuple[tuple[d.AccountRow, ...], str, str, tuple[str, ...]]:
    """What the 定岗推荐结果 公示 adds (SPEC §10, §11): the accounting per group, the count's margin with
    its decision, the count's state (and 摘要码 once sealed), and notes for groups entered as totals."""
    acc = count.accounting(ctx.store)
    rows = tuple(d.AccountRow(GROUP_LABELS[g], a.printed, a.issued, a.returned, a.valid, a.void if not a.counts_only else None,
                              "按计数录入" if a.counts_only else ("逐张唱票" if a.entered else ""))
                 for g, a in acc.groups.items() if a.printed is not None or a.entered or a.counts_only
                 or a.issued is not None or a.returned is not None)
    margin = count.margin_line(ctx.store)
    text = margin.words
    with ctx.store.read() as s:
        code = count.count_code_in(s)
    state = {ballot_numbers.OPEN: "计票中（尚未结束）",
             ballot_numbers.CLOSED: "计票已结束，选票记录已由监督组封签" + (f"，{code}" if code else "")}.get(acc.state, "")
    notes = []
    only = [GROUP_LABELS[g] for g, a in acc.groups.items() if a.counts_only]
    if only:
        notes.append(f"注：{'、'.join(only)}按各组汇总的推荐数录入（未逐张唱票），只核对张数合计。")
    if acc.findings:
        if acc.difference_accepted:
            notes.append(f"注：监督组已认可以下差额（理由：{acc.accepted.reason}）：" + "；".join(acc.findings))
        else:
            notes.append("注：选票尚未核对一致：" + "；".join(acc.findings))
    return rows, text, state, tuple(notes)
