"""Every printed character comes from a font that has it, or the sheet is refused naming the person.

赵䶮 (U+4DAE, 扩展A) and 梁𬱖 (U+2CC56, 扩展E) are in the 通用规范汉字表 and not in the shipped
WenQuanYi Micro Hei: they print in the second shipped font (LXGW WenKai), embedded, and come back
out of the PDF's text. 𪚥 (U+2A6A5) is in no shipped font: the sheet is refused with the person's
name and the field, never printed without it."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal as D

import pytest

from app.reports import data as d, fonts, render
from app.reports.fonts import MissingGlyphsError
from tests.reports import font_problems, missing, page_texts, squeeze
from tests.reports.test_sheets import SAMPLES, composite, header


def with_names(*names: str) -> d.CompositeSheet:
    base = composite(3)
    rows = tuple(replace(r, name=n, person_id=f"20{i:02d}") for i, (r, n) in enumerate(zip(base.rows, names)))
    return replace(base, rows=rows)


def test_names_beyond_the_shipped_font_print_with_every_character():
    pdf = render("综合考评结果", with_names("赵䶮", "梁𬱖", "王薇健"))
    assert missing(pdf, ["赵䶮", "梁𬱖", "王薇健"]) == []          # through each font's ToUnicode map
    assert font_problems(pdf) == []                                # every font embedded as TrueType


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_lists_the_fallback_font_embedded(tmp_path):
    out = tmp_path / "names.pdf"
    render("综合考评结果", with_names("赵䶮", "梁𬱖", "李华"), out)
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    lines = [line for line in listing.splitlines() if "LXGWWenKai" in line]
    assert lines and all(" yes yes yes " in f" {' '.join(line.split())} " for line in lines)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "赵䶮" in squeeze(text) and "梁𬱖" in squeeze(text)


def test_the_chain_picks_the_first_font_with_the_glyph():
    chain = fonts.font_set().chain("table")
    runs = chain.runs("赵䶮梁𬱖")
    assert [piece for _, piece in runs] == ["赵", "䶮", "梁", "𬱖"]
    assert runs[0][0] == chain.primary and runs[1][0] != chain.primary
    assert chain.missing("赵䶮梁𬱖") == ""
    assert chain.missing("𪚥") == "𪚥"


def test_a_character_in_no_font_is_refused_naming_the_person_and_the_field():
    data = with_names("张明", "𪚥华", "王芳")
    with pytest.raises(MissingGlyphsError) as err:
        render("综合考评结果", data)
    message = str(err.value)
    assert "𪚥华（编号 2001）" in message and "姓名" in message and "缺“𪚥”" in message
    assert "张明" not in message


def test_a_post_name_in_no_font_is_refused_with_the_field():
    base = composite(1)
    data = replace(base, rows=(replace(base.rows[0], post="𪚥科科长"),))
    with pytest.raises(MissingGlyphsError, match="张明（编号 1001）：岗位“𪚥科科长”缺“𪚥”"):
        render("综合考评结果", data)


def test_every_sheet_and_form_refuses_rather_than_drops(monkeypatch):
    for title, make in SAMPLES.items():
        data = make()
        bad = replace(data, header=replace(data.header, unit="𪚥局"))
        with pytest.raises(MissingGlyphsError, match="单位“𪚥局”"):
            render(title, bad)


def test_the_header_and_the_running_lines_use_the_chain_too():
    h = header("综合考评结果", unit="䶮城县某某局")
    data = replace(composite(1), header=h)
    texts = page_texts(render("综合考评结果", data))
    assert "䶮城县某某局" in squeeze(texts[0])
