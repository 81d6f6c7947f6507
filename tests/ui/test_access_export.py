"""An access request (Art. 15 GDPR) from the People page: find the person, press the button,
choose the file; the export is written off the UI thread, and says where."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from tests.ui.conftest import MessageBoxes, type_text
from welcome_center import i18n
from welcome_center.domain.audit import AuditAction, AuditFilter
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    OrganisationDraft,
    PartyDraft,
    PersonDraft,
    RecordDraft,
)
from welcome_center.domain.enums import ClientKind, PartyRole
from welcome_center.services import audit, cases, consultations, people
from welcome_center.services.context import Actor
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.people import SEARCH_DELAY_MS, PeoplePage


def _person(ops: Ops, family: str, given: str) -> int:
    return people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name=family, given_name=given), True
    ).value.id


def _record_with_note(ops: Ops, person_id: int, note: str) -> int:
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person_id), opened_on=office_today())
    record_id = cases.open_record(ops.uow, ops.actor, draft).value.id
    consultations.record_consultation(
        ops.uow, ops.actor, record_id, ConsultationDraft(held_on=office_today(), notes=note)
    )
    return record_id


def _page(qtbot: QtBot, ops: Ops) -> PeoplePage:
    page = PeoplePage(ops)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    return page


def _choose(qtbot: QtBot, page: PeoplePage, text: str) -> None:
    """Type a name, Return: the first person found is selected."""
    type_text(page.search, text)
    qtbot.waitUntil(lambda: page.results.rowCount() > 0, timeout=SEARCH_DELAY_MS * 8)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)


def _save_as(monkeypatch: pytest.MonkeyPatch, target: Path, chosen: str = "") -> list[str]:
    """The file dialog answers ``target``; returns the names it suggested."""
    suggested: list[str] = []

    def answer(_parent: object, _title: str, name: str, _filters: str) -> tuple[str, str]:
        suggested.append(name)
        return str(target), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return suggested


@pytest.mark.parametrize("suffix", [".pdf", ".json"])
def test_select_a_person_press_the_button_and_the_file_is_written(
    qtbot: QtBot,
    ops: Ops,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    message_boxes: MessageBoxes,
    suffix: str,
) -> None:
    lan = _person(ops, "Nguyen", "Thi Lan")
    other = _person(ops, "Okonkwo", "Chidi")
    _record_with_note(ops, lan, "Zeugnisse aus Hanoi mitgebracht.")
    theirs = _record_with_note(ops, other, "Chidi braucht einen Sprachkurs.")
    cases.link_party(
        ops.uow, ops.actor, theirs,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, lan), role=PartyRole.FAMILY_MEMBER),
    )  # fmt: skip
    page = _page(qtbot, ops)
    assert not page.access_button.isEnabled()  # nobody selected
    _choose(qtbot, page, "Nguyen")
    assert page.heading.text() == "Nguyen, Thi Lan (Person)"
    assert page.access_button.isVisible() and page.access_button.isEnabled()
    assert page.access_button.text() == "Access e&xport…"

    target = tmp_path / f"lan{suffix}"
    suggested = _save_as(monkeypatch, target)
    with qtbot.waitSignal(ops.status, timeout=10_000) as done:
        qtbot.mouseClick(page.access_button, Qt.MouseButton.LeftButton)
    assert done.args == [f"Access export saved to {target}."]
    assert Path(suggested[0]).name == (
        f"Access_request_Nguyen_Thi_Lan_{office_today().isoformat()}.pdf"
    )
    assert message_boxes.shown == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("lan")) == [target.name]
    data = target.read_bytes()
    if suffix == ".pdf":
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    else:
        text = json.dumps(json.loads(data), ensure_ascii=False)
    assert "Zeugnisse aus Hanoi mitgebracht." in text
    assert "Okonkwo" not in text and "Chidi" not in text and "Sprachkurs" not in text
    found = audit.search_audit(
        ops.uow, Actor.system("test"), AuditFilter(action=AuditAction.ACCESS_EXPORT)
    )
    assert [(e.entity_id, e.actor) for e in found] == [(lan, "anna")]


def test_a_name_without_ending_gets_the_chosen_format_in_german(
    qtbot: QtBot, ops: Ops, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    i18n.set_language("de")
    _person(ops, "Nguyen", "Thi Lan")
    page = _page(qtbot, ops)
    assert page.access_button.text() == "A&uskunft exportieren …"
    _choose(qtbot, page, "Nguyen")
    _save_as(monkeypatch, tmp_path / "auskunft", "JSON-Datei (*.json)")
    with qtbot.waitSignal(ops.status, timeout=10_000):
        qtbot.mouseClick(page.access_button, Qt.MouseButton.LeftButton)
    written = json.loads((tmp_path / "auskunft.json").read_text(encoding="utf-8"))
    assert written["title"] == "Auskunft nach Art. 15 DSGVO"
    assert written["person"]["family_name"] == "Nguyen"


def test_an_organisation_has_no_access_export_and_an_administrator_sees_no_button(
    qtbot: QtBot, ops: Ops, admin_only_ops: Ops
) -> None:
    people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name="Nguyen Logistik GmbH"))
    page = _page(qtbot, ops)
    _choose(qtbot, page, "Nguyen Logistik")
    assert page.heading.text() == "Nguyen Logistik GmbH (Organisation)"
    assert not page.access_button.isEnabled()
    assert not _page(qtbot, admin_only_ops).access_button.isVisible()


def test_cancelling_the_file_dialog_writes_nothing(
    qtbot: QtBot, ops: Ops, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _person(ops, "Nguyen", "Thi Lan")
    page = _page(qtbot, ops)
    _choose(qtbot, page, "Nguyen")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    qtbot.mouseClick(page.access_button, Qt.MouseButton.LeftButton)
    found = audit.search_audit(
        ops.uow, Actor.system("test"), AuditFilter(action=AuditAction.ACCESS_EXPORT)
    )
    assert found == []
    assert list(tmp_path.glob("*.pdf")) == []
