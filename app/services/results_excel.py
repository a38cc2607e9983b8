"""Every stage's results as one Excel workbook, one sheet per stage (openpyxl only).

Scores go into the cells as numbers (``Decimal``, written exactly) with the format ``0.000``
(§六 保留小数点后三位); typed inputs (judges' scores, 年度考核) keep the scheme's input decimals.
Each sheet has a title row, a bold header, frozen panes, widths that fit Chinese text and an
A4 print set-up that fits the width and repeats the header on every page; the printed page carries
the unit and campaign in its header, the page number and print date in its footer, and the
计分人/复核人/监督人 row under the table. A sheet whose stage is not published says 草稿（未公布） in
its title and its page header (the PDFs refuse to print it; the workbook marks it).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app import files
from app.core.assignment import REASON_LABELS, RULE_LABELS
from app.core.campaign import Campaign
from app.core.numbers import round_score
from app.core.results import PairResult, PersonResult, Results
from app.core.scheme import DIMENSION_LABELS, DIMENSIONS, GROUP_LABELS, GROUPS

SCORE_FORMAT = "0.000"
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FONT = Font(color="404040")
DROPPED_FILL = PatternFill("solid", fgColor="F2F2F2")    # light: the struck score stays readable in black
DROPPED_FONT = Font(strike=True, color="000000")
DRAFT_FONT = Font(bold=True, size=14, color="C00000")
DRAFT_LABEL = "草稿（未公布）"
_SIDE = Side(style="thin", color="808080")
BORDER = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
HEADER_ROW = 2          # row 1 is the title
FIRST_DATA_ROW = 3


# --- sheet frame, shared with the roster template ---------------------------------------------

def text_width(value: Any) -> int:
    """Display width in Excel character units: a CJK character counts two."""
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.split("\n")), default=0)


def start_sheet(ws: Worksheet, title: str, headers: Sequence[str]) -> None:
    """Title in row 1 (merged across the table), bold header in row 2, panes frozen below it."""
    ws.cell(1, 1, title).font = TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    if len(headers) > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.row_dimensions[1].height = 28
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[HEADER_ROW].height = 16 * max(h.count("\n") + 1 for h in headers) + 4
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 1)


def finish_sheet(ws: Worksheet, ncols: int, *, landscape: bool = False, last_row: int | None = None,
                 min_width: int = 8, max_width: int = 40) -> None:
    """Text kept as text, column widths from the contents (header included), borders, A4 print set-up."""
    last = last_row if last_row is not None else ws.max_row
    for col in range(1, ncols + 1):
        width = min_width
        for row in range(HEADER_ROW, last + 1):
            cell = ws.cell(row, col)
            if cell.data_type == "f":   # we never write formulas: a name such as "=…" stays text
                cell.data_type = "s"
            if row > HEADER_ROW and cell.value is not None:
                cell.border = BORDER
            shown = cell.value
            if isinstance(shown, (Decimal, int)) and not isinstance(shown, bool):
                shown = "0" * (len(str(int(shown))) + 4)   # e.g. 83.866 under 0.000
            width = max(width, text_width(shown) + 2)
        ws.column_dimensions[get_column_letter(col)].width = min(width, max_width)
    # Text longer than its (capped) column wraps in a row tall enough, instead of being cut off at the border.
    tall = set()
    for col in range(1, ncols + 1):
        room = ws.column_dimensions[get_column_letter(col)].width - 2
        for row in range(FIRST_DATA_ROW, last + 1):
            cell = ws.cell(row, col)
            if isinstance(cell.value, str) and text_width(cell.value) > room:
                cell.alignment = Alignment(wrap_text=True, vertical=cell.alignment.vertical or "center",
                                           horizontal=cell.alignment.horizontal)
                tall.add(row)
    for row in sorted(tall):
        fit_row_heights(ws, row, row, ncols)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def put_score(ws: Worksheet, row: int, col: int, value: Decimal | None, number_format: str = SCORE_FORMAT) -> None:
    if value is None:
        return
    cell = ws.cell(row, col, value)
    cell.number_format = number_format
    cell.alignment = Alignment(horizontal="right")


def decimals_format(decimals: int) -> str:
    return "0" if decimals == 0 else "0." + "0" * decimals


def percent(weight: Decimal | Fraction) -> str:
    """A weight as a percentage label, e.g. Decimal('0.30') → '30%'; exact, no float."""
    value = round_score(Fraction(weight) * 100)
    text = format(value.normalize(), "f")
    return f"{text}%"


def fit_row_heights(ws: Worksheet, first: int, last: int, ncols: int, line: float = 15.0) -> None:
    """Row heights for wrapped text (LibreOffice and Excel keep a row at the height the file gives)."""
    widths = [ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, ncols + 1)]
    for r in range(first, last + 1):
        lines = 1
        for c in range(1, ncols + 1):
            value = ws.cell(r, c).value
            if isinstance(value, str) and value:
                room = max(int(widths[c - 1]) - 1, 4)
                lines = max(lines, sum(-(-max(text_width(part), 1) // room) for part in value.split("\n")))
        ws.row_dimensions[r].height = line * lines + 3


def put_note(ws: Worksheet, row: int, text: str, ncols: int) -> None:
    """A note under the table, merged across it and wrapped (openpyxl cannot auto-fit the height)."""
    cell = ws.cell(row, 1, text)
    cell.font = NOTE_FONT
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    total = sum(ws.column_dimensions[get_column_letter(c)].width or 9 for c in range(1, ncols + 1))
    lines = -(-text_width(text) // max(int(total) - 2, 10))
    ws.row_dimensions[row].height = 16 * max(lines, 1)


# --- the export ---------------------------------------------------------------------------------

# the stages each sheet shows (``app.services.store.STAGES`` names): a sheet is a draft unless all are published
SHEET_STAGES = {"满意度测评": ("exam",), "民主测评": ("exam",), "考评量化": ("exam",), "竞岗演讲": ("speech",),
                "定岗推荐": ("recommendation",), "综合考评": ("exam", "speech", "recommendation", "assignment"),
                "确定人选": ("exam", "speech", "recommendation", "assignment")}


def page_frame(ws: Worksheet, unit: str, campaign: str, printed: str, draft: bool) -> None:
    """The printed page's header (unit, campaign; 草稿 when unpublished) and footer (page x of y, print date)."""
    ws.oddHeader.left.text = f"{unit}　{campaign}"
    ws.oddHeader.right.text = DRAFT_LABEL if draft else ""
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.right.text = f"打印 {printed}" if printed else ""
    ws.page_margins.top, ws.page_margins.bottom = 0.9, 0.8
    ws.page_margins.header, ws.page_margins.footer = 0.35, 0.35


