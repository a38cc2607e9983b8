"""The roster (人员名单) of §三 资格审查: one record per person, as imported or typed.

Dates in office sheets come with month precision as often as with day precision
(``1985.03``, ``1985年3月``, ``1985-03-01``); they are kept at the precision given, as ISO
text: ``"1985-03"`` or ``"1985-03-01"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Mapping

from .rotation import EXEMPTIONS, Duty, LeaderRank, PostKind, Speciality
from .scheme import RANKS

CATEGORIES = ("原任科长", "拟竞争科长", "行政一般", "事业人员")
IDENTITIES = ("行政", "事业", "聘用")
# 交流轮岗 (暂行办法 第七条–第十条, the county speech's statistics): the values the roster accepts.
SPECIALITIES = tuple(x.value for x in Speciality)          # 专业类别
POST_KINDS = tuple(x.value for x in PostKind)              # 岗位性质
LEADER_RANKS = tuple(x.value for x in LeaderRank if x is not LeaderRank.NONE)   # 正职 / 副职
DUTIES = tuple(x.value for x in Duty)                      # 负责工作 / 专职岗位
EXEMPTION_LABELS = tuple(EXEMPTIONS)                       # 暂缓情形 (第八条、第十条)
LIST_SEPARATOR = "、"


class RosterError(ValueError):
    """A roster value that cannot be read; the message is Chinese."""


@dataclass(frozen=True)
class RosterPerson:
    id: str
    name: str
    rank: str = "科员"
    category: str = "行政一般"
    gender: str | None = None
    birth: str | None = None            # 出生时间, ISO "YYYY-MM" or "YYYY-MM-DD"
    work_start: str | None = None       # 参加工作时间
    post_start: str | None = None       # 任现职时间
    political: str | None = None        # 政治面貌
    education: str | None = None        # 学历
    identity: str | None = None         # 身份: 行政 / 事业 / 聘用
    unit: str | None = None             # 编制单位
    former_office: str | None = None    # 原科室
    no_rotation: bool = False           # 不轮岗 (特殊岗位)
    appraisal: tuple[Decimal, ...] = ()            # 近三年年度考核分
    exam: Decimal | None = None                     # 考试总分
    democratic: Mapping[str, Decimal] | None = field(default=None)   # 民主测评五项
    # 交流轮岗: what 第七条–第十条 and the county speech's statistics ask (all optional)
    speciality: str | None = None       # 专业类别: 经济类 / 法律类 / 其它类
    post_kind: str | None = None        # 岗位性质: 人财物管理 / 项目经费审批 / 证牌照核发 / 执法监督监察 / 其它
    bureau_leader: bool = False         # 局管领导干部
    leader_rank: str | None = None      # 正职 / 副职 (局管领导干部)
    reserve_cadre: bool = False         # 局管后备干部
    units_served: int | None = None     # 任职过的单位（处室）数，含本单位
    unit_start: str | None = None       # 本单位工作时间 (在本单位连续工作起始), ISO like birth
    duties: str | None = None           # 负责工作 / 专职岗位, e.g. "人事、财务" (第七条（一）、第九条（二）)
    exemption: str | None = None        # 暂缓情形, e.g. "患重大疾病" (第八条、第十条)


def split_list(text: str | None) -> tuple[str, ...]:
    """A 、-separated list as typed (also ，,;；/ and spaces) into its parts."""
    if not text:
        return ()
    return tuple(x for x in re.split(r"[、，,;；/\s]+", text.strip()) if x)


def join_list(parts: tuple[str, ...] | list[str], order: tuple[str, ...]) -> str | None:
    """Parts in the canonical order of ``order``, 、-joined (None when empty)."""
    return LIST_SEPARATOR.join(x for x in order if x in set(parts)) or None


_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)} | {ord("．"): ".", ord("－"): "-", ord("／"): "/"}

_PATTERNS = [
    # 1985-03-01, 1985/3/1, 1985.3.1, 1985年3月1日
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    # 1985-03, 1985/3, 1985.03, 1985年3月
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$"),
    # 198503, 19850301
    re.compile(r"^(\d{4})(\d{2})(\d{2})?$"),
]


def parse_partial_date(raw: object) -> str:
    """An office-sheet date as ISO text at the precision given; refuses impossible dates."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return raw.isoformat()
    if not isinstance(raw, str):
        raise RosterError(f"{raw!r} 不是日期")
    text = raw.strip().replace("\u3000", "").translate(_FULLWIDTH)
    for pattern in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year, month = int(m.group(1)), int(m.group(2))
        day = m.group(3) if pattern.groups >= 3 else None
        if not (1900 <= year <= 2100) or not (1 <= month <= 12):
            break
        if day is None:
            return f"{year:04d}-{month:02d}"
        try:
            return date(year, month, int(day)).isoformat()
        except ValueError:
            break
    raise RosterError(f"“{raw.strip()}” 不是日期（可写 1985-03-01、1985.03 或 1985年3月）")


def as_date(iso: str) -> date:
    """A stored partial date as a ``date`` (a month-precision date counts from the 1st)."""
    parts = [int(p) for p in iso.split("-")]
    return date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)


def roster_problems(person: RosterPerson) -> list[str]:
    """What is wrong with one record, field by field (empty when fine)."""
    p = []
    if not person.id.strip():
        p.append("编号: 为空")
    if not person.name.strip():
        p.append("姓名: 为空")
    if person.rank not in RANKS:
        p.append(f"职级: “{person.rank}” 不是 {'、'.join(RANKS)} 之一")
    if person.category not in CATEGORIES:
        p.append(f"类别: “{person.category}” 不是 {'、'.join(CATEGORIES)} 之一")
    if person.identity is not None and person.identity not in IDENTITIES:
        p.append(f"身份: “{person.identity}” 不是 {'、'.join(IDENTITIES)} 之一")
    for label, value, allowed in (("专业类别", person.speciality, SPECIALITIES), ("岗位性质", person.post_kind, POST_KINDS),
                                  ("领导职务", person.leader_rank, LEADER_RANKS)):
        if value is not None and value not in allowed:
            p.append(f"{label}: “{value}” 不是 {'、'.join(allowed)} 之一")
    for label, value, allowed in (("负责工作", person.duties, DUTIES), ("暂缓情形", person.exemption, EXEMPTION_LABELS)):
        if bad := [x for x in split_list(value) if x not in allowed]:
            p.append(f"{label}: “{'、'.join(bad)}” 不是 {'、'.join(allowed)} 之一")
    if person.leader_rank is not None and not person.bureau_leader:
        p.append(f"领导职务: 填了“{person.leader_rank}”，但未标为局管领导干部")
    if person.units_served is not None and not 1 <= person.units_served <= 99:
        p.append(f"任职单位数: {person.units_served} 应在 1 至 99 之间（含本单位）")
    return p
