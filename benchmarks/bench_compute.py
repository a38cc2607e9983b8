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
import pstats
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.campaign import load_campaign_text  # noqa: E402
from app.core.results import compute, results_to_json  # noqa: E402
from app.demo import generate_campaign  # noqa: E402
from benchmarks.common import machine_line, repeat  # noqa: E402

GOAL_MS = 200.0


def _whole(text: str) -> str:
    return json.dumps(results_to_json(compute(load_campaign_text(text))), ensure_ascii=False, indent=1)


def measure(runs: int = 20, people: int = 300, posts: int = 30, judges: int = 25, voters: int = 300,
            seed: int = 1) -> dict:
    """The figures as data: the campaign's size and ``runs`` timings (ms) of each stage (a)–(d)."""
    doc = generate_campaign(people, posts, judges, voters, seed)
    text = json.dumps(doc, ensure_ascii=False)
    campaign = load_campaign_text(text)
    results = compute(campaign)
    _whole(text)  # warm up (imports, caches)
    return {
        "campaign": {"people": people, "posts": posts, "judges": judges, "voters": voters, "seed": seed,
                     "competing": sum(1 for p in campaign.people if p.effective_posts),
                     "kib": len(text.encode("utf-8")) / 1024, "pairs": len(results.pairs)},
        "runs": runs,
        "parse": repeat(lambda: load_campaign_text(text), runs),
        "compute": repeat(lambda: compute(campaign), runs),
        "json": repeat(lambda: json.dumps(results_to_json(results), ensure_ascii=False, indent=1), runs),
        "whole": repeat(lambda: _whole(text), runs),
    }


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

    figures = measure(args.runs, args.people, args.posts, args.judges, args.voters, args.seed)
    c = figures["campaign"]
    rows = [("(a) parse+validate", figures["parse"]), ("(b) compute", figures["compute"]),
            ("(c) to JSON text", figures["json"]), ("(d) whole a+b+c", figures["whole"])]

    print(f"campaign: {args.people} people ({c['competing']} competing), {args.posts} posts, "
          f"{args.judges} judges, {args.voters} voters, seed {args.seed}; "
          f"{c['kib']:.0f} KiB of JSON, {c['pairs']} pairs")
    print(f"machine:  {machine_line()}")
    print(f"runs:     {args.runs} each, single thread, interpreter start excluded")
    print()
    print(f"{'stage':<22}{'best ms':>10}{'median ms':>12}")
    print("-" * 44)
    for label, times in rows:
        print(f"{label:<22}{min(times):>10.1f}{statistics.median(times):>12.1f}")
    print("-" * 44)
    whole_median = statistics.median(figures["whole"])
    verdict = "meets" if whole_median < GOAL_MS else "MISSES"
    print(f"goal: whole < {GOAL_MS:.0f} ms -> median {whole_median:.1f} ms {verdict} the goal")

    if args.profile:
        text = json.dumps(generate_campaign(args.people, args.posts, args.judges, args.voters, args.seed),
                          ensure_ascii=False)
        print()
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            _whole(text)
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout).strip_dirs()
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
