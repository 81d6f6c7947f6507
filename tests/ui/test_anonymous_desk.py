"""Anonymous enquiries at the desk (issue 15, item 2), by keys: the quick enquiry records a
caller who gives no name without creating a person; the record window says so in its header,
refuses a referral before any dialog, and assigns the client once the caller gives a name.
Mnemonics stay unique in English and German."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget
from sqlalchemy import func, select

from tests.ui.conftest import type_text, when_modal
from tests.ui.test_documents import open_window
from tests.ui.test_quick_enquiry import focused, key, tab_to
from tests.ui.test_quick_enquiry_contact import _check_state, _mnemonics, pick
from tests.ui.test_records_page import _clients
from welcome_center import i18n
from welcome_center.db.models import Person
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import PersonDraft, RecordDraft
from welcome_center.domain.enums import RecordKind
from welcome_center.services import cases, people
from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.record.assign_client import AssignClientDialog

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _persons(ops: Ops) -> int:
    with ops.uow.read() as s:
        return s.scalar(select(func.count()).select_from(Person)) or 0


def _quick(qtbot, ops: Ops) -> QuickEnquiryDialog:  # type: ignore[no-untyped-def]
    dlg = QuickEnquiryDialog(ops)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dlg.client.picker.edit)
    return dlg


def _anonymous_record(ops: Ops) -> int:
    draft = RecordDraft(
        client=None,
        opened_on=office_today(),
        topics=("recognition",),
        summary="Fragte nach der Anerkennung als Pflegefachkraft.",
    )
    return cases.open_record(ops.uow, ops.actor, draft).value.id


def _live_letters(window: QWidget) -> list[str]:
    """The keys Alt+letter reaches now: those of shown, enabled controls (a disabled "New
    referral" of an anonymous enquiry lends its N to "Assign a client…")."""
    texts = [
        w.text()
        for w in window.findChildren(QAbstractButton)
        if w.isVisibleTo(window) and w.isEnabled()
    ]
    texts += [
        lb.text()
        for lb in window.findChildren(QLabel)
        if lb.buddy() and lb.isVisibleTo(window) and lb.buddy().isEnabled()
    ]
    tabs = window.tabs  # type: ignore[attr-defined]
    texts += [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]
    return [
        QKeySequence.mnemonic(t).toString().casefold() for t in texts if "&" in t.replace("&&", "")
    ]


def _press(qtbot, window: QWidget, k: Qt.Key, modifier: Qt.KeyboardModifier) -> None:  # type: ignore[no-untyped-def]
    """A key as typed: through the window, where shortcuts and mnemonics are found."""
    QTest.keyClick(window.windowHandle(), k, modifier)
    qtbot.wait(200)  # a mnemonic clicks its button after a moment (animateClick)


# --- the quick enquiry -------------------------------------------------------------------------


def test_a_caller_without_a_name_is_recorded_by_keys_and_nobody_created(
    qtbot, ops: Ops, message_boxes
) -> None:
    persons = _persons(ops)
    dlg = _quick(qtbot, ops)
    key(qtbot, Qt.Key.Key_M, ALT)  # No na&me given (anonymous)
    qtbot.waitUntil(dlg.client.anonymous_note.isVisible)
    assert dlg.client.anonymous() and not dlg.client.picker.isEnabled()
    assert "no person is created" in dlg.client.anonymous_note.text()
    assert dlg.no_referral.isVisible()  # the referral box says it is not for this one
    tab_to(qtbot, dlg.requester)
    key(qtbot, Qt.Key.Key_Down)  # the first requester type after "—"
    tab_to(qtbot, dlg.municipality)
    tab_to(qtbot, dlg.channel)  # phone, as it starts
    tab_to(qtbot, dlg.opened_on)
    tab_to(qtbot, dlg.topics)
    key(qtbot, Qt.Key.Key_Space)  # residence
    tab_to(qtbot, dlg.summary)
    type_text(focused(), "Wollte wissen, wie ein Visum zur Arbeitssuche geht.")
    tab_to(qtbot, dlg.services)
    key(qtbot, Qt.Key.Key_Space)
    with qtbot.waitSignal(ops.status, timeout=2000) as status:
        key(qtbot, Qt.Key.Key_S, CTRL)
    assert not dlg.isVisible()
    record = cases.get_record(ops.uow, ops.actor, dlg.saved_record_id)
    assert status.args == [f"Enquiry {record.number} saved."]
    assert record.client is None and record.kind is RecordKind.ENQUIRY
    assert record.requester_type == "person_abroad" and record.channel == "phone"
    assert record.topics == ("residence",) and record.services == ("initial_information",)
    assert record.municipality is None
    [contact] = record.consultations
    assert contact.is_first and contact.held_on == office_today()
    assert _persons(ops) == persons


def test_a_referral_for_a_caller_without_a_name_is_refused_before_saving(
    qtbot, ops: Ops, message_boxes
) -> None:
    dlg = _quick(qtbot, ops)
    key(qtbot, Qt.Key.Key_M, ALT)
    qtbot.waitUntil(dlg.client.anonymous_note.isVisible)
    dlg.partner.setCurrentIndex(1)
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dlg.isVisible() and dlg.saved_record_id is None
    error = dlg.errors._fields["partner"][1]
    assert error.isVisible() and "cannot be referred" in error.text()
    # Chosen back: "— no referral —" saves.
    dlg.partner.setCurrentIndex(0)
    key(qtbot, Qt.Key.Key_S, CTRL)
    assert dlg.saved_record_id is not None


def _group_box_letters(dlg: QuickEnquiryDialog) -> list[str]:
    """The checkable group boxes' keys (the follow-up's), which the helper above leaves out."""
    return [
        QKeySequence.mnemonic(box.title()).toString().casefold()
        for box in dlg.findChildren(QGroupBox)
        if box.isVisibleTo(dlg) and "&" in box.title()
    ]


@pytest.mark.parametrize(("lang", "letter"), [("en", Qt.Key.Key_M), ("de", Qt.Key.Key_Y)])
def test_the_choice_has_a_key_of_its_own(
    qtbot, ops: Ops, message_boxes, lang: str, letter: Qt.Key
) -> None:
    people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="R"))
    i18n.set_language(lang)
    dlg = _quick(qtbot, ops)
    dlg.follow_up.setChecked(True)  # its date and remark take letters too
    words = {"en": "No na&me given (anonymous)", "de": "Ohne Namen (anon&ym)"}[lang]
    assert dlg.client.no_name.text() == words
    pick(qtbot, dlg, "hadd")  # with a client chosen, "Change" takes a letter as well
    key(qtbot, letter, ALT)
    qtbot.waitUntil(dlg.client.anonymous_note.isVisible)
    assert dlg.client.anonymous() and dlg.client.chosen() is None
    _check_state(dlg, "no name given")
    keys = list(_mnemonics(dlg)[0]) + [f"alt+{k}" for k in _group_box_letters(dlg)]
    assert len(keys) == len(set(keys)), sorted(keys)
    for mode in (1, 2):  # a new client's state has no such choice
        dlg.client.modes.button(mode).setChecked(True)
        assert not dlg.client.no_name.isVisible() and not dlg.client.anonymous()
    dlg.client.modes.button(0).setChecked(True)
    assert dlg.client.anonymous()  # back in "find": still without a name, as left
    hint = dlg.sizeHint()
    assert hint.width() <= 1366 and hint.height() <= 700


