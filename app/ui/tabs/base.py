"""What every tab shares: the workbench, the changes it redraws for, redraw-on-show when hidden.

A tab redraws only for the changes it watches, never for a change it started itself (it has shown
it already), and a redraw that cannot read the store says so instead of raising."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...services.store import Changed, StoreError
from ..workbench import Change, Workbench


class TabPage(QWidget):
    TITLE = ""
    STAGE: str | None = None          # the stage this tab edits (for the 阶段 menu and the lock)
    WATCHES: Changed = Changed.ALL    # redraw only for these changes

    def __init__(self, bench: Workbench, parent: QWidget | None = None):
        super().__init__(parent)
        self.bench = bench
        self._dirty = True    # drawn when first shown
        bench.changed.connect(self.on_changed)

    def refresh(self) -> None:  # pragma: no cover - every tab overrides it
        raise NotImplementedError

    def focus_entry(self) -> None:
        """Put the keyboard where the clerk types on arriving at the tab (the first table, by default)."""
        from PySide6.QtWidgets import QAbstractItemView
        for view in self.findChildren(QAbstractItemView):
            if view.isVisible() and view.isEnabled() and view.focusPolicy() != view.focusPolicy().NoFocus:
                view.setFocus()
                return

    def initiators(self) -> tuple[object, ...]:
        """The objects whose writes this tab shows by itself (the tab and its editable models)."""
        return (self,)

    def on_changed(self, change: Change) -> None:
        if not (change.flags & self.WATCHES) or change.started_by(*self.initiators()):
            return
        if self.isVisible():
            self.safe_refresh()
        else:
            self._dirty = True

    def safe_refresh(self) -> bool:
        """refresh(), or — when the store cannot be read — the reason in the message line (the screen
        keeps what it showed; the next change or Ctrl+R tries again)."""
        try:
            self.refresh()
        except StoreError as err:
            self._dirty = True
            self.bench.message.emit(f"“{self.TITLE}”未能刷新：{getattr(err, 'cause', err)}", True)
            return False
        return True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        if self._dirty:
            self._dirty = False
            self.safe_refresh()
        super().showEvent(event)
