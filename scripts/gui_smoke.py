"""The real program on a real X server, keyed from outside (.ci/run runs it after the tests).

Starts Xvfb on a free display, then ``python -m app gui`` on a fresh rehearsal campaign (under Qt's xcb
platform, as a Linux desk runs it — so a system library missing for Qt's xcb plugin fails here, as it
failed on a fresh Debian machine), types a judge's score with xdotool (Alt+5, then 88.5 Enter), checks in
the campaign file that it was stored by this operator, and closes the program with Ctrl+Q.

    python scripts/gui_smoke.py        # needs Xvfb and xdotool (Debian: apt-get install xvfb xdotool)

Exit 0 when the score was stored and the program closed; 1 with what went wrong (and the program's output).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OPERATOR = "CI-xdotool"
SCORE = "88.5"


def say(text: str) -> None:
    print(f"[gui_smoke] {text}", file=sys.stderr, flush=True)


def free_display() -> int:
    for n in range(90, 200):
        if not Path(f"/tmp/.X{n}-lock").exists() and not Path(f"/tmp/.X11-unix/X{n}").exists():
            return n
    raise RuntimeError("no free X display number")


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {seconds:.0f} s waiting for {what}")


def xdotool(display: str, *args: str, timeout: float = 30) -> str:
    out = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True,
                         text=True, timeout=timeout)
    return out.stdout.strip()


def stored_scores(db: Path) -> dict:
    from app.services.scores import speech_scores
    from app.services.store import Store
    store = Store.open(db, operator="gui_smoke")
    try:
        return speech_scores(store)
    finally:
        store.close()


def last_operator(db: Path) -> str:
    import sqlite3
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT operator FROM audit_log WHERE entity LIKE 'speech_scores:%' "
                           "ORDER BY seq DESC LIMIT 1").fetchone()
    return row[0] if row else ""


def main() -> int:
    missing = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
    if missing:
        say(f"missing {', '.join(missing)} (Debian: apt-get install xvfb xdotool)")
        return 1
    from app.services.demo import create_rehearsal_store
    tmp = Path(tempfile.mkdtemp(prefix="jinggang-gui-smoke-"))
    db = tmp / "演练.db"
    create_rehearsal_store(db, operator="gui_smoke").close()
    n = free_display()
    display = f":{n}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    program = None
    log = tmp / "program.log"
    try:
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{n}").exists(), 20, f"Xvfb on {display}")
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        with log.open("w", encoding="utf-8") as out:
            program = subprocess.Popen([sys.executable, "-m", "app", "gui", str(db), "--operator", OPERATOR],
                                       cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        window = wait_for(lambda: program.poll() is None and xdotool(display, "search", "--name", "（录入人：.*） — 竞岗考评$"),
                          60, "the main window")
        if program.poll() is not None:
            raise RuntimeError(f"the program ended with exit code {program.returncode}")
        window = window.splitlines()[0]
        say(f"window {window} on {display}: {xdotool(display, 'getwindowname', window)}")
        xdotool(display, "windowfocus", "--sync", window)      # no window manager: focus it directly
        time.sleep(0.5)
        xdotool(display, "key", "alt+5")                         # 5 竞岗演讲评分: the first speaker's first judge
        time.sleep(1.0)
        xdotool(display, "type", "--delay", "60", SCORE)
        xdotool(display, "key", "Return")
        scores = wait_for(lambda: stored_scores(db), 20, "the score in the campaign file")
        values = [(pid, jid, str(v[0])) for pid, by in scores.items() for jid, v in by.items()]
        if [v[2] for v in values] != [SCORE] or last_operator(db) != OPERATOR:
            raise RuntimeError(f"stored {values} by {last_operator(db)!r}, expected one {SCORE} by {OPERATOR}")
        say(f"stored: {values[0][0]} {values[0][1]} = {values[0][2]} by {OPERATOR}")
        xdotool(display, "key", "ctrl+q")
        wait_for(lambda: program.poll() is not None, 20, "the program to close after Ctrl+Q")
        say(f"closed with Ctrl+Q (exit code {program.returncode})")
        return 0 if program.returncode == 0 else 1
    except Exception as err:  # noqa: BLE001 - reported with the program's own output
        say(f"FAILED: {err}")
        if log.exists():
            say("program output:\n" + log.read_text(encoding="utf-8", errors="replace")[-4000:])
        return 1
    finally:
        for proc in (program, xvfb):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
