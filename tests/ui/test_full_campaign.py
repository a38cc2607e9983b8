"""A whole small campaign keyed into the main window like a clerk does, from an empty file to the
placement: tab by tab with Alt+1…7, keys into whatever has the focus, Chinese through the input
method. The data are tests/data/small.json; the end result must equal small.expected.json.

Where a step has no key, the test clicks the tab's own widget, in a step marked GAP; a comment
marked BUG names a fault found on the way (not fixed here).
"""

from __future__ import annotations

import hashlib
import json
import re

from PySide6.QtCore import QTimer, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QWidget

from tests.conftest import DATA, on_expected_keys
from app.core.ballots import AGREE, BLANK, SUGGEST, Mark
from app.core.results import results_to_json
from app.services import draws, scores, stages
from app.services.ballots import list_ballots
from app.services.campaign_io import compute_results
from app.services.declaration_rounds import published_round
from app.services.declarations import declarations
from app.services.recommendation import counts, presence
from app.services.roster import list_people, list_posts
from app.ui.main_window import MainWindow
from app.ui.table import UNSAVED_ROLE
from app.services.scores import list_scores as stored_entries
from app.ui.tabs.recommendation_model import PairModel
from app.ui.tabs.speech import JudgeDialog

NONE = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
SMALL = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((DATA / "small.expected.json").read_text(encoding="utf-8"))


# -- the clerk's hands ---------------------------------------------------------------------------

class Clerk:
    """Keys go where the focus is, as on a real keyboard; Chinese arrives as an input-method commit
    (QTest cannot type it: a non-Latin char aborts in a Qt assertion)."""

    def __init__(self, qtbot, window: MainWindow):
        self.qtbot, self.window = qtbot, window

    def focus(self) -> QWidget:
        if QApplication.activeWindow() is None:
            # The offscreen platform has no window manager to give the main window back the focus
            # when a dialog closes; do what the window manager would.
            self.window.activateWindow()
            self.qtbot.waitUntil(self.window.isActiveWindow, timeout=1000)
        return QApplication.focusWidget() or self.window

    def press(self, key, mods=NONE, widget: QWidget | None = None) -> None:
        self.qtbot.keyClick(widget or self.focus(), key, mods)
        QApplication.processEvents()          # item views commit and move on queued (Qt 6)

    def type(self, text: str, widget: QWidget | None = None) -> None:
        for ch in text:
            self.press(ch, widget=widget)

    def enter(self, text: str = "") -> None:
        """Type ``text`` where the focus is and press Enter."""
        self.type(text)
        self.press(Qt.Key.Key_Return)

    def chinese(self, text: str, widget: QWidget | None = None) -> None:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(widget or self.focus(), event)
        QApplication.processEvents()

    def alt(self, n: int) -> None:
        self.press(getattr(Qt.Key, f"Key_{n}"), ALT)
        assert self.window.tabs.currentIndex() == n - 1, f"Alt+{n} did not switch the tab"

    def mnemonic(self, buddy: QWidget) -> None:
        """Alt + the underlined letter of the label that names ``buddy`` (e.g. 种子(&S))."""
        label = next(x for x in buddy.window().findChildren(QLabel) if x.buddy() is buddy and x.isVisible())
        letter = re.search(r"&(\w)", label.text()).group(1).upper()
        self.press(getattr(Qt.Key, f"Key_{letter}"), ALT)

    def tab_to(self, widget: QWidget, limit: int = 12) -> None:
        """Press Tab until ``widget`` has the focus (a clerk looking at the screen)."""
        for _ in range(limit):
            if widget.hasFocus():
                return
            self.press(Qt.Key.Key_Tab)
        assert widget.hasFocus(), f"Tab never reached {widget!r}; focus on {self.focus()!r}"

    def choose(self, combo: QComboBox, text: str) -> None:
        """Pick an item of a (non-editable) combo box with Home and ↓."""
        self.press(Qt.Key.Key_Home, widget=combo)
        for _ in range(combo.count()):
            if combo.currentText() == text:
                return
            self.press(Qt.Key.Key_Down, widget=combo)
        assert combo.currentText() == text, f"{text} not in the combo box"

    def when_modal(self, fill, kind: type) -> list[BaseException]:
        """Run ``fill(dialog)`` once a modal ``kind`` (opened with exec()) is up. A failure inside
        closes the dialog (so exec() returns) and is kept in the returned list, to raise after."""
        tries, failed = [0], []

        def poll():
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, kind) or not dialog.isActiveWindow():
                if isinstance(dialog, kind):
                    dialog.activateWindow()         # no window manager offscreen: do its job
                tries[0] += 1
                if tries[0] < 200:
                    QTimer.singleShot(5, poll)
                return
            try:
                fill(dialog)
            except BaseException as err:  # noqa: BLE001 - re-raised by the caller
                failed.append(err)
                dialog.reject()
        QTimer.singleShot(0, poll)
        return failed


