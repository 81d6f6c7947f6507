"""Two desks edit the same item (issue 11, item 9). Desk A (Ben) saves first; desk B (Anna) has
typed meanwhile and saves: she sees Ben's version beside hers, field by field, the differing
fields marked, and saves hers on top of it (a new version; Ben's change stays in the history),
takes his, or goes back to editing. Typed and answered with the keyboard, as a user does."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.conflicts import BACK, KEEP_MINE, TAKE_THEIRS, ConflictAnswers
from tests.ui.test_record_editor import (
    CTRL,
    activate,
    append_text,
    open_window,
    replace_text,
    save_dialog,
)
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    ContactDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, people
from welcome_center.ui.dialogs.organisation_editor import OrganisationEditor
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.record.consultations import ConsultationDialog

ALT = Qt.KeyboardModifier.AltModifier
BUTTONS = ["&Save my version", "&Take the saved version", "&Back to editing"]


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):
    """Windows left with unsaved input ask when pytest-qt closes them: answered, not shown."""
    return message_boxes


@pytest.fixture
def conflicts(qtbot) -> ConflictAnswers:
    return ConflictAnswers(qtbot)


@pytest.fixture
def record_id(uow, anna) -> int:
    person = people.create_person(
        uow, anna, PersonDraft(family_name="Petrenko", given_name="Olena")
    ).value
    client = ClientChoice(ClientKind.PERSON, person.id)
    draft = RecordDraft(
        client=client, opened_on=office_today(), channel="in_person", summary="Erstkontakt"
    )
    return cases.open_record(uow, anna, draft).value.id


def _record(uow, actor, record_id):
    return cases.get_record(uow, actor, record_id)


def _two_desks(qtbot, ops, ops_for, ben, uow, record_id):
    """Both desks open the record; Ben changes the summary and the channel and saves first.
    Returns Anna's window and the version Ben saved."""
    anna_window = open_window(qtbot, ops, record_id)
    ben_window = open_window(qtbot, ops_for(ben), record_id)
    replace_text(qtbot, ben_window.overview.summary, "Ben: Termin am Montag")
    ben_window.overview.combos["channel"].setFocus()
    qtbot.keyClicks(ben_window.overview.combos["channel"], "Phone")
    qtbot.keyClick(ben_window.overview.summary, Qt.Key.Key_S, CTRL)
    bens = _record(uow, ben, record_id)
    assert (bens.summary, bens.channel) == ("Ben: Termin am Montag", "phone")
    activate(qtbot, anna_window)
    replace_text(qtbot, anna_window.overview.summary, "Anna: Unterlagen fehlen")
    return anna_window, bens.version


# --- the record's overview ---------------------------------------------------------------------


def test_keep_mine_saves_my_summary_on_top_and_keeps_bens_channel_and_history(
    qtbot, ops, ops_for, ben, uow, anna, record_id, conflicts
):
    window, bens_version = _two_desks(qtbot, ops, ops_for, ben, uow, record_id)

    conflicts.answer_next(KEEP_MINE)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)

    (seen,) = conflicts.seen
    assert seen.title == "Changed meanwhile"
    assert seen.intro.startswith("Ben Schulz saved this entry on ")
    assert seen.buttons == BUTTONS
    assert seen.row("Summary") == ("Ben: Termin am Montag", "Anna: Unterlagen fehlen", True)
    # Anna left the channel as it was: her version takes Ben's, nothing to decide there.
    assert seen.row("Channel") == ("Phone", "Phone", False)
    assert seen.marked == ["Summary"]

    saved = _record(uow, anna, record_id)
    assert (saved.summary, saved.channel) == ("Anna: Unterlagen fehlen", "phone")
    assert saved.version == bens_version + 1  # a new version on top of Ben's
    assert not window.has_unsaved() and not window.notice.isVisibleTo(window)
    assert window.overview.combos["channel"].currentText() == "Phone"

    activate(qtbot, window)
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_H, ALT)  # the history tab
    assert window.tabs.currentWidget() is window.history
    model = window.history.model
    lines = [(model.text(r, 1), model.text(r, 3)) for r in range(model.rowCount())]
    assert ("Ben Schulz", "Channel, Summary") in lines or (
        "Ben Schulz",
        "Summary, Channel",
    ) in lines
    assert ("Anna Berger", "Summary") in lines


