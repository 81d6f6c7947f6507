"""Two organisations merged: a contact person recorded at both is one person and is kept once
(the same name folded as the duplicate check folds it; where both have an e-mail or both a
phone, one agrees); the others move; the audit entry names both organisations and how many
contact persons became one. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from welcome_center.db.models import AuditEntry, Base, ContactPerson, Organisation
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import OrganisationDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import merge, people
from welcome_center.services.context import Actor
from welcome_center.services.merge_contacts import same_contact


def _org(uow: UnitOfWork, actor: Actor, name: str) -> int:
    draft = OrganisationDraft(name=name)
    return people.create_organisation(uow, actor, draft, accept_duplicates=True).value.id


def _contacts(uow: UnitOfWork, org: int) -> list[tuple[str, str, str, str]]:
    with uow.read() as s:
        rows = s.scalars(
            select(ContactPerson)
            .where(ContactPerson.organisation_id == org)
            .order_by(ContactPerson.id)
        )
        return [(c.name, c.function, c.email, c.phone) for c in rows]


def _add(uow: UnitOfWork, org: int, *contacts: tuple[str, str, str, str]) -> None:
    with uow.begin() as s:
        s.add_all(
            ContactPerson(organisation_id=org, name=n, function=f, email=e, phone=p)
            for n, f, e, p in contacts
        )


def test_a_contact_person_at_both_is_kept_once_with_what_either_knows(
    uow: UnitOfWork, anna: Actor
) -> None:
    keep = _org(uow, anna, "Muster GmbH")
    other = _org(uow, anna, "Muster Gesellschaft mbH")
    _add(
        uow,
        keep,
        ("Anna Roth", "", "A.Roth@muster.example", ""),
        ("Jürgen Müller", "Ausbildung", "", "0371 4711"),
        ("Jonas Weber", "", "j.weber@muster.example", ""),
        ("Frau Roth", "Empfang", "", ""),
    )
    _add(
        uow,
        other,
        # The same e-mail (case aside), the name written family name first: one person.
        ("Roth, Anna", "Personal", "a.roth@muster.example", "+49 371 1234"),
        # Umlauts written out, the number with the country code: one person.
        ("Dr. Juergen Mueller", "", "j.mueller@muster.example", "+49 (371) 47 11"),
        # The same name with another address and no phone to agree: two people, kept apart.
        ("Jonas Weber", "", "jonas.weber@andere.example", ""),
        # Herr Roth is not Frau Roth.
        ("Herr Roth", "", "", ""),
        ("Ayşe Çelik", "Leitung", "", "0371 555"),
    )
    seen = merge.preview(uow, anna, ClientKind.ORGANISATION, keep, other)
    assert seen.same_contacts == 2
    assert seen.second.counts["contacts"] == 5
    merge.merge(
        uow, anna, ClientKind.ORGANISATION, (keep, seen.first.version), (other, seen.second.version)
    )
    assert _contacts(uow, keep) == [
        ("Anna Roth", "Personal", "A.Roth@muster.example", "+49 371 1234"),
        ("Jürgen Müller", "Ausbildung", "j.mueller@muster.example", "0371 4711"),
        ("Jonas Weber", "", "j.weber@muster.example", ""),
        ("Frau Roth", "Empfang", "", ""),
        ("Jonas Weber", "", "jonas.weber@andere.example", ""),
        ("Herr Roth", "", "", ""),
        ("Ayşe Çelik", "Leitung", "", "0371 555"),
    ]
    with uow.read() as s:
        assert s.get(Organisation, other) is None
        assert (
            s.scalar(select(ContactPerson.id).where(ContactPerson.organisation_id == other)) is None
        )
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
        assert (entry.entity, entry.entity_id) == ("organisation", keep)
        assert entry.detail == f"merged={other}; contact persons merged=2"


def test_the_other_organisation_may_stay_and_keeps_its_own_entry(
    uow: UnitOfWork, anna: Actor
) -> None:
    first = _org(uow, anna, "Pflegedienst Sonnenschein")
    second = _org(uow, anna, "Pflegedienst Sonnenschein e.V.")
    _add(uow, first, ("Олена Коваленко", "Pflege", "", "0371 9"))
    _add(uow, second, ("Kovalenko, Olena", "", "o.kovalenko@sonne.example", ""))
    seen = merge.preview(uow, anna, ClientKind.ORGANISATION, first, second)
    assert seen.same_contacts == 1
    merge.merge(
        uow,
        anna,
        ClientKind.ORGANISATION,
        (second, seen.second.version),
        (first, seen.first.version),
    )
    assert _contacts(uow, second) == [
        ("Kovalenko, Olena", "Pflege", "o.kovalenko@sonne.example", "0371 9")
    ]


def test_the_same_person_rule() -> None:
    def c(name: str, email: str = "", phone: str = "") -> ContactPerson:
        return ContactPerson(name=name, email=email, phone=phone, function="")

    assert same_contact(c("Anna Roth"), c("ROTH, Anna"))
    assert same_contact(c("Anna Roth", "a@x.example"), c("Anna Roth", phone="0371 1"))
    assert same_contact(
        c("Anna Roth", "a@x.example", "0371 1"), c("Anna Roth", "b@x.example", "0049 371 1")
    )
    assert not same_contact(c("Anna Roth", "a@x.example"), c("Anna Roth", "b@x.example"))
    assert not same_contact(c("Anna Roth", phone="0371 1"), c("Anna Roth", phone="0371 2"))
    assert not same_contact(c("Anna Roth"), c("Anne Roth"))
    assert not same_contact(c("Anna Roth"), c("Roth"))
    assert not same_contact(c("Dr."), c("Dr."))  # no name at all is nobody


def test_nothing_refers_to_a_contact_person_by_its_id() -> None:
    """Merging keeps one entry and deletes the other; a table that came to refer to contact
    persons would need its references moved (services/merge_contacts.py)."""
    found = [
        f"{table.name}.{fk.parent.name}"
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if fk.column.table.name == "contact_persons"
    ]
    assert found == []
