"""``python -m app import FILE.json --db NEW.db``: a bad file is refused (exit 2, Chinese lines, no
traceback) and leaves no partial write — no new file at all when the check before writing refuses it,
the file removed again when the write itself refuses, an existing target untouched. A file that is
accepted gives a store that verifies, exports a file that passes the same checks, and computes."""

from __future__ import annotations

import copy
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given

from app.cli import read_campaign_json, run_import
from app.core.campaign import CampaignError, decode_json, parse_campaign
from app.core.results import compute, results_to_json
from app.services.campaign_io import check_campaign_file, compute_results, export_campaign, import_campaign
from app.services.store import Store, StoreError
from tests.fuzz.hostile import (assert_problem_lines, damaged_text, db_snapshot, fuzz_settings, mutated, render, rich,
                                small, time_limit)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "jd2026"
SOURCE, TARGET = "竞岗文件.json", "新竞岗.db"   # beside each other in the test's folder


def side_files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]


def import_file(tmp_path: Path, content: str | bytes, *, password: str | None = PASSWORD) -> tuple[int, str, str, Path]:
    src, db = tmp_path / SOURCE, tmp_path / TARGET
    for p in side_files(db):
        p.unlink()
    src.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    out, err = io.StringIO(), io.StringIO()
    with time_limit(20):
        code = run_import(str(src), str(db), "导入", password, None, out, err)
    return code, out.getvalue(), err.getvalue(), db


def assert_accepted_store_is_sound(db: Path, data: dict) -> None:
    """The store verifies, its export passes the same checks, and it shows the results of the file."""
    store = Store.open(db, operator="复核")
    try:
        assert store.verify().ok
        check_campaign_file(json.loads(json.dumps(export_campaign(store), ensure_ascii=False)))
        try:
            _, shown = compute_results(store)
        except StoreError as err:   # e.g. scores still missing: said in Chinese, not a crash
            assert_problem_lines(str(err))
        else:
            assert results_to_json(shown) == results_to_json(compute(parse_campaign(data)))
    finally:
        store.close()


def assert_clean_import(code: int, out: str, err: str, db: Path) -> None:
    assert code in (0, 2), (code, err)
    if code == 2:
        assert out == ""
        assert_problem_lines(err)
        assert side_files(db) == [], "a refused import left a file behind"
    else:
        assert err == "" and "已导入" in out
        assert_accepted_store_is_sound(db, read_campaign_json(str(db.with_name(SOURCE))))


def with_change(change, base=rich) -> str:
    doc = base()
    change(doc)
    return render(doc)


