"""People & organisations as a counsellor uses them: find, see records, create, duplicates,
conflicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.ui.conflicts import TAKE_THEIRS, ConflictAnswers
from tests.ui.conftest import MessageBoxes, type_text, when_modal
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.views import ClientRef
from welcome_center.i18n import country_name
from welcome_center.services import cases, people
from welcome_center.services.context import Actor
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.dialogs.person_editor import PersonEditor, country_items
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.people import SEARCH_DELAY_MS, PeoplePage


def _person(ops: Ops, family: str, given: str = "", **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(ops.uow, ops.actor, draft, True).value.id


def _record(ops: Ops, kind: ClientKind, client_id: int) -> tuple[int, str]:
    draft = RecordDraft(client=ClientChoice(kind, client_id), opened_on=office_today())
    saved = cases.open_record(ops.uow, ops.actor, draft).value
    return saved.id, saved.number


@pytest.fixture
def page(qtbot: QtBot, ops: Ops) -> PeoplePage:
    p = PeoplePage(ops)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitExposed(p)
    p.activated()
    return p


@pytest.fixture
def editor(qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes) -> PersonEditor:
    """A new-person editor; closing it at the end of a test discards (the question is
    answered Yes) instead of waiting for an answer."""
    d = PersonEditor(ops)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def _names(page: PeoplePage) -> list[str]:
    m = page.results
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def _column(model: QAbstractItemModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def on_modal(action: Callable[[QWidget], None]) -> None:
    """``action`` on the next modal dialog; a dialog it leaves open is closed, so that a
    failing test fails instead of waiting for ever."""

    def act(dialog: QWidget) -> None:
        try:
            action(dialog)
        finally:
            if dialog.isVisible():
                dialog.done(0)  # type: ignore[attr-defined]

    when_modal(act)


def _button(widget: QWidget, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton) if b.text() == text]
    assert len(found) == 1, [b.text() for b in widget.findChildren(QPushButton)]
    return found[0]


# -- finding -----------------------------------------------------------------------------------


def test_the_empty_page_says_what_to_do(page: PeoplePage) -> None:
    assert page.title() == "People & organisations"
    assert page.hint.text() == (
        "Type a name to find a person or organisation, or create a new one."
    )
    assert page.results.rowCount() == 0
    assert not page.edit_button.isEnabled()


def test_find_a_person_by_part_of_the_name_see_the_records_and_open_one(
    qtbot: QtBot, page: PeoplePage, ops: Ops
) -> None:
    mueller = _person(ops, "Müller", "Jürgen", birth_date=date(1990, 4, 3), nationality="VN")
    _person(ops, "Schmidt", "Jana")
    org = people.create_organisation(
        ops.uow, ops.actor, OrganisationDraft(name="Müller Logistik GmbH")
    )
    record_id, number = _record(ops, ClientKind.PERSON, mueller)

    page.focus_search()
    assert page.search.hasFocus()
    type_text(page.search, "Mül")
    qtbot.waitUntil(lambda: page.results.rowCount() == 2, timeout=SEARCH_DELAY_MS * 8)
    assert _names(page) == ["Müller, Jürgen", "Müller Logistik GmbH"]
    assert _column(page.results, 1) == ["Person", "Organisation"]
    assert page.hint.text().startswith("2 matches\n")

    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # on to the list, first line chosen
    assert page.result_table.hasFocus()
    assert page.current == ClientRef(ClientKind.PERSON, mueller, "Müller, Jürgen")
    assert page.heading.text() == "Müller, Jürgen (Person)"
    assert page.details.values["Born:"] == "03/04/1990"
    assert page.details.values["Nationality:"] == country_name("VN")
    assert _column(page.records, 0) == [number]
    assert page.edit_button.isEnabled()

    qtbot.keyClick(page.result_table, Qt.Key.Key_Return)  # on to the records
    assert page.record_table.hasFocus()
    with qtbot.waitSignal(ops.open_record_requested, timeout=1000) as blocker:
        qtbot.keyClick(page.record_table, Qt.Key.Key_Return)
    assert blocker.args == [record_id]

    qtbot.keyClick(page.result_table, Qt.Key.Key_Down)  # the organisation: its details
    assert page.current is not None and page.current.id == org.value.id
    assert page.heading.text() == "Müller Logistik GmbH (Organisation)"
    assert page.records.rowCount() == 0
    assert "No records yet" in page.records_hint.text()


def test_a_long_name_leaves_the_facts_that_tell_names_apart_in_sight(
    qtbot: QtBot, page: PeoplePage, ops: Ops
) -> None:
    """One organisation with a very long name among the hits took the list's width: born,
    nationality, town and the records count were off to the right (seen at 1366x768)."""
    long_name = "Sächsische Gesellschaft für Fachkräftegewinnung und Integration " * 2
    people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name=long_name.strip()))
    _person(ops, "Sächsinger", "Ada", birth_date=date(1990, 4, 3), nationality="VN")
    page.resize(1150, 600)  # the page beside the navigation in a window 1366 pixels wide
    type_text(page.search, "Säch")
    qtbot.waitUntil(lambda: long_name.strip() in _names(page), timeout=SEARCH_DELAY_MS * 8)
    table = page.result_table
    header = table.horizontalHeader()
    last = page.results.columnCount() - 1
    right_edge = header.sectionPosition(last) + header.sectionSize(last)
    assert right_edge <= table.viewport().width()  # "Records" is in sight without scrolling
    row = _names(page).index(long_name.strip())
    cell = page.results.index(row, 0)
    assert page.results.data(cell, Qt.ItemDataRole.ToolTipRole) == long_name.strip()


def test_nobody_found_says_so(qtbot: QtBot, page: PeoplePage) -> None:
    type_text(page.search, "Zyxw")
    qtbot.waitUntil(lambda: "Nobody found" in page.hint.text(), timeout=SEARCH_DELAY_MS * 8)
    assert page.results.rowCount() == 0


def test_typing_in_the_list_continues_the_search(qtbot: QtBot, page: PeoplePage, ops: Ops) -> None:
    _person(ops, "Nguyen", "Thi Lan")
    page.result_table.setFocus()
    qtbot.keyClicks(page.result_table, "ngu")
    assert page.search.text() == "ngu"
    qtbot.waitUntil(lambda: _names(page) == ["Nguyen, Thi Lan"], timeout=SEARCH_DELAY_MS * 8)


def test_show_client_selects_and_shows_the_client(page: PeoplePage, ops: Ops) -> None:
    org = people.create_organisation(
        ops.uow, ops.actor, OrganisationDraft(name="Zahnrad GmbH")
    ).value
    _record_id, number = _record(ops, ClientKind.ORGANISATION, org.id)
    page.show_client(ClientRef(ClientKind.ORGANISATION, org.id, org.name))
    assert _names(page) == ["Zahnrad GmbH"]
    assert page.search.text() == "Zahnrad GmbH"  # a search that finds it
    assert page.result_table.currentIndex().row() == 0
    assert page.heading.text() == "Zahnrad GmbH (Organisation)"
    assert _column(page.records, 0) == [number]


def test_a_saved_change_elsewhere_shows_on_the_page(
    qtbot: QtBot, page: PeoplePage, ops: Ops
) -> None:
    pid = _person(ops, "Weber", "Eva")
    page.show_client(ClientRef(ClientKind.PERSON, pid, "Weber, Eva"))
    before = people.get_person(ops.uow, ops.actor, pid)
    draft = PersonDraft(family_name="Weber", given_name="Eva", phone="0375 123")
    ops.write(None, lambda uow, actor: people.update_person(uow, actor, pid, draft, before.version))
    assert page.details.values["Phone:"] == "0375 123"
    record = RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=office_today())
    saved = ops.write(
        None, lambda uow, actor: cases.open_record(uow, actor, record)
    )  # broadcasts what changed
    assert saved is not None
    assert _column(page.records, 0) == [saved.value.number]


# -- the editor --------------------------------------------------------------------------------


def test_create_a_person_with_the_keyboard(qtbot: QtBot, editor: PersonEditor, ops: Ops) -> None:
    assert editor.windowTitle() == "New person"
    editor.family_name.setFocus()
    type_text(editor.family_name, "Öztürk")
    qtbot.keyClick(editor.family_name, Qt.Key.Key_Tab)
    assert editor.given_name.hasFocus()
    type_text(editor.given_name, "Ayşe")
    editor.nationality.setFocus()
    qtbot.keyClicks(editor.nationality, "Germ")  # type-ahead in the list of countries
    assert editor.nationality.currentData() == "DE"
    editor.email.setFocus()
    qtbot.keyClicks(editor.email, "ayse@example.org")
    qtbot.keyClick(editor.email, Qt.Key.Key_Return)  # Enter saves (the default button)
    assert editor.saved_id is not None
    assert not editor.isVisible()
    saved = people.get_person(ops.uow, ops.actor, editor.saved_id)
    assert (saved.family_name, saved.given_name, saved.nationality, saved.email) == (
        "Öztürk",
        "Ayşe",
        "DE",
        "ayse@example.org",
    )


def test_new_person_from_the_page_is_shown_after_saving(
    qtbot: QtBot, page: PeoplePage, ops: Ops
) -> None:
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonEditor)
        type_text(dialog.family_name, "Kowalski")
        type_text(dialog.given_name, "Piotr")
        dialog.activateWindow()  # shortcuts work in the active window
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(dialog.given_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    on_modal(fill)
    page.new_person()
    assert page.heading.text() == "Kowalski, Piotr (Person)"
    assert _names(page) == ["Kowalski, Piotr"]
    assert [r.display_name for r in people.search_clients(ops.uow, ops.actor, "Kowalski")] == [
        "Kowalski, Piotr"
    ]


def test_a_missing_family_name_is_shown_next_to_the_field(
    qtbot: QtBot, editor: PersonEditor
) -> None:
    type_text(editor.given_name, "Lan")
    editor.save_button.click()
    assert editor.isVisible()
    assert editor.errors.message("family_name") == "Enter the family name."
    assert editor.family_name.hasFocus()
    assert editor.given_name.text() == "Lan"  # nothing typed is lost


def test_a_duplicate_candidate_can_be_opened_instead(
    qtbot: QtBot, editor: PersonEditor, ops: Ops
) -> None:
    existing = _person(ops, "Müller", "Jürgen", birth_date=date(1990, 4, 3))
    type_text(editor.family_name, "Mueller")  # another spelling of the same name
    type_text(editor.given_name, "Jürgen")
    editor.save_button.click()
    assert editor.isVisible()
    assert editor.candidates.isVisible()
    assert editor.candidates.list.item(0).text() == (
        "Müller, Jürgen – same name\nb. 03/04/1990 · no records yet"
    )
    assert "may already be recorded" in editor.errors.general.text()
    _button(editor, "Open e&xisting").click()
    assert not editor.isVisible()
    assert editor.saved_id == existing
    found = people.search_clients(editor.ops.uow, editor.ops.actor, "Jürgen")
    assert [r.id for r in found] == [existing]  # nothing new was created


def test_save_anyway_creates_a_second_person(qtbot: QtBot, editor: PersonEditor, ops: Ops) -> None:
    existing = _person(ops, "Nguyen", "Lan")
    qtbot.keyClicks(editor.family_name, "Nguyen")
    qtbot.keyClicks(editor.given_name, "Lan")
    editor.save_button.click()
    assert editor.candidates.list.count() == 1
    _button(editor, "Save &anyway").click()
    assert editor.saved_id not in (None, existing)
    assert len(people.search_clients(ops.uow, ops.actor, "Nguyen Lan")) == 2


def test_open_existing_through_edit_returns_the_existing_id(qtbot: QtBot, ops: Ops) -> None:
    existing = _person(ops, "Hoang", "Minh")

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonEditor)
        qtbot.keyClicks(dialog.family_name, "Hoang")
        qtbot.keyClicks(dialog.given_name, "Minh")
        dialog.save_button.click()
        assert dialog.candidates.list.count() == 1
        qtbot.keyClick(dialog.candidates.list, Qt.Key.Key_Return)  # Enter opens the candidate

    on_modal(fill)
    assert PersonEditor.edit(ops, None) == existing
    assert len(people.search_clients(ops.uow, ops.actor, "Hoang")) == 1


def test_a_change_made_meanwhile_is_a_conflict_and_reload_shows_it(
    qtbot: QtBot, editor: PersonEditor, ops: Ops, ops_for: Callable[[Actor], Ops], ben: Actor
) -> None:
    pid = _person(ops, "Weber", "Eva")
    assert editor.load(pid)
    assert editor.windowTitle() == "Person: Weber, Eva"
    ben_ops = ops_for(ben)
    view = people.get_person(ben_ops.uow, ben_ops.actor, pid)
    people.update_person(
        ben_ops.uow,
        ben_ops.actor,
        pid,
        PersonDraft(family_name="Weber", given_name="Eva", phone="0375 999"),
        view.version,
    )
    qtbot.keyClicks(editor.languages, "Deutsch")
    conflicts = ConflictAnswers(qtbot)
    conflicts.answer_next(TAKE_THEIRS)
    editor.save_button.click()
    (seen,) = conflicts.seen
    assert seen.intro.startswith("Ben Schulz saved this entry")
    assert seen.row("Phone") == ("0375 999", "0375 999", False)  # Ben's, Anna left it alone
    assert seen.row("Languages") == ("—", "Deutsch", True)
    assert editor.isVisible()
    assert editor.phone.text() == "0375 999"  # reloaded: the saved version
    assert editor.languages.text() == ""
    type_text(editor.languages, "Deutsch")
    editor.save_button.click()
    saved = people.get_person(ops.uow, ops.actor, pid)
    assert (saved.phone, saved.languages) == ("0375 999", "Deutsch")


def test_closing_with_unsaved_input_asks(
    qtbot: QtBot, editor: PersonEditor, message_boxes: MessageBoxes
) -> None:
    editor.reject()  # nothing typed: closes without asking
    assert not editor.isVisible() and message_boxes.shown == []
    editor.show()
    qtbot.keyClicks(editor.family_name, "Lee")
    message_boxes.answer = "Cancel"
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert editor.isVisible()
    assert message_boxes.shown[0][0] == "Unsaved changes"
    assert sorted(message_boxes.buttons[0]) == ["Cancel", "Discard", "Save"]
    message_boxes.answer = "Discard"
    editor.close()
    assert not editor.isVisible()


def test_countries_are_named_in_the_ui_language_and_sorted(qtbot: QtBot, ops: Ops) -> None:
    from welcome_center import i18n

    i18n.set_language("de")
    items = country_items()
    names = [name for name, _code in items]
    assert ("Österreich", "AT") in items
    assert names.index("Oman") < names.index("Österreich") < names.index("Pakistan")


def test_edit_an_organisation_from_the_page(qtbot: QtBot, page: PeoplePage, ops: Ops) -> None:
    org = people.create_organisation(
        ops.uow, ops.actor, OrganisationDraft(name="Zahnrad GmbH")
    ).value
    page.show_client(ClientRef(ClientKind.ORGANISATION, org.id, org.name))

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, OrganisationEditor)
        assert dialog.name.text() == "Zahnrad GmbH"
        assert not dialog.is_partner.isEnabled()  # a counsellor does not keep the directory
        dialog.website.setFocus()
        qtbot.keyClicks(dialog.website, "zahnrad.example")
        dialog.save_button.click()

    on_modal(fill)
    page.edit_button.click()
    assert page.details.values["Website:"] == "zahnrad.example"
    QApplication.processEvents()


# -- models ------------------------------------------------------------------------------------


def test_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, page: PeoplePage, ops: Ops
) -> None:
    pid = _person(ops, "Müller", "Jürgen")
    _record(ops, ClientKind.PERSON, pid)
    _record(ops, ClientKind.PERSON, pid)
    page.show_client(ClientRef(ClientKind.PERSON, pid, ""))
    assert page.results.rowCount() == 1 and page.records.rowCount() == 2
    qtmodeltester.check(page.results)
    qtmodeltester.check(page.records)
