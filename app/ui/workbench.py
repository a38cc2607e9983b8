"""The bridge between the screens and the services: one write path, one change signal, undo/redo.

Every write goes through :meth:`Workbench.run` (Anki's ``CollectionOp``): it calls a service and
ends in exactly one of three outcomes the clerk can see —

- **saved**: the service returned what it wrote (:class:`Wrote`); ``changed`` carries a
  :class:`Change` naming what changed and *who started it*, so the screen that made the change does
  not reload itself and the others redraw only what they watch;
- **refused / conflict**: the service's own Chinese message, naming the entry (nothing stored);
- **not saved**: the database could not be written or reached (磁盘已满, 文件只读, 连接中断 …) — the
  message names the entry and the cause; a lock wait (其他电脑正在保存) is retried a few times first.

Undo and redo are the services' (:mod:`app.services.history`): each undoable write leaves a
:class:`Step` naming its audit rows, and 撤销 writes the old values back only where nobody changed
them since (compare-and-set), else a conflict names who did.

Other laptops: the audit chain head is read every ``POLL_MS``; when it moved without us, every
view redraws. The poll survives outages (a PostgreSQL restart, a pulled cable): ``connection``
says whether the store can be reached, and a reconnect is announced and redraws everything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from ..services import history
from ..services.history import Step
from ..services.store import Changed, ConflictError, LockedError, Store, StorageError, StoreError, Wrote


class _Failed:
    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "FAILED"


FAILED: Any = _Failed()

POLL_MS = 2000
"""How often the workbench looks for another laptop's entries (one read of the audit chain head)."""
LOCK_RETRIES = 3
"""A save that waited for another laptop's save (其他电脑正在保存) is tried this many more times."""
UNDO_DEPTH = 200


@dataclass(frozen=True)
class Change:
    """What changed and who started it (Anki's ``OpChanges`` + ``handler``).

    ``initiator`` is the object (a table model, a tab) that made the change and has already shown it;
    ``None`` for another laptop's writes, a refresh, an undo. ``wrote`` is the service's answer."""

    flags: Changed
    initiator: object | None = None
    wrote: Wrote | None = None

    def started_by(self, *objects: object) -> bool:
        return self.initiator is not None and any(self.initiator is o for o in objects)


def flags_of(result: Any) -> Changed:
    if isinstance(result, Wrote):
        return result.changes
    if isinstance(result, Changed):
        return result
    if isinstance(result, tuple):
        return next((flags_of(x) for x in result if isinstance(x, (Changed, Wrote))), Changed.NONE)
    return Changed.NONE


