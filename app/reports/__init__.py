"""Printed sheets and forms (ReportLab). Plain dataclasses in (:mod:`app.reports.data`), PDF out;
nothing here reads the database — :mod:`app.services.report_data` fills the dataclasses.

:data:`SHEETS` is the one list of what can be printed, keyed by the Chinese title the user sees
and the command line takes (``python -m app report FILE.db --sheet 综合考评结果 --out X.pdf``).
Importing this package does not load ReportLab: each builder imports its module when called.

The two-way selection (§十五, §十六) is :mod:`app.reports.selection` (its dataclasses and both
builders): 双向选择结果 (needs the published 科长, ``assignment``; a draft until the selection is
finished) and 双向选择确认表 (a blank form); their data builders are in ``app/services/report_data.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable

from . import count as cnt         # dataclasses only; ReportLab is imported by its builders
from . import data as d
from . import seals as seal_data    # dataclasses only (封签记录, SPEC §9)
from . import rotation as rot       # dataclasses only, likewise
from . import selection as sel      # dataclasses only; ReportLab is imported by its builders

SHEET, FORM, ROTATION = "sheet", "form", "rotation"   # 公示, 会议用表, 交流轮岗文件 (as of a date, not 公示)


@dataclass(frozen=True)
class Entry:
    builder: Callable[..., bytes]   # builder(data, out=None) → PDF bytes (also written to ``out``)
    needs: tuple[str, ...]          # stages that must be published before a 公示 sheet prints (else draft)
    kind: str                       # SHEET (公示, from published data), FORM (blank, for the meeting) or ROTATION
    slug: str                       # ASCII file-name stem (screenshots, default output names)
    data: type                      # the dataclass the builder takes
    summary: str = ""               # one line, in the print dialog and in ``--help``
    options: str = ""               # the command line's own options for it (``--help`` only, never on screen)


def _lazy(module: str, name: str) -> Callable[..., bytes]:
    def build(data: Any, out: Any = None) -> bytes:
        return getattr(import_module(f"{__name__}.{module}"), name)(data, out)
    build.__name__ = build.__qualname__ = name
    return build


SHEETS: dict[str, Entry] = {
    "报岗情况公示": Entry(_lazy("sheets", "declaration_sheet"), ("declarations",), SHEET, "declarations",
                      d.DeclarationSheet, "每次报岗后公示（默认最近公布的一次）", "--round 第几次"),
    "满意度测评结果": Entry(_lazy("sheets", "satisfaction_sheet"), ("exam",), SHEET, "satisfaction",
                       d.SatisfactionSheet, "述职述廉满意度测评：不满意率及是否达三分之一"),
    "民主测评结果": Entry(_lazy("sheets", "democratic_sheet"), ("exam",), SHEET, "democratic", d.DemocraticSheet,
                      "德能勤绩廉五项得分及加权得分"),
    "考评量化结果": Entry(_lazy("sheets", "quantified_sheet"), ("exam",), SHEET, "quantified", d.QuantifiedSheet,
                      "考试、民主测评、近三年考核均分与职级加分"),
    "竞岗演讲得分": Entry(_lazy("sheets", "speech_sheet"), ("speech",), SHEET, "speech", d.SpeechSheet,
                      "评委1…n 的评分，去掉的最高分、最低分标出，其余平均"),
    "定岗推荐结果": Entry(_lazy("sheets", "recommendation_sheet"), ("recommendation",), SHEET, "recommendation",
                      d.RecommendationSheet, "每人每岗各组推荐数、推荐率、是否达三分之一、推荐得分"),
    "综合考评结果": Entry(_lazy("sheets", "composite_sheet"), ("exam", "speech", "recommendation", "assignment"),
                      SHEET, "composite", d.CompositeSheet, "考评量化、演讲、定岗推荐加权，按岗位从高到低"),
    "拟任人选公示": Entry(_lazy("sheets", "appointment_sheet"), ("exam", "speech", "recommendation", "assignment"),
                      SHEET, "appointment", d.AppointmentSheet, "拟任人选，7 天公示期，监督电话和信箱", "--start-date 公示期第一天"),
    "抽签记录": Entry(_lazy("sheets", "draw_sheet"), (), SHEET, "draw", d.DrawSheet,
                    "名单摘要、种子、每人键值、顺序与复核（默认全部会议）", "--meeting 会议"),
    "评委评分表": Entry(_lazy("forms", "judge_forms"), (), FORM, "judge-form", d.JudgeForms,
                     "每位评委一张，按演讲顺序"),
    "定岗推荐票": Entry(_lazy("forms", "ballot_forms"), (), FORM, "ballot", d.BallotForms,
                     "随机票号（数字、条码和二维码），印投票人类别；首次印制时抽取票号，重印按已保存的票号",
                     "--printed 局领导=7,其他行政=45（各组印制张数，默认到会人数）；--unnumbered 不抽取票号"),
    "开票前确认单": Entry(_lazy("count", "opening_sheet"), (), FORM, "count-opening", cnt.OpeningSheet,
                      "定岗推荐开票前：各组到会、印制、发出张数，候选人名单及其 SHA-256，权重，监督组签字后封签"),
    "抽查单": Entry(_lazy("count", "audit_sheet"), (), FORM, "count-audit", cnt.AuditSheet,
                   "计票结束后按监督组公布的种子抽取的票号（各组按键值从小到大）及复录结果"),
    "满意度测评票": Entry(_lazy("forms", "rating_forms"), (), FORM, "satisfaction-ballot", d.RatingForms,
                      "每张印编号", "--copies 张数"),
    "民主测评票": Entry(_lazy("forms", "rating_forms"), (), FORM, "democratic-ballot", d.RatingForms,
                     "每张印编号", "--copies 张数"),
    # 双向选择 (§十五, §十六): the selection has no stage of its own; its 科室 exist once the 科长
    # (“综合考评与人选”) are published. Not finished yet → printed as a draft (see report_data).
    "双向选择结果": Entry(_lazy("selection", "selection_sheet"), ("assignment",), SHEET, "selection",
                      sel.SelectionSheet, "各科室定岗人员及确定方式，领导组安排、回原编制单位、空缺"),
    "双向选择确认表": Entry(_lazy("selection", "selection_forms"), (), FORM, "selection-form", sel.SelectionForms,
                       "每轮一张：科室、科长、拟选人员、科长和本人签字（默认第1轮）", "--phase、--round 第几轮"),
    # 交流轮岗 (暂行办法 第七条–第十条; the county speech's statistics): work documents as of a date (--date).
    "交流轮岗对象名单": Entry(_lazy("rotation", "rotation_list"), (), ROTATION, "rotation-list", rot.RotationList,
                       "截至某日应交流、轮岗的人员及所依条款，可不交流或暂缓的人员及原因"),
    "机关轮岗交流人员统计表": Entry(_lazy("rotation", "rotation_statistics_sheet"), ("assignment",), ROTATION,
                           "rotation-statistics", rot.RotationStatisticsSheet,
                           "本次轮岗交流到其他科室的人员按任职、年龄、学历、专业、岗位统计"),
    "封签记录": Entry(_lazy("seals", "seal_sheet"), (), SHEET, "seals", seal_data.SealSheet,
                    "监督组的每个封签（锁定、公布、解锁、结束计票）及其摘要码，供监督组签字留存"),
}


def render(title: str, data: Any, out: Any = None) -> bytes:
    """Print ``data`` as the sheet or form called ``title``."""
    entry = SHEETS[title]
    if not isinstance(data, entry.data):
        raise TypeError(f"{title} takes {entry.data.__name__}, not {type(data).__name__}")
    return entry.builder(data, out)
