"""A record that its user no longer sees, in an office where counsellors see only their own
records: given to a colleague in its own window, or given away or deleted on another desk. The
window says so and closes, or, with input typed, keeps it for copying and saves nothing; the
record list drops the line instead of showing it empty."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import MessageBoxes, type_text, when_modal
from tests.ui.test_live_updates import WAIT_MS, _clients, _record
from tests.ui.test_record_editor import open_window
from welcome_center import i18n
from welcome_center.domain.errors import DomainError, PermissionDeniedError
from welcome_center.i18n import pgettext
from welcome_center.services import cases, record_list, settings
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.record.overview import draft_of
from welcome_center.ui.record.window import RecordWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(autouse=True)
def _own_records(uow: UnitOfWork, admin: Actor, message_boxes: MessageBoxes) -> None:
    """An office of own records; message boxes answered, not shown (a window closed with
    input asks)."""
    settings.update_settings(uow, admin, record_visibility="own")


def _give(uow: UnitOfWork, actor: Actor, record: int, to: Actor) -> None:
    """``actor`` makes ``to`` the record's counsellor (on the desk of ``uow``)."""
    d = cases.get_record(uow, actor, record)
    draft = replace(draft_of(d), counsellor_id=to.user_id)
    cases.update_record(uow, actor, record, draft, d.version)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_giving_a_record_to_a_colleague_closes_its_window_and_it_leaves_the_list(
    qtbot,
    ops: Ops,
    anna: Actor,
    ben: Actor,
    records_page: RecordsPage,
    message_boxes: MessageBoxes,
    lang: str,
) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    kept = _record(ops.uow, anna, "Haddad")
    given = _record(ops.uow, anna, "Öztürk", "Ayşe")
    records_page.refresh()
    assert _clients(records_page) == ["Öztürk, Ayşe", "Haddad, Rami"]
    window = open_window(qtbot, ops, given)
    number = window.details.number if window.details else ""
    label = pgettext("record overview", "C&ounsellor")  # its key in the language shown
    letter = label[label.index("&") + 1].upper()
    QTest.keyClick(window.windowHandle(), getattr(Qt.Key, f"Key_{letter}"), ALT)
    combo = window.overview.counsellor
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo, timeout=2000)
    qtbot.keyClicks(combo, "Ben")
    assert combo.currentText() == "Ben Schulz"
    qtbot.keyClick(combo, Qt.Key.Key_S, CTRL)

    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    said = (
        f"{number} is now Ben Schulz's record. In this office counsellors see only their own "
        "records, so its window closes."
    )
    if lang == "de":
        said = (
            f"{number} ist jetzt ein Vorgang von Ben Schulz. In dieser Beratungsstelle sehen "
            "Berater/innen nur eigene Vorgänge, daher schließt sich sein Fenster."
        )
    assert message_boxes.texts == [said]
    assert cases.get_record(ops.uow, ben, given).counsellor == "Ben Schulz"
    with pytest.raises(PermissionDeniedError):
        cases.get_record(ops.uow, anna, given)
    qtbot.waitUntil(lambda: _clients(records_page) == ["Haddad, Rami"], timeout=WAIT_MS)
    assert records_page.model.ids == [kept]  # no empty line left behind
    assert records_page.count.text() == ("1 record" if lang == "en" else "1 Vorgang")


def test_a_substitute_change_that_keeps_the_record_seen_keeps_the_window(
    qtbot, ops: Ops, anna: Actor, ben: Actor, message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    window = open_window(qtbot, ops, record)
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_B, ALT)  # Su&bstitute
    combo = window.overview.substitute
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo, timeout=2000)
    qtbot.keyClicks(combo, "Ben")
    qtbot.keyClick(combo, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.has_unsaved(), timeout=WAIT_MS)
    assert window.isVisible()  # still hers: she is its counsellor
    assert message_boxes.texts == []
    assert window.details is not None and window.details.substitute == "Ben Schulz"


