"""The same report workloads printed by an earlier version of the program, on this machine, interleaved with
this version's runs — so a "no slower per page than before" goal compares figures taken under the same load.

The earlier version (``BASE_REV``, the commit before issue 15) is extracted with ``git archive`` into a
folder under the system's temporary folder (once; no git worktree is registered) and each run is a fresh
interpreter with that folder first on ``sys.path``. The workloads are built here from ``app.demo`` and
``app.reports.data`` only, adapting to the dataclasses of either version, so both print the same thing
(the earlier 定岗推荐票 has no post codes).

Each run reports its wall time and its CPU time (``time.process_time``): on a machine shared with other
work the CPU time per page is the steadier figure.

    python -m benchmarks.baseline ballots --voters 100      # this version and the base, one run each
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_REV = "2eaa7ba"        # the last commit before issue 15 (公示 that can be posted and filed)
MARK = "BASELINE-FIGURES "

CHILD = r'''
import dataclasses, json, random, re, resource, sys, time
sys.path.insert(0, sys.argv[1])
from app.demo import _OFFICES, _name
from app.reports import data as d, render
which, params = sys.argv[2], json.loads(sys.argv[3])

def fields(cls):
    return {f.name for f in dataclasses.fields(cls)}

if which == "ballots":
    r = random.Random(1)
    posts = tuple((f"P{k:02d}", f"{office}科长") for k, office in enumerate(_OFFICES[:30], start=1))
    codes = "codes" in fields(d.FormCandidate)
    rows = []
    for i in range(params["candidates"]):
        declared = r.sample(posts, r.choice((1, 2)))
        names = tuple(n for _, n in declared)
        kw = dict(position=i + 1, person_id=str(1001 + i), name=_name(r), detail="、".join(names), posts=names)
        if codes:
            kw["codes"] = tuple(c for c, _ in declared)
        rows.append(d.FormCandidate(**kw))
    shares = (("局领导", 10), ("其他行政编制人员", 200), ("事业单位负责人", 50), ("各县（市、区）局长", 40))
    copies = tuple((g, max(1, k * params["voters"] // 300)) for g, k in shares)
    header = d.SheetHeader("演示局", "演示竞岗（程序生成的示例数据）", "定岗推荐票", "", "", False, 1234, "2026-03-02 16:30")
    data = d.BallotForms(header, copies, tuple(rows), posts if codes else tuple(n for _, n in posts))
    title = "定岗推荐票"
else:
    from decimal import Decimal
    r = random.Random(1)
    posts = [f"{office}科长" for office in _OFFICES[:30]]

    def score(low, high):
        return Decimal(r.randint(low * 1000, high * 1000)).scaleb(-3)
    rows = []
    for i in range(params["candidates"]):
        pid, name = str(1001 + i), _name(r)
        q, s = score(80, 98), score(70, 95)
        for post in r.sample(posts, params["posts_each"]):
            ok = r.randint(1, 100) <= 70
            rec = score(30, 95) if ok else None
            comp = (q * Decimal("0.3") + s * Decimal("0.1") + rec * Decimal("0.6")).quantize(Decimal("0.001")) \
                if rec is not None else None
            rows.append(d.CompositeRow(post, pid, name, q, s, rec, comp, "" if ok else "推荐率不达三分之一"))
    rows.sort(key=lambda x: (posts.index(x.post), x.composite is None, -(x.composite or 0), x.person_id))
    header = d.SheetHeader("演示局", "演示竞岗（程序生成的示例数据）", "综合考评结果", "按岗位排列", "已公布", False, 1234,
                           "2026-03-02 16:30")
    data = d.CompositeSheet(header, ("考评量化\n（30%）", "竞岗演讲\n（10%）", "定岗推荐\n（60%）"), tuple(rows),
                            ("注：综合考评得分 = 考评量化×30% + 竞岗演讲×10% + 定岗推荐×60%（第十二条）。",))
    title = "综合考评结果"
if params.get("warm"):
    render(title, data)                 # fonts loaded and registered before the timed runs
wall, cpu, pdf = [], [], b""
for _ in range(params.get("runs", 1)):
    t0, c0 = time.perf_counter(), time.process_time()
    pdf = render(title, data)
    wall.append((time.perf_counter() - t0) * 1000.0)
    cpu.append((time.process_time() - c0) * 1000.0)
pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
print("MARK" + json.dumps({"pages": pages, "wall": wall, "cpu": cpu, "mib": len(pdf) / 2**20,
                           "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))
'''.replace("MARK", MARK)


def base_tree(rev: str = BASE_REV) -> Path:
    """The program at ``rev``, extracted once into the temporary folder."""
    tree = Path(tempfile.gettempdir()) / f"jinggang-bench-{rev}"
    if not (tree / "app" / "reports" / "__init__.py").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def run_at(tree: Path, which: str, params: dict) -> dict:
    """One fresh interpreter printing ``which`` ("ballots" or "composite") with the program in ``tree``."""
    proc = subprocess.run([sys.executable, "-c", CHILD, str(tree), which, json.dumps(params)], cwd=tree,
                          capture_output=True, text=True, encoding="utf-8")
    lines = [x for x in proc.stdout.splitlines() if x.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"{which} at {tree}: " + (proc.stderr.strip().splitlines() or ["no figures"])[-1])
    return json.loads(lines[-1][len(MARK):])


def compare(which: str, params: dict, rounds: int = 2, rev: str = BASE_REV) -> dict:
    """``rounds`` × (this version, then the base): per-page wall and CPU times of each, in ms."""
    base = base_tree(rev)
    out: dict = {"rev": rev, "now": [], "base": []}
    for _ in range(rounds):
        out["now"].append(run_at(ROOT, which, params))
        out["base"].append(run_at(base, which, params))
    for side in ("now", "base"):
        runs = out[side]
        out[side + "_pages"] = runs[0]["pages"]
        out[side + "_wall_page"] = [t / r["pages"] for r in runs for t in r["wall"]]
        out[side + "_cpu_page"] = [t / r["pages"] for r in runs for t in r["cpu"]]
        out[side + "_peak_mib"] = max(r["peak_mib"] for r in runs)
    return out


def main(argv: list[str] | None = None) -> int:
    import statistics
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=("ballots", "composite"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--rev", default=BASE_REV)
    args = parser.parse_args(argv)
    params = {"runs": args.runs, "candidates": args.candidates, "warm": args.which == "composite"}
    params.update({"voters": args.voters} if args.which == "ballots" else {"posts_each": 2})
    f = compare(args.which, params, args.rounds, args.rev)
    for side, label in (("now", "this version"), ("base", f"commit {args.rev}")):
        print(f"{label:16} {f[side + '_pages']:6} pages  wall {statistics.median(f[side + '_wall_page']):6.2f} ms a page"
              f"  CPU {statistics.median(f[side + '_cpu_page']):6.2f} ms a page  peak {f[side + '_peak_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
