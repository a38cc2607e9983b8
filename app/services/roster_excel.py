"""人员名单 ⇄ Excel: the fill-in template (also the roster export) and the all-or-nothing import.

The import copes with sheets as offices make them (title rows, one- or two-level headers, merged
cells, columns in any order under several names, 全角 spaces, dates typed every usual way), lists
*every* problem with its Excel row and column, and imports nothing unless the whole sheet is right.

Numbers. openpyxl hands a numeric cell over as ``int`` or ``float``. A float is never computed with:
it is formatted once with ``format(value, '.10g')`` — ten significant digits, which drops the binary
noise of a typed 88.5 (or a formula's 88.50000000000001) but keeps any real extra decimal — and that
text becomes a ``Decimal``, which :func:`parse_score` refuses if it has more than the scheme's input
decimals (88.55 → 小数位过多) or lies outside 0–100. A numeric *date* cell is read as ``年.月``:
the digits after the point are the month, a single digit meaning tens (a cell typed 1985.10 is
stored as 1985.1 → 1985-10; 1985.01 → 1985-01); anything else (1985.123; 1985.2 → month 20) is
refused rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import EMPTY_CELL, ReadOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import column_index_from_string, coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from app import files
from app.core.campaign import quote
from app.core.numbers import ScoreError, parse_score
from app.core.roster import (CATEGORIES, DUTIES, EXEMPTION_LABELS, IDENTITIES, LEADER_RANKS, POST_KINDS, SPECIALITIES,
                             RosterError, RosterPerson, join_list, parse_partial_date, split_list)
from app.core.scheme import DIMENSION_LABELS, DIMENSIONS, RANKS, Scheme
from app.models.schema import Person

from .results_excel import FIRST_DATA_ROW, finish_sheet, fit_row_heights, page_frame, put_note, start_sheet
from .results_excel import export_results  # noqa: F401  (re-exported: roster_excel.export_results)

SHEET_NAME = "人员名单"
HELP_SHEET = "填表说明"
TITLE = "竞争轮岗人员名单"
HEADER_SEARCH_ROWS = 10
TEMPLATE_ROWS = 500          # rows given dropdowns in the template
GENDERS = ("男", "女")
YES = ("是", "√", "✓", "✔", "Y", "YES", "TRUE", "1")
NO = ("否", "×", "✗", "N", "NO", "FALSE", "0")
DATE_FORMS = "1985-03-01、1985.03、1985年3月、1985/3/1、198503，或 Excel 日期"


@dataclass(frozen=True)
class RosterColumn:
    key: str                    # RosterPerson field; "appraisal"; or a 民主测评 dimension (de, neng, …)
    header: str                 # the header the template writes
    aliases: tuple[str, ...]    # headers accepted on import (after removing spaces and （…）)
    kind: str                   # id, name, text, choice, date, flag, score, count, list (several choices)
    hint: str
    width: int = 10
    choices: tuple[str, ...] = ()


def _col(key: str, header: str, aliases: str, kind: str, hint: str, width: int = 10,
         choices: tuple[str, ...] = ()) -> RosterColumn:
    return RosterColumn(key, header, tuple(aliases.split()), kind, hint, width, choices)


_MONTH_OK = "可只写到月"
_ROTATION = "可空；"
ROTATION_COLUMNS: tuple[RosterColumn, ...] = (
    _col("speciality", "专业类别", "专业类别 专业类 所学专业类别 文凭专业类别", "choice",
         _ROTATION + "文凭记载的专业：经济类（含经济、会计、统计、财政）、法律类、其它类", 10, SPECIALITIES),
    _col("post_kind", "岗位性质", "岗位性质 岗位类别 具体岗位", "choice",
         _ROTATION + "现岗位：" + "、".join(POST_KINDS) + " 之一", 14, POST_KINDS),
    _col("bureau_leader", "局管领导干部", "局管领导干部 局管干部 是否局管领导干部", "flag",
         _ROTATION + "局管领导干部填“是”（第七条）", 8),
    _col("leader_rank", "领导职务", "领导职务 正副职 正职副职", "choice",
         _ROTATION + "局管领导干部填正职或副职（第七条（一）：正职满5年、副职满8年）", 8, LEADER_RANKS),
    _col("unit_start", "本单位工作时间", "本单位工作时间 进入本单位时间 到本单位时间 本单位任职时间", "date",
         _ROTATION + "在本单位（处室）连续工作起始，" + _MONTH_OK + "（第七条（二））", 12),
    _col("units_served", "任职单位数", "任职单位数 任职过的单位数 工作过的单位数", "count",
         _ROTATION + "任职过的单位（处室）个数，含本单位（第七条（三）后备干部）", 8),
    _col("reserve_cadre", "后备干部", "后备干部 局管后备干部 是否后备干部", "flag",
         _ROTATION + "局管后备干部填“是”（第七条（三））", 8),
    _col("duties", "负责工作", "负责工作 分管工作 专职岗位", "list",
         _ROTATION + "负责的工作或所在专职岗位，可填几项，用“、”隔开：" + "、".join(DUTIES) + "（第七条（一）、第九条（二））",
         14, DUTIES),
    _col("exemption", "暂缓情形", "暂缓情形 可不交流情形 不交流原因 暂缓原因", "list",
         _ROTATION + "可不交流、暂缓交流或可不轮岗的情形，用“、”隔开：" + "、".join(EXEMPTION_LABELS) + "（第八条、第十条）",
         14, EXEMPTION_LABELS),
)
ROSTER_COLUMNS: tuple[RosterColumn, ...] = (
    _col("id", "编号", "编号 人员编号 工号", "id", "每人唯一（同名的人靠编号区分），必填"),
    _col("name", "姓名", "姓名", "name", "必填；姓名中的空格（含全角空格）会被去掉"),
    _col("gender", "性别", "性别", "choice", "男 或 女", 6, GENDERS),
    _col("birth", "出生时间", "出生时间 出生年月 出生日期", "date", _MONTH_OK, 12),
    _col("work_start", "参加工作时间", "参加工作时间 参工时间 参加工作日期 工作时间", "date", _MONTH_OK, 14),
    _col("post_start", "任职时间", "任职时间 任现职时间 任现职务时间 任职日期 现职时间", "date", "任现职时间，" + _MONTH_OK, 12),
    _col("political", "政治面貌", "政治面貌", "text", "如 中共党员"),
    _col("education", "学历", "学历 文化程度 最高学历", "text", "如 本科、大专", 8),
    _col("identity", "身份", "身份 人员身份", "choice", "、".join(IDENTITIES) + " 之一，可空", 8, IDENTITIES),
    _col("unit", "编制单位", "编制单位 所在单位 单位", "text", "可合并单元格：对合并的每一行都有效", 16),
    _col("rank", "职级", "职级 职务职级 级别", "choice", "、".join(RANKS) + " 之一，必填", 10, RANKS),
    _col("category", "类别", "类别 人员类别", "choice", "、".join(CATEGORIES) + " 之一，必填", 11, CATEGORIES),
    _col("former_office", "原科室", "原科室 所在科室 现科室 科室", "text", "", 12),
    _col("no_rotation", "不轮岗", "不轮岗 是否不轮岗 特殊岗位", "flag", "特殊岗位不轮岗的填“是”或“√”，否则填“否”或留空", 8),
    *(_col("appraisal", f"考核{i}", "", "score", "近三年年度考核分，0–100；列名可带年份，如“2023年考核”；缺的留空", 8)
      for i in (1, 2, 3)),
    _col("exam", "考试", "考试 考试成绩 考试总分 考试分数 笔试 笔试成绩", "score", "考试总分，0–100，可空", 8),
    *(_col(d, x, f"{x} {x}分 民主测评{x} 民主测评{x}分", "score", f"民主测评“{x}”项，0–100；五项全填或全空", 7)
      for d, x in DIMENSION_LABELS.items()),
    *ROTATION_COLUMNS,    # last: optional, and the columns before them keep their places
)

_BY_ALIAS = {alias: col for col in ROSTER_COLUMNS for alias in col.aliases}
_APPRAISAL = next(c for c in ROSTER_COLUMNS if c.key == "appraisal")


# --- problems -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImportProblem:
    sheet: str
    row: int            # the Excel row number; 0 when the problem concerns the whole sheet
    column: str         # Excel letter and header, e.g. "D（出生时间）"; "" when none
    message: str

    def __str__(self) -> str:
        where = [self.sheet]
        if self.row:
            where.append(f"第{self.row}行")
        if self.column:
            m = re.match(r"^([A-Z]+)(.*)$", self.column)
            where.append(f"{m.group(1)}列{m.group(2)}" if m else self.column)
        return " ".join(where) + "：" + self.message


class RosterImportError(ValueError):
    """The sheet was refused; ``problems`` lists every problem found, in sheet order."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --- writing: the template and the export -------------------------------------------------------

