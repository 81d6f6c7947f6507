"""Nothing a counsellor wrote is cut off for good (issue 11, item 8): a long note, a referral's
outcome, a party's role, Today's lines and the German topic list are shown whole, or their whole
text is one keypress away (the preview under a table follows the cursor; Space in Today)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QListWidget, QTableView, QToolTip
from pytestqt.qtbot import QtBot

from tests.consents import consent_to_referrals
from tests.ui.test_record_editor import activate, open_window
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole, ReferralStatus
from welcome_center.services import cases, consultations, follow_ups, people, referrals
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.today import TodayPage
from welcome_center.ui.record.window import RecordWindow

TODAY = office_today()
ALT = Qt.KeyboardModifier.AltModifier
# 500 characters of notes, its end different from its start.
_END = " ENDE: Termin am Freitag"
NOTES = ("Erstgespräch zur Anerkennung des Abschlusses als Pflegefachkraft. " * 8)[
    : 500 - len(_END)
] + _END
OUTCOME = (
    "Beratung erfolgt, Antrag auf Anerkennung gestellt; Bescheid über die volle "
    "Gleichwertigkeit erwartet im Frühjahr, danach Wiedervorlage beim Arbeitgeber. "
    "Die IHK FOSA meldet sich bei fehlenden Unterlagen direkt bei der Ratsuchenden."
)


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):  # type: ignore[no-untyped-def]
    return message_boxes


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("en")


def _record(ops: Ops, family: str = "Nguyễn", given: str = "Thảo") -> int:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name=family, given_name=given), True
    ).value.id
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person), opened_on=TODAY - timedelta(days=30)
    )
    return cases.open_record(ops.uow, ops.actor, draft).value.id


def _window(qtbot: QtBot, ops: Ops, record: int) -> RecordWindow:
    window = open_window(qtbot, ops, record)
    window.resize(1100, 720)  # as it opens on a 1366x768 screen
    qtbot.wait(20)
    return window


def _fits(table: QTableView, row: int, column: int) -> bool:
    """Whether the cell's text is shown whole: on its line, or wrapped within its row."""
    index = table.model().index(row, column)
    text = str(index.data())
    rect = table.visualRect(index)
    width = rect.width() - 8  # the cell's margins
    metrics = table.fontMetrics()
    if metrics.horizontalAdvance(text) <= width:
        return True
    flags = int(Qt.TextFlag.TextWordWrap)
    needed = metrics.boundingRect(QRect(0, 0, width, 10_000), flags, text).height()
    return table.wordWrap() and needed <= rect.height()


