"""The retention rules (domain/retention.py), worked by hand around month ends and leap days."""

from __future__ import annotations

from datetime import date

import pytest

from welcome_center.domain.enums import RecordKind, RecordStatus
from welcome_center.domain.retention import (
    ALREADY,
    PersonRecord,
    RecordFacts,
    RetentionPeriods,
    add_months,
    audit_cut_off,
    is_due,
    last_activity,
    latest_day_due,
    person_due,
    record_due,
    stale_open,
)

DEFAULT = RetentionPeriods(enquiry_months=12, case_months=36, audit_months=36)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 12, date(2025, 1, 31)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: 29 February
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # no 29 February in 2025
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 2, 29), 36, date(2027, 2, 28)),
        (date(2023, 3, 31), 11, date(2024, 2, 29)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),  # over the year's end
        (date(2024, 12, 31), 14, date(2026, 2, 28)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),  # back
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2025, 2, 28), -12, date(2024, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_a_shorter_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_the_latest_day_due_takes_in_the_days_clamped_onto_today() -> None:
    # On 28 February 2025 both 28 and 29 February 2024 are 12 months old.
    assert latest_day_due(date(2025, 2, 28), 12) == date(2024, 2, 29)
    # On 28 February 2026 (36 months): 28 February 2023 only (2023 has no 29th).
    assert latest_day_due(date(2026, 2, 28), 36) == date(2023, 2, 28)
    # 31 March 2024 + 13 months = 30 April 2025 (clamped): due on 30 April, not on 29 April.
    assert latest_day_due(date(2025, 4, 30), 13) == date(2024, 3, 31)
    assert latest_day_due(date(2025, 4, 29), 13) == date(2024, 3, 29)
    # A day in the middle of a month: exactly the same day back.
    assert latest_day_due(date(2025, 6, 15), 36) == date(2022, 6, 15)


def test_audit_entries_of_the_cut_off_day_and_before_go() -> None:
    assert audit_cut_off(date(2027, 2, 28), DEFAULT) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 36) == date(2027, 2, 28)
    assert add_months(date(2024, 3, 1), 36) > date(2027, 2, 28)


def _enquiry(**kw: object) -> RecordFacts:
    base: dict[str, object] = {
        "kind": RecordKind.ENQUIRY,
        "status": RecordStatus.CLOSED,
        "opened_on": date(2024, 1, 10),
        "closed_on": date(2024, 1, 31),
    }
    base.update(kw)
    return RecordFacts(**base)  # type: ignore[arg-type]


def test_a_closed_enquiry_is_due_twelve_months_after_its_last_activity() -> None:
    f = _enquiry()
    assert last_activity(f) == date(2024, 1, 31)
    assert record_due(f, DEFAULT) == date(2025, 1, 31)
    assert not is_due(record_due(f, DEFAULT), date(2025, 1, 30))
    assert is_due(record_due(f, DEFAULT), date(2025, 1, 31))


def test_a_consultation_follow_up_or_referral_after_closing_moves_the_day() -> None:
    # A consultation on 29 February 2024 (after the closing), a follow-up planned for later.
    f = _enquiry(activity=(date(2024, 2, 29),))
    assert record_due(f, DEFAULT) == date(2025, 2, 28)
    f = _enquiry(activity=(date(2024, 2, 29), date(2024, 6, 30)))
    assert record_due(f, DEFAULT) == date(2025, 6, 30)
    # Earlier activity does not move it back.
    f = _enquiry(activity=(date(2024, 1, 15),))
    assert record_due(f, DEFAULT) == date(2025, 1, 31)


def test_a_case_is_due_thirty_six_months_after_its_closing() -> None:
    case = _enquiry(kind=RecordKind.CASE, closed_on=date(2024, 2, 29), activity=(date(2024, 5, 1),))
    assert record_due(case, DEFAULT) == date(2027, 2, 28)
    # An enquiry promoted to a case counts as a case.
    promoted = _enquiry(promoted_on=date(2024, 1, 20), closed_on=date(2024, 1, 31))
    assert promoted.is_case
    assert record_due(promoted, DEFAULT) == date(2027, 1, 31)


def test_open_records_and_records_on_legal_hold_are_never_due() -> None:
    for status in (RecordStatus.NEW, RecordStatus.IN_PROGRESS, RecordStatus.WAITING):
        assert record_due(_enquiry(status=status, closed_on=None), DEFAULT) is None
    assert record_due(_enquiry(legal_hold=True), DEFAULT) is None
    held_case = _enquiry(kind=RecordKind.CASE, legal_hold=True)
    assert record_due(held_case, DEFAULT) is None


def test_an_open_record_without_activity_for_the_period_is_stale() -> None:
    f = _enquiry(status=RecordStatus.WAITING, closed_on=None, activity=(date(2024, 1, 31),))
    assert not stale_open(f, DEFAULT, date(2025, 1, 30))
    assert stale_open(f, DEFAULT, date(2025, 1, 31))
    assert not stale_open(_enquiry(), DEFAULT, date(2030, 1, 1))  # closed: not stale


def test_periods_from_the_settings_are_used() -> None:
    short = RetentionPeriods(enquiry_months=1, case_months=2, audit_months=1)
    assert record_due(_enquiry(), short) == date(2024, 2, 29)
    assert record_due(_enquiry(kind=RecordKind.CASE), short) == date(2024, 3, 31)


def test_a_person_is_due_when_all_their_records_are_anonymised_or_due() -> None:
    change = date(2023, 5, 1)
    both_due = [PersonRecord(date(2025, 1, 31)), PersonRecord(date(2027, 2, 28))]
    assert person_due(both_due, change, DEFAULT) == date(2027, 2, 28)
    # One record anonymised already holds nothing back: the other's day counts.
    one_done = [PersonRecord(None, anonymised=True), PersonRecord(date(2025, 2, 28))]
    assert person_due(one_done, change, DEFAULT) == date(2025, 2, 28)
    # Every record anonymised: due at once, whatever the day.
    done = [PersonRecord(None, anonymised=True), PersonRecord(None, anonymised=True)]
    assert person_due(done, change, DEFAULT) == ALREADY
    assert is_due(ALREADY, date(2024, 1, 1))


def test_a_person_with_an_open_or_held_record_is_not_due() -> None:
    change = date(2023, 5, 1)
    assert (
        person_due([PersonRecord(date(2025, 1, 31)), PersonRecord(None)], change, DEFAULT) is None
    )
    opened_again = PersonRecord(None, anonymised=True, is_open=True)
    assert person_due([opened_again], change, DEFAULT) is None


def test_a_person_without_records_is_due_a_period_after_their_last_change() -> None:
    assert person_due([], date(2024, 2, 29), DEFAULT) == date(2025, 2, 28)
