"""An import file's unknown values, seen before the import and mapped by the user (issue 15,
item 4): the preview, the mappings (an entry, a partner, a user, or skip the row), aliases
remembered for the next import (the command line's too) and removed, the partners as DOMAIN.md
names them, progress and cancel. SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from tests.db.test_privacy_migration import _counts, _to
from welcome_center.db import migrate
from welcome_center.db.engine import Database
from welcome_center.db.models import AuditEntry, ImportAlias, Organisation, Record, Referral, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.errors import PermissionDeniedError
from welcome_center.services import import_writing
from welcome_center.services.context import Actor
from welcome_center.services.import_aliases import list_aliases, remove_alias
from welcome_center.services.import_mapping import ValueKind, ValueMapping
from welcome_center.services.import_preview import preview
from welcome_center.services.imports import import_file

HEADER = "Nachname;Vorname;Eingang;Themen;Kanal;Wohnort;Berater/in;Verweise"
LINES = [
    HEADER,
    "Haddad;Rami;03.04.2024;Aufenthalt;Telefon;Zwickau;anna;IHK Chemnitz",  # all known
    "Kaya;Ali;04.04.2024;Raumfahrt;Fax;Zwickau;S. Berger;Kammer Zwickau",  # 4 unknown
    "Lopez;Ana;05.04.2024;raumfahrt; ;Nordpol;neu.kollege;",  # 'raumfahrt' again, 2 more
    "Silva;João;06.04.2024;Aufenthalt;Telefon;Zwickau;anna;Kammer Zwickau@2024-04-08",
]
# The partners as DOMAIN.md lists them, the name before any parenthesis.
DOMAIN_PARTNERS = [
    "FIZUZ",
    "Agentur für Arbeit Zwickau",
    "Jobcenter Zwickau",
    "Ausländerbehörde Landkreis Zwickau",
    "IHK Chemnitz",
    "IHK FOSA",
    "Handwerkskammer Chemnitz",
    "IQ Netzwerk Sachsen",
    "Westsächsische Hochschule Zwickau",
    "Duale Hochschule Sachsen Glauchau",
    "Migrationsberatung für Erwachsene",
    "Jugendmigrationsdienst",
    "ZAV",
]


def _write(tmp_path: Path, lines: list[str], name: str = "liste.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(uow: UnitOfWork, model: type) -> int:
    with uow.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _partner(uow: UnitOfWork, code: str) -> int:
    with uow.read() as s:
        found = s.scalar(select(Organisation.id).where(Organisation.code == code))
        assert found is not None
        return found


def _user(uow: UnitOfWork, name: str) -> int:
    with uow.read() as s:
        found = s.scalar(select(User.id).where(User.username == name))
        assert found is not None
        return found


def _mappings(uow: UnitOfWork, remember: bool = False) -> list[ValueMapping]:
    return [
        ValueMapping(ValueKind.TOPIC, "Raumfahrt", "other", remember),
        ValueMapping(ValueKind.CHANNEL, "Fax", "letter", remember),
        ValueMapping(ValueKind.MUNICIPALITY, "Nordpol", "abroad", remember),
        ValueMapping(ValueKind.COUNSELLOR, "S. Berger", _user(uow, "anna"), remember),
        ValueMapping(ValueKind.PARTNER, "Kammer Zwickau", _partner(uow, "hwk_chemnitz"), remember),
    ]


def test_the_preview_shows_rows_columns_counts_and_every_unknown_value(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(tmp_path, [HEADER + ";Bemerkung", *(line + ";" for line in LINES[1:])])
    before = _count(uow, Record)

    p = preview(uow, admin, path)

    assert p.file_name == "liste.csv" and p.row_count == 4
    assert [c.written for c in p.columns][:3] == ["Nachname", "Vorname", "Eingang"]
    assert [(c.field, c.meaning) for c in p.columns][2] == ("opened_on", "Opened on")
    assert p.columns[-1].field is None  # "Bemerkung": a column the import does not know
    assert any(pr.column == "Bemerkung" and pr.line == 1 for pr in p.problems)
    assert p.rows[0] == (2, ("Haddad", "Rami", "03.04.2024", "Aufenthalt", "Telefon", "Zwickau",
                             "anna", "IHK Chemnitz", ""))  # fmt: skip
    found = {(v.kind, v.written): (v.column, v.rows, v.first_line, v.new_user) for v in p.values}
    assert found == {
        (ValueKind.TOPIC, "Raumfahrt"): ("Themen", 2, 3, False),
        (ValueKind.CHANNEL, "Fax"): ("Kanal", 1, 3, False),
        (ValueKind.COUNSELLOR, "S. Berger"): ("Berater/in", 1, 3, False),
        (ValueKind.PARTNER, "Kammer Zwickau"): ("Verweise", 2, 3, False),
        (ValueKind.MUNICIPALITY, "Nordpol"): ("Wohnort", 1, 4, False),
        (ValueKind.COUNSELLOR, "neu.kollege"): ("Berater/in", 1, 4, True),
    }
    assert p.unknown == p.values
    topics = {c.target: c.text for c in p.choices[ValueKind.TOPIC]}
    assert topics["residence"].startswith("Residence")
    partners = {c.target for c in p.choices[ValueKind.PARTNER]}
    assert _partner(uow, "hwk_chemnitz") in partners
    assert _count(uow, Record) == before  # a look only


def test_a_file_that_cannot_be_read_says_so_in_the_preview(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = tmp_path / "leer.csv"
    path.write_text("", encoding="utf-8")
    p = preview(uow, admin, path)
    assert p.row_count == 0 and p.rows == () and "empty" in p.problems[0].reason


def test_only_who_may_import_sees_a_preview(uow: UnitOfWork, anna: Actor, tmp_path: Path) -> None:
    with pytest.raises(PermissionDeniedError):
        preview(uow, anna, _write(tmp_path, LINES))


def test_unknown_values_are_problems_until_mapped(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(tmp_path, LINES)
    before = _count(uow, Record)
    refused = import_file(uow, admin, path)
    assert {(p.line, p.column) for p in refused.problems} >= {
        (3, "Themen"), (3, "Kanal"), (3, "Berater/in"), (3, "Verweise"), (4, "Wohnort")
    }  # fmt: skip
    assert _count(uow, Record) == before

    report = import_file(uow, admin, path, mappings=_mappings(uow))

    assert report.ok, report.problems
    assert report.created_records == 4 and report.created_users == ("neu.kollege",)
    assert report.aliases_saved == 0
    with uow.read() as s:
        kaya = s.scalars(select(Record).where(Record.id.in_(report.changes.records))).all()
        by_name = {r.client_person.family_name: r for r in kaya if r.client_person}
        assert [t.topic for t in by_name["Kaya"].topics] == ["other"]
        assert by_name["Kaya"].channel == "letter"
        assert by_name["Kaya"].counsellor_id == _user(uow, "anna")
        assert by_name["Lopez"].municipality == "abroad"
        partners = s.scalars(
            select(Referral.partner_id).where(Referral.record_id == by_name["Silva"].id)
        ).all()
        assert partners == [_partner(uow, "hwk_chemnitz")]
    assert _count(uow, ImportAlias) == 0  # nothing was to be remembered


def test_a_value_mapped_to_skip_leaves_its_rows_out(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(tmp_path, LINES)
    mappings = [m for m in _mappings(uow) if m.kind is not ValueKind.PARTNER]
    mappings.append(ValueMapping(ValueKind.PARTNER, "kammer zwickau", None, remember=True))

    report = import_file(uow, admin, path, mappings=mappings)

    assert report.ok, report.problems
    assert report.skipped == (3, 5)  # both rows referring to 'Kammer Zwickau'
    assert report.created_records == 2
    assert _count(uow, ImportAlias) == 0  # skipping is never remembered


def test_remembered_mappings_are_aliases_for_the_next_import_audited_and_removable(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    first = _write(tmp_path, LINES)
    report = import_file(uow, admin, first, mappings=_mappings(uow, remember=True))
    assert report.ok and report.aliases_saved == 5

    aliases = list_aliases(uow, admin)
    assert {(a.kind, a.written, a.target_text) for a in aliases} == {
        (ValueKind.TOPIC, "Raumfahrt", "Other"),
        (ValueKind.CHANNEL, "Fax", "Letter"),
        (ValueKind.MUNICIPALITY, "Nordpol", "Abroad"),
        (ValueKind.COUNSELLOR, "S. Berger", "Anna Berger"),
        (ValueKind.PARTNER, "Kammer Zwickau", "Handwerkskammer Chemnitz"),
    }
    assert all(a.created_by == "Ada Admin" for a in aliases)
    with uow.read() as s:
        created = s.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.entity == "import_alias", AuditEntry.action == "create"
            )
        ).all()
    assert len(created) == 5 and "topic: Raumfahrt -> other" in created

    # A second list with the same values (other clients) needs no mapping, written otherwise.
    second = _write(
        tmp_path,
        [HEADER, "Novak;Eva;07.04.2024;RAUMFAHRT;fax;nordpol;s. berger;Kammer  Zwickau"],
        "zweite.csv",
    )
    assert preview(uow, admin, second).unknown == ()
    again = import_file(uow, admin, second)
    assert again.ok, again.problems
    assert again.created_records == 1

    # A changed target updates the alias (audited as a change), not a second alias.
    other = ValueMapping(ValueKind.TOPIC, "raumfahrt", "qualification", remember=True)
    third = _write(tmp_path, [HEADER, "Berg;Ole;08.04.2024;Raumfahrt;;;;"], "dritte.csv")
    assert import_file(uow, admin, third, mappings=[other]).aliases_saved == 1
    topic = [a for a in list_aliases(uow, admin) if a.kind is ValueKind.TOPIC]
    assert [(a.written, a.target) for a in topic] == [("Raumfahrt", "qualification")]

    # Removed, the value is unknown again; the removal is audited.
    remove_alias(uow, admin, topic[0].id)
    fourth = _write(tmp_path, [HEADER, "Berg;Ida;09.04.2024;Raumfahrt;;;;"], "vierte.csv")
    assert [v.written for v in preview(uow, admin, fourth).unknown] == ["Raumfahrt"]
    assert not import_file(uow, admin, fourth).ok
    with uow.read() as s:
        removed = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "delete")).all()
    assert removed == ["topic: Raumfahrt -> qualification"]


def test_an_alias_shows_in_the_preview_as_remembered(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    mapping = ValueMapping(ValueKind.CHANNEL, "Fax", "letter", remember=True)
    path = _write(tmp_path, [HEADER, "Kaya;Ali;04.04.2024;;Fax;;;"])
    assert import_file(uow, admin, path, mappings=[mapping]).ok
    (value,) = preview(uow, admin, path).values
    assert (value.kind, value.written, value.remembered) == (ValueKind.CHANNEL, "Fax", "letter")


def test_only_who_may_import_sees_and_removes_aliases(
    uow: UnitOfWork, admin: Actor, anna: Actor, tmp_path: Path
) -> None:
    mapping = ValueMapping(ValueKind.CHANNEL, "Fax", "letter", remember=True)
    path = _write(tmp_path, [HEADER, "Kaya;Ali;04.04.2024;;Fax;;;"])
    assert import_file(uow, admin, path, mappings=[mapping]).ok
    (alias,) = list_aliases(uow, admin)
    with pytest.raises(PermissionDeniedError):
        list_aliases(uow, anna)
    with pytest.raises(PermissionDeniedError):
        remove_alias(uow, anna, alias.id)


def test_partners_as_domain_md_names_them_are_found_without_mapping(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    lines = [HEADER] + [
        f"Person{i};Test;03.04.2024;;;;;{name}" for i, name in enumerate(DOMAIN_PARTNERS)
    ]
    lines.append("Voll;Name;03.04.2024;;;;;IQ Netzwerk Sachsen (Anerkennungsberatung)")
    path = _write(tmp_path, lines)
    assert preview(uow, admin, path).values == ()

    report = import_file(uow, admin, path)

    assert report.ok, report.problems
    assert report.created_referrals == len(DOMAIN_PARTNERS) + 1
    with uow.read() as s:
        codes = s.scalars(
            select(Organisation.code)
            .join(Referral, Referral.partner_id == Organisation.id)
            .order_by(Referral.id)
        ).all()
    assert codes == [
        "fizuz", "aa_zwickau", "jc_zwickau", "abh_zwickau", "ihk_chemnitz", "ihk_fosa",
        "hwk_chemnitz", "iq_sachsen", "whz", "dhsn_glauchau", "mbe", "jmd", "zav", "iq_sachsen",
    ]  # fmt: skip


def test_words_shared_by_two_partners_find_neither(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(tmp_path, [HEADER, "Kaya;Ali;04.04.2024;;;;;IHK"])  # IHK Chemnitz or FOSA?
    assert [v.written for v in preview(uow, admin, path).unknown] == ["IHK"]
    assert not import_file(uow, admin, path).ok


def test_progress_is_reported_and_cancel_writes_nothing(
    uow: UnitOfWork, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [HEADER] + [f"Name{i};Test;03.04.2024;Aufenthalt;;;;" for i in range(120)]
    path = _write(tmp_path, lines)
    monkeypatch.setattr(import_writing, "WRITE_CHUNK", 50)
    heard: list[tuple[str, int, int | None]] = []
    report = import_file(uow, admin, path, progress=lambda *a: heard.append(a), dry_run=True)
    assert report.ok and report.dry_run
    assert heard == [
        ("check", 50, None), ("check", 100, None), ("check", 120, 120),
        ("write", 50, 120), ("write", 100, 120), ("write", 120, 120), ("finish", 120, 120),
    ]  # fmt: skip

    counts = (_count(uow, Record), _count(uow, AuditEntry), _count(uow, User))
    asked = {"n": 0}

    def cancel_after(rows: int) -> bool:
        asked["n"] += 1
        return asked["n"] > rows

    mapping = [ValueMapping(ValueKind.CHANNEL, "Fax", "letter", remember=True)]
    # While checking; while writing: 120 rows and the end of the check asked, then a chunk.
    for rows in (30, 121):
        asked["n"] = 0
        stopped = import_file(
            uow, admin, path, mappings=mapping, cancelled=lambda r=rows: cancel_after(r)
        )
        assert stopped.cancelled and not stopped.created_records
        assert (_count(uow, Record), _count(uow, AuditEntry), _count(uow, User)) == counts
        assert _count(uow, ImportAlias) == 0


def test_an_alias_of_a_partner_also_serves_the_event_import(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    from welcome_center.services.event_import import import_events

    hwk = _partner(uow, "hwk_chemnitz")
    path = _write(tmp_path, [HEADER, "Kaya;Ali;04.04.2024;;;;;Kammer Zwickau"])
    mapping = ValueMapping(ValueKind.PARTNER, "Kammer Zwickau", hwk, remember=True)
    assert import_file(uow, admin, path, mappings=[mapping]).ok
    events = tmp_path / "events.csv"
    events.write_text(
        'Datum;Titel;Partner\n03.04.2024;Infoabend;"Kammer Zwickau; Duale Hochschule Sachsen'
        ' Glauchau"\n',
        encoding="utf-8",
    )
    report = import_events(uow, admin, events)
    assert report.ok, report.problems


def test_a_0013_office_upgrades_with_its_rows_and_goes_back(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    uow = UnitOfWork(db)
    assert import_file(uow, admin, _write(tmp_path, LINES), mappings=_mappings(uow, True)).ok
    _to(db, "0013")
    with db.engine.connect() as conn:
        assert "import_aliases" not in inspect(conn).get_table_names()
    before = _counts(db)
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.HEAD
    assert migrate.schema_differences(db) == []
    after = _counts(db)
    assert after["import_aliases"] == 0
    assert {t: n for t, n in after.items() if t in before} == before


def test_a_label_before_its_parenthesis_is_understood(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        ["Nachname;Vorname;Eingang;Zielgruppe", "Kaya;Ali;04.04.2024;Person in der Region"],
    )
    assert preview(uow, admin, path).values == ()
    report = import_file(uow, admin, path)
    assert report.ok, report.problems
    with uow.read() as s:
        r = s.scalars(select(Record).where(Record.id.in_(report.changes.records))).one()
        assert r.requester_type == "person_in_region"