def mark_draft(ws: Worksheet) -> None:
    cell = ws.cell(1, 1)
    cell.value = f"{cell.value}（{DRAFT_LABEL}）"
    cell.font = DRAFT_FONT


def signature_row(ws: Worksheet, row: int, ncols: int,
                  signers: Sequence[str] = ("计分人", "复核人", "监督人")) -> None:
    """计分人、复核人、监督人 (or ``signers``) and 日期 under the table, with room to sign."""
    text = "　　".join(f"{s}：＿＿＿＿＿" for s in (*signers, "日期"))
    cell = ws.cell(row, 1, text)
    cell.alignment = Alignment(vertical="bottom")
    if ncols > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.row_dimensions[row].height = 32
    ws.print_area = f"A1:{get_column_letter(ncols)}{row}"


def export_results(path: str | Path, campaign: Campaign, results: Results, *, unit: str = "", title: str = "",
                   published: set[str] | None = None, printed: str = "") -> None:
    """Write every stage's results to ``path`` (.xlsx), one sheet per stage, in the order of the 细则.
    ``published``: the stages published (None: all) — the others' sheets are marked 草稿（未公布）."""
    wb = Workbook()
    wb.remove(wb.active)
    ctx = _Context(campaign, results)
    for name, write in _SHEETS:
        ws = wb.create_sheet(name)
        write(ws, ctx)
        draft = published is not None and not set(SHEET_STAGES[name]) <= published
        if draft:
            mark_draft(ws)
        page_frame(ws, unit, title, printed, draft)
        ncols = ws.max_column
        signature_row(ws, ws.max_row + 2, ncols)
    files.write_with(path, wb.save)      # a temporary name, fsync, rename: never half a workbook


class _Context:
    def __init__(self, campaign: Campaign, results: Results):
        self.campaign = campaign
        self.scheme = campaign.scheme
        self.results = results
        self.inputs = {p.id: p for p in campaign.people}
        self.people: dict[str, PersonResult] = {p.id: p for p in results.people}
        self.post_names = {p.id: p.name for p in campaign.posts}
        self.counts = {(c.person, c.post): c.counts for c in campaign.counts}

    def name(self, person_id: str) -> str:
        return self.people[person_id].name if person_id in self.people else ""

    def post(self, post_id: str) -> str:
        name = self.post_names.get(post_id)
        return f"{name}（{post_id}）" if name else post_id

    def declared_label(self, pair: PairResult) -> str:
        if not pair.declared:
            return "建议岗位"
        return f"申报（第{(pair.choice or 0) + 1}志愿）"


