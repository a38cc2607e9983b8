"""The campaign store: audit chain, verify, locks, confirmation, double entry, migrations (issue 3)."""

from decimal import Decimal
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, on_expected_keys
from app.core.results import results_to_json
from app.core.roster import RosterPerson
from app.services import scores, stages
from app.services.campaign_io import compute_results, export_campaign, import_campaign
from app.services.roster import import_people, list_people, save_person
from app.services.store import Changed, ConflictError, LockedError, Store, StoreError

ROOT = Path(__file__).resolve().parents[2]


def new_store(tmp_path, name="c.db", operator="王敏"):
    return Store.create(tmp_path / name, title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                        operator=operator)


def small_store(tmp_path, name="c.db"):
    store = new_store(tmp_path, name)
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    return store


def test_sqlite_is_opened_durably(tmp_path):
    store = new_store(tmp_path)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2      # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_imported_campaign_computes_the_expected_results(tmp_path):
    store = small_store(tmp_path)
    _, results = compute_results(store)
    expected = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))
    assert on_expected_keys(results_to_json(results), expected) == expected


def test_import_export_import_changes_nothing(tmp_path):
    first = export_campaign(small_store(tmp_path, "a.db"))
    again = new_store(tmp_path, "b.db")
    import_campaign(again, json.loads(json.dumps(first)))
    assert export_campaign(again) == first


def test_every_change_is_logged_with_operator_old_new_and_reason(tmp_path):
    store = small_store(tmp_path)
    scores.set_speech_score(store, "1001", "J01", "87.5")
    scores.confirm(store, [("speech_scores", ("1001", "J01"))])
    with pytest.raises(StoreError, match="已确认，修改须填写理由"):
        scores.set_speech_score(store, "1001", "J01", "86")
    scores.set_speech_score(store, "1001", "J01", "86", reason="评委更正")
    with sqlite3.connect(tmp_path / "c.db") as db:
        rows = db.execute("select operator, action, old, new, reason from audit_log "
                          "where entity='speech_scores:1001|J01' order by seq").fetchall()
    assert [r[1] for r in rows] == ["insert", "update", "update", "update"]
    assert json.loads(rows[1][2])["value"] == "88" and json.loads(rows[1][3])["value"] == "87.5"
    assert rows[-1][0] == "王敏" and rows[-1][4] == "评委更正"
    assert json.loads(rows[-1][3])["value"] == "86"
    assert store.verify().ok


def test_bad_input_is_refused_with_the_cell_named_and_nothing_stored(tmp_path):
    store = small_store(tmp_path)
    before = export_campaign(store)
    with pytest.raises(StoreError, match=r"张明 · 评委1：101 超出 0–100"):
        scores.set_speech_score(store, "1001", "J01", "101")
    with pytest.raises(StoreError, match=r"张明（1001）考试：“8o” 不是数字"):
        scores.set_score(store, "1001", "exam", "8o")
    with pytest.raises(StoreError, match=r"不满意票：31 超过 30"):
        scores.set_score(store, "1001", "sat:dissatisfied", "31")
    assert export_campaign(store) == before


def test_verify_command_detects_an_edited_log_row_and_an_edited_score(tmp_path):
    store = small_store(tmp_path)
    store.close()
    path = tmp_path / "c.db"

    def verify():
        return subprocess.run([sys.executable, "-m", "app", "verify", str(path)], cwd=ROOT,
                              capture_output=True, text=True, encoding="utf-8")

    ok = verify()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    with sqlite3.connect(path) as db:       # someone edits a score with another tool
        db.execute("update speech_scores set value='95' where person_id='1002' and judge_id='J03'")
    bad = verify()
    assert bad.returncode == 1
    assert "speech_scores:1002|J03" in bad.stdout and "未经程序修改" in bad.stdout
    with sqlite3.connect(path) as db:       # … and covers it by editing the log row too
        db.execute("update audit_log set new=replace(new, '\"value\":\"88.5\"', '\"value\":\"95\"') "
                   "where entity='speech_scores:1002|J03'")
    bad = verify()
    assert bad.returncode == 1 and "内容与其哈希不符" in bad.stdout


def test_verify_detects_deleted_log_rows_and_rows_added_behind_its_back(tmp_path):
    store = small_store(tmp_path)
    path = tmp_path / "c.db"
    with sqlite3.connect(path) as db:
        db.execute("insert into judges (id, name, \"group\", seat, version) values ('J99','某','leaders',99,1)")
    report = store.verify()
    assert not report.ok and "数据中有此记录，审计日志中没有" in report.problems[0]
    with sqlite3.connect(path) as db:
        db.execute("delete from judges where id='J99'")
        db.execute("delete from audit_log where seq = (select max(seq) from audit_log)")
    report = store.verify()
    assert not report.ok and "末尾被删除" in report.problems[0]
    with sqlite3.connect(path) as db:
        db.execute("delete from audit_log where seq = 5")
    assert "第 5 条缺失" in store.verify().problems[0]


