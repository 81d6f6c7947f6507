"""The keys the duplicate check finds persons by, kept current like the search index.

Each person who is not anonymised has a few rows in ``person_name_keys``
(``domain.name_match.stored_keys``: sounds of the family and given names). Looking up the keys
of a typed name reads an index, never the whole person table; the administrator's list pairs
persons who share a key.

Kept current in three ways, so that no path that writes persons is missed:

* writes through the ORM (the person editor, a merge): :func:`track_changes` remembers every
  person a flush inserts or whose name or anonymisation changes, :func:`sync` rewrites their
  keys when the unit of work ends;
* Core inserts (an import): :func:`catch_up` from ``search.reindex``, which every bulk writer
  calls for its records, keys the persons of those records that have none yet and drops the
  keys of anonymised ones; the demo calls ``search.rebuild``, which calls :func:`rebuild`;
* anonymisation drops the keys of the persons it anonymises (:func:`forget`): a sound of a
  name is still a trace of the name.

When the key rules in ``domain.name_match`` change, a migration calls :func:`rebuild`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, delete, event, insert, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from welcome_center.db import bulk
from welcome_center.db.models import Person, PersonNameKey, Record, RecordParty
from welcome_center.domain.name_match import stored_keys

_TRACKED = "_welcome_center_name_keys_tracked"
_TOUCHED = "name_keys_touched"
_CHUNK = 500
_NAME_FIELDS = ("family_name", "given_name", "anonymised_at")


def _rows(people: Iterable[tuple[int, str, str]]) -> list[dict[str, Any]]:
    return [
        {"person_id": pid, "key": key}
        for pid, family, given in people
        for key in sorted(stored_keys(family, given))
    ]


def _write(bind: Session | Connection, ids: Sequence[int]) -> None:
    """Replace the keys of these persons (those anonymised get none)."""
    bind.execute(delete(PersonNameKey).where(PersonNameKey.person_id.in_(ids)))
    people = bind.execute(
        select(Person.id, Person.family_name, Person.given_name).where(
            Person.id.in_(ids), Person.anonymised_at.is_(None)
        )
    )
    rows = _rows((pid, family, given) for pid, family, given in people)
    if isinstance(bind, Session) and len(rows) >= bulk.COPY_FROM:  # an import: a server's COPY
        bulk.bulk_insert(bind, PersonNameKey, rows)
    elif rows:
        bind.execute(insert(PersonNameKey), rows)


def refresh(bind: Session | Connection, person_ids: Iterable[int]) -> None:
    """Rewrite the keys of these persons (in the caller's transaction)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), _CHUNK):
        _write(bind, ids[start : start + _CHUNK])


def forget(bind: Session | Connection, person_ids: Collection[int]) -> None:
    """Drop the keys of these persons (anonymised: no trace of their names stays)."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        bind.execute(delete(PersonNameKey).where(PersonNameKey.person_id.in_(chunk)))


def rebuild(bind: Session | Connection) -> int:
    """Rewrite every person's keys (after a bulk insert, or when the rules changed); returns
    the number of persons keyed."""
    bind.execute(delete(PersonNameKey))
    ids = list(bind.scalars(select(Person.id).where(Person.anonymised_at.is_(None))))
    refresh(bind, ids)
    return len(ids)


def catch_up(session: Session, record_ids: Collection[int]) -> None:
    """Key the clients and parties of these records that have no keys yet, and drop the keys
    of those anonymised: what a Core insert or update of persons left behind."""
    ids = sorted(set(record_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        persons = set(
            session.scalars(
                select(Record.client_person_id).where(
                    Record.id.in_(chunk), Record.client_person_id.is_not(None)
                )
            )
        )
        persons.update(
            session.scalars(
                select(RecordParty.person_id).where(
                    RecordParty.record_id.in_(chunk), RecordParty.person_id.is_not(None)
                )
            )
        )
        known = sorted(pid for pid in persons if pid is not None)
        if known:
            _catch_up_persons(session, known)


def _catch_up_persons(session: Session, ids: Sequence[int]) -> None:
    keyed = select(PersonNameKey.person_id).where(PersonNameKey.person_id == Person.id)
    stale = session.scalars(
        select(Person.id).where(
            Person.id.in_(ids),
            (Person.anonymised_at.is_(None) & ~keyed.exists())
            | (Person.anonymised_at.is_not(None) & keyed.exists()),
        )
    ).all()
    if stale:
        _write(session, stale)


def matching(keys: Collection[str]) -> Select[int]:
    """The ids of the persons with at least one of these keys, to use as a subquery."""
    return select(PersonNameKey.person_id).where(PersonNameKey.key.in_(sorted(keys)))


# --- keeping the keys current inside a unit of work ------------------------------------------


def track_changes(sessions: sessionmaker[Session]) -> None:
    """Remember, per session, the persons whose keys a flush may change (idempotent)."""
    if not getattr(sessions, _TRACKED, False):
        event.listen(sessions, "before_flush", _before_flush)
        setattr(sessions, _TRACKED, True)


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    touched: list[Person] = session.info.setdefault(_TOUCHED, [])
    touched.extend(p for p in session.new if isinstance(p, Person))
    for p in session.dirty:
        if isinstance(p, Person) and _name_changed(p):
            touched.append(p)


def _name_changed(p: Person) -> bool:
    state = inspect(p)
    return any(state.attrs[f].history.has_changes() for f in _NAME_FIELDS)


def sync(session: Session) -> None:
    """Rewrite the keys of every person the session's flushes inserted or renamed."""
    session.flush()
    touched: list[Person] = session.info.pop(_TOUCHED, [])
    ids = {p.id for p in touched if p.id is not None}
    if ids:
        refresh(session, ids)
