"""The campaign file (SPEC §8, ``jinggang-campaign/1``): reading and validating it.

:func:`parse_campaign` turns the decoded JSON into a :class:`Campaign` of validated values,
or raises :class:`CampaignError` with one line per problem, each naming the item and the
field, e.g. ``people[3] (1004 王五).speech[2]: 101 超出 0–100``.
"""

from __future__ import annotations

import json
import re
import reprlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from .declarations import effective_declaration, round_problems
from .numbers import ScoreError, parse_count, parse_score
from .recommendation import check_counts
from .scheme import DIMENSIONS, GRADES, GROUP_LABELS, GROUPS, RANKS, Scheme, SchemeError
from .scoring import dimension_from_grades, exam_total

FORMAT = "jinggang-campaign/1"
MAX_DEPTH = 50            # a campaign file nests six levels; a thousand is an attack, not a campaign
MAX_NUMBER_DIGITS = 50    # digits of one JSON number: no count or score comes near

# Size limits (issue 14): a bureau's rotation has tens to a few hundred people. A file far beyond these is a
# wrong file or an attack; it is refused at once, before it can take minutes and gigabytes to check.
MAX_FILE_BYTES = 10 * 1024 * 1024      # a 3,000-person campaign with every score and ballot is about 3 MB
MAX_PEOPLE = 3000
MAX_POSTS = 1000
MAX_JUDGES = 200
MAX_BALLOTS = 20000
MAX_COUNTS = 50000


def size_problems(data: Any) -> list[str]:
    """Lists too long to be a campaign (people, posts, judges, ballots, counts), one line each."""
    if not isinstance(data, dict):
        return []
    rec = data.get("recommendation") if isinstance(data.get("recommendation"), dict) else {}
    checks = (("people", data.get("people"), MAX_PEOPLE, "人"), ("posts", data.get("posts"), MAX_POSTS, "个岗位"),
              ("judges", data.get("judges"), MAX_JUDGES, "位评委"),
              ("recommendation.ballots", rec.get("ballots"), MAX_BALLOTS, "张选票"),
              ("recommendation.counts", rec.get("counts"), MAX_COUNTS, "条推荐数"))
    return [f"{where}: 共 {len(items)} 项，超过上限 {limit} {unit}（竞岗文件不会这么大，请检查是否选错了文件）"
            for where, items, limit, unit in checks if isinstance(items, list) and len(items) > limit]


class CampaignError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PostDef:
    id: str
    name: str
    seats: int = 1


@dataclass(frozen=True)
class PersonInput:
    id: str
    name: str
    rank: str
    exam: Decimal | None = None
    democratic: Mapping[str, Decimal] | None = None       # five dimension scores (tallied if given as grades)
    appraisal: tuple[Decimal, ...] = ()
    satisfaction: tuple[int, int] | None = None             # (present, dissatisfied)
    declarations: tuple[tuple[str, ...], ...] = ()

    @property
    def effective_posts(self) -> tuple[str, ...]:
        return effective_declaration(self.declarations)


@dataclass(frozen=True)
class PairCount:
    person: str
    post: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Campaign:
    scheme: Scheme
    posts: tuple[PostDef, ...]
    people: tuple[PersonInput, ...]
    speech: Mapping[str, tuple[Decimal, ...]] = field(default_factory=dict)
    present: Mapping[str, int] | None = None
    counts: tuple[PairCount, ...] = ()


class JsonNumber(Decimal):
    """A JSON number with a fraction or an exponent: exact (a Decimal), and shown as it was written — a
    message quotes ``0.1``, never ``Decimal('0.1')``, and a count written ``3.0`` is refused as ``3.0``."""

    text: str

    def __new__(cls, text: str) -> "JsonNumber":
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def load_campaign_text(text: str) -> Campaign:
    """Decode and validate a campaign file's text (numbers are read as exact decimals)."""
    return parse_campaign(decode_json(text))


