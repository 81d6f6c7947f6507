"""Hostile and huge import files: broken quoting, invisible and control characters, files over
the limits, many problems, and XLSX attacks (entities, zip bombs) end in a clear problem."""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from welcome_center.cli import commands
from welcome_center.db.models import Organisation, Person, Record
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.text_input import TextKind, clean_text, find_problem
from welcome_center.services import import_reading, import_xlsx
from welcome_center.services.context import Actor
from welcome_center.services.import_rows import MAX_PROBLEMS, ImportProblem
from welcome_center.services.imports import ImportReport, import_file

HEADER = "Eingang;Nachname;Vorname;Organisation;Themen"


def _csv(tmp_path: Path, lines: list[str], name: str = "l.csv") -> Path:
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def _records(uow: UnitOfWork) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(Record)) or 0


def _persons(uow: UnitOfWork) -> list[tuple[str, str]]:
    with uow.read() as s:
        return [
            (p.family_name, p.given_name) for p in s.scalars(select(Person).order_by(Person.id))
        ]


def _printable(problem: ImportProblem) -> bool:
    """Whether a problem has no control character (which would steer a terminal)."""
    text = problem.reason + problem.column
    return not any(unicodedata.category(c) == "Cc" for c in text)


def _where(report: ImportReport) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in report.problems]


# --- CSV quoting -------------------------------------------------------------------------------


def test_an_unclosed_quote_that_swallows_rows_is_refused_with_its_line(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        [
            HEADER,
            "2024-03-01;Good;Row;;",
            '2024-03-02;"Müller;Jo;;',  # the quote is closed only at the end of line 5
            "2024-03-03;Schmidt;Anna;;",
            '2024-03-04;Weiß;Eva;;"',
            "2024-03-05;Last;Row;;",
        ],
    )

    report = import_file(uow, admin, path)

    assert not report.ok
    assert _where(report) == [(3, "Nachname")], report.problems
    assert "line break" in report.problems[0].reason
    assert "unclosed quote probably starts in line 3" in report.problems[0].reason
    assert _records(uow) == 0


