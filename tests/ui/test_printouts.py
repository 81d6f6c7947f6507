"""Print-outs on the desk, made by keys and clicks as a counsellor makes them (issue 15, item
2): Ctrl+P in the record window opens the client summary (language, topics, next steps,
partners, a preview), saved as PDF or opened to print; a referral's "Write to the partner…"
makes the note as PDF or copies the e-mail text, and without consent says what is missing and
offers to record it. Every mnemonic of the window and the dialogs differs, in both languages."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.consents import consent_to_referrals
from tests.ui.conftest import MessageBoxes
from welcome_center import i18n
from welcome_center.db.models import AuditEntry
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, follow_ups, people, referrals
from welcome_center.services.privacy import consent
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.printouts import ClientSummaryDialog
from welcome_center.ui.record.referral_note import ReferralNoteDialog
from welcome_center.ui.record.window import RecordWindow
from welcome_center.ui.widgets.consent_panel import ConsentDialog

TODAY = office_today()
CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
SECRET = "Zxqinternal"  # in every internal text of the record


@pytest.fixture(autouse=True)
def _boxes(message_boxes: MessageBoxes) -> MessageBoxes:
    return message_boxes


@pytest.fixture
def record_id(ops: Ops) -> int:
    uow, anna = ops.uow, ops.actor
    pid = people.create_person(uow, anna, PersonDraft(
        family_name="Öztürk", given_name="Ayşe", phone="0176 555 0101",
        email="ayse@example.org", languages="Türkisch, Deutsch", notes=f"{SECRET} person",
    )).value.id  # fmt: skip
    rid = cases.open_record(uow, anna, RecordDraft(
        client=ClientChoice(ClientKind.PERSON, pid), opened_on=TODAY - timedelta(days=10),
        counsellor_id=anna.user_id, topics=("residence", "recognition"),
        summary=f"{SECRET} summary",
    )).value.id  # fmt: skip
    consultations.record_consultation(
        uow, anna, rid, ConsultationDraft(held_on=TODAY, notes=f"{SECRET} notes")
    )
    consent_to_referrals(uow, anna, rid)
    iq = next(p.id for p in people.list_partners(uow) if p.code == "iq_sachsen")
    referrals.refer(
        uow,
        anna,
        rid,
        ReferralDraft(
            partner_id=iq, referred_on=TODAY, topic="recognition", reason="Pflegeabschluss prüfen"
        ),
    )
    follow_ups.add_follow_up(uow, anna, rid, TODAY + timedelta(days=14), f"{SECRET} follow-up")
    return rid


@pytest.fixture
def saved_to(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The file dialog answers with this file."""
    target = tmp_path / "printout.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    return target


def open_record(qtbot: QtBot, ops: Ops, record_id: int) -> RecordWindow:
    window = RecordWindow(ops, record_id)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def on_dialogs(actions: dict[type, Callable[[QDialog], None]], timeout_ms: int = 8000) -> None:
    """Run each action on the modal dialog of its kind as it opens (one after another); a
    dialog an action leaves open is closed, so that a failing test fails instead of hanging."""
    waited = 0
    pending = dict(actions)

    def poll() -> None:
        nonlocal waited
        modal = QApplication.activeModalWidget()
        kind = next((k for k in pending if isinstance(modal, k)), None)
        if modal is not None and kind is not None:
            action = pending.pop(kind)
            try:
                action(modal)  # type: ignore[arg-type]
            finally:
                if modal.isVisible() and kind is not ConsentDialog:
                    modal.done(QDialog.DialogCode.Rejected)
        waited += 20
        if pending and waited < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


def activate(qtbot: QtBot, dialog: QWidget) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)


def alt(qtbot: QtBot, dialog: QWidget, letter: str) -> None:
    """Alt+letter through the window, where mnemonics are found."""
    QTest.keyClick(dialog.windowHandle(), getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)


def press(qtbot: QtBot, dialog: QWidget, letter: str, button: QAbstractButton) -> None:
    """Alt+letter on a button: it clicks itself a moment later (Qt animates the press)."""
    with qtbot.waitSignal(button.clicked, timeout=2000):
        alt(qtbot, dialog, letter)


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def audit_details(ops: Ops, action: str) -> list[str]:
    with ops.uow.read() as s:
        return list(s.scalars(select(AuditEntry.detail).where(AuditEntry.action == action)))


# --- the client summary -------------------------------------------------------------------------