def decode_json(text: str, parse_float: Callable[[str], Any] = JsonNumber) -> Any:
    """A campaign file's JSON, or CampaignError saying in Chinese why it is not readable JSON: a syntax
    error, NaN/Infinity, a repeated key, a number of absurd length, nesting a campaign never has."""
    try:
        data = json.loads(text, parse_float=_number(parse_float), parse_int=_number(int),
                          parse_constant=_refuse_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as err:
        raise CampaignError([f"JSON 第 {err.lineno} 行第 {err.colno} 列：格式错误（{err.msg}），文件可能不完整"]) from None
    except RecursionError:
        raise CampaignError([f"JSON 嵌套层数过多（竞岗文件最多 {MAX_DEPTH} 层），不是竞岗文件"]) from None
    except ValueError as err:
        raise CampaignError([str(err)]) from None
    if _depth(data) > MAX_DEPTH:
        raise CampaignError([f"JSON 嵌套层数过多（竞岗文件最多 {MAX_DEPTH} 层），不是竞岗文件"])
    return data


def _number(convert: Callable[[str], Any]) -> Callable[[str], Any]:
    def read(text: str) -> Any:
        if len(text) > MAX_NUMBER_DIGITS:
            raise ValueError(f"JSON 中的数字 {text[:20]}… 过长（{len(text)} 个字符，最多 {MAX_NUMBER_DIGITS} 个）")
        try:
            return convert(text)
        except InvalidOperation:   # an exponent beyond what Decimal holds, e.g. 1e999999999999999999
            raise ValueError(f"JSON 中的数字 {text} 超出范围") from None
    return read


def _depth(data: Any) -> int:
    """How deeply arrays and objects nest (counted without recursion)."""
    deepest, todo = 0, [(data, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                todo.extend((x, level + 1) for x in (item.values() if isinstance(item, dict) else item))
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"JSON 中不允许 {name}")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"JSON 对象中键 “{k}” 重复")
        out[k] = v
    return out


class _Reader:
    """Collects every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def text(self, where: str, raw: Any, *, required: bool = True) -> str | None:
        if raw is None:
            if required:
                self.add(where, "缺少")
            return None
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            self.add(where, f"{quote(raw)} 须为字符串")
            return None
        value = str(raw).strip()
        if required and not value:
            self.add(where, "为空")
            return None
        if not _encodable(value):
            self.add(where, f"{quote(value)} 含有无效的 Unicode 字符（孤立的代理码位）")
            return None
        return value

    def score(self, where: str, raw: Any, decimals: int, high: Decimal | int = 100) -> Decimal | None:
        try:
            return parse_score(raw, decimals=decimals, high=high)
        except ScoreError as err:
            self.add(where, str(err))
            return None

    def count(self, where: str, raw: Any, *, low: int = 0, high: int | None = None) -> int | None:
        if isinstance(raw, bool) or not isinstance(raw, int):   # SPEC §8: counts are JSON integers
            self.add(where, f"{quote(raw)} 须为 JSON 整数（如 3：不加引号、不带小数点）")
            return None
        try:
            return parse_count(raw, low=low, high=high)
        except ScoreError as err:
            self.add(where, str(err))
            return None
        except ValueError:   # digits int() cannot read (², ①) or too many of them
            self.add(where, f"{quote(raw)} 不是整数")
            return None

    def listing(self, where: str, raw: Any) -> list[Any]:
        if not isinstance(raw, list):
            self.add(where, "须为数组")
            return []
        return raw

    def mapping(self, where: str, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.add(where, "须为对象")
            return {}
        return raw


QUOTE_LIMIT = 80
"""SPEC §8: a message quotes at most 80 characters of an offending value (a 50 MB field is not echoed)."""


def quote(raw: Any, limit: int = 40) -> str:
    """A value from the file as a message quotes it: strings in “”, anything else as written; shortened
    (never beyond :data:`QUOTE_LIMIT`, and without making the whole text of a huge value first)."""
    limit = min(limit, QUOTE_LIMIT)
    if isinstance(raw, str):
        return f"“{raw[:limit]}…”" if len(raw) > limit else f"“{raw}”"
    if raw is None or isinstance(raw, bool):
        return json.dumps(raw)     # as the file has it: null, true, false
    text = reprlib.repr(raw)   # a list or an object of a million items is not written out first
    return text if len(text) <= limit else text[:limit] + "…"


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# A scheme value is a plain decimal or fraction ("0.35", "1/3"); Decimal and Fraction would also take
# "1e999999999" and compute with it (an overflow, or an integer of a billion digits).
_EXPONENT = re.compile(r"[0-9.]\s*[eE]")
MAX_SCHEME_TEXT = 30


def _scheme_text_problems(overrides: Mapping[str, Any]) -> list[str]:
    problems = []
    for key, value in overrides.items():
        for sub, v in (value.items() if isinstance(value, dict) else [(None, value)]):
            where = f"scheme.{key}" + (f".{sub}" if sub is not None else "")
            if isinstance(v, str) and (len(v) > MAX_SCHEME_TEXT or _EXPONENT.search(v)):
                problems.append(f"{where}: {quote(v)} 须写成不带指数的普通小数或分数（如 \"0.35\"、\"1/3\"）")
    return problems


def parse_campaign(data: Any) -> Campaign:
    r = _Reader()
    if not isinstance(data, dict):
        raise CampaignError(["文件内容须为 JSON 对象"])
    if data.get("format") != FORMAT:
        raise CampaignError([f"format: {quote(data.get('format'))} 不是 {FORMAT}"])
    if too_big := size_problems(data):
        raise CampaignError(too_big)

    scheme = Scheme()
    if "scheme" in data:
        overrides = r.mapping("scheme", data["scheme"])
        if bad := _scheme_text_problems(overrides):
            r.problems.extend(bad)
        else:
            try:
                scheme = scheme.with_overrides(overrides)
            except SchemeError as err:
                r.problems.extend(err.problems)

    posts = _posts(r, data.get("posts"))
    post_ids = {p.id for p in posts}
    people = _people(r, data.get("people"), post_ids, scheme)
    index = {p.id: (i, p) for i, p in enumerate(people)}
    speech = _speech(r, data.get("speech") or {}, index, scheme)
    present, counts = _recommendation(r, data.get("recommendation"), index, post_ids)
    if r.problems:
        raise CampaignError(r.problems)
    return Campaign(scheme, posts, people, speech, present, counts)


def _who(i: int, person: PersonInput | None, raw: Any = None) -> str:
    if person is not None:
        return f"people[{i}] ({person.id} {person.name})"
    if isinstance(raw, dict) and "id" in raw:
        label = f"{raw.get('id')} {raw.get('name', '')}".strip()
        return f"people[{i}] ({label if len(label) <= 40 else label[:40] + '…'})"
    return f"people[{i}]"


def _posts(r: _Reader, raw: Any) -> tuple[PostDef, ...]:
    posts: list[PostDef] = []
    seen: set[str] = set()
    for i, item in enumerate(r.listing("posts", raw)):
        where = f"posts[{i}]"
        item = r.mapping(where, item)
        pid = r.text(f"{where}.id", item.get("id"))
        name = r.text(f"{where}.name", item.get("name"))
        seats = r.count(f"{where}.seats", item.get("seats", 1), low=1)
        if pid is not None and pid in seen:
            r.add(f"{where}.id", f"岗位编号 {pid} 重复")
            continue
        if pid is not None:
            seen.add(pid)
        if pid is not None and name is not None and seats is not None:
            posts.append(PostDef(pid, name, seats))
    return tuple(posts)


def _people(r: _Reader, raw: Any, post_ids: set[str], scheme: Scheme) -> tuple[PersonInput, ...]:
    people: list[PersonInput] = []
    seen: set[str] = set()
    for i, item in enumerate(r.listing("people", raw)):
        if not isinstance(item, dict):
            r.add(f"people[{i}]", "须为对象")
            continue
        who = _who(i, None, item)
        pid = r.text(f"{who}.id", item.get("id"))
        name = r.text(f"{who}.name", item.get("name"))
        if pid is not None and pid in seen:
            r.add(f"{who}.id", f"人员编号 {pid} 重复（同名可以，编号不能重复）")
            continue
        if pid is not None:
            seen.add(pid)
        rank = r.text(f"{who}.rank", item.get("rank"))
        if rank is not None and rank not in RANKS:
            r.add(f"{who}.rank", f"{quote(rank)} 不是 {'、'.join(RANKS)} 之一")
        exam = _exam(r, f"{who}.exam", item.get("exam"), scheme)
        democratic = _democratic(r, f"{who}.democratic", item.get("democratic"), scheme)
        appraisal = []
        if item.get("appraisal") is not None:
            entries = r.listing(f"{who}.appraisal", item["appraisal"])
            if len(entries) > scheme.appraisal_years:
                r.add(f"{who}.appraisal", f"最多 {scheme.appraisal_years} 个年度考核分，现有 {len(entries)} 个")
            for j, s in enumerate(entries):
                value = r.score(f"{who}.appraisal[{j}]", s, scheme.input_decimals)
                if value is not None:
                    appraisal.append(value)
        satisfaction = None
        if item.get("satisfaction") is not None:
            sat = r.mapping(f"{who}.satisfaction", item["satisfaction"])
            present = r.count(f"{who}.satisfaction.present", sat.get("present"), low=1)
            dissatisfied = r.count(f"{who}.satisfaction.dissatisfied", sat.get("dissatisfied"), high=present)
            if present is not None and dissatisfied is not None:
                satisfaction = (present, dissatisfied)
        rounds: list[tuple[str, ...]] = []
        for j, rnd in enumerate(r.listing(f"{who}.declarations", item.get("declarations") or [])):
            posts = [r.text(f"{who}.declarations[{j}][{k}]", p) for k, p in enumerate(r.listing(f"{who}.declarations[{j}]", rnd))]
            posts = [p for p in posts if p is not None]
            for problem in round_problems(j + 1, posts, post_ids, scheme):
                r.add(f"{who}.declarations[{j}]", problem)
            rounds.append(tuple(posts))
        if pid is None or name is None or rank is None:
            continue
        people.append(PersonInput(pid, name, rank, exam, democratic, tuple(appraisal), satisfaction, tuple(rounds)))
    return tuple(people)


def _exam(r: _Reader, where: str, raw: Any, scheme: Scheme) -> Decimal | None:
    """§四: the total, or the three parts (行测/申论/公共基础) each within its full marks."""
    if raw is None:
        return None
    if isinstance(raw, dict):
        parts = {}
        for name, value in raw.items():
            full = scheme.exam_parts.get(name)
            if full is None:
                r.add(f"{where}.{name}", f"考试没有这一部分（应为 {'、'.join(scheme.exam_parts)}）")
                continue
            score = r.score(f"{where}.{name}", value, scheme.input_decimals, high=full)
            if score is not None:
                parts[name] = score
        if len(parts) != len(raw):
            return None
        try:
            return exam_total(parts, scheme)
        except ScoreError as err:
            r.add(where, str(err))
            return None
    return r.score(where, raw, scheme.input_decimals)


def _democratic(r: _Reader, where: str, raw: Any, scheme: Scheme) -> dict[str, Decimal] | None:
    """§六: five dimension scores, each given as a score or as grade counts {优秀: n, …}."""
    if raw is None:
        return None
    raw = r.mapping(where, raw)
    dims: dict[str, Decimal] = {}
    for d in DIMENSIONS:
        if d not in raw:
            r.add(f"{where}.{d}", "缺少")
            continue
        value = raw[d]
        if isinstance(value, dict):
            counts = {}
            for grade, n in value.items():
                if grade not in GRADES:
                    r.add(f"{where}.{d}.{grade}", f"未知的等次（应为 {'、'.join(GRADES)}）")
                    continue
                c = r.count(f"{where}.{d}.{grade}", n)
                if c is not None:
                    counts[grade] = c
            if len(counts) == len(value):
                try:
                    dims[d] = dimension_from_grades(counts, scheme)
                except ScoreError as err:
                    r.add(f"{where}.{d}", str(err))
        else:
            score = r.score(f"{where}.{d}", value, scheme.input_decimals)
            if score is not None:
                dims[d] = score
    return dims if len(dims) == len(DIMENSIONS) else None


def _speech(r: _Reader, raw: Any, index: Mapping[str, tuple[int, PersonInput]], scheme: Scheme) -> dict[str, tuple[Decimal, ...]]:
    speech: dict[str, tuple[Decimal, ...]] = {}
    for pid, scores in r.mapping("speech", raw).items():
        if pid not in index:
            r.add(f"speech.{pid}", f"没有编号为 {pid} 的人员")
            continue
        i, person = index[pid]
        where = f"{_who(i, person)}.speech"
        values = [r.score(f"{where}[{j}]", s, scheme.judge_decimals) for j, s in enumerate(r.listing(where, scores))]
        if len(values) < scheme.min_judges:
            r.add(where, f"评委评分只有 {len(values)} 个，去掉 {scheme.speech_trim} 个最高分和 "
                         f"{scheme.speech_trim} 个最低分至少需要 {scheme.min_judges} 个")
        if all(v is not None for v in values):
            speech[pid] = tuple(v for v in values if v is not None)
    return speech


def _recommendation(r: _Reader, raw: Any, index: Mapping[str, tuple[int, PersonInput]],
                    post_ids: set[str]) -> tuple[dict[str, int] | None, tuple[PairCount, ...]]:
    if raw is None:
        return None, ()
    raw = r.mapping("recommendation", raw)
    present: dict[str, int] = {}
    raw_present = r.mapping("recommendation.present", raw.get("present"))
    for g in raw_present:
        if g not in GROUPS:
            r.add(f"recommendation.present.{g}", f"未知的投票组（应为 {', '.join(GROUPS)}）")
    for g in GROUPS:
        c = r.count(f"recommendation.present.{g}", raw_present.get(g, 0))
        present[g] = c if c is not None else 0
    nobody = sum(present.values()) == 0
    if nobody:
        r.add("recommendation.present", "到会人数合计为 0")
    counts: list[PairCount] = []
    seen: set[tuple[str, str]] = set()
    for k, item in enumerate(r.listing("recommendation.counts", raw.get("counts") or [])):
        item = r.mapping(f"recommendation.counts[{k}]", item)
        person = r.text(f"recommendation.counts[{k}].person", item.get("person"))
        post = r.text(f"recommendation.counts[{k}].post", item.get("post"))
        where = f"recommendation.counts[{k}] ({person} → {post})"
        ok = person is not None and post is not None
        if person is not None and person not in index:
            r.add(f"{where}.person", f"没有编号为 {person} 的人员")
            ok = False
        elif person is not None and not index[person][1].effective_posts:
            r.add(f"{where}.person", f"{person} 没有报岗，不参加竞岗")
            ok = False
        if post is not None and post not in post_ids:
            r.add(f"{where}.post", f"没有编号为 {post} 的岗位")
            ok = False
        if ok and (person, post) in seen:
            r.add(where, "同一人员、岗位的推荐数重复填写")
            ok = False
        for g in item:
            if g not in GROUPS and g not in ("person", "post"):
                r.add(f"{where}.{g}", f"未知的投票组（应为 {', '.join(GROUPS)}）")
        pair: dict[str, int] = {}
        for g in GROUPS:
            c = r.count(f"{where}.{g}", item.get(g, 0))
            pair[g] = c if c is not None else 0
        if not nobody:
            for g, message in check_counts(present, pair):
                r.add(f"{where}.{g}", message)
        if ok:
            seen.add((person, post))  # type: ignore[arg-type]
            counts.append(PairCount(person, post, pair))  # type: ignore[arg-type]
    if not nobody:
        _check_person_totals(r, present, counts)
    return present, tuple(counts)


def _check_person_totals(r: _Reader, present: Mapping[str, int], counts: list[PairCount]) -> None:
    """§十一: each voter recommends a candidate for one post at most (a ballot marking two posts is
    invalid for that candidate), so per group a person's counts over all posts cannot exceed those present."""
    totals: dict[tuple[str, str], int] = {}
    for c in counts:
        for g in GROUPS:
            totals[(c.person, g)] = totals.get((c.person, g), 0) + c.counts.get(g, 0)
    already = {(c.person, g) for c in counts for g in GROUPS if c.counts.get(g, 0) > present.get(g, 0)}
    for (person, g), total in sorted(totals.items()):
        if total > present.get(g, 0) and (person, g) not in already:
            r.add(f"recommendation.counts ({person}).{g}",
                  f"{GROUP_LABELS[g]}对该人员各岗位推荐数合计 {total} 超过到会人数 {present.get(g, 0)}"
                  "（每张票对一名竞岗人员只能推荐一个岗位）")
