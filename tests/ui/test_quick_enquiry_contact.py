"""The quick enquiry records the contact itself (issue 11, item 12): channel, date, duration and
first contact are saved as the enquiry's first consultation; a new person is asked for a
nationality, a new organisation for its contact person; an empty requester type or topic list
shows a hint, and saving still works. And its keyboard (item 7): every field and button has a
mnemonic of its own in English and German, in each state of the form (the new person's facts
for the statistics share one: their button's, from which Tab walks them)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QWidget,
)

from tests.ui.conftest import type_text
from tests.ui.test_quick_enquiry import focused, key, tab_to
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordStatus
from welcome_center.domain.statistics import Period
from welcome_center.services import cases, people, statistics
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.ops import Ops

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
TODAY = office_today()


def _open(qtbot, ops: Ops) -> QuickEnquiryDialog:
    dlg = QuickEnquiryDialog(ops)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.client.picker.edit)
    return dlg


@pytest.fixture
def dialog(qtbot, ops, message_boxes) -> QuickEnquiryDialog:
    return _open(qtbot, ops)


def alt(qtbot, letter: str, until: Callable[[], bool] | None = None) -> None:
    """Alt+letter, as a user presses it; a button's mnemonic clicks it after a moment."""
    qtbot.keyClick(focused(), getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)
    if until is not None:
        qtbot.waitUntil(until, timeout=2000)


def pick(qtbot, dialog: QuickEnquiryDialog, typed: str) -> None:
    """Choose the only client found for ``typed`` in the search field."""
    picker = dialog.client.picker
    picker.edit.setFocus()
    qtbot.keyClicks(picker.edit, typed)
    qtbot.waitUntil(picker.hits.isVisible, timeout=2000)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)
    qtbot.keyClick(picker.hits, Qt.Key.Key_Return)
    assert picker.client() is not None


def saved_record(ops: Ops, dialog: QuickEnquiryDialog):
    assert not dialog.isVisible()
    assert dialog.saved_record_id is not None
    return cases.get_record(ops.uow, ops.actor, dialog.saved_record_id)


# -- this contact ---------------------------------------------------------------------------


def test_a_new_persons_enquiry_is_saved_with_this_contact_and_the_nationality(
    qtbot, ops, manager, dialog
):
    alt(qtbot, "p", dialog.client.person_box.isVisible)  # New &person
    assert focused() is dialog.client.family_name
    type_text(focused(), "Haddad")
    tab_to(qtbot, dialog.client.given_name)
    type_text(focused(), "Rami")
    tab_to(qtbot, dialog.client.person_contact)
    tab_to(qtbot, dialog.client.nationality)
    qtbot.keyClicks(focused(), "Syr")
    assert dialog.client.nationality.currentText() == "Syria"
    tab_to(qtbot, dialog.requester)
    key(qtbot, Qt.Key.Key_Down)
    tab_to(qtbot, dialog.municipality)
    tab_to(qtbot, dialog.channel)
    qtbot.keyClicks(focused(), "V")  # Video call
    tab_to(qtbot, dialog.opened_on)
    tab_to(qtbot, dialog.duration)
    qtbot.keyClicks(focused(), "35")
    tab_to(qtbot, dialog.first_contact)
    assert dialog.first_contact.isChecked()  # a new client: yes, preselected
    tab_to(qtbot, dialog.topics)
    key(qtbot, Qt.Key.Key_Space)  # residence
    key(qtbot, Qt.Key.Key_S, CTRL)

    record = saved_record(ops, dialog)
    [contact] = record.consultations
    assert (contact.held_on, contact.duration_minutes, contact.channel) == (TODAY, 35, "video")
    assert (contact.is_first, contact.topics) == (True, ("residence",))
    assert contact.counsellor == "Anna Berger"
    assert (record.channel, record.status) == ("video", RecordStatus.IN_PROGRESS)
    assert people.get_person(ops.uow, ops.actor, record.client.id).nationality == "SY"
    figures = statistics.statistics(ops.uow, manager, Period(TODAY, TODAY))
    assert (figures.consultations, figures.consultation_minutes) == (1, 35)


def test_a_new_person_may_stay_without_a_nationality(qtbot, ops, dialog):
    alt(qtbot, "p", dialog.client.person_box.isVisible)
    type_text(dialog.client.family_name, "Nguyen")
    key(qtbot, Qt.Key.Key_S, CTRL)
    record = saved_record(ops, dialog)
    assert people.get_person(ops.uow, ops.actor, record.client.id).nationality is None
    [contact] = record.consultations
    assert (contact.duration_minutes, contact.channel) == (0, "phone")  # the defaults


