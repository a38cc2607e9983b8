"""The evidence package (issue 14): ``python -m app evidence FILE.db --out DIR`` and its ``verify_evidence.py``,
run as the 监督组 would years later — ``python -I`` in a fresh interpreter, from inside the folder or with the
folder as argument, the program not importable (the folder is copied away from the repository, no
PYTHONPATH) — exit 0 when everything checks (also with nothing published), 1 naming what does not.

Its recomputation is its own (standard library, SPEC §2–§4): a property test holds it against the program's on
campaigns built to tie (equal composites, rates, suggested posts), miss scores and fall back."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import verify_evidence
from app.core import stage_rules
from app.core.campaign import parse_campaign
from app.core.results import compute, results_to_json
from app.core.snapshot import PERSON_ROSTER_KEYS, frozen_campaign, published_results
from app.services import scores, seals, stages
from app.services.ballot_checks import set_paper_count
from app.services.ballots import save_ballot
from app.core.ballots import AGREE, BLANK, SUGGEST, Mark
from app.services.campaign_io import import_campaign
from app.services.recommendation import set_presence
from app.services.store import Store
from tests.conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "jd2026"


def make(tmp_path, publish: bool = True) -> Path:
    path = tmp_path / "c.db"
    store = Store.create(path, title="2026年竞争轮岗", unit="某某局", supervisor_password=PASSWORD, operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    if publish:
        stages.publish_through(store, "assignment", PASSWORD)
    store.close()
    return path


def package(tmp_path, db: Path) -> Path:
    out = tmp_path / "证据包"
    result = subprocess.run([sys.executable, "-m", "app", "evidence", str(db), "--out", str(out)], cwd=ROOT,
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    # as the 监督组 keep it: a folder elsewhere, on a computer without the program
    away = tmp_path / "elsewhere" / "证据包"
    shutil.copytree(out, away)
    return away


def check(folder: Path, *args: str, inside: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    command = [sys.executable, "-I", "verify_evidence.py" if inside else str(folder / "verify_evidence.py"), *args]
    if not inside:
        command.insert(3, str(folder))
    return subprocess.run(command, cwd=folder if inside else folder.parent.parent, env=env, capture_output=True,
                          text=True, encoding="utf-8")


def test_the_package_checks_in_a_fresh_interpreter_without_the_program(tmp_path):
    db = make(tmp_path)
    folder = package(tmp_path, db)
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert {"campaign.json", "audit.jsonl", "verify_evidence.py", "MANIFEST.sha256", "README.txt",
            "sheets/综合考评结果.pdf", "sheets/拟任人选公示.pdf", "sheets/封签记录.pdf"} <= set(names)
    assert len([n for n in names if n.startswith("snapshots/")]) == 7
    assert "import app" not in (folder / "verify_evidence.py").read_text(encoding="utf-8")
    for inside in (True, False):
        result = check(folder, "--password", PASSWORD, inside=inside)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "快照 " in result.stdout and "公布的数字重算一致" in result.stdout
        assert "封签 14 个，均用监督组密码核对有效" in result.stdout
    with _opened(db) as store:
        last = seals.last_seal(store)
    from app.core.seal import code_digits
    ok = check(folder, "--printed", f"{code_digits(last.head)}@{last.seq}")
    assert ok.returncode == 0 and f"与第 {last.seq} 条的链头一致" in ok.stdout


class _opened:
    def __init__(self, db):
        self.store = Store.open(db, operator="x", read_only=True)

    def __enter__(self):
        return self.store

    def __exit__(self, *exc):
        self.store.close()


def test_nothing_published_yet_checks_too(tmp_path):
    folder = package(tmp_path, make(tmp_path, publish=False))
    result = check(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert list((folder / "snapshots").iterdir()) == [] and "核对通过" in result.stdout


def test_a_changed_published_number_is_named(tmp_path):
    folder = package(tmp_path, make(tmp_path))
    snap = next((folder / "snapshots").glob("*-assignment.json"))
    data = json.loads(snap.read_text(encoding="utf-8"))
    assert data["document"]["results"]["pairs"][0]["composite"] == "83.866"
    data["document"]["results"]["pairs"][0]["composite"] = "93.866"
    snap.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = check(folder)
    assert result.returncode == 1
    assert f"文件 snapshots/{snap.name} 与清单中的 SHA-256 不符" in result.stdout
    assert f"{snap.name}：快照内容与其 SHA-256 不符" in result.stdout


def test_a_recomputed_number_that_disagrees_is_named_even_with_a_consistent_snapshot(tmp_path):
    """A snapshot rewritten with its hash and the log rechained still fails the recomputation."""
    folder = package(tmp_path, make(tmp_path))
    snap = next((folder / "snapshots").glob("*-assignment.json"))
    data = json.loads(snap.read_text(encoding="utf-8"))
    data["document"]["results"]["pairs"][0]["composite"] = "93.866"
    digest = verify_evidence.sha256_text(verify_evidence.canonical(data["document"]))
    data["sha256"] = digest
    snap.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    rows = [json.loads(line) for line in (folder / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    for r in rows:
        if r["seq"] == data["seq"]:
            r["new"] = verify_evidence.canonical({"stage": "assignment", "sha256": digest, "document": data["document"]})
    prev = verify_evidence.GENESIS
    for r in rows:
        body = verify_evidence.canonical([r["seq"], r["at"], r["operator"], r["action"], r["entity"], r["old"],
                                          r["new"], r["reason"]])
        r["prev_hash"], r["hash"] = prev, verify_evidence.sha256_text(f"{prev}\n{body}")
        prev = r["hash"]
    (folder / "audit.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                        encoding="utf-8")
    (folder / "MANIFEST.sha256").unlink()
    result = check(folder, "--password", PASSWORD)
    assert result.returncode == 1
    assert "公布的数字与重算不符：pairs[0].composite：\"83.866\" / \"93.866\"" in result.stdout
    assert "封签（公布 综合考评与人选" in result.stdout and "缺少 MANIFEST.sha256" in result.stdout


def test_ballots_are_recounted_one_by_one(tmp_path):
    path = tmp_path / "c.db"
    store = Store.create(path, title="t", unit="u", supervisor_password=PASSWORD, operator="王敏")
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["recommendation"]["counts"] = [c | {"leaders": 0} for c in doc["recommendation"]["counts"]]
    import_campaign(store, doc)
    set_presence(store, "leaders", 5)
    for marks in ({"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)},
                  {"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")}):
        save_ballot(store, "leaders", marks)
    set_paper_count(store, "leaders", "returned", 2)        # SPEC §10: the count reconciled before it is confirmed
    stages.publish_through(store, "recommendation", PASSWORD)
    store.close()
    folder = package(tmp_path, path)
    result = check(folder)
    assert result.returncode == 0, result.stdout
    assert "定岗推荐票 2 张逐张重新计票，与公布的推荐数一致" in result.stdout
    campaign = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
    campaign["recommendation"]["ballots"][0]["marks"]["1001"] = "blank"
    (folder / "campaign.json").write_text(json.dumps(campaign, ensure_ascii=False), encoding="utf-8")
    (folder / "MANIFEST.sha256").unlink()
    result = check(folder)
    assert result.returncode == 1 and "1001→P1 leaders: 公布 2，逐张计票 1" in result.stdout


def test_an_existing_folder_is_not_overwritten(tmp_path):
    db = make(tmp_path, publish=False)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.txt").write_text("keep", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "app", "evidence", str(db), "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 2 and "不能覆盖" in result.stderr
    assert (tmp_path / "out" / "x.txt").read_text(encoding="utf-8") == "keep"


def test_its_stage_rules_are_the_programs():
    for name in ("STAGE_LABELS", "DRAWS_ON", "TABLE_STAGE", "META_STAGE", "META_PREFIX_STAGE", "WRITE_ONCE", "MOVES"):
        assert getattr(verify_evidence, name) == getattr(stage_rules, name), name
    assert verify_evidence.ROSTER_KEYS == PERSON_ROSTER_KEYS


# -- its own recomputation against the program's ---------------------------------------------------

GROUPS = ("leaders", "staff", "unit_heads", "county_chiefs")


@st.composite
def campaigns(draw):
    """Small campaigns whose values come from short lists, so that composites, rates and suggested posts tie;
    now and then a score is missing or a 满意度 fails."""
    n_posts = draw(st.integers(1, 4))
    posts = [{"id": f"P{i}", "name": f"岗位{i}", "seats": draw(st.sampled_from([1, 1, 1, 2]))}
             for i in range(1, n_posts + 1)]
    post_ids = [p["id"] for p in posts]
    present = {g: draw(st.sampled_from([0, 2, 3, 3, 6])) for g in GROUPS}
    if not sum(present.values()):
        present["staff"] = 3
    people, counts, speech = [], [], {}
    for i in range(draw(st.integers(1, 7))):
        pid = f"{1001 + i}"
        person = {"id": pid, "name": f"人{i}", "rank": draw(st.sampled_from(["正科实职", "副科实职", "科员"]))}
        if draw(st.integers(0, 9)):
            person["exam"] = draw(st.sampled_from(["80", "80.5", "90", {"行测": "25", "申论": "40", "公共基础": "15"}]))
        if draw(st.integers(0, 9)):
            person["democratic"] = {d: draw(st.sampled_from(["85", "90", {"优秀": 3, "称职": 1}]))
                                    for d in ("de", "neng", "qin", "ji", "lian")}
        person["appraisal"] = draw(st.lists(st.sampled_from(["90", "95"]), min_size=1, max_size=3))
        if draw(st.booleans()):
            total = draw(st.sampled_from([3, 6, 30]))
            person["satisfaction"] = {"present": total, "dissatisfied": draw(st.sampled_from([0, 1, total // 3]))}
        declared = draw(st.lists(st.sampled_from(post_ids), min_size=0, max_size=2, unique=True))
        if declared:
            person["declarations"] = [declared]
            if draw(st.integers(0, 6)):
                speech[pid] = [draw(st.sampled_from(["85", "90"])) for _ in range(5)]
            for post in post_ids:
                if post in declared or draw(st.integers(0, 2)) == 0:
                    counts.append({"person": pid, "post": post, **{g: 0 for g in GROUPS}})
        people.append(person)
    for c in counts:                     # each voter recommends a person for one post at most (SPEC §3)
        for g in GROUPS:
            left = present[g] - sum(x[g] for x in counts if x["person"] == c["person"])
            c[g] = draw(st.sampled_from([left, left, left // 2, 0])) if left > 0 else 0
    return {"format": "jinggang-campaign/1", "posts": posts, "people": people, "speech": speech,
            "scheme": {"assignment": draw(st.sampled_from(["literal", "fallback"]))},
            "recommendation": {"present": present, "counts": counts}}


@settings(max_examples=300, deadline=None)
@given(campaigns())
def test_its_recomputation_equals_the_programs(doc):
    mine = results_to_json(compute(parse_campaign(json.loads(json.dumps(doc)))))
    mine.pop("format")
    assert verify_evidence.results_of(doc) == mine
    for stage in ("exam", "speech", "recommendation", "assignment"):
        frozen = frozen_campaign(doc, stage)
        program = published_results(stage, results_to_json(compute(parse_campaign(json.loads(json.dumps(frozen))))))
        assert verify_evidence.published_part(stage, verify_evidence.results_of(frozen)) == program


def _person(pid, declared, **extra):
    return {"id": pid, "name": f"人{pid}", "rank": "科员", "exam": "80", "appraisal": ["90"],
            "democratic": {d: "90" for d in ("de", "neng", "qin", "ji", "lian")}, "declarations": [declared], **extra}


def _tie_campaign(kind: str) -> dict:
    """Hand-built ties of SPEC §4: 'tie' (all equal: 党组), 'declared' (equal but one declared the post),
    'suggested' (a person's two suggested posts at equal rates)."""
    present = {"leaders": 3, "staff": 3, "unit_heads": 0, "county_chiefs": 0}
    all_for = {"leaders": 3, "staff": 3, "unit_heads": 0, "county_chiefs": 0}
    posts = [{"id": "P1", "name": "一科", "seats": 1}, {"id": "P2", "name": "二科", "seats": 1},
             {"id": "P3", "name": "三科", "seats": 1}]
    speech = {pid: ["85", "90", "85", "90", "85"] for pid in ("1001", "1002")}
    if kind == "tie":
        people = [_person("1001", ["P1"]), _person("1002", ["P1"])]
        counts = [{"person": p, "post": "P1", **all_for} for p in ("1001", "1002")]
    elif kind == "declared":
        people = [_person("1001", ["P1"]), _person("1002", ["P2"])]
        counts = [{"person": "1001", "post": "P1", **all_for}, {"person": "1002", "post": "P1", **all_for}]
    else:
        people = [_person("1001", ["P1"])]
        half = {"leaders": 1, "staff": 1, "unit_heads": 0, "county_chiefs": 0}
        counts = [{"person": "1001", "post": "P2", **half}, {"person": "1001", "post": "P3", **half}]
        speech.pop("1002")
    return {"format": "jinggang-campaign/1", "posts": posts, "people": people, "speech": speech,
            "recommendation": {"present": present, "counts": counts}}


@pytest.mark.parametrize("kind, what", [("tie", "tie"), ("declared", "13.3-declared"),
                                        ("suggested", "equal rates of suggested posts")])
def test_its_recomputation_settles_the_ties_as_the_program_does(kind, what):
    doc = _tie_campaign(kind)
    mine = results_to_json(compute(parse_campaign(json.loads(json.dumps(doc)))))
    mine.pop("format")
    theirs = verify_evidence.results_of(doc)
    assert theirs == mine
    assert what in json.dumps(theirs, ensure_ascii=False)