def test_ctrl_p_makes_the_summary_by_keys(
    qtbot: QtBot, ops: Ops, record_id: int, saved_to: Path
) -> None:
    window = open_record(qtbot, ops, record_id)
    seen: dict[str, Any] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientSummaryDialog)
        activate(qtbot, dialog)
        assert dialog.language.hasFocus() and dialog.language.currentData() == "en"
        assert not dialog.fallback.isVisible()
        alt(qtbot, dialog, "t")  # Topics: the first, "Residence, entry, visa", is left out
        assert dialog.topics.hasFocus()
        qtbot.keyClick(dialog.topics, Qt.Key.Key_Space)
        alt(qtbot, dialog, "s")  # Next steps: the follow-up's line for the client
        assert dialog.steps.rows[0].text.hasFocus(), QApplication.focusWidget()
        qtbot.keyClicks(dialog.steps.rows[0].text, "Bring your certificates")
        seen["preview"] = dialog.preview.toPlainText()
        seen["note"] = dialog.steps.rows[0].note.text()  # type: ignore[union-attr]
        press(qtbot, dialog, "f", dialog.save_button)  # Save as PDF…

    on_dialogs({ClientSummaryDialog: fill})
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    assert "Bring your certificates" in seen["preview"]
    assert "Residence" not in seen["preview"] and SECRET not in seen["preview"]
    assert seen["note"] == f"Follow-up (not printed): {SECRET} follow-up"
    text = pdf_text(saved_to)
    assert "Summary of your counselling" in text and "Recognition of qualifications" in text
    assert "Residence, entry, visa" not in text
    assert "Bring your certificates" in text and "IQ Netzwerk Sachsen" in text
    assert SECRET not in text and "Pflegeabschluss" not in text
    (detail,) = audit_details(ops, "client_summary")
    assert detail.startswith("language=en asked=en topics=1 steps=1 partners=")


def test_a_language_without_text_prints_english_and_says_so(
    qtbot: QtBot, ops: Ops, record_id: int, saved_to: Path
) -> None:
    window = open_record(qtbot, ops, record_id)
    seen: list[str] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientSummaryDialog)
        activate(qtbot, dialog)
        qtbot.keyClicks(dialog.language, "T")  # the next language with a T: Türkçe
        assert dialog.language.currentData() == "tr"
        seen.append(dialog.fallback.text() if dialog.fallback.isVisible() else "")
        dialog.steps.rows[0].use.setChecked(False)  # no step this time
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    on_dialogs({ClientSummaryDialog: fill})
    window.print_summary()
    assert seen[0].startswith("There is no text in Türkçe yet: the summary is printed in English")
    text = pdf_text(saved_to)
    assert "This sheet is in English because there is no text in Türkçe yet." in text
    assert "Your next steps" not in text


def test_a_step_without_text_is_said_before_a_file_is_asked_for(
    qtbot: QtBot, ops: Ops, record_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_record(qtbot, ops, record_id)
    asked: list[object] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: asked.append(a) or ("", ""))
    )
    seen: dict[str, str] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientSummaryDialog)
        activate(qtbot, dialog)
        press(qtbot, dialog, "a", dialog.steps.add_button)  # Add a step: its text is empty
        assert len(dialog.steps.rows) == 2
        qtbot.waitUntil(dialog.steps.rows[1].text.hasFocus, timeout=2000)
        qtbot.keyClick(dialog, Qt.Key.Key_S, CTRL)
        seen["error"] = dialog.errors.text() if dialog.errors.isVisible() else ""

    on_dialogs({ClientSummaryDialog: fill})
    window.print_summary()
    assert seen["error"].startswith("Write what the client does or can expect on ")
    assert asked == []


def test_the_consultations_tab_opens_it_and_it_opens_to_print(
    qtbot: QtBot, ops: Ops, record_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_record(qtbot, ops, record_id)
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True)
    )

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ClientSummaryDialog)
        activate(qtbot, dialog)
        qtbot.keyClicks(dialog.steps.rows[0].text, "Appointment at 10:00")
        press(qtbot, dialog, "o", dialog.print_button)  # Open to print

    window.tabs.setCurrentWidget(window.consultations)
    on_dialogs({ClientSummaryDialog: fill})
    qtbot.mouseClick(window.consultations.summary_button, Qt.MouseButton.LeftButton)
    (url,) = opened
    path = Path(url.toLocalFile())
    assert path.name.startswith("Summary_WC-") and path.suffix == ".pdf"
    assert "Appointment at 10:00" in pdf_text(path)
    assert len(audit_details(ops, "client_summary")) == 1


# --- the referral note ------------------------------------------------------------------------


def _to_referrals(qtbot: QtBot, window: RecordWindow) -> None:
    alt(qtbot, window, "e")  # R&eferrals
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.referrals)
    window.referrals.table.setFocus()
    window.referrals.select_row(0)


