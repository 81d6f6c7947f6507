"""Domain errors: a stable code for programs and a message in the user's language.

The layer that raises an error translates its message (services use ``i18n._``); the domain
itself never imports the translation machinery.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; ``message`` is already translated."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFoundError(DomainError):
    code = "not_found"


class ValidationError(DomainError):
    code = "invalid"


class PermissionDeniedError(DomainError):
    code = "permission_denied"


class ConflictError(DomainError):
    """Someone else saved the same item meanwhile; reload before editing again."""

    code = "conflict"

    def __init__(
        self, message: str, *, changed_by: str | None = None, changed_at: str | None = None
    ):
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class StateError(DomainError):
    """The action does not fit the item's current state (closing a closed record, say)."""

    code = "wrong_state"


class AuthenticationError(DomainError):
    code = "authentication_failed"


class StorageError(DomainError):
    """The database could not be read or written (disk full, busy, read-only, gone, damaged,
    server unreachable); nothing of the transaction was saved. ``kind`` says which."""

    code = "storage"

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


class ConsentMissingError(DomainError):
    """A referral was refused: no consent of the client covers it (DOMAIN.md). The message
    names the client, the partner and what is missing; the desk offers to record the consent
    (for ``partner_id`` on ``referred_on``) and, when ``override_allowed``, to refer anyway
    with a reason."""

    code = "consent_missing"

    def __init__(
        self,
        message: str,
        *,
        client_kind: str,
        client_id: int,
        client_name: str,
        partner_id: int,
        partner_name: str,
        referred_on: object,
        override_allowed: bool,
    ) -> None:
        super().__init__(message)
        self.client_kind = client_kind
        self.client_id = client_id
        self.client_name = client_name
        self.partner_id = partner_id
        self.partner_name = partner_name
        self.referred_on = referred_on
        self.override_allowed = override_allowed
