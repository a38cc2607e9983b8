"""The campaign file (SPEC §8) in and out of the store.

Export writes exactly what was entered (exam parts, grade counts …) plus the program's own keys
(roster fields, judges, who scored what) that other readers ignore; import is all-or-nothing after
the core has validated the whole file. The store's results are computed *from its own export*, so
``compute`` on an exported file always shows what the store shows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from ..core.campaign import FORMAT, Campaign, CampaignError, parse_campaign, quote
from ..core.numbers import ScoreError, parse_count, parse_score
from ..core.results import Results, compute
from ..core.roster import (CATEGORIES, DUTIES, EXEMPTION_LABELS, IDENTITIES, LEADER_RANKS, POST_KINDS, SPECIALITIES,
                           RosterError, parse_partial_date, split_list)
from ..core.scheme import GROUPS, Scheme
from ..models import audit
from ..core.ballot_numbers import is_ballot_number
from ..models.schema import (Ballot, BallotNumber, CheckEntry, CountCheck, Declaration, Judge, Meta, Person, Post,
                             Presence, RecCount, SchemeRow, Score, SelectionChoice, SelectionPick, SelectionPlacement,
                             SpeechScore)
from .ballot_numbers import ACCEPTED_KEY, COUNT_KEY, OPENING_KEY
from .ballots import merged_counts
from .exam_grid import as_entered
from .scores import JUDGE_GROUPS
from .store import Changed, Store, StoreError

# Never carried by the campaign file: the 监督组 password verifier and the seal key's salt (SPEC §9) belong
# to the file they were made in; title and unit have keys of their own.
NOT_EXPORTED = ("title", "unit", "supervisor_password", "seal_kdf")
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
                    "entered_by": b.entered_by, **({"number": b.ballot_no} if b.ballot_no else {})}
                   for b in s.execute(select(Ballot).order_by(Ballot.serial)).scalars()]
        numbers: dict[str, list[str]] = defaultdict(list)
        for n in s.execute(select(BallotNumber).order_by(BallotNumber.group, BallotNumber.number)).scalars():
            numbers[n.group].append(n.number)
        checks = [{"id": c.id, "kind": c.kind, "group": c.group, "seed": c.seed, "plan": json.loads(c.plan or "{}"),
                   "reason": c.reason, "started_by": c.started_by,
                   "entries": [{"number": e.ballot_no, "group": e.group, "marks": json.loads(e.marks),
                                "status": e.status, "entered_by": e.entered_by}
                               for e in s.execute(select(CheckEntry).where(CheckEntry.check_id == c.id)
                                                  .order_by(CheckEntry.ballot_no)).scalars()]}
                  for c in s.execute(select(CountCheck).order_by(CountCheck.id)).scalars()]
        from .count import accounting_in
        from .scanning import export_scans
        acc = accounting_in(s)
        scans = export_scans(s)
        selection = {
            "choices": [{"person": c.person_id, "phase": c.phase, "posts": c.posts.split(",") if c.posts else []}
                        for c in s.execute(select(SelectionChoice).order_by(SelectionChoice.person_id)).scalars()],
            "picks": [{"phase": x.phase, "round": x.round_no, "post": x.post_id, "kind": x.kind, "person": x.person_id,
                       "chief_signed": bool(x.chief_signed), "person_signed": bool(x.person_signed)}
                      for x in s.execute(select(SelectionPick).order_by(
                          SelectionPick.phase, SelectionPick.round_no, SelectionPick.post_id)).scalars()],
            "placements": [{"person": x.person_id, "placed_by": x.placed_by, "office": x.office, "note": x.note}
                           for x in s.execute(select(SelectionPlacement)
                                              .order_by(SelectionPlacement.person_id)).scalars()],
        }

    doc: dict[str, Any] = {
        "format": FORMAT,
        "title": meta.get("title", ""),
        "unit": meta.get("unit", ""),
        "scheme": json.loads(scheme_row.data) if scheme_row else Scheme().to_json(),
        # The program's own settings (double entry, published 报岗 round, ballot paper counts …);
        # never the 监督组 password hash.
        "settings": {k: v for k, v in sorted(meta.items()) if k not in NOT_EXPORTED},
        "posts": [{"id": p.id, "name": p.name, "seats": p.seats, "office": p.office, "headcount": p.headcount}
                  for p in posts],
        "people": [],
        "judges": [{"id": j.id, "name": j.name, "group": j.group, "seat": j.seat} for j in judges],
    }
    for p in people:
        entry: dict[str, Any] = {"id": p.id, "name": p.name, "rank": p.rank}
        entry.update({k: getattr(p, k) for k in ROSTER_KEYS})
        entry["no_rotation"] = bool(p.no_rotation)
        # 交流轮岗 fields only when recorded (a campaign without them exports as before)
        entry.update({k: v for k in ROTATION_KEYS if (v := getattr(p, k)) is not None and v is not False})
        entered = as_entered(scores.get(p.id, {}))
        if entered.exam is not None:
            entry["exam"] = entered.exam
        if entered.democratic:
            entry["democratic"] = entered.democratic
        appraisal = [a for a in (p.appraisal_1, p.appraisal_2, p.appraisal_3) if a is not None]
        if appraisal:
            entry["appraisal"] = appraisal
        if entered.satisfaction is not None:
            present, dissatisfied = entered.satisfaction
            entry["satisfaction"] = {"present": present, "dissatisfied": dissatisfied}
        if rounds.get(p.id):
            entry["declarations"] = rounds[p.id]
        doc["people"].append(entry)
    doc["speech"] = {pid: [v for _, v in sorted(vals.items(), key=lambda kv: (seat.get(kv[0], 0), kv[0]))]
                     for pid, vals in sorted(by_judge.items())}
    doc["speech_by_judge"] = {pid: dict(sorted(vals.items())) for pid, vals in sorted(by_judge.items())}
    if presence or counts or ballots or numbers:
        doc["recommendation"] = {
            "present": {g: presence.get(g, 0) for g in GROUPS},
            "counts": [{"person": person, "post": post, **{g: c.get(g, 0) for g in GROUPS}}
                       for (person, post), c in sorted(counts.items())],
        }
        # The program's own keys: what was typed in count mode, and every paper ballot (唱票).
        doc["recommendation"]["typed_counts"] = [{"person": person, "post": post, **c}
                                                 for (person, post), c in sorted(typed.items())]
        doc["recommendation"]["ballots"] = ballots
        # SPEC §10/§11 (the program's own keys; ``compute`` ignores them): the numbers printed per group,
        # the accounting as the program computed it, and every check of the count with its re-entries.
        # The count's state, its sealed 开票前确认单 figures and an accepted difference are ``settings``.
        if numbers:
            doc["recommendation"]["ballot_numbers"] = {g: numbers[g] for g in GROUPS if g in numbers}
        doc["recommendation"]["accounting"] = {
            "groups": {g: {"printed": a.printed, "issued": a.issued, "returned": a.returned, "entered": a.entered,
                           "valid": a.valid, "void": a.void, "counts_only": a.counts_only}
                       for g, a in acc.groups.items()},
            "state": acc.state or "not-opened", "findings": list(acc.findings)}
        if checks:
            doc["recommendation"]["checks"] = checks
        if scans:      # SPEC §12 (the program's own key): every scanned page, its fills, the decisions, who/when
            doc["recommendation"]["scans"] = scans
    if any(selection.values()):
        doc["selection"] = selection   # the program's own key: §十五/§十六 as typed (replayed on open)
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


def check_campaign_file(data: Any) -> Campaign:
    """The whole file as :func:`import_campaign` stores it: the core's validation, then the program's
    own keys (roster fields, judges, who scored what, paper ballots, settings), which other readers
    ignore but the store keeps. Raises CampaignError with one line per problem."""
    campaign = parse_campaign(data)
    problems = _OwnKeys(data, campaign).problems()
    if problems:
        raise CampaignError(problems)
    return campaign


def import_campaign(store: Store, data: Any) -> Changed:
    """Load a campaign file into an empty store: validated whole first, then one transaction."""
    campaign = check_campaign_file(data)  # raises CampaignError listing every problem; nothing stored
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
            if key in NOT_EXPORTED:
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
                         **{k: p.get(k) for k in ROSTER_KEYS if k not in ("category", "no_rotation") + DATE_KEYS},
                         **{k: parse_partial_date(p[k]) if p.get(k) else None for k in DATE_KEYS},
                         no_rotation=bool(p.get("no_rotation", False)),
                         **{k: p.get(k) for k in ROTATION_KEYS if k not in ROTATION_FLAGS + ("unit_start",)},
                         **{k: bool(p.get(k, False)) for k in ROTATION_FLAGS},
                         unit_start=parse_partial_date(p["unit_start"]) if p.get("unit_start") else None,
                         appraisal_1=appraisal[0], appraisal_2=appraisal[1], appraisal_3=appraisal[2], sort=i))
        s.flush()  # people and posts before the rows that refer to them (no ORM relationships here)
        for p in data["people"]:
            pid = str(p["id"]).strip()
            for item, value in _score_items(p).items():
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
            for g, numbers in (rec.get("ballot_numbers") or {}).items():
                s.add_all(BallotNumber(number=n, group=g) for n in numbers)
            for b in rec.get("ballots") or []:
                s.add(Ballot(serial=int(b["serial"]), group=b["group"], marks=json.dumps(b["marks"], ensure_ascii=False),
                             status=b.get("status", "valid"), entered_by=b.get("entered_by", operator),
                             ballot_no=b.get("number")))
            s.flush()
            for c in rec.get("checks") or []:
                s.add(CountCheck(id=int(c["id"]), kind=c["kind"], group=c.get("group"), seed=c.get("seed"),
                                 plan=json.dumps(c.get("plan") or {}, ensure_ascii=False), reason=c.get("reason"),
                                 started_by=c.get("started_by") or operator))
                s.flush()
                for e in c.get("entries") or []:
                    s.add(CheckEntry(check_id=int(c["id"]), ballot_no=e["number"], group=e["group"],
                                     marks=json.dumps(e.get("marks") or {}, ensure_ascii=False),
                                     status=e.get("status", "valid"), entered_by=e.get("entered_by") or operator))
            from .scanning import import_scans
            import_scans(s, rec.get("scans"), operator)
        sel = data.get("selection") or {}
        for c in sel.get("choices") or []:
            s.add(SelectionChoice(person_id=c["person"], phase=c["phase"], posts=",".join(c["posts"])))
        for x in sel.get("picks") or []:
            s.add(SelectionPick(phase=x["phase"], round_no=int(x["round"]), post_id=x["post"], kind=x["kind"],
                                person_id=x.get("person"), chief_signed=bool(x.get("chief_signed")),
                                person_signed=bool(x.get("person_signed"))))
        for x in sel.get("placements") or []:
            s.add(SelectionPlacement(person_id=x["person"], placed_by=x["placed_by"], office=x.get("office"),
                                     note=x.get("note")))
        s.flush()
        # What the store will compute from must be what was validated: typed counts and paper ballots
        # together give the file's counts (nothing stored otherwise).
        stored = _nonzero(merged_counts(s).items())
        given = _nonzero(((c.person, c.post), c.counts) for c in campaign.counts)
        if stored != given:
            wrong = sorted(k for k in set(stored) | set(given) if stored.get(k) != given.get(k))
            raise CampaignError([f"recommendation.counts ({person} → {post}): 与 typed_counts 和 ballots 合计不一致"
                                 f"（counts {given.get((person, post), {})}，合计 {stored.get((person, post), {})}）"
                                 for person, post in wrong])
    return Changed.ALL


def _score_items(p: dict[str, Any]) -> dict[str, str]:
    """A person's entered values as the scores table keeps them: item → text as in the file."""
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
    return items


