"""Benchmark (not a test): the campaign store, on an SQLite file (and optionally PostgreSQL).

  (a) importing a 1,000-row roster workbook into an empty campaign as 文件 → 导入人员名单 does
      (``import_roster_xlsx``: read, match, one all-or-nothing transaction, every row and score
      audited), against the bare openpyxl read of the same workbook (``load_workbook`` and every
      cell's value), the two interleaved run by run; goal: at most twice the bare read. The
      workbook is written once with ``write_roster_template`` from 1,000 generated people
  (b) opening a 300-person campaign (the demo generator: 300 people, 30 posts, 25 judges,
      300 voters), imported once: ``Store.open`` + ``compute_results``, best and median
  (c) one ``set_speech_score`` round trip (validate, version check, audit row, commit —
      with synchronous=FULL on SQLite): the clerk's keystroke, median

    python benchmarks/bench_store.py [--runs 10] [--keystrokes 50] [--pg postgresql+psycopg://u:p@127.0.0.1:5433/db]

``--pg`` takes a URL whose role may create databases: each part then also runs on PostgreSQL in
a database of its own, created and dropped by the benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.roster import RosterPerson  # noqa: E402
from app.demo import generate_campaign  # noqa: E402
from app.services import scores  # noqa: E402
from app.services.campaign_io import compute_results, import_campaign  # noqa: E402
from app.services.store import Store  # noqa: E402
from benchmarks.common import machine_line, ms  # noqa: E402

from app.services.excel import import_roster_xlsx  # noqa: E402
from app.services.roster_excel import read_roster, write_roster_template  # noqa: E402

PASSWORD = "jd2026"
CATEGORY = {"正科实职": "原任科长", "正科虚职": "拟竞争科长", "副科实职": "拟竞争科长", "副科虚职": "拟竞争科长",
            "科员": "行政一般"}


def roster_people(n: int, seed: int) -> list[RosterPerson]:
    """``n`` realistic roster rows: the demo generator's names, ranks and scores, plus dates etc."""
    doc = generate_campaign(people=n, posts=30, seed=seed)
    r = random.Random(seed)
    offices = [p["name"].removesuffix("科长") for p in doc["posts"]]
    out = []
    for p in doc["people"]:
        year = r.randint(1966, 1998)
        work = min(year + r.randint(20, 25), 2024)
        identity = "事业" if r.random() < 0.15 else "行政"
        category = "事业人员" if identity == "事业" else CATEGORY[p["rank"]]
        out.append(RosterPerson(
            id=p["id"], name=p["name"], rank=p["rank"], category=category,
            gender=r.choice(("男", "女")), birth=f"{year}-{r.randint(1, 12):02d}",
            work_start=f"{work}-{r.randint(1, 12):02d}", post_start=f"{r.randint(work, 2024)}-{r.randint(1, 12):02d}",
            political=r.choice(("中共党员", "中共党员", "群众", "民盟盟员")),
            education=r.choice(("研究生", "本科", "本科", "大专")), identity=identity,
            unit="某某局" if identity == "行政" else "某某局信息中心", former_office=r.choice(offices),
            appraisal=tuple(Decimal(a) for a in p["appraisal"]), exam=Decimal(p["exam"]),
            democratic={k: Decimal(v) for k, v in p["democratic"].items()},
        ))
    return out


