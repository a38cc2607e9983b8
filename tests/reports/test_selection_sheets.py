"""双向选择结果 and 双向选择确认表: from plain data (names, 科室, fonts) and from a store (a pick is listed)."""

from __future__ import annotations

import json

from app.reports import SHEETS, render
from app.reports import data as d
from app.reports import selection as r
from app.services import selection, stages
from app.services.campaign_io import import_campaign
from app.services.report_data import build_pdf, sheet_data
from app.services.roster import save_person, save_post
from app.core.roster import RosterPerson
from app.services.store import Store
from tests.conftest import DATA
from tests.reports import font_problems, missing

UNIT, CAMPAIGN = "某某局", "2026年竞争轮岗"


def header(title: str, **kw) -> d.SheetHeader:
    base = dict(unit=UNIT, campaign=CAMPAIGN, title=title, state="已公布", audit_seq=417, printed="2026-03-02 16:30")
    base.update(kw)
    return d.SheetHeader(**base)


def result() -> r.SelectionSheet:
    return r.SelectionSheet(
        header("双向选择结果"),
        (r.SelectionOffice("办公室", "张明", 2, (r.SelectionPlaced("2001", "赵一", "办公室", "保留原科室人员（科员定岗第1轮）"),
                                               r.SelectionPlaced("2004", "吴六", "办公室", "不轮岗"))),
         r.SelectionOffice("财务科", "王芳", 2, (r.SelectionPlaced("3001", "周四", "财务科", "事业人员补充第1轮"),)),
         r.SelectionOffice("法规科", "李华", 1, ())),
        (r.SelectionLeftover("2002", "钱二", "财务科"), r.SelectionLeftover("2005", "郑七", "")),
        (r.SelectionLeftover("3002", "冯八", "法规科"),),
        (("财务科", 1), ("法规科", 1)), ("法规科",))


def forms() -> r.SelectionForms:
    return r.SelectionForms(header("双向选择确认表", state=""), "科员定岗", 2,
                            (r.SelectionFormRow("办公室", "张明"), r.SelectionFormRow("财务科", "王芳")))


def test_result_sheet_prints_every_name_and_office():
    data = result()
    pdf = render("双向选择结果", data)
    assert missing(pdf, ["办公室", "财务科", "法规科", "张明", "王芳", "李华", "赵一", "吴六", "周四", "钱二", "郑七",
                         "冯八", "保留原科室人员", "不轮岗", "事业人员补充第1轮", "领导组安排", "回原编制单位",
                         "补充人员少于核定人数", "计分人", "监督人", UNIT, CAMPAIGN]) == []
    assert font_problems(pdf) == []


def test_confirmation_form_is_blank_with_signature_columns():
    pdf = render("双向选择确认表", forms())
    assert missing(pdf, ["办公室", "财务科", "张明", "王芳", "科员定岗第2轮", "拟选人员", "科长签字", "本人签字",
                         "日期"]) == []
    assert font_problems(pdf) == []
    assert b"/Helvetica" not in pdf


def test_registered():
    assert SHEETS["双向选择结果"].data is r.SelectionSheet
    assert SHEETS["双向选择确认表"].data is r.SelectionForms


from tests.selection_setup import make_store  # noqa: E402  (shared set-up)


def test_result_from_a_store_lists_a_pick(tmp_path):
    store = make_store(tmp_path)
    selection.set_choice(store, "2003", "staff", ["P2"])
    selection.pick(store, 1, "P2", "2003")
    interim = sheet_data(store, "双向选择结果", printed="x")
    assert interim.header.draft                                  # not finished: a draft
    selection.pass_(store, 1, "P1")
    selection.close_round(store)
    selection.end_staff_phase(store)
    selection.pass_(store, 1, "P1")                              # 3001 declared nothing: no must-take
    selection.pass_(store, 1, "P2")
    selection.close_round(store)
    data = sheet_data(store, "双向选择结果", printed="x")
    assert not data.header.draft
    fin = {o.office: o for o in data.offices}
    assert [(p.name, p.how) for p in fin["财务科"].placed] == [("孙三", "科员定岗第1轮")]
    assert {p.name for p in data.to_leaders} == {"李华", "赵一", "钱二"} and [p.name for p in data.to_origin] == ["周四"]
    pdf = build_pdf(store, "双向选择结果", printed="x")
    assert missing(pdf, ["财务科", "办公室", "孙三", "科员定岗第1轮", "赵一", "周四"]) == []
    assert font_problems(pdf) == []
    blank = sheet_data(store, "双向选择确认表", printed="x", phase="事业人员补充", round_no=1)
    assert [(x.office, x.chief) for x in blank.rows] == [("办公室", "张明"), ("财务科", "王芳")]
    assert missing(build_pdf(store, "双向选择确认表", printed="x"), ["科员定岗第1轮", "办公室", "张明"]) == []
