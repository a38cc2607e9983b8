"""Rotation screening (交流轮岗暂行办法 第七条–第十条) and rotation statistics (county speech §三).

Screening is *as of a date*: every "满N年" is counted in full years between two dates
(:func:`full_years`), and "满N年" means ≥ N full years (以上/满 include the number itself).
Only the articles that can be decided from dates and facts are screened: 第七条（一）–（四）,
第八条（一）–（三）, 第九条（一）（二）, 第十条（一）–（三). The judgement clauses (第七条（五）（六）,
第八条（四）, 第九条（三）–（五）, 第十条（四）) are left to the 局党组 / 人事处.

Pure standard library; no floats.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Iterable


class RotationError(ValueError):
    """Input the screening refuses; the message is Chinese and names the person and field."""


def full_years(start: date, as_of: date) -> int:
    """Full years from ``start`` to ``as_of`` (an anniversary counts on the day itself).

    A start of 02-29 has its anniversary on 03-01 in non-leap years (02-28 is still short).
    """
    if as_of < start:
        raise RotationError(f"截止日期 {as_of} 早于起始日期 {start}")
    years = as_of.year - start.year
    if (as_of.month, as_of.day) < (start.month, start.day):
        years -= 1
    return years


# ---------------------------------------------------------------- screening input


class LeaderRank(Enum):
    """局管领导干部的职级：正职、副职，或非领导职务。"""

    PRINCIPAL = "正职"
    DEPUTY = "副职"
    NONE = "无"


class Duty(Enum):
    """工作/岗位性质 — 第七条（一）与第九条（二）列举的专职岗位。"""

    ORGANIZATION = "组织"
    PERSONNEL = "人事"
    FINANCE = "财务"
    AUDIT = "审计"
    PROJECT_APPROVAL = "项目审批"
    DISCIPLINE_ENFORCEMENT = "执纪执法"
    FUNDS = "资金管理"
    ADMIN_LOGISTICS = "行政后勤"


@dataclass(frozen=True)
class RotationRules:
    """Thresholds of 第七条、第九条 (defaults are the 暂行办法's; editable per campaign)."""

    principal_years: int = 5  # 第七条（一）任正职满5年
    deputy_years: int = 8  # 第七条（一）副职满8年
    unit_leader_years: int = 10  # 第七条（二）同一单位任正、副职满10年
    reserve_min_units: int = 2  # 第七条（三）缺乏两个以上单位任职经历 → 单位数 < 2
    young_unit_years: int = 5  # 第七条（三）优秀年轻干部本单位工作满5年
    voluntary_unit_years: int = 5  # 第七条（四）同一单位连续工作满5年且本人自愿
    same_post_years: int = 8  # 第九条（一）同一岗位满8年
    specialist_post_years: int = 5  # 第九条（二）同一专职岗位满5年
    # 第七条（一）"负责组织、人事、财务和项目审批、执纪执法等工作的……必须交流"
    must_exchange_duties: frozenset[Duty] = frozenset(
        {Duty.ORGANIZATION, Duty.PERSONNEL, Duty.FINANCE, Duty.PROJECT_APPROVAL,
         Duty.DISCIPLINE_ENFORCEMENT}
    )
    # 第九条（二）"执法执纪、组织人事、财务审计、项目审批、资金管理、行政后勤管理等专职岗位"
    specialist_duties: frozenset[Duty] = frozenset(Duty)


@dataclass(frozen=True)
class StaffRecord:
    """One person's facts for screening. Dates are starts of the current spell; None = not applicable."""

    person_id: str
    name: str
    bureau_leader: bool = False  # 局管领导干部
    rank: LeaderRank = LeaderRank.NONE  # 正职 / 副职
    position_since: date | None = None  # 同一职位任职起始
    unit_since: date | None = None  # 在本单位（处室）连续工作起始
    unit_leader_since: date | None = None  # 在本单位任正、副职起始；None → 用 unit_since
    post_since: date | None = None  # 同一岗位工作起始
    duties: frozenset[Duty] = frozenset()  # 负责的工作 / 所在专职岗位
    reserve_cadre: bool = False  # 局管后备干部
    units_served: int = 1  # 任职过的单位（处室）数，含本单位
    outstanding_young: bool = False  # 优秀年轻干部
    volunteered: bool = False  # 本人自愿提出并经本单位领导同意（第七条（四））
    rated_incompetent: bool = False  # 第八条（一）考核不称职（不合格）
    under_investigation: bool = False  # 第八条（二）正在接受审查
    seriously_ill: bool = False  # 第八条（三）患重大疾病正在治疗
    specialist_post: bool = False  # 第十条（一）非行政管理职位，专业技术要求较高
    classified_post: bool = False  # 第十条（二）涉及党和国家重要机密
    special_post_requirements: bool = False  # 第十条（三）职位条件有特殊要求


# What the roster records for 第八条 and 第十条, by the short label the template offers: (article, field).
EXEMPTIONS: dict[str, tuple[str, str]] = {
    "考核不称职": ("第八条（一）", "rated_incompetent"),
    "正在接受审查": ("第八条（二）", "under_investigation"),
    "患重大疾病": ("第八条（三）", "seriously_ill"),
    "专业技术要求较高": ("第十条（一）", "specialist_post"),
    "涉及重要机密": ("第十条（二）", "classified_post"),
    "职位有特殊要求": ("第十条（三）", "special_post_requirements"),
}


# ---------------------------------------------------------------- screening output


class Measure(Enum):
    EXCHANGE = "交流"
    ROTATION = "轮岗"


class Status(Enum):
    """Outcome for one measure: 不需 / 原则上应 / 必须 (仅第七条（一）) / 可不或暂缓 (第八条、第十条)."""

    NOT_DUE = "不需"
    DUE = "应"
    MUST = "必须"
    EXEMPT = "可不或暂缓"

    def label(self, measure: Measure) -> str:
        """Sheet text, e.g. "应交流", "必须交流", "可不交流或暂缓交流", "可不轮岗"."""
        if self is Status.EXEMPT:
            return "可不交流或暂缓交流" if measure is Measure.EXCHANGE else "可不轮岗"
        return self.value + measure.value


@dataclass(frozen=True)
class Finding:
    """One article that applies, named exactly as printed (e.g. "第七条（一）")."""

    measure: Measure
    article: str
    reason: str


@dataclass(frozen=True)
class ScreeningResult:
    person_id: str
    name: str
    exchange: Status
    rotation: Status
    findings: tuple[Finding, ...] = field(default=())


def _years(rec: StaffRecord, attr: str, since: date | None, as_of: date) -> int | None:
    if since is None:
        return None
    if since > as_of:
        raise RotationError(f"{rec.person_id} {rec.name}：{attr} {since} 晚于截止日期 {as_of}")
    return full_years(since, as_of)


def _duty_text(duties: Iterable[Duty]) -> str:
    return "、".join(d.value for d in Duty if d in set(duties))


def _exchange(rec: StaffRecord, as_of: date, rules: RotationRules) -> tuple[Status, list[Finding]]:
    ex = Measure.EXCHANGE
    found: list[Finding] = []
    status = Status.NOT_DUE
    leader = rec.bureau_leader and rec.rank is not LeaderRank.NONE
    # 第七条（一）同一职位任正职满5年、副职满8年；负责组织人事财务等工作的必须交流
    pos = _years(rec, "同一职位起始", rec.position_since, as_of)
    if leader and pos is not None:
        limit = rules.principal_years if rec.rank is LeaderRank.PRINCIPAL else rules.deputy_years
        if pos >= limit:
            reason = f"在同一职位任{rec.rank.value}满{limit}年（{pos}年）"
            must = rec.duties & rules.must_exchange_duties
            if must:
                reason += f"，负责{_duty_text(must)}工作，必须交流"
                status = Status.MUST
            else:
                status = Status.DUE
            found.append(Finding(ex, "第七条（一）", reason))
    # 第七条（二）同一单位（处室）任正、副职满10年
    lead_since = rec.unit_leader_since if rec.unit_leader_since is not None else rec.unit_since
    unit_lead = _years(rec, "本单位任正、副职起始", lead_since, as_of)
    if leader and unit_lead is not None and unit_lead >= rules.unit_leader_years:
        found.append(Finding(ex, "第七条（二）",
                             f"在同一单位（处室）任正、副职满{rules.unit_leader_years}年（{unit_lead}年）"))
    # 第七条（三）缺乏两个以上单位任职经历的局管后备干部，或本单位工作满5年的优秀年轻干部
    unit = _years(rec, "本单位工作起始", rec.unit_since, as_of)
    if rec.reserve_cadre and rec.units_served < rules.reserve_min_units:
        found.append(Finding(ex, "第七条（三）",
                             f"局管后备干部，仅有{rec.units_served}个单位（处室）任职经历，"
                             f"缺乏{rules.reserve_min_units}个以上单位任职经历"))
    if rec.outstanding_young and unit is not None and unit >= rules.young_unit_years:
        found.append(Finding(ex, "第七条（三）",
                             f"优秀年轻干部在本单位（处室）工作满{rules.young_unit_years}年（{unit}年）"))
    # 第七条（四）同一单位连续工作满5年，本人自愿提出并经本单位领导同意
    if rec.volunteered and unit is not None and unit >= rules.voluntary_unit_years:
        found.append(Finding(ex, "第七条（四）",
                             f"在同一单位（处室）连续工作满{rules.voluntary_unit_years}年（{unit}年），"
                             "本人自愿提出并经本单位领导同意"))
    if found and status is Status.NOT_DUE:
        status = Status.DUE
    if found:  # 第八条 可不交流或暂缓交流 — only meaningful when something is due
        exemptions = [
            ("第八条（一）", rec.rated_incompetent, "考核被确定为不称职（不合格）"),
            ("第八条（二）", rec.under_investigation, "涉嫌违法违纪正在接受审查，尚未作出结论"),
            ("第八条（三）", rec.seriously_ill, "因患重大疾病正在治疗，不宜交流"),
        ]
        for article, applies, reason in exemptions:
            if applies:
                found.append(Finding(ex, article, reason + "，经同意可不交流或暂缓交流"))
                status = Status.EXEMPT
    return status, found


def _rotation(rec: StaffRecord, as_of: date, rules: RotationRules) -> tuple[Status, list[Finding]]:
    rot = Measure.ROTATION
    found: list[Finding] = []
    post = _years(rec, "同一岗位起始", rec.post_since, as_of)
    if post is not None:
        # 第九条（一）同一岗位工作满8年
        if post >= rules.same_post_years:
            found.append(Finding(rot, "第九条（一）",
                                 f"在同一岗位工作满{rules.same_post_years}年（{post}年）"))
        # 第九条（二）同一专职岗位工作满5年
        special = rec.duties & rules.specialist_duties
        if special and post >= rules.specialist_post_years:
            found.append(Finding(rot, "第九条（二）",
                                 f"在{_duty_text(special)}专职岗位工作满"
                                 f"{rules.specialist_post_years}年（{post}年）"))
    status = Status.DUE if found else Status.NOT_DUE
    if found:  # 第十条 可不作为轮岗对象
        exemptions = [
            ("第十条（一）", rec.specialist_post, "非行政管理职位中专业技术要求较高"),
            ("第十条（二）", rec.classified_post, "涉及党和国家重要机密"),
            ("第十条（三）", rec.special_post_requirements, "职位条件有特殊要求"),
        ]
        for article, applies, reason in exemptions:
            if applies:
                found.append(Finding(rot, article, reason + "，可不作为轮岗对象"))
                status = Status.EXEMPT
    return status, found


def screen_one(rec: StaffRecord, as_of: date, rules: RotationRules = RotationRules()) -> ScreeningResult:
    """Screen one person as of ``as_of``: 交流 (第七条/第八条) and 轮岗 (第九条/第十条)."""
    if rec.units_served < 1:
        raise RotationError(f"{rec.person_id} {rec.name}：任职单位数应至少为1（含本单位），现为{rec.units_served}")
    ex_status, ex_found = _exchange(rec, as_of, rules)
    rot_status, rot_found = _rotation(rec, as_of, rules)
    return ScreeningResult(rec.person_id, rec.name, ex_status, rot_status, tuple(ex_found + rot_found))


def screen(records: Iterable[StaffRecord], as_of: date,
           rules: RotationRules = RotationRules()) -> tuple[ScreeningResult, ...]:
    """Screen everyone as of ``as_of``; results sorted by person id. Duplicate ids are refused."""
    records = list(records)
    seen = Counter(r.person_id for r in records)
    dup = sorted(pid for pid, n in seen.items() if n > 1)
    if dup:
        raise RotationError(f"人员编号重复：{'、'.join(dup)}")
    return tuple(screen_one(r, as_of, rules) for r in sorted(records, key=lambda r: r.person_id))


# ---------------------------------------------------------------- statistics (county speech §三)


class AgeBand(Enum):
    """Age in full years on the statistics date: [0,30), [30,40), [40,50), [50,∞)."""

    UNDER_30 = "不满30岁"
    FROM_30 = "30-40岁"
    FROM_40 = "40-50岁"
    FROM_50 = "50岁以上"


class Education(Enum):
    """文化程度 as the speech lists it (大学本科、大专、中专、高中)."""

    BACHELOR_OR_ABOVE = "大学本科及以上"
    COLLEGE = "大专"
    SECONDARY_SPECIALIZED = "中专"
    HIGH_SCHOOL_OR_BELOW = "高中及以下"


class Speciality(Enum):
    """文凭记载专业; 经济类 includes 经济、会计、统计、财政."""

    ECONOMICS = "经济类"
    LAW = "法律类"
    OTHER = "其它类"


class PostKind(Enum):
    """具体岗位 as the speech lists them, plus 其它 for anyone outside the four."""

    PEOPLE_MONEY_GOODS = "人财物管理"
    PROJECT_FUNDS_APPROVAL = "项目经费审批"
    LICENCE_ISSUING = "证牌照核发"
    ENFORCEMENT_SUPERVISION = "执法监督监察"
    OTHER = "其它"


class Position(Enum):
    """任职情况 as the speech lists it (科长（主任）、副科长、一般干部)."""

    CHIEF = "科长（主任）"
    DEPUTY_CHIEF = "副科长"
    STAFF = "一般干部"


TOTAL_LABEL = "合计"
UNKNOWN_LABEL = "未填写"

Table = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class ExchangedPerson:
    """One person exchanged or rotated, as counted in the statistics. A fact the roster does not hold
    is None: counted in an "未填写" row (never dropped, never guessed)."""

    person_id: str
    birth_date: date | None
    education: Education | None
    speciality: Speciality | None
    post_kind: PostKind | None
    position: Position | None = None


@dataclass(frozen=True)
class RotationStatistics:
    """Every table lists all categories in order (zeros included), then ("未填写", n) when n > 0,
    and ends with ("合计", total)."""

    as_of: date
    total: int
    by_age: Table
    by_education: Table
    by_speciality: Table
    by_post_kind: Table
    by_position: Table = ()


def age_band(birth_date: date, as_of: date) -> AgeBand:
    """30 → 30-40岁, 40 → 40-50岁, 50 → 50岁以上 (age in full years)."""
    age = full_years(birth_date, as_of)
    if age < 30:
        return AgeBand.UNDER_30
    if age < 40:
        return AgeBand.FROM_30
    if age < 50:
        return AgeBand.FROM_40
    return AgeBand.FROM_50


# 文化程度 as offices write it → the speech's four levels (checked in this order: 大学专科 is 大专).
_EDUCATION_WORDS = (
    (("研究生", "硕士", "博士", "本科", "学士"), Education.BACHELOR_OR_ABOVE),
    (("大专", "专科"), Education.COLLEGE),
    (("中专", "中技", "技校", "中等专业"), Education.SECONDARY_SPECIALIZED),
    (("高中", "职高", "初中", "小学"), Education.HIGH_SCHOOL_OR_BELOW),
)


def education_level(text: str | None) -> Education | None:
    """学历 as typed (大学本科, 研究生, 大专, 中专 …) → the speech's level; None when it says none of them."""
    if not text:
        return None
    for words, level in _EDUCATION_WORDS:
        if any(w in text for w in words):
            return level
    return None


def _table(enum: type[Enum], values: Iterable[Enum | None]) -> Table:
    counts = Counter(values)
    rows = tuple((member.value, counts.get(member, 0)) for member in enum)
    if counts.get(None):
        rows += ((UNKNOWN_LABEL, counts[None]),)
    return rows + ((TOTAL_LABEL, sum(counts.values())),)


def rotation_statistics(people: Iterable[ExchangedPerson], as_of: date) -> RotationStatistics:
    """Count the exchanged/rotated people by age band, education, speciality, kind of post and position."""
    people = list(people)
    for p in people:
        if p.birth_date is not None and p.birth_date > as_of:
            raise RotationError(f"{p.person_id}：出生日期 {p.birth_date} 晚于统计日期 {as_of}")
    return RotationStatistics(
        as_of=as_of,
        total=len(people),
        by_age=_table(AgeBand, (None if p.birth_date is None else age_band(p.birth_date, as_of) for p in people)),
        by_education=_table(Education, (p.education for p in people)),
        by_speciality=_table(Speciality, (p.speciality for p in people)),
        by_post_kind=_table(PostKind, (p.post_kind for p in people)),
        by_position=_table(Position, (p.position for p in people)),
    )
