"""Two laptops on one campaign (two programs on one file here; PostgreSQL in the meeting room): a clerk who
saves over an entry the other laptop changed since their screen was drawn gets a conflict, never a silent
overwrite; and each workbench notices the other's entries (poll of the audit chain head, or Ctrl+R)."""

import json

import pytest

from app.services import scores
from app.services.campaign_io import import_campaign
from app.services.declarations import declarations
from app.services.store import Changed, Store
from app.ui.tabs.declarations import DeclarationModel
from app.ui.tabs.exams_model import ExamModel
from app.ui.workbench import Workbench
from tests.conftest import DATA


@pytest.fixture
def laptops(tmp_path, qapp):
    path = tmp_path / "c.db"
    a = Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(a, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    b = Store.open(path, operator="李强")
    benches = Workbench(a, poll_ms=0), Workbench(b, poll_ms=0)
    yield benches
    a.close()
    b.close()


def messages(bench):
    seen = []
    bench.message.connect(lambda text, err: seen.append((text, err)))
    return seen


def test_exam_score_changed_elsewhere_is_not_overwritten(laptops):
    a, b = laptops
    ma, mb = ExamModel(a), ExamModel(b)
    ma.reload()
    mb.reload()                                    # both screens show 1001's exam 82.5
    said_b = messages(b)
    assert ma.submit_item("1001", "exam", "55.5")
    assert not mb.submit_item("1001", "exam", "66")  # B still shows 82.5: refused
    assert said_b[-1][1] and "已被 王敏" in said_b[-1][0] and "改为 55.5" in said_b[-1][0]
    assert scores.list_scores(a.store)["1001"]["exam"].value == "55.5"
    mb.reload()                                     # after 刷新 B may correct it
    assert mb.submit_item("1001", "exam", "66")
    assert scores.list_scores(a.store)["1001"]["exam"].value == "66"


def test_clearing_a_score_changed_elsewhere_is_refused(laptops):
    a, b = laptops
    ma, mb = ExamModel(a), ExamModel(b)
    ma.reload()
    mb.reload()
    assert ma.submit_item("1001", "exam", "70")
    assert not mb.submit_item("1001", "exam", "")
    assert scores.list_scores(a.store)["1001"]["exam"].value == "70"


def test_declaration_changed_elsewhere_is_not_overwritten(laptops):
    a, b = laptops
    da, db = DeclarationModel(a), DeclarationModel(b)
    da.reload()
    db.reload()
    col = da.entry_columns()[0]
    row = next(i for i, r in enumerate(da.rows) if r.id == "1001")
    said_b = messages(b)
    assert da.submit_text(da.index(row, col), "P2")
    assert not db.submit_text(db.index(row, col), "P1 P3")
    assert "已被 王敏" in said_b[-1][0] and "改为 P2" in said_b[-1][0]
    assert declarations(a.store)["1001"][0] == ("P2",)


def test_the_workbench_notices_the_other_laptops_entries(laptops):
    a, b = laptops
    seen_a = []
    a.changed.connect(seen_a.append)
    assert not a.poll()                                         # nothing new
    assert b.run(scores.set_score, "1001", "exam", "60")        # B types
    assert a.poll() and seen_a[-1].flags == Changed.ALL         # A redraws everything
    assert not a.poll()
    seen_b = []
    b.changed.connect(seen_b.append)
    assert b.run(scores.set_score, "1001", "exam", "61")        # B's own entry: its own flags only
    assert seen_b[-1].flags == Changed.SCORES and not b.poll()
    assert a.run(scores.set_score, "1002", "exam", "62")        # A writes after B's unseen write
    assert seen_a[-1].flags == Changed.ALL                      # so A's redraw includes B's entry


def test_ctrl_r_refreshes(qtbot, laptops):
    from app.ui.main_window import MainWindow
    a, _ = laptops
    window = MainWindow(a.store)
    qtbot.addWidget(window)
    seen = []
    window.bench.changed.connect(seen.append)
    window.refresh_action.trigger()
    assert [c.flags for c in seen] == [Changed.ALL] and seen[0].initiator is None
    assert window.refresh_action.shortcut().toString() == "Ctrl+R"


def test_count_changed_elsewhere_is_not_overwritten(qtbot, laptops):
    """定岗推荐 counts typed in count mode: B's screen still shows 4 leaders for 1001 → P1 when A types 5."""
    from app.services.recommendation import counts
    from app.ui.tabs.recommendation import RecommendationTab
    from app.ui.tabs.recommendation_model import PairModel
    a, b = laptops
    tabs = []
    for bench in (a, b):
        tab = RecommendationTab(bench)
        qtbot.addWidget(tab)
        tab.show()
        qtbot.waitExposed(tab)
        tab.count_mode.click()                      # 计数录入
        tabs.append(tab)
    said_b = messages(b)
    ma, mb = tabs[0].pair_model, tabs[1].pair_model
    row = ma.find("1001", "P1")
    assert ma.setData(ma.index(row, PairModel.COL_GROUP), "5")
    assert not mb.setData(mb.index(mb.find("1001", "P1"), PairModel.COL_GROUP), "3") or not mb.last_ok
    assert said_b[-1][1] and "张明 → 办公室科长 · 局领导 已被 王敏" in said_b[-1][0] and "您的 3 未写入" in said_b[-1][0]
    assert counts(a.store)[("1001", "P1")]["leaders"] == 5
