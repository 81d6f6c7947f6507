"""An office on an encrypted SQLite file (or, as the control, a plain one) for the encryption
tests: made through the application's own set-up, with two users and one client whose name and
consultation note are searched for in the raw bytes of every file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from tests.conftest import PASSWORD, _actor
from welcome_center.app import AppContext, create_office, open_app
from welcome_center.db.keyring import key_file_path
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import ClientChoice, ConsultationDraft, PersonDraft, RecordDraft
from welcome_center.domain.enums import ClientKind, Role
from welcome_center.paths import AppPaths, resolve
from welcome_center.services import cases, consultations, people, users
from welcome_center.services.context import Actor
from welcome_center.services.encryption import Unlock

# Unique made-up words with letters outside ASCII, so that a byte search neither misses them nor
# finds them by chance.
FAMILY = "Qwyxböhmerland"
GIVEN = "Zorvandißa"
NOTE = "Frobnitzelnotiz: Müdigkeit nach dem Umzug, Wohnungssuche in Plauenßtraße"
WORDS = (FAMILY, GIVEN, "Frobnitzelnotiz", "Plauenßtraße")
SQLITE_MAGIC = b"SQLite format 3\x00"


def _variants(word: str) -> list[bytes]:
    low = word.lower()
    return [word.encode(), low.encode(), low[2:].encode(), word.encode("utf-16-le")]


def words_in(data: bytes) -> set[str]:
    """Which of WORDS occur in ``data`` (as written, in lower case, or prefix-compressed as
    the search index may store them)."""
    low = data.lower()
    return {w for w in WORDS if any(v in data or v.lower() in low for v in _variants(w))}


def sha256s(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` (not below it) by name, with its sha256."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@dataclass
class Office:
    paths: AppPaths
    ctx: AppContext
    recovery: str | None
    admin: Actor
    anna: Actor

    @property
    def path(self) -> Path:
        path = self.ctx.db.path
        assert path is not None
        return path

    @property
    def keys(self) -> Path:
        return key_file_path(self.path)

    def reopen(self, how: Unlock | None = None) -> AppContext:
        """Close the office and open it again (with the administrator's password)."""
        self.ctx.close()
        self.ctx = open_app(self.paths, unlock=how or Unlock("admin", PASSWORD))
        return self.ctx


def make_office(folder: Path, encrypted: bool = True) -> Office:
    """A new office at ``folder``/office.db: an administrator who counsels and a counsellor,
    both with the tests' password."""
    paths = resolve(str(folder / "office.db"))
    ctx, recovery = create_office(paths, encrypted=encrypted)
    users.add_user(ctx.uow, None, "admin", PASSWORD, users.FIRST_USER_ROLES, "Ada Admin")
    admin = _actor(ctx.uow, "admin")
    users.add_user(ctx.uow, admin, "anna", PASSWORD, Role.COUNSELLOR, "Anna Berger")
    return Office(paths, ctx, recovery, admin, _actor(ctx.uow, "anna"))


def write_client(office: Office, family: str = FAMILY, given: str = GIVEN) -> int:
    """A client with a record and a consultation note, closed a month ago; the record's id."""
    uow, anna = office.ctx.uow, office.anna
    opened = office_today() - timedelta(days=30)
    pid = people.create_person(
        uow, anna, PersonDraft(family_name=family, given_name=given)
    ).value.id
    rec = cases.open_record(
        uow, anna, RecordDraft(client=ClientChoice(ClientKind.PERSON, pid), opened_on=opened)
    ).value
    consultations.record_consultation(
        uow, anna, rec.id, ConsultationDraft(held_on=opened, duration_minutes=30, notes=NOTE)
    )
    version = cases.get_record(uow, anna, rec.id).version
    cases.close(uow, anna, rec.id, "goal_reached", version, on=office_today())
    return rec.id
