"""The administrator's list of likely duplicates as used: Alt+L starts the search in the
background (a progress bar and Cancel; the desk stays usable, other tabs open meanwhile), the
pairs appear when it ends; Cancel stops it with nothing shown or audited."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from welcome_center.db.models import AuditEntry
from welcome_center.domain.drafts import PersonDraft
from welcome_center.services import duplicates, people
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage

BORN = date(1990, 3, 4)


def _person(ops: Ops, family: str, given: str, **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(ops.uow, ops.actor, draft, True).value.id


def _alt(qtbot: QtBot, page: AdminPage, letter: str) -> None:
    """Alt+letter as typed, through the window (a button so reached clicks a moment later)."""
    key = getattr(Qt.Key, f"Key_{letter.upper()}")
    QTest.keyClick(page.window().windowHandle(), key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(250)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Holds the search at its first comparison until the test opens the gate (a slow
    database, without a clock or a sleep)."""
    opened = threading.Event()
    judge = duplicates._Judge.__call__

    def held(self: Any, a: Any, b: Any) -> Any:
        opened.wait(timeout=20)
        return judge(self, a, b)

    monkeypatch.setattr(duplicates._Judge, "__call__", held)
    yield opened
    opened.set()  # never leave a worker waiting


@pytest.fixture
def page(qtbot: QtBot, ops: Ops, admin_only_ops: Ops) -> AdminPage:
    _person(ops, "Nguyen", "Thi Lan", birth_date=BORN)
    _person(ops, "Nguyễn", "Thi Lan", birth_date=BORN)
    _person(ops, "Iwanow", "Sergej", birth_date=BORN)
    _person(ops, "Ivanov", "Sergey", birth_date=BORN)
    p = AdminPage(admin_only_ops)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitExposed(p)
    p.activated()
    p.tabs.setCurrentWidget(p.duplicates)
    return p


def test_the_pairs_appear_when_the_search_ends_and_the_desk_stays_usable(
    qtbot: QtBot, page: AdminPage, gate: threading.Event
) -> None:
    tab = page.duplicates
    _alt(qtbot, page, "l")  # Look for duplicates
    assert tab.running is not None
    assert tab.progress.isVisible() and tab.cancel_button.isVisible()
    assert not tab.find_button.isEnabled() and not tab.merge_button.isEnabled()
    said = tab.progress_label.text()
    assert said == "Looking for duplicates…" or said.startswith("Comparing names: 0 of "), said
    # The search is held, and the desk answers meanwhile: another tab and back, by keys.
    _alt(qtbot, page, "u")
    assert page.tabs.currentWidget() is page.users
    _alt(qtbot, page, "y")
    assert page.tabs.currentWidget() is tab
    assert tab.pairs.rowCount() == 0 and tab.running is not None
    gate.set()
    qtbot.waitUntil(lambda: tab.pairs.rowCount() == 2, timeout=10_000)
    assert not tab.progress.isVisible() and not tab.cancel_button.isVisible()
    assert tab.find_button.isEnabled() and tab.merge_button.isEnabled()
    assert tab.hint.text() == "2 likely pairs"
    names = {tab.pairs.text(r, 0) for r in range(2)} | {tab.pairs.text(r, 3) for r in range(2)}
    assert names == {"Nguyen, Thi Lan", "Nguyễn, Thi Lan", "Iwanow, Sergej", "Ivanov, Sergey"}
    assert tab.table.hasFocus()  # Enter merges the first pair


def test_cancel_stops_the_search_with_nothing_shown_or_audited(
    qtbot: QtBot, page: AdminPage, gate: threading.Event, admin_only_ops: Ops
) -> None:
    tab = page.duplicates
    _alt(qtbot, page, "l")
    assert tab.cancel_button.isVisible()
    qtbot.mouseClick(tab.cancel_button, Qt.MouseButton.LeftButton)
    assert tab.progress_label.text() == "Cancelling…"
    assert not tab.cancel_button.isEnabled()
    gate.set()
    qtbot.waitUntil(lambda: tab.running is None, timeout=10_000)
    assert tab.pairs.rowCount() == 0
    assert tab.hint.text() == "The search was cancelled."
    assert tab.find_button.isEnabled() and not tab.cancel_button.isVisible()
    with admin_only_ops.uow.read() as s:
        details = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "search"))
        assert not [d for d in details if d and d.startswith("duplicates=")]
    # Looked for again, it finds them.
    _alt(qtbot, page, "l")
    qtbot.waitUntil(lambda: tab.pairs.rowCount() == 2, timeout=10_000)
