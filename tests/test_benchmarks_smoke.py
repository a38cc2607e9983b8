"""The benchmark runner (``python -m benchmarks``) on a tiny run: every benchmark runs, every row of the
table is there, and the text and Markdown reports have the table's columns. No timing is checked."""

import pytest

from benchmarks import runner


@pytest.fixture(scope="module")
def tiny():
    outcomes = runner.run_all("tiny", jobs=2)     # tiny workloads, two at a time: the plumbing, not the speed
    return outcomes, runner.build_rows(outcomes)


def test_every_benchmark_runs_and_gives_its_rows(tiny):
    outcomes, rows = tiny
    assert [o.name for o in outcomes] == list(runner.MODULES)
    assert [o.name for o in outcomes if o.figures is None] == [], [o.error for o in outcomes if o.error]
    assert [r.key for r in rows] == [key for name in runner.MODULES for key in runner.ROW_KEYS[name]]
    for r in rows:
        # a limit row is one refusal in a fresh interpreter: its time and peak memory, not a median
        assert r.what and r.figure.startswith("median " if not r.key.startswith("limits_") else "") and not r.failed
        assert (r.met is None) == (r.goal.startswith("—")), r.key


def test_reports_carry_the_machine_and_the_table(tiny):
    _, rows = tiny
    info = runner.machine()
    for label in ("CPU", "cores", "RAM", "OS", "Python", "Qt", "SQLite", "date"):
        assert info[label]
    load = {"seconds": 60.0, "cpus": 2, "own": 1.0, "busy": 1.5, "others": 0.5, "steal": 0.0, "loadavg": (1.0, 1.2)}

    md = runner.markdown_report(rows, info, load, "tiny").splitlines()
    header = md.index("| what | figure | goal | met? |")
    table = md[header + 2: header + 2 + len(rows)]
    assert md[header + 1] == "|---|---|---|---|"
    assert all(line.startswith("| ") and line.count(" | ") == 3 for line in table)
    assert [line.split(" | ")[3].rstrip(" |") in ("yes", "**no**", "—") for line in table] == [True] * len(rows)
    assert f"| SQLite | {info['SQLite']} |" in md and any("other processes 0.50 CPUs" in x for x in md)

    text = runner.text_report(rows, info, None, "tiny")
    assert "what" in text and "met?" in text and all(r.what in text for r in rows)


def test_a_failed_benchmark_is_a_failed_row():
    failed = runner.Outcome("store", {}, None, 0.1, "Traceback …\nValueError: boom")
    rows = runner.build_rows([failed])
    assert [r.key for r in rows] == runner.ROW_KEYS["store"]
    assert {runner.met_text(r, True) for r in rows} == {"**failed**"}
    assert "ValueError: boom" in runner.markdown_report(rows, {}, None, "tiny")