def _row_head(ws: Worksheet, row: int, person: PersonResult) -> None:
    ws.cell(row, 1, person.id)
    ws.cell(row, 2, person.name)


def _satisfaction_sheet(ws: Worksheet, ctx: _Context) -> None:
    t = ctx.scheme.satisfaction_threshold
    headers = ["编号", "姓名", "实际参加测评人数", "不满意票", "不满意率", "结果"]
    start_sheet(ws, "述职述廉满意度测评结果", headers)
    row = FIRST_DATA_ROW
    for person in ctx.results.people:
        _row_head(ws, row, person)
        s = person.satisfaction
        if s is None:
            ws.cell(row, 6, "无测评记录")
        else:
            ws.cell(row, 3, s.present)
            ws.cell(row, 4, s.dissatisfied)
            put_score(ws, row, 5, s.rate_shown)
            ws.cell(row, 6, "通过" if s.passed else f"未通过（不满意率达{_fraction_text(t)}以上）")
        row += 1
    finish_sheet(ws, len(headers), last_row=row - 1)
    put_note(ws, row + 1, f"注：不满意率 = 不满意票 ÷ 实际参加测评人数；达{_fraction_text(t)}以上（含）的，原任科长"
                          "不得参加科长竞争，申报者不得被推荐（第五条）。是否达到按精确分数判定。", len(headers))


def _democratic_sheet(ws: Worksheet, ctx: _Context) -> None:
    w = ctx.scheme.dimension_weights
    headers = ["编号", "姓名"] + [f"{DIMENSION_LABELS[d]}（{percent(w[d])}）" for d in DIMENSIONS] + ["民主测评得分"]
    start_sheet(ws, "民主测评结果", headers)
    row = FIRST_DATA_ROW
    for person in ctx.results.people:
        _row_head(ws, row, person)
        dims = ctx.inputs[person.id].democratic or {}
        for col, d in enumerate(DIMENSIONS, start=3):
            put_score(ws, row, col, dims.get(d))
        put_score(ws, row, 3 + len(DIMENSIONS), person.democratic)
        row += 1
    finish_sheet(ws, len(headers), last_row=row - 1)


def _quantified_sheet(ws: Worksheet, ctx: _Context) -> None:
    s = ctx.scheme
    years = max([s.appraisal_years] + [len(p.appraisal) for p in ctx.campaign.people])
    headers = (["编号", "姓名", "职级", f"考试（{percent(s.exam_weight)}）", f"民主测评（{percent(s.democratic_weight)}）"]
               + [f"考核{i}" for i in range(1, years + 1)]
               + [f"考核均分（{percent(s.appraisal_weight)}）", "职级加分", "考评量化得分"])
    start_sheet(ws, "考评量化结果", headers)
    typed = decimals_format(s.input_decimals)
    row = FIRST_DATA_ROW
    for person in ctx.results.people:
        _row_head(ws, row, person)
        ws.cell(row, 3, ctx.inputs[person.id].rank)
        put_score(ws, row, 4, person.exam)
        put_score(ws, row, 5, person.democratic)
        for i, score in enumerate(ctx.inputs[person.id].appraisal):
            put_score(ws, row, 6 + i, score, typed)
        put_score(ws, row, 6 + years, person.appraisal_avg)
        put_score(ws, row, 7 + years, person.bonus)
        put_score(ws, row, 8 + years, person.quantified)
        row += 1
    finish_sheet(ws, len(headers), landscape=True, last_row=row - 1)
    put_note(ws, row + 1, f"注：考评量化得分 = 考试×{percent(s.exam_weight)} + 民主测评×{percent(s.democratic_weight)} + "
                          f"近三年考核均分×{percent(s.appraisal_weight)} + 职级加分（第八条），各项均取已公布的三位小数。",
             len(headers))