def test_locked_stage_refuses_edits_until_the_supervisors_unlock_it(tmp_path):
    store = small_store(tmp_path)
    stages.advance(store, "speech", "jd2026")          # confirmed
    stages.advance(store, "speech", "jd2026")          # locked
    assert stages.stage_states(store)["speech"] == "locked"
    with pytest.raises(LockedError, match="竞岗演讲评分”已锁定"):
        scores.set_speech_score(store, "1001", "J01", "90")
    with pytest.raises(StoreError, match="须填写理由"):
        stages.unlock(store, "speech", "jd2026", " ")
    with pytest.raises(StoreError, match="密码不正确"):
        stages.unlock(store, "speech", "wrong", "评委3录入错误")
    stages.unlock(store, "speech", "jd2026", "评委3录入错误")
    scores.set_speech_score(store, "1001", "J01", "90", reason="评委3录入错误")
    with sqlite3.connect(tmp_path / "c.db") as db:
        events = db.execute("select action, entity, reason from audit_log where entity in "
                            "('unlock-refused', 'stages:speech') order by seq").fetchall()
    assert ("event", "unlock-refused", "评委3录入错误") in events
    assert ("update", "stages:speech", "评委3录入错误") in events
    assert store.verify().ok


def test_published_stage_also_refuses(tmp_path):
    store = small_store(tmp_path)
    stages.publish_through(store, "exam", "jd2026")            # 人员名单 first: 考试与测评 draws on it
    assert stages.stage_states(store)["exam"] == "published"
    with pytest.raises(LockedError, match="已公布"):
        scores.set_score(store, "1001", "exam", "90")


def test_password_is_stored_only_as_a_pbkdf2_hash(tmp_path):
    new_store(tmp_path)
    with sqlite3.connect(tmp_path / "c.db") as db:
        stored = db.execute("select value from meta where key='supervisor_password'").fetchone()[0]
    assert stored.startswith("pbkdf2_sha256$") and "jd2026" not in stored
    assert b"jd2026" not in (tmp_path / "c.db").read_bytes()


def test_stale_edit_gets_a_conflict_not_a_lost_update(tmp_path):
    store = small_store(tmp_path)
    other = Store.open(tmp_path / "c.db", operator="李强")
    version = scores.speech_scores(store)["1001"]["J01"][2]
    scores.set_speech_score(store, "1001", "J01", "91", expected_version=version)
    with pytest.raises(ConflictError, match="已被"):
        scores.set_speech_score(other, "1001", "J01", "92", expected_version=version)
    assert scores.speech_scores(other)["1001"]["J01"][0] == 91


def test_double_entry_confirms_on_match_and_shows_mismatches(tmp_path):
    store = small_store(tmp_path)
    scores.set_double_entry(store, True)
    second = Store.open(tmp_path / "c.db", operator="李强")
    with pytest.raises(StoreError, match="不能由原录入人"):
        scores.blind_enter(store, "speech_scores", ("1001", "J01"), "88")   # 王敏 entered it
    assert scores.blind_enter(second, "speech_scores", ("1001", "J01"), "88.0").result[0].matched
    assert scores.speech_scores(store)["1001"]["J01"][1] == "confirmed"
    result, _row = scores.blind_enter(second, "speech_scores", ("1001", "J02"), "98").result
    assert not result.matched and (result.first, result.second) == ("90", "98")
    assert scores.mismatches(store) == [("speech_scores:1001|J02", "90", "98")]
    with pytest.raises(StoreError, match="双录入模式"):
        scores.confirm(store, [("speech_scores", ("1001", "J02"))])
    # The exam tab has no blind entry: its values are confirmed as usual in double-entry mode.
    assert scores.confirm(second, [("scores", ("1001", "exam"))]).changes == Changed.SCORES
    assert scores.list_scores(store)["1001"]["exam"].status == "confirmed"
    assert store.verify().ok


def test_roster_import_is_all_or_nothing(tmp_path):
    store = new_store(tmp_path)
    good = RosterPerson(id="2001", name="赵敏", rank="科员")
    bad = RosterPerson(id="2002", name="钱进", rank="处长")
    with pytest.raises(StoreError, match="第2条（2002 钱进）职级"):
        import_people(store, [good, bad])
    assert list_people(store) == []
    import_people(store, [good, RosterPerson(id="2003", name="赵敏", rank="副科虚职")])   # 同名, different ids
    assert [p.name for p, _ in list_people(store)] == ["赵敏", "赵敏"]


