"""Properties of the statistics on generated offices (hypothesis): the months of a year add up
to the year; a record with k topics adds k to the topic rows; breakdowns add up to the records
they count. Each example is written in a transaction that is rolled back, brought up to date as
a commit would (the records' active months, which the figures of whole months read)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from welcome_center.db import activity, search
from welcome_center.db.models import Consultation, Person, Record, RecordTopic
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import RecordKind, RecordStatus
from welcome_center.domain.statistics import NOT_RECORDED, Period
from welcome_center.services import statistics

TOPICS = ("residence", "hiring", "recognition", "language", "family")
YEAR = 2024

day = st.dates(date(YEAR - 1, 11, 1), date(YEAR + 1, 2, 28))
record = st.fixed_dictionaries(
    {
        "opened": day,
        "topics": st.sets(st.sampled_from(TOPICS), max_size=4),
        "case_after": st.none() | st.integers(0, 60),
        "closed_after": st.none() | st.integers(0, 90),
        "consulted_after": st.lists(st.integers(0, 120), max_size=3),
        "nationality": st.none() | st.sampled_from(("SY", "VN", "UA")),
    }
)
office = st.lists(record, max_size=25)

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@contextmanager
def _written(uow: UnitOfWork, rows: list[dict[str, object]]) -> Iterator[Session]:
    with uow.read() as s:  # rolled back at the end
        for i, r in enumerate(rows):
            opened: date = r["opened"]  # type: ignore[assignment]
            person = Person(family_name=f"P{i}", name_key=f"p{i}", nationality=r["nationality"])
            s.add(person)
            s.flush()
            case_after = r["case_after"]
            closed_after = r["closed_after"]
            rec = Record(
                number=f"T-{i}",
                kind=RecordKind.CASE if case_after is not None else RecordKind.ENQUIRY,
                status=RecordStatus.CLOSED if closed_after is not None else RecordStatus.NEW,
                client_person_id=person.id,
                opened_on=opened,
                promoted_on=opened + timedelta(days=case_after) if case_after is not None else None,  # type: ignore[operator]
                closed_on=opened + timedelta(days=closed_after)
                if closed_after is not None
                else None,  # type: ignore[operator]
                topics=[RecordTopic(topic=t) for t in r["topics"]],  # type: ignore[attr-defined]
            )
            s.add(rec)
            s.flush()
            for d in r["consulted_after"]:  # type: ignore[attr-defined]
                s.add(Consultation(record_id=rec.id, held_on=opened + timedelta(days=d)))
        search.sync(s)
        activity.sync(s)  # what a commit does: the search index and the records' months
        yield s


@SETTINGS
@given(rows=office)
def test_the_months_of_a_year_add_up_to_the_year(
    uow: UnitOfWork, rows: list[dict[str, object]]
) -> None:
    with _written(uow, rows) as s:
        year = Period.year(YEAR)
        months = [statistics.enquiries_received(s, m) for m in year.months()]
        assert sum(months) == statistics.enquiries_received(s, year)
        assert sum(months) == sum(1 for r in rows if r["opened"].year == YEAR)  # type: ignore[attr-defined]
        new = [statistics.cases_new(s, m) for m in year.months()]
        assert sum(new) == statistics.cases_new(s, year)


@SETTINGS
@given(rows=office, month=st.integers(1, 12))
def test_a_record_with_k_topics_adds_k_to_the_topic_rows(
    uow: UnitOfWork, rows: list[dict[str, object]], month: int
) -> None:
    with _written(uow, rows) as s:
        p = Period.month(YEAR, month)
        stats = statistics.compute(s, p)
        topics = dict(stats.by_topic)
        without = topics.pop(NOT_RECORDED, 0)
        active = _active(rows, p)
        assert stats.enquiries_worked == len(active)
        assert sum(topics.values()) == sum(len(r["topics"]) for r in active)  # type: ignore[arg-type]
        assert without == sum(1 for r in active if not r["topics"])
        # Single-valued breakdowns add up to the records they count.
        assert sum(n for _, n in stats.by_channel) == stats.enquiries_worked
        assert sum(n for _, n in stats.by_nationality) == stats.enquiries_worked  # all persons
        assert stats.cases_worked <= stats.enquiries_worked


def _active(rows: list[dict[str, object]], p: Period) -> list[dict[str, object]]:
    """The records active in ``p``, worked out in Python from the generated rows."""

    def inside(d: date | None) -> bool:
        return d is not None and p.start <= d <= p.end

    out = []
    for r in rows:
        opened: date = r["opened"]  # type: ignore[assignment]
        days = [opened]
        for key in ("case_after", "closed_after"):
            if r[key] is not None:
                days.append(opened + timedelta(days=r[key]))  # type: ignore[arg-type]
        days += [opened + timedelta(days=d) for d in r["consulted_after"]]  # type: ignore[attr-defined]
        if any(inside(d) for d in days):
            out.append(r)
    return out
