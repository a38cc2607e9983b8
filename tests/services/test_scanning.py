"""扫描计票 through the service (SPEC §12): pages printed by the program, marked, scanned and recorded."""

from __future__ import annotations

import json

import numpy as np
import pytest

from app.core.ballots import Mark
from app.scan.degrade import Scan, scan_page
from app.scan.layout import Candidate, make_layout
from app.scan.render import BallotText, ballot_pdf, render_pages
from app.scan.sources import SourcePage
from app.services import ballots, count, scanning
from app.services.store import ConflictError, Store, StoreError
from tests.ballot_setup import PASSWORD
from tests.scan_setup import Printed
from tests.services.conftest import SECOND_OPERATOR

ZHANG, LI, WANG = "1001", "1002", "1003"       # small.json: 张明 P1, 李华 P1, 王芳 P2; P3 declared by nobody


def read(store, image: np.ndarray, name: str = "scan.png"):
    """Read one page with the campaign's reader and record it: (the reader's page, the recorded page)."""
    import hashlib
    page = scanning.reader_for(store).read_page(SourcePage(name, 1, hashlib.sha256(image.tobytes()).hexdigest(), image))
    return page, scanning.record_page(store, page).result


@pytest.fixture
def printed(store):
    return Printed(store, {"leaders": 4, "unit_heads": 2})


def test_a_clear_page_is_an_ordinary_ballot_record(store, printed):
    number = printed.numbers("leaders")[0]
    image = printed.marked(number, {ZHANG: "agree:P1", LI: "suggest:P3", WANG: "agree:P2"})
    page, view = read(store, image, "a.png")
    assert (view.status, view.group, view.number, view.file) == ("entered", "leaders", number, "a.png")
    row = ballots.list_ballots(store)[0]
    assert (row.serial, row.group, row.ballot_no, row.entered_by, row.status) == (view.ballot_serial, "leaders",
                                                                                 number, "王敏", "valid")
    # the same marks, in the same stored form, as the 唱票 form's save_ballot keeps
    assert row.marks == {ZHANG: Mark("agree", "P1"), LI: Mark("suggest", "P3"), WANG: Mark("agree", "P2")}
    with store.read() as s:
        assert s.get(scanning.Ballot, row.serial).marks == ballots.checked_marks(s, row.marks)
        stored = s.get(scanning.ScanPage, view.id)
        fills = [f.split(":") for f in stored.boxes.split(",")]
    assert len(fills) == 9 and sum(1 for _, d in fills if d == "m") == 3        # 3 candidates × 3 posts
    assert all(len(f.split(".")[1]) == 3 for f, _ in fills)
    assert count.accounting(store).groups["leaders"].entered == 1
    assert store.verify().ok


def _rejected(store, image, name):
    page, view = read(store, image, name)
    assert view.status == "rejected" and view.file == name and len(view.sha256) == 64
    assert view.reason and view.action
    return view


