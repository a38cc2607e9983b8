"""The data of the 交流轮岗 documents: 交流轮岗对象名单 and 机关轮岗交流人员统计表 (:mod:`app.reports.rotation`).
Split from :mod:`app.services.report_data`, whose ``BUILDERS`` registry uses these; the Excel version
(:mod:`app.services.rotation_excel`) writes the same dataclasses.

Both are read from the one reading of the store the sheet prints (``_Ctx``): the roster of its export, the
computed 确定人选, and the two-way selection replayed.

**Decision — which date.** ``as_of`` (``--date``; default today): the 名单 screens as of that day; the
统计表 gives ages on that day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from ..core.roster import as_date
from ..core.rotation import Measure, Status, full_years
from ..reports import rotation as r
from . import rotation as svc

if TYPE_CHECKING:
    from .report_data import Options, _Ctx

LIST_NOTES = (
    "注：“满N年”按截至审查日期的整年数计算（含本数，如满8年即第8个周年日当天起）；只写到月的日期按该月1日计。"
    "任职时间（任现职时间）作为同一岗位（局管领导干部为同一职位）的起始，本单位工作时间作为在本单位（处室）工作"
    "的起始；在本单位任正、副职从两者中较晚的一个算起。",
    "注：第七条（一）负责组织、人事、财务和项目审批、执纪执法等工作的局管领导干部，任职满规定年限的，必须交流；"
    "第八条所列情形经同意可不交流或暂缓交流，第十条所列人员可不作为轮岗对象（人员名单“暂缓情形”栏，"
    "“不轮岗”的特殊岗位按第十条（三））。",
    "注：优秀年轻干部（第七条（三））、本人自愿交流（第七条（四））以及第七条（五）（六）、第八条（四）、"
    "第九条（三）至（五）、第十条（四）由局党组研究认定，本表未作审查。",
)


def _rank(p) -> str:
    if p.bureau_leader and p.leader_rank:
        return f"{p.rank}（局管{p.leader_rank}）"
    return p.rank + ("（局管领导干部）" if p.bureau_leader else "")


def _candidate(s: svc.Screening, basis: str | None = None) -> r.RotationCandidate:
    p, res = s.person, s.result
    labels = {m: "" for m in Measure}
    found = ""
    if res is not None:
        for measure, status in ((Measure.EXCHANGE, res.exchange), (Measure.ROTATION, res.rotation)):
            labels[measure] = "" if status is Status.NOT_DUE else status.label(measure)
        found = "；".join(f.article + f.reason for f in res.findings)
    return r.RotationCandidate(p.id, p.name, p.former_office or "", _rank(p), p.post_start or "",
                               labels[Measure.EXCHANGE], labels[Measure.ROTATION],
                               basis if basis is not None else found)


def rotation_list(ctx: _Ctx, opts: Options) -> r.RotationList:
    """交流轮岗对象名单 as of ``opts.as_of``: everyone on the roster screened."""
    from .report_data import chinese_date
    as_of = opts.as_of or date.today()
    header = ctx.header("交流轮岗对象名单", opts, subtitle=f"截至{chinese_date(as_of)}")
    screened = svc.screen_people([svc.roster_person(ctx.people[pid]) for pid in ctx.order], as_of)
    due = tuple(_candidate(s) for s in screened if s.state == svc.DUE)
    exempt = tuple(_candidate(s) for s in screened if s.state == svc.EXEMPT)
    incomplete = tuple(_candidate(s, "；".join(s.missing) if s.missing else s.text)
                       for s in screened if s.state == svc.UNKNOWN or s.missing)
    return r.RotationList(header, chinese_date(as_of), len(screened), due, exempt, incomplete, LIST_NOTES)


GROUP_LABELS = (("任职情况", "by_position"), ("年龄", "by_age"), ("文化程度", "by_education"),
                ("文凭记载专业", "by_speciality"), ("具体岗位", "by_post_kind"))
SPEECH_WORDS = {"by_position": "任职情况是：", "by_age": "年龄情况是：", "by_education": "文化程度情况是：",
                "by_speciality": "文凭记载专业情况是：", "by_post_kind": "具体岗位情况是："}


def summary(total: int, stats) -> str:
    """The counts in the county speech's words (zeros left out), e.g. "年龄情况是：30-40岁4人，40-50岁20人。"."""
    if not total:
        return "本次竞争轮岗尚无轮岗交流到其他科室的人员。"
    parts = [f"本次竞争轮岗共有{total}人轮岗交流到其他科室。"]
    for _, key in GROUP_LABELS:
        rows = [(label, n) for label, n in getattr(stats, key)[:-1] if n]
        words = []
        for label, n in rows:
            if key == "by_speciality" and label == "经济类":
                label = "经济类（含经济、会计、统计、财政）"
            if key == "by_post_kind":
                words.append(f"从事{label}的{n}人" if label != "其它" else f"其它岗位{n}人")
            else:
                words.append(f"{label}{n}人")
        parts.append(SPEECH_WORDS[key] + "，".join(words) + "。")
    return "".join(parts)


def rotation_statistics(ctx: _Ctx, opts: Options) -> r.RotationStatisticsSheet:
    """机关轮岗交流人员统计表 of this campaign: who changed 科室 by 确定人选 and the two-way selection."""
    from .report_data import chinese_date
    as_of = opts.as_of or date.today()
    header = ctx.header("机关轮岗交流人员统计表", opts, subtitle=f"统计日期{chinese_date(as_of)}")
    people = {pid: svc.roster_person(ctx.people[pid]) for pid in ctx.order}
    posts = [(p["id"], p["name"], p.get("office")) for p in ctx.doc["posts"]]
    moves = svc.campaign_moves(ctx.store, people=people, posts=posts, results=ctx.computed[1],
                               published=ctx.states.get("assignment") == "published")
    stats = svc.statistics(moves, as_of)

    def row(m: svc.Move) -> r.MovedRow:
        p = m.person
        age = str(full_years(as_date(p.birth), as_of)) if p.birth and as_date(p.birth) <= as_of else ""
        return r.MovedRow(p.id, p.name, m.former, m.placed, m.how, age, p.education or "", p.speciality or "",
                          p.post_kind or "")
    groups = tuple(r.StatisticsGroup(label, getattr(stats, key)) for label, key in GROUP_LABELS)
    stayed = sum(1 for m in moves.moves if m.changed is False)
    notes = [f"注：轮岗交流人员指本次竞争轮岗中经确定人选（第十三条）和双向选择（第十五条、第十六条，含领导组安排）"
             f"到原科室以外的科室任职的人员；留在原科室的（保留原科室人员等）{stayed}人、不轮岗人员未计入。",
             "注：年龄按统计日期的周岁计算，30岁计入30-40岁，40岁计入40-50岁，50岁计入50岁以上；文化程度中研究生、"
             "大学本科计入大学本科及以上；专业类别、岗位性质按人员名单填写，未填写的计入“未填写”。每一项目的人数"
             "之和等于合计人数。"]
    if moves.selection:
        header = replace(header, draft=True, state=moves.selection)
        notes.insert(0, f"注：{moves.selection}，以下为已确定的人员。")
    return r.RotationStatisticsSheet(header, chinese_date(as_of), stats.total, summary(stats.total, stats), groups,
                                     tuple(row(m) for m in moves.changed), tuple(row(m) for m in moves.unknown),
                                     stayed, tuple(notes))
