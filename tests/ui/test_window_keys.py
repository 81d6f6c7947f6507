"""A record window closes with Ctrl+W, as windows of other programs do (Esc: test_record_editor)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.window import RecordWindow


def test_ctrl_w_closes_a_record_window(qtbot: QtBot, ops: Ops) -> None:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Haddad", given_name="Rami"), True
    )
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.value.id), opened_on=office_today()
    )
    window = RecordWindow(ops, cases.open_record(ops.uow, ops.actor, draft).value.id)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())
