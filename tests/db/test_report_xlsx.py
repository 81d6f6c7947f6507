"""The XLSX report as a reader opens and prints it: a sheet per section of the report with a
readable name, every column with a width, every definition with its name, every sheet set up
to print on A4, one page wide, with its header row on every page and the office and the period
in the page header."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.db.statistics_office import MARCH, Office
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.statistics import ReportFormat
from welcome_center.reports.table_export import sheet_name
from welcome_center.services import reporting
from welcome_center.services.context import Actor


def _book(uow: UnitOfWork, manager: Actor, lang: str, internal: bool = False):  # type: ignore[no-untyped-def]
    report = reporting.content(uow, manager, MARCH, lang, internal=internal)
    return load_workbook(io.BytesIO(reporting.render(report, ReportFormat.XLSX)))


def test_a_sheet_per_section_with_readable_names(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    book = _book(uow, manager, "en")
    assert book.sheetnames[0] == "Overview" and book.sheetnames[-1] == "Definitions"
    names = set(book.sheetnames)
    # A breakdown under its own heading has its sheet; a titled part one for all its tables.
    parts = {"Who was advised", "Consultations", "Referrals", "Recognition", "Events"}
    assert {"Topics", "Nationalities", "ESF+ indicators"} | parts <= names
    assert "Referrals, by partner" not in names and "Persons advised, by gender" not in names
    # The parts in the report's order, the ESF+ indicators after who was advised.
    order = [n for n in book.sheetnames if n in parts or n == "ESF+ indicators"]
    assert order == ["Who was advised", "ESF+ indicators", "Consultations", "Referrals",
                     "Recognition", "Events"]  # fmt: skip
    referrals = [r for r in book["Referrals"].iter_rows(min_row=5, values_only=True) if r[3]]
    assert referrals[0][:4] == ("Figure", "Referrals", "referrals", 1)
    assert {r[0] for r in referrals[1:]} == {"Referrals, by partner", "Referrals, by status"}
    assert names.isdisjoint({"Overview 2", "Definitions 2"})


def test_the_internal_report_keeps_berater_innen_readable(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    book = _book(uow, manager, "de", internal=True)
    assert "Berater-innen" in book.sheetnames  # "Berater/innen": Excel forbids "/"
    assert "Beraterinnen" not in book.sheetnames
    assert "Intern" in book["Berater-innen"].oddHeader.center.text


def test_forbidden_characters_get_readable_stand_ins() -> None:
    assert sheet_name("Berater/innen") == "Berater-innen"
    assert sheet_name("Closed: by reason") == "Closed - by reason"
    assert sheet_name("What? [all] *") == "What (all)"
    assert len(sheet_name("A very long title of a breakdown that Excel would refuse")) == 31


def test_every_definition_has_its_name(uow: UnitOfWork, manager: Actor, office: Office) -> None:
    for lang in ("en", "de"):
        sheet = _book(uow, manager, lang).worksheets[-1]  # "Definitions", "Definitionen"
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) > 20
        assert all(name and text for name, text in rows), rows
    en = {name for name, _text in _book(uow, manager, "en")["Definitions"].iter_rows(
        min_row=2, values_only=True)}  # fmt: skip
    assert {"Active record", "Not recorded", "Small numbers", "Event participants"} <= en


def test_every_column_has_a_width_from_its_longest_text(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    book = _book(uow, manager, "en")
    for ws in book.worksheets:
        for col in range(1, ws.max_column + 1):
            letter = ws.cell(row=1, column=col).column_letter
            used = [c.value for c in ws[letter] if c.value is not None and c.row > 1]
            if not used:
                continue
            width = ws.column_dimensions[letter].width
            assert width and 8 <= width <= 81, (ws.title, letter, width)
    topics = book["Topics"]
    longest = max(len(str(r[0])) for r in topics.iter_rows(min_row=5, values_only=True) if r[0])
    assert topics.column_dimensions["A"].width >= min(60, longest)


def test_every_sheet_prints_on_a4_one_page_wide_with_its_header_row(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    book = _book(uow, manager, "de")
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth 1 is the file format's default, which XlsxWriter leaves out.
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows, ws.title
        assert ws.page_setup.orientation in ("portrait", "landscape")
        header = ws.oddHeader
        assert header.left.text == "Welcome Center Region Zwickau"
        assert header.right.text == "März 2024"
        assert "&P" in ws.oddFooter.center.text
    assert book["Themen"].print_title_rows == "$4:$4"  # the table's header row
    assert book["Themen"]["A4"].value == "Bezeichnung"
