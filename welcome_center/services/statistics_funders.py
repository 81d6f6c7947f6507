"""The figures funders count (DOMAIN.md "Who was advised: the facts funders count"), in SQL: the
persons and organisations advised by their facts, the consultations by kind, duration and
channel, the recognition procedures and the events' reach. Each breakdown is registered with
``@counts`` like those of ``statistics_breakdowns``; the plain figures are read by
``services.statistics``.

A person counts once however many of the enquiries worked are hers, with the value her record
holds now; her age is her age on the period's last day.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from welcome_center.db.models import (
    Consultation,
    Event,
    Organisation,
    Person,
    RecognitionProcedure,
)
from welcome_center.domain.breakdowns import DURATION_BANDS
from welcome_center.domain.enums import OrganisationSize, RecognitionState
from welcome_center.domain.person_facts import AGE_BANDS, EU_EEA_CH
from welcome_center.domain.statistics import NOT_RECORDED, Breakdown, Period, ordered
from welcome_center.services.statistics_breakdowns import counts
from welcome_center.services.statistics_scope import Scope, count, grouped, within

# --- who was advised ---------------------------------------------------------------------------


def advised_organisations(scope: Scope) -> ColumnElement[bool]:
    """Organisations that are the client of an enquiry worked."""
    return Organisation.id.in_(scope.organisation_ids)


def _plain(value: object) -> str | None:
    return value.value if isinstance(value, StrEnum) else value  # type: ignore[return-value]


def _per_value(s: Session, stmt: Select[Any] | Any) -> Breakdown:
    """Counts per code of ``stmt``'s (code, count) rows; an enum member counts by its value."""
    rows: dict[str, int] = {}
    for code, n in s.execute(stmt):
        key = _plain(code) or NOT_RECORDED
        rows[key] = rows.get(key, 0) + int(n)
    return ordered(rows)


def _persons_by(s: Session, scope: Scope, column: str | ColumnElement[Any]) -> Breakdown:
    """The persons advised per value of their ``column`` (a column of :attr:`Scope.people`, or
    an expression over them)."""
    group = scope.people.c[column] if isinstance(column, str) else column
    return _per_value(s, select(group, func.count()).group_by(group))


@counts("persons_by_gender")
def persons_by_gender(s: Session, scope: Scope) -> Breakdown:
    """Persons advised per gender."""
    return _persons_by(s, scope, "gender")


@counts("persons_by_employment_status")
def persons_by_employment_status(s: Session, scope: Scope) -> Breakdown:
    """Persons advised per employment status at the first contact."""
    return _persons_by(s, scope, "employment_status")


@counts("persons_by_education")
def persons_by_education(s: Session, scope: Scope) -> Breakdown:
    """Persons advised per education level (ISCED groups)."""
    return _persons_by(s, scope, "education")


@counts("persons_by_german_level")
def persons_by_german_level(s: Session, scope: Scope) -> Breakdown:
    """Persons advised per level of German."""
    return _persons_by(s, scope, "german_level")


@counts("persons_by_nationality")
def persons_by_nationality(s: Session, scope: Scope) -> Breakdown:
    """Persons advised per (first) nationality."""
    return _persons_by(s, scope, "nationality")


def age_on(day: date, birth_year: Any = Person.birth_year) -> ColumnElement[int]:
    """A person's age on ``day`` in SQL, as ``domain.person_facts.statistics_age`` computes it:
    the age reached in ``day``'s year, from the birth year (kept whenever a date is known, and
    kept by anonymisation, so that anonymising changes no figure)."""
    return literal(day.year) - birth_year  # type: ignore[no-any-return]


def age_band_on(day: date, birth_year: Any = Person.birth_year) -> ColumnElement[str]:
    """The age band code (``domain.person_facts.AGE_BANDS``) of a person on ``day``."""
    age = age_on(day, birth_year)
    whens: list[tuple[ColumnElement[bool], str]] = [(birth_year.is_(None), NOT_RECORDED)]
    whens += [(age <= high, code) for code, _low, high in AGE_BANDS if high is not None]
    return case(*whens, else_=AGE_BANDS[-1][0])


@counts("persons_by_age_band")
def persons_by_age_band(s: Session, scope: Scope) -> Breakdown:
    """Persons advised per age band on the period's last day."""
    return _persons_by(s, scope, age_band_on(scope.period.end, scope.people.c.birth_year))


def third_country_persons(s: Session, scope: Scope) -> int:
    """Persons advised whose first nationality is outside the EU/EEA and Switzerland."""
    nationality = scope.people.c.nationality
    return count(s, select(func.count()).where(nationality.not_in(sorted(EU_EEA_CH))))


@counts("organisations_by_kind")
def organisations_by_kind(s: Session, scope: Scope) -> Breakdown:
    """Organisations advised per kind."""
    stmt = (
        select(Organisation.kind, func.count()).where(advised_organisations(scope))
        .group_by(Organisation.kind)
    )  # fmt: skip
    return _per_value(s, stmt)


SME_SIZES = tuple(size for size in OrganisationSize if size.is_sme)


