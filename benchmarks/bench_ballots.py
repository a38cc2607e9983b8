"""Benchmark (not a test): printing the 定岗推荐票 of a 300-candidate campaign to PDF.

300 candidates (each declared one or two of 30 posts, as the demo invents them), one ballot for each of
300 voters (局领导 10, 其他行政编制人员 200, 事业单位负责人 50, 各县（市、区）局长 40). Builds the form's
dataclass directly (the reports take plain data) and times ``app.reports.render("定岗推荐票", data)``:
layout, page numbering, TrueType subsetting and the PDF bytes. Reported: the time of each run, the
pages, the time per page and the process's peak memory (``ru_maxrss``, the runner gives each benchmark
a fresh interpreter).

Goal: no slower per page than before issue 15. With ``baseline`` (the runner's full preset) the same ballots
are printed by commit 2eaa7ba (the last before issue 15) in fresh interpreters, interleaved with this
version's (:mod:`benchmarks.baseline`), and the two are compared a page at a time, wall and CPU time.

    python benchmarks/bench_ballots.py [--runs 1] [--candidates 300] [--voters 300]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo import _OFFICES, _name  # noqa: E402 - the demo's invented names and 科室
from app.reports import render  # noqa: E402
from app.reports.data import BallotForms, FormCandidate, SheetHeader  # noqa: E402
from benchmarks.common import machine_line  # noqa: E402

TITLE = "定岗推荐票"
GOAL_MS_PER_PAGE = 14.0
GROUP_SHARES = (("局领导", 10), ("其他行政编制人员", 200), ("事业单位负责人", 50), ("各县（市、区）局长", 40))


def forms(candidates: int = 300, voters: int = 300, seed: int = 1) -> BallotForms:
    r = random.Random(seed)
    posts = tuple((f"P{k:02d}", f"{office}科长") for k, office in enumerate(_OFFICES[:30], start=1))
    rows = []
    for i in range(candidates):
        declared = r.sample(posts, r.choice((1, 2)))
        names = tuple(n for _, n in declared)
        rows.append(FormCandidate(i + 1, str(1001 + i), _name(r), "、".join(names), names, tuple(c for c, _ in declared)))
    total = sum(n for _, n in GROUP_SHARES)
    copies = tuple((g, max(1, n * voters // total)) for g, n in GROUP_SHARES)
    header = SheetHeader("演示局", "演示竞岗（程序生成的示例数据）", TITLE, "", "", False, 1234, "2026-03-02 16:30")
    return BallotForms(header, copies, tuple(rows), posts)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0     # Linux: KiB


def measure(runs: int = 1, candidates: int = 300, voters: int = 300, baseline: int = 0) -> dict:
    """The figures as data: ``runs`` renders (``times`` in ms), pages, size and the peak memory; with
    ``baseline`` that many rounds of this version and commit 2eaa7ba side by side (``compare``)."""
    data = forms(candidates, voters)
    times, pdf = [], b""
    for _ in range(runs):
        t0 = time.perf_counter()
        pdf = render(TITLE, data)
        times.append((time.perf_counter() - t0) * 1000.0)
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    figures = {"candidates": candidates, "ballots": sum(n for _, n in data.copies), "pages": pages,
               "mib": len(pdf) / 2**20, "peak_mib": peak_mib(), "times": times,
               "per_page": [t / max(pages, 1) for t in times]}
    if baseline:
        from benchmarks.baseline import compare
        figures["compare"] = compare("ballots", {"runs": 1, "candidates": candidates, "voters": voters}, baseline)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--voters", type=int, default=300)
    args = parser.parse_args(argv)
    f = measure(args.runs, args.candidates, args.voters)
    per_page = statistics.median(f["per_page"])
    print(f"forms:    {TITLE}, {f['candidates']} candidates, {f['ballots']} ballots, {f['pages']} pages A4, "
          f"{f['mib']:.1f} MiB")
    print(f"machine:  {machine_line()}")
    print(f"runs:     {args.runs}, single thread, interpreter start excluded")
    print()
    print(f"median run               {statistics.median(f['times']) / 1000:8.2f} s")
    print(f"per page                 {per_page:8.2f} ms")
    print(f"peak memory (maxrss)     {f['peak_mib']:8.0f} MiB")
    verdict = "meets" if per_page <= GOAL_MS_PER_PAGE else "MISSES"
    print(f"goal: ≤ {GOAL_MS_PER_PAGE} ms a page -> {per_page:.2f} ms {verdict} the goal")
    return 0 if per_page <= GOAL_MS_PER_PAGE else 1


if __name__ == "__main__":
    sys.exit(main())