def test_every_rejection_reason_is_stored_with_file_hash_reason_and_what_to_do(store, printed):
    first, second, third, fourth = printed.numbers("leaders")
    good = printed.marked(first, {ZHANG: "agree:P1"})
    # QR unreadable (two finder patterns gone)
    from app.scan.degrade import damage_qr
    img = printed.page(second)
    damage_qr(img, Scan(dpi=200, qr_damage="heavy"), tuple(float(v) for v in printed.layout.qr_mm),
              np.random.default_rng(1))
    assert _rejected(store, img, "qr.png").code == "qr_unreadable"
    # a fiducial missing (the bottom-right black square torn off)
    img = printed.page(second)
    k = 200 / 25.4
    img[int(281 * k):int(293 * k), int(194 * k):int(206 * k)] = 255
    view = _rejected(store, img, "corner.png")
    assert view.code == "fiducial_missing" and "右下" in view.reason
    # rotated more than 3°
    img = scan_page(printed.page(second), Scan(dpi=200, rotation=4.5))
    view = _rejected(store, img, "tilted.png")
    assert view.code == "rotation" and "3°" in view.reason
    # a number not printed for the group: a 事业单位负责人 number in a 局领导 QR, and one never printed
    other = printed.numbers("unit_heads")[0]
    text = BallotText({}, {}, scanning.MEETING_CODE)
    for number, words in ((other, "事业单位"), ("000001", "未印制")):
        img = render_pages(ballot_pdf(printed.layout, [("leaders", number)], text), 200)[0]
        view = _rejected(store, img, f"n{number}.png")
        assert view.code == "number_unknown" and words in view.reason
    # the number already entered: the same paper scanned twice, and a paper keyed by 唱票 then scanned
    assert read(store, good, "first.png")[1].status == "entered"
    view = _rejected(store, good, "again.png")
    assert view.code == "number_duplicate" and "first.png" in view.reason
    ballots.save_ballot(store, "leaders", {ZHANG: Mark("agree", "P1")}, ballot_no=third)
    view = _rejected(store, printed.marked(third, {LI: "agree:P1"}), "keyed.png")
    assert view.code == "number_duplicate" and "已录入" in view.reason
    # a layout that is not the candidate list's any more (printed before the list changed)
    old = make_layout([Candidate(ZHANG, ("P1",)), Candidate(LI, ("P1",))], ["P1", "P2", "P3"])
    scanning.remember_layout(store, old)
    img = render_pages(ballot_pdf(old, [("leaders", fourth)], text), 200)[0]
    view = _rejected(store, img, "old.png")
    assert view.code == "layout_changed" and "名单" in view.reason
    listed = {p.file: p for p in scanning.scanned_pages(store)}
    assert [listed[n].status for n in ("qr.png", "corner.png", "tilted.png", "again.png", "old.png")] == ["rejected"] * 5
    assert len(ballots.list_ballots(store)) == 2            # nothing guessed: only the good page and the keyed one
    assert store.verify().ok


def test_a_blank_back_page_is_recorded_and_skipped(store, printed):
    page, view = read(store, np.full((2339, 1654), 250, np.uint8), "back.png")
    assert (view.status, view.code) == ("blank", "blank")
    assert ballots.list_ballots(store) == []


def _doubtful(store, printed, number, name="d.png"):
    image = printed.marked(number, {ZHANG: "agree:P1", WANG: "agree:P2"})
    printed.blot(image, LI, "agree:P1")
    return read(store, image, name)


def test_a_doubtful_box_waits_and_one_person_decides_another_confirms(store, printed, make_store):
    number = printed.numbers("leaders")[0]
    page, view = _doubtful(store, printed, number)
    assert page.marks[LI] == "doubtful" and view.status == "waiting"
    assert ballots.list_ballots(store) == []
    [item] = scanning.review_queue(store)
    assert (item.group, item.number, item.person, item.person_name, item.why) == ("leaders", number, LI, "李华", "doubtful")
    assert item.file == "d.png" and item.sha256 == view.sha256 and item.page_id == view.id
    assert [b.choice for b in item.boxes] == ["agree:P1", "suggest:P2", "suggest:P3"]
    assert [b.auto for b in item.boxes] == ["doubtful", "empty", "empty"] and "填涂" in item.why_text
    assert 0.02 <= float(item.boxes[0].fill) < 0.10
    png = scanning.page_image(store, item.page_id)
    assert png.startswith(b"\x89PNG")
    with store.read() as s:
        import hashlib
        assert s.get(scanning.ScanPage, view.id).image_sha256 == hashlib.sha256(png).hexdigest()
    # closing the count is refused while the item is open
    with pytest.raises(StoreError, match="1 项待复核"):
        count.close_count(store, PASSWORD)
    with pytest.raises(StoreError, match="不是该人的选项"):
        scanning.decide(store, item.key, "agree:P2", expected_version=item.version)
    decided = scanning.decide(store, item.key, "agree:P1", expected_version=item.version)
    assert "判定为“同意 P1 办公室科长”" in decided.label
    with pytest.raises(ConflictError):                      # the version seen before the decision
        scanning.decide(store, item.key, "blank", expected_version=item.version)
    [item] = scanning.review_queue(store)
    assert (item.decided, item.decided_by, item.confirmed_by) == ("agree:P1", "王敏", None) and item.decided_at
    with pytest.raises(StoreError, match="须由另一人确认"):
        scanning.confirm(store, item.key, "王敏", expected_version=item.version)
    # the second person disagrees: sent back (logged), decided again
    back = scanning.send_back(store, item.key, SECOND_OPERATOR, expected_version=item.version)
    assert f"{SECOND_OPERATOR} 退回" in back.label and "同意 P1 办公室科长" in back.label
    [item] = scanning.review_queue(store)
    assert (item.decided, item.decided_by) == (None, None)
    with pytest.raises(StoreError, match="尚未判定"):
        scanning.send_back(store, item.key, SECOND_OPERATOR, expected_version=item.version)
    item = scanning.review_queue(store)[0]
    scanning.decide(store, item.key, "agree:P1", expected_version=item.version)
    [item] = scanning.review_queue(store)
    done = scanning.confirm(store, item.key, SECOND_OPERATOR, expected_version=item.version)
    assert f"票号 {number} 已计入" in done.label
    assert scanning.review_queue(store) == []
    [row] = ballots.list_ballots(store)
    assert row.ballot_no == number and row.marks[LI] == Mark("agree", "P1") and row.marks[ZHANG] == Mark("agree", "P1")
    assert [p.status for p in scanning.scanned_pages(store)] == ["entered"]
    with pytest.raises(ConflictError):                      # confirmed: no second confirmation, no change
        scanning.confirm(store, item.key, "赵六", expected_version=item.version + 1)
    with pytest.raises(ConflictError):                      # …nor a send-back
        scanning.send_back(store, item.key, "赵六", expected_version=item.version + 1)
    assert store.verify().ok


