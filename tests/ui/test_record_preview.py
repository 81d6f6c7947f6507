"""The preview beside the record list, as a counsellor uses it: Down moves it without opening
anything, Enter opens the record window, a narrow window hides it, F8 (View → Preview pane)
toggles it and is remembered per user, a save elsewhere updates it, and user text stays text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from PySide6 import QtGui
from PySide6.QtCore import QSettings, Qt

from tests.consents import consent_to_referrals
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, consultations, follow_ups, people, referrals
from welcome_center.ui.main_window import MainWindow
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import RecordsPage
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.widgets.record_preview import SETTLE_MS, excerpt

WIDE, NARROW = (1300, 700), (900, 700)


def _record(ops: Ops, family: str, given: str, days_ago: int, **kw: object) -> int:
    person = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name=family, given_name=given), True
    ).value
    draft = RecordDraft(
        client=ClientChoice(ClientKind.PERSON, person.id),
        opened_on=office_today() - timedelta(days=days_ago),
        **kw,  # type: ignore[arg-type]
    )
    return cases.open_record(ops.uow, ops.actor, draft).value.id


@pytest.fixture
def office(ops: Ops) -> dict[str, int]:
    """Three records, newest first in the list: Nowak (today), Haddad (3 days), Berg (9 days);
    Haddad's has a consultation with notes, a follow-up and an open referral."""
    ids = {
        "berg": _record(ops, "Berg", "Lina", 9),
        "haddad": _record(ops, "Haddad", "Samir", 3, topics=("residence",)),
        "nowak": _record(ops, "Nowak", "Piotr", 0),
    }
    today = office_today()
    notes = "Visum läuft im März ab.\nUnterlagen fehlen noch.\n\nTermin bei der ABH.\n4\n5\n6"
    consultations.record_consultation(
        ops.uow,
        ops.actor,
        ids["haddad"],
        ConsultationDraft(held_on=today - timedelta(days=1), duration_minutes=30, notes=notes),
    )
    follow_ups.add_follow_up(ops.uow, ops.actor, ids["haddad"], today + timedelta(days=5),
                             "Rückruf wegen Pass")  # fmt: skip
    partner = people.list_partners(ops.uow)[0]
    from welcome_center.domain.drafts import ReferralDraft

    consent_to_referrals(ops.uow, ops.actor, ids["haddad"])  # a referral needs consent
    referrals.refer(
        ops.uow, ops.actor, ids["haddad"], ReferralDraft(partner_id=partner.id, referred_on=today)
    )
    ids["partner"] = partner.id
    return ids


@pytest.fixture
def page(qtbot, ops: Ops, office: dict[str, int]) -> RecordsPage:  # type: ignore[no-untyped-def]
    p = RecordsPage(ops)
    qtbot.addWidget(p)
    p.resize(*WIDE)
    p.show()
    qtbot.waitExposed(p)
    p.activated()
    return p


def _down_into_list(qtbot, page: RecordsPage, times: int = 1) -> None:  # type: ignore[no-untyped-def]
    """From the search box, Down moves into the list (onto its first line), then on."""
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    for _ in range(times - 1):
        qtbot.keyClick(page.table, Qt.Key.Key_Down)


def _shows(qtbot, page: RecordsPage, client: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.preview.client.text() == client, timeout=2000)


def test_down_moves_the_preview_to_the_second_record_without_opening_it(
    qtbot, page: RecordsPage, ops: Ops
) -> None:  # type: ignore[no-untyped-def]
    opened: list[int] = []
    ops.open_record_requested.connect(opened.append)
    assert page.preview.isVisible()
    assert "Select a record" in page.preview.empty.text()
    _down_into_list(qtbot, page)
    _shows(qtbot, page, "Nowak, Piotr")
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    _shows(qtbot, page, "Haddad, Samir")
    p = page.preview
    today = office_today()
    assert p.number.text().startswith("WC-")
    assert p.kind_status.text() == "Enquiry · In progress"  # the consultation moved it on
    assert p.counsellor.text() == "Anna Berger"
    assert p.opened.text() == short_date(today - timedelta(days=3))
    assert p.last_contact.text() == short_date(today - timedelta(days=1))
    assert p.topics.text() == "Residence, entry, visa"
    assert (
        p.next_follow_up.text() == f"{short_date(today + timedelta(days=5))} – Rückruf wegen Pass"
    )
    assert short_date(today) in p.referrals.text()
    assert p.consultation.text() == (
        f"Last consultation on {short_date(today - timedelta(days=1))}:"
    )
    assert p.notes.text() == (
        "Visum läuft im März ab.\nUnterlagen fehlen noch.\nTermin bei der ABH.\n4…"
    )
    assert p.hint.isVisible() and p.hint.text() == "Enter opens the record."
    assert opened == []  # moving never opens
    assert page.table.hasFocus()


