"""`python -m app compute` on the campaign file (SPEC §8)."""

import copy
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, on_expected_keys
from app.cli import run_compute

ROOT = Path(__file__).resolve().parents[2]


def small():
    return json.loads((DATA / "small.json").read_text(encoding="utf-8"))


def compute(tmp_path, doc, raw=None):
    path = tmp_path / "c.json"
    path.write_text(raw if raw is not None else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_compute(str(path), out, err)
    return code, (json.loads(out.getvalue()) if code == 0 else out.getvalue()), err.getvalue().splitlines()


def test_small_example_conformance_via_the_real_command():
    proc = subprocess.run([sys.executable, "-m", "app", "compute", str(DATA / "small.json")],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr
    expected = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))
    assert on_expected_keys(json.loads(proc.stdout), expected) == expected
    # and the margins of SPEC §11 besides (worked by hand in tests/core/test_margin.py)
    assert json.loads(proc.stdout)["margin"] == {"ballots": 3, "post": "P1", "person": "1001", "decision": "seat"}
    assert proc.stderr == ""


def test_83_8655_is_published_as_83_866(tmp_path):
    code, results, _ = compute(tmp_path, small())
    pair = next(p for p in results["pairs"] if p["person"] == "1001")
    assert pair["composite"] == "83.866"


def test_numbers_may_be_json_numbers(tmp_path):
    doc = small()
    doc["people"][0]["exam"] = 82.5          # read as the exact decimal 82.5, not a float
    code, results, err = compute(tmp_path, doc)
    assert code == 0, err
    assert results["people"]["1001"]["exam"] == "82.500"


def test_failed_satisfaction_lists_pairs_as_not_eligible(tmp_path):
    doc = small()
    doc["people"][1]["satisfaction"] = {"present": 30, "dissatisfied": 10}   # 李华: exactly 1/3
    code, results, _ = compute(tmp_path, doc)
    assert results["people"]["1002"]["satisfaction"] == {"rate": "0.333", "passed": False}
    pair = next(p for p in results["pairs"] if p["person"] == "1002" and p["post"] == "P1")
    assert pair == {"person": "1002", "post": "P1", "declared": True, "rate": "0.524", "eligible": False,
                    "recommendation": None, "composite": None, "margin": 13}   # 33 of 63: 13 fewer → 20/63 < 1/3
    assert {"post": "P1", "person": "1001", "rule": "13.1", "margin": None} in results["assignment"]
    # 李华's 1/3 lines decide nothing now; the closest decision left is 王芳's line at P2: 37 of 63, 37 − 20 = 17.
    assert results["margin"] == {"ballots": 17, "post": "P2", "person": "1003", "decision": "threshold"}


def test_fallback_mode_from_the_scheme(tmp_path):
    doc = small()
    # 李华 also becomes eligible at P3 (suggested, 21/63) — in literal mode he is fixed to P1 (higher rate)
    # and loses there; in fallback mode he moves to P3.
    doc["recommendation"]["counts"][2] = {"person": "1002", "post": "P3", "leaders": 2, "staff": 14,
                                          "unit_heads": 2, "county_chiefs": 3}
    code, literal, _ = compute(tmp_path, doc)
    assert literal["vacant"] == ["P3"]
    doc["scheme"] = {"assignment": "fallback"}
    code, fallback, _ = compute(tmp_path, doc)
    assert {"post": "P3", "person": "1002", "rule": "fallback", "margin": None} in fallback["assignment"]
    assert fallback["vacant"] == []


def test_absent_group_is_reported(tmp_path):
    doc = small()
    doc["recommendation"]["present"]["county_chiefs"] = 0
    for c in doc["recommendation"]["counts"]:
        c["county_chiefs"] = 0
    code, results, _ = compute(tmp_path, doc)
    assert results["absent_groups"] == ["county_chiefs"]
    pair = next(p for p in results["pairs"] if p["person"] == "1001")
    # 4+30+6 = 40 of 53; 100 × (0.28 + 0.30 + 0.1125)/0.9 = 76.944
    assert pair["rate"] == "0.755" and pair["recommendation"] == "76.944"


