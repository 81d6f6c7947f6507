"""The SQL of every breakdown declared in ``domain.breakdowns``: one function per breakdown,
registered by its key with :func:`counts`, so that ``services.statistics`` computes each
declared breakdown and a declaration without SQL fails at once (:func:`check_complete`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import (
    Organisation,
    Person,
    Record,
    RecordService,
    RecordTopic,
    Referral,
    User,
)
from welcome_center.domain.breakdowns import REGISTRY, code_order
from welcome_center.domain.statistics import NOT_RECORDED, Breakdown, in_code_order, ordered
from welcome_center.services.statistics_scope import Scope, count, grouped, within, worked

BreakdownQuery = Callable[[Session, Scope], Breakdown]
QUERIES: dict[str, BreakdownQuery] = {}


def counts(key: str) -> Callable[[BreakdownQuery], BreakdownQuery]:
    """Register the function below as the SQL of the declared breakdown ``key``."""
    if key not in REGISTRY:
        raise KeyError(f"{key}: declare the breakdown in domain.breakdowns first")
    if key in QUERIES:
        raise ValueError(f"{key}: its SQL is registered twice")

    def register(query: BreakdownQuery) -> BreakdownQuery:
        QUERIES[key] = query
        return query

    return register


def check_complete() -> None:
    """Every declared breakdown has its SQL (raises naming those without)."""
    missing = [key for key in REGISTRY if key not in QUERIES]
    if missing:
        raise LookupError(f"breakdowns declared without SQL: {', '.join(missing)}")


def compute_all(s: Session, scope: Scope) -> dict[str, Breakdown]:
    """Every declared breakdown of ``scope``, by its key; those declared ``in_code_order`` with
    their rows in the order of their codes."""
    out = {key: QUERIES[key](s, scope) for key in REGISTRY}
    for key, declared in REGISTRY.items():
        if declared.in_code_order:
            out[key] = in_code_order(out[key], code_order(declared))
    return out


# --- records: the enquiries worked, closed ---------------------------------------------------


def _by_many(s: Session, scope: Scope, table: type[RecordTopic] | type[RecordService]) -> Breakdown:
    """Enquiries worked per code of a many-valued attribute: a record counts under each of its
    codes; records without any are the ``not_recorded`` row."""
    column = table.topic if table is RecordTopic else table.service  # type: ignore[union-attr]
    stmt = (
        select(column, func.count()).where(table.record_id.in_(scope.active_ids)).group_by(column)
    )
    rows = dict(grouped(s, stmt))
    none = (
        select(func.count())
        .select_from(Record)
        .where(worked(scope), ~exists().where(table.record_id == Record.id))
    )
    rows[NOT_RECORDED] = count(s, none)
    return ordered(rows)


@counts("by_topic")
def by_topic(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per topic; a record counts under each of its topics."""
    return _by_many(s, scope, RecordTopic)


@counts("by_service")
def by_service(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per service; a record counts under each of its services."""
    return _by_many(s, scope, RecordService)


def _by_column(s: Session, scope: Scope, column: ColumnElement[str | None]) -> Breakdown:
    return grouped(s, select(column, func.count()).where(worked(scope)).group_by(column))


@counts("by_requester_type")
def by_requester_type(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per requester type."""
    return _by_column(s, scope, Record.requester_type)  # type: ignore[arg-type]


@counts("by_channel")
def by_channel(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per channel (of the record)."""
    return _by_column(s, scope, Record.channel)  # type: ignore[arg-type]


@counts("by_municipality")
def by_municipality(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per municipality (of the record)."""
    return _by_column(s, scope, Record.municipality)  # type: ignore[arg-type]


@counts("by_nationality")
def by_nationality(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked whose client is a person, per nationality of that person."""
    stmt = (
        select(Person.nationality, func.count())
        .select_from(Record)
        .join(Person, Person.id == Record.client_person_id)
        .where(worked(scope))
        .group_by(Person.nationality)
    )
    return grouped(s, stmt)


@counts("by_counsellor")
def by_counsellor(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per responsible counsellor (by user name)."""
    stmt = (
        select(User.username, func.count())
        .select_from(Record)
        .outerjoin(User, User.id == Record.counsellor_id)
        .where(worked(scope))
        .group_by(User.username)
    )
    return grouped(s, stmt)


@counts("closed_by_reason")
def closed_by_reason(s: Session, scope: Scope) -> Breakdown:
    """Records closed in the period, by closing reason."""
    stmt = (
        select(Record.closing_reason, func.count())
        .where(within(Record.closed_on, scope.period))
        .group_by(Record.closing_reason)
    )
    return grouped(s, stmt)


# --- referrals ---------------------------------------------------------------------------------

_NO_CODE = "organisation-"


def partner_code(organisation_id: int, code: str | None) -> str:
    """The key of a partner in ``referrals_by_partner``: its stable code, else its id."""
    return code or f"{_NO_CODE}{organisation_id}"


def partner_without_code(key: str) -> int | None:
    """The organisation id in a key that :func:`partner_code` made from the id (else None)."""
    return int(key[len(_NO_CODE) :]) if key.startswith(_NO_CODE) else None


@counts("referrals_by_partner")
def referrals_by_partner(s: Session, scope: Scope) -> Breakdown:
    """Referrals dated in the period, per partner."""
    stmt = (
        select(Organisation.id, Organisation.code, func.count())
        .select_from(Referral)
        .join(Organisation, Organisation.id == Referral.partner_id)
        .where(within(Referral.referred_on, scope.period))
        .group_by(Organisation.id, Organisation.code)
    )
    return ordered({partner_code(i, c): int(n) for i, c, n in s.execute(stmt)})


@counts("referrals_by_status")
def referrals_by_status(s: Session, scope: Scope) -> Breakdown:
    """Referrals dated in the period, per status (as it is now)."""
    stmt = (
        select(Referral.status, func.count())
        .where(within(Referral.referred_on, scope.period))
        .group_by(Referral.status)
    )
    return ordered({status.value: int(n) for status, n in s.execute(stmt)})
