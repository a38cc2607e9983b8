"""人员名单 Excel import (文件 → 导入人员名单, :func:`app.services.excel.import_roster_xlsx`) on bad workbooks:
the program's own StoreError with a Chinese message naming sheet, row and column — never another exception
— and the store exactly as before (every row of every table, the audit log included), still verifying."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from app.core.roster import RosterPerson
from app.services.excel import import_roster_xlsx
from app.services.roster_excel import ROSTER_COLUMNS, write_roster_template
from app.services.scheme import set_scheme
from app.services.store import Store, StoreError
from tests.fuzz.hostile import CJK, db_snapshot, fuzz_settings, time_limit

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")   # openpyxl on the damaged parts it skips
D = Decimal
PEOPLE = [
    RosterPerson("1001", "张明", rank="正科实职", category="原任科长", gender="男", birth="1975-03",
                 work_start="1995-07-01", post_start="2012-10", political="中共党员", education="本科", identity="行政",
                 unit="市局机关", former_office="办公室", appraisal=(D("95"), D("92.5"), D("96")), exam=D("82.5"),
                 democratic={"de": D("90"), "neng": D("85"), "qin": D("88"), "ji": D("86.5"), "lian": D("92")}),
    RosterPerson("1002", "李华", rank="科员", category="行政一般", birth="1988-10", no_rotation=True),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A campaign that already holds a roster, so that "unchanged" means something."""
    folder = tmp_path_factory.mktemp("roster")
    s = Store.create(folder / "campaign.db", title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                     operator="王敏")
    write_roster_template(folder / "good.xlsx", PEOPLE)
    import_roster_xlsx(s, folder / "good.xlsx")
    yield s
    s.close()


def attempt(store: Store, path: Path) -> str | None:
    """Import ``path``; the refusal's message (checked), or None when it was imported."""
    before = db_snapshot(store.location)
    try:
        with time_limit(30):
            import_roster_xlsx(store, path)
    except StoreError as err:
        message = str(err)
        assert CJK.search(message) and "Traceback" not in message, message
        assert db_snapshot(store.location) == before, "a refused import changed the store"
        assert store.verify().ok
        return message
    assert store.verify().ok
    return None


def attempt_bytes(store: Store, folder: Path, content: bytes) -> str | None:
    path = folder / "名单.xlsx"
    path.write_bytes(content)
    return attempt(store, path)


def workbook_bytes(build) -> bytes:
    wb = Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def good_bytes() -> bytes:
    out = io.BytesIO()
    write_roster_template(out, PEOPLE)
    return out.getvalue()


GOOD = good_bytes()
MEMBERS = zipfile.ZipFile(io.BytesIO(GOOD)).namelist()


def with_member(name: str, data: bytes | None, content: bytes = GOOD) -> bytes:
    """The workbook with one part replaced (or removed when ``data`` is None)."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != name:
                z.writestr(info, src.read(info))
            elif data is not None:
                z.writestr(info, data)
    return out.getvalue()


def edited(content: bytes, name: str, old: bytes, new: bytes) -> bytes:
    """The workbook with ``old`` replaced by ``new`` in one part's XML (what openpyxl never writes)."""
    text = zipfile.ZipFile(io.BytesIO(content)).read(name)
    assert old in text
    return with_member(name, text.replace(old, new), content)


def sheet(rows, merges=(), build=None):
    """A one-sheet workbook: ``rows`` appended, ``merges`` merged, ``build(ws)`` for anything else."""
    def make(wb):
        ws = wb.active
        ws.title = "人员名单"
        for row in rows:
            ws.append(row)
        for rng in merges:
            ws.merge_cells(rng)
        if build:
            build(ws)
    return workbook_bytes(make)


HEADER = ["编号", "姓名", "职级", "类别", "出生时间", "考试", "德", "能", "勤", "绩", "廉"]
ROW = ["2001", "王芳", "科员", "行政一般", "1990-01", 80, 90, 85, 88, 86, 92]


def rows_with(**cells):
    row = list(ROW)
    for header, value in cells.items():
        row[HEADER.index(header)] = value
    return [HEADER, row]


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("名单.txt", "张三 1001")
    return out.getvalue()


def every_cell_merged(ws):
    for r in range(1, 12, 2):
        for c in range(1, 12, 2):
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c + 1)


