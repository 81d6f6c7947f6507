"""What an administrator manages: vocabularies, users and log-in, office settings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, Role, Vocabulary
from welcome_center.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.services import cases, people, settings, users, vocabularies
from welcome_center.services.context import Actor

OPENED = date(2024, 3, 4)
NEW_PASSWORD = "another long secret"


def _codes(uow: UnitOfWork, vocabulary: Vocabulary, active_only: bool = False) -> list[str]:
    return [e.code for e in vocabularies.list_entries(uow, vocabulary, active_only)]


def _open(uow: UnitOfWork, actor: Actor, topics: tuple[str, ...]) -> int:
    pid = people.create_person(
        uow, actor, PersonDraft(family_name="Müller", given_name="Anna"), accept_duplicates=True
    ).value.id
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, pid), opened_on=OPENED, topics=topics
    )
    return cases.open_record(uow, actor, draft).value.id


# --- vocabularies ----------------------------------------------------------------------------


def test_the_seeded_vocabularies_are_there_in_order(uow: UnitOfWork) -> None:
    topics = vocabularies.list_entries(uow, Vocabulary.TOPIC)
    assert [t.code for t in topics][:3] == ["residence", "hiring", "recognition"]
    assert len(topics) == 15 and all(t.active for t in topics)
    first = topics[0]
    assert first.label("de") == "Aufenthalt, Einreise, Visum"
    assert first.label("en") == "Residence, entry, visa"
    everything = vocabularies.all_entries(uow)
    assert set(everything) == set(Vocabulary)
    assert [e.code for e in everything[Vocabulary.CLOSING_REASON]] == [
        "goal_reached",
        "referred_on",
        "no_further_contact",
        "moved_away",
        "not_responsible",
        "duplicate",
    ]
    assert "zwickau" in [e.code for e in everything[Vocabulary.MUNICIPALITY]]


def test_an_entry_is_added_at_the_end_and_usable_at_once(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    saved = vocabularies.add_entry(
        uow, admin, Vocabulary.TOPIC, "housing_search", " Wohnungssuche ", " Finding a flat "
    )
    item = saved.value
    assert (item.code, item.label_de, item.label_en, item.active) == (
        "housing_search",
        "Wohnungssuche",
        "Finding a flat",
        True,
    )
    assert saved.changes.vocabularies is True
    assert _codes(uow, Vocabulary.TOPIC)[-1] == "housing_search"
    assert _codes(uow, Vocabulary.TOPIC, active_only=True)[-1] == "housing_search"
    rid = _open(uow, anna, ("housing_search",))
    assert cases.get_record(uow, anna, rid).topics == ("housing_search",)


def test_a_bad_entry_is_refused_naming_the_field(uow: UnitOfWork, admin: Actor) -> None:
    for code, label_de, label_en, field in [
        ("residence", "Doppelt", "Twice", "code"),
        ("Bad Code", "Schlecht", "Bad", "code"),
        ("", "Leer", "Empty", "code"),
        ("ünicode", "Umlaut", "Umlaut", "code"),
        ("fine_code", "  ", "Only English", "label"),
        ("fine_code", "Nur Deutsch", "", "label"),
    ]:
        with pytest.raises(ValidationError) as info:
            vocabularies.add_entry(uow, admin, Vocabulary.TOPIC, code, label_de, label_en)
        assert info.value.field == field, code
    assert len(_codes(uow, Vocabulary.TOPIC)) == 15


def test_the_same_code_may_exist_in_another_vocabulary(uow: UnitOfWork, admin: Actor) -> None:
    # "other" is a topic already; the services vocabulary does not have it yet.
    vocabularies.add_entry(uow, admin, Vocabulary.SERVICE, "other", "Sonstiges", "Other")
    assert "other" in _codes(uow, Vocabulary.SERVICE)


def test_relabelling_keeps_the_code_and_the_place(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    rid = _open(uow, anna, ("language",))
    before = {e.code: e for e in vocabularies.list_entries(uow, Vocabulary.TOPIC)}
    item = vocabularies.relabel(
        uow, admin, Vocabulary.TOPIC, "language", " Deutsch lernen ", "German courses"
    ).value
    assert item.code == "language"
    assert (item.label_de, item.label_en) == ("Deutsch lernen", "German courses")
    assert item.position == before["language"].position
    assert _codes(uow, Vocabulary.TOPIC) == list(before)
    assert cases.get_record(uow, anna, rid).topics == ("language",)
    with pytest.raises(ValidationError) as info:
        vocabularies.relabel(uow, admin, Vocabulary.TOPIC, "language", "", "x")
    assert info.value.field == "label"
    with pytest.raises(NotFoundError):
        vocabularies.relabel(uow, admin, Vocabulary.TOPIC, "no_such_code", "a", "b")


def test_a_retired_entry_is_hidden_from_new_input_and_kept_on_old_records(
    uow: UnitOfWork, admin: Actor, anna: Actor
) -> None:
    rid = _open(uow, anna, ("funding", "hiring"))
    retired = vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "funding", False).value
    assert retired.active is False

    assert "funding" not in _codes(uow, Vocabulary.TOPIC, active_only=True)
    listed = {e.code: e for e in vocabularies.list_entries(uow, Vocabulary.TOPIC)}
    assert listed["funding"].active is False
    assert listed["funding"].label_de == "Finanzierung und Förderung"  # still readable

    assert cases.get_record(uow, anna, rid).topics == ("funding", "hiring")
    with pytest.raises(ValidationError) as info:
        _open(uow, anna, ("funding",))
    assert info.value.field == "topics"

    vocabularies.set_active(uow, admin, Vocabulary.TOPIC, "funding", True)
    assert "funding" in _codes(uow, Vocabulary.TOPIC, active_only=True)
    assert cases.get_record(uow, anna, _open(uow, anna, ("funding",))).topics == ("funding",)


def test_entries_are_reordered(uow: UnitOfWork, admin: Actor) -> None:
    codes = _codes(uow, Vocabulary.CHANNEL)
    wanted = list(reversed(codes))
    saved = vocabularies.reorder(uow, admin, Vocabulary.CHANNEL, wanted)
    assert [e.code for e in saved.value] == wanted
    assert _codes(uow, Vocabulary.CHANNEL) == wanted
    assert _codes(uow, Vocabulary.TOPIC)[0] == "residence"  # other vocabularies untouched


def test_a_reorder_must_name_every_entry_once(uow: UnitOfWork, admin: Actor) -> None:
    codes = _codes(uow, Vocabulary.CHANNEL)
    for bad in (codes[1:], [*codes, codes[0]], [*codes[1:], "pigeon"], []):
        with pytest.raises(ValidationError):
            vocabularies.reorder(uow, admin, Vocabulary.CHANNEL, bad)
    assert _codes(uow, Vocabulary.CHANNEL) == codes


def test_a_counsellor_cannot_change_vocabularies(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(PermissionDeniedError):
        vocabularies.add_entry(uow, anna, Vocabulary.TOPIC, "x", "x", "x")
    with pytest.raises(PermissionDeniedError):
        vocabularies.relabel(uow, anna, Vocabulary.TOPIC, "other", "x", "x")
    with pytest.raises(PermissionDeniedError):
        vocabularies.set_active(uow, anna, Vocabulary.TOPIC, "other", False)
    with pytest.raises(PermissionDeniedError):
        vocabularies.reorder(uow, anna, Vocabulary.TOPIC, _codes(uow, Vocabulary.TOPIC))
    assert _codes(uow, Vocabulary.TOPIC, active_only=True)[-1] == "other"


# --- users and log-in ------------------------------------------------------------------------


def test_an_administrator_adds_a_user_who_can_log_in(uow: UnitOfWork, admin: Actor) -> None:
    saved = users.add_user(uow, admin, " clara ", PASSWORD, Role.COUNSELLOR, " Clara Weiß ")
    u = saved.value
    assert (u.username, u.display_name, u.roles, u.active, u.has_password) == (
        "clara",
        "Clara Weiß",
        {Role.COUNSELLOR},
        True,
        True,
    )
    assert saved.changes.users is True
    assert "clara" in [v.username for v in users.list_users(uow)]
    actor = users.authenticate(uow, "Clara", PASSWORD)  # the user name ignores case
    assert (actor.user_id, actor.name, actor.roles) == (u.id, "clara", {Role.COUNSELLOR})


def test_a_user_without_display_name_is_shown_by_user_name(uow: UnitOfWork, admin: Actor) -> None:
    assert users.add_user(uow, admin, "dora", PASSWORD, Role.MANAGER).value.display_name == "dora"


def test_a_bad_new_user_is_refused_naming_the_field(uow: UnitOfWork, admin: Actor) -> None:
    before = users.list_users(uow)
    for username, password, field in [
        ("ANNA", PASSWORD, "username"),  # taken, whatever the case
        ("anna", PASSWORD, "username"),
        ("new user", PASSWORD, "username"),
        ("x", PASSWORD, "username"),
        ("erik", "short", "password"),
        ("erik", "123456789", "password"),
    ]:
        with pytest.raises(ValidationError) as info:
            users.add_user(uow, admin, username, password, Role.COUNSELLOR)
        assert info.value.field == field, (username, password)
    assert users.list_users(uow) == before


def test_the_short_password_message_says_how_long(uow: UnitOfWork, admin: Actor) -> None:
    with pytest.raises(ValidationError) as info:
        users.add_user(uow, admin, "erik", "short", Role.COUNSELLOR)
    assert "10" in info.value.message


def test_every_failed_log_in_says_the_same(uow: UnitOfWork, admin: Actor) -> None:
    ben = next(u for u in users.list_users(uow) if u.username == "ben")
    users.set_active(uow, admin, ben.id, False)
    messages = []
    for name, password in (
        ("nobody", PASSWORD),  # unknown user
        ("ben", PASSWORD),  # inactive user
        ("anna", "wrong password!"),  # wrong password
    ):
        with pytest.raises(AuthenticationError) as info:
            users.authenticate(uow, name, password)
        messages.append(info.value.message)
    assert len(set(messages)) == 1
    assert messages[0] == "User name or password is wrong."


def test_a_deactivated_user_cannot_log_in_until_activated_again(
    uow: UnitOfWork, admin: Actor
) -> None:
    anna_id = next(u.id for u in users.list_users(uow) if u.username == "anna")
    off = users.set_active(uow, admin, anna_id, False).value
    assert off.active is False
    with pytest.raises(AuthenticationError):
        users.authenticate(uow, "anna", PASSWORD)
    assert "anna" not in [u.username for u in users.list_users(uow, include_inactive=False)]
    assert "anna" in [u.username for u in users.list_users(uow)]
    users.set_active(uow, admin, anna_id, True)
    assert users.authenticate(uow, "anna", PASSWORD).name == "anna"


def test_an_administrator_cannot_deactivate_or_demote_themselves(
    uow: UnitOfWork, admin: Actor
) -> None:
    assert admin.user_id is not None
    with pytest.raises(ValidationError):
        users.set_active(uow, admin, admin.user_id, False)
    with pytest.raises(ValidationError):
        users.set_role(uow, admin, admin.user_id, Role.COUNSELLOR)
    me = next(u for u in users.list_users(uow) if u.id == admin.user_id)
    assert me.active and me.roles == users.FIRST_USER_ROLES


def test_a_reset_password_replaces_the_old_one(uow: UnitOfWork, admin: Actor) -> None:
    anna_id = next(u.id for u in users.list_users(uow) if u.username == "anna")
    users.reset_password(uow, admin, anna_id, NEW_PASSWORD)
    assert users.authenticate(uow, "anna", NEW_PASSWORD).user_id == anna_id
    with pytest.raises(AuthenticationError):
        users.authenticate(uow, "anna", PASSWORD)
    with pytest.raises(ValidationError) as info:
        users.reset_password(uow, admin, anna_id, "short")
    assert info.value.field == "password"
    with pytest.raises(NotFoundError):
        users.reset_password(uow, admin, 4711, NEW_PASSWORD)


def test_a_new_role_applies_at_the_next_log_in(uow: UnitOfWork, admin: Actor) -> None:
    anna_id = next(u.id for u in users.list_users(uow) if u.username == "anna")
    changed = users.set_role(uow, admin, anna_id, Role.MANAGER).value
    assert changed.roles == {Role.MANAGER}
    actor = users.authenticate(uow, "anna", PASSWORD)
    assert actor.roles == {Role.MANAGER}
    with pytest.raises(PermissionDeniedError):
        cases.find_by_number(uow, actor, "WC-2024-0001")


def test_the_roles_of_the_template_users(uow: UnitOfWork) -> None:
    roles = {u.username: u.roles for u in users.list_users(uow)}
    assert roles == {
        "admin": {Role.ADMIN, Role.COUNSELLOR, Role.LIST_EXPORT},
        "anna": {Role.COUNSELLOR, Role.LIST_EXPORT},
        "ben": {Role.COUNSELLOR, Role.LIST_EXPORT},
        "maria": {Role.MANAGER},
    }
    assert users.has_users(uow)


def test_only_an_administrator_manages_users(uow: UnitOfWork, anna: Actor, manager: Actor) -> None:
    ben_id = next(u.id for u in users.list_users(uow) if u.username == "ben")
    for actor in (anna, manager):
        with pytest.raises(PermissionDeniedError):
            users.add_user(uow, actor, "mallory", PASSWORD, Role.ADMIN)
        with pytest.raises(PermissionDeniedError):
            users.set_active(uow, actor, ben_id, False)
        with pytest.raises(PermissionDeniedError):
            users.set_role(uow, actor, ben_id, Role.ADMIN)
    with pytest.raises(PermissionDeniedError):
        users.reset_password(uow, anna, ben_id, NEW_PASSWORD)
    assert "mallory" not in [u.username for u in users.list_users(uow)]


def test_without_log_in_no_user_can_be_added_once_one_exists(uow: UnitOfWork) -> None:
    with pytest.raises(AuthenticationError):
        users.add_user(uow, None, "mallory", PASSWORD, Role.ADMIN)


def test_a_user_created_by_an_import_can_be_given_a_password(uow: UnitOfWork, admin: Actor) -> None:
    with uow.begin() as s:
        users.ensure_user(s, admin, "frieda")
    frieda = next(u for u in users.list_users(uow) if u.username == "frieda")
    assert frieda.active is False and frieda.has_password is False
    taken = users.add_user(uow, admin, "frieda", PASSWORD, Role.COUNSELLOR, "Frieda Fuchs").value
    assert taken.id == frieda.id and taken.active and taken.has_password
    assert users.authenticate(uow, "frieda", PASSWORD).user_id == frieda.id


def test_log_in_is_audited(uow: UnitOfWork, anna: Actor) -> None:
    actor = users.authenticate(uow, "anna", PASSWORD)
    assert actor == anna  # the quick test actors are what a log-in returns
    with uow.read() as s:
        last = s.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id)
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).one()
    assert tuple(last) == ("anna", "login", "user", actor.user_id)


# --- office settings -------------------------------------------------------------------------


def test_the_template_office(uow: UnitOfWork) -> None:
    current = settings.get_settings(uow)
    assert current.office_name == "Welcome Center Region Zwickau"
    assert current.number_prefix == "WC"
    assert current.residence_expiry_window_days == 90
    assert current.referral_feedback_days == 14
    assert current.suppression_threshold == 3
    assert settings.is_configured(uow)


def test_new_numbers_use_a_new_prefix(uow: UnitOfWork, admin: Actor, anna: Actor) -> None:
    first = _open(uow, anna, ())
    saved = settings.update_settings(uow, admin, number_prefix=" fizuz ")
    assert saved.value.number_prefix == "FIZUZ"
    assert saved.changes.settings is True
    second = _open(uow, anna, ())
    assert cases.get_record(uow, anna, first).number == "WC-2024-0001"  # old numbers stay
    assert cases.get_record(uow, anna, second).number == "FIZUZ-2024-0001"
    assert cases.find_by_number(uow, anna, "fizuz-2024-0001") == second
    # Back to the old prefix: its sequence continues.
    settings.update_settings(uow, admin, number_prefix="WC")
    assert cases.get_record(uow, anna, _open(uow, anna, ())).number == "WC-2024-0002"


def test_a_bad_prefix_is_refused(uow: UnitOfWork, admin: Actor) -> None:
    for prefix in ("", "  ", "W-C", "WC 1", "ABCDEFGHIJK", "Ä", "W_C"):
        with pytest.raises(ValidationError) as info:
            settings.update_settings(uow, admin, number_prefix=prefix)
        assert info.value.field == "number_prefix", prefix
    assert settings.get_settings(uow).number_prefix == "WC"


def test_good_prefixes_are_accepted(uow: UnitOfWork, admin: Actor) -> None:
    for prefix in ("A", "ABCDEFGHIJ", "wc2", "FIZ"):
        saved = settings.update_settings(uow, admin, number_prefix=prefix).value
        assert saved.number_prefix == prefix.upper()


def test_bad_settings_are_refused_naming_the_field(uow: UnitOfWork, admin: Actor) -> None:
    before = settings.get_settings(uow)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"office_name": "  "}, "office_name"),
        ({"suppression_threshold": 0}, "suppression_threshold"),
        ({"suppression_threshold": 101}, "suppression_threshold"),
        ({"residence_expiry_window_days": -1}, "residence_expiry_window_days"),
        ({"residence_expiry_window_days": 731}, "residence_expiry_window_days"),
        ({"referral_feedback_days": 0}, "referral_feedback_days"),
        ({"referral_feedback_days": 366}, "referral_feedback_days"),
    ]
    for values, field in bad:
        with pytest.raises(ValidationError) as info:
            settings.update_settings(uow, admin, **values)
        assert info.value.field == field, values
    assert settings.get_settings(uow) == before


def test_settings_are_changed_and_kept(uow: UnitOfWork, admin: Actor) -> None:
    saved = settings.update_settings(
        uow,
        admin,
        office_name=" FIZUZ Zwickau ",
        project_start=date(2023, 3, 1),
        suppression_threshold=5,
        residence_expiry_window_days=60,
        referral_feedback_days=21,
    ).value
    assert settings.get_settings(uow) == saved
    assert saved.office_name == "FIZUZ Zwickau"
    assert saved.project_start == date(2023, 3, 1)
    assert (saved.suppression_threshold, saved.residence_expiry_window_days) == (5, 60)
    assert saved.referral_feedback_days == 21
    # Other calls keep what they do not name; None clears the project start.
    kept = settings.update_settings(uow, admin, referral_feedback_days=7).value
    assert kept.project_start == date(2023, 3, 1) and kept.office_name == "FIZUZ Zwickau"
    assert settings.update_settings(uow, admin, project_start=None).value.project_start is None


def test_settings_changed_meanwhile_are_a_conflict(uow: UnitOfWork, admin: Actor) -> None:
    seen = settings.get_settings(uow)
    settings.update_settings(uow, admin, office_name="Erstes Büro", expected_version=seen.version)
    with pytest.raises(ConflictError):
        settings.update_settings(
            uow, admin, office_name="Zweites Büro", expected_version=seen.version
        )
    assert settings.get_settings(uow).office_name == "Erstes Büro"


def test_only_an_administrator_changes_settings(
    uow: UnitOfWork, anna: Actor, manager: Actor
) -> None:
    for actor in (anna, manager):
        with pytest.raises(PermissionDeniedError):
            settings.update_settings(uow, actor, number_prefix="XX")
    assert settings.get_settings(uow).number_prefix == "WC"


def test_an_unknown_name_costs_a_full_password_check() -> None:
    """The written-out hash that unknown names are checked against has the hasher's current
    parameters, so a wrong name takes as long as a wrong password."""
    from welcome_center.services import users as users_module

    assert not users_module._hasher.check_needs_rehash(users_module._DUMMY_HASH)
    assert users_module._hasher.verify(users_module._DUMMY_HASH, "not a password of anyone")
