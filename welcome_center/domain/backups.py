"""When the office's last backup is too old to rely on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

STALE_AFTER = timedelta(days=7)
"""A backup older than this is warned about: a week's work is the most an office may lose."""


@dataclass(frozen=True)
class BackupStatus:
    """The newest backup known for the office's database, seen at ``now`` (both aware)."""

    last: datetime | None  # None: no backup was ever made
    where: str  # the backup's file name ("" when there is none)
    now: datetime

    @property
    def days(self) -> int | None:
        """Whole days since the last backup (None when there is none)."""
        return None if self.last is None else max((self.now - self.last).days, 0)

    @property
    def stale(self) -> bool:
        """No backup at all, or one older than :data:`STALE_AFTER`."""
        return self.last is None or self.now - self.last > STALE_AFTER