def test_roster_edit_with_stale_version_conflicts(tmp_path):
    store = new_store(tmp_path)
    save_person(store, RosterPerson(id="2001", name="赵敏", rank="科员"))
    (person, version), = list_people(store)
    save_person(store, RosterPerson(id="2001", name="赵敏", rank="副科虚职"), expected_version=version)
    with pytest.raises(ConflictError):
        save_person(store, RosterPerson(id="2001", name="赵敏", rank="副科实职"), expected_version=version)


def test_a_newer_file_is_refused_and_left_untouched(tmp_path):
    store = new_store(tmp_path)
    store.close()
    path = tmp_path / "c.db"
    with sqlite3.connect(path) as db:
        db.execute("update alembic_version set version_num='9999'")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="较新版本的程序"):
        Store.open(path, operator="王敏")
    assert path.read_bytes() == before


def test_an_older_file_is_backed_up_then_migrated(tmp_path, monkeypatch):
    """A campaign written at schema 0001 (before the two-way selection tables) opens in this version:
    a backup copy first, then the migration; its data and its audit chain are intact."""
    from alembic import command
    from app.models import migrate
    from app.models.engine import make_engine
    path = tmp_path / "old.db"
    monkeypatch.setattr("app.services.store.upgrade",                 # created at 0001, as the old program did
                        lambda e: command.upgrade(migrate.alembic_config(e), "0001"))
    Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏").close()
    monkeypatch.undo()
    assert migrate.current_revision(make_engine(path)) == "0001"
    store = Store.open(path, operator="王敏")
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    assert store.verify().ok
    backups = list(tmp_path.glob("old.升级前备份-*.db"))
    assert len(backups) == 1
    backup_engine = make_engine(backups[0])
    assert migrate.current_revision(backup_engine) == "0001"


def test_people_logged_before_the_rotation_columns_still_verify_and_a_value_slipped_in_does_not(tmp_path, monkeypatch):
    """Migration 0005 adds the roster's 交流轮岗 columns: a person logged at 0002 (the log holds no such keys)
    verifies after the upgrade, and so does a later edit; a value put into a new column behind the
    program's back is found."""
    from alembic import command
    from app.models import audit, migrate
    path = tmp_path / "old.db"
    monkeypatch.setattr("app.services.store.upgrade", lambda e: command.upgrade(migrate.alembic_config(e), "0002"))
    Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏").close()
    monkeypatch.undo()
    row = {"id": "1001", "name": "张明", "rank": "正科实职", "category": "原任科长", "gender": None, "birth": None,
           "work_start": None, "post_start": "2015-06", "political": None, "education": None, "identity": None,
           "unit": None, "former_office": "财务科", "no_rotation": 0, "appraisal_1": None, "appraisal_2": None,
           "appraisal_3": None, "sort": 1}
    with sqlite3.connect(path) as db:          # what the 0002 program wrote: the row and its log entry
        seq, head = db.execute("select seq, hash from chain_head where id = 1").fetchone()
        at, new = "2026-01-01T00:00:00.000+00:00", audit.canonical(row)
        digest = audit.entry_hash(head, seq + 1, at, "王敏", "insert", "people:1001", None, new, None)
        db.execute("insert into audit_log values (?,?,?,?,?,?,?,?,?,?)",
                   (seq + 1, at, "王敏", "insert", "people:1001", None, new, None, head, digest))
        db.execute("update chain_head set seq = ?, hash = ? where id = 1", (seq + 1, digest))
        db.execute(f"insert into people ({', '.join(row)}, version) values ({', '.join('?' * len(row))}, 1)",
                   tuple(row.values()))
    store = Store.open(path, operator="王敏")
    assert migrate.current_revision(store.engine) == migrate.head_revision()
    assert store.verify().ok
    person = list_people(store)[0][0]
    assert (person.speciality, person.bureau_leader) == (None, False)
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("update people set speciality = '法律类' where id = '1001'")
    store = Store.open(path, operator="王敏")
    report = store.verify()
    assert not report.ok and "people:1001" in report.problems[0]
    with sqlite3.connect(path) as db:
        db.execute("update people set speciality = null where id = '1001'")
    save_person(store, RosterPerson("1001", "张明", rank="正科实职", category="原任科长", speciality="经济类"))
    assert store.verify().ok


