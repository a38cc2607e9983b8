"""交流轮岗 documents: the 交流轮岗对象名单 (暂行办法 第七条–第十条, as of a date) and the 机关轮岗交流人员统计表
(the county speech's counts of the people who changed post in this campaign).

Like :mod:`app.reports.selection`, the dataclasses live here and ReportLab is imported only inside the
builders, so ``import app.reports`` stays ReportLab-free. Both are work documents of the 人事 side, not
公示: no 公示期, signed by 经办人/审核人 (名单) or 填表人/审核人 (统计表). The same dataclasses feed the
Excel version (:mod:`app.services.rotation_excel`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .data import SheetHeader

LIST_SIGNERS = ("经办人", "审核人")
STATISTICS_SIGNERS = ("填表人", "审核人")


@dataclass(frozen=True)
class RotationCandidate:
    person_id: str
    name: str
    office: str                 # 原科室
    rank: str                   # 职级, with 局管正职/副职 when recorded
    since: str                  # 任职时间 as recorded (1985-03 or 1985-03-01)
    exchange: str               # 必须交流 / 应交流 / 可不交流或暂缓交流 / ""
    rotation: str               # 应轮岗 / 可不轮岗 / ""
    basis: str                  # every article that applies with its reason; for 资料不全 what is missing


@dataclass(frozen=True)
class RotationList:
    """交流轮岗对象名单 as of a date: due (应/必须), exempt or deferred (第八条、第十条), not screenable."""

    header: SheetHeader
    as_of: str                  # 2026年12月1日
    screened: int               # people on the roster
    due: tuple[RotationCandidate, ...]
    exempt: tuple[RotationCandidate, ...]
    incomplete: tuple[RotationCandidate, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MovedRow:
    person_id: str
    name: str
    former: str                 # 原科室
    placed: str                 # 新岗位 / 科室
    how: str                    # 确定人选（第十三条） / 科员定岗第1轮 / 领导组安排 …
    age: str                    # full years on the statistics date ("" unknown)
    education: str              # as recorded
    speciality: str
    post_kind: str


@dataclass(frozen=True)
class StatisticsGroup:
    label: str                  # 任职情况 / 年龄 / 文化程度 / 专业 / 岗位
    rows: tuple[tuple[str, int], ...]   # every category (zeros too), 未填写 when any, 合计


@dataclass(frozen=True)
class RotationStatisticsSheet:
    """机关轮岗交流人员统计表: the counts, the speech-style summary, and the people counted."""

    header: SheetHeader
    as_of: str
    total: int
    summary: str
    groups: tuple[StatisticsGroup, ...]
    people: tuple[MovedRow, ...]
    uncounted: tuple[MovedRow, ...] = ()    # placed, 原科室 not recorded: not counted
    stayed: int = 0                          # placed in their own 科室: not counted
    notes: tuple[str, ...] = ()


FIRST_TABLE = ("任职情况", "年龄", "文化程度")
# Column titles of the counts, broken so that twenty columns fit a landscape page at 10.5 pt.
SHORT_TITLES = {"科长（主任）": "科长\n（主任）", "一般干部": "一般\n干部", "不满30岁": "不满\n30岁", "30-40岁": "30-\n40岁",
                "40-50岁": "40-\n50岁", "50岁以上": "50岁\n以上", "大学本科及以上": "大学本科\n及以上",
                "高中及以下": "高中\n及以下", "人财物管理": "人财物\n管理", "项目经费审批": "项目经\n费审批",
                "证牌照核发": "证牌照\n核发", "执法监督监察": "执法监\n督监察", "未填写": "未填写"}


def _counts_table(b, groups: list[StatisticsGroup], lead: tuple[str, str] | None = None) -> None:
    """One row of counts under a two-level header (the group over its categories), as the 统计表 is filed;
    each group's 合计 is left out (it is the total)."""
    from .table import Column
    cols, top, counts, spans = [], [], [], []
    if lead:
        cols.append(Column(lead[0], "CENTER"))
        top.append(lead[0].replace("\n", ""))
        counts.append(lead[1])
        spans.append(("SPAN", (0, 0), (0, 1)))
    for g in groups:
        rows = [(label, n) for label, n in g.rows if label != "合计"]
        spans.append(("SPAN", (len(cols), 0), (len(cols) + len(rows) - 1, 0)))
        for k, (label, n) in enumerate(rows):
            cols.append(Column(SHORT_TITLES.get(label, label), "CENTER"))
            top.append(g.label if k == 0 else "")
            counts.append(str(n))
    b.grid(cols, [counts], head=[top], styles=spans)


