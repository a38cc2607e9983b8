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

from .scheme import RANKS

CATEGORIES = ("原任科长", "拟竞争科长", "行政一般", "事业人员")
IDENTITIES = ("行政", "事业", "聘用")


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
    return p