def test_the_line_of_an_unclosed_quote_counts_the_lines_of_the_cells_before_it(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _csv(tmp_path, [HEADER, '2024-03-02;"Two', 'lines";"Jo;', "x;y;z", 'w";'])

    report = import_file(uow, admin, path)

    assert _where(report) == [(2, "Nachname"), (2, "Vorname")], report.problems
    assert "starts in line 2." in report.problems[0].reason
    assert "starts in line 3." in report.problems[1].reason


def test_a_quote_left_open_at_the_end_of_the_file_is_refused(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _csv(tmp_path, [HEADER, "2024-03-01;Good;Row;;", '2024-03-02;"Müller;Jo;;', "x;y"])

    report = import_file(uow, admin, path)

    assert _where(report) == [(3, "")], report.problems
    assert "never closed" in report.problems[0].reason
    assert "line 3" in report.problems[0].reason
    assert _records(uow) == 0


def test_text_after_a_closing_quote_is_refused_with_both_lines(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    same_line = _csv(tmp_path, [HEADER, '2024-03-01;"Verein "Hilfe" e.V.";;;'], "a.csv")
    across = _csv(tmp_path, [HEADER, '2024-03-01;"Müller;Jo;;', '2024-03-02;"Weiß";Eva;;'], "b.csv")

    first = import_file(uow, admin, same_line)
    second = import_file(uow, admin, across)

    assert _where(first) == [(2, "")], first.problems
    assert '("")' in first.problems[0].reason
    assert _where(second) == [(3, "")], second.problems
    assert "unclosed quote probably starts there" in second.problems[0].reason
    assert "line 2" in second.problems[0].reason
    assert _records(uow) == 0


def test_correct_quoting_is_read(uow: UnitOfWork, admin: Actor, tmp_path: Path) -> None:
    path = _csv(
        tmp_path, [HEADER, '2024-03-01;"Verein ""Hilfe"" e.V.";;;', '"2024-03-02";"A;B";C;;']
    )

    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert _persons(uow)[-2:] == [('Verein "Hilfe" e.V.', ""), ("A;B", "C")]


# --- characters in cells -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [("Mül\x00ler", "U+0000"), ("Mül\x1bler", "U+001B"), ("\x07Müller", "U+0007")],
)
def test_control_characters_in_names_are_refused(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, name: str, code: str
) -> None:
    path = _csv(tmp_path, [HEADER, "2024-03-01;Good;Row;;", f"2024-03-02;X;{name};;"])

    report = import_file(uow, admin, path)

    assert _where(report) == [(3, "Vorname")], report.problems
    assert code in report.problems[0].reason
    assert _records(uow) == 0


def test_invisible_formatting_characters_are_removed_and_names_stored_composed(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        [
            HEADER,
            "2024-03-01;Mu\u0308ller;Jo\u200bsef;;",  # decomposed ü, a zero-width space
            "2024-03-02;\u202eRelli\u202cm;Eva\u2066\u2069;;",  # a right-to-left override
            "2024-03-03;;;\ufeffBäckerei\u200d Groß;",
        ],
    )

    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    persons = _persons(uow)[-2:]
    assert persons == [("Müller", "Josef"), ("Rellim", "Eva")]
    assert all(unicodedata.is_normalized("NFC", n) for pair in persons for n in pair)
    with uow.read() as s:
        organisation = s.scalar(select(Organisation.name).order_by(Organisation.id.desc()))
    assert organisation == "Bäckerei Groß"


def test_too_long_cells_are_refused_with_the_limit(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    topics = ";".join(["Sprache"] * 300)  # 2,399 characters; a list may have 2,000
    path = _csv(tmp_path, [HEADER, f"2024-03-01;{'x' * 201};Jo;;", f'2024-03-02;X;Y;;"{topics}"'])

    report = import_file(uow, admin, path)

    assert _where(report) == [(2, "Nachname"), (3, "Themen")], report.problems
    assert "201" in report.problems[0].reason and "200" in report.problems[0].reason
    assert "2399" in report.problems[1].reason and "2000" in report.problems[1].reason


def test_a_cell_with_a_line_break_in_a_workbook_is_a_problem(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Eingang", "Nachname", "Vorname"])
    ws.append(["2024-03-01", "Müller\nSchmidt", "Jo\u200b"])
    path = tmp_path / "l.xlsx"
    wb.save(path)

    report = import_file(uow, admin, path)

    assert _where(report) == [(2, "Nachname")], report.problems
    assert "line break" in report.problems[0].reason
    assert "quote" not in report.problems[0].reason


# --- limits ------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(51 * 1024 * 1024)  # sparse: costs no disk, and would take long to read

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "")]
    assert "big.csv is 51" in report.problems[0].reason
    assert "at most 50 MB" in report.problems[0].reason


def test_a_file_over_the_row_limit_is_refused(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_reading, "MAX_ROWS", 5)
    rows = [f"2024-03-01;Name{i};Jo;;" for i in range(6)]
    path = _csv(tmp_path, [HEADER, *rows, "", "x;y"])
    ok = _csv(tmp_path, [HEADER, *rows[:5], "", ";;"], "ok.csv")  # blank rows do not count

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "")], report.problems
    assert "more than 5 rows" in report.problems[0].reason
    assert _records(uow) == 0
    assert import_file(uow, admin, ok).created_records == 5


def test_an_endless_line_is_refused(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_reading, "MAX_LINE_CHARS", 1000)
    path = _csv(tmp_path, [HEADER, "2024-03-01;Good;Row;;", ";" * 5000])

    report = import_file(uow, admin, path)

    assert _where(report) == [(3, "")], report.problems
    assert "longer than 1,000 characters" in report.problems[0].reason


