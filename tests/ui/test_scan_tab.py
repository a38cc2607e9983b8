"""扫描计票 through the 定岗推荐计票 tab (SPEC §12), driven as the clerk drives it: a folder of scans read in
a worker thread and recorded page by page (the tally and the projector fill as the pages come in), the
review queue decided with one key per candidate (1…n, 0, X) and confirmed by a second person (Enter),
the same person refused on screen, rejected pages listed with their reason and what to do.

The ballots are the campaign's own 定岗推荐票 as the program prints them (tests/scan_stack.py), marked
with a pen ✓, two ✓ (无效) or a small blot between the two thresholds (doubtful), rendered at 200 dpi.
small.json: 张明 1001 declared P1, 李华 1002 declared P1, 王芳 1003 declared P2; posts P1 P2 P3.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.core.ballots import AGREE, BLANK, INVALID, SUGGEST, Mark
from app.services import projector, scanning
from app.services.ballots import list_ballots
from app.services.store import Store
from app.ui.projector import ProjectorFeed
from app.ui.tabs.scan_review import ReviewDialog
from tests.scan_setup import Printed
from tests.services.conftest import _open_stores, _pg_databases, create_store, store_target  # noqa: F401
from tests.faults import DISK_FULL, READ_ONLY, failing_writes
from tests.scan_stack import write_pdf, write_stack
from tests.ui.test_count_tab import make_tab


def scan(qtbot, tab, folder):
    bar = tab.scan_bar
    assert bar.scan_folder(folder)
    qtbot.waitUntil(lambda: not bar.running(), timeout=30000)
    return bar


def review(qtbot, tab) -> ReviewDialog:
    dialog = ReviewDialog(tab.bench, tab)
    tab.scan_bar.dialog = dialog            # as open_review does (it runs the dialog modal)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.queue.setFocus()
    return dialog


def press(qtbot, dialog, key):
    qtbot.keyClick(dialog.queue, key)


@pytest.fixture
def printed(empty_store):
    """局领导 by numbered paper ballots: 7 printed in the scannable layout, 5 issued, the count opened."""
    return Printed(empty_store, {"leaders": 7})


@pytest.fixture
def leaders(printed):
    return printed.numbers("leaders")


def test_a_scanned_folder_fills_the_tally_and_the_projector_page_by_page(qtbot, tmp_path, empty_store, printed,
                                                                        leaders):
    papers = [("leaders", leaders[0], {"1001": "agree:P1", "1002": "agree:P1", "1003": "agree:P2"}),
              ("leaders", leaders[1], {"1001": "agree:P1", "1002": "suggest:P3", "1003": "blank"}),
              ("leaders", leaders[2], {"1001": "agree:P1", "1003": "agree:P2"})]
    write_stack(printed, papers, tmp_path / "scans")
    (tmp_path / "scans" / "Thumbs.db").write_bytes(b"x")          # not a scan: skipped, and said so
    tab, bench, messages = make_tab(qtbot, empty_store)
    feed = ProjectorFeed(bench)
    feed.state = projector.ProjectorState(scene=projector.TALLY)
    feed.attach()
    seen_on_wall, activity = [], []
    feed.updated.connect(lambda: seen_on_wall.append((feed.data.counted, feed.data.scanning.split("（")[0])))
    bench.activity.connect(activity.append)

    bar = scan(qtbot, tab, tmp_path / "scans")
    assert bar.line.text() == "扫描完毕：已读 3 页（3 个文件）　已计入 3　待复核 0　未识读 0　跳过非扫描文件 1"
    assert [(b.ballot_no, b.marks) for b in list_ballots(empty_store)] == [
        (leaders[0], {"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")}),
        (leaders[1], {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(BLANK)}),
        (leaders[2], {"1001": Mark(AGREE, "P1"), "1002": Mark(BLANK), "1003": Mark(AGREE, "P2")})]
    # the tab's tally: 张明 P1 has 3 of the 局领导's 5, 李华 P3 (suggested) 1
    rows = {(r.person, r.post): r for r in tab.pair_model._rows}
    assert rows[("1001", "P1")].counts["leaders"] == 3 and rows[("1002", "P3")].counts["leaders"] == 1
    # the wall filled as the pages came in (1, 2, 3 papers), and said it was scanning meanwhile
    assert sorted({n for n, _ in seen_on_wall}) == [0, 1, 2, 3]
    assert (1, "扫描中：已读 1 页") in seen_on_wall and (3, "扫描中：已读 3 页") in seen_on_wall
    assert feed.data.counted == 3 and feed.data.scanning == ""          # done: the title no longer says so
    assert activity[0].startswith("扫描中：已读 0 页") and activity[-1] == ""


def test_a_multi_page_pdf_is_read_page_by_page(qtbot, tmp_path, empty_store, printed, leaders):
    papers = [("leaders", n, {"1001": "agree:P1"}) for n in leaders[:2]]
    pdf = write_pdf(printed, papers, tmp_path / "stack.pdf")
    tab, bench, messages = make_tab(qtbot, empty_store)
    bar = tab.scan_bar
    assert bar.scan_paths([pdf])
    qtbot.waitUntil(lambda: not bar.running(), timeout=30000)
    assert bar.line.text().startswith("扫描完毕：已读 2 页（1 个文件）　已计入 2")
    assert sorted(b.ballot_no for b in list_ballots(empty_store)) == sorted(leaders[:2])


def test_the_review_queue_is_decided_by_keys_and_confirmed_by_a_second_person(qtbot, tmp_path, empty_store,
                                                                               printed, leaders):
    papers = [("leaders", leaders[0], {"1001": "doubt:agree:P1", "1002": "agree:P1", "1003": "agree:P2"}),
              ("leaders", leaders[1], {"1001": "agree:P1", "1002": "two:agree:P1,suggest:P3", "1003": "blank"})]
    write_stack(printed, papers, tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    bar = scan(qtbot, tab, tmp_path / "scans")
    assert bar.line.text().startswith("扫描完毕：已读 2 页（2 个文件）　已计入 0　待复核 2　未识读 0")
    assert list_ballots(empty_store) == []                         # nothing counted before a person decided
    assert "待判定 2、待确认 0" in bar.open_items.text()

    dialog = review(qtbot, tab)
    first = dialog.current()
    assert (first.number, first.person_name, first.why) == (leaders[0], "张明", "doubtful")
    boxes = [b.choice for b in first.boxes]
    assert "1 同意 P1" in dialog.page_view.legend.text().replace("<b>", "").replace("</b>", "").replace("&nbsp;", " ")
    press(qtbot, dialog, str(boxes.index("agree:P1") + 1))         # the n-th box is the mark
    assert dialog.current().key != first.key                        # the next item comes up
    second = dialog.current()
    assert (second.number, second.person_name, second.why) == (leaders[1], "李华", "invalid")
    press(qtbot, dialog, "x")                                        # 无效
    assert "待判定 0 项　待确认 2 项" == dialog.counts.text()

    # the second person: not the one who decided
    dialog.confirmer.setText("王敏")
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert "须由另一人确认" in dialog.error.text() and "王敏" in dialog.error.text()
    assert all(i.confirmed_by is None for i in scanning.review_queue(empty_store))
    dialog.confirmer.setText("李强")
    press(qtbot, dialog, Qt.Key.Key_Return)
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert scanning.review_queue(empty_store) == [] and dialog.counts.text() == "待判定 0 项　待确认 0 项"
    saved = {b.ballot_no: b.marks for b in list_ballots(empty_store)}
    assert saved == {leaders[0]: {"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")},
                     leaders[1]: {"1001": Mark(AGREE, "P1"), "1002": Mark(INVALID), "1003": Mark(BLANK)}}
    rows = {(r.person, r.post): r for r in tab.pair_model._rows}
    assert rows[("1001", "P1")].counts["leaders"] == 2                # the tab redrew for the confirmed ballots


def test_zero_decides_blank_and_a_decision_changed_on_another_laptop_is_a_conflict(qtbot, tmp_path, empty_store,
                                                                                   printed, leaders):
    papers = [("leaders", leaders[0], {"1001": "doubt:agree:P1", "1002": "doubt:suggest:P3"})]
    write_stack(printed, papers, tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    scan(qtbot, tab, tmp_path / "scans")
    dialog = review(qtbot, tab)
    assert [i.person_name for i in dialog.items] == ["张明", "李华"]
    press(qtbot, dialog, "0")                                        # 张明: 空白
    assert next(i for i in scanning.review_queue(empty_store) if i.person == "1001").decided == "blank"
    assert dialog.current().person_name == "李华"                     # the next item came up
    other = Store.open(empty_store.location, operator="李强")       # meanwhile a second laptop decides 李华
    try:
        item = next(i for i in scanning.review_queue(other) if i.person == "1002")
        scanning.decide(other, item.key, "invalid", expected_version=item.version)
    finally:
        other.close()
    assert dialog.current().decided is None                          # the dialog still shows what it read
    press(qtbot, dialog, "2")
    assert "李强" in dialog.error.text()                              # the conflict names who changed it
    now = next(i for i in scanning.review_queue(empty_store) if i.person == "1002")
    assert (now.decided, now.decided_by) == ("invalid", "李强")       # nothing overwritten
    assert dialog.current().key == now.key and dialog.current().decided == "invalid"   # shown as it is now


def test_a_rejected_page_is_listed_with_its_reason_and_what_to_do(qtbot, tmp_path, empty_store, printed, leaders):
    papers = [("leaders", leaders[0], {"1001": "agree:P1"})]
    write_stack(printed, papers, tmp_path / "first")
    write_stack(printed, papers, tmp_path / "again", prefix="again")     # the same paper scanned twice
    tab, bench, messages = make_tab(qtbot, empty_store)
    scan(qtbot, tab, tmp_path / "first")
    bar = scan(qtbot, tab, tmp_path / "again")
    assert bar.line.text().startswith("扫描完毕：已读 1 页（1 个文件）　已计入 0　待复核 0　未识读 1")
    assert "未识读的页 1（重新扫描或唱票录入）" in bar.open_items.text()
    dialog = review(qtbot, tab)
    assert dialog.tabs.tabText(1) == "未识读的页（1）"
    page = dialog.rejected_model.row_at(0)
    assert page.file == "again-001.png" and page.number == leaders[0]
    row = [dialog.rejected_model.index(0, c).data() for c in range(dialog.rejected_model.columnCount())]
    assert row[:2] == ["again-001.png", "未识读"] and "已录入" in row[2] and row[3]


def test_a_group_read_aloud_and_scanned_shows_the_planted_difference_in_the_tab_and_on_the_wall(
        qtbot, tmp_path, empty_store, printed, leaders):
    from app.services.ballots import save_ballot
    from app.ui.projector_scenes import scene_texts
    keyed = [{"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(AGREE, "P2")},
             {"1001": Mark(AGREE, "P1"), "1002": Mark(AGREE, "P1"), "1003": Mark(BLANK)}]
    for number, marks in zip(leaders, keyed):
        save_ballot(empty_store, "leaders", marks, ballot_no=number)
    papers = [("leaders", leaders[0], {"1001": "agree:P1", "1002": "agree:P1", "1003": "agree:P2"}),
              ("leaders", leaders[1], {"1001": "agree:P1", "1002": "suggest:P3"})]     # 李华: 建议 P3 on paper
    write_stack(printed, papers, tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    dialog = review(qtbot, tab)
    dialog.tabs.setCurrentIndex(2)
    dialog.channel_boxes["leaders"].click()                         # 局领导: read aloud and scanned
    assert scanning.second_channels(empty_store) == {"leaders"}
    dialog.close()

    feed = ProjectorFeed(bench)
    feed.state = projector.ProjectorState(scene=projector.TALLY)
    feed.attach()
    bar = scan(qtbot, tab, tmp_path / "scans")
    assert "与唱票比对 2" in bar.line.text()
    assert "唱票与扫描差异 1 处，须监督组认定" in bar.open_items.text()
    assert f"局领导票号 {leaders[1]}：李华 唱票为“同意 P1 办公室科长”，扫描为“建议 P3 法规科科长”" in bar.open_items.text()
    # on the wall, with the number and the name (never who voted)
    assert len(feed.data.differences) == 1 and leaders[1] in feed.data.differences[0]
    wall = " ".join(scene_texts(feed.data, feed.state, 1024, 768))
    assert "唱票与扫描不一致 1 处" in wall and "李华" in wall

    dialog = review(qtbot, tab)
    assert dialog.tabs.tabText(2) == "唱票与扫描差异（1）"
    d = dialog.diff_model.row_at(0)
    assert (d.number, d.person_name, d.keyed, d.scanned) == (leaders[1], "李华", "agree:P1", "suggest:P3")
    dialog.diffs.setCurrentIndex(dialog.diff_model.index(0, 0))
    dialog.diff_mark.setCurrentIndex(dialog.diff_mark.findData("suggest:P3"))
    assert not dialog.resolve() and "理由" in dialog.diff_error.text()      # a reason is required
    dialog.diff_reason.setText("监督组核对纸质选票：李华一行勾的是建议 P3")
    assert dialog.resolve()
    assert scanning.channel_differences(empty_store) == [] and dialog.tabs.tabText(2) == "唱票与扫描差异（0）"
    corrected = next(b for b in list_ballots(empty_store) if b.ballot_no == leaders[1])
    assert corrected.marks["1002"] == Mark(SUGGEST, "P3")
    assert feed.data.differences == ()


def test_the_second_person_sends_a_decision_back_with_backspace_and_the_decider_keys_it_again(
        qtbot, tmp_path, empty_store, printed, leaders):
    papers = [("leaders", leaders[0], {"1001": "doubt:agree:P1", "1002": "agree:P1", "1003": "agree:P2"})]
    write_stack(printed, papers, tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    scan(qtbot, tab, tmp_path / "scans")
    dialog = review(qtbot, tab)
    press(qtbot, dialog, "0")                                        # 王敏: 空白 (the blot read as nothing)
    dialog.confirmer.setText("李强")
    press(qtbot, dialog, Qt.Key.Key_Backspace)                       # 李强 does not agree: back to the decider
    assert dialog.counts.text() == "待判定 1 项　待确认 0 项"
    assert dialog.queue_model.index(0, 4).data() == "待判定"
    with empty_store.read() as s:                                    # the send-back is in the audit log
        from app.models.schema import AuditLog
        last = s.query(AuditLog).order_by(AuditLog.seq.desc()).first()
    assert last.reason == "李强 退回重判" and last.entity.startswith("scan_items")
    press(qtbot, dialog, Qt.Key.Key_Return)                          # not confirmable until keyed again
    assert "先按" in dialog.error.text() and list_ballots(empty_store) == []
    press(qtbot, dialog, "1")                                        # 王敏 looks again: 同意 P1
    assert dialog.counts.text() == "待判定 0 项　待确认 1 项"
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert [b.marks["1001"] for b in list_ballots(empty_store)] == [Mark(AGREE, "P1")]


@pytest.mark.parametrize("fault, cause", [(DISK_FULL, "磁盘已满"), (READ_ONLY, "文件只读")])
def test_a_full_disk_while_scanning_says_so_per_page_and_a_second_scan_enters_them(qtbot, tmp_path, empty_store,
                                                                                   printed, leaders, fault, cause):
    papers = [("leaders", n, {"1001": "agree:P1"}) for n in leaders[:2]]
    write_stack(printed, papers, tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    with failing_writes(empty_store, fault):
        bar = scan(qtbot, tab, tmp_path / "scans")
    assert bar.line.text() == "扫描完毕：已读 2 页（2 个文件）　已计入 0　待复核 0　未识读 0　未保存 2"
    assert any(text.startswith("扫描页 scan-001.png 没有保存：") and cause in text for text, error in messages if error)
    assert list_ballots(empty_store) == [] and empty_store.verify().ok
    bar = scan(qtbot, tab, tmp_path / "scans")                       # the fault gone: the same folder again
    assert bar.line.text().startswith("扫描完毕：已读 2 页（2 个文件）　已计入 2")
    assert sorted(b.ballot_no for b in list_ballots(empty_store)) == sorted(leaders[:2])


def test_ctrl_shift_o_asks_for_the_folder_in_chinese_and_scans_it(qtbot, tmp_path, empty_store, printed, leaders,
                                                                  monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    write_stack(printed, [("leaders", leaders[0], {"1001": "agree:P1"})], tmp_path / "scans")
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda parent, title, start, *a: asked.append(title) or str(tmp_path / "scans")))
    tab, bench, messages = make_tab(qtbot, empty_store)
    tab.ballot_panel.number_edit.setFocus()
    qtbot.keyClick(tab.ballot_panel.number_edit, Qt.Key.Key_O,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert asked == ["选择存放扫描件的文件夹"]
    qtbot.waitUntil(lambda: not tab.scan_bar.running(), timeout=30000)
    assert [b.ballot_no for b in list_ballots(empty_store)] == [leaders[0]]
    assert tab.scan_bar.last_folder == str(tmp_path)                 # the next dialog starts there


def test_cancel_stops_after_the_page_being_read_and_keeps_what_was_recorded(qtbot, tmp_path, empty_store, printed,
                                                                            leaders):
    write_stack(printed, [("leaders", n, {"1001": "agree:P1"}) for n in leaders[:4]], tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    bar = tab.scan_bar
    clicks = [1]                                                      # the clerk clicks 取消扫描 once
    bench.activity.connect(lambda text: "已读 1 页" in text and clicks and clicks.pop() and bar.cancel())
    assert bar.scan_folder(tmp_path / "scans") and not bar.cancel_button.isHidden() and bar.folder_button.isHidden()
    qtbot.waitUntil(lambda: not bar.running(), timeout=30000)
    assert bar.line.text().startswith("已取消扫描：已读 1 页（4 个文件）　已计入 1")
    assert [b.ballot_no for b in list_ballots(empty_store)] == [leaders[0]]
    assert ("已取消扫描：已计入的页保留，其余的页未读", False) in messages
    assert bar.cancel_button.isHidden() and not bar.folder_button.isHidden()
    scan(qtbot, tab, tmp_path / "scans")                             # the rest later: the first is not counted twice
    assert sorted(b.ballot_no for b in list_ballots(empty_store)) == sorted(leaders[:4])


def test_a_page_image_that_cannot_be_shown_says_why_and_the_keys_still_decide(qtbot, tmp_path, empty_store, printed,
                                                                               leaders, monkeypatch):
    from app.services.store import StoreError
    write_stack(printed, [("leaders", leaders[0], {"1001": "doubt:agree:P1"})], tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, empty_store)
    scan(qtbot, tab, tmp_path / "scans")

    def altered(store, page_id):
        raise StoreError(f"扫描页 {page_id}（scan-001.png）的图像与记录的 SHA-256 不符：图像已被改动，请重新扫描该页")
    monkeypatch.setattr(scanning, "page_image", altered)
    dialog = review(qtbot, tab)
    assert "SHA-256 不符" in dialog.page_view.crop.text() and "请看纸质选票判定" in dialog.page_view.crop.text()
    press(qtbot, dialog, "1")
    assert scanning.review_queue(empty_store)[0].decided == "agree:P1"


def test_on_either_backend_the_reader_thread_and_the_review_reach_the_ballot_record(qtbot, tmp_path, store_target,
                                                                                    create_store):
    """SQLite file or PostgreSQL: the worker thread's number check reads while the GUI thread records."""
    store = create_store(store_target)
    printed = Printed(store, {"leaders": 7})
    leaders = printed.numbers("leaders")
    write_stack(printed, [("leaders", leaders[0], {"1001": "doubt:agree:P1", "1002": "agree:P1"}),
                          ("leaders", leaders[1], {"1001": "agree:P1", "1003": "suggest:P3"})], tmp_path / "scans")
    tab, bench, messages = make_tab(qtbot, store)
    bar = scan(qtbot, tab, tmp_path / "scans")
    assert bar.line.text().startswith("扫描完毕：已读 2 页（2 个文件）　已计入 1　待复核 1　未识读 0")
    dialog = review(qtbot, tab)
    press(qtbot, dialog, "1")
    dialog.confirmer.setText("李强")
    press(qtbot, dialog, Qt.Key.Key_Return)
    assert {b.ballot_no: b.marks["1001"] for b in list_ballots(store)} == {leaders[0]: Mark(AGREE, "P1"),
                                                                          leaders[1]: Mark(AGREE, "P1")}
    assert store.verify().ok


