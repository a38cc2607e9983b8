"""What the fuzz tests share: a bounded, deterministic Hypothesis profile, a guard that turns a hang into a
failure, hostile JSON values and a mutator of campaign documents that renders literals ``json.dumps``
never writes (NaN, 1e999, a number of sixty digits, deep nesting)."""

from __future__ import annotations

import copy
import json
import re
import signal
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import DATA


def fuzz_settings(max_examples: int) -> settings:
    """Same examples on every run (CI), no example database, no per-example deadline (a hang is caught
    by :func:`time_limit` instead)."""
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail instead of hanging (a number such as 1e999999999 once made Fraction compute for ever)."""
    if not hasattr(signal, "setitimer"):   # pragma: no cover - Windows: no guard
        yield
        return

    def expire(*_: Any) -> None:
        raise AssertionError(f"no answer within {seconds} s: the input made the program hang")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


CJK = re.compile(r"[\u4e00-\u9fff]")


def assert_problem_lines(text: str) -> None:
    """Refusal output: one or more non-empty lines, each in Chinese, never a traceback. (Which item and
    field a line names is asserted case by case.)"""
    assert "Traceback" not in text, text
    lines = text.rstrip("\n").split("\n")
    assert lines and all(line.strip() for line in lines), text
    for line in lines:
        assert CJK.search(line), line


# -- campaign documents ----------------------------------------------------------------------------

def small() -> dict[str, Any]:
    return json.loads((DATA / "small.json").read_text(encoding="utf-8"))


def rich() -> dict[str, Any]:
    """small.json with every key the program itself writes: a full scheme, roster fields, judges, who
    scored what, typed counts, paper ballots and settings (valid: it imports as it is)."""
    doc = small()
    doc.update(title="2026年竞争轮岗", unit="某某局",
               scheme={"exam_weight": "0.10", "democratic_weight": "0.30", "appraisal_weight": "0.60",
                       "dimension_weights": {"de": "0.30", "neng": "0.15", "qin": "0.10", "ji": "0.25", "lian": "0.20"},
                       "rank_bonus": {"正科实职": "4"}, "speech_trim": 2, "threshold": "1/3",
                       "group_weights": {"leaders": "0.35", "staff": "0.40", "unit_heads": "0.15",
                                         "county_chiefs": "0.10"},
                       "composite_weights": {"quantified": "0.30", "speech": "0.10", "recommendation": "0.60"},
                       "assignment": "literal", "input_decimals": 1, "judge_decimals": 1,
                       "declaration_rounds": [[1, 2], [1, 2], [1, 1]], "satisfaction_threshold": "1/3"},
               settings={"double_entry": "0", "declarations_published_round": "1", "ballots_issued:staff": "40",
                         "selection_round": "staff:1"})
    for post in doc["posts"]:
        post.update(office=post["name"][:-2], headcount=3)
    doc["people"][0].update(category="原任科长", gender="男", birth="1975-03", work_start="1995-07-01",
                            post_start="2012-10", political="中共党员", education="本科", identity="行政",
                            unit="市局机关", former_office="办公室", no_rotation=False)
    doc["people"][1]["exam"] = {"行测": "27", "申论": "43", "公共基础": "18"}
    doc["people"][2]["democratic"]["qin"] = {"优秀": 20, "称职": 8, "基本称职": 2, "不称职": 0}
    doc["judges"] = [{"id": f"J{n}", "name": f"评委{n}", "group": "leaders", "seat": n} for n in range(1, 8)]
    doc["speech_by_judge"] = {pid: {f"J{n}": v for n, v in enumerate(vals, start=1)}
                              for pid, vals in doc["speech"].items()}
    rec = doc["recommendation"]
    # staff by paper ballots (two of them), the other groups typed
    rec["typed_counts"] = [{"person": c["person"], "post": c["post"],
                            **{g: c[g] for g in ("leaders", "unit_heads", "county_chiefs")}} for c in rec["counts"]]
    for c in rec["counts"]:
        c["staff"] = 0
    rec["counts"][0]["staff"] = 1
    rec["counts"][3]["staff"] = 1
    rec["ballots"] = [
        {"serial": 1, "group": "staff", "marks": {"1001": "agree:P1", "1002": "blank", "1003": "invalid"},
         "status": "valid", "entered_by": "王敏"},
        {"serial": 2, "group": "staff", "marks": {"1001": "invalid", "1003": "agree:P2"}, "status": "valid",
         "entered_by": "王敏"},
        {"serial": 3, "group": "staff", "marks": {"1001": "agree:P2"}, "status": "discarded", "entered_by": "王敏"},
    ]
    return doc


class Raw(str):
    """A literal written into the JSON text as it is (NaN, 1e999, deep brackets)."""


def raw(text: str) -> Raw:
    return Raw(text)


def render(doc: Any) -> str:
    """The document as JSON text, each :class:`Raw` value spliced in as its literal."""
    literals: list[str] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Raw):
            literals.append(str(value))
            return f"\x00RAW{len(literals) - 1}\x00"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(doc), ensure_ascii=False)
    return re.sub(r'"\\u0000RAW(\d+)\\u0000"', lambda m: literals[int(m.group(1))], text)


HOSTILE: list[Any] = [
    None, True, False, 0, -1, 1, 2, 7, 2**31, 2**63, 10**30, -10**30, 0.5,
    "", " ", "\u3000", "abc", "-1", "0", "100", "100.0", "100.1", "85.55", "85.50", "-0", "0.0001", "1e5", "1E+2",
    "1e999", "NaN", "Infinity", "inf", "0x10", "１００", "８５．５", "²", "①", "٣", "1/3", "0/0", "1/0", "1/1e999999999",
    "1e999999999", "9e999999", "1" * 60, "0." + "0" * 40 + "1", "\ud800", "a\u0000b", "\u202e1001", "😀" * 5,
    "名" * 70, "x" * 5000, "P1", "P2", "P9", "1001", "1002", "1003", "9999", "agree:P1", "suggest:P3", "agree",
    "suggest:", "bogus:P1", "staff", "leaders", "literal", "fallback", "正科实职", "科员", "原任科长", "行政",
    "1985-03", "1985-13-01", "staff:1", "business:x",
    [], {}, [None], [[]], [[[]]], ["P1"], ["P1", "P2"], ["P1", "P1"], ["P1", "P2", "P3"], [["P1"], ["P1"], ["P1"], ["P1"]],
    ["88"] * 3, ["88"] * 20, {"": None}, {"a": []}, {"优秀": 5}, {"优秀": -1}, {"de": "90"},
    {"present": 3, "dissatisfied": 5}, {"id": "P1", "name": "x"}, {"leaders": 99},
    raw("NaN"), raw("Infinity"), raw("-Infinity"), raw("1e999"), raw("-1e999"), raw("1e-999"), raw("1e999999999999999999"),
    raw("9" * 60), raw("1.5"), raw("88.5"), raw("0.1"), raw("1E+2"), raw("-0.0"), raw("100.00"),
    raw("[" * 60 + "]" * 60), raw("[" * 3000 + "]" * 3000), raw('{"a":' * 70 + "1" + "}" * 70),
]


def hostile_values() -> st.SearchStrategy[Any]:
    """A value from the table or made up; a fresh copy each time (a later change must not edit the table)."""
    json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12))
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.sampled_from(HOSTILE),           # the table twice as often as anything generated
        st.integers(min_value=-10**20, max_value=10**20),
        st.text(max_size=30),
        st.recursive(json_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                          max_size=4), max_leaves=8),
    ).map(copy.deepcopy)


def node_paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in the document: keys of objects and indexes of arrays, the root being ()."""
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += node_paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += node_paths(v, prefix + (i,))
    return out


