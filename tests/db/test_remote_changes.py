"""Desks see each other (issue 16, item 4): another program's saves reach a desk's change feed.

A second ``Database`` on the same file or server stands in for another desk (on SQLite its
commits change ``PRAGMA data_version`` for the watcher's connection as another process's do; one
test uses a real second process). On PostgreSQL the feed listens for NOTIFY.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tests.db.encrypted_office import make_office
from welcome_center.db import changes as db_changes
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import ClientChoice, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.services import cases, people, remote_changes
from welcome_center.services.context import Actor, Changes
from welcome_center.services.remote_changes import ChangeFeed, RemoteChanges
from welcome_center.services.storage import open_database

DAY = date(2026, 3, 2)
WAIT_S = 10.0  # an upper bound: the feed answers within one interval (20 ms here)


@pytest.fixture
def feed(uow: UnitOfWork) -> Iterator[ChangeFeed]:
    found = ChangeFeed(uow, interval=0.02)
    assert found.start(), found.failure
    yield found
    found.stop()
    assert not found.running


def _new_record(uow: UnitOfWork, actor: Actor, family: str = "Haddad") -> tuple[int, int]:
    person = people.create_person(
        uow, actor, PersonDraft(family_name=family, given_name="Rami"), True
    ).value.id
    client = ClientChoice(ClientKind.PERSON, person)
    record = cases.open_record(uow, actor, RecordDraft(client=client, opened_on=DAY)).value.id
    return person, record


def _next(feed: ChangeFeed) -> RemoteChanges:
    """What the feed has as soon as it has something."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if feed.wait(deadline - time.monotonic()):
            found = feed.take()
            if found is not None:
                return found
    raise AssertionError("nothing noticed")


def _until(feed: ChangeFeed, record: int) -> RemoteChanges:
    """Everything the feed reports until it names ``record`` (saves arrive one by one)."""
    seen = _next(feed)
    while record not in seen.changes.records:
        more = _next(feed)
        seen = RemoteChanges(seen.changes | more.changes, seen.everything or more.everything)
    return seen


def test_another_desks_new_enquiry_is_noticed_with_its_ids(
    feed: ChangeFeed, other: UnitOfWork, anna: Actor
) -> None:
    person, record = _new_record(other, anna)
    found = _until(feed, record)
    assert person in found.changes.persons
    assert found.changes.follow_ups  # a new enquiry may bring a follow-up
    assert not found.everything


def test_own_saves_and_reads_are_not_reported(
    feed: ChangeFeed, uow: UnitOfWork, other: UnitOfWork, anna: Actor, ben: Actor
) -> None:
    _mine_person, mine = _new_record(uow, anna, "Mine")  # this desk's own save
    theirs_person, theirs = _new_record(other, ben, "Theirs")
    cases.get_record(other, ben, mine)  # a read: audited, but nothing changed
    last_person, last = _new_record(other, ben, "Last")
    seen = _until(feed, last).changes
    assert seen.records == {theirs, last}
    assert seen.persons == {theirs_person, last_person}


def test_a_rolled_back_save_is_not_announced(
    feed: ChangeFeed, other: UnitOfWork, anna: Actor
) -> None:
    class Refused(Exception):
        pass

    with pytest.raises(Refused), other.begin() as s:
        from welcome_center.services import audit

        audit.log(s, anna, AuditAction.UPDATE, "record", 999_999)
        s.flush()
        raise Refused
    _person, record = _new_record(other, anna)
    assert 999_999 not in _until(feed, record).changes.records


def test_the_feed_stops_at_once(uow: UnitOfWork) -> None:
    feed = ChangeFeed(uow, interval=0.5)
    assert feed.start()
    started = time.monotonic()
    feed.stop()
    assert not feed.running
    assert time.monotonic() - started < 2.0


def test_another_process_on_the_same_file_is_noticed(feed: ChangeFeed, uow: UnitOfWork) -> None:
    """A real second process (on a file: the desk of another account on the same computer)."""
    script = (
        "import sys\n"
        "from welcome_center.db.uow import UnitOfWork\n"
        "from welcome_center.domain.drafts import PersonDraft\n"
        "from welcome_center.services import people\n"
        "from welcome_center.services.context import Actor\n"
        "from welcome_center.services.storage import open_database\n"
        "uow = UnitOfWork(open_database(sys.argv[1]))\n"
        "d = PersonDraft(family_name='Process', given_name='Second')\n"
        "print(people.create_person(uow, Actor.system('test'), d, True).value.id)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run(
        [sys.executable, "-c", script, uow.db.url],
        capture_output=True, text=True, check=True, env=env, timeout=120,
    )  # fmt: skip
    person = int(done.stdout.strip())
    assert person in _next(feed).changes.persons


def test_what_entries_stand_for() -> None:
    def t(action: str, entity: str, entity_id: int | None) -> db_changes.Touched:
        return db_changes.Touched(action, entity, entity_id)

    found = remote_changes.changes_of(
        [
            t("add_follow_up", "record", 4),
            t("update", "organisation", 9),
            t("retire", "vocabulary", 2),
        ]
    )
    assert found == RemoteChanges(
        Changes(
            records=frozenset({4}),
            organisations=frozenset({9}),
            follow_ups=True,
            vocabularies=True,
        )
    )
    assert remote_changes.changes_of([t("merge", "person", 3)]).everything
    assert remote_changes.changes_of([t("import", "database", None)]).everything
    assert remote_changes.changes_of([], much=True).everything
    assert not remote_changes.changes_of([t("publish", "report", 1)]).everything


def test_an_encrypted_file_is_watched_through_its_key(tmp_path: Path, pg_server: object) -> None:
    if pg_server is not None:
        pytest.skip("a test of SQLite files")
    office = make_office(tmp_path / "office", encrypted=True)
    feed = ChangeFeed(office.ctx.uow, interval=0.02)
    assert feed.start(), feed.failure
    second = open_database(office.ctx.db.url, keyring=office.ctx.db.keyring)
    try:
        draft = PersonDraft(family_name="Verschlüsselt", given_name="Vera")
        person = people.create_person(UnitOfWork(second), office.anna, draft, True).value.id
        assert person in _next(feed).changes.persons
    finally:
        feed.stop()
        second.dispose()
        office.ctx.close()


def test_a_lost_server_connection_is_made_again_and_says_anything_may_have_changed(
    feed: ChangeFeed, other: UnitOfWork, anna: Actor
) -> None:
    if other.db.is_sqlite:
        pytest.skip("a server's connection")
    with other.db.engine.connect() as conn:  # the server ends the listening connection
        conn.exec_driver_sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE query LIKE 'LISTEN %%' AND datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
    assert _next(feed).everything
    _person, record = _new_record(other, anna)
    assert record in _until(feed, record).changes.records
