"""Every benchmark in one run: the machine, then one table of figure, goal and met? for each.

    python -m benchmarks [--quick] [--markdown docs/BENCHMARKS.md] [--only compute,selection]

Each benchmark script (``bench_*.py``) exposes ``measure(**params) -> dict`` (its figures as data) and
keeps its own ``main`` for running it alone. Here each ``measure`` runs in a fresh interpreter of its own,
one after the other (so one benchmark's imports, caches and Qt state do not weigh on the next, and the
timings do not overlap); the child prints its figures as JSON and the rows are built from them.
``--quick`` runs the same workloads with fewer repetitions (a smoke check, under a minute); its
medians are rougher and its p95 is little more than the worst run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from benchmarks.common import p95, summary

ROOT = Path(__file__).resolve().parent.parent
MARK = "BENCHMARK-FIGURES "

# name → module; the order of the table
MODULES = {
    "compute": "bench_compute",
    "gui_start": "bench_gui_start",
    "speech": "bench_speech_entry",
    "store": "bench_store",
    "projector": "bench_projector",
    "reports": "bench_reports",
    "ballots": "bench_ballots",
    "selection": "bench_selection",
    "count_entry": "bench_count_entry",
    "scan": "bench_scan",
    "limits": "bench_limits",
}

# the parameters of each ``measure`` per preset; "tiny" is for the smoke test (figures meaningless)
PRESETS: dict[str, dict[str, dict]] = {
    "full": {
        "compute": {"runs": 20},
        "gui_start": {"runs": 5},
        "speech": {"runs": 50},
        "store": {"runs": 10, "keystrokes": 50, "import_runs": 7},
        "projector": {"runs": 50},
        "reports": {"runs": 10, "baseline": 2},
        "ballots": {"runs": 1, "baseline": 1},
        "selection": {"runs": 50},
        "count_entry": {"ballots_n": 300},
        "scan": {"sheets": 5000},
        "limits": {},
    },
    "quick": {
        "compute": {"runs": 5},
        "gui_start": {"runs": 2},
        "speech": {"runs": 15},
        "store": {"runs": 3, "keystrokes": 20, "import_runs": 1},
        "projector": {"runs": 15},
        "reports": {"runs": 3},
        "ballots": {"runs": 1, "voters": 60},
        "selection": {"runs": 14},
        "count_entry": {"ballots_n": 60},
        "scan": {"sheets": 150},
        "limits": {},
    },
    "tiny": {
        "compute": {"runs": 1, "people": 30, "posts": 5, "judges": 5, "voters": 10},
        "gui_start": {"runs": 1, "people": 20, "bytecode": False, "warmup": False},
        "speech": {"runs": 2, "people": 20, "posts": 4},
        "store": {"runs": 1, "keystrokes": 2, "rows": 20, "import_runs": 1, "people": 20},
        "projector": {"runs": 2, "people": 20, "posts": 4, "ballots_before": 5},
        "reports": {"runs": 1, "candidates": 10},
        "ballots": {"runs": 1, "candidates": 10, "voters": 4},
        "selection": {"runs": 1, "people": 30, "posts": 6},
        "count_entry": {"ballots_n": 4, "candidates": 5},
        "scan": {"sheets": 2, "workers": 0},
        "limits": {"rows": 6000, "people": 3500, "near": 200},
    },
}


# -- running ----------------------------------------------------------------------------------------

@dataclass
class Outcome:
    """One benchmark's run: its figures (None if it failed), the error, and how long it took."""
    name: str
    params: dict
    figures: dict | None
    seconds: float
    error: str = ""
    load: dict = field(default_factory=dict)     # LoadMeter.stop() over this benchmark's run


