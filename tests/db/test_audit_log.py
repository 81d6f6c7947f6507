"""The audit log for a data protection officer: actions as stable codes with words, changed field
names in their own column (old entries moved there by the migration), failed logins, the office
settings with their values, and the administrator's search and export."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import PASSWORD
from tests.db.test_privacy_migration import _to
from welcome_center import i18n
from welcome_center.db import migrate
from welcome_center.db.engine import open_engine, url_for_path
from welcome_center.db.models import AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction, AuditFilter
from welcome_center.domain.dates import OFFICE_TZ, office_today
from welcome_center.domain.drafts import ClientChoice, PartyDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, PartyRole
from welcome_center.domain.errors import (
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from welcome_center.i18n.labels import label
from welcome_center.services import audit, cases, people, settings, users
from welcome_center.services.context import Actor

TODAY = office_today()
OPENED = TODAY - timedelta(days=30)


def _last(uow: UnitOfWork, n: int = 1) -> list[AuditEntry]:
    with uow.read() as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(n)))
        s.expunge_all()
    return rows


def _person(uow: UnitOfWork, actor: Actor, family: str) -> int:
    draft = PersonDraft(family_name=family, given_name="Test")
    return people.create_person(uow, actor, draft, accept_duplicates=True).value.id


def _record(uow: UnitOfWork, actor: Actor, pid: int) -> tuple[int, str, int]:
    r = cases.open_record(
        uow, actor, RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=OPENED)
    )
    return r.value.id, r.value.number, r.value.version


# --- actions ---------------------------------------------------------------------------------


def test_every_action_has_a_stable_code_and_words_in_both_languages() -> None:
    codes = [a.value for a in AuditAction]
    assert len(set(codes)) == len(codes)
    assert all(c.isidentifier() and c == c.lower() for c in codes)
    for lang in ("en", "de"):
        i18n.set_language(lang)
        words = {a: label(a) for a in AuditAction}
        assert all(w and w != a.value for a, w in words.items()), lang
    i18n.set_language("de")
    assert label(AuditAction.LOGIN_FAILED) == "Anmeldung fehlgeschlagen"


def test_an_unknown_action_is_refused_before_anything_is_written(
    uow: UnitOfWork, anna: Actor
) -> None:
    with pytest.raises(ValueError), uow.begin() as s:
        audit.log(s, anna, "shred", "record", 1)  # type: ignore[arg-type]


def test_the_changed_field_names_have_their_own_column(uow: UnitOfWork, anna: Actor) -> None:
    pid = _person(uow, anna, "Spaltenfeld")
    rid, _number, version = _record(uow, anna, pid)
    client = ClientChoice(ClientKind.PERSON, pid)
    draft = RecordDraft(
        client=client, opened_on=OPENED, counsellor_id=anna.user_id, channel="phone", summary="s"
    )
    cases.update_record(uow, anna, rid, draft, version)
    (entry,) = _last(uow)
    assert (entry.action, entry.entity, entry.entity_id) == ("update", "record", rid)
    assert entry.fields == ["channel", "summary"] and entry.detail == ""
    line = cases.history(uow, anna, rid)[1]
    assert line.fields == ("channel", "summary") and line.action == AuditAction.UPDATE


# --- failed logins ---------------------------------------------------------------------------


def test_failed_logins_are_recorded_with_the_name_tried(uow: UnitOfWork, anna: Actor) -> None:
    with pytest.raises(AuthenticationError) as wrong:
        users.authenticate(uow, "Anna", "not the password")
    with pytest.raises(AuthenticationError) as unknown:
        users.authenticate(uow, "mallory", "whatever it is")
    # The one who tries learns nothing about who exists.
    assert wrong.value.message == unknown.value.message
    second, first = _last(uow, 2)
    assert (first.action, first.user_id, first.actor) == ("login_failed", None, "login:Anna")
    assert (first.entity, first.entity_id, first.detail) == ("user", anna.user_id, "wrong_password")
    assert (second.actor, second.entity_id, second.detail) == (
        "login:mallory",
        None,
        "unknown_user",
    )
    # A successful login is recorded as before, as the user.
    assert users.authenticate(uow, "anna", PASSWORD).user_id == anna.user_id
    (ok,) = _last(uow)
    assert (ok.action, ok.user_id, ok.actor) == ("login", anna.user_id, "anna")


def test_a_failed_login_of_a_deactivated_user_says_why_in_the_log(
    uow: UnitOfWork, admin: Actor, ben: Actor
) -> None:
    assert ben.user_id is not None
    users.set_active(uow, admin, ben.user_id, False)
    with pytest.raises(AuthenticationError):
        users.authenticate(uow, "ben", PASSWORD)
    (entry,) = _last(uow)
    assert (entry.action, entry.entity_id, entry.detail) == (
        "login_failed",
        ben.user_id,
        "inactive",
    )


def test_a_failed_login_does_not_keep_the_write_lock_while_argon2_works(
    uow: UnitOfWork, anna: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure is written after the checking transaction ended: while argon2 verifies, a
    colleague's save goes through, and the failure's own transaction is a separate one."""
    from welcome_center.services import users as users_module

    transactions: list[str] = []
    real_begin = UnitOfWork.begin

    def counting_begin(self: UnitOfWork):  # type: ignore[no-untyped-def]
        transactions.append("begin")
        return real_begin(self)

    monkeypatch.setattr(UnitOfWork, "begin", counting_begin)
    real = users_module._hasher
    order: list[str] = []

    class Hasher:  # argon2's hasher, noting in which transaction it verifies
        def verify(self, hash_: str, password: str) -> bool:
            order.append(f"verify in transaction {len(transactions)}")
            return real.verify(hash_, password)

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

    monkeypatch.setattr(users_module, "_hasher", Hasher())
    with pytest.raises(AuthenticationError):
        users.authenticate(uow, "anna", "wrong password!")
    assert order == ["verify in transaction 1"]
    assert len(transactions) == 2  # the check, then the failure's own short one
    assert _last(uow)[0].action == "login_failed"