def _template_columns(people: Sequence[RosterPerson]) -> list[RosterColumn]:
    extra = max([3] + [len(p.appraisal) for p in people]) - 3
    cols = list(ROSTER_COLUMNS)
    at = max(i for i, c in enumerate(cols) if c.key == "appraisal") + 1
    for i in range(extra):
        cols.insert(at + i, RosterColumn("appraisal", f"考核{4 + i}", (), "score", _APPRAISAL.hint, 8))
    return cols


def _row_values(person: RosterPerson, cols: Sequence[RosterColumn]) -> list[Any]:
    appraisal, dims, out = iter(person.appraisal), person.democratic or {}, []
    for col in cols:
        if col.key == "appraisal":
            out.append(_number(next(appraisal, None)))
        elif col.key in DIMENSIONS:
            out.append(_number(dims.get(col.key)))
        elif col.kind == "flag":
            out.append("是" if getattr(person, col.key) else "否")
        else:
            value = getattr(person, col.key)
            out.append(_number(value) if col.kind == "score" else value)
    return out


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(format(value, "f"))   # never an exponent in the file


def write_roster_template(path: str | Path, people: Sequence[RosterPerson] = ()) -> None:
    """The fill-in template; with ``people`` it is the roster export (read back by :func:`read_roster`)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    cols = _template_columns(people)
    start_sheet(ws, TITLE, [c.header for c in cols])
    last = FIRST_DATA_ROW + max(TEMPLATE_ROWS, len(people) + 100) - 1
    for c, col in enumerate(cols, start=1):
        letter = get_column_letter(c)
        if col.kind in ("id", "date"):   # text cells: a typed 1985.10 stays 1985.10, 0012 keeps its zeros
            ws.column_dimensions[letter].number_format = "@"
        if col.kind in ("choice", "flag", "list"):
            choices = col.choices or ("是", "否")
            # a list column offers its values one by one and takes several typed with 、
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                showErrorMessage=col.kind != "list", errorTitle=f"{col.header}填写有误",
                                error=f"请从下拉列表中选择：{'、'.join(choices)}")
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
            ws.add_data_validation(dv)
    for r, person in enumerate(people, start=FIRST_DATA_ROW):
        for c, (col, value) in enumerate(zip(cols, _row_values(person, cols)), start=1):
            cell = ws.cell(r, c, value)
            if col.kind in ("id", "date"):
                cell.number_format = "@"
    finish_sheet(ws, len(cols), landscape=True, last_row=FIRST_DATA_ROW + len(people) - 1)
    ws.freeze_panes = "C3"   # header, 编号 and 姓名 stay in view
    # Printed across several landscape pages at a readable size (32 columns on one page were 2 mm each),
    # 编号 and 姓名 and the header repeated on every page.
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = 70
    ws.print_title_cols = "A:B"
    ws.cell(1, 1).alignment = Alignment(horizontal="left", vertical="center")   # on the first page, not mid-way
    page_frame(ws, "", TITLE, "", False)
    for c, col in enumerate(cols, start=1):
        dim = ws.column_dimensions[get_column_letter(c)]
        dim.width = max(dim.width or 0, col.width)
    _help_sheet(wb.create_sheet(HELP_SHEET), cols)
    files.write_with(path, wb.save)      # a temporary name, fsync, rename: never half a workbook


_NOTES = (
    "专业类别至暂缓情形九列供交流轮岗审查（暂行办法第七条至第十条）和轮岗交流人员统计用，不填不影响竞争轮岗的计分。",
    "表头上方可以有标题行，表头须在前 10 行内；列的顺序不限，其他列（如“序号”“备注”）不读取。",
    "同名的人可以有多个，但编号不能重复。分数写到方案规定的小数位（默认 1 位），0–100。",
    f"日期可写 {DATE_FORMS}。写成数字的 1985.1 按“1985年10月”读（Excel 把 1985.10 存成 1985.1），"
    "1985年1月请写 1985.01；最稳妥的是把日期列设为文本。",
    "导入时先检查全表，有任何问题都不导入，并列出每个问题所在的行和列。",
)


def _help_sheet(ws: Any, cols: Sequence[RosterColumn]) -> None:
    start_sheet(ws, "人员名单填表说明", ["列名", "填写说明", "也可使用的列名"])
    rows = []
    for col in cols:
        if col.key == "appraisal":
            if col.header == "考核1":
                rows.append(("考核1、考核2、考核3", col.hint, "任何含“考核”的列名（不含“等次”“均分”）"))
            continue
        helptext = col.hint + (f"；日期可写 {DATE_FORMS}" if col.kind == "date" else "")
        rows.append((col.header, helptext, "、".join(a for a in col.aliases if a != col.header)))
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value).alignment = Alignment(wrap_text=True, vertical="top")
    finish_sheet(ws, 3, last_row=FIRST_DATA_ROW + len(rows) - 1, max_width=50)
    fit_row_heights(ws, FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows) - 1, 3)
    for i, note in enumerate(_NOTES):
        put_note(ws, FIRST_DATA_ROW + len(rows) + 1 + i, note, 3)


# --- reading ------------------------------------------------------------------------------------

def _norm(value: Any) -> str:
    """A header as compared: NFKC (全角 → 半角), no whitespace, no （…）/【…】 remarks, no */:."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    return re.sub(r"[(\[【《].*?[)\]】》]", "", text).strip("*:")