class Targets:
    """Fresh, empty campaign targets on one backend: SQLite files in a temp dir, or PG databases."""

    def __init__(self, kind: str, tmp: Path, pg_url: str | None = None):
        self.kind, self.tmp, self.pg_url = kind, tmp, pg_url
        self.made: list[str] = []

    def new(self) -> str:
        if self.kind == "sqlite":
            target = str(self.tmp / f"bench-{len(self.made)}.db")
        else:
            import psycopg
            from sqlalchemy.engine import make_url
            name = f"jg_bench_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(self._admin(), autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            target = make_url(self.pg_url).set(database=name).render_as_string(hide_password=False)
        self.made.append(target)
        return target

    def _admin(self) -> str:
        from sqlalchemy.engine import make_url
        return make_url(self.pg_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def cleanup(self) -> None:
        if self.kind != "postgresql":
            return
        import psycopg
        from sqlalchemy.engine import make_url
        with psycopg.connect(self._admin(), autocommit=True) as conn:
            for target in self.made:
                conn.execute(f'DROP DATABASE IF EXISTS "{make_url(target).database}" WITH (FORCE)')


def bare_read(workbook: Path) -> int:
    """What openpyxl alone takes to read the workbook: load it and touch every cell's value."""
    from openpyxl import load_workbook
    wb = load_workbook(workbook, data_only=True)
    return sum(1 for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None)


def import_runs_for(runs: int) -> int:
    return max(3, runs // 3)


def bench_backend(targets: Targets, workbook: Path | None, people: list[RosterPerson], campaign: dict,
                  runs: int, keystrokes: int, import_runs: int) -> Iterator[tuple[str, str, list[float]]]:
    """(key, label, timings in ms) of each part on one backend."""
    # (a) roster workbook → store, a fresh empty campaign each run
    times_a, times_bare = [], []
    warm = Store.create(targets.new(), title="基准", unit="某某局", supervisor_password=PASSWORD, operator="基准")
    import_roster_xlsx(warm, workbook)   # untimed: loads the modules and compiles the statements, as bare_read was
    warm.close()
    for _ in range(import_runs):
        store = Store.create(targets.new(), title="基准", unit="某某局", supervisor_password=PASSWORD, operator="基准")
        times_bare.append(ms(lambda: bare_read(workbook)))
        times_a.append(ms(lambda: import_roster_xlsx(store, workbook)))
        store.close()
    yield "roster", f"(a) roster {len(people):,} rows", times_a
    yield "roster_bare", "    (openpyxl's bare read)", times_bare

    # (b) a 300-person campaign, imported once, then opened and computed
    target = targets.new()
    store = Store.create(target, title="基准", unit="某某局", supervisor_password=PASSWORD, operator="基准")
    t_import = ms(lambda: import_campaign(store, json.loads(json.dumps(campaign, ensure_ascii=False))))
    store.close()
    yield "import_campaign", "    (import campaign once)", [t_import]

    def open_and_compute() -> None:
        s = Store.open(target, operator="基准")
        compute_results(s)
        s.close()

    open_and_compute()  # warm up (imports, caches)
    times_open, times_b = [], []
    for _ in range(runs):
        times_open.append(ms(lambda: Store.open(target, operator="基准").close()))
        times_b.append(ms(open_and_compute))
    yield "open", "    (Store.open alone)", times_open
    yield "open_compute", f"(b) open + compute {len(campaign['people'])}", times_b

    # (c) the clerk's keystroke: one speech score, committed
    store = Store.open(target, operator="基准")
    pairs = [(pid, jid) for pid, row in sorted(campaign.get("speech", {}).items())
             for jid in [f"J{n:02d}" for n in range(1, len(row) + 1)]]
    r = random.Random(7)
    times_c = []
    for k in range(keystrokes + 3):
        pid, jid = pairs[k % len(pairs)]
        tenths = r.randint(600, 990)
        t = ms(lambda: scores.set_speech_score(store, pid, jid, f"{tenths // 10}.{tenths % 10}"))
        if k >= 3:
            times_c.append(t)
    store.close()
    yield "set_score", "(c) set_speech_score", times_c


def measure(runs: int = 10, keystrokes: int = 50, rows: int = 1000, seed: int = 1, pg: str | None = None,
            import_runs: int | None = None, people: int = 300) -> dict:
    """The figures as data: per backend (``sqlite``, and ``postgresql`` with ``pg``) the timings (ms) of
    each part by key — ``roster``, ``import_campaign``, ``open``, ``open_compute``, ``set_score`` —
    with the parts' labels, and the workbook's write/read times. ``people``: the campaign of (b), (c)."""
    import_runs = import_runs_for(runs) if import_runs is None else import_runs
    roster = roster_people(rows, seed)
    campaign = generate_campaign(people=people, posts=30, judges=25, voters=300, seed=seed)
    out: dict = {"rows": rows, "people": people, "seed": seed, "runs": runs, "import_runs": import_runs,
                 "keystrokes": keystrokes, "workbook": None, "labels": {}, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="jinggang-bench-") as tmp:
        tmp_path = Path(tmp)
        workbook = tmp_path / "roster-1000.xlsx"
        t_write = ms(lambda: write_roster_template(workbook, roster))
        bare_read(workbook)   # warm: the first read loads openpyxl's modules
        out["workbook"] = {"write": t_write, "read_best": min(ms(lambda: read_roster(workbook)) for _ in range(3))}
        backends = [("sqlite", Targets("sqlite", tmp_path))]
        if pg:
            backends.append(("postgresql", Targets("postgresql", tmp_path, pg)))
        for kind, targets in backends:
            try:
                for key, label, times in bench_backend(targets, workbook, roster, campaign, runs, keystrokes,
                                                       import_runs):
                    out["backends"].setdefault(kind, {})[key] = times
                    out["labels"][key] = label
            finally:
                targets.cleanup()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--keystrokes", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg", metavar="URL", default=os.environ.get("JINGGANG_BENCH_PG_URL"),
                        help="also run on PostgreSQL (a role allowed to create databases)")
    args = parser.parse_args(argv)

    figures = measure(args.runs, args.keystrokes, args.rows, args.seed, args.pg)
    workbook = figures["workbook"]
    print(f"roster:   {args.rows} rows, written with write_roster_template, imported with import_roster_xlsx")
    print(f"          workbook written in {workbook['write']:.0f} ms; read_roster alone best {workbook['read_best']:.0f} ms")
    print(f"campaign: 300 people, 30 posts, 25 judges, 300 voters (app.demo, seed {args.seed})")
    print(f"machine:  {machine_line()}")
    print(f"sqlite:   file in {tempfile.gettempdir()} (WAL, synchronous=FULL)")
    if args.pg:
        print("postgres: " + _pg_version(args.pg))
    print(f"runs:     (a) {figures['import_runs']}, (b) {args.runs}, (c) {args.keystrokes} keystrokes; "
          "single thread, interpreter start excluded")
    print()
    kinds = list(figures["backends"])
    header = f"{'':<28}" + "".join(f"{k + ' best':>17}{k + ' median':>19}" for k in kinds)
    print(header + "   (ms)")
    print("-" * len(header))
    for key, label in figures["labels"].items():
        line = f"{label:<28}"
        for kind in kinds:
            times = figures["backends"][kind].get(key)
            line += f"{min(times):>17.1f}{statistics.median(times):>19.1f}" if times else f"{'':>36}"
        print(line)
    print("-" * len(header))
    return 0


def _pg_version(url: str) -> str:
    try:
        from sqlalchemy import create_engine, text
        engine = create_engine(url)
        with engine.connect() as conn:
            version = conn.execute(text("select version()")).scalar()
        engine.dispose()
        return str(version).split(",")[0]
    except Exception as err:  # noqa: BLE001 - informational only
        return f"(version unknown: {err})"


if __name__ == "__main__":
    sys.exit(main())
