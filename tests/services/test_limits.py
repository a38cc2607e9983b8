"""Size limits on every import (issue 14): a roster workbook, a campaign file for ``import``, the input of
``compute`` — refused with a Chinese message saying which limit (bytes, rows, people), nothing stored. How fast
and in how little memory: ``python benchmarks/bench_limits.py`` (400,000 rows, 20,000 people)."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app.core.campaign import MAX_FILE_BYTES, MAX_PEOPLE, CampaignError, parse_campaign
from app.services.excel import import_roster_xlsx
from app.services.roster import names
from app.services.roster_excel import MAX_SHEET_ROWS, MAX_WORKBOOK_BYTES
from app.services.store import Store, StoreError
from benchmarks.bench_limits import big_workbook

ROOT = Path(__file__).resolve().parents[2]


def campaign(people: int) -> dict:
    return {"format": "jinggang-campaign/1", "posts": [{"id": "P1", "name": "办公室科长"}],
            "people": [{"id": str(10000 + i), "name": f"人员{i}", "rank": "科员"} for i in range(people)]}


def app(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8")


def test_a_campaign_file_over_the_byte_limit(tmp_path):
    path = tmp_path / "big.json"
    doc = campaign(2)
    doc["padding"] = "x" * MAX_FILE_BYTES                   # an unknown key, but 10 MB of it
    path.write_text(json.dumps(doc), encoding="utf-8")
    for args in (("compute", str(path)), ("import", str(path), "--db", str(tmp_path / "c.db"), "--password", "abcd")):
        result = app(*args)
        assert result.returncode == 2 and result.stdout == ""
        assert "超过竞岗文件的上限 10 MB" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "c.db").exists()


def test_a_campaign_with_too_many_people(tmp_path):
    path = tmp_path / "many.json"
    path.write_text(json.dumps(campaign(MAX_PEOPLE + 1), ensure_ascii=False), encoding="utf-8")
    result = app("import", str(path), "--db", str(tmp_path / "c.db"), "--password", "abcd")
    assert result.returncode == 2
    assert f"people: 共 {MAX_PEOPLE + 1} 项，超过上限 {MAX_PEOPLE} 人" in result.stderr
    assert not (tmp_path / "c.db").exists()
    with pytest.raises(CampaignError, match="超过上限 3000 人"):
        parse_campaign(campaign(MAX_PEOPLE + 1))
    parse_campaign(campaign(MAX_PEOPLE))                      # the limit itself is fine


@pytest.fixture
def store(tmp_path):
    s = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="abcd", operator="王敏")
    yield s
    s.close()


def test_a_roster_workbook_with_too_many_rows(store, tmp_path):
    book = tmp_path / "rows.xlsx"
    big_workbook(book, MAX_SHEET_ROWS + 10)
    with pytest.raises(StoreError, match=f"工作表有 {MAX_SHEET_ROWS} 行以上，超过人员名单的上限"):
        import_roster_xlsx(store, book)
    assert names(store) == {}


def test_a_roster_with_too_many_people(store, tmp_path):
    book = tmp_path / "people.xlsx"
    big_workbook(book, MAX_PEOPLE + 1)                        # under the row limit, over the people limit
    with pytest.raises(StoreError, match=f"共 {MAX_PEOPLE + 1} 行人员，超过上限 {MAX_PEOPLE} 人"):
        import_roster_xlsx(store, book)
    assert names(store) == {}


def test_a_roster_workbook_over_the_byte_limit(store, tmp_path):
    book = tmp_path / "heavy.xlsx"
    big_workbook(book, 3)
    with zipfile.ZipFile(book, "a", zipfile.ZIP_STORED) as z:  # a picture-sized part that does not compress
        z.writestr("xl/media/photo.bin", bytes(range(256)) * (MAX_WORKBOOK_BYTES // 256 + 1))
    with pytest.raises(StoreError, match=f"超过人员名单的上限 {MAX_WORKBOOK_BYTES // 2**20} MB"):
        import_roster_xlsx(store, book)
