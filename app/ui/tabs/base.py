"""What every tab shares: the workbench, the flags it redraws for, redraw-on-show when hidden."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from ...services.store import Changed
from ..workbench import Workbench


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

    def on_changed(self, flags: Changed) -> None:
        if not (flags & self.WATCHES):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._dirty = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt name
        if self._dirty:
            self._dirty = False
            self.refresh()
        super().showEvent(event)
