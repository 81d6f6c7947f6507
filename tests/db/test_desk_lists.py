"""The desk's overview lists: open follow-ups of anyone or of no one, and residence titles
expiring soon with the record each belongs to."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft, ResidenceTitleDraft
from welcome_center.domain.enums import ClientKind, FollowUpSource, RecordKind
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.services import cases, desk_lists, follow_ups, people, residence, users
from welcome_center.services.context import Actor
from welcome_center.services.desk_lists import FollowUpFilter

TODAY = office_today()
OPENED = TODAY - timedelta(days=100)
SYSTEM = Actor.system("test")


def _person(uow: UnitOfWork, actor: Actor, family: str, given: str = "") -> int:
    draft = PersonDraft(family_name=family, given_name=given)
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _open(
    uow: UnitOfWork, actor: Actor, person_id: int, opened_on: date = OPENED, **kw: object
) -> int:
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person_id), opened_on=opened_on, **kw
    )  # type: ignore[arg-type]
    return cases.open_record(uow, actor, draft).value.id


def _title(uow: UnitOfWork, actor: Actor, person_id: int, expires_in: int) -> int:
    draft = ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(days=expires_in))
    return residence.add_title(uow, actor, person_id, draft).value.id


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor) -> dict[str, int]:
    """One follow-up each of Anna (overdue), Ben (next week) and no one (a record without a
    counsellor, opened from the command line)."""
    rec_anna = _open(uow, anna, _person(uow, anna, "Müller", "Jürgen"))
    rec_ben = _open(uow, ben, _person(uow, ben, "Nguyen", "Thi Lan"))
    rec_none = _open(uow, SYSTEM, _person(uow, anna, "Öztürk", "Ayşe"))
    return {
        "anna": follow_ups.add_follow_up(uow, anna, rec_anna, TODAY - timedelta(3), "a").value.id,
        "ben": follow_ups.add_follow_up(uow, ben, rec_ben, TODAY + timedelta(6), "b").value.id,
        "none": follow_ups.add_follow_up(uow, SYSTEM, rec_none, TODAY, "c").value.id,
        "rec_none": rec_none,
    }


def _ids(found: desk_lists.FollowUpList) -> list[int]:
    return [f.id for f in found.items]


def test_everyones_open_follow_ups_soonest_first(
    uow: UnitOfWork, anna: Actor, office: dict[str, int]
) -> None:
    every = desk_lists.open_follow_ups(uow, anna, FollowUpFilter())
    assert _ids(every) == [office["anna"], office["none"], office["ben"]]
    assert every.total == 3
    assert every.items[0].overdue and every.items[0].client == "Müller, Jürgen"
    until_today = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(until=TODAY))
    assert _ids(until_today) == [office["anna"], office["none"]]


def test_one_counsellors_and_the_unassigned_follow_ups(
    uow: UnitOfWork, anna: Actor, ben: Actor, office: dict[str, int]
) -> None:
    bens = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(counsellor_id=ben.user_id))
    assert _ids(bens) == [office["ben"]]
    nobody = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(unassigned=True))
    assert _ids(nobody) == [office["none"]]
    assert nobody.items[0].record_id == office["rec_none"]
    assert nobody.items[0].assigned_to_id is None


def test_follow_ups_of_a_deactivated_user_count_as_unassigned(
    uow: UnitOfWork, admin: Actor, anna: Actor, ben: Actor, office: dict[str, int]
) -> None:
    assert ben.user_id is not None
    users.set_active(uow, admin, ben.user_id, False)
    nobody = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(unassigned=True))
    assert _ids(nobody) == [office["none"], office["ben"]]


def test_done_follow_ups_are_not_listed_and_the_limit_keeps_the_total(
    uow: UnitOfWork, anna: Actor, office: dict[str, int]
) -> None:
    follow_ups.complete(uow, anna, office["anna"], expected_version=1)
    found = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(), limit=1)
    assert _ids(found) == [office["none"]]
    assert found.total == 2


def test_listing_raises_nothing_raising_is_an_explicit_step(
    uow: UnitOfWork, anna: Actor, admin: Actor
) -> None:
    from welcome_center.services import settings

    pid = _person(uow, anna, "Kaya", "Deniz")
    record = _open(uow, anna, pid)
    settings.update_settings(uow, admin, residence_expiry_window_days=0)
    _title(uow, anna, pid, 20)  # outside the window: nothing raised yet
    settings.update_settings(uow, admin, residence_expiry_window_days=30)
    first = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(counsellor_id=anna.user_id))
    assert first.items == () and first.total == 0
    raised = follow_ups.raise_residence_follow_ups(uow, anna)
    assert raised.value == 1 and raised.changes.follow_ups is True
    found = desk_lists.open_follow_ups(uow, anna, FollowUpFilter(counsellor_id=anna.user_id))
    assert [(f.record_id, f.source) for f in found.items] == [
        (record, FollowUpSource.RESIDENCE_EXPIRY)
    ]
    again = follow_ups.raise_residence_follow_ups(uow, anna)
    assert again.value == 0 and again.changes.follow_ups is False
    assert desk_lists.open_follow_ups(uow, anna, FollowUpFilter()).total == 1


def test_a_manager_may_not_list_follow_ups(uow: UnitOfWork, manager: Actor) -> None:
    with pytest.raises(PermissionDeniedError):
        desk_lists.open_follow_ups(uow, manager, FollowUpFilter())
    with pytest.raises(PermissionDeniedError):
        desk_lists.expiring_titles(uow, manager)


# --- residence titles expiring -----------------------------------------------------------------


def test_an_expiring_title_names_the_holders_latest_open_record(
    uow: UnitOfWork, anna: Actor
) -> None:
    pid = _person(uow, anna, "Müller", "Jürgen")
    newest_closed = _open(uow, anna, pid, opened_on=TODAY - timedelta(days=5))
    version = cases.get_record(uow, anna, newest_closed).version
    cases.close(uow, anna, newest_closed, "goal_reached", version)
    older_open = _open(uow, anna, pid, opened_on=TODAY - timedelta(days=50), kind=RecordKind.CASE)
    _open(uow, anna, pid, opened_on=TODAY - timedelta(days=80))
    title = _title(uow, anna, pid, 10)

    [found] = desk_lists.expiring_titles(uow, anna)
    assert found.title.id == title
    assert found.title.expires_on == TODAY + timedelta(days=10)
    assert found.person.id == pid and found.person.display_name == "Müller, Jürgen"
    assert found.record_id == older_open
    assert found.record_number == cases.get_record(uow, anna, older_open).number
    assert found.counsellor_id == anna.user_id


def test_expiring_titles_of_one_counsellor_keep_the_unassigned_and_recordless(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    mine = _person(uow, anna, "Anna-Klientin")
    _open(uow, anna, mine)
    bens = _person(uow, ben, "Ben-Klient")
    _open(uow, ben, bens)
    nobodys = _person(uow, anna, "Ohne-Berater")
    _open(uow, SYSTEM, nobodys)
    recordless = _person(uow, anna, "Ohne-Akte")
    for pid, days in ((mine, 5), (bens, 6), (nobodys, 7), (recordless, 8)):
        _title(uow, anna, pid, days)
    _title(uow, anna, mine, 400)  # outside the window

    every = desk_lists.expiring_titles(uow, anna)
    assert [t.person.id for t in every] == [mine, bens, nobodys, recordless]
    annas = desk_lists.expiring_titles(uow, anna, counsellor_id=anna.user_id)
    assert [t.person.id for t in annas] == [mine, nobodys, recordless]
    assert annas[-1].record_id is None and annas[-1].record_number is None
    assert [t.person.id for t in desk_lists.expiring_titles(uow, anna, within_days=5)] == [mine]