def test_the_two_thresholds_are_the_campaigns_and_set_before_the_first_page(store, printed):
    """SPEC §12: the thresholds are editable. The blot's fill (between 0.02 and 0.10, doubtful by default) is
    marked once the 考评组 set the upper threshold to 1/50 (2 %) — and the thresholds cannot change once a page
    of the count is recorded."""
    from fractions import Fraction
    assert (scanning.stored_thresholds(store).low, scanning.stored_thresholds(store).high) == (Fraction(1, 50),
                                                                                                Fraction(1, 10))
    for low, high, words in (("0.05", "0.02", "须小于上限"), ("abc", "0.1", "不是数"), ("0", "0.1", "大于 0"),
                             ("1/100", "100%", "小于 1")):
        with pytest.raises(StoreError, match=words):
            scanning.set_thresholds(store, low, high)
    wrote = scanning.set_thresholds(store, "1%", "1/50")
    assert wrote.label == "扫描阈值：下限 1/100，上限 1/50"
    assert scanning.reader_for(store).thresholds.high == Fraction(1, 50)
    page, view = _doubtful(store, printed, printed.numbers("leaders")[0])
    assert page.marks[LI] == "agree:P1" and view.status == "entered"
    with pytest.raises(StoreError, match="已记录 1 页扫描件，不能再改阈值"):
        scanning.set_thresholds(store, "0.02", "0.1")
    assert store.verify().ok


def test_two_laptops_deciding_the_same_item_conflict(store, printed, make_store):
    _doubtful(store, printed, printed.numbers("leaders")[0])
    [item] = scanning.review_queue(store)
    other = make_store(store.location)
    scanning.decide(other, item.key, "blank", expected_version=item.version)
    with pytest.raises(ConflictError, match=SECOND_OPERATOR):
        scanning.decide(store, item.key, "agree:P1", expected_version=item.version)
    [item] = scanning.review_queue(store)
    assert (item.decided, item.decided_by) == ("blank", SECOND_OPERATOR)


def test_two_marks_for_one_candidate_go_to_a_person_as_invalid(store, printed):
    number = printed.numbers("leaders")[0]
    image = printed.marked(number, {ZHANG: ["agree:P1", "suggest:P2"], LI: "agree:P1"}, style="fill")
    page, view = read(store, image)
    assert page.marks[ZHANG] == "invalid" and view.status == "waiting"
    [item] = scanning.review_queue(store)
    assert item.why == "invalid" and "划了 2 格" in item.why_text
    item = scanning.decide(store, item.key, "invalid", expected_version=item.version)
    scanning.confirm(store, scanning.review_queue(store)[0].key, SECOND_OPERATOR, expected_version=item.version)
    [row] = ballots.list_ballots(store)
    assert row.marks[ZHANG] == Mark("invalid") and row.marks[LI] == Mark("agree", "P1")