def _header_key(raw: str) -> str | None:
    text = _norm(raw)
    if text in _BY_ALIAS:
        return _BY_ALIAS[text].key
    if "考核" in text and not any(w in text for w in ("等次", "等级", "均", "结果")):
        return "appraisal"
    return None


def _appraisal_order(header: str) -> tuple[int, int]:
    """(year, N) of a header such as 2023年考核 or 考核2; -1 where absent."""
    text = unicodedata.normalize("NFKC", header)
    year, index = re.search(r"(?:19|20)\d{2}", text), re.search(r"考核\D{0,2}?(\d)(?!\d)", text)
    return (int(year.group()) if year else -1, int(index.group(1)) if index else -1)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _squeeze(value: Any) -> str:
    return re.sub(r"\s+", "", "" if value is None else str(value))


# openpyxl makes an object for every cell a merged range covers and inflates every part in memory: a
# merge over whole columns (L1:M1048576) or a decompression bomb would freeze the program for minutes.
MAX_MERGED_CELLS = 100_000
MAX_PART_BYTES = 64 * 1024 * 1024
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})"')


MAX_WORKBOOK_BYTES = 20 * 1024 * 1024   # a 3,000-person roster is well under 1 MB
MAX_SHEET_ROWS = 5000                    # rows of any sheet (the roster allows MAX_PEOPLE people)
MAX_PEOPLE = 3000
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _count_rows(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int:
    """The ``<row>`` elements of a worksheet part, read as a stream and counted only up to ``limit`` + 1:
    a sheet of 400,000 rows is refused after reading its first few thousand, in well under a second."""
    count, carry = 0, b""
    with z.open(info) as fh:
        while block := fh.read(1 << 20):
            data = carry + block
            count += len(_ROW_TAG.findall(data))
            if count > limit:
                return count
            carry = data[-16:]
            count -= len(_ROW_TAG.findall(carry))      # counted again with the next block
    return count


def _too_big(path: str | Path) -> str | None:
    """Why openpyxl must not be given this workbook, or None (then it says itself what is wrong, if anything)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return None
    if size > MAX_WORKBOOK_BYTES:
        return (f"文件有 {size / 2**20:.1f} MB，超过人员名单的上限 {MAX_WORKBOOK_BYTES // 2**20} MB"
                "（请检查是否选错了文件）")
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.file_size > MAX_PART_BYTES:
                    return f"无法读取：文件中的 {info.filename} 解压后有 {info.file_size // 2**20} MB，不是人员名单"
            for info in z.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                rows = _count_rows(z, info, MAX_SHEET_ROWS)
                if rows > MAX_SHEET_ROWS:
                    return (f"工作表有 {MAX_SHEET_ROWS} 行以上，超过人员名单的上限（最多 {MAX_PEOPLE} 人、"
                            f"{MAX_SHEET_ROWS} 行），请检查是否选错了文件或删去多余的行")
                merged = 0
                for m in _MERGE_REF.finditer(z.read(info)):
                    c1, r1, c2, r2 = column_index_from_string(m[1].decode()), int(m[2]), \
                        column_index_from_string(m[3].decode()), int(m[4])
                    merged += (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)
                    if merged > MAX_MERGED_CELLS:
                        return (f"合并单元格过大（如 {m[1].decode()}{m[2].decode()}:{m[3].decode()}{m[4].decode()}），"
                                "请取消整列或整行的合并后再导入")
    except Exception:   # not a readable zip: load_workbook reports it
        return None
    return None


@dataclass(frozen=True)
class RosterSheet:
    """What one import read: the people (all or nothing), and what the summary must say about the sheet."""

    sheet: str
    people: tuple[RosterPerson, ...]
    columns: frozenset[str]            # the RosterPerson fields the sheet has a column for ("appraisal" for 考核)
    unknown_columns: tuple[str, ...]   # header cells not read, e.g. "E（编制）"
    notes: tuple[str, ...]             # rows skipped with a reason (合计 …)
    rank_words: dict[str, tuple[int, ...]]   # 职级 words not among RANKS (nor mapped): word → Excel rows
    mapped_ranks: tuple[tuple[str, str], ...] = ()   # the mapping used: (word, rank)

    def ranks_mapped(self, mapping: dict[str, str]) -> "RosterSheet":
        """The same sheet with office 职级 words replaced by the program's ranks (正科级 → 正科实职 …)."""
        people = tuple(p if p.rank not in mapping else replace(p, rank=mapping[p.rank]) for p in self.people)
        left = {w: rows for w, rows in self.rank_words.items() if w not in mapping}
        used = tuple((w, mapping[w]) for w in self.rank_words if w in mapping)
        return RosterSheet(self.sheet, people, self.columns, self.unknown_columns, self.notes, left,
                           self.mapped_ranks + used)


def read_roster(path: str | Path, scheme: Scheme = Scheme()) -> list[RosterPerson]:
    """Read the first sheet with a recognisable header; all or nothing (raises RosterImportError).
    A 职级 word the program does not know is a problem here; :func:`read_roster_sheet` lists them instead."""
    return list(read_roster_sheet(path, scheme, None).people)


def read_roster_sheet(path: str | Path, scheme: Scheme = Scheme(), rank_map: dict[str, str] | None = None) -> RosterSheet:
    """Read the first sheet with a recognisable header; all or nothing (raises RosterImportError). With a
    ``rank_map`` (may be empty) 职级 words outside RANKS are mapped by it, else listed in ``rank_words`` for
    the clerk to map; without one they are problems."""
    name = Path(path).name
    if Path(path).is_dir():
        raise RosterImportError([ImportProblem(name, 0, "", "是文件夹，不是 Excel 文件")])
    if reason := _too_big(path):
        raise RosterImportError([ImportProblem(name, 0, "", reason)])
    try:
        sheets = _read_sheets(path)
    except FileNotFoundError:
        raise RosterImportError([ImportProblem(name, 0, "", "找不到文件")]) from None
    except OSError as err:
        raise RosterImportError([ImportProblem(name, 0, "", f"无法打开文件（{err.strerror or err}）")]) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError):
        raise RosterImportError([ImportProblem(name, 0, "", "无法读取：不是 .xlsx 格式的 Excel 文件"
                                               "（.xls 文件请先在 Excel 中另存为 .xlsx）")]) from None
    except Exception:   # a damaged file fails deep inside openpyxl (XML, styles, relations …) in many ways
        raise RosterImportError([ImportProblem(name, 0, "", "无法读取：文件已损坏或不是 Excel 保存的 .xlsx 文件"
                                               "（请在 Excel 中打开后另存为 .xlsx 再导入）")]) from None
    for ws in sheets:
        if ws.title.strip() != HELP_SHEET and (reader := _SheetReader(ws, scheme, rank_map)).find_header():
            return reader.read()
    sheet = sheets[0].title if sheets else name
    raise RosterImportError([ImportProblem(sheet, 0, "", f"找不到表头：前 {HEADER_SEARCH_ROWS} 行"
                                           "中没有含“姓名”“编号”等列名的一行")])