def test_a_reader_that_breaks_stops_the_scan_with_a_message_and_keeps_the_pages_recorded(qtbot, tmp_path, empty_store,
                                                                                          printed, leaders, monkeypatch):
    write_stack(printed, [("leaders", n, {"1001": "agree:P1"}) for n in leaders[:3]], tmp_path / "scans")
    real = scanning.reader_for

    def breaking(store):
        reader, calls = real(store), []
        read = reader.read_page

        def read_page(source):
            calls.append(source)
            if len(calls) == 2:
                raise MemoryError("page too large")
            return read(source)
        reader.read_page = read_page
        return reader
    monkeypatch.setattr(scanning, "reader_for", breaking)
    tab, bench, messages = make_tab(qtbot, empty_store)
    bar = scan(qtbot, tab, tmp_path / "scans")
    assert ("扫描中断：读取扫描件出错（MemoryError）；已计入的页保留", True) in messages
    assert bar.line.text().startswith("扫描中断：已读 1 页（3 个文件）　已计入 1")
    assert [b.ballot_no for b in list_ballots(empty_store)] == [leaders[0]]
    assert not bar.folder_button.isHidden() and not bar.running()


def test_the_thresholds_are_typed_in_their_dialog_before_the_first_page(qtbot, tmp_path, empty_store, printed, leaders):
    """阈值…: the two numbers typed (a wrong pair refused in red, nothing stored), then 确定 stores them; after a
    page is recorded the dialog says they can no longer change."""
    from fractions import Fraction
    from app.ui.tabs.scan_panel import ThresholdDialog
    tab, bench, messages = make_tab(qtbot, empty_store)
    dialog = ThresholdDialog(bench, tab)
    qtbot.addWidget(dialog)
    assert dialog.low.text() == "1/50" and dialog.high.text() == "1/10"
    dialog.low.setText("5%")
    dialog.high.setText("0.02")
    dialog.save()
    assert "须小于上限" in dialog.error.text() and scanning.stored_thresholds(empty_store).low == Fraction(1, 50)
    dialog.high.setText("12%")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    now = scanning.stored_thresholds(empty_store)
    assert (now.low, now.high) == (Fraction(1, 20), Fraction(3, 25))
    write_stack(printed, [("leaders", leaders[0], {"1001": "agree:P1"})], tmp_path / "scans")
    scan(qtbot, tab, tmp_path / "scans")
    again = ThresholdDialog(bench, tab)
    qtbot.addWidget(again)
    again.save()
    assert "不能再改阈值" in again.error.text()


