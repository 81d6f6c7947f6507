"""The Retention tab of the administration as an administrator uses it: reading what is due,
typing the periods, putting a record on legal hold by its number, running now."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.ui.conftest import MessageBoxes
from welcome_center import i18n
from welcome_center.db.models import Person, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import RecordKind, RecordStatus
from welcome_center.services import settings
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.admin_retention import RetentionTab

LONG_AGO = office_today() - timedelta(days=800)


def _at(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 10, tzinfo=UTC)


@pytest.fixture
def office(uow: UnitOfWork) -> dict[str, int]:
    """Two closed enquiries of two years ago (due), one open record (never due)."""
    ids: dict[str, int] = {}
    with uow.begin() as s:
        for i, (family, closed) in enumerate(
            (("Zzyzxa", LONG_AGO), ("Qwyxtb", LONG_AGO), ("Openrec", None)), start=1
        ):
            p = Person(family_name=family, given_name="X", name_key=family.lower(),
                       updated_at=_at(LONG_AGO))  # fmt: skip
            s.add(p)
            s.flush()
            r = Record(
                number=f"WC-{LONG_AGO.year}-{i:04d}",
                kind=RecordKind.ENQUIRY,
                status=RecordStatus.CLOSED if closed else RecordStatus.IN_PROGRESS,
                client_person_id=p.id,
                opened_on=LONG_AGO - timedelta(days=10),
                closed_on=closed,
                closing_reason="goal_reached" if closed else None,
                summary=f"about {family}",
                updated_at=_at(LONG_AGO),
            )
            s.add(r)
            s.flush()
            ids[family] = r.id
    return ids


def _tab_page(qtbot: QtBot, ops: Ops) -> AdminPage:
    page = AdminPage(ops)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    bar = page.tabs.tabBar()
    index = page.tabs.indexOf(page.retention)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentWidget() is page.retention
    return page


@pytest.fixture
def page(qtbot: QtBot, admin_ops: Ops, office: dict[str, int]) -> AdminPage:
    page = _tab_page(qtbot, admin_ops)
    qtbot.waitUntil(lambda: page.retention.status is not None, timeout=5000)
    return page


def _column(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [model.text(r, column) for r in range(model.rowCount())]


def _click(qtbot: QtBot, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _type_number(box: QAbstractSpinBox, value: int) -> None:
    box.setFocus()
    QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(box, str(value))


def test_the_tab_shows_what_is_due_by_number_without_names(
    qtbot: QtBot, page: AdminPage, office: dict[str, int]
) -> None:
    tab = page.retention
    assert tab.due_label.text().startswith("Due now – records: 2, persons: 2,")
    numbers = _column(tab.list_model, 0)
    assert numbers[:2] == [f"WC-{LONG_AGO.year}-0001", f"WC-{LONG_AGO.year}-0002"]
    assert _column(tab.list_model, 1)[:2] == ["Enquiry", "Enquiry"]
    assert "Open records are never due while open: 1." in tab.open_label.text()
    assert tab.month_model.rowCount() == 13  # twelve months and "later"
    shown = " ".join(w.text() for w in tab.findChildren(QLabel)) + " ".join(
        tab.list_model.text(r, c) for r in range(tab.list_model.rowCount()) for c in range(3)
    )
    for name in ("Zzyzxa", "Qwyxtb", "Openrec"):
        assert name not in shown
    # The periods are the office's.
    assert (tab.enquiry_months.value(), tab.case_months.value()) == (12, 36)
    assert (tab.audit_months.value(), tab.backups_keep.value()) == (36, 10)


def test_typed_periods_are_saved_and_a_wrong_one_is_said_next_to_it(
    qtbot: QtBot, page: AdminPage, admin_ops: Ops, message_boxes: MessageBoxes
) -> None:
    tab = page.retention
    _type_number(tab.enquiry_months, 300)
    _click(qtbot, tab.save_button)
    assert tab.errors.message("retention_enquiry_months") == (
        "A retention period must be between 1 and 240 months."
    )
    _type_number(tab.enquiry_months, 48)
    _type_number(tab.backups_keep, 5)
    assert page.has_unsaved()
    _click(qtbot, tab.save_button)
    assert not page.has_unsaved()
    saved = settings.get_settings(admin_ops.uow)
    assert (saved.retention_enquiry_months, saved.backups_keep) == (48, 5)
    # Nothing is due any more with 48 months.
    qtbot.waitUntil(lambda: tab.due_label.text().startswith("Due now – records: 0,"), timeout=5000)


def test_a_legal_hold_by_record_number_then_run_now(
    qtbot: QtBot,
    page: AdminPage,
    admin_ops: Ops,
    office: dict[str, int],
    message_boxes: MessageBoxes,
) -> None:
    tab = page.retention
    year = LONG_AGO.year
    # An unknown number is said under the field.
    QTest.keyClicks(tab.hold_number, f"wc-{year}-99")
    QTest.keyClicks(tab.hold_reason, "court case")
    _click(qtbot, tab.hold_button)
    assert tab.hold_errors.message("record_number") == f"There is no record WC-{year}-0099."
    tab.hold_number.clear()
    QTest.keyClicks(tab.hold_number, f"wc-{year}-1")  # as people type it
    _click(qtbot, tab.hold_button)
    qtbot.waitUntil(lambda: tab.held_model.rowCount() == 1, timeout=5000)
    assert _column(tab.held_model, 0) == [f"WC-{year}-0001"]
    assert _column(tab.held_model, 1) == ["court case"]
    qtbot.waitUntil(lambda: tab.due_label.text().startswith("Due now – records: 1,"), timeout=5000)

    with qtbot.waitSignal(admin_ops.status, timeout=15000) as finished:
        _click(qtbot, tab.run_button)
    assert finished.args[0] == "Retention run finished."
    title, text = message_boxes.shown[-1]
    assert title == "Run retention now"
    assert text.startswith("Due now – records: 1, persons: 1,")
    assert tab.run_label.text().startswith("Done: ")
    assert "anonymised – records: 1, persons: 1;" in tab.run_label.text()
    qtbot.waitUntil(lambda: tab.runs_model.rowCount() == 1, timeout=5000)
    assert _column(tab.runs_model, 2) == ["1"]
    qtbot.waitUntil(lambda: tab.due_label.text().startswith("Due now – records: 0,"), timeout=5000)
    with admin_ops.uow.read() as s:
        done = {r.id: r.anonymised_at is not None for r in s.scalars(select(Record))}
    assert done == {office["Zzyzxa"]: False, office["Qwyxtb"]: True, office["Openrec"]: False}

    # The held record chosen in the list comes back into the fields; lifting the hold.
    first = tab.held_table.visualRect(tab.held_model.index(0, 0)).center()
    qtbot.mouseClick(tab.held_table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert tab.hold_number.text() == f"WC-{year}-0001"
    _click(qtbot, tab.lift_button)
    qtbot.waitUntil(lambda: tab.held_model.rowCount() == 0, timeout=5000)


def test_cancelling_run_now_runs_nothing(
    qtbot: QtBot, page: AdminPage, admin_ops: Ops, message_boxes: MessageBoxes
) -> None:
    message_boxes.answer = "Cancel"
    _click(qtbot, page.retention.run_button)
    assert page.retention.run_label.text() == ""
    with admin_ops.uow.read() as s:
        assert all(r.anonymised_at is None for r in s.scalars(select(Record)))


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("en")


def test_in_german_every_word_is_translated_and_mnemonics_differ(
    german: None, qtbot: QtBot, admin_ops: Ops, office: dict[str, int]
) -> None:
    page = _tab_page(qtbot, admin_ops)
    tab: RetentionTab = page.retention
    qtbot.waitUntil(lambda: tab.status is not None, timeout=5000)
    texts = [w.text() for w in tab.findChildren(QLabel)] + [
        b.text() for b in tab.findChildren(QPushButton)
    ]
    tab_texts = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    keys = [m.group(1).lower() for t in texts + tab_texts for m in [re.search("&(.)", t)] if m]
    assert len(keys) == len(set(keys)), sorted(keys)
    assert tab.due_label.text().startswith("Jetzt fällig – Vorgänge: 2, Personen: 2,")
    assert "Jetzt ausführen" in tab.run_button.text().replace("&", "")
