"""§十五 科员定岗 / §十六 事业人员补充 — two-way selection (SPEC §6)."""

import random

import pytest

from app.core.selection import (BUSINESS, HOW_KEEP, HOW_LEADERS, HOW_ORIGIN, HOW_PICK, RULE_15_3, RULE_HEADCOUNT,
                                RULE_KEEP_15, RULE_MUST_16, RULE_ONE_PER_ROUND, RULE_PHASE_15, RULE_PHASE_16, STAFF,
                                Office, Person, Placement, apply_pass, apply_pick, close_problems, close_round,
                                end_staff_phase, finish, pass_problems, pick_problems, start)

OFFICES = [Office("办公室", "K1", 2), Office("财务科", "K2", 2)]


def s(pid, former, *declared, **kw):
    return Person(pid, STAFF, former, tuple(declared), **kw)


def b(pid, former, *declared, **kw):
    return Person(pid, BUSINESS, former, tuple(declared), **kw)


def test_declined_and_no_rotation_are_seated_first_and_never_in_rounds():
    st = start(OFFICES, [s("D", "财务科", "办公室", declined=True, leaders_office="办公室"),
                         s("N", "办公室", no_rotation=True),
                         s("E", "财务科", "财务科", declined=True)])
    assert st.placements == (Placement("办公室", "D", STAFF, 0, HOW_LEADERS),
                             Placement("办公室", "N", STAFF, 0, HOW_ORIGIN))
    problems = pick_problems(st, 1, "财务科", "E")
    assert len(problems) == 1 and "第十五条（一）" in problems[0]
    # 办公室 is full (2 of 2: origin + leaders count against 核定人数), so it need not act
    assert close_problems(st) == ["第1轮尚未选择或放弃：财务科"]
    st = close_round(apply_pass(st, 1, "财务科"))
    out = finish(end_staff_phase(st))
    assert out.to_leaders == ("E",)          # declined without a decision → 领导组
    assert out.office_of("D") == "办公室"
    assert all(a.person not in ("D", "N", "E") for a in st.log)


def test_pick_of_someone_who_did_not_declare_that_office_is_refused():
    st = start(OFFICES, [s("A", "办公室", "办公室")])
    assert pick_problems(st, 1, "财务科", "A") == [f"A 未申报 财务科：{RULE_15_3}"]
    with pytest.raises(ValueError, match="只能选择申报本科室的人员"):
        apply_pick(st, 1, "财务科", "A")


def test_two_picks_by_one_office_in_one_round_are_refused():
    st = start(OFFICES, [s("A", None, "财务科"), s("B", None, "财务科")])
    st = apply_pick(st, 1, "财务科", "A")
    assert pick_problems(st, 1, "财务科", "B") == [f"财务科 本轮已选择 A，{RULE_ONE_PER_ROUND}"]
    assert pick_problems(st, 1, "财务科", "A") == [f"财务科 本轮已选择 A，{RULE_ONE_PER_ROUND}", "A 已在 财务科 定岗"]
    st2 = apply_pass(st, 1, "办公室")
    assert pass_problems(st2, 1, "办公室") == [f"办公室 本轮已放弃，{RULE_ONE_PER_ROUND}"]
    st3 = close_round(st2)
    assert st3.round_no == 2
    assert pick_problems(st3, 2, "财务科", "B") == []
    assert pick_problems(st3, 1, "财务科", "B") == ["轮次：只能在当前轮次选择（当前第2轮，不是第1轮）"]


def test_round_closes_only_when_every_office_picked_or_passed():
    st = start(OFFICES, [s("A", None, "财务科")])
    assert close_problems(st) == ["第1轮尚未选择或放弃：办公室、财务科"]
    st = apply_pick(st, 1, "财务科", "A")
    assert close_problems(st) == ["第1轮尚未选择或放弃：办公室"]
    with pytest.raises(ValueError, match="办公室"):
        close_round(st)
    st = apply_pass(st, 1, "办公室")
    assert close_problems(st) == []
    assert close_round(st).round_no == 2


def test_office_at_headcount_refuses_one_more():
    offices = [Office("财务科", "K2", 1)]
    st = start(offices, [s("A", None, "财务科"), s("B", None, "财务科")])
    st = close_round(apply_pick(st, 1, "财务科", "A"))
    assert pick_problems(st, 2, "财务科", "B") == [f"财务科 已有 1 人，{RULE_HEADCOUNT}（1 人）"]
    assert close_problems(st) == []   # a full office needs neither pick nor pass


def test_second_keep_refused():
    st = start(OFFICES, [s("A", "财务科", "财务科"), s("B", "财务科", "财务科")])
    st = close_round(apply_pass(apply_pick(st, 1, "财务科", "A"), 1, "办公室"))
    assert st.placements == (Placement("财务科", "A", STAFF, 1, HOW_KEEP),)
    assert pick_problems(st, 2, "财务科", "B") == [f"财务科 已保留一名原工作人员：{RULE_KEEP_15}"]


def test_phases_business_after_staff_closed():
    st = start(OFFICES, [s("A", None, "财务科"), b("X", None, "财务科")])
    assert pick_problems(st, 1, "财务科", "X") == [f"X 是事业人员：{RULE_PHASE_16}"]
    st = apply_pick(st, 1, "财务科", "A")
    with pytest.raises(ValueError, match="须先结束本轮"):
        end_staff_phase(st)
    st = end_staff_phase(close_round(apply_pass(st, 1, "办公室")))
    assert st.phase == BUSINESS and st.round_no == 1
    assert pick_problems(st, 1, "办公室", "A") == [f"A 是科员：{RULE_PHASE_15}", "A 已在 财务科 定岗",
                                                 "A 未申报 办公室：第十五条（三）：只能选择申报本科室的人员"]
    assert pick_problems(st, 1, "财务科", "X") == []


