"""Benchmark (not a test): how long reading and computing a full-size campaign takes.

Generates the demo campaign of 300 people, 30 posts, 25 judges and 300 voters, serialises it
to JSON text, then times, best and median of ``--runs`` runs (default 20):

  (a) parse + validate the text        ``load_campaign_text``
  (b) compute every result             ``compute``
  (c) the results document as text    ``results_to_json`` + ``json.dumps``
  (d) the whole of (a) + (b) + (c)     what ``python -m app compute`` does after start-up

Goal: (d) under 0.2 s on one core, interpreter start excluded.

    python benchmarks/bench_compute.py [--runs 20] [--people 300] [--posts 30] [--profile]

``--profile`` adds a cProfile listing of (d), sorted by cumulative then internal time.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.campaign import load_campaign_text  # noqa: E402
from app.core.results import compute, results_to_json  # noqa: E402
from app.demo import generate_campaign  # noqa: E402

GOAL_MS = 200.0


def _time(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--judges", type=int, default=25)
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile listing of the whole")
    args = parser.parse_args(argv)

    doc = generate_campaign(args.people, args.posts, args.judges, args.voters, args.seed)
    text = json.dumps(doc, ensure_ascii=False)
    campaign = load_campaign_text(text)
    results = compute(campaign)
    n_pairs = len(results.pairs)
    n_competing = sum(1 for p in campaign.people if p.effective_posts)

    def whole() -> str:
        return json.dumps(results_to_json(compute(load_campaign_text(text))), ensure_ascii=False, indent=1)

    whole()  # warm up (imports, caches)
    rows = [
        ("(a) parse+validate", _time(lambda: load_campaign_text(text), args.runs)),
        ("(b) compute", _time(lambda: compute(campaign), args.runs)),
        ("(c) to JSON text", _time(lambda: json.dumps(results_to_json(results), ensure_ascii=False, indent=1),
                                   args.runs)),
        ("(d) whole a+b+c", _time(whole, args.runs)),
    ]

    print(f"campaign: {args.people} people ({n_competing} competing), {args.posts} posts, "
          f"{args.judges} judges, {args.voters} voters, seed {args.seed}; "
          f"{len(text.encode('utf-8')) / 1024:.0f} KiB of JSON, {n_pairs} pairs")
    print(f"machine:  {platform.machine()} {platform.processor() or '(processor n/a)'}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.system()} {platform.release()}")
    print(f"runs:     {args.runs} each, single thread, interpreter start excluded")
    print()
    print(f"{'stage':<22}{'best ms':>10}{'median ms':>12}")
    print("-" * 44)
    for label, times in rows:
        print(f"{label:<22}{min(times):>10.1f}{statistics.median(times):>12.1f}")
    print("-" * 44)
    whole_median = statistics.median(rows[-1][1])
    verdict = "meets" if whole_median < GOAL_MS else "MISSES"
    print(f"goal: whole < {GOAL_MS:.0f} ms -> median {whole_median:.1f} ms {verdict} the goal")

    if args.profile:
        print()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            whole()
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