class Workbench(QObject):
    changed = Signal(object)          # Change
    message = Signal(str, bool)       # text, is_error
    connection = Signal()             # connected / write_problem moved: the status bar redraws
    history_changed = Signal()        # the undo/redo stacks moved
    unsaved_changed = Signal()        # the set of entries typed but not saved moved
    activity = Signal(str)            # work in progress the wall may show ("扫描中：已读 12 页 …"), "" when done

    def __init__(self, store: Store, parent: QObject | None = None, *, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.store = store
        self.undo_steps: list[Step] = []
        self.redo_steps: list[Step] = []
        self.unsaved: dict[object, str] = {}     # key → the entry in words, typed but not saved
        self.connected = True             # the store can be reached (reads work)
        self.connection_text = "已连接"
        self.write_problem: str | None = None   # the last write failed for this cause (磁盘已满 …)
        self.last_error: StoreError | None = None   # why the last run() failed
        store.writes.clear()
        self._seen = self._read_seq() or 0
        self._poll_ms = poll_ms
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.poll)
        if poll_ms > 0:
            self._poll.start(poll_ms)

    # -- other laptops --------------------------------------------------------------------------

    def _read_seq(self) -> int | None:
        try:
            return self.store.last_seq()
        except StoreError as err:
            self._set_connection(False, getattr(err, "cause", str(err)))
            return None
        except Exception:  # noqa: BLE001 - a closed store: nothing to show
            return None

    def _take_writes(self) -> bool:
        """Account for this laptop's writes; True when another laptop wrote in between."""
        foreign = False
        for before, after in self.store.writes:
            foreign = foreign or before != self._seen
            self._seen = after
        self.store.writes.clear()
        return foreign

    def _set_connection(self, ok: bool, text: str) -> None:
        was = self.connected
        self.connected, self.connection_text = ok, text
        self.connection.emit()
        if ok and not was:
            self.message.emit("已重新连接数据库，显示的是所有录入人的最新录入", False)

    def _set_write_problem(self, cause: str | None) -> None:
        if cause != self.write_problem:
            self.write_problem = cause
            self.connection.emit()

    def poll(self) -> bool:
        """Another laptop's entries (PostgreSQL, or a second program on the same file): when the audit log
        moved without us, every view redraws. Cheap: one read of the chain head every ``POLL_MS``. An
        outage does not stop it: it keeps looking and says when the store is back."""
        if self._take_writes():
            self.changed.emit(Change(Changed.ALL))
            return True
        was_connected = self.connected
        seq = self._read_seq()
        if seq is None:
            return False
        if not was_connected:
            self._set_connection(True, "已连接")
            self._seen = seq
            self.changed.emit(Change(Changed.ALL))
            return True
        if seq != self._seen:
            self._seen = seq
            self.changed.emit(Change(Changed.ALL))
            return True
        return False

    def refresh(self) -> None:
        """刷新 (Ctrl+R): read everything again, and look for other laptops again at once."""
        if self._poll_ms > 0:
            self._poll.start(self._poll_ms)
        self._take_writes()
        seq = self._read_seq()
        if seq is None:
            self.message.emit(f"无法刷新：{self.connection_text}；恢复后将自动刷新", True)
            return
        if not self.connected:
            self._set_connection(True, "已连接")
        self._seen = seq
        self.changed.emit(Change(Changed.ALL))
        self.message.emit("已刷新：显示所有录入人的最新录入", False)

    # -- the one write path ----------------------------------------------------------------------

    def run(self, service: Callable[..., Any], *args: Any, initiator: object | None = None, what: str = "",
            undoable: bool = False, **kwargs: Any) -> Any:
        """Call ``service(store, …)``. On success emit ``changed`` and return the service's answer; on a
        refusal, conflict or storage failure show why (naming ``what`` — the entry and the typed value —
        when given) and return FAILED. ``undoable`` writes can be undone with 撤销."""
        attempt = 0
        while True:
            try:
                result = service(self.store, *args, **kwargs)
                break
            except StorageError as err:
                if err.retry and attempt < LOCK_RETRIES:
                    attempt += 1
                    self.message.emit(f"{what + '：' if what else ''}{err.cause}，正在重试（第 {attempt} 次）…", True)
                    QCoreApplication.processEvents()
                    time.sleep(0.2 * attempt)
                    continue
                self._failed(what, err)
                return FAILED
            except StoreError as err:
                self._failed(what, err)
                return FAILED
        self.last_error = None
        if not self.connected:
            self._set_connection(True, "已连接")
        self._set_write_problem(None)
        flags = flags_of(result)
        foreign = self._take_writes()
        if undoable and isinstance(result, Wrote) and result.seq[1] > result.seq[0]:
            self.undo_steps.append(Step(result.label or what, result.seq, result.undo))
            del self.undo_steps[:-UNDO_DEPTH]
            self.redo_steps.clear()
            self.history_changed.emit()
        if flags:
            self.changed.emit(Change(flags, initiator, result if isinstance(result, Wrote) else None))
        if foreign:                         # another laptop wrote since we last looked: show it too
            self.changed.emit(Change(Changed.ALL))
        return result

    def _failed(self, what: str, err: StoreError) -> None:
        self.last_error = err
        if isinstance(err, StorageError):
            text = f"{what}没有保存：{err.cause}" if what else str(err)
            if "连接" in err.cause:
                self._set_connection(False, err.cause + "，正在重连…")
            else:
                self._set_write_problem(err.cause)
        else:
            text = str(err)                 # a refusal or conflict names the entry itself
        if self._take_writes() or isinstance(err, ConflictError):
            self.changed.emit(Change(Changed.ALL))      # show what the other laptop stored
        self.message.emit(text, True)

    def edit(self, service: Callable[..., Any], *args: Any, initiator: object | None = None, what: str = "",
             **kwargs: Any) -> Any:
        """An undoable entry: :meth:`run` with ``undoable``; says 已保存 with the service's label."""
        result = self.run(service, *args, initiator=initiator, what=what, undoable=True, **kwargs)
        if result is not FAILED:
            label = result.label if isinstance(result, Wrote) and result.label else what
            if label:
                self.message.emit(f"已保存：{label}", False)
        return result

    # -- 撤销 / 重做 ---------------------------------------------------------------------------------

    def can_undo(self) -> bool:
        return bool(self.undo_steps)

    def can_redo(self) -> bool:
        return bool(self.redo_steps)

    def undo(self) -> bool:
        return self._revert(self.undo_steps, self.redo_steps, "撤销")

    def redo(self) -> bool:
        return self._revert(self.redo_steps, self.undo_steps, "重做")

    def _revert(self, source: list[Step], target: list[Step], verb: str) -> bool:
        if not source:
            self.message.emit(f"没有可{verb}的录入", False)
            return False
        step = source[-1]
        try:
            if step.undo is not None:           # the write's own undo (a whole roster import)
                wrote = step.undo[0](self.store, *step.undo[1:])
            else:
                wrote = history.revert(self.store, step, verb=verb)
        except ConflictError as err:
            source.pop()                 # it can never apply now: say so and let older steps through
            self.history_changed.emit()
            self._failed("", err)
            return False
        except StoreError as err:        # a locked stage, a full disk: the step stays for a retry
            self._failed(f"{verb}“{step.label}”", err)
            return False
        source.pop()
        target.append(Step(step.label, wrote.seq))
        self.history_changed.emit()
        foreign = self._take_writes()
        self.changed.emit(Change(wrote.changes, None, wrote))
        if foreign:
            self.changed.emit(Change(Changed.ALL))
        self.message.emit(f"已{verb}：{step.label}", False)
        return True

    # -- entries typed but not saved -----------------------------------------------------------------

    def mark_unsaved(self, key: object, what: str) -> None:
        self.unsaved[key] = what
        self.unsaved_changed.emit()

    def mark_saved(self, key: object) -> None:
        if self.unsaved.pop(key, None) is not None:
            self.unsaved_changed.emit()

    def info(self, text: str) -> None:
        self.message.emit(text, False)


def failure_cause(err: StoreError | None) -> str:
    """The short cause of a failed write for a cell's 未保存 mark."""
    if err is None:
        return "未保存"
    if isinstance(err, StorageError):
        return err.cause
    if isinstance(err, ConflictError):
        return "已被其他录入人修改"
    if isinstance(err, LockedError):
        return "本阶段已锁定，未保存"
    return "输入有误，未保存"
