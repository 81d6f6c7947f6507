"""The partner directory: partners with contact persons, and the referrals sent to each."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.consents import consent_to_referrals
from tests.ui.conftest import type_text
from tests.ui.test_people import on_modal
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ContactDraft,
    OrganisationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, ReferralStatus, Vocabulary
from welcome_center.services import cases, people, referrals
from welcome_center.ui.dialogs.organisation_editor import ContactsModel, OrganisationEditor
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.partners import PartnersPage
from welcome_center.ui.qt_i18n import short_date


def _make_page(qtbot: QtBot, ops: Ops) -> PartnersPage:
    p = PartnersPage(ops)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitExposed(p)
    p.activated()
    return p


@pytest.fixture
def page(qtbot: QtBot, admin_ops: Ops) -> PartnersPage:
    return _make_page(qtbot, admin_ops)


def _column(model: QAbstractItemModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _partner_id(ops: Ops, short_name: str) -> int:
    found = [p for p in people.list_partners(ops.uow) if p.short_name == short_name]
    assert len(found) == 1
    return found[0].id


def _record(ops: Ops, days_ago: int = 5) -> tuple[int, str]:
    pid = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Nguyen", given_name="Lan"), True
    ).value.id
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, pid),
        opened_on=office_today() - timedelta(days=days_ago),
    )
    saved = cases.open_record(ops.uow, ops.actor, draft).value
    return saved.id, saved.number


def test_the_directory_lists_the_partners(page: PartnersPage) -> None:
    assert page.title() == "Partners"
    assert "FIZUZ" in _column(page.partners, 0)
    assert page.new_button.isEnabled()


def test_create_a_partner_with_a_contact_person(
    qtbot: QtBot, page: PartnersPage, admin_ops: Ops
) -> None:
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, OrganisationEditor)
        assert dialog.windowTitle() == "New partner"
        assert dialog.is_partner.isChecked() and dialog.contacts_box.isVisible()
        dialog.activateWindow()  # typing goes to the focused cell editor of the active window
        qtbot.waitUntil(dialog.isActiveWindow)
        type_text(dialog.name, "Sprachschule Zwickau gGmbH")
        type_text(dialog.short_name, "Sprachschule")
        qtbot.keyClicks(dialog.code, "sprachschule")
        dialog.add_contact()  # the first cell is open for typing
        editor = QApplication.focusWidget()
        assert editor is not None and dialog.contacts_table.isAncestorOf(editor)
        type_text(editor, "Jörg Weiß")
        qtbot.keyClick(editor, Qt.Key.Key_Tab)  # commits, on to the function
        qtbot.waitUntil(lambda: QApplication.focusWidget() not in (None, editor))
        editor = QApplication.focusWidget()
        assert dialog.contacts_table.currentIndex().column() == 1
        type_text(editor, "Kursberatung")
        qtbot.keyClick(editor, Qt.Key.Key_Return)  # ends the cell; does not save yet
        qtbot.waitUntil(lambda: dialog.contacts.rows == [("Jörg Weiß", "Kursberatung", "", "")])
        assert dialog.isVisible()
        qtbot.keyClick(dialog.contacts_table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    on_modal(fill)
    page.new_button.click()
    assert page.heading.text() == "Sprachschule Zwickau gGmbH"
    row = page.partner_table.currentIndex().row()
    assert page.partners.rows[row] == (
        "Sprachschule",
        "Sprachschule Zwickau gGmbH",
        "",
        "1",
        "yes",
    )
    assert page.contacts.rows == [("Jörg Weiß", "Kursberatung", "", "")]
    assert page.details.values["Partner directory:"] == (
        "a partner: cases can be referred to it; its code in lists: sprachschule"
    )
    saved = people.list_partners(admin_ops.uow)
    assert [c.name for p in saved if p.code == "sprachschule" for c in p.contacts] == ["Jörg Weiß"]


def test_a_contact_without_a_name_is_refused_in_the_dialog(
    qtbot: QtBot, admin_ops: Ops, message_boxes
) -> None:
    dialog = OrganisationEditor(admin_ops, None, partner=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Beratungsstelle Nord")
    row = dialog.contacts.add()
    dialog.contacts.setData(dialog.contacts.index(row, 2), "info@example.org")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert dialog.errors.message("contact_name") == "Enter the contact person's name."
    assert people.search_clients(admin_ops.uow, admin_ops.actor, "Beratungsstelle") == []


def test_a_bad_code_is_shown_next_to_its_field(qtbot: QtBot, admin_ops: Ops) -> None:
    dialog = OrganisationEditor(admin_ops, None, partner=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.name, "Beratungsstelle Nord")
    qtbot.keyClicks(dialog.code, "Nord Ost")
    dialog.save_button.click()
    assert dialog.isVisible()
    assert "small letters, digits or underscores" in dialog.errors.message("code")
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, "nord")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert [p.code for p in people.list_partners(admin_ops.uow) if p.id == dialog.saved_id] == [
        "nord"
    ]


def test_an_organisation_recorded_already_is_offered(qtbot: QtBot, admin_ops: Ops) -> None:
    existing = _partner_id(admin_ops, "FIZUZ")
    dialog = OrganisationEditor(admin_ops, None)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "New organisation" and not dialog.contacts_box.isVisible()
    qtbot.keyClicks(dialog.name, "Fachinformationszentrum Zuwanderung (EXIS Europa e.V.)")
    dialog.save_button.click()
    assert dialog.candidates.list.count() == 1
    assert dialog.candidates.candidates[0].id == existing
    dialog.candidates.open_button.click()
    assert dialog.saved_id == existing and not dialog.isVisible()


def test_saving_while_typing_in_a_contact_cell_keeps_what_was_typed(
    qtbot: QtBot, admin_ops: Ops
) -> None:
    dialog = OrganisationEditor(admin_ops, None, partner=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClicks(dialog.name, "Beratungsstelle Nord")
    dialog.add_contact()
    editor = QApplication.focusWidget()
    assert editor is not None and dialog.contacts_table.isAncestorOf(editor)
    type_text(editor, "Öz Demir")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible() and dialog.saved_id is not None
    saved = people.get_organisation(admin_ops.uow, admin_ops.actor, dialog.saved_id)
    assert [c.name for c in saved.contacts] == ["Öz Demir"]


def test_the_referrals_sent_to_a_partner_appear(
    qtbot: QtBot, page: PartnersPage, admin_ops: Ops
) -> None:
    fizuz = _partner_id(admin_ops, "FIZUZ")
    page.select_partner(fizuz)
    assert page.heading.text().startswith("Fachinformationszentrum Zuwanderung")
    assert page.referrals.rowCount() == 0
    assert "No referrals to this partner yet" in page.referrals_hint.text()
    record_id, number = _record(admin_ops)
    on = office_today() - timedelta(days=2)
    consent_to_referrals(admin_ops.uow, admin_ops.actor, record_id)  # a referral needs consent
    draft = ReferralDraft(
        partner_id=fizuz, referred_on=on, topic="recognition", reason="Anerkennung Pflege"
    )
    assert (
        admin_ops.write(None, lambda uow, actor: referrals.refer(uow, actor, record_id, draft))
        is not None
    )
    topic = admin_ops.label(Vocabulary.TOPIC, "recognition")
    assert topic == "Recognition of qualifications"
    assert page.referrals.rows == [
        (short_date(on), "Sent", number, "Nguyen, Lan", topic, "Anerkennung Pflege")
    ]
    page.partner_table.setFocus()
    qtbot.keyClick(page.partner_table, Qt.Key.Key_Return)  # on to the referrals
    assert page.referral_table.hasFocus()
    with qtbot.waitSignal(admin_ops.open_record_requested, timeout=1000) as blocker:
        qtbot.keyClick(page.referral_table, Qt.Key.Key_Return)
    assert blocker.args == [record_id]


def test_a_partners_feedback_changes_the_status_word(page: PartnersPage, admin_ops: Ops) -> None:
    fizuz = _partner_id(admin_ops, "FIZUZ")
    record_id, _number = _record(admin_ops)
    draft = ReferralDraft(partner_id=fizuz, referred_on=office_today())
    consent_to_referrals(admin_ops.uow, admin_ops.actor, record_id)  # a referral needs consent
    referral = referrals.refer(admin_ops.uow, admin_ops.actor, record_id, draft).value
    page.select_partner(fizuz)
    assert _column(page.referrals, 1) == ["Sent"]
    admin_ops.write(
        None,
        lambda uow, actor: referrals.record_feedback(
            uow, actor, referral.id, ReferralStatus.ACCEPTED, expected_version=referral.version
        ),
    )
    assert _column(page.referrals, 1) == ["Accepted"]


def test_a_counsellor_sees_the_directory_but_does_not_keep_it(qtbot: QtBot, ops: Ops) -> None:
    page = _make_page(qtbot, ops)
    page.select_partner(_partner_id(ops, "FIZUZ"))
    assert page.heading.text().startswith("Fachinformationszentrum")
    assert not page.new_button.isEnabled()
    assert not page.edit_button.isEnabled()


def test_an_edited_partner_is_shown_again(qtbot: QtBot, page: PartnersPage, admin_ops: Ops) -> None:
    org = people.create_organisation(
        admin_ops.uow,
        admin_ops.actor,
        OrganisationDraft(name="Tafel Zwickau e.V.", short_name="Tafel", is_partner=True),
    ).value
    people.set_contacts(admin_ops.uow, admin_ops.actor, org.id, [ContactDraft(name="Eva Roth")])
    page.refresh()
    page.select_partner(org.id)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, OrganisationEditor)
        assert dialog.contacts.rows == [("Eva Roth", "", "", "")]
        dialog.contacts_table.setCurrentIndex(dialog.contacts.index(0, 0))
        dialog.remove_contact()
        qtbot.keyClicks(dialog.phone, "0375 4711")
        dialog.save_button.click()

    on_modal(fill)
    page.edit_button.click()
    assert page.contacts.rowCount() == 0
    assert page.details.values["Phone:"] == "0375 4711"
    assert page.partners.rows[page.partner_table.currentIndex().row()][3] == "0"


def test_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: ModelTester, page: PartnersPage, admin_ops: Ops
) -> None:
    fizuz = _partner_id(admin_ops, "FIZUZ")
    contacts = [ContactDraft(name="Anna Roth", function="Beratung"), ContactDraft(name="Li Wang")]
    people.set_contacts(admin_ops.uow, admin_ops.actor, fizuz, contacts)
    for days in (3, 1):
        record_id, _n = _record(admin_ops, days)
        draft = ReferralDraft(partner_id=fizuz, referred_on=office_today() - timedelta(days=days))
        consent_to_referrals(admin_ops.uow, admin_ops.actor, record_id)  # a referral needs consent
        referrals.refer(admin_ops.uow, admin_ops.actor, record_id, draft)
    page.refresh()
    page.select_partner(fizuz)
    assert page.contacts.rowCount() == 2 and page.referrals.rowCount() == 2
    qtmodeltester.check(page.partners)
    qtmodeltester.check(page.contacts)
    qtmodeltester.check(page.referrals)
    editable = ContactsModel(editable=True)
    editable.set_contacts(people.list_partners(admin_ops.uow)[0].contacts)
    editable.add()
    qtmodeltester.check(editable)
