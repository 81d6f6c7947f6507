"""User text is data: never a mnemonic, never markup, anywhere in the desk (issue 11, item 2).

"Nette Textilveredlung GmbH & Co. KG" showed as "GmbH _Co. KG" on the client button, with the
"&" turned into a keyboard shortcut. The test fills an office with names that contain "&" and
HTML, opens every page, the record window, the client's page and the quick enquiry, and then
reads every label and button on the screen as a user sees them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtGui
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.views import ClientRef
from welcome_center.services import cases, people
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops

COMPANY = "Nette Textilveredlung GmbH & Co. KG"
PERSON = ("<b>Fett</b> & Söhne", "<i>Anna</i>")
SUMMARY = "Anerkennung <u>Pflege</u> & Einstellung"


def _office(ops: Ops) -> tuple[list[int], int, int]:
    org = people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name=COMPANY), True)
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name=PERSON[0], given_name=PERSON[1]), True
    )
    opened = []
    for kind, cid in (
        (ClientKind.ORGANISATION, org.value.id),
        (ClientKind.PERSON, person.value.id),
    ):
        draft = RecordDraft(
            client=ClientChoice(kind, cid), opened_on=office_today(), summary=SUMMARY
        )
        opened.append(cases.open_record(ops.uow, ops.actor, draft).value.id)
    return opened, org.value.id, person.value.id


def _shown(widget: QWidget) -> tuple[str, str] | None:
    """(what the widget holds, how Qt reads it) for labels, buttons and group titles."""
    if isinstance(widget, QLabel):
        plain = widget.textFormat() == Qt.TextFormat.PlainText or (
            widget.textFormat() == Qt.TextFormat.AutoText
            and not QtGui.Qt.mightBeRichText(widget.text())
        )
        return widget.text(), "plain" if plain else "rich"
    if isinstance(widget, QAbstractButton):
        return widget.text(), "mnemonic"
    if isinstance(widget, QGroupBox):
        return widget.title(), "mnemonic"
    return None


def _problems() -> list[str]:
    found = []
    for widget in QApplication.allWidgets():
        shown = _shown(widget)
        if shown is None or not widget.isVisible():
            continue
        text, how = shown
        if how == "rich" and any(tag in text for tag in ("<b>Fett", "<i>Anna", "<u>Pflege")):
            found.append(f"markup in {type(widget).__name__}: {text!r}")
        if how == "mnemonic" and ("GmbH & Co" in text or "Fett</b> & S" in text):
            found.append(f"'&' as a shortcut in {type(widget).__name__}: {text!r}")
        if how == "plain" and widget.buddy() is not None and "GmbH & Co" in text:
            found.append(f"'&' as a shortcut in a label with a buddy: {text!r}")
    return found


def test_names_with_ampersand_and_markup_show_as_written(
    qtbot: QtBot, ops: Ops, tmp_path: Path
) -> None:
    records, org_id, person_id = _office(ops)
    window = MainWindow(ops, QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    problems: list[str] = []
    for key in window.pages:
        window.show_page(key)
        qtbot.wait(10)
        problems += _problems()
    for kind, cid, name in (
        (ClientKind.ORGANISATION, org_id, COMPANY),
        (ClientKind.PERSON, person_id, ", ".join(PERSON)),
    ):
        window.open_client(ClientRef(kind, cid, name))
        problems += _problems()
    for record_id in records:
        window.open_record(record_id)
        qtbot.waitExposed(window.record_windows[record_id])
        problems += _problems()
    buttons = window.record_windows[records[0]].findChildren(QAbstractButton)
    texts = [b.text() for b in buttons if "Textilveredlung" in b.text()]
    assert texts and all("GmbH && Co. KG" in t for t in texts), texts
    assert sorted(set(problems)) == []
