"""What the 人员名单 dialogs typed, read and checked field by field before anything is saved: every
problem in Chinese, naming its field (``出生时间: “1985-13” 不是日期``). The dialogs show them and
stay open; nothing is stored until the form reads whole."""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping

from ..core.numbers import ScoreError, parse_score
from ..core.roster import (DUTIES, EXEMPTION_LABELS, RosterError, RosterPerson, join_list, parse_partial_date,
                           roster_problems, split_list)

DATES = (("birth", "出生时间"), ("work_start", "参加工作时间"), ("post_start", "任职时间"),
         ("unit_start", "本单位工作时间"))
TEXTS = ("political", "education", "unit", "former_office")
CHOICES = ("gender", "identity", "speciality", "post_kind", "leader_rank")
LISTS = {"duties": DUTIES, "exemption": EXEMPTION_LABELS}      # several values, 、-separated
APPRAISAL_FIELDS = ("appraisal_1", "appraisal_2", "appraisal_3")


def person_from_form(fields: Mapping[str, str], *, no_rotation: bool, decimals: int,
                     taken: Mapping[str, str] | None = None, bureau_leader: bool = False,
                     reserve_cadre: bool = False) -> tuple[RosterPerson | None, list[str]]:
    """A person from the dialog's texts (``id``, ``name``, ``rank``, ``category``, the dates, the
    考核 scores, the 交流轮岗 fields …), or None with every problem. ``taken``: ids already used
    (编号 → 姓名) when adding."""
    problems: list[str] = []
    dates: dict[str, str | None] = {}
    for key, label in DATES:
        text = fields.get(key, "").strip()
        try:
            dates[key] = parse_partial_date(text) if text else None
        except RosterError as err:
            problems.append(f"{label}: {err}")
    appraisal: list[Decimal] = []
    gap = False
    for i, key in enumerate(APPRAISAL_FIELDS, start=1):
        text = fields.get(key, "").strip()
        if not text:
            gap = True
            continue
        if gap:
            problems.append(f"考核{i}: 请从考核1起依次填写")
        try:
            appraisal.append(parse_score(text, decimals=decimals))
        except ScoreError as err:
            problems.append(f"考核{i}: {err}")
    ident = fields.get("id", "").strip()
    if taken is not None and ident in taken:
        problems.append(f"编号: {ident} 已有人员（{taken[ident]}）")
    units = fields.get("units_served", "").strip()
    if units and not units.isdigit():
        problems.append(f"任职单位数: “{units}” 须为整数")
    lists = {}
    for key, order in LISTS.items():      # the template's order; an unknown word is kept for the check to name
        parts = split_list(fields.get(key, ""))
        lists[key] = join_list(parts, order) if all(x in order for x in parts) else "、".join(parts) or None
    person = RosterPerson(
        id=ident, name="".join(fields.get("name", "").split()), rank=fields.get("rank", ""),
        category=fields.get("category", ""), no_rotation=no_rotation, appraisal=tuple(appraisal),
        **{k: fields.get(k, "").strip() or None for k in TEXTS + CHOICES}, **dates,
        bureau_leader=bureau_leader, reserve_cadre=reserve_cadre,
        units_served=int(units) if units.isdigit() else None, **lists,
    )
    problems = roster_problems(person) + problems
    return (None if problems else person), problems


def post_from_form(fields: Mapping[str, str], *, taken: Mapping[str, str] | None = None) -> tuple[dict, list[str]]:
    """A post's values (as :func:`app.services.roster.save_post` takes them) from the dialog's texts,
    and every problem. ``taken``: ids already used (编号 → 岗位) when adding."""
    problems = []
    ident, name = fields.get("id", "").strip(), fields.get("name", "").strip()
    if not ident:
        problems.append("编号: 为空")
    elif taken is not None and ident in taken:
        problems.append(f"编号: {ident} 已有岗位（{taken[ident]}）")
    if not name:
        problems.append("岗位名称: 为空")
    values: dict = {"post_id": ident, "name": name, "office": fields.get("office", "").strip() or None}
    for key, label, low, blank in (("seats", "职数", 1, False), ("headcount", "核定人数", 0, True)):
        text = fields.get(key, "").strip()
        if not text and blank:
            values[key] = None
            continue
        if not text.isdigit() or int(text) < low:
            problems.append(f"{label}: “{text}” 须为不小于 {low} 的整数")
            continue
        values[key] = int(text)
    return values, problems
