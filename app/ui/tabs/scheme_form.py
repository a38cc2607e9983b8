"""The fields of 方案设置: which scheme key each one edits, how it is typed, how it is read back.

**Decision (typing):** weights are typed as decimals like ``0.35`` — the form the scheme, the
campaign file and the 细则's arithmetic use; ``35%`` is accepted too and read as 0.35 exactly.
Thresholds are typed as fractions, ``1/3`` (a decimal like ``0.5`` is read exactly as 1/2).
Report rounds are typed as ``1-2，1-2，1`` (at least–at most per round; one number = exactly).
Nothing is ever a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from ...core.scheme import DIMENSION_LABELS, DIMENSIONS, GRADES, GROUP_LABELS, GROUPS, RANKS
from ...services.scheme import COMPOSITE_LABELS, MODE_LABELS

WEIGHT, DECIMAL, FRACTION, INTEGER, ROUNDS, MODE = "weight", "decimal", "fraction", "int", "rounds", "mode"


@dataclass(frozen=True)
class Field:
    path: str           # scheme key, or "key.sub" inside a mapping
    label: str
    kind: str
    tip: str = ""


@dataclass(frozen=True)
class Total:
    """A live sum shown under a set of weights (合计 1.00 ✓)."""

    paths: tuple[str, ...]
    target: Decimal


@dataclass(frozen=True)
class Group:
    title: str
    rows: tuple[Field | Total | str, ...]   # a str is a live note computed by the tab (see NOTES)


def _weights(key: str, labels: dict[str, str], keys: tuple[str, ...]) -> tuple[Field | Total, ...]:
    return (*(Field(f"{key}.{k}", labels[k], WEIGHT) for k in keys), Total(tuple(f"{key}.{k}" for k in keys),
                                                                           Decimal(1)))


QUANTIFIED = ("exam_weight", "democratic_weight", "appraisal_weight")

GROUPS_ = (
    Group("§四 考试", (
        Field("exam_parts.行测", "行测满分", DECIMAL, "行政职业能力测验占 30%"),
        Field("exam_parts.申论", "申论满分", DECIMAL, "申论占 50%"),
        Field("exam_parts.公共基础", "公共基础满分", DECIMAL, "公共基础知识占 20%"),
        Total(("exam_parts.行测", "exam_parts.申论", "exam_parts.公共基础"), Decimal(100)),
        Field("input_decimals", "录入小数位", INTEGER, "考试、民主测评、考核分最多几位小数（0–3）"),
    )),
    Group("§五 满意度测评", (
        Field("satisfaction_threshold", "不满意率界线", FRACTION, "不满意率达到此界线（含）即不能竞争科长，如 1/3"),
    )),
    Group("§六 民主测评", (
        *_weights("dimension_weights", DIMENSION_LABELS, DIMENSIONS),
        *(Field(f"grade_points.{g}", f"等次分值·{g}", DECIMAL, "按等次票数折算时每票的分值") for g in GRADES),
    )),
    Group("§八 考评量化", (
        Field("exam_weight", "考试", WEIGHT), Field("democratic_weight", "民主测评", WEIGHT),
        Field("appraisal_weight", "近三年考核均分", WEIGHT), Total(QUANTIFIED, Decimal(1)),
        Field("appraisal_years", "考核年数", INTEGER, "近几年的年度考核分取均分（1–5）"),
        *(Field(f"rank_bonus.{r}", f"加分·{r}", DECIMAL) for r in RANKS),
    )),
    Group("§九 报岗", (
        Field("declaration_rounds", "每次可报岗位数", ROUNDS,
              "每次报岗可报几个岗位，逗号隔开：1-2 表示 1 至 2 个，1 表示恰好 1 个；几段就是几次"),
    )),
    Group("§十 竞岗演讲", (
        Field("speech_trim", "去掉最高、最低各", INTEGER, "去掉几个最高分和几个最低分（0–10）"),
        Field("judge_decimals", "评委评分小数位", INTEGER, "评委评分最多几位小数（0–3）"),
        "min_judges",
    )),
    Group("§十一 定岗推荐", (
        *_weights("group_weights", GROUP_LABELS, GROUPS),
        Field("threshold", "推荐率界线", FRACTION, "推荐率不达到此界线的，不得在该岗位任职，如 1/3"),
    )),
    Group("§十二 综合考评", _weights("composite_weights", COMPOSITE_LABELS, ("quantified", "speech", "recommendation"))),
    Group("§十三 确定人选", (
        Field("assignment", "落选者", MODE, "字面：按§十三 先定岗位再比较，落选者不调剂；"
                                          "顺延：落选者顺延到其下一个可任岗位"),
    )),
)

MODE_TEXTS = {"literal": f"{MODE_LABELS['literal']}（不调剂）", "fallback": f"{MODE_LABELS['fallback']}（顺延下一岗位）"}

FIELDS = tuple(row for g in GROUPS_ for row in g.rows if isinstance(row, Field))

_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)} | {ord("．"): ".", ord("／"): "/", ord("－"): "-",
                                                                 ord("％"): "%"}
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


def lookup(data: dict[str, Any], path: str) -> Any:
    key, _, sub = path.partition(".")
    return data[key][sub] if sub else data[key]


def text_of(field: Field, data: dict[str, Any]) -> str:
    """A field's text from scheme JSON (``Scheme.to_json()``)."""
    value = lookup(data, field.path)
    if field.kind == ROUNDS:
        return "，".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in value)
    return str(value)