def test_the_notes_preview_follows_the_selected_consultation(qtbot: QtBot, ops: Ops) -> None:
    record = _record(ops)
    older = ConsultationDraft(
        held_on=TODAY - timedelta(days=9), duration_minutes=30, notes="Kurzer Anruf."
    )
    newer = ConsultationDraft(
        held_on=TODAY - timedelta(days=2), duration_minutes=60, topics=("recognition",), notes=NOTES
    )
    for draft in (older, newer):
        consultations.record_consultation(ops.uow, ops.actor, record, draft)
    window = _window(qtbot, ops, record)
    qtbot.keyClick(window, Qt.Key.Key_C, ALT)  # "&Consultations"
    tab = window.consultations
    assert window.tabs.currentWidget() is tab
    table, preview = tab.table, tab.preview
    assert preview is not None and preview.isVisible()

    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert len(NOTES) == 500
    assert NOTES in preview.toPlainText()  # all 500 characters, not the table's first line
    assert "Topics: Recognition of qualifications" in preview.toPlainText()
    assert table.model().index(0, 6).data() != NOTES  # the cell shows the start only

    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert "Kurzer Anruf." in preview.toPlainText() and NOTES not in preview.toPlainText()
    qtbot.keyClick(table, Qt.Key.Key_Up)
    assert NOTES in preview.toPlainText()

    # The preview is the next stop of Tab, and its mnemonic leads there too.
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is preview
    table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_L, ALT)  # "Notes of the se&lected consultation"
    assert QApplication.focusWidget() is preview
    # The cell's tooltip holds the whole notes too.
    tip = table.model().index(0, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert "ENDE" in tip


def test_the_outcome_is_shown_in_its_column_and_whole_in_the_preview(
    qtbot: QtBot, ops: Ops
) -> None:
    record = _record(ops)
    partner = next(o.id for o in people.list_partners(ops.uow) if o.code == "fizuz")
    draft = ReferralDraft(
        partner_id=partner,
        referred_on=TODAY - timedelta(days=20),
        topic="recognition",
        reason="Anerkennung",
    )
    consent_to_referrals(ops.uow, ops.actor, record)  # a referral needs consent
    saved = referrals.refer(ops.uow, ops.actor, record, draft).value
    referrals.record_feedback(
        ops.uow,
        ops.actor,
        saved.id,
        ReferralStatus.DONE,
        OUTCOME,
        TODAY,
        expected_version=saved.version,
    )
    window = _window(qtbot, ops, record)
    qtbot.keyClick(window, Qt.Key.Key_E, ALT)  # "R&eferrals"
    tab = window.referrals
    assert window.tabs.currentWidget() is tab
    table = tab.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    outcome = tab.model.OUTCOME
    for column in range(tab.model.columnCount()):
        assert _fits(table, 0, column), tab.model.headers[column]
    assert OUTCOME.startswith(table.model().index(0, outcome).data().rstrip("…"))
    assert tab.preview is not None and OUTCOME in tab.preview.toPlainText()
    assert "Anerkennung" in tab.preview.toPlainText()


def test_a_partys_role_and_note_are_shown_whole(qtbot: QtBot, ops: Ops, german: None) -> None:
    record = _record(ops)
    company = people.create_organisation(
        ops.uow, ops.actor, OrganisationDraft(name="Nette Textilveredlung GmbH & Co. KG")
    ).value.id
    note = "künftiger Arbeitgeber, Vertrag ab dem ersten März, Ansprechpartnerin Frau Berger"
    party = PartyDraft(
        client=ClientChoice(ClientKind.ORGANISATION, company), role=PartyRole.ON_BEHALF, note=note
    )
    cases.link_party(ops.uow, ops.actor, record, party)
    window = _window(qtbot, ops, record)
    table = window.overview.parties.table
    assert table.isVisible()
    for column in range(4):
        assert _fits(table, 0, column), table.model().headerData(column, Qt.Orientation.Horizontal)


def test_the_german_topic_list_shows_every_label_whole(
    qtbot: QtBot, ops: Ops, german: None
) -> None:
    window = _window(qtbot, ops, _record(ops))
    for checklist in (window.overview.topics, window.overview.services):
        assert checklist.count() > 0
        assert "Wohnen, Kinderbetreuung, Schule, Gesundheit, Freizeit" in _labels(
            window.overview.topics
        )
        _assert_whole(checklist)


def _labels(lines: QListWidget) -> list[str]:
    return [lines.item(i).text() for i in range(lines.count())]


def _assert_whole(lines: QListWidget) -> None:
    """Every line of ``lines`` lies within the visible list and has room for its text."""
    viewport = lines.viewport().rect()
    metrics = lines.fontMetrics()
    flags = int(Qt.TextFlag.TextWordWrap)
    for i in range(lines.count()):
        item = lines.item(i)
        rect = lines.visualItemRect(item)
        assert viewport.contains(rect), (item.text(), rect, viewport)
        # the text's room: the line less the check box (the first item's indent shows it)
        room = rect.width() - (lines.sizeHintForColumn(0) - _widest(lines)) + 4
        needed = metrics.boundingRect(QRect(0, 0, room, 10_000), flags, item.text())
        assert needed.height() <= rect.height(), (item.text(), needed, rect)
        assert needed.width() <= room, item.text()


def _widest(lines: QListWidget) -> int:
    return max(lines.fontMetrics().horizontalAdvance(t) for t in _labels(lines))


def test_todays_lines_wrap_and_space_shows_a_long_note_whole(qtbot: QtBot, ops: Ops) -> None:
    record = _record(ops, "Mustermann-Oberländer", "Anna-Katharina")
    follow_ups.add_follow_up(ops.uow, ops.actor, record, TODAY, NOTES)
    page = TodayPage(ops)
    qtbot.addWidget(page)
    page.resize(1180, 660)  # the page beside the navigation at 1366x768
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    lines = page.follow_ups.lines
    [line] = page.follow_ups.texts()
    assert "Mustermann-Oberländer, Anna-Katharina" in line and "due today" in line
    assert NOTES not in line and "…" in line  # the line shows the start of the note
    assert lines.horizontalScrollBar().maximum() == 0  # nothing beyond the right edge
    _assert_whole(lines)
    assert "ENDE" in lines.item(0).toolTip()

    lines.setFocus()
    qtbot.keyClick(lines, Qt.Key.Key_Space)
    assert QToolTip.isVisible()
    assert "ENDE" in QToolTip.text() and "Mustermann-Oberländer" in QToolTip.text()
    QToolTip.hideText()


def test_user_text_in_a_tooltip_stays_text(qtbot: QtBot, ops: Ops) -> None:
    record = _record(ops)
    notes = "<b>nicht fett</b> & <i>nicht kursiv</i>"
    consultations.record_consultation(
        ops.uow,
        ops.actor,
        record,
        ConsultationDraft(held_on=TODAY, duration_minutes=15, notes=notes),
    )
    window = _window(qtbot, ops, record)
    activate(qtbot, window)
    tip = window.consultations.model.index(0, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;nicht fett&lt;/b&gt; &amp; &lt;i&gt;" in tip
    assert window.consultations.preview is not None
    assert window.consultations.preview.toPlainText().endswith(notes)
