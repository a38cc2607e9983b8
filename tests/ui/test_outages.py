"""Several laptops on PostgreSQL when the room's server or a laptop misbehaves (issue 12).

- the server restarted while a clerk types: the next score is saved (the pool reconnects), or — while
  the server is down — it stays typed, marked 未保存, the status bar says the connection is lost, the
  poll keeps looking, says when it is back, and Enter saves it;
- a laptop frozen inside a save: the other laptop says 其他电脑正在保存, retries, and saves once the
  server has ended the frozen session (idle_in_transaction_session_timeout), within seconds.

Needs ``JINGGANG_TEST_PG_URL`` and, for the restart, ``JINGGANG_TEST_PG_CTL`` (the server's pg_ctl with its
-D; ``.ci/run`` exports both). These tests stop and start that server.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time

import pytest
from PySide6.QtWidgets import QApplication

from app.models.engine import IDLE_IN_SAVE_MS
from app.services import draws, scores
from app.services.campaign_io import import_campaign
from app.services.store import Store
from app.ui.table import UNSAVED_ROLE
from app.ui.workbench import Workbench
from tests.conftest import DATA
from tests.services.conftest import PG_ENV, _PgDatabases
from tests.ui.test_speech_tab import ZHANGMING, go, judge_col, make_tab, stored, type_score
from tests.ui.test_write_faults import retry

CTL_ENV = "JINGGANG_TEST_PG_CTL"


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        if os.environ.get("JINGGANG_REQUIRE_PG") == "1":
            pytest.fail(f"JINGGANG_REQUIRE_PG=1 but {name} is not set", pytrace=False)
        pytest.skip(f"{name} is not set (.ci/run sets it)")
    return value


@pytest.fixture
def pg_url():
    databases = _PgDatabases(_required(PG_ENV))
    url = databases.create()
    yield url
    databases.drop(url)


def pg_ctl(*args: str) -> None:
    command = shlex.split(_required(CTL_ENV)) + list(args)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


@pytest.fixture
def server():
    """Start/stop/restart the test server; it is running again after the test whatever happened."""
    _required(CTL_ENV)
    yield pg_ctl
    if subprocess.run(shlex.split(os.environ[CTL_ENV]) + ["status"], capture_output=True).returncode != 0:
        pg_ctl("-w", "start")


def campaign(url: str, operator: str = "王敏") -> Store:
    store = Store.create(url, title="t", unit="u", supervisor_password="jd2026", operator=operator)
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    draws.program_draw(store, "竞岗演讲", "4711")
    for judge in ("J04", "J05", "J06", "J07"):
        scores.clear_speech_score(store, "1001", judge)
    return store


def test_server_restarted_and_stopped_while_typing(qtbot, qapp, pg_url, server):
    store = campaign(pg_url)
    try:
        bench = Workbench(store, poll_ms=0)
        said: list[tuple[str, bool]] = []
        bench.message.connect(lambda text, error: said.append((text, error)))
        tab = make_tab(qtbot, bench)
        go(tab, ZHANGMING, 4)
        type_score(qtbot, tab, "81")
        server("-m", "fast", "-w", "restart")               # the server restarts between two scores
        go(tab, ZHANGMING, 5)
        type_score(qtbot, tab, "82")
        assert str(stored(bench, "1001", "J05")) == "82"    # reconnected by itself: saved
        server("-m", "fast", "-w", "stop")                  # now it is gone
        go(tab, ZHANGMING, 6)
        type_score(qtbot, tab, "83")
        cell = tab.model.index(ZHANGMING, judge_col(tab, 6))
        assert cell.data() == "83" and "连接中断" in cell.data(UNSAVED_ROLE)
        assert not bench.connected and "连接中断" in bench.connection_text
        assert said[-1] == ("第 2 位 张明 评委6 的 83 没有保存：与数据库服务器的连接中断", True)
        assert not bench.poll() and not bench.connected       # still down: the poll keeps looking
        server("-w", "start")
        assert bench.poll() and bench.connected             # back: it says so and redraws
        assert any("已重新连接" in text for text, _ in said)
        assert cell.data() == "83" and cell.data(UNSAVED_ROLE)   # the unsaved score is still there
        go(tab, ZHANGMING, 6)
        retry(qtbot, tab)
        assert str(stored(bench, "1001", "J06")) == "83" and cell.data(UNSAVED_ROLE) is None
        assert [str(stored(bench, "1001", j)) for j in ("J04", "J05", "J06")] == ["81", "82", "83"]
        assert store.verify().ok
    finally:
        store.close()


def test_ctrl_r_restarts_the_poll_after_an_outage(qtbot, qapp, pg_url, server):
    store = campaign(pg_url)
    other = Store.open(pg_url, operator="李强")
    try:
        bench = Workbench(store, poll_ms=50)
        server("-m", "fast", "-w", "stop")
        qtbot.wait(200)                                     # the poll fails a few times: it keeps running
        assert not bench.connected and bench._poll.isActive()
        server("-w", "start")
        scores.set_speech_score(other, "1001", "J04", "79")  # the other laptop types meanwhile
        seen = []
        bench.changed.connect(seen.append)
        qtbot.waitUntil(lambda: bench.connected and bool(seen), timeout=5000)
        bench.refresh()                                     # Ctrl+R: at once, and the poll runs on
        assert bench._poll.isActive()
        assert str(stored(bench, "1001", "J04")) == "79"
    finally:
        other.close()
        store.close()


FROZEN = """
import sys, time
from sqlalchemy import text
from app.services.store import Store
store = Store.open(sys.argv[1], operator="赵六")
with store.write() as s:                 # takes the write lock, then the laptop freezes
    s.execute(text("select 1"))
    print("frozen", flush=True)
    time.sleep(60)
"""


def test_a_laptop_frozen_inside_a_save_holds_the_room_a_few_seconds_at_most(qtbot, qapp, pg_url, tmp_path):
    store = campaign(pg_url)
    script = tmp_path / "frozen.py"
    script.write_text(FROZEN, encoding="utf-8")
    frozen = subprocess.Popen([sys.executable, str(script), pg_url], stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        assert frozen.stdout.readline().strip() == "frozen"
        bench = Workbench(store, poll_ms=0)
        said: list[tuple[str, bool]] = []
        bench.message.connect(lambda text, error: said.append((text, error)))
        tab = make_tab(qtbot, bench)
        go(tab, ZHANGMING, 4)
        started = time.monotonic()
        type_score(qtbot, tab, "84")
        waited = time.monotonic() - started
        QApplication.processEvents()
        assert str(stored(bench, "1001", "J04")) == "84"    # saved once the server ended the frozen session
        assert any("其他电脑正在保存" in text and "重试" in text for text, _ in said)
        assert waited < IDLE_IN_SAVE_MS / 1000 + 6, waited
        assert store.verify().ok
    finally:
        frozen.kill()
        frozen.wait()
        store.close()
