"""The client field: search as you type among persons and organisations, choose by keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import type_text
from welcome_center.domain.drafts import OrganisationDraft, PersonDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.views import ClientRef
from welcome_center.services import people
from welcome_center.ui.widgets.client_picker import ClientPicker


@pytest.fixture
def clients(uow, anna):
    hans = people.create_person(
        uow, anna, PersonDraft(family_name="Müller", given_name="Hans")
    ).value
    people.create_person(uow, anna, PersonDraft(family_name="Meier", given_name="Olga"))
    firm = people.create_organisation(
        uow, anna, OrganisationDraft(name="Müllerei Zwickau GmbH")
    ).value
    return hans, firm


@pytest.fixture
def picker(qtbot, ops):
    widget = ClientPicker(ops)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.edit.setFocus()
    return widget


def hit_texts(picker: ClientPicker) -> list[str]:
    return [picker.hits.item(i).text() for i in range(picker.hits.count())]


def wait_hits(qtbot, picker: ClientPicker) -> list[str]:
    qtbot.waitUntil(lambda: picker.hits.isVisible() or picker.empty_label.isVisible(), timeout=2000)
    return hit_texts(picker) if picker.hits.isVisible() else []


def test_typing_finds_persons_and_organisations_with_a_word_for_their_kind(qtbot, picker, clients):
    qtbot.keyClicks(picker.edit, "mull")
    assert not picker.hits.isVisible()  # debounced: nothing searched on the key itself
    assert wait_hits(qtbot, picker) == [
        "Müller, Hans — Person\nno records yet",
        "Müllerei Zwickau GmbH — Organisation\nno records yet",
    ]


@pytest.mark.parametrize("typed", ["Mueller", "Mül", "hans müller"])
def test_spellings_of_an_umlaut_find_the_person(qtbot, picker, clients, typed):
    type_text(picker.edit, typed)
    assert "Müller, Hans — Person\nno records yet" in wait_hits(qtbot, picker)


def test_nothing_found_says_so(qtbot, picker, clients):
    qtbot.keyClicks(picker.edit, "xyz")
    assert wait_hits(qtbot, picker) == []
    assert picker.empty_label.text() == "No person or organisation found with this name."


def test_down_and_enter_choose_a_hit(qtbot, picker, clients):
    hans, _firm = clients
    qtbot.keyClicks(picker.edit, "mull")
    wait_hits(qtbot, picker)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is picker.hits
    with qtbot.waitSignal(picker.client_chosen, timeout=1000) as chosen:
        qtbot.keyClick(picker.hits, Qt.Key.Key_Return)
    expected = ClientRef(ClientKind.PERSON, hans.id, "Müller, Hans")
    assert chosen.args == [expected]
    assert picker.client() == expected
    assert picker.edit.text() == "Müller, Hans"
    assert picker.kind_label.text() == "Person"
    assert picker.change_button.isVisible()
    assert not picker.hits.isVisible()


def test_down_twice_chooses_the_second_hit(qtbot, picker, clients):
    _hans, firm = clients
    qtbot.keyClicks(picker.edit, "mull")
    wait_hits(qtbot, picker)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Enter)
    assert picker.client() == ClientRef(ClientKind.ORGANISATION, firm.id, firm.name)
    assert picker.kind_label.text() == "Organisation"


def test_enter_before_the_pause_searches_and_takes_a_single_hit(qtbot, picker, clients):
    qtbot.keyClicks(picker.edit, "olga")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert picker.client() is not None
    assert picker.edit.text() == "Meier, Olga"


def test_typing_in_the_hits_refines_the_search(qtbot, picker, clients):
    qtbot.keyClicks(picker.edit, "mull")
    wait_hits(qtbot, picker)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClicks(picker.hits, "ere")
    assert picker.edit.text() == "mullere"
    assert QApplication.focusWidget() is picker.edit
    qtbot.waitUntil(
        lambda: hit_texts(picker) == ["Müllerei Zwickau GmbH — Organisation\nno records yet"]
    )


def test_change_clears_the_choice(qtbot, picker, clients):
    hans, _firm = clients
    picker.set_client(ClientRef(ClientKind.PERSON, hans.id, "Müller, Hans"))
    with qtbot.waitSignal(picker.client_chosen, timeout=1000) as cleared:
        qtbot.mouseClick(picker.change_button, Qt.MouseButton.LeftButton)
    assert cleared.args == [None]
    assert picker.client() is None
    assert picker.edit.text() == ""
    assert QApplication.focusWidget() is picker.edit


def test_editing_a_chosen_name_drops_the_choice_and_searches_again(qtbot, picker, clients):
    hans, _firm = clients
    picker.set_client(ClientRef(ClientKind.PERSON, hans.id, "Müller, Hans"))
    picker.edit.end(False)
    with qtbot.waitSignal(picker.client_chosen, timeout=1000) as dropped:
        qtbot.keyClick(picker.edit, Qt.Key.Key_Backspace)
    assert dropped.args == [None]
    assert wait_hits(qtbot, picker) == ["Müller, Hans — Person\nno records yet"]


def test_escape_hides_the_hits(qtbot, picker, clients):
    qtbot.keyClicks(picker.edit, "mull")
    wait_hits(qtbot, picker)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)
    assert not picker.hits.isVisible()
    assert picker.edit.text() == "mull"
