"""Damaged and foreign files (issue 14): ``verify`` says what is wrong and exits 2 (never a traceback, never
"链完整"); opening refuses them with a Chinese message; the file is left byte for byte as it was — a foreign
SQLite file is not switched to WAL. A read-only file opens read-only and says so; ``verify`` reads it."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat

import pytest

from app.services import scores
from app.services.campaign_io import import_campaign
from app.services.store import FileRefused, StorageError, Store
from tests.conftest import DATA
from tests.services.tampering import verify


@pytest.fixture
def campaign(tmp_path):
    path = tmp_path / "c.db"
    store = Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    store.close()
    return path


def refused_untouched(path, *phrases: str) -> None:
    before = path.read_bytes()
    result = verify(path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr and "链完整" not in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)
    with pytest.raises(FileRefused) as refused:
        Store.open(path, operator="王敏")
    for phrase in phrases:
        assert phrase in str(refused.value)
    assert path.read_bytes() == before


def test_a_truncated_file(campaign):
    data = campaign.read_bytes()
    campaign.write_bytes(data[: len(data) // 2])
    refused_untouched(campaign, "已损坏", "文件未作任何改动")


def test_a_file_cut_inside_its_header(campaign):
    campaign.write_bytes(campaign.read_bytes()[:60])
    refused_untouched(campaign, "已损坏")


def test_random_pages_overwritten(campaign):
    data = bytearray(campaign.read_bytes())
    page = 4096
    pages = len(data) // page
    rng = random.Random(14)
    for n in rng.sample(range(1, pages), 3):          # page 0 holds the header: the rest are tables and indexes
        data[n * page:(n + 1) * page] = rng.randbytes(page)
    campaign.write_bytes(bytes(data))
    refused_untouched(campaign, "已损坏")


def test_another_programs_sqlite_file_is_not_switched_to_wal(tmp_path):
    path = tmp_path / "contacts.db"
    with sqlite3.connect(path) as db:
        db.execute("create table contacts (name text, phone text)")
        db.execute("insert into contacts values ('张三', '123')")
    assert path.read_bytes()[18:20] == b"\x01\x01"                # rollback journal, not WAL
    refused_untouched(path, "不是竞岗考评的数据文件")
    assert path.read_bytes()[18:20] == b"\x01\x01"
    assert not (tmp_path / "contacts.db-wal").exists()


def test_not_sqlite_at_all(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库", encoding="utf-8")
    refused_untouched(path, "不是竞岗考评的数据文件")


def test_a_read_only_file_opens_read_only_and_says_so(campaign):
    os.chmod(campaign, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    try:
        before = campaign.read_bytes()
        store = Store.open(campaign, operator="王敏")
        assert store.read_only
        assert store.info().title == "t" and store.verify().ok            # everything can be read and checked
        with pytest.raises(StorageError, match="文件只读：可以查看、打印和核对，不能录入或改动"):
            scores.set_score(store, "1001", "exam", "90")
        store.close()
        result = verify(campaign, "--password", "jd2026")
        assert result.returncode == 0, result.stdout + result.stderr
        assert campaign.read_bytes() == before
    finally:
        os.chmod(campaign, stat.S_IRUSR | stat.S_IWUSR)


def test_a_read_only_file_of_an_older_version_cannot_be_migrated(tmp_path, monkeypatch):
    from alembic import command
    from app.models import migrate
    path = tmp_path / "old.db"
    monkeypatch.setattr("app.services.store.upgrade", lambda e: command.upgrade(migrate.alembic_config(e), "0001"))
    Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏").close()
    monkeypatch.undo()
    os.chmod(path, stat.S_IRUSR)
    try:
        before = path.read_bytes()
        with pytest.raises(FileRefused, match="须升级后才能打开，但文件只读"):
            Store.open(path, operator="王敏")
        assert path.read_bytes() == before and list(tmp_path.glob("*备份*")) == []
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def test_a_newer_file_for_verify(campaign):
    with sqlite3.connect(campaign) as db:
        db.execute("update alembic_version set version_num = '9999'")
    refused_untouched(campaign, "较新版本")