def test_a_client_with_records_is_not_a_first_contact_unless_the_user_says_so(qtbot, ops, dialog):
    known = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Müller", given_name="Hans")
    ).value
    earlier = RecordDraft(client=ClientChoice(ClientKind.PERSON, known.id), opened_on=TODAY)
    cases.open_record(ops.uow, ops.actor, earlier)
    people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Okonkwo", given_name="Ada"))

    pick(qtbot, dialog, "mull")
    assert not dialog.first_contact.isChecked()  # Hans has a record: a follow-up contact
    qtbot.mouseClick(dialog.client.picker.change_button, Qt.MouseButton.LeftButton)
    pick(qtbot, dialog, "okon")
    assert dialog.first_contact.isChecked()  # Ada has none yet
    qtbot.mouseClick(dialog.client.picker.change_button, Qt.MouseButton.LeftButton)
    pick(qtbot, dialog, "mull")
    assert not dialog.first_contact.isChecked()
    alt(qtbot, "f", dialog.first_contact.isChecked)  # &First contact: the user knows better
    qtbot.mouseClick(dialog.client.picker.change_button, Qt.MouseButton.LeftButton)
    pick(qtbot, dialog, "mull")
    assert dialog.first_contact.isChecked()  # the user's word stays
    key(qtbot, Qt.Key.Key_S, CTRL)
    [contact] = saved_record(ops, dialog).consultations
    assert contact.is_first


def test_a_new_organisation_is_saved_with_its_contact_person(qtbot, ops, dialog):
    alt(qtbot, "g", dialog.client.org_box.isVisible)  # New or&ganisation
    assert focused() is dialog.client.org_name
    type_text(focused(), "Nette Textilveredlung GmbH & Co. KG")
    tab_to(qtbot, dialog.client.org_contact)
    type_text(focused(), "info@nette.example")
    tab_to(qtbot, dialog.client.contact_name)
    assert focused().placeholderText() == "optional"
    type_text(focused(), "Jana Schmidt")
    tab_to(qtbot, dialog.client.contact_line)
    type_text(focused(), "0375 123456")
    key(qtbot, Qt.Key.Key_S, CTRL)

    record = saved_record(ops, dialog)
    assert record.client.kind is ClientKind.ORGANISATION
    org = people.get_organisation(ops.uow, ops.actor, record.client.id)
    assert (org.name, org.email) == ("Nette Textilveredlung GmbH & Co. KG", "info@nette.example")
    [contact] = org.contacts
    assert (contact.name, contact.email, contact.phone) == ("Jana Schmidt", "", "0375 123456")
    [consultation] = record.consultations
    assert consultation.is_first


def test_a_contact_persons_address_without_a_name_is_refused_and_nothing_is_saved(
    qtbot, ops, dialog
):
    alt(qtbot, "g", dialog.client.org_box.isVisible)
    type_text(dialog.client.org_name, "Maschinenbau Eckbauer KG")
    alt(qtbot, "i")  # Contact e-ma&il or phone
    assert focused() is dialog.client.contact_line
    type_text(focused(), "jana@eckbauer.example")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible()
    assert dialog.errors.message("contact_name") == "Enter the contact person's name."
    assert focused() is dialog.client.contact_name
    found = people.find_duplicates(
        ops.uow, ops.actor, OrganisationDraft(name="Maschinenbau Eckbauer KG")
    )
    assert found == []  # not the organisation either: one transaction
    type_text(dialog.client.contact_name, "Jana Eckbauer")
    key(qtbot, Qt.Key.Key_S, CTRL)
    org = people.get_organisation(ops.uow, ops.actor, saved_record(ops, dialog).client.id)
    assert [(c.name, c.email) for c in org.contacts] == [("Jana Eckbauer", "jana@eckbauer.example")]


def test_arrow_keys_among_the_kinds_of_client_stay_on_them(qtbot, dialog):
    modes = dialog.client.modes
    qtbot.keyClick(focused(), Qt.Key.Key_Backtab)  # from the search field up to the choice
    while focused() is not modes.button(0):
        qtbot.keyClick(focused(), Qt.Key.Key_Left)
    qtbot.keyClick(focused(), Qt.Key.Key_Right)
    assert dialog.client.person_box.isVisible()
    assert focused() is modes.button(1)  # on the choice still: Right again reaches the next
    qtbot.keyClick(focused(), Qt.Key.Key_Right)
    assert dialog.client.org_box.isVisible()
    assert focused() is modes.button(2)
    qtbot.keyClick(focused(), Qt.Key.Key_Space)  # taken: the typing starts
    assert focused() is dialog.client.org_name