def test_not_a_campaign_file_is_refused(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello")
    with pytest.raises(StoreError, match="不是竞岗考评的数据文件"):
        Store.open(junk, operator="王敏")
    with pytest.raises(StoreError, match="找不到文件"):
        Store.open(tmp_path / "none.db", operator="王敏")
    with pytest.raises(StoreError, match="已存在"):
        new_store(tmp_path, "junk.db")


def test_backup_is_a_consistent_copy_and_is_logged(tmp_path):
    store = small_store(tmp_path)
    copy = store.backup(tmp_path / "备份.db")
    assert Store.open(copy, operator="王敏").verify().ok
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("select count(*) from audit_log where entity='backup'").fetchone()[0] == 1


def test_import_export_commands(tmp_path):
    db, out = tmp_path / "x.db", tmp_path / "x.json"
    run = lambda *a: subprocess.run([sys.executable, "-m", "app", *a], cwd=ROOT, capture_output=True, text=True,
                                    encoding="utf-8")
    assert run("import", str(DATA / "small.json"), "--db", str(db), "--password", "jd2026").returncode == 0
    assert run("export", str(db), "--json", str(out)).returncode == 0
    computed = run("compute", str(out))
    expected = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))
    assert on_expected_keys(json.loads(computed.stdout), expected) == expected
    bad = tmp_path / "bad.json"
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["speech"]["1001"][0] = "101"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    refused = run("import", str(bad), "--db", str(tmp_path / "y.db"), "--password", "jd2026")
    assert refused.returncode == 2 and "101 超出 0–100" in refused.stderr
    assert not (tmp_path / "y.db").exists()


def test_ballot_counts_are_confirmed_and_double_entered_too(tmp_path):
    store = small_store(tmp_path)
    scores.confirm(store, [("rec_counts", ("1001", "P1", "staff"))])
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("select status, confirmed_by from rec_counts where person_id='1001' and post_id='P1' "
                          "and \"group\"='staff'").fetchone() == ("confirmed", "王敏")
    scores.set_double_entry(store, True)
    second = Store.open(tmp_path / "c.db", operator="李强")
    assert not scores.blind_enter(second, "rec_counts", ("1002", "P1", "staff"), "21").result[0].matched
    assert scores.mismatches(store) == [("rec_counts:1002|P1|staff", "20", "21")]


def test_a_person_with_entries_cannot_be_deleted_and_confirmations_survive_a_roster_edit(tmp_path):
    from app.services.roster import delete_person, delete_post, save_post
    store = small_store(tmp_path)
    with pytest.raises(StoreError, match="张明（1001）已有报岗、演讲评分、推荐计票记录，不能删除"):
        delete_person(store, "1001", reason="误录")
    scores.confirm(store, [("scores", ("1001", "exam"))])
    (person, version), *_ = list_people(store)
    save_person(store, person, expected_version=version)          # same exam score: stays confirmed
    with sqlite3.connect(tmp_path / "c.db") as db:
        assert db.execute("select status from scores where person_id='1001' and item='exam'").fetchone()[0] \
            == "confirmed"
    with pytest.raises(StoreError, match="已有报岗或推荐记录"):
        delete_post(store, "P1")
    save_post(store, "P9", "临时岗位")
    delete_post(store, "P9", reason="建错")
    assert store.verify().ok


def test_every_new_store_object_logs_its_changes(tmp_path):
    """Many Store objects come and go in one process (each with its own sessionmaker): every one of
    them must log, whatever addresses the garbage collector hands out."""
    import gc
    path = tmp_path / "c.db"
    new_store(tmp_path).close()
    for i in range(30):
        store = Store.open(path, operator=f"录入{i}")
        save_person(store, RosterPerson(id=f"{3000 + i}", name="赵敏", rank="科员"))
        report = store.verify()
        store.close()
        del store
        gc.collect()
        assert report.ok, report.problems


def test_more_than_three_appraisal_years_are_refused_not_dropped(tmp_path):
    store = new_store(tmp_path)
    with pytest.raises(StoreError, match="只保存近 3 年"):
        save_person(store, RosterPerson(id="2001", name="赵敏", rank="科员", appraisal=tuple(Decimal(x) for x in "1234")))
    assert list_people(store) == []


def test_the_known_revisions_read_without_alembic_are_alembics_own():
    """Opening a current file reads the scripts' revision lines instead of importing Alembic; they must
    name the same revisions and head as Alembic's own view of the scripts."""
    from alembic.script import ScriptDirectory
    from app.models import migrate
    script = ScriptDirectory(str(migrate.MIGRATIONS))
    known, head = migrate.known_revisions()
    assert known == {rev.revision for rev in script.walk_revisions()}
    assert head == script.get_current_head()
