"""§二 who takes part, and for a 拟竞争科长 whether the rank has been held long enough (§二(二)).

**Decision:** the years run from 任职时间 (任现职时间) to the screening date in full years (满N年 includes
N); a month-precision date counts from the 1st of that month. 正科实职 is the rank of a 原任科长
(§二(一)), 科员 is outside §二(二). "符合党政干部任职基本条件" is a judgement left to the 资格审查 and
is not checked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.roster import RosterPerson, as_date
from ..core.rotation import full_years

OK, NOT_MET, UNKNOWN, PLAIN = "ok", "not_met", "unknown", "plain"

# §二(二) 正科虚职满三年、副科实职满二年、副科虚职满三年 … 可申报参加竞争科长职位的述职述廉.
CHIEF_RANK_YEARS = {"正科虚职": 3, "副科实职": 2, "副科虚职": 3}

CATEGORY_CLAUSES = {
    "原任科长": ("§二(一)", "原任科长，全程参加竞争轮岗（§二(一)）"),
    "行政一般": ("§二(三)", "行政编制一般人员，全程参与竞争轮岗（§二(三)）"),
    "事业人员": ("§二(四)", "事业人员，按双向选择补充到行政岗位（§二(四)）"),
}


@dataclass(frozen=True)
class Qualification:
    state: str       # ok / not_met / unknown / plain
    short: str       # the cell text
    text: str        # the whole sentence, with the clause


def chief_qualification(rank: str, post_start: str | None, as_of: date) -> Qualification:
    """§二(二) for a 拟竞争科长: rank held for the required full years, counted from 任职时间."""
    if rank == "正科实职":
        return Qualification(UNKNOWN, "应列原任科长", "正科实职应列为原任科长（§二(一)）")
    need = CHIEF_RANK_YEARS.get(rank)
    if need is None:
        return Qualification(NOT_MET, "职级不符", f"不符合§二(二)：{rank}不在可竞争科长的职级之列")
    if not post_start:
        return Qualification(UNKNOWN, "缺任职时间", f"缺任职时间，无法审查§二(二)（{rank}须满{need}年）")
    start = as_date(post_start)
    if start > as_of:
        return Qualification(UNKNOWN, "任职时间有误", f"任职时间 {post_start} 晚于审查日期")
    years = full_years(start, as_of)
    if years >= need:
        return Qualification(OK, f"符合 {years}年", f"符合§二(二)：{rank}满{need}年（{years}年）")
    return Qualification(NOT_MET, f"不符合 {years}年", f"不符合§二(二)：{rank}须满{need}年，至审查日期{years}年")


def qualification(person: RosterPerson, as_of: date) -> Qualification:
    """§二: the clause under which ``person`` takes part (and §二(二) for a 拟竞争科长)."""
    if person.category == "拟竞争科长":
        return chief_qualification(person.rank, person.post_start, as_of)
    short, text = CATEGORY_CLAUSES.get(person.category, (person.category, person.category))
    if person.no_rotation and person.category == "原任科长":
        text += "；特殊岗位不轮岗，仍须参加考试、述职述廉、满意度测评、民主测评"
    return Qualification(PLAIN, short, text)
