"""The audit log's vocabulary: what was done (a stable code per action), what a search of the log
asks for, and what it returns.

The codes are stored in ``audit_log.action`` and never change meaning: rename a member, never its
value. Labels for the desk are in :mod:`welcome_center.i18n.labels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from welcome_center.domain.enums import ClientKind


class AuditAction(StrEnum):
    # reading
    READ = "read"
    SEARCH = "search"
    EXPORT = "export"
    EXPORT_LIST = "export_list"  # a list with client names; its detail holds the row count
    ACCESS_EXPORT = "access_export"  # an access request (Art. 15 GDPR) about one person
    CLIENT_SUMMARY = "client_summary"  # a record's summary printed for the client
    REFERRAL_NOTE = "referral_note"  # a referral note for the partner (PDF or e-mail text)
    READ_DOCUMENT = "read_document"  # a document's bytes read (opened or saved); detail: its id
    # writing
    CREATE = "create"
    UPDATE = "update"
    STATUS = "status"
    PROMOTE = "promote"
    CLOSE = "close"
    REOPEN = "reopen"
    LINK_PARTY = "link_party"
    ASSIGN_CLIENT = "assign_client"  # an anonymous enquiry given its client; detail: the kind
    UNLINK_PARTY = "unlink_party"
    MERGE = "merge"  # two persons or organisations merged into one; detail: the merged-away id
    ADD_CONSULTATION = "add_consultation"
    EDIT_CONSULTATION = "edit_consultation"
    DELETE_CONSULTATION = "delete_consultation"
    REFER = "refer"
    REFERRAL_FEEDBACK = "referral_feedback"
    ADD_FOLLOW_UP = "add_follow_up"
    COMPLETE_FOLLOW_UP = "complete_follow_up"
    RESCHEDULE_FOLLOW_UP = "reschedule_follow_up"
    ADD_RECOGNITION = "add_recognition"
    EDIT_RECOGNITION = "edit_recognition"
    ADD_RESIDENCE_TITLE = "add_residence_title"
    EDIT_RESIDENCE_TITLE = "edit_residence_title"
    ADD_DOCUMENT = "add_document"  # a file attached to a record; detail: its id and size
    REMOVE_DOCUMENT = "remove_document"
    # consent (DOMAIN.md, data protection)
    RECORD_CONSENT = "record_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
    CONSENT_OVERRIDE = "consent_override"  # a referral made without consent, with a reason
    # vocabularies (an entry is activated or retired)
    ACTIVATE = "activate"
    RETIRE = "retire"
    REORDER = "reorder"
    # users and logging in
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    DEACTIVATE = "deactivate"
    RESET_PASSWORD = "reset_password"
    CHANGE_PASSWORD = "change_password"
    UNLOCK_LOGIN = "unlock_login"  # an administrator lifted a lock after failed logins
    # the database and reports
    BACKUP = "backup"
    RESTORE = "restore"  # a backup put in place of the database (in the restored one)
    ENCRYPT = "encrypt"  # a plain database file encrypted
    IMPORT = "import"
    DELETE = "delete"  # an item removed for good (an import alias)
    DEMO = "demo"
    PUBLISH = "publish"
    # retention (DOMAIN.md, data protection)
    RETENTION_RUN = "retention_run"  # a run of the retention rules, with its counts
    LEGAL_HOLD = "legal_hold"  # a record put on legal hold (detail "on") or released ("off")


def action_of(code: str) -> AuditAction | str:
    """The action a stored code stands for; a code no member has (written by a newer program,
    or by hand) is kept as it is."""
    try:
        return AuditAction(code)
    except ValueError:
        return code


class AuditEntity(StrEnum):
    """What an entry is about (``audit_log.entity``): the kinds a search can name."""

    RECORD = "record"
    PERSON = "person"
    ORGANISATION = "organisation"
    USER = "user"
    VOCABULARY = "vocabulary"
    SETTINGS = "settings"
    EVENT = "event"
    REPORT = "report"
    DATABASE = "database"
    CLIENT = "client"  # a search of persons and organisations
    AUDIT = "audit"  # the audit log itself (its export)
    IMPORT_ALIAS = "import_alias"  # a value of import files remembered as an entry or a partner


# Newest first, this many per page of a search; an export takes at most EXPORT_LIMIT entries.
AUDIT_PAGE = 500
EXPORT_LIMIT = 1_000_000


@dataclass(frozen=True)
class AuditFilter:
    """What a search of the audit log asks for; every part left empty matches everything.

    ``client`` (a person or an organisation) matches the entries about it and about every record
    it is the client or a further party of. ``record_number`` is a record's number as the desk
    shows it. ``since``/``until`` are office days, both included. ``before`` continues a search
    after the last entry of the previous page (its ``at`` and ``id``).
    """

    user_id: int | None = None
    client: tuple[ClientKind, int] | None = None
    record_number: str = ""
    action: AuditAction | None = None
    since: date | None = None
    until: date | None = None
    limit: int = AUDIT_PAGE
    before: tuple[datetime, int] | None = None


@dataclass(frozen=True)
class AuditEntryView:
    """One entry as the audit page shows it: ids and field names, never personal data."""

    id: int
    at: datetime
    user_id: int | None
    actor: str
    action: AuditAction | str
    entity: str
    entity_id: int | None
    record_number: str | None  # when the entry is about a record
    fields: tuple[str, ...]
    detail: str