def test_the_note_by_keys_copied_and_saved(
    qtbot: QtBot, ops: Ops, record_id: int, saved_to: Path
) -> None:
    window = open_record(qtbot, ops, record_id)
    _to_referrals(qtbot, window)
    seen: dict[str, Any] = {}

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, ReferralNoteDialog)
        activate(qtbot, dialog)
        assert dialog.message.toPlainText() == "Pflegeabschluss prüfen"  # the reason
        qtbot.keyClicks(dialog.language, "D")  # Deutsch
        alt(qtbot, dialog, "c")  # Client's details: the first box, Languages
        first = dialog.details[next(iter(dialog.details))]
        assert first.hasFocus()
        qtbot.keyClick(first, Qt.Key.Key_Tab)  # Phone
        phone = QApplication.focusWidget()
        assert isinstance(phone, QAbstractButton) and phone.text().startswith("Phone: ")
        qtbot.keyClick(phone, Qt.Key.Key_Space)  # not for this partner
        seen["subject"] = dialog.subject.text()
        press(qtbot, dialog, "y", dialog.copy_button)  # Copy e-mail text
        press(qtbot, dialog, "f", dialog.save_button)  # Save as PDF…

    on_dialogs({ReferralNoteDialog: fill})
    press(qtbot, window, "i", window.referrals.note_button)
    assert seen["subject"].startswith(
        "Weitervermittlung: Welcome Center Region Zwickau, unser Zeichen WC-"
    )
    copied = QGuiApplication.clipboard().text()
    assert "Name: Ayşe Öztürk" in copied and "ayse@example.org" in copied
    assert "0176" not in copied and "Pflegeabschluss prüfen" in copied
    text = pdf_text(saved_to)
    assert "Weitervermittlung an IQ Netzwerk Sachsen" in text and "Ayşe Öztürk" in text
    assert "0176" not in text and SECRET not in text
    forms = [d.split()[2] for d in audit_details(ops, "referral_note")]
    assert forms == ["form=email", "form=pdf"]


def test_without_consent_it_says_what_is_missing_and_records_it(
    qtbot: QtBot, ops: Ops, record_id: int, message_boxes: MessageBoxes
) -> None:
    d = cases.get_record(ops.uow, ops.actor, record_id)
    (given,) = consent.consents_of(ops.uow, ops.actor, ClientKind.PERSON, d.client.id)
    consent.withdraw_consent(ops.uow, ops.actor, given.id, TODAY, expected_version=given.version)
    window = open_record(qtbot, ops, record_id)
    _to_referrals(qtbot, window)
    message_boxes.answer = "Record consent…"
    seen: list[str] = []

    def give(dialog: QDialog) -> None:
        assert isinstance(dialog, ConsentDialog)
        seen.append(dialog.partner.currentText())
        dialog.try_save()

    def note(dialog: QDialog) -> None:
        seen.append(dialog.windowTitle())

    on_dialogs({ConsentDialog: give, ReferralNoteDialog: note})
    qtbot.mouseClick(window.referrals.note_button, Qt.MouseButton.LeftButton)
    title, text = message_boxes.shown[0]
    assert title == "No referral note without consent"
    assert "Ayşe withdrew the consent to referrals to IQ Netzwerk" in text
    assert seen == ["IQ Netzwerk", "Referral note for IQ Netzwerk Sachsen (Anerkennungsberatung)"]


# --- mnemonics ---------------------------------------------------------------------------------


def _mnemonics(root: QWidget) -> list[str]:
    """The letters of the mnemonics a user can reach now in ``root``."""
    out = []
    texts = [
        *(b.text() for b in root.findChildren(QAbstractButton) if b.isVisibleTo(root)),
        *(lb.text() for lb in root.findChildren(QLabel) if lb.buddy() and lb.isVisibleTo(root)),
    ]
    if isinstance(root, RecordWindow):
        texts += [root.tabs.tabText(i) for i in range(root.tabs.count())]
    for text in texts:
        found = re.search(r"&([^&])", text.replace("&&", ""))
        if found:
            out.append(found.group(1).lower())
    return out


def _texts(root: QWidget) -> list[str]:
    return [b.text() for b in root.findChildren(QAbstractButton) if b.isVisibleTo(root)] + [
        lb.text() for lb in root.findChildren(QLabel) if lb.buddy() and lb.isVisibleTo(root)
    ]


def _unique(letters: list[str]) -> bool:
    return len(letters) == len(set(letters))


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_mnemonic_differs(qtbot: QtBot, ops: Ops, record_id: int, lang: str) -> None:
    i18n.set_language(lang)
    window = open_record(qtbot, ops, record_id)
    for tab in (window.consultations, window.referrals):
        window.tabs.setCurrentWidget(tab)
        window.referrals.select_row(0)
        letters = _mnemonics(window)
        assert _unique(letters), (type(tab).__name__, sorted(letters), _texts(window))
    seen: list[list[str]] = []

    def collect(dialog: QDialog) -> None:
        dialog.steps.add_step() if isinstance(dialog, ClientSummaryDialog) else None
        seen.append(_mnemonics(dialog))

    on_dialogs({ClientSummaryDialog: collect})
    window.print_summary()
    on_dialogs({ReferralNoteDialog: collect})
    window.referrals.write_note()
    assert len(seen) == 2
    for letters in seen:
        assert _unique(letters), sorted(letters)