def child(name: str, params: dict) -> None:
    """In the child interpreter: measure, print the figures as one JSON line, leave without finalising
    (PySide6's signal reference bug can abort the interpreter's finalisation; see bench_speech_entry.py)."""
    code = 0
    try:
        module = __import__(f"benchmarks.{MODULES[name]}", fromlist=["measure"])
        figures = module.measure(**params)
        print(MARK + json.dumps(figures, ensure_ascii=False), flush=True)
    except BaseException:  # noqa: BLE001 - reported to the parent on stderr
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_one(name: str, params: dict) -> Outcome:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    meter = LoadMeter()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--child", name, json.dumps(params)], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - t0
    load = meter.stop()
    lines = [x for x in proc.stdout.splitlines() if x.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        err = [x for x in proc.stderr.strip().splitlines() if "propagateSizeHints" not in x]
        return Outcome(name, params, None, seconds, "\n".join(err[-15:]) or f"exit code {proc.returncode}", load)
    return Outcome(name, params, json.loads(lines[-1][len(MARK):]), seconds, load=load)


def run_all(preset: str = "full", names: list[str] | None = None,
            progress: Callable[[str], None] | None = None, jobs: int = 1) -> list[Outcome]:
    """Run the benchmarks ``names`` (default all) with the preset's parameters, one after the other.
    ``jobs`` > 1 runs that many at once, so their timings overlap: only for checking the plumbing."""
    names = names or list(MODULES)

    def one(name: str) -> Outcome:
        if progress:
            progress(f"running {name} …")
        outcome = run_one(name, PRESETS[preset][name])
        if progress:
            progress(f"  {name}: {'done' if outcome.figures is not None else 'FAILED'} in {outcome.seconds:.1f} s")
        return outcome

    if jobs <= 1:
        return [one(name) for name in names]
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(one, names))


# -- the machine and its load -----------------------------------------------------------------------

def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _cpu_model() -> str:
    for line in _read("/proc/cpuinfo").splitlines():
        if line.lower().startswith(("model name", "hardware", "cpu model")):
            return line.split(":", 1)[1].strip()
    if sys.platform == "darwin":
        try:
            return subprocess.run(["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True,
                                  timeout=5).stdout.strip()
        except OSError:
            pass
    return platform.processor() or platform.machine() or "unknown"


def _ram_bytes() -> int | None:
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    if sys.platform == "win32":
        import ctypes

        class MemoryStatus(ctypes.Structure):
            _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong),
                        ("ullTotalPhys", ctypes.c_ulonglong), ("ullAvailPhys", ctypes.c_ulonglong),
                        ("ullTotalPageFile", ctypes.c_ulonglong), ("ullAvailPageFile", ctypes.c_ulonglong),
                        ("ullTotalVirtual", ctypes.c_ulonglong), ("ullAvailVirtual", ctypes.c_ulonglong),
                        ("ullAvailExtendedVirtual", ctypes.c_ulonglong)]
        status = MemoryStatus()
        status.dwLength = ctypes.sizeof(MemoryStatus)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return int(status.ullTotalPhys)
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _git_commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10)
    except OSError:
        return "unknown"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")


def machine() -> dict[str, str]:
    """What the figures were measured on, label → value."""
    try:
        import PySide6
        from PySide6.QtCore import qVersion
        qt = f"Qt {qVersion()} / PySide6 {PySide6.__version__}, QT_QPA_PLATFORM=" \
             f"{os.environ.get('QT_QPA_PLATFORM', 'offscreen')}"
    except ImportError as err:
        qt = f"not importable ({err})"
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    ram = _ram_bytes()
    return {
        "CPU": f"{_cpu_model()} ({platform.machine()})",
        "cores": f"{cpus} logical" + (f", {usable} usable by this process" if usable != cpus else ""),
        "RAM": f"{ram / 2 ** 30:.1f} GiB" if ram else "unknown",
        "OS": platform.platform(),
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "Qt": qt,
        "SQLite": sqlite3.sqlite_version,
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "program": f"commit {_git_commit()}",
    }


