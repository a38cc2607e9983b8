"""UI test fixtures: a fresh campaign file per test, the workbench, no blocking message boxes."""

import json

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.conftest import DATA
from app.services.campaign_io import import_campaign
from app.services.demo import create_demo_store
from app.services.store import Store
from app.ui import dialogs
from app.ui.workbench import Workbench


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch):
    """A QMessageBox would block a test: record what would have been shown instead."""
    shown = []
    for name in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(lambda *a, _n=name, **k: shown.append((_n, a[1:3]))
                                                            or QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    # 锁定 / 公布 ask the 监督组's password in a dialog of their own: the test campaigns' password
    monkeypatch.setattr(dialogs, "ask_supervisor_password", lambda *a, **k: "jd2026")
    return shown


@pytest.fixture
def empty_store(tmp_path):
    store = Store.create(tmp_path / "c.db", title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026",
                         operator="王敏")
    yield store
    store.close()


@pytest.fixture
def small_store(empty_store):
    import_campaign(empty_store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    return empty_store


@pytest.fixture
def demo_store(tmp_path):
    store = create_demo_store(tmp_path / "demo.db", operator="王敏", people=30, posts=6)
    yield store
    store.close()


@pytest.fixture
def bench(small_store, qapp):
    return Workbench(small_store)


@pytest.fixture
def messages(bench):
    """What the workbench said, as (text, is_error), in order."""
    seen: list[tuple[str, bool]] = []
    bench.message.connect(lambda text, error: seen.append((text, error)))
    return seen

