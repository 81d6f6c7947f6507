"""Desks see each other (issue 16, item 4): what another desk saves shows on this one without F5.

The other desk is a second engine on the same database file (its commits change ``PRAGMA
data_version`` for this desk's watcher as another process's do); the feed looks every 20 ms and
the desk every 20 ms, so the tests wait for what the user would see, not for time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.ui.conftest import type_text
from tests.ui.test_record_editor import open_window
from welcome_center import i18n
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, follow_ups, merge, people
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.services.remote_changes import ChangeFeed
from welcome_center.ui.live_updates import LiveUpdates
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.pages.today import TodayPage
from welcome_center.ui.record.overview import draft_of

TODAY = office_today()
WAIT_MS = 10_000  # an upper bound; the refresh comes within a few dozen milliseconds


@pytest.fixture(autouse=True)
def _no_real_message_boxes(message_boxes):  # type: ignore[no-untyped-def]
    """A window closed with unsaved input asks: answered, not shown."""
    return message_boxes


def _record(uow: UnitOfWork, actor: Actor, family: str, given: str = "Rami") -> int:
    person = people.create_person(
        uow, actor, PersonDraft(family_name=family, given_name=given), True
    ).value.id
    opened = TODAY - timedelta(days=7)
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=opened)
    return cases.open_record(uow, actor, draft).value.id


def _clients(page: RecordsPage) -> list[str]:
    m = page.model
    return [m.data(m.index(r, 3)) for r in range(m.rowCount())]


def test_another_desks_new_enquiry_appears_in_the_list_keeping_selection_and_scroll(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, records_page: RecordsPage, live
) -> None:  # type: ignore[no-untyped-def]
    for n in range(60):
        _record(ops.uow, anna, f"Mine{n:02d}")
    records_page.refresh()
    table = records_page.table
    chosen = records_page.model.record_id(40)
    assert chosen is not None
    records_page.select_record(chosen)
    bar = table.verticalScrollBar()
    assert bar.value() > 0
    scrolled = bar.value()

    theirs = _record(other, ben, "Öztürk", "Ayşe")

    qtbot.waitUntil(lambda: "Öztürk, Ayşe" in _clients(records_page), timeout=WAIT_MS)
    assert records_page.model.row_of(theirs) == 0  # newest first
    assert records_page.selected_id() == chosen
    assert bar.value() in (scrolled, scrolled + 1)  # one line more above, the same view
    assert records_page.count.text() == "61 records"


def test_a_filter_being_typed_is_not_disturbed(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, records_page: RecordsPage, live
) -> None:  # type: ignore[no-untyped-def]
    _record(ops.uow, anna, "Müller")
    records_page.refresh()
    type_text(records_page.search, "Öztü")
    _record(other, ben, "Öztürk", "Ayşe")
    qtbot.waitUntil(lambda: _clients(records_page) == ["Öztürk, Ayşe"], timeout=WAIT_MS)
    assert records_page.search.text() == "Öztü"
    assert records_page.search.hasFocus()


def test_a_follow_up_another_desk_adds_shows_on_today(
    qtbot, ops: Ops, anna: Actor, other: UnitOfWork, live
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    page = TodayPage(ops)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.activated()
    assert page.follow_ups.texts() == []
    # Anna at her other desk (the same user on another computer) adds a follow-up for today.
    follow_ups.add_follow_up(other, anna, record, TODAY, "Unterlagen nachfragen")
    qtbot.waitUntil(lambda: len(page.follow_ups.texts()) == 1, timeout=WAIT_MS)
    assert "Unterlagen nachfragen" in page.follow_ups.texts()[0]


def _change_summary(uow: UnitOfWork, actor: Actor, record: int, summary: str) -> None:
    d = cases.get_record(uow, actor, record)
    cases.update_record(uow, actor, record, replace(draft_of(d), summary=summary), d.version)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_an_open_record_says_another_desk_changed_it_before_the_input_is_saved(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, live, lang: str
) -> None:  # type: ignore[no-untyped-def]
    i18n.set_language(lang)
    record = _record(ops.uow, anna, "Haddad")
    window = open_window(qtbot, ops, record)
    window.overview.summary.setFocus()
    type_text(window.overview.summary, "Mein Text")
    assert window.has_unsaved()

    _change_summary(other, ben, record, "Bens Fassung")

    qtbot.waitUntil(window.notice.isVisible, timeout=WAIT_MS)
    text = window.notice_text.text()
    assert "Ben Schulz" in text
    assert ("another desk" if lang == "en" else "an einem anderen Arbeitsplatz") in text
    assert window.notice_compare.isVisible() and window.notice_reload.isVisible()
    assert window.overview.summary.toPlainText() == "Mein Text"  # the input is kept

    window.notice_reload.click()
    assert window.overview.summary.toPlainText() == "Bens Fassung"
    assert not window.notice.isVisible()


def test_an_open_record_without_input_shows_the_new_version_and_says_so(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, live
) -> None:  # type: ignore[no-untyped-def]
    record = _record(ops.uow, anna, "Haddad")
    window = open_window(qtbot, ops, record)
    _change_summary(other, ben, record, "Bens Fassung")
    qtbot.waitUntil(lambda: window.overview.summary.toPlainText() == "Bens Fassung",
                    timeout=WAIT_MS)  # fmt: skip
    assert window.notice.isVisible()
    assert "Ben Schulz changed this record on another desk" in window.notice_text.text()
    assert not window.notice_compare.isVisible()
    qtbot.mouseClick(window.notice_ok, Qt.MouseButton.LeftButton)
    assert not window.notice.isVisible()


def test_own_saves_are_not_broadcast_twice(
    qtbot, ops: Ops, anna: Actor, ben: Actor, other: UnitOfWork, live
) -> None:  # type: ignore[no-untyped-def]
    heard: list[object] = []
    ops.changed.connect(lambda changes, initiator: heard.append((changes, initiator)))
    mine = ops.write(None, lambda uow, actor: cases.open_record(
        uow, actor, RecordDraft(client=None, opened_on=TODAY)))  # fmt: skip
    assert mine is not None
    theirs = _record(other, ben, "Öztürk")
    qtbot.waitUntil(lambda: any(theirs in c.records for c, _i in heard), timeout=WAIT_MS)
    remote = [c for c, initiator in heard if initiator is live]
    assert all(mine.value.id not in c.records for c in remote)


def test_today_keeps_the_line_the_user_is_on(
    qtbot, ops: Ops, anna: Actor, other: UnitOfWork, live
) -> None:  # type: ignore[no-untyped-def]
    first, second, third = (_record(ops.uow, anna, name) for name in ("Aziz", "Bauer", "Chen"))
    for record in (first, second):
        follow_ups.add_follow_up(ops.uow, anna, record, TODAY, "Anrufen")
    page = TodayPage(ops)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    page.activated()
    lines = page.follow_ups.lines
    lines.setFocus()
    qtbot.keyClick(lines, Qt.Key.Key_Down)
    on = lines.currentItem().data(Qt.ItemDataRole.UserRole)
    assert lines.currentRow() == 1

    follow_ups.add_follow_up(other, anna, third, TODAY - timedelta(days=2), "Überfällig")
    qtbot.waitUntil(lambda: len(page.follow_ups.texts()) == 3, timeout=WAIT_MS)
    assert "Chen" in page.follow_ups.texts()[0]  # overdue first
    assert lines.currentItem().data(Qt.ItemDataRole.UserRole) == on
    assert lines.currentItem().isSelected()


def test_a_hidden_page_catches_up_once_when_shown(
    qtbot, ops: Ops, ben: Actor, other: UnitOfWork, records_page: RecordsPage, live
) -> None:  # type: ignore[no-untyped-def]
    heard: list[object] = []
    ops.changed.connect(lambda changes, initiator: heard.append(changes))
    records_page.hide()  # another page of the main window is shown

    theirs = _record(other, ben, "Öztürk", "Ayşe")
    qtbot.waitUntil(lambda: any(theirs in c.records for c in heard), timeout=WAIT_MS)
    assert "Öztürk, Ayşe" not in _clients(records_page)

    records_page.show()
    assert "Öztürk, Ayşe" in _clients(records_page)


def test_after_a_bulk_change_the_page_on_screen_reads_again_and_the_others_when_shown(
    qtbot, ops: Ops, admin: Actor, ben: Actor, other: UnitOfWork, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from welcome_center.ui.main_window import MainWindow

    window = MainWindow(ops, QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    records = window.show_page("records")
    today = window.show_page("today")
    assert records is not None and today is not None and not records.isVisible()
    live = LiveUpdates(ops, ChangeFeed(ops.uow, interval=0.02), window, poll_ms=20)
    assert live.start()
    try:
        first = _record(other, ben, "Erst")
        qtbot.waitUntil(lambda: first in records._remote.records if records._remote else False,
                        timeout=WAIT_MS)  # fmt: skip
        # A merge moves records between clients: nothing names them one by one.
        twice = [
            people.create_person(other, admin, PersonDraft(family_name="Doppelt", given_name=g),
                                 True).value
            for g in ("Anna", "Anne")
        ]  # fmt: skip
        merge.merge(other, admin, ClientKind.PERSON, *((p.id, p.version) for p in twice))
        qtbot.waitUntil(lambda: not records.loaded, timeout=WAIT_MS)
        assert today.loaded  # on screen: read again at once
        window.show_page("records")
        assert records.loaded and "Erst, Rami" in _clients(records)
    finally:
        live.stop()
