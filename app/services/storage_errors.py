"""Database and driver errors, said in Chinese: what the clerk must know about a failed write.

Every exception of SQLAlchemy, sqlite3 or the PostgreSQL driver that reaches the store is turned
into one :class:`~app.services.store.StorageError` here, so no service lets one through (issue 12):
the clerk reads *why* nothing was saved (磁盘已满, 文件只读, 连接中断, 其他电脑正在保存 …) and whether
trying again by itself makes sense.
"""

from __future__ import annotations

LOCK_WAIT = "其他电脑正在保存，等待超时"
CONNECTION_LOST = "与数据库服务器的连接中断"

# (substring of the driver's message, lower case) → (the cause in Chinese, worth retrying by itself)
_CAUSES: tuple[tuple[str, str, bool], ...] = (
    ("database or disk is full", "磁盘已满", False),
    ("disk is full", "磁盘已满", False),
    ("no space left on device", "磁盘已满", False),
    ("could not extend file", "数据库服务器磁盘已满", False),
    ("readonly database", "文件只读（没有写入权限）", False),
    ("read-only", "文件只读（没有写入权限）", False),
    ("read only", "文件只读（没有写入权限）", False),
    ("database is locked", LOCK_WAIT, True),
    ("database table is locked", LOCK_WAIT, True),
    ("lock timeout", LOCK_WAIT, True),
    ("could not obtain lock", LOCK_WAIT, True),
    ("deadlock detected", LOCK_WAIT, True),
    ("could not serialize access", LOCK_WAIT, True),
    ("statement timeout", "数据库服务器响应超时", True),
    ("disk i/o error", "磁盘读写错误（文件可能已被移走或设备已断开）", False),
    ("unable to open database", "无法打开数据文件（文件可能已被移走或没有权限）", False),
    ("file is not a database", "数据文件已损坏", False),
    ("database disk image is malformed", "数据文件已损坏", False),
    ("idle-in-transaction timeout", "本机保存时间过长，数据库服务器已断开本次保存", True),
    ("terminating connection", CONNECTION_LOST, True),
    ("server closed the connection", CONNECTION_LOST, True),
    ("connection refused", CONNECTION_LOST, True),
    ("connection is closed", CONNECTION_LOST, True),
    ("connection timeout", CONNECTION_LOST, True),
    ("could not connect", CONNECTION_LOST, True),
    ("connection failed", CONNECTION_LOST, True),
    ("consuming input failed", CONNECTION_LOST, True),
    ("the database system is shutting down", CONNECTION_LOST, True),
    ("the database system is starting up", CONNECTION_LOST, True),
    ("ssl syscall error", CONNECTION_LOST, True),
    ("broken pipe", CONNECTION_LOST, True),
    ("can't reconnect until invalid transaction", CONNECTION_LOST, True),
    ("this connection has been closed", CONNECTION_LOST, True),
)


def describe(err: BaseException) -> tuple[str, bool]:
    """(cause in Chinese, retry by itself?) for a database/driver/OS error."""
    seen: list[str] = []
    current: BaseException | None = err
    while current is not None and len(seen) < 5:        # the DBAPI error is the ``orig``/``__cause__``
        seen.append(str(current).lower())
        current = getattr(current, "orig", None) or current.__cause__
    text = " ".join(seen)
    for needle, cause, retry in _CAUSES:
        if needle in text:
            return cause, retry
    if getattr(err, "connection_invalidated", False):
        return CONNECTION_LOST, True
    if isinstance(err, OSError):
        return f"磁盘读写错误（{err.strerror or err}）", False
    first = (str(getattr(err, "orig", None) or err).strip().splitlines() or [type(err).__name__])[0]
    return f"数据库错误：{first[:80]}", False