def _candidates(b, rows: tuple[RotationCandidate, ...], basis: str) -> None:
    from .table import Column
    # only 依据 wraps: the spare width goes to it, the short columns stay on one line
    b.grid([Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("原科室"),
            Column("职级"), Column("任职\n时间", "CENTER"), Column("交流"), Column("轮岗"), Column(basis, wrap=True)],
           [[str(i), r.person_id, r.name, r.office, r.rank, r.since, r.exchange, r.rotation, r.basis]
            for i, r in enumerate(rows, start=1)])


def rotation_list(data: RotationList, out=None) -> bytes:
    """交流轮岗对象名单: who is due for 交流 or 轮岗 on the date, with the article; who may be exempted or
    deferred and why; whom the roster does not allow to screen."""
    from .base import SheetBuilder

    b = SheetBuilder(data, signers=LIST_SIGNERS)
    h = data.header
    b.title(subtitle=f"截至{data.as_of}", text=f"{h.unit}交流轮岗对象名单")
    b.note(f"依据交流轮岗暂行办法第七条至第十条，对人员名单中的{data.screened}人截至{data.as_of}进行审查：应交流或轮岗的"
           f"{len(data.due)}人，可不交流、暂缓交流或可不轮岗的{len(data.exempt)}人，资料不全、未能完全审查的"
           f"{len(data.incomplete)}人。", b.styles.opening)
    for title, rows, basis, why in (("一、应交流、轮岗的人员", data.due, "依据（条款及情形）", "第七条、第九条"),
                                    ("二、可不交流、暂缓交流或可不轮岗的人员", data.exempt, "依据及原因", "第八条、第十条"),
                                    ("三、资料不全、未能完全审查的人员", data.incomplete, "缺少的资料", "")):
        b.section(f"{title}（{len(rows)}人{'，' + why if why else ''}）")
        if rows:
            _candidates(b, rows, basis)
        else:
            b.note("无。")
    return b.render(out, notes=data.notes)


def rotation_statistics_sheet(data: RotationStatisticsSheet, out=None) -> bytes:
    """机关轮岗交流人员统计表: the counts by 任职情况, 年龄, 文化程度, 专业 and 岗位 (each group adds up to
    the total), then everyone counted, so each figure can be checked by hand."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from .base import SheetBuilder
    from .table import Column

    b = SheetBuilder(data, signers=STATISTICS_SIGNERS)
    h = data.header
    b.title(subtitle=f"{h.campaign}　统计日期{data.as_of}", text=f"{h.unit}机关轮岗交流人员统计表")
    b.note(data.summary, b.styles.opening)
    first = [g for g in data.groups if g.label in FIRST_TABLE]
    _counts_table(b, first, lead=("交流\n总人数", str(data.total)))
    b.add(Spacer(1, 3 * mm))
    _counts_table(b, [g for g in data.groups if g.label not in FIRST_TABLE])
    cols = [Column("序号", "CENTER"), Column("编号", "CENTER"), Column("姓名"), Column("原科室", wrap=True),
            Column("现岗位（科室）", wrap=True), Column("方式", wrap=True), Column("年龄", "RIGHT"),
            Column("学历", wrap=True), Column("专业\n类别", "CENTER"), Column("岗位性质", wrap=True)]

    def people(items: tuple[MovedRow, ...]) -> list[list[str]]:
        return [[str(i), m.person_id, m.name, m.former, m.placed, m.how, m.age, m.education, m.speciality, m.post_kind]
                for i, m in enumerate(items, start=1)]
    b.section(f"轮岗交流人员（{len(data.people)}人）")
    if data.people:
        b.grid(cols, people(data.people))
    else:
        b.note("无。")
    if data.uncounted:
        b.section(f"未计入统计的人员：原科室未填写（{len(data.uncounted)}人）")
        b.grid(cols, people(data.uncounted))
    return b.render(out, notes=data.notes)
