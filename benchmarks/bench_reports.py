"""Benchmark (not a test): printing the 综合考评结果 of 300 candidates × 2 posts (600 rows) to PDF.

Builds the sheet's dataclasses directly (no store: the reports take plain data), then times
``app.reports.render("综合考评结果", data)`` — layout, page numbering, TrueType subsetting and the
PDF bytes — best and median of ``--runs`` runs (default 10). The first run, which also loads and
registers the fonts, is reported separately.

Goal: median under 1 s on one core, interpreter start excluded.

    python benchmarks/bench_reports.py [--runs 10] [--candidates 300] [--posts-each 2] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo import _OFFICES, _name  # noqa: E402 - the demo's invented names and 科室
from app.reports import render  # noqa: E402
from app.reports.data import CompositeRow, CompositeSheet, SheetHeader  # noqa: E402
from benchmarks.common import machine_line, repeat  # noqa: E402

GOAL_MS = 1000.0
TITLE = "综合考评结果"


def score(r: random.Random, low: int, high: int) -> Decimal:
    """A published score with three decimals, built from an integer (no float)."""
    return Decimal(r.randint(low * 1000, high * 1000)).scaleb(-3)


def sheet(candidates: int, posts_each: int, seed: int = 1) -> CompositeSheet:
    r = random.Random(seed)
    posts = [f"{office}科长" for office in _OFFICES[:30]]
    rows = []
    for i in range(candidates):
        pid, name = str(1001 + i), _name(r)
        quantified, speech = score(r, 80, 98), score(r, 70, 95)
        for post in r.sample(posts, posts_each):
            eligible = r.randint(1, 100) <= 70
            rec = score(r, 30, 95) if eligible else None
            comp = (quantified * Decimal("0.3") + speech * Decimal("0.1") + rec * Decimal("0.6")).quantize(
                Decimal("0.001")) if rec is not None else None
            rows.append(CompositeRow(post, pid, name, quantified, speech, rec, comp,
                                     "" if eligible else "推荐率不达三分之一"))
    rows.sort(key=lambda x: (posts.index(x.post), x.composite is None, -(x.composite or 0), x.person_id))
    header = SheetHeader("演示局", "演示竞岗（程序生成的示例数据）", TITLE, "按岗位排列", "已公布", False, 1234,
                         "2026-03-02 16:30")
    return CompositeSheet(header, ("考评量化\n（30%）", "竞岗演讲\n（10%）", "定岗推荐\n（60%）"), tuple(rows),
                          ("注：综合考评得分 = 考评量化×30% + 竞岗演讲×10% + 定岗推荐×60%（第十二条）。",))


def measure(runs: int = 10, candidates: int = 300, posts_each: int = 2, baseline: int = 0) -> dict:
    """The figures as data: the first render (``cold``, fonts loaded) and ``runs`` renders (``times``),
    in ms, with the sheet's rows, pages and size; with ``baseline`` that many rounds of this version and
    commit 2eaa7ba (the last before issue 15) side by side, a page at a time (``compare``)."""
    data = sheet(candidates, posts_each)
    t0 = time.perf_counter()
    pdf = render(TITLE, data)                      # cold: fonts loaded and registered here
    cold = (time.perf_counter() - t0) * 1000.0
    times = repeat(lambda: render(TITLE, data), runs)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    figures = {"candidates": candidates, "posts_each": posts_each, "rows": len(data.rows), "pages": pages,
               "kib": len(pdf) // 1024, "cold": cold, "times": times}
    if baseline:
        from benchmarks.baseline import compare
        figures["compare"] = compare("composite", {"runs": runs, "candidates": candidates, "posts_each": posts_each,
                                                   "warm": True}, baseline)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--posts-each", type=int, default=2)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile listing of one run")
    args = parser.parse_args(argv)

    f = measure(args.runs, args.candidates, args.posts_each)
    times = f["times"]
    print(f"sheet:    {TITLE}, {args.candidates} candidates x {args.posts_each} posts = {f['rows']} rows, "
          f"{f['pages']} pages A4, {f['kib']} KiB")
    print(f"machine:  {machine_line()}")
    print(f"runs:     {args.runs}, single thread, interpreter start excluded")
    print()
    print(f"first run (fonts loaded) {f['cold']:8.1f} ms")
    print(f"best                     {min(times):8.1f} ms")
    print(f"median                   {statistics.median(times):8.1f} ms")
    median = statistics.median(times)
    verdict = "meets" if median < GOAL_MS else "MISSES"
    print(f"goal: median < {GOAL_MS:.0f} ms -> median {median:.1f} ms {verdict} the goal")
    if args.profile:
        data = sheet(args.candidates, args.posts_each)
        profile = cProfile.Profile()
        profile.enable()
        render(TITLE, data)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative", "tottime").print_stats(25)
    return 0 if median < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
