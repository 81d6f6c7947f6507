"""The automatic retention run when a desk starts (DOMAIN.md: at the start of the program, at
most daily), off the UI thread, for the office (``system:retention``) whoever logged in.

It runs a few seconds after the main window is shown, so that it is not in the way of the first
look; the service does nothing when a run was started today already. Its counts go to the log
and, when something was anonymised, to the status bar; every open window learns what changed.
"""

from __future__ import annotations

import logging
from pathlib import Path

from shiboken6 import isValid

from welcome_center.domain.retention import RunView
from welcome_center.i18n import _
from welcome_center.services.context import Saved, UnitOfWork
from welcome_center.services.privacy import retention, retention_text
from welcome_center.ui.ops import Ops

log = logging.getLogger(__name__)

DELAY_MS = 5000


def _daily(uow: UnitOfWork, folder: Path | None) -> Saved[RunView] | None:
    try:
        return retention.run_daily(uow, backups_folder=folder)
    except Exception:  # the desk goes on; the next start tries again
        log.exception("the automatic retention run failed")
        return None


def run_at_start(ops: Ops, folder: Path | None) -> None:
    """Start today's automatic run in the background, unless one ran today already."""

    def done(saved: Saved[RunView] | None) -> None:
        if saved is None:
            return
        if not isValid(ops):  # the desk was closed meanwhile: the log still has it
            log.info("automatic retention run: %s", retention_text.run_line(saved.value))
            return
        run = saved.value
        log.info("automatic retention run: %s", retention_text.run_line(run))
        ops.broadcast(saved.changes)
        if run.records_anonymised or run.persons_anonymised:
            ops.status.emit(
                _("Anonymised – records: %(records)d, persons: %(persons)d.")
                % {"records": run.records_anonymised, "persons": run.persons_anonymised}
            )

    ops.quietly(lambda uow: _daily(uow, folder), done)