def _nonzero(counts: Any) -> dict[tuple[str, str], dict[str, int]]:
    """(person, post) → the groups with a count above 0, pairs without any left out."""
    return {key: kept for key, per_group in counts if (kept := {g: n for g, n in per_group.items() if n})}


DATE_KEYS = ("birth", "work_start", "post_start")
ROTATION_KEYS = ("speciality", "post_kind", "bureau_leader", "leader_rank", "reserve_cadre", "units_served",
                 "unit_start", "duties", "exemption")      # the roster's 交流轮岗 fields (program's own keys)
ROTATION_FLAGS = ("bureau_leader", "reserve_cadre")
ROTATION_CHOICES = {"speciality": SPECIALITIES, "post_kind": POST_KINDS, "leader_rank": LEADER_RANKS}
ROTATION_LISTS = {"duties": DUTIES, "exemption": EXEMPTION_LABELS}
TEXT_KEYS = ("gender", "political", "education", "unit", "former_office")
MAX_STORED_INT = 2**31 - 1
APPRAISAL_COLUMNS = ("appraisal_1", "appraisal_2", "appraisal_3")
SETTING_COUNTS = ("declarations_published_round", "selection_staff_end")   # whole numbers the program reads


class _OwnKeys:
    """Checks of the keys only this program writes; each problem names the item and the field."""

    def __init__(self, data: dict[str, Any], campaign: Campaign):
        self.data, self.campaign = data, campaign
        self.people = {p.id for p in campaign.people}
        self.posts = {p.id for p in campaign.posts}
        self.out: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.out.append(f"{where}: {message}")

    def text(self, where: str, raw: Any, column: Any, *, required: bool = False) -> str | None:
        """A string (or absent) that fits its column (PostgreSQL enforces the length)."""
        if raw is None or raw == "":
            if required:
                self.add(where, "缺少")
            return None
        if not isinstance(raw, str):
            self.add(where, f"{quote(raw)} 须为字符串")
            return None
        length = column.type.length if column is not None else None
        if length is not None and len(raw.strip()) > length:
            self.add(where, f"过长（{len(raw.strip())} 个字符，最多 {length} 个）")
            return None
        try:
            raw.encode("utf-8")
        except UnicodeEncodeError:
            self.add(where, "含有无效的 Unicode 字符（孤立的代理码位）")
            return None
        return raw.strip()

    def mapping(self, where: str, raw: Any) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            self.add(where, "须为对象")
            return {}
        return raw

    def listing(self, where: str, raw: Any) -> list[Any]:
        if raw is None:
            return []
        if not isinstance(raw, list):
            self.add(where, "须为数组")
            return []
        return raw

    def count(self, where: str, raw: Any, *, low: int = 0) -> int | None:
        """A whole number an INTEGER column holds (32 bits on PostgreSQL)."""
        if raw is None:
            self.add(where, "缺少")
            return None
        try:
            return parse_count(raw, low=low, high=MAX_STORED_INT)
        except ScoreError as err:
            self.add(where, str(err))
        except ValueError:
            self.add(where, f"{quote(raw)} 不是整数")
        return None

    def problems(self) -> list[str]:
        for key in ("title", "unit"):
            self.text(key, self.data.get(key), Meta.value)
        self.settings()
        for i, post in enumerate(self.data["posts"]):
            where = f"posts[{i}] ({post['id']})"
            self.text(f"{where}.id", post["id"], Post.id)
            self.text(f"{where}.name", post["name"], Post.name)
            self.text(f"{where}.office", post.get("office"), Post.office)
            self.count(f"{where}.seats", post.get("seats", 1), low=1)
            if post.get("headcount") is not None:
                self.count(f"{where}.headcount", post["headcount"])
        for i, person in enumerate(self.data["people"]):
            self.person(f"people[{i}] ({person['id']} {person['name']})", person)
        judges = self.judges()
        self.speech(judges)
        self.recommendation()
        self.selection()
        return self.out

    def _ref(self, where: str, raw: Any, known: set[str], what: str) -> str | None:
        value = self.text(where, raw, None, required=True)
        if value is not None and value not in known:
            self.add(where, f"{quote(value)} 不是名单中的{what}")
            return None
        return value

    def _objects(self, where: str, raw: Any):
        """(where[i], item) for each item of a list that is an object; the others are named."""
        for i, x in enumerate(self.listing(where, raw)):
            if isinstance(x, dict):
                yield f"{where}[{i}]", x
            else:
                self.add(f"{where}[{i}]", "须为对象")

    def _person_once(self, where: str, raw: Any, seen: set[str]) -> None:
        person = self._ref(f"{where}.person", raw, self.people, "人员编号")
        if person in seen:
            self.add(f"{where}.person", f"{quote(person)} 重复")
        seen.add(person)

    def selection(self) -> None:
        """§十五/§十六 as the program exported it: references, kinds and keys checked (the rules themselves
        are replayed when the campaign is opened, and a broken record is refused there by name)."""
        sel = self.mapping("selection", self.data.get("selection"))
        phases, seen = ("staff", "business"), set()
        for where, c in self._objects("selection.choices", sel.get("choices")):
            self._person_once(where, c.get("person"), seen)
            if c.get("phase") not in phases:
                self.add(f"{where}.phase", f"{quote(c.get('phase'))} 须为 staff 或 business")
            posts = self.listing(f"{where}.posts", c.get("posts"))
            for k, post in enumerate(posts):
                self._ref(f"{where}.posts[{k}]", post, self.posts, "岗位编号")
            if len(",".join(str(x) for x in posts)) > SelectionChoice.posts.type.length:
                self.add(f"{where}.posts", "过长")
        keys = set()
        for where, x in self._objects("selection.picks", sel.get("picks")):
            if x.get("phase") not in phases:
                self.add(f"{where}.phase", f"{quote(x.get('phase'))} 须为 staff 或 business")
            number = self.count(f"{where}.round", x.get("round"), low=1)
            post = self._ref(f"{where}.post", x.get("post"), self.posts, "岗位编号")
            key = (x.get("phase") if isinstance(x.get("phase"), str) else None, number, post)
            if key in keys:
                self.add(where, "同一阶段、轮次、科室重复")
            keys.add(key)
            kind = x.get("kind")
            if kind not in ("pick", "keep", "pass"):
                self.add(f"{where}.kind", f"{quote(kind)} 须为 pick、keep 或 pass")
            if kind == "pass":
                if x.get("person") is not None:
                    self.add(f"{where}.person", "放弃（pass）不应有人员")
            else:
                self._ref(f"{where}.person", x.get("person"), self.people, "人员编号")
            for flag in ("chief_signed", "person_signed"):
                if not isinstance(x.get(flag, False), bool):
                    self.add(f"{where}.{flag}", f"{quote(x.get(flag))} 须为 true 或 false")
        seen = set()
        for where, x in self._objects("selection.placements", sel.get("placements")):
            self._person_once(where, x.get("person"), seen)
            if x.get("placed_by") not in ("leaders", "origin"):
                self.add(f"{where}.placed_by", f"{quote(x.get('placed_by'))} 须为 leaders 或 origin")
            self.text(f"{where}.office", x.get("office"), SelectionPlacement.office)
            self.text(f"{where}.note", x.get("note"), None)

    def settings(self) -> None:
        for key, value in self.mapping("settings", self.data.get("settings")).items():
            where = f"settings.{key}"
            if len(key) > Meta.key.type.length:
                self.add(where, f"键过长（最多 {Meta.key.type.length} 个字符）")
            elif isinstance(value, bool) or not isinstance(value, (str, int)):
                self.add(where, f"{quote(value)} 须为字符串")
            elif key == COUNT_KEY and value not in ("open", "closed"):
                self.add(where, f"{quote(value)} 须为 open 或 closed")
            elif key in (OPENING_KEY, ACCEPTED_KEY):
                try:
                    ok = isinstance(json.loads(str(value)), dict)
                except ValueError:
                    ok = False
                if not ok:
                    self.add(where, "须为 JSON 对象的文本")
            elif key in SETTING_COUNTS or (key.startswith("ballots_") and key not in (COUNT_KEY,)):
                self.count(where, value)
            elif key == "double_entry" and str(value) not in ("0", "1"):
                self.add(where, f"{quote(value)} 须为 0 或 1")
            elif key == "selection_round":
                phase, _, number = str(value).partition(":")
                if phase not in ("staff", "business") or not number.isascii() or not number.isdigit():
                    self.add(where, f"{quote(value)} 须为 staff:轮次 或 business:轮次")

    def person(self, where: str, p: dict[str, Any]) -> None:
        self.text(f"{where}.id", p["id"], Person.id)
        self.text(f"{where}.name", p["name"], Person.name)
        category = self.text(f"{where}.category", p.get("category"), Person.category)
        if category is not None and category not in CATEGORIES:
            self.add(f"{where}.category", f"{quote(category)} 不是 {'、'.join(CATEGORIES)} 之一")
        identity = self.text(f"{where}.identity", p.get("identity"), Person.identity)
        if identity is not None and identity not in IDENTITIES:
            self.add(f"{where}.identity", f"{quote(identity)} 不是 {'、'.join(IDENTITIES)} 之一")
        for key in TEXT_KEYS:
            self.text(f"{where}.{key}", p.get(key), getattr(Person, key))
        for key in DATE_KEYS:   # stored normalised (1985年3月 → 1985-03)
            if (value := self.text(f"{where}.{key}", p.get(key), None)) is not None:
                try:
                    parse_partial_date(value)
                except RosterError as err:
                    self.add(f"{where}.{key}", str(err))
        if not isinstance(p.get("no_rotation", False), bool):
            self.add(f"{where}.no_rotation", f"{quote(p['no_rotation'])} 须为 true 或 false")
        self.rotation(where, p)
        appraisal = p.get("appraisal") or []
        if len(appraisal) > len(APPRAISAL_COLUMNS):   # the scheme allows up to 5 years; the roster keeps 3
            self.add(f"{where}.appraisal", f"数据文件只能保存 {len(APPRAISAL_COLUMNS)} 个年度考核分，现有 {len(appraisal)} 个")
        for item, value in _score_items(p).items():   # the scheme may name exam parts at will
            if len(item) > Score.item.type.length:
                self.add(f"{where}.{item}", f"名称过长（最多 {Score.item.type.length} 个字符）")
            elif len(value) > Score.value.type.length:
                self.add(f"{where}.{item}", f"{quote(value)} 过长（最多 {Score.value.type.length} 个字符）")
        for j, posts in enumerate(p.get("declarations") or []):
            if len(",".join(str(x).strip() for x in posts)) > Declaration.posts.type.length:
                self.add(f"{where}.declarations[{j}]", f"所报岗位编号合计过长（最多 {Declaration.posts.type.length} 个字符）")

    def rotation(self, where: str, p: dict[str, Any]) -> None:
        """The roster's 交流轮岗 fields: the values the template offers, a date, a count, flags."""
        for key, allowed in ROTATION_CHOICES.items():
            value = self.text(f"{where}.{key}", p.get(key), getattr(Person, key))
            if value is not None and value not in allowed:
                self.add(f"{where}.{key}", f"{quote(value)} 不是 {'、'.join(allowed)} 之一")
        for key, allowed in ROTATION_LISTS.items():
            value = self.text(f"{where}.{key}", p.get(key), getattr(Person, key))
            if value is not None and (bad := [x for x in split_list(value) if x not in allowed]):
                self.add(f"{where}.{key}", f"{quote('、'.join(bad))} 不是 {'、'.join(allowed)} 之一")
        for key in ROTATION_FLAGS:
            if not isinstance(p.get(key, False), bool):
                self.add(f"{where}.{key}", f"{quote(p[key])} 须为 true 或 false")
        units = p.get("units_served")
        if units is not None and (type(units) is not int or not 1 <= units <= 99):
            self.add(f"{where}.units_served", f"{quote(units)} 须为 1 至 99 的整数")
        if (value := self.text(f"{where}.unit_start", p.get("unit_start"), None)) is not None:
            try:
                parse_partial_date(value)
            except RosterError as err:
                self.add(f"{where}.unit_start", str(err))

    def judges(self) -> list[str]:
        """The judges' ids in the order of ``speech`` (by seat)."""
        raw = self.listing("judges", self.data.get("judges"))
        seats: dict[str, int] = {}
        for i, j in enumerate(raw):
            where = f"judges[{i}]"
            if not isinstance(j, dict):
                self.add(where, "须为对象")
                continue
            jid = self.text(f"{where}.id", j.get("id"), Judge.id, required=True)
            self.text(f"{where}.name", j.get("name"), Judge.name, required=True)
            if j.get("group") not in JUDGE_GROUPS:
                self.add(f"{where}.group", f"{quote(j.get('group'))} 须为 {'、'.join(JUDGE_GROUPS)} 之一")
            seat = self.count(f"{where}.seat", j.get("seat"), low=1)
            if jid is not None and jid in seats:
                self.add(f"{where}.id", f"评委编号 {jid} 重复")
            elif jid is not None and seat is not None:
                seats[jid] = seat
        return [jid for jid, _ in sorted(seats.items(), key=lambda kv: (kv[1], kv[0]))]

    def speech(self, judges: list[str]) -> None:
        """``speech_by_judge`` (what is stored) must name known judges and agree with ``speech`` (what is
        validated); without it ``speech`` is stored judge by judge, so there must be judges enough."""
        if not self.data.get("judges"):   # the import then makes 评委1 … 评委n
            most = max((len(v) for v in self.campaign.speech.values()), default=0)
            judges = [f"J{n:02d}" for n in range(1, most + 1)]
        by_judge = self.data.get("speech_by_judge")
        if by_judge is None:
            for pid, values in self.campaign.speech.items():
                if len(values) > len(judges):
                    self.add(f"speech.{pid}", f"有 {len(values)} 个评分，judges 只有 {len(judges)} 位评委")
            return
        order = {jid: n for n, jid in enumerate(judges)}
        stored: dict[str, list[tuple[int, Decimal]]] = {}
        for pid, values in self.mapping("speech_by_judge", by_judge).items():
            where = f"speech_by_judge.{pid}"
            if pid not in self.people:
                self.add(where, f"没有编号为 {quote(pid)} 的人员")
                continue
            before = len(self.out)
            for jid, value in self.mapping(where, values).items():
                if jid not in order:
                    self.add(f"{where}.{jid}", f"没有编号为 {quote(jid)} 的评委")
                    continue
                try:
                    score = parse_score(value, decimals=self.campaign.scheme.judge_decimals)
                except ScoreError as err:
                    self.add(f"{where}.{jid}", str(err))
                    continue
                if len(str(value)) > SpeechScore.value.type.length:
                    self.add(f"{where}.{jid}", f"过长（最多 {SpeechScore.value.type.length} 个字符）")
                stored.setdefault(pid, []).append((order[jid], score))
            if len(self.out) == before and [v for _, v in sorted(stored.get(pid, []))] != \
                    list(self.campaign.speech.get(pid, ())):
                self.add(where, "与 speech 中的评分不一致")
        for pid in sorted(set(self.campaign.speech) - set(by_judge if isinstance(by_judge, dict) else ())):
            self.add(f"speech_by_judge.{pid}", "缺少（speech 中有该人员的评分）")

    def recommendation(self) -> None:
        rec = self.data.get("recommendation") or {}
        for g, n in (rec.get("present") or {}).items():
            self.count(f"recommendation.present.{g}", n)
        for k, c in enumerate(rec.get("counts") or []):
            for g in GROUPS:
                self.count(f"recommendation.counts[{k}].{g}", c.get(g, 0))
        seen: set[tuple[str, str]] = set()
        for k, c in enumerate(self.listing("recommendation.typed_counts", rec.get("typed_counts"))):
            where = f"recommendation.typed_counts[{k}]"
            if not isinstance(c, dict):
                self.add(where, "须为对象")
                continue
            self.pair(where, c.get("person"), c.get("post"), seen)
            for g, n in c.items():
                if g in ("person", "post"):
                    continue
                if g not in GROUPS:
                    self.add(f"{where}.{g}", f"未知的投票组（应为 {', '.join(GROUPS)}）")
                else:
                    self.count(f"{where}.{g}", n)
        printed = self.ballot_numbers(rec)
        serials: set[int] = set()
        for k, b in enumerate(self.listing("recommendation.ballots", rec.get("ballots"))):
            where = f"recommendation.ballots[{k}]"
            if not isinstance(b, dict):
                self.add(where, "须为对象")
                continue
            serial = self.count(f"{where}.serial", b.get("serial"), low=1)
            if serial is not None and serial in serials:
                self.add(f"{where}.serial", f"票号 {serial} 重复")
            elif serial is not None:
                serials.add(serial)
            if b.get("group") not in GROUPS:
                self.add(f"{where}.group", f"{quote(b.get('group'))} 须为 {', '.join(GROUPS)} 之一")
            if b.get("status", "valid") not in ("valid", "void", "discarded"):
                self.add(f"{where}.status", f"{quote(b.get('status'))} 须为 valid、void 或 discarded")
            if "number" in b and (not isinstance(b["number"], str) or not is_ballot_number(b["number"])):
                self.add(f"{where}.number", f"{quote(b['number'])} 须为 6 位数字的票号")
            elif "number" in b and b.get("group") in GROUPS and b["number"] not in printed.get(b["group"], ()):
                self.add(f"{where}.number", f"票号 {b['number']} 不在 ballot_numbers.{b['group']} 中")
            if "entered_by" in b:
                self.text(f"{where}.entered_by", b["entered_by"], Ballot.entered_by, required=True)
            if "marks" not in b:
                self.add(f"{where}.marks", "缺少")
            self.marks(f"{where}.marks", b.get("marks"))

        self.checks(rec, printed)
        self.scans(rec)

    def scans(self, rec: dict[str, Any]) -> None:
        """SPEC §12: the scan record (pages, review items, resolutions), as the program exports it."""
        scans = self.mapping("recommendation.scans", rec.get("scans"))
        ids: set[int] = set()
        for k, p in enumerate(self.listing("recommendation.scans.pages", scans.get("pages"))):
            where = f"recommendation.scans.pages[{k}]"
            if not isinstance(p, dict):
                self.add(where, "须为对象")
                continue
            pid = self.count(f"{where}.id", p.get("id"), low=1)
            if pid is not None and pid in ids:
                self.add(f"{where}.id", f"{pid} 重复")
            ids.add(pid)
            if not isinstance(p.get("file"), str) or not isinstance(p.get("sha256"), str):
                self.add(where, "缺少 file 或 sha256")
            if p.get("status") not in ("entered", "waiting", "rejected", "blank", "second-channel"):
                self.add(f"{where}.status", f"{quote(p.get('status'))} 不是扫描页的状态")
        for name, required in (("items", ("key", "group", "number", "person", "page", "why")),
                               ("resolutions", ("key", "group", "number", "keyed", "scanned", "mark", "reason",
                                                "resolved_by", "resolved_at"))):
            for k, x in enumerate(self.listing(f"recommendation.scans.{name}", scans.get(name))):
                where = f"recommendation.scans.{name}[{k}]"
                if not isinstance(x, dict):
                    self.add(where, "须为对象")
                    continue
                missing = [f for f in required if x.get(f) is None]
                if missing:
                    self.add(where, f"缺少 {'、'.join(missing)}")
                if name == "items" and x.get("page") not in ids:
                    self.add(f"{where}.page", f"没有扫描页 {quote(x.get('page'))}")

    def ballot_numbers(self, rec: dict[str, Any]) -> dict[str, set[str]]:
        """SPEC §10: 6-digit numbers, unique within the meeting, per voter group."""
        out: dict[str, set[str]] = {}
        seen: set[str] = set()
        for g, numbers in self.mapping("recommendation.ballot_numbers", rec.get("ballot_numbers")).items():
            where = f"recommendation.ballot_numbers.{g}"
            if g not in GROUPS:
                self.add(where, f"未知的投票组（应为 {', '.join(GROUPS)}）")
                continue
            out[g] = set()
            for k, n in enumerate(self.listing(where, numbers)):
                if not isinstance(n, str) or not is_ballot_number(n):
                    self.add(f"{where}[{k}]", f"{quote(n)} 须为 6 位数字的票号")
                elif n in seen:
                    self.add(f"{where}[{k}]", f"票号 {n} 重复")
                else:
                    seen.add(n)
                    out[g].add(n)
        return out

    def checks(self, rec: dict[str, Any], printed: dict[str, set[str]]) -> None:
        ids: set[int] = set()
        for k, c in enumerate(self.listing("recommendation.checks", rec.get("checks"))):
            where = f"recommendation.checks[{k}]"
            if not isinstance(c, dict):
                self.add(where, "须为对象")
                continue
            cid = self.count(f"{where}.id", c.get("id"), low=1)
            if cid is not None and cid in ids:
                self.add(f"{where}.id", f"{cid} 重复")
            ids.add(cid)
            if c.get("kind") not in ("sample", "recount"):
                self.add(f"{where}.kind", f"{quote(c.get('kind'))} 须为 sample 或 recount")
            if c.get("group") is not None and c.get("group") not in GROUPS:
                self.add(f"{where}.group", f"{quote(c.get('group'))} 须为 {', '.join(GROUPS)} 之一")
            self.text(f"{where}.seed", c.get("seed"), CountCheck.seed)
            self.text(f"{where}.started_by", c.get("started_by"), CountCheck.started_by)
            self.mapping(f"{where}.plan", c.get("plan"))
            numbers: set[str] = set()
            for j, e in enumerate(self.listing(f"{where}.entries", c.get("entries"))):
                at = f"{where}.entries[{j}]"
                if not isinstance(e, dict):
                    self.add(at, "须为对象")
                    continue
                n, g = e.get("number"), e.get("group")
                if g not in GROUPS:
                    self.add(f"{at}.group", f"{quote(g)} 须为 {', '.join(GROUPS)} 之一")
                if not isinstance(n, str) or not is_ballot_number(n):
                    self.add(f"{at}.number", f"{quote(n)} 须为 6 位数字的票号")
                elif n in numbers:
                    self.add(f"{at}.number", f"票号 {n} 重复")
                numbers.add(n if isinstance(n, str) else "")
                if e.get("status", "valid") not in ("valid", "void"):
                    self.add(f"{at}.status", f"{quote(e.get('status'))} 须为 valid 或 void")
                self.text(f"{at}.entered_by", e.get("entered_by"), CheckEntry.entered_by)
                self.marks(f"{at}.marks", e.get("marks"))

    def marks(self, where: str, raw: Any) -> None:
        for person, code in self.mapping(where, raw).items():
            if person not in self.people:
                self.add(f"{where}.{person}", f"没有编号为 {quote(person)} 的人员")
                continue
            mark = Mark.decode(code) if isinstance(code, str) else None
            if mark is None or mark.kind not in (AGREE, SUGGEST, BLANK, INVALID) \
                    or (mark.kind in (AGREE, SUGGEST)) != (mark.post is not None):
                self.add(f"{where}.{person}", f"{quote(code)} 须为 agree:岗位、suggest:岗位、blank 或 invalid")
            elif mark.post is not None and mark.post not in self.posts:
                self.add(f"{where}.{person}", f"没有编号为 {quote(mark.post)} 的岗位")

    def pair(self, where: str, person: Any, post: Any, seen: set[tuple[str, str]]) -> None:
        ok = True
        if not isinstance(person, str) or person not in self.people:
            self.add(f"{where}.person", f"没有编号为 {quote(person)} 的人员")
            ok = False
        if not isinstance(post, str) or post not in self.posts:
            self.add(f"{where}.post", f"没有编号为 {quote(post)} 的岗位")
            ok = False
        if ok and (person, post) in seen:
            self.add(where, "同一人员、岗位的推荐数重复填写")
        elif ok:
            seen.add((person, post))


def _default_category(rank: str) -> str:
    return "原任科长" if rank == "正科实职" else ("拟竞争科长" if rank != "科员" else "行政一般")