def test_take_theirs_shows_bens_version(qtbot, ops, ops_for, ben, uow, anna, record_id, conflicts):
    window, bens_version = _two_desks(qtbot, ops, ops_for, ben, uow, record_id)

    conflicts.answer_next(TAKE_THEIRS)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)

    assert len(conflicts.seen) == 1
    assert window.overview.summary.toPlainText() == "Ben: Termin am Montag"
    assert window.overview.combos["channel"].currentText() == "Phone"
    assert not window.has_unsaved()
    assert _record(uow, anna, record_id).version == bens_version


def test_back_to_editing_keeps_my_text_and_the_next_save_asks_no_more(
    qtbot, ops, ops_for, ben, uow, anna, record_id, conflicts
):
    window, bens_version = _two_desks(qtbot, ops, ops_for, ben, uow, record_id)

    conflicts.answer_next(BACK)
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)
    assert window.overview.summary.toPlainText() == "Anna: Unterlagen fehlen"
    assert window.has_unsaved()
    assert _record(uow, anna, record_id).summary == "Ben: Termin am Montag"

    # Anna takes over Ben's note by hand and saves: it goes on top of the version she has seen.
    activate(qtbot, window)
    append_text(qtbot, window.overview.summary, "; Termin am Montag")
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)
    assert len(conflicts.seen) == 1
    saved = _record(uow, anna, record_id)
    assert saved.summary == "Anna: Unterlagen fehlen; Termin am Montag"
    assert saved.version == bens_version + 1


def test_the_notice_of_a_colleagues_change_compares_on_request(
    qtbot, ops, uow, anna, record_id, conflicts
):
    typing = open_window(qtbot, ops, record_id)
    saving = open_window(qtbot, ops, record_id)
    append_text(qtbot, typing.overview.summary, " (Entwurf)")
    replace_text(qtbot, saving.overview.summary, "Neue Zusammenfassung")
    qtbot.keyClick(saving.overview.summary, Qt.Key.Key_S, CTRL)
    assert typing.notice.isVisibleTo(typing)
    assert typing.notice_compare.text() == "Compare both versions (F6)…"

    activate(qtbot, typing)
    conflicts.answer_next(KEEP_MINE)
    qtbot.keyClick(typing.windowHandle(), Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: not typing.has_unsaved(), timeout=3000)  # the click comes a bit later

    (seen,) = conflicts.seen
    assert seen.intro.startswith("Anna Berger saved this entry on ")
    assert seen.row("Summary") == ("Neue Zusammenfassung", "Erstkontakt (Entwurf)", True)
    assert _record(uow, anna, record_id).summary == "Erstkontakt (Entwurf)"
    assert not typing.notice.isVisibleTo(typing) and not typing.has_unsaved()


# --- a dialog of the record's tabs -------------------------------------------------------------


def test_a_consultation_corrected_at_two_desks(
    qtbot, ops, ops_for, ben, uow, anna, record_id, conflicts
):
    today = office_today()
    consultations.record_consultation(
        uow,
        anna,
        record_id,
        ConsultationDraft(held_on=today, duration_minutes=30, notes="Erstgespraech"),
    )
    anna_window = open_window(qtbot, ops, record_id)
    ben_window = open_window(qtbot, ops_for(ben), record_id)
    (item,) = anna_window.details.consultations
    anna_dialog = ConsultationDialog(anna_window, item)
    ben_dialog = ConsultationDialog(ben_window, item)
    for dialog in (anna_dialog, ben_dialog):
        qtbot.addWidget(dialog)
        dialog.show()

    replace_text(qtbot, ben_dialog.duration, "60")
    append_text(qtbot, ben_dialog.notes, " - Ben: Termin verschoben")
    save_dialog(qtbot, ben_dialog)
    assert not ben_dialog.isVisible()

    append_text(qtbot, anna_dialog.notes, " - Anna: Unterlagen erhalten")
    conflicts.answer_next(KEEP_MINE)
    save_dialog(qtbot, anna_dialog, final=False)

    (seen,) = conflicts.seen
    assert seen.row("Notes") == (
        "Erstgespraech - Ben: Termin verschoben",
        "Erstgespraech - Anna: Unterlagen erhalten",
        True,
    )
    assert seen.row("Duration in minutes") == ("60", "60", False)
    assert seen.marked == ["Notes"]
    assert not anna_dialog.isVisible()  # saved
    (stored,) = _record(uow, anna, record_id).consultations
    assert (stored.notes, stored.duration_minutes) == (
        "Erstgespraech - Anna: Unterlagen erhalten",
        60,
    )
    assert stored.version == item.version + 2
    assert anna_window.consultations.model.text(0, 1) == "60"


