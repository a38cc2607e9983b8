"""SPEC §9: the 摘要码, the seals, the stage rules around them, published means frozen.

Every figure here can be redone with a SHA-256/HMAC tool: the test recomputes the seal with hashlib and hmac
exactly as SPEC §9 writes it, not with the program's functions."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3

import pytest

from app.core import seal as core
from app.core.stage_rules import DRAWS_ON, STAGES, downstream, upstream
from app.services import scores, seals, snapshots, stages
from app.services.campaign_io import import_campaign
from app.services.report_data import NotPublishedError, sheet_data
from app.services.store import ConflictError, LockedError, Store, StoreError
from tests.conftest import DATA
from tests.services.tampering import append_row, rechain

PASSWORD = "jd2026"


@pytest.fixture
def small(tmp_path):
    store = Store.create(tmp_path / "c.db", title="2026年竞争轮岗", unit="某某局", supervisor_password=PASSWORD,
                         operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    yield store
    store.close()


def test_the_digest_code_is_the_first_16_hex_digits_of_the_head_in_groups_of_four():
    head = "3f2a91c07b44e1d9" + "0" * 48
    assert core.digest_code(head, 812) == "摘要码 3F2A-91C0-7B44-E1D9（第 812 条）"
    for text in ("3F2A-91C0-7B44-E1D9@812", "3f2a91c07b44e1d9@812", "摘要码 3F2A-91C0-7B44-E1D9（第 812 条）"):
        assert core.parse_printed(text) == core.PrintedCode("3F2A91C07B44E1D9", 812)
    assert core.parse_printed("3F2A-91C0-7B44-E1D9").n is None
    with pytest.raises(ValueError, match="不是摘要码"):
        core.parse_printed("3F2A-91C0")


def test_a_seal_is_the_hmac_spec_9_writes_with_a_key_the_verifier_does_not_give(small):
    wrote = stages.advance(small, "roster")                                 # 确认: no seal
    assert wrote.value is None
    wrote = stages.advance(small, "roster", PASSWORD)                       # 锁定: sealed
    with sqlite3.connect(small.location) as db:
        kdf = db.execute("select value from meta where key = 'seal_kdf'").fetchone()[0]
        verifier = db.execute("select value from meta where key = 'supervisor_password'").fetchone()[0]
        seq, new, prev, head = db.execute("select seq, new, prev_hash, hash from audit_log where entity = 'seal'"
                                          ).fetchone()
        before = db.execute("select entity, new from audit_log where seq = ?", (seq - 1,)).fetchone()
    kind, iterations, salt = kdf.split("$")
    assert kind == "pbkdf2_sha256" and int(iterations) >= 200_000
    assert salt != verifier.split("$")[2]                                   # seal_salt ≠ the verifier's salt
    key = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), bytes.fromhex(salt), int(iterations), 32)
    message = f"jinggang-seal/1|lock|roster|{seq - 1}|{prev}".encode()
    detail = json.loads(new)
    assert detail == {"action": "lock", "stage": "roster", "n": seq - 1,
                      "mac": hmac.new(key, message, hashlib.sha256).hexdigest()}
    assert before == ("stages:roster", '{"stage":"roster","state":"locked"}')   # the seal covers the move
    assert wrote.value == core.digest_code(head, seq) and wrote.label == "已锁定：人员名单"


def test_the_seal_service_for_a_count_close_and_a_wrong_password(small):
    wrote = seals.seal(small, core.CLOSE_COUNT, "recommendation", PASSWORD, reason="计票结束")
    record = seals.last_seal(small)
    assert (record.action, record.stage, record.reason) == ("close-count", "recommendation", "计票结束")
    assert wrote.value == record.code and record.label == "结束计票 定岗推荐计票"
    with pytest.raises(StoreError, match="监督组密码不正确"):
        seals.seal(small, core.CLOSE_COUNT, "recommendation", "wrong")
    with sqlite3.connect(small.location) as db:
        assert db.execute("select count(*) from audit_log where entity = 'seal-refused'").fetchone() == (1,)
    with pytest.raises(StoreError, match="没有“erase”这种封签"):
        seals.seal(small, "erase", "recommendation", PASSWORD)
    assert small.verify(PASSWORD).ok


def test_lock_and_publish_need_the_password(small):
    stages.advance(small, "roster")
    with pytest.raises(StoreError, match="锁定“人员名单”须由监督组输入密码"):
        stages.advance(small, "roster")
    with pytest.raises(StoreError, match="监督组密码不正确，未锁定“人员名单”"):
        stages.advance(small, "roster", "wrong")
    assert stages.stage_states(small)["roster"] == "confirmed"


def test_a_stage_publishes_only_when_every_stage_it_draws_on_is_published(small):
    assert upstream("assignment") == ["roster", "exam", "declarations", "draw", "speech", "recommendation"]
    assert downstream("speech") == ["assignment", "selection"]
    for _ in range(2):
        stages.advance(small, "assignment", PASSWORD)                        # 确认, 锁定: allowed
    with pytest.raises(StoreError, match="“综合考评与人选”所依据的阶段尚未公布：“人员名单”（草稿）"):
        stages.advance(small, "assignment", PASSWORD)
    assert stages.stage_states(small)["assignment"] == "locked"


def test_unlocking_withdraws_every_published_stage_drawing_on_it(small):
    stages.publish_through(small, "assignment", PASSWORD)
    first = snapshots.latest_snapshot(small, "assignment")
    assert first.results["pairs"][0]["composite"] == "83.866"                # 张明 → 办公室科长 (SPEC §8)
    wrote = stages.unlock(small, "speech", PASSWORD, "评委1的分数录错")
    assert stages.stage_states(small)["speech"] == "draft"
    assert stages.stage_states(small)["assignment"] == "locked"             # 已撤回
    assert snapshots.withdrawn_stages(small) == {"speech", "assignment"}
    assert seals.last_seal(small).withdrawn == ("assignment",) and wrote.value == seals.last_seal(small).code
    with pytest.raises(NotPublishedError, match="综合考评与人选（已撤回，更正后重新公布）"):
        sheet_data(small, "综合考评结果")
    draft = sheet_data(small, "综合考评结果", draft=True)
    assert "已撤回" in draft.header.state and draft.header.draft
    # the correction, then published again: a new snapshot with the new numbers
    scores.set_speech_score(small, "1001", "J01", "98", reason="评委1的分数录错")
    stages.publish_through(small, "assignment", PASSWORD)
    again = snapshots.latest_snapshot(small, "assignment")
    assert again.seq > first.seq and snapshots.withdrawn_stages(small) == set()
    # 88 → 98: the dropped scores change; (90 + 91 + 89) / 3 = 90.000 → 0.3 × 95.385 + 0.1 × 90 + 0.6 × 77.25
    # = 28.6155 + 9 + 46.35 = 83.9655 → 83.966
    assert again.results["pairs"][0]["composite"] == "83.966"
    assert small.verify(PASSWORD).ok


def test_a_move_is_refused_when_the_stage_moved_since_it_was_seen(small):
    stages.advance(small, "roster", expected="draft")
    with pytest.raises(ConflictError, match="已是“已确认”"):
        stages.advance(small, "roster", PASSWORD, expected="draft")          # the other laptop's 确认 was seen late
    with pytest.raises(ConflictError):
        stages.unlock(small, "roster", PASSWORD, "理由", expected="locked")
    assert stages.stage_states(small)["roster"] == "confirmed"


def test_the_selection_is_a_stage_under_the_same_locks(tmp_path):
    from tests.selection_setup import make_store
    from app.services import selection
    store = make_store(tmp_path)
    assert "selection" in STAGES and DRAWS_ON["selection"] == ("assignment",)
    selection.set_choice(store, "2001", "staff", ["P1"])
    for _ in range(2):
        stages.advance(store, "selection", PASSWORD)
    with pytest.raises(LockedError, match="“双向选择”已锁定"):
        selection.pick(store, 1, "P1", "2001")
    with pytest.raises(LockedError, match="“双向选择”已锁定"):
        selection.set_choice(store, "2002", "staff", ["P1"])
    stages.advance(store, "selection", PASSWORD)                             # 公布: a snapshot of the selection
    snap = snapshots.latest_snapshot(store, "selection")
    assert snap.campaign["selection"]["choices"] == [{"person": "2001", "phase": "staff", "posts": ["P1"]}]
    assert store.verify(PASSWORD).ok
    store.close()


def test_the_snapshot_holds_the_stage_and_what_it_draws_on_and_its_sha256(small):
    stages.publish_through(small, "exam", PASSWORD)
    snap = snapshots.latest_snapshot(small, "exam")
    assert snap.sha256 == hashlib.sha256(json.dumps(snap.document, ensure_ascii=False, sort_keys=True,
                                                    separators=(",", ":")).encode()).hexdigest()
    person = next(p for p in snap.campaign["people"] if p["id"] == "1001")
    assert person["exam"] == "82.5" and "declarations" not in person          # 报岗 is not what 考试与测评 draws on
    assert "speech" not in snap.campaign and "recommendation" not in snap.campaign
    # SPEC §8's figures for 张明: 考评量化 95.385, 不满意率 5/30 = 0.167
    assert snap.results["people"]["1001"]["quantified"] == "95.385"
    assert snap.results["people"]["1001"]["satisfaction"] == {"rate": "0.167", "passed": True}
    assert "speech" not in snap.results["people"]["1001"]


def test_a_file_of_an_older_version_with_unsealed_locks_still_verifies_and_seals_from_then_on(tmp_path):
    """Before seals existed a lock was one logged stage move; such a file opens, verifies (saying so),
    and its next lock makes the seal salt and the first seal."""
    path = tmp_path / "old.db"
    Store.create(path, title="t", unit="u", supervisor_password=PASSWORD, operator="王敏").close()
    with sqlite3.connect(path) as db:                     # as the older program wrote it: no seal salt
        db.execute("delete from meta where key = 'seal_kdf'")
        db.execute("delete from audit_log where entity = 'meta:seal_kdf'")
        db.execute("update audit_log set seq = seq + 1000")
        for i, seq in enumerate(x for (x,) in db.execute("select seq from audit_log order by seq").fetchall()):
            db.execute("update audit_log set seq = ? where seq = ?", (i + 1, seq))
        rechain(db)
        for old, new in (("draft", "confirmed"), ("confirmed", "locked")):
            append_row(db, "update", "stages:roster", f'{{"stage":"roster","state":"{old}"}}',
                       f'{{"stage":"roster","state":"{new}"}}')
        db.execute("update stages set state = 'locked' where stage = 'roster'")
    store = Store.open(path, operator="王敏")
    result = store.verify(PASSWORD)
    assert result.ok, result.findings
    assert any("封签启用之前" in line for line in result.checked)
    stages.advance(store, "exam")
    stages.advance(store, "exam", PASSWORD)               # the first seal of this file
    assert seals.last_seal(store).stage == "exam" and store.verify(PASSWORD).ok
    store.close()