def test_holding_down_reads_once_the_selection_rests(qtbot, page: RecordsPage) -> None:  # type: ignore[no-untyped-def]
    _down_into_list(qtbot, page, times=3)  # three moves within a few milliseconds
    _shows(qtbot, page, "Berg, Lina")
    assert page.preview.reads == 1
    qtbot.wait(SETTLE_MS * 2)
    assert page.preview.reads == 1


def test_reloading_the_list_does_not_read_the_shown_record_again(qtbot, page: RecordsPage) -> None:  # type: ignore[no-untyped-def]
    _down_into_list(qtbot, page, times=2)
    _shows(qtbot, page, "Haddad, Samir")
    for _ in range(3):
        page.refresh()  # F5 or a new record elsewhere: the model is reset, the row reselected
    qtbot.wait(SETTLE_MS * 2)
    assert page.preview.reads == 1
    assert page.preview.client.text() == "Haddad, Samir"


def test_a_filter_that_drops_the_record_empties_the_preview(qtbot, page: RecordsPage) -> None:  # type: ignore[no-untyped-def]
    _down_into_list(qtbot, page, times=2)
    _shows(qtbot, page, "Haddad, Samir")
    qtbot.keyClicks(page.search, "nowak")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # searches, moves to the first line
    _shows(qtbot, page, "Nowak, Piotr")
    qtbot.keyClicks(page.search, "xyz")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.preview.details is None)
    assert page.preview.empty.isVisible()


def test_a_narrow_page_hides_the_preview_and_reads_nothing_until_it_is_wide_again(
    qtbot, page: RecordsPage
) -> None:  # type: ignore[no-untyped-def]
    page.resize(*NARROW)
    qtbot.waitUntil(lambda: not page.preview.isVisible())
    qtbot.waitUntil(lambda: page.table.width() > NARROW[0] - 60)  # the list takes the page
    _down_into_list(qtbot, page, times=2)
    qtbot.wait(SETTLE_MS * 2)
    assert page.preview.reads == 0
    qtbot.keyClick(page.table, Qt.Key.Key_F8)  # off
    with qtbot.waitSignal(page.ops.status) as said:
        qtbot.keyClick(page.table, Qt.Key.Key_F8)  # on again: nothing to see, so it says why
    assert said.args == ["The window is too narrow for the preview."]
    page.resize(*WIDE)
    qtbot.waitUntil(lambda: page.preview.isVisible())
    _shows(qtbot, page, "Haddad, Samir")
    assert page.preview.reads == 1


def test_a_save_elsewhere_updates_the_preview(qtbot, page: RecordsPage, ops: Ops, office) -> None:  # type: ignore[no-untyped-def]
    _down_into_list(qtbot, page, times=3)
    _shows(qtbot, page, "Berg, Lina")
    assert page.preview.consultation.text() == "No consultation yet."
    berg = office["berg"]
    yesterday = office_today() - timedelta(days=1)
    draft = ConsultationDraft(
        held_on=yesterday, duration_minutes=45, notes="Anerkennung Pflege besprochen"
    )
    # as the record window saves: through the desk's Ops, whose broadcast names the record
    ops.write(None, lambda uow, actor: consultations.record_consultation(uow, actor, berg, draft))
    qtbot.waitUntil(lambda: page.preview.notes.text() == "Anerkennung Pflege besprochen")
    assert page.preview.consultation.text() == f"Last consultation on {short_date(yesterday)}:"
    assert page.preview.kind_status.text() == "Enquiry · In progress"
    # the client renamed on the people page: the preview shows the new name
    person = page.preview.details.client.id  # type: ignore[union-attr]
    view = people.get_person(ops.uow, ops.actor, person)
    ops.write(
        None,
        lambda uow, actor: people.update_person(
            uow,
            actor,
            person,
            PersonDraft(family_name="Berg-Lindqvist", given_name="Lina"),
            view.version,
        ),
    )
    _shows(qtbot, page, "Berg-Lindqvist, Lina")
    reads = page.preview.reads
    # a save that names another record reads nothing
    haddad = office["haddad"]
    ops.write(
        None,
        lambda uow, actor: follow_ups.add_follow_up(uow, actor, haddad, office_today()),
    )
    qtbot.wait(SETTLE_MS * 2)
    assert page.preview.reads == reads