def smes_advised(s: Session, scope: Scope) -> int:
    """Organisations advised that are micro, small or medium enterprises."""
    stmt = (
        select(func.count()).select_from(Organisation)
        .where(advised_organisations(scope), Organisation.size.in_(SME_SIZES))
    )  # fmt: skip
    return count(s, stmt)


# --- consultations -----------------------------------------------------------------------------


def consultation_kinds(s: Session, p: Period) -> tuple[int, int]:
    """Consultations in the period: (first, with an interpreter). Follow-ups are the others."""
    row = s.execute(
        select(
            func.count(case((Consultation.is_first, 1))),
            func.count(case((Consultation.interpreter, 1))),
        ).where(within(Consultation.held_on, p))
    ).one()
    return int(row[0]), int(row[1])


def duration_band() -> ColumnElement[str]:
    """The duration band code of a consultation (0 minutes: not recorded)."""
    minutes = func.coalesce(Consultation.duration_minutes, 0)
    lows = [low for _code, low in DURATION_BANDS]
    whens = [(minutes < lows[0], NOT_RECORDED)]
    whens += [(minutes < lows[i + 1], code) for i, (code, _low) in enumerate(DURATION_BANDS[:-1])]
    return case(*whens, else_=DURATION_BANDS[-1][0])


@counts("consultations_by_duration")
def consultations_by_duration(s: Session, scope: Scope) -> Breakdown:
    """Consultations in the period per duration band: each band counted in one pass over the
    date index, the bands being known (a GROUP BY sorted the year's 270,000 consultations at
    300,000 records: 89 -> about 50 ms CPU)."""
    minutes = func.coalesce(Consultation.duration_minutes, 0)
    lows = [low for _code, low in DURATION_BANDS]
    # The bands of duration_band(), each as its range of minutes.
    bands = {NOT_RECORDED: minutes < lows[0]}
    for i, (code, low) in enumerate(DURATION_BANDS):
        upper = lows[i + 1] if i + 1 < len(lows) else None
        bands[code] = minutes >= low if upper is None else and_(minutes >= low, minutes < upper)
    counted = [func.count(case((band, 1))) for band in bands.values()]
    row = s.execute(select(*counted).where(within(Consultation.held_on, scope.period))).one()
    return ordered({code: int(n) for code, n in zip(bands, row, strict=True)})


@counts("consultations_by_channel")
def consultations_by_channel(s: Session, scope: Scope) -> Breakdown:
    """Consultations in the period per channel (of the consultation)."""
    stmt = (
        select(Consultation.channel, func.count())
        .where(within(Consultation.held_on, scope.period)).group_by(Consultation.channel)
    )  # fmt: skip
    return grouped(s, stmt)


# --- recognition -------------------------------------------------------------------------------


def recognition_in(p: Period) -> ColumnElement[bool]:
    """Procedures active in the period: submitted or decided on a day of it."""
    submitted, decided = RecognitionProcedure.submitted_on, RecognitionProcedure.decided_on
    return or_(within(submitted, p), within(decided, p))


def recognition(s: Session, p: Period) -> tuple[int, int]:
    """Procedures active in the period: (all, for a regulated profession)."""
    row = s.execute(
        select(func.count(), func.count(case((RecognitionProcedure.regulated, 1)))).where(
            recognition_in(p)
        )
    ).one()
    return int(row[0]), int(row[1])


@counts("recognition_by_state")
def recognition_by_state(s: Session, scope: Scope) -> Breakdown:
    """Active procedures per state at the period's end (decided after it: still submitted)."""
    p = scope.period
    state = case(
        (RecognitionProcedure.decided_on > p.end, RecognitionState.SUBMITTED.value),
        else_=RecognitionProcedure.state,
    )
    stmt = select(state, func.count()).where(recognition_in(p)).group_by(state)
    return _per_value(s, stmt)


@counts("recognition_decisions")
def recognition_decisions(s: Session, scope: Scope) -> Breakdown:
    """Procedures decided in the period per decision."""
    column = RecognitionProcedure.decision
    stmt = (
        select(column, func.count())
        .where(within(RecognitionProcedure.decided_on, scope.period)).group_by(column)
    )  # fmt: skip
    return _per_value(s, stmt)


@counts("recognition_by_training_country")
def recognition_by_training_country(s: Session, scope: Scope) -> Breakdown:
    """Active procedures per country of training."""
    column = RecognitionProcedure.training_country
    stmt = select(column, func.count()).where(recognition_in(scope.period)).group_by(column)
    return grouped(s, stmt)


# --- events ------------------------------------------------------------------------------------


def event_participants_split(s: Session, p: Period) -> tuple[int, int]:
    """Participants of the events held in the period who were persons, and organisations, where
    the event's record splits them."""
    row = s.execute(
        select(
            func.coalesce(func.sum(Event.participants_persons), 0),
            func.coalesce(func.sum(Event.participants_organisations), 0),
        ).where(within(Event.held_on, p))
    ).one()
    return int(row[0] or 0), int(row[1] or 0)