def test_a_row_of_twelve_boxes_numbers_only_the_boxes_with_ink_so_one_key_reaches_each(qtbot, empty_store):
    """12 posts: keys 1…9 cannot reach the 11th box of a row. The row's boxes with ink (the reader's marked and
    doubtful ones) are numbered instead — here 1 = 同意 P01 (a clear tick) and 2 = 建议 P11 (a blot) — and the
    legend says so; pressing 2 decides 建议 P11."""
    import hashlib
    from app.scan.sources import SourcePage
    from app.services.campaign_io import import_campaign
    posts = [{"id": f"P{i:02d}", "name": f"第{i}科科长", "seats": 1} for i in range(1, 13)]
    people = [{"id": "1001", "name": "张明", "rank": "正科实职", "declarations": [["P01"]]},
              {"id": "1002", "name": "李华", "rank": "正科实职", "declarations": [["P02"]]}]
    import_campaign(empty_store, {"format": "jinggang-campaign/1", "posts": posts, "people": people,
                                  "recommendation": {"present": {"leaders": 5, "staff": 0, "unit_heads": 0,
                                                                 "county_chiefs": 0}, "counts": []}})
    printed = Printed(empty_store, {"leaders": 2}, import_doc=False)
    number = printed.numbers("leaders")[0]
    image = printed.marked(number, {"1001": "agree:P01", "1002": "agree:P02"}, style="fill")
    printed.blot(image, "1001", "suggest:P11")
    page = scanning.reader_for(empty_store).read_page(
        SourcePage("wide.png", 1, hashlib.sha256(image.tobytes()).hexdigest(), image))
    assert scanning.record_page(empty_store, page).result.status == "waiting"
    tab, bench, messages = make_tab(qtbot, empty_store)
    dialog = review(qtbot, tab)
    [item] = dialog.items
    assert len(item.boxes) == 12
    assert "<b>1</b>&nbsp;同意 P01" in dialog.page_view.legend.text()
    assert "<b>2</b>&nbsp;建议 P11" in dialog.page_view.legend.text()
    assert "<b>3</b>" not in dialog.page_view.legend.text()
    press(qtbot, dialog, "3")
    assert "可选的框只有 2 个" in dialog.error.text()
    press(qtbot, dialog, "2")
    [item] = scanning.review_queue(empty_store)
    assert item.decided == "suggest:P11"
