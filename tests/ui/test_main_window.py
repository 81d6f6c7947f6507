"""The main window: pages by role, keyboard navigation, record windows, remembered state."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops


@pytest.fixture
def state(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


def _window(qtbot, ops: Ops, state: QSettings) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(ops, state)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitActive(w)
    return w


def _titles(w: MainWindow) -> list[str]:
    return [w.nav.item(i).text() for i in range(w.nav.count())]


def _record(ops: Ops) -> int:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name="Kovalenko", given_name="Oksana"), True
    )
    client = ClientChoice(ClientKind.PERSON, person.value.id)
    draft = RecordDraft(client=client, opened_on=office_today(), summary="Anerkennung Pflege")
    return cases.open_record(ops.uow, ops.actor, draft).value.id


def test_each_role_sees_its_pages(qtbot, ops: Ops, admin_ops: Ops, ops_for, manager, state) -> None:  # type: ignore[no-untyped-def]
    counsellor = _window(qtbot, ops, state)
    assert _titles(counsellor) == ["Today", "Enquiries & cases", "People & organisations",
                                   "Partners", "Follow-ups", "Reports", "Events"]  # fmt: skip
    assert "Administration" in _titles(_window(qtbot, admin_ops, state))
    assert _titles(_window(qtbot, ops_for(manager), state)) == ["Reports", "Events"]


def test_status_bar_names_office_user_and_database(qtbot, ops: Ops, state) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, ops, state)
    assert w.office_label.text() == "Welcome Center Region Zwickau"
    assert w.user_label.text() == "Anna Berger (Counsellor)"
    assert w.db_label.text() == "Database: test.db"


def test_alt_number_switches_pages_and_ctrl_f_goes_to_the_search(qtbot, ops: Ops, state) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, ops, state)
    assert w.current_page() is w.pages["today"]
    qtbot.keyClick(w.windowHandle(), Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert w.current_page() is w.pages["records"]
    qtbot.keyClick(w.windowHandle(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is w.pages["records"].search  # type: ignore[attr-defined]
    qtbot.keyClick(w.windowHandle(), Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert w.current_page() is w.pages["follow_ups"]


def test_ctrl_n_opens_the_quick_enquiry(qtbot, ops: Ops, state, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from welcome_center.ui.dialogs import quick_enquiry

    asked = []
    monkeypatch.setattr(
        quick_enquiry.QuickEnquiryDialog, "ask", classmethod(lambda cls, o, p: asked.append(o))
    )
    w = _window(qtbot, ops, state)
    qtbot.keyClick(w.windowHandle(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert asked == [ops]


def test_a_record_opens_in_one_window_and_a_new_one_shows_in_the_list(
    qtbot, ops: Ops, state
) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, ops, state)
    w.show_page("records")
    record_id = _record(ops)
    records = w.pages["records"]
    records.refresh()
    assert record_id in records.model.ids  # type: ignore[attr-defined]
    ops.open_record(record_id)
    ops.open_record(record_id)
    assert list(w.record_windows) == [record_id]
    window = w.record_windows[record_id]
    assert window.isVisible()
    assert "Kovalenko" in window.windowTitle()
    window.close()
    qtbot.waitUntil(lambda: record_id not in w.record_windows)


def test_the_window_is_remembered_per_user(qtbot, ops: Ops, ops_for, ben, state) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, ops, state)
    w.resize(1333, 500)
    w.show_page("partners")
    w.close()
    again = _window(qtbot, ops, state)
    assert again.height() == 500  # (the offscreen screen is too narrow to keep the width)
    assert again.current_page() is again.pages["partners"]
    other = _window(qtbot, ops_for(ben), state)
    assert other.current_page() is other.pages["today"]


def test_closing_the_desk_keeps_a_record_window_with_unsaved_input(
    qtbot, ops: Ops, state, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, ops, state)
    record_id = _record(ops)
    ops.open_record(record_id)
    record_window = w.record_windows[record_id]
    monkeypatch.setattr(record_window, "has_unsaved", lambda: True)
    monkeypatch.setattr(record_window, "closeEvent", lambda e: e.ignore())
    assert not w.close()
    assert w.isVisible() and record_window.isVisible()


def test_closing_asks_before_unsaved_office_settings_are_lost(
    qtbot, admin_ops: Ops, state, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    w = _window(qtbot, admin_ops, state)
    admin = w.show_page("admin")
    assert admin is not None
    admin.settings.office_name.setText("Welcome Center Westsachsen")  # typed, not saved
    message_boxes.answer = "Cancel"
    w.show_page("today")
    assert not w.close() and w.isVisible()  # kept open, the input still there
    assert message_boxes.texts == [
        "Administration holds input that is not saved. Close the desk and lose it?"
    ]
    assert sorted(message_boxes.buttons[0]) == ["Cancel", "Discard and close"]
    assert w.current_page() is admin  # shown where the input is
    assert admin.settings.office_name.text() == "Welcome Center Westsachsen"
    message_boxes.answer = "Discard and close"
    assert w.close()


def test_a_long_status_message_keeps_its_end_beside_the_permanent_words(
    qtbot, ops: Ops, state, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A saved report's long path would push the message's end ("and kept in the archive.")
    under the office, user, database and backup words: it is shortened in the middle instead,
    and the whole message is the bar's tooltip."""
    w = _window(qtbot, ops, state)
    w.resize(1366, 768)
    qtbot.waitUntil(lambda: w.width() == 1366)
    bar = w.statusBar()
    folder = tmp_path / "Berichte der Beratungsstelle" / "2026" / "Monatsberichte an den Landkreis"
    text = f"Report saved to {folder / 'report_2026-11.pdf'} and kept in the archive."
    ops.status.emit(text)
    shown = bar.currentMessage()
    assert shown != text and "…" in shown
    assert shown.startswith("Report saved to ") and shown.endswith("and kept in the archive.")
    labels = (w.office_label, w.user_label, w.db_label, w.backup_label)
    first = min(label.geometry().left() for label in labels if label.isVisible())
    assert bar.fontMetrics().horizontalAdvance(shown) < first  # it ends before the words begin
    assert bar.toolTip() == text
    ops.status.emit("Saved.")
    assert bar.currentMessage() == "Saved."
    bar.clearMessage()
    assert bar.toolTip() == ""
