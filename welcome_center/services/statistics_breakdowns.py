"""The SQL of every breakdown declared in ``domain.breakdowns``: one function per breakdown,
registered by its key with :func:`counts`, so that ``services.statistics`` computes each
declared breakdown and a declaration without SQL fails at once (:func:`check_complete`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import (
    Organisation,
    Record,
    RecordService,
    RecordTopic,
    Referral,
    User,
)
from welcome_center.domain.breakdowns import REGISTRY, code_order
from welcome_center.domain.statistics import NOT_RECORDED, Breakdown, in_code_order, ordered
from welcome_center.services.statistics_scope import Scope, grouped, within

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
    codes; records without any are the ``not_recorded`` row. One pass over the records and
    their codes (an outer join: a record without codes is the row without a code), not one for
    the codes and another for the records without."""
    column = table.topic if table is RecordTopic else table.service  # type: ignore[union-attr]
    r = scope.records
    stmt = (
        select(column, func.count())
        .select_from(r)
        .outerjoin(table, table.record_id == r.c.id)
        .group_by(column)
    )
    rows: dict[str, int] = {}
    without = 0
    for code, n in s.execute(stmt):
        if code is None:
            without = int(n)
        else:
            key = code or NOT_RECORDED
            rows[key] = rows.get(key, 0) + int(n)
    rows[NOT_RECORDED] = without
    return ordered(rows)


@counts("by_topic")
def by_topic(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per topic; a record counts under each of its topics."""
    return _by_many(s, scope, RecordTopic)


@counts("by_service")
def by_service(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per service; a record counts under each of its services."""
    return _by_many(s, scope, RecordService)


def _by_column(s: Session, scope: Scope, name: str) -> Breakdown:
    column = scope.records.c[name]
    return grouped(s, select(column, func.count()).group_by(column))


@counts("by_requester_type")
def by_requester_type(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per requester type."""
    return _by_column(s, scope, "requester_type")


@counts("by_channel")
def by_channel(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per channel (of the record)."""
    return _by_column(s, scope, "channel")


@counts("by_municipality")
def by_municipality(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per municipality (of the record)."""
    return _by_column(s, scope, "municipality")


@counts("by_nationality")
def by_nationality(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked whose client is a person, per nationality of that person (the persons
    advised are the clients of the enquiries worked)."""
    r, people = scope.records, scope.people
    stmt = (
        select(people.c.nationality, func.count())
        .select_from(r)
        .join(people, people.c.id == r.c.client_person_id)
        .group_by(people.c.nationality)
    )
    return grouped(s, stmt)


@counts("by_counsellor")
def by_counsellor(s: Session, scope: Scope) -> Breakdown:
    """Enquiries worked per responsible counsellor (by user name)."""
    r = scope.records
    stmt = (
        select(User.username, func.count())
        .select_from(r)
        .outerjoin(User, User.id == r.c.counsellor_id)
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
