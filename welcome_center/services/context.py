"""The actor a service call is made for, and the Changes value a writing call returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from welcome_center.db.uow import ConcurrentChangeError, UnitOfWork
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.i18n import _

T = TypeVar("T")

# Re-exported for the desk, which reaches the database only through the services.
__all__ = ["Actor", "Changes", "ConcurrentChangeError", "Saved", "UnitOfWork", "record_changed"]


@dataclass(frozen=True, init=False)
class Actor:
    """Who acts: a logged-in user with their roles (one or several), or the command line acting
    for an operating-system account."""

    user_id: int | None
    name: str
    roles: frozenset[Role]

    def __init__(self, user_id: int | None, name: str, roles: Role | Iterable[Role]) -> None:
        object.__setattr__(self, "user_id", user_id)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "roles", frozenset((roles,) if isinstance(roles, Role) else roles))

    @classmethod
    def system(cls, os_account: str) -> Actor:
        """The command line: may do everything, recorded as ``system:<account>``."""
        return cls(None, f"system:{os_account}", frozenset(Role))

    @property
    def is_system(self) -> bool:
        return self.user_id is None

    def may(self, permission: Permission) -> bool:
        """Whether any of the actor's roles carries ``permission``."""
        return allowed(self.roles, permission)

    def require(self, permission: Permission) -> None:
        """Raise PermissionDeniedError unless one of the actor's roles carries ``permission``."""
        if not self.may(permission):
            raise PermissionDeniedError(_("Your role does not allow this."))

    def require_any(self, *permissions: Permission) -> None:
        """Raise PermissionDeniedError unless the actor has one of ``permissions``."""
        if not any(self.may(p) for p in permissions):
            raise PermissionDeniedError(_("Your role does not allow this."))


@dataclass(frozen=True)
class Changes:
    """What a writing call changed, so that every open window can refresh just that."""

    records: frozenset[int] = frozenset()
    persons: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    follow_ups: bool = False
    vocabularies: bool = False
    users: bool = False
    settings: bool = False
    events: bool = False  # the office's events (the events page, the reports' counts)

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.records | other.records,
            self.persons | other.persons,
            self.organisations | other.organisations,
            self.follow_ups or other.follow_ups,
            self.vocabularies or other.vocabularies,
            self.users or other.users,
            self.settings or other.settings,
            self.events or other.events,
        )


@dataclass(frozen=True)
class Saved(Generic[T]):
    """The result of a writing call: the saved item as a dataclass, and what changed."""

    value: T
    changes: Changes = field(default_factory=Changes)


def record_changed(record_id: int, *, follow_ups: bool = False) -> Changes:
    return Changes(records=frozenset({record_id}), follow_ups=follow_ups)
