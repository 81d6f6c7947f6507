"""The events page (issue 14, item 5): an event typed into the dialog and saved with Enter is in
the list; one is corrected; a split larger than the total is refused under the field; a colleague's
change meanwhile is shown; a list is imported from the page; a manager only reads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import type_text
from tests.ui.test_people import on_modal
from welcome_center.domain.drafts import EventDraft
from welcome_center.services import events, people
from welcome_center.ui.dialogs.event_editor import EventDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.events import EventsPage, ProblemsDialog


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):  # type: ignore[no-untyped-def]
    return message_boxes


def _page(qtbot: QtBot, ops: Ops) -> EventsPage:
    page = EventsPage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    return page


def _rows(page: EventsPage) -> list[tuple[str, ...]]:
    return list(page.model.rows)


def _partner(ops: Ops, code: str) -> int:
    return next(p.id for p in people.list_partners(ops.uow) if p.code == code)


def _tick(dialog: EventDialog, short_name: str) -> None:
    """Tick a partner as a user does: onto its line, then the space bar."""
    items = dialog.partners.findItems(short_name, Qt.MatchFlag.MatchExactly)
    assert len(items) == 1, short_name
    dialog.partners.setFocus()
    dialog.partners.setCurrentItem(items[0])
    from PySide6.QtTest import QTest

    QTest.keyClick(dialog.partners, Qt.Key.Key_Space)


def _activate(qtbot: QtBot, dialog: QWidget) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)


def test_an_event_typed_and_saved_with_enter_is_in_the_list(qtbot: QtBot, ops: Ops) -> None:
    page = _page(qtbot, ops)
    assert page.title() == "Events"
    assert "No events yet" in page.summary.text()
    seen: dict[str, object] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, EventDialog)
        _activate(qtbot, dialog)
        assert dialog.focusWidget() is dialog.held_on.edit  # opens in its first field
        dialog.held_on.edit.selectAll()
        qtbot.keyClicks(dialog.held_on.edit, "14.5.24")
        type_text(dialog.title_edit, "Infoabend Anerkennung für Pflegekräfte")
        dialog.kind.setFocus()
        qtbot.keyClicks(dialog.kind, "W")  # typing chooses "Workshop"
        qtbot.keyClicks(dialog.target_group, "Pflegekräfte"[:4])
        qtbot.keyClicks(dialog.participants, "23")
        qtbot.keyClicks(dialog.persons, "20")
        qtbot.keyClicks(dialog.organisations, "3")
        assert dialog.split_error.isHidden()
        _tick(dialog, "FIZUZ")
        _tick(dialog, "IHK Chemnitz")
        qtbot.keyClick(dialog.organisations, Qt.Key.Key_Return)  # Enter saves
        seen["open"] = dialog.isVisible()

    on_modal(fill)
    page.new_button.click()
    assert seen["open"] is False
    assert _rows(page) == [
        ("14/05/2024", "Infoabend Anerkennung für Pflegekräfte", "Workshop", "Pfle", "23",
         "20", "3", "FIZUZ, IHK Chemnitz"),
    ]  # fmt: skip
    assert page.summary.text() == "1 event, 23 participants"
    saved = events.list_events(ops.uow, ops.actor)[0]
    assert set(saved.partner_ids) == {_partner(ops, "fizuz"), _partner(ops, "ihk_chemnitz")}


def test_an_event_is_corrected_from_the_list(qtbot: QtBot, ops: Ops) -> None:
    e = events.add_event(
        ops.uow, ops.actor,
        EventDraft(title="Jobmesse", kind="job_fair", held_on=date(2024, 6, 3), participants=80),
    ).value  # fmt: skip
    page = _page(qtbot, ops)
    assert _rows(page)[0][:5] == ("03/06/2024", "Jobmesse", "Job fair", "", "80")

    def correct(dialog: QWidget) -> None:
        assert isinstance(dialog, EventDialog)
        _activate(qtbot, dialog)
        assert dialog.windowTitle() == "Event: Jobmesse"
        assert dialog.participants.text() == "80"
        dialog.participants.selectAll()
        qtbot.keyClicks(dialog.participants, "95")
        qtbot.keyClicks(dialog.persons, "60")
        qtbot.keyClick(dialog.persons, Qt.Key.Key_Return)

    on_modal(correct)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter in the list edits the event
    assert _rows(page)[0][4:7] == ("95", "60", "")
    again = events.get_event(ops.uow, ops.actor, e.id)
    assert (again.participants, again.participants_persons, again.version) == (95, 60, 2)


def test_a_split_over_the_total_is_said_under_the_field_and_not_saved(
    qtbot: QtBot, ops: Ops
) -> None:
    partners = people.list_partners(ops.uow)
    dialog = EventDialog(ops, partners)
    qtbot.addWidget(dialog)
    dialog.show()
    _activate(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Workshop")
    qtbot.keyClicks(dialog.participants, "10")
    qtbot.keyClicks(dialog.persons, "8")
    assert dialog.split_error.isHidden()
    qtbot.keyClicks(dialog.organisations, "5")
    message = (
        "Persons (8) and organisations (5) together are more than the 10 participants in total."
    )
    assert dialog.split_error.isVisible() and dialog.split_error.text() == message
    qtbot.keyClick(dialog.organisations, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert events.list_events(ops.uow, ops.actor) == []
    qtbot.keyClick(dialog.organisations, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.organisations, "2")
    assert dialog.split_error.isHidden()
    qtbot.keyClick(dialog.organisations, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert events.list_events(ops.uow, ops.actor)[0].participants_organisations == 2


def test_escape_asks_before_typed_input_is_lost(qtbot: QtBot, ops: Ops, message_boxes) -> None:  # type: ignore[no-untyped-def]
    dialog = EventDialog(ops, people.list_partners(ops.uow))
    qtbot.addWidget(dialog)
    dialog.show()
    _activate(qtbot, dialog)
    qtbot.keyClicks(dialog.title_edit, "Schulung")
    message_boxes.answer = "Cancel"
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible() and "not been saved" in message_boxes.texts[-1]
    message_boxes.answer = "Discard"
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert events.list_events(ops.uow, ops.actor) == []


def test_a_colleagues_change_meanwhile_names_who(
    qtbot: QtBot,
    ops: Ops,
    ops_for,
    ben,
    message_boxes,  # type: ignore[no-untyped-def]
) -> None:
    e = events.add_event(
        ops.uow, ops.actor, EventDraft(title="Infoabend", kind="workshop", held_on=date(2024, 5, 1))
    ).value
    dialog = EventDialog(ops_for(ben), people.list_partners(ops.uow), e)
    qtbot.addWidget(dialog)
    dialog.show()
    events.update_event(
        ops.uow, ops.actor, e.id,
        EventDraft(title="Infoabend", kind="workshop", held_on=date(2024, 5, 1), participants=7),
        e.version,
    )  # fmt: skip
    qtbot.keyClicks(dialog.participants, "9")
    shown: list[str] = []

    def look(conflict: QWidget) -> None:
        shown.append(" ".join(w.text() for w in conflict.findChildren(type(dialog.split_error))))
        conflict.reject()  # type: ignore[attr-defined]

    on_modal(look)
    dialog.try_save()
    assert shown and "Anna Berger" in shown[0], shown
    assert events.get_event(ops.uow, ops.actor, e.id).participants == 7


def test_a_list_is_checked_and_imported_from_the_page(
    qtbot: QtBot,
    ops: Ops,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message_boxes,  # type: ignore[no-untyped-def]
) -> None:
    page = _page(qtbot, ops)
    bad = tmp_path / "falsch.csv"
    bad.write_text("Datum;Titel;Teilnehmende\n31.02.2024;Infoabend;zehn\n", encoding="utf-8")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bad), ""))
    )
    problems: list[list[str]] = []

    def read(dialog: QWidget) -> None:
        assert isinstance(dialog, ProblemsDialog)
        problems.append(dialog.lines())

    on_modal(read)
    page.import_button.click()
    ops.jobs.wait()
    assert problems and problems[0][0].startswith("line 2, column Datum:")
    assert problems[0][1].startswith("line 2, column Teilnehmende:")
    assert _rows(page) == []

    good = tmp_path / "liste.csv"
    good.write_text(
        "Datum;Titel;Art;Teilnehmende;Partner\n2024-05-14;Infoabend;Workshop;12;FIZUZ\n"
        "2025-02-01;Jobmesse;Jobmesse;90;\n",
        encoding="utf-8",
    )
    page.check_import(good)
    ops.jobs.wait()  # the check; the question is answered "Import"
    assert "2 events to import" in message_boxes.texts[-1]
    ops.jobs.wait()  # the import
    assert [r[1] for r in _rows(page)] == ["Jobmesse", "Infoabend"]
    assert page.year.count() == 3  # all years, 2025, 2024
    page.year.setCurrentIndex(page.year.findData(2024))
    assert [r[1] for r in _rows(page)] == ["Infoabend"]
    qtbot.keyClicks(page.search, "jobmesse")
    assert _rows(page) == [] and page.summary.text() == "No event matches the search."


def test_a_manager_sees_the_list_and_cannot_change_it(
    qtbot: QtBot,
    ops: Ops,
    ops_for,
    manager,  # type: ignore[no-untyped-def]
) -> None:
    events.add_event(
        ops.uow, ops.actor, EventDraft(title="Infoabend", kind="workshop", held_on=date(2024, 5, 1))
    )
    page = _page(qtbot, ops_for(manager))
    assert [r[1] for r in _rows(page)] == ["Infoabend"]
    assert not page.new_button.isEnabled() and not page.edit_button.isEnabled()
    assert not page.import_button.isEnabled()


def test_in_german_every_word_is_translated_and_mnemonics_differ(qtbot: QtBot, ops: Ops) -> None:
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    from welcome_center import i18n

    i18n.set_language("de")
    try:
        page = _page(qtbot, ops)
        dialog = EventDialog(ops, people.list_partners(ops.uow))
        qtbot.addWidget(dialog)
        dialog.show()
        assert page.title() == "Veranstaltungen" and page.model.headers[4] == "Teilnehmende"
        for window in (page, dialog):
            texts = [w.text() for w in window.findChildren(QLabel)]
            texts += [b.text() for b in window.findChildren(QAbstractButton)]
            keys = [m.group(1).lower() for t in texts for m in [re.search("&(.)", t)] if m]
            assert len(keys) == len(set(keys)), keys
        labels = [w.text() for w in dialog.findChildren(QLabel)]
        assert "Teilnehmende &insgesamt" in labels and "davon &Organisationen" in labels
        qtbot.keyClicks(dialog.participants, "4")
        qtbot.keyClicks(dialog.persons, "5")
        assert dialog.split_error.text().startswith("Personen (5) und Organisationen (0)")
    finally:
        i18n.set_language("en")