def test_two_channels_find_the_planted_difference_and_the_supervisors_resolve_it(store, printed):
    numbers = printed.numbers("leaders")
    scanning.set_second_channel(store, "leaders", True)
    keyed = {ZHANG: Mark("agree", "P1"), LI: Mark("suggest", "P3"), WANG: Mark("agree", "P2")}
    for n in numbers[:3]:
        ballots.save_ballot(store, "leaders", keyed, ballot_no=n)
    for i, n in enumerate(numbers[:3]):
        paper = {ZHANG: "agree:P1", LI: "suggest:P3", WANG: "agree:P2"}
        if i == 1:
            paper[LI] = "agree:P1"                      # the planted difference: 唱票 read it as 建议 P3
        assert read(store, printed.marked(n, paper, seed=i), f"{n}.png")[1].status == "second-channel"
    assert len(ballots.list_ballots(store)) == 3       # scans of a second channel are no ballots
    diffs = scanning.channel_differences(store)
    assert [(d.number, d.person, d.keyed, d.scanned, d.kind) for d in diffs] == [
        (numbers[1], LI, "suggest:P3", "agree:P1", "marks")]
    assert "李华 唱票为“建议 P3 法规科科长”，扫描为“同意 P1 办公室科长”" in diffs[0].words
    # a paper keyed but not scanned is a difference too
    ballots.save_ballot(store, "leaders", keyed, ballot_no=numbers[3])
    diffs = scanning.channel_differences(store)
    assert sorted((d.number, d.person, d.kind) for d in diffs) == sorted([(numbers[1], LI, "marks"),
                                                                          (numbers[3], "", "only-keyed")])
    diffs = sorted(diffs, key=lambda d: d.kind)
    with pytest.raises(StoreError, match="2 处差异"):
        count.close_count(store, PASSWORD)
    d = diffs[0]
    with pytest.raises(StoreError, match="理由"):
        scanning.resolve_difference(store, d.group, d.number, d.person, "agree:P1", " ", expected_version=d.version)
    with pytest.raises(ConflictError):
        scanning.resolve_difference(store, d.group, d.number, d.person, "agree:P1", "看纸票", expected_version=d.version + 5)
    scanning.resolve_difference(store, d.group, d.number, d.person, "agree:P1", "监督组看纸票：划在办公室科长",
                                expected_version=d.version)
    corrected = next(b for b in ballots.list_ballots(store) if b.ballot_no == numbers[1])
    assert corrected.marks[LI] == Mark("agree", "P1")
    scanning.resolve_difference(store, "leaders", numbers[3], "", "keyed", "该票纸张破损未扫描，以唱票为准",
                                expected_version=diffs[1].version)
    assert scanning.channel_differences(store) == []
    ballots_now = ballots.list_ballots(store)
    assert len(ballots_now) == 4
    count.close_count(store, PASSWORD)
    assert store.verify().ok


def test_a_page_of_a_second_channel_group_that_was_not_keyed_yet_waits_for_the_keyed_one(store, printed):
    number = printed.numbers("unit_heads")[0]
    scanning.set_second_channel(store, "unit_heads", True)
    read(store, printed.marked(number, {ZHANG: "agree:P1"}), "u.png")
    [d] = scanning.channel_differences(store)
    assert (d.kind, d.keyed, d.scanned) == ("only-scanned", "missing", "present")
    ballots.save_ballot(store, "unit_heads", {ZHANG: Mark("agree", "P1")}, ballot_no=number)
    assert scanning.channel_differences(store) == []