_T = f"{{{SHEET_MAIN_NS}}}t"
_R = f"{{{SHEET_MAIN_NS}}}r"
_IS = f"{{{SHEET_MAIN_NS}}}is"


class _Parser(WorkSheetParser):
    """openpyxl's row parser, with inline strings (what openpyxl itself writes) read straight from the XML:
    its Text objects cost a third of the whole read. The text is the same: the plain part and every run's."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if element.get("t") != "inlineStr":
            return super().parse_cell(element)
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        child = element.find(_IS)
        value = None if child is None else "".join(
            [t.text or "" for t in child.findall(_T)] + [r.findtext(_T) or "" for r in child.findall(_R)])
        return {"row": row, "column": column, "value": value, "data_type": "inlineStr" if child is None else "s",
                "style_id": int(element.get("s", 0) or 0)}


class _Sheet:
    """One worksheet as the reader needs it: the cells that are written in the file, and the merged ranges.

    Read in openpyxl's read-only mode straight from its row parser, which is about twice as fast as
    ``load_workbook``'s full mode and never makes a cell the file does not have (a stray entry in
    column XFD costs one cell, not sixteen thousand)."""

    def __init__(self, ws: Any):
        self.title: str = ws.title
        wb = ws.parent
        self.cells: dict[tuple[int, int], ReadOnlyCell] = {}
        with ws._get_source() as src:
            parser = _Parser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                                     date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
            for _, row in parser.parse():
                for c in row:
                    if c["value"] is not None:
                        self.cells[(c["row"], c["column"])] = ReadOnlyCell(ws, c["row"], c["column"], c["value"],
                                                                           c["data_type"], c["style_id"])
        merged = parser.merged_cells.mergeCell if parser.merged_cells is not None else []
        self.merged = [CellRange(m.ref) for m in merged if m.ref]

    def cell(self, r: int, c: int) -> Any:
        return self.cells.get((r, c), EMPTY_CELL)


def _number_format(cell: Any) -> str:
    """A cell's number format; "" when the file's styles do not have it (a damaged styles part)."""
    try:
        return cell.number_format or ""
    except (IndexError, KeyError, AttributeError):
        return ""


def _read_sheets(path: str | Path) -> list[_Sheet]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [_Sheet(ws) for ws in wb.worksheets]
    finally:
        wb.close()


@dataclass(frozen=True)
class _Column:
    col: int
    key: str
    header: str          # as written in the sheet (spaces removed), for messages

    @property
    def label(self) -> str:
        return f"{get_column_letter(self.col)}（{self.header}）"


class _SheetReader:
    """One sheet: merged ranges are read as their top-left value in every cell they cover."""

    def __init__(self, ws: _Sheet, scheme: Scheme, rank_map: dict[str, str] | None):
        self.ws, self.scheme, self.rank_map = ws, scheme, rank_map
        # Only the cells that hold something are visited: a stray entry in row 60000 or column XFD
        # (or a merge over whole columns) must not make the reader walk millions of empty cells.
        self.filled: dict[int, list[int]] = {}
        for (r, c), cell in sorted(ws.cells.items()):
            if not _blank(cell.value):
                self.filled.setdefault(r, []).append(c)
        self.max_row = max(self.filled, default=0)
        self.max_col = max((cols[-1] for cols in self.filled.values()), default=0)
        self.span: dict[tuple[int, int], Any] = {}
        for rng in ws.merged:
            for r in range(rng.min_row, min(rng.max_row, self.max_row) + 1):
                for c in range(rng.min_col, min(rng.max_col, self.max_col) + 1):
                    self.span[(r, c)] = rng
        self.columns: list[_Column] = []
        self.appraisal: list[_Column] = []
        self.unknown: list[str] = []
        self.header_row = self.data_row = 0
        self.problems: list[tuple[int, int, ImportProblem]] = []
        self.notes: list[str] = []
        self.rank_words: dict[str, list[int]] = {}
        self.mapped: dict[str, str] = {}

    def cell(self, r: int, c: int) -> Any:
        rng = self.span.get((r, c))
        return self.ws.cell(rng.min_row, rng.min_col) if rng else self.ws.cell(r, c)

    def value(self, r: int, c: int) -> Any:
        return self.cell(r, c).value

    def problem(self, row: int, column: _Column | None, message: str) -> None:
        label = column.label if column else ""
        self.problems.append((row, column.col if column else 0, ImportProblem(self.ws.title, row, label, message)))

    # -- the header -------------------------------------------------------------------------

    def _columns_at(self, r: int, unknown: list[str] | None = None) -> tuple[list[_Column], set[int]]:
        """The known columns if row ``r`` is the header (the others' labels go to ``unknown``). A header merged
        across columns with sub-headers below it (近三年考核 → 2021年 2022年 …) makes a two-level header."""
        # a header cell holds text of its own or lies under a merged one
        columns = sorted(set(self.filled.get(r, [])) | {c for (row, c) in self.span if row == r})
        split = {c for c in columns
                 if (rng := self.span.get((r, c))) and rng.min_row == rng.max_row == r and rng.max_col > rng.min_col
                 and r < self.max_row and not _blank(self.value(r + 1, c))}
        found = []
        for c in columns:
            parent = _squeeze(self.value(r, c))
            child = _squeeze(self.value(r + 1, c)) if c in split else ""
            for text in ([child, parent + child] if child else [parent]):
                if key := _header_key(text):
                    found.append(_Column(c, key, text))
                    break
            else:
                text = child or parent
                rng = self.span.get((r, c))
                if unknown is not None and text and _norm(text) not in NOT_READ and (rng is None or c == rng.min_col):
                    unknown.append(f"{get_column_letter(c)}（{text}）")
        return found, split

    def find_header(self) -> bool:
        """The row among the first ten that names the most known columns, 姓名 among them."""
        best, best_count = 0, 1
        for r in range(1, min(HEADER_SEARCH_ROWS, self.max_row) + 1):
            cols, split = self._columns_at(r)
            keys = {c.key for c in cols}
            # 姓名 must stand in the header row itself: a title merged over the header is no parent
            if any(c.key == "name" and c.col not in split for c in cols) and len(keys) > best_count:
                best, best_count = r, len(keys)
        if best:
            self.header_row = best
            self.columns, split = self._columns_at(best, self.unknown)
            self.data_row = best + (2 if split else 1)   # a two-level header takes two rows
        return bool(best)

    def _check_header(self) -> dict[str, _Column]:
        single: dict[str, _Column] = {}
        for col in self.columns:
            if col.key == "appraisal":
                self.appraisal.append(col)
            elif col.key in single:
                self.problem(self.header_row, col, f"与 {single[col.key].label} 是同一项，只能有一列")
            else:
                single[col.key] = col
        for key in REQUIRED_COLUMNS:   # the template's 必填 columns
            if key not in single:
                col = _BY_KEY[key]
                self.problem(self.header_row, None, f"缺少“{col.header}”列（必填：{col.hint.removesuffix('，必填')}）"
                             if col.choices else f"缺少“{col.header}”列（必填）")
        missing = [x for d, x in DIMENSION_LABELS.items() if d not in single]
        if 0 < len(missing) < len(DIMENSIONS):
            self.problem(self.header_row, None, f"民主测评五项须都有：缺少“{'、'.join(missing)}”列")
        if len(self.appraisal) > self.scheme.appraisal_years:
            self.problem(self.header_row, None,
                         f"考核列有 {len(self.appraisal)} 列，方案只取近 {self.scheme.appraisal_years} 年")
        orders = [_appraisal_order(c.header) for c in self.appraisal]
        for part in (0, 1):   # oldest year first when every column has a year, else by 考核N, else left to right
            keys = [o[part] for o in orders]
            if min(keys, default=0) >= 0 and len(set(keys)) == len(keys):
                self.appraisal = [c for _, c in sorted(zip(keys, self.appraisal), key=lambda t: t[0])]
                break
        return single

    # -- the rows ---------------------------------------------------------------------------

    def _skip(self, r: int) -> bool:
        """Blank rows (a merged cell reaching into a row does not fill it), section rows merged
        across columns (一、行政人员), and one-cell notes (填表人：…, 注：…)."""
        own = self.filled.get(r, [])
        if not own:
            return True
        rng = self.span.get((r, own[0]))
        if rng and rng.max_col > rng.min_col and all(self.span.get((r, c)) is rng for c in own):
            return True
        value = self.ws.cell(r, own[0]).value
        return len(own) == 1 and isinstance(value, str) and \
            value.strip().startswith(("注", "说明", "填表", "制表", "审核", "备注"))

    def _total(self, r: int) -> str | None:
        """A 合计 / 共N人 row's text (what the sheet counted), or None."""
        values = [self.ws.cell(r, c).value for c in self.filled.get(r, [])]
        if not any(isinstance(v, str) and ("计" in v or "人" in v) for v in values):   # most rows: at once
            return None
        texts = [_squeeze(unicodedata.normalize("NFKC", str(v))) for v in values]
        if TOTAL_START.match(texts[0]) or any(TOTAL_COUNT.match(t) for t in texts):
            return " ".join(texts)
        return None

    def read(self) -> RosterSheet:
        single = self._check_header()
        rows = sum(1 for r in self.filled if r >= self.data_row)
        if rows > MAX_PEOPLE:       # say so once, not once per row
            raise RosterImportError([ImportProblem(self.ws.title, 0, "", f"共 {rows} 行人员，超过上限 {MAX_PEOPLE} 人"
                                                   "（请检查是否选错了文件或删去多余的行）")])
        people: list[RosterPerson] = []
        rows_of: dict[str, list[int]] = {}
        totals: list[tuple[int, str]] = []
        for r in sorted(self.filled):
            if r < self.data_row or self._skip(r):
                continue
            if (total := self._total(r)) is not None:
                totals.append((r, total))
                continue
            before = len(self.problems)
            fields = {key: self._value(r, col, _BY_KEY[key]) for key, col in single.items()}
            appraisal = tuple(v for col in self.appraisal if (v := self._value(r, col, _APPRAISAL)) is not None)
            dims = {d: fields.pop(d) for d in DIMENSIONS if d in fields}
            if any(v is not None for v in dims.values()):
                for d, v in dims.items():
                    if v is None and not any(p[0] == r and p[1] == single[d].col for p in self.problems):
                        self.problem(r, single[d], "民主测评五项须全部填写（或全部留空）")
            if fields.get("id"):
                rows_of.setdefault(fields["id"], []).append(r)
            complete = dims if dims and all(v is not None for v in dims.values()) else None
            if len(self.problems) == before and "id" in fields and "name" in fields:
                people.append(RosterPerson(**fields, appraisal=appraisal, democratic=complete))
        for pid, rows in rows_of.items():
            for r in rows[1:]:
                self.problem(r, single["id"], f"编号“{pid}”与第{rows[0]}行重复（同名可以，编号不能重复）")
        if self.problems:
            problems = [p for *_, p in sorted(self.problems, key=lambda t: t[:2])]
            if self.rank_words:   # said now, asked for once the sheet is right
                problems.append(ImportProblem(self.ws.title, 0, "", f"另有职级写法 {'、'.join(self.rank_words)}："
                                              "改正以上问题后再导入时，可逐一对应到程序的职级"))
            raise RosterImportError(problems)
        for r, text in totals:
            self.notes.append(f"第{r}行“{text[:40]}”是合计行，未导入" + _count_check(text, len(people)))
        return RosterSheet(self.ws.title, tuple(people), frozenset(single) | ({"appraisal"} if self.appraisal else set()),
                           tuple(self.unknown), tuple(self.notes), {w: tuple(rows) for w, rows in self.rank_words.items()},
                           tuple(self.mapped.items()))

    def _value(self, r: int, col: _Column, spec: RosterColumn) -> Any:
        """The cell read as the column's kind; a problem is recorded and None returned when it cannot be."""
        cell = self.cell(r, col.col)
        if cell.data_type == "e":   # #DIV/0!, #N/A, #REF! …: a broken formula, never a value
            self.problem(r, col, f"单元格是 Excel 错误值 {cell.value}（请改正公式或直接填写）")
            return None
        if spec.key == "rank" and self.rank_map is not None and isinstance(cell.value, str):
            word = re.sub(r"\s+", "", cell.value)
            if word and word not in spec.choices:   # an office's own 职级 word: mapped, or asked for once
                if word in self.rank_map:
                    self.mapped[word] = self.rank_map[word]
                    return self.rank_map[word]
                if len(word) <= MAX_RANK_WORD:
                    self.rank_words.setdefault(word, []).append(r)
                    return word
        try:
            return _convert(cell.value, spec, self.scheme, _number_format(cell) if spec.kind == "date" else "")
        except (RosterError, ScoreError) as err:
            self.problem(r, col, str(err))
            return None


_BY_KEY = {c.key: c for c in ROSTER_COLUMNS}
REQUIRED_COLUMNS = ("id", "name", "rank", "category")   # 必填 in the template's hints
NOT_READ = {"序号", "序"}       # a row counter: not worth a word in the summary
MAX_RANK_WORD = 16              # what the 职级 column holds
TOTAL_START = re.compile(r"^(合计|总计|共计|小计|总人数)")
TOTAL_COUNT = re.compile(r"^(?:合计|总计|共计)?[:：]?共?(\d+)人$")


def _count_check(text: str, people: int) -> str:
    """The people a 合计 row counts, checked against the people read."""
    m = re.search(r"(\d+)人", text)
    if not m:
        return ""
    n = int(m.group(1))
    return f"（与读到的 {people} 人一致）" if n == people else f"（表中写 {n} 人，读到 {people} 人，请核对）"
STORED_APPRAISALS = sum(1 for c in Person.__table__.c if c.name.startswith("appraisal_"))   # 考核 the store keeps
_MAX_LENGTH = {c.key: Person.__table__.c[c.key].type.length for c in ROSTER_COLUMNS
               if c.kind in ("id", "name", "text", "choice", "list")}   # what the database column holds
# Other ways offices write a choice: the template's word is stored.
SYNONYMS = {"speciality": {"其它": "其它类", "其他": "其它类", "其他类": "其它类", "经济": "经济类", "法律": "法律类"},
            "post_kind": {"其他": "其它"}, "duties": {"组织人事": "组织、人事", "财务审计": "财务、审计"}}


def _convert(raw: Any, spec: RosterColumn, scheme: Scheme, number_format: str) -> Any:
    if spec.kind == "score":
        return _score(raw, scheme.input_decimals)
    if spec.kind == "date":
        return _date(raw, number_format)
    if spec.kind == "flag":
        return _flag(raw)
    if spec.kind == "count":
        return _count(raw, spec)
    if isinstance(raw, bool | date | time | timedelta):   # a shifted column: never a name or a 职级
        what = "逻辑值（TRUE/FALSE）" if isinstance(raw, bool) else "日期或时间"
        raise RosterError(f"{spec.header}不能是{what} “{raw}”（这一列是否错位了？）")
    text = _text(raw)
    if spec.kind in ("id", "name"):
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text) if spec.kind == "id" else text)
        if not text:
            raise RosterError(f"{spec.header}为空")
    if spec.kind == "list":
        return _list(text, spec)
    if spec.kind == "choice":
        text = re.sub(r"\s+", "", text)
        text = SYNONYMS.get(spec.key, {}).get(text, text)
        if not text and spec.key in ("rank", "category"):
            raise RosterError(f"{spec.header}为空（应为 {'、'.join(spec.choices)} 之一）")
        if text and text not in spec.choices:
            raise RosterError(f"{quote(text)} 不是 {'、'.join(spec.choices)} 之一")
    if len(text) > _MAX_LENGTH[spec.key]:
        raise RosterError(f"{spec.header}过长（{len(text)} 个字符，最多 {_MAX_LENGTH[spec.key]} 个）")
    return text if spec.kind in ("id", "name") else text or None


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():   # 编号 1001 typed as a number
        return str(int(raw))
    return str(raw).strip()


