"""What the record's tabs and dialogs need of the window that holds them.

The tabs (overview, consultations, referrals, ...) depend on this small protocol, not on
:class:`~welcome_center.ui.record.window.RecordWindow`: the window imports the tabs, the tabs
import nothing of the window, and a test can host a tab in something smaller.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from welcome_center.domain.views import RecordDetails
from welcome_center.services.context import Saved
from welcome_center.ui.forms import FieldErrors
from welcome_center.ui.ops import Call, Ops


class RecordHost(Protocol):
    """The open record: its id and details as last read, the desk's :class:`Ops`, and the
    record's own writes (which keep the version and show the result at once)."""

    ops: Ops
    record_id: int
    details: RecordDetails | None

    def widget(self) -> QWidget:
        """The window itself, as the parent of the tabs' dialogs and message boxes."""
        ...

    def read_again(self) -> RecordDetails | None:
        """The record as saved now, shown at once (typed input in the overview is kept)."""
        ...

    def write_record(
        self,
        call: Call[Saved[RecordDetails]],
        *,
        errors: FieldErrors | None = None,
        done: str = "",
        own_overview: bool = False,
    ) -> Saved[RecordDetails] | None:
        """A write of the record itself (promote, status, close, reopen, overview)."""
        ...

    def save(self) -> bool:
        """Save the overview's input; True when saved (or nothing to save)."""
        ...
