"""The bridge between the screens and the services: one change signal, messages, undo/redo.

Every edit goes through :meth:`Workbench.run` or :meth:`Workbench.edit`, which call a service,
show a refusal as a clear Chinese message (nothing stored), and emit ``changed`` with the
service's :class:`Changed` flags — the main window, every tab and the projector listen to this
one signal; nobody polls (as in Anki's operation wrapper).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..services.store import Changed, Store, StoreError, Wrote


class _Failed:
    def __bool__(self) -> bool:
        return False


FAILED: Any = _Failed()

POLL_MS = 2000
"""How often the workbench looks for another laptop's entries (one read of the audit chain head)."""


class Workbench(QObject):
    changed = Signal(object)        # Changed flags
    message = Signal(str, bool)     # text, is_error

    def __init__(self, store: Store, parent: QObject | None = None, *, poll_ms: int = POLL_MS):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)
        store.writes.clear()
        self._seen = self._read_seq() or 0
        self._poll = QTimer(self)
        self._poll.timeout.connect(self.poll)
        if poll_ms > 0:
            self._poll.start(poll_ms)

    def _read_seq(self) -> int | None:
        try:
            return self.store.last_seq()
        except Exception:  # noqa: BLE001 - a closed or unreachable store: nothing to show
            return None

    def _take_writes(self) -> bool:
        """Account for this laptop's writes; True when another laptop wrote in between."""
        foreign = False
        for before, after in self.store.writes:
            foreign = foreign or before != self._seen
            self._seen = after
        self.store.writes.clear()
        return foreign

    def poll(self) -> bool:
        """Another laptop's entries (PostgreSQL, or a second program on the same file): when the audit log
        moved without us, every view redraws. Cheap: one read of the chain head every ``POLL_MS``."""
        if self._take_writes():
            self.changed.emit(Changed.ALL)
            return True
        seq = self._read_seq()
        if seq is None:
            self._poll.stop()
            return False
        if seq != self._seen:
            self._seen = seq
            self.changed.emit(Changed.ALL)
            return True
        return False

    def refresh(self) -> None:
        """刷新 (Ctrl+R): read everything again."""
        self._take_writes()
        self._seen = self._read_seq() or self._seen
        self.changed.emit(Changed.ALL)
        self.message.emit("已刷新：显示所有录入人的最新录入", False)

    def run(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``service(store, …)``; on refusal show why and return FAILED."""
        try:
            result = service(self.store, *args, **kwargs)
        except StoreError as err:
            if self._take_writes():
                self.changed.emit(Changed.ALL)
            self.message.emit(str(err), True)
            return FAILED
        flags = result.changes if isinstance(result, Wrote) else result if isinstance(result, Changed) else next(
            (x for x in result if isinstance(x, Changed)), Changed.NONE) if isinstance(result, tuple) else Changed.NONE
        if self._take_writes():
            flags = Changed.ALL            # another laptop wrote since we last looked: show it too
        if flags:
            self.changed.emit(flags)
        return result

    def edit(self, text: str, do: Callable[[Store], Any], undo: Callable[[Store], Any]) -> bool:
        """An undoable edit: applied now; 撤销 (Ctrl+Z) applies ``undo``, 重做 (Ctrl+Y) ``do`` again."""
        if self.run(do) is FAILED:
            return False
        self.undo_stack.push(_Edit(self, text, do, undo))
        self.message.emit(f"已保存：{text}", False)
        return True

    def info(self, text: str) -> None:
        self.message.emit(text, False)


def first_then(first: Callable[[Store], Any], later: Callable[[Store], Any]) -> Callable[[Store], Any]:
    """``first`` on the first call (the save as typed, with its conflict check), ``later`` after (重做)."""
    calls = []

    def do(store: Store) -> Any:
        calls.append(None)
        return (first if len(calls) == 1 else later)(store)
    return do


class _Edit(QUndoCommand):
    def __init__(self, bench: Workbench, text: str, do: Callable[[Store], Any], undo: Callable[[Store], Any]):
        super().__init__(text)
        self._bench, self._do, self._undo = bench, do, undo
        self._first = True

    def redo(self) -> None:
        if self._first:          # already applied by Workbench.edit
            self._first = False
            return
        if self._bench.run(self._do) is not FAILED:
            self._bench.message.emit(f"已重做：{self.text()}", False)

    def undo(self) -> None:
        if self._bench.run(self._undo) is not FAILED:
            self._bench.message.emit(f"已撤销：{self.text()}", False)
