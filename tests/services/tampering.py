"""What someone holding a campaign file can do with sqlite3 and hashlib alone (issue 14): helpers for the
tampering tests. Written with the standard library only, as an attacker would, not with the program's code."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENESIS = "0" * 64

# The primary key columns of each audited table (the entity is "table:key1|key2").
KEYS = {"meta": ["key"], "scheme": ["id"], "stages": ["stage"], "posts": ["id"], "people": ["id"],
        "scores": ["person_id", "item"], "declarations": ["person_id", "round_no"], "judges": ["id"],
        "speech_scores": ["person_id", "judge_id"], "blind_entries": ["entity"], "presence": ["group"],
        "rec_counts": ["person_id", "post_id", "group"], "ballots": ["serial"], "draws": ["id"],
        "selection_choices": ["person_id"], "selection_picks": ["phase", "round_no", "post_id"],
        "selection_placements": ["person_id"]}


def row_hash(prev: str, r: tuple) -> str:
    seq, at, operator, action, entity, old, new, reason = r
    body = json.dumps([seq, at, operator, action, entity, old, new, reason], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{body}".encode("utf-8")).hexdigest()


def rechain(db: sqlite3.Connection) -> None:
    """Recompute every row's hash and link, and the chain head: the log is consistent again."""
    prev, last = GENESIS, 0
    rows = db.execute("select seq, at, operator, action, entity, old, new, reason from audit_log order by seq").fetchall()
    for r in rows:
        digest = row_hash(prev, r)
        db.execute("update audit_log set prev_hash = ?, hash = ? where seq = ?", (prev, digest, r[0]))
        prev, last = digest, r[0]
    db.execute("update chain_head set seq = ?, hash = ? where id = 1", (last, prev))


def append_row(db: sqlite3.Connection, action: str, entity: str, old: str | None, new: str | None,
               reason: str | None = None, operator: str = "王敏") -> int:
    """One more, correctly chained row at the end of the log."""
    seq, prev = db.execute("select seq, hash from chain_head where id = 1").fetchone()
    at = db.execute("select at from audit_log where seq = ?", (seq,)).fetchone()[0]
    r = (seq + 1, at, operator, action, entity, old, new, reason)
    digest = row_hash(prev, r)
    db.execute("insert into audit_log (seq, at, operator, action, entity, old, new, reason, prev_hash, hash) "
               "values (?,?,?,?,?,?,?,?,?,?)", (*r, prev, digest))
    db.execute("update chain_head set seq = ?, hash = ? where id = 1", (seq + 1, digest))
    return seq + 1


def set_row(db: sqlite3.Connection, entity: str, state: dict | None) -> None:
    """Make the stored row of ``entity`` be ``state`` (the logged JSON of its columns), or absent."""
    table, _, key = entity.partition(":")
    keys = KEYS[table]
    where = " and ".join(f'"{k}" = ?' for k in keys)
    values = key.split("|") if table != "blind_entries" else [key]
    db.execute(f'delete from "{table}" where {where}', values)
    if state is not None:
        cols = list(state) + ["version"]
        db.execute(f'insert into "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
                   f'values ({", ".join("?" for _ in cols)})', [*state.values(), 1])


def cut_log(db: sqlite3.Connection, rows: int) -> None:
    """Delete the last ``rows`` audit rows, put their data back as it was, and move the head."""
    last = db.execute("select max(seq) from audit_log").fetchone()[0]
    for action, entity, old in db.execute("select action, entity, old from audit_log where seq > ? order by seq desc",
                                          (last - rows,)).fetchall():
        if action != "event":
            set_row(db, entity, json.loads(old) if old else None)
    db.execute("delete from audit_log where seq > ?", (last - rows,))
    seq, digest = db.execute("select seq, hash from audit_log order by seq desc limit 1").fetchone()
    db.execute("update chain_head set seq = ?, hash = ? where id = 1", (seq, digest))


def rewrite_logged(db: sqlite3.Connection, entity: str, change) -> None:
    """Apply ``change(dict)`` to every logged state of ``entity`` (old and new) and to the stored row."""
    for seq, old, new in db.execute("select seq, old, new from audit_log where entity = ?", (entity,)).fetchall():
        fixed = [json.dumps(change(json.loads(x)), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                 if x else x for x in (old, new)]
        db.execute("update audit_log set old = ?, new = ? where seq = ?", (*fixed, seq))
    last = db.execute("select new from audit_log where entity = ? order by seq desc limit 1", (entity,)).fetchone()[0]
    set_row(db, entity, json.loads(last) if last else None)


def verify(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "verify", str(path), *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8")