# name → (file content, a phrase the refusal must contain)
CASES: dict[str, tuple[bytes | Callable[[], bytes], str | None]] = {   # (made when needed)
    "empty file": (b"", "不是 .xlsx"),
    "not a zip (a CSV)": ("姓名,编号\n张三,1001\n".encode("gbk"), "不是 .xlsx"),
    "a zip that is not a workbook": (plain_zip(), "不是 .xlsx"),
    "truncated to half": (GOOD[: len(GOOD) // 2], "不是 .xlsx"),
    "truncated by one byte": (GOOD[:-1], "无法读取"),
    "an .xls renamed": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "不是 .xlsx"),
    "a password-protected workbook": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200
                                      + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 800, "不是 .xlsx"),
    "only a chart sheet": (workbook_bytes(lambda wb: (wb.remove(wb.active), wb.create_chartsheet())), "无法读取"),
    "an empty sheet": (sheet([]), "找不到表头"),
    "only the help sheet": (with_member("xl/worksheets/sheet1.xml", None), "找不到表头"),
    "header only": (sheet([HEADER]), "没有人员"),
    "no header": (sheet([ROW, ROW]), "找不到表头"),
    "header without 编号": (sheet([HEADER[1:], ROW[1:]]), "缺少“编号”列"),
    "header below row ten": (sheet([[None]] * 12 + [HEADER, ROW]), "找不到表头"),
    "two 姓名 columns": (sheet([HEADER + ["姓名"], ROW + ["王芳"]]), "只能有一列"),
    "four of the five 民主测评 columns": (sheet([HEADER[:-1], ROW[:-1]]), "缺少“廉”列"),
    "every cell merged": (sheet([HEADER, ROW, ROW], build=every_cell_merged), "人员名单"),
    "a merge over whole columns": (edited(sheet(rows_with(), merges=["L1:M2"]), "xl/worksheets/sheet1.xml",
                                          b'ref="L1:M2"', b'ref="L1:M1048576"'), "合并单元格过大（如 L1:M1048576）"),
    "many merges adding up": (lambda: edited(sheet(rows_with(), merges=["L1:M2"]), "xl/worksheets/sheet1.xml",
                                             b'<mergeCell ref="L1:M2" />',
                                             b"".join(b'<mergeCell ref="%s3:%s9000"/>' % (c, c) for c in
                                                      (b"N", b"O", b"P", b"Q", b"R", b"S", b"T", b"U", b"V", b"W",
                                                       b"X", b"Y", b"Z"))), "合并单元格过大"),
    "a decompression bomb": (lambda: with_member("docProps/app.xml", b" " * (65 * 2**20)), "解压后有 65 MB"),
    "formulas without cached values": (sheet(rows_with(编号="=1000+1", 姓名='="王"&"芳"', 考试="=80+5")), "编号为空"),
    "error cells": (sheet(rows_with(编号="#N/A", 考试="#DIV/0!", 德="#VALUE!")), "A列（编号）：单元格是 Excel 错误值 #N/A"),
    "dates of every type": (sheet([HEADER] + [rows_with(编号=str(3000 + i), 出生时间=v)[1] for i, v in enumerate(
        [datetime(1985, 3, 1, 8, 30), date(1985, 3, 1), time(8, 30), timedelta(days=3), 19850301, 198503, 1985.1,
         1985.13, 1985.123, "1985-02-30", "1985年13月", "85.3", "1899-12-31", "2101-01", "٣٣٣٣-01"])]),
        "第5行 E列（出生时间）"),
    "a date where a name belongs": (sheet(rows_with(姓名=datetime(2020, 1, 1))), "B列（姓名）：姓名不能是日期或时间 “2020-01-01 00:00:00”"),
    "a bool where a 职级 belongs": (sheet(rows_with(职级=True)), "C列（职级）：职级不能是逻辑值（TRUE/FALSE） “True”"),
    "huge numbers": (sheet(rows_with(编号=10**30, 考试=1e300, 德=10**20)), "F列（考试）"),
    "infinite number": (edited(sheet(rows_with(考试=80)), "xl/worksheets/sheet1.xml", b"<v>80</v>", b"<v>1e999</v>"),
                        "F列（考试）：“Infinity” 不是数字"),
    "NaN number": (edited(sheet(rows_with(考试=80)), "xl/worksheets/sheet1.xml", b"<v>80</v>", b"<v>NaN</v>"),
                   "无法读取"),
    "very long name": (sheet(rows_with(姓名="名" * 5000)), "B列（姓名）：姓名过长（5000 个字符，最多 64 个）"),
    "very long 职级": (sheet(rows_with(职级="科" * 5000)), "C列（职级）：“科科科"),
    "10,000 empty rows, then a person": (lambda: sheet([HEADER] + [[None]] * 10_000 + [ROW]), None),
    "10,000 rows of spaces": (lambda: sheet([HEADER, ROW] + [[" "]] * 10_000), None),
    "a stray cell at XFD1048576": (lambda: sheet(rows_with(), build=lambda ws: ws.cell(1048576, 16384, "x")),
                                   "第1048576行 A列（编号）：编号为空"),
    "wrong types in every column": (sheet([HEADER, [True, 3.5, 7, datetime(2020, 1, 1), "abc", "八十", "九十", True,
                                                    time(1, 2), -1, 100.5]]), "第2行"),
    "four years of 考核": (sheet([HEADER + ["考核1", "考核2", "考核3", "考核4"], ROW + [90] * 4]),
                          "考核列有 4 列，方案只取近 3 年"),
    "duplicate ids": (sheet([HEADER, ROW, ROW]), "第3行 A列（编号）：编号“2001”与第2行重复"),
    "ids equal after 全角 folding": (sheet([HEADER, ROW, rows_with(编号="２００１")[1]]), "与第2行重复"),
}
CASES.update({f"part {m} removed": (with_member(m, None), None) for m in MEMBERS})
CASES.update({f"part {m} not XML": (with_member(m, b"<<<\x00 not xml"), None) for m in MEMBERS})
CASES.update({f"part {m} empty": (with_member(m, b""), None) for m in MEMBERS})


