#!/usr/bin/env python3
"""verify_evidence.py — 竞岗考评证据包的独立核对程序（只用 Python 标准库）。

用法（在证据包文件夹中，或把文件夹作为参数）：

    python -I verify_evidence.py [文件夹] [--password 监督组密码] [--printed 摘要码@条目号 ...]

它不依赖竞岗考评程序，自己重新计算并核对：

1. MANIFEST.sha256 中每个文件的 SHA-256（文件是否完整）；
2. audit.jsonl 审计日志的哈希链（每条的哈希、与上一条的链接、条目号连续），并给出链头的摘要码；
3. 阶段记录：每项数据改动都发生在该阶段为“草稿”或“已确认”时；每次锁定、公布、解锁都紧跟监督组封签；
4. 给出 --password 时：监督组密码与校验值相符，每个封签的 HMAC-SHA256 有效；
5. 给出 --printed 时：每个公示表或大屏上记下的摘要码是日志第 n 条的链头；
6. snapshots/ 中每次公布的快照：SHA-256 与审计日志中的记录一致，快照中公布的每一个数字都按《实施细则》
   （SPEC §2–§4：三位小数、四舍五入、精确分数比较）由快照自身的数据重新算出；
7. 当前仍为“已公布”的阶段：campaign.json 中的数据与其最后一次公布时的快照一致；定岗推荐票逐张重新计票，
   与公布的推荐数一致。

全部通过时退出码 0（尚无任何公布时也是 0），否则退出码 1，并逐条说明哪里不符。

SPEC §9 seal: HMAC-SHA256(K, "jinggang-seal/1|" + action + "|" + stage + "|" + n + "|" + head_hex),
K = PBKDF2-HMAC-SHA256(password, seal_salt, iterations, 32). Chain: hash = sha256(prev_hash + "\\n" +
canonical JSON of [seq, at, operator, action, entity, old, new, reason]).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import sys
from fractions import Fraction
from pathlib import Path

GENESIS = "0" * 64

# -- stage rules (SPEC §9), as the program applies them ------------------------------------------

STAGE_LABELS = {
    "roster": "人员名单", "exam": "考试与测评", "declarations": "报岗", "draw": "抽签",
    "speech": "竞岗演讲评分", "recommendation": "定岗推荐计票", "assignment": "综合考评与人选",
    "selection": "双向选择",
}
STATE_LABELS = {"draft": "草稿", "confirmed": "已确认", "locked": "已锁定", "published": "已公布"}
DRAWS_ON = {
    "roster": (), "exam": ("roster",), "declarations": ("roster",), "draw": ("roster", "declarations"),
    "speech": ("draw",), "recommendation": ("declarations", "exam"),
    "assignment": ("exam", "speech", "recommendation"), "selection": ("assignment",),
}
TABLE_STAGE = {
    "people": "roster", "posts": "roster", "scores": "exam", "declarations": "declarations", "draws": "draw",
    "judges": "speech", "speech_scores": "speech", "presence": "recommendation", "rec_counts": "recommendation",
    "ballots": "recommendation", "ballot_numbers": "recommendation", "selection_choices": "selection",
    "selection_picks": "selection", "selection_placements": "selection", "scheme": "*",
}
META_STAGE = {
    "declarations_published_round": "declarations", "selection_round": "selection",
    "selection_staff_end": "selection", "supervision_phone": "roster", "supervision_mailbox": "roster",
    "publicity_issuer": "roster",
}
META_PREFIX_STAGE = {"ballots_": "recommendation"}
WRITE_ONCE = ("meta:supervisor_password", "meta:seal_kdf")
MOVES = {("draft", "confirmed"): None, ("confirmed", "draft"): None, ("confirmed", "locked"): "lock",
         ("locked", "published"): "publish", ("locked", "draft"): "unlock", ("published", "draft"): "unlock",
         ("published", "locked"): "withdraw"}
MOVE_LABELS = {"lock": "锁定", "publish": "公布", "unlock": "解锁", "withdraw": "撤回公布"}
ACTION_LABELS = {"lock": "锁定", "publish": "公布", "unlock": "解锁", "open-count": "开始计票",
                 "close-count": "结束计票", "accept-difference": "认可差额", "reopen-count": "重新打开计票"}
# The count's state (meta ballots_count) and an accepted difference (meta ballots_accepted): each change
# needs its seal right after it (SPEC §10).
COUNT_MOVES = {("", "open"): "open-count", ("open", "closed"): "close-count", ("", "closed"): "close-count",
               ("closed", "open"): "reopen-count"}
GROUPS = ("leaders", "staff", "unit_heads", "county_chiefs")
DIMENSIONS = ("de", "neng", "qin", "ji", "lian")


def canonical(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_of(head: str, n: int) -> str:
    d = head[:16].upper()
    return f"摘要码 {d[0:4]}-{d[4:8]}-{d[8:12]}-{d[12:16]}（第 {n} 条）"


def upstream(stage: str) -> list:
    seen, todo = set(), list(DRAWS_ON.get(stage, ()))
    while todo:
        s = todo.pop()
        if s not in seen:
            seen.add(s)
            todo.extend(DRAWS_ON.get(s, ()))
    return [s for s in DRAWS_ON if s in seen]


def stage_of(entity: str):
    table, _, key = entity.partition(":")
    if table == "blind_entries":
        return stage_of(key)
    if table == "meta":
        if key in META_STAGE:
            return META_STAGE[key]
        return next((st for p, st in META_PREFIX_STAGE.items() if key.startswith(p)), None)
    return TABLE_STAGE.get(table)


def state_of(text):
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value.get("state") if isinstance(value, dict) else None


def meta_value(text):
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value.get("value") if isinstance(value, dict) else None


# -- exact numbers (SPEC §1) ---------------------------------------------------------------------

def q(text) -> Fraction:
    """An entered or published number, exactly (never a float)."""
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int):
        return Fraction(text)
    return Fraction(str(text).strip())


def half_up(x: Fraction) -> Fraction:
    """Three decimals, 四舍五入 (ROUND_HALF_UP on the exact value)."""
    sign = -1 if x < 0 else 1
    scaled = abs(x) * 1000
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Fraction(sign * whole, 1000)


def shown(x) -> str | None:
    if x is None:
        return None
    x = half_up(x)
    sign = "-" if x < 0 else ""
    n = abs(x.numerator * 1000 // x.denominator)
    return f"{sign}{n // 1000}.{n % 1000:03d}"


# -- the rules (SPEC §2–§4), written here afresh ------------------------------------------------

DEFAULT_SCHEME = {
    "exam_parts": {"行测": "30", "申论": "50", "公共基础": "20"},
    "satisfaction_threshold": "1/3",
    "dimension_weights": {"de": "0.30", "neng": "0.15", "qin": "0.10", "ji": "0.25", "lian": "0.20"},
    "grade_points": {"优秀": "100", "称职": "80", "基本称职": "60", "不称职": "0"},
    "exam_weight": "0.10", "democratic_weight": "0.30", "appraisal_weight": "0.60",
    "rank_bonus": {"正科实职": "4", "正科虚职": "2", "副科实职": "1", "副科虚职": "0"},
    "speech_trim": 2,
    "group_weights": {"leaders": "0.35", "staff": "0.40", "unit_heads": "0.15", "county_chiefs": "0.10"},
    "threshold": "1/3",
    "composite_weights": {"quantified": "0.30", "speech": "0.10", "recommendation": "0.60"},
    "assignment": "literal",
}


def scheme_of(campaign: dict) -> dict:
    s = json.loads(json.dumps(DEFAULT_SCHEME))
    for key, value in (campaign.get("scheme") or {}).items():
        if isinstance(value, dict) and isinstance(s.get(key), dict):
            s[key] = {**s[key], **value}
        else:
            s[key] = value
    return s


def effective(rounds) -> list:
    for posts in reversed(rounds or []):
        if posts:
            return list(posts)
    return []


def person_numbers(p: dict, scheme: dict, speech) -> dict:
    out = {}
    exam = p.get("exam")
    if isinstance(exam, dict):
        exam_v = half_up(sum((q(v) for v in exam.values()), Fraction(0)))
    elif exam is not None:
        exam_v = half_up(q(exam))
    else:
        exam_v = None
    dem_v = None
    if p.get("democratic") is not None:
        dims = {}
        for d in DIMENSIONS:
            v = p["democratic"][d]
            if isinstance(v, dict):
                total = sum(v.values())
                dims[d] = half_up(sum((n * q(scheme["grade_points"][g]) for g, n in v.items()), Fraction(0)) / total)
            else:
                dims[d] = q(v)
        dem_v = half_up(sum((q(scheme["dimension_weights"][d]) * dims[d] for d in DIMENSIONS), Fraction(0)))
    apps = [q(a) for a in (p.get("appraisal") or [])]
    avg = half_up(sum(apps, Fraction(0)) / len(apps)) if apps else None
    bonus = half_up(q(scheme["rank_bonus"].get(p.get("rank"), "0")))
    quant = None
    if exam_v is not None and dem_v is not None and avg is not None:
        quant = half_up(q(scheme["exam_weight"]) * exam_v + q(scheme["democratic_weight"]) * dem_v
                        + q(scheme["appraisal_weight"]) * avg + bonus)
    mean = None
    if speech:
        k = int(scheme["speech_trim"])
        values = sorted(q(x) for x in speech)
        kept = values[k:len(values) - k]
        mean = half_up(sum(kept, Fraction(0)) / len(kept))
    sat = None
    if p.get("satisfaction") is not None:
        present, dis = p["satisfaction"]["present"], p["satisfaction"]["dissatisfied"]
        rate = Fraction(dis, present)
        sat = {"rate": shown(rate), "passed": rate < q(scheme["satisfaction_threshold"])}
    out = {"exam": exam_v, "democratic": dem_v, "appraisal_avg": avg, "bonus": bonus, "quantified": quant,
           "speech": mean, "satisfaction": sat}
    return out


def recommend(present: dict, counts: dict, scheme: dict):
    total = sum(present.get(g, 0) for g in GROUPS)
    n = sum(counts.get(g, 0) for g in GROUPS)
    rate = Fraction(n, total)
    eligible = rate >= q(scheme["threshold"])
    base = {g: q(scheme["group_weights"][g]) for g in GROUPS if present.get(g, 0) > 0}
    scale = sum(base.values(), Fraction(0))
    score = None
    if eligible:
        score = half_up(100 * sum((w / scale * Fraction(counts.get(g, 0), present[g]) for g, w in base.items()),
                                  Fraction(0)))
    absent = [g for g in GROUPS if present.get(g, 0) == 0]
    return rate, eligible, score, absent


def assign(posts: list, cands: list, mode: str):
    """§十三: persons rank posts by 推荐率 (equal: declared first, first choice first); posts rank persons by
    综合考评, then 推荐率, then declared; ties for the 党组; literal: a loser is not moved, fallback: moves on."""
    seats = {p["id"]: int(p.get("seats", 1)) for p in posts}

    def pref(c):
        return (-c["rate"], not c["declared"], c["choice"] if c["declared"] and c["choice"] is not None else 0)

    def merit(c):
        return (c["composite"], c["rate"], c["declared"])

    by_person = {}
    for c in cands:
        by_person.setdefault(c["person"], []).append(c)
    tiers = {}
    for person, cs in by_person.items():
        ts = []
        for c in sorted(cs, key=lambda c: (pref(c), c["post"])):
            if ts and pref(ts[-1][0]) == pref(c):
                ts[-1].append(c)
            else:
                ts.append([c])
        tiers[person] = ts[:1] if mode == "literal" else ts
    step = {p: 0 for p in tiers}
    held, proposed, undecided_people = {}, {}, []
    free = set(tiers)
    while free:
        offers = {}
        for person in sorted(free):
            i = step[person]
            if i >= len(tiers[person]):
                continue
            tier = tiers[person][i]
            if len(tier) > 1:
                undecided_people.append({"person": person, "posts": sorted(c["post"] for c in tier),
                                         "reason": "equal rates of suggested posts"})
                continue
            offers.setdefault(tier[0]["post"], []).append(tier[0])
        free = set()
        for post, new in offers.items():
            proposed.setdefault(post, []).extend(new)
            applicants = held.get(post, []) + new
            if len(applicants) <= seats[post] or any(c["composite"] is None for c in applicants):
                kept = applicants
            else:
                cut = sorted((merit(c) for c in applicants), reverse=True)[seats[post] - 1]
                kept = [c for c in applicants if merit(c) >= cut]
            held[post] = kept
            for c in applicants:
                if c not in kept:
                    step[c["person"]] += 1
                    free.add(c["person"])
    placements, undecided, vacant = [], [], []
    for post in sorted(seats):
        holders, n = held.get(post, []), seats[post]
        if len(holders) > n:
            if any(c["composite"] is None for c in holders):
                undecided.append({"post": post, "persons": sorted(c["person"] for c in holders),
                                  "reason": "missing scores"})
                continue
            cut = sorted((merit(c) for c in holders), reverse=True)[n - 1]
            tied = [c for c in holders if merit(c) == cut]
            winners = [c for c in holders if c not in tied]
            undecided.append({"post": post, "persons": sorted(c["person"] for c in tied), "reason": "tie"})
        else:
            winners = holders
        losers = [c for c in proposed.get(post, []) if c not in winners]
        best = max(losers, key=merit, default=None)
        for c in sorted(winners, key=lambda c: c["person"]):
            if step[c["person"]] > 0:
                rule = "fallback"
            elif best is None:
                rule = "13.1"
            elif c["composite"] != best["composite"]:
                rule = "13.3"
            elif c["rate"] != best["rate"]:
                rule = "13.3-rate"
            else:
                rule = "13.3-declared"
            placements.append({"post": post, "person": c["person"], "rule": rule})
        if len(winners) < n and len(holders) <= n:
            vacant.append(post)
    undecided_people.sort(key=lambda u: u["person"])
    competitors = sorted((post, c["person"]) for post, cs in proposed.items() for c in cs)
    return (sorted(placements, key=lambda a: (a["post"], a["person"])), vacant, undecided + undecided_people,
            competitors)


# -- the margin of a count (SPEC §11) -------------------------------------------------------------

def threshold_margin(n: int, present: int, theta: Fraction) -> int:
    """Changed ballots that move a pair across the line: eligible — the smallest k with (n − k)/P < θ;
    not eligible — the smallest k with (n + k)/P ≥ θ."""
    reach = -(-theta.numerator * present // theta.denominator)      # ⌈θ·P⌉
    return n - (reach - 1) if n >= reach else reach - n


def seat_margin(gap: Fraction, effects: list) -> int | None:
    """约: the fewest changed ballots, largest effect first, that close the gap (0 → 1; None: never)."""
    if gap == 0:
        return 1
    taken = 0
    for _, effect, ballots in effects:
        need = -(-gap // effect)
        if need <= ballots:
            return taken + int(need)
        taken += ballots
        gap -= ballots * effect
    return None


def decision_key(d: dict) -> tuple:
    return (d["ballots"], d["post"], d["person"], d["decision"] != "threshold", d.get("rival") or "")


def results_of(campaign: dict) -> dict:
    """The results document (SPEC §8) of a campaign, computed here."""
    scheme = scheme_of(campaign)
    people = {p["id"]: p for p in campaign.get("people", [])}
    numbers = {pid: person_numbers(p, scheme, (campaign.get("speech") or {}).get(pid)) for pid, p in people.items()}
    rec = campaign.get("recommendation") or {}
    present = rec.get("present")
    counted = {(c["person"], c["post"]): {g: c.get(g, 0) for g in GROUPS} for c in rec.get("counts") or []}
    keys = set(counted)
    for pid, p in people.items():
        keys |= {(pid, post) for post in effective(p.get("declarations"))}
    pairs, cands, absent, comps = [], [], [], {}
    for person, post in sorted(keys):
        declared_posts = effective(people[person].get("declarations"))
        declared = post in declared_posts
        choice = declared_posts.index(post) if declared else None
        rate = score = margin = None
        rec_eligible = False
        if present is not None and sum(present.values()) > 0:
            mine_counts = counted.get((person, post), {})
            rate, rec_eligible, score, absent = recommend(present, mine_counts, scheme)
            margin = threshold_margin(sum(mine_counts.get(g, 0) for g in GROUPS), sum(present.values()),
                                      q(scheme["threshold"]))
        sat = numbers[person]["satisfaction"]
        passed = sat is None or sat["passed"]
        eligible = bool(rate is not None and rec_eligible and passed)
        mine = numbers[person]
        composite = None
        if eligible and mine["quantified"] is not None and mine["speech"] is not None and score is not None:
            w = scheme["composite_weights"]
            composite = half_up(q(w["quantified"]) * mine["quantified"] + q(w["speech"]) * mine["speech"]
                                + q(w["recommendation"]) * score)
        pairs.append({"person": person, "post": post, "declared": declared,
                      "rate": shown(rate) if rate is not None else None, "eligible": eligible,
                      "recommendation": shown(score) if eligible else None, "composite": shown(composite),
                      "margin": margin})
        comps[(person, post)] = composite
        if eligible:
            cands.append({"person": person, "post": post, "rate": rate, "declared": declared, "choice": choice,
                          "composite": composite})
    placements, vacant, undecided, competitors = assign(campaign.get("posts", []), cands,
                                                        scheme.get("assignment", "literal"))
    # SPEC §11: each pair's 1/3 line, each seat against its closest rival, the count's smallest
    lines = [{"ballots": x["margin"], "post": x["post"], "person": x["person"], "decision": "threshold"}
             for x in pairs if x["margin"] is not None and (numbers[x["person"]]["satisfaction"] is None
                                                           or numbers[x["person"]]["satisfaction"]["passed"])]
    seats = {}
    if present is not None and sum(present.values()) > 0 and placements:
        base = {g: q(scheme["group_weights"][g]) for g in GROUPS if present.get(g, 0) > 0}
        scale = sum(base.values(), Fraction(0))
        share = q(scheme["composite_weights"]["recommendation"])
        effects = sorted(((g, 2 * share * 100 * (w / scale) / present[g], present[g]) for g, w in base.items()),
                         key=lambda e: (-e[1], GROUPS.index(e[0])))
        effects = [e for e in effects if e[1] > 0]
        composite_of = {(x["person"], x["post"]): comps.get((x["person"], x["post"])) for x in pairs}
        for a in placements:
            mine = composite_of.get((a["person"], a["post"]))
            if mine is None:
                continue
            placed_here = {b["person"] for b in placements if b["post"] == a["post"]}
            found = []
            for post, rival in competitors:
                theirs = composite_of.get((rival, post))
                if post != a["post"] or rival == a["person"] or rival in placed_here or theirs is None or theirs > mine:
                    continue
                k = seat_margin(mine - theirs, effects)
                if k is not None:
                    found.append({"ballots": k, "post": post, "person": a["person"], "decision": "seat",
                                  "rival": rival})
            if found:
                seats[(a["post"], a["person"])] = min(found, key=decision_key)
    for a in placements:
        seat = seats.get((a["post"], a["person"]))
        a["margin"] = seat["ballots"] if seat else None
    decisions = lines + list(seats.values())
    count = min(decisions, key=decision_key) if decisions else None
    doc = {"people": {pid: {k: (shown(v) if k != "satisfaction" else v) for k, v in numbers[pid].items()}
                      for pid in sorted(numbers)},
           "pairs": pairs, "assignment": placements, "vacant": sorted(vacant), "undecided": undecided,
           "margin": None if count is None else {k: count[k] for k in ("ballots", "post", "person", "decision")}}
    if pairs and present is not None and absent:
        doc["absent_groups"] = absent
    return doc


def published_part(stage: str, doc: dict) -> dict:
    """What a stage publishes, from a whole results document."""
    if stage == "exam":
        keys = ("exam", "democratic", "appraisal_avg", "bonus", "quantified", "satisfaction")
        return {"people": {pid: {k: r.get(k) for k in keys} for pid, r in doc["people"].items()}}
    if stage == "speech":
        return {"people": {pid: {"speech": r.get("speech")} for pid, r in doc["people"].items()}}
    if stage == "recommendation":
        keys = ("person", "post", "declared", "rate", "eligible", "recommendation", "margin")
        out = {"pairs": [{k: x.get(k) for k in keys} for x in doc["pairs"]], "margin": doc.get("margin")}
        if doc.get("absent_groups"):
            out["absent_groups"] = doc["absent_groups"]
        return out
    if stage == "assignment":
        return {k: v for k, v in doc.items() if k != "format"}
    return {}


def tally(ballots: list) -> dict:
    """定岗推荐票逐张计票: (person, post) → group → n, for the groups entered ballot by ballot."""
    counts, groups = {}, set()
    for b in ballots:
        if b.get("status", "valid") != "valid":
            continue
        groups.add(b["group"])
        for person, mark in (b.get("marks") or {}).items():
            kind, _, post = str(mark).partition(":")
            if kind in ("agree", "suggest") and post:
                counts.setdefault((person, post), {}).setdefault(b["group"], 0)
                counts[(person, post)][b["group"]] += 1
    return {"groups": groups, "counts": counts}


ROSTER_KEYS = ("id", "name", "rank", "category", "gender", "birth", "work_start", "post_start", "political",
               "education", "identity", "unit", "former_office", "no_rotation", "appraisal")


def frozen_part(campaign: dict, stage: str) -> dict:
    """The data a snapshot of ``stage`` holds, taken from a campaign file (to compare with the snapshot)."""
    stages = {stage, *upstream(stage)}
    out = {"scheme": campaign.get("scheme"), "posts": campaign.get("posts", []),
           "settings": {k: v for k, v in (campaign.get("settings") or {}).items() if stage_of(f"meta:{k}") in stages}}
    people = []
    for p in campaign.get("people", []):
        e = {k: p[k] for k in ROSTER_KEYS if k in p}
        if "exam" in stages:
            e.update({k: p[k] for k in ("exam", "democratic", "satisfaction") if k in p})
        if "declarations" in stages and "declarations" in p:
            e["declarations"] = p["declarations"]
        people.append(e)
    out["people"] = people
    if "speech" in stages:
        out.update({k: campaign[k] for k in ("judges", "speech", "speech_by_judge") if k in campaign})
    if "recommendation" in stages and campaign.get("recommendation"):
        out["recommendation"] = {k: v for k, v in campaign["recommendation"].items()
                                 if k not in ("ballots", "accounting", "checks", "scans")}
    if "selection" in stages and campaign.get("selection"):
        out["selection"] = campaign["selection"]
    return out


# -- the checks ---------------------------------------------------------------------------------

class Check:
    def __init__(self):
        self.findings, self.lines = [], []

    def bad(self, text: str) -> None:
        self.findings.append(text)

    def ok(self, text: str) -> None:
        self.lines.append(text)


def load_json(path: Path, check: Check):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        check.bad(f"{path.name}：无法读取（{err}）")
        return None


def check_manifest(folder: Path, check: Check) -> None:
    manifest = folder / "MANIFEST.sha256"
    if not manifest.exists():
        check.bad("缺少 MANIFEST.sha256（文件清单）")
        return
    count = 0
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        path = folder / name
        if not path.is_file():
            check.bad(f"清单中的文件 {name} 不存在")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            check.bad(f"文件 {name} 与清单中的 SHA-256 不符（文件被改动）")
        count += 1
    check.ok(f"文件清单：{count} 个文件，SHA-256 均相符" if not check.findings else f"文件清单：{count} 个文件")


def check_chain(rows: list, check: Check, password, printed: list) -> dict:
    """The chain, the stage-history rule, the seals (with the password) and printed codes."""
    prev, hashes, states, pending, seals = GENESIS, {}, {}, [], []
    latest, kdf, sealing, snapshots = {}, None, False, {}
    before = len(check.findings)

    def unsealed():
        for seq, stage, need in pending:
            check.bad(f"审计日志第 {seq} 条：阶段“{STAGE_LABELS.get(stage, stage)}”"
                      f"{MOVE_LABELS.get(need) or ACTION_LABELS.get(need, need)}，没有监督组封签")
        pending.clear()

    for i, r in enumerate(rows, start=1):
        if r.get("seq") != i:
            check.bad(f"审计日志第 {i} 条缺失（下一条为第 {r.get('seq')} 条）")
            return {"ok": False}
        if r.get("prev_hash") != prev:
            check.bad(f"审计日志第 {i} 条：与上一条的链接不符")
            return {"ok": False}
        body = canonical([r["seq"], r["at"], r["operator"], r["action"], r["entity"], r["old"], r["new"], r["reason"]])
        digest = sha256_text(f"{prev}\n{body}")
        if digest != r.get("hash"):
            check.bad(f"审计日志第 {i} 条：内容与其哈希不符（该条被改动）")
            return {"ok": False}
        hashes[i], prev = digest, digest
        action, entity = r["action"], r["entity"]
        if action == "event":
            if entity == "seal":
                try:
                    d = json.loads(r["new"])
                    s = (i, d["action"], d.get("stage", ""), int(d["n"]), d["mac"], r["prev_hash"], kdf,
                         d.get("withdrawn") or [])
                except (ValueError, KeyError, TypeError):
                    check.bad(f"审计日志第 {i} 条：封签格式不对")
                    pending.clear()
                    continue
                seals.append(s)
                if s[3] != i - 1:
                    check.bad(f"审计日志第 {i} 条：封签所封的不是前一条")
                matched = False
                for seq, stage, need in pending:
                    if need == s[1] and stage == s[2]:
                        matched = True
                    elif not (need == "withdraw" and s[1] == "unlock" and stage in s[7]):
                        check.bad(f"审计日志第 {seq} 条：阶段“{STAGE_LABELS.get(stage, stage)}”"
                                  f"{MOVE_LABELS.get(need) or ACTION_LABELS.get(need, need)}，"
                                  f"其后的封签封的是别的")
                if s[1] in ("lock", "publish", "unlock") and not matched:
                    check.bad(f"审计日志第 {i} 条：封签没有对应的阶段变动")
                pending.clear()
            elif entity.startswith("snapshot:"):
                stage = entity[len("snapshot:"):]
                if not any(need == "publish" and st == stage for _, st, need in pending):
                    check.bad(f"审计日志第 {i} 条：快照不是在公布“{STAGE_LABELS.get(stage, stage)}”时写入的")
                snapshots[i] = (stage, r["new"])
            elif pending:
                unsealed()
            continue
        if entity.startswith("stages:"):
            stage = entity[len("stages:"):]
            old, new = states.get(stage), state_of(r["new"])
            if action == "insert":
                if new != "draft":
                    check.bad(f"审计日志第 {i} 条：阶段“{STAGE_LABELS.get(stage, stage)}”建立时不是草稿")
            elif action == "delete":
                check.bad(f"审计日志第 {i} 条：阶段记录被删除")
            else:
                move = (old or "draft", new)
                if move not in MOVES:
                    check.bad(f"审计日志第 {i} 条：阶段“{STAGE_LABELS.get(stage, stage)}”由“{STATE_LABELS.get(old, old)}”"
                              f"直接改为“{STATE_LABELS.get(new, new)}”")
                elif MOVES[move] and sealing:
                    pending.append((i, stage, MOVES[move]))
            if new is not None:
                states[stage] = new
        else:
            if pending:
                unsealed()
            if entity == "meta:ballots_count":
                move = (meta_value(r.get("old")) or "", meta_value(r["new"]) or "")
                if move not in COUNT_MOVES:
                    check.bad(f"审计日志第 {i} 条：计票状态由“{move[0]}”直接改为“{move[1]}”（不合规定）")
                elif sealing:
                    pending.append((i, "recommendation", COUNT_MOVES[move]))
            elif entity == "meta:ballots_accepted" and r["new"] is not None and sealing:
                pending.append((i, "recommendation", "accept-difference"))
            st = stage_of(entity)
            if st == "*":
                frozen = [s for s, v in states.items() if v not in ("draft", "confirmed")]
                if frozen:
                    check.bad(f"审计日志第 {i} 条：阶段已锁定时方案被改动")
            elif st is not None and states.get(st, "draft") not in ("draft", "confirmed"):
                check.bad(f"审计日志第 {i} 条：“{STAGE_LABELS.get(st, st)}”{STATE_LABELS.get(states.get(st), '')}时 "
                          f"{entity} 被改动（只有草稿或已确认的阶段才能改动）")
            if entity in WRITE_ONCE and action != "insert":
                check.bad(f"审计日志第 {i} 条：{entity} 被改动（程序从不改动它）")
        if entity == "meta:seal_kdf":
            kdf, sealing = meta_value(r["new"]), True
        latest[entity] = r["new"]
    unsealed()
    n = len(rows)
    check.ok(f"审计日志 {n} 条，哈希链完整；链头 {code_of(prev, n)}" if n else "审计日志为空")
    if len(check.findings) == before:
        check.ok(f"阶段记录：改动均发生在阶段可改动时，锁定、公布、解锁均有封签（封签 {len(seals)} 个）")
    if password is not None:
        verifier = meta_value(latest.get("meta:supervisor_password"))
        try:
            _, iterations, salt, digest = verifier.split("$")
            good = hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt),
                                                           int(iterations)).hex(), digest)
        except (AttributeError, ValueError):
            good = False
        if not good:
            check.bad("监督组密码与审计日志中的密码校验值不符（密码输入有误，或校验值被替换）")
        keys, bad = {}, 0
        for seq, act, stage, n_, mac, head, salt_text, _ in seals:
            try:
                kind, iterations, salt = salt_text.split("$")
                key = keys.get(salt_text) or keys.setdefault(salt_text, hashlib.pbkdf2_hmac(
                    "sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations), 32))
            except (AttributeError, ValueError):
                check.bad(f"审计日志第 {seq} 条封签：没有可用的封签盐值")
                bad += 1
                continue
            message = f"jinggang-seal/1|{act}|{stage}|{n_}|{head}".encode("utf-8")
            if not hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest(), str(mac)):
                bad += 1
                check.bad(f"审计日志第 {seq} 条封签（{ACTION_LABELS.get(act, act)} {STAGE_LABELS.get(stage, stage)}，"
                          f"{code_of(hashes[seq], seq)}）无效")
        if not bad:
            check.ok(f"封签 {len(seals)} 个，均用监督组密码核对有效")
    else:
        check.ok(f"封签 {len(seals)} 个，未核对（未给出监督组密码：--password）")
    for text in printed:
        m = re.match(r"^\s*(?:摘要码\s*)?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})"
                     r"\s*(?:(?:@|（第|\(第)\s*(\d+)\s*(?:条[）)]?)?)?\s*$", text)
        if not m:
            check.bad(f"“{text}” 不是摘要码")
            continue
        digits = "".join(m.group(k) for k in range(1, 5)).lower()
        if m.group(5):
            n_ = int(m.group(5))
            if n_ not in hashes:
                check.bad(f"摘要码 {text}：审计日志没有第 {n_} 条（日志被删减）")
            elif not hashes[n_].startswith(digits):
                check.bad(f"摘要码 {text}：与第 {n_} 条的链头不符（记录被改写）")
            else:
                check.ok(f"摘要码 {text}：与第 {n_} 条的链头一致")
        elif any(h.startswith(digits) for h in hashes.values()):
            check.ok(f"摘要码 {text}：是日志中某一条的链头")
        else:
            check.bad(f"摘要码 {text}：不是日志中任何一条的链头")
    return {"ok": True, "states": states, "snapshots": snapshots}


def check_snapshots(folder: Path, chain: dict, campaign: dict, check: Check) -> None:
    logged = chain.get("snapshots", {})
    files = sorted((folder / "snapshots").glob("*.json")) if (folder / "snapshots").is_dir() else []
    if len(files) != len(logged):
        check.bad(f"snapshots/ 中有 {len(files)} 份快照，审计日志中有 {len(logged)} 份")
    latest = {}
    for path in files:
        snap = load_json(path, check)
        if snap is None:
            continue
        try:
            seq, stage, digest, document = snap["seq"], snap["stage"], snap["sha256"], snap["document"]
        except (KeyError, TypeError):
            check.bad(f"{path.name}：格式不对")
            continue
        label = STAGE_LABELS.get(stage, stage)
        if sha256_text(canonical(document)) != digest:
            check.bad(f"{path.name}：快照内容与其 SHA-256 不符")
            continue
        entry = logged.get(seq)
        try:
            logged_doc = json.loads(entry[1]) if entry else None
        except ValueError:
            logged_doc = None
        if not logged_doc or logged_doc.get("sha256") != digest or canonical(logged_doc.get("document")) != canonical(document):
            check.bad(f"{path.name}：与审计日志第 {seq} 条记录的快照不一致")
            continue
        try:
            again = published_part(stage, results_of(document["campaign"]))
        except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError) as err:
            check.bad(f"{path.name}（{label}）：无法重算（{err.__class__.__name__}：{err}）")
            continue
        if again != document.get("results"):
            diff = first_difference(again, document.get("results"))
            check.bad(f"{path.name}（{label}）：公布的数字与重算不符：{diff}")
            continue
        latest[stage] = document
        check.ok(f"快照 {path.name}（{label}，审计日志第 {seq} 条）：SHA-256 相符，公布的数字重算一致")
    states = chain.get("states", {})
    for stage, state in states.items():
        if state != "published":
            continue
        document = latest.get(stage)
        if document is None:
            check.bad(f"“{STAGE_LABELS.get(stage, stage)}”已公布，但没有它的快照")
            continue
        mine = frozen_part(campaign, stage)
        theirs = {k: document["campaign"].get(k) for k in mine}
        if "settings" in mine:
            theirs["settings"] = document["campaign"].get("settings") or {}
        if canonical(mine) != canonical(theirs):
            diff = first_difference(mine, theirs)
            check.bad(f"“{STAGE_LABELS.get(stage, stage)}”已公布，但 campaign.json 中的数据与公布时的快照不符：{diff}")
        else:
            check.ok(f"“{STAGE_LABELS.get(stage, stage)}”（已公布）：campaign.json 的数据与公布时的快照一致")
    rec = campaign.get("recommendation") or {}
    if states.get("recommendation") == "published" and rec.get("ballots"):
        t = tally(rec["ballots"])
        counts = {(c["person"], c["post"]): c for c in rec.get("counts") or []}
        wrong = []
        for key in sorted(set(counts) | set(t["counts"])):
            for g in sorted(t["groups"]):
                got = counts.get(key, {}).get(g, 0)
                want = t["counts"].get(key, {}).get(g, 0)
                if got != want:
                    wrong.append(f"{key[0]}→{key[1]} {g}: 公布 {got}，逐张计票 {want}")
        if wrong:
            check.bad("定岗推荐票逐张重新计票与公布的推荐数不符：" + "；".join(wrong[:5]))
        else:
            check.ok(f"定岗推荐票 {sum(1 for b in rec['ballots'] if b.get('status', 'valid') == 'valid')} 张逐张重新计票，"
                     "与公布的推荐数一致")


def first_difference(a, b, path: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if a.get(k) != b.get(k):
                return first_difference(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return first_difference(x, y, f"{path}[{i}]")
        if len(a) != len(b):
            return f"{path}：{len(a)} 项 / {len(b)} 项"
    return f"{path}：{json.dumps(a, ensure_ascii=False)[:80]} / {json.dumps(b, ensure_ascii=False)[:80]}"


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description="独立核对竞岗考评证据包（只用 Python 标准库）")
    parser.add_argument("folder", nargs="?", default=str(here), help="证据包文件夹（默认本程序所在的文件夹）")
    parser.add_argument("--password", help="监督组密码：核对每个封签")
    parser.add_argument("--printed", action="append", default=[], metavar="摘要码@n", help="公示表上的摘要码（可写多次）")
    args = parser.parse_args(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")
        except (AttributeError, ValueError, OSError):
            pass
    folder = Path(args.folder)
    check = Check()
    if not folder.is_dir():
        print(f"{folder}：不是文件夹", file=sys.stderr)
        return 1
    check_manifest(folder, check)
    rows = []
    try:
        with open(folder / "audit.jsonl", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    except (OSError, ValueError) as err:
        check.bad(f"audit.jsonl：无法读取（{err}）")
    chain = check_chain(rows, check, args.password, args.printed)
    campaign = load_json(folder / "campaign.json", check) or {}
    if chain.get("ok"):
        check_snapshots(folder, chain, campaign, check)
    for line in check.lines:
        print(line)
    if check.findings:
        print(f"发现 {len(check.findings)} 处不符：")
        for line in check.findings:
            print("  " + line)
        return 1
    print("核对通过：证据包完整，审计日志链完整，公布的每一个数字重算一致")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    sys.exit(main())
