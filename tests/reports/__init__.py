"""Helpers for the report tests: the text of each page of a PDF, and which fonts it embeds."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """The extracted text of every page (through each font's ToUnicode map: a missing glyph is lost)."""
    return [page.extract_text() or "" for page in reader(pdf).pages]


def squeeze(text: str) -> str:
    """Text without whitespace, so a name or number wrapped across lines still matches."""
    return re.sub(r"\s+", "", text)


def missing(pdf: bytes, expected) -> list[str]:
    """Every expected string not found in the document's text."""
    text = squeeze("".join(page_texts(pdf)))
    return [str(x) for x in expected if squeeze(str(x)) not in text]


def font_problems(pdf: bytes) -> list[str]:
    """Every font on any page that is not embedded as a TrueType program (/FontFile2)."""
    problems = []
    for number, page in enumerate(reader(pdf).pages, start=1):
        fonts = page["/Resources"].get_object().get("/Font")
        if fonts is None:
            continue
        for name, ref in fonts.get_object().items():
            font = ref.get_object()
            targets = [font]
            if font.get("/Subtype") == "/Type0":
                targets = [f.get_object() for f in font["/DescendantFonts"]]
            for f in targets:
                descriptor = f.get("/FontDescriptor")
                if descriptor is None or "/FontFile2" not in descriptor.get_object():
                    problems.append(f"page {number} {name} {f.get('/BaseFont')}: not embedded")
    return problems


def is_landscape(pdf: bytes, page: int = 0) -> bool:
    box = reader(pdf).pages[page].mediabox
    return float(box.width) > float(box.height)
