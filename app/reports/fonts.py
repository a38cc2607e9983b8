"""The fonts of the printed sheets: TrueType, embedded as subsets, and a fallback chain per role.

Three roles, as official documents set them (GB/T 9704-2012): ``title`` (小标宋, else 黑体),
``body`` (仿宋: the opening sentence, notes, 落款, running header and footer) and ``table``
(宋体: the tables). Each role's *primary* font is the first that loads and has every glyph of
:data:`SAMPLE` (so a font without digits is never chosen):

1. a font set for that role (:func:`configure` with ``role=``, ``--font-title`` …, or the variable
   ``JINGGANG_REPORT_FONT_TITLE`` / ``_BODY`` / ``_TABLE``), then one set for all roles (``--font``,
   ``JINGGANG_REPORT_FONT``) — the user's own fonts;
2. on Windows the system's (or the user's installed) 方正小标宋 / 黑体, 仿宋, 宋体;
3. the shipped WenQuanYi Micro Hei (``resources/fonts``, subfont 0).

Behind the primary font stand, in order, every other font found above and the shipped LXGW WenKai
(TrueType outlines for the whole 通用规范汉字表, 䶮 and 𬱖 included): a character the primary font
lacks is printed in the first font of the chain that has it (:class:`FontChain`). Nothing is ever
dropped: before a sheet is laid out :func:`require_printable` checks every string it prints and
refuses, naming the people and fields, when no font has a character.

ReportLab's ``TTFont`` embeds only the glyphs used (``/FontFile2``); its ToUnicode map is corrected
here for characters beyond U+FFFF (ReportLab writes ``<2CC56>``, which no reader decodes; it must
be the UTF-16 pair ``<D873DC56>``), so 𬱖 is found again when the PDF's text is extracted.
There is no bold face: a title is never "bolded" by faking.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from ..resources import CJK_FONT_SUBFONT_INDEX, cjk_font_path, fallback_font_path

ENV_VAR = "JINGGANG_REPORT_FONT"
ROLES = ("title", "body", "table")
ROLE_LABELS = {"title": "标题（小标宋或黑体）", "body": "正文（仿宋）", "table": "表格（宋体）"}
SAMPLE = "0123456789.-—%：（）第页共计分人复核监督日期综合考评结果竞岗演讲草稿未公布摘要审计日志条"
"""Characters every chosen primary font must have itself (a missing digit would print as a box)."""

WINDOWS_FONTS = {
    "title": (("FZXBSJW.TTF", 0), ("FZXBSJW--GB1-0.ttf", 0), ("方正小标宋简体.ttf", 0), ("simhei.ttf", 0)),
    "body": (("simfang.ttf", 0), ("FS_GB2312.ttf", 0), ("仿宋_GB2312.ttf", 0), ("simsun.ttc", 0)),
    "table": (("simsun.ttc", 0), ("simsun.ttf", 0)),
}


class FontError(RuntimeError):
    """No usable font (a broken installation: even the shipped font is missing)."""


class MissingGlyphsError(FontError):
    """Characters no font of the chain has: the sheet is refused rather than printed without them."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:20] + ([f"……另有 {len(problems) - 20} 处"] if len(problems) > 20 else [])
        super().__init__("以下文字中有字符所有可用字体都没有，为免漏印，不予打印（请安装含这些字的字体，"
                         "用“--font”或字体设置选用）：\n" + "\n".join(shown))


# --- ReportLab's ToUnicode map, fixed for characters beyond the BMP ------------------------------

def _utf16_hex(code: int) -> str:
    if code <= 0xFFFF:
        return "%04X" % code
    code -= 0x10000
    return "%04X%04X" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
             f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
             f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
             "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", "%d beginbfchar" % len(subset)]
    lines += ["<%02X> <%s>" % (i, _utf16_hex(v)) for i, v in enumerate(subset)]
    lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


# --- the chain ------------------------------------------------------------------------------------

