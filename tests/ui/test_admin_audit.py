"""The audit log page as an administrator uses it: filters typed, rows read, the export."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from tests.ui.conftest import type_text
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import AuthenticationError
from welcome_center.services import cases, people, users
from welcome_center.services.context import Actor
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.admin_audit import AuditTab

OPENED = office_today() - timedelta(days=3)


@pytest.fixture
def office(uow, anna: Actor, ben: Actor) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Anna records Kaminski with an enquiry, Ben records Nowak with another; someone tries to
    log in as a user who does not exist."""
    kaminski = people.create_person(
        uow, anna, PersonDraft(family_name="Kaminski", given_name="Jerzy")
    ).value.id
    nowak = people.create_person(
        uow, ben, PersonDraft(family_name="Nowak", given_name="Ewa")
    ).value.id
    first = cases.open_record(
        uow, anna, RecordDraft(client=ClientChoice(ClientKind.PERSON, kaminski), opened_on=OPENED)
    ).value
    second = cases.open_record(
        uow, ben, RecordDraft(client=ClientChoice(ClientKind.PERSON, nowak), opened_on=OPENED)
    ).value
    with pytest.raises(AuthenticationError):
        users.authenticate(uow, "mallory", "guessing a password")
    return {"kaminski": kaminski, "first": first.number, "second": second.number}


@pytest.fixture
def page(qtbot: QtBot, admin_ops: Ops, office: dict[str, object]) -> AdminPage:
    """The administration with its Audit log tab clicked."""
    page = AdminPage(admin_ops)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    bar = page.tabs.tabBar()
    index = page.tabs.indexOf(page.audit)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentWidget() is page.audit
    qtbot.waitUntil(lambda: page.audit.model.rowCount() > 0)
    return page


def _column(tab: AuditTab, title: str) -> list[str]:
    model = tab.model
    column = model.headers.index(title)
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def _rows_settle(qtbot: QtBot, tab: AuditTab) -> None:
    """Wait for the search that typing started (it runs a moment after the last key)."""
    qtbot.waitUntil(lambda: not tab._timer.isActive(), timeout=3000)


def test_typing_a_record_number_shows_that_record_s_entries(
    qtbot: QtBot, admin_ops: Ops, office: dict[str, object], page: AdminPage
) -> None:
    tab = page.audit
    assert "Created" in _column(tab, "Action")
    number = str(office["first"])
    QTest.keyClicks(tab.record, number.lower())  # as typed, in small letters
    _rows_settle(qtbot, tab)
    assert set(_column(tab, "About")) == {f"Record {number}"}
    assert "Created" in _column(tab, "Action")
    assert set(_column(tab, "Who")) == {"Anna Berger"}
    # A number that is none says so where the count stands.
    tab.record.clear()
    QTest.keyClicks(tab.record, "Kaminski")
    _rows_settle(qtbot, tab)
    assert tab.model.rowCount() == 0
    assert "is not a record number" in tab.count.text()


def test_a_person_found_by_name_shows_their_entries_and_their_records(
    qtbot: QtBot, admin_ops: Ops, office: dict[str, object], page: AdminPage
) -> None:
    tab = page.audit
    assert tab.client is not None
    type_text(tab.client.edit, "Kamin")
    QTest.keyClick(tab.client.edit, Qt.Key.Key_Return)  # one hit: Enter takes it
    qtbot.waitUntil(lambda: tab.client is not None and tab.client.client() is not None)
    _rows_settle(qtbot, tab)
    about = set(_column(tab, "About"))
    assert f"Person {office['kaminski']}" in about
    assert {a for a in about if a.startswith("Record")} == {f"Record {office['first']}"}
    # The same by the person's number.
    tab.reset_filters()
    QTest.keyClicks(tab.client.edit, str(office["kaminski"]))
    _rows_settle(qtbot, tab)
    assert f"Person {office['kaminski']}" in _column(tab, "About")
    assert f"Record {office['second']}" not in _column(tab, "About")


def test_failed_logins_by_action_and_the_export_of_what_is_shown(
    qtbot: QtBot,
    admin_ops: Ops,
    page: AdminPage,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tab = page.audit
    tab.action.setFocus()
    QTest.keyClicks(tab.action, "Login f")  # a combo box takes the typed start of an entry
    assert tab.action.currentText() == "Login failed"
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert _column(tab, "Who") == ["mallory (not logged in)"]
    assert _column(tab, "Detail") == ["No user of this name"]
    assert tab.count.text() == "1 entry."

    target = tmp_path / "log.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(admin_ops.status, timeout=5000) as done:
        QTest.mouseClick(
            next(b for b in tab.findChildren(type(tab.more_button)) if "xport" in b.text()),
            Qt.MouseButton.LeftButton,
        )
    assert done.args[0] == "1 entry exported to log.csv."
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert [r[3] for r in rows[1:]] == ["Login failed"]
    assert rows[1][1] == "login:mallory"
    # The export is itself in the log, with its row count.
    tab.reset_filters()
    qtbot.waitUntil(lambda: "Exported" in _column(tab, "Action"))
    exported = _column(tab, "Action").index("Exported")
    assert _column(tab, "About")[exported] == "Audit log"
    assert _column(tab, "Detail")[exported].startswith("rows=1")


@pytest.fixture
def german() -> Iterator[None]:
    i18n.set_language("de")
    yield
    i18n.set_language("en")


def test_in_german_every_word_is_translated_and_mnemonics_differ(
    german: None, qtbot: QtBot, admin_ops: Ops, office: dict[str, object], page: AdminPage
) -> None:
    tab = page.audit
    texts = [w.text() for w in tab.findChildren(QLabel)] + [
        b.text() for b in tab.findChildren(type(tab.more_button))
    ]
    tab_texts = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    keys = [m.group(1).lower() for t in texts + tab_texts for m in [re.search("&(.)", t)] if m]
    assert len(keys) == len(set(keys)), keys
    assert "&Protokoll" in tab_texts
    assert "Anmeldung fehlgeschlagen" in _column(tab, "Aktion")
    assert "mallory (nicht angemeldet)" in _column(tab, "Wer")


def test_the_check_names_an_entry_changed_behind_the_programs_back(
    qtbot: QtBot, admin_ops: Ops, page: AdminPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The button checks the hash chain; an entry edited with SQL is named in the message."""
    from sqlalchemy import text

    from welcome_center.ui import audit_check

    shown: list[str] = []
    monkeypatch.setattr(audit_check.QMessageBox, "exec", lambda box: shown.append(box.text()))
    tab = page.audit
    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=10_000)
    assert "all unchanged since they were written" in shown[0]
    with admin_ops.uow.db.engine.begin() as conn:  # as anyone with a database tool could
        first = conn.execute(text("SELECT min(id) FROM audit_log")).scalar()
        conn.execute(text("UPDATE audit_log SET detail = 'forged' WHERE id = :id"), {"id": first})
    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=10_000)
    assert shown[1].startswith("The audit log was changed after it was written:")
    assert f"entry {first} (" in shown[1] and "was changed after it was written" in shown[1]