def test_missing_speech_gives_null_composite_and_undecided_post(tmp_path):
    doc = small()
    del doc["speech"]["1002"]
    code, results, _ = compute(tmp_path, doc)
    assert results["people"]["1002"]["speech"] is None
    assert results["undecided"] == [{"post": "P1", "persons": ["1001", "1002"], "reason": "missing scores"}]
    assert "P1" not in results["vacant"]


def problems_for(tmp_path, mutate=None, raw=None):
    doc = small()
    if mutate:
        mutate(doc)
    code, out, err = compute(tmp_path, doc, raw)
    assert code == 2 and out == ""
    return err


def test_truncated_json(tmp_path):
    text = (DATA / "small.json").read_text(encoding="utf-8")
    err = problems_for(tmp_path, raw=text[: len(text) // 2])
    assert len(err) == 1 and "格式错误" in err[0] and "不完整" in err[0]


def test_wrong_format(tmp_path):
    err = problems_for(tmp_path, lambda d: d.update(format="jinggang-campaign/2"))
    assert err == ["format: “jinggang-campaign/2” 不是 jinggang-campaign/1"]


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["speech"]["1003"].__setitem__(2, "101"),
     "people[2] (1003 王芳).speech[2]: 101 超出 0–100"),
    (lambda d: d["speech"]["1001"].__setitem__(0, "88.25"),
     "people[0] (1001 张明).speech[0]: 88.25 小数位过多（最多 1 位小数）"),
    (lambda d: d["speech"].__setitem__("1002", ["90", "91", "92", "93"]),
     "people[1] (1002 李华).speech: 评委评分只有 4 个，去掉 2 个最高分和 2 个最低分至少需要 5 个"),
    (lambda d: d["people"][1].__setitem__("declarations", [["P9"]]),
     "people[1] (1002 李华).declarations[0]: 岗位 P9 不存在"),
    (lambda d: d["people"][1].__setitem__("declarations", [["P1", "P2", "P3"]]),
     "people[1] (1002 李华).declarations[0]: 第1次报岗须报 1–2 个岗位，现报 3 个"),
    (lambda d: d["people"][0].__setitem__("declarations", [["P1"], ["P1"], ["P1", "P2"]]),
     "people[0] (1001 张明).declarations[2]: 第3次报岗须报 1 个岗位，现报 2 个"),
    (lambda d: d["recommendation"]["counts"][0].__setitem__("staff", 41),
     "recommendation.counts[0] (1001 → P1).staff: 其他行政编制人员推荐数 41 超过到会人数 40"),
    (lambda d: d["recommendation"]["counts"][0].__setitem__("post", "P7"),
     "recommendation.counts[0] (1001 → P7).post: 没有编号为 P7 的岗位"),
    (lambda d: d["recommendation"]["counts"].append(dict(d["recommendation"]["counts"][0])),
     "recommendation.counts[4] (1001 → P1): 同一人员、岗位的推荐数重复填写"),
    (lambda d: d["people"][2].__setitem__("id", "1001"),
     "people[2] (1001 王芳).id: 人员编号 1001 重复（同名可以，编号不能重复）"),
    (lambda d: d["posts"][1].__setitem__("id", "P1"),
     "posts[1].id: 岗位编号 P1 重复"),
    (lambda d: d["people"][0].__setitem__("exam", "82.55"),
     "people[0] (1001 张明).exam: 82.55 小数位过多（最多 1 位小数）"),
    (lambda d: d["people"][0]["democratic"].__setitem__("de", "abc"),
     "people[0] (1001 张明).democratic.de: “abc” 不是数字"),
    (lambda d: d["people"][0].__setitem__("rank", "处长"),
     "people[0] (1001 张明).rank: “处长” 不是 正科实职、正科虚职、副科实职、副科虚职、科员 之一"),
    (lambda d: d["people"][0].__setitem__("satisfaction", {"present": 30, "dissatisfied": 31}),
     "people[0] (1001 张明).satisfaction.dissatisfied: 31 超过 30"),
    (lambda d: d["people"][0].__setitem__("exam", {"行测": "31", "申论": "40", "公共基础": "10"}),
     "people[0] (1001 张明).exam.行测: 31 超出 0–30"),
    (lambda d: d["speech"].__setitem__("1009", ["90"] * 7),
     "speech.1009: 没有编号为 1009 的人员"),
    (lambda d: d.__setitem__("scheme", {"group_weights": {"leaders": "0.5"}}),
     "scheme.group_weights: 权重之和为 1.15，须为 1"),
])
def test_each_bad_input_gets_its_own_clear_message(tmp_path, mutate, expected):
    assert expected in problems_for(tmp_path, mutate)


