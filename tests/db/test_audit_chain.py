"""The tamper-evident audit log: every entry chains to the one before; an entry changed, removed
or inserted with a SQLite tool is named by ``welcome-center db check``; the retention rules'
deletions are not taken for tampering; migration 0008 chains the entries an office has; several
writers on PostgreSQL still form one chain."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.db.test_privacy_migration import _counts, _to
from welcome_center.cli import main
from welcome_center.db import migrate
from welcome_center.db.engine import Database, url_for_path
from welcome_center.db.models import AuditChainHead, AuditEntry
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.audit_chain import (
    GENESIS,
    Head,
    Problem,
    StoredEntry,
    entry_hash,
    verify,
)
from welcome_center.services import audit, audit_check, storage
from welcome_center.services.context import Actor
from welcome_center.services.demo import generate_demo
from welcome_center.services.privacy import anonymise
from welcome_center.services.storage import open_database


def _write(uow: UnitOfWork, actor: Actor, n: int, detail: str = "x") -> None:
    for i in range(n):
        with uow.begin() as s:
            audit.log(s, actor, AuditAction.READ, "person", i + 1, detail=f"{detail}{i}")


def _rows(db: Database) -> list[AuditEntry]:
    with db.sessions() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _assert_chained(db: Database) -> None:
    rows = _rows(db)
    prev = GENESIS
    for e in rows:
        assert e.prev_hash == prev
        assert e.hash == entry_hash(
            e.id, e.at, e.user_id, e.actor, e.action, e.entity, e.entity_id, e.fields,
            e.detail, prev,
        )  # fmt: skip
        prev = e.hash
    with db.sessions() as s:
        head = s.get(AuditChainHead, 1)
        assert head is not None
        assert (head.last_id, head.last_hash, head.count) == (rows[-1].id, prev, len(rows))
    report = audit_check.check_database(db)
    assert report.ok, audit_check.report_lines(report)


def test_every_new_entry_chains_to_the_one_before(uow: UnitOfWork, anna: Actor) -> None:
    _write(uow, anna, 3)
    with uow.begin() as s:  # several in one transaction, and a bulk of them
        audit.log(s, anna, AuditAction.UPDATE, "record", 7, fields=["summary", "channel"])
        audit.log_failed_login(s, "mallory", None, "unknown_user")
        audit.log_many(s, anna, AuditAction.READ, "person", [4, 5, 6], detail="list")
    with uow.begin() as s:  # an entry added as an object goes into the chain too
        s.add(AuditEntry(actor="t", action="read", entity="person", entity_id=9, detail="obj"))
    with uow.begin() as s:  # rolled back: nothing of it is written, the chain goes on
        audit.log(s, anna, AuditAction.READ, "person", 1)
        s.rollback()
    _write(uow, anna, 2, "after")
    _assert_chained(uow.db)
    rows = _rows(uow.db)
    assert [r.detail for r in rows[-8:]] == ["", "unknown_user", "list", "list", "list", "obj",
                                             "after0", "after1"]  # fmt: skip
    assert [r.id for r in rows] == sorted(r.id for r in rows)


AWKWARD = 'Quote " backslash \\ tab\t new\nline \x01 \x1f \x7f ü ß 😀 \u2028 </b> =SUM(A1)'


def test_entries_with_every_kind_of_character_chain_alike_on_each_path(
    uow: UnitOfWork, anna: Actor
) -> None:
    """On a server the database's function chains a transaction's entries (migration 0019) and
    the program a batch of thousands; both make the hashes the program's check verifies, for
    any text a user name, a field name or a detail can hold."""
    odd = Actor(anna.user_id, "x" + AWKWARD[:40], anna.roles)
    before = len(_rows(uow.db))
    with uow.begin() as s:
        audit.log(s, odd, AuditAction.UPDATE, "record", 7, fields=["ä", 'q"'], detail=AWKWARD)
        audit.log(s, anna, AuditAction.READ, "record", None, detail="")
    with uow.begin() as s:  # more than one call takes: the program chains them
        audit.log_many(s, anna, AuditAction.READ, "person", range(1, 602), detail=AWKWARD)
    _write(uow, odd, 2, AWKWARD)
    with uow.begin() as s:  # a file name that is not UTF-8, as the operating system gives it
        audit.log(s, anna, AuditAction.READ, "record", 1, detail="Sicherung-\udcff.db")
    _assert_chained(uow.db)
    rows = _rows(uow.db)
    assert rows[-2].detail == AWKWARD + "1" and rows[-2].actor == odd.name
    assert rows[-1].detail == "Sicherung-?.db"
    assert len(rows) - before == 2 + 601 + 2 + 1


def test_the_history_shows_the_entry_of_its_own_transaction(uow: UnitOfWork, anna: Actor) -> None:
    with uow.begin() as s:
        audit.log(s, anna, AuditAction.READ, "record", 42, detail="history")
        lines = audit.history(s, "record", 42)
    assert [line.detail for line in lines] == ["history"]


# --- tampering with a SQLite tool ----------------------------------------------------------------


@pytest.fixture
def office(db_path: Path) -> Path:
    """A plain office file with 12 entries beside the template's own."""
    db = open_database(url_for_path(db_path))
    uow = UnitOfWork(db)
    _write(uow, Actor(2, "lena.krause", frozenset()), 12)
    db.dispose()
    return db_path