def test_office_that_kept_no_former_staff_must_take_a_former_business_person():
    persons = [s("A", "财务科", "办公室"),            # former 财务科 科员, goes to 办公室
               b("X", "财务科", "财务科"),            # former 财务科 事业
               b("Y", "办公室", "财务科")]
    st = start(OFFICES, persons)
    st = apply_pick(st, 1, "办公室", "A")
    st = end_staff_phase(close_round(apply_pass(st, 1, "财务科")))
    assert pick_problems(st, 1, "财务科", "Y") == [f"财务科 须先选择 X 之一：{RULE_MUST_16}"]
    assert pass_problems(st, 1, "财务科") == [f"财务科 不可放弃，须选择 X 之一：{RULE_MUST_16}"]
    st = apply_pick(st, 1, "财务科", "X")
    st = close_round(apply_pass(st, 1, "办公室"))
    assert pick_problems(st, 2, "财务科", "Y") == []      # the rule is met
    st = close_round(apply_pass(apply_pass(st, 2, "财务科"), 2, "办公室"))
    out = finish(st)
    assert out.placements == (Placement("办公室", "A", STAFF, 1, HOW_PICK),
                              Placement("财务科", "X", BUSINESS, 1, HOW_KEEP))
    assert out.to_origin == ("Y",)
    assert out.to_leaders == ()
    assert out.short == (("办公室", 1), ("财务科", 1))    # 事业 may leave an office short
    # 办公室 kept no 行政 staff and its former 事业 Y never declared it: listed for the 领导组
    assert out.unmet == ("办公室",)


def test_rule_not_binding_when_former_staff_kept_and_unmet_reported():
    persons = [s("A", "财务科", "财务科"), b("X", "财务科", "财务科"), b("Y", "办公室", "财务科", "办公室")]
    st = start(OFFICES, persons)
    st = apply_pick(apply_pass(st, 1, "办公室"), 1, "财务科", "A")
    st = end_staff_phase(close_round(st))
    assert pick_problems(st, 1, "财务科", "Y") == []           # 财务科 kept A
    # 办公室 kept no 行政 staff and its former 事业 Y declared it: 办公室 must take Y
    assert pick_problems(st, 1, "办公室", "X") == ["X 未申报 办公室：第十六条（三）：只能选择申报本科室的事业人员",
                                                 f"办公室 须先选择 Y 之一：{RULE_MUST_16}"]
    st = apply_pick(st, 1, "财务科", "Y")      # 财务科 takes Y: 办公室 can no longer meet the rule
    assert pass_problems(st, 1, "办公室") == []
    out = finish(close_round(apply_pass(st, 1, "办公室")))
    assert out.unmet == ("办公室",)
    assert out.to_origin == ("X",)


def test_leftovers_go_to_leaders_and_origin_unit():
    st = start(OFFICES, [s("A", None, "办公室"), s("B", None), b("X", None, "财务科"), b("Z", None)])
    st = end_staff_phase(close_round(apply_pass(apply_pass(st, 1, "办公室"), 1, "财务科")))
    out = finish(close_round(apply_pass(apply_pass(st, 1, "办公室"), 1, "财务科")))
    assert out.placements == ()
    assert out.to_leaders == ("A", "B")       # §十五(六) 领导组安排
    assert out.to_origin == ("X", "Z")        # §十六(七) 回原编制单位


def _run(offices, persons, script):
    """script: per phase, per round, a dict office → person | None; applied in dict order."""
    st = start(offices, persons)
    for phase_no, rounds in enumerate(script):
        if phase_no == 1:
            st = end_staff_phase(st)
        for r, actions in enumerate(rounds, start=1):
            for office, person in actions:
                st = apply_pass(st, r, office) if person is None else apply_pick(st, r, office, person)
            st = close_round(st)
    return finish(st)


def test_finish_is_independent_of_input_and_action_order():
    offices = [Office("办公室", "K1", 2), Office("财务科", "K2", 2), Office("人事科", "K3", 1)]
    persons = [s("A", "财务科", "财务科", "办公室"), s("B", "办公室", "人事科"), s("C", None, "办公室"),
               s("N", "人事科", no_rotation=True),
               b("X", "办公室", "办公室"), b("Y", "财务科", "财务科", "办公室"), b("Z", None, "财务科")]
    script = [[[("办公室", "C"), ("财务科", "A"), ("人事科", None)]],   # 人事科 is full (N): may still pass
              [[("办公室", "X"), ("财务科", "Z")], [("办公室", None), ("财务科", None)]]]
    expected = _run(offices, persons, script)
    assert expected.placements == (Placement("人事科", "N", STAFF, 0, HOW_ORIGIN),
                                   Placement("办公室", "C", STAFF, 1, HOW_PICK),
                                   Placement("办公室", "X", BUSINESS, 1, HOW_KEEP),
                                   Placement("财务科", "A", STAFF, 1, HOW_KEEP),
                                   Placement("财务科", "Z", BUSINESS, 1, HOW_PICK))
    assert expected.to_leaders == ("B",)
    assert expected.to_origin == ("Y",)
    assert expected.short == ()
    rng = random.Random(1)
    for _ in range(20):
        o, p = offices[:], persons[:]
        rng.shuffle(o)
        rng.shuffle(p)
        shuffled = [[rng.sample(actions, len(actions)) for actions in rounds] for rounds in script]
        assert _run(o, p, shuffled) == expected
