"""Optimistic locking: a save names the version it started from; a newer one is a conflict."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from welcome_center.db.models import User
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.errors import ConflictError
from welcome_center.i18n import _


def check_version(
    s: Session,
    what: str,
    current_version: int,
    expected_version: int,
    updated_by_id: int | None,
    updated_at: datetime,
) -> None:
    """Raise ConflictError (saying who changed it and when) unless the versions agree."""
    if current_version == expected_version:
        return
    user = s.get(User, updated_by_id) if updated_by_id else None
    who = user.display_name if user else _("someone else")
    when = updated_at.astimezone(OFFICE_TZ).strftime("%d.%m.%Y %H:%M")
    raise ConflictError(
        _(
            "%(what)s was changed by %(who)s on %(when)s after you opened it. "
            "Reload it to see the change, then enter yours again."
        )
        % {"what": what, "who": who, "when": when},
        changed_by=who,
        changed_at=when,
    )


def check_unchanged(s: Session, what: str, item: Any, expected_version: int) -> None:
    """:func:`check_version` for a versioned row: its version, who changed it last, and when
    (its last change, else its creation)."""
    when = getattr(item, "updated_at", None) or item.created_at
    check_version(s, what, item.version, expected_version, item.updated_by_id, when)
