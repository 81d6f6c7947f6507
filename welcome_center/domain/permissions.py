"""Who may do what. The services check; widgets only hide what a role cannot use."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from welcome_center.domain.enums import Role


class Permission(StrEnum):
    WORK_RECORDS = "work_records"  # read and write records, persons, organisations (names, notes)
    VIEW_STATISTICS = "view_statistics"
    MANAGE_USERS = "manage_users"
    MANAGE_VOCABULARIES = "manage_vocabularies"
    MANAGE_PARTNERS = "manage_partners"
    MANAGE_SETTINGS = "manage_settings"
    IMPORT = "import"
    BACKUP = "backup"
    VIEW_AUDIT = "view_audit"  # the audit log: who did or saw what (ids, never content)
    # An access request (Art. 15 GDPR): one person's whole file, notes included. Counsellors,
    # who read case content anyway; not administrators, who manage without reading it.
    ACCESS_EXPORT = "access_export"
    # A list with client names leaves the program (a spreadsheet of records): its own
    # permission, audited with its row count (DOMAIN.md, need to know).
    EXPORT_NAMES = "export_names"
    # The open work per counsellor (counts, no client names): the manager's, who watches
    # workload and deadlines (DOMAIN.md, who uses the program). Not a colleague's business.
    VIEW_WORKLOAD = "view_workload"
    # Record and correct the office's events (no client names in them): counsellors, and
    # administrators, who keep the office's lists. Managers see them with VIEW_STATISTICS.
    MANAGE_EVENTS = "manage_events"


# What reads or carries the content of cases: names, notes, a person's file.
CASE_CONTENT = frozenset(
    {Permission.WORK_RECORDS, Permission.ACCESS_EXPORT, Permission.EXPORT_NAMES}
)

_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.COUNSELLOR: frozenset(
        {
            Permission.WORK_RECORDS,
            Permission.VIEW_STATISTICS,
            Permission.ACCESS_EXPORT,
            Permission.MANAGE_EVENTS,
        }
    ),
    # Managers see figures, never names or notes.
    Role.MANAGER: frozenset({Permission.VIEW_STATISTICS, Permission.VIEW_WORKLOAD}),
    # Administrators manage users, vocabularies, partners, settings, retention and backups
    # without reading case content (DOMAIN.md, need to know): one who also counsels holds the
    # counsellor's role too.
    # Nor their colleagues' workload: that is the manager's.
    Role.ADMIN: frozenset(Permission) - CASE_CONTENT - {Permission.VIEW_WORKLOAD},
    Role.LIST_EXPORT: frozenset({Permission.EXPORT_NAMES}),
}


def allowed(roles: Role | Iterable[Role], permission: Permission) -> bool:
    """Whether any of ``roles`` (one role, or a user's several) carries ``permission``."""
    if isinstance(roles, Role):
        roles = (roles,)
    return any(permission in _GRANTS[r] for r in roles)
