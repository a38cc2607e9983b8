"""Pick a UI font that covers Simplified Chinese, so no label ever shows boxes (□).

If the system already has a font for Simplified Chinese, that one is used (the
application's default font if it covers the sample text itself, else a well-known
CJK family). Otherwise the shipped WenQuanYi Micro Hei (``resources/fonts``) is
loaded with ``QFontDatabase.addApplicationFont`` and made the application font.

Behind the chosen family the application font lists the shipped WenQuanYi Micro Hei and LXGW WenKai
(``QFont.setFamilies``: Qt takes each character from the first family that has it), so a name with
䶮 or 𬱖 shows its characters in every table and on the projector, never a box.
:func:`missing_characters` says which characters of a text no family of a font has.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication

from ..resources import cjk_font_path, fallback_font_path

UI_POINT_SIZE = 10.5
"""Point size of the UI font: readable on a 1366×768 office screen at 100 % scaling."""

SAMPLE_TEXT = "竞岗考评得分排名公示：（第一名）0123456789.%"
"""Characters a UI font must have itself (not through fallback) to be chosen."""

PREFERRED_CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "微软雅黑",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "思源黑体",
    "WenQuanYi Micro Hei",
    "文泉驿微米黑",
    "WenQuanYi Zen Hei",
    "文泉驿正黑",
    "Droid Sans Fallback",
    "SimHei",
    "黑体",
    "SimSun",
    "宋体",
)
"""System families tried first, in order, when the default font lacks Chinese."""

_shipped_family: str | None = None
_fallback_family: str | None = None


def font_covers(font: QFont, text: str = SAMPLE_TEXT) -> bool:
    """True when the font's own glyph table (no fallback) has every character of ``text``."""
    raw = QRawFont.fromFont(font)
    if not raw.isValid():
        return False
    return all(ch.isspace() or raw.supportsCharacter(ord(ch)) for ch in text)


def family_covers(family: str, text: str = SAMPLE_TEXT) -> bool:
    """``font_covers`` for a family name."""
    return font_covers(QFont(family), text)


def system_cjk_families() -> list[str]:
    """Families the system font database lists for Simplified Chinese."""
    return list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def load_shipped_font() -> str | None:
    """Register the shipped CJK font with Qt (once); return its family, or None if it fails."""
    global _shipped_family
    if _shipped_family is not None:
        return _shipped_family
    path = cjk_font_path()
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    # The .ttc holds "WenQuanYi Micro Hei" and "WenQuanYi Micro Hei Mono": take the proportional one.
    proportional = [f for f in families if "mono" not in f.lower()]
    _shipped_family = (proportional or list(families))[0]
    return _shipped_family


def load_fallback_font() -> str | None:
    """Register the shipped wide-coverage font (LXGW WenKai) with Qt (once); its family, or None."""
    global _fallback_family
    if _fallback_family is not None:
        return _fallback_family
    path = fallback_font_path()
    if not path.is_file():
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    _fallback_family = families[0] if families else None
    return _fallback_family


def fallback_families(primary: str | None) -> list[str]:
    """``primary``, then the shipped fonts it is not: the order Qt tries them per character."""
    out = [primary] if primary else []
    for family in (load_shipped_font(), load_fallback_font()):
        if family and family not in out:
            out.append(family)
    return out


def missing_characters(font: QFont, text: str) -> str:
    """The characters of ``text`` that no family of ``font`` has (what Qt would show as a box)."""
    raws = [QRawFont.fromFont(QFont(f)) for f in font.families() or [font.family()]]
    raws = [r for r in raws if r.isValid()]
    return "".join(dict.fromkeys(ch for ch in text if not ch.isspace()
                                 and not any(r.supportsCharacter(ord(ch)) for r in raws)))


def _choose_system_family(current: QFont) -> str | None:
    """A system family that covers the sample text, or None when the system has none."""
    cjk = system_cjk_families()
    if not cjk:
        return None
    if font_covers(current):
        return current.family()
    available = set(cjk)
    for family in PREFERRED_CJK_FAMILIES:
        if family in available and family_covers(family):
            return family
    # Anything else listed for Simplified Chinese; proportional faces before monospaced ones.
    for family in sorted(cjk, key=lambda f: "mono" in f.lower()):
        if family_covers(family):
            return family
    return None


def install_ui_font(app: QApplication, *, force_shipped: bool = False) -> str:
    """Make the application font cover Chinese and digits; return the family in use.

    ``force_shipped`` skips the system fonts and uses the shipped font (for tests,
    or for a uniform look everywhere).
    """
    font = QFont(app.font())
    family = None if force_shipped else _choose_system_family(font)
    if family is None:
        family = load_shipped_font()
    if family is not None or load_fallback_font():
        font.setFamilies(fallback_families(family))
    # else: neither a system CJK font nor the shipped file (a broken install) — keep Qt's choice.
    font.setPointSizeF(UI_POINT_SIZE)
    app.setFont(font)
    return family if family is not None else font.family()