# --- settings --------------------------------------------------------------------------------


def test_a_settings_change_is_audited_with_every_changed_field_and_its_values(
    uow: UnitOfWork, admin: Actor
) -> None:
    before = settings.get_settings(uow)
    settings.update_settings(
        uow,
        admin,
        office_name="Welcome Center Plauen",
        suppression_threshold=5,
        referral_feedback_days=21,
        project_start=date(2023, 3, 1),
    )
    (entry,) = _last(uow)
    assert (entry.action, entry.entity, entry.entity_id) == ("update", "settings", 1)
    assert entry.fields == [
        "office_name", "project_start", "referral_feedback_days", "suppression_threshold",
    ]  # fmt: skip
    changes = entry.detail.split("; ")
    assert f'office_name: "{before.office_name}" → "Welcome Center Plauen"' in changes
    assert "suppression_threshold: 3 → 5" in changes
    assert "referral_feedback_days: 14 → 21" in changes
    assert 'project_start: null → "2023-03-01"' in changes
    assert len(changes) == 4  # unchanged settings are not listed


def test_saving_unchanged_settings_logs_no_fields(uow: UnitOfWork, admin: Actor) -> None:
    settings.update_settings(uow, admin, suppression_threshold=3)
    (entry,) = _last(uow)
    assert entry.fields == [] and entry.detail == ""


# --- searching the log -----------------------------------------------------------------------


@pytest.fixture
def office(uow: UnitOfWork, anna: Actor, ben: Actor) -> dict[str, object]:
    """Two persons; Kaminski is the client of one record and a party of Ben's record."""
    kaminski = _person(uow, anna, "Kaminski")
    other = _person(uow, ben, "Ostrowski")
    rid, number, _v = _record(uow, anna, kaminski)
    rid2, number2, _v = _record(uow, ben, other)
    cases.link_party(
        uow,
        ben,
        rid2,
        PartyDraft(client=ClientChoice(ClientKind.PERSON, kaminski), role=PartyRole.OTHER),
    )
    people.get_person(uow, ben, kaminski)
    cases.get_record(uow, anna, rid)
    return {"kaminski": kaminski, "other": other, "rid": rid, "number": number, "rid2": rid2,
            "number2": number2}  # fmt: skip


