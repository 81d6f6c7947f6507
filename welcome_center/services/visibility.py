"""Need to know (DOMAIN.md): which records, persons and organisations an actor may see.

An office shows its counsellors all records (the default), or each counsellor only their own:
the records they are the counsellor or the substitute of, and those nobody is assigned to yet
(the office's intake, which someone must be able to take on). A person or an organisation is
then seen where it is the client or a further party of a record seen, or of no record at all
(just created, or kept for later); partners of the directory are always seen. The command
line sees everything.

Every service that reads records, persons or organisations asks these conditions, in SQL,
inside its own query: :func:`visible_records`, :func:`visible_persons`,
:func:`visible_organisations`; and :func:`check_record`, :func:`check_person`,
:func:`check_organisation` before it shows or changes one item.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, true
from sqlalchemy.orm import Session, aliased

from welcome_center.db.models import Organisation, Person, Record, RecordParty
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import RecordVisibility, Role
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.i18n import _
from welcome_center.services import settings
from welcome_center.services.context import Actor

_CHUNK = 500
# The roles whose logins may read the figures' views on a team server (server_rights).
FIGURES_READERS = frozenset({Role.MANAGER, Role.ADMIN})


def figures_read(uow: UnitOfWork, actor: Actor) -> AbstractContextManager[Session]:
    """The read session in which ``actor`` counts the office's figures. A manager or an
    administrator reads them through the figures' views on a team server (every row of the
    office, without names), also one who counsels too: her login's tables show her, where the
    office shows own records only, her own records alone (row-level security), and an
    administrator's login partner organisations only. Anyone else reads the tables, as on a
    file."""
    return uow.figures() if reads_figures(actor) else uow.read()


def reads_figures(actor: Actor) -> bool:
    """Whether ``actor`` counts the office's figures through the figures' views
    (:func:`figures_read`)."""
    return not actor.is_system and bool(actor.roles & FIGURES_READERS)


def sees_all(s: Session, actor: Actor) -> bool:
    """Whether the actor sees every record: the office's setting says so, or it is the
    command line."""
    if actor.is_system:
        return True
    return settings.current(s).record_visibility != RecordVisibility.OWN.value


def _own(record: Any, user_id: int) -> ColumnElement[bool]:
    """The rule itself, on ``record`` (the Record entity or an alias of it)."""
    return or_(
        record.counsellor_id == user_id,
        record.substitute_id == user_id,
        record.counsellor_id.is_(None),
    )


def visible_records(s: Session, actor: Actor, record: Any = Record) -> ColumnElement[bool]:
    """The SQL condition on ``record`` (Record, or an alias of it) that the actor sees it."""
    if sees_all(s, actor):
        return true()
    assert actor.user_id is not None  # not the command line
    return _own(record, actor.user_id)


def _seen_client(
    s: Session, actor: Actor, client_col: str, party_col: str, item: Any
) -> ColumnElement[bool]:
    """Client or party of a record seen, or of no record at all (aliases: the caller's query
    may itself join records)."""
    assert actor.user_id is not None
    rec, party, party_rec = aliased(Record), aliased(RecordParty), aliased(Record)
    as_client = getattr(rec, client_col) == item.id
    as_party = getattr(party, party_col) == item.id
    seen_as_client = exists().where(as_client, _own(rec, actor.user_id))
    seen_as_party = (
        select(party.id)
        .join(party_rec, party_rec.id == party.record_id)
        .where(as_party, _own(party_rec, actor.user_id))
        .exists()
    )
    in_none = and_(~exists().where(as_client), ~exists().where(as_party))
    return or_(seen_as_client, seen_as_party, in_none)


def visible_persons(s: Session, actor: Actor) -> ColumnElement[bool]:
    """The SQL condition on Person that the actor sees the person."""
    if sees_all(s, actor):
        return true()
    return _seen_client(s, actor, "client_person_id", "person_id", Person)


def visible_organisations(s: Session, actor: Actor) -> ColumnElement[bool]:
    """The SQL condition on Organisation that the actor sees it (partners always)."""
    if sees_all(s, actor):
        return true()
    seen = _seen_client(s, actor, "client_organisation_id", "organisation_id", Organisation)
    return or_(Organisation.is_partner.is_(True), seen)


def check_record(s: Session, actor: Actor, record_id: int) -> None:
    """PermissionDeniedError unless the actor sees the record (if it exists)."""
    if sees_all(s, actor):
        return
    found = s.scalar(select(Record.id).where(Record.id == record_id, visible_records(s, actor)))
    if found is None and s.get(Record, record_id) is not None:
        raise PermissionDeniedError(
            _(
                "This record is another counsellor's. The office shows you only your own "
                "records and those you substitute on."
            )
        )


def check_person(s: Session, actor: Actor, person_id: int) -> None:
    """PermissionDeniedError unless the actor sees the person (if they exist)."""
    if sees_all(s, actor):
        return
    found = s.scalar(select(Person.id).where(Person.id == person_id, visible_persons(s, actor)))
    if found is None and s.get(Person, person_id) is not None:
        raise PermissionDeniedError(
            _(
                "This person is a client of another counsellor's records only. The office "
                "shows you only your own records and those you substitute on."
            )
        )


def check_organisation(s: Session, actor: Actor, org_id: int) -> None:
    """PermissionDeniedError unless the actor sees the organisation (if it exists)."""
    if sees_all(s, actor):
        return
    found = s.scalar(
        select(Organisation.id).where(Organisation.id == org_id, visible_organisations(s, actor))
    )
    if found is None and s.get(Organisation, org_id) is not None:
        raise PermissionDeniedError(
            _(
                "This organisation is a client of another counsellor's records only. The "
                "office shows you only your own records and those you substitute on."
            )
        )


def seen_record_ids(s: Session, actor: Actor, ids: Sequence[int]) -> list[int]:
    """Those of ``ids`` the actor sees, in the order given."""
    if sees_all(s, actor) or not ids:
        return list(ids)
    unique = sorted(set(ids))
    if len(unique) > 4 * _CHUNK:  # many ids (a search for a common word): one query
        seen = set(s.scalars(select(Record.id).where(visible_records(s, actor))))
        return [i for i in ids if i in seen]
    seen = set()
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        seen.update(
            s.scalars(select(Record.id).where(Record.id.in_(chunk), visible_records(s, actor)))
        )
    return [i for i in ids if i in seen]