def test_counts_for_a_person_without_declarations_is_an_error(tmp_path):
    def mutate(d):
        del d["people"][2]["declarations"]
    err = problems_for(tmp_path, mutate)
    assert "recommendation.counts[3] (1003 → P2).person: 1003 没有报岗，不参加竞岗" in err


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    def mutate(d):
        d["speech"]["1003"][0] = "101"
        d["people"][0]["exam"] = "-5"
        d["recommendation"]["counts"][0]["leaders"] = 6
    assert len(problems_for(tmp_path, mutate)) == 3


def test_exam_parts_give_the_total(tmp_path):
    doc = small()
    doc["people"][0]["exam"] = {"行测": "25.5", "申论": "41", "公共基础": "16"}
    code, results, _ = compute(tmp_path, doc)
    assert results["people"]["1001"]["exam"] == "82.500"


def test_democratic_from_grade_counts(tmp_path):
    doc = small()
    grades = {"优秀": 20, "称职": 8, "基本称职": 2, "不称职": 1}      # 2760/31 = 89.032
    doc["people"][0]["democratic"] = {d: grades for d in ("de", "neng", "qin", "ji", "lian")}
    code, results, _ = compute(tmp_path, doc)
    assert results["people"]["1001"]["democratic"] == "89.032"


def test_unknown_keys_are_ignored(tmp_path):
    doc = small()
    doc["judges"] = [{"id": "J1"}]
    doc["people"][0]["birth"] = "1980-01"
    code, results, _ = compute(tmp_path, doc)
    assert code == 0
    expected = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))
    assert on_expected_keys(results, expected) == expected


def test_results_do_not_depend_on_input_order(tmp_path):
    doc = small()
    code, a, _ = compute(tmp_path, doc)
    doc = copy.deepcopy(doc)
    doc["people"].reverse()
    doc["posts"].reverse()
    doc["recommendation"]["counts"].reverse()
    code, b, _ = compute(tmp_path, doc)
    assert a == b


def test_unreadable_file_exit_2(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    assert run_compute(str(tmp_path / "nope.json"), out, err) == 2
    assert "无法读取" in err.getvalue()


def test_counts_of_one_person_over_all_posts_cannot_exceed_those_present(tmp_path):
    # 40 staff present; 李华 has 20 for P1 and now 25 for P3: 45 staff ballots cannot exist.
    err = problems_for(tmp_path, lambda d: d["recommendation"]["counts"][2].__setitem__("staff", 25))
    assert err == ["recommendation.counts (1002).staff: 其他行政编制人员对该人员各岗位推荐数合计 45 超过到会人数 40"
                   "（每张票对一名竞岗人员只能推荐一个岗位）"]


def test_nobody_present_is_one_clear_line(tmp_path):
    err = problems_for(tmp_path, lambda d: d["recommendation"].__setitem__("present", {}))
    assert err == ["recommendation.present: 到会人数合计为 0"]


def test_null_means_missing_for_lists_too(tmp_path):
    doc = small()
    doc["people"][0]["appraisal"] = None
    doc["speech"]["1001"] = doc["speech"]["1001"]
    code, results, err = compute(tmp_path, doc)
    assert code == 0, err
    assert results["people"]["1001"]["appraisal_avg"] is None
    assert results["people"]["1001"]["quantified"] is None


def test_help_lists_the_subcommands():
    proc = subprocess.run([sys.executable, "-m", "app", "--help"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8")
    assert proc.returncode == 0
    for name in ("compute", "draw", "gui", "--demo"):
        assert name in proc.stdout


def test_demo_flag_is_accepted_at_top_level():
    from app.__main__ import build_parser
    assert build_parser().parse_args(["--demo"]).demo is True
