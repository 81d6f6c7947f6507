"""The Reports page as a manager or counsellor uses it: choose a period, read its figures, the
topic bars, the breakdowns with small counts hidden; export (kept in the archive), open and save
an archived report again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from tests.ui.date_typing import type_date
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, RecordKind, Vocabulary
from welcome_center.domain.statistics import Period, ReportFormat
from welcome_center.services import cases, consultations, people, reporting
from welcome_center.services.context import Actor
from welcome_center.ui.ops import Jobs, Ops
from welcome_center.ui.pages import reports_period
from welcome_center.ui.pages.reports import ReportsPage
from welcome_center.ui.pages.reports_archive import ArchiveTableModel
from welcome_center.ui.pages.reports_period import CUSTOM, MONTH
from welcome_center.ui.pages.reports_tables import TREND, BreakdownTableModel

MARCH = Period.month(2025, 3)
LEFT = Qt.MouseButton.LeftButton
# Nationalities of the clients of the records opened in March 2025.
NATIONALITIES = ["SY"] * 4 + ["IN"] * 4 + ["UA"] * 3 + ["TR"]


def _record(ops: Ops, nationality: str, opened: date, **kw: object) -> int:
    person = people.create_person(ops.uow, ops.actor, PersonDraft(
        family_name=f"Client {nationality}", nationality=nationality), True).value.id  # fmt: skip
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=opened, **kw)  # type: ignore[arg-type]
    return cases.open_record(ops.uow, ops.actor, draft).value.id


def _march(ops: Ops) -> None:
    """12 records opened in March 2025 (2 of them cases), all about residence, 4 also about
    hiring; a record from February consulted in March; 2 consultations in March."""
    made = []
    for i, nationality in enumerate(NATIONALITIES):
        topics = ("residence", "hiring") if i % 3 == 0 else ("residence",)
        kind = RecordKind.CASE if i < 2 else RecordKind.ENQUIRY
        made.append(_record(ops, nationality, date(2025, 3, 1 + i), topics=topics, kind=kind))
    february = _record(ops, "SY", date(2025, 2, 10))
    for record in (february, made[0]):
        draft = ConsultationDraft(held_on=date(2025, 3, 20), duration_minutes=30)
        consultations.record_consultation(ops.uow, ops.actor, record, draft)


@pytest.fixture(autouse=True)
def _jobs_done(qtbot, uow) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every background job ends, and reports back, before its page and database go."""
    yield
    Jobs.wait_all()
    qtbot.wait(50)


def _page(qtbot, ops: Ops) -> ReportsPage:  # type: ignore[no-untyped-def]
    page = ReportsPage(ops)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    qtbot.waitExposed(page)
    page.activated()
    return page


def _shown(page: ReportsPage) -> Period | None:
    return page.content.statistics.period if page.content else None


def _choose_month(qtbot, page: ReportsPage, year: int, month: int) -> None:  # type: ignore[no-untyped-def]
    chooser = page.chooser
    chooser.kind.setCurrentIndex(chooser.kind.findData(MONTH))
    chooser.year.setValue(year)
    chooser.month.setCurrentIndex(chooser.month.findData(month))
    qtbot.waitUntil(lambda: _shown(page) == Period.month(year, month), timeout=10_000)


def test_the_page_opens_on_the_last_complete_month(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ops)
    expected = reports_period.last_complete_month()
    qtbot.waitUntil(lambda: _shown(page) == expected, timeout=10_000)
    assert page.chooser.current_kind() == MONTH
    assert page.heading.text() == f"Key figures of {reports_period.describe(expected)}"
    assert page.figures.texts()["enquiries_received"] == "0"
    assert "No enquiry or case was worked" in page.empty.text() and page.empty.isVisibleTo(page)