def message(window: MainWindow) -> tuple[str, bool]:
    return window.message_line.text(), window.message_line.is_error


def cells(model, rows=None, cols=None) -> list[list[str]]:
    rows = range(model.rowCount()) if rows is None else rows
    cols = range(model.columnCount()) if cols is None else cols
    return [[model.index(r, c).data() for c in cols] for r in rows]


def stored(store, person: str, item: str) -> str | None:
    entry = stored_entries(store).get(person, {}).get(item)
    return entry.value if entry else None


# -- the campaign --------------------------------------------------------------------------------

PEOPLE = [  # id, name, rank, category, appraisal
    ("1001", "张明", "正科实职", "原任科长", ("95", "92", "96")),
    ("1002", "李华", "副科实职", "拟竞争科长", ("93", "94", "95")),
    ("1003", "王芳", "正科虚职", "拟竞争科长", ("90", "91", "92")),
]
POSTS = [("P1", "办公室科长"), ("P2", "财务科科长"), ("P3", "法规科科长")]
JUDGES = [("局领导甲", "局领导"), ("局领导乙", "局领导"), ("局领导丙", "局领导"),
          ("事业单位负责人甲", "事业单位负责人"), ("事业单位负责人乙", "事业单位负责人"),
          ("县局长甲", "各县（市、区）局长"), ("县局长乙", "各县（市、区）局长")]