def _at(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any], max_changes: int = 3) -> str:
    """``base`` with one to three places replaced, deleted, wrapped or given a stranger next to them."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, max_changes))):
        paths = node_paths(doc)
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["replace", "replace", "replace", "delete", "wrap", "add"]))
        if path == () or how == "add":
            target = _at(doc, path)
            if isinstance(target, dict):
                target[draw(st.sampled_from(["id", "name", "seats", "x", "", "leaders", "1001", "P1", "marks"]))] = \
                    draw(hostile_values())
            elif isinstance(target, list):
                target.insert(draw(st.integers(0, len(target))), draw(hostile_values()))
            continue
        parent, key = _at(doc, path[:-1]), path[-1]
        if how == "delete":
            del parent[key]
        elif how == "wrap":
            parent[key] = draw(st.sampled_from([[parent[key]], {"value": parent[key]}]))
        else:
            parent[key] = draw(hostile_values())
    return render(doc)


@st.composite
def damaged_text(draw: st.DrawFn, text: str) -> str:
    """The text cut short, or with characters changed, removed or doubled (a clumsy hand in an editor)."""
    how = draw(st.sampled_from(["cut", "change", "remove", "double"]))
    at = draw(st.integers(0, len(text)))
    if how == "cut":
        return text[:at]
    if how == "remove":
        return text[:at] + text[at + draw(st.integers(1, 20)):]
    if how == "double":
        return text[:at] + text[at:at + draw(st.integers(1, 40))] + text[at:]
    return text[:at] + draw(st.sampled_from(['"', "{", "}", "[", "]", ",", ":", "0", "-", "\\", "\x00", "\ud800", "é",
                                             "NaN", "1e999", "null"])) + text[at + 1:]


# -- stores ---------------------------------------------------------------------------------------------

def db_snapshot(path: str | Path) -> dict[str, list[tuple]]:
    """Every row of every table of an SQLite campaign file (the audit log included), read beside the store."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        con.close()