def test_a_month_shows_its_key_figures_with_definitions(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    shown = page.figures.texts()
    assert shown["enquiries_received"] == "12"
    assert shown["enquiries_worked"] == "13"  # the February record was consulted in March
    assert shown["cases_worked"] == "2" and shown["cases_new"] == "2"
    assert shown["consultations"] == "2" and shown["consultation_minutes"] == "60"
    assert shown["since_start_enquiries"] == "13"
    assert page.heading.text() == "Key figures of March 2025"
    tile = page.figures.tile("enquiries_worked")
    assert tile is not None and tile.toolTip() == "Records of either kind active in the period."
    assert tile.name.text() == "Enquiries worked"


def test_topics_show_as_bars_with_counts_and_shares(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    residence = ops.label(Vocabulary.TOPIC, "residence")
    hiring = ops.label(Vocabulary.TOPIC, "hiring")
    bars = {b.label: b.text for b in page.topics.bars}
    assert bars == {residence: "12 (92.3%)", hiring: "4 (30.8%)", "not recorded": "1 (7.7%)"}
    assert "more than 100 %" in page.topics_note.text()
    assert page.topics.grab().width() > 0  # painted without error
    # the same rows as a table
    page.breakdowns.choose("by_topic")
    assert page.breakdowns.texts()[0] == (residence, "12", "92.3%")


def test_a_small_nationality_count_shows_as_less_than_three(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    page.breakdowns.choose("by_nationality")
    rows = {label: (count, share) for label, count, share in page.breakdowns.texts()}
    assert rows["Syria"] == ("5", "38.5%")
    assert rows["Türkiye"] == ("< 3", "")
    assert rows["India"] == ("x", "") and rows["Ukraine"] == ("x", "")
    assert 'shown as "< 3"' in page.breakdowns.note.text()
    assert "per nationality" in page.breakdowns.definition.text()


def test_a_breakdown_with_too_few_records_is_withheld_with_a_sentence(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    for day in (3, 4):
        _record(ops, "SY", date(2025, 4, day))
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 4)
    page.breakdowns.choose("by_nationality")
    assert page.breakdowns.texts() == []
    assert "not shown" in page.breakdowns.note.text()


def test_the_trend_shows_twelve_months_as_chart_and_table(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    assert len(page.trend.months) == 12 and page.trend.months[-1] == "Mar"
    assert page.trend.years[0] == "2024" and page.trend.years[-3] == "2025"  # Jan 2025
    assert page.trend.tips[-1] == "March 2025: Enquiries received 12, Cases worked 2"
    assert [s.name for s in page.trend.series] == ["Enquiries received", "Cases worked"]
    page.breakdowns.choose(TREND)
    assert page.breakdowns.texts()[-1] == ("March 2025", "12", "2")
    assert page.trend.grab().width() > 0


def test_previous_and_next_move_by_the_chosen_unit(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 1)
    qtbot.mouseClick(page.chooser.previous, LEFT)
    qtbot.waitUntil(lambda: _shown(page) == Period.month(2024, 12), timeout=10_000)
    page.chooser.kind.setCurrentIndex(page.chooser.kind.findData(reports_period.QUARTER))
    qtbot.waitUntil(lambda: _shown(page) == Period.quarter(2024, 4), timeout=10_000)
    assert page.heading.text() == "Key figures of Q4 2024"
    qtbot.mouseClick(page.chooser.next, LEFT)
    qtbot.waitUntil(lambda: _shown(page) == Period.quarter(2025, 1), timeout=10_000)


def test_a_custom_range_that_ends_before_it_starts_is_refused(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, ops)
    qtbot.waitUntil(lambda: page.content is not None, timeout=10_000)
    chooser = page.chooser
    chooser.kind.setCurrentIndex(chooser.kind.findData(CUSTOM))
    type_date(qtbot, chooser.start, "1.5.2025", finish=True)
    type_date(qtbot, chooser.end, "01.04.25", finish=True)
    assert chooser.error.text() == "The range ends before it starts."
    assert not page.export_buttons[ReportFormat.XLSX].isEnabled()
    type_date(qtbot, chooser.end, "20052025", finish=True)
    qtbot.waitUntil(lambda: _shown(page) == Period(date(2025, 5, 1), date(2025, 5, 20)))
    assert page.export_buttons[ReportFormat.XLSX].isEnabled()
    assert chooser.error.isHidden()


def _save_dialog(monkeypatch: pytest.MonkeyPatch, path: Path, asked: list[str]) -> None:
    def answer(_parent: object, _title: str, suggested: str, *_a: object) -> tuple[str, str]:
        asked.append(suggested)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))


def _export(qtbot, page: ReportsPage, fmt: ReportFormat) -> None:  # type: ignore[no-untyped-def]
    rows = page.archive.model.rowCount()
    qtbot.mouseClick(page.export_buttons[fmt], LEFT)
    qtbot.waitUntil(lambda: page.archive.model.rowCount() == rows + 1, timeout=10_000)


def test_export_writes_the_file_and_keeps_it_in_the_archive(
    qtbot, ops: Ops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    target = tmp_path / "march"  # no suffix typed: the format's is added
    asked: list[str] = []
    _save_dialog(monkeypatch, target, asked)
    messages: list[str] = []
    ops.status.connect(messages.append)
    _export(qtbot, page, ReportFormat.XLSX)
    written = tmp_path / "march.xlsx"
    assert asked[0].endswith("report_2025-03.xlsx")
    assert written.exists()
    assert messages[-1] == f"Report saved to {written} and kept in the archive."
    assert page.archive.model.rows[0][1:5] == ("Anna Berger", "March 2025", "XLSX",
                                               "report_2025-03.xlsx")  # fmt: skip
    import openpyxl

    book = openpyxl.load_workbook(written)
    assert book.sheetnames  # a workbook Excel opens

    # open the archived entry: the same bytes go to the program that opens it
    opened: list[QUrl] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda u: opened.append(u) or True)
    )
    page.archive.table.selectRow(0)
    qtbot.mouseClick(page.archive.open_button, LEFT)
    assert Path(opened[0].toLocalFile()).read_bytes() == written.read_bytes()
    assert Path(opened[0].toLocalFile()).name == "report_2025-03.xlsx"

    # save it again elsewhere: identical bytes
    copy = tmp_path / "copy.xlsx"
    _save_dialog(monkeypatch, copy, asked)
    qtbot.mouseClick(page.archive.save_button, LEFT)
    assert copy.read_bytes() == written.read_bytes()
    assert messages[-1] == f"Report saved to {copy}."


@pytest.mark.parametrize("fmt", [ReportFormat.CSV, ReportFormat.JSON])
def test_csv_and_json_exports_hold_the_shown_figures(
    qtbot, ops: Ops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: ReportFormat
) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    _save_dialog(monkeypatch, tmp_path / f"r.{fmt.value}", [])
    _export(qtbot, page, fmt)
    data = (tmp_path / f"r.{fmt.value}").read_bytes()
    [entry] = reporting.archive(ops.uow, ops.actor)
    assert reporting.archived_file(ops.uow, ops.actor, entry.id)[1] == data
    text = data.decode("utf-8-sig")
    assert ('"enquiries_received": 12' in text) if fmt is ReportFormat.JSON else (
        "Enquiries received;12" in text)  # fmt: skip


def test_pdf_export_holds_the_period_and_is_archived(
    qtbot, ops: Ops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("welcome_center.reports.pdf")
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    _save_dialog(monkeypatch, tmp_path / "r.pdf", [])
    _export(qtbot, page, ReportFormat.PDF)
    from pypdf import PdfReader

    first = PdfReader(tmp_path / "r.pdf").pages[0].extract_text()
    assert "March 2025" in first
    assert page.archive.model.rows[0][3] == "PDF"


def test_a_manager_computes_and_exports_too(
    qtbot, ops_for, manager: Actor, ops: Ops, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops_for(manager))
    _choose_month(qtbot, page, 2025, 3)
    assert page.figures.texts()["enquiries_received"] == "12"
    _save_dialog(monkeypatch, tmp_path / "m.json", [])
    _export(qtbot, page, ReportFormat.JSON)
    assert page.archive.model.rows[0][1] == "Maria Leitner"


def test_a_saved_record_recomputes_the_figures_shown(qtbot, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    page = _page(qtbot, ops)
    _choose_month(qtbot, page, 2025, 3)
    person = people.create_person(ops.uow, ops.actor, PersonDraft(family_name="Neu"), True).value.id
    draft = RecordDraft(client=ClientChoice(ClientKind.PERSON, person), opened_on=date(2025, 3, 28))
    ops.write(None, lambda uow, actor: cases.open_record(uow, actor, draft))
    qtbot.waitUntil(lambda: page.figures.texts()["enquiries_received"] == "13", timeout=10_000)


def test_the_table_models_are_sound(qtbot, qtmodeltester, ops: Ops) -> None:  # type: ignore[no-untyped-def]
    _march(ops)
    content = reporting.content(ops.uow, ops.actor, MARCH)
    breakdown = BreakdownTableModel()
    [nationality] = [s for s in reporting.breakdowns(content) if s.key == "by_nationality"]
    breakdown.show_section(nationality, content.threshold)
    qtmodeltester.check(breakdown)
    breakdown.show_trend(content)
    qtmodeltester.check(breakdown)
    reporting.publish(ops.uow, ops.actor, content, ReportFormat.JSON)
    archive = ArchiveTableModel()
    archive.set_entries(reporting.archive(ops.uow, ops.actor), {"anna": "Anna Berger"})
    assert archive.rowCount() == 1
    qtmodeltester.check(archive)
