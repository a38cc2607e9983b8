"""The campaign file (SPEC §8) in and out of the store.

Export writes exactly what was entered (exam parts, grade counts …) plus the program's own keys
(roster fields, judges, who scored what) that other readers ignore; import is all-or-nothing after
the core has validated the whole file. The store's results are computed *from its own export*, so
``compute`` on an exported file always shows what the store shows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select

from ..core.campaign import FORMAT, Campaign, CampaignError, parse_campaign
from ..core.results import Results, compute
from ..core.scheme import DIMENSIONS, GROUPS, Scheme
from ..models import audit
from ..models.schema import (Ballot, Declaration, Judge, Meta, Person, Post, Presence, RecCount, SchemeRow, Score,
                             SpeechScore)
from .ballots import merged_counts
from .store import Changed, Store, StoreError

ROSTER_KEYS = ("category", "gender", "birth", "work_start", "post_start", "political", "education", "identity",
               "unit", "former_office", "no_rotation")


def export_campaign(store: Store) -> dict[str, Any]:
    with store.read() as s:
        meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
        scheme_row = s.get(SchemeRow, 1)
        posts = s.execute(select(Post).order_by(Post.sort, Post.id)).scalars().all()
        people = s.execute(select(Person).order_by(Person.sort, Person.id)).scalars().all()
        scores: dict[str, dict[str, str]] = defaultdict(dict)
        for x in s.execute(select(Score)).scalars():
            scores[x.person_id][x.item] = x.value
        rounds: dict[str, list[list[str]]] = defaultdict(list)
        for d in s.execute(select(Declaration).order_by(Declaration.person_id, Declaration.round_no)).scalars():
            rounds[d.person_id].append(d.posts.split(","))
        judges = s.execute(select(Judge).order_by(Judge.seat, Judge.id)).scalars().all()
        seat = {j.id: j.seat for j in judges}
        by_judge: dict[str, dict[str, str]] = defaultdict(dict)
        for x in s.execute(select(SpeechScore)).scalars():
            by_judge[x.person_id][x.judge_id] = x.value
        presence = {p.group: p.present for p in s.execute(select(Presence)).scalars()}
        counts = merged_counts(s)
        typed: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        for c in s.execute(select(RecCount)).scalars():
            typed[(c.person_id, c.post_id)][c.group] = c.count
        ballots = [{"serial": b.serial, "group": b.group, "marks": json.loads(b.marks), "status": b.status,
                    "entered_by": b.entered_by}
                   for b in s.execute(select(Ballot).order_by(Ballot.serial)).scalars()]

    doc: dict[str, Any] = {
        "format": FORMAT,
        "title": meta.get("title", ""),
        "unit": meta.get("unit", ""),
        "scheme": json.loads(scheme_row.data) if scheme_row else Scheme().to_json(),
        # The program's own settings (double entry, published 报岗 round, ballot paper counts …);
        # never the 监督组 password hash.
        "settings": {k: v for k, v in sorted(meta.items()) if k not in ("title", "unit", "supervisor_password")},
        "posts": [{"id": p.id, "name": p.name, "seats": p.seats, "office": p.office, "headcount": p.headcount}
                  for p in posts],
        "people": [],
        "judges": [{"id": j.id, "name": j.name, "group": j.group, "seat": j.seat} for j in judges],
    }
    for p in people:
        entry: dict[str, Any] = {"id": p.id, "name": p.name, "rank": p.rank}
        entry.update({k: getattr(p, k) for k in ROSTER_KEYS})
        entry["no_rotation"] = bool(p.no_rotation)
        mine = scores.get(p.id, {})
        parts = {item[5:]: v for item, v in mine.items() if item.startswith("exam:")}
        if parts:
            entry["exam"] = parts
        elif "exam" in mine:
            entry["exam"] = mine["exam"]
        dem: dict[str, Any] = {}
        for d in DIMENSIONS:
            grades = {item.split(":")[2]: int(v) for item, v in mine.items() if item.startswith(f"grade:{d}:")}
            if grades:
                dem[d] = grades
            elif f"dem:{d}" in mine:
                dem[d] = mine[f"dem:{d}"]
        if dem:
            entry["democratic"] = dem
        appraisal = [a for a in (p.appraisal_1, p.appraisal_2, p.appraisal_3) if a is not None]
        if appraisal:
            entry["appraisal"] = appraisal
        if "sat:present" in mine and "sat:dissatisfied" in mine:
            entry["satisfaction"] = {"present": int(mine["sat:present"]), "dissatisfied": int(mine["sat:dissatisfied"])}
        if rounds.get(p.id):
            entry["declarations"] = rounds[p.id]
        doc["people"].append(entry)
    doc["speech"] = {pid: [v for _, v in sorted(vals.items(), key=lambda kv: (seat.get(kv[0], 0), kv[0]))]
                     for pid, vals in sorted(by_judge.items())}
    doc["speech_by_judge"] = {pid: dict(sorted(vals.items())) for pid, vals in sorted(by_judge.items())}
    if presence or counts:
        doc["recommendation"] = {
            "present": {g: presence.get(g, 0) for g in GROUPS},
            "counts": [{"person": person, "post": post, **{g: c.get(g, 0) for g in GROUPS}}
                       for (person, post), c in sorted(counts.items())],
        }
        # The program's own keys: what was typed in count mode, and every paper ballot (唱票).
        doc["recommendation"]["typed_counts"] = [{"person": person, "post": post, **c}
                                                 for (person, post), c in sorted(typed.items())]
        doc["recommendation"]["ballots"] = ballots
    return doc


def load_campaign(store: Store) -> Campaign:
    """The store's campaign as the core sees it (through the export, so both always agree)."""
    try:
        return parse_campaign(json.loads(json.dumps(export_campaign(store), ensure_ascii=False)))
    except CampaignError as err:
        raise StoreError("数据不完整，暂不能计算：\n" + "\n".join(err.problems)) from None


