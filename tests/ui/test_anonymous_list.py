"""Anonymous enquiries in the records list (issue 15, item 2), by keys: the kind filter's entry
"Anonymous enquiries" lists the callers who gave no name, in English and German; and a caller
entered with the real person editor from the assign dialog shows under their name in the list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from tests.ui.conftest import when_modal
from tests.ui.test_anonymous_desk import _anonymous_record
from tests.ui.test_documents import open_window
from tests.ui.test_quick_enquiry import focused, tab_to
from tests.ui.test_records_page import _clients, ben_ops, office  # noqa: F401 - fixtures
from welcome_center import i18n
from welcome_center.services import cases
from welcome_center.ui.dialogs.person_editor import PersonEditor
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.record.assign_client import AssignClientDialog

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _page(qtbot, ops: Ops) -> RecordsPage:  # type: ignore[no-untyped-def]
    page = RecordsPage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.activated()
    return page


def _choose_anonymous_by_keys(qtbot, page: RecordsPage, typed: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+F's search field, Tab to the kind filter, type the entry's first letters."""
    page.focus_search()
    assert focused() is page.search
    tab_to(qtbot, page.kind)
    QTest.keyClicks(page.kind, typed)


@pytest.mark.parametrize(
    ("language", "typed", "entry", "caller", "reset"),
    [
        ("en", "an", "Anonymous enquiries", "Anonymous caller", Qt.Key.Key_R),
        ("de", "ano", "Anonyme Anfragen", "Anonym (ohne Namen)", Qt.Key.Key_Z),
    ],
)
def test_the_kind_filter_lists_only_the_anonymous_enquiries(  # type: ignore[no-untyped-def]
    qtbot,
    ops: Ops,
    office: dict[str, int],  # noqa: F811 - the fixture imported above
    language: str,
    typed: str,
    entry: str,
    caller: str,
    reset: Qt.Key,
) -> None:
    i18n.set_language(language)
    rid = _anonymous_record(ops)
    page = _page(qtbot, ops)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(office) + 1)

    _choose_anonymous_by_keys(qtbot, page, typed)

    assert page.kind.currentText() == entry
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert _clients(page) == [caller]
    assert page.model.ids == [rid]
    assert page.count.text() == ("1 record" if language == "en" else "1 Vorgang")
    # With a search word that only named clients' records have, none is listed.
    QTest.keyClicks(page.search, "zahnrad")
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.empty.text() != ""
    # Reset filters (Alt+R, German Alt+Z) lists every record again.
    QTest.keyClick(page.windowHandle(), reset, ALT)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(office) + 1)
    assert page.kind.currentIndex() == 0


def _when_editor(action: Callable[[PersonEditor], None], timeout_ms: int = 3000) -> None:
    """Run ``action`` on the person editor once it is the modal window (opened from another
    modal dialog, which :func:`when_modal` would take instead)."""
    waited = 0

    def poll() -> None:
        nonlocal waited
        modal = QApplication.activeModalWidget()
        if isinstance(modal, PersonEditor):
            action(modal)
            return
        waited += 20
        if waited < timeout_ms:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_a_new_person_typed_in_the_real_editor_becomes_the_client_in_the_list(  # type: ignore[no-untyped-def]
    qtbot, ops: Ops, message_boxes
) -> None:
    rid = _anonymous_record(ops)
    page = _page(qtbot, ops)
    qtbot.waitUntil(lambda: _clients(page) == ["Anonymous caller"])
    window = open_window(qtbot, ops, rid)
    typed: list[str] = []

    def type_the_name(editor: PersonEditor) -> None:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.family_name)
        QTest.keyClicks(editor.family_name, "Kovalenko")
        QTest.keyClick(editor.family_name, Qt.Key.Key_Tab)
        assert focused() is editor.given_name
        QTest.keyClicks(editor.given_name, "Iryna")
        typed.append(editor.family_name.text() + ", " + editor.given_name.text())
        QTest.keyClick(editor.given_name, Qt.Key.Key_S, CTRL)  # save

    def enter(dialog: QWidget) -> None:
        assert isinstance(dialog, AssignClientDialog)
        _when_editor(type_the_name)
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_P, ALT)  # New &person… (runs the editor)
        qtbot.waitUntil(lambda: dialog.picker.client() is not None)
        client = dialog.picker.client()
        assert client is not None and client.display_name == "Kovalenko, Iryna"
        # (The offscreen platform gives the activation back to no window when the editor
        # closes; a window manager gives it to the dialog.)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_S, ALT)  # &Save

    when_modal(enter)
    window.header.assign_button.click()

    assert typed == ["Kovalenko, Iryna"]
    d = cases.get_record(ops.uow, ops.actor, rid)
    assert d.client is not None and d.client.display_name == "Kovalenko, Iryna"
    qtbot.waitUntil(lambda: _clients(page) == ["Kovalenko, Iryna"])
    assert window.header.title.text() == f"{d.number} – Kovalenko, Iryna"
