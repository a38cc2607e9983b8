"""``python -m app report FILE.db --sheet 综合考评结果 --out X.pdf`` (app/cli_report.py)."""

from __future__ import annotations

import io
import json
import re

import pytest

from app import cli_report
from app.reports import SHEETS
from app.services import stages
from app.services.campaign_io import import_campaign
from app.services.store import STAGES, Store
from tests.conftest import DATA
from tests.reports import font_problems, missing, page_texts, squeeze


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "c.db"
    s = Store.create(path, title="2026年竞争轮岗", unit="某某局", supervisor_password="jd2026", operator="王敏")
    import_campaign(s, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    s.close()
    return str(path)


def publish_all(db: str) -> None:
    s = Store.open(db, operator="王敏")
    try:
        stages.publish_through(s, "assignment", "jd2026")      # every stage but 双向选择
    finally:
        s.close()


def run(*args: str, **kw):
    out, err = io.StringIO(), io.StringIO()
    code = cli_report.run_report(*args, stdout=out, stderr=err, **kw)
    return code, out.getvalue(), err.getvalue()


def test_composite_from_the_command_line(db, tmp_path):
    publish_all(db)
    target = tmp_path / "综合考评结果.pdf"
    code, out, err = run(db, "综合考评结果", str(target))
    assert (code, err) == (0, "")
    assert f"已生成 {target}" in out
    pdf = target.read_bytes()
    assert missing(pdf, ["张明", "办公室科长", "83.866", "某某局", "2026年竞争轮岗"]) == []
    assert font_problems(pdf) == []


def test_unpublished_is_refused_with_exit_2_unless_draft(db, tmp_path):
    target = tmp_path / "x.pdf"
    code, out, err = run(db, "综合考评结果", str(target))
    assert code == 2 and out == "" and "尚未公布" in err
    assert not target.exists()
    code, out, err = run(db, "综合考评结果", str(target), draft=True)
    assert code == 0 and "草稿（未公布）" in out
    assert all("草稿（未公布）" in squeeze(t) for t in page_texts(target.read_bytes()))


def test_unknown_sheet_missing_file_and_unwritable_output(db, tmp_path):
    assert run(db, "成绩单", str(tmp_path / "x.pdf"))[0] == 2
    code, _, err = run(str(tmp_path / "none.db"), "综合考评结果", str(tmp_path / "x.pdf"))
    assert code == 2 and "找不到文件" in err
    publish_all(db)
    code, _, err = run(db, "综合考评结果", str(tmp_path / "no-such-dir" / "x.pdf"))
    assert code == 2 and "无法写入" in err


def test_main_parses_the_options(db, tmp_path):
    publish_all(db)
    target = tmp_path / "a.pdf"
    assert cli_report.main([db, "--sheet", "拟任人选公示", "--out", str(target), "--start-date", "2026-03-02"]) == 0
    assert missing(target.read_bytes(), ["2026年3月2日至2026年3月8日（7天）"]) == []
    forms = tmp_path / "b.pdf"
    assert cli_report.main([db, "--sheet", "定岗推荐票", "--out", str(forms), "--copies", "1", "--unnumbered"]) == 0
    assert len(page_texts(forms.read_bytes())) == 2           # 4 small ballots, two to a sheet


def test_ballots_are_numbered_at_the_first_print_and_reprinted_from_the_stored_set(db, tmp_path):
    """SPEC §10: 7 局领导 ballots (5 present, 2 spare), 3 其他行政; random 6-digit numbers, each on one page;
    a second print reprints the same numbers; another 张数 for a group that has numbers is refused."""
    first, again = tmp_path / "first.pdf", tmp_path / "again.pdf"
    argv = [db, "--sheet", "定岗推荐票", "--printed", "局领导=7,其他行政=3"]
    assert cli_report.main([*argv, "--out", str(first)]) == 0
    numbers = re.findall(r"票号：(\d{6})", squeeze("".join(page_texts(first.read_bytes()))))
    assert len(numbers) == 10 and len(set(numbers)) == 10
    assert cli_report.main([*argv, "--out", str(again)]) == 0
    reprinted = re.findall(r"票号：(\d{6})", squeeze("".join(page_texts(again.read_bytes()))))
    assert sorted(reprinted) == sorted(numbers)
    code, _, err = run(db, "定岗推荐票", str(tmp_path / "x.pdf"), print_counts={"leaders": 8})
    assert code == 2 and "局领导已印制 7 张选票（票号已保存），重印只能按原票号印 7 张" in err


@pytest.mark.parametrize("argv", [["--sheet", "成绩单"], ["--sheet", "综合考评结果", "--start-date", "3月2日"],
                                  ["--sheet", "评委评分表", "--copies", "0"]])
def test_bad_arguments_exit_2(db, argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli_report.main([db, "--out", "x.pdf", *argv])
    assert exc.value.code == 2


def test_help_lists_every_sheet_by_its_chinese_title(capsys):
    with pytest.raises(SystemExit) as exc:
        cli_report.main(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for title in SHEETS:
        assert title in text


def test_registered_on_python_dash_m_app_when_main_has_it(db, tmp_path):
    # app/__main__.py gains the ``report`` sub-command through cli_report.add_report_parser.
    from app import __main__ as entry
    parser = entry.build_parser()
    choices = next((a.choices for a in parser._subparsers._group_actions), {})  # noqa: SLF001
    if "report" not in choices:
        pytest.skip("app/__main__.py does not register the report sub-command yet")
    publish_all(db)
    target = tmp_path / "c.pdf"
    assert entry.main(["report", db, "--sheet", "综合考评结果", "--out", str(target)]) == 0
    assert missing(target.read_bytes(), ["83.866"]) == []


def test_confirmation_form_phase_and_round_from_the_command_line(db, tmp_path):
    publish_all(db)
    target = tmp_path / "确认表.pdf"
    parser = cli_report.build_parser()
    args = parser.parse_args([db, "--sheet", "双向选择确认表", "--out", str(target), "--phase", "事业人员补充",
                              "--round", "2"])
    assert (args.phase, args.round_no) == ("事业人员补充", 2)
    code, _, err = run(db, "双向选择确认表", str(target), phase=args.phase, round_no=args.round_no)
    assert (code, err) == (0, "")
    assert missing(target.read_bytes(), ["事业人员补充第2轮"]) == []
    with pytest.raises(SystemExit):
        parser.parse_args([db, "--sheet", "双向选择确认表", "--out", str(target), "--phase", "科长"])
