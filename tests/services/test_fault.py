"""Fault test: the clerk's laptop dies while scores are being typed (SQLite file).

A child process opens a campaign file and enters speech and exam scores in a loop, one committed
transaction per entry, printing ``saved …`` (flushed) only after the service call has returned.
The parent kills it with SIGKILL at a random moment, many times over the same file. After each
kill: ``PRAGMA integrity_check`` is ``ok``, the file opens, every entry the child reported as
saved is there with its value (the one entry in flight may hold its old or its new value), and
the audit chain verifies. The random parameters come from a fixed seed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models.schema import Score
from app.services import scores
from app.services.campaign_io import import_campaign
from app.services.store import Store
from tests.conftest import DATA
from tests.services.conftest import new_store

ROOT = Path(__file__).resolve().parents[2]
RUNS = 25
SEED = 20260517
PEOPLE = ("1001", "1002", "1003")
JUDGES = tuple(f"J{n:02d}" for n in range(1, 8))

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

CHILD = r"""
import random, sys
sys.path.insert(0, sys.argv[1])
from app.services import scores
from app.services.store import Store

path, seed = sys.argv[2], int(sys.argv[3])
people, judges = sys.argv[4].split(","), sys.argv[5].split(",")
r = random.Random(seed)
store = Store.open(path, operator="录入员" + str(seed % 7))
out = sys.stdout
out.write("ready\n")
out.flush()
for _ in range(1_000_000):
    tenths = r.randint(500, 1000)
    value = f"{tenths // 10}.{tenths % 10}"
    person = r.choice(people)
    key = f"exam:{person}" if r.random() < 0.25 else f"speech:{person}:{r.choice(judges)}"
    out.write(f"saving {key} {value}\n")
    out.flush()
    if key.startswith("exam:"):
        scores.set_score(store, person, "exam", value)
    else:
        scores.set_speech_score(store, person, key.rsplit(":", 1)[1], value)
    out.write(f"saved {key} {value}\n")
    out.flush()
"""


def stored_entries(store: Store) -> dict[str, Decimal]:
    out = {f"speech:{p}:{j}": v for p, row in scores.speech_scores(store).items() for j, (v, _, _) in row.items()}
    with store.read() as s:
        for x in s.execute(select(Score).where(Score.item == "exam")).scalars():
            out[f"exam:{x.person_id}"] = Decimal(x.value)
    return out


def run_child_and_kill(path: Path, child_seed: int, delay: float, from_start: bool) -> tuple[list[str], str]:
    """Start the child, SIGKILL it ``delay`` s after it is ready (or after it started), return its lines."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(ROOT), str(path), str(child_seed),
                             ",".join(PEOPLE), ",".join(JUDGES)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env)
    lines: list[str] = []
    ready = threading.Event()

    def reader() -> None:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("ready"):
                ready.set()
        ready.set()  # the child ended (it should not, before the kill)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        if not from_start:
            assert ready.wait(timeout=60), "the child never got ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    thread.join(timeout=30)
    stderr = proc.stderr.read()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, f"the child ended by itself ({proc.returncode}):\n{stderr}"
    return lines, stderr


def test_sigkill_while_typing_loses_no_saved_entry_and_never_corrupts_the_file(tmp_path):
    path = tmp_path / "fault.db"
    store = new_store(path)
    import_campaign(store, json.loads((DATA / "small.json").read_text(encoding="utf-8")))
    expected = stored_entries(store)
    store.close()

    rng = random.Random(SEED)
    started = time.monotonic()
    saved_total = in_flight_total = 0
    for run in range(RUNS):
        from_start = run % 5 == 4                      # every fifth kill may land while it opens
        delay = rng.uniform(0.2, 1.2) if from_start else rng.uniform(0.0, 0.5)
        lines, _ = run_child_and_kill(path, rng.randrange(1_000_000), delay, from_start)

        pending: tuple[str, Decimal] | None = None
        for line in lines:
            word, *rest = line.split(" ")
            if word == "saving":
                pending = (rest[0], Decimal(rest[1]))
            elif word == "saved":
                expected[rest[0]] = Decimal(rest[1])
                saved_total += 1
                pending = None

        where = f"run {run + 1}/{RUNS} (delay {delay:.3f} s, {len(lines)} lines)"
        db = sqlite3.connect(path)                      # the file as the killed child left it
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], where
        finally:
            db.close()
        checker = Store.open(path, operator="监督组")
        try:
            actual = stored_entries(checker)
            if pending is not None:                     # killed inside that call: old or new, never else
                key, value = pending
                assert actual.get(key) in {expected.get(key), value}, f"{where}: {key} = {actual.get(key)}"
                expected[key] = actual[key]
                in_flight_total += 1
            missing = {k: (v, actual.get(k)) for k, v in expected.items() if actual.get(k) != v}
            assert not missing, f"{where}: saved entries lost or changed: {missing}"
            report = checker.verify()
            assert report.ok, f"{where}: {report.problems}"
        finally:
            checker.close()

    elapsed = time.monotonic() - started
    assert saved_total > RUNS, "the kills hit too early to test anything"
    print(f"\nfault test: {RUNS} SIGKILLs, {saved_total} entries reported saved and found, "
          f"{in_flight_total} kills inside a save, {elapsed:.1f} s")
