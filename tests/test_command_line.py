"""The command line as the 监督组 run it (issue 13, SPEC §8): Chinese help and errors (argparse's own words
too), no developer document in ``draw --help``, ``compute`` on a ``.db`` pointing to ``export``, counts that
must be JSON integers, values quoted as written and at most 80 characters, scheme problems named by field
path, and ``import`` refusing what ``compute`` refuses. Each runs the real command."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app.services.demo import create_demo_store
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[1]
SMALL = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
ENGLISH = re.compile(r"usage|options|positional|show this|error:|required|invalid choice|arguments", re.I)


def app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, timeout=120,
                          text=True, encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def compute_text(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    return app("compute", str(path))


def compute(tmp_path, mutate) -> subprocess.CompletedProcess:
    doc = copy.deepcopy(SMALL)
    mutate(doc)
    return compute_text(tmp_path, json.dumps(doc, ensure_ascii=False))


@pytest.mark.parametrize("args", [["--help"], ["compute", "--help"], ["draw", "--help"], ["import", "--help"],
                                  ["report", "--help"], ["verify", "--help"]])
def test_help_is_chinese_argparses_own_words_too(args):
    result = app(*args)
    assert result.returncode == 0
    assert result.stdout.startswith("用法：python -m app") and "显示本帮助并退出" in result.stdout
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout)


def test_the_demo_generators_help_is_chinese_too():
    result = subprocess.run([sys.executable, "-m", "app.demo", "--help"], capture_output=True, text=True,
                            encoding="utf-8", timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("用法：python -m app.demo") and "显示本帮助并退出" in result.stdout
    assert not ENGLISH.search(result.stdout), ENGLISH.search(result.stdout)


def test_draw_help_explains_the_check_without_pointing_to_a_developer_document():
    text = app("draw", "--help").stdout
    assert "SPEC" not in text and ".md" not in text and "§" not in text
    assert "printf '%s' '4711|竞岗演讲|1001' | sha256sum" in text


@pytest.mark.parametrize("args, words", [(["draw"], "缺少必需的参数：--seed, --meeting"),
                                         (["frobnicate"], "无效的选择 'frobnicate'"),
                                         (["compute", "a.json", "b.json"], "无法识别的参数：b.json")])
def test_usage_errors_are_chinese(args, words):
    result = app(*args)
    assert result.returncode == 2 and words in result.stderr and "错误" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_compute_on_a_campaign_database_says_to_export_first(tmp_path):
    create_demo_store(tmp_path / "竞岗.db", people=9, posts=3).close()
    result = app("compute", str(tmp_path / "竞岗.db"))
    assert result.returncode == 2 and result.stdout == ""
    assert "是竞岗数据文件（.db），不是竞岗文件（JSON）" in result.stderr
    assert f"python -m app export {tmp_path / '竞岗.db'} --json 竞岗文件.json" in result.stderr


@pytest.mark.parametrize("value, shown", [('"3"', "“3”"), ("3.0", "3.0"), ("true", "true"), ("3.5", "3.5")])
def test_a_count_must_be_a_json_integer_and_is_quoted_as_written(tmp_path, value, shown):
    text = json.dumps(SMALL, ensure_ascii=False).replace('"leaders": 4,', f'"leaders": {value},', 1)
    assert text != json.dumps(SMALL, ensure_ascii=False)
    result = compute_text(tmp_path, text)
    assert result.returncode == 2
    assert f"recommendation.counts[0] (1001 → P1).leaders: {shown} 须为 JSON 整数" in result.stderr


def test_unknown_keys_of_present_and_of_a_count_entry_are_refused(tmp_path):
    def mutate(d):
        d["recommendation"]["present"]["staf"] = 3
        d["recommendation"]["counts"][0]["leader"] = 1
    err = compute(tmp_path, mutate).stderr
    assert "recommendation.present.staf: 未知的投票组" in err
    assert "recommendation.counts[0] (1001 → P1).leader: 未知的投票组" in err


def test_a_huge_value_is_quoted_in_at_most_80_characters(tmp_path):
    # three values of 2 million digits: a 6 MB file, under the 10 MB a campaign file may have (issue 14)
    big = "9" * 2_000_000
    result = compute(tmp_path, lambda d: (d["people"][0].__setitem__("exam", big),
                                          d["recommendation"]["present"].__setitem__("staff", big),
                                          d.__setitem__("scheme", {"threshold": big})))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) >= 3 and all(len(line) < 200 for line in lines)
    for where in ("people[0] (1001 张明).exam: ", "recommendation.present.staff: ", "scheme.threshold: "):
        line = next(x for x in lines if x.startswith(where))
        quoted = re.search(r"“([^”]*)”", line).group(1)
        assert len(quoted) <= 80, line


def test_scheme_problems_name_the_field_path_and_quote_a_number_as_written(tmp_path):
    err = compute(tmp_path, lambda d: d.__setitem__("scheme", {"group_weights": {"staff": 0.1}})).stderr
    assert err.splitlines() == ['scheme.group_weights.staff: 0.1 须为字符串形式的小数（如 "0.35"）']
    err = compute(tmp_path, lambda d: d.__setitem__("scheme", {"group_weights": {"staff": "0.5"}})).stderr
    assert err.splitlines() == ["scheme.group_weights: 权重之和为 1.10，须为 1"]
    err = compute(tmp_path, lambda d: d.__setitem__("scheme", {"exam_weight": "0.2"})).stderr
    assert err.splitlines() == ["scheme.exam_weight/democratic_weight/appraisal_weight: 权重之和为 1.10，须为 1"]


def test_import_refuses_a_name_that_is_not_text_as_compute_does(tmp_path):
    doc = copy.deepcopy(SMALL)
    text = json.dumps(doc, ensure_ascii=False).replace('"name": "张明"', '"name": 1.5', 1)
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    computed = app("compute", str(path))
    imported = app("import", str(path), "--db", str(tmp_path / "new.db"), "--password", "jd2026")
    assert computed.returncode == imported.returncode == 2
    assert "people[0] (1001 1.5).name: 1.5 须为字符串" in computed.stderr
    assert "1.5 须为字符串" in imported.stderr and not (tmp_path / "new.db").exists()
