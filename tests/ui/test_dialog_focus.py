"""Every record dialog opens with the cursor in its first field (issue 11, item 7)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication
from pytestqt.qtbot import QtBot

from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.window import RecordWindow

TABS = ["consultations", "referrals", "follow_ups", "residence", "recognition"]


@pytest.mark.parametrize("tab", TABS)
def test_a_new_entry_dialog_opens_in_its_first_field(qtbot: QtBot, ops: Ops, tab: str) -> None:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"), True
    )
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.value.id), opened_on=office_today()
    )
    record = cases.open_record(ops.uow, ops.actor, draft).value.id
    window = RecordWindow(ops, record)
    qtbot.addWidget(window)
    window.show()
    seen: list[object] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        focused = dialog.focusWidget()
        seen.append(focused)
        dialog.reject()

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(30)
    try:
        getattr(window, tab).add()
    finally:
        timer.stop()
    assert seen, "no dialog opened"
    assert seen[0] is not None and not isinstance(seen[0], QAbstractButton), seen[0]
