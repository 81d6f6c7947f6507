"""Every dialog's standard buttons carry a mnemonic in the desk's language (issue 11, item 7):
Alt+letter reaches Save and Cancel as it reaches every field."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.follow_ups import FollowUpDialog
from welcome_center.ui.record.window import RecordWindow


@pytest.fixture(params=["de", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


def _record_window(qtbot: QtBot, ops: Ops) -> RecordWindow:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"), True
    )
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.value.id), opened_on=office_today()
    )
    window = RecordWindow(ops, cases.open_record(ops.uow, ops.actor, draft).value.id)
    qtbot.addWidget(window)
    window.show()
    return window


def test_save_and_cancel_of_an_edit_dialog_have_mnemonics(
    qtbot: QtBot, ops: Ops, language: str
) -> None:
    window = _record_window(qtbot, ops)
    dialog = FollowUpDialog(window)
    dialog.show()
    qtbot.waitExposed(dialog)
    box = dialog.findChild(QDialogButtonBox)
    save = box.button(QDialogButtonBox.StandardButton.Save)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel)
    expected = {"de": ("&Speichern", "&Abbrechen"), "en": ("&Save", "&Cancel")}[language]
    assert (save.text(), cancel.text()) == expected
    # Alt+letter of Cancel closes the untouched dialog, as a click would.
    letter = cancel.text()[cancel.text().index("&") + 1]
    QTest.keyClick(
        dialog.windowHandle(),  # as typed: through the window, where shortcuts are found
        getattr(Qt.Key, f"Key_{letter.upper()}"),
        Qt.KeyboardModifier.AltModifier,
    )
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_a_message_box_ok_has_a_mnemonic(qtbot: QtBot, language: str) -> None:
    texts: list[str] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.button(QMessageBox.StandardButton.Ok).text())
            box.accept()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    try:
        QMessageBox.information(None, "Notice", "Saved.")
    finally:
        timer.stop()
    assert texts == ["&OK"]