# name → (file content, a phrase the refusal must contain)
CASES: dict[str, tuple[str | bytes, str]] = {
    "empty file": (b"", "格式错误"),
    "binary": (bytes(range(256)), "不是 UTF-8"),
    "truncated": (render(rich())[:500], "文件可能不完整"),
    "top-level array": ("[" + render(rich()) + "]", "须为 JSON 对象"),
    "NaN": (render(rich()).replace('"82.5"', "NaN", 1), "不允许 NaN"),
    "duplicate key": (render(rich()).replace('"title":', '"title": "a", "title":', 1), "重复"),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "嵌套"),
    "title as a list": (with_change(lambda d: d.update(title=["x"])), "title"),
    "settings as a list": (with_change(lambda d: d.update(settings=["x"])), "settings"),
    "published round not a number": (with_change(lambda d: d["settings"].update(declarations_published_round="一")),
                                     "settings.declarations_published_round"),
    "bad birth date": (with_change(lambda d: d["people"][0].update(birth="1985-13-01")), "people[0] (1001 张明).birth"),
    "unknown category": (with_change(lambda d: d["people"][0].update(category="局长")), "people[0] (1001 张明).category"),
    "name longer than the column": (with_change(lambda d: d["people"][0].update(name="名" * 65)), "name: 过长"),
    "seats beyond a database integer": (with_change(lambda d: d["posts"][2].update(seats=2**63)),
                                        "posts[2] (P3).seats: 9223372036854775808 超过 2147483647"),
    "ballot serial beyond a database integer": (with_change(lambda d: d["recommendation"]["ballots"][2].update(
        serial=2**31)), "ballots[2].serial"),
    "a score of 20 characters": (with_change(lambda d: d["people"][0].update(exam="82.50000000000000000")),
                                 "people[0] (1001 张明).exam: “82.50000000000000000” 过长（最多 16 个字符）"),
    "five years of 考核 (the store keeps three)": (
        with_change(lambda d: (d["scheme"].update(appraisal_years=5), d["people"][0].update(appraisal=["95"] * 5))),
        "people[0] (1001 张明).appraisal: 数据文件只能保存 3 个年度考核分，现有 5 个"),
    "office as a number": (with_change(lambda d: d["posts"][0].update(office=7)), "posts[0] (P1).office"),
    "judge without a seat": (with_change(lambda d: d["judges"][0].pop("seat")), "judges[0].seat"),
    "judge id twice": (with_change(lambda d: d["judges"][1].update(id="J1")), "judges[1].id"),
    "judges fewer than the scores": (with_change(lambda d: (d.pop("speech_by_judge"), d["judges"].pop())),
                                     "judges 只有 6 位评委"),
    "score of an unknown judge": (with_change(lambda d: d["speech_by_judge"]["1001"].update(J9="90")),
                                  "speech_by_judge.1001.J9"),
    "scores by judge differ from speech": (with_change(lambda d: d["speech_by_judge"]["1001"].update(J1="70")),
                                           "speech_by_judge.1001: 与 speech 中的评分不一致"),
    "typed counts of an unknown post": (with_change(lambda d: d["recommendation"]["typed_counts"][0].update(post="P9")),
                                        "typed_counts[0].post"),
    "ballot with a bad mark": (with_change(lambda d: d["recommendation"]["ballots"][0]["marks"].update({"1001": "yes"})),
                               "ballots[0].marks.1001"),
    "ballot serial twice": (with_change(lambda d: d["recommendation"]["ballots"][1].update(serial=1)),
                            "ballots[1].serial"),
    # passes every check before writing; refused inside the transaction, and the new file removed again
    "ballots that do not add up to the counts": (
        with_change(lambda d: d["recommendation"]["ballots"][1].update(status="discarded")),
        "recommendation.counts (1003 → P2): 与 typed_counts 和 ballots 合计不一致"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hand_made_bad_file_is_refused_and_leaves_no_file(tmp_path, name):
    content, phrase = CASES[name]
    code, out, err, db = import_file(tmp_path, content)
    assert code == 2, (name, out)
    assert_clean_import(code, out, err, db)
    assert phrase in err, err


def test_valid_files_still_import(tmp_path):
    for doc in (small(), rich()):
        code, out, err, db = import_file(tmp_path, render(doc))
        assert code == 0, err
        assert_clean_import(code, out, err, db)


def test_missing_file_directory_and_no_password_create_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("JINGGANG_SUPERVISOR_PASSWORD", raising=False)
    db = tmp_path / TARGET
    for path in (tmp_path / "nope.json", tmp_path):
        err = io.StringIO()
        assert run_import(str(path), str(db), "导入", PASSWORD, None, io.StringIO(), err) == 2
        assert_problem_lines(err.getvalue())
        assert side_files(db) == []
    code, out, err, db = import_file(tmp_path, render(small()), password="")
    assert code == 2 and "监督组密码" in err and side_files(db) == []


def test_an_existing_target_is_left_exactly_as_it_was(tmp_path):
    code, _, err, db = import_file(tmp_path, render(small()))
    assert code == 0, err
    before = db.read_bytes()
    src = tmp_path / "again.json"
    src.write_text(render(rich()), encoding="utf-8")
    err = io.StringIO()
    assert run_import(str(src), str(db), "导入", PASSWORD, None, io.StringIO(), err) == 2
    assert "已存在" in err.getvalue()
    assert db.read_bytes() == before


@fuzz_settings(150)
@given(text=mutated(rich()))
def test_mutated_file_is_imported_or_refused_without_a_trace(tmp_path, text):
    assert_clean_import(*import_file(tmp_path, text))


@fuzz_settings(60)
@given(text=damaged_text(render(rich())))
def test_damaged_file_is_imported_or_refused_without_a_trace(tmp_path, text):
    assert_clean_import(*import_file(tmp_path, text))


# -- into an open store: a refusal changes nothing, not even the audit log ---------------------------------

@pytest.fixture(scope="module")
def empty_campaign(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.db"
    Store.create(path, title="2026年竞争轮岗", unit="某某局", supervisor_password=PASSWORD, operator="王敏").close()
    return path


class _OpenStore:
    """One empty store reused while imports are refused; a fresh copy after one is accepted."""

    def __init__(self, template: Path, folder: Path):
        self.template, self.folder, self.n, self.store = template, folder, 0, None

    def get(self) -> Store:
        if self.store is None:
            self.n += 1
            path = self.folder / f"store{self.n}.db"
            shutil.copyfile(self.template, path)
            self.store = Store.open(path, operator="王敏")
        return self.store

    def spent(self) -> None:
        self.store.close()
        self.store = None


@pytest.fixture
def open_store(empty_campaign, tmp_path):
    holder = _OpenStore(empty_campaign, tmp_path)
    yield holder
    if holder.store is not None:
        holder.store.close()


@fuzz_settings(120)
@given(text=mutated(rich()))
def test_refused_import_into_an_open_store_changes_nothing(open_store, text):
    store = open_store.get()
    before = db_snapshot(store.location)
    try:
        data = decode_json(text, parse_float=str)
        with time_limit(20):
            import_campaign(store, data)
    except (CampaignError, StoreError) as err:
        assert_problem_lines("\n".join(err.problems) if isinstance(err, CampaignError) else str(err))
        assert db_snapshot(store.location) == before
        assert store.verify().ok
    else:
        assert store.verify().ok
        open_store.spent()


def test_an_import_refused_inside_the_transaction_changes_nothing(open_store):
    store = open_store.get()
    before = db_snapshot(store.location)
    doc = rich()
    doc["recommendation"]["ballots"][1]["status"] = "discarded"   # passes the checks, fails the final sum
    with pytest.raises(CampaignError, match="合计不一致"):
        import_campaign(store, doc)
    assert db_snapshot(store.location) == before and store.verify().ok
    import_campaign(store, rich())                                 # the same store still takes a good file
    with pytest.raises(StoreError, match="已有数据"):
        import_campaign(store, copy.deepcopy(rich()))


# -- the real command ----------------------------------------------------------------------------------

def test_the_command_refuses_cleanly_and_creates_nothing(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "JINGGANG_SUPERVISOR_PASSWORD": PASSWORD}
    for name in ("top-level array", "deep nesting", "ballots that do not add up to the counts"):
        content, phrase = CASES[name]
        src, db = tmp_path / "file.json", tmp_path / "new.db"
        src.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        result = subprocess.run([sys.executable, "-m", "app", "import", str(src), "--db", str(db)], cwd=ROOT,
                                capture_output=True, timeout=60, env=env)
        err = result.stderr.decode("utf-8", "backslashreplace")
        assert (result.returncode, result.stdout) == (2, b""), (name, err)
        assert_problem_lines(err)
        assert phrase in err
        assert side_files(db) == []