def test_a_record_given_away_on_another_desk_closes_its_window_without_input(
    qtbot,
    ops: Ops,
    anna: Actor,
    ben: Actor,
    other: UnitOfWork,
    live,
    records_page: RecordsPage,
    message_boxes: MessageBoxes,
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    records_page.refresh()
    window = open_window(qtbot, ops, record)
    number = window.details.number if window.details else ""

    _give(other, anna, record, ben)  # she herself, at the desk next door

    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert message_boxes.texts == [
        f"{number} was given to a colleague or deleted on another desk: it is no longer shown "
        "to you."
    ]
    qtbot.waitUntil(lambda: records_page.model.ids == [], timeout=WAIT_MS)


def test_with_input_the_window_stays_for_copying_saves_nothing_and_asks_before_closing(
    qtbot,
    ops: Ops,
    anna: Actor,
    ben: Actor,
    other: UnitOfWork,
    live,
    message_boxes: MessageBoxes,
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    window: RecordWindow = open_window(qtbot, ops, record)
    window.overview.summary.setFocus()
    type_text(window.overview.summary, "Termin beim Ausländeramt vereinbart")
    statuses: list[str] = []
    ops.status.connect(statuses.append)

    _give(other, anna, record, ben)

    qtbot.waitUntil(window.notice.isVisible, timeout=WAIT_MS)
    assert "no longer shown to you" in window.notice_text.text()
    assert "copy what you need" in window.notice_text.text()
    assert not window.notice_compare.isVisible() and not window.notice_reload.isVisible()
    assert window.isVisible() and message_boxes.texts == []
    assert window.overview.summary.toPlainText() == "Termin beim Ausländeramt vereinbart"

    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)
    assert statuses[-1] == "This record is no longer shown to you: nothing is saved."
    assert message_boxes.texts == []  # no error box about a permission
    assert cases.get_record(other, ben, record).summary != "Termin beim Ausländeramt vereinbart"

    message_boxes.answer = "Cancel"
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_W, CTRL)
    assert window.isVisible()
    assert message_boxes.texts[-1] == (
        "What you typed in the overview cannot be saved any more. Close and discard it?"
    )
    message_boxes.answer = "Close and discard"
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_W, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)


def test_given_back_the_window_with_input_is_the_records_again(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, live
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    window: RecordWindow = open_window(qtbot, ops, record)
    window.overview.summary.setFocus()
    type_text(window.overview.summary, "Termin am Freitag")
    consultations = window.tabs.indexOf(window.consultations)
    _give(other, anna, record, ben)
    qtbot.waitUntil(window.notice.isVisible, timeout=WAIT_MS)
    # While not hers, the record's other parts and its actions are out of use.
    assert not window.tabs.isTabEnabled(consultations)
    assert not window.header.isEnabled()

    _give(other, ben, record, anna)  # Ben gives it back

    # Hers again: the window says a colleague changed it, as for any change from another desk,
    # and her input, based on what it shows, saves.
    qtbot.waitUntil(lambda: "Ben Schulz changed this record on another desk" in
                    window.notice_text.text(), timeout=WAIT_MS)  # fmt: skip
    assert window.tabs.isTabEnabled(consultations) and window.header.isEnabled()
    assert window.overview.summary.toPlainText() == "Termin am Freitag"
    qtbot.keyClick(window.overview.summary, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.has_unsaved(), timeout=WAIT_MS)
    assert cases.get_record(ops.uow, anna, record).summary == "Termin am Freitag"


def test_a_dialog_open_when_the_record_is_given_away_keeps_its_window_and_input(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, live, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    window: RecordWindow = open_window(qtbot, ops, record)
    seen: dict[str, object] = {}

    def in_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        try:
            _give(other, anna, record, ben)
            qtbot.waitUntil(window.notice.isVisible, timeout=WAIT_MS)
            seen["window open"] = window.isVisible()
            seen["dialog open"] = dialog.isVisible()
        finally:
            dialog.reject()

    when_modal(in_dialog)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)  # a new consultation: its dialog
    assert seen == {"window open": True, "dialog open": True}
    assert window.isVisible() and "no longer shown to you" in window.notice_text.text()
    assert message_boxes.texts == []


def test_one_who_takes_herself_off_as_substitute_is_told_so(
    qtbot, ops: Ops, anna: Actor, ben: Actor, message_boxes: MessageBoxes
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, ben, "Haddad")
    d = cases.get_record(ops.uow, ben, record)
    cases.update_record(
        ops.uow, ben, record, replace(draft_of(d), substitute_id=anna.user_id), d.version
    )
    window = open_window(qtbot, ops, record)
    number = window.details.number if window.details else ""
    QTest.keyClick(window.windowHandle(), Qt.Key.Key_B, ALT)  # Su&bstitute
    combo = window.overview.substitute
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo, timeout=2000)
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # "—": nobody
    qtbot.keyClick(combo, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT_MS)
    assert message_boxes.texts == [
        f"You are no longer the substitute on {number}, Ben Schulz's record. In this office "
        "counsellors see only their own records, so its window closes."
    ]


def test_a_failed_read_of_the_list_keeps_its_lines(
    qtbot, ops: Ops, anna: Actor, records_page: RecordsPage, monkeypatch, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    for family in ("Haddad", "Öztürk", "Nguyen"):
        _record(ops.uow, anna, family)
    records_page.refresh()
    assert records_page.model.rowCount() == 3

    def refused(*_args: object) -> None:
        raise DomainError("Die Verbindung zum Server ist unterbrochen.")

    monkeypatch.setattr(record_list, "record_rows", refused)
    records_page.refresh()  # the ids again; the lines are read as they are painted
    records_page.table.viewport().repaint()
    qtbot.wait(50)  # the moment in which lines gone would leave the list
    assert records_page.model.rowCount() == 3  # not taken for records gone
    assert "Die Verbindung zum Server ist unterbrochen." in message_boxes.texts