def compute_results(store: Store) -> tuple[Campaign, Results]:
    campaign = load_campaign(store)
    return campaign, compute(campaign)


def import_campaign(store: Store, data: Any) -> Changed:
    """Load a campaign file into an empty store: validated whole first, then one transaction."""
    parse_campaign(data)  # raises CampaignError listing every problem; nothing stored
    with store.write("导入竞岗文件") as s:
        if s.execute(select(Person.id).limit(1)).first() or s.execute(select(Post.id).limit(1)).first():
            raise StoreError("该竞岗已有数据，只能导入到新建的空竞岗中")
        operator = store.operator
        merged = Scheme().with_overrides(data.get("scheme") or {})
        s.get(SchemeRow, 1).data = audit.canonical(merged.to_json())
        for key in ("title", "unit"):
            if data.get(key):
                s.get(Meta, key).value = str(data[key])
        for key, value in (data.get("settings") or {}).items():
            if key in ("title", "unit", "supervisor_password"):
                continue
            row = s.get(Meta, key)
            if row is None:
                s.add(Meta(key=str(key), value=str(value)))
            else:
                row.value = str(value)
        for i, p in enumerate(data["posts"], start=1):
            s.add(Post(id=str(p["id"]).strip(), name=str(p["name"]).strip(), seats=int(p.get("seats", 1)),
                       office=p.get("office"), headcount=p.get("headcount"), sort=i))
        for i, p in enumerate(data["people"], start=1):
            pid = str(p["id"]).strip()
            appraisal = [str(a) for a in (p.get("appraisal") or [])] + [None, None, None]
            s.add(Person(id=pid, name=str(p["name"]).strip(), rank=p["rank"],
                         category=p.get("category") or _default_category(p["rank"]),
                         **{k: p.get(k) for k in ROSTER_KEYS if k not in ("category", "no_rotation")},
                         no_rotation=bool(p.get("no_rotation", False)),
                         appraisal_1=appraisal[0], appraisal_2=appraisal[1], appraisal_3=appraisal[2], sort=i))
        s.flush()  # people and posts before the rows that refer to them (no ORM relationships here)
        for p in data["people"]:
            pid = str(p["id"]).strip()
            items: dict[str, str] = {}
            exam = p.get("exam")
            if isinstance(exam, dict):
                items.update({f"exam:{k}": str(v) for k, v in exam.items()})
            elif exam is not None:
                items["exam"] = str(exam)
            for d, v in (p.get("democratic") or {}).items():
                if isinstance(v, dict):
                    items.update({f"grade:{d}:{g}": str(n) for g, n in v.items()})
                else:
                    items[f"dem:{d}"] = str(v)
            if p.get("satisfaction"):
                items["sat:present"] = str(p["satisfaction"]["present"])
                items["sat:dissatisfied"] = str(p["satisfaction"]["dissatisfied"])
            for item, value in items.items():
                s.add(Score(person_id=pid, item=item, value=value, status="entered", entered_by=operator))
            for r, posts in enumerate(p.get("declarations") or [], start=1):
                s.add(Declaration(person_id=pid, round_no=r, posts=",".join(str(x).strip() for x in posts)))
        s.flush()
        judges = data.get("judges") or []
        by_judge = data.get("speech_by_judge")
        if not judges:
            most = max((len(v) for v in (data.get("speech") or {}).values()), default=0)
            judges = [{"id": f"J{n:02d}", "name": f"评委{n}", "group": "leaders", "seat": n} for n in range(1, most + 1)]
        for j in judges:
            s.add(Judge(id=j["id"], name=j["name"], group=j["group"], seat=j["seat"]))
        s.flush()
        if by_judge is None:
            by_judge = {pid: {judges[k]["id"]: v for k, v in enumerate(vals)}
                        for pid, vals in (data.get("speech") or {}).items()}
        for pid, vals in by_judge.items():
            for jid, v in vals.items():
                s.add(SpeechScore(person_id=pid, judge_id=jid, value=str(v), status="entered", entered_by=operator))
        rec = data.get("recommendation")
        if rec:
            for g in GROUPS:
                s.add(Presence(group=g, present=int((rec.get("present") or {}).get(g, 0))))
            typed = rec.get("typed_counts")
            for c in (typed if typed is not None else rec.get("counts")) or []:
                for g in GROUPS:
                    if int(c.get(g, 0)):
                        s.add(RecCount(person_id=str(c["person"]), post_id=str(c["post"]), group=g,
                                       count=int(c[g]), status="entered", entered_by=operator))
            for b in rec.get("ballots") or []:
                s.add(Ballot(serial=int(b["serial"]), group=b["group"], marks=json.dumps(b["marks"], ensure_ascii=False),
                             status=b.get("status", "valid"), entered_by=b.get("entered_by", operator)))
    return Changed.ALL


def _default_category(rank: str) -> str:
    return "原任科长" if rank == "正科实职" else ("拟竞争科长" if rank != "科员" else "行政一般")
