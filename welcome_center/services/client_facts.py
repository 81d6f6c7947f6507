"""What tells clients of the same name apart in a list: birth date, nationality, town, the last
contact and the number of records, read for a whole list at once (one grouped query)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from welcome_center.db.models import Consultation, Organisation, Person, Record
from welcome_center.domain.views import ClientFacts


def record_facts(
    s: Session, client: InstrumentedAttribute[int | None], ids: Collection[int]
) -> dict[int, tuple[int, date | None]]:
    """(records, last contact) per client id, in one grouped query: the records whose client
    it is, and the latest of their consultation and opening dates."""
    if not ids:
        return {}
    stmt = (
        select(
            client,
            func.count(distinct(Record.id)),
            func.max(Record.opened_on),
            func.max(Consultation.held_on),
        )
        .select_from(Record)
        .outerjoin(Consultation, Consultation.record_id == Record.id)
        .where(client.in_(ids))
        .group_by(client)
    )
    out: dict[int, tuple[int, date | None]] = {}
    for cid, count, opened, held in s.execute(stmt):
        if cid is None:
            continue
        dates = [d for d in (opened, held) if d is not None]
        out[cid] = (count, max(dates) if dates else None)
    return out


def person_facts(s: Session, persons: Collection[Person]) -> dict[int, ClientFacts]:
    """The facts shown beside each person's name, by person id."""
    counted = record_facts(s, Record.client_person_id, [p.id for p in persons])
    out = {}
    for p in persons:
        records, last = counted.get(p.id, (0, None))
        out[p.id] = ClientFacts(
            birth_date=p.birth_date,
            birth_year=p.birth_year,
            nationality=p.nationality,
            municipality=p.municipality,
            last_contact=last,
            records=records,
        )
    return out


def organisation_facts(s: Session, orgs: Collection[Organisation]) -> dict[int, ClientFacts]:
    """The facts shown beside each organisation's name, by organisation id."""
    counted = record_facts(s, Record.client_organisation_id, [o.id for o in orgs])
    out = {}
    for o in orgs:
        records, last = counted.get(o.id, (0, None))
        out[o.id] = ClientFacts(municipality=o.municipality, last_contact=last, records=records)
    return out