def test_only_administrators_search_the_log(uow: UnitOfWork, anna: Actor, manager: Actor) -> None:
    for actor in (anna, manager):
        with pytest.raises(PermissionDeniedError):
            audit.search_audit(uow, actor, AuditFilter())


def test_the_log_is_searched_newest_first_by_user_and_action(
    uow: UnitOfWork, admin: Actor, anna: Actor, ben: Actor, office: dict[str, object]
) -> None:
    everything = audit.search_audit(uow, admin, AuditFilter())
    assert [e.id for e in everything] == sorted((e.id for e in everything), reverse=True)
    by_ben = audit.search_audit(uow, admin, AuditFilter(user_id=ben.user_id))
    assert by_ben and {e.actor for e in by_ben} == {"ben"}
    reads = audit.search_audit(
        uow, admin, AuditFilter(user_id=anna.user_id, action=AuditAction.READ)
    )
    assert [(e.action, e.entity, e.entity_id) for e in reads] == [
        (AuditAction.READ, "record", office["rid"])
    ]
    assert reads[0].record_number == office["number"]


def test_a_person_filter_finds_the_person_and_every_record_they_are_part_of(
    uow: UnitOfWork, admin: Actor, office: dict[str, object]
) -> None:
    kaminski = office["kaminski"]
    assert isinstance(kaminski, int)
    found = audit.search_audit(uow, admin, AuditFilter(client=(ClientKind.PERSON, kaminski)))
    about = {(e.entity, e.entity_id) for e in found}
    assert about == {("person", kaminski), ("record", office["rid"]), ("record", office["rid2"])}
    assert ("person", office["other"]) not in about


def test_a_record_number_filter_is_read_as_typed(
    uow: UnitOfWork, admin: Actor, office: dict[str, object]
) -> None:
    number = str(office["number"])
    prefix, year, seq = number.split("-")
    typed = f"{prefix.lower()}-{year}-{int(seq)}"  # "wc-2026-1" for "WC-2026-0001"
    found = audit.search_audit(uow, admin, AuditFilter(record_number=typed))
    assert found and {(e.entity, e.entity_id) for e in found} == {("record", office["rid"])}
    assert audit.search_audit(uow, admin, AuditFilter(record_number=f"{prefix}-1999-9999")) == []
    with pytest.raises(ValidationError) as bad:
        audit.search_audit(uow, admin, AuditFilter(record_number="Kaminski"))
    assert bad.value.field == "record_number"


def test_the_period_is_of_office_days_both_included(uow: UnitOfWork, admin: Actor) -> None:
    # 23:30 in Berlin on 1 June is 21:30 UTC: the entry belongs to 1 June, not 2 June.
    late = datetime(2025, 6, 1, 23, 30, tzinfo=OFFICE_TZ)
    with uow.begin() as s:
        for at in (late, late + timedelta(hours=1)):
            s.add(AuditEntry(at=at.astimezone(UTC), actor="t", action="read", entity="person",
                             entity_id=7))  # fmt: skip
    june1 = AuditFilter(since=date(2025, 6, 1), until=date(2025, 6, 1))
    assert [e.at for e in audit.search_audit(uow, admin, june1)] == [late]
    june2 = AuditFilter(since=date(2025, 6, 2))
    assert late + timedelta(hours=1) in [e.at for e in audit.search_audit(uow, admin, june2)]


def test_pages_follow_each_other_without_gaps_or_repeats(uow: UnitOfWork, admin: Actor) -> None:
    same = datetime(2025, 1, 1, 12, tzinfo=UTC)
    with uow.begin() as s:
        for i in range(25):  # ten share one moment: the id breaks the tie
            at = same if i < 10 else same + timedelta(minutes=i)
            s.add(AuditEntry(at=at, actor="t", action="read", entity="person", entity_id=i))
    f = AuditFilter(action=AuditAction.READ, until=date(2025, 1, 2), limit=7)
    seen: list[int] = []
    page = audit.search_audit(uow, admin, f)
    while page:
        seen += [e.entity_id or 0 for e in page]
        last = page[-1]
        page = audit.search_audit(uow, admin, replace(f, before=(last.at, last.id)))
    assert sorted(seen) == list(range(25)) and len(seen) == 25