def test_names_with_ampersand_and_markup_are_shown_as_written(
    qtbot, page: RecordsPage, ops: Ops
) -> None:  # type: ignore[no-untyped-def]
    _record(ops, "Bauer & <b>Söhne</b>", "Ida <i>x</i>", 0)
    page.refresh()
    _down_into_list(qtbot, page)
    name = "Bauer & <b>Söhne</b>, Ida <i>x</i>"
    _shows(qtbot, page, name)
    label = page.preview.client
    assert QtGui.Qt.mightBeRichText(name)  # a label left to guess would paint it as markup
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert all(
        w.textFormat() == Qt.TextFormat.PlainText
        for w in (page.preview.notes, page.preview.referrals, page.preview.next_follow_up)
    )


def test_notes_excerpt_keeps_a_few_lines_and_says_when_it_cut() -> None:
    assert excerpt("eins\n\nzwei") == "eins\nzwei"
    assert excerpt("a\nb\nc\nd\ne") == "a\nb\nc\nd…"
    assert excerpt("x" * 500).endswith("…") and len(excerpt("x" * 500)) <= 321
    assert excerpt("") == ""


# -- in the main window: Enter opens the record window; F8 and View → Preview pane --------------


@pytest.fixture
def state(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


def _desk(qtbot, ops: Ops, state: QSettings) -> tuple[MainWindow, RecordsPage]:  # type: ignore[no-untyped-def]
    w = MainWindow(ops, state)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    qtbot.waitActive(w)
    qtbot.keyClick(w.windowHandle(), Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    page = w.current_page()
    assert isinstance(page, RecordsPage)
    qtbot.wait(10)  # the window's fit to the (small, offscreen) screen comes after showing
    w.resize(1366, 740)  # a 1366x768 laptop's screen, less the panel
    return w, page


def test_enter_opens_the_record_window_with_the_preview_beside_the_list(
    qtbot, ops: Ops, office, state: QSettings
) -> None:  # type: ignore[no-untyped-def]
    w, page = _desk(qtbot, ops, state)
    qtbot.waitUntil(lambda: page.preview.isVisible())
    _down_into_list(qtbot, page, times=2)
    _shows(qtbot, page, "Haddad, Samir")
    assert w.record_windows == {}
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert list(w.record_windows) == [office["haddad"]]
    assert w.record_windows[office["haddad"]].isVisible()
    w.record_windows[office["haddad"]].close()


def test_double_click_opens_the_record_window(qtbot, ops: Ops, office, state: QSettings) -> None:  # type: ignore[no-untyped-def]
    w, page = _desk(qtbot, ops, state)
    row = page.model.row_of(office["berg"])
    rect = page.table.visualRect(page.model.index(row, 3))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    _shows(qtbot, page, "Berg, Lina")
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert list(w.record_windows) == [office["berg"]]
    w.record_windows[office["berg"]].close()


def test_f8_toggles_the_preview_and_it_is_remembered_per_user(
    qtbot, ops: Ops, ops_for, ben, office, state: QSettings
) -> None:  # type: ignore[no-untyped-def]
    w, page = _desk(qtbot, ops, state)
    qtbot.waitUntil(lambda: page.preview.isVisible())
    menus = {a.text(): a.menu() for a in w.menuBar().actions()}
    entry = menus["&View"].actions()[0]
    assert entry.text() == "&Preview pane" and entry.isChecked()
    assert page.preview_action is entry  # the page's toggle is the menu's entry
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F8)
    assert not page.preview.isVisible() and not entry.isChecked()
    w.close()
    other, other_page = _desk(qtbot, ops_for(ben), state)
    qtbot.waitUntil(lambda: other_page.preview.isVisible())  # Ben's choice is his own
    other.close()
    _again, page = _desk(qtbot, ops, state)
    qtbot.wait(50)
    assert not page.preview.isVisible()
    qtbot.keyClick(page.search, Qt.Key.Key_F8)  # from anywhere on the page
    qtbot.waitUntil(lambda: page.preview.isVisible())
    assert state.value("users/anna/records/preview", type=bool) is True


def test_the_view_menu_is_there_from_the_start_and_not_for_a_manager(
    qtbot, ops: Ops, ops_for, manager, state: QSettings
) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(ops, state)
    qtbot.addWidget(w)
    assert "records" not in w.pages.built  # the list itself comes when first shown
    titles = [a.text() for a in w.menuBar().actions()]
    assert titles.index("&View") == titles.index("&Desk") + 1
    boss = MainWindow(ops_for(manager), state)
    qtbot.addWidget(boss)
    assert "&View" not in [a.text() for a in boss.menuBar().actions()]
