"""The last backup in the status bar, and an administrator's backup made from the desk.

The status bar says when the office's database was last backed up and warns when that was
more than a week ago (the rule is in ``domain.backups``). A server database is backed up on
the server: then nothing is shown and the desk offers no backup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget
from shiboken6 import isValid

from welcome_center.domain.backups import BackupStatus
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.i18n import _, ngettext
from welcome_center.services import storage
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date

REFRESH_MS = 30 * 60 * 1000
"""The desk stays open for days: the age of the last backup is looked at again this often."""

WARNING_STYLE = "color: #b00020; font-weight: bold"


def may_back_up(ops: Ops) -> bool:
    """Whether the desk offers "Back up now" to this user (an administrator, on a file)."""
    return allowed(ops.actor.roles, Permission.BACKUP) and storage.is_file_database(ops.uow)


def status_text(status: BackupStatus) -> str:
    """ "Last backup: 01.12.2026 14:03", or the warning when there is none for a week."""
    if status.last is None:
        return _("No backup yet")
    if status.stale and status.days is not None:
        return ngettext("No backup for %(n)d day", "No backup for %(n)d days", status.days) % {
            "n": status.days
        }
    return _("Last backup: %(when)s") % {"when": _when(status)}


def _when(status: BackupStatus) -> str:
    assert status.last is not None
    at = status.last.astimezone(OFFICE_TZ)
    return f"{short_date(at.date())} {at:%H:%M}"


class BackupLabel(QLabel):
    """The status bar's word on the last backup; hidden on a server database."""

    def __init__(self, ops: Ops, folder: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.folder = folder
        self.status: BackupStatus | None = None
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName(_("Last backup"))
        self.setContentsMargins(4, 0, 4, 0)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def refresh(self) -> None:
        """Look again, off the UI thread (a folder listing and one query)."""
        folder = self.folder
        self.ops.quietly(lambda uow: storage.backup_status(uow, folder), self._show)

    def _show(self, status: BackupStatus | None) -> None:
        if not isValid(self):
            return  # the window closed meanwhile
        self.status = status
        if status is None:
            self.hide()
            return
        self.setText(status_text(status))
        self.setStyleSheet(WARNING_STYLE if status.stale else "")
        self.setToolTip(self._advice(status))
        self.show()

    def _advice(self, status: BackupStatus) -> str:
        lines = []
        if status.last is not None:
            lines.append(
                _("The newest backup: %(file)s, %(when)s.")
                % {"file": status.where, "when": _when(status)}
            )
        if status.stale:
            lines.append(_("A backup should be made at least once a week."))
            lines.append(
                _("Make one now: Desk › Back up now…")
                if may_back_up(self.ops)
                else _("Please tell an administrator.")
            )
        return "\n".join(lines)


def back_up_now(ops: Ops, parent: QWidget, folder: Path, on_done: Callable[[Path], None]) -> None:
    """Ask where (the backups folder and a dated name are offered), then back up off the UI
    thread behind a progress dialog; ``on_done`` gets the new file."""
    with contextlib.suppress(OSError):  # else the file dialog opens elsewhere: the user chooses
        folder.mkdir(parents=True, exist_ok=True)
    suggested = storage.suggested_backup_file(ops.uow, folder)
    chosen, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Back up the database"),
        str(suggested),
        _("Welcome Center database (*.db)"),
        options=QFileDialog.Option.DontConfirmOverwrite,  # an existing file is never replaced
    )
    if not chosen:
        return
    target = Path(chosen)
    if target.suffix.lower() != ".db":
        target = target.with_name(f"{target.name}.db")
    ops.background(
        parent,
        _("Backing up the database…"),
        lambda uow, actor: storage.backup(uow.db, target, actor, uow),
        on_done=on_done,
    )