# --- the record window -------------------------------------------------------------------------


def test_the_record_window_says_anonymous_and_offers_only_what_fits(
    qtbot, ops: Ops, message_boxes
) -> None:
    window = open_window(qtbot, ops, _anonymous_record(ops))
    d = window.details
    assert d is not None
    assert window.header.title.text() == f"{d.number} – Anonymous caller"
    assert window.windowTitle().startswith(f"{d.number} – Anonymous caller")
    assert window.header.assign_button.isVisible()
    assert not window.header.promote_button.isVisible()  # a case needs a client
    assert window.overview.client.text() == "Anonymous caller – Assign a client… (Ctrl+L)"
    assert not window.overview.parties.add.isVisible()
    assert "no further parties" in window.overview.parties.empty.text()
    # Ctrl+R says why at once, instead of a dialog whose save would be refused.
    _press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.tabs.currentWidget() is window.referrals
    assert message_boxes.shown[-1][0] == "Assign a client first"
    assert "cannot be referred" in message_boxes.shown[-1][1]
    assert not window.referrals.new_button.isEnabled()
    assert not window.recognition.new_button.isEnabled()
    for i in range(window.tabs.count()):  # every tab: its "New …" buttons have the n
        window.tabs.setCurrentIndex(i)
        letters = _live_letters(window)
        assert len(letters) == len(set(letters)), sorted(letters)


