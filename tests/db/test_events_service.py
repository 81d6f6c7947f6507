"""Events as the office records them (DOMAIN.md "event"; issue 14, item 5): who may, a save per
transaction with its version, the split of the participants, and the import of an event list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from welcome_center.db.models import AuditEntry, Event
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import EventDraft
from welcome_center.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from welcome_center.i18n import using
from welcome_center.services import event_import, events, people
from welcome_center.services.context import Actor

DAY = date(2024, 5, 14)


def _partner(uow: UnitOfWork, code: str) -> int:
    return next(o.id for o in people.list_partners(uow) if o.code == code)


def _draft(**kw: object) -> EventDraft:
    values: dict[str, object] = {"title": "Infoabend", "kind": "information_event", "held_on": DAY}
    values.update(kw)
    return EventDraft(**values)  # type: ignore[arg-type]


def _audit(uow: UnitOfWork) -> list[tuple[str, str, int | None, tuple[str, ...]]]:
    with uow.read() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.fields)
            .where(AuditEntry.entity == "event")
            .order_by(AuditEntry.id)
        )
        return [(a, e, i, tuple(f or ())) for a, e, i, f in rows]


# --- recording and correcting -----------------------------------------------------------------


def test_an_event_is_recorded_with_its_split_and_audited(uow: UnitOfWork, anna: Actor) -> None:
    fizuz = _partner(uow, "fizuz")
    saved = events.add_event(
        uow,
        anna,
        _draft(participants=30, participants_persons=22, participants_organisations=8,
               partner_ids=(fizuz,)),
    )  # fmt: skip
    e = saved.value
    assert (e.participants, e.participants_persons, e.participants_organisations) == (30, 22, 8)
    assert e.partner_ids == (fizuz,)
    assert saved.changes.events
    assert _audit(uow) == [("create", "event", e.id, ())]


def test_a_split_not_known_stays_empty(uow: UnitOfWork, anna: Actor) -> None:
    e = events.add_event(uow, anna, _draft(participants=12)).value
    assert (e.participants_persons, e.participants_organisations) == (None, None)
    part = events.add_event(uow, anna, _draft(title="Messe", participants=12,
                                              participants_persons=12)).value  # fmt: skip
    assert (part.participants_persons, part.participants_organisations) == (12, None)


def test_a_split_larger_than_the_total_is_refused_and_nothing_saved(
    uow: UnitOfWork, anna: Actor
) -> None:
    with pytest.raises(ValidationError) as info:
        events.add_event(
            uow,
            anna,
            _draft(participants=20, participants_persons=15, participants_organisations=6),
        )
    assert info.value.field == "participants_split"
    assert "15" in info.value.message and "6" in info.value.message and "20" in info.value.message
    with pytest.raises(ValidationError) as negative:
        events.add_event(uow, anna, _draft(participants=20, participants_persons=-1))
    assert negative.value.field == "participants_persons"
    assert events.list_events(uow, anna) == []


def test_an_edit_is_audited_with_the_fields_it_changed(uow: UnitOfWork, anna: Actor) -> None:
    e = events.add_event(uow, anna, _draft(participants=10)).value
    whz = _partner(uow, "whz")
    fixed = events.update_event(
        uow, anna, e.id, _draft(participants=14, participants_persons=14, partner_ids=(whz,)),
        e.version,
    ).value  # fmt: skip
    assert fixed.version == e.version + 1
    assert (fixed.participants, fixed.participants_persons, fixed.partner_ids) == (14, 14, (whz,))
    assert _audit(uow)[-1] == (
        "update", "event", e.id, ("participants", "participants_persons", "partners"),
    )  # fmt: skip
    # A change of the partners alone is a new version too (a colleague's older copy conflicts).
    again = events.update_event(uow, anna, e.id, _draft(participants=14, participants_persons=14),
                                fixed.version).value  # fmt: skip
    assert again.version == fixed.version + 1 and again.partner_ids == ()


def test_a_colleagues_change_meanwhile_is_refused_naming_who(
    uow: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    e = events.add_event(uow, anna, _draft(participants=10)).value
    events.update_event(uow, anna, e.id, _draft(participants=11), e.version)
    with pytest.raises(ConflictError) as info:
        events.update_event(uow, ben, e.id, _draft(participants=99), e.version)
    assert info.value.changed_by == "Anna Berger"
    assert events.get_event(uow, ben, e.id).participants == 11


def test_who_may_record_and_who_may_read(
    uow: UnitOfWork, anna: Actor, manager: Actor, admin_only: Actor
) -> None:
    e = events.add_event(uow, admin_only, _draft(notes="mit Frau Nguyen")).value  # an admin too
    assert [v.id for v in events.list_events(uow, manager)] == [e.id]  # a manager reads them,
    assert events.list_events(uow, manager)[0].notes == ""  # without the notes
    assert events.get_event(uow, manager, e.id).notes == ""
    assert events.get_event(uow, anna, e.id).notes == "mit Frau Nguyen"
    with pytest.raises(PermissionDeniedError):
        events.add_event(uow, manager, _draft(title="Workshop"))
    with pytest.raises(PermissionDeniedError):
        events.update_event(uow, manager, e.id, _draft(participants=3), e.version)
    assert events.list_events(uow, anna, year=2024) == events.list_events(uow, anna)
    assert events.list_events(uow, anna, year=2023) == []
    assert events.event_years(uow, manager) == [2024]


# --- the import ------------------------------------------------------------------------------

HEADER = "Datum;Titel;Art;Zielgruppe;Teilnehmende;davon Personen;davon Organisationen;Partner\n"
GOOD = (
    HEADER + "14.05.2024;Infoabend Anerkennung;Informationsveranstaltung;Pflegekräfte;23;20;3;"
    '"IHK Chemnitz; fizuz"\n'
    + "2024-06-03;Jobmesse Zwickau;job_fair;Unternehmen;120;;;Agentur für Arbeit Zwickau\n"
    + "2024-07-01;=SUM(A1:A3);Workshop;<b>Studierende</b>;8;;;\n"
)


def _file(tmp_path: Path, text: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_list_is_imported_once(uow: UnitOfWork, anna: Actor, tmp_path: Path) -> None:
    path = _file(tmp_path, GOOD)
    dry = event_import.import_events(uow, anna, path, dry_run=True)
    assert (dry.ok, dry.rows, dry.created) == (True, 3, 3)
    assert events.list_events(uow, anna) == []
    report = event_import.import_events(uow, anna, path)
    assert (report.ok, report.created, report.existing) == (True, 3, 0)
    assert report.changes.events
    listed = {e.title: e for e in events.list_events(uow, anna)}
    info = listed["Infoabend Anerkennung"]
    assert (info.kind, info.participants, info.participants_persons) == (
        "information_event",
        23,
        20,
    )
    assert info.participants_organisations == 3
    assert set(info.partner_ids) == {_partner(uow, "ihk_chemnitz"), _partner(uow, "fizuz")}
    fair = listed["Jobmesse Zwickau"]
    assert (fair.kind, fair.participants_persons, fair.partner_ids) == (
        "job_fair", None, (_partner(uow, "aa_zwickau"),),
    )  # fmt: skip
    # A formula and markup are data: stored as written.
    assert listed["=SUM(A1:A3)"].target_group == "<b>Studierende</b>"
    again = event_import.import_events(uow, anna, path)
    assert (again.created, again.existing) == (0, 3)
    assert len(events.list_events(uow, anna)) == 3
    assert ("import", "event", None, ()) in _audit(uow)


def test_a_bad_list_names_every_line_and_column_and_writes_nothing(
    uow: UnitOfWork, anna: Actor, tmp_path: Path
) -> None:
    bad = _file(
        tmp_path,
        HEADER
        + "31.02.2024;Infoabend;;;10;;;\n"  # line 2: no such day
        + "2024-05-02;;Workshop;;10;;;\n"  # line 3: no title
        + "2024-05-03;Party;Feier;;10;;;\n"  # line 4: no such kind
        + "2024-05-04;Messe;;;zehn;;;\n"  # line 5: not a number
        + "2024-05-05;Messe;;;10;8;5;\n"  # line 6: split over the total
        + '2024-05-06;Messe;;;10;;;"Nirgendwo; IHK Chemnitz"\n'  # line 7: unknown partner
        + "2024-05-07;Messe;;;10;;;\n"
        + "2024-05-07;messe;;;12;;;\n",  # line 9: the same event as line 8
    )
    with using("en"):
        report = event_import.import_events(uow, anna, bad)
    assert not report.ok
    where = [(p.line, p.column) for p in report.problems]
    assert where == [
        (2, "Datum"), (3, "Titel"), (4, "Art"), (5, "Teilnehmende"),
        (6, "davon Organisationen"), (7, "Partner"), (9, "Titel"),
    ]  # fmt: skip
    reasons = {p.line: p.reason for p in report.problems}
    assert "Nirgendwo" in reasons[7] and "Feier" in reasons[4] and "line 8" in reasons[9]
    assert "more than the 10 participants" in reasons[6]
    with uow.read() as s:
        assert s.scalar(select(func.count()).select_from(Event)) == 0


def test_a_header_unknown_or_missing_is_a_problem_of_line_1(
    uow: UnitOfWork, anna: Actor, tmp_path: Path
) -> None:
    with using("en"):
        report = event_import.import_events(
            uow, anna, _file(tmp_path, "date;participants;colour\n2024-05-01;3;blau\n")
        )
    assert [p.line for p in report.problems] == [1, 1]
    text = " ".join(p.reason for p in report.problems)
    assert "colour" in text and '"title" is missing' in text


def test_partners_are_matched_by_name_short_name_code_or_name_before_the_parenthesis(
    uow: UnitOfWork, anna: Actor, tmp_path: Path
) -> None:
    names = [
        "IHK Chemnitz (Regionalkammer Zwickau)",  # the whole name
        "ihk chemnitz",  # the name before the parenthesis, any case
        "IQ Netzwerk Sachsen",  # before the parenthesis, as DOMAIN.md lists it
        "Fachinformationszentrum Zuwanderung",
        "Westsachsische Hochschule Zwickau",  # accents ignored
        "ZAV",  # the short name
        "jmd",  # the code
    ]
    rows = "".join(f"2024-05-{i + 1:02d};Termin {i};;;5;;;{n}\n" for i, n in enumerate(names))
    report = event_import.import_events(uow, anna, _file(tmp_path, HEADER + rows))
    assert report.ok, report.problems
    found = {e.title: e.partner_ids for e in events.list_events(uow, anna)}
    expected = ["ihk_chemnitz", "ihk_chemnitz", "iq_sachsen", "fizuz", "whz", "zav", "jmd"]
    for i, code in enumerate(expected):
        assert found[f"Termin {i}"] == (_partner(uow, code),), names[i]


def test_an_xlsx_list_in_english_is_imported(uow: UnitOfWork, anna: Actor, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "title", "kind", "participants", "participants_persons", "partners"])
    sheet.append([date(2024, 9, 10), "Welcome breakfast", "Information event", 40, 35, "MBE"])
    sheet.append([date(2024, 9, 11), "=1+1", "training", 6, None, None])
    path = tmp_path / "events.xlsx"
    book.save(path)
    report = event_import.import_events(uow, anna, path)
    assert report.ok and report.created == 2, report.problems
    listed = {e.title: e for e in events.list_events(uow, anna)}
    assert listed["Welcome breakfast"].participants_persons == 35
    assert listed["Welcome breakfast"].partner_ids == (_partner(uow, "mbe"),)
    assert listed["=1+1"].kind == "training"


def test_a_manager_may_not_import(uow: UnitOfWork, manager: Actor, tmp_path: Path) -> None:
    with pytest.raises(PermissionDeniedError):
        event_import.import_events(uow, manager, _file(tmp_path, GOOD))
