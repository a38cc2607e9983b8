"""The small campaign the two-way selection tests share: 科长 1001 张明 at P1 (办公室, 核定 1) and
1003 王芳 at P2 (财务科, 核定 2) from tests/data/small.json, 科员 2001–2003 and 事业人员 3001."""

import json

from app.core.roster import RosterPerson
from app.services import stages
from app.services.campaign_io import import_campaign
from app.services.roster import save_person, save_post
from app.services.store import Store
from tests.conftest import DATA


def make_store(tmp_path, *, publish=True):
    """small.json: 科长 1001 at P1 (办公室), 1003 at P2 (财务科), P3 vacant; plus 科员 and 事业人员."""
    store = Store.create(tmp_path / "c.db", title="t", unit="u", supervisor_password="jd2026", operator="王敏")
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    save_post(store, "P1", "办公室科长", office="办公室", headcount=1)
    save_post(store, "P2", "财务科科长", office="财务科", headcount=2)
    save_post(store, "P3", "法规科科长", office="法规科", headcount=1)
    for pid, name, former in (("2001", "赵一", "办公室"), ("2002", "钱二", "财务科"), ("2003", "孙三", None)):
        save_person(store, RosterPerson(id=pid, name=name, rank="科员", category="行政一般", identity="行政",
                                        former_office=former))
    save_person(store, RosterPerson(id="3001", name="周四", rank="科员", category="事业人员", identity="事业",
                                    former_office="财务科"))
    if publish:
        stages.publish_through(store, "assignment", "jd2026")
    return store
