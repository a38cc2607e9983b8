"""``python -m app report … --sheet 定岗推荐票 --group G --layout L.json`` and ``python -m app scan FILE.db
FOLDER`` (issue 17 item 6): the layout as JSON, one JSON line per page, exit 0 / 2."""

from __future__ import annotations

import json

import pytest

from app import __main__ as entry
from app.scan.degrade import Scan
from app.scan.marks import apply_ink, draw_mark
from app.scan.render import render_pages
from app.scan.layout import layout_from_json
from app.services import count
from app.services.store import Store
from tests.ballot_setup import PASSWORD, numbered
from tests.scan_setup import save_scan
from tests.services.conftest import new_store


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.db"
    store = new_store(path)
    numbered(store, {"leaders": 3, "unit_heads": 2}, open_count=False)
    store.close()
    return str(path)


def test_the_ballots_of_one_group_and_their_layout_then_the_scans_read_into_the_campaign(db, tmp_path, capsys):
    pdf, layout_path = tmp_path / "B.pdf", tmp_path / "L.json"
    assert entry.main(["report", db, "--sheet", "定岗推荐票", "--group", "局领导", "--out", str(pdf),
                       "--layout", str(layout_path)]) == 0
    data = json.loads(layout_path.read_text(encoding="utf-8"))
    assert data["page_mm"] == [210, 297] and [p["page"] for p in data["pages"]] == [1]
    boxes = data["pages"][0]["boxes"]
    assert set(boxes[0]) == {"x_mm", "y_mm", "w_mm", "h_mm", "person", "choice"}
    assert {(b["person"], b["choice"]) for b in boxes if b["choice"].startswith("agree:")} == {
        ("1001", "agree:P1"), ("1002", "agree:P1"), ("1003", "agree:P2")}
    assert all(b["w_mm"] >= 5 and b["h_mm"] >= 5 for b in boxes)
    first = boxes[0]                                      # the first box: 序号 8 mm + 姓名 22 mm from 14 mm, 0.75 mm in
    assert (first["x_mm"], first["y_mm"], first["person"], first["choice"]) == (44.75, 74.75, "1001", "agree:P1")
    layout = layout_from_json(data)
    pages = render_pages(pdf.read_bytes(), 200)
    assert len(pages) == 3                                # 局领导 only, one page each
    store = Store.open(db, operator="王敏")
    try:
        count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    finally:
        store.close()
    folder = tmp_path / "scans"
    folder.mkdir()
    import random
    where = {(b.person, b.choice): b for b in layout.pages[0].boxes}
    rng = random.Random(3)
    for key in (("1001", "agree:P1"), ("1002", "suggest:P3")):
        apply_ink(pages[0], draw_mark("check", where[key], 200, rng))
    apply_ink(pages[1], draw_mark("fill", where[("1003", "agree:P2")], 200, rng))
    apply_ink(pages[1], draw_mark("fill", where[("1003", "suggest:P1")], 200, rng))
    save_scan(folder, "a", pages[0])
    save_scan(folder, "b", pages[1], Scan(200, fmt="jpeg", quality=80))
    save_scan(folder, "c", pages[2], Scan(200, rotation=5.0, fmt="png"))
    (folder / "说明.txt").write_text("not a scan", encoding="utf-8")
    capsys.readouterr()
    assert entry.main(["scan", db, str(folder)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(x["page"], x["status"]) for x in lines] == [("a.png", "read"), ("b.jpg", "read"), ("c.png", "rejected")]
    a, b, c = lines
    assert set(a) >= {"page", "sha256", "status", "reason", "group", "number", "marks"} and len(a["sha256"]) == 64
    assert a["marks"] == {"1001": "agree:P1", "1002": "suggest:P3", "1003": "blank"} and a["reason"] == ""
    assert a["group"] == "leaders" and a["recorded"] == "entered"
    assert b["marks"]["1003"] == "invalid" and b["recorded"] == "waiting"
    assert c["reason"].startswith("纸张歪斜超过 3°") and c["marks"] == {}
    # the same folder again: every page is refused as already entered or scanned (never counted twice)
    assert entry.main(["scan", db, str(folder)]) == 0
    again = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["status"] for x in again[:2]] == ["rejected", "rejected"]
    assert all("number_duplicate" == x["code"] for x in again[:2])


def test_an_unusable_folder_or_file_exits_2_with_a_message(db, tmp_path, capsys):
    assert entry.main(["scan", db, str(tmp_path / "nowhere")]) == 2
    assert "不是文件夹" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    store = Store.open(db, operator="王敏")
    try:
        count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    finally:
        store.close()
    assert entry.main(["scan", db, str(empty)]) == 2
    assert "没有扫描件" in capsys.readouterr().err
    assert entry.main(["scan", str(tmp_path / "missing.db"), str(empty)]) == 2
    assert capsys.readouterr().err.strip()


def test_the_thresholds_are_set_before_the_first_page_and_refused_after_it(db, tmp_path, capsys):
    store = Store.open(db, operator="王敏")
    try:
        count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    finally:
        store.close()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert entry.main(["scan", db, str(empty), "--low", "1%", "--high", "0.08"]) == 2     # set, then no scans
    err = capsys.readouterr().err
    assert "扫描阈值：下限 1/100，上限 2/25" in err and "没有扫描件" in err
    assert entry.main(["scan", db, str(empty), "--high", "0.01"]) == 2
    assert "下限“1/100”须小于上限“0.01”" in capsys.readouterr().err


def test_the_layout_only_for_numbered_ballots(db, tmp_path):
    import io
    from app.cli_report import run_report
    err = io.StringIO()
    code = run_report(db, "定岗推荐票", str(tmp_path / "x.pdf"), unnumbered=True, layout=str(tmp_path / "L.json"),
                      stdout=io.StringIO(), stderr=err)
    assert code == 2 and "未编号" in err.getvalue()
    assert not (tmp_path / "L.json").exists()


def test_scan_help_is_chinese(capsys):
    with pytest.raises(SystemExit) as exc:
        entry.main(["scan", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "识读" in text and "数据文件" in text and "文件夹" in text
