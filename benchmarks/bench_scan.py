"""Benchmark (not a test): reading ≥ 5,000 generated scans of 定岗推荐票 against their truth (issue 17).

The corpus (:mod:`app.scan.corpus`, fixed seed) is made on the fly — real ballots printed by the
production layout, rasterised at 200 and 300 dpi, marked in every style and scanned badly — and read
page by page by :class:`app.scan.reader.Reader` from the file's bytes (decoding included), as a
folder of scans would be. Printed:

- **silent errors** — a box decided automatically and wrongly, a candidate's automatic mark that the
  truth does not allow, a page read with the wrong number (goal 0);
- **doubtful boxes**, % of the boxes of read pages (goal ≤ 2 %);
- **rejected pages** with their reasons, each counted as expected by the truth or not, blank back pages
  recognised, and any page the truth says must be rejected but was read (goal 0);
- **sheets per minute on one core at 300 dpi**: 60 / the median CPU time of reading one 300 dpi page
  (goal ≥ 60), and at 200 dpi;
- the fills by mark style, the evidence for the thresholds (app/scan/measure.py).

Making the corpus costs more than reading it; with ``--workers 1`` (the default) a second process
makes the pages while this one reads them (the reading is timed as this process's CPU time, so the
figure is one core's whatever the other does). The full run (5,000 sheets) takes 10–20 minutes.

    python benchmarks/bench_scan.py [--sheets 5000] [--seed 17] [--workers 1]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.scan.corpus import known_layouts, make_ballot  # noqa: E402
from app.scan.reader import Reader  # noqa: E402
from app.scan.scoring import Score  # noqa: E402
from benchmarks.common import machine_line  # noqa: E402

GOAL_SHEETS_PER_MINUTE = 60
GOAL_DOUBTFUL_PCT = 2.0


def _ballot(args: tuple[int, int]) -> list:
    seed, index = args
    return list(make_ballot(seed, index))


def _ballots(seed: int, workers: int):
    """Every ballot of the corpus in order, made here or by ``workers`` other processes."""
    if workers <= 0:
        index = 0
        while True:
            yield _ballot((seed, index))
            index += 1
    import itertools
    import multiprocessing
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield from pool.imap(_ballot, ((seed, i) for i in itertools.count()), chunksize=2)


def measure(sheets: int = 5000, seed: int = 17, workers: int = 1) -> dict:
    """Read ``sheets`` printed pages (blank backs besides) of the corpus; the figures as data."""
    reader = Reader(known_layouts(), keep_images=False)
    score = Score()
    cpu: dict[int, list[float]] = {}
    printed = 0
    t0 = time.perf_counter()
    ballots = _ballots(seed, workers)
    for files in ballots:
        for name, data, truths in files:
            c0 = time.process_time()
            reads = reader.read_bytes(name, data)
            spent = time.process_time() - c0
            for truth, read in zip(truths, reads):
                score.add(truth, read)
                cpu.setdefault(truth.dpi, []).append(spent / len(reads))
                printed += truth.expect != "blank"
        if printed >= sheets:
            break
    ballots.close()
    figures = score.figures()
    figures.pop("seconds")
    figures.update({
        "sheets": printed, "seed": seed, "wall_s": time.perf_counter() - t0,
        "cpu_ms": {str(dpi): [round(v * 1000, 2) for v in values] for dpi, values in sorted(cpu.items())},
        "thresholds": [str(reader.thresholds.low), str(reader.thresholds.high)],
    })
    return figures


def sheets_per_minute(figures: dict, dpi: int) -> float | None:
    values = figures["cpu_ms"].get(str(dpi))
    return 60_000 / statistics.median(values) if values else None


def report(f: dict) -> str:
    lines = [f"{f['sheets']} printed sheets (+ {f['expected_blank'] + f['unexpected_blank']} blank backs), "
             f"seed {f['seed']}, {f['wall_s']:.0f} s wall in all; thresholds low {f['thresholds'][0]}, "
             f"high {f['thresholds'][1]}",
             f"silent errors: {f['silent_errors']} (goal 0)"]
    lines += [f"  {s}" for s in f["silent"]]
    lines.append(f"doubtful boxes: {f['doubtful']} of {f['boxes']} = {f['doubtful_pct']:.2f} % (goal ≤ 2 %); "
                 f"candidates doubtful {f['doubtful_candidates']} of {f['candidates']}")
    lines.append(f"pages: {f['read']} read, {f['blank']} blank, {f['rejected']} rejected; missed rejections "
                 f"{f['missed_rejections']}; blank pages mistaken {f['unexpected_blank']}")
    for code, row in sorted(f["rejections"].items()):
        lines.append(f"  rejected {code}: {row['expected']} expected, {row['unexpected']} unexpected")
    lines += [f"  against the truth: {x}" for x in f["unexpected"]]
    for dpi in sorted(f["cpu_ms"], key=int):
        values = f["cpu_ms"][dpi]
        lines.append(f"read at {dpi} dpi: median {statistics.median(values):.0f} ms CPU per page "
                     f"= {60_000 / statistics.median(values):.0f} sheets/min on one core ({len(values)} pages)")
    lines.append("fills by style (min / p01 / median / p99 / max):")
    for style, row in f["fills"].items():
        lines.append(f"  {style:20s} n={row['n']:7d}  {row['min']:.3f} / {row['p01']:.3f} / {row['median']:.3f}"
                     f" / {row['p99']:.3f} / {row['max']:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--workers", type=int, default=1, help="processes making the corpus (0: this one)")
    args = parser.parse_args(argv)
    print(machine_line())
    f = measure(args.sheets, args.seed, args.workers)
    print(report(f))
    rate = sheets_per_minute(f, 300) or 0
    ok = f["silent_errors"] == 0 and f["doubtful_pct"] <= GOAL_DOUBTFUL_PCT and rate >= GOAL_SHEETS_PER_MINUTE
    print("goals met" if ok else "GOALS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
