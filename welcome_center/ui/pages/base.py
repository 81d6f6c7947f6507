"""What every page of the navigation offers the main window."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from welcome_center.services.context import Changes
from welcome_center.ui.ops import Ops


class Page(QWidget):
    """A page loads its data the first time it is shown (:meth:`activated`), reloads on F5
    (:meth:`refresh`) and after changes elsewhere (:meth:`on_changes`)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.loaded = False
        self._remote: Changes | None = None  # other desks' saves while the page was hidden
        ops.changed.connect(self._changed)

    def title(self) -> str:
        raise NotImplementedError

    def activated(self) -> None:
        """Shown in the main window: load once, then keep up with changes."""
        if not self.loaded:
            self.loaded = True
            self.refresh()

    def refresh(self) -> None:
        """Load the page's data again."""

    def on_changes(self, changes: Changes) -> None:
        """Something was saved; by default reload (pages override to reload less)."""
        self.refresh()

    def focus_search(self) -> None:
        """Ctrl+F: put the cursor in the page's search box, if it has one."""

    def _changed(self, changes: Changes, initiator: object = None) -> None:
        if not self.loaded:
            return
        if getattr(initiator, "is_remote", False) and not self.isVisible():
            # Colleagues save all day: a hidden page catches up once, when it is shown.
            self._remote = changes if self._remote is None else self._remote | changes
            return
        self.on_changes(changes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._remote is not None:
            changes, self._remote = self._remote, None
            if self.loaded:
                self.on_changes(changes)