def _fold(text: str) -> str:
    return text.translate(_FULLWIDTH).strip()


def parse(field: Field, text: str) -> tuple[Any, str | None]:
    """(value for the scheme JSON, None) or (None, the problem in Chinese)."""
    raw = _fold(text)
    if field.kind == MODE:
        return raw, None
    if not raw:
        return None, "未填写"
    if field.kind in (WEIGHT, DECIMAL):
        percent = field.kind == WEIGHT and raw.endswith("%")
        number = raw[:-1].strip() if percent else raw
        if not _PLAIN.match(number):
            return None, f"“{text.strip()}” 不是数字" + ("（权重写成 0.35 或 35%）" if field.kind == WEIGHT else "")
        try:
            value = Decimal(number)
        except InvalidOperation:  # pragma: no cover - the pattern already checked
            return None, f"“{text.strip()}” 不是数字"
        return str(value.scaleb(-2) if percent else value), None
    if field.kind == FRACTION:
        try:
            value = Fraction(raw.replace(" ", ""))
        except (ValueError, ZeroDivisionError):
            return None, f"“{text.strip()}” 不是分数（写成 1/3）"
        return str(value), None
    if field.kind == INTEGER:
        if not raw.isdigit():
            return None, f"“{text.strip()}” 须为整数"
        return int(raw), None
    rounds = []
    for part in re.split(r"[，,；;、\s]+", raw):
        if not part:
            continue
        m = re.fullmatch(r"(\d+)(?:[-–—~～至](\d+))?", part)
        if not m:
            return None, f"“{part}” 应写成 1-2 或 1"
        lo = int(m.group(1))
        rounds.append([lo, int(m.group(2)) if m.group(2) else lo])
    if not rounds:
        return None, "未填写"
    return rounds, None


def total_text(values: list[Any], target: Decimal) -> tuple[str, bool | None]:
    """"合计 1.00 ✓" — None when a part cannot be read yet."""
    if any(v is None for v in values):
        return "合计 —", None
    total = sum((Decimal(v) for v in values), Decimal(0))
    if total == target:
        return f"合计 {total} ✓", True
    return f"合计 {total} ✗ 须为 {target}", False


def overrides_of(values: dict[str, Any]) -> dict[str, Any]:
    """Field values by path → the scheme JSON keys (mappings nested)."""
    out: dict[str, Any] = {}
    for path, value in values.items():
        key, _, sub = path.partition(".")
        if sub:
            out.setdefault(key, {})[sub] = value
        else:
            out[key] = value
    return out
