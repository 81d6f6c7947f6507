"""The record editor's other tabs: parties, recognition, residence titles, history; every table
model checked with qtmodeltester; the remaining window shortcuts."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from tests.consents import consent_to_referrals
from tests.ui.conftest import type_text, when_modal
from tests.ui.test_record_editor import CTRL, _button, append_text, open_window, save_dialog
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecognitionDraft,
    RecordDraft,
    ReferralDraft,
    ResidenceTitleDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole
from welcome_center.services import (
    cases,
    consultations,
    follow_ups,
    people,
    recognition,
    referrals,
    residence,
)


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):
    return message_boxes


@pytest.fixture
def person_id(uow, anna) -> int:
    return people.create_person(
        uow, anna, PersonDraft(family_name="Nguyễn", given_name="Thảo")
    ).value.id


@pytest.fixture
def record_id(uow, anna, person_id) -> int:
    client = ClientChoice(ClientKind.PERSON, person_id)
    return cases.open_record(
        uow, anna, RecordDraft(client=client, opened_on=office_today())
    ).value.id


@pytest.fixture
def employer_id(uow, anna) -> int:
    return people.create_organisation(
        uow, anna, OrganisationDraft(name="Müller Maschinenbau GmbH")
    ).value.id


def test_link_a_party_with_the_client_picker_and_remove_it(
    qtbot, ops, uow, anna, record_id, employer_id, message_boxes
):
    window = open_window(qtbot, ops, record_id)
    parties = window.overview.parties
    assert parties.empty.isVisibleTo(window) and not parties.table.isVisibleTo(window)

    def link(dialog):
        type_text(dialog.picker.edit, "Müller")
        qtbot.keyClick(dialog.picker.edit, Qt.Key.Key_Return)  # the only hit is chosen
        qtbot.keyClicks(dialog.role, "Emp")
        type_text(dialog.note, "künftiger Arbeitgeber")
        save_dialog(qtbot, dialog)

    when_modal(link)
    qtbot.mouseClick(parties.add, Qt.MouseButton.LeftButton)

    assert parties.model.rowCount() == 1
    assert [parties.model.text(0, c) for c in range(4)] == [
        "Müller Maschinenbau GmbH",
        "Organisation",
        "Employer",
        "künftiger Arbeitgeber",
    ]
    assert saved_parties(uow, anna, record_id) == [PartyRole.EMPLOYER]

    parties.table.setFocus()
    qtbot.keyClick(parties.table, Qt.Key.Key_Delete)  # asks; the fixture answers Yes
    assert "Müller Maschinenbau GmbH" in message_boxes.texts[-1]
    assert parties.model.rowCount() == 0
    assert saved_parties(uow, anna, record_id) == []


def saved_parties(uow, actor, record_id):
    return [p.role for p in cases.get_record(uow, actor, record_id).parties]


def test_linking_a_party_keeps_the_overview_input(qtbot, ops, uow, anna, record_id, employer_id):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, "Stelle als Schweißerin")
    party = PartyDraft(
        client=ClientChoice(ClientKind.ORGANISATION, employer_id), role=PartyRole.EMPLOYER
    )
    ops.write(None, lambda uow, actor: cases.link_party(uow, actor, record_id, party))
    assert window.overview.parties.model.rowCount() == 1
    assert window.overview.summary.toPlainText() == "Stelle als Schweißerin"
    assert not window.notice.isVisibleTo(window)
    assert window.save()
    assert cases.get_record(uow, anna, record_id).summary == "Stelle als Schweißerin"


def test_recognition_procedure_with_an_error_under_the_decision(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    window.tabs.setCurrentWidget(window.recognition)
    seen = {}

    def fill(dialog):
        type_text(dialog.qualification, "Pflegefachkraft (Việt Nam)")
        qtbot.keyClicks(dialog.decision, "Full")  # a decision while only "informed": refused
        save_dialog(qtbot, dialog, final=False)
        seen["error"] = dialog.errors.message("decision")
        seen["kept"] = dialog.qualification.text()
        qtbot.keyClicks(dialog.state, "Dec")  # "Decided"
        save_dialog(qtbot, dialog)

    when_modal(fill)
    qtbot.mouseClick(_button(window.recognition, "&New procedure…"), Qt.MouseButton.LeftButton)

    assert seen["error"] == "A decision needs the state \u201cdecided\u201d or later."
    assert seen["kept"] == "Pflegefachkraft (Việt Nam)"
    model = window.recognition.model
    assert (model.text(0, 0), model.text(0, 5), model.text(0, 6)) == (
        "Pflegefachkraft (Việt Nam)",
        "Decided",
        "Full recognition",
    )
    assert cases.get_record(uow, anna, record_id).recognitions[0].decision == "full"


def test_residence_titles_of_a_person_client(qtbot, ops, uow, anna, record_id, person_id):
    window = open_window(qtbot, ops, record_id)
    assert window.tabs.isTabVisible(window.tabs.indexOf(window.residence))
    window.tabs.setCurrentWidget(window.residence)

    seen = {}

    def fill(dialog):
        save_dialog(qtbot, dialog, final=False)  # no title chosen: said under the field
        seen["error"] = dialog.errors.message("title")
        qtbot.keyClicks(dialog.title, "EU")
        save_dialog(qtbot, dialog)

    when_modal(fill)
    qtbot.mouseClick(_button(window.residence, "&New title…"), Qt.MouseButton.LeftButton)

    assert seen["error"] == "Choose the residence title."

    assert window.residence.model.rowCount() == 1
    assert [t.person_id for t in residence.titles_of(uow, anna, person_id)] == [person_id]


def test_no_residence_tab_for_an_organisation_client(qtbot, ops, anna, uow, employer_id):
    client = ClientChoice(ClientKind.ORGANISATION, employer_id)
    rid = cases.open_record(
        uow, anna, RecordDraft(client=client, opened_on=office_today())
    ).value.id
    window = open_window(qtbot, ops, rid)
    assert not window.tabs.isTabVisible(window.tabs.indexOf(window.residence))
    assert window.overview.client.text() == "Müller Maschinenbau GmbH (Organisation)"


def test_history_names_who_did_what(qtbot, ops, uow, record_id):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, "Rückfrage")
    assert window.save()
    window.tabs.setCurrentWidget(window.history)
    model = window.history.model
    rows = [tuple(model.text(r, c) for c in range(1, 4)) for r in range(model.rowCount())]
    assert rows == [("Anna Berger", "Overview changed", "Summary"), ("Anna Berger", "Recorded", "")]
    window.history.views.setChecked(True)  # the reads of the record, too
    assert any(model.text(r, 2) == "Viewed" for r in range(model.rowCount()))


def test_client_button_opens_the_client(qtbot, ops, record_id, person_id):
    window = open_window(qtbot, ops, record_id)
    with qtbot.waitSignal(ops.open_client_requested) as blocker:
        qtbot.mouseClick(window.overview.client, Qt.MouseButton.LeftButton)
    assert blocker.args[0].id == person_id


def test_ctrl_enter_saves_and_closes(qtbot, ops, uow, anna, record_id):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, "Fertig")
    with qtbot.waitSignal(window.closed):
        qtbot.keyClick(window.overview.summary, Qt.Key.Key_Return, CTRL)
    assert not window.isVisible()
    assert cases.get_record(uow, anna, record_id).summary == "Fertig"


def test_f5_asks_before_dropping_input(qtbot, ops, record_id, message_boxes):
    window = open_window(qtbot, ops, record_id)
    append_text(qtbot, window.overview.summary, "Entwurf")
    message_boxes.answer = "Cancel"
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_F5)
    assert window.overview.summary.toPlainText() == "Entwurf"
    message_boxes.answer = "Reload and discard"
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_F5)
    assert window.overview.summary.toPlainText() == ""
    assert not window.has_unsaved()


def test_every_table_model(qtbot, qtmodeltester, ops, uow, anna, record_id, person_id, employer_id):
    today = office_today()
    consultations.record_consultation(
        uow, anna, record_id, ConsultationDraft(held_on=today, duration_minutes=30)
    )
    partner = people.list_partners(uow)[0].id
    consent_to_referrals(uow, anna, record_id)  # a referral needs consent
    referrals.refer(
        uow, anna, record_id, ReferralDraft(partner_id=partner, referred_on=today, reason="x")
    )
    follow_ups.add_follow_up(uow, anna, record_id, today, "Anruf")
    recognition.add_procedure(uow, anna, record_id, RecognitionDraft(qualification="Ingenieurin"))
    title = ResidenceTitleDraft(title="eu_free_movement", valid_from=date(2024, 1, 1))
    residence.add_title(uow, anna, person_id, title)
    party = PartyDraft(
        client=ClientChoice(ClientKind.ORGANISATION, employer_id), role=PartyRole.EMPLOYER
    )
    cases.link_party(uow, anna, record_id, party)

    window = open_window(qtbot, ops, record_id)
    window.tabs.setCurrentWidget(window.history)
    models = [
        window.overview.parties.model,
        window.consultations.model,
        window.referrals.model,
        window.follow_ups.model,
        window.recognition.model,
        window.residence.model,
        window.history.model,
    ]
    for model in models:
        assert model.rowCount() >= 1, type(model).__name__
        qtmodeltester.check(model, force_py=True)
    assert (
        window.consultations.model.data(
            window.consultations.model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole
        )
        & Qt.AlignmentFlag.AlignRight
    )