def test_only_the_first_problems_are_listed_and_the_rest_counted(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"2024-13-01;Name{i};Jo;;Atlantis" for i in range(MAX_PROBLEMS + 50)]
    path = _csv(tmp_path, [HEADER, *rows])

    report = import_file(uow, admin, path)

    assert report.problem_count == 2 * (MAX_PROBLEMS + 50)
    assert len(report.problems) == MAX_PROBLEMS
    assert report.more_problems == MAX_PROBLEMS + 100
    expected = [(line, column) for line in range(2, 52) for column in ("Eingang", "Themen")]
    assert _where(report) == expected
    assert report.rows == MAX_PROBLEMS + 50

    commands.print_import_report(report, path)
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "l.csv: 300 problems; nothing was imported."
    assert len(err) == MAX_PROBLEMS + 2
    assert err[-1] == "... and 200 more problems"


def test_the_problem_list_keeps_the_first_problems_in_any_order_of_finding() -> None:
    from welcome_center.services.import_rows import Problems, map_columns

    problems = Problems(map_columns(("Eingang", "Nachname")), limit=3)
    for line in (9, 4, 7, 2, 8, 2):
        problems.add(line, "family_name", f"f{line}")
    problems.add(2, "opened_on", "o2")

    assert problems.count == 7
    assert problems.listed() == (
        ImportProblem(2, "Eingang", "o2"),
        ImportProblem(2, "Nachname", "f2"),
        ImportProblem(2, "Nachname", "f2"),
    )


# --- XLSX attacks ------------------------------------------------------------------------------


def _workbook(tmp_path: Path, name: str = "l.xlsx") -> Path:
    """A workbook as a spreadsheet program writes it (XML declarations, shared strings)."""
    path = tmp_path / name
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet()
    for row, values in enumerate(
        [("Eingang", "Nachname", "Vorname"), ("2024-03-01", "Müller", "Jo")]
    ):
        ws.write_row(row, 0, values)
    wb.close()
    return path