def _cpu_jiffies() -> tuple[int, int] | None:
    """(busy, steal) jiffies of all CPUs since boot (Linux), else None."""
    line = _read("/proc/stat").splitlines()[:1]
    if not line or not line[0].startswith("cpu "):
        return None
    v = [int(x) for x in line[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = v[:7]
    steal = v[7] if len(v) > 7 else 0
    return user + nice + system + irq + softirq, steal


def _own_cpu_seconds() -> float:
    try:
        import resource
    except ImportError:     # Windows
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class LoadMeter:
    """How busy the machine was with *other* work while the benchmarks ran (Linux: from /proc/stat)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.jiffies0 = _cpu_jiffies()
        self.own0 = _own_cpu_seconds()
        self.load0 = os.getloadavg() if hasattr(os, "getloadavg") else None

    def stop(self) -> dict:
        elapsed = max(time.monotonic() - self.t0, 1e-9)
        out: dict = {"seconds": elapsed, "cpus": os.cpu_count() or 1, "own": (_own_cpu_seconds() - self.own0) / elapsed}
        jiffies = _cpu_jiffies()
        if self.jiffies0 and jiffies:
            tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
            busy = (jiffies[0] - self.jiffies0[0]) / tick / elapsed
            out["busy"] = busy
            out["others"] = max(0.0, busy - out["own"])
            out["steal"] = (jiffies[1] - self.jiffies0[1]) / tick / elapsed
        if self.load0 is not None:
            out["loadavg"] = (self.load0[0], os.getloadavg()[0])
        return out


def load_note(load: dict) -> str:
    """The load the machine was under, in one sentence."""
    parts = [f"The run took {load['seconds']:.0f} s; the benchmarks themselves kept {load['own']:.2f} of "
             f"{load['cpus']} CPUs busy on average"]
    if "others" in load:
        parts.append(f"other processes {load['others']:.2f} CPUs"
                     + (f" (and the hypervisor stole {load['steal']:.2f})" if load.get("steal", 0) >= 0.01 else ""))
    else:
        parts.append("the load of other processes is not known on this system")
    note = ", ".join(parts)
    if "loadavg" in load:
        note += f"; 1-minute load average {load['loadavg'][0]:.2f} at the start, {load['loadavg'][1]:.2f} at the end"
    quiet = load.get("others", 0.0) < 0.1
    return note + (". The machine was otherwise quiet." if quiet and "others" in load else
                   ". Figures measured under other load are slower than on a quiet machine, the p95s most." if
                   "others" in load else ".")


# -- the table --------------------------------------------------------------------------------------

@dataclass
class Row:
    key: str
    what: str
    figure: str
    goal: str = "—"
    met: bool | None = None          # None: no goal set, or not measured
    details: list[str] = field(default_factory=list)
    failed: str = ""


def fmt(value: float) -> str:
    """A time in ms for the table: 1.26 s, 232 ms, 9.8 ms."""
    if value >= 1000:
        return f"{value / 1000:.2f} s"
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def _stats(values: list[float], with_p95: bool) -> str:
    return f"median {fmt(_median(values))}" + (f", p95 {fmt(p95(values))}" if with_p95 else "")


def _median(values: list[float]) -> float:
    return summary(values)["median"]


def _rows_compute(f: dict) -> list[Row]:
    c = f["campaign"]
    median = _median(f["whole"])
    return [Row("compute", f"`compute`: parse + compute + results JSON ({c['people']} people, {c['posts']} posts, "
                f"{c['judges']} judges, {c['voters']} voters)", _stats(f["whole"], False), "median < 200 ms",
                median < 200,
                [f"parse {fmt(_median(f['parse']))}, compute {fmt(_median(f['compute']))}, "
                 f"results JSON {fmt(_median(f['json']))} (medians of {f['runs']}; {c['pairs']} pairs, "
                 f"{c['kib']:.0f} KiB of JSON)"])]


def _rows_gui_start(f: dict) -> list[Row]:
    t = f["times"]
    median = _median(t)
    bare = f.get("bare") or []
    return [Row("gui_start", f"start → usable main window, {f['people']} people (interpreter start included)",
                _stats(t, False), "median ≤ 0.6 s", median <= 600,
                [f"best {fmt(min(t))}, worst {fmt(max(t))} of {len(t)} starts; "
                 + ("bytecode cached, as after a program's first start" if f["bytecode"]
                    else "bytecode as the environment has it")
                 + (f"; a bare PySide6 window after importing SQLAlchemy, interleaved: median {fmt(_median(bare))}"
                    if bare else "")])]


def _rows_speech(f: dict) -> list[Row]:
    t = f["total"]
    ok = _median(t) < 16 and p95(t) < 16 and not f["missed"]
    return [Row("speech", f"typed 竞岗演讲 score → trimmed mean on screen ({f['speakers']} speakers × "
                f"{f['judges']} judges)", _stats(t, True), "< 16 ms (median and p95)", ok,
                [f"the score's write {_stats(f['service'], True)}; the screen {_stats(f['screen'], True)}; "
                 f"{len(t)} entries" + (f"; {f['missed']} never showed the mean" if f["missed"] else "")])]


def _rows_store(f: dict) -> list[Row]:
    b = f["backends"]["sqlite"]
    wb = f["workbook"]
    bare = b["roster_bare"]
    ratio = _median(b["roster"]) / _median(bare)
    return [
        Row("store_score", "one score saved (`set_speech_score`: transaction, audit row, fsync)",
            _stats(b["set_score"], True), details=[f"{len(b['set_score'])} keystrokes"]),
        Row("store_open", f"open a {f['people']}-person campaign + compute every result",
            _stats(b["open_compute"], False), details=[f"`Store.open` alone {_stats(b['open'], False)}"]),
        Row("store_roster", f"import a {f['rows']:,}-row roster workbook (read + match + store), against openpyxl's "
            "bare read of it", _stats(b["roster"], False) + f" = {ratio:.2f} × bare read ({fmt(_median(bare))})",
            "≤ 2 × the bare read", ratio <= 2,
            details=[f"{len(b['roster'])} imports into an empty campaign, each after a bare read (openpyxl "
                     f"`load_workbook` + every cell's value) of the same workbook, both warm (modules loaded); "
                     f"the program's reader alone: best {fmt(wb['read_best'])}"]),
    ]


def _rows_projector(f: dict) -> list[Row]:
    i = f["info"]
    rows = []
    for key, where in (("wall", "wall only"), ("main_window", "in the main window")):
        if key not in f:
            continue
        t = f[key]
        rows.append(Row(f"projector_{key}", f"saved ballot → projector repainted, {where} ({i['ballots']} "
                        f"ballots × {i['candidates']} candidates)", _stats(t["total"], True),
                        "p95 < 16 ms", p95(t["total"]) < 16,
                        [where + (" (定岗推荐计票 tab shown)" if key == "main_window" else " (workbench + wall)")
                         + f": the ballot's write {_stats(t['write'], True)}, the tally {_stats(t['tally'], True)}, "
                         f"the wall's paint {_stats(t['paint'], True)}; {len(t['total'])} saves"]))
    return rows


def _per_page(c: dict, side: str) -> str:
    return (f"{_median(c[side + '_wall_page']):.1f} ms a page (CPU {_median(c[side + '_cpu_page']):.1f} ms), "
            f"{c[side + '_pages']} pages, peak {c[side + '_peak_mib']:.0f} MiB")


def _versus_base(key: str, what: str, c: dict) -> Row:
    """This version against commit ``c['rev']`` a page at a time, measured interleaved (benchmarks/baseline.py)."""
    wall, cpu = _median(c["now_wall_page"]), _median(c["now_cpu_page"])
    base_wall, base_cpu = _median(c["base_wall_page"]), _median(c["base_cpu_page"])
    return Row(key, f"{what}, a page, against commit {c['rev']} (before issue 15), interleaved",
               f"median {wall:.1f} ms a page (CPU {cpu:.1f} ms)",
               f"≤ {c['rev']}: {base_wall:.1f} ms a page (CPU {base_cpu:.1f} ms)", wall <= base_wall and cpu <= base_cpu,
               [f"this version {_per_page(c, 'now')}; commit {c['rev']} {_per_page(c, 'base')}; "
                f"{len(c['now'])} rounds of each, one after the other, each in a fresh interpreter"])


def _rows_ballots(f: dict) -> list[Row]:
    per_page = _median(f["per_page"])
    what = f"定岗推荐票 PDF, {f['candidates']} candidates, {f['ballots']} ballots"
    rows = [Row("ballots", f"{what} ({f['pages']} pages)", f"median {per_page:.1f} ms a page", details=[
        f"{fmt(_median(f['times']))} a run, {f['mib']:.1f} MiB of PDF, peak memory {f['peak_mib']:.0f} MiB"])]
    if "compare" in f:
        rows.append(_versus_base("ballots_vs_base", what, f["compare"]))
    return rows


def _rows_reports(f: dict) -> list[Row]:
    t = f["times"]
    what = f"综合考评结果 PDF, {f['rows']} rows ({f['candidates']} candidates × {f['posts_each']} posts"
    rows = [Row("reports", f"{what}, {f['pages']} pages)", _stats(t, False), "median < 1 s", _median(t) < 1000,
                [f"first run, fonts loaded: {fmt(f['cold'])}; {len(t)} runs; "
                 f"{_median(t) / max(f['pages'], 1):.1f} ms a page"])]
    if "compare" in f:
        rows.append(_versus_base("reports_vs_base", what + ")", f["compare"]))
    return rows


def _rows_selection(f: dict) -> list[Row]:
    i = f["info"]
    t = f["total"]
    return [Row("selection", f"双向选择: one pick typed → tab redrawn ({i['people']}-person demo, "
                f"{i['offices']} 科室, main window)", _stats(t, True), "— (none set)", None,
                [f"the pick's write {_stats(f['write'], True)}, the tab's reload {_stats(f['refresh'], True)}, "
                 f"Qt (editor, models, paint) {_stats(f['qt'], True)}; {len(t)} picks"
                 + (f"; {f['missed']} never showed" if f["missed"] else "")])]


def _rows_count_entry(f: dict) -> list[Row]:
    t = f["total"]
    keys = f["keys"]
    return [Row("count_entry", f"定岗推荐计票: numbered ballot keyed through the tab ({f['ballots']} ballots × "
                f"{f['candidates']} candidates; {min(keys)}–{max(keys)} keys each)", _stats(t, True),
                "median < 20 ms", _median(t) < 20,
                [f"the number's check {_stats(f['check'], True)}, the ballot's write {_stats(f['write'], True)}, "
                 f"keys, form and the tab's redraw {_stats(f['rest'], True)}; CPU {_stats(f['cpu'], True)}"])]


LIMIT_CASES = {
    "roster_400k_rows": "refuse a roster workbook of {rows:,} rows ({roster_mb:.1f} MB)",
    "compute_20000_people": "`compute`: refuse a {people:,}-person campaign file ({full_mb:.1f} MB)",
    "import_20000_people": "`import`: refuse the same file",
    "import_20000_slim": "`import`: refuse {people:,} people with id, name, rank only ({slim_mb:.1f} MB)",
    "import_near_limit": "`import`: refuse a {near_mb:.1f} MB file ({near:,} people) with one bad score at the end",
}


def _rows_limits(f: dict) -> list[Row]:
    rows = []
    for key, what in LIMIT_CASES.items():
        c = f["cases"][key]
        ok = c["exit"] == 2 and c["seconds"] < 5 and c["peak_mb"] < 500
        rows.append(Row(f"limits_{key}", what.format(rows=f["rows"], people=f["people"], near=f["near"], **f["sizes"]),
                        f"{c['seconds']:.2f} s, {c['peak_mb']:.0f} MB", "< 5 s and < 500 MB (interpreter start "
                        "included)", ok, [f"exit {c['exit']}: {c['message']}"]))
    return rows


def _rows_scan(f: dict) -> list[Row]:
    rates = {dpi: 60_000 / _median(v) for dpi, v in f["cpu_ms"].items()}
    rate = rates.get("300", 0.0)
    median = _median(f["cpu_ms"]["300"]) if "300" in f["cpu_ms"] else float("nan")
    met = f["silent_errors"] == 0 and f["doubtful_pct"] <= 2.0 and rate >= 60
    rejected = "; ".join(f"{code} {r['expected']} expected, {r['unexpected']} unexpected"
                         for code, r in sorted(f["rejections"].items())) or "none"
    return [Row("scan", f"扫描计票: {f['sheets']} generated 定岗推荐票 pages read against their truth "
                "(200/300 dpi, every mark style and degradation)",
                f"median {fmt(median)} CPU per 300 dpi page = {rate:.0f} sheets/min on one core; "
                f"{f['silent_errors']} silent errors; {f['doubtful_pct']:.2f} % boxes doubtful",
                "≥ 60 sheets/min, 0 silent errors, ≤ 2 % doubtful", met,
                [f"{f['read']} pages read, {f['blank']} blank backs skipped, {f['rejected']} rejected ({rejected}); "
                 f"missed rejections {f['missed_rejections']}, blank pages mistaken {f['unexpected_blank']}",
                 f"{f['doubtful']} of {f['boxes']} boxes doubtful, {f['doubtful_candidates']} of {f['candidates']} "
                 f"candidates; thresholds {f['thresholds'][0]} / {f['thresholds'][1]}; "
                 + ", ".join(f"{dpi} dpi {r:.0f} sheets/min" for dpi, r in sorted(rates.items())
                             if dpi in ("200", "300"))]
                + ["fills (min / p01 / median / p99 / max): " + "; ".join(
                    f"{k.removeprefix('truth: ')} " + " / ".join(f"{f['fills'][k][q]:.3f}" for q in
                                                                ("min", "p01", "median", "p99", "max"))
                    for k in ("truth: empty", "truth: either", "truth: marked") if k in f["fills"])]
                + [f"silent: {s}" for s in f["silent"][:10]]
                + [f"against the truth: {s}" for s in f.get("unexpected", [])[:10]])]


ROW_BUILDERS: dict[str, Callable[[dict], list[Row]]] = {
    "compute": _rows_compute, "gui_start": _rows_gui_start, "speech": _rows_speech, "store": _rows_store,
    "projector": _rows_projector, "reports": _rows_reports, "ballots": _rows_ballots, "selection": _rows_selection,
    "count_entry": _rows_count_entry,
    "scan": _rows_scan,
    "limits": _rows_limits,
}

# the rows each benchmark gives (for a failed run: one row per key, marked failed)
ROW_KEYS = {
    "compute": ["compute"], "gui_start": ["gui_start"], "speech": ["speech"],
    "store": ["store_score", "store_open", "store_roster"], "projector": ["projector_wall", "projector_main_window"],
    "reports": ["reports"], "ballots": ["ballots"], "selection": ["selection"], "count_entry": ["count_entry"],
    "scan": ["scan"], "limits": [f"limits_{k}" for k in LIMIT_CASES],
}


def build_rows(outcomes: list[Outcome]) -> list[Row]:
    rows = []
    for o in outcomes:
        if o.figures is None:
            rows += [Row(key, f"`{MODULES[o.name]}.py`", "failed", failed=o.error) for key in ROW_KEYS[o.name]]
            continue
        rows += ROW_BUILDERS[o.name](o.figures)
    return rows


def per_benchmark_load(outcomes: list[Outcome]) -> str:
    """``compute 2 s (others 0.05 CPUs), …``: how long each benchmark ran and the other load meanwhile."""
    return ", ".join(f"{o.name} {o.seconds:.0f} s" + (f" (others {o.load['others']:.2f})" if "others" in o.load else "")
                     for o in outcomes)


def met_text(row: Row, markdown: bool) -> str:
    if row.failed:
        return "**failed**" if markdown else "FAILED"
    if row.met is None:
        return "—"
    return "yes" if row.met else ("**no**" if markdown else "NO")


# -- output -----------------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


COLUMNS = ("what", "figure", "goal", "met?")


def text_report(rows: list[Row], info: dict[str, str], load: dict | None, preset: str,
                outcomes: list[Outcome] = ()) -> str:
    lines = ["machine:"] + [f"  {k:<8} {v}" for k, v in info.items()]
    rough = " (fewer runs: a smoke check, rough figures)" if preset != "full" else ""
    lines.append(f"  {'preset':<8} {preset}{rough}")
    lines.append("")
    cells = [COLUMNS] + [(r.what, r.figure, r.goal, met_text(r, False)) for r in rows]
    widths = [max(_width(c[i]) for c in cells) for i in range(len(COLUMNS))]
    for n, c in enumerate(cells):
        lines.append("  ".join(_pad(x, w) for x, w in zip(c, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("details:")
    for r in rows:
        for d in r.details:
            lines.append(f"  {r.key}: {d}")
        if r.failed:
            lines.append(f"  {r.key}: failed:\n" + "\n".join("    " + x for x in r.failed.splitlines()))
    if load:
        lines += ["", "load: " + load_note(load)]
    if outcomes:
        lines.append("each: " + per_benchmark_load(outcomes))
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(rows: list[Row]) -> str:
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += [f"| {_md(r.what)} | {_md(r.figure)} | {_md(r.goal)} | {met_text(r, True)} |" for r in rows]
    return "\n".join(out)


def markdown_report(rows: list[Row], info: dict[str, str], load: dict | None, preset: str,
                    command: str = "python -m benchmarks", outcomes: list[Outcome] = ()) -> str:
    parts = [
        "# Benchmarks / 速度",
        "",
        f"Written by `{command}` — rerun it from the repository's folder after the README's install command "
        "(`python3 -m pip install -e .`) to measure your machine; `--markdown docs/BENCHMARKS.md` rewrites this "
        "file, `--quick` is a smoke check with fewer runs (under a minute), `--only NAME,…` runs some of "
        f"{', '.join(MODULES)}. Each benchmark is a script in `benchmarks/` that also runs alone "
        "(`python benchmarks/bench_compute.py`, …) and prints more detail; the runner starts each in a fresh "
        "interpreter, one after the other. Times are wall-clock; the tests never time anything. The rows "
        "\"against commit …\" print the same PDFs with an earlier version of the program (extracted with "
        "`git archive`, `benchmarks/baseline.py`), alternating with this version's runs so both are measured "
        "under the same load, and give the CPU time too (the steadier figure on a shared machine).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    parts += [f"| {k} | {_md(v)} |" for k, v in info.items()]
    parts.append(f"| preset | {preset}" + (" (fewer runs: rough figures)" if preset != "full" else "") + " |")
    parts += ["", "## Figures", "", markdown_table(rows), "", "Details:", ""]
    for r in rows:
        parts += [f"- {r.key}: {_md(d)}" for d in r.details]
        if r.failed:
            parts.append(f"- {r.key}: failed: `{_md(r.failed.splitlines()[-1] if r.failed else '')}`")
    if load:
        parts += ["", "## Load", "", load_note(load)]
    if outcomes:
        parts += ["", "Each benchmark's run time, and the CPUs other processes kept busy meanwhile: "
                  + per_benchmark_load(outcomes) + "."]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        child(argv[1], json.loads(argv[2]))
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs: a smoke check in under a minute")
    parser.add_argument("--markdown", metavar="FILE", help="also write the report as Markdown (docs/BENCHMARKS.md)")
    parser.add_argument("--only", metavar="NAMES", help=f"comma-separated, of: {', '.join(MODULES)}")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(MODULES)}")
    preset = "quick" if args.quick else "full"

    info = machine()
    meter = LoadMeter()
    outcomes = run_all(preset, names, progress=lambda text: print(text, file=sys.stderr, flush=True))
    load = meter.stop()
    rows = build_rows(outcomes)
    print(text_report(rows, info, load, preset, outcomes))
    if args.markdown:
        command = ("python -m benchmarks" + (" --quick" if args.quick else "")
                   + (f" --only {args.only}" if args.only else ""))
        Path(args.markdown).write_text(markdown_report(rows, info, load, preset, command, outcomes),
                                       encoding="utf-8")
        print(f"\nwritten: {args.markdown}")
    return 1 if any(o.figures is None for o in outcomes) else 0
