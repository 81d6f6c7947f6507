"""Demonstration data: a reproducible office with clients, records and their history.

Fills an empty database with what an office like the Welcome Center Region Zwickau holds after
its first years (March 2023 to today). Rows are built as dicts with ids assigned here (clients
in :mod:`demo_clients`, records in :mod:`demo_records`), written with bulk Core inserts every
``demo_records.CHUNK_RECORDS`` records (300,000 records' rows held at once took 2.5 GB), and
the search index is rebuilt once at the end.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from welcome_center.db import bulk, search
from welcome_center.db.models import AuditEntry, Base, Record, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import Role
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _
from welcome_center.services import audit, audit_chain, follow_ups, users
from welcome_center.services import demo_data as dd
from welcome_center.services.context import Actor
from welcome_center.services.demo_clients import Basis, Clients, Rows, load_basis
from welcome_center.services.demo_records import ANONYMOUS_SHARE, Office

DEMO_PASSWORD = "demo-passwort"


@dataclass(frozen=True)
class DemoUser:
    """A user of the demonstration data; each logs in with :data:`DEMO_PASSWORD`."""

    username: str
    display_name: str
    roles: frozenset[Role]


_COUNSELLOR = frozenset({Role.COUNSELLOR, Role.LIST_EXPORT})
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("lena.krause", "Lena Krause", _COUNSELLOR),
    DemoUser("tuan.nguyen", "Tuan Nguyen", _COUNSELLOR),
    DemoUser("olena.koval", "Olena Koval", frozenset({Role.COUNSELLOR})),
    DemoUser("jonas.seidel", "Jonas Seidel", _COUNSELLOR),
    DemoUser("miriam.haddad", "Miriam Haddad", _COUNSELLOR),
    DemoUser("petra.voigt", "Petra Voigt", frozenset({Role.MANAGER})),
    # An administrator without case content (DOMAIN.md, need to know).
    DemoUser("sabine.hofmann", "Sabine Hofmann", frozenset({Role.ADMIN})),
)


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the demonstration data added."""

    records: int
    persons: int
    organisations: int
    consultations: int
    referrals: int
    follow_ups: int
    recognitions: int
    residence_titles: int
    users: int
    events: int


def generate_demo(
    uow: UnitOfWork,
    actor: Actor,
    records: int = 400,
    seed: int = 1,
    today: date | None = None,
    anonymous_share: float = ANONYMOUS_SHARE,
) -> DemoSummary:
    """Fill an empty database with ``records`` demonstration records (same seed, same data),
    their clients, consultations, referrals, follow-ups, recognition procedures, residence
    titles and a few events, worked by the users of :data:`DEMO_USERS`. Residence titles that
    expire within the office's window have their follow-ups already, as in a working office.
    ``anonymous_share`` of the enquiries persons make are anonymous (0: none, for a database
    that tests migrating back to a schema before anonymous enquiries)."""
    actor.require(Permission.MANAGE_USERS)
    if records < 1:
        raise ValidationError(_("Choose at least one record."), field="records")
    today = today or office_today()
    with uow.begin() as s:
        if s.scalar(select(func.count()).select_from(Record)):
            raise ValidationError(
                _("The database holds records already; demonstration data needs an empty one.")
            )
        b = load_basis(s, random.Random(seed), today, records)
        counsellors = _users(s, b)
        writer = _Writer(s, b.rows)
        Office(s, b, Clients(b, seed), counsellors, anonymous_share, writer).build()
        writer(None)
        raised = follow_ups.sync_residence_follow_ups(s, actor, today)
        search.rebuild(s)
        audit.log(
            s, actor, AuditAction.DEMO, "database", None, detail=f"records={records} seed={seed}"
        )
    return _summary(writer.written, raised)


def _users(s: Session, b: Basis) -> list[int]:
    """The ids of the demonstration counsellors; users missing yet are added."""
    existing = {n.lower(): i for n, i in s.execute(select(User.username, User.id))}
    password_hash = users.hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    counsellors: list[int] = []
    for u in DEMO_USERS:
        uid = existing.get(u.username.lower())
        if uid is None:
            uid = b.rows.add("users", {
                "username": u.username, "display_name": u.display_name,
                "password_hash": password_hash, "active": True, "created_at": dd.ts(b.start, 7),
            })  # fmt: skip
            for role in sorted(u.roles):  # no id of their own: not through rows.add
                b.rows.by_table["user_roles"].append({"user_id": uid, "role": role.value})
        if Role.COUNSELLOR in u.roles:
            counsellors.append(uid)
    return counsellors


class _Writer:
    """Writes the rows built so far, parents before children, and forgets them: called every
    ``demo_records.CHUNK_RECORDS`` records. The audit entries go into the audit chain oldest first
    (services/audit_chain.py), as if written all at once: those from before the day of the
    records still to be built (whose entries are all from that day on) now, the others later;
    so the data are those of one write at the end, without holding them all."""

    def __init__(self, s: Session, rows: Rows) -> None:
        self.s, self.rows = s, rows
        self.written: Counter[str] = Counter()  # rows written, by table
        self.tables: list[Table] = []  # the tables written to
        self.entries: list[dd.Row] = []  # audit entries built and not yet written, oldest first

    def __call__(self, before: datetime | None) -> None:
        """Write the rows built so far and the audit entries older than ``before`` (None: all
        of them, the last call)."""
        by_table = self.rows.by_table
        self.entries += by_table.pop(AuditEntry.__tablename__, [])
        for table in Base.metadata.sorted_tables:
            if rows := by_table.get(table.name):
                bulk.bulk_insert(self.s, table, rows)
                self.written[table.name] += len(rows)
                if table not in self.tables:
                    self.tables.append(table)
        by_table.clear()  # in place: the builders hold it
        self.entries.sort(key=_at)  # stable: entries of the same time keep the order built
        cut = len(self.entries) if before is None else bisect_left(self.entries, before, key=_at)
        if cut:
            self.written[AuditEntry.__tablename__] += cut
            audit_chain.add_many(self.s, self.entries[:cut])
            audit_chain.write_now(self.s)
            del self.entries[:cut]
        if before is None:
            bulk.reset_sequences(self.s, self.tables)


def _at(entry: dd.Row) -> datetime:
    at: datetime = entry["at"]
    return at


def _summary(n: Counter[str], raised_follow_ups: int) -> DemoSummary:
    return DemoSummary(
        n.get("records", 0), n.get("persons", 0), n.get("organisations", 0),
        n.get("consultations", 0), n.get("referrals", 0),
        n.get("follow_ups", 0) + raised_follow_ups, n.get("recognition_procedures", 0),
        n.get("residence_titles", 0), n.get("users", 0), n.get("events", 0),
    )  # fmt: skip