def _replace_part(
    path: Path, part: str, data: bytes, extra: dict[str, bytes] | None = None
) -> None:
    """Rewrite the workbook at ``path`` with ``part`` replaced (or added) by ``data``."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[part] = data
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    path.write_bytes(buffer.getvalue())


def _sheet(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
_EXTERNAL = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _with_dtd(xml: bytes, dtd: bytes, padding: int = 0) -> bytes:
    """``xml`` with ``dtd`` before its root, behind ``padding`` bytes of comment, and the text
    "Jo" (in the shared strings) replaced by the entity."""
    head, sep, body = xml.partition(b"?>")
    if not sep:
        head, body = b"", xml
    comment = b"<!--" + b"x" * padding + b"-->" if padding else b""
    entity = b"&lol3;" if dtd is _LAUGHS else b"&xxe;"
    return head + sep + comment + dtd + body.replace(b">Jo<", b">" + entity + b"<", 1)


@pytest.mark.parametrize("dtd", [_LAUGHS, _EXTERNAL], ids=["billion-laughs", "external-entity"])
@pytest.mark.parametrize("padding", [0, 100_000], ids=["dtd-at-head", "dtd-behind-a-comment"])
@pytest.mark.parametrize(
    "part", ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"]
)
def test_xml_entity_attacks_in_a_workbook_end_in_a_clear_problem(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, dtd: bytes, padding: int, part: str
) -> None:
    path = _workbook(tmp_path)
    with zipfile.ZipFile(path) as z:
        xml = z.read(part)
    assert part != "xl/sharedStrings.xml" or b">Jo<" in xml
    _replace_part(path, part, _with_dtd(xml, dtd, padding))

    report = import_file(uow, admin, path)

    assert not report.ok
    assert len(report.problems) == 1, report.problems
    assert "l.xlsx declares a document type or XML entities" in report.problems[0].reason
    assert (part in report.problems[0].reason) == (not padding)  # found before parsing
    assert _records(uow) == 0


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML


def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _workbook(tmp_path)
    _replace_part(path, "xl/media/image1.png", b"\0" * (8 * 1024 * 1024))

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "")]
    assert "zip bomb" in report.problems[0].reason
    assert "xl/media/image1.png" in report.problems[0].reason


def test_a_workbook_that_unpacks_to_too_much_is_refused(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_xlsx, "MAX_UNPACKED_MB", 0)
    path = _workbook(tmp_path)

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "")]
    assert "unpacks to" in report.problems[0].reason
    assert "at most 0 MB" in report.problems[0].reason


def test_a_part_read_whole_is_limited(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_xlsx, "MAX_PART_MB", 0)
    path = _workbook(tmp_path)

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "")]
    assert "unpacks to 0" in report.problems[0].reason
    assert "at most 0 MB are read" in report.problems[0].reason


def test_a_broken_sheet_ends_in_a_clear_problem(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _workbook(tmp_path)
    sheet = _sheet(path)
    _replace_part(path, "xl/worksheets/sheet1.xml", sheet[: sheet.index(b'<row r="2"') + 12])

    report = import_file(uow, admin, path)

    assert not report.ok
    assert "l.xlsx is not a readable XLSX workbook" in report.problems[-1].reason
    assert _records(uow) == 0


def test_a_workbook_over_the_row_limit_is_refused(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_reading, "MAX_ROWS", 3)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Eingang", "Nachname"])
    for i in range(4):
        ws.append(["2024-03-01", f"Name{i}"])
    path = tmp_path / "l.xlsx"
    wb.save(path)

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "")], report.problems
    assert "more than 3 rows" in report.problems[0].reason


def test_values_quoted_in_messages_cannot_steer_the_terminal(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _csv(tmp_path, ["Eingang;Nachname;\x1b[2J", "2024-03-01;X;;\x1b[31mred\x07"])

    report = import_file(uow, admin, path)

    assert _where(report) == [(1, "<U+001B>[2J"), (2, "")], report.problems
    assert "<U+001B>[31mred<U+0007>" in report.problems[1].reason
    assert all(_printable(p) for p in report.problems)


# --- any file at all ---------------------------------------------------------------------------

_ANY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_ANY
@given(name=st.text(max_size=300))
def test_any_name_is_stored_clean_or_refused_on_its_line_and_column(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, name: str
) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writerows([["Eingang", "Nachname", "Vorname"], ["2024-03-01", "Given", name]])
    path = tmp_path / "any.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")

    report = import_file(uow, admin, path, dry_run=True)

    cleaned = clean_text(name, TextKind.NAME)
    if find_problem(cleaned, TextKind.NAME) is None:
        assert report.ok, report.problems
    else:
        assert _where(report) == [(2, "Vorname")], report.problems
        assert _printable(report.problems[0])


@_ANY
@given(data=st.binary(max_size=400), header=st.sampled_from([b"", b"Eingang;Nachname\r\n"]))
def test_any_bytes_end_in_a_report_never_in_an_exception(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, data: bytes, header: bytes
) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes(header + data)

    report = import_file(uow, admin, path, dry_run=True)

    assert all(_printable(p) for p in report.problems)


@_ANY
@given(at=st.integers(min_value=0), junk=st.binary(min_size=1, max_size=64))
def test_any_damage_to_a_workbook_ends_in_a_report_never_in_an_exception(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, at: int, junk: bytes
) -> None:
    path = _workbook(tmp_path, "damaged.xlsx")
    data = path.read_bytes()
    at %= len(data)
    path.write_bytes(data[:at] + junk + data[at + len(junk) :])

    report = import_file(uow, admin, path, dry_run=True)

    assert report.ok or report.problems


def test_a_read_error_in_the_middle_of_a_file_is_a_problem_of_its_line(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(_f: object) -> Iterator[tuple[int, tuple[str, ...]]]:
        yield 1, ("Eingang", "Nachname")
        yield 2, ("2024-03-01", "X")
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(import_reading, "_read_csv", failing)
    path = _csv(tmp_path, [HEADER, "2024-03-01;X;;;"])

    report = import_file(uow, admin, path)

    assert [(p.line, p.reason) for p in report.problems] == [
        (2, "l.csv cannot be read: Input/output error")
    ]
    assert import_file(uow, admin, tmp_path).problems[0].line == 1  # a folder
    assert _records(uow) == 0
