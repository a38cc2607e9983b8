"""The projector (大屏) with pytest-qt: live from the one change signal, private, restartable.

small.json with no typed 局领导 counts (that group votes on paper): present 5 / 40 / 8 / 10 = 63;
张明 (1001) → 办公室科长 typed 0 + 30 + 6 + 8 = 44 of 63 = 0.698 before any ballot.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor

from tests.conftest import DATA
from app.core.ballots import AGREE, BLANK, SUGGEST, Mark
from app.services.ballot_checks import set_paper_count
from app.services import ballots, draws, projector, scores, stages
from app.services.campaign_io import import_campaign
from app.services.store import Changed, Store
from app.ui import projector as ui_projector
from app.ui.main_window import MainWindow
from app.ui.projector import PAGE_SECONDS, ProjectorPreview, ProjectorWindow
from app.ui.projector_scenes import WAITING_FOR_SEED, BASE_PT, SceneRenderer, base_px, render_image, scene_texts
from app.ui.workbench import Change, Workbench

BIRTHS = {"1001": "1985-03", "1002": "1990-07", "1003": "1979-11"}


@pytest.fixture
def ballot_store(empty_store):
    doc = json.loads((DATA / "small.json").read_text(encoding="utf-8"))
    doc["recommendation"]["counts"] = [c | {"leaders": 0} for c in doc["recommendation"]["counts"]]
    for p in doc["people"]:
        p["birth"] = BIRTHS[p["id"]]
    import_campaign(empty_store, doc)
    return empty_store


@pytest.fixture
def ballot_bench(ballot_store, qapp):
    return Workbench(ballot_store)


def open_wall(qtbot, bench, size=(1280, 720)) -> ProjectorWindow:
    window = ProjectorWindow(bench)
    qtbot.addWidget(window)
    window.resize(*size)
    with qtbot.waitSignal(window.painted):
        window.show()
    return window


def tally_bar(window, name, post):
    return next(b for b in window.feed.data.bars if b.name == name and b.post == post)


# -- live -----------------------------------------------------------------------------------------------

def test_saving_a_ballot_changes_the_projected_bar(qtbot, ballot_bench):
    ballot_bench.run(projector.set_projector_scene, projector.TALLY)
    window = open_wall(qtbot, ballot_bench)
    before = tally_bar(window, "张明", "办公室科长")
    assert (before.counts, before.rate_shown) == ((0, 30, 6, 8), projector.Decimal("0.698"))
    # 局领导 has no ballots and no typed counts yet: 唱票 with 0 of 5, as the main window says (issue 13)
    assert "0.698" in window.texts() and "局领导 0/5" in window.texts()
    image_before = window.grab().toImage()
    paints = []
    window.painted.connect(lambda: paints.append(window.texts()))

    # the 定岗推荐计票 tab's path: the workbench runs the service, the one signal tells everyone
    ballot_bench.run(ballots.save_ballot, "leaders", {"1001": Mark(AGREE, "P1"), "1002": Mark(SUGGEST, "P3"),
                                                      "1003": Mark(BLANK)})
    assert paints, "the wall repainted inside the change notification"
    after = tally_bar(window, "张明", "办公室科长")
    assert after.counts == (1, 30, 6, 8) and after.rate_shown == projector.Decimal("0.714")      # 45/63
    texts = paints[-1]
    assert "0.714" in texts and "0.698" not in texts
    assert "局领导 1/5" in texts                          # ballots counted of those present
    assert "已计 1 张 / 到会 63 人" in texts
    assert window.grab().toImage() != image_before


def test_the_wall_redraws_only_for_the_changes_its_scene_shows(qtbot, ballot_bench, monkeypatch):
    window = open_wall(qtbot, ballot_bench)
    assert window.feed.state.scene == projector.DRAW
    built = []
    real = projector.build_scene
    monkeypatch.setattr(projector, "build_scene",
                        lambda store, state, *a: built.append(state.scene) or real(store, state, *a))
    ballot_bench.changed.emit(Change(Changed.BALLOTS))          # 唱票 is not on the wall now
    ballot_bench.changed.emit(Change(Changed.SPEECH))
    assert built == []
    ballot_bench.run(draws.program_draw, draws.SPEECH_MEETING, "4711")
    assert built == [projector.DRAW]
    assert "复核一致" in window.texts() and "程序抽签\u3000种子 4711" in window.texts()


def test_a_projector_nobody_sees_does_no_work_until_shown(qtbot, ballot_bench, monkeypatch):
    feed = ui_projector.ProjectorFeed(ballot_bench)
    built = []
    real = projector.build_scene
    monkeypatch.setattr(projector, "build_scene",
                        lambda store, state, *a: built.append(state.scene) or real(store, state, *a))
    ballot_bench.run(projector.set_projector_scene, projector.TALLY)
    ballot_bench.run(ballots.save_ballot, "leaders", {"1001": Mark(AGREE, "P1")})
    assert built == [] and feed.state.scene == projector.TALLY        # the choice is known, nothing tallied
    window = ProjectorWindow(ballot_bench, feed)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted):
        window.show()
    assert built == [projector.TALLY]
    assert "局领导 1/5" in window.texts()


def test_no_polling_timer_reads_the_store(qtbot, demo_store, monkeypatch):
    """The only timer turns pages of what is loaded; it never rebuilds the scene."""
    bench = Workbench(demo_store)
    bench.run(projector.set_projector_scene, projector.TALLY)
    window = open_wall(qtbot, bench)
    monkeypatch.setattr(projector, "build_scene", lambda *a: pytest.fail("the page timer read the store"))
    window.feed.timer.timeout.emit()
    window.feed.timer.timeout.emit()


# -- paging ---------------------------------------------------------------------------------------------

def test_long_lists_are_paged_every_eight_seconds_not_shrunk(qtbot, demo_store):
    bench = Workbench(demo_store)
    bench.run(projector.set_projector_scene, projector.TALLY)
    window = open_wall(qtbot, bench, (1920, 1080))
    feed = window.feed
    rows = len(feed.data.bars)
    assert rows > 12 and len(feed.pages) == -(-rows // 12)
    assert feed.timer.isActive() and feed.timer.interval() == PAGE_SECONDS * 1000 == 8000
    first = window.texts()
    assert f"第 1/{len(feed.pages)} 页" in first
    feed.timer.timeout.emit()
    window.repaint()
    second = window.texts()
    assert f"第 2/{len(feed.pages)} 页" in second
    names_first = {b.name for b in feed.pages[0]}
    assert {b.name for b in feed.pages[1]} - names_first <= set(second)
    # the same rows per page at 1024×768: smaller type, not more rows
    window.resize(1024, 768)
    window.repaint()
    assert f"第 2/{len(feed.pages)} 页" in window.texts()
    # PageDown on the wall turns the page by hand, wrapping round
    for _ in range(len(feed.pages) - 1):
        qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert feed.page == 0


def test_a_one_page_scene_does_not_run_the_page_timer(qtbot, ballot_bench):
    window = open_wall(qtbot, ballot_bench)
    assert len(window.feed.pages) == 1 and not window.feed.timer.isActive()


# -- privacy --------------------------------------------------------------------------------------------

def all_wall_texts(store, sizes=((1920, 1080), (1024, 768))):
    out = []
    for scene in projector.SCENES:
        state = projector.ProjectorState(scene=scene)
        data = projector.build_scene(store, state)
        for w, h in sizes:
            out += scene_texts(data, state, w, h)
    return out


def test_hidden_data_never_appears_on_the_wall(qtbot, ballot_bench):
    store = ballot_bench.store
    judge_scores = {str(v) for per in scores.speech_scores(store).values() for v, _, _ in per.values()}

    def check(texts):
        joined = "\n".join(texts)
        for pid, birth in BIRTHS.items():
            assert pid not in joined and birth not in joined and birth[:4] not in joined
        assert not judge_scores & set(texts), "a judge's own score reached the wall"

    texts = all_wall_texts(store)
    check(texts)
    assert "结果尚未公布" in texts and WAITING_FOR_SEED in texts
    assert not any(t.startswith("人选") for t in texts)

    ballot_bench.run(draws.program_draw, draws.SPEECH_MEETING, "4711")
    ballot_bench.run(scores.confirm, [("speech_scores", ("1001", j.id)) for j in scores.list_judges(store)])
    ballot_bench.run(ballots.save_ballot, "leaders", {"1001": Mark(AGREE, "P1")})
    ballot_bench.run(set_paper_count, "leaders", "returned", 1)     # reconciled: the stage can be confirmed
    texts = all_wall_texts(store)
    check(texts)
    assert "89.000" in texts                   # 张明's trimmed mean, confirmed
    assert "结果尚未公布" in texts

    stages.publish_through(store, "assignment", "jd2026")     # every stage up to 综合考评与人选
    texts = all_wall_texts(store)
    check(texts)
    assert "结果尚未公布" not in texts and any(t.startswith("人选：") for t in texts)

    # and what the window itself painted, on every page of every scene
    window = open_wall(qtbot, ballot_bench)
    for scene in projector.SCENES:
        ballot_bench.run(projector.set_projector_scene, scene)
        for _ in window.feed.pages:
            window.repaint()
            check(window.texts())
            window.feed.next_page()


# -- restart, blackout ----------------------------------------------------------------------------------

def test_a_restart_shows_the_same_scene(qtbot, ballot_bench):
    bench = ballot_bench
    bench.run(ballots.save_ballot, "leaders", {"1001": Mark(AGREE, "P1")})
    bench.run(projector.set_projector_scene, projector.TALLY)
    window = open_wall(qtbot, bench)
    shown = window.texts()
    window.close()

    # closed and reopened: the same scene, from the stored data
    again = open_wall(qtbot, bench)
    assert again.texts() == shown
    again.close()

    location = bench.store.location
    bench.store.close()
    store = Store.open(location, operator="李强")
    try:
        restarted = open_wall(qtbot, Workbench(store))
        assert restarted.feed.state.scene == projector.TALLY
        assert restarted.texts() == shown
        restarted.close()
    finally:
        store.close()


def test_blackout_by_key_and_by_method_and_it_is_kept(qtbot, ballot_bench):
    window = open_wall(qtbot, ballot_bench)
    assert window.texts()
    window.set_blackout(True)
    assert window.feed.state.blackout and window.texts() == []
    image = window.grab().toImage()
    assert {image.pixel(x, y) for x in range(0, image.width(), 97) for y in range(0, image.height(), 53)} == {
        QColor("#000000").rgb()}
    assert projector.projector_state(ballot_bench.store).blackout        # stored: a restart stays black
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert not window.feed.state.blackout and window.texts()


# -- legibility -----------------------------------------------------------------------------------------

def test_text_is_28_pt_at_1080_and_scaled_for_768(qtbot, demo_store):
    assert base_px(1080) >= BASE_PT * 96 / 72 == pytest.approx(37.33, abs=0.01)
    assert base_px(768) >= BASE_PT * 96 / 72 * 768 / 1080
    renderer = SceneRenderer()
    for scene in projector.SCENES:
        state = projector.ProjectorState(scene=scene)
        data = projector.build_scene(demo_store, state)
        render_image(data, state, 1920, 1080, renderer=renderer)
        assert renderer.b == 38 and min(renderer.pixel_sizes()) >= 38, scene     # 28 pt at 96 dpi
        render_image(data, state, 1024, 768, renderer=renderer)
        assert renderer.b == 27 and min(renderer.pixel_sizes()) >= 27, scene     # the same, × 768/1080


# -- the main window ------------------------------------------------------------------------------------

def test_main_window_menu_chooses_the_scene_and_the_preview_follows(qtbot, ballot_store):
    window = MainWindow(ballot_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    controls = window.projector
    assert isinstance(controls.preview, ProjectorPreview)
    actions = {a.text(): a for a in window.findChildren(QAction)}
    actions["画面：定岗推荐唱票"].trigger()
    assert controls.feed.state.scene == projector.TALLY
    assert projector.projector_state(ballot_store).scene == projector.TALLY
    assert actions["画面：定岗推荐唱票"].isChecked()
    assert "大屏：定岗推荐唱票" in window.message_line.text()

    actions["打开大屏"].trigger()                     # offscreen: one screen, so a normal window
    wall = controls.wall
    assert wall is not None and wall.isVisible() and not controls.dock.isVisible()
    controls.dock.toggleViewAction().trigger()      # the preview only when asked for
    qtbot.waitUntil(lambda: bool(wall.texts()))
    window.bench.run(ballots.save_ballot, "leaders", {"1001": Mark(AGREE, "P1")})
    assert "局领导 1/5" in wall.texts()
    controls.preview.repaint()
    assert "局领导 1/5" in controls.preview.renderer.texts()

    actions["黑屏（大屏上按 B 亦可）"].trigger()
    assert wall.texts() == [] and actions["黑屏（大屏上按 B 亦可）"].isChecked()
    actions["黑屏（大屏上按 B 亦可）"].trigger()
    actions["下一位演讲人"].trigger()
    assert controls.feed.state.scene == projector.SPEAKER and controls.feed.state.speaker == 1
    assert "李华" in wall.texts()
    actions["打开大屏"].trigger()
    assert not wall.isVisible()


def test_projector_keys_do_not_clash_with_the_main_window(qtbot, small_store):
    window = MainWindow(small_store)
    qtbot.addWidget(window)
    seen: dict[str, str] = {}
    for act in window.findChildren(QAction):
        for seq in act.shortcuts():
            key = seq.toString()
            assert key not in seen, f"{key}: {seen.get(key)} and {act.text()}"
            seen[key] = act.text()
    assert [seen[k] for k in ("F5", "Ctrl+1", "Ctrl+5", "F7", "F8", "Shift+F8", "F9")] == [
        "打开大屏", "画面：抽签结果", "画面：结果", "黑屏（大屏上按 B 亦可）", "下一位演讲人", "上一位演讲人", "大屏翻页"]
    assert ui_projector.OPEN_KEY == "F5"


def test_on_one_screen_the_wall_leaves_the_keyboard_to_the_main_window(qtbot, ballot_store):
    """Duplicate mode / no second screen: F5 shows the wall without taking the keyboard, no preview dock
    squeezes the tables, and the projector's keys work from the main window and from the wall."""
    from PySide6.QtWidgets import QApplication
    window = MainWindow(ballot_store)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wall = window.projector.wall
    assert wall is not None and wall.isVisible() and not window.projector.dock.isVisible()
    qtbot.wait(50)
    assert QApplication.activeWindow() is window                   # the clerk keeps typing here
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.projector.feed.state.scene == projector.TALLY     # Ctrl+4 from the main window
    wall.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is wall)
    qtbot.keyClick(wall, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.projector.feed.state.scene == projector.SPEAKER   # … and from the wall
    qtbot.keyClick(wall, Qt.Key.Key_F7)
    assert window.projector.feed.state.blackout
