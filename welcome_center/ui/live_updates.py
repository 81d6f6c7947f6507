"""Desks see each other: what another desk saved refreshes this desk's windows within seconds.

The change feed (services/remote_changes.py) watches the database in a background thread; here a
timer on the UI thread takes what it found and broadcasts it on ``Ops.changed`` exactly as the
desk's own saves are broadcast, with this object as the initiator. So every page and record
window that keeps up with the desk's own saves keeps up with a colleague's too, by the same code:
the records list repaints the changed lines (and reads the list again for a new record), the
Today page and the follow-ups read again, a record window shows the new version, or, when its
user has typed something, says who changed the record and when before the input is saved.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid

from welcome_center.services.context import Changes
from welcome_center.services.remote_changes import ChangeFeed
from welcome_center.ui.ops import Ops

POLL_MS = 500
"""How often the UI thread looks whether the feed found something (a queue read, no I/O)."""


class LiveUpdates(QObject):
    """Takes other desks' saves from ``feed`` and broadcasts them on ``ops.changed``.

    ``window`` is the main window (its record windows and pages); the feed is stopped when
    :meth:`stop` is called or this object goes with its parent."""

    is_remote = True  # receivers of Ops.changed tell a colleague's save by this initiator

    def __init__(
        self, ops: Ops, feed: ChangeFeed, window: QObject | None = None, poll_ms: int = POLL_MS
    ) -> None:
        super().__init__(window)
        self.ops = ops
        self.feed = feed
        self.window = window
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.deliver)
        self.destroyed.connect(lambda *_args: feed.stop())

    def start(self) -> bool:
        """Begin watching; False when the database cannot be watched (F5 still reads again)."""
        if not self.feed.start():
            return False
        self._timer.start()
        return True

    def stop(self) -> None:
        """Stop the timer and the feed's thread (the desk is closing or logging out)."""
        self._timer.stop()
        self.feed.stop()

    def deliver(self) -> None:
        """Broadcast what the feed found since the last look (on the UI thread)."""
        found = self.feed.take()
        if found is None:
            return
        changes = found.changes
        if found.everything:
            # A bulk change names no single record: every open record window looks again.
            windows = getattr(self.window, "record_windows", {})
            changes = changes | Changes(records=frozenset(windows))
        self.ops.broadcast(changes, self)
        if found.everything:
            self._refresh_pages()

    def _refresh_pages(self) -> None:
        """After a bulk change: the page on screen reads again, the others when shown."""
        pages = getattr(getattr(self.window, "pages", None), "built", {})
        for page in list(pages.values()):
            if not (isValid(page) and page.loaded):
                continue
            if page.isVisible():
                page.refresh()
            else:
                page.loaded = False  # loads afresh when shown again (Page.activated)


def start_live_updates(ops: Ops, window: QObject, interval: float | None = None) -> LiveUpdates:
    """The main window's live updates, started (they stay off where the database cannot be
    watched); stopped when the window ends or goes."""
    feed = ChangeFeed(ops.uow) if interval is None else ChangeFeed(ops.uow, interval)
    live = LiveUpdates(ops, feed, window)
    live.start()
    ended = getattr(window, "ended", None)
    if ended is not None:
        ended.connect(lambda *_args: live.stop())
    return live
