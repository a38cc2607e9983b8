"""Reading scans (SPEC §12 Reading, Never guessed): orientations, marks, thresholds, every rejection."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from app.scan.degrade import Scan, scan_page
from app.scan.layout import Candidate, make_layout
from app.scan.measure import Thresholds
from app.scan.reader import REASONS, Reader, crop
from app.scan.render import BallotText

from .conftest import marked, printed, source

K200 = 200 / 25.4


def read(layout, image, **kw):
    return Reader([layout], **kw).read_page(source(image))


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_a_clean_ballot_is_read_in_every_orientation(layout, turn):
    page = read(layout, scan_page(printed(layout), Scan(200, turn=turn)))
    assert (page.status, page.code, page.turn) == ("read", "", turn)
    assert (page.meeting, page.group, page.number, page.page) == ("DG1", "staff", "482913", 1)
    assert abs(page.rotation) < 0.2 and abs(page.dpi - 200) < 3
    assert set(page.marks.values()) == {"blank"} and len(page.marks) == 6
    assert {b.decision for b in page.boxes} == {"empty"} and max(b.fill for b in page.boxes) == 0


def test_a_300_dpi_scan_askew_by_2_5_degrees_is_read(layout):
    image = printed(layout, dpi=300)
    marked(image, layout, {("1002", "agree:P3"): "check"}, dpi=300)
    page = read(layout, scan_page(image, Scan(300, rotation=2.5, scale=1.02, shear=0.3, noise=6, blur=0.8)))
    assert page.status == "read" and 2.3 < abs(page.rotation) < 2.7
    assert page.marks["1002"] == "agree:P3"


MEANT = {("1001", "agree:P1"): "fill", ("1002", "agree:P3"): "check", ("1003", "suggest:P1"): "cross",
         ("1004", "agree:P5"): "pencil", ("1005", "suggest:P2"): "partial", ("1006", "agree:P2"): "over_edge"}


def test_every_meant_mark_style_is_read_as_that_choice(layout):
    image = printed(layout)
    truth = marked(image, layout, MEANT, seed=3)
    assert set(truth.values()) == {"marked"}
    page = read(layout, scan_page(image, Scan(200, rotation=-1.2, noise=5, blur=0.4, light=0.2)))
    assert page.marks == {person: choice for person, choice in MEANT}
    assert {b.decision for b in page.boxes if (b.person, b.choice) in MEANT} == {"marked"}


UNMEANT = {("1001", "suggest:P3"): "dot", ("1002", "suggest:P1"): "erased", ("1003", "suggest:P2"): "dot",
           ("1004", "suggest:P2"): "erased"}


def test_stray_dots_and_erased_ticks_are_never_read_as_marks(layout):
    image = printed(layout)
    truth = marked(image, layout, UNMEANT, seed=4)
    assert set(truth.values()) == {"empty"}
    page = read(layout, scan_page(image, Scan(200, rotation=0.7, noise=4)))
    decided = {(b.person, b.choice): b.decision for b in page.boxes}
    assert all(decided[k] in ("empty", "doubtful") for k in UNMEANT)
    assert not {"1001", "1002", "1003", "1004"} & {p for p, m in page.marks.items() if m not in ("blank", "doubtful")}


def test_light_pencil_and_tiny_fills_go_either_way_but_are_never_something_else(layout):
    image = printed(layout)
    truth = marked(image, layout, {("1001", "suggest:P2"): "light_pencil", ("1002", "suggest:P4"): "tiny"}, seed=5)
    assert set(truth.values()) == {"either"}
    page = read(layout, image)
    assert page.marks["1001"] in ("suggest:P2", "blank", "doubtful")
    assert page.marks["1002"] in ("suggest:P4", "blank", "doubtful")


def test_two_marks_for_one_candidate_make_the_ballot_invalid_for_that_candidate(layout):
    image = printed(layout)
    marked(image, layout, {("1002", "agree:P2"): "check", ("1002", "agree:P3"): "check",      # two declared posts
                           ("1003", "agree:P4"): "cross", ("1003", "suggest:P5"): "fill"})    # agree and suggest
    page = read(layout, image)
    assert page.marks["1002"] == page.marks["1003"] == "invalid"
    assert page.marks["1001"] == "blank"


# -- fills and thresholds (numbers by hand) ----------------------------------------------------------

def test_fill_is_the_dark_share_compared_with_the_blank_form():
    from app.scan.measure import fill
    assert fill(10, 100, Fraction(0)) == Fraction(1, 10)
    # 20 % dark where the blank form has 10 %: (1/5 − 1/10) / (1 − 1/10) = 1/9
    assert fill(20, 100, Fraction(1, 10)) == Fraction(1, 9)
    assert fill(5, 100, Fraction(1, 10)) == 0                   # lighter than the blank form: nothing
    assert fill(0, 0, Fraction(0)) == 0


def test_below_low_is_empty_from_high_on_marked_between_doubtful():
    from app.scan.measure import decide
    t = Thresholds(Fraction(2, 100), Fraction(10, 100), Fraction(3, 100))
    none = Fraction(0)
    assert decide(Fraction(19, 1000), none, 100, 100, t) == "empty"
    assert decide(Fraction(2, 100), none, 100, 100, t) == "doubtful"           # at low: not below it
    assert decide(Fraction(99, 1000), none, 100, 100, t) == "doubtful"
    assert decide(Fraction(10, 100), none, 100, 100, t) == "marked"            # at high: marked
    assert decide(Fraction(1), none, 49, 100, t) == "doubtful"                 # less than half of it seen
    # no dark pixel, but 3 % faint ink (a blurred pencil line): never empty
    assert decide(none, Fraction(29, 1000), 100, 100, t) == "empty"
    assert decide(none, Fraction(3, 100), 100, 100, t) == "doubtful"


def test_the_defaults_and_a_bad_pair_of_thresholds():
    t = Thresholds()
    assert (t.low, t.high, t.faint) == (Fraction(1, 50), Fraction(1, 10), Fraction(3, 100))
    with pytest.raises(ValueError, match="阈值"):
        Thresholds(Fraction(1, 5), Fraction(1, 10))


def test_a_faint_pencil_tick_is_doubtful_not_empty(layout):
    from PIL import ImageDraw
    image = printed(layout)
    box = next(b for b in layout.pages[0].boxes if (b.person, b.choice) == ("1003", "agree:P4"))
    x, y = float(box.x_mm) * K200, float(box.y_mm) * K200
    img = Image.fromarray(image)
    # grey 190 of 255: above 70 % of the paper (not dark), below 80 % (faint)
    ImageDraw.Draw(img).line([(x + 8, y + 22), (x + 16, y + 32), (x + 34, y + 6)], fill=190, width=4)
    page = read(layout, np.asarray(img))
    b = next(b for b in page.boxes if (b.person, b.choice) == ("1003", "agree:P4"))
    assert b.fill == 0 and b.faint_fill >= Fraction(3, 100)
    assert (b.decision, page.marks["1003"]) == ("doubtful", "doubtful")


def test_editing_the_thresholds_changes_the_decisions(layout):
    image = printed(layout)
    marked(image, layout, {("1001", "agree:P1"): "check"}, seed=2)
    default = read(layout, image)
    box = next(b for b in default.boxes if b.choice == "agree:P1" and b.person == "1001")
    assert box.decision == "marked" and Fraction(1, 10) <= box.fill < Fraction(1, 2)
    strict = read(layout, image, thresholds=Thresholds(Fraction(1, 50), Fraction(1, 2)))
    assert strict.marks["1001"] == "doubtful"
    lax = read(layout, image, thresholds=Thresholds(box.fill + Fraction(1, 100), Fraction(1, 2), Fraction(1)))
    assert lax.marks["1001"] == "blank"


@pytest.mark.parametrize("decisions, mark", [
    ([("agree:P1", "marked"), ("suggest:P2", "empty")], "agree:P1"),
    ([("agree:P1", "empty"), ("suggest:P2", "marked")], "suggest:P2"),
    ([("agree:P1", "empty"), ("suggest:P2", "empty")], "blank"),
    ([("agree:P1", "marked"), ("suggest:P2", "marked")], "invalid"),
    ([("agree:P1", "marked"), ("suggest:P2", "doubtful")], "doubtful"),
    ([("agree:P1", "marked"), ("agree:P3", "marked"), ("suggest:P2", "doubtful")], "invalid"),
    ([("suggest:P1", "marked")], "invalid"),               # a suggestion of the declared post (P1)
])
def test_a_candidates_mark_follows_spec_3(decisions, mark):
    from app.scan.measure import candidate_mark
    assert candidate_mark(decisions, declared=("P1", "P3")) == mark


# -- never guessed: every rejection -------------------------------------------------------------------

def _white(image, x_mm, y_mm, w_mm, h_mm, dpi=200):
    k = dpi / 25.4
    image[round(y_mm * k):round((y_mm + h_mm) * k), round(x_mm * k):round((x_mm + w_mm) * k)] = 255
    return image


def test_an_unreadable_qr_is_rejected(layout):
    image = _white(printed(layout), 170, 15, 28, 28)
    page = read(layout, image)
    assert (page.status, page.code, page.reason) == ("rejected", "qr_unreadable", "二维码无法识读")
    assert page.action.startswith("请重新扫描") and page.marks == {}


def test_a_qr_that_is_not_a_ballots_is_rejected(layout):
    image = _white(printed(layout), 170, 15, 28, 28)
    qr = np.asarray(zxingcpp.create_barcode("HELLO WORLD", zxingcpp.BarcodeFormat.QRCode).to_image(scale=8))
    k = 200 / 25.4
    image[round(17 * k):round(17 * k) + qr.shape[0], round(172 * k):round(172 * k) + qr.shape[1]] = qr
    page = read(layout, image)
    assert (page.status, page.code) == ("rejected", "qr_foreign")


@pytest.mark.parametrize("corner, x, y", [("左上", 10, 10), ("右下", 200, 287)])
def test_a_missing_fiducial_is_rejected_naming_the_corner(layout, corner, x, y):
    page = read(layout, _white(printed(layout), x - 4, y - 4, 8, 8))
    assert (page.status, page.code, page.detail) == ("rejected", "fiducial_missing", corner)
    assert page.reason == f"缺少定位黑块（折角、破损或扫描不全）（{corner}）"


@pytest.mark.parametrize("leg, code", [(15.0, "fiducial_missing"), (5.0, "")])
def test_a_folded_corner_over_a_fiducial_is_rejected_a_small_one_is_not(layout, leg, code):
    from app.scan.degrade import fold_corner
    image, scan = printed(layout), Scan(200, fold=(1, leg, 252))
    fold_corner(image, scan)
    page = read(layout, scan_page(image, scan))
    assert page.code == code and page.detail == ("右上" if code else "")


@pytest.mark.parametrize("degrees", [3.6, -4.5])
def test_a_page_askew_by_more_than_3_degrees_is_rejected(layout, degrees):
    page = read(layout, scan_page(printed(layout), Scan(200, rotation=degrees)))
    assert (page.status, page.code) == ("rejected", "rotation")
    assert page.detail == f"{abs(degrees):.1f}°"


def test_an_unknown_layout_digest_is_rejected(layout):
    other = make_layout([Candidate("1001", ("P2",))], ["P1", "P2"])
    page = Reader([other]).read_page(source(printed(layout)))
    assert (page.status, page.code, page.detail) == ("rejected", "layout_unknown", layout.digest)
    assert (page.group, page.number) == ("staff", "482913")          # what the QR said, for the clerk


def test_the_number_hook_lets_the_count_refuse_a_number(layout):
    seen = []

    def check(payload):
        seen.append((payload.meeting, payload.group, payload.number))
        return ("number_duplicate", payload.number) if payload.number == "482913" else None
    page = Reader([layout], check_number=check).read_page(source(printed(layout)))
    assert seen == [("DG1", "staff", "482913")]
    assert (page.status, page.code, page.reason) == ("rejected", "number_duplicate", "该编号的选票已录入（482913）")


def test_a_scan_below_140_dpi_is_rejected_in_a_pdf_too(layout):
    image = scan_page(printed(layout, dpi=125), Scan(125))
    page = read(layout, image)
    assert (page.status, page.code) == ("rejected", "low_resolution")
    import io
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "PDF", resolution=125)          # a scanner's PDF: one 125 dpi image
    pages = Reader([layout]).read_bytes("scan.pdf", buf.getvalue())
    assert [(p.status, p.code) for p in pages] == [("rejected", "low_resolution")]


def test_a_file_that_is_no_image_is_rejected(layout):
    pages = Reader([layout]).read_bytes("broken.png", b"not a png at all")
    assert [(p.status, p.code, p.file) for p in pages] == [("rejected", "file_unreadable", "broken.png")]


def test_a_blank_back_page_is_skipped_and_a_page_with_ink_but_no_qr_is_not(layout):
    blank = np.full((2339, 1654), 243, np.uint8)
    assert read(layout, blank).status == "blank" and read(layout, blank).reason == "空白页（背面），已跳过"
    front = printed(layout)                                    # shows through, mirrored and faint
    ghost = (243 - (255 - front[:, ::-1].astype(np.int16)) * 0.08).astype(np.uint8)
    assert read(layout, ghost).status == "blank"
    inked = _white(printed(layout), 170, 15, 28, 28)
    assert read(layout, inked).status == "rejected"
    note = np.full((2339, 1654), 243, np.uint8)                # a back page with a few words written on it
    note[1000:1030, 600:700] = 40
    assert read(layout, note).code == "qr_unreadable"


def test_every_reason_has_words_and_what_to_do():
    assert all(reason and action for reason, action in REASONS.values())


# -- files, folders, pages ----------------------------------------------------------------------------

def test_a_folder_of_pdf_tiff_jpeg_in_any_order(layout, tmp_path):
    from app.scan.render import ballot_pdf
    from .conftest import TEXT
    (tmp_path / "b-two-ballots.pdf").write_bytes(ballot_pdf(layout, [("leaders", "111111"), ("leaders", "222222")],
                                                            TEXT))
    frames = [Image.fromarray(scan_page(printed(layout, number=n), Scan(200, turn=180))) for n in ("333333", "444444")]
    frames[0].save(tmp_path / "a-scan.tif", save_all=True, append_images=frames[1:])
    Image.fromarray(printed(layout, number="555555")).save(tmp_path / "c.jpg", quality=70)
    (tmp_path / "notes.txt").write_text("not a scan")
    (tmp_path / "Thumbs.db").write_bytes(b"\0")
    result = Reader([layout]).read_folder(tmp_path)
    assert [(p.file, p.file_page, p.number, p.status) for p in result.pages] == [
        ("a-scan.tif", 1, "333333", "read"), ("a-scan.tif", 2, "444444", "read"),
        ("b-two-ballots.pdf", 1, "111111", "read"), ("b-two-ballots.pdf", 2, "222222", "read"),
        ("c.jpg", 1, "555555", "read")]
    assert result.skipped == ["Thumbs.db", "notes.txt"]
    pdf = (tmp_path / "b-two-ballots.pdf").read_bytes()
    import hashlib
    assert result.pages[2].sha256 == result.pages[3].sha256 == hashlib.sha256(pdf).hexdigest()


def test_the_same_ballot_page_twice_in_a_folder_is_rejected_the_second_time(layout, tmp_path):
    Image.fromarray(printed(layout)).save(tmp_path / "1.png")
    Image.fromarray(scan_page(printed(layout), Scan(200, rotation=1))).save(tmp_path / "2.png")
    pages = Reader([layout]).read_folder(tmp_path).pages
    assert [p.status for p in pages] == ["read", "rejected"]
    assert (pages[1].code, pages[1].detail) == ("duplicate_page", "与 1.png 相同")


def test_a_ballot_of_two_pages_is_joined(tmp_path):
    from app.scan.reader import ballot_marks
    posts = [f"P{i:02d}" for i in range(1, 31)]
    layout = make_layout([Candidate("1", ("P01",)), Candidate("2", ("P30",)), Candidate("3", ("P02",))], posts)
    text = BallotText({"1": "甲", "2": "乙", "3": "丙"}, {p: p for p in posts}, "DG1")
    one, two = printed(layout, text=text), printed(layout, text=text, page=2)
    marked(one, layout, {("1", "agree:P01"): "fill", ("2", "suggest:P03"): "cross"})
    marked(two, layout, {("1", "suggest:P20"): "check", ("3", "suggest:P25"): "fill"}, page=2)
    reader = Reader([layout])
    pages = [reader.read_page(source(one)), reader.read_page(source(two))]
    assert pages[0].marks == {"1": "agree:P01", "2": "suggest:P03", "3": "blank"}     # page 1 alone
    marks, missing = ballot_marks(pages, layout)
    assert marks == {"1": "invalid", "2": "suggest:P03", "3": "suggest:P25"} and missing == []
    marks, missing = ballot_marks(pages[:1], layout)
    assert missing == [2] and marks == {"1": "doubtful", "2": "doubtful", "3": "doubtful"}


def test_the_aligned_page_and_box_rectangles_let_a_person_see_the_mark(layout):
    image = printed(layout)
    marked(image, layout, {("1003", "agree:P4"): "fill"})
    page = read(layout, scan_page(image, Scan(200, rotation=2, turn=90)), keep_images=True)
    assert page.aligned.shape == (1754, 1240)                  # A4 at 150 dpi, upright
    box = next(b for b in page.boxes if (b.person, b.choice) == ("1003", "agree:P4"))
    piece = crop(page, box)
    assert piece.shape == (box.rect.h + 2 * 24, box.rect.w + 2 * 24)     # 4 mm around at 150 dpi
    r = box.inner
    inner = page.aligned[r.y:r.y + r.h, r.x:r.x + r.w]
    assert (inner < 128).mean() > 0.5 and box.decision == "marked"
    k = Decimal(150) / Decimal("25.4")
    assert abs(box.rect.x - int((layout.page(1).boxes[0].x_mm * k).to_integral_value())) < 200


def test_a_scanner_streak_across_a_column_of_boxes_is_not_read_as_marks(layout):
    image = printed(layout)
    marked(image, layout, {("1005", "suggest:P2"): "check"})
    col = next(b for b in layout.pages[0].boxes if b.choice == "suggest:P4" and b.person == "1001")
    x = (float(col.x_mm) + 2.5 + 3) * K200 / (image.shape[1] + 2 * 3 * K200)      # 3 mm of scanner bed
    page = read(layout, scan_page(image, Scan(200, streaks=((x, 4, 30),))))
    crossed = [b for b in page.boxes if b.choice.endswith(":P4")]
    assert all(b.seen < b.inner.w * b.inner.h for b in crossed)           # the streak is not looked at
    assert {b.decision for b in crossed} == {"empty"}
    assert page.marks["1005"] == "suggest:P2"


def test_by_default_only_pages_a_person_must_look_at_keep_their_image(layout):
    plain = printed(layout)
    marked(plain, layout, {("1001", "agree:P1"): "fill"})
    assert read(layout, plain).aligned is None
    two = printed(layout)
    marked(two, layout, {("1001", "agree:P1"): "fill", ("1001", "suggest:P2"): "fill"})
    assert read(layout, two).marks["1001"] == "invalid" and read(layout, two).aligned is not None
    assert read(layout, two, keep_images=False).aligned is None


def test_the_json_line_of_a_page(layout):
    page = read(layout, printed(layout))
    line = page.to_json()
    assert set(line) >= {"page", "sha256", "status", "reason", "group", "number", "marks"}
    assert (line["status"], line["group"], line["number"], line["marks"]["1001"]) == ("read", "staff", "482913",
                                                                                     "blank")