@pytest.mark.parametrize("name", list(CASES))
def test_hand_made_bad_workbook_is_refused_and_stores_nothing(store, tmp_path, name):
    content, phrase = CASES[name]
    message = attempt_bytes(store, tmp_path, content() if callable(content) else content)
    if phrase is not None:
        assert message is not None and phrase in message, message


def test_a_valid_workbook_still_imports(store, tmp_path):
    assert attempt_bytes(store, tmp_path, sheet(rows_with())) is None


def test_more_years_of_考核_than_the_store_keeps(tmp_path):
    store = Store.create(tmp_path / "five.db", title="五年考核", unit="某某局", supervisor_password="jd2026",
                         operator="王敏")
    try:
        set_scheme(store, {"appraisal_years": 5})
        message = attempt_bytes(store, tmp_path, sheet([HEADER + ["考核1", "考核2", "考核3", "考核4"], ROW + [90] * 4]))
        assert "人员名单只能保存 3 年的考核分，王芳（2001）等 1 人有 4 年" in message
    finally:
        store.close()


def test_missing_file_and_directory(store, tmp_path):
    assert "找不到文件" in attempt(store, tmp_path / "nope.xlsx")
    assert "文件夹" in attempt(store, tmp_path)


# -- random workbooks ------------------------------------------------------------------------------------

KNOWN_HEADERS = sorted({a for c in ROSTER_COLUMNS for a in c.aliases} | {c.header for c in ROSTER_COLUMNS}
                       | {"2023年考核", "考核等次", "近三年考核", "序号", "备注", "姓  名", "（编号）", "*姓名"})
CELL_TABLE = ["#DIV/0!", "#N/A", "#REF!", "=1/0", "=A1+B1", "=SUM(A:A)", "科员", "正科实职", "原任科长", "行政一般",
              "事业人员", "男", "女", "是", "否", "√", "×", "1985.03", "1985-13-01", "1985年3月", "198503", "19850230",
              "", " ", "\u3000", "\u3000张\u3000明\u3000", "x" * 5000, "名" * 200, "1001", "0012", "１００１", "85.5",
              "85.55", "101", "-1", "NaN", "inf", "1e5", "注：以下空白", "合计", "一、行政人员", "填表人：刘七", "行政"]


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