def _score(raw: Any, decimals: int) -> Decimal | None:
    if _blank(raw):
        return None
    if type(raw) is int and 0 <= raw <= 100:   # the common case, said at once
        return Decimal(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ScoreError(f"“{raw}” 不是分数")
    if isinstance(raw, float):
        raw = Decimal(format(raw, ".10g"))   # exact from here on; parse_score checks the decimals
    return parse_score(raw, decimals=decimals)


def _date(raw: Any, number_format: str) -> str | None:
    if _blank(raw):
        return None
    if isinstance(raw, datetime | date):
        shown = re.sub(r'"[^"]*"|\[[^]]*]', "", number_format.lower())
        if "y" in shown and "m" in shown and "d" not in shown:   # a date cell shown as yyyy.mm: month precision
            return f"{raw.year:04d}-{raw.month:02d}"
        return parse_partial_date(raw)
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise RosterError(f"“{raw}” 不是日期（可写 {DATE_FORMS}）")
    if isinstance(raw, int):
        return parse_partial_date(str(raw))
    if isinstance(raw, float):
        text = format(raw, ".10g")
        whole, _, frac = text.partition(".")
        if not frac:
            return parse_partial_date(whole)
        if "e" in text or len(frac) > 2:
            raise RosterError(f"数字 {text} 不能确定是哪年哪月（请写 1985.03 或 1985-03-01，最好把单元格设为文本）")
        month = int(frac) * (10 if len(frac) == 1 else 1)   # 1985.1 was typed 1985.10
        if not 1 <= month <= 12:
            raise RosterError(f"数字 {text} 按“年.月”读作 {whole}年{month}月，不是日期"
                              f"（{whole}年{int(frac)}月请写 {whole}.{int(frac):02d}，最好把单元格设为文本）")
        return parse_partial_date(f"{whole}-{month:02d}")
    return parse_partial_date(raw)


def _count(raw: Any, spec: RosterColumn) -> int | None:
    """A small whole number (任职单位数): 1–99; 2 typed as 2.0 is 2."""
    if _blank(raw):
        return None
    text = _text(raw) if not isinstance(raw, bool) else "?"
    text = unicodedata.normalize("NFKC", text).removesuffix("个")
    if not text.isdigit() or not 1 <= int(text) <= 99:
        raise RosterError(f"{spec.header}应为 1 至 99 的整数（含本单位），不是 {quote(str(raw))}")
    return int(text)


def _list(text: str, spec: RosterColumn) -> str | None:
    """Several of the column's values, 、-separated, stored in the template's order."""
    synonyms = SYNONYMS.get(spec.key, {})
    parts = [x for part in split_list(text) for x in split_list(synonyms.get(part, part))]
    if bad := [x for x in parts if x not in spec.choices]:
        raise RosterError(f"{quote('、'.join(bad))} 不是 {'、'.join(spec.choices)} 之一（几项用“、”隔开）")
    return join_list(parts, spec.choices)


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(raw))).upper()
    if text in YES:
        return True
    if not text or text in NO:
        return False
    raise RosterError(f"{quote(text)} 应为 是/否（或 √、留空）")
