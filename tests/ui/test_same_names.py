"""Two clients with the same name, told apart wherever a person is listed or picked: the people
page, the quick enquiry's client picker, the party picker and the duplicate candidates, each by
birth date, nationality, town, last contact and number of records; picking the second by
keyboard picks that person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import type_text, when_modal
from tests.ui.test_record_editor import CTRL, open_window, save_dialog
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, people
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.dialogs.quick_enquiry_client import NEW_PERSON
from welcome_center.ui.pages.people import SEARCH_DELAY_MS, PeoplePage
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.widgets.client_picker import ClientPicker

FIRST_BORN = date(1990, 3, 12)
SECOND_BORN = date(1985, 7, 1)


@dataclass(frozen=True)
class Twins:
    """Two "Weber, Anna": the first from Syria in Zwickau with two records (last contact a
    consultation 20 days ago), the second from Ukraine in Reinsdorf with one record opened
    5 days ago."""

    first: int
    second: int
    first_contact: date
    second_contact: date


@pytest.fixture
def twins(ops) -> Twins:
    today = office_today()
    uow, actor = ops.uow, ops.actor

    def person(born: date, nationality: str, town: str) -> int:
        draft = PersonDraft(
            family_name="Weber",
            given_name="Anna",
            birth_date=born,
            nationality=nationality,
            municipality=town,
        )
        return people.create_person(uow, actor, draft, accept_duplicates=True).value.id

    def record(client: int, days_ago: int) -> int:
        draft = RecordDraft(
            client=ClientChoice(ClientKind.PERSON, client), opened_on=today - timedelta(days_ago)
        )
        return cases.open_record(uow, actor, draft).value.id

    first = person(FIRST_BORN, "SY", "zwickau")
    second = person(SECOND_BORN, "UA", "reinsdorf")
    record(first, 300)
    consultations.record_consultation(
        uow,
        actor,
        record(first, 60),
        ConsultationDraft(held_on=today - timedelta(days=20), duration_minutes=30),
    )
    record(second, 5)
    return Twins(first, second, today - timedelta(days=20), today - timedelta(days=5))


def first_facts(t: Twins) -> str:
    born, last = short_date(FIRST_BORN), short_date(t.first_contact)
    return f"b. {born} · Syria · Zwickau · last contact {last} · 2 records"


def second_facts(t: Twins) -> str:
    born, last = short_date(SECOND_BORN), short_date(t.second_contact)
    return f"b. {born} · Ukraine · Reinsdorf · last contact {last} · 1 record"


def first_line(t: Twins) -> str:
    return f"Weber, Anna — Person\n{first_facts(t)}"


def second_line(t: Twins) -> str:
    return f"Weber, Anna — Person\n{second_facts(t)}"


def hit_texts(picker: ClientPicker) -> list[str]:
    return [picker.hits.item(i).text() for i in range(picker.hits.count())]


def focused():
    return QApplication.focusWidget()


def pick_second_hit(qtbot, picker: ClientPicker) -> None:
    """Down into the hits, Down to the second, Enter."""
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    assert focused() is picker.hits and picker.hits.currentRow() == 0
    qtbot.keyClick(picker.hits, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Return)


# -- the people page -------------------------------------------------------------------------


def test_the_people_page_lists_both_with_what_tells_them_apart(qtbot, ops, twins):
    page = PeoplePage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()

    page.focus_search()
    qtbot.keyClicks(page.search, "weber anna")
    qtbot.waitUntil(lambda: page.results.rowCount() == 2, timeout=SEARCH_DELAY_MS * 8)
    m = page.results
    headers = [m.headerData(c, Qt.Orientation.Horizontal, 0) for c in range(m.columnCount())]
    assert headers == [
        "Name", "Kind", "Born", "Nationality", "Municipality", "Last contact", "Records",
    ]  # fmt: skip
    # What the number counts is said under the list.
    assert page.hint.text() == (
        "2 matches\nRecords: those of the client, not those of a further party."
    )
    rows = [[m.data(m.index(r, c)) for c in range(m.columnCount())] for r in range(2)]
    born = {short_date(FIRST_BORN): 0, short_date(SECOND_BORN): 1}
    rows.sort(key=lambda row: born[row[2]])
    assert rows == [
        ["Weber, Anna", "Person", short_date(FIRST_BORN), "Syria", "Zwickau",
         short_date(twins.first_contact), "2"],
        ["Weber, Anna", "Person", short_date(SECOND_BORN), "Ukraine", "Reinsdorf",
         short_date(twins.second_contact), "1"],
    ]  # fmt: skip
    # Every line is fully visible: the columns are as wide as their texts.
    table = page.result_table
    assert all(table.columnWidth(c) >= table.sizeHintForColumn(c) for c in range(1, 7))

    # Enter goes into the list on the first line; Down picks the other Anna Weber.
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.result_table.hasFocus()
    first_shown = page.current
    qtbot.keyClick(page.result_table, Qt.Key.Key_Down)
    assert page.current is not None and page.current != first_shown
    row = page.result_table.currentIndex().row()
    expected_born = short_date(FIRST_BORN if page.current.id == twins.first else SECOND_BORN)
    assert m.data(m.index(row, 2)) == expected_born
    assert page.details.values["Born:"] == expected_born


# -- the quick enquiry's client picker -------------------------------------------------------


@pytest.fixture
def enquiry(qtbot, ops, message_boxes):
    dlg = QuickEnquiryDialog(ops)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: focused() is dlg.client.picker.edit)
    return dlg


def test_the_quick_enquiry_picker_tells_them_apart_and_picks_the_second(qtbot, ops, twins, enquiry):
    picker = enquiry.client.picker
    qtbot.keyClicks(picker.edit, "weber")
    qtbot.waitUntil(lambda: picker.hits.count() == 2, timeout=2000)
    assert hit_texts(picker) == [first_line(twins), second_line(twins)]
    pick_second_hit(qtbot, picker)
    chosen = picker.client()
    assert chosen is not None and (chosen.kind, chosen.id) == (ClientKind.PERSON, twins.second)

    type_text(enquiry.summary, "Frage zur Anerkennung")
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)
    assert not enquiry.isVisible()
    record = cases.get_record(ops.uow, ops.actor, enquiry.saved_record_id)
    assert (record.client.kind, record.client.id) == (ClientKind.PERSON, twins.second)


def test_the_picker_lines_read_in_german(qtbot, ops, twins):
    i18n.set_language("de")
    picker = ClientPicker(ops)
    qtbot.addWidget(picker)
    picker.show()
    type_text(picker.edit, "Weber")
    picker.search_now()
    born, last = short_date(FIRST_BORN), short_date(twins.first_contact)
    assert born == "12.03.1990"
    assert hit_texts(picker)[0] == (
        f"Weber, Anna — Person\ngeb. {born} · Syrien · Zwickau · letzter Kontakt {last} · "
        "2 Vorgänge"
    )
    last = short_date(twins.second_contact)
    assert hit_texts(picker)[1].endswith(
        f" · Ukraine · Reinsdorf · letzter Kontakt {last} · 1 Vorgang"
    )


def test_a_client_without_records_says_so(qtbot, ops):
    people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name="Weberei Crimmitschau"))
    picker = ClientPicker(ops)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.keyClicks(picker.edit, "weberei")
    picker.search_now()
    assert hit_texts(picker) == ["Weberei Crimmitschau — Organisation\nno records yet"]


# -- the party picker ------------------------------------------------------------------------


def test_the_party_picker_tells_them_apart_and_links_the_second(qtbot, ops, twins):
    firm = people.create_organisation(
        ops.uow, ops.actor, OrganisationDraft(name="Textil Zwickau GmbH")
    )
    client = ClientChoice(ClientKind.ORGANISATION, firm.value.id)
    record_id = cases.open_record(
        ops.uow, ops.actor, RecordDraft(client=client, opened_on=office_today())
    ).value.id
    window = open_window(qtbot, ops, record_id)
    seen: list[list[str]] = []

    def link(dialog):
        picker = dialog.picker
        qtbot.keyClicks(picker.edit, "weber")
        qtbot.waitUntil(lambda: picker.hits.count() == 2, timeout=2000)
        seen.append(hit_texts(picker))
        pick_second_hit(qtbot, picker)
        qtbot.keyClicks(dialog.role, "Cand")
        save_dialog(qtbot, dialog)

    when_modal(link)
    qtbot.mouseClick(window.overview.parties.add, Qt.MouseButton.LeftButton)

    assert seen == [[first_line(twins), second_line(twins)]]
    [party] = cases.get_record(ops.uow, ops.actor, record_id).parties
    assert (party.client.kind, party.client.id) == (ClientKind.PERSON, twins.second)


# -- the duplicate candidates ----------------------------------------------------------------


def candidate_line(t: Twins, which: int) -> str:
    return first_line(t) if which == 1 else second_line(t)


def test_the_quick_enquiry_candidates_tell_them_apart_and_take_the_second(
    qtbot, ops, twins, enquiry
):
    enquiry.client.modes.button(NEW_PERSON).setChecked(True)
    qtbot.keyClicks(enquiry.client.family_name, "Weber")
    qtbot.keyClicks(enquiry.client.given_name, "Anna")
    qtbot.keyClick(focused(), Qt.Key.Key_S, CTRL)
    box = enquiry.client.candidates
    assert enquiry.client.candidates_box.isVisible()
    lines = [box.item(i).text() for i in range(box.count())]
    assert lines == [
        f"Weber, Anna — same name\n{first_facts(twins)}",
        f"Weber, Anna — same name\n{second_facts(twins)}",
    ]
    assert focused() is box
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.keyClick(box, Qt.Key.Key_Return)  # this one
    assert not enquiry.isVisible()
    record = cases.get_record(ops.uow, ops.actor, enquiry.saved_record_id)
    assert (record.client.kind, record.client.id) == (ClientKind.PERSON, twins.second)


def test_the_person_editor_candidates_tell_them_apart(qtbot, ops, twins, message_boxes):
    editor = PersonEditor(ops)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow, timeout=2000)
    qtbot.keyClicks(editor.family_name, "Weber")
    qtbot.keyClicks(editor.given_name, "Anna")
    editor.save_button.click()
    shown = editor.candidates.list
    assert editor.candidates.isVisible()
    assert [shown.item(i).text() for i in range(shown.count())] == [
        f"Weber, Anna – same name\n{first_facts(twins)}",
        f"Weber, Anna – same name\n{second_facts(twins)}",
    ]
    assert focused() is shown
    qtbot.keyClick(shown, Qt.Key.Key_Down)
    qtbot.keyClick(shown, Qt.Key.Key_Return)  # opens the second one instead
    assert editor.saved_id == twins.second


def test_a_person_known_by_birth_year_only_shows_the_year_in_the_list(qtbot, ops):
    draft = PersonDraft(family_name="Haddad", given_name="Rami", birth_year=1988, nationality="SY")
    people.create_person(ops.uow, ops.actor, draft, accept_duplicates=True)
    page = PeoplePage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()

    page.focus_search()
    qtbot.keyClicks(page.search, "haddad")
    qtbot.waitUntil(lambda: page.results.rowCount() == 1, timeout=SEARCH_DELAY_MS * 8)
    m = page.results
    assert [m.data(m.index(0, c)) for c in range(4)] == [
        "Haddad, Rami", "Person", "1988", "Syria",
    ]  # fmt: skip
