"""The scheme (方案): every weight, threshold and count of a campaign, defaulting to the 细则.

One immutable object. ``Scheme()`` is the 细则 as written; :meth:`Scheme.with_overrides`
applies a campaign's own choices (the ``scheme`` key of the campaign file) and
validates the result, so no other module needs to check a weight again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Mapping

DIMENSIONS = ("de", "neng", "qin", "ji", "lian")
DIMENSION_LABELS = {"de": "德", "neng": "能", "qin": "勤", "ji": "绩", "lian": "廉"}

GRADES = ("优秀", "称职", "基本称职", "不称职")

GROUPS = ("leaders", "staff", "unit_heads", "county_chiefs")
GROUP_LABELS = {
    "leaders": "局领导",
    "staff": "其他行政编制人员",
    "unit_heads": "事业单位负责人",
    "county_chiefs": "各县（市、区）局长",
}
# The same groups where space is short (tally columns, the projector, accounting findings).
GROUP_SHORT_LABELS = {"leaders": "局领导", "staff": "其他行政", "unit_heads": "事业单位", "county_chiefs": "县局长"}

RANKS = ("正科实职", "正科虚职", "副科实职", "副科虚职", "科员")

ASSIGNMENT_MODES = ("literal", "fallback")

COMPOSITE_PARTS = ("quantified", "speech", "recommendation")
QUANTIFIED_WEIGHTS = "exam_weight/democratic_weight/appraisal_weight"
"""The three §八 weights, which have no object of their own in the file: named together where their sum is wrong."""


class SchemeError(ValueError):
    """A scheme that cannot be used; ``problems`` lists every reason (Chinese)."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def _d(text: str) -> Decimal:
    return Decimal(text)


