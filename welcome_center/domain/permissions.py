"""Who may do what. The services check; widgets only hide what a role cannot use."""

from __future__ import annotations

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


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.COUNSELLOR: frozenset(
        {Permission.WORK_RECORDS, Permission.VIEW_STATISTICS, Permission.ACCESS_EXPORT}
    ),
    # Managers see figures, never names or notes.
    Role.MANAGER: frozenset({Permission.VIEW_STATISTICS}),
    Role.ADMIN: frozenset(Permission) - {Permission.ACCESS_EXPORT},
}


def allowed(role: Role, permission: Permission) -> bool:
    """Whether ``role`` carries ``permission``."""
    return permission in _GRANTS[role]
