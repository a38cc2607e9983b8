"""Benchmark (not a test): 300 numbered 定岗推荐票 × 20 candidates keyed through the 定岗推荐计票 tab.

A campaign of 20 candidates (each declared one of 6 posts) and 300 voters (局领导 10, 其他行政编制人员
200, 事业单位负责人 50, 各县（市、区）局长 40), every group by paper ballots: numbers printed for those
present, 发出 typed, the 开票前确认单 sealed. Then, as the clerk does it, group by group (F1…F4), each
paper: its 6-digit number and Enter (what a USB scanner types), one key per candidate (1 同意 / 0 空白,
at random, or a post code now and then), Enter on the last one — QTest key events into the widgets
that have the focus, the events processed after every key, so the tab redraws as it does for a clerk.

Reported: the time per ballot the program adds (from the first key of the number to the last Enter,
all keys processed and the tab redrawn; a person's typing time is not in it), and its parts: the
number's check, the ballot's write (one transaction, audit rows, fsync), and the rest (keys, form,
the grid's redraw and paint). Also the process's CPU time per ballot: on a machine shared with other
work the wall time grows with the load, the CPU time much less. Keystrokes per ballot are counted too.
Goal: < 20 ms per ballot (median, wall).

    python benchmarks/bench_count_entry.py [--ballots 300] [--candidates 20]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.services import ballot_numbers, ballots, count  # noqa: E402
from app.services.ballot_checks import set_paper_count  # noqa: E402
from app.services.campaign_io import import_campaign  # noqa: E402
from app.services.store import Store  # noqa: E402
from app.ui.app import configure_application  # noqa: E402
from app.ui.tabs.recommendation import RecommendationTab  # noqa: E402
from app.ui.workbench import Workbench  # noqa: E402
from benchmarks.common import median_p95, spread, summary, timed  # noqa: E402

GOAL_MS = 20.0
GROUPS = (("leaders", 10), ("staff", 200), ("unit_heads", 50), ("county_chiefs", 40))
PASSWORD = "bench2026"


def campaign(candidates: int, voters: int, seed: int = 1) -> dict:
    r = random.Random(seed)
    posts = [{"id": f"P{k}", "name": f"第{k}科科长", "seats": 1} for k in range(1, 7)]
    people = [{"id": str(2001 + i), "name": f"候选人{i + 1}", "rank": "副科实职",
               "declarations": [[r.choice(posts)["id"]]]} for i in range(candidates)]
    total = sum(n for _, n in GROUPS)
    present = {g: max(1, n * voters // total) for g, n in GROUPS}
    return {"format": "jinggang-campaign/1", "title": "基准", "unit": "基准局", "posts": posts, "people": people,
            "recommendation": {"present": present, "counts": []}}


def measure(ballots_n: int = 300, candidates: int = 20, seed: int = 1) -> dict:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    r = random.Random(seed)
    doc = campaign(candidates, ballots_n, seed)
    present = doc["recommendation"]["present"]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "bench.db", title="基准", unit="基准局", supervisor_password=PASSWORD,
                             operator="基准测试")
        try:
            import_campaign(store, doc)
            run = ballot_numbers.print_run(store, dict(present)).result
            for g, n in present.items():
                set_paper_count(store, g, "issued", n)
            count.open_count(store, PASSWORD, digest=count.opening_figures(store).digest)
            numbers: dict[str, list[str]] = {}
            for g, n in run.ballots:
                numbers.setdefault(g, []).append(n)

            bench = Workbench(store, poll_ms=0)
            tab = RecommendationTab(bench)
            tab.resize(1366, 700)
            tab.show()
            tab.activateWindow()
            app.processEvents()
            panel = tab.ballot_panel
            checks, writes = [], []
            real_check = timed(ballot_numbers, "check_number", checks)
            real_save = timed(ballots, "save_ballot", writes)
            times, cpu, keys = [], [], []
            try:
                for gi, (group, _) in enumerate(GROUPS):
                    QTest.keyClick(panel.number_edit, getattr(Qt.Key, f"Key_F{gi + 1}"))
                    app.processEvents()
                    for number in numbers[group][:present[group]]:
                        marks = "".join(r.choice("1100") for _ in range(candidates))
                        t0, c0 = time.perf_counter(), time.process_time()
                        for ch in number:
                            QTest.keyClick(QApplication.focusWidget() or panel.number_edit, ch)
                        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
                        app.processEvents()
                        for ch in marks:
                            QTest.keyClick(QApplication.focusWidget(), ch)
                        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
                        app.processEvents()
                        times.append((time.perf_counter() - t0) * 1000.0)
                        cpu.append((time.process_time() - c0) * 1000.0)
                        keys.append(len(number) + 1 + len(marks) + 1)
                        if not panel.status.text().startswith("✓"):
                            raise SystemExit(f"ballot {number} not saved: {panel.status.text()}")
            finally:
                ballot_numbers.check_number = real_check
                ballots.save_ballot = real_save
            entered = count.accounting(store).groups
            saved = sum(a.entered for a in entered.values())
            tab.close()
        finally:
            store.close()
    rest = [t - c - w for t, c, w in zip(times, checks, writes)]
    return {"ballots": len(times), "saved": saved, "candidates": candidates, "platform": app.platformName(),
            "total": times, "cpu": cpu, "check": checks, "write": writes, "rest": rest, "keys": keys}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=300)
    parser.add_argument("--candidates", type=int, default=20)
    args = parser.parse_args(argv)
    f = measure(args.ballots, args.candidates)
    t = summary(f["total"])
    print(f"定岗推荐计票: {f['ballots']} numbered ballots × {f['candidates']} candidates keyed through the tab "
          f"(Qt platform {f['platform']}); {f['saved']} saved")
    print(f"  per ballot, what the program adds: {spread(f['total'])}")
    print(f"  of which the number's check: {median_p95(f['check'])}; the ballot's write: {median_p95(f['write'])}; "
          f"keys, form and the tab's redraw: {median_p95(f['rest'])}")
    print(f"  CPU time of the program per ballot: {median_p95(f['cpu'])}")
    print(f"  keystrokes per ballot: {min(f['keys'])}–{max(f['keys'])} (6 digits + Enter + one per candidate + Enter)")
    print(f"  goal {GOAL_MS:.0f} ms: median {'met' if t['median'] < GOAL_MS else 'NOT met'}")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    code = main()
    os._exit(code)        # see bench_speech_entry.py: PySide6's finalisation bug
