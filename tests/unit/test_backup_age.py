"""When a backup is too old to rely on: older than a week, or none at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from welcome_center.domain.backups import STALE_AFTER, BackupStatus

NOW = datetime(2026, 12, 10, 8, 30, tzinfo=UTC)


def test_a_backup_of_a_week_ago_is_still_fresh_and_a_moment_later_it_is_not() -> None:
    assert timedelta(days=7) == STALE_AFTER
    week = BackupStatus(NOW - timedelta(days=7), "a.db", NOW)
    assert not week.stale and week.days == 7
    later = BackupStatus(NOW - timedelta(days=7, seconds=1), "a.db", NOW)
    assert later.stale and later.days == 7
    assert BackupStatus(NOW - timedelta(days=9, hours=5), "a.db", NOW).days == 9


def test_no_backup_at_all_is_stale() -> None:
    none = BackupStatus(None, "", NOW)
    assert none.stale and none.days is None


def test_a_backup_from_a_clock_ahead_counts_as_made_today() -> None:
    ahead = BackupStatus(NOW + timedelta(minutes=5), "a.db", NOW)
    assert not ahead.stale and ahead.days == 0