@dataclass(frozen=True)
class Scheme:
    """Defaults are those of the 细则 (§四, §五, §六, §八, §九, §十, §十一, §十二, §十三)."""

    # §四: 行测 30% + 申论 50% + 公共基础 20%, one paper out of 100.
    exam_parts: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen({"行测": _d("30"), "申论": _d("50"), "公共基础": _d("20")})
    )
    # Decimals allowed when a score is typed (exam, 民主测评, 考核); judges' scores separately.
    input_decimals: int = 1
    judge_decimals: int = 1
    # §五: 不满意率达三分之一以上 → may not compete.
    satisfaction_threshold: Fraction = Fraction(1, 3)
    # §六: 德30% 能15% 勤10% 绩25% 廉20%.
    dimension_weights: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen(
            {"de": _d("0.30"), "neng": _d("0.15"), "qin": _d("0.10"), "ji": _d("0.25"), "lian": _d("0.20")}
        )
    )
    # Decision (SPEC §2): points per grade when a dimension is tallied from grade counts.
    grade_points: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen({"优秀": _d("100"), "称职": _d("80"), "基本称职": _d("60"), "不称职": _d("0")})
    )
    # §八: 考试10% + 民主测评30% + 近三年考核均分60%, then the rank bonus.
    exam_weight: Decimal = _d("0.10")
    democratic_weight: Decimal = _d("0.30")
    appraisal_weight: Decimal = _d("0.60")
    appraisal_years: int = 3
    rank_bonus: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen(
            {"正科实职": _d("4"), "正科虚职": _d("2"), "副科实职": _d("1"), "副科虚职": _d("0"), "科员": _d("0")}
        )
    )
    # §九: 报岗三次，第一次、第二次可申报1-2个岗位，第三次限报1个岗位.
    declaration_rounds: tuple[tuple[int, int], ...] = ((1, 2), (1, 2), (1, 1))
    # §十: 去掉两个最高分和两个最低分.
    speech_trim: int = 2
    # §十一(四): 局领导35% 其他行政40% 事业单位负责人15% 县局长10%.
    group_weights: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen(
            {"leaders": _d("0.35"), "staff": _d("0.40"), "unit_heads": _d("0.15"), "county_chiefs": _d("0.10")}
        )
    )
    # §十一(三): 推荐率不达到会人数三分之一的，不得在所申报的岗位任职.
    threshold: Fraction = Fraction(1, 3)
    # §十二: 考评量化30% + 演讲10% + 定岗推荐60%.
    composite_weights: Mapping[str, Decimal] = field(
        default_factory=lambda: _frozen(
            {"quantified": _d("0.30"), "speech": _d("0.10"), "recommendation": _d("0.60")}
        )
    )
    # §十三: "literal" (a loser is not moved) or "fallback" (deferred acceptance). SPEC §4.
    assignment: str = "literal"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping) and not isinstance(value, MappingProxyType):
                object.__setattr__(self, f.name, _frozen(value))
        problems = self.problems()
        if problems:
            raise SchemeError(problems)

    # -- validation --------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Every reason the scheme cannot be used, each as ``path: message`` where ``path`` names the field as the
        campaign file does (``group_weights.staff``); :func:`app.services.scheme.chinese_problem` words it for
        the clerk (定岗推荐权重·其他行政编制人员)."""
        p: list[str] = []

        def weights_sum_to_one(name: str, weights: Mapping[str, Decimal], keys: tuple[str, ...]) -> None:
            if set(weights) != set(keys):
                p.append(f"{name}: 须为 {', '.join(keys)} 各一项")
                return
            for k, w in weights.items():
                if not (0 <= w <= 1):
                    p.append(f"{name}.{k}: {w} 须在 0–1 之间")
            total = sum(weights.values(), Decimal(0))
            if total != 1:
                p.append(f"{name}: 权重之和为 {total}，须为 1")

        weights_sum_to_one("dimension_weights", self.dimension_weights, DIMENSIONS)
        weights_sum_to_one("group_weights", self.group_weights, GROUPS)
        weights_sum_to_one("composite_weights", self.composite_weights, COMPOSITE_PARTS)
        quant = {"exam": self.exam_weight, "democratic": self.democratic_weight, "appraisal": self.appraisal_weight}
        weights_sum_to_one(QUANTIFIED_WEIGHTS, quant, ("exam", "democratic", "appraisal"))
        if sum(self.exam_parts.values(), Decimal(0)) != 100:
            p.append("exam_parts: 各部分满分之和须为 100")
        if any(v <= 0 for v in self.exam_parts.values()):
            p.append("exam_parts: 各部分满分须大于 0")
        for name, value in (("input_decimals", self.input_decimals), ("judge_decimals", self.judge_decimals)):
            if not (0 <= value <= 3):
                p.append(f"{name}: 小数位 {value} 须在 0–3 之间")
        if not (0 < self.satisfaction_threshold <= 1):
            p.append(f"satisfaction_threshold: {self.satisfaction_threshold} 须在 (0, 1] 之间")
        if not (0 < self.threshold <= 1):
            p.append(f"threshold: {self.threshold} 须在 (0, 1] 之间")
        if not (0 <= self.speech_trim <= 10):
            p.append(f"speech_trim: {self.speech_trim} 须在 0–10 之间")
        if not (1 <= self.appraisal_years <= 5):
            p.append(f"appraisal_years: {self.appraisal_years} 须在 1–5 之间")
        for grade in GRADES:
            if grade not in self.grade_points:
                p.append(f"grade_points: 缺少“{grade}”")
        for grade, points in self.grade_points.items():
            if not (0 <= points <= 100):
                p.append(f"grade_points.{grade}: 分值 {points} 须在 0–100 之间")
        for rank, bonus in self.rank_bonus.items():
            if not (0 <= bonus <= 100):
                p.append(f"rank_bonus.{rank}: 加分 {bonus} 须在 0–100 之间")
        if not self.declaration_rounds or len(self.declaration_rounds) > 9:
            p.append("declaration_rounds: 次数须在 1–9 之间")
        for i, (lo, hi) in enumerate(self.declaration_rounds, start=1):
            if not (1 <= lo <= hi):
                p.append(f"declaration_rounds: 第{i}次报岗岗位数 {lo}–{hi} 不合理")
        if self.assignment not in ASSIGNMENT_MODES:
            p.append(f"assignment: “{self.assignment}” 须为 literal 或 fallback")
        return p

    @property
    def min_judges(self) -> int:
        """§十: with k dropped at each end at least 2k+1 scores are needed (5 by default)."""
        return max(2 * self.speech_trim + 1, 1)

    # -- overrides from a campaign file --------------------------------------------------------

    def with_overrides(self, overrides: Mapping[str, Any]) -> "Scheme":
        """A new scheme with the given keys replaced (SPEC §8 ``scheme``); unknown keys are ignored.

        Raises :class:`SchemeError` listing every malformed value.
        """
        problems: list[str] = []
        changes: dict[str, Any] = {}

        def dec(key: str, raw: Any) -> Decimal | None:
            if isinstance(raw, bool) or isinstance(raw, float) or not isinstance(raw, (str, int)):
                problems.append(f"scheme.{key}: {raw!r} 须为字符串形式的小数（如 \"0.35\"）")
                return None
            text = str(raw).strip()
            # No exponent and no overlong text: Decimal("1e999999999") makes later arithmetic hang.
            if len(text) > 30 or "e" in text.lower():
                problems.append(f"scheme.{key}: “{text[:30]}” 不是普通的小数")
                return None
            try:
                value = Decimal(text)
            except InvalidOperation:
                problems.append(f"scheme.{key}: “{raw}” 不是数字")
                return None
            if not value.is_finite():
                problems.append(f"scheme.{key}: “{raw}” 不是数字")
                return None
            return value

        def mapping(key: str, raw: Any, base: Mapping[str, Decimal]) -> None:
            if not isinstance(raw, dict):
                problems.append(f"scheme.{key}: 须为对象")
                return
            merged = dict(base)
            for k, v in raw.items():
                value = dec(f"{key}.{k}", v)
                if value is not None:
                    merged[str(k)] = value
            changes[key] = merged

        def fraction(key: str, raw: Any) -> None:
            if isinstance(raw, bool) or isinstance(raw, float) or not isinstance(raw, (str, int)):
                problems.append(f"scheme.{key}: {raw!r} 须为分数字符串（如 \"1/3\"）")
                return
            text = str(raw).strip()
            if len(text) > 30 or "e" in text.lower():
                problems.append(f"scheme.{key}: “{text[:30]}” 不是分数")
                return
            try:
                changes[key] = Fraction(text)
            except (ValueError, ZeroDivisionError):
                problems.append(f"scheme.{key}: “{raw}” 不是分数")

        def integer(key: str, raw: Any) -> None:
            if isinstance(raw, bool) or not isinstance(raw, int):
                problems.append(f"scheme.{key}: {raw!r} 须为整数")
                return
            changes[key] = raw

        for key, raw in overrides.items():
            if key in ("exam_weight", "democratic_weight", "appraisal_weight"):
                value = dec(key, raw)
                if value is not None:
                    changes[key] = value
            elif key in ("dimension_weights", "rank_bonus", "group_weights", "composite_weights",
                         "grade_points", "exam_parts"):
                mapping(key, raw, getattr(self, key))
            elif key in ("threshold", "satisfaction_threshold"):
                fraction(key, raw)
            elif key in ("speech_trim", "input_decimals", "judge_decimals", "appraisal_years"):
                integer(key, raw)
            elif key == "assignment":
                if raw not in ASSIGNMENT_MODES:
                    problems.append(f"scheme.assignment: “{raw}” 须为 literal 或 fallback")
                else:
                    changes[key] = raw
            elif key == "declaration_rounds":
                ok = isinstance(raw, list) and all(
                    isinstance(r, list) and len(r) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in r)
                    for r in raw
                )
                if not ok:
                    problems.append("scheme.declaration_rounds: 须为 [[最少, 最多], …]")
                else:
                    changes[key] = tuple((lo, hi) for lo, hi in raw)
            # unknown keys: ignored (SPEC §8, a reader ignores keys it does not know)
        if problems:
            raise SchemeError(problems)
        try:
            return replace(self, **changes)
        except SchemeError as err:
            raise SchemeError([f"scheme.{m}" for m in err.problems]) from None

    def to_json(self) -> dict[str, Any]:
        """The scheme as campaign-file ``scheme`` keys (strings for every number)."""
        def m(x: Mapping[str, Decimal]) -> dict[str, str]:
            return {k: str(v) for k, v in x.items()}

        return {
            "exam_parts": m(self.exam_parts),
            "input_decimals": self.input_decimals,
            "judge_decimals": self.judge_decimals,
            "satisfaction_threshold": str(self.satisfaction_threshold),
            "dimension_weights": m(self.dimension_weights),
            "grade_points": m(self.grade_points),
            "exam_weight": str(self.exam_weight),
            "democratic_weight": str(self.democratic_weight),
            "appraisal_weight": str(self.appraisal_weight),
            "appraisal_years": self.appraisal_years,
            "rank_bonus": m(self.rank_bonus),
            "declaration_rounds": [list(r) for r in self.declaration_rounds],
            "speech_trim": self.speech_trim,
            "group_weights": m(self.group_weights),
            "threshold": str(self.threshold),
            "composite_weights": m(self.composite_weights),
            "assignment": self.assignment,
        }
