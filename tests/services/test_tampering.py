"""Issue 14: every tampering that passed ``verify`` before — done with sqlite3 and hashlib by someone holding
the file — is now found by ``python -m app verify`` with the 监督组's password or with the 摘要码 they
signed, naming what; the planted trigger and the edited stage state are also refused when the file is
opened. The careless edits stay caught without either.

The campaign is tests/data/small.json with every stage up to 综合考评与人选 published (the 监督组 password
jd2026); ``code`` is the 摘要码 of that last publication as the 封签记录 and the 公示 sheets print it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from app.core.seal import code_digits
from app.services import scores, seals, stages
from app.services.campaign_io import import_campaign
from app.services.store import FileRefused, Store, hash_password
from tests.conftest import DATA
from tests.services.tampering import ROOT, append_row, cut_log, rechain, rewrite_logged, verify

PASSWORD = "jd2026"


@pytest.fixture
def published(tmp_path):
    """(path, the printed code of the last publication as CODE@n)."""
    path = tmp_path / "c.db"
    store = Store.create(path, title="2026年竞争轮岗", unit="某某局", supervisor_password=PASSWORD, operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    stages.publish_through(store, "assignment", PASSWORD)
    last = seals.last_seal(store)
    store.close()
    code = f"{code_digits(last.head)}@{last.seq}"
    ok = verify(path, "--password", PASSWORD, "--printed", code)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    return path, code


def found(result, *phrases: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == "" and "Traceback" not in result.stdout
    for phrase in phrases:
        assert phrase in result.stdout, (phrase, result.stdout)


def test_deleting_the_last_20_rows_and_moving_the_head_is_found_by_the_printed_code(published):
    path, code = published
    with sqlite3.connect(path) as db:
        cut_log(db, 20)                            # 推荐计票 and 综合考评与人选 back to draft, no trace in the file
        assert db.execute("select state from stages where stage='assignment'").fetchone() == ("draft",)
    n = code.split("@")[1]
    found(verify(path, "--printed", code), f"摘要码 {code}：本文件的审计日志没有第 {n} 条")
    found(verify(path, "--password", PASSWORD, "--printed", code), "日志被删减")
    Store.open(path, operator="王敏").close()        # a consistent file in itself: only the paper shows the cut


def test_a_replaced_password_hash_with_a_rewritten_log_is_found_by_the_password(published):
    path, code = published
    evil = hash_password("mine")
    with sqlite3.connect(path) as db:
        db.execute("update meta set value = ? where key = 'supervisor_password'", (evil,))
        rewrite_logged(db, "meta:supervisor_password", lambda row: {**row, "value": evil})
        rechain(db)
    store = Store.open(path, operator="王敏")       # the file itself is consistent again …
    stages.unlock(store, "speech", "mine", "评委3录入错误")   # … and the new password unlocks
    store.close()
    result = verify(path, "--password", PASSWORD)
    found(result, "监督组密码与文件中的密码校验值不符", "封签（锁定 人员名单，摘要码", "无效")
    assert result.stdout.count("封签（") == 15          # every seal: the 14 made with the real key, the forged one
    found(verify(path, "--printed", code), f"摘要码 {code}：与本文件第")


def test_a_published_score_changed_and_rechained_is_found(published):
    path, code = published
    with sqlite3.connect(path) as db:
        rewrite_logged(db, "speech_scores:1001|J01", lambda row: {**row, "value": "98.0"})
        rechain(db)
    # even without the password: the data of a published stage are not what its publication stored
    found(verify(path), "“竞岗演讲评分”已公布，但现在的数据与公布时的快照", "speech.1001[0]：公布时 \"88\"，现在 \"98.0\"")
    found(verify(path, "--password", PASSWORD), "封签（公布 竞岗演讲评分", "无效")
    found(verify(path, "--printed", code), "不符")


def test_a_forged_correction_appended_to_a_published_stage_is_found(published):
    path, _ = published
    with sqlite3.connect(path) as db:
        old = db.execute("select new from audit_log where entity = 'speech_scores:1001|J01' order by seq desc"
                         ).fetchone()[0]
        new = old.replace('"value":"88"', '"value":"98"')
        assert new != old
        db.execute("update speech_scores set value = '98' where person_id = '1001' and judge_id = 'J01'")
        seq = append_row(db, "update", "speech_scores:1001|J01", old, new, "更正")
    found(verify(path), f"审计日志第 {seq} 条：“竞岗演讲评分”已公布时 speech_scores:1001|J01 被改动")


def test_a_planted_trigger_is_found_and_the_file_refused_at_open(published):
    path, _ = published
    with sqlite3.connect(path) as db:
        db.execute("create trigger reopen after insert on audit_log begin "
                   "update stages set state = 'draft' where stage = 'speech'; end")
    before = path.read_bytes()
    found(verify(path), "数据库中有触发器 reopen（表 audit_log）")
    with pytest.raises(FileRefused, match="触发器 reopen") as refused:
        Store.open(path, operator="王敏")
    assert refused.value.kind == "tampered" and path.read_bytes() == before


def test_a_stage_state_edited_behind_the_program_is_found_and_refused_at_open(published):
    path, _ = published
    with sqlite3.connect(path) as db:
        db.execute("update stages set state = 'draft' where stage = 'speech'")
    found(verify(path), "stages:speech：数据", "未经程序修改")
    with pytest.raises(FileRefused, match="“竞岗演讲评分”的状态为“草稿”，而审计日志最后记录为“已公布”"):
        Store.open(path, operator="王敏")


def test_a_stage_unlocked_by_a_rechained_log_without_a_seal_is_found(published):
    """The state edit covered by a forged stage event: without a seal (only the 监督组 can make one)."""
    path, _ = published
    with sqlite3.connect(path) as db:
        db.execute("update stages set state = 'draft' where stage = 'speech'")
        seq = append_row(db, "update", "stages:speech", '{"stage":"speech","state":"published"}',
                         '{"stage":"speech","state":"draft"}', "更正")
    found(verify(path), f"审计日志第 {seq} 条：阶段“竞岗演讲评分”解锁，没有监督组封签")
    Store.open(path, operator="王敏").close()        # the state and the log agree: only verify sees it


def test_a_forged_seal_is_found_with_the_password(published):
    path, _ = published
    with sqlite3.connect(path) as db:
        db.execute("update stages set state = 'draft' where stage = 'speech'")
        seq = append_row(db, "update", "stages:speech", '{"stage":"speech","state":"published"}',
                         '{"stage":"speech","state":"draft"}', "更正")
        append_row(db, "event", "seal", None, json.dumps({"action": "unlock", "stage": "speech", "n": seq,
                                                          "mac": "0" * 64}), "更正")
    assert verify(path).returncode == 0                 # a seal's shape is all the file can show …
    found(verify(path, "--password", PASSWORD), f"审计日志第 {seq + 1} 条封签（解锁 竞岗演讲评分", "无效")


# -- the careless ones stay caught, without password or codes ------------------------------------------

CARELESS = {
    "a log row edited": ("update audit_log set reason = '无' where seq = 50", "审计日志第 50 条：内容与其哈希不符"),
    "a log row deleted": ("delete from audit_log where seq = 60", "审计日志第 60 条缺失"),
    "a score edited": ("update scores set value = '99' where person_id = '1001' and item = 'exam'",
                       "scores:1001|exam：数据"),
    "a row added": ("insert into judges (id, name, \"group\", seat, version) values ('J99', '某', 'leaders', 99, 1)",
                    "judges:J99：数据中有此记录，审计日志中没有"),
    "the last row deleted": ("delete from audit_log where seq = (select max(seq) from audit_log)", "末尾被删除"),
    "a view": ("create view everyone as select * from people", "数据库中有视图 everyone"),
    "an extra table": ("create table notes (x text)", "数据库中有多余的表 notes"),
    "an extra index": ("create index ix_scores_value on scores(value)", "数据库中有多余的索引 ix_scores_value"),
}


@pytest.mark.parametrize("name", list(CARELESS))
def test_careless_edits_are_still_found(published, name):
    path, _ = published
    sql, phrase = CARELESS[name]
    with sqlite3.connect(path) as db:
        db.execute(sql)
    found(verify(path), phrase)


def test_a_refused_edit_on_a_locked_stage_is_logged_and_changes_nothing(published):
    path, _ = published
    store = Store.open(path, operator="李强")
    with store.read() as s:
        before = s.execute(sqlite_text("select count(*) from audit_log")).scalar()
    with pytest.raises(Exception, match="已公布"):
        scores.set_speech_score(store, "1001", "J01", "95", reason="想改")
    with sqlite3.connect(path) as db:
        rows = db.execute("select operator, action, entity, new, reason, at from audit_log where seq > ?",
                          (before,)).fetchall()
        value = db.execute("select value from speech_scores where person_id='1001' and judge_id='J01'").fetchone()
    assert value == ("88",)
    [(operator, action, entity, new, reason, at)] = rows
    assert (operator, action, entity, reason) == ("李强", "event", "refused", "想改")
    assert json.loads(new)["stage"] == "speech" and "已公布" in json.loads(new)["refused"] and at
    assert store.verify(PASSWORD).ok
    store.close()


def sqlite_text(sql):
    from sqlalchemy import text
    return text(sql)


def test_the_password_can_be_typed_at_a_prompt(published):
    """``--password`` without a value asks for it (not echoed at a terminal; here it comes on stdin)."""
    path, code = published
    for typed, expected in (("jd2026\n", 0), ("wrong\n", 1)):
        result = subprocess.run([sys.executable, "-m", "app", "verify", str(path), "--password", "--printed", code],
                                cwd=ROOT, input=typed, capture_output=True, text=True, encoding="utf-8")
        assert result.returncode == expected, result.stdout + result.stderr
    assert "监督组密码与文件中的密码校验值不符" in result.stdout
