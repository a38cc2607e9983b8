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
# The stage list and its labels live with the stage rules (app/core/stage_rules.py); re-exported here.
from ..core.stage_rules import STAGE_LABELS, STAGES, STATE_LABELS  # noqa: F401
from .. import files
from ..core.seal import kdf_text, new_salt
from ..models import audit, inspection
from ..models.engine import database_url, is_url, make_engine
from ..models.migrate import NewerFileError, current_revision, head_revision, known_revision, needs_upgrade, upgrade
from ..models.schema import ChainHead, Meta, SchemeRow, Stage
from .storage_errors import describe as describe_storage_error



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
    """The stage is locked or published: edits are refused until the 监督组 unlock it. A refusal is
    logged (who, what, when) in a short transaction of its own, nothing else is stored."""

    def __init__(self, message: str, stage: str | None = None):
        super().__init__(message)
        self.stage = stage


class FileRefused(StoreError):
    """Opening refused: the file is not a campaign file, damaged, newer, or changed behind the program's
    back (``kind``, see :mod:`app.models.inspection`). The file was not touched."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


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

    READ_ONLY_NOTICE = "文件只读：可以查看、打印和核对，不能录入或改动"

    def __init__(self, engine: Engine, location: str, operator: str, *, read_only: bool = False):
        self.engine = engine
        self.location = location
        self.operator = operator
        self.read_only = read_only
        """The file cannot be written (marked read-only, or a read-only folder or medium): every write
        is refused with :attr:`READ_ONLY_NOTICE`; the window says so at once."""
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
            # The seal key's salt (SPEC §9) is not the verifier's: the stored hash does not give the key away.
            for key, value in (("title", title), ("unit", unit), ("double_entry", "0"),
                               ("supervisor_password", hash_password(supervisor_password)),
                               ("seal_kdf", kdf_text(new_salt()))):
                s.add(Meta(key=key, value=value))
            s.add(SchemeRow(id=1, data=audit.canonical((scheme or Scheme()).to_json())))
            for stage in STAGES:
                s.add(Stage(stage=stage, state="draft"))
        return store

    @classmethod
    def open(cls, target: str | Path, *, operator: str, read_only: bool = False) -> "Store":
        """打开: a read-only look first (:func:`app.models.inspection.look`: a foreign, damaged, newer or
        tampered file is refused untouched); then migrate an older file after writing a backup copy.
        A file that cannot be written opens read-only (:attr:`read_only`)."""
        if not operator.strip():
            raise StoreError("请先填写录入人姓名")
        text = str(target)
        if is_url(text):
            return cls._open_url(text, operator.strip())
        try:
            look = inspection.look(text, known_revision)
        except inspection.FileProblem as err:
            raise FileRefused(str(err), err.kind) from None
        read_only = read_only or look.read_only
        older = look.revision != head_revision()
        if older and read_only:
            raise FileRefused(f"{text} 由旧版本程序创建，须升级后才能打开，但文件只读；请复制到可写的位置后再打开。"
                              "文件未作任何改动", inspection.UNREADABLE)
        engine = make_engine(text, read_only=read_only)
        store = cls(engine, text, operator.strip(), read_only=read_only)
        if older:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            store.backup(Path(text).with_name(f"{Path(text).stem}.升级前备份-{stamp}.db"))
            upgrade(engine)
        return store

    @classmethod
    def _open_url(cls, text: str, operator: str) -> "Store":
        engine = make_engine(text)
        try:
            if current_revision(engine) is None or "meta" not in inspect(engine).get_table_names():
                raise StoreError(f"{text} 不是竞岗考评的数据文件")
            older = needs_upgrade(engine)
            with engine.connect() as conn:
                def query(sql, params=()):
                    return list(conn.exec_driver_sql(sql.replace("?", "%s"), tuple(params)).fetchall())
                problems = inspection.schema_problems(query, "postgresql") + inspection.state_problems(query)
            if problems:
                from sqlalchemy.engine import make_url
                shown = make_url(text).render_as_string(hide_password=True)
                raise FileRefused(f"{shown} 在本程序之外被改动过，拒绝打开：\n" + "\n".join(problems),
                                  inspection.TAMPERED)
        except NewerFileError as err:
            engine.dispose()
            raise StoreError(f"此文件由较新版本的程序创建（数据版本 {err}），请用新版本程序打开；文件未作任何改动") from None
        except OperationalError as err:
            engine.dispose()
            raise StoreError(f"无法打开 {text}：{err.orig}") from None
        except StoreError:
            engine.dispose()
            raise
        store = cls(engine, text, operator)
        if older:
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
        :class:`ConflictError`. A refused edit of a locked stage is logged (:meth:`_log_refusal`)."""
        if self.read_only:
            raise StorageError(f"{self.READ_ONLY_NOTICE}（{Path(self.location).name}）", "文件只读")
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
        except LockedError as err:
            self._log_refusal(err, reason)
            raise
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

    def _log_refusal(self, err: LockedError, reason: str | None) -> None:
        """A refused edit of a locked stage, logged (who, what, when) without changing any data."""
        try:
            with self.write(reason) as s:
                audit.log_event(s, "refused", {"stage": err.stage, "refused": str(err), "attempt": reason})
        except StoreError:
            pass            # the refusal itself is what the user sees

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
        """备份 / 另存为: a consistent copy through SQLite's backup API (safe while in use), written under a
        temporary name in the destination folder, checked (integrity, chain, data = replay), then renamed:
        the final name only ever holds a complete, checked copy."""
        if is_url(self.location):
            raise StoreError("PostgreSQL 数据库请用 pg_dump 备份")
        dest = Path(dest)
        if dest.exists():
            raise StoreError(f"文件 {dest} 已存在，不能覆盖")
        try:
            with files.atomic_path(dest, replace=False) as tmp:
                copy_sqlite(Path(self.location), tmp)
                problems = check_copy(tmp)
                if problems:
                    raise StoreError("备份副本核对未通过，未保存：\n" + "\n".join(problems[:10]))
        except files.TargetExists:
            raise StoreError(f"文件 {dest} 已存在，不能覆盖") from None
        except OSError as err:
            raise StorageError(f"无法写入备份 {dest}（{err.strerror or err}）", err.strerror or str(err)) from None
        if not self.read_only:
            with self.write("备份") as s:
                audit.log_event(s, "backup", {"to": str(dest)})
        self.last_backup = str(dest)
        return dest

    def verify(self, password: str | None = None):
        """The full check (:func:`app.services.verify.verify_store`): ``ok``, ``rows``, ``problems``."""
        from .verify import verify_store
        return verify_store(self, password=password)


def copy_sqlite(src: Path, dest: Path) -> None:
    """A consistent copy of a campaign file (SQLite's backup API), in rollback-journal mode so that a
    copy read-only (a CD, ``verify``) needs no WAL side files; opening it for writing switches it back."""
    source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        out = sqlite3.connect(dest)
        try:
            source.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
            out.commit()
        finally:
            out.close()
    finally:
        source.close()


def settle_sqlite(path: str | Path) -> None:
    """A closed campaign file made self-contained: its WAL checkpointed and the file switched to rollback-journal
    mode, so it can be renamed alone and read read-only without side files (the program's next open for writing
    switches it back to WAL)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()


def check_copy(path: Path) -> list[str]:
    """What is wrong with a copy as a file (empty when it is sound): SQLite integrity, a campaign file of a
    known version, the chain complete, the data equal to its replay."""
    from .verify import CannotVerify, verify_target
    try:
        result = verify_target(str(path))
    except CannotVerify as err:
        return [str(err)]
    return [] if result.structure_ok else list(result.findings)


def sqlite_url(path: str | Path) -> str:
    return database_url(path)


def remove_sqlite(path: str | Path) -> None:
    """Delete a campaign file and its WAL side files (tests and 另存为 to a temp name)."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass
