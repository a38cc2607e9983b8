"""The export carries the two-way selection (choices, picks with signatures, 领导组 placements), and the
import checks it before anything is stored."""

import json

import pytest

from app.core.campaign import CampaignError
from app.services import selection, stages
from app.services.campaign_io import export_campaign, import_campaign
from app.services.demo import create_demo_store, play_selection
from app.services.store import Store, StoreError


def fresh(path):
    return Store.create(path, title="t", unit="u", supervisor_password="jd2026", operator="王敏")


def publish_assignment(store):
    stages.publish_through(store, "assignment", "jd2026")


def test_export_import_keeps_the_selection(tmp_path):
    source = create_demo_store(tmp_path / "a.db")
    publish_assignment(source)
    play_selection(source)
    selection.sign(source, "staff", 1, selection.list_picks(source)[0].post_id, "chief")
    doc = json.loads(json.dumps(export_campaign(source), ensure_ascii=False))
    assert doc["selection"]["picks"] and doc["selection"]["choices"]
    target = fresh(tmp_path / "b.db")
    import_campaign(target, doc)
    publish_assignment(target)                     # stage states are not part of the file
    assert selection.outcome(target) == selection.outcome(source)
    assert selection.list_picks(target) == selection.list_picks(source)
    assert export_campaign(target)["selection"] == doc["selection"]
    assert target.verify().ok
    source.close()
    target.close()


@pytest.mark.parametrize("change, field", [
    (lambda sel: sel["choices"][0].update(person="9999"), "selection.choices[0].person"),
    (lambda sel: sel["choices"][0].update(phase=["staff"]), "selection.choices[0].phase"),
    (lambda sel: sel["picks"][0].update(post="P99"), "selection.picks[0].post"),
    (lambda sel: sel["picks"][0].update(kind="grab"), "selection.picks[0].kind"),
    (lambda sel: sel["picks"][0].update(round=0), "selection.picks[0].round"),
    (lambda sel: sel["picks"][0].update(phase={"x": 1}), "selection.picks[0].phase"),
    (lambda sel: sel["picks"].insert(1, dict(sel["picks"][0])), "selection.picks[1]: 同一阶段、轮次、科室重复"),
    (lambda sel: sel["picks"][0].update(chief_signed="yes"), "selection.picks[0].chief_signed"),
    (lambda sel: sel.update(placements=[{"person": "1001", "placed_by": "moon"}]), "selection.placements[0].placed_by"),
    (lambda sel: sel.update(picks="all"), "selection.picks"),
])
def test_a_bad_selection_is_refused_by_field_and_stores_nothing(tmp_path, change, field):
    source = create_demo_store(tmp_path / "a.db")
    publish_assignment(source)
    play_selection(source, staff_rounds=1, business_rounds=1)
    doc = json.loads(json.dumps(export_campaign(source), ensure_ascii=False))
    change(doc["selection"])
    target = fresh(tmp_path / "b.db")
    with pytest.raises((CampaignError, StoreError)) as err:
        import_campaign(target, doc)
    text = "\n".join(getattr(err.value, "problems", [str(err.value)]))
    assert field in text
    assert export_campaign(target).get("people") == []
    source.close()
    target.close()