def test_the_contact_person_joins_the_organisation_taken_from_the_duplicates(qtbot, ops, dialog):
    existing = people.create_organisation(
        ops.uow, ops.actor, OrganisationDraft(name="Schottin Präzisionstechnik GmbH")
    ).value
    alt(qtbot, "g", dialog.client.org_box.isVisible)
    type_text(focused(), "Schottin Präzisionstechnik GmbH")
    alt(qtbot, "n")  # Contact &name
    type_text(focused(), "Paul Weber")
    alt(qtbot, "i")
    type_text(focused(), "p.weber@schottin.example")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.client.candidates_box.isVisible()
    assert focused() is dialog.client.candidates
    key(qtbot, Qt.Key.Key_Return)  # this is the one
    record = saved_record(ops, dialog)
    assert record.client.id == existing.id
    org = people.get_organisation(ops.uow, ops.actor, existing.id)
    assert [(c.name, c.email) for c in org.contacts] == [("Paul Weber", "p.weber@schottin.example")]


def test_a_contact_persons_address_that_is_none_is_refused_before_saving(qtbot, ops, dialog):
    alt(qtbot, "g", dialog.client.org_box.isVisible)
    type_text(focused(), "Eckbauer Maschinenbau KG")
    alt(qtbot, "n")
    type_text(focused(), "Jana Eckbauer")
    alt(qtbot, "i")
    type_text(focused(), "jana@")
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.errors.message("contact_email") == (
        "jana@ is not an e-mail address (name@example.org)."
    )
    assert focused() is dialog.client.contact_line
    found = people.find_duplicates(
        ops.uow, ops.actor, OrganisationDraft(name="Eckbauer Maschinenbau KG")
    )
    assert found == []


# -- hints ----------------------------------------------------------------------------------


def test_an_empty_requester_type_and_topic_list_show_a_hint(qtbot, dialog):
    requester_hint = dialog._hints[dialog.requester]
    topics_hint = dialog._hints[dialog.topics]
    assert requester_hint.isVisible() and topics_hint.isVisible()
    assert requester_hint.text() == (
        "The statistics count enquiries by requester type: choose one if you can."
    )
    assert topics_hint.text() == (
        "The statistics count enquiries by topic: tick at least one if you can."
    )
    alt(qtbot, "q")  # Re&quester type
    key(qtbot, Qt.Key.Key_Down)
    assert not requester_hint.isVisible()
    alt(qtbot, "t")  # &Topics
    key(qtbot, Qt.Key.Key_Space)
    assert not topics_hint.isVisible()
    key(qtbot, Qt.Key.Key_Space)  # untick it again
    assert topics_hint.isVisible()


def test_the_hints_do_not_stop_a_save(qtbot, ops, dialog):
    alt(qtbot, "p", dialog.client.person_box.isVisible)
    type_text(dialog.client.family_name, "Kowalski")
    key(qtbot, Qt.Key.Key_S, CTRL)
    record = saved_record(ops, dialog)
    assert (record.requester_type, record.topics) == (None, ())
    assert len(record.consultations) == 1


def test_the_hints_read_in_german(qtbot, ops, message_boxes):
    i18n.set_language("de")
    dlg = _open(qtbot, ops)
    assert dlg._hints[dlg.requester].text() == (
        "Die Statistik zählt Anfragen nach Zielgruppe: Wählen Sie nach Möglichkeit eine aus."
    )
    assert dlg._hints[dlg.topics].text() == (
        "Die Statistik zählt Anfragen nach Themen: Kreuzen Sie nach Möglichkeit mindestens "
        "eines an."
    )
    assert dlg.contact_box.title() == "Dieser Kontakt (zählt als Beratungskontakt)"


# -- mnemonics --------------------------------------------------------------------------------


def _mnemonic(text: str) -> str:
    return QKeySequence.mnemonic(text).toString().casefold()


def _control(w: QWidget) -> QWidget:
    """The control a focus widget belongs to (a combo box's or spin box's inner edit is the
    box; a date field's edit is the field)."""
    parent = w.parentWidget()
    if isinstance(w, QLineEdit) and isinstance(parent, QComboBox | QAbstractSpinBox):
        return parent
    if parent is not None and parent.focusProxy() is w:
        return parent
    return w


