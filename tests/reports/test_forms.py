"""The meeting forms work as paper: 定岗推荐票 (codes on the first page, pages numbered within each
ballot, no page holding only the post list, the §3 rules one sentence each), 满意度/民主测评票 (编号,
who is not rated and why, no nearly empty second page), 评委评分表 (numbered per judge, signed on every
page), 双向选择确认表 (编号 and name, who declared each 科室), 抽签记录 in plain words."""

from __future__ import annotations

from dataclasses import replace

from app.reports import data as d, render
from app.reports import selection as sel
from tests.reports import missing, page_texts, squeeze
from tests.reports.test_sheets import SAMPLES, header

POSTS = tuple((f"P{i:02d}", f"第{i}科科长") for i in range(1, 31))


def big_ballot(candidates: int = 120, copies=(("局领导", 2), ("其他行政编制人员", 1))) -> d.BallotForms:
    rows = tuple(d.FormCandidate(i, str(1000 + i), f"候选{i}", posts=(POSTS[i % 30][1],), codes=(POSTS[i % 30][0],))
                 for i in range(1, candidates + 1))
    return d.BallotForms(header("定岗推荐票", state=""), copies, rows, POSTS)


def test_ballot_pages_are_numbered_within_each_ballot_and_codes_come_first():
    texts = [squeeze(t) for t in page_texts(render("定岗推荐票", big_ballot()))]
    per = sum(1 for t in texts if "票号：0001" in t or "局领导0001" in t)
    assert per > 1 and len(texts) == 3 * per
    for b in range(3):
        pages = texts[b * per:(b + 1) * per]
        assert [f"第{k}页共{per}页" in t for k, t in enumerate(pages, start=1)] == [True] * per
        assert "岗位代码表" in pages[0] and "P30第30科科长" in pages[0]        # every code on the first page
        assert not any("岗位代码表" in t for t in pages[1:])
    assert all("候选" in t for t in texts)                                     # no page holds only the list


def test_ballot_rules_say_what_happens_when_both_declared_posts_are_ticked():
    text = squeeze("".join(page_texts(render("定岗推荐票", SAMPLES["定岗推荐票"]()))))
    for rule in ("两个岗位都划“√”的，本票对此人无效", "既划“√”又填写建议岗位的，本票对此人无效",
                 "建议岗位填写此人已申报的岗位，或填写两个以上岗位的，本票对此人无效", "视为弃权",
                 "计入本组实际到会人数"):
        assert rule in text


def test_a_ballot_takes_a_given_number_and_code():
    data = replace(SAMPLES["定岗推荐票"](), ballots=(d.Ballot("局领导", "583920", "JG|竞岗|局领导|583920"),))
    texts = page_texts(render("定岗推荐票", data))
    assert len(texts) == 1 and "票号：583920" in squeeze(texts[0])


def test_rating_forms_have_the_number_column_and_say_who_is_not_rated():
    data = replace(SAMPLES["满意度测评票"](), unrated=(d.Unrated("1009", "孙九", "未报岗，不是原任科长，不参加述职述廉测评"),))
    text = squeeze("".join(page_texts(render("满意度测评票", data))))
    assert "编号" in text and "1001" in text and "1002" in text
    assert "另有1人未报岗，不是原任科长，不参加述职述廉测评，未列入本票" in text


def test_a_rating_form_of_sixty_people_leaves_no_page_with_a_few_rows():
    rows = tuple(d.FormCandidate(i, str(1000 + i), f"人员{i}", "办公室　科员") for i in range(1, 61))
    for title in ("满意度测评票", "民主测评票"):
        data = replace(SAMPLES[title](), rows=rows, copies=1)
        texts = page_texts(render(title, data))
        counts = [squeeze(t).count("人员") for t in texts]
        assert sum(counts) == 60
        assert min(counts) >= 10 or len(texts) == 1, counts


def test_judge_forms_are_numbered_per_judge_and_signed_on_every_page():
    rows = tuple(d.FormCandidate(i, str(1000 + i), f"候选{i}", "办公室科长") for i in range(1, 41))
    data = replace(SAMPLES["评委评分表"](), rows=rows, judges=("评委1", "评委2", "评委3"))
    texts = [squeeze(t) for t in page_texts(render("评委评分表", data))]
    per = len(texts) // 3
    assert per >= 2 and len(texts) == 3 * per
    for j in range(3):
        pages = texts[j * per:(j + 1) * per]
        assert all(f"评委{j + 1}" in t for t in pages)
        assert [f"第{k}页共{per}页" in t for k, t in enumerate(pages, start=1)] == [True] * per
        assert all("评委签名" in t for t in pages)


def test_selection_form_prints_the_chief_number_and_who_declared_each_office():
    forms = SAMPLES["双向选择确认表"]()
    rows = (replace(forms.rows[0], chief_id="1001", declared=(("2001", "赵一"), ("2002", "钱二"))),) + forms.rows[1:]
    text = squeeze("".join(page_texts(render("双向选择确认表", replace(forms, rows=rows)))))
    assert "张明（1001）" in text and "2001赵一、2002钱二" in text
    assert "编号、姓名" in text


def test_the_draw_record_says_how_to_recompute_in_plain_words():
    text = squeeze("".join(page_texts(render("抽签记录", SAMPLES["抽签记录"]()))))
    assert "SPEC" not in text
    assert isinstance(sel.SelectionFormRow("办公室", "张明").declared, tuple)
