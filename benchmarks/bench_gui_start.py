"""Benchmark (not a test): from starting the program to a usable main window on a 300-person campaign.

Each run is a fresh interpreter (``python -c``): it imports the program, opens the campaign file,
builds the main window with all eight tabs, shows it and processes events until the first tab is
drawn; the figure is the wall time from just before the process is spawned to that moment
(interpreter start included). Goal: under 1.5 s.

    python benchmarks/bench_gui_start.py [--runs 5] [--people 300]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import sys, time
from PySide6.QtWidgets import QApplication
from app.ui.app import make_application
from app.services.store import Store
from app.ui.main_window import MainWindow
app = make_application([])
store = Store.open(sys.argv[1], operator="bench")
window = MainWindow(store)
window.resize(1366, 768)
window.show()
app.processEvents()
window.grab()          # forces the first paint of the visible tab
print(time.time())
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--people", type=int, default=300)
    args = parser.parse_args()
    from app.services.demo import create_demo_store
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        create_demo_store(db, people=args.people, posts=30).close()
        times = []
        for _ in range(args.runs + 1):
            start = time.time()
            out = subprocess.run([sys.executable, "-c", CHILD, str(db)], cwd=ROOT, env=env, capture_output=True,
                                 text=True, check=True)
            times.append((float(out.stdout.strip().splitlines()[-1]) - start) * 1000)
        times = times[1:]   # the first run warms the disk cache
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}")
    print(f"start to usable window, {args.people} people: best {min(times):.0f} ms, "
          f"median {statistics.median(times):.0f} ms over {len(times)} runs (goal < 1500 ms)")


if __name__ == "__main__":
    main()
