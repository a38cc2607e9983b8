"""``python -m app compute FILE.json`` on bad files: exit 2, one Chinese line per problem on stderr naming
the item and field, nothing on stdout, never a traceback; a valid file still gives exit 0 (SPEC §8)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.cli import read_campaign_json, run_compute
from app.core.campaign import CampaignError, parse_campaign
from tests.fuzz.hostile import (assert_problem_lines, damaged_text, fuzz_settings, mutated, render, rich, small,
                                time_limit)

ROOT = Path(__file__).resolve().parents[2]


def answer(path: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with time_limit(10):
        code = run_compute(str(path), out, err)
    if code == 2:   # one line per problem, even when a quoted value holds a line break
        with pytest.raises(CampaignError) as refused:
            parse_campaign(read_campaign_json(str(path)))
        assert err.getvalue().count("\n") == len(refused.value.problems), err.getvalue()
    return code, out.getvalue(), err.getvalue()


def answer_for(tmp_path: Path, content: str | bytes) -> tuple[int, str, str]:
    path = tmp_path / "竞岗文件.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return answer(path)


def assert_clean(code: int, out: str, err: str) -> None:
    """Either results (exit 0, nothing on stderr) or a clean refusal (exit 2, nothing on stdout)."""
    assert code in (0, 2), (code, err)
    if code == 2:
        assert out == ""
        assert_problem_lines(err)
    else:
        assert err == ""
        out.encode("utf-8")                # every character can be written to a UTF-8 stdout
        assert json.loads(out)["format"] == "jinggang-results/1"


def doc_with(change) -> str:
    doc = small()
    change(doc)
    return render(doc)


def person(doc, i=0):
    return doc["people"][i]


# name → (file content, a phrase the refusal must contain)
CASES: dict[str, tuple[str | bytes, str]] = {
    "empty file": (b"", "格式错误"),
    "only spaces": (b"  \n\t ", "格式错误"),
    "binary": (bytes(range(256)) * 4, "不是 UTF-8"),
    "invalid UTF-8 in a name": (render(small()).encode("utf-8").replace("张明".encode(), b"\xff\xfe"), "不是 UTF-8"),
    "GBK instead of UTF-8": (render(small()).encode("gbk"), "不是 UTF-8"),
    "UTF-16": (render(small()).encode("utf-16"), "不是 UTF-8"),
    "a zip file": (b"PK\x03\x04" + b"\x00" * 100, "格式错误"),
    "truncated": (render(small())[:300], "文件可能不完整"),
    "trailing comma": (render(small())[:-1] + ",}", "格式错误"),
    "two documents": (render(small()) * 2, "格式错误"),
    "top-level array": ("[" + render(small()) + "]", "须为 JSON 对象"),
    "top-level string": ('"jinggang-campaign/1"', "须为 JSON 对象"),
    "top-level null": ("null", "须为 JSON 对象"),
    "no format": (doc_with(lambda d: d.pop("format")), "format"),
    "format as a list": (doc_with(lambda d: d.update(format=["jinggang-campaign/1"])), "format"),
    "NaN": (doc_with(lambda d: person(d).update(exam=float("nan"))), "不允许 NaN"),
    "Infinity count": (render(small()).replace('"present": 30', '"present": Infinity', 1), "不允许 Infinity"),
    "1e999": (render(small()).replace('"82.5"', "1e999", 1), "超出 0–100"),
    "exponent beyond Decimal": (render(small()).replace('"82.5"', "1e99999999999999999999", 1), "超出范围"),
    "sixty-digit count": (render(small()).replace('"present": 30', '"present": ' + "9" * 60, 1), "过长"),
    "five-thousand-digit count": (render(small()).replace('"present": 30', '"present": ' + "9" * 5000, 1), "过长"),
    "deep nesting": (doc_with(lambda d: d.update(x=[])).replace('"x": []', '"x": ' + "[" * 100 + "]" * 100), "嵌套"),
    "nesting beyond the JSON reader": ("[" * 100_000 + "]" * 100_000, "嵌套"),
    "duplicate key": (render(small()).replace('"exam": "82.5"', '"exam": "82.5", "exam": "99"', 1), "重复"),
    "duplicate person id": (doc_with(lambda d: person(d, 1).update(id="1001")), "people[1] (1001 李华).id"),
    "number as a list": (doc_with(lambda d: person(d).update(exam=["82.5"])), "people[0] (1001 张明).exam"),
    "score as a JSON number with too many decimals": (render(small()).replace('"82.5"', "82.55", 1),
                                                      "people[0] (1001 张明).exam: 82.55 小数位过多"),
    "score with too many decimals": (doc_with(lambda d: person(d).update(exam="82.55")), "小数位过多"),
    "nulls everywhere": (doc_with(lambda d: d.update(posts=[None], people=[{"id": None, "name": None, "rank": None}],
                                                     speech=None, recommendation=None)), "posts[0]"),
    "nested nulls": (doc_with(lambda d: person(d).update(democratic={"de": None, "neng": [None]},
                                                         satisfaction={"present": None})), "democratic.de"),
    "negative count": (doc_with(lambda d: person(d)["satisfaction"].update(dissatisfied=-1)), "小于 0"),
    "bool for a count": (doc_with(lambda d: person(d)["satisfaction"].update(present=True)), "须为 JSON 整数"),
    "superscript digit count": (doc_with(lambda d: d["recommendation"]["present"].update(staff="²")), "须为 JSON 整数"),
    "circled digit count": (doc_with(lambda d: d["recommendation"]["present"].update(staff="①")), "须为 JSON 整数"),
    "seats zero": (doc_with(lambda d: d["posts"][0].update(seats=0)), "posts[0].seats"),
    "very long name": (doc_with(lambda d: person(d).update(rank="科" * 100_000)), "people[0] (1001 张明).rank"),
    "lone surrogate id": (render(small()).replace('"P1"', '"\\ud800"'), "代理码位"),
    "scheme threshold with an exponent": (doc_with(lambda d: d.update(scheme={"threshold": "1e999999999"})),
                                          "scheme.threshold"),
    "scheme weight that overflows": (doc_with(lambda d: d.update(scheme={"exam_weight": "9e999999",
                                                                         "democratic_weight": "9e999999"})),
                                     "scheme.exam_weight"),
    "scheme as a list": (doc_with(lambda d: d.update(scheme=[1])), "scheme"),
    "scheme mapping of lists": (doc_with(lambda d: d.update(scheme={"group_weights": {"leaders": [1]}})),
                                "scheme.group_weights.leaders"),
    "declarations of numbers": (doc_with(lambda d: person(d).update(declarations=[[1, 2]])), "declarations"),
    "declarations as a string": (doc_with(lambda d: person(d).update(declarations="P1")), "declarations"),
    "speech of an unknown person": (doc_with(lambda d: d["speech"].update({"9999": ["1"] * 7})), "speech.9999"),
    "speech as numbers in a dict": (doc_with(lambda d: d["speech"].update({"1001": {"a": 1}})), "speech"),
    "counts as a dict": (doc_with(lambda d: d["recommendation"].update(counts={"1001": 1})), "counts"),
    "counts above those present": (doc_with(lambda d: d["recommendation"]["counts"][0].update(leaders=6)), "leaders"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hand_made_malformed_file_is_refused_with_its_problem(tmp_path, name):
    content, phrase = CASES[name]
    code, out, err = answer_for(tmp_path, content)
    assert code == 2, (name, out[:200])
    assert_clean(code, out, err)
    assert phrase in err, err


def test_valid_files_still_give_results(tmp_path):
    for doc in (small(), rich()):
        code, out, err = answer_for(tmp_path, render(doc))
        assert (code, err) == (0, "")
        assert_clean(code, out, err)
    code, out, err = answer_for(tmp_path, b"\xef\xbb\xbf" + render(small()).encode())   # a BOM, as Notepad writes
    assert code == 0


def test_missing_file_directory_and_unreadable_file(tmp_path):
    for path, phrase in ((tmp_path / "nope.json", "找不到文件"), (tmp_path, "是文件夹")):
        code, out, err = answer(path)
        assert (code, out) == (2, "")
        assert_problem_lines(err)
        assert phrase in err


@fuzz_settings(150)
@given(content=st.binary(max_size=400) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_random_bytes_are_refused(tmp_path, content):
    assert_clean(*answer_for(tmp_path, content))


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                               st.sampled_from(["format", "posts", "people", "speech", "recommendation", "scheme", "id"])
                               | st.text(max_size=5), inner, max_size=5), max_leaves=20)


@fuzz_settings(150)
@given(value=JSON_VALUES)
def test_random_json_is_refused(tmp_path, value):
    assert_clean(*answer_for(tmp_path, json.dumps(value)))


@fuzz_settings(150)
@given(value=JSON_VALUES)
def test_random_json_in_a_campaign_envelope_is_refused(tmp_path, value):
    doc = {"format": "jinggang-campaign/1", "posts": value, "people": value, "speech": value,
           "recommendation": value, "scheme": value}
    assert_clean(*answer_for(tmp_path, json.dumps(doc)))


@fuzz_settings(400)
@given(text=mutated(small()))
def test_mutated_campaign_is_refused_or_computed(tmp_path, text):
    assert_clean(*answer_for(tmp_path, text))


@fuzz_settings(200)
@given(text=mutated(rich()))
def test_mutated_export_is_refused_or_computed(tmp_path, text):
    assert_clean(*answer_for(tmp_path, text))


@fuzz_settings(200)
@given(text=damaged_text(render(small())))
def test_damaged_text_is_refused_or_computed(tmp_path, text):
    assert_clean(*answer_for(tmp_path, text))


# -- the real command: no traceback reaches the user -----------------------------------------------------

COMMAND_CASES = ["binary", "truncated", "top-level array", "NaN", "nesting beyond the JSON reader",
                 "scheme threshold with an exponent", "lone surrogate id", "superscript digit count"]


def run_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, timeout=60,
                          env={**__import__("os").environ, "PYTHONIOENCODING": "utf-8"})


def test_the_command_refuses_cleanly(tmp_path):
    for name in COMMAND_CASES:
        content, phrase = CASES[name]
        path = tmp_path / f"{len(name)}.json"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        result = run_command("compute", str(path))
        err = result.stderr.decode("utf-8", "backslashreplace")
        assert (result.returncode, result.stdout) == (2, b""), (name, err)
        assert_problem_lines(err)
        assert phrase in err, (name, err)
    result = run_command("compute", str(tmp_path))       # a directory
    assert result.returncode == 2 and result.stdout == b"" and b"Traceback" not in result.stderr
    good = tmp_path / "good.json"
    good.write_text(render(small()), encoding="utf-8")
    result = run_command("compute", str(good))
    assert result.returncode == 0 and result.stderr == b""
    assert json.loads(result.stdout)["format"] == "jinggang-results/1"
