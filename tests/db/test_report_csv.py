"""The CSV report says what its figures are of and what each one means: the period's first and
last day and the project start as dates a spreadsheet reads, and a definition beside every
figure; it stays one table that a spreadsheet opens without a comment line in the way."""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.db.statistics_office import MARCH, Office
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.statistics import ReportFormat
from welcome_center.services import reporting, settings, vocabularies
from welcome_center.services.context import Actor


def _rows(uow: UnitOfWork, manager: Actor, lang: str) -> list[list[str]]:
    data = reporting.render(reporting.content(uow, manager, MARCH, lang), ReportFormat.CSV)
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_period_and_the_project_start_as_dates(
    uow: UnitOfWork, manager: Actor, office: Office
) -> None:
    rows = _rows(uow, manager, "de")
    head = {r[0]: r[1] for r in rows if len(r) == 2}
    assert head["Zeitraum"] == "März 2024"
    assert (head["Zeitraum von"], head["Zeitraum bis"]) == ("2024-03-01", "2024-03-31")
    assert head["Projektbeginn"] == "2024-01-10"  # no setting: the earliest record's opening
    assert date.fromisoformat(head["Erstellt"])
    english = {r[0]: r[1] for r in _rows(uow, manager, "en") if len(r) == 2}
    assert (english["Period from"], english["Period to"]) == ("2024-03-01", "2024-03-31")


def test_the_project_start_is_the_offices_setting(
    uow: UnitOfWork, manager: Actor, admin: Actor, office: Office
) -> None:
    settings.update_settings(uow, admin, project_start=date(2023, 9, 1))
    head = {r[0]: r[1] for r in _rows(uow, manager, "en") if len(r) == 2}
    assert head["Project start"] == "2023-09-01"


def test_every_figure_has_its_definition_beside_it(
    uow: UnitOfWork, manager: Actor, admin: Actor, office: Office
) -> None:
    vocabularies.relabel(uow, admin, Vocabulary.TOPIC, "hiring", "=Einstellung", "=HYPERLINK()")
    rows = _rows(uow, manager, "en")
    header = next(i for i, r in enumerate(rows) if r[:1] == ["Section"])
    assert rows[header][:6] == ["Section", "Code", "Label", "Count", "Share", "Definition"]
    table = rows[header + 1 :]
    assert table and all(len(r) == len(rows[header]) for r in table)  # one table, no gaps
    assert all(r[5] for r in table), [r for r in table if not r[5]]
    by_code = {(r[0], r[1]): r for r in table}
    received = by_code["Key figures", "enquiries_received"]
    assert received[5] == "Records of either kind opened in the period."
    topic = by_code["Topics", "residence"]
    assert topic[5].startswith("Enquiries worked per topic.")
    assert by_code["Topics", "hiring"][2] == "'=HYPERLINK()"  # still shown, never run
    march = next(r for r in table if r[1] == "2024-03")
    assert march[5].startswith("Enquiries received and cases worked")