class FontChain:
    """A role's fonts, primary first: each character printed in the first font that has it."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.primary = names[0]
        self._maps = [pdfmetrics.getFont(n).face.charToGlyph for n in names]
        self._own = self._maps[0]
        self._of: dict[str, str | None] = {}

    def font_of(self, ch: str) -> str | None:
        """The font that prints ``ch`` (None: no font of the chain has it)."""
        try:
            return self._of[ch]
        except KeyError:
            code = ord(ch)
            found = next((n for n, m in zip(self.names, self._maps) if code in m), None)
            if ch.isspace() and found is None:
                found = self.primary
            self._of[ch] = found
            return found

    def plain(self, text: str) -> bool:
        """True when the primary font has every character (the usual case: one font, no markup)."""
        own = self._own
        return all(ord(ch) in own or ch.isspace() for ch in text)

    def missing(self, text: str) -> str:
        return "".join(dict.fromkeys(ch for ch in text if self.font_of(ch) is None))

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font, piece) runs; a character no font has stays with the primary font."""
        if self.plain(text):
            return [(self.primary, text)]
        out: list[tuple[str, str]] = []
        for ch in text:
            name = self.font_of(ch) or self.primary
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + ch)
            else:
                out.append((name, ch))
        return out

    def width(self, text: str, size: float) -> float:
        return sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in self.runs(text))

    def markup(self, text: str) -> str:
        """Paragraph markup: escaped, the pieces of another font in ``<font name=…>``."""
        if self.plain(text):
            return esc(text)
        return "".join(esc(piece) if name == self.primary else f'<font name="{name}">{esc(piece)}</font>'
                       for name, piece in self.runs(text))

    def draw(self, canv: Any, x: float, y: float, text: str, size: float, align: str = "left") -> None:
        """Draw ``text`` on the canvas run by run (``align``: left, right or centre at ``x``)."""
        runs = self.runs(text)
        total = sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in runs)
        x -= {"left": 0.0, "right": total, "centre": total / 2}[align]
        for name, piece in runs:
            canv.setFont(name, size)
            canv.drawString(x, y, piece)
            x += pdfmetrics.stringWidth(piece, name, size)


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class FontSet:
    """ReportLab font names per role, their chains, and where each came from (logged by tests)."""

    title: str
    body: str
    table: str
    sources: tuple[str, ...]
    chains: dict[str, FontChain] = dataclasses.field(compare=False, repr=False, default_factory=dict)

    @property
    def text(self) -> str:           # the running header and footer: the body's font
        return self.body

    def chain(self, role: str) -> FontChain:
        return self.chains[role]

    def missing(self, text: str) -> str:
        """Characters of ``text`` that no font of any chain has."""
        return "".join(ch for ch in dict.fromkeys(text) if all(c.font_of(ch) is None for c in self.chains.values()))


# --- configuration ----------------------------------------------------------------------------------

_configured: dict[str | None, Path] = {}
_cache: dict[tuple, FontSet] = {}
_loaded: dict[tuple[str, int], str | None] = {}


def configure(path: str | Path | None, role: str | None = None) -> None:
    """Set (or with ``None`` clear) the user's font for ``role`` (None: every role); it wins over the others."""
    if role is not None and role not in ROLES:
        raise ValueError(f"unknown font role {role!r}")
    if path:
        _configured[role] = Path(path)
    else:
        _configured.pop(role, None)


def configured_font(role: str | None = None) -> Path | None:
    if role in _configured:
        return _configured[role]
    env = os.environ.get(f"{ENV_VAR}_{role.upper()}" if role else ENV_VAR, "").strip()
    return Path(env) if env else None


def windows_fonts_dirs() -> list[Path]:
    if sys.platform != "win32":
        return []
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    local = os.environ.get("LOCALAPPDATA")
    if local:                                     # fonts a user installed for themselves (方正小标宋 often)
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def windows_fonts_dir() -> Path | None:
    dirs = windows_fonts_dirs()
    return dirs[0] if dirs else None


def missing_glyphs(font_name: str, text: str) -> str:
    """The characters of ``text`` (spaces aside) that the registered font has no glyph for."""
    face = pdfmetrics.getFont(font_name).face
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in face.charToGlyph))


def _load(path: Path, index: int) -> str | None:
    """Register one font file under a stable name; None when it cannot be read."""
    key = (str(path), index)
    if key in _loaded:
        return _loaded[key]
    name = None
    if path.is_file():
        name = "JG-" + hashlib.sha1(f"{path}|{index}".encode("utf-8")).hexdigest()[:10]
        try:
            pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=index))
        except Exception:  # a damaged or unsupported (CFF-outline) font file: try the next one
            name = None
    _loaded[key] = name
    return name


