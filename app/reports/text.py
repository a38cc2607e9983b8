"""Chinese line breaking for the sheets (GB/T 15834 标点 and the usual 避头尾 rules).

ReportLab's CJK wrapping lets a line start with "，" or "）" (or pushes the mark past the right edge,
which overflows a table cell) and breaks anywhere inside a name or a post name. Here a text is cut
into *tokens* that are never broken:

- a protected term (a person's name, a post or 科室 name: the ``terms`` a sheet passes), longest first;
- a run of Latin letters and digits (83.866, 0351-1234567, SHA-256), ending after a comma;
- any other single character;
- a closing mark (，。、；：）》” …) is glued to the token before it, an opening mark (（《“ …) to
  the token after it, so no line starts with a closing mark or ends with an opening one.

Lines are then filled greedily; only a token wider than a whole line is cut (by character). A
:class:`Text` is a flowable that breaks its text for the width it is given (a table cell's, a
frame's) and lays the lines out as a ReportLab paragraph with explicit breaks.
"""

from __future__ import annotations

from typing import Any, Iterable

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from .fonts import FontChain

CANNOT_START = set("，。、；：？！）］｝〕〉》」』】〗〙〛”’…—·%‰℃,.;:?!)]}>～")
CANNOT_END = set("（［｛〔〈《「『【〖〘〚“‘([{<")
UNITS = set("年月日天人张页条名岁个分号轮次位")


class Terms:
    """Protected terms, looked up by their first character (longest first)."""

    def __init__(self, terms: Iterable[str] = ()):
        by_first: dict[str, list[str]] = {}
        for t in {t for t in terms if t and len(t) > 1}:
            by_first.setdefault(t[0], []).append(t)
        self.by_first = {k: sorted(v, key=len, reverse=True) for k, v in by_first.items()}

    def at(self, text: str, i: int) -> str | None:
        for term in self.by_first.get(text[i], ()):
            if text.startswith(term, i):
                return term
        return None


NO_TERMS = Terms()


def _latin(ch: str) -> bool:
    return ch.isascii() and not ch.isspace() and ch not in CANNOT_END


def tokens(text: str, terms: Terms = NO_TERMS) -> list[str]:
    """The unbreakable pieces of one line of ``text`` (spaces are tokens of their own: break points)."""
    out: list[str] = []
    i, n = 0, len(text)
    glue_next = False
    while i < n:
        ch = text[i]
        term = terms.at(text, i) if terms.by_first else None
        if term:
            tok = term
        elif _latin(ch) and ch not in CANNOT_START:
            j = i
            while j < n and _latin(text[j]) and (j == i or text[j - 1] != ","):
                j += 1
            if j < n and text[j] in UNITS and text[j - 1].isdigit() and not (terms.by_first and terms.at(text, j)):
                j += 1                          # 7天, 2026年, 第3轮: a number keeps its unit (not a name's 张)
            tok = text[i:j]
        else:
            tok = ch
        i += len(tok)
        if tok.isspace():
            out.append(tok)
            glue_next = False
        elif out and not out[-1].isspace() and (tok[0] in CANNOT_START or glue_next):
            out[-1] += tok
            glue_next = tok[-1] in CANNOT_END
        else:
            out.append(tok)
            glue_next = tok[-1] in CANNOT_END
    return out


def break_lines(text: str, width: float, chain: FontChain, size: float, terms: Terms = NO_TERMS,
                first_indent: float = 0.0) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (the first ``first_indent`` narrower)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        room = width - (first_indent if not lines else 0.0)
        for tok in tokens(para, terms):
            if tok.isspace() and not line:
                continue
            w = chain.width(tok, size)
            if used + w <= room or not line and w <= room:
                line, used = line + tok, used + w
                continue
            if tok.isspace():                       # a break point at the end of a line
                lines.append(line)
                line, used, room = "", 0.0, width
                continue
            if w <= width:                          # fits a line of its own: start one
                if line:
                    lines.append(line.rstrip())
                    line, used, room = "", 0.0, width
                line, used = tok, w
                continue
            # Wider than any line (a long campaign name in a title): cut by character, going on from
            # where the line stands rather than leaving it short.
            for ch in tok:
                cw = chain.width(ch, size)
                if line and used + cw > room:
                    if ch not in CANNOT_START:
                        lines.append(line)
                        line, used, room = "", 0.0, width
                    elif len(line) > 1:             # a closing mark takes the character before it along
                        lines.append(line[:-1])
                        line, room = line[-1], width
                        used = chain.width(line, size)
                line, used = line + ch, used + cw
        lines.append(line.rstrip())
    return lines


_flat_styles: dict[int, ParagraphStyle] = {}


def _flat(style: ParagraphStyle) -> ParagraphStyle:
    """The style with ReportLab's own wrapping off (the lines are already broken)."""
    key = id(style)
    if key not in _flat_styles:
        _flat_styles[key] = ParagraphStyle(f"{style.name}-lines", parent=style, wordWrap=None)
    return _flat_styles[key]


class Text(Flowable):
    """A paragraph broken by :func:`break_lines` for the width it is laid out in."""

    def __init__(self, text: str, style: ParagraphStyle, chain: FontChain, terms: Terms = NO_TERMS):
        super().__init__()
        self.text, self.style, self.chain, self.terms = text, style, chain, terms
        self._para: Paragraph | None = None
        self._width: float | None = None

    def lines(self, width: float) -> list[str]:
        s = self.style
        room = width - s.leftIndent - s.rightIndent - 0.01
        return break_lines(self.text, room, self.chain, s.fontSize, self.terms, s.firstLineIndent)

    def paragraph(self, width: float) -> Paragraph:
        if self._para is None or self._width != width:
            markup = "<br/>".join(self.chain.markup(line) for line in self.lines(width))
            self._para, self._width = Paragraph(markup, _flat(self.style)), width
        return self._para

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        p = self.paragraph(avail_width)
        self.width, self.height = p.wrap(avail_width, avail_height)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        return self.paragraph(avail_width).split(avail_width, avail_height)

    def draw(self) -> None:
        assert self._para is not None
        self._para.drawOn(self.canv, 0, 0)

    def getSpaceBefore(self) -> float:  # noqa: N802 - ReportLab's name
        return self.style.spaceBefore

    def getSpaceAfter(self) -> float:  # noqa: N802 - ReportLab's name
        return self.style.spaceAfter

    def minWidth(self) -> float:  # noqa: N802 - ReportLab's name
        return max((self.chain.width(t, self.style.fontSize) for t in tokens(self.text, self.terms)), default=0)
