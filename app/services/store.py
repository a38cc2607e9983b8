"""A campaign store: one SQLite file opened like a document (新建 / 打开 / 另存为 / 备份), or a
PostgreSQL database given by URL for several laptops. The only place sessions are opened.

Every write is one short transaction (committed when the entry is typed); the audit log and the
version check ride on it. Services return a :class:`Changed` flag saying what changed, so the
main window and the projector redraw from one signal.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
import secrets
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm import Session, sessionmaker

from ..core.scheme import Scheme
from ..models import audit
from ..models.engine import database_url, is_url, make_engine
from ..models.migrate import NewerFileError, current_revision, needs_upgrade, upgrade
from ..models.schema import ChainHead, Meta, SchemeRow, Stage
from .storage_errors import describe as describe_storage_error

STAGES = ("roster", "exam", "declarations", "draw", "speech", "recommendation", "assignment")
STAGE_LABELS = {
    "roster": "人员名单", "exam": "考试与测评", "declarations": "报岗", "draw": "抽签",
    "speech": "竞岗演讲评分", "recommendation": "定岗推荐计票", "assignment": "综合考评与人选",
}
STATE_LABELS = {"draft": "草稿", "confirmed": "已确认", "locked": "已锁定", "published": "已公布"}


class Changed(enum.Flag):
    NONE = 0
    ROSTER = enum.auto()
    SCORES = enum.auto()
    DECLARATIONS = enum.auto()
    DRAW = enum.auto()
    SPEECH = enum.auto()
    BALLOTS = enum.auto()
    STAGES = enum.auto()
    SCHEME = enum.auto()
    SELECTION = enum.auto()     # 双向选择 choices, picks, placements
    PROJECTOR = enum.auto()     # what the wall shows (scene, speaker, blackout): no data changed
    ALL = ROSTER | SCORES | DECLARATIONS | DRAW | SPEECH | BALLOTS | STAGES | SCHEME | SELECTION | PROJECTOR


class StoreError(RuntimeError):
    """The program's own errors, the only ones a service raises. A plain ``StoreError`` is a
    refusal (bad input, a rule): its Chinese message names the cell, row or field; nothing stored."""


class ConflictError(StoreError):
    """Somebody else changed the entry since it was read: nothing was overwritten. The message
    names who changed it and what it is now."""


class LockedError(StoreError):
    """The stage is locked or published: edits are refused until the 监督组 unlock it."""


class StorageError(StoreError):
    """The database could not be written or reached (disk full, read-only file, connection lost,
    lock timeout): nothing was stored. ``cause`` is the short Chinese reason (磁盘已满 …)."""

    def __init__(self, message: str, cause: str = "", *, retry: bool = False):
        super().__init__(message)
        self.cause = cause or message
        self.retry = retry        # worth trying again by itself (a lock timeout, a reconnect)


@dataclass(frozen=True)
class Wrote:
    """What a write service stored, as the program will show it (Anki's ``OpChanges``).

    ``changes`` says which views must redraw; ``entity`` and ``version`` name the stored row and
    its new version (0 = the row is now absent), ``value`` its stored text as shown; ``label`` is
    the entry in words for messages and the undo menu; ``seq`` the audit rows written
    ``(before, after]`` — undo and redo are built on them."""

    changes: "Changed"
    label: str = ""
    entity: str | None = None
    value: str | None = None
    version: int = 0
    seq: tuple[int, int] = (0, 0)
    result: object = None        # anything else the caller asked for (a ballot serial, a draw)
    undo: tuple | None = None    # (service, *args) that undoes this write where the generic revert of its
    #                              audit rows would not say enough (a whole roster import); None = generic

    def __bool__(self) -> bool:
        return bool(self.changes)


def hash_password(password: str, *, salt: bytes | None = None, iterations: int = 200_000) -> str:
    """PBKDF2-SHA256; only this hash is stored."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    return secrets.compare_digest(candidate.hex(), digest)


@dataclass(frozen=True)
class CampaignInfo:
    title: str
    unit: str
    location: str
    double_entry: bool


class Store:
    """An open campaign. ``operator`` is the name typed at start (录入人), written into every log row."""

    def __init__(self, engine: Engine, location: str, operator: str):
        self.engine = engine
        self.location = location
        self.operator = operator
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._readers = sessionmaker(engine.execution_options(readonly=True), expire_on_commit=False)
        audit.install(self._sessions)
        self.last_backup: str | None = None
        self._scheme_cache: tuple[str, Scheme] | None = None
        self.last_write: tuple[int, int] = (0, 0)
        """(audit seq before, after) of this store's last committed write: what undo reverts."""
        self.writes: list[tuple[int, int]] = []
        """(audit seq before, after) of each committed write; the workbench drains it to tell its own
        writes from another laptop's (see :meth:`last_seq`)."""

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def create(cls, target: str | Path, *, title: str, unit: str, supervisor_password: str,
               operator: str, scheme: Scheme | None = None) -> "Store":
        """新建: a new campaign file (refused if the file exists) or an empty PostgreSQL database."""
        if not operator.strip():
            raise StoreError("请先填写录入人姓名")
        if len(supervisor_password) < 4:
            raise StoreError("监督组密码至少 4 位")
        text = str(target)
        if not is_url(text) and Path(text).exists():
            raise StoreError(f"文件 {text} 已存在，不能覆盖；请换一个文件名")
        engine = make_engine(text)
        if current_revision(engine) is not None:
            raise StoreError("该数据库中已有竞岗数据，不能新建")
        upgrade(engine)
        store = cls(engine, text, operator.strip())
        with store.write("新建竞岗") as s:
            for key, value in (("title", title), ("unit", unit), ("double_entry", "0"),
                               ("supervisor_password", hash_password(supervisor_password))):
                s.add(Meta(key=key, value=value))
            s.add(SchemeRow(id=1, data=audit.canonical((scheme or Scheme()).to_json())))
            for stage in STAGES:
                s.add(Stage(stage=stage, state="draft"))
        return store

    @classmethod
    def open(cls, target: str | Path, *, operator: str) -> "Store":
        """打开: migrate an older file after writing a backup copy; refuse a newer one untouched."""
        if not operator.strip():
            raise StoreError("请先填写录入人姓名")
        text = str(target)
        if not is_url(text):
            path = Path(text)
            if not path.exists():
                raise StoreError(f"找不到文件 {text}")
            with path.open("rb") as fh:
                if fh.read(16) != b"SQLite format 3\x00":
                    raise StoreError(f"{text} 不是竞岗考评的数据文件")
        engine = make_engine(text)
        try:
            if current_revision(engine) is None or "meta" not in inspect(engine).get_table_names():
                raise StoreError(f"{text} 不是竞岗考评的数据文件")
            older = needs_upgrade(engine)
        except NewerFileError as err:
            engine.dispose()
            raise StoreError(f"此文件由较新版本的程序创建（数据版本 {err}），请用新版本程序打开；文件未作任何改动") from None
        except OperationalError as err:
            engine.dispose()
            raise StoreError(f"无法打开 {text}：{err.orig}") from None
        store = cls(engine, text, operator.strip())
        if older:
            if not is_url(text):
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                store.backup(Path(text).with_name(f"{Path(text).stem}.升级前备份-{stamp}.db"))
            upgrade(engine)
        return store

    @property
    def is_server(self) -> bool:
        """A PostgreSQL database (several laptops), not a campaign file."""
        return is_url(self.location)

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def write(self, reason: str | None = None) -> Iterator[Session]:
        """One transaction: committed on exit (logged), rolled back on any error (nothing stored).

        Raises only the program's own errors: a refusal or conflict raised inside passes through; a
        database or driver error becomes :class:`StorageError` (nothing was stored), a stale version
        :class:`ConflictError`."""
        session = self._sessions()
        session.info["operator"] = self.operator
        session.info["reason"] = reason
        try:
            with session.begin():
                if self.engine.dialect.name == "postgresql":
                    # Serialise writers from the start, as BEGIN IMMEDIATE does on SQLite: the checks a
                    # service makes across rows (a new cell, counts against those present) then see
                    # every earlier commit, and two laptops cannot both pass them.
                    audit.lock_chain(session)
                before = self._head_seq(session)      # the write lock is held from here to the commit
                yield session
                session.flush()
                after = self._head_seq(session)
            self.last_write = (before, after)      # empty when nothing was logged
            if after != before:
                self.writes.append((before, after))
        except StoreError:
            raise
        except StaleDataError:
            raise ConflictError("该项已被其他录入人修改，您的修改未保存；请刷新（Ctrl+R）后重新录入") from None
        except IntegrityError as err:
            # Two laptops inserting the same new row, or a row another laptop deleted meanwhile.
            raise ConflictError("该项已被其他录入人改动，您的修改未保存；请刷新（Ctrl+R）后重新录入") from err
        except (SQLAlchemyError, sqlite3.Error, OSError) as err:
            raise self._storage_error(err, "没有保存") from err
        finally:
            try:
                session.close()
            except (SQLAlchemyError, sqlite3.Error, OSError):   # a dead connection cannot even roll back
                pass

    @staticmethod
    def _storage_error(err: BaseException, what: str) -> StorageError:
        cause, retry = describe_storage_error(err)
        return StorageError(f"{what}：{cause}", cause, retry=retry)

    @staticmethod
    def head_seq(session: Session) -> int:
        """The audit log's last sequence number, read inside the caller's transaction."""
        return Store._head_seq(session)

    @staticmethod
    def _head_seq(session: Session) -> int:
        return session.execute(select(ChainHead.seq).where(ChainHead.id == 1)).scalar() or 0

    def last_seq(self) -> int:
        """The audit log's last sequence number: it moves with every write, from any laptop."""
        with self.read() as s:
            return self._head_seq(s)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read transaction. A database or driver error becomes :class:`StorageError`."""
        session = self._readers()
        try:
            yield session
        except StoreError:
            raise
        except (SQLAlchemyError, sqlite3.Error, OSError) as err:
            raise self._storage_error(err, "无法读取数据") from err
        finally:
            try:
                session.close()  # ends the read transaction; loaded objects stay readable, detached
            except (SQLAlchemyError, sqlite3.Error, OSError):
                pass

    # -- campaign facts --------------------------------------------------------------------------

    def info(self) -> CampaignInfo:
        with self.read() as s:
            meta = {m.key: m.value for m in s.execute(select(Meta)).scalars()}
        return CampaignInfo(meta.get("title", ""), meta.get("unit", ""), self.location,
                            meta.get("double_entry") == "1")

    def scheme(self) -> Scheme:
        with self.read() as s:
            return self.scheme_in(s)

    def scheme_in(self, session: Session) -> Scheme:
        """The scheme as stored, read inside the caller's transaction (parsed once per stored text)."""
        row = session.get(SchemeRow, 1)
        data = row.data if row else "{}"
        if self._scheme_cache is None or self._scheme_cache[0] != data:
            self._scheme_cache = (data, Scheme().with_overrides(json.loads(data)))
        return self._scheme_cache[1]

    # -- files ----------------------------------------------------------------------------------

    def backup(self, dest: str | Path) -> Path:
        """备份 / 另存为: a consistent copy through SQLite's backup API (safe while in use)."""
        if is_url(self.location):
            raise StoreError("PostgreSQL 数据库请用 pg_dump 备份")
        dest = Path(dest)
        if dest.exists():
            raise StoreError(f"文件 {dest} 已存在，不能覆盖")
        src = sqlite3.connect(Path(self.location))
        try:
            out = sqlite3.connect(dest)
            try:
                src.backup(out)
            finally:
                out.close()
        finally:
            src.close()
        with self.write("备份") as s:
            audit.log_event(s, "backup", {"to": str(dest)})
        self.last_backup = str(dest)
        return dest

    def verify(self) -> audit.VerifyReport:
        with self.read() as s:
            return audit.verify_database(s)


def sqlite_url(path: str | Path) -> str:
    return database_url(path)


def remove_sqlite(path: str | Path) -> None:
    """Delete a campaign file and its WAL side files (tests and 另存为 to a temp name)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass
