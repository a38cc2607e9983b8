"""The fonts of the printed sheets: TrueType, embedded as subsets, covering Chinese *and* digits.

Official documents set the title in 黑体 (or 小标宋) and the body in 宋体 / 仿宋. Three roles:
``title`` (黑体 style), ``body`` (宋体 style: the tables) and ``text`` (仿宋 style: notes, header
and footer lines). Each role is filled by the first font that loads *and* has every glyph of
:data:`SAMPLE` (so a font without digits is never chosen):

1. a font set in the program (:func:`configure`, the ``--font`` option, or the environment
   variable ``JINGGANG_REPORT_FONT``) — all three roles;
2. on Windows the system's 黑体 / 宋体 / 仿宋 (``simhei.ttf``, ``simsun.ttc``, ``simfang.ttf``);
3. the font shipped in ``resources/fonts`` (WenQuanYi Micro Hei, subfont 0) — all three roles.

ReportLab's ``TTFont`` embeds only the glyphs used (a TrueType subset, ``/FontFile2``), so a PDF
prints the same on any printer. There is no bold face: a title is never "bolded" by faking.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..resources import CJK_FONT_SUBFONT_INDEX, cjk_font_path

ENV_VAR = "JINGGANG_REPORT_FONT"
SAMPLE = "0123456789.-—%：（）第页共计分人复核监督日期综合考评结果竞岗演讲草稿未公布摘要审计日志条"
"""Characters every chosen font must have itself (a missing digit would print as a box)."""

WINDOWS_FONTS = {
    "title": (("simhei.ttf", 0),),
    "body": (("simsun.ttc", 0),),
    "text": (("simfang.ttf", 0), ("simsun.ttc", 0)),
}
ROLES = ("title", "body", "text")


class FontError(RuntimeError):
    """No usable font (a broken installation: even the shipped font is missing)."""


@dataclass(frozen=True)
class FontSet:
    """ReportLab font names per role, and where each came from (printed nowhere, logged by tests)."""

    title: str
    body: str
    text: str
    sources: tuple[str, ...]


_configured: Path | None = None
_cache: dict[tuple, FontSet] = {}
_loaded: dict[tuple[str, int], str | None] = {}


def configure(path: str | Path | None) -> None:
    """Set (or with ``None`` clear) the font chosen in the program; it wins over every other."""
    global _configured
    _configured = Path(path) if path else None


def configured_font() -> Path | None:
    if _configured is not None:
        return _configured
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env) if env else None


def windows_fonts_dir() -> Path | None:
    if sys.platform != "win32":
        return None
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


def missing_glyphs(font_name: str, text: str) -> str:
    """The characters of ``text`` (spaces aside) that the registered font has no glyph for."""
    face = pdfmetrics.getFont(font_name).face
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph))


def _load(path: Path, index: int) -> str | None:
    """Register one font file under a stable name; None when it cannot be read or lacks glyphs."""
    key = (str(path), index)
    if key in _loaded:
        return _loaded[key]
    name = None
    if path.is_file():
        name = "JG-" + hashlib.sha1(f"{path}|{index}".encode("utf-8")).hexdigest()[:10]
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
            if missing_glyphs(name, SAMPLE):
                name = None
        except Exception:  # a damaged or unsupported font file: try the next one
            name = None
    _loaded[key] = name
    return name


def _candidates(role: str) -> list[tuple[Path, int]]:
    out: list[tuple[Path, int]] = []
    configured = configured_font()
    if configured is not None:
        out.append((configured, 0))
    windows = windows_fonts_dir()
    if windows is not None:
        out += [(windows / file, index) for file, index in WINDOWS_FONTS[role]]
    out.append((cjk_font_path(), CJK_FONT_SUBFONT_INDEX))
    return out


def font_set() -> FontSet:
    """The fonts for the sheets, registered with ReportLab (once per configuration)."""
    key = (configured_font(), windows_fonts_dir())
    if key in _cache:
        return _cache[key]
    names: dict[str, str] = {}
    sources: list[str] = []
    for role in ROLES:
        for path, index in _candidates(role):
            name = _load(path, index)
            if name:
                names[role] = name
                sources.append(f"{role}: {path}" + (f" #{index}" if index else ""))
                break
        else:
            raise FontError(f"找不到可用的中文字体（已尝试：{'、'.join(str(p) for p, _ in _candidates(role))}）")
    result = FontSet(names["title"], names["body"], names["text"], tuple(sources))
    _cache[key] = result
    return result