CELLS = st.one_of(
    st.none(), st.none(), st.sampled_from(CELL_TABLE), st.sampled_from(CELL_TABLE), st.sampled_from(KNOWN_HEADERS),
    st.integers(-10**20, 10**20), st.integers(0, 120), st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-1000, max_value=1000, places=2), st.booleans(), st.text(max_size=12).map(_clean),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 12, 31)),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 12, 31)), st.times(),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9999)),
)


@st.composite
def random_sheets(draw: st.DrawFn) -> bytes:
    """Title rows, a header of known and unknown names, rows of plausible and hostile cells, random merges."""
    width = draw(st.integers(1, 14))
    header = draw(st.lists(st.sampled_from(KNOWN_HEADERS) | CELLS, min_size=width, max_size=width))
    if draw(st.booleans()):   # the usual core so that rows are read, not just the header looked for
        header[:2] = ["编号", "姓名"]
    titles = draw(st.lists(st.lists(CELLS, max_size=3), max_size=3))
    body = []
    for n in range(draw(st.integers(0, 6))):
        row = [str(3000 + n), "王芳", "科员", "行政一般"] + [None] * width
        row = row[:width]
        for i in draw(st.lists(st.integers(0, width - 1), max_size=width)):
            row[i] = draw(CELLS)
        body.append(row)
    rows = titles + [header] + body
    height = len(rows)
    merges = []
    for _ in range(draw(st.integers(0, 4))):
        r1, c1 = draw(st.integers(1, height)), draw(st.integers(1, width))
        r2, c2 = draw(st.integers(r1, height + 2)), draw(st.integers(c1, width + 2))
        if (r1, c1) != (r2, c2):
            merges.append(f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}")
    far = draw(st.sampled_from([None, None, None, (1000, 3), (1048576, 1), (5, 16384)]))

    def build(ws):
        for rng in merges:
            try:
                ws.merge_cells(rng)
            except ValueError:   # overlapping merges: openpyxl refuses to write them
                pass
        if far:
            ws.cell(*far, draw(CELLS))
    return sheet(rows, build=build)


@fuzz_settings(120)
@given(content=random_sheets())
def test_random_sheet_is_imported_or_refused_cleanly(store, tmp_path, content):
    attempt_bytes(store, tmp_path, content)


@st.composite
def damaged_workbooks(draw: st.DrawFn) -> bytes:
    """The good workbook cut short, with bytes flipped, or with one part damaged inside a sound zip."""
    how = draw(st.sampled_from(["cut", "flip", "part", "part", "part"]))
    if how == "cut":
        return GOOD[: draw(st.integers(0, len(GOOD) - 1))]
    if how == "flip":
        data = bytearray(GOOD)
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(data)
    name = draw(st.sampled_from(MEMBERS))
    text = zipfile.ZipFile(io.BytesIO(GOOD)).read(name)
    at = draw(st.integers(0, len(text)))
    change = draw(st.sampled_from(["cut", "insert", "remove", "swap", "random"]))
    if change == "cut":
        text = text[:at]
    elif change == "insert":
        text = text[:at] + draw(st.sampled_from([b"<", b">", b'"', b"&", b"<x>", b"</row>", b"\xff", b'r="A0"',
                                                  b't="e"', b"<v>abc</v>", b"<v>1e999</v>", b"<v>" + b"9" * 5000 + b"</v>",
                                                  b'ref="A1:XFD1048576"', b"<mergeCell ref=\"A1:B2\"/>"])) + text[at:]
    elif change == "remove":
        text = text[:at] + text[at + draw(st.integers(1, 50)):]
    elif change == "swap":
        text = re.sub(rb'(t|s|r|ref)="[^"]*"', lambda m: m.group(1) + b'="' + draw(st.sampled_from(
            [b"e", b"s", b"n", b"b", b"str", b"inlineStr", b"0", b"999999", b"-1", b"A0", b"ZZZZ1", b"A1:A0"])) + b'"',
                      text, count=draw(st.integers(1, 3)))
    else:
        text = draw(st.binary(max_size=200))
    return with_member(name, text)


@fuzz_settings(150)
@given(content=damaged_workbooks())
def test_damaged_workbook_is_imported_or_refused_cleanly(store, tmp_path, content):
    attempt_bytes(store, tmp_path, content)