def test_the_client_is_assigned_by_keys_when_the_caller_gives_a_name(
    qtbot, ops: Ops, message_boxes
) -> None:
    people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Hrytsenko", given_name="Olha"), True
    )
    rid = _anonymous_record(ops)
    window = open_window(qtbot, ops, rid)
    seen: list[AssignClientDialog] = []

    def choose(dialog: QWidget) -> None:
        assert isinstance(dialog, AssignClientDialog)
        seen.append(dialog)
        # It opens with the cursor in the search field.
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.picker.edit)
        type_text(dialog.picker.edit, "hryts")
        dialog.picker.search_now()
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)  # the only hit
        assert dialog.picker.client() is not None
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_S, CTRL)

    when_modal(choose)
    _press(qtbot, window, Qt.Key.Key_L, CTRL)  # Assign a client… (Ctrl+L)
    assert seen
    d = window.details
    assert d is not None and d.client is not None
    assert d.client.display_name == "Hrytsenko, Olha"
    assert window.header.title.text() == f"{d.number} – Hrytsenko, Olha"
    assert not window.header.assign_button.isVisible()
    assert window.header.promote_button.isVisible()
    assert window.referrals.new_button.isEnabled()
    assert window.overview.client.text() == "Hrytsenko, Olha (Person)"
    window.tabs.setCurrentWidget(window.history)
    model = window.history.model
    assert (model.text(0, 2), model.text(0, 3)) == ("Client assigned", "Anonymous, Client")


def test_in_german_the_window_reads_anonyme_anfrage_and_ctrl_l_assigns(
    qtbot, ops: Ops, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n.set_language("de")
    window = open_window(qtbot, ops, _anonymous_record(ops))
    d = window.details
    assert d is not None
    assert window.header.title.text() == f"{d.number} – Anonym (ohne Namen)"
    assert window.header.assign_button.text() == "Ratsuchende/n zuordnen … (Strg+L)"
    letters = _live_letters(window)
    assert len(letters) == len(set(letters)), sorted(letters)
    opened: list[str] = []

    def look(dialog: QWidget) -> None:
        opened.append(dialog.windowTitle())
        texts = [w.text() for w in (dialog.new_person, dialog.new_organisation)]  # type: ignore[attr-defined]
        assert texts == ["Neue &Person …", "Neue Or&ganisation …"]
        dialog.reject()

    when_modal(look)
    _press(qtbot, window, Qt.Key.Key_L, CTRL)
    assert opened == ["Ratsuchende/n zuordnen"]


def test_a_caller_not_recorded_yet_is_entered_from_the_dialog(
    qtbot, ops: Ops, message_boxes, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = _anonymous_record(ops)
    window = open_window(qtbot, ops, rid)
    from welcome_center.ui.dialogs.person_editor import PersonEditor

    def create(ops_: Ops, _parent: object) -> int:  # the person editor, as if typed and saved
        draft = PersonDraft(family_name="Kovalenko", given_name="Iryna", nationality="UA")
        return people.create_person(ops_.uow, ops_.actor, draft, True).value.id

    monkeypatch.setattr(PersonEditor, "edit", staticmethod(create))

    def enter(dialog: QWidget) -> None:
        assert isinstance(dialog, AssignClientDialog)
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_P, ALT)  # New &person…
        qtbot.waitUntil(lambda: dialog.picker.client() is not None)
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_S, ALT)  # &Save

    when_modal(enter)
    window.header.assign_button.click()
    d = cases.get_record(ops.uow, ops.actor, rid)
    assert d.client is not None and d.client.display_name == "Kovalenko, Iryna"


def test_the_records_list_names_the_anonymous_caller(qtbot, ops: Ops) -> None:
    rid = _anonymous_record(ops)
    page = RecordsPage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert _clients(page) == ["Anonymous caller"]
    page.table.setCurrentIndex(page.model.index(0, 1))
    preview = page.preview
    qtbot.waitUntil(lambda: preview.client.text() == "Anonymous caller")
    assert preview.details is not None and preview.details.id == rid
