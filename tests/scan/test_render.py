"""Drawing the scannable ballot with ReportLab: on any canvas, QR and fiducials where the layout says."""

from io import BytesIO

import numpy as np
import zxingcpp
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.scan.layout import Candidate, QrPayload, make_layout
from app.scan.measure import blank_shares
from app.scan.render import BallotText, ballot_pdf, draw_scannable_ballot, render_pages

from .conftest import POSTS, TEXT, printed


def test_the_drawing_function_works_on_a_callers_canvas(layout):
    """What app/reports would do: its own canvas, its own page, then draw_scannable_ballot."""
    buf = BytesIO()
    c = Canvas(buf, pagesize=(210 * mm, 297 * mm))
    draw_scannable_ballot(c, layout, 1, group="leaders", number="000417", text=TEXT)
    c.showPage()
    c.save()
    image = render_pages(buf.getvalue(), 150)[0]
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [QrPayload.decode(r.text) for r in found] == [QrPayload("DG1", "leaders", "000417", 1, layout.digest)]


def test_fiducials_and_qr_are_where_the_layout_says(layout):
    image = printed(layout, dpi=200)
    k = 200 / 25.4
    for x, y in layout.fiducials_mm:                   # the centre and 2.5 mm around it are black
        cx, cy = round(float(x) * k), round(float(y) * k)
        assert image[cy - 19:cy + 20, cx - 19:cx + 20].max() < 80
        assert image[cy, cx + round(4.5 * k)] > 200     # 1.5 mm outside the square: paper
    qx, qy, qs = (float(v) * k for v in layout.qr_mm)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)[0]
    tl = found.position.top_left
    assert abs(tl.x - qx) <= 2 and abs(tl.y - qy) <= 2  # pixels, at 200 dpi
    assert abs(found.position.top_right.x - (qx + qs)) <= 2


def test_the_inside_of_every_box_is_blank_on_the_printed_form(layout):
    assert set(blank_shares(layout, layout.pages[0])) == {(0, 0)}          # (dark, faint)


def test_a_ballot_of_two_pages_numbers_them_in_the_qr():
    posts = [f"P{i:02d}" for i in range(1, 31)]
    layout = make_layout([Candidate("1", ("P01",)), Candidate("2", ("P30", "P02"))], posts)
    text = BallotText({"1": "甲", "2": "乙"}, {p: p for p in posts}, "M-2")
    pages = render_pages(ballot_pdf(layout, [("county_chiefs", "999999")], text), 100)
    texts = [zxingcpp.read_barcodes(p, formats=zxingcpp.BarcodeFormat.QRCode)[0].text for p in pages]
    assert texts == [f"JGB1:M-2:C:999999:{n}:{layout.digest.upper()}" for n in (1, 2)]


def test_agree_boxes_have_a_heavier_frame_than_suggest_boxes(layout):
    image = printed(layout, dpi=300)
    k = 300 / 25.4

    def frame_ink(choice: str) -> int:
        b = next(b for b in layout.pages[0].boxes if b.person == "1001" and b.choice == choice)
        x, y = round(float(b.x_mm) * k), round(float(b.y_mm + b.h_mm / 2) * k)
        return int((image[y, x - 6:x + 6] < 128).sum())
    assert frame_ink("agree:P1") > frame_ink("suggest:P2")


def test_the_post_codes_are_printed_under_their_columns_for_the_clerk(layout):
    """A 建议 read aloud is keyed by its post code: each column carries it under the matrix, in column order."""
    import pypdfium2
    pdf = pypdfium2.PdfDocument(ballot_pdf(layout, [("staff", "482913")], TEXT))
    page = pdf[0]
    text = page.get_textpage()
    width, height = page.get_size()
    line = []
    for k in range(text.count_chars()):
        if text.get_text_range(k, 1) == "P":
            left, bottom, right, top = text.get_charbox(k)
            line.append((round(bottom), left))
    bottoms = {b for b, _ in line}
    assert len(bottoms) == 1, line                      # one row of codes, under the matrix
    row = text.get_text_bounded(0, min(bottoms) - 2, width, min(bottoms) + 10)
    assert "岗位编号" in row and [c for c in row.split() if c.startswith("P")] == list(POSTS), row
