"""The 交流轮岗 documents as Excel workbooks: the same dataclasses as the PDFs (:mod:`app.reports.rotation`),
in the frame of the results workbook (title row, bold header, A4 print set-up, unit and campaign in the page
header, page numbers and print date in the footer, a signature row, 草稿 marked).

- 交流轮岗对象名单: one flat table (类别 应交流轮岗 / 可不或暂缓 / 资料不全), so an office can sort and filter it.
- 机关轮岗交流人员统计表: sheet 统计表 (the counts under a two-level header, one row, as the form is filed;
  the summary in the speech's words) and sheet 轮岗交流人员 (everyone counted, and who was not and why).

The workbook is written to a temporary file in the same folder, flushed to disk, then renamed over ``path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import files
from ..reports.rotation import LIST_SIGNERS, SHORT_TITLES, STATISTICS_SIGNERS, RotationList, RotationStatisticsSheet
from .results_excel import (BORDER, FIRST_DATA_ROW, HEADER_FILL, HEADER_FONT, TITLE_FONT, finish_sheet,
                            fit_row_heights, mark_draft, page_frame, put_note, signature_row, start_sheet)

WRAP = Alignment(wrap_text=True, vertical="top")


def save_atomically(wb: Workbook, path: str | Path) -> None:
    """Write ``wb`` to a temporary name beside ``path``, fsync it, then rename: never half a file at ``path``."""
    files.write_with(path, wb.save)


def _frame(ws: Worksheet, data: Any, ncols: int, signers: tuple[str, ...], *, notes: tuple[str, ...] = ()) -> None:
    h = data.header
    row = ws.max_row + 2
    for note in notes:
        put_note(ws, row, note, ncols)
        row += 1
    if h.draft:
        mark_draft(ws)
    page_frame(ws, h.unit, h.campaign, h.printed, h.draft)
    signature_row(ws, row + 1, ncols, signers)


def write_rotation_list(path: str | Path, data: RotationList) -> None:
    """交流轮岗对象名单 (.xlsx)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "交流轮岗对象名单"
    headers = ["序号", "类别", "编号", "姓名", "原科室", "职级", "任职时间", "交流", "轮岗", "依据（条款及情形）"]
    start_sheet(ws, f"{data.header.unit}交流轮岗对象名单（截至{data.as_of}）", headers)
    r = FIRST_DATA_ROW
    for kind, rows in (("应交流、轮岗", data.due), ("可不交流、暂缓交流或可不轮岗", data.exempt),
                       ("资料不全、未能完全审查", data.incomplete)):
        for c in rows:
            values = [r - FIRST_DATA_ROW + 1, kind, c.person_id, c.name, c.office, c.rank, c.since, c.exchange,
                      c.rotation, c.basis]
            for col, value in enumerate(values, start=1):
                ws.cell(r, col, value).alignment = WRAP
            ws.cell(r, 3).number_format = "@"
            r += 1
    finish_sheet(ws, len(headers), landscape=True, last_row=r - 1, max_width=60)
    fit_row_heights(ws, FIRST_DATA_ROW, r - 1, len(headers))
    counts = (f"截至{data.as_of}审查人员名单中的{data.screened}人：应交流、轮岗的{len(data.due)}人，可不交流、暂缓交流或"
              f"可不轮岗的{len(data.exempt)}人，资料不全、未能完全审查的{len(data.incomplete)}人。")
    _frame(ws, data, len(headers), LIST_SIGNERS, notes=(counts, *data.notes))
    save_atomically(wb, path)


def write_rotation_statistics(path: str | Path, data: RotationStatisticsSheet) -> None:
    """机关轮岗交流人员统计表 (.xlsx): 统计表 and 轮岗交流人员."""
    wb = Workbook()
    ws = wb.active
    ws.title = "统计表"
    groups = [(g.label, [(label, n) for label, n in g.rows if label != "合计"]) for g in data.groups]
    ncols = 1 + sum(len(rows) for _, rows in groups)
    ws.cell(1, 1, f"{data.header.unit}机关轮岗交流人员统计表（统计日期{data.as_of}）").font = TITLE_FONT
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 28

    def head(row: int, col: int, text: str) -> None:
        cell = ws.cell(row, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    head(2, 1, "交流总人数")
    head(3, 1, None)
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    ws.cell(4, 1, data.total).border = BORDER
    col = 2
    for label, rows in groups:
        head(2, col, label)
        for k, (name, n) in enumerate(rows):
            if k:
                head(2, col + k, None)
            head(3, col + k, SHORT_TITLES.get(name, name))     # broken as on the PDF: 科长 / （主任）
            cell = ws.cell(4, col + k, n)
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=col + len(rows) - 1)
        col += len(rows)
    for c in range(1, ncols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 9
    ws.row_dimensions[3].height = 46
    ws.cell(4, 1).alignment = Alignment(horizontal="center")
    finish_print(ws)
    put_note(ws, 6, data.summary, ncols)
    _frame(ws, data, ncols, STATISTICS_SIGNERS, notes=data.notes)

    people = wb.create_sheet("轮岗交流人员")
    headers = ["序号", "编号", "姓名", "原科室", "现岗位（科室）", "方式", "年龄", "学历", "专业类别", "岗位性质", "备注"]
    start_sheet(people, f"{data.header.unit}机关轮岗交流人员名单（统计日期{data.as_of}）", headers)
    r = FIRST_DATA_ROW
    for rows, remark in ((data.people, ""), (data.uncounted, "原科室未填写，未计入统计")):
        for m in rows:
            values = [r - FIRST_DATA_ROW + 1, m.person_id, m.name, m.former, m.placed, m.how,
                      int(m.age) if m.age else None, m.education, m.speciality, m.post_kind, remark]
            for c, value in enumerate(values, start=1):
                people.cell(r, c, value)
            people.cell(r, 2).number_format = "@"
            r += 1
    finish_sheet(people, len(headers), landscape=True, last_row=r - 1)
    _frame(people, data, len(headers), STATISTICS_SIGNERS)
    save_atomically(wb, path)


def finish_print(ws: Worksheet) -> None:
    """A4 landscape, fitted to the page width (the counts sheet is written cell by cell)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


XLSX_WRITERS: dict[str, Callable[[str | Path, Any], None]] = {
    "交流轮岗对象名单": write_rotation_list,
    "机关轮岗交流人员统计表": write_rotation_statistics,
}
"""The documents that also exist as Excel (``python -m app report … --out X.xlsx``, the print dialog)."""
