"""The scannable 定岗推荐票 layout (SPEC §12 Layout): the matrix, the JSON, the digest, the QR payload."""

import hashlib
import json
from decimal import Decimal

import pytest

from app.scan.layout import (BOX_MM, MAX_COLS, MAX_ROWS, Candidate, LayoutError, QrPayload, canonical_json,
                             layout_from_json, layout_json, make_layout)

from .conftest import CANDIDATES, POSTS


def test_one_box_per_candidate_and_post_the_declared_ones_to_agree(layout):
    assert len(layout.pages) == 1
    boxes = layout.pages[0].boxes
    assert len(boxes) == 6 * 5
    # 1002 declared P2 and P3: two agree boxes, three suggest boxes
    assert sorted(b.choice for b in boxes if b.person == "1002") == [
        "agree:P2", "agree:P3", "suggest:P1", "suggest:P4", "suggest:P5"]
    assert layout.declared()["1004"] == ("P1", "P5")          # in column order
    assert layout.pages[0].persons() == tuple(c.person for c in CANDIDATES)
    assert layout.pages[0].posts() == POSTS


def test_boxes_are_five_millimetres_apart_from_each_other_and_on_the_page(layout):
    boxes = layout.pages[0].boxes
    assert all(b.w_mm == b.h_mm == BOX_MM == 5 for b in boxes)
    for b in boxes:
        assert 0 < b.x_mm and b.x_mm + b.w_mm < 210 and 0 < b.y_mm and b.y_mm + b.h_mm < 297
    # neighbours in a row are 6.5 mm apart: 1.5 mm of paper between two boxes
    row = sorted((b for b in boxes if b.person == "1001"), key=lambda b: b.x_mm)
    assert [row[i + 1].x_mm - row[i].x_mm for i in range(4)] == [Decimal("6.5")] * 4
    # the boxes keep clear of the fiducials (6 mm squares centred 10 mm in from the corners)
    assert min(b.x_mm for b in boxes) > 13 and max(b.x_mm + b.w_mm for b in boxes) < 197


def test_many_posts_split_into_even_column_pages_and_many_candidates_into_row_pages():
    posts = [f"P{i:02d}" for i in range(1, 31)]                  # 30 posts: 15 + 15, not 23 + 7
    wide = make_layout([Candidate("1", ("P01",)), Candidate("2", ("P30",))], posts)
    assert [len(p.posts()) for p in wide.pages] == [15, 15]
    assert all(p.persons() == ("1", "2") for p in wide.pages)   # every page repeats the rows
    assert MAX_COLS == 23 and MAX_ROWS == 31
    many = make_layout([Candidate(str(i), ("P01",)) for i in range(40)], posts[:5])
    assert [len(p.persons()) for p in many.pages] == [20, 20]
    assert [p.page for p in many.pages] == [1, 2]


def test_the_json_has_the_interchange_schema(layout):
    data = layout_json(layout)
    assert data["page_mm"] == [210, 297]
    assert [p["page"] for p in data["pages"]] == [1]
    box = data["pages"][0]["boxes"][0]
    assert set(box) == {"x_mm", "y_mm", "w_mm", "h_mm", "person", "choice"}
    assert box == {"x_mm": 44.75, "y_mm": 74.75, "w_mm": 5, "h_mm": 5, "person": "1001", "choice": "agree:P1"}
    assert all(b["choice"].split(":")[0] in ("agree", "suggest") for b in data["pages"][0]["boxes"])
    assert data["fiducials_mm"]["centres"] == [[10, 10], [200, 10], [10, 287], [200, 287]]


def test_the_digest_is_the_sha256_of_the_canonical_json_by_hand(layout):
    text = json.dumps(layout_json(layout), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert canonical_json(layout) == text.encode("utf-8")
    assert layout.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert layout.digest == layout.sha256[:16]


def test_the_json_reads_back_to_the_same_layout_and_digest(layout):
    again = layout_from_json(json.dumps(layout_json(layout)))
    assert again == layout and again.digest == layout.digest
    moved = json.loads(json.dumps(layout_json(layout)))
    moved["pages"][0]["boxes"][0]["x_mm"] = 44.8
    assert layout_from_json(moved).digest != layout.digest


@pytest.mark.parametrize("bad, words", [
    ("[", "不是 JSON"),
    ({"pages": []}, "page_mm"),
    ({"page_mm": [210, 297], "pages": [{"page": 1, "boxes": [
        {"x_mm": 1, "y_mm": 1, "w_mm": 5, "h_mm": 5, "person": "1", "choice": "maybe:P1"}]}]}, "maybe:P1"),
])
def test_a_bad_layout_file_is_refused_naming_what(bad, words):
    with pytest.raises(LayoutError, match=words):
        layout_from_json(bad if isinstance(bad, str) else json.dumps(bad))


@pytest.mark.parametrize("candidates, posts, words", [
    ([Candidate("1", ())], ["P1"], "没有申报岗位"),
    ([Candidate("1", ("P9",))], ["P1"], "P9"),
    ([Candidate("1", ("P1",)), Candidate("1", ("P1",))], ["P1"], "重复"),
    ([], ["P1"], "没有候选人"),
])
def test_a_layout_that_cannot_be_made_is_refused(candidates, posts, words):
    with pytest.raises(LayoutError, match=words):
        make_layout(candidates, posts)


def test_the_qr_payload_is_short_and_reads_back(layout):
    p = QrPayload("DG1", "unit_heads", "004711", 2, layout.digest)
    text = p.encode()
    assert text == f"JGB1:DG1:U:004711:2:{layout.digest.upper()}"
    assert len(text) <= 46 and text == text.upper()            # QR alphanumeric mode, version 4-H holds 50
    assert QrPayload.decode(text) == p


@pytest.mark.parametrize("text", ["hello", "JGB2:DG1:S:123456:1:0123456789ABCDEF",
                                  "JGB1:DG1:X:123456:1:0123456789ABCDEF", "JGB1:DG1:S:12345:1:0123456789ABCDEF",
                                  "JGB1:DG1:S:123456:0:0123456789ABCDEF", "JGB1:DG1:S:123456:1:0123"])
def test_a_foreign_qr_text_is_no_payload(text):
    assert QrPayload.decode(text) is None


@pytest.mark.parametrize("kw", [{"meeting": "定岗"}, {"group": "voters"}, {"number": "12345"}, {"page": 0}])
def test_a_payload_the_qr_cannot_carry_is_refused(kw, layout):
    args = {"meeting": "DG1", "group": "staff", "number": "123456", "page": 1, "digest": layout.digest} | kw
    with pytest.raises(LayoutError):
        QrPayload(**args).encode()
