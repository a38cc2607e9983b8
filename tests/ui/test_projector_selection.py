"""The 双向选择 scene on the projector: the open round's picks, names only."""

from __future__ import annotations

import json

from tests.conftest import DATA
from app.core.roster import RosterPerson
from app.services import projector, selection, stages
from app.services.campaign_io import import_campaign
from app.services.roster import save_person, save_post
from app.services.store import Changed, Store
from app.ui.projector_scenes import scene_texts


from tests.selection_setup import make_store  # noqa: E402  (shared set-up)


STATE = projector.ProjectorState(scene=projector.SELECTION)


def test_scene_is_listed_and_watches_roster_and_stages():
    assert projector.SELECTION in projector.SCENES
    assert projector.SCENE_LABELS[projector.SELECTION] == "双向选择"
    watches = projector.SCENE_WATCHES[projector.SELECTION]
    assert watches & Changed.ROSTER and watches & Changed.STAGES


def test_the_picked_name_appears_and_no_id(tmp_path, qapp):
    store = make_store(tmp_path)
    selection.set_choice(store, "2003", "staff", ["P2"])
    selection.pick(store, 1, "P2", "2003")
    selection.pass_(store, 1, "P1")
    data = projector.build_scene(store, STATE)
    assert isinstance(data, projector.SelectionScene) and data.started
    by_office = {line.office: line for line in data.lines}
    assert by_office["财务科"].pick == "孙三" and by_office["财务科"].seated == 1
    assert by_office["财务科"].headcount == 2
    assert by_office["办公室"].pick == "放弃"
    texts = scene_texts(data, STATE)
    joined = "\n".join(texts)
    assert "孙三" in texts and "张明" in texts          # the 科长 of 办公室, by name
    assert "科员定岗 第 1 轮" in joined
    assert "财务科" in texts and "办公室" in texts
    assert "1/2" in texts
    for pid in ("2001", "2002", "2003", "3001", "1001", "1002", "1003", "P1", "P2", "P3"):
        assert pid not in joined


def test_waiting_office_shows_pending(tmp_path, qapp):
    store = make_store(tmp_path)
    texts = scene_texts(projector.build_scene(store, STATE), STATE)
    assert texts.count("待选") == 2


def test_card_before_publication(tmp_path, qapp):
    store = make_store(tmp_path, publish=False)
    data = projector.build_scene(store, STATE)
    assert not data.started
    texts = scene_texts(data, STATE)
    assert "双向选择尚未开始" in texts
    assert not any("2003" in t for t in texts)
