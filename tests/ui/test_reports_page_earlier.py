"""The Reports page beside the exported reports (issue 14, item 4): a month's or a year's key
figures show the same figures one year earlier, named by that period, as the PDF, XLSX and CSV
do; a quarter has no such line. And the figures follow the Events page: an event saved there
changes them without F5."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import type_text
from tests.ui.test_events_page import _page as events_page
from tests.ui.test_people import on_modal
from tests.ui.test_reports_page import _jobs_done, _march, _page, _record, _shown  # noqa: F401
from welcome_center import i18n
from welcome_center.domain.drafts import EventDraft
from welcome_center.domain.statistics import Period
from welcome_center.services import events
from welcome_center.ui.dialogs.event_editor import EventDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.reports import ReportsPage

MARCH_2025 = Period.month(2025, 3)


def _march_2024(ops: Ops) -> None:
    """5 records opened in March 2024 (12 in March 2025: ``_march``) and an event of 40."""
    for day in range(1, 6):
        _record(ops, "SY", date(2024, 3, day))
    draft = EventDraft(
        title="Jobmesse", kind="job_fair", held_on=date(2024, 3, 20), participants=40
    )
    events.add_event(ops.uow, ops.actor, draft)


def _choose_by_keys(qtbot: QtBot, page: ReportsPage, kind: str, month: str, year: str) -> None:
    """Kind of period, month and year typed as a user does: letters into the choices, the
    year over the old one."""
    chooser = page.chooser
    chooser.kind.setFocus()
    # A combo box joins letters typed within the keyboard interval into one word to look for
    # ("Y" then "Q" is "YQ", which names nothing): a user's next choice comes later than that.
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    qtbot.keyClicks(chooser.kind, kind)
    if month:
        type_text(chooser.month, month)  # with umlauts: "Mär"
    chooser.year.setFocus()
    qtbot.keyClick(chooser.year, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(chooser.year, year)


def test_a_month_shows_the_same_month_a_year_earlier_beside_each_figure(
    qtbot: QtBot, ops: Ops
) -> None:
    _march(ops)
    _march_2024(ops)
    page = _page(qtbot, ops)
    _choose_by_keys(qtbot, page, "Mo", "Mar", "2025")
    qtbot.waitUntil(lambda: _shown(page) == MARCH_2025, timeout=10_000)
    assert page.figures.texts()["enquiries_received"] == "12"
    earlier = page.figures.earlier_texts()
    assert earlier["enquiries_received"] == "March 2024: 5"
    assert earlier["events"] == "March 2024: 1"
    assert earlier["event_participants"] == "March 2024: 40"
    assert earlier["consultations"] == "March 2024: 0"
    assert earlier["since_start_enquiries"] == "March 2024: 5"  # counted up to its end
    assert set(earlier) == set(page.figures.texts())  # every figure has its line
    tile = page.figures.tile("enquiries_received")
    assert tile is not None and tile.earlier.isVisible()
    assert tile.accessibleName() == "Enquiries received: 12; March 2024: 5"


def test_a_year_names_the_year_before_and_a_quarter_has_no_line(qtbot: QtBot, ops: Ops) -> None:
    _march(ops)
    _march_2024(ops)
    page = _page(qtbot, ops)
    _choose_by_keys(qtbot, page, "Y", "", "2025")
    qtbot.waitUntil(lambda: _shown(page) == Period.year(2025), timeout=10_000)
    assert page.figures.earlier_texts()["enquiries_received"] == "2024: 5"
    _choose_by_keys(qtbot, page, "Q", "", "2025")
    qtbot.waitUntil(lambda: _shown(page) == Period.quarter(2025, 1), timeout=10_000)
    assert page.figures.texts()["enquiries_received"] == "13"  # with February's
    assert page.figures.earlier_texts() == {}
    tile = page.figures.tile("enquiries_received")
    assert tile is not None and not tile.earlier.isVisible()


def test_the_earlier_month_is_named_in_german(qtbot: QtBot, ops: Ops) -> None:
    _march(ops)
    _march_2024(ops)
    i18n.set_language("de")
    page = _page(qtbot, ops)
    _choose_by_keys(qtbot, page, "Mo", "Mär", "2025")
    qtbot.waitUntil(lambda: _shown(page) == MARCH_2025, timeout=10_000)
    assert page.figures.earlier_texts()["enquiries_received"] == "März 2024: 5"


def test_an_event_saved_on_the_events_page_changes_the_figures(qtbot: QtBot, ops: Ops) -> None:
    _march(ops)
    reports = _page(qtbot, ops)
    _choose_by_keys(qtbot, reports, "Mo", "Mar", "2025")
    qtbot.waitUntil(lambda: _shown(reports) == MARCH_2025, timeout=10_000)
    assert reports.figures.texts()["events"] == "0"
    page = events_page(qtbot, ops)

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, EventDialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        dialog.held_on.edit.selectAll()
        qtbot.keyClicks(dialog.held_on.edit, "14.3.25")
        qtbot.keyClicks(dialog.title_edit, "Infoabend Anerkennung")
        dialog.kind.setFocus()
        qtbot.keyClicks(dialog.kind, "W")
        qtbot.keyClicks(dialog.participants, "23")
        qtbot.keyClick(dialog.participants, Qt.Key.Key_Return)  # Enter saves

    on_modal(fill)
    page.new_button.click()
    assert len(events.list_events(ops.uow, ops.actor)) == 1
    shown = reports.figures.texts
    qtbot.waitUntil(lambda: shown()["events"] == "1", timeout=10_000)  # without F5
    assert shown()["event_participants"] == "23"


def test_an_event_saved_while_the_page_is_hidden_shows_when_it_comes_back(
    qtbot: QtBot, ops: Ops
) -> None:
    reports = _page(qtbot, ops)
    _choose_by_keys(qtbot, reports, "Mo", "Mar", "2025")
    qtbot.waitUntil(lambda: _shown(reports) == MARCH_2025, timeout=10_000)
    reports.hide()
    draft = EventDraft(title="Jobmesse", kind="job_fair", held_on=date(2025, 3, 3), participants=80)
    ops.write(None, lambda uow, actor: events.add_event(uow, actor, draft))
    assert reports.stale
    reports.show()
    reports.activated()
    qtbot.waitUntil(lambda: reports.figures.texts()["event_participants"] == "80", timeout=10_000)