def test_the_scan_record_travels_in_the_campaign_file(store, printed, tmp_path):
    from app.services.campaign_io import export_campaign, import_campaign
    from app.core.campaign import parse_campaign
    from app.core.results import compute, results_to_json
    _doubtful(store, printed, printed.numbers("leaders")[0])
    [item] = scanning.review_queue(store)
    item = scanning.decide(store, item.key, "agree:P1", expected_version=item.version)
    read(store, printed.marked(printed.numbers("leaders")[1], {ZHANG: "agree:P1"}), "b.png")
    doc = export_campaign(store)
    scans = doc["recommendation"]["scans"]
    assert [(p["file"], p["status"]) for p in scans["pages"]] == [("d.png", "waiting"), ("b.png", "entered")]
    assert scans["items"][0]["decided"] == "agree:P1" and scans["items"][0]["decided_by"] == "王敏"
    assert len(scans["pages"][0]["sha256"]) == 64 and scans["pages"][0]["boxes"].count(":") == 9
    # compute ignores it (SPEC §8)
    bare = json.loads(json.dumps(doc))
    del bare["recommendation"]["scans"]
    assert results_to_json(compute(parse_campaign(doc))) == results_to_json(compute(parse_campaign(bare)))
    copy = Store.create(tmp_path / "copy.db", title="t", unit="u", supervisor_password=PASSWORD, operator="导入")
    try:
        import_campaign(copy, json.loads(json.dumps(doc, ensure_ascii=False)))
        assert export_campaign(copy)["recommendation"]["scans"] == scans
        assert [i.decided for i in scanning.review_queue(copy)] == ["agree:P1"]
        # (verify of the copy finds the count's opening without its seal: an import does not carry seals)
    finally:
        copy.close()


def test_the_evidence_package_carries_the_scans_and_still_checks(tmp_path):
    from app.services import stages
    from app.services.ballot_checks import set_paper_count
    from tests.services.conftest import new_store
    from tests.services.test_evidence import check, package
    path = tmp_path / "c.db"
    store = new_store(path)
    stack = Printed(store, {"leaders": 2}, issued={"leaders": 2})
    a, b = stack.numbers("leaders")
    read(store, stack.marked(a, {ZHANG: "agree:P1", LI: "suggest:P3"}), "a.png")
    read(store, stack.marked(b, {ZHANG: "agree:P1", WANG: "agree:P2"}), "b.png")
    set_paper_count(store, "leaders", "returned", 2)
    count.close_count(store, PASSWORD)
    stages.publish_through(store, "recommendation", PASSWORD)
    store.close()
    folder = package(tmp_path, path)
    result = check(folder)
    assert result.returncode == 0, result.stdout
    assert "定岗推荐票 2 张逐张重新计票，与公布的推荐数一致" in result.stdout
    campaign = json.loads((folder / "campaign.json").read_text(encoding="utf-8"))
    pages = campaign["recommendation"]["scans"]["pages"]
    assert [(p["file"], p["status"], p["number"]) for p in pages] == [("a.png", "entered", a), ("b.png", "entered", b)]


