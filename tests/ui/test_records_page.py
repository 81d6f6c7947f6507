"""The record list as a counsellor uses it: search, filters, sorting, Enter, export."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from tests.ui.conftest import type_text
from tests.ui.date_typing import type_date
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, OrganisationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.services import cases, follow_ups, people
from welcome_center.ui.models.record_table import BLOCK, RecordTableModel
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.records import SEARCH_DELAY_MS, RecordsPage
from welcome_center.ui.qt_i18n import short_date


def _person(ops: Ops, family: str, given: str) -> ClientChoice:
    saved = people.create_person(
        ops.uow, ops.actor, PersonDraft(family_name=family, given_name=given), True
    )
    return ClientChoice(ClientKind.PERSON, saved.value.id)


def _record(ops: Ops, client: ClientChoice, **kw: object) -> int:
    draft = RecordDraft(client=client, opened_on=kw.pop("opened_on", office_today()), **kw)  # type: ignore[arg-type]
    return cases.open_record(ops.uow, ops.actor, draft).value.id


@pytest.fixture
def office(ops: Ops, ben_ops: Ops) -> dict[str, int]:
    """Four records: two of Anna's, one of Ben's, one company enquiry."""
    today = office_today()
    mueller = _person(ops, "Müller", "Jürgen")
    nguyen = _person(ops, "Nguyen", "Thi Lan")
    org = people.create_organisation(ops.uow, ops.actor, OrganisationDraft(name="Zahnrad GmbH"))
    firm = ClientChoice(ClientKind.ORGANISATION, org.value.id)
    ids = {
        "mueller": _record(ops, mueller, topics=("residence",), summary="Visum verlängern",
                           opened_on=today - timedelta(days=40)),
        "nguyen": _record(ops, nguyen, kind=RecordKind.CASE, topics=("recognition",),
                          requester_type="person_abroad", opened_on=today - timedelta(days=10)),
        "firm": _record(ops, firm, topics=("hiring", "residence"), requester_type="company",
                        opened_on=today - timedelta(days=2)),
        "ben": _record(ben_ops, nguyen, topics=("language",), opened_on=today),
    }  # fmt: skip
    follow_ups.add_follow_up(ops.uow, ops.actor, ids["mueller"], today - timedelta(days=3))
    return ids


@pytest.fixture
def ben_ops(ops_for, ben) -> Ops:  # type: ignore[no-untyped-def]
    return ops_for(ben)


@pytest.fixture
def page(qtbot, ops: Ops) -> RecordsPage:  # type: ignore[no-untyped-def]
    p = RecordsPage(ops)
    qtbot.addWidget(p)
    p.resize(1300, 700)
    p.show()
    qtbot.waitExposed(p)
    p.activated()
    return p


def _numbers(page: RecordsPage) -> list[str]:
    m = page.model
    return [m.data(m.index(r, 0)) for r in range(m.rowCount())]


def _clients(page: RecordsPage) -> list[str]:
    m = page.model
    return [m.data(m.index(r, 3)) for r in range(m.rowCount())]


def test_lists_newest_first_with_words_for_kind_and_status(office, page: RecordsPage) -> None:
    m = page.model
    assert m.rowCount() == 4
    assert _clients(page)[0] == "Nguyen, Thi Lan"  # Ben's, opened today
    row = m.row_of(office["nguyen"])
    assert m.data(m.index(row, 1)) == "Case"
    assert m.data(m.index(row, 2)) == "New"
    assert m.data(m.index(row, 5)) == "Anna Berger"
    assert page.count.text() == "4 records"


def test_search_as_you_type_finds_by_name_with_umlaut_and_by_note_word(
    office, page: RecordsPage, qtbot
) -> None:  # type: ignore[no-untyped-def]
    type_text(page.search, "Müll")
    qtbot.wait(SEARCH_DELAY_MS + 100)
    assert _clients(page) == ["Müller, Jürgen"]
    page.search.clear()
    type_text(page.search, "visum")
    qtbot.wait(SEARCH_DELAY_MS + 100)
    assert _clients(page) == ["Müller, Jürgen"]
    page.search.clear()
    qtbot.keyClicks(page.search, "zahnrad")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # Enter searches at once and goes to the list
    assert _clients(page) == ["Zahnrad GmbH"]
    assert page.table.hasFocus()


def test_search_finds_a_record_by_its_number(office, page: RecordsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    number = page.model.data(page.model.index(page.model.row_of(office["firm"]), 0))
    qtbot.keyClicks(page.search, number)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert _numbers(page) == [number]


def test_nothing_found_says_what_to_do(office, page: RecordsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(page.search, "xyzzy")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.model.rowCount() == 0
    assert "reset the filters" in page.empty.text()


def _choose(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    combo.setCurrentIndex(combo.findData(data))


def test_filters_combine_in_sql(office, page: RecordsPage, ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    _choose(page.counsellor, "mine")
    assert sorted(page.model.ids) == sorted([office["mueller"], office["nguyen"], office["firm"]])
    _choose(page.topic, "residence")
    assert sorted(page.model.ids) == sorted([office["mueller"], office["firm"]])
    _choose(page.requester, "company")
    assert page.model.ids == [office["firm"]]
    page.reset_filters()
    assert page.model.rowCount() == 4
    _choose(page.kind, RecordKind.CASE)
    assert page.model.ids == [office["nguyen"]]
    page.reset_filters()
    page.overdue.setChecked(True)
    assert page.model.ids == [office["mueller"]]
    page.reset_filters()
    type_date(qtbot, page.opened_from, short_date(office_today() - timedelta(days=12)), True)
    type_date(qtbot, page.opened_to, short_date(office_today() - timedelta(days=1)), True)
    assert sorted(page.model.ids) == sorted([office["nguyen"], office["firm"]])


def test_clicking_a_header_sorts_by_that_column_in_sql(office, page: RecordsPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(3) + 5
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=header.rect().topLeft() + type(header.rect().topLeft())(x, 5),
    )
    clients = _clients(page)
    assert clients == sorted(clients, key=str.casefold) or clients == sorted(
        clients, key=str.casefold, reverse=True
    )
    assert page.model.query.sort.value == "client"


def test_enter_opens_the_selected_record_and_typing_jumps_to_search(
    office, page: RecordsPage, qtbot
) -> None:  # type: ignore[no-untyped-def]
    page.select_record(office["firm"])
    page.table.setFocus()
    with qtbot.waitSignal(page.ops.open_record_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [office["firm"]]
    qtbot.keyClicks(page.table, "ng")
    assert page.search.hasFocus()
    assert page.search.text() == "ng"


def test_a_record_saved_elsewhere_appears_and_changes_its_line(
    office, page: RecordsPage, ops: Ops
) -> None:
    client = _person(ops, "Öztürk", "Ayşe")
    saved = ops.write(
        None,
        lambda uow, actor: cases.open_record(
            uow, actor, RecordDraft(client=client, opened_on=office_today())
        ),
    )
    assert saved is not None
    assert "Öztürk, Ayşe" in _clients(page)
    details = saved.value
    ops.write(None, lambda uow, actor: cases.promote(uow, actor, details.id, details.version))
    row = page.model.row_of(details.id)
    assert page.model.data(page.model.index(row, 1)) == "Case"


def test_the_model_passes_qtmodeltester(office, ops: Ops, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = RecordTableModel(ops)
    model.set_query(model.query)
    qtmodeltester.check(model)


def test_rows_are_read_in_blocks_not_all_at_once(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo

    generate_demo(ops.uow, Actor.system("test"), records=BLOCK * 3 + 17, seed=3)
    model = RecordTableModel(ops)
    model.set_query(model.query)
    assert model.rowCount() == BLOCK * 3 + 17
    assert model.blocks_read == 0
    assert model.data(model.index(BLOCK * 3 + 5, 0))  # the last block
    assert model.blocks_read == 1
    model.data(model.index(BLOCK * 3 + 6, 3))
    assert model.blocks_read == 1


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_writes_the_list_and_never_a_formula(
    suffix: str, page: RecordsPage, ops: Ops, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    client = _person(ops, '=HYPERLINK("http://x")', "Mallory")
    _record(ops, client, topics=("residence",), opened_on=date(2026, 3, 2))
    page.refresh()
    target = tmp_path / f"list{suffix}"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(ops.status, timeout=5000) as done:
        page.export()
    assert "1 record exported" in done.args[0]
    if suffix == ".csv":
        with target.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
        assert rows[0][:4] == ["Number", "Kind", "Status", "Client"]
        assert rows[1][3] == '\'=HYPERLINK("http://x"), Mallory'
        assert rows[1][4] == "02/03/2026"
    else:
        ws = openpyxl.load_workbook(target).active
        assert ws.cell(2, 4).data_type == "s"
        assert ws.cell(2, 4).value == '=HYPERLINK("http://x"), Mallory'
        assert ws.cell(2, 5).is_date
        assert ws.cell(2, 8).value == "Residence, entry, visa"


def test_a_search_lists_the_newest_matches_first_and_the_rest_as_the_list_is_scrolled(
    page: RecordsPage, ops: Ops, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """A word in every record ("WC", the number's prefix): the first 100 newest are listed at
    once, the total follows from the background, and Ctrl+End at the end of the list fetches
    the next matches, as many as are listed, until all are there."""
    from welcome_center.domain.queries import RecordQuery
    from welcome_center.services import record_list
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo
    from welcome_center.ui.models.record_table import FIRST_PAGE

    records = 2 * FIRST_PAGE + 17
    generate_demo(ops.uow, Actor.system("test"), records=records, seed=3)
    every = record_list.record_ids(ops.uow, ops.actor, RecordQuery(text="WC"))
    assert len(every) == records
    type_text(page.search, "WC")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.model.ids == every[:FIRST_PAGE]  # the newest, in the list's order
    newest = record_list.record_rows(ops.uow, ops.actor, every[:1])[0]
    assert page.model.data(page.model.index(0, 4)) == short_date(newest.opened_on)
    assert page.count.text() == "More than 100 records (counting …)"
    qtbot.waitUntil(lambda: page.count.text() == f"{records} records", timeout=5000)
    assert page.model.rowCount() == FIRST_PAGE  # counted, not fetched
    assert page.table.hasFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    listed = page.model.rowCount()
    assert listed > FIRST_PAGE
    assert page.model.ids == every[:listed]
    for _ in range(3):  # the end of what is listed fetches more until there is no more
        qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert page.model.ids == every
    assert not page.model.canFetchMore()
    assert page.table.currentIndex().row() == records - 1
    assert page.model.data(page.table.currentIndex().siblingAtColumn(0))
    assert page.count.text() == f"{records} records"


def test_an_export_of_a_search_holds_every_match_not_only_those_listed(
    page: RecordsPage, ops: Ops, qtbot, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from welcome_center.services.context import Actor
    from welcome_center.services.demo import generate_demo
    from welcome_center.ui.models.record_table import FIRST_PAGE

    records = FIRST_PAGE + 7
    generate_demo(ops.uow, Actor.system("test"), records=records, seed=5)
    qtbot.keyClicks(page.search, "WC")
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.model.rowCount() == FIRST_PAGE
    target = tmp_path / "list.csv"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    with qtbot.waitSignal(ops.status, timeout=10000) as done:
        page.export()
    assert f"{records} records exported" in done.args[0]


def test_a_search_read_again_keeps_the_matches_fetched_by_scrolling(ops: Ops, qtbot) -> None:  # type: ignore[no-untyped-def]
    """A save (here or on another desk) reads the list again: a search scrolled beyond its
    first page keeps as many lines, and its last total stays shown while it is counted anew."""
    from welcome_center.domain.queries import RecordQuery
    from welcome_center.services import record_list

    client = _person(ops, "Kowalczyk", "Ewa")
    for n in range(10):
        _record(ops, client, summary="Arbeitsvertrag", opened_on=date(2026, 1, 1 + n))
    model = RecordTableModel(ops)
    model.first_page = 3
    query = RecordQuery(text="arbeitsvertrag")
    model.set_query(query)
    assert model.rowCount() == 3 and model.total is None
    qtbot.waitUntil(lambda: model.total == 10, timeout=5000)
    model.fetchMore()
    assert model.rowCount() == 6 and model.canFetchMore()
    newest = _record(ops, client, summary="Arbeitsvertrag", opened_on=date(2026, 2, 1))
    model.reload()
    every = record_list.record_ids(ops.uow, ops.actor, query)
    assert model.ids == every[:6] and model.ids[0] == newest
    assert model.total == 10  # the last count, until the new one is known
    qtbot.waitUntil(lambda: model.total == 11, timeout=5000)
    model.fetchMore()
    assert model.ids == every and not model.canFetchMore()
