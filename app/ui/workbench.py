"""The bridge between the screens and the services: one change signal, messages, undo/redo.

Every edit goes through :meth:`Workbench.run` or :meth:`Workbench.edit`, which call a service,
show a refusal as a clear Chinese message (nothing stored), and emit ``changed`` with the
service's :class:`Changed` flags — the main window, every tab and the projector listen to this
one signal; nobody polls (as in Anki's operation wrapper).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..services.store import Changed, Store, StoreError


class _Failed:
    def __bool__(self) -> bool:
        return False


FAILED: Any = _Failed()


class Workbench(QObject):
    changed = Signal(object)        # Changed flags
    message = Signal(str, bool)     # text, is_error

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)

    def run(self, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``service(store, …)``; on refusal show why and return FAILED."""
        try:
            result = service(self.store, *args, **kwargs)
        except StoreError as err:
            self.message.emit(str(err), True)
            return FAILED
        flags = result if isinstance(result, Changed) else next(
            (x for x in result if isinstance(x, Changed)), Changed.NONE) if isinstance(result, tuple) else Changed.NONE
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
