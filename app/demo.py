"""A deterministic demo campaign (SPEC §8 ``jinggang-campaign/1``) for trying the program out.

:func:`generate_campaign` builds a realistic-looking 竞争轮岗 — a bureau's 科室 as posts, people
with Chinese names, exam / 民主测评 / 考核 scores, 满意度测评, up to three rounds of 报岗,
judges' speech scores and the 定岗推荐 counts by voter group — from ``random.Random(seed)``
alone, so the same arguments always give the same document. Standard library only.

Every score is built from integers (tenths) and written as a string with at most one decimal;
no float ever becomes a score. All names are invented.

``python -m app.demo --people 300 --posts 30 --out demo.json`` writes one to a file.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from typing import Any, Sequence, TypeVar

FORMAT = "jinggang-campaign/1"

T = TypeVar("T")

# Common surnames, most frequent first, with rough relative weights.
_SURNAMES = (
    ("王", 72), ("李", 71), ("张", 68), ("刘", 53), ("陈", 46), ("杨", 32), ("黄", 25), ("赵", 20),
    ("吴", 19), ("周", 19), ("徐", 15), ("孙", 14), ("马", 13), ("朱", 12), ("胡", 12), ("郭", 11),
    ("何", 10), ("高", 10), ("林", 10), ("罗", 9), ("郑", 9), ("梁", 8), ("谢", 7), ("宋", 7),
    ("唐", 7), ("许", 6), ("韩", 6), ("冯", 6), ("邓", 6), ("曹", 6), ("彭", 5), ("曾", 5),
    ("肖", 5), ("田", 5), ("董", 5), ("袁", 4), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4),
    ("余", 4), ("杜", 4), ("叶", 4), ("程", 3), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3),
    ("任", 3), ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 2), ("钟", 2), ("谭", 2),
    ("陆", 2), ("汪", 2), ("范", 2), ("金", 2), ("石", 2), ("廖", 2), ("贾", 2), ("夏", 2),
)

# Characters that commonly make up given names (either position).
_GIVEN = (
    "建国明华伟军平文志强海林红丽芳敏静燕霞玲丹磊涛斌勇杰鹏辉波峰刚凯晓春秋新利永宏亮东升俊"
    "雪云梅兰英娟萍琳洁颖艳玉秀宇浩婷慧佳欣晨阳光荣德成忠卫庆瑞安学金远中振立彬飞祥福生喜"
    "子璐嘉鑫超健民淑桂凤珍琴岩松柏胜武世泽坤蕾薇倩"
)

# A bureau's 科室 (posts are their 科长); more than needed for the default 12.
_OFFICES = (
    "办公室", "人事科", "财务科", "法规科", "计划科", "统计科", "监察室", "信访科", "科技科", "审计科",
    "行政审批科", "执法监督科", "政策研究室", "综合科", "宣传科", "机关党委办公室", "离退休干部科",
    "安全生产科", "项目管理科", "规划科", "资产管理科", "档案科", "教育培训科", "市场监管科",
    "质量监督科", "产业发展科", "对外合作科", "应急管理科", "督查科", "社会事务科", "信息化科",
    "后勤服务科", "基建科", "组织科", "工会办公室", "证照管理科",
)
_NUMERALS = "一二三四五六七八九"

_RANKS = ("正科实职", "正科虚职", "副科实职", "副科虚职", "科员")
# Share of the people who are not incumbent 科长 (正科实职), per rank, in percent.
_OTHER_RANK_WEIGHTS = (0, 15, 25, 20, 40)
# How strongly each rank is drawn to compete (added to a 0–999 lottery number).
_COMPETE_BOOST = {"正科实职": 700, "正科虚职": 500, "副科实职": 450, "副科虚职": 250, "科员": 0}

_GROUPS = ("leaders", "staff", "unit_heads", "county_chiefs")


def _tenths(t: int) -> str:
    """An integer number of tenths as score text: 825 → "82.5", 900 → "90"."""
    if t % 10 == 0:
        return str(t // 10)
    return f"{t // 10}.{t % 10}"


def _around(r: random.Random, center: int, spread: int, low: int = 600, high: int = 980) -> str:
    """A score in tenths near ``center`` (± ``spread``), kept within [low, high] ⊆ [0, 1000]."""
    return _tenths(min(high, max(low, center + r.randint(-spread, spread))))


def _chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (1–99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens - 1] + "十")
    return head + ("" if ones == 0 else _NUMERALS[ones - 1])


def _office_name(i: int) -> str:
    if i < len(_OFFICES):
        return _OFFICES[i]
    k = i - len(_OFFICES) + 1
    return f"业务{_chinese_number(k)}科" if k < 100 else f"业务{k}科"


def _name(r: random.Random) -> str:
    surname = r.choices([s for s, _ in _SURNAMES], weights=[w for _, w in _SURNAMES])[0]
    if r.randint(1, 100) <= 20:  # a one-character given name (王伟, 李娜 …) is common too
        return surname + r.choice(_GIVEN)
    first, second = r.choice(_GIVEN), r.choice(_GIVEN)
    while second == first and r.randint(1, 4) > 1:  # doubled characters (丽丽) only now and then
        second = r.choice(_GIVEN)
    return surname + first + second


def _pick(r: random.Random, items: Sequence[T], weights: Sequence[int], k: int) -> list[T]:
    """``k`` distinct items, drawn one by one with integer weights, in the order drawn."""
    pool = list(zip(items, weights))
    chosen: list[T] = []
    while pool and len(chosen) < k:
        total = sum(w for _, w in pool)
        x = r.randrange(total)
        for j, (item, w) in enumerate(pool):
            if x < w:
                chosen.append(item)
                del pool[j]
                break
            x -= w
    return chosen


def _declarations(r: random.Random, post_ids: list[str], appeal: list[int]) -> list[list[str]]:
    """1–3 rounds of 报岗 (§九): rounds 1 and 2 one or two distinct posts, round 3 exactly one."""
    most = min(2, len(post_ids))
    n_rounds = r.choices((1, 2, 3), weights=(5, 3, 2))[0]
    rounds = [_pick(r, post_ids, appeal, r.choices((1, 2), weights=(4, 6))[0] if most == 2 else 1)]
    if n_rounds >= 2:
        prev = rounds[-1]
        size = r.choices((1, 2), weights=(5, 5))[0] if most == 2 else 1
        if r.randint(1, 100) <= 55:  # keeps the first choice, may change the second
            rest = [p for p in post_ids if p != prev[0]]
            rest_appeal = [appeal[post_ids.index(p)] for p in rest]
            rounds.append([prev[0]] + _pick(r, rest, rest_appeal, size - 1))
        else:
            rounds.append(_pick(r, post_ids, appeal, size))
    if n_rounds == 3:
        prev = rounds[-1]
        rounds.append([prev[0]] if r.randint(1, 100) <= 60 else _pick(r, post_ids, appeal, 1))
    return rounds


def _group_sizes(r: random.Random, voters: int) -> dict[str, int]:
    """Voters present at the 定岗推荐 meeting by group: leaders ~7, unit heads ~15, county chiefs ~12,
    the other 行政编制 staff the rest; they sum to ``voters``."""
    leaders = min(r.randint(5, 7), max(1, voters // 10))
    unit_heads = min(r.randint(13, 15), max(1, voters // 8))
    county_chiefs = min(r.randint(10, 12), max(1, voters // 10))
    staff = voters - leaders - unit_heads - county_chiefs
    return {"leaders": leaders, "staff": staff, "unit_heads": unit_heads, "county_chiefs": county_chiefs}


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _roster_fields(r: random.Random, person_list: list[dict[str, Any]], post_list: list[dict[str, Any]]) -> None:
    """§三 资格审查 fields (a separate random stream, so the scores above do not depend on them)."""
    offices = [p["name"].removesuffix("科长") for p in post_list]
    for post, office in zip(post_list, offices):
        post["office"] = office
        post["headcount"] = r.randint(3, 6)
    for p in person_list:
        rank, competing = p["rank"], "declarations" in p
        senior = rank in ("正科实职", "正科虚职")
        birth_year = r.randint(1966, 1982) if senior else r.randint(1972, 1998)
        work_year = min(2024, birth_year + r.randint(20, 24))
        p["gender"] = r.choices(("男", "女"), weights=(6, 4))[0]
        p["birth"] = _month(birth_year, r.randint(1, 12))
        p["work_start"] = _month(work_year, r.choice((7, 8, 9, 12)))
        p["post_start"] = _month(max(work_year + 1, r.randint(2008, 2024)), r.randint(1, 12))
        p["political"] = r.choices(("中共党员", "群众", "民主党派"), weights=(80, 17, 3))[0]
        p["education"] = r.choices(("研究生", "大学本科", "大专", "中专"), weights=(15, 60, 20, 5))[0]
        if rank == "正科实职":
            p["category"] = "原任科长"
        elif competing:
            p["category"] = "拟竞争科长"
        else:
            p["category"] = r.choices(("行政一般", "事业人员"), weights=(4, 1))[0]
        business = p["category"] == "事业人员"
        p["identity"] = "事业" if business else "行政"
        p["unit"] = r.choice(("信息中心", "培训中心")) if business else "局机关"
        p["former_office"] = r.choice(offices)
        p["no_rotation"] = p["category"] == "行政一般" and r.randint(1, 20) == 1


# 岗位性质 (county speech) and 负责工作 (暂行办法 第七条（一）、第九条（二）) of a 科室, by words in its name.
_OFFICE_KINDS = (
    (("人事", "组织", "财务", "资产", "后勤", "基建"), "人财物管理"),
    (("项目", "计划", "规划"), "项目经费审批"),
    (("证照", "行政审批"), "证牌照核发"),
    (("执法", "监察", "审计", "法规", "监管", "监督", "督查"), "执法监督监察"),
)
_OFFICE_DUTIES = (("组织", "组织"), ("人事", "人事"), ("财务", "财务"), ("审计", "审计"), ("项目", "项目审批"),
                  ("执法", "执纪执法"), ("监察", "执纪执法"), ("资产", "资金管理"), ("后勤", "行政后勤"))
_EXEMPTIONS = ("患重大疾病", "专业技术要求较高", "涉及重要机密", "正在接受审查")


def _rotation_fields(r: random.Random, person_list: list[dict[str, Any]]) -> None:
    """The roster's 交流轮岗 fields (a stream of their own, so nothing above depends on them)."""
    for p in person_list:
        office = p.get("former_office") or ""
        p["speciality"] = r.choices(("经济类", "法律类", "其它类"), weights=(35, 20, 45))[0]
        p["post_kind"] = next((kind for words, kind in _OFFICE_KINDS if any(w in office for w in words)), "其它")
        duties = [d for word, d in _OFFICE_DUTIES if word in office]
        if duties:
            p["duties"] = "、".join(dict.fromkeys(duties))
        if p["rank"] == "正科实职" or (p["rank"] == "副科实职" and r.randint(1, 3) == 1):
            p["bureau_leader"] = True
            p["leader_rank"] = "正职" if p["rank"] == "正科实职" else "副职"
        if p.get("category") == "拟竞争科长" and r.randint(1, 5) == 1:
            p["reserve_cadre"] = True
        p["units_served"] = r.choices((1, 2, 3), weights=(45, 35, 20))[0]
        start, post = int(p["work_start"][:4]), int(p["post_start"][:4])
        p["unit_start"] = _month(r.randint(min(start + 1, post), post), r.randint(1, 12))
        if r.randint(1, 25) == 1:
            p["exemption"] = r.choice(_EXEMPTIONS)


