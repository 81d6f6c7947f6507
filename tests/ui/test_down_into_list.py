"""Down in a search box moves into its list (issue 11, item 7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.people import PeoplePage
from welcome_center.ui.pages.records import SEARCH_DELAY_MS, RecordsPage


def _office(ops: Ops) -> None:
    for family in ("Haddad", "Hansen"):
        pid = people.create_person(
            ops.uow, ops.actor, PersonDraft(family_name=family, given_name="Rami"), True
        ).value.id
        draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=office_today())
        cases.open_record(ops.uow, ops.actor, draft)


def test_down_from_the_record_search_goes_to_the_first_record(qtbot: QtBot, ops: Ops) -> None:
    _office(ops)
    page = RecordsPage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.activated()
    page.search.setFocus()
    qtbot.keyClicks(page.search, "Ha")
    qtbot.wait(SEARCH_DELAY_MS + 100)  # the search runs when typing pauses
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.table.hasFocus()
    assert page.table.currentIndex().row() == 0
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.table.currentIndex().row() == 1


def test_down_from_the_people_search_goes_to_the_first_person(qtbot: QtBot, ops: Ops) -> None:
    _office(ops)
    page = PeoplePage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.activated()
    page.search.setFocus()
    qtbot.keyClicks(page.search, "Ha")
    qtbot.waitUntil(lambda: page.results.rowCount() >= 2)
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert page.result_table.hasFocus()
    assert page.result_table.currentIndex().row() == 0