def _candidates(role: str) -> list[tuple[Path, int]]:
    out: list[tuple[Path, int]] = []
    for user in (configured_font(role), configured_font(None)):
        if user is not None:
            out.append((user, 0))
    for folder in windows_fonts_dirs():
        out += [(folder / file, index) for file, index in WINDOWS_FONTS[role]]
    out.append((cjk_font_path(), CJK_FONT_SUBFONT_INDEX))
    return out


def _label(path: Path, index: int) -> str:
    return f"{path}" + (f" #{index}" if index else "")


def font_set() -> FontSet:
    """The fonts for the sheets, registered with ReportLab (once per configuration)."""
    key = (tuple(configured_font(r) for r in (None,) + ROLES), tuple(windows_fonts_dirs()))
    if key in _cache:
        return _cache[key]
    primary: dict[str, str] = {}
    found: list[str] = []                 # every font that loaded, in the order tried (the fallbacks)
    sources: list[str] = []
    for role in ROLES:
        for path, index in _candidates(role):
            name = _load(path, index)
            if name and name not in found:
                found.append(name)
            if name and role not in primary and not missing_glyphs(name, SAMPLE):
                primary[role] = name
                sources.append(f"{role}: {_label(path, index)}")
        if role not in primary:
            raise FontError(f"找不到可用的中文字体（已尝试：{'、'.join(str(p) for p, _ in _candidates(role))}）")
    fallback = _load(fallback_font_path(), 0)
    if fallback and fallback not in found:
        found.append(fallback)
        sources.append(f"fallback: {fallback_font_path()}")
    chains = {role: FontChain((primary[role],) + tuple(n for n in found if n != primary[role])) for role in ROLES}
    result = FontSet(primary["title"], primary["body"], primary["table"], tuple(sources), chains)
    _cache[key] = result
    return result


# --- the check before printing ------------------------------------------------------------------------

FIELD_LABELS = {
    "name": "姓名", "post": "岗位", "posts": "岗位", "office": "科室", "former_office": "原科室", "chief": "科长",
    "unit": "单位", "campaign": "竞岗名称", "title": "表名", "subtitle": "副标题", "note": "备注", "notes": "注",
    "rank": "职级", "category": "类别", "detail": "说明", "education": "学历", "gender": "性别", "birth": "出生年月",
    "names": "报名人员", "issuer": "落款单位", "phone": "监督电话", "mailbox": "监督信箱", "reason": "原因",
    "duties": "工作职责", "speciality": "专业", "post_kind": "岗位性质",
}


def _strings(value: Any, path: tuple[str, ...], who: str) -> Iterator[tuple[str, str, str]]:
    """(who, field, text) for every string printed from ``value`` (a dataclass tree)."""
    if isinstance(value, str):
        yield who, ".".join(path), value
    elif dataclasses.is_dataclass(value):
        pid, name = getattr(value, "person_id", None), getattr(value, "name", None)
        if isinstance(pid, str) and isinstance(name, str):
            who = f"{name}（编号 {pid}）"
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name), path[-1:] + (f.name,), who)
    elif isinstance(value, (tuple, list)):
        for item in value:
            yield from _strings(item, path, who)
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from _strings(item, path + (str(k),), who)


def _field_label(path: str) -> str:
    parts = path.split(".")
    return FIELD_LABELS.get(parts[-1], FIELD_LABELS.get(parts[0], parts[-1])) if parts else path


def unprintable(data: Any, fonts: FontSet) -> list[str]:
    """One line per printed string with a character no font has: who, which field, which characters."""
    problems: list[str] = []
    for who, path, text in _strings(data, (), ""):
        lost = fonts.missing(text)
        if lost:
            where = f"{who}：" if who else ""
            problems.append(f"{where}{_field_label(path)}“{text[:40]}”缺“{lost}”")
    return list(dict.fromkeys(problems))


def require_printable(data: Any, fonts: FontSet) -> None:
    problems = unprintable(data, fonts)
    if problems:
        raise MissingGlyphsError(problems)
