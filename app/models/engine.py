"""Opening a campaign database: an SQLite file (WAL, synchronous=FULL, foreign keys) or PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event


def is_url(target: str) -> bool:
    return "://" in target


def database_url(target: str | Path) -> str:
    """A file path becomes an SQLite URL; a URL (``postgresql+psycopg://…``) is kept."""
    text = str(target)
    if is_url(text):
        return text
    return f"sqlite:///{Path(text).resolve()}"


LOCK_WAIT_MS = 2000
"""How long a save waits for another laptop's save (SQLite's busy timeout, PostgreSQL's lock_timeout)
before it says 其他电脑正在保存; the workbench then tries again a few times."""
IDLE_IN_SAVE_MS = 5000
"""PostgreSQL ends the session of a laptop frozen inside a save after this long, releasing its locks
(idle_in_transaction_session_timeout): one stalled laptop holds the room a few seconds at most."""
STATEMENT_MS = 15000
CONNECT_S = 3


def make_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    """``read_only``: an SQLite file opened so that nothing can be written to it (``mode=ro``; a file whose
    folder cannot hold the WAL index even ``immutable``) — for a read-only file and for ``verify``."""
    url = database_url(target)
    if url.startswith("sqlite"):
        if read_only:
            return _read_only_engine(Path(str(target)))
        engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_MS / 1000})
        _sqlite_durability(engine)
        return engine
    options = (f"-c lock_timeout={LOCK_WAIT_MS} -c statement_timeout={STATEMENT_MS} "
               f"-c idle_in_transaction_session_timeout={IDLE_IN_SAVE_MS}")
    if read_only:
        options += " -c default_transaction_read_only=on"
    # Keepalives: a pulled cable or a dead server is noticed within seconds, not at the next save.
    return create_engine(url, pool_pre_ping=True, pool_recycle=600, connect_args={
        "options": options, "connect_timeout": CONNECT_S,
        "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2})


def _read_only_engine(path: Path) -> Engine:
    from .inspection import connect_read_only

    engine = create_engine("sqlite://", creator=lambda: connect_read_only(path))

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by the read-only tests
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only=1")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):  # pragma: no cover - exercised by the read-only tests
        conn.exec_driver_sql("BEGIN")
    return engine


def _sqlite_durability(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every store test
        # Let SQLAlchemy's events issue BEGIN, so a write transaction takes the lock at once
        # (BEGIN IMMEDIATE): two writers never both read the audit chain head and then collide.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn):  # pragma: no cover - exercised by every store test
        # Reads (engine.execution_options(readonly=True)) take no write lock.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("readonly") else "BEGIN IMMEDIATE")