def generate_campaign(people: int = 60, posts: int = 12, judges: int = 25, voters: int = 300,
                      seed: int = 1) -> dict[str, Any]:
    """A valid ``jinggang-campaign/1`` document (a dict ready for ``json.dump``).

    ``people`` persons (ids "1001", "1002", …; about a third of them compete), ``posts`` 科长 posts
    (ids "P01", …, one seat each), ``judges`` speech scores per competitor and ``voters`` present
    at the 定岗推荐 meeting. The same arguments always give the same document.
    """
    if people < 1:
        raise ValueError("people must be at least 1")
    if posts < 1:
        raise ValueError("posts must be at least 1")
    if judges < 5:
        raise ValueError("judges must be at least 5 (two highest and two lowest are dropped)")
    if voters < 4:
        raise ValueError("voters must be at least 4 (one per voter group)")
    r = random.Random(seed)

    # Posts: the 科长 of each 科室; some are more sought after than others.
    post_list = [{"id": f"P{i + 1:02d}", "name": f"{_office_name(i)}科长", "seats": 1} for i in range(posts)]
    post_ids = [p["id"] for p in post_list]
    appeal = [r.randint(2, 10) + (6 if i < 3 else 0) for i in range(posts)]

    # Ranks: one incumbent 科长 (正科实职) per post where there are people enough, the rest spread.
    ranks = ["正科实职"] * min(posts, people // 3) + [
        r.choices(_RANKS, weights=_OTHER_RANK_WEIGHTS)[0] for _ in range(people - min(posts, people // 3))
    ]
    r.shuffle(ranks)

    # About a third compete; 科级 people are likelier to.
    n_compete = max(1, (people + 1) // 3)
    lottery = sorted(range(people), key=lambda i: (-(r.randint(0, 999) + _COMPETE_BOOST[ranks[i]]), i))
    # §二(二): only 正科/副科 may compete for 科长 — a 科员 never does (they join the 科员定岗, §十五).
    competing = set([i for i in lottery if ranks[i] != "科员"][:n_compete])
    failing = {i for i in range(people) if r.randint(1, 100) <= 4}
    if n_compete >= 6:  # so that a demo shows a competitor barred by the 满意度测评 (§五)
        failing.add(r.choice(sorted(competing)))

    person_list: list[dict[str, Any]] = []
    quality: dict[str, int] = {}
    for i in range(people):
        pid = str(1001 + i)
        q = (r.randint(0, 100) + r.randint(0, 100)) // 2   # a latent merit, 0–100
        quality[pid] = q
        person: dict[str, Any] = {
            "id": pid,
            "name": _name(r),
            "rank": ranks[i],
            "exam": _around(r, 650 + q * 5 // 2, 80),
            "democratic": {d: _around(r, 780 + q * 3 // 2, 40) for d in ("de", "neng", "qin", "ji", "lian")},
            "appraisal": [_around(r, 850 + q, 30) for _ in range(3)],
        }
        present = max(1, voters - r.randint(0, max(1, voters // 12)))
        if i in failing:
            low = (present + 2) // 3                     # ⌈present/3⌉: a rate of at least 1/3
            dissatisfied = r.randint(low, max(low, present * 45 // 100))
        else:
            dissatisfied = r.randint(0, present * 12 // 100)
        person["satisfaction"] = {"present": present, "dissatisfied": dissatisfied}
        if i in competing:
            person["declarations"] = _declarations(r, post_ids, appeal)
        person_list.append(person)

    _roster_fields(random.Random(seed * 7919 + 17), person_list, post_list)
    _rotation_fields(random.Random(seed * 7919 + 29), person_list)
    competitors = [p for p in person_list if "declarations" in p]

    # §十 竞岗演讲: every judge scores every competitor (百分制, one decimal); judges differ a little.
    bias = [r.randint(-20, 20) for _ in range(judges)]
    speech = {}
    for p in competitors:
        center = 700 + quality[p["id"]] * 2
        speech[p["id"]] = [_around(r, center + b, 60, low=500, high=990) for b in bias]

    # §十一 定岗推荐: each voter recommends a competitor for one post (a declared one or a suggested
    # one), or gives no valid recommendation; so a person's counts in a group sum to at most present.
    present_by_group = _group_sizes(r, voters)
    counts: list[dict[str, Any]] = []
    for p in competitors:
        declared = p["declarations"][-1]
        others = [x for x in post_ids if x not in declared]
        suggested = r.sample(others, min(len(others), r.choices((0, 1, 2), weights=(50, 35, 15))[0]))
        options = declared + suggested
        base = [r.randint(200, 800)] + ([r.randint(50, 450)] if len(declared) > 1 else [])
        base += [r.randint(10, 250) for _ in suggested]
        base.append(r.randint(100, 500))                     # abstain / invalid for this candidate
        tally: dict[str, Counter[int]] = {}
        for g in _GROUPS:
            weights = [w * r.randint(70, 130) for w in base]  # the groups see it a little differently
            tally[g] = Counter(r.choices(range(len(options) + 1), weights=weights, k=present_by_group[g]))
        for j, post in enumerate(options):
            entry = {"person": p["id"], "post": post} | {g: tally[g][j] for g in _GROUPS}
            if j < len(declared) or any(entry[g] for g in _GROUPS):
                counts.append(entry)
    counts.sort(key=lambda c: (c["person"], c["post"]))

    return {
        "format": FORMAT,
        "title": "演示竞岗（程序生成的示例数据，姓名均为虚构）",
        "generator": {"program": "app.demo", "seed": seed, "people": people, "posts": posts,
                      "judges": judges, "voters": voters},
        "scheme": {"speech_trim": 2, "assignment": "literal"},
        "posts": post_list,
        "people": person_list,
        "speech": speech,
        "recommendation": {"present": present_by_group, "counts": counts},
    }


JUDGE_SHARE = (("leaders", 5), ("unit_heads", 8), ("county_chiefs", 12))
"""Who judges the 竞岗演讲 (§十): 局领导, 事业单位负责人, 各县（市、区）局长 — 25 seats at the default shares."""


def rehearsal_campaign(people: int = 60, posts: int = 12, judges: int = 25, voters: int = 300,
                       seed: int = 1) -> dict[str, Any]:
    """A campaign ready for each meeting, to rehearse them (文件 → 演练): the roster with its 考试 and 考核,
    the posts, every 报岗, the judges by name and group and those present at the 定岗推荐 — but no
    满意度测评 or 民主测评 yet (counted at the 述职 meeting), no draw, no judge's score and no ballot: every
    voter group is counted by 唱票, none by typed counts."""
    doc = generate_campaign(people, posts, judges, voters, seed)
    for person in doc["people"]:
        person.pop("satisfaction", None)
        person.pop("democratic", None)
    r = random.Random(seed * 104729 + 3)
    seats = [g for g, n in JUDGE_SHARE for _ in range(n)]
    seats = (seats * (judges // len(seats) + 1))[:judges]
    doc["judges"] = [{"id": f"J{n:02d}", "name": _name(r), "group": g, "seat": n} for n, g in enumerate(seats, start=1)]
    doc["speech"] = {}
    doc["recommendation"] = {"present": doc["recommendation"]["present"], "counts": []}
    doc["title"] = "演练竞岗（供会前演练，姓名均为虚构）"
    doc["generator"] |= {"rehearsal": True}
    return doc


def main(argv: Sequence[str] | None = None) -> int:
    from .cli_parser import ChineseArgumentParser
    parser = ChineseArgumentParser(prog="python -m app.demo",
                                     description="生成一个演示竞岗文件（jinggang-campaign/1，数据均为虚构）")
    parser.add_argument("--people", type=int, default=60, help="人数（约三分之一参加竞岗），默认 60")
    parser.add_argument("--posts", type=int, default=12, help="科长岗位数，默认 12")
    parser.add_argument("--judges", type=int, default=25, help="演讲评委人数（至少 5），默认 25")
    parser.add_argument("--voters", type=int, default=300, help="定岗推荐到会人数，默认 300")
    parser.add_argument("--seed", type=int, default=1, help="随机种子（同一种子得到同一文件），默认 1")
    parser.add_argument("--out", help="输出文件；不给则写到标准输出")
    args = parser.parse_args(argv)
    try:
        document = generate_campaign(args.people, args.posts, args.judges, args.voters, args.seed)
    except ValueError as err:
        parser.error(str(err))
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