def _speech_sheet(ws: Worksheet, ctx: _Context) -> None:
    k = ctx.scheme.speech_trim
    speakers = [p for p in ctx.results.people if p.speech is not None]
    judges = max((len(ctx.campaign.speech[p.id]) for p in speakers), default=ctx.scheme.min_judges)
    headers = ["编号", "姓名"] + [f"评委{i}" for i in range(1, judges + 1)] + ["有效分数个数", "演讲得分"]
    start_sheet(ws, "竞岗演讲评分", headers)
    typed = decimals_format(ctx.scheme.judge_decimals)
    row = FIRST_DATA_ROW
    for person in speakers:
        _row_head(ws, row, person)
        trimmed = person.speech
        dropped = set(trimmed.dropped_high) | set(trimmed.dropped_low)
        for i, score in enumerate(ctx.campaign.speech[person.id]):
            put_score(ws, row, 3 + i, score, typed)
            if i in dropped:
                ws.cell(row, 3 + i).fill = DROPPED_FILL
                ws.cell(row, 3 + i).font = DROPPED_FONT
        ws.cell(row, 3 + judges, len(trimmed.kept))
        put_score(ws, row, 4 + judges, trimmed.mean)
        row += 1
    finish_sheet(ws, len(headers), landscape=judges > 9, last_row=row - 1)
    put_note(ws, row + 1, f"注：灰底加删除线的分数为去掉的{k}个最高分和{k}个最低分（第十条），"
                          "演讲得分为其余分数的平均分。", len(headers))


def _fraction_text(f: Fraction) -> str:
    return "三分之一" if f == Fraction(1, 3) else f"{f.numerator}/{f.denominator}"


def _recommendation_sheet(ws: Worksheet, ctx: _Context) -> None:
    present = ctx.campaign.present or {}
    t = ctx.scheme.threshold
    headers = (["编号", "姓名", "岗位", "申报情况"]
               + [f"{GROUP_LABELS[g]}\n（到会{present.get(g, 0)}人）" for g in GROUPS]
               + ["推荐合计", "到会合计", "推荐率", f"达到{_fraction_text(t)}", "推荐得分", "可任该岗位"])
    start_sheet(ws, "定岗推荐结果", headers)
    row = FIRST_DATA_ROW
    for pair in ctx.results.pairs:
        ws.cell(row, 1, pair.person)
        ws.cell(row, 2, ctx.name(pair.person))
        ws.cell(row, 3, ctx.post(pair.post))
        ws.cell(row, 4, ctx.declared_label(pair))
        rec = pair.recommendation
        if rec is not None:
            counts = ctx.counts.get((pair.person, pair.post), {})
            for col, g in enumerate(GROUPS, start=5):
                ws.cell(row, col, counts.get(g, 0))
            ws.cell(row, 9, rec.recommended)
            ws.cell(row, 10, rec.present)
            put_score(ws, row, 11, rec.rate_shown)
            ws.cell(row, 12, "是" if rec.eligible else "否")
            put_score(ws, row, 13, pair.score)
        reasons = _ineligible_reasons(pair, ctx)
        ws.cell(row, 14, "否（" + "，".join(reasons) + "）" if reasons else ("是" if pair.eligible else "否"))
        row += 1
    finish_sheet(ws, len(headers), landscape=True, last_row=row - 1)
    weights = "、".join(f"{GROUP_LABELS[g]}{percent(ctx.scheme.group_weights[g])}" for g in GROUPS)
    put_note(ws, row + 1, f"注：推荐率 = 推荐合计 ÷ 到会合计，不达{_fraction_text(t)}的不得在该岗位任职"
                          "（第十一条），是否达到按精确分数判定；推荐得分 = 100 × Σ 权重 × 本组推荐数 ÷ "
                          f"本组到会人数，权重：{weights}。", len(headers))
    if ctx.results.absent_groups and ctx.results.pairs and ctx.results.pairs[0].recommendation:
        used = ctx.results.pairs[0].recommendation.weights
        absent = "、".join(GROUP_LABELS[g] for g in ctx.results.absent_groups)
        rescaled = "、".join(f"{GROUP_LABELS[g]}{percent(w)}" for g, w in used.items())
        put_note(ws, row + 2, f"注：{absent}无人到会，不计入；其余各组权重按比例折算为：{rescaled}。", len(headers))
    if not present:
        put_note(ws, row + 2, "注：尚无定岗推荐会议记录。", len(headers))


def _ineligible_reasons(pair: PairResult, ctx: _Context) -> list[str]:
    reasons: list[str] = []
    if pair.eligible:
        return reasons
    if pair.recommendation is None:
        reasons.append("无推荐记录")
    elif not pair.recommendation.eligible:
        reasons.append(f"推荐率不达{_fraction_text(ctx.scheme.threshold)}")
    person = ctx.people.get(pair.person)
    if person is not None and not person.passed:
        reasons.append("满意度测评未通过")
    return reasons


