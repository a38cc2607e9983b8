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
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from app import files
from app.core.campaign import quote
from app.core.numbers import ScoreError, parse_score
from app.core.roster import CATEGORIES, IDENTITIES, RosterError, RosterPerson, parse_partial_date
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
    kind: str                   # id, name, text, choice, date, flag, score
    hint: str
    width: int = 10
    choices: tuple[str, ...] = ()


def _col(key: str, header: str, aliases: str, kind: str, hint: str, width: int = 10,
         choices: tuple[str, ...] = ()) -> RosterColumn:
    return RosterColumn(key, header, tuple(aliases.split()), kind, hint, width, choices)


_MONTH_OK = "可只写到月"
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
            out.append("是" if person.no_rotation else "否")
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
        if col.kind in ("choice", "flag"):
            choices = col.choices or ("是", "否")
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=f"{col.header}填写有误",
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
    page_frame(ws, "", TITLE, "", False)
    for c, col in enumerate(cols, start=1):
        dim = ws.column_dimensions[get_column_letter(c)]
        dim.width = max(dim.width or 0, col.width)
    _help_sheet(wb.create_sheet(HELP_SHEET), cols)
    files.write_with(path, wb.save)      # a temporary name, fsync, rename: never half a workbook


_NOTES = (
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


def read_roster(path: str | Path, scheme: Scheme = Scheme()) -> list[RosterPerson]:
    """Read the first sheet with a recognisable header; all or nothing (raises RosterImportError)."""
    name = Path(path).name
    if Path(path).is_dir():
        raise RosterImportError([ImportProblem(name, 0, "", "是文件夹，不是 Excel 文件")])
    if reason := _too_big(path):
        raise RosterImportError([ImportProblem(name, 0, "", reason)])
    try:
        wb = load_workbook(path, data_only=True)
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
    for ws in wb.worksheets:
        if ws.title.strip() != HELP_SHEET and (reader := _SheetReader(ws, scheme)).find_header():
            return reader.read()
    sheet = wb.worksheets[0].title if wb.worksheets else name
    raise RosterImportError([ImportProblem(sheet, 0, "", f"找不到表头：前 {HEADER_SEARCH_ROWS} 行"
                                           "中没有含“姓名”“编号”等列名的一行")])


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

    def __init__(self, ws: Any, scheme: Scheme):
        self.ws, self.scheme = ws, scheme
        # Only the cells that hold something are visited: a stray entry in row 60000 or column XFD
        # (or a merge over whole columns) must not make the reader walk millions of empty cells.
        self.filled: dict[int, list[int]] = {}
        for (r, c), cell in sorted(ws._cells.items()):
            if not _blank(cell.value):
                self.filled.setdefault(r, []).append(c)
        self.max_row = max(self.filled, default=0)
        self.max_col = max((cols[-1] for cols in self.filled.values()), default=0)
        self.span: dict[tuple[int, int], Any] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, min(rng.max_row, self.max_row) + 1):
                for c in range(rng.min_col, min(rng.max_col, self.max_col) + 1):
                    self.span[(r, c)] = rng
        self.columns: list[_Column] = []
        self.appraisal: list[_Column] = []
        self.header_row = self.data_row = 0
        self.problems: list[tuple[int, int, ImportProblem]] = []

    def cell(self, r: int, c: int) -> Any:
        rng = self.span.get((r, c))
        return self.ws.cell(rng.min_row, rng.min_col) if rng else self.ws.cell(r, c)

    def value(self, r: int, c: int) -> Any:
        return self.cell(r, c).value

    def problem(self, row: int, column: _Column | None, message: str) -> None:
        label = column.label if column else ""
        self.problems.append((row, column.col if column else 0, ImportProblem(self.ws.title, row, label, message)))

    # -- the header -------------------------------------------------------------------------

    def _columns_at(self, r: int) -> tuple[list[_Column], set[int]]:
        """The known columns if row ``r`` is the header. A header merged across columns with
        sub-headers below it (近三年考核 → 2021年 2022年 …) makes a two-level header."""
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
            self.columns, split = self._columns_at(best)
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
        for key, what in (("id", "编号"), ("name", "姓名")):
            if key not in single:
                self.problem(self.header_row, None, f"缺少“{what}”列")
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
            value.strip().startswith(("注", "说明", "填表", "制表", "审核", "备注", "合计"))

    def read(self) -> list[RosterPerson]:
        single = self._check_header()
        rows = sum(1 for r in self.filled if r >= self.data_row)
        if rows > MAX_PEOPLE:       # say so once, not once per row
            raise RosterImportError([ImportProblem(self.ws.title, 0, "", f"共 {rows} 行人员，超过上限 {MAX_PEOPLE} 人"
                                                   "（请检查是否选错了文件或删去多余的行）")])
        people: list[RosterPerson] = []
        rows_of: dict[str, list[int]] = {}
        for r in sorted(self.filled):
            if r < self.data_row or self._skip(r):
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
            raise RosterImportError([p for *_, p in sorted(self.problems, key=lambda t: t[:2])])
        return people

    def _value(self, r: int, col: _Column, spec: RosterColumn) -> Any:
        """The cell read as the column's kind; a problem is recorded and None returned when it cannot be."""
        cell = self.cell(r, col.col)
        if cell.data_type == "e":   # #DIV/0!, #N/A, #REF! …: a broken formula, never a value
            self.problem(r, col, f"单元格是 Excel 错误值 {cell.value}（请改正公式或直接填写）")
            return None
        try:
            return _convert(cell.value, spec, self.scheme, cell.number_format or "")
        except (RosterError, ScoreError) as err:
            self.problem(r, col, str(err))
            return None


_BY_KEY = {c.key: c for c in ROSTER_COLUMNS}
STORED_APPRAISALS = sum(1 for c in Person.__table__.c if c.name.startswith("appraisal_"))   # 考核 the store keeps
_MAX_LENGTH = {c.key: Person.__table__.c[c.key].type.length for c in ROSTER_COLUMNS
               if c.kind in ("id", "name", "text", "choice")}   # what the database column holds


def _convert(raw: Any, spec: RosterColumn, scheme: Scheme, number_format: str) -> Any:
    if spec.kind == "score":
        return _score(raw, scheme.input_decimals)
    if spec.kind == "date":
        return _date(raw, number_format)
    if spec.kind == "flag":
        return _flag(raw)
    if isinstance(raw, bool | date | time | timedelta):   # a shifted column: never a name or a 职级
        what = "逻辑值（TRUE/FALSE）" if isinstance(raw, bool) else "日期或时间"
        raise RosterError(f"{spec.header}不能是{what} “{raw}”（这一列是否错位了？）")
    text = _text(raw)
    if spec.kind in ("id", "name"):
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text) if spec.kind == "id" else text)
        if not text:
            raise RosterError(f"{spec.header}为空")
    if spec.kind == "choice":
        text = re.sub(r"\s+", "", text)
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


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", _text(raw))).upper()
    if text in YES:
        return True
    if not text or text in NO:
        return False
    raise RosterError(f"{quote(text)} 应为 是/否（或 √、留空）")
