"""Merging a person recorded twice at the desk: from the People page (Merge with…, the other
chosen by name), and from the administrator's list of likely duplicates; the values chosen
per field, the counts of what moves, the question before, the mnemonics in German and English."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMessageBox,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from tests.ui.conftest import MessageBoxes
from welcome_center import i18n
from welcome_center.db.models import ContactPerson, Person, Record
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people
from welcome_center.ui.dialogs.merge import ChooseOther, MergeDialog
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.admin import AdminPage
from welcome_center.ui.pages.people import PeoplePage

BORN = date(1990, 3, 4)


def _person(ops: Ops, family: str, given: str, **kw: object) -> int:
    draft = PersonDraft(family_name=family, given_name=given, **kw)  # type: ignore[arg-type]
    return people.create_person(ops.uow, ops.actor, draft, True).value.id


def _record(ops: Ops, person: int) -> int:
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=office_today())
    return cases.open_record(ops.uow, ops.actor, draft).value.id


def _alt(widget: QWidget, letter: str) -> None:
    """Alt+letter typed into the window, where Qt finds mnemonics; a button so reached clicks
    itself a moment later (Qt animates the press), so wait for it."""
    key = getattr(Qt.Key, f"Key_{letter.upper()}")
    QTest.keyClick(widget.window().windowHandle(), key, Qt.KeyboardModifier.AltModifier)
    QTest.qWait(250)


def when_dialog(kind: type, action: Callable[[QWidget], None], timeout_ms: int = 3000) -> None:
    """Run ``action`` on the next modal dialog of ``kind`` (dialogs run with exec())."""
    waited = 0

    def poll() -> None:
        nonlocal waited
        modal = QApplication.activeModalWidget()
        if isinstance(modal, kind) and modal.isVisible():
            action(modal)
            return
        waited += 20
        if waited < timeout_ms:
            QTimer.singleShot(20, poll)
        elif modal is not None:  # not the one expected: close it, the test fails, never hangs
            failed.append(type(modal).__name__)
            modal.close()

    QTimer.singleShot(0, poll)


failed: list[str] = []


def _mnemonics(widget: QWidget) -> list[str]:
    texts = [b.text() for b in widget.findChildren(QAbstractButton)]
    texts += [lab.text() for lab in widget.findChildren(QLabel) if lab.buddy() is not None]
    return [t[t.index("&") + 1].lower() for t in texts if "&" in t.replace("&&", "")]


@pytest.fixture(params=["de", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


def test_a_person_is_merged_from_the_people_page_by_keys(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    keep = _person(ops, "Hassan", "Muhammad", birth_date=BORN, nationality="SY")
    other = _person(ops, "Hasan", "Mohamed", email="m.hasan@example.org")
    _record(ops, keep)
    theirs = _record(ops, other)
    page = PeoplePage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    qtbot.keyClicks(page.search, "Hassan")
    QTest.keyClick(page.search, Qt.Key.Key_Return)
    assert page.current is not None and page.current.id == keep
    seen: dict[str, object] = {}

    def merge(dialog: QWidget) -> None:
        assert isinstance(dialog, MergeDialog)
        seen["counts"] = [
            lab.text() for lab in dialog.grid_box.findChildren(QLabel) if lab.text() == "1"
        ]
        # The e-mail: Hassan has none, so the other's is proposed; the name stays Hassan's.
        assert dialog.taken() == ["email"]
        dialog.choose("nationality", 0)
        _alt(dialog, "m")

    def choose(chooser: QWidget) -> None:
        assert isinstance(chooser, ChooseOther)
        qtbot.keyClicks(chooser.picker.edit, "Hasan Mohamed")
        when_dialog(MergeDialog, merge)
        QTest.keyClick(chooser.picker.edit, Qt.Key.Key_Return)  # the one hit is chosen

    when_dialog(ChooseOther, choose)
    with qtbot.waitSignal(page.merge_button.clicked, timeout=5000):
        _alt(page, "m")

    assert message_boxes.buttons == [["Merge", "Cancel"]]  # asked once before
    assert len(seen["counts"]) >= 2  # type: ignore[arg-type]  (one record each)
    with ops.uow.read() as s:
        assert s.get(Person, other) is None
        kept = s.get(Person, keep)
        assert kept is not None and kept.email == "m.hasan@example.org"
        assert kept.family_name == "Hassan"
        assert s.get(Record, theirs).client_person_id == keep  # type: ignore[union-attr]
    assert page.current is not None and page.current.id == keep
    assert "m.hasan@example.org" in page.details.values.values()


def test_the_other_one_may_stay_and_cancel_merges_nothing(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    first = _person(ops, "Iwanow", "Sergej", birth_date=BORN)
    second = _person(ops, "Ivanov", "Sergey", birth_date=BORN)
    dialog = MergeDialog(ops, ClientKind.PERSON, first, second)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    message_boxes.answer = "Cancel"
    _alt(dialog, "o")  # the other one stays
    assert dialog.second_stays.isChecked()
    assert dialog.taken() == []  # its own values win by default
    dialog.choose("family_name", 0)
    assert dialog.taken() == ["family_name"]
    _alt(dialog, "m")
    with ops.uow.read() as s:
        assert s.get(Person, first) is not None  # cancelled
    message_boxes.answer = ""
    QTest.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.merged_into == second
    with ops.uow.read() as s:
        assert s.get(Person, first) is None
        survivor = s.get(Person, second)
        assert survivor is not None and survivor.family_name == "Iwanow"
        assert survivor.given_name == "Sergey"


def test_a_stale_merge_dialog_says_so_and_reads_both_again(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    first = _person(ops, "Celik", "Ayse")
    second = _person(ops, "Çelik", "Ayşe")
    dialog = MergeDialog(ops, ClientKind.PERSON, first, second)
    qtbot.addWidget(dialog)
    dialog.show()
    people.update_person(ops.uow, ops.actor, second, PersonDraft(family_name="Çelik"), 1)
    said: list[str] = []

    def reload(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        said.append(box.text())
        next(b for b in box.buttons() if b.text().replace("&", "") == "Reload").click()

    when_dialog(QMessageBox, reload)
    QTest.mouseClick(dialog.merge_button, Qt.MouseButton.LeftButton)
    assert dialog.merged_into is None
    assert len(said) == 1 and "changed by" in said[0]
    assert dialog.preview is not None and dialog.preview.second.version == 2  # read again
    with ops.uow.read() as s:
        assert s.get(Person, second) is not None


def test_the_administrator_merges_from_the_list_of_likely_duplicates(
    qtbot: QtBot, ops: Ops, admin_only_ops: Ops, message_boxes: MessageBoxes
) -> None:
    a = _person(ops, "Nguyen", "Thi Lan", birth_date=BORN, notes="private note")
    b = _person(ops, "Nguyễn", "Thi Lan", birth_date=BORN)
    page = AdminPage(admin_only_ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    tabs = page.findChild(QTabWidget)
    tabs.setCurrentWidget(page.duplicates)
    _alt(page, "l")  # Look for duplicates (in the background)
    qtbot.waitUntil(lambda: page.duplicates.pairs.rowCount() == 1, timeout=10_000)
    assert page.duplicates.pairs.text(0, 0).startswith("Nguyen")

    def merge(dialog: QWidget) -> None:
        assert isinstance(dialog, MergeDialog)
        assert "notes" not in dialog.rows  # never case content for the administrator
        texts = [w.text() for w in dialog.findChildren(QAbstractButton)]
        assert not any("private" in t for t in texts)
        _alt(dialog, "m")

    when_dialog(MergeDialog, merge)
    QTest.keyClick(page.duplicates.table, Qt.Key.Key_Return)
    with ops.uow.read() as s:
        assert s.get(Person, b) is None
        kept = s.get(Person, a)
        assert kept is not None and kept.notes == "private note"
    assert page.duplicates.pairs.rowCount() == 0  # the merged pair left the list at once
    qtbot.waitUntil(lambda: page.duplicates.running is None, timeout=10_000)
    assert page.duplicates.hint.text() == "No likely duplicates found."


def test_two_organisations_merged_keep_a_contact_person_at_both_once(
    qtbot: QtBot, ops: Ops, message_boxes: MessageBoxes
) -> None:
    def org(name: str, contact: str, email: str, phone: str) -> int:
        draft = OrganisationDraft(name=name)
        oid = people.create_organisation(ops.uow, ops.actor, draft, True).value.id
        with ops.uow.begin() as s:
            s.add(ContactPerson(organisation_id=oid, name=contact, email=email, phone=phone))
        return oid

    keep = org("Muster GmbH", "Anna Roth", "a.roth@muster.example", "")
    other = org("Muster Gesellschaft mbH", "Roth, Anna", "A.Roth@muster.example", "0371 12")
    dialog = MergeDialog(ops, ClientKind.ORGANISATION, keep, other)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    said = [lab.text() for lab in dialog.grid_box.findChildren(QLabel)]
    assert (
        "1 contact person is recorded at both: kept once, what one lacks taken from the other."
        in said
    )
    _alt(dialog, "m")
    assert message_boxes.buttons == [["Merge", "Cancel"]]
    assert dialog.merged_into == keep
    with ops.uow.read() as s:
        contacts = s.scalars(select(ContactPerson).order_by(ContactPerson.id)).all()
        assert [(c.organisation_id, c.name, c.phone) for c in contacts] == [
            (keep, "Anna Roth", "0371 12")
        ]


def test_mnemonics_are_unique_in_the_merge_windows(
    qtbot: QtBot, ops: Ops, admin_ops: Ops, language: str
) -> None:
    first = _person(ops, "Weber", "Jonas", email="a@example.org")
    second = _person(ops, "Webber", "Jonas")
    dialog = MergeDialog(ops, ClientKind.PERSON, first, second)
    qtbot.addWidget(dialog)
    chooser = ChooseOther(ops, people.client_ref(ClientKind.PERSON, _load(ops, first)))
    qtbot.addWidget(chooser)
    page = PeoplePage(ops)
    qtbot.addWidget(page)
    admin = AdminPage(admin_ops)
    qtbot.addWidget(admin)
    tab_letters = [
        t[t.index("&") + 1].lower()
        for t in (admin.tabs.tabText(i) for i in range(admin.tabs.count()))
        if "&" in t
    ] + [i18n._("&Desk")[i18n._("&Desk").index("&") + 1].lower(), i18n._("&Help")[1].lower()]
    for window in (dialog, chooser, page):
        letters = _mnemonics(window)
        assert len(letters) == len(set(letters)), (language, letters)
    letters = tab_letters + _mnemonics(admin.duplicates)
    assert len(letters) == len(set(letters)), (language, letters)
    # The buttons speak the desk's language.
    assert dialog.merge_button.text() == {"de": "&Zusammenführen …", "en": "&Merge…"}[language]


def _load(ops: Ops, pid: int) -> Person:
    with ops.uow.read() as s:
        p = s.get(Person, pid)
        assert p is not None
        s.expunge(p)
        return p
