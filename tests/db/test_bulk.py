"""Bulk inserts (db.bulk) and bulk audit entries: the same rows as one insert at a time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from welcome_center.db import bulk
from welcome_center.db.models import AuditEntry, Base, Organisation
from welcome_center.db.uow import UnitOfWork
from welcome_center.services import audit
from welcome_center.services.context import Actor

NOON = datetime(2024, 5, 6, 12, tzinfo=UTC)


def test_rows_get_the_defaults_and_later_ids_follow_the_given_ones(uow: UnitOfWork) -> None:
    with uow.begin() as s:
        top = s.scalar(select(func.max(Organisation.id))) or 0
        rows = [
            {"id": top + 10 + i, "name": f"Firma {i}", "name_key": f"firma {i}"}
            | {"created_at": NOON, "updated_at": NOON}
            for i in range(3)
        ]
        bulk.bulk_insert(s, Organisation, rows)
        bulk.reset_sequences(s, [Organisation])
    with uow.begin() as s:
        org = s.get(Organisation, top + 11)
        assert org is not None
        assert (org.name, org.email, org.notes, org.code) == ("Firma 1", "", "", None)
        assert (org.active, org.is_partner, org.version, org.created_at) == (True, False, 1, NOON)
        later = Organisation(name="Neu", name_key="neu")
        s.add(later)
        s.flush()
        assert later.id == top + 13


def test_left_out_timestamps_are_set_and_no_rows_insert_nothing(uow: UnitOfWork) -> None:
    before = datetime.now(UTC)
    with uow.begin() as s:
        count = s.scalar(select(func.count()).select_from(Organisation))
        bulk.bulk_insert(s, Base.metadata.tables["organisations"], [])
        assert s.scalar(select(func.count()).select_from(Organisation)) == count
        bulk.bulk_insert(s, Organisation, [{"name": "Ohne Zeit", "name_key": "ohne zeit"}])
    with uow.read() as s:
        org = s.scalars(select(Organisation).where(Organisation.name == "Ohne Zeit")).one()
        assert org.created_at >= before and org.updated_at >= before


def test_log_many_writes_what_log_writes(uow: UnitOfWork, anna: Actor) -> None:
    with uow.begin() as s:
        audit.log(s, anna, "add_follow_up", "record", 7, detail="residence_expiry")
        audit.log_many(s, anna, "add_follow_up", "record", [8, 9], detail="residence_expiry")
        audit.log_many(s, anna, "add_follow_up", "record", [])
    with uow.read() as s:
        entries = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "add_follow_up").order_by(AuditEntry.id)
        ).all()
        got = [
            (e.user_id, e.actor, e.entity, e.entity_id, e.detail, e.at.tzinfo is not None)
            for e in entries
        ]
    assert got == [(anna.user_id, "anna", "record", i, "residence_expiry", True) for i in (7, 8, 9)]


def test_many_rows_go_in_as_they_are_written(uow: UnitOfWork) -> None:
    """From bulk.COPY_FROM rows a server takes them by COPY: text with tabs, line breaks,
    backslashes and quotes, empty and missing values, JSON lists and times arrive unchanged."""
    odd = ["Tab\there", "Zeile\nneu", "Back\\slash", "\\N", 'O\'Brien "Ltd"', "Ünïcødé ß", ""]
    count = bulk.COPY_FROM + 5
    with uow.begin() as s:
        top = s.scalar(select(func.max(Organisation.id))) or 0
        rows = [
            {"id": top + 1 + i, "name": f"{odd[i % len(odd)]} {i}", "name_key": f"k{i}"}
            | {"notes": odd[i % len(odd)], "code": None if i % 2 else f"c{i}"}
            | {"created_at": NOON, "updated_at": NOON, "is_partner": i % 3 == 0}
            for i in range(count)
        ]
        bulk.bulk_insert(s, Organisation, rows)
        bulk.reset_sequences(s, [Organisation])
        entries = [
            {"at": NOON, "actor": "anna", "action": "update", "entity": "record"}
            | {"entity_id": i, "fields": ["summary", odd[i % len(odd)]], "detail": odd[i % 7]}
            for i in range(count)
        ]
        first = (s.scalar(select(func.max(AuditEntry.id))) or 0) + 1
        bulk.bulk_insert(s, AuditEntry, [e | {"id": first + i} for i, e in enumerate(entries)])
    with uow.read() as s:
        orgs = s.scalars(
            select(Organisation).where(Organisation.id > top).order_by(Organisation.id)
        ).all()
        got = [(o.name, o.notes, o.code, o.is_partner, o.created_at, o.active) for o in orgs]
        assert got == [
            (r["name"], r["notes"], r["code"], r["is_partner"], NOON, True) for r in rows
        ]
        logged = s.scalars(
            select(AuditEntry).where(AuditEntry.id >= first).order_by(AuditEntry.id)
        ).all()
        assert [(e.at, e.entity_id, e.fields, e.detail) for e in logged] == [
            (NOON, e["entity_id"], e["fields"], e["detail"]) for e in entries
        ]


def test_many_rows_without_their_timestamps_get_them(uow: UnitOfWork) -> None:
    before = datetime.now(UTC)
    rows = [{"name": f"Ohne Zeit {i}", "name_key": f"ohne zeit {i}"} for i in range(150)]
    with uow.begin() as s:
        bulk.bulk_insert(s, Organisation, rows)
    with uow.read() as s:
        orgs = s.scalars(select(Organisation).where(Organisation.name.like("Ohne Zeit %"))).all()
        assert len(orgs) == len(rows)
        assert all(o.created_at >= before and o.updated_at >= before for o in orgs)


def test_new_ids_are_the_rows_own_in_their_order(uow: UnitOfWork) -> None:
    """On a server, from COPY_FROM rows, the ids are drawn first and the rows copied with them:
    each id is its own row's, and ids handed out later follow them. On a file: None (the
    caller inserts as before)."""
    rows = [{"name": f"Neu {i:03}", "name_key": f"neu {i:03}"} for i in range(bulk.COPY_FROM + 20)]
    with uow.begin() as s:
        ids = bulk.new_ids(s, Organisation, rows)
        if s.get_bind().dialect.name == "sqlite":
            assert ids is None
            return
        assert ids is not None and len(set(ids)) == len(rows)
        names = dict(s.execute(select(Organisation.id, Organisation.name).where(
            Organisation.id.in_(ids))).all())  # fmt: skip
        assert [names[i] for i in ids] == [r["name"] for r in rows]
        later = Organisation(name="Danach", name_key="danach")
        s.add(later)
        s.flush()
        assert later.id > max(ids)
        assert bulk.new_ids(s, Organisation, rows[:3]) is None  # few rows: INSERT as before
