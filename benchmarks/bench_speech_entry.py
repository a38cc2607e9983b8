"""Benchmark (not a test): from a typed 竞岗演讲 score to the updated trimmed mean on screen.

Builds the 竞岗演讲评分 tab on the demo campaign (300 people, 30 posts, 25 judges → 100 speakers),
then, ``--runs`` times (default 50), on a different speaker each time:

  t0 → ``model.setData(index, "88.5")`` (the service writes the score, logged, committed)
     → events processed until the row's 得分 cell shows the new trimmed mean *and* the results
       part of the grid has repainted → t1

and prints the median and 95th percentile of t1 − t0, and how much of it was the service's write
(``scores.set_speech_score``: one SQLite transaction with the audit log, synchronous=FULL) and how
much the screen (model update + repaint). Goal: under 16 ms (one frame at 60 Hz).

    python benchmarks/bench_speech_entry.py [--runs 50] [--people 300] [--posts 30]
"""

from __future__ import annotations

import argparse
from decimal import Decimal
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from app.core.scoring import trimmed_mean  # noqa: E402
from app.services import scores  # noqa: E402
from app.services.demo import create_demo_store  # noqa: E402
from app.ui.app import configure_application  # noqa: E402
from app.ui.table import score_text  # noqa: E402
from app.ui.tabs.speech import SpeechTab  # noqa: E402
from app.ui.workbench import Workbench  # noqa: E402
from benchmarks.common import median_p95, paint_spy, spread, summary, timed  # noqa: E402

GOAL_MS = 16.0


def expected_mean(model, row: int) -> str:
    r = model.row_at(row)
    values = [Decimal(r.cells[j.id].value) for j in model.judges() if j.id in r.cells]
    return score_text(trimmed_mean(values, model.trim).mean) if len(values) >= 2 * model.trim + 1 else ""


def measure(runs: int = 50, people: int = 300, posts: int = 30) -> dict:
    """The figures as data: per entry the whole (``total``), the service's write (``service``) and the
    screen (``screen`` = total − write), in ms; ``missed`` = entries that never showed the expected mean."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    with tempfile.TemporaryDirectory() as tmp:
        store = create_demo_store(Path(tmp) / "bench.db", operator="基准测试", people=people, posts=posts)
        try:
            bench = Workbench(store)
            tab = SpeechTab(bench)
            tab.resize(1330, 560)
            tab.show()
            app.processEvents()
            model = tab.model
            spy = paint_spy(tab.summary.viewport())
            rows = model.rowCount()
            times, service, missed = [], [], 0
            real_set = timed(scores, "set_speech_score", service)   # the model looks it up at each entry
            try:
                for i in range(runs):
                    row, col = i % rows, model.FIRST_JUDGE + (i // rows) % len(model.judges())
                    index = model.index(row, col)
                    value = "88.6" if index.data() == "88.5" else "88.5"
                    tab.view.setCurrentIndex(index)
                    tab.summary.scrollTo(model.index(row, model.col_mean))
                    app.processEvents()
                    spy.painted = False
                    t0 = time.perf_counter()
                    if not model.setData(index, value):
                        raise SystemExit(f"setData refused at row {row}")
                    mean_index = model.index(row, model.col_mean)
                    deadline = t0 + 1.0
                    while not (spy.painted and mean_index.data() == expected_mean(model, row)):
                        app.processEvents()
                        if time.perf_counter() > deadline:
                            missed += 1
                            break
                    times.append((time.perf_counter() - t0) * 1000.0)
            finally:
                scores.set_speech_score = real_set
            judges = len(model.judges())
            tab.close()
        finally:
            store.close()
    return {"people": people, "posts": posts, "speakers": rows, "judges": judges, "platform": app.platformName(),
            "total": times, "service": service, "screen": [t - s for t, s in zip(times, service)], "missed": missed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--posts", type=int, default=30)
    args = parser.parse_args(argv)

    f = measure(args.runs, args.people, args.posts)
    times = summary(f["total"])
    median, high = times["median"], times["p95"]
    print(f"竞岗演讲评分: typed score → trimmed mean on screen   ({platform.python_implementation()} "
          f"{platform.python_version()}, Qt platform {f['platform']})")
    print(f"  demo: {args.people} people, {args.posts} posts, {f['speakers']} speakers × {f['judges']} judges; "
          f"{times['n']} entries")
    print(f"  {spread(f['total'])}")
    print(f"  of which the service write: {median_p95(f['service'])}")
    print(f"  of which the screen:        {median_p95(f['screen'])}")
    print(f"  goal   {GOAL_MS:6.2f} ms:  median {'met' if median < GOAL_MS else 'NOT met'}, "
          f"p95 {'met' if high < GOAL_MS else 'NOT met'}"
          + (f"; {f['missed']} entries never showed the expected mean" if f["missed"] else ""))
    sys.stdout.flush()
    return 0 if not f["missed"] else 1


if __name__ == "__main__":
    code = main()
    # PySide6 6.12.0 on CPython 3.11 drops a reference to True on every Signal.emit(); after a few
    # hundred emits the interpreter aborts while finalising (bool_dealloc). Leave without finalising
    # so the exit code reports the benchmark, not that bug (see the report of issue 4).
    os._exit(code)
