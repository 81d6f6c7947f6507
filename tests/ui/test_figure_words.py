"""A figure's name agrees with its number (issue 11, item 10): "1 Veranstaltung", "2
Veranstaltungen", in German and in English, on Today's tiles and the Reports page's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    EventDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.domain.statistics import Period
from welcome_center.i18n import figures
from welcome_center.services import cases, consultations, events, people
from welcome_center.ui.ops import Jobs, Ops
from welcome_center.ui.pages.reports import ReportsPage
from welcome_center.ui.pages.reports_period import MONTH
from welcome_center.ui.pages.today import TodayPage

MARCH = date(2025, 3, 12)


@pytest.fixture(autouse=True)
def _jobs_done(qtbot: QtBot) -> Iterator[None]:
    yield
    Jobs.wait_all()
    qtbot.wait(50)


@pytest.fixture(params=["de", "en"])
def lang(request: pytest.FixtureRequest) -> Iterator[str]:
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


ONE = {
    "de": {
        "events": "Veranstaltung",
        "consultations": "Beratungskontakt",
        "cases_new": "Neuer Fall",
        "enquiries_received": "Eingegangene Anfrage",
        "event_participants": "Teilnehmer/in an Veranstaltungen",
    },
    "en": {
        "events": "Event held",
        "consultations": "Consultation held",
        "cases_new": "New case",
        "enquiries_received": "Enquiry received",
        "event_participants": "Event participant",
    },
}
TWO = {
    "de": {"events": "Veranstaltungen", "cases_new": "Neue Fälle"},
    "en": {"events": "Events held", "cases_new": "New cases"},
}


def _record(ops: Ops, on: date, kind: RecordKind = RecordKind.ENQUIRY) -> int:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Kowalska", given_name="Zofia"), True
    )
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.value.id), opened_on=on, kind=kind
    )
    return cases.open_record(ops.uow, ops.actor, draft).value.id


def test_every_counted_name_has_a_singular_and_a_plural(lang: str) -> None:
    for key, word in ONE[lang].items():
        assert figures.count_title(key, 1) == word
    for key, word in TWO[lang].items():
        assert figures.count_title(key, 2) == word
        assert figures.count_title(key, 0) == word
    assert figures.count_title("closed", 1) == figures.title("closed")  # no count in the name


def test_the_reports_page_says_one_event(qtbot: QtBot, admin_ops: Ops, lang: str) -> None:
    ops = admin_ops
    record = _record(ops, MARCH, RecordKind.CASE)
    consultations.record_consultation(
        ops.uow, ops.actor, record, ConsultationDraft(held_on=MARCH, duration_minutes=30)
    )
    for held_on, title in ((MARCH, "Infoabend Anerkennung"), (date(2025, 4, 2), "Workshop")):
        events.add_event(
            ops.uow,
            ops.actor,
            EventDraft(title=title, kind="information_event", held_on=held_on, participants=1),
        )
    page = ReportsPage(ops)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    chooser = page.chooser
    chooser.kind.setCurrentIndex(chooser.kind.findData(MONTH))
    chooser.year.setValue(2025)
    chooser.month.setCurrentIndex(chooser.month.findData(3))
    march = Period.month(2025, 3)
    qtbot.waitUntil(
        lambda: page.content is not None and page.content.statistics.period == march,
        timeout=10_000,
    )
    names = {key: tile.name.text() for key in ONE[lang] if (tile := page.figures.tile(key))}
    assert page.figures.texts()["events"] == "1"
    assert names == ONE[lang]


def test_todays_tiles_say_one_new_case(qtbot: QtBot, ops: Ops, lang: str) -> None:
    _record(ops, office_today(), RecordKind.CASE)
    page = TodayPage(ops)
    qtbot.addWidget(page)
    page.resize(1180, 660)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    qtbot.waitUntil(lambda: bool(page.month_figures.texts()), timeout=3000)
    tile = page.month_figures.tile("cases_new")
    assert tile is not None and tile.number.text() == "1"
    assert tile.name.text() == ONE[lang]["cases_new"]
    consultations_tile = page.month_figures.tile("consultations")
    assert consultations_tile is not None and consultations_tile.number.text() == "0"
    assert consultations_tile.name.text() == TWO[lang].get("consultations", _plural(lang))


def _plural(lang: str) -> str:
    return "Beratungskontakte" if lang == "de" else "Consultations held"