def test_the_export_writes_every_match_formula_safe_and_is_itself_audited(
    uow: UnitOfWork, admin: Actor, tmp_path: Path
) -> None:
    with uow.begin() as s:
        s.add(AuditEntry(actor="t", action="import", entity="database", detail="=HYPERLINK(1)"))
    f = AuditFilter(action=AuditAction.IMPORT, limit=1)  # the export is not limited by a page
    with uow.begin() as s:
        s.add(AuditEntry(actor="t", action="import", entity="database", detail="second"))
    target = tmp_path / "audit.csv"
    saved = audit.export_audit(uow, admin, f, target)
    assert saved.value == 2
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0][:4] == ["When", "User", "User no.", "Action"]
    assert [r[3] for r in rows[1:]] == ["Imported", "Imported"]
    assert [r[-1] for r in rows[1:]] == ["second", "'=HYPERLINK(1)"]
    (entry,) = _last(uow)
    assert (entry.action, entry.entity, entry.actor) == ("export", "audit", "admin")
    assert entry.detail == "rows=2 action=import"  # what was asked for, too


# --- the migration ---------------------------------------------------------------------------

OLD_ENTRIES = [
    # (action, entity, detail as 0004 stored it) -> (detail, fields) after 0005
    ("update", "record", "fields=channel,summary", "", ["channel", "summary"]),
    ("close", "record", "goal_reached fields=closed_on,closing_reason,status", "goal_reached",
     ["closed_on", "closing_reason", "status"]),
    ("status", "record", "waiting fields=status", "waiting", ["status"]),
    ("create", "record", "enquiry", "enquiry", []),
    ("import", "database", "file=my fields=x.csv rows=3 created=3 existing=0",
     "file=my fields=x.csv rows=3 created=3 existing=0", []),
    ("search", "client", "hits=2", "hits=2", []),
    ("read", "record", "", "", []),
]  # fmt: skip


@pytest.fixture
def old_database(tmp_path: Path, pg_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A database at revision 0004 with audit entries as that revision wrote them."""
    from alembic import command

    if pg_server is not None:
        url = pg_server.create(f"wct_audit_old_{os.getpid()}")
    else:
        url = url_for_path(tmp_path / "old.db")
    db = open_engine(url, create=True)
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        with conn.begin():
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0004")
        with conn.begin():
            for i, (action, entity, detail, _d, _f) in enumerate(OLD_ENTRIES):
                conn.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                        "VALUES (:at, 'anna', :action, :entity, :eid, :detail)"
                    ),
                    {  # the old revision's columns only
                        "at": datetime(2025, 1, 1, 9, i, tzinfo=UTC),
                        "action": action,
                        "entity": entity,
                        "eid": i + 1,
                        "detail": detail,
                    },
                )
    db.dispose()
    yield url
    if pg_server is not None:
        pg_server.drop(f"wct_audit_old_{os.getpid()}")


def test_the_migration_moves_old_field_names_to_their_column(old_database: str) -> None:
    db = open_engine(old_database)
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.head_revision()
    with db.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == len(OLD_ENTRIES)
        got = [(e.detail, e.fields) for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert got == [(d, f) for _a, _e, _old, d, f in OLD_ENTRIES]
    assert migrate.schema_differences(db) == []
    # And back: 0004's text again, word for word (foreign keys off, as the runner has them:
    # the way back rebuilds tables on SQLite).
    _to(db, "0004")
    with db.engine.connect() as conn:
        details = conn.execute(text("SELECT detail FROM audit_log ORDER BY id")).scalars().all()
    assert details == [old for _a, _e, old, _d, _f in OLD_ENTRIES]
    db.dispose()


def test_the_history_tab_reads_migrated_entries_as_before(old_database: str) -> None:
    db = open_engine(old_database)
    migrate.upgrade(db)
    with UnitOfWork(db).read() as s:
        lines = audit.history(s, "record", 2)
    assert [(line.action, line.detail, line.fields) for line in lines] == [
        ("close", "goal_reached", ("closed_on", "closing_reason", "status"))
    ]
    db.dispose()