def test_a_ballot_of_two_pages_is_entered_once_both_are_read_and_joined_across_them(store):
    """30 posts: 15 columns a page, every candidate's row on both pages (app.scan.layout)."""
    import random
    from app.scan.marks import apply_ink, draw_mark
    from app.services.campaign_io import import_campaign
    from app.services.report_data import sheet_data
    from tests.ballot_setup import numbered
    posts = [{"id": f"P{i:02d}", "name": f"第{i}科科长", "seats": 1} for i in range(1, 31)]
    people = [{"id": pid, "name": name, "rank": "正科实职", "declarations": [[post]]}
              for pid, name, post in ((ZHANG, "张明", "P01"), (LI, "李华", "P20"))]
    import_campaign(store, {"format": "jinggang-campaign/1", "posts": posts, "people": people,
                            "recommendation": {"present": {"leaders": 5, "staff": 0, "unit_heads": 0,
                                                           "county_chiefs": 0}, "counts": []}})
    numbered(store, {"leaders": 2}, open_count=False, import_doc=False)
    data = sheet_data(store, "定岗推荐票", numbered=True, print_counts={"leaders": 2})
    layout = data.scannable.layout
    assert len(layout.pages) == 2
    count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    images = render_pages(ballot_pdf(layout, data.scannable.ballots, data.scannable.text), 200)
    (g1, first), (g2, second) = data.scannable.ballots
    rng = random.Random(5)

    def mark(image, page, person, choice):
        box = next(b for b in layout.page(page).boxes if (b.person, b.choice) == (person, choice))
        apply_ink(image, draw_mark("fill", box, 200, rng))
        return image
    # ballot 1: 张明 agrees on page 1, 李华 agrees on page 2
    page, view = read(store, mark(images[0], 1, ZHANG, "agree:P01"), "1a.png")
    assert view.status == "waiting" and "第 2 页" in view.action and ballots.list_ballots(store) == []
    with pytest.raises(StoreError, match="缺页"):
        count.close_count(store, PASSWORD)
    page, view = read(store, mark(images[1], 2, LI, "agree:P20"), "1b.png")
    assert view.status == "entered"
    [row] = ballots.list_ballots(store)
    assert row.ballot_no == first and row.marks == {ZHANG: Mark("agree", "P01"), LI: Mark("agree", "P20")}
    assert [p.status for p in scanning.scanned_pages(store)] == ["entered", "entered"]
    # ballot 2: 张明 marked on both pages — each page alone looks fine, the ballot is invalid for him
    read(store, mark(images[2], 1, ZHANG, "agree:P01"), "2a.png")
    read(store, mark(images[3], 2, ZHANG, "suggest:P16"), "2b.png")
    [item] = scanning.review_queue(store)
    assert (item.number, item.person, item.why) == (second, ZHANG, "invalid")
    assert len(item.boxes) == 30 and [b.choice for b in item.boxes if b.auto == "marked"] == ["agree:P01", "suggest:P16"]
    # each box names the scanned page it is on (15 a page), so the review draws it on the right image
    pages = {p.file: p.id for p in scanning.scanned_pages(store)}
    assert [b.page_id for b in item.boxes] == [pages["2a.png"]] * 15 + [pages["2b.png"]] * 15


def test_nothing_is_scanned_before_the_count_is_opened_and_a_ballot_taken_back_may_be_scanned_again(store):
    stack = Printed(store, {"leaders": 2}, open_count=False)
    number = stack.numbers("leaders")[0]
    image = stack.marked(number, {ZHANG: "agree:P1"})
    with pytest.raises(StoreError, match="尚未开始计票"):
        read(store, image)
    assert scanning.scanned_pages(store) == []
    count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
    view = read(store, image, "a.png")[1]
    last = ballots.last_ballot(store, "leaders")
    ballots.undo_last_ballot(store, "leaders", expected_serial=last.serial)
    again = read(store, stack.marked(number, {LI: "agree:P1"}), "a2.png")[1]
    assert (view.status, again.status) == ("entered", "entered")
    [row] = ballots.list_ballots(store)
    assert row.ballot_no == number and row.marks[LI] == Mark("agree", "P1")


def test_a_kept_image_changed_behind_the_program_is_refused(store, printed):
    _, view = _doubtful(store, printed, printed.numbers("leaders")[0])
    assert scanning.page_image(store, view.id).startswith(b"\x89PNG")
    with store.write() as s:
        s.get(scanning.ScanImage, view.id).png = b"\x89PNG forged"
    with pytest.raises(StoreError, match="SHA-256 不符"):
        scanning.page_image(store, view.id)
    with pytest.raises(StoreError, match="没有保存图像"):
        scanning.page_image(store, view.id + 1)


def test_pages_and_their_images_are_recorded_on_either_backend(store_target, create_store):
    store = create_store(store_target)
    stack = Printed(store, {"leaders": 2})
    a, b = stack.numbers("leaders")
    assert read(store, stack.marked(a, {ZHANG: "agree:P1"}), "a.png")[1].status == "entered"
    _, view = _doubtful(store, stack, b)
    assert scanning.page_image(store, view.id).startswith(b"\x89PNG")
    [item] = scanning.review_queue(store)
    decided = scanning.decide(store, item.key, "blank", expected_version=item.version)
    scanning.confirm(store, item.key, SECOND_OPERATOR, expected_version=decided.version)
    assert sorted(r.ballot_no for r in ballots.list_ballots(store)) == sorted([a, b])
    assert store.verify().ok
