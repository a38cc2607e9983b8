"""Looking at a campaign file before trusting it (SPEC §9, issue 14).

:func:`look` opens an SQLite file **read-only** (``mode=ro``: nothing is written — a foreign or damaged
file is never switched to WAL or migrated) and checks, in this order: the SQLite header, SQLite's own
integrity check, that it is a campaign file of a version this program knows, that it holds no schema
object the program did not create (a trigger, a view, an extra table or index), that the chain head
row agrees with the last audit row, and that every stage's state is the one its last logged stage event
says. Each failure raises :class:`FileProblem` with a Chinese message; ``kind`` tells a file that cannot
be checked (``unreadable``, ``corrupt``, ``foreign``, ``newer``) from one that was tampered with
(``tampered``).

The same schema and stage checks run on a PostgreSQL connection (:func:`schema_problems`,
:func:`state_problems`), through a small ``query`` function so both drivers share one text.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..core.stage_rules import STAGE_LABELS, STATE_LABELS, state_of
from .schema import Base

Query = Callable[[str, Sequence[Any]], list[tuple]]

UNREADABLE, CORRUPT, FOREIGN, NEWER, TAMPERED = "unreadable", "corrupt", "foreign", "newer", "tampered"
SQLITE_MAGIC = b"SQLite format 3\x00"
UNTOUCHED = "文件未作任何改动"


class FileProblem(Exception):
    def __init__(self, message: str, kind: str, details: Sequence[str] = ()):
        super().__init__(message)
        self.kind = kind
        self.details = tuple(details)


@dataclass(frozen=True)
class FileLook:
    path: Path
    revision: str
    read_only: bool          # the file (or its folder) cannot be written: open it read-only
    problems: tuple[str, ...] = ()   # signs of tampering (only when ``look(refuse=False)``)
    tables: frozenset[str] = frozenset()


def is_read_only(path: Path) -> bool:
    """The file is marked read-only (even for an administrator), or this user may not write it or
    create the WAL side files beside it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        return True
    return not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK)


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write the file; ``immutable`` when not even the WAL index can be made."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=10)
        conn.execute("select count(*) from sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=10)
        conn.execute("select count(*) from sqlite_master").fetchone()
        return conn


def _sqlite_query(conn: sqlite3.Connection) -> Query:
    def query(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return conn.execute(sql, tuple(params)).fetchall()
    return query


def newest() -> str:
    from .migrate import head_revision
    return head_revision()


def look(path: str | Path, known_revisions: Callable[[str], bool], *, integrity: str = "quick_check",
         refuse: bool = True) -> FileLook:
    """The read-only look at an SQLite campaign file (see the module docstring); ``known_revisions``
    says whether a schema revision is one this program knows (else the file is newer). With
    ``refuse=False`` signs of tampering are returned in ``problems`` instead (``verify`` lists them)."""
    path = Path(path)
    name = str(path)
    if not path.exists():
        raise FileProblem(f"找不到文件 {name}", UNREADABLE)
    if path.is_dir():
        raise FileProblem(f"{name} 是文件夹，不是竞岗考评的数据文件", UNREADABLE)
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as err:
        raise FileProblem(f"无法读取 {name}（{err.strerror or err}）", UNREADABLE) from None
    if not header.startswith(SQLITE_MAGIC):
        raise FileProblem(f"{name} 不是竞岗考评的数据文件（不是 SQLite 数据库）；{UNTOUCHED}", FOREIGN)
    if len(header) < 100:
        raise FileProblem(f"{name} 已损坏（文件不完整，只有 {len(header)} 字节）；{UNTOUCHED}", CORRUPT)
    try:
        conn = connect_read_only(path)
    except sqlite3.DatabaseError as err:
        raise FileProblem(f"{name} 已损坏，无法打开（{err}）；{UNTOUCHED}", CORRUPT) from None
    try:
        query = _sqlite_query(conn)
        try:
            checked = [r[0] for r in query(f"PRAGMA {integrity}", ())]
        except sqlite3.DatabaseError as err:
            raise FileProblem(f"{name} 已损坏（SQLite 完整性检查无法进行：{err}）；{UNTOUCHED}", CORRUPT) from None
        if checked != ["ok"]:
            shown = "；".join(checked[:3]) + ("…" if len(checked) > 3 else "")
            raise FileProblem(f"{name} 已损坏（SQLite 完整性检查未通过：{shown}）；{UNTOUCHED}", CORRUPT)
        try:
            tables = {r[0] for r in query("select name from sqlite_master where type = 'table'", ())}
            if not {"alembic_version", "meta", "audit_log", "chain_head", "stages"} <= tables:
                raise FileProblem(f"{name} 不是竞岗考评的数据文件（是其他程序的 SQLite 数据库）；{UNTOUCHED}", FOREIGN)
            revisions = [r[0] for r in query("select version_num from alembic_version", ())]
            if len(revisions) != 1:
                raise FileProblem(f"{name} 不是竞岗考评的数据文件（数据版本记录异常）；{UNTOUCHED}", FOREIGN)
            revision = revisions[0]
            if not known_revisions(revision):
                raise FileProblem(f"此文件由较新版本的程序创建（数据版本 {revision}），请用新版本程序打开；{UNTOUCHED}",
                                  NEWER)
            older = revision != newest()
            problems = schema_problems(query, "sqlite", older=older) + state_problems(query)
        except sqlite3.DatabaseError as err:
            raise FileProblem(f"{name} 已损坏（读取时出错：{err}）；{UNTOUCHED}", CORRUPT) from None
        if problems and refuse:
            raise FileProblem(f"{name} 在本程序之外被改动过，拒绝打开（{UNTOUCHED}）：\n" + "\n".join(problems)
                              + "\n请监督组用 python -m app verify 核对此文件，或改用此前的备份。",
                              TAMPERED, problems)
        return FileLook(path, revision, is_read_only(path), tuple(problems), frozenset(tables))
    finally:
        conn.close()


# -- schema objects ------------------------------------------------------------------------------

def expected_schema() -> tuple[dict[str, set[str]], set[str]]:
    """The tables (with their columns) and named indexes this program creates."""
    tables = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    tables["alembic_version"] = {"version_num"}
    indexes = {ix.name for t in Base.metadata.sorted_tables for ix in t.indexes if ix.name}
    return tables, indexes


def schema_problems(query: Query, dialect: str, *, older: bool = False) -> list[str]:
    """Every schema object the program did not create: a trigger, a view, an extra table or index, or a
    table with a column the program's has not. Of a file of an older version (``older``) tables and columns
    a later migration adds may be missing."""
    tables, indexes = expected_schema()
    problems: list[str] = []
    if dialect == "sqlite":
        rows = query("select type, name, tbl_name from sqlite_master", ())
        for kind, name, table in sorted(rows, key=lambda r: (str(r[0]), str(r[1]))):
            if kind == "trigger":
                problems.append(f"数据库中有触发器 {name}（表 {table}）：本程序从不建触发器")
            elif kind == "view":
                problems.append(f"数据库中有视图 {name}：本程序从不建视图")
            elif kind == "table" and name not in tables and name not in ("sqlite_sequence",) \
                    and not str(name).startswith("sqlite_stat"):
                problems.append(f"数据库中有多余的表 {name}")
            elif kind == "index" and name not in indexes and not (
                    str(name).startswith("sqlite_autoindex_") and table in tables):
                problems.append(f"数据库中有多余的索引 {name}（表 {table}）")
        for name, columns in tables.items():
            found = {r[1] for r in query(f'PRAGMA table_info("{name}")', ())}
            if found and found != columns:
                extra, missing = sorted(found - columns), ([] if older else sorted(columns - found))
                if not extra and not missing:
                    continue
                what = "；".join(x for x in (f"多出列 {'、'.join(extra)}" if extra else "",
                                           f"缺少列 {'、'.join(missing)}" if missing else "") if x)
                problems.append(f"表 {name} 的结构与程序不符（{what}）")
        return problems
    # PostgreSQL: the current schema
    for (name,) in query("select trigger_name from information_schema.triggers "
                         "where trigger_schema = current_schema()", ()):
        problems.append(f"数据库中有触发器 {name}：本程序从不建触发器")
    for (name,) in query("select table_name from information_schema.views where table_schema = current_schema()", ()):
        problems.append(f"数据库中有视图 {name}：本程序从不建视图")
    for (name,) in query("select table_name from information_schema.tables "
                         "where table_schema = current_schema() and table_type = 'BASE TABLE'", ()):
        if name not in tables:
            problems.append(f"数据库中有多余的表 {name}")
    for (name, table) in query("select i.relname, t.relname from pg_index x join pg_class i on i.oid = x.indexrelid "
                               "join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace "
                               "where n.nspname = current_schema() and not x.indisprimary", ()):
        if name not in indexes:
            problems.append(f"数据库中有多余的索引 {name}（表 {table}）")
    return problems


def state_problems(query: Query) -> list[str]:
    """The chain head row against the last audit row, and each stage's state against its last logged
    stage event (a state edited behind the program's back, or a chain cut short)."""
    problems: list[str] = []
    head = query("select seq, hash from chain_head where id = 1", ())
    last = query("select seq, hash from audit_log order by seq desc limit 1", ())
    head_seq, head_hash = (head[0] if head else (0, "0" * 64))
    last_seq, last_hash = (last[0] if last else (0, "0" * 64))
    if (head_seq, head_hash) != (last_seq, last_hash):
        problems.append(f"审计日志链头记录第 {head_seq} 条，而日志实有至第 {last_seq} 条（日志被删减或链头被改动）")
    labels = STAGE_LABELS
    for stage, state in query("select stage, state from stages", ()):
        logged = query("select new from audit_log where entity = ? order by seq desc limit 1", (f"stages:{stage}",))
        expected = state_of(logged[0][0]) if logged else None
        if expected != state:
            problems.append(f"阶段“{labels.get(stage, stage)}”的状态为{_state_label(state)}，而审计日志最后记录为"
                            f"{_state_label(expected)}（状态在程序之外被改动）")
    return problems


def _state_label(state: str | None) -> str:
    return f"“{STATE_LABELS[state]}”" if state in STATE_LABELS else "“无记录”"
