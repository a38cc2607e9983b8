"""Exact numbers: the one rounding function, exact thresholds, score parsing.

§六: 凡涉及到计分的均保留小数点后三位 — every published score has three decimals,
rounded half up (四舍五入). Arithmetic is done on ``Fraction`` so no intermediate
value is ever rounded except by :func:`round_score`.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction

PLACES = 3
_SCALE = 10**PLACES

Exact = Decimal | Fraction | int


class ScoreError(ValueError):
    """An input score that the scheme refuses; the message is Chinese and says why."""


def exact(value: Exact) -> Fraction:
    """The exact rational value of a Decimal, Fraction or int (never a float)."""
    if isinstance(value, float):  # pragma: no cover - a programming error, not user input
        raise TypeError("float is not allowed where a score or a ratio flows")
    return Fraction(value)


def round_score(value: Exact) -> Decimal:
    """Round to three decimals, half away from zero (ROUND_HALF_UP): 83.8655 → 83.866.

    The only rounding in the program. Works on the exact value, so 2.0005 → 2.001
    and 1/3 → 0.333 regardless of how the value was reached.
    """
    frac = exact(value)
    sign = -1 if frac < 0 else 1
    scaled = abs(frac) * _SCALE
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    return Decimal(sign * q).scaleb(-PLACES)


def format_score(value: Decimal | None) -> str | None:
    """A published score as text with exactly three decimals; ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, Decimal) and value.as_tuple().exponent == -PLACES and value.is_finite() \
            and not value.is_signed():
        return f"{value:.{PLACES}f}"    # already three decimals (as published): nothing to round
    return f"{round_score(value):.{PLACES}f}"


def at_least(numerator: int, denominator: int, threshold: Fraction) -> bool:
    """numerator/denominator ≥ threshold, by integer cross-multiplication (以上 includes the number)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return numerator * threshold.denominator >= threshold.numerator * denominator


def ratio(numerator: int, denominator: int) -> Fraction:
    """An exact ratio of two counts."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    return Fraction(numerator, denominator)


def parse_score(
    raw: object,
    *,
    decimals: int,
    low: Exact = 0,
    high: Exact = 100,
) -> Decimal:
    """Read one typed or stored score; refuse anything the scheme does not allow.

    Accepts a ``str`` (surrounding and 全角 spaces ignored, 全角 digits folded),
    an ``int`` or a ``Decimal``. Refuses floats, exponents, NaN, too many decimals
    and values outside [low, high], each with a Chinese message.
    """
    if isinstance(raw, bool) or isinstance(raw, float):
        # JSON numbers with a fraction part arrive as float: refuse rather than guess.
        text = repr(raw)
        if isinstance(raw, float):
            raise ScoreError(f"{text} 须写成字符串（如 \"{text}\"），以免二进制小数误差")
        raise ScoreError(f"{text} 不是分数")
    if isinstance(raw, int):
        value = Decimal(raw)
        text = str(raw)
    elif isinstance(raw, Decimal):
        value = raw
        text = str(raw)
    elif isinstance(raw, str):
        if len(raw) > MAX_SCORE_TEXT:   # said at once: a 50 MB "score" is neither read nor echoed whole
            raise ScoreError(f"“{clip(raw.strip())}” 不是分数（{len(raw)} 个字符）")
        text = fold_fullwidth(raw).strip()
        if not text:
            raise ScoreError("为空")
        if not _plain_decimal(text):
            raise ScoreError(f"“{raw.strip()}” 不是数字")
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - _plain_decimal already checked
            raise ScoreError(f"“{raw.strip()}” 不是数字") from None
    else:
        raise ScoreError(f"{raw!r} 不是分数")
    if not value.is_finite():
        raise ScoreError(f"“{text}” 不是数字")
    # Trailing zeros do not count: "85.50" is 85.5, which a sheet may well print that way.
    exponent = _significant_exponent(value)
    if -exponent > decimals:
        allowed = "整数" if decimals == 0 else f" {decimals} 位小数"
        raise ScoreError(f"{text} 小数位过多（最多{allowed}）")
    if value < _as_decimal(low) or value > _as_decimal(high):
        raise ScoreError(f"{text} 超出 {_plain(low)}–{_plain(high)}")
    return value


MAX_SCORE_TEXT = 40
"""A typed score never has more characters (spaces included); a longer text is refused before it is read."""
QUOTE = 80
"""SPEC §8: a message quotes at most 80 characters of an offending value."""


def clip(text: str, limit: int = QUOTE) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


MAX_COUNT_DIGITS = 9
"""A head or vote count never has more digits (and int() of a huge text is slow)."""


def parse_count(raw: object, *, low: int = 0, high: int | None = None) -> int:
    """Read a head count or vote count: a whole number in [low, high]."""
    if isinstance(raw, bool):
        raise ScoreError(f"{raw!r} 不是整数")
    if isinstance(raw, str):
        text = fold_fullwidth(raw).strip()
        # ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses.
        if not text or len(text) > MAX_COUNT_DIGITS or not all("0" <= ch <= "9" for ch in text):
            raise ScoreError(f"“{raw.strip()[:20]}” 不是整数")
        value = int(text)
    elif isinstance(raw, int):
        value = raw
    else:
        raise ScoreError(f"{raw!r} 不是整数")
    if value < low:
        raise ScoreError(f"{value} 小于 {low}")
    if high is not None and value > high:
        raise ScoreError(f"{value} 超过 {high}")
    return value


def _significant_exponent(value: Decimal) -> int:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    digits = list(digits)
    while exponent < 0 and len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    if digits == [0]:
        return 0
    return exponent


def _as_decimal(value: Exact) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if type(value) is int:
        return Decimal(value)
    frac = exact(value)
    return Decimal(frac.numerator) / Decimal(frac.denominator)


def _plain(value: Exact) -> str:
    frac = exact(value)
    if frac.denominator == 1:
        return str(frac.numerator)
    return str(_as_decimal(frac).normalize())


def _plain_decimal(text: str) -> bool:
    """Digits with at most one point, optional leading minus; no exponent, no sign games."""
    body = text[1:] if text.startswith("-") else text
    if not body or body.count(".") > 1:
        return False
    whole, _, frac = body.partition(".")
    if not (whole or frac):
        return False
    return (not whole or whole.isascii() and whole.isdigit()) and (
        not frac or frac.isascii() and frac.isdigit()
    )


_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)}
_FULLWIDTH.update({ord("．"): ord("."), ord("－"): ord("-"), ord("\u3000"): ord(" ")})


def fold_fullwidth(text: str) -> str:
    """全角 digits, point, minus and space as their ASCII selves (an input method may type either)."""
    return text.translate(_FULLWIDTH)