# --- the person and organisation editors ---------------------------------------------------------


def _editors(qtbot, ops, ops_for, ben, cls, item_id):
    editors = []
    for o in (ops, ops_for(ben)):
        editor = cls(o, None)
        assert editor.load(item_id)
        qtbot.addWidget(editor)
        editor.show()
        editors.append(editor)
    return editors


def test_a_person_changed_at_two_desks(qtbot, ops, ops_for, ben, uow, anna, conflicts):
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Weber", given_name="Eva")
    ).value.id
    anna_editor, ben_editor = _editors(qtbot, ops, ops_for, ben, PersonEditor, pid)
    qtbot.keyClicks(ben_editor.phone, "0375 999")
    qtbot.keyClicks(ben_editor.languages, "Deutsch")
    ben_editor.save_button.click()
    bens_version = people.get_person(uow, ben, pid).version

    qtbot.keyClicks(anna_editor.phone, "0151 222")
    conflicts.answer_next(TAKE_THEIRS)
    anna_editor.save_button.click()
    (seen,) = conflicts.seen
    assert seen.row("Phone") == ("0375 999", "0151 222", True)
    assert seen.row("Languages") == ("Deutsch", "Deutsch", False)
    assert seen.row("Family name") == ("Weber", "Weber", False)
    assert anna_editor.isVisible() and not anna_editor.has_unsaved()
    assert (anna_editor.phone.text(), anna_editor.languages.text()) == ("0375 999", "Deutsch")

    # Typed again and saved: no conflict any more, it goes on top of Ben's version.
    anna_editor.phone.setFocus()
    qtbot.keyClick(anna_editor.phone, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(anna_editor.phone, "0151 222")
    anna_editor.save_button.click()
    assert len(conflicts.seen) == 1 and not anna_editor.isVisible()
    saved = people.get_person(uow, anna, pid)
    assert (saved.phone, saved.languages, saved.version) == (
        "0151 222",
        "Deutsch",
        bens_version + 1,
    )


def test_a_person_kept_on_top_of_a_colleagues_change(
    qtbot, ops, ops_for, ben, uow, anna, conflicts
):
    pid = people.create_person(
        uow, anna, PersonDraft(family_name="Weber", given_name="Eva")
    ).value.id
    anna_editor, ben_editor = _editors(qtbot, ops, ops_for, ben, PersonEditor, pid)
    qtbot.keyClicks(ben_editor.phone, "0375 999")
    ben_editor.save_button.click()

    qtbot.keyClicks(anna_editor.phone, "0151 222")
    qtbot.keyClicks(anna_editor.email, "eva@example.org")
    conflicts.answer_next(KEEP_MINE)
    anna_editor.save_button.click()

    assert conflicts.seen[0].marked == ["E-mail", "Phone"]
    assert not anna_editor.isVisible()
    saved = people.get_person(uow, anna, pid)
    assert (saved.phone, saved.email) == ("0151 222", "eva@example.org")


def test_contact_persons_changed_at_two_desks(qtbot, ops, ops_for, ben, uow, anna, conflicts):
    org = people.create_organisation(uow, anna, OrganisationDraft(name="Muster GmbH")).value
    people.set_contacts(uow, anna, org.id, [ContactDraft(name="Frau Kurz", function="Personal")])
    anna_editor, ben_editor = _editors(qtbot, ops, ops_for, ben, OrganisationEditor, org.id)
    # Ben changes the contact person's function (typed into the table's cell).
    table = ben_editor.contacts_table
    table.setFocus()
    table.setCurrentIndex(ben_editor.contacts.index(0, 1))
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = table.indexWidget(table.currentIndex()) or table.focusWidget()
    qtbot.keyClick(editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor, "Buchhaltung")
    ben_editor.save_button.click()
    assert [c.function for c in people.get_organisation(uow, ben, org.id).contacts] == [
        "Buchhaltung"
    ]

    qtbot.keyClicks(anna_editor.phone, "0375 1234")
    conflicts.answer_next(KEEP_MINE)
    anna_editor.save_button.click()

    (seen,) = conflicts.seen
    assert seen.row("Contact persons") == (
        "Frau Kurz – Buchhaltung",
        "Frau Kurz – Buchhaltung",
        False,
    )
    assert seen.row("Phone") == ("—", "0375 1234", True)
    assert not anna_editor.isVisible()
    saved = people.get_organisation(uow, anna, org.id)
    assert saved.phone == "0375 1234"
    assert [c.function for c in saved.contacts] == ["Buchhaltung"]
