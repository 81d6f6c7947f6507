"""Need to know (DOMAIN.md, data protection): an office that shows counsellors only their own
and substituted records keeps every other record, and its clients, out of every path that reads
them: by id, search, the record list, the due lists, a person's or organisation's details, the
access export and the list export. With the default setting every counsellor sees everything. An
administrator without the counsellor's role reads no case content; one who also counsels does
both. Exporting a list with names is a permission of its own, audited with its row count."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from welcome_center.db.models import AuditEntry, Referral, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole, ReferralStatus, Role
from welcome_center.domain.errors import PermissionDeniedError, ValidationError
from welcome_center.domain.queries import RecordQuery
from welcome_center.domain.views import RecordDetails
from welcome_center.services import (
    cases,
    desk_lists,
    follow_ups,
    people,
    record_list,
    referrals,
    residence,
    search,
    settings,
    users,
)
from welcome_center.services.context import Actor
from welcome_center.services.desk_lists import FollowUpFilter
from welcome_center.services.privacy import access

TODAY = office_today()
OPENED = TODAY - timedelta(days=60)
SYSTEM = Actor.system("test")


@dataclass(frozen=True)
class Office:
    """Anna's record (client Pia Anders, an employer Ahorn GmbH as party), Ben's record (client
    Bodo Brandt), and one nobody is assigned to yet (client Nora Niemand)."""

    a: int
    a_person: int
    a_org: int
    b: int
    b_person: int
    none: int
    partner: int
    follow_up_for_ben: int  # on Anna's record, assigned to Ben


def _person(uow: UnitOfWork, actor: Actor, family: str, given: str) -> int:
    return people.create_person(
        uow, actor, PersonDraft(family_name=family, given_name=given), True
    ).value.id


def _open(uow: UnitOfWork, actor: Actor, person_id: int, summary: str) -> int:
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person_id), opened_on=OPENED, summary=summary
    )
    return cases.open_record(uow, actor, draft).value.id


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor) -> Office:
    a_person = _person(uow, anna, "Anders", "Pia")
    a = _open(uow, anna, a_person, "Anerkennung Pflege")
    a_org = people.create_organisation(uow, anna, OrganisationDraft(name="Ahorn GmbH")).value.id
    cases.link_party(
        uow,
        anna,
        a,
        PartyDraft(client=ClientChoice(ClientKind.ORGANISATION, a_org), role=PartyRole.EMPLOYER),
    )
    b_person = _person(uow, ben, "Brandt", "Bodo")
    b = _open(uow, ben, b_person, "Anerkennung Elektrik")
    none = _open(uow, SYSTEM, _person(uow, anna, "Niemand", "Nora"), "Anerkennung offen")
    partner = people.create_organisation(
        uow, SYSTEM, OrganisationDraft(name="Agentur für Arbeit", is_partner=True, code="aa")
    ).value.id
    # Anna hands a reminder on her record to Ben; a residence title of her client expires soon;
    # a referral of her record waits for feedback (written as it stands: consent is not the
    # subject here).
    f = follow_ups.add_follow_up(uow, anna, a, TODAY, "Rückruf", assigned_to_id=ben.user_id)
    residence.add_title(
        uow,
        anna,
        a_person,
        ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=20)),
    )
    with uow.begin() as s:
        s.add(
            Referral(
                record_id=a,
                partner_id=partner,
                referred_on=TODAY - timedelta(days=30),
                status=ReferralStatus.SENT,
                created_by_id=anna.user_id,
            )
        )
    return Office(a, a_person, a_org, b, b_person, none, partner, f.value.id)


def _own(uow: UnitOfWork, admin: Actor) -> None:
    settings.update_settings(uow, admin, record_visibility="own")


@pytest.fixture
def own(uow: UnitOfWork, admin: Actor, office: Office) -> Office:
    """The office shows counsellors their own and substituted records only."""
    _own(uow, admin)
    return office


def _draft(d: RecordDetails) -> RecordDraft:
    """The overview of a saved record, as the record window sends it back."""
    return RecordDraft(
        client=ClientChoice(d.client.kind, d.client.id),
        opened_on=d.opened_on,
        kind=d.kind,
        counsellor_id=d.counsellor_id,
        requester_type=d.requester_type,
        channel=d.channel,
        municipality=d.municipality,
        topics=d.topics,
        services=d.services,
        summary=d.summary,
        substitute_id=d.substitute_id,
    )


def _make_substitute(uow: UnitOfWork, anna: Actor, record_id: int, user_id: int | None) -> None:
    d = cases.get_record(uow, anna, record_id)
    cases.update_record(uow, anna, record_id, replace(_draft(d), substitute_id=user_id), d.version)


# --- the setting ------------------------------------------------------------------------------


def test_the_setting_is_all_by_default_and_checked(uow: UnitOfWork, admin: Actor) -> None:
    assert settings.get_settings(uow).record_visibility == "all"
    with pytest.raises(ValidationError):
        settings.update_settings(uow, admin, record_visibility="mine")
    assert settings.update_settings(uow, admin, record_visibility="own").value.record_visibility


# --- each path, with "own" ------------------------------------------------------------------


def test_own_a_record_of_another_counsellor_is_refused_by_id(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    assert cases.get_record(uow, anna, own.a).number
    with pytest.raises(PermissionDeniedError) as info:
        cases.get_record(uow, ben, own.a)
    assert "your own records" in info.value.message
    for read in (cases.history, cases.get_record):
        with pytest.raises(PermissionDeniedError):
            read(uow, ben, own.a)
    assert cases.get_record(uow, ben, own.b).number  # his own


def test_own_no_change_reaches_another_counsellors_record(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    d = cases.get_record(uow, anna, own.a)
    with pytest.raises(PermissionDeniedError):
        cases.update_record(uow, ben, own.a, replace(_draft(d), summary="x"), d.version)
    with pytest.raises(PermissionDeniedError):
        follow_ups.add_follow_up(uow, ben, own.a, TODAY)
    f = d.follow_ups[0]
    with pytest.raises(PermissionDeniedError):
        follow_ups.complete(uow, ben, f.id, expected_version=f.version)


def test_own_search_finds_only_ones_own_records(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    assert {r.id for r in search.search_records(uow, anna, "Anerkennung")} == {own.a, own.none}
    found = {r.id for r in search.search_records(uow, ben, "Anerkennung")}
    assert found == {own.b, own.none}
    assert search.search_records(uow, ben, "Anders") == []
    assert search.search_record_ids(uow, ben, "Anders") == []
    # The limit applies after the others' matches are left out.
    assert search.search_record_ids(uow, ben, "Anerkennung", limit=1) != []


def test_own_the_record_list_and_its_lines(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    assert set(record_list.record_ids(uow, ben, RecordQuery())) == {own.b, own.none}
    assert record_list.record_ids(uow, ben, RecordQuery(text="Anders")) == []
    assert record_list.record_ids(uow, ben, RecordQuery(counsellor_id=anna.user_id)) == []
    assert [r.id for r in record_list.record_rows(uow, ben, [own.a, own.b])] == [own.b]
    assert set(record_list.record_ids(uow, anna, RecordQuery())) == {own.a, own.none}


def test_own_the_due_lists_leave_out_the_others_records(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    # Anna handed Ben a reminder on her record: he does not see her record, nor the reminder.
    assert follow_ups.due_list(uow, ben).items == ()
    assert follow_ups.due_list(uow, ben, counsellor_id=anna.user_id).items == ()
    listed = desk_lists.open_follow_ups(uow, ben, FollowUpFilter())
    assert own.follow_up_for_ben not in [f.id for f in listed.items]
    assert listed.total == len(listed.items)
    assert own.follow_up_for_ben in [
        f.id for f in follow_ups.due_list(uow, anna, ben.user_id).items
    ]
    # Today's other lists: residence titles expiring soon, referrals waiting for feedback.
    assert desk_lists.expiring_titles(uow, ben) == []
    assert [t.person.id for t in desk_lists.expiring_titles(uow, anna)] == [own.a_person]
    assert referrals.awaiting_feedback(uow, ben) == []
    assert len(referrals.awaiting_feedback(uow, anna)) == 1
    assert referrals.referrals_to_partner(uow, ben, own.partner) == []
    assert len(referrals.referrals_to_partner(uow, anna, own.partner)) == 1


def test_own_a_person_or_organisation_of_another_counsellor_is_refused(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    with pytest.raises(PermissionDeniedError) as info:
        people.get_person(uow, ben, own.a_person)
    assert "another counsellor" in info.value.message
    with pytest.raises(PermissionDeniedError):
        people.get_organisation(uow, ben, own.a_org)  # a party of Anna's record only
    with pytest.raises(PermissionDeniedError):
        cases.records_of_client(uow, ben, ClientChoice(ClientKind.PERSON, own.a_person))
    with pytest.raises(PermissionDeniedError):
        residence.titles_of(uow, ben, own.a_person)
    draft = PersonDraft(family_name="Anders", given_name="Pia", email="pia@example.org")
    with pytest.raises(PermissionDeniedError):
        p = people.get_person(uow, anna, own.a_person)
        people.update_person(uow, ben, own.a_person, draft, p.version)
    assert people.get_person(uow, anna, own.a_person).family_name == "Anders"
    assert people.get_organisation(uow, anna, own.a_org).name == "Ahorn GmbH"
    assert people.get_person(uow, ben, own.b_person).family_name == "Brandt"
    # The partner directory is the office's: everyone sees it.
    assert people.get_organisation(uow, ben, own.partner).is_partner


def test_own_the_client_search_finds_only_clients_seen(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    def names(actor: Actor, text: str) -> list[str]:
        return [h.ref.display_name for h in people.search_clients(uow, actor, text)]

    assert names(ben, "Anders") == [] and names(ben, "Ahorn") == []
    assert names(anna, "Anders") == ["Anders, Pia"] and names(anna, "Ahorn") == ["Ahorn GmbH"]
    assert names(ben, "Brandt") == ["Brandt, Bodo"]
    assert names(ben, "Niemand") == ["Niemand, Nora"]  # the unassigned record's client
    assert "Agentur für Arbeit" in names(ben, "Agentur")  # a partner
    # Duplicate candidates name only persons seen.
    assert (
        people.find_duplicates(uow, ben, PersonDraft(family_name="Anders", given_name="Pia")) == []
    )
    assert (
        len(people.find_duplicates(uow, anna, PersonDraft(family_name="Anders", given_name="Pia")))
        == 1
    )


def test_own_a_person_of_no_record_is_seen_so_that_a_record_can_be_opened(
    uow: UnitOfWork, ben: Actor, own: Office
) -> None:
    new = _person(uow, ben, "Neu", "Nils")
    assert people.get_person(uow, ben, new).family_name == "Neu"
    record = _open(uow, ben, new, "Erstkontakt")
    assert cases.get_record(uow, ben, record).client.id == new


def test_own_the_access_export_of_another_counsellors_client_is_refused(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDeniedError):
        access.access_export(uow, ben, own.a_person)
    assert access.access_export(uow, anna, own.a_person) is not None


def test_own_the_list_export_holds_only_records_seen(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office, tmp_path: Path
) -> None:
    out = tmp_path / "liste.csv"
    assert record_list.export_list(uow, ben, [own.a, own.b, own.none], out) == 2
    text = out.read_text(encoding="utf-8-sig")
    assert "Brandt" in text and "Niemand" in text and "Anders" not in text


def test_own_a_substitute_sees_the_record_and_its_client(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office
) -> None:
    _make_substitute(uow, anna, own.a, ben.user_id)
    details = cases.get_record(uow, ben, own.a)
    assert (details.substitute_id, details.substitute) == (ben.user_id, "Ben Schulz")
    assert own.a in record_list.record_ids(uow, ben, RecordQuery())
    assert own.a in {r.id for r in search.search_records(uow, ben, "Anders")}
    assert people.get_person(uow, ben, own.a_person).family_name == "Anders"
    assert people.get_organisation(uow, ben, own.a_org).name == "Ahorn GmbH"
    assert [f.id for f in follow_ups.due_list(uow, ben).items] == [own.follow_up_for_ben]
    # Anna takes it back: Ben no longer sees it.
    _make_substitute(uow, anna, own.a, None)
    with pytest.raises(PermissionDeniedError):
        cases.get_record(uow, ben, own.a)


def test_the_substitute_is_not_the_counsellor(uow: UnitOfWork, anna: Actor, office: Office) -> None:
    with pytest.raises(ValidationError) as info:
        _make_substitute(uow, anna, office.a, anna.user_id)
    assert info.value.field == "substitute"
    with pytest.raises(ValidationError):
        _make_substitute(uow, anna, office.a, 4711)


# --- the default: everyone sees everything ------------------------------------------------------


def test_all_every_counsellor_sees_every_path(
    uow: UnitOfWork, ben: Actor, office: Office, tmp_path: Path
) -> None:
    assert cases.get_record(uow, ben, office.a).number
    assert office.a in {r.id for r in search.search_records(uow, ben, "Anders")}
    assert office.a in record_list.record_ids(uow, ben, RecordQuery())
    assert [f.id for f in follow_ups.due_list(uow, ben).items] == [office.follow_up_for_ben]
    assert people.get_person(uow, ben, office.a_person).family_name == "Anders"
    assert [h.ref.id for h in people.search_clients(uow, ben, "Anders")] == [office.a_person]
    assert [t.person.id for t in desk_lists.expiring_titles(uow, ben)] == [office.a_person]
    assert len(referrals.awaiting_feedback(uow, ben)) == 1
    assert access.access_export(uow, ben, office.a_person) is not None
    assert record_list.export_list(uow, ben, [office.a, office.b], tmp_path / "l.csv") == 2


def test_the_command_line_sees_everything_with_own(uow: UnitOfWork, own: Office) -> None:
    assert cases.get_record(uow, SYSTEM, own.a).number
    assert len(record_list.record_ids(uow, SYSTEM, RecordQuery())) == 3


# --- administrators ---------------------------------------------------------------------------


def test_an_administrator_alone_reads_no_case_content(
    uow: UnitOfWork, admin_only: Actor, office: Office, tmp_path: Path
) -> None:
    reads = [
        lambda: cases.get_record(uow, admin_only, office.a),
        lambda: cases.history(uow, admin_only, office.a),
        lambda: people.get_person(uow, admin_only, office.a_person),
        lambda: people.get_organisation(uow, admin_only, office.a_org),
        lambda: people.search_clients(uow, admin_only, "Anders"),
        lambda: search.search_records(uow, admin_only, "Anders"),
        lambda: record_list.record_ids(uow, admin_only, RecordQuery()),
        lambda: follow_ups.due_list(uow, admin_only),
        lambda: desk_lists.open_follow_ups(uow, admin_only, FollowUpFilter()),
        lambda: access.access_export(uow, admin_only, office.a_person),
        lambda: record_list.export_list(uow, admin_only, [office.a], tmp_path / "l.csv"),
    ]
    for read in reads:
        with pytest.raises(PermissionDeniedError):
            read()
    # What the job needs: users, settings, the partner directory.
    assert "anna" in [u.username for u in users.list_users(uow)]
    settings.update_settings(uow, admin_only, record_visibility="own")
    partner = people.get_organisation(uow, admin_only, office.partner)
    assert partner.name == "Agentur für Arbeit"
    draft = OrganisationDraft(
        name=partner.name, short_name="AA", is_partner=True, code="aa", email="info@example.org"
    )
    people.update_organisation(uow, admin_only, partner.id, draft, partner.version)
    assert people.get_organisation(uow, admin_only, partner.id).short_name == "AA"


def test_an_administrator_who_counsels_does_both(
    uow: UnitOfWork, admin: Actor, office: Office
) -> None:
    assert {Role.ADMIN, Role.COUNSELLOR} <= admin.roles
    assert cases.get_record(uow, admin, office.a).summary == "Anerkennung Pflege"
    assert people.get_person(uow, admin, office.a_person).given_name == "Pia"
    saved = users.add_user(uow, admin, "clara", "ein-langes-passwort", Role.MANAGER).value
    assert saved.roles == {Role.MANAGER}
    # With "own", the administrator sees as a counsellor: their own records only.
    _own(uow, admin)
    with pytest.raises(PermissionDeniedError):
        cases.get_record(uow, admin, office.a)


def test_several_roles_are_given_and_changed(uow: UnitOfWork, admin: Actor) -> None:
    both = users.add_user(uow, admin, "dora", "ein-langes-passwort", [Role.ADMIN, Role.COUNSELLOR])
    assert both.value.roles == {Role.ADMIN, Role.COUNSELLOR}
    changed = users.set_roles(uow, admin, both.value.id, [Role.COUNSELLOR, Role.LIST_EXPORT])
    assert changed.value.roles == {Role.COUNSELLOR, Role.LIST_EXPORT}
    with pytest.raises(ValidationError) as info:
        users.set_roles(uow, admin, both.value.id, [])
    assert info.value.field == "roles"
    actor = users.authenticate(uow, "dora", "ein-langes-passwort")
    assert actor.roles == {Role.COUNSELLOR, Role.LIST_EXPORT}
    with uow.read() as s:
        fields = s.scalars(
            select(AuditEntry.fields).where(
                AuditEntry.entity == "user", AuditEntry.entity_id == both.value.id
            )
        ).all()
    assert ["roles"] in fields


def test_ones_own_roles_may_be_given_up_but_not_taken(uow: UnitOfWork, admin: Actor) -> None:
    assert admin.user_id is not None
    with pytest.raises(ValidationError):
        users.set_roles(uow, admin, admin.user_id, admin.roles | {Role.MANAGER})  # taking one
    with pytest.raises(ValidationError):
        users.set_roles(uow, admin, admin.user_id, {Role.COUNSELLOR})  # locking oneself out
    kept = users.set_roles(uow, admin, admin.user_id, {Role.ADMIN}).value
    assert kept.roles == {Role.ADMIN}


# --- exporting a list with names --------------------------------------------------------------


def test_the_list_export_needs_its_own_permission_and_is_audited_with_its_rows(
    uow: UnitOfWork, anna: Actor, office: Office, tmp_path: Path
) -> None:
    carl = users.add_user(uow, SYSTEM, "carl", "ein-langes-passwort", Role.COUNSELLOR).value
    with uow.read() as s:
        user = s.get(User, carl.id)
        assert user is not None
        carl_actor = Actor(user.id, user.username, user.roles)
    out = tmp_path / "liste.xlsx"
    with pytest.raises(PermissionDeniedError) as info:
        record_list.export_list(uow, carl_actor, [office.a, office.b], out)
    assert "permission of its own" in info.value.message
    assert not out.exists()
    assert cases.get_record(uow, carl_actor, office.a).number  # reading is his work

    assert record_list.export_list(uow, anna, [office.a, office.b, office.none], out) == 3
    with uow.read() as s:
        entries = s.execute(
            select(AuditEntry.actor, AuditEntry.detail).where(
                AuditEntry.action == AuditAction.EXPORT_LIST
            )
        ).all()
    assert entries == [("anna", "rows=3")]


def test_the_command_line_adds_a_user_with_several_roles(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    from welcome_center.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    monkeypatch.setenv("WELCOME_CENTER_PASSWORD", PASSWORD)
    args = ["--lang", "en", "--db", str(db_path), "--user", "admin", "user", "add", "dora"]
    assert main([*args, "--role", "admin", "--role", "counsellor"]) == 0
    assert "dora added with the roles Counsellor, Administrator." in capsys.readouterr().out
    assert main(["--lang", "en", "--db", str(db_path), "--user", "admin", "user", "list"]) == 0
    assert "Counsellor, Administrator" in capsys.readouterr().out


def test_own_the_consents_of_another_counsellors_client_are_refused(
    uow: UnitOfWork, anna: Actor, ben: Actor, own: Office, tmp_path: Path
) -> None:
    from welcome_center.domain.consent import ConsentDraft
    from welcome_center.domain.enums import ConsentForm, ConsentPurpose
    from welcome_center.services.privacy import consent

    draft = ConsentDraft(ConsentPurpose.REFERRAL, TODAY, ConsentForm.WRITTEN)
    given = consent.record_consent(uow, anna, ClientKind.PERSON, own.a_person, draft).value
    with pytest.raises(PermissionDeniedError):
        consent.consents_of(uow, ben, ClientKind.PERSON, own.a_person)
    with pytest.raises(PermissionDeniedError):
        consent.record_consent(uow, ben, ClientKind.PERSON, own.a_person, draft)
    with pytest.raises(PermissionDeniedError):
        consent.withdraw_consent(uow, ben, given.id, expected_version=given.version)
    with pytest.raises(PermissionDeniedError):
        consent.consent_form(uow, ben, ClientKind.PERSON, own.a_person, "de", tmp_path / "f.pdf")
    assert not (tmp_path / "f.pdf").exists()
    assert [c.id for c in consent.consents_of(uow, anna, ClientKind.PERSON, own.a_person)] == [
        given.id
    ]