def _ids(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [i for (i,) in con.execute("SELECT id FROM audit_log ORDER BY id")]
    finally:
        con.close()


def _sql(path: Path, sql: str, *args: object) -> None:
    con = sqlite3.connect(path)  # as anyone with a SQLite tool would
    with con:
        con.execute(sql, args)
    con.close()


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["--lang", "en", "--db", str(path), "db", "check"])
    return code, capsys.readouterr().out


def test_db_check_says_the_log_is_intact(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(office, capsys)
    assert code == 0
    n = len(_ids(office))
    assert f"Audit log: ok ({n} entries checked, all unchanged since they were written.)" in out


def test_an_entry_edited_with_sqlite3_is_named(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = _ids(office)[-5]
    _sql(office, "UPDATE audit_log SET detail = 'nothing to see' WHERE id = ?", target)
    code, out = _check(office, capsys)
    assert code == 1
    assert "Audit log: FAILED:" in out
    assert f"entry {target} (" in out and "lena.krause, Viewed Person" in out
    assert "was changed after it was written." in out
    assert out.count("entry ") == 1  # the entries after it are not blamed


def test_an_entry_changed_with_its_hash_rewritten_is_named(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone who knows the format recomputes the changed entry's hash: the next entry's link
    still gives it away."""
    target = _ids(office)[-4]
    con = sqlite3.connect(office)
    row = con.execute(
        "SELECT id, at, user_id, actor, action, entity, entity_id, fields, prev_hash "
        "FROM audit_log WHERE id = ?",
        (target,),
    ).fetchone()
    at = datetime.fromisoformat(row[1]).replace(tzinfo=UTC)
    forged = entry_hash(row[0], at, row[2], row[3], row[4], row[5], 99, [], "x", row[8])
    with con:
        con.execute(
            "UPDATE audit_log SET entity_id = 99, detail = 'x', hash = ? WHERE id = ?",
            (forged, target),
        )
    con.close()
    code, out = _check(office, capsys)
    assert code == 1
    assert f"entry {target} (" in out and "was changed after it was written." in out


def test_removed_entries_are_named(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _ids(office)
    _sql(office, "DELETE FROM audit_log WHERE id BETWEEN ? AND ?", ids[-8], ids[-6])
    code, out = _check(office, capsys)
    assert code == 1
    assert f"Entries between entry {ids[-9]} and entry {ids[-5]} are missing." in out


def test_the_newest_entries_removed_are_noticed_through_the_head(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _ids(office)
    _sql(office, "DELETE FROM audit_log WHERE id >= ?", ids[-3])
    code, out = _check(office, capsys)
    assert code == 1
    assert f"The last 3 entries (after entry {ids[-4]}) were removed." in out


def test_an_entry_put_in_place_of_a_removed_one_is_named(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = _ids(office)
    _sql(office, "DELETE FROM audit_log WHERE id = ?", ids[-6])  # make room in the middle...
    _sql(office, "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, fields, detail,"
                 " prev_hash, hash) SELECT ?, at, 'lena.krause', 'read', 'person', 1, '[]', '',"
                 " prev_hash, hash FROM audit_log WHERE id = ?", ids[-6], ids[-7])  # fmt: skip
    code, out = _check(office, capsys)
    assert code == 1
    assert f"entry {ids[-6]} (" in out


def test_an_entry_added_at_the_end_is_named(
    office: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _ids(office)[-1] + 1
    _sql(office, "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, fields, detail)"
                 " VALUES (?, '2026-11-03 13:02:00.000000', 'lena.krause', 'update', 'record',"
                 " 55, '[]', '')", new)  # fmt: skip
    code, out = _check(office, capsys)
    assert code == 1
    assert f"entry {new} (" in out and "03/11/2026 14:02:00, lena.krause, Changed Record 55)" in out
    assert "was not written by this program: it was inserted." in out


def test_german_words_for_the_check(office: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = _ids(office)[-2]
    _sql(office, "UPDATE audit_log SET detail = '' WHERE id = ?", target)
    assert main(["--lang", "de", "--db", str(office), "db", "check"]) == 1
    out = capsys.readouterr().out
    assert f"Eintrag {target} (" in out and "nachträglich geändert" in out


# --- the retention rules -------------------------------------------------------------------------


def test_entries_deleted_under_the_retention_rules_keep_the_chain_verifiable(
    uow: UnitOfWork, anna: Actor
) -> None:
    """Old entries between newer ones (the demonstration data has them) and the newest ones:
    each gap is recorded; what is left verifies, and new entries chain on."""
    old = datetime(2020, 1, 1, 12, tzinfo=UTC)
    with uow.begin() as s:
        for i in range(6):
            s.add(AuditEntry(at=old if i % 2 else datetime.now(UTC), actor="t", action="read",
                             entity="person", entity_id=i, detail=str(i)))  # fmt: skip
        s.add(AuditEntry(at=old, actor="t", action="read", entity="person", entity_id=9))
    with uow.begin() as s:
        assert anonymise.count_audit_due(s, date(2021, 1, 1)) == 4
        assert anonymise.delete_audit(s, date(2021, 1, 1), 2) == 2
    with uow.begin() as s:
        assert anonymise.delete_audit(s, date(2021, 1, 1), 100) == 2  # the newest one too
    report = audit_check.check_database(uow.db)
    assert report.ok, audit_check.report_lines(report)
    assert report.removed_by_retention == 4
    _write(uow, anna, 2)
    report = audit_check.check_database(uow.db)
    assert report.ok and report.removed_by_retention == 4, audit_check.report_lines(report)
    assert "4 older entries were deleted" in audit_check.report_lines(report)[0]


# --- the migration -------------------------------------------------------------------------------


def test_migration_0008_chains_the_entries_an_office_has(db: Database) -> None:
    uow = UnitOfWork(db)
    generate_demo(uow, Actor.system("test"), records=20, seed=4)
    _to(db, "0007")
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, fields, detail) "
                "VALUES ('2025-01-02 03:04:05.678901', 'old.hand', 'update', 'record', 3, "
                "'[\"summary\"]', 'before the chain')"
            )
        )
    before = _counts(db)
    migrate.upgrade(db)
    assert migrate.current_revision(db) == migrate.HEAD
    after = _counts(db)
    assert {t: n for t, n in after.items() if t in before} == before
    assert migrate.schema_differences(db) == []
    _assert_chained(db)
    assert _rows(db)[-1].detail == "before the chain"
    _write(uow, Actor.system("test"), 2)
    _assert_chained(db)
    # And back: the columns and tables go, every entry stays.
    _to(db, "0007")
    assert _counts(db)["audit_log"] == before["audit_log"] + 2
    migrate.upgrade(db)
    _assert_chained(db)


# --- several writers (PostgreSQL) ----------------------------------------------------------------


def test_concurrent_writers_form_one_chain(db: Database) -> None:
    """Two threads, each with its own connections, write 50 entries each: one valid chain."""
    if db.is_sqlite:
        pytest.skip("several writers at once: the team set-up on PostgreSQL")
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            _write(UnitOfWork(db), Actor.system(name), 50, name)
        except BaseException as exc:
            errors.append(exc)

    with db.sessions() as s:
        start = s.scalar(select(func.count()).select_from(AuditEntry)) or 0
    threads = [threading.Thread(target=writer, args=(n,)) for n in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _assert_chained(db)
    rows = _rows(db)
    assert len(rows) == start + 100
    assert {r.actor for r in rows[start:]} == {"system:one", "system:two"}


# --- the verifier on its own ---------------------------------------------------------------------


def _chain(n: int) -> list[StoredEntry]:
    out, prev = [], GENESIS
    for i in range(1, n + 1):
        at = datetime(2026, 11, 3, 14, i, tzinfo=UTC)
        h = entry_hash(i, at, 2, "lena.krause", "update", "record", 55, ("summary",), "", prev)
        out.append(StoredEntry(i, at, 2, "lena.krause", "update", "record", 55, ("summary",),
                               "", prev, h))  # fmt: skip
        prev = h
    return out


def test_the_verifier_names_each_kind_of_break() -> None:
    rows = _chain(10)
    head = Head(10, rows[-1].hash or "", 10)
    assert verify(rows, head).ok
    changed = [*rows[:4], StoredEntry(**{**rows[4].__dict__, "detail": "x"}), *rows[5:]]
    (f,) = verify(changed, head).findings
    assert (f.problem, f.entry and f.entry.id) == (Problem.CHANGED, 5)
    (f,) = verify(rows[:3] + rows[6:], head).findings
    assert (f.problem, f.before and f.before.id, f.entry and f.entry.id) == (Problem.MISSING, 3, 7)
    (f,) = verify(rows[:7], head).findings
    assert (f.problem, f.count) == (Problem.TAIL_REMOVED, 3)
    (f,) = verify(rows[2:], head).findings
    assert f.problem is Problem.MISSING_BEFORE
    stray = StoredEntry(**{**rows[4].__dict__, "id": 11, "prev_hash": None, "hash": None})
    (f,) = verify([*rows, stray], head).findings
    assert (f.problem, f.entry and f.entry.id) == (Problem.INSERTED, 11)
    assert verify([], None).findings[0].problem is Problem.NO_HEAD


def test_storage_check_names_the_audit_log(office: Path) -> None:
    report = storage.check_database(url_for_path(office))
    assert report.ok and any(line.startswith("Audit log: ok") for line in report.lines)