def _mnemonics(dlg: QuickEnquiryDialog) -> tuple[dict[str, list[str]], set[QWidget]]:
    """The mnemonics a user can press now (letter -> what carries it) and the controls they
    reach."""
    keys: dict[str, list[str]] = {}
    reached: set[QWidget] = set()
    for w in dlg.findChildren(QWidget):
        if not w.isVisibleTo(dlg) or not w.isEnabled():
            continue
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy() is not None):
            letter = _mnemonic(w.text()) if "&" in w.text() else ""
            if not letter:
                continue
            keys.setdefault(letter, []).append(w.text())
            reached.add(_control(w.buddy()) if isinstance(w, QLabel) else w)
    return keys, reached


def _fields(dlg: QuickEnquiryDialog) -> set[QWidget]:
    """The fields and buttons a user works with (lists that show hits or candidates belong to
    the field above them)."""
    kinds = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractButton, QListWidget, QPlainTextEdit)
    inner = {dlg.client.picker.hits, dlg.client.candidates}
    found = set()
    for w in dlg.findChildren(QWidget):
        if not isinstance(w, kinds) or w in inner or not w.isVisibleTo(dlg):
            continue
        if not w.isEnabled() or not w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            continue
        if w.focusProxy() is None:
            found.add(_control(w))
    return found


def _check_state(dlg: QuickEnquiryDialog, state: str) -> None:
    keys, reached = _mnemonics(dlg)
    facts = dlg.client.facts
    if facts.toggle in reached:  # its key opens the new person's facts, then Tab walks them
        reached.update(facts.fields())
    twice = {k: v for k, v in keys.items() if len(v) > 1}
    assert not twice, f"{state}: the same mnemonic twice: {twice}"
    without = [
        w.accessibleName() or getattr(w, "text", lambda: "")() or type(w).__name__
        for w in _fields(dlg) - reached
    ]
    assert not without, f"{state}: no mnemonic reaches {without}"


@pytest.mark.parametrize("lang", ["en", "de"])
def test_each_field_and_button_has_a_mnemonic_of_its_own_in_every_state(
    qtbot, ops, message_boxes, lang
):
    people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"))
    people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name="Eckbauer KG"))
    i18n.set_language(lang)
    dlg = _open(qtbot, ops)
    dlg.follow_up.setChecked(True)  # its date and remark take letters too
    _check_state(dlg, "find")
    pick(qtbot, dlg, "hadd")
    assert dlg.client.picker.change_button.isVisible()
    _check_state(dlg, "find with a client chosen")
    for mode, name, box in (
        (1, "Haddad", dlg.client.person_box),
        (2, "Eckbauer KG", dlg.client.org_box),
    ):
        qtbot.mouseClick(dlg.client.modes.button(mode), Qt.MouseButton.LeftButton)
        assert box.isVisible()
        _check_state(dlg, f"new client {mode}")
        if mode == 1:
            dlg.client.facts.set_open(True)
            _check_state(dlg, "new person with the facts open")
        line = dlg.client.family_name if mode == 1 else dlg.client.org_name
        line.clear()
        type_text(line, name)
        if mode == 1:
            type_text(dlg.client.given_name, "Rami")
        key(qtbot, Qt.Key.Key_S, CTRL)  # the same name: the duplicate question
        assert dlg.client.candidates_box.isVisible()
        _check_state(dlg, f"new client {mode} with the duplicate question")
        other = dlg.client.modes.button(3 - mode)
        assert not other.isEnabled()  # the question first: the kind of client stays
        type_text(line, "s")  # another name withdraws the question
        assert not dlg.client.candidates_box.isVisible() and other.isEnabled()


@pytest.mark.parametrize(("lang", "letter"), [("en", "e"), ("de", "h")])
def test_the_referral_topic_has_a_mnemonic(qtbot, ops, message_boxes, lang, letter):
    i18n.set_language(lang)
    dlg = _open(qtbot, ops)
    alt(qtbot, letter)
    assert focused() is dlg.referral_topic


def test_the_contact_fields_are_reached_by_their_mnemonics(qtbot, dialog):
    alt(qtbot, "h")
    assert focused() is dialog.channel
    alt(qtbot, "u")
    assert focused() is dialog.duration
    alt(qtbot, "p", dialog.client.person_box.isVisible)
    alt(qtbot, "n")
    assert focused() is dialog.client.nationality


def test_fits_a_small_screen_in_german_with_a_new_organisation(qtbot, ops, message_boxes):
    i18n.set_language("de")
    dlg = _open(qtbot, ops)
    qtbot.mouseClick(dlg.client.modes.button(2), Qt.MouseButton.LeftButton)
    dlg.follow_up.setChecked(True)
    hint = dlg.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700