def _composite_sheet(ws: Worksheet, ctx: _Context) -> None:
    """Per post (in the posts' order), the competitors by 综合考评 from high to low, with 名次 at the post
    (ties share a rank) and who was placed there (§十三)."""
    w = ctx.scheme.composite_weights
    headers = ["岗位", "名次", "编号", "姓名", f"考评量化（{percent(w['quantified'])}）", f"竞岗演讲（{percent(w['speech'])}）",
               f"定岗推荐（{percent(w['recommendation'])}）", "综合考评得分", "确定人选", "备注"]
    start_sheet(ws, "综合考评结果", headers)
    order = {p.id: i for i, p in enumerate(ctx.campaign.posts)}
    pairs = sorted(ctx.results.pairs, key=lambda x: (order.get(x.post, 10**9), x.composite is None,
                                                     -(x.composite or 0), x.person))
    a = ctx.results.assignment
    placed = {(p.post, p.person) for p in a.placements}
    undecided = {(u.post, pid) for u in a.undecided if u.post for pid in u.persons}
    scores: dict[str, list[Decimal]] = {}
    for x in pairs:
        if x.composite is not None:
            scores.setdefault(x.post, []).append(x.composite)
    row = FIRST_DATA_ROW
    for pair in pairs:
        person = ctx.people[pair.person]
        ws.cell(row, 1, ctx.post(pair.post))
        if pair.composite is not None:
            ws.cell(row, 2, 1 + sum(1 for c in scores[pair.post] if c > pair.composite))
        ws.cell(row, 3, pair.person)
        ws.cell(row, 4, person.name)
        put_score(ws, row, 5, person.quantified)
        put_score(ws, row, 6, person.speech.mean if person.speech else None)
        put_score(ws, row, 7, pair.score)
        put_score(ws, row, 8, pair.composite)
        key = (pair.post, pair.person)
        ws.cell(row, 9, "拟任" if key in placed else "待定" if key in undecided else None)
        if not pair.eligible:
            ws.cell(row, 10, "不具备任职资格：" + "，".join(_ineligible_reasons(pair, ctx)))
        elif pair.composite is None:
            ws.cell(row, 10, "缺少分数，无法计算")
        row += 1
    finish_sheet(ws, len(headers), landscape=True, last_row=row - 1)
    put_note(ws, row + 1, f"注：综合考评 = 考评量化×{percent(w['quantified'])} + 竞岗演讲×{percent(w['speech'])} + "
                          f"定岗推荐×{percent(w['recommendation'])}（第十二条），各项均取已公布的三位小数；同一岗位按综合"
                          "考评得分从高到低排列，名次相同者得分相同；“拟任”为按第十三条确定的人选。", len(headers))


def _assignment_sheet(ws: Worksheet, ctx: _Context) -> None:
    headers = ["岗位", "结果", "编号", "姓名", "依据或说明"]
    start_sheet(ws, "确定人选结果", headers)
    a = ctx.results.assignment
    rows: list[tuple[str, str, str, str, str]] = []
    for post in sorted(ctx.post_names):
        for p in sorted((p for p in a.placements if p.post == post), key=lambda p: p.person):
            rows.append((ctx.post(post), "确定", p.person, ctx.name(p.person), RULE_LABELS.get(p.rule, p.rule)))
        for u in a.undecided:
            if u.post == post:
                rows.append((ctx.post(post), "待定", "、".join(u.persons), "、".join(ctx.name(x) for x in u.persons),
                             REASON_LABELS.get(u.reason, u.reason)))
        if post in a.vacant:
            rows.append((ctx.post(post), "空缺", "", "", "无符合条件的人选，留待下一轮安排（第十三条（四））"))
    for u in a.undecided:
        if u.person is not None:
            posts = "、".join(ctx.post(p) for p in u.posts)
            rows.append((posts, "待定", u.person, ctx.name(u.person), REASON_LABELS.get(u.reason, u.reason)))
    row = FIRST_DATA_ROW
    for values in rows:
        for col, value in enumerate(values, start=1):
            ws.cell(row, col, value).alignment = Alignment(wrap_text=col == 5, vertical="center")
        row += 1
    finish_sheet(ws, len(headers), last_row=row - 1, max_width=60)


_SHEETS = (("满意度测评", _satisfaction_sheet), ("民主测评", _democratic_sheet), ("考评量化", _quantified_sheet),
           ("竞岗演讲", _speech_sheet), ("定岗推荐", _recommendation_sheet), ("综合考评", _composite_sheet),
           ("确定人选", _assignment_sheet))
