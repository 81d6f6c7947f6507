"""Residence titles (a history per person), recognition procedures (state and decision rules)
and events (counted in reports, never as enquiries)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from welcome_center.db.models import Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    EventDraft,
    OrganisationDraft,
    PersonDraft,
    RecognitionDraft,
    RecordDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import (
    ClientKind,
    EventKind,
    RecognitionDecision,
    RecognitionState,
    Vocabulary,
)
from welcome_center.domain.errors import NotFoundError, ValidationError
from welcome_center.domain.views import RecordDetails
from welcome_center.services import (
    cases,
    events,
    people,
    recognition,
    residence,
    vocabularies,
)
from welcome_center.services.context import Actor

TODAY = office_today()
OPENED = date(2024, 3, 4)


@pytest.fixture
def person_id(uow: UnitOfWork, anna: Actor) -> int:
    draft = PersonDraft(
        family_name="Nguyen", given_name="Lan", birth_date=date(1995, 6, 1), nationality="VN"
    )
    return people.create_person(uow, anna, draft).value.id


@pytest.fixture
def record(uow: UnitOfWork, anna: Actor, person_id: int) -> RecordDetails:
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person_id), opened_on=OPENED)
    return cases.open_record(uow, anna, draft).value


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


# --- residence titles ------------------------------------------------------------------------


def test_a_persons_residence_titles_form_a_history_newest_first(
    uow: UnitOfWork, anna: Actor, person_id: int, record: RecordDetails
) -> None:
    visa = residence.add_title(
        uow,
        anna,
        person_id,
        ResidenceTitleDraft(
            title="visa",
            valid_from=date(2022, 1, 10),
            expires_on=date(2022, 7, 9),
            notes="Einreise",
        ),
    ).value
    recognition_measure = residence.add_title(
        uow,
        anna,
        person_id,
        ResidenceTitleDraft(
            title="s16d", valid_from=date(2022, 7, 1), expires_on=date(2024, 6, 30)
        ),
    ).value
    skilled = residence.add_title(
        uow,
        anna,
        person_id,
        ResidenceTitleDraft(
            title="s18a",
            valid_from=date(2024, 6, 15),
            expires_on=date(2028, 6, 14),
            accelerated_procedure=True,
        ),
    ).value
    assert visa.person_id == person_id and visa.title == "visa" and visa.notes == "Einreise"
    assert skilled.accelerated_procedure is True

    history = residence.titles_of(uow, anna, person_id)
    assert [t.title for t in history] == ["s18a", "s16d", "visa"]
    assert history == [skilled, recognition_measure, visa]
    # The record of the person shows the same history.
    assert cases.get_record(uow, anna, record.id).residence_titles == tuple(history)
    # A title without dates comes last.
    residence.add_title(uow, anna, person_id, ResidenceTitleDraft(title="unknown"))
    assert [t.title for t in residence.titles_of(uow, anna, person_id)][-1] == "unknown"


def test_a_title_is_corrected(uow: UnitOfWork, anna: Actor, person_id: int) -> None:
    t = residence.add_title(
        uow,
        anna,
        person_id,
        ResidenceTitleDraft(title="s18a", valid_from=date(2024, 1, 1), expires_on=date(2026, 1, 1)),
    ).value
    fixed = residence.update_title(
        uow,
        anna,
        t.id,
        ResidenceTitleDraft(
            title="s18g",
            valid_from=date(2024, 1, 1),
            expires_on=date(2028, 1, 1),
            accelerated_procedure=True,
            notes="Blaue Karte",
        ),
        t.version,
    ).value
    assert (fixed.id, fixed.title, fixed.expires_on) == (t.id, "s18g", date(2028, 1, 1))
    assert fixed.accelerated_procedure and fixed.notes == "Blaue Karte"
    assert residence.titles_of(uow, anna, person_id) == [fixed]


def test_a_bad_title_is_refused_naming_the_field(
    uow: UnitOfWork, anna: Actor, person_id: int
) -> None:
    for draft, field in [
        (ResidenceTitleDraft(title="s99z"), "title"),
        (
            ResidenceTitleDraft(
                title="s18a", valid_from=date(2024, 5, 1), expires_on=date(2024, 4, 30)
            ),
            "expires_on",
        ),
    ]:
        with pytest.raises(ValidationError) as info:
            residence.add_title(uow, anna, person_id, draft)
        assert info.value.field == field
    assert residence.titles_of(uow, anna, person_id) == []


def test_a_retired_title_code_is_refused_for_a_new_entry_but_kept_on_old_ones(
    uow: UnitOfWork, admin: Actor, anna: Actor, person_id: int
) -> None:
    old = residence.add_title(uow, anna, person_id, ResidenceTitleDraft(title="s20")).value
    other = residence.add_title(uow, anna, person_id, ResidenceTitleDraft(title="visa")).value
    vocabularies.set_active(uow, admin, Vocabulary.RESIDENCE_TITLE, "s20", False)
    with pytest.raises(ValidationError) as info:
        residence.add_title(uow, anna, person_id, ResidenceTitleDraft(title="s20"))
    assert info.value.field == "title"
    with pytest.raises(ValidationError) as info:
        residence.update_title(uow, anna, other.id, ResidenceTitleDraft(title="s20"), other.version)
    assert info.value.field == "title"
    # The old title keeps its code, also when its notes are corrected.
    fixed = residence.update_title(
        uow, anna, old.id, ResidenceTitleDraft(title="s20", notes="Chancenkarte"), old.version
    ).value
    assert (fixed.title, fixed.notes) == ("s20", "Chancenkarte")
    assert {t.title for t in residence.titles_of(uow, anna, person_id)} == {"s20", "visa"}
    with pytest.raises(NotFoundError):
        residence.add_title(uow, anna, 4711, ResidenceTitleDraft(title="visa"))
    with pytest.raises(NotFoundError):
        residence.update_title(uow, anna, 4711, ResidenceTitleDraft(title="visa"), 1)


def test_expiring_titles_soonest_first(uow: UnitOfWork, anna: Actor, person_id: int) -> None:
    other = people.create_person(
        uow, anna, PersonDraft(family_name="Okafor", given_name="Chidi")
    ).value.id
    late = residence.add_title(
        uow, anna, person_id, ResidenceTitleDraft(title="s18a", expires_on=TODAY + timedelta(80))
    ).value
    soon = residence.add_title(
        uow, anna, other, ResidenceTitleDraft(title="s18b", expires_on=TODAY + timedelta(10))
    ).value
    residence.add_title(
        uow, anna, other, ResidenceTitleDraft(title="visa", expires_on=TODAY - timedelta(1))
    )
    residence.add_title(
        uow, anna, other, ResidenceTitleDraft(title="s18c", expires_on=TODAY + timedelta(200))
    )
    assert residence.expiring(uow, anna) == [soon, late]  # default window: 90 days
    assert residence.expiring(uow, anna, within_days=30) == [soon]


# --- recognition procedures ------------------------------------------------------------------


def test_a_recognition_procedure_is_tracked_on_the_record(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    saved = recognition.add_procedure(
        uow,
        anna,
        record.id,
        RecognitionDraft(
            qualification="Bachelor Nursing (Hanoi)",
            reference_occupation="Pflegefachfrau",
            regulated=True,
            competent_body="Landesdirektion Sachsen",
        ),
    )
    p = saved.value
    assert p.record_id == record.id
    assert p.qualification == "Bachelor Nursing (Hanoi)"
    assert p.reference_occupation == "Pflegefachfrau"
    assert p.regulated is True
    assert p.state is RecognitionState.INFORMED and p.decision is None
    assert saved.changes.records == frozenset({record.id})
    assert cases.get_record(uow, anna, record.id).recognitions == (p,)


def test_a_procedure_moves_through_its_states_to_a_decision(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    base = RecognitionDraft(
        qualification="Diplom Elektrotechnik", reference_occupation="Elektroniker", regulated=False
    )
    p = recognition.add_procedure(uow, anna, record.id, base).value
    steps = [
        RecognitionState.GATHERING_DOCUMENTS,
        RecognitionState.SUBMITTED,
        RecognitionState.DOCUMENTS_COMPLETE,
    ]
    for state in steps:
        p = recognition.update_procedure(
            uow, anna, p.id, replace(base, state=state), p.version
        ).value
        assert p.state is state and p.decision is None
    decided = recognition.update_procedure(
        uow,
        anna,
        p.id,
        RecognitionDraft(
            qualification="Diplom Elektrotechnik",
            reference_occupation="Elektroniker",
            regulated=False,
            state=RecognitionState.DECIDED,
            decision=RecognitionDecision.PARTIAL,
            submitted_on=date(2024, 4, 1),
            decided_on=date(2024, 7, 1),
        ),
        p.version,
    ).value
    assert decided.state is RecognitionState.DECIDED
    assert decided.decision is RecognitionDecision.PARTIAL
    assert decided.decided_on == date(2024, 7, 1)
    assert cases.get_record(uow, anna, record.id).recognitions == (decided,)


def test_a_decision_before_decided_is_refused(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    for state in (
        RecognitionState.INFORMED,
        RecognitionState.GATHERING_DOCUMENTS,
        RecognitionState.SUBMITTED,
        RecognitionState.DOCUMENTS_COMPLETE,
    ):
        for decision in RecognitionDecision:
            draft = RecognitionDraft(qualification="Diplom", state=state, decision=decision)
            with pytest.raises(ValidationError) as info:
                recognition.add_procedure(uow, anna, record.id, draft)
            assert info.value.field == "decision", (state, decision)
            assert "decided" in info.value.message
    assert cases.get_record(uow, anna, record.id).recognitions == ()


def test_a_decision_from_decided_on_is_accepted(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    for state in (
        RecognitionState.DECIDED,
        RecognitionState.COMPENSATION_MEASURE,
        RecognitionState.CLOSED,
    ):
        draft = RecognitionDraft(
            qualification="Diplom",
            regulated=True,
            state=state,
            decision=RecognitionDecision.PARTIAL,
        )
        p = recognition.add_procedure(uow, anna, record.id, draft).value
        assert (p.state, p.decision) == (state, RecognitionDecision.PARTIAL)
    assert len(cases.get_record(uow, anna, record.id).recognitions) == 3


def test_a_zab_statement_is_for_non_regulated_degrees_only(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    draft = RecognitionDraft(
        qualification="Medical degree",
        reference_occupation="Ärztin",
        regulated=True,
        state=RecognitionState.DECIDED,
        decision=RecognitionDecision.ZAB_STATEMENT,
    )
    with pytest.raises(ValidationError) as info:
        recognition.add_procedure(uow, anna, record.id, draft)
    assert info.value.field == "decision"
    assert "ZAB" in info.value.message
    p = recognition.add_procedure(
        uow,
        anna,
        record.id,
        RecognitionDraft(
            qualification="BSc Computer Science",
            regulated=False,
            state=RecognitionState.CLOSED,
            decision=RecognitionDecision.ZAB_STATEMENT,
        ),
    ).value
    assert p.decision is RecognitionDecision.ZAB_STATEMENT
    assert [x.qualification for x in cases.get_record(uow, anna, record.id).recognitions] == [
        "BSc Computer Science"
    ]


def test_a_refused_update_keeps_the_procedure(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    p = recognition.add_procedure(
        uow, anna, record.id, RecognitionDraft(qualification="Diplom")
    ).value
    with pytest.raises(ValidationError) as info:
        recognition.update_procedure(
            uow,
            anna,
            p.id,
            RecognitionDraft(
                qualification="Diplom", regulated=True, decision=RecognitionDecision.NONE
            ),
            p.version,
        )
    assert info.value.field == "decision"
    assert cases.get_record(uow, anna, record.id).recognitions == (p,)


def test_a_bad_procedure_is_refused_naming_the_field(
    uow: UnitOfWork, anna: Actor, record: RecordDetails
) -> None:
    late_submission = RecognitionDraft(
        qualification="Diplom",
        state=RecognitionState.DECIDED,
        submitted_on=date(2024, 5, 1),
        decided_on=date(2024, 4, 1),
    )
    for draft, field in [
        (RecognitionDraft(qualification="   "), "qualification"),
        (late_submission, "decided_on"),
    ]:
        with pytest.raises(ValidationError) as info:
            recognition.add_procedure(uow, anna, record.id, draft)
        assert info.value.field == field
    assert cases.get_record(uow, anna, record.id).recognitions == ()
    with pytest.raises(NotFoundError):
        recognition.add_procedure(uow, anna, 4711, RecognitionDraft(qualification="Diplom"))
    with pytest.raises(NotFoundError):
        recognition.update_procedure(uow, anna, 4711, RecognitionDraft(qualification="Diplom"), 1)


# --- events ----------------------------------------------------------------------------------


def test_an_event_is_recorded_with_its_partners(uow: UnitOfWork, anna: Actor) -> None:
    fizuz, aa = _partner(uow, "fizuz"), _partner(uow, "aa_zwickau")
    e = events.add_event(
        uow,
        anna,
        EventDraft(
            title=" Infoabend Anerkennung ",
            kind="information_event",
            held_on=date(2024, 5, 14),
            target_group=" Pflegekräfte ",
            participants=23,
            partner_ids=(fizuz, aa, fizuz),
            notes="im Rathaus",
        ),
    ).value
    assert e.title == "Infoabend Anerkennung"
    assert e.kind == EventKind.INFORMATION_EVENT.value
    assert e.held_on == date(2024, 5, 14)
    assert e.target_group == "Pflegekräfte"
    assert e.participants == 23
    assert e.partner_ids == tuple(sorted({fizuz, aa}))
    assert e.notes == "im Rathaus"
    assert events.list_events(uow, anna) == [e]


def test_events_are_listed_newest_first_and_are_not_enquiries(uow: UnitOfWork, anna: Actor) -> None:
    titles = [("Workshop Bewerbung", "workshop", 3), ("Schulung", "training", 9)]
    for title, kind, day in titles:
        events.add_event(uow, anna, EventDraft(title=title, kind=kind, held_on=date(2024, 6, day)))
    assert [e.title for e in events.list_events(uow, anna)] == ["Schulung", "Workshop Bewerbung"]
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == 0


def test_an_event_is_corrected(uow: UnitOfWork, anna: Actor) -> None:
    e = events.add_event(
        uow, anna, EventDraft(title="Infoabend", kind="workshop", held_on=date(2024, 5, 1))
    ).value
    fixed = events.update_event(
        uow,
        anna,
        e.id,
        EventDraft(
            title="Infoabend",
            kind="information_event",
            held_on=date(2024, 5, 2),
            participants=12,
            partner_ids=(_partner(uow, "whz"),),
        ),
        e.version,
    ).value
    assert (fixed.id, fixed.kind, fixed.held_on, fixed.participants) == (
        e.id,
        "information_event",
        date(2024, 5, 2),
        12,
    )
    assert events.list_events(uow, anna) == [fixed]
    with pytest.raises(NotFoundError):
        events.update_event(
            uow, anna, 4711, EventDraft(title="X", kind="workshop", held_on=date(2024, 5, 1)), 1
        )


def test_a_bad_event_is_refused_naming_the_field(uow: UnitOfWork, anna: Actor) -> None:
    company = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value.id
    day = date(2024, 5, 1)
    bad = [
        (EventDraft(title="  ", kind="workshop", held_on=day), "title"),
        (EventDraft(title="Infoabend", kind="party", held_on=day), "kind"),
        (
            EventDraft(title="Infoabend", kind="workshop", held_on=day, participants=-1),
            "participants",
        ),
        (
            EventDraft(title="Infoabend", kind="workshop", held_on=day, partner_ids=(company,)),
            "partners",
        ),
        (
            EventDraft(title="Infoabend", kind="workshop", held_on=day, partner_ids=(4711,)),
            "partners",
        ),
    ]
    for draft, field in bad:
        with pytest.raises(ValidationError) as info:
            events.add_event(uow, anna, draft)
        assert info.value.field == field, draft
    assert events.list_events(uow, anna) == []