def test_a_small_campaign_keyed_from_empty_to_the_placement(qtbot, empty_store):
    store = empty_store
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.isActiveWindow)
    clerk = Clerk(qtbot, window)
    seen: list[tuple[str, bool]] = []
    window.bench.message.connect(lambda text, error: seen.append((text, error)))
    (roster_tab, exams_tab, decl_tab, draw_tab, speech_tab, rec_tab, results_tab, _selection, _scheme) = window.pages

    # == 1 人员名单 ==============================================================================
    clerk.alt(1)
    # At start (and after Alt+1) the focus is on the tab bar, where the tab's Ctrl+N does nothing:
    # one Tab takes the clerk into the page.
    clerk.tab_to(roster_tab.add_button)
    for post_id, name in POSTS:
        previous = roster_tab.post_dialog
        clerk.press(Qt.Key.Key_N, CTRL | SHIFT)
        dialog = roster_tab.post_dialog
        assert dialog is not previous and dialog.isVisible() and dialog.windowTitle() == "新增岗位"
        assert dialog.id.hasFocus()
        clerk.type(post_id)
        clerk.press(Qt.Key.Key_Tab)
        assert dialog.name.hasFocus()
        clerk.chinese(name)
        clerk.press(Qt.Key.Key_Return)                 # 职数 stays 1
        assert not dialog.isVisible(), dialog.error.text()
    assert [(p.id, p.name, p.seats) for p in list_posts(store)] == [(i, n, 1) for i, n in POSTS]
    assert message(window) == ("✓ 已保存：新增岗位 P3 法规科科长", False)

    for pid, name, rank, category, appraisal in PEOPLE:
        previous = roster_tab.person_dialog
        clerk.press(Qt.Key.Key_N, CTRL)
        dialog = roster_tab.person_dialog
        assert dialog is not previous and dialog.isVisible() and dialog.windowTitle() == "新增人员"
        assert dialog.id.hasFocus()
        clerk.type(pid)
        clerk.press(Qt.Key.Key_Tab)
        assert dialog.name.hasFocus()
        clerk.chinese(name)
        clerk.choose(dialog.rank, rank)
        clerk.choose(dialog.category, category)
        for edit, score in zip(dialog.appraisal, appraisal):
            clerk.type(score, widget=edit)
        clerk.press(Qt.Key.Key_Return, widget=dialog.appraisal[2])
        assert not dialog.isVisible(), dialog.error.text()
        assert message(window) == (f"✓ 已保存：新增人员 {pid} {name}", False)
    people = {p.id: p for p, _ in list_people(store)}
    assert [(p.id, p.name, p.rank, p.category, tuple(str(a) for a in p.appraisal)) for p in people.values()] == \
        [(pid, name, rank, cat, app) for pid, name, rank, cat, app in PEOPLE]
    assert roster_tab.people.rowCount() == 3

    # == 2 考试与测评 ============================================================================
    clerk.alt(2)
    clerk.tab_to(exams_tab.view)
    model = exams_tab.model
    assert exams_tab.view.currentIndex() == model.index(0, model.column_of("exam"))
    clerk.enter("101")                                  # a bad score: refused, nothing stored, cursor stays
    text, is_error = message(window)
    assert is_error and "张明（1001）考试" in text and "超出 0–100" in text
    assert stored(store, "1001", "exam") is None
    assert exams_tab.view.currentIndex() == model.index(0, model.column_of("exam"))
    for p in SMALL["people"]:                          # Enter saves and moves right, then to the next person
        sat, dem = p["satisfaction"], p["democratic"]
        for value in (p["exam"], sat["present"], sat["dissatisfied"],
                      dem["de"], dem["neng"], dem["qin"], dem["ji"], dem["lian"]):
            clerk.enter(str(value))
            assert not message(window)[1], message(window)
    assert exams_tab.view.currentIndex() == model.index(2, model.column_of("dem:lian"))
    clerk.enter("98")                                   # a slip of the finger on 王芳's 廉 …
    assert stored(store, "1003", "dem:lian") == "98"
    clerk.press(Qt.Key.Key_Z, CTRL)                     # … undone: the previous value is back
    assert stored(store, "1003", "dem:lian") == "89"
    assert message(window)[0].startswith("✓ 已撤销：王芳（1003）民主测评·廉")
    row = {r: model.row_index(r) for r in ("1001", "1002", "1003")}
    col = model.column_of
    assert model.index(row["1003"], col("dem:lian")).data() == "89.000"
    for pid, exam, dem, quant, rate in (("1001", "82.500", "88.450", "95.385", "0.167"),
                                        ("1002", "88.000", "87.700", "92.510", "0.300"),
                                        ("1003", "76.500", "86.500", "90.200", "0.067")):
        shown = [model.index(row[pid], col(k)).data() for k in ("exam", "democratic", "quantified", "rate")]
        assert shown == [exam, dem, quant, rate], pid
    for p in SMALL["people"]:
        entries = {i: e.value for i, e in stored_entries(store)[p["id"]].items()}
        assert entries == {"exam": p["exam"], "sat:present": "30",
                           "sat:dissatisfied": str(p["satisfaction"]["dissatisfied"]),
                           **{f"dem:{d}": v for d, v in p["democratic"].items()}}

    # == 3 报岗 ==================================================================================
    clerk.alt(3)
    clerk.tab_to(decl_tab.view)
    dmodel = decl_tab.model
    first, second = dmodel.entry_columns()[:2]
    assert decl_tab.view.currentIndex() == dmodel.index(0, first)
    for typed in ("P1 P2", "P1", "P2 P3"):              # first round, Enter moves down
        clerk.enter(typed)
    assert declarations(store) == {"1001": [("P1", "P2")], "1002": [("P1",)], "1003": [("P2", "P3")]}
    # GAP: 公布第一次报岗 has no key; and Tab cannot leave the grid (it moves between cells).
    qtbot.mouseClick(decl_tab.publish_button, Qt.MouseButton.LeftButton)
    assert published_round(store) == 1
    clerk.tab_to(decl_tab.view)
    assert decl_tab.view.currentIndex() == dmodel.index(2, first)
    clerk.press(Qt.Key.Key_Up)
    clerk.press(Qt.Key.Key_Up)
    clerk.press(Qt.Key.Key_Right)
    assert decl_tab.view.currentIndex() == dmodel.index(0, second)
    clerk.enter("P1")
    clerk.press(Qt.Key.Key_Return)                      # 李华 keeps his first round: Enter skips him
    clerk.enter("p2")                                   # any case
    assert declarations(store) == {"1001": [("P1", "P2"), ("P1",)], "1002": [("P1",)],
                                   "1003": [("P2", "P3"), ("P2",)]}
    assert [dmodel.index(r, dmodel.columnCount() - 1).data() for r in range(3)] == \
        ["P1 办公室科长", "P1 办公室科长", "P2 财务科科长"]

    # == 4 抽签 ==================================================================================
    clerk.alt(4)
    clerk.mnemonic(draw_tab.meeting)                    # Alt+M 会议(&M)
    assert draw_tab.meeting.hasFocus()
    clerk.press(Qt.Key.Key_End)
    assert draw_tab.meeting.currentText() == "竞岗演讲"
    assert draw_tab.digest.text().startswith(hashlib.sha256(b"1001,1002,1003").hexdigest())
    # Alt+S 种子(&S). BUG (reported): Alt+S is also 阶段(&S) of the menu bar; the ambiguous mnemonic
    # alternates — this first press focuses the seed, the next one opens the 阶段 menu.
    clerk.mnemonic(draw_tab.seed)
    assert draw_tab.seed.hasFocus()
    clerk.enter("4711")
    assert draws.current_draw(store, "竞岗演讲").ids == ["1002", "1001", "1003"]
    assert cells(draw_tab.order, cols=(0, 1, 2)) == [["1", "1002", "李华"], ["2", "1001", "张明"],
                                                      ["3", "1003", "王芳"]]
    assert draw_tab.order.index(0, 3).data() == hashlib.sha256("4711|竞岗演讲|1002".encode()).hexdigest()
    assert "种子 4711" in draw_tab.state.text()

    # == 5 竞岗演讲评分 ==========================================================================
    clerk.alt(5)
    clerk.tab_to(speech_tab.add_judge_button)
    for n, (name, group) in enumerate(JUDGES, start=1):
        def fill(dialog, name=name, group=group, n=n):
            assert dialog.judge_id.text() == f"J{n:02d}" and dialog.judge_id.hasFocus()
            clerk.press(Qt.Key.Key_Tab)
            clerk.chinese(name)
            clerk.press(Qt.Key.Key_Tab)
            assert dialog.group.hasFocus()
            clerk.choose(dialog.group, group)
            clerk.press(Qt.Key.Key_Return)
        failed = clerk.when_modal(fill, JudgeDialog)
        clerk.press(Qt.Key.Key_Space)                   # 添加评委… (exec: returns when the dialog closed)
        if failed:
            raise failed[0]
        assert QApplication.activeModalWidget() is None
        assert clerk.focus() is speech_tab.add_judge_button
    judges = scores.list_judges(store)
    assert [(j.id, j.name, j.seat) for j in judges] == [(f"J{n:02d}", name, n) for n, (name, _) in
                                                         enumerate(JUDGES, start=1)]
    assert [j.group for j in judges] == ["leaders"] * 3 + ["unit_heads"] * 2 + ["county_chiefs"] * 2
    smodel = speech_tab.model
    clerk.tab_to(speech_tab.view)
    assert speech_tab.view.currentIndex() == smodel.index(0, smodel.FIRST_JUDGE)
    assert [smodel.index(r, smodel.COL_NAME).data() for r in range(3)] == ["李华", "张明", "王芳"]
    for pid in ("1002", "1001", "1003"):                # speaking order; Enter → next judge, next speaker
        for value in SMALL["speech"][pid]:
            clerk.enter(value)
            assert not message(window)[1], message(window)
    assert [smodel.index(r, smodel.col_mean).data() for r in range(3)] == ["91.000", "89.000", "82.000"]
    assert [smodel.index(r, smodel.col_count).data() for r in range(3)] == ["7/7"] * 3
    typed = {pid: [str(v) for v, _, _ in (scores.speech_scores(store)[pid][j.id] for j in judges)]
             for pid in SMALL["speech"]}
    assert typed == SMALL["speech"]

    # == 6 定岗推荐计票 ==========================================================================
    clerk.alt(6)
    assert rec_tab.ballot_panel.view.hasFocus()         # arriving, the keys go to the ballot form
    # GAP: no key reaches the 到会人数 table (Tab is kept by the ballot form): click its first cell.
    paper = rec_tab.paper_view
    qtbot.mouseClick(paper.viewport(), Qt.MouseButton.LeftButton,
                     pos=paper.visualRect(rec_tab.paper_model.index(0, 0)).center())
    assert paper.hasFocus() and paper.currentIndex() == rec_tab.paper_model.index(0, 0)
    for n in (5, 40, 8, 10):                            # Enter moves right along the row
        clerk.enter(str(n))
    assert presence(store) == SMALL["recommendation"]["present"]

    clerk.alt(5)                                        # back and forth: arriving puts the keys on the form
    clerk.alt(6)
    view, form = rec_tab.ballot_panel.view, rec_tab.ballot_panel.form
    assert view.hasFocus()
    clerk.press(Qt.Key.Key_F1)
    assert rec_tab.ballot_panel.group() == "leaders"
    assert [c[1] for c in form.candidates] == ["李华", "张明", "王芳"]     # as the printed ballot: speaking order
    papers = ("111", "111", "p311", "p310", "000")      # 李华, 张明, 王芳 on each paper
    for n, keys in enumerate(papers, start=1):
        clerk.enter(keys)                               # Enter on the last candidate saves the paper
        status = rec_tab.ballot_panel.status.text()
        assert status == f"✓ 第 {n} 张已保存（局领导）", status
        assert form.marks == {} and view.currentIndex().row() == 0
    saved = list_ballots(store)
    assert [b.serial for b in saved] == [1, 2, 3, 4, 5]
    assert saved[2].marks == {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"), "1003": Mark(AGREE, "P2")}
    assert saved[4].marks == {pid: Mark(BLANK) for pid in ("1001", "1002", "1003")}
    assert rec_tab.ballot_panel.group_status.text() == "已唱 5 张 / 到会 5 人"
    pairs = rec_tab.pair_model
    assert [(r.person, r.post, r.kind) for r in pairs.rows()] == [
        ("1001", "P1", "申报"), ("1002", "P1", "申报"), ("1002", "P3", "建议"), ("1003", "P2", "申报")]
    assert cells(pairs, cols=(PairModel.COL_GROUP,)) == [["4"], ["2"], ["2"], ["3"]]

    # GAP: 计数录入 has no key (no mnemonic, Tab kept by the form): click the radio button.
    qtbot.mouseClick(rec_tab.count_mode, Qt.MouseButton.LeftButton)
    assert rec_tab.pair_view.hasFocus()
    clerk.press(Qt.Key.Key_Home, CTRL)                  # first cell, then → to 其他行政编制人员
    for _ in range(PairModel.COL_GROUP + 1):
        clerk.press(Qt.Key.Key_Right)
    assert rec_tab.pair_view.currentIndex() == pairs.index(0, PairModel.COL_GROUP + 1)
    by_pair = {(c["person"], c["post"]): c for c in SMALL["recommendation"]["counts"]}
    order = [(r.person, r.post) for r in pairs.rows()]
    rate_1001 = []
    for group in ("staff", "unit_heads", "county_chiefs"):   # Enter moves down a column, then to the next
        for pair in order:
            clerk.enter(str(by_pair[pair][group]))
            assert not message(window)[1], message(window)
            rate_1001.append(pairs.index(0, PairModel.COL_RATE).data())
    assert rate_1001[0] == "0.540" and rate_1001[-1] == "0.762"     # live: 34/63, then 48/63
    assert counts(store) == {pair: {g: c[g] for g in ("staff", "unit_heads", "county_chiefs")}
                             for pair, c in by_pair.items()}
    assert cells(pairs, cols=range(PairModel.COL_GROUP, PairModel.COL_SCORE + 1)) == [
        ["4", "30", "6", "8", "48", "63", "0.762", "达到", "77.250"],
        ["2", "20", "5", "6", "33", "63", "0.524", "达到", "49.375"],
        ["2", "10", "2", "3", "17", "63", "0.270", "未达到", ""],
        ["3", "25", "4", "5", "37", "63", "0.587", "达到", "58.500"],
    ]

    # == 7 lock 定岗推荐计票: a further count or ballot is refused ================================
    clerk.press(Qt.Key.Key_L, CTRL | SHIFT)             # 确认
    clerk.press(Qt.Key.Key_L, CTRL | SHIFT)             # 锁定
    assert stages.stage_states(store)["recommendation"] == "locked"
    assert "定岗推荐计票:已锁定" in window.stage_label.text()
    before = counts(store)
    last = rec_tab.pair_view.currentIndex()
    assert (last.row(), last.column()) == (3, PairModel.COL_GROUP + 3)     # 王芳 → P2 · 县局长
    clerk.enter("4")
    text, is_error = message(window)
    assert is_error and "“定岗推荐计票”已锁定" in text
    refused = pairs.index(3, PairModel.COL_GROUP + 3)
    assert counts(store) == before and refused.data() == "4" and refused.data(UNSAVED_ROLE)   # kept, marked
    clerk.press(Qt.Key.Key_Delete)                      # given up: the stored 5 again
    assert refused.data() == "5" and refused.data(UNSAVED_ROLE) is None
    # GAP (as above): back to 唱票录入 by clicking its radio button.
    qtbot.mouseClick(rec_tab.ballot_mode, Qt.MouseButton.LeftButton)
    assert view.hasFocus()
    clerk.enter("111")                                  # refused at the first key (issue 13)
    text, is_error = message(window)
    assert is_error and "已锁定" in text
    assert len(list_ballots(store)) == 5
    assert form.marks == {}                             # no mark was taken on a locked count
    assert "已锁定" in rec_tab.ballot_panel.status.text()

    # == 8 综合考评与人选 ========================================================================
    clerk.alt(7)
    assert results_tab.pages.currentIndex() == 0
    seats = cells(results_tab.seat_model)
    assert seats[0][:2] == ["P1 办公室科长", "张明"] and "第十三条（三）" in seats[0][2]
    assert seats[1][:2] == ["P2 财务科科长", "王芳"] and "第十三条（一）" in seats[1][2]
    assert seats[2] == ["P3 法规科科长", "—", "缺位，待下一轮竞岗"]
    assert cells(results_tab.pair_model)[0] == \
        ["张明", "P1 办公室科长", "申报", "95.385", "89.000", "0.762", "77.250", "83.866"]
    _, results = compute_results(store)
    assert on_expected_keys(results_to_json(results), EXPECTED) == EXPECTED
    assert store.verify().ok
    assert not [t for t, error in seen if error and "已锁定" not in t and "超出" not in t]
