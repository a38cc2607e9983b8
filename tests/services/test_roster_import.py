"""人员名单 import as the clerk meets it (issue 13): required columns, columns not read, 合计 rows, office 职级
words mapped once per campaign, a re-import matched to the people stored and previewed, stored in one
transaction, undone in one step — or refused naming who changed what since."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from app.core.roster import RosterPerson
from app.services.roster import list_people, save_person
from app.services.roster_import import (RankWordsNeeded, apply_roster_import, plan_roster_import, rank_words,
                                        save_rank_words)
from app.services.roster_import_undo import imports, undo_roster_import
from app.services.declarations import set_declaration
from app.services.roster import save_post
from app.services.store import ConflictError, Store, StoreError

from .conftest import new_store

HEADER = ["编号", "姓名", "性别", "出生年月", "职级", "类别", "考试"]
ROWS = [["1001", "张明", "男", "1975.03", "正科实职", "原任科长", 82.5],
        ["1002", "李华", "女", "1988.10", "科员", "行政一般", None],
        ["1003", "王芳", "女", "1990.01", "副科实职", "拟竞争科长", 90]]


def sheet(tmp_path, rows, header=HEADER, name="名单.xlsx", extra=()):
    wb = Workbook()
    ws = wb.active
    ws.title = "人员名单"
    ws.append(["2026年竞争轮岗人员名单"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    for row in extra:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


@pytest.fixture
def store(tmp_path):
    s = new_store(tmp_path / "c.db")
    yield s
    s.close()


def people(store):
    return {p.id: p for p, _ in list_people(store)}


def imported(store, path):
    return apply_roster_import(store, plan_roster_import(store, path))


# --- reading ------------------------------------------------------------------------------------

def test_a_sheet_without_the_required_类别_column_is_refused_and_stores_nothing(store, tmp_path):
    path = sheet(tmp_path, [r[:5] + r[6:] for r in ROWS], header=["编号", "姓名", "性别", "出生年月", "职级", "考试"])
    with pytest.raises(StoreError) as err:
        plan_roster_import(store, path)
    assert "缺少“类别”列（必填：原任科长、拟竞争科长、行政一般、事业人员 之一）" in str(err.value)
    assert people(store) == {}


def test_columns_not_read_and_a_trailing_合计_row_are_said_in_the_summary(store, tmp_path):
    header = HEADER + ["编制", "现任职务", "序号"]
    rows = [r + ["行政", "科长", i] for i, r in enumerate(ROWS, start=1)]
    path = sheet(tmp_path, rows, header=header, extra=[["合计", "共3人"]])
    plan = plan_roster_import(store, path)
    assert len(plan.added) == 3
    assert "以下列未导入（程序不读取）：H（编制）、I（现任职务）" in plan.notes
    assert "第6行“合计 共3人”是合计行，未导入（与读到的 3 人一致）" in plan.notes


def test_a_合计_row_that_counts_differently_is_flagged(store, tmp_path):
    path = sheet(tmp_path, ROWS, extra=[["共 4 人"]])
    [note] = plan_roster_import(store, path).notes
    assert note == "第6行“共4人”是合计行，未导入（表中写 4 人，读到 3 人，请核对）"


def test_office_rank_words_are_asked_for_once_and_remembered_per_campaign(store, tmp_path):
    rows = [["1001", "张明", "男", "1975.03", "正科级", "原任科长", 82.5],
            ["1002", "李华", "女", "1988.10", "四级主任科员", "行政一般", None],
            ["1003", "王芳", "女", "1990.01", "四级主任科员", "拟竞争科长", 90]]
    path = sheet(tmp_path, rows)
    with pytest.raises(RankWordsNeeded) as err:
        plan_roster_import(store, path)
    assert err.value.words == {"正科级": (3,), "四级主任科员": (4, 5)}
    assert people(store) == {}
    save_rank_words(store, {"正科级": "正科实职", "四级主任科员": "副科虚职"})
    assert rank_words(store) == {"正科级": "正科实职", "四级主任科员": "副科虚职"}
    plan = plan_roster_import(store, path)
    assert "职级按本竞岗保存的对应导入：正科级 → 正科实职，四级主任科员 → 副科虚职" in plan.notes
    apply_roster_import(store, plan)
    assert [p.rank for p in people(store).values()] == ["正科实职", "副科虚职", "副科虚职"]


def test_a_rank_word_maps_only_to_a_rank_of_the_scheme(store):
    with pytest.raises(StoreError):
        save_rank_words(store, {"正科级": "正处"})
    assert rank_words(store) == {}


# --- matching a re-import -----------------------------------------------------------------------

def test_a_reimport_with_new_numbers_matches_by_name_and_birth_month_instead_of_doubling(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    renumbered = [["A" + r[0]] + r[1:] for r in ROWS]
    renumbered[2][6] = 91                                   # 王芳's exam changed
    plan = plan_roster_import(store, sheet(tmp_path, renumbered, name="新编号.xlsx"))
    assert plan.added == ()
    assert [(c.person.id, c.sheet_id, c.matched_by) for c in plan.changed] == [("1003", "A1003", "姓名+出生年月")]
    assert [(f.label, f.old, f.new) for f in plan.changed[0].changes] == [("考试", "90", "91")]
    assert len(plan.unchanged) == 2
    assert any("沿用名单中的编号" in n for n in plan.notes)
    apply_roster_import(store, plan)
    assert sorted(people(store)) == ["1001", "1002", "1003"] and people(store)["1003"].exam == Decimal("91")


def test_the_preview_says_what_is_added_changed_and_left(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    rows = [["1001", "张明", "男", "1975.03", "正科实职", "原任科长", 82.5],        # unchanged
            ["1002", "李华", "女", "1988.10", "科员", "事业人员", None],            # 类别 changed
            ["1004", "赵六", "男", "1980.05", "科员", "行政一般", None]]            # new; 王芳 not on the sheet
    plan = plan_roster_import(store, sheet(tmp_path, rows, name="第二版.xlsx"))
    assert [p.id for p in plan.added] == ["1004"]
    assert [(c.person.id, [(f.label, f.old, f.new) for f in c.changes]) for c in plan.changed] == \
        [("1002", [("类别", "行政一般", "事业人员")])]
    assert [c.person.id for c in plan.unchanged] == ["1001"]
    assert plan.kept == (("1003", "王芳"),)
    assert plan.summary() == "新增 1 人，修改 1 人，不变 1 人，名单中另有 1 人表中没有（保留不动）"
    assert people(store)["1002"].category == "行政一般"        # a preview stores nothing


def test_a_column_the_sheet_lacks_leaves_the_stored_values_alone(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    short = [[r[0], r[1], r[4], r[5]] for r in ROWS]            # no 性别, 出生年月, 考试
    plan = plan_roster_import(store, sheet(tmp_path, short, header=["编号", "姓名", "职级", "类别"], name="短.xlsx"))
    assert plan.changed == () and len(plan.unchanged) == 3 and plan.nothing_to_do
    assert people(store)["1001"].gender == "男" and people(store)["1001"].exam == Decimal("82.5")


def test_two_people_of_the_same_name_and_birth_month_cannot_be_told_apart(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS + [["1009", "张明", "男", "1975.03", "科员", "行政一般", None]]))
    with pytest.raises(StoreError) as err:
        plan_roster_import(store, sheet(tmp_path, [["X1", "张明", "男", "1975.03", "科员", "行政一般", None]], name="x.xlsx"))
    assert "名单中有 2 人姓名、出生年月都相同" in str(err.value)


def test_a_roster_changed_after_the_preview_is_not_overwritten(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    rows = [r[:] for r in ROWS]
    rows[1][5] = "事业人员"
    plan = plan_roster_import(store, sheet(tmp_path, rows, name="改.xlsx"))
    other = Store.open(store.location, operator="李强")
    try:
        save_person(other, RosterPerson("1001", "张明", rank="正科实职", category="原任科长", gender="男", birth="1975-03",
                                        education="本科"))
    finally:
        other.close()
    with pytest.raises(ConflictError) as err:
        apply_roster_import(store, plan)
    assert "张明（1001）" in str(err.value) and "李强" in str(err.value)
    assert people(store)["1002"].category == "行政一般"


# --- undo ---------------------------------------------------------------------------------------

def test_a_whole_import_is_undone_in_one_step(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    before = {pid: p for pid, p in people(store).items()}
    rows = [r[:] for r in ROWS] + [["1004", "赵六", "男", "1980.05", "科员", "行政一般", 77]]
    rows[0][6] = 85
    wrote = imported(store, sheet(tmp_path, rows, name="第二版.xlsx"))
    assert people(store)["1001"].exam == Decimal("85") and "1004" in people(store)
    assert [r.file for r in imports(store)] == ["名单.xlsx", "第二版.xlsx"]
    undone = undo_roster_import(store, wrote.result)
    assert "第二版.xlsx" in undone.label
    assert people(store) == before
    assert [r.file for r in imports(store)] == ["名单.xlsx"]
    assert store.verify().ok
    undo_roster_import(store)                      # the first import too: the roster is empty again
    assert people(store) == {} and store.verify().ok
    with pytest.raises(StoreError):
        undo_roster_import(store)


def test_undo_is_refused_naming_who_changed_a_row_of_the_import_since(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    other = Store.open(store.location, operator="李强")
    try:
        save_person(other, RosterPerson("1002", "李华", rank="科员", category="事业人员", gender="女", birth="1988-10"))
    finally:
        other.close()
    with pytest.raises(ConflictError) as err:
        undo_roster_import(store)
    assert "李华（1002）：导入后李强" in str(err.value)
    assert len(people(store)) == 3


def test_undo_is_refused_when_a_person_it_added_has_declared_since(store, tmp_path):
    imported(store, sheet(tmp_path, ROWS))
    save_post(store, "P1", "办公室科长")
    set_declaration(store, "1001", 1, ["P1"])
    with pytest.raises(ConflictError) as err:
        undo_roster_import(store)
    assert "张明（1001）已有报岗记录" in str(err.value)
    assert len(people(store)) == 3


def test_1000_rows_are_stored_and_logged_so_that_verify_agrees(store, tmp_path):
    rows = [[f"{2000 + i}", f"人{i}", "男", "1980.01", "科员", "行政一般", 80] for i in range(1000)]
    wrote = imported(store, sheet(tmp_path, rows))
    assert len(people(store)) == 1000
    first, event = wrote.seq
    assert event - first == 2001       # 1,000 people, 1,000 考试 scores, the import event
    assert store.verify().ok


def test_import_and_undo_on_either_backend(store_target, create_store, tmp_path):
    """The bulk statements (the driver's executemany, Core updates) on SQLite and on PostgreSQL alike."""
    store = create_store(store_target)
    imported(store, sheet(tmp_path, ROWS))
    rows = [r[:] for r in ROWS] + [["1004", "赵六", "男", "1980.05", "科员", "行政一般", 77]]
    rows[0][6] = 85
    wrote = imported(store, sheet(tmp_path, rows, name="第二版.xlsx"))
    assert people(store)["1001"].exam == Decimal("85") and people(store)["1004"].exam == Decimal("77")
    assert store.verify().ok
    undo_roster_import(store, wrote.result)
    assert sorted(people(store)) == ["1001", "1002", "1003"] and people(store)["1001"].exam == Decimal("82.5")
    assert store.verify().ok
