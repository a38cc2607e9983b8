"""Faults as the clerk meets them: the campaign file's disk full, the file read-only, the server gone.

``failing_writes`` makes every write statement of one store fail with the driver's own error (what
SQLite raises on a full disk or a read-only file), so a test can type into a tab and see what the
clerk sees. ``tmpfs`` mounts a real small RAM disk (root only) for the real thing.
"""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event

DISK_FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"
LOCKED = "database is locked"


@contextmanager
def _failing(store, kinds: tuple[str, ...], message: str) -> Iterator[None]:
    def before(conn, cursor, statement, params, context, executemany):
        if statement.lstrip()[:6].upper() in kinds:
            raise sqlite3.OperationalError(message)
    event.listen(store.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(store.engine, "before_cursor_execute", before)


def failing_writes(store, message: str = DISK_FULL):
    """While inside, every INSERT/UPDATE/DELETE of ``store`` raises ``sqlite3.OperationalError(message)``."""
    return _failing(store, ("INSERT", "UPDATE", "DELETE"), message)


DISK_IO = "disk I/O error"


def failing_reads(store, message: str = DISK_IO):
    """While inside, every SELECT of ``store`` raises ``sqlite3.OperationalError(message)`` (the file
    gone with its USB stick, the server away): a screen must say it cannot redraw, not fall over."""
    return _failing(store, ("SELECT",), message)


def can_mount() -> bool:
    probe = Path("/tmp/jinggang-mount-probe")
    probe.mkdir(exist_ok=True)
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                        capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", str(probe)], capture_output=True)
    return ok


@contextmanager
def tmpfs(path: Path, size: str = "2m") -> Iterator[Path]:
    """A real RAM disk of ``size`` at ``path`` (needs root); unmounted on exit."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(path: Path) -> None:
    """Fill the file system holding ``path`` to the last byte."""
    try:
        with open(path / "filler", "wb") as fh:
            while True:
                fh.write(b"\0" * 4096)
                fh.flush()
    except OSError:
        pass

