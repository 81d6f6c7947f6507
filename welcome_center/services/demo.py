"""Demonstration data: a reproducible office with clients, records and their history.

Fills an empty database with what an office like the Welcome Center Region Zwickau holds after
its first years (March 2023 to today). Rows are built as dicts with ids assigned here, written
with bulk Core inserts, and the search index is rebuilt once at the end.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from babel import Locale
from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault as ScalarDefault

from welcome_center.db import search
from welcome_center.db.models import Base, NumberCounter, Organisation, Record, User
from welcome_center.db.models import VocabularyEntry as Voc
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import PartyRole, RecordStatus, ReferralStatus, Role
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.rules import organisation_key
from welcome_center.i18n import _
from welcome_center.services import audit, settings, users
from welcome_center.services import demo_data as dd
from welcome_center.services.context import Actor

DEMO_PASSWORD = "demo-passwort"


@dataclass(frozen=True)
class DemoUser:
    """A user of the demonstration data; each logs in with :data:`DEMO_PASSWORD`."""

    username: str
    display_name: str
    role: Role


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("lena.krause", "Lena Krause", Role.COUNSELLOR),
    DemoUser("tuan.nguyen", "Tuan Nguyen", Role.COUNSELLOR),
    DemoUser("olena.koval", "Olena Koval", Role.COUNSELLOR),
    DemoUser("jonas.seidel", "Jonas Seidel", Role.COUNSELLOR),
    DemoUser("miriam.haddad", "Miriam Haddad", Role.COUNSELLOR),
    DemoUser("petra.voigt", "Petra Voigt", Role.MANAGER),
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


Row = dd.Row
_START = date(2023, 3, 1)
_CHUNK = 10_000
_ORG_REQUESTERS = {"company", "public_employer", "municipality", "authority"}  # client: an org


def generate_demo(
    uow: UnitOfWork,
    actor: Actor,
    records: int = 400,
    seed: int = 1,
    today: date | None = None,
) -> DemoSummary:
    """Fill an empty database with ``records`` demonstration records (same seed, same data),
    their clients, consultations, referrals, follow-ups, recognition procedures, residence
    titles and a few events, worked by the users of :data:`DEMO_USERS`."""
    actor.require(Permission.MANAGE_USERS)
    if records < 1:
        raise ValidationError(_("Choose at least one record."), field="records")
    with uow.begin() as s:
        if s.scalar(select(func.count()).select_from(Record)):
            raise ValidationError(
                _("The database holds records already; demonstration data needs an empty one.")
            )
        summary = _Office(s, random.Random(seed), today or office_today(), records, seed).build()
        search.rebuild(s)
        audit.log(s, actor, "demo", "database", None, detail=f"records={records} seed={seed}")
    return summary


def _bulk_insert(s: Session, table: Table, rows: list[Row]) -> None:
    """Core bulk inserts in chunks. On SQLite the compiled statement goes straight to the
    driver's executemany, the values converted column by column with the columns' own bind
    processors: a third of the time SQLAlchemy takes to build and process a dict per row."""
    dialect = s.get_bind().dialect
    if dialect.name != "sqlite":
        for start in range(0, len(rows), _CHUNK):
            s.execute(insert(table), rows[start : start + _CHUNK])
        if dialect.name == "postgresql" and "id" in table.c:  # the ids were given: move on the
            sequence = func.pg_get_serial_sequence(table.name, "id")  # sequence past them
            s.execute(select(func.setval(sequence, select(func.max(table.c.id)).scalar_subquery())))
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    keys = list(compiled.positiontup or ())  # the given columns, and those with defaults
    default = {c.name: c.default.arg for c in table.c if isinstance(c.default, ScalarDefault)}
    # Cached: the same few thousand dates recur, and formatting them is the bulk of the work.
    convert = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]
    convert = [cache(f) if f else None for f in convert]
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        columns = [[row.get(k, d) for row in chunk] for k in keys for d in [default.get(k)]]
        columns = [list(map(f, c)) if f else c for f, c in zip(convert, columns, strict=True)]
        s.connection().exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))


class _Person(NamedTuple):
    nationality: str
    occupation: int  # index into demo_data.OCCUPATIONS
    language: str  # the first language, in German
    family_name: str


class _Office:
    """Builds the rows of one demonstration office, then writes them in bulk."""

    def __init__(self, s: Session, rng: random.Random, today: date, n: int, seed: int) -> None:
        self.s, self.rng, self.today, self.n = s, rng, today, n
        self.start = _START if today >= _START + timedelta(days=90) else today - timedelta(365)
        self.prefix = settings.current(s).number_prefix
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.ids: dict[str, int] = {}
        self.codes: dict[str, list[str]] = defaultdict(list)
        self.labels: dict[str, str] = {}
        vocabularies = select(Voc.vocabulary, Voc.code, Voc.label_de).where(Voc.active)
        for voc, code, label in s.execute(vocabularies.order_by(Voc.vocabulary, Voc.position)):
            self.codes[voc].append(code)
            self.labels[code] = label
        partners = select(Organisation.code, Organisation.id).where(Organisation.is_partner)
        partners = partners.where(Organisation.active).order_by(Organisation.id)
        self.partners = {code or str(pid): pid for code, pid in s.execute(partners)}
        if missing := [v for v in (*dd.VOCABULARIES, "residence_title") if not self.codes[v]]:
            names = ", ".join(missing)
            raise ValidationError(
                _("These vocabularies have no active entries: %(names)s") % {"names": names}
            )
        # Every code shows up once early on (see Weighted): the first records, people, titles
        # and referrals go through the codes of their vocabulary.
        show = {voc: rng.sample(codes, len(codes)) for voc, codes in self.codes.items()}
        show["referral"] = [status.value for status in ReferralStatus]
        w, c = dd.WEIGHTS, self.codes
        self.pick = {voc: dd.Weighted(c[voc], w[voc], cover=show[voc]) for voc in dd.VOCABULARIES}
        self.pick["org_topic"] = dd.Weighted(c["topic"], w["org_topic"], 0, cover=show["topic"])
        self.pick["contact_channel"] = dd.Weighted(c["channel"], w["channel"])
        self.pick["place"] = dd.Weighted(c["municipality"], w["municipality"])
        self.pick["referral"] = dd.Weighted(dd.FEEDBACK, dd.FEEDBACK, cover=show["referral"])
        self.nations = {x.code: x for x in dd.NATIONALITIES}
        self.pick["nationality"] = dd.Weighted(
            self.nations, {x.code: x.weight for x in self.nations.values()}
        )
        self.titles: dict[tuple[str, bool], dd.Weighted[str]] = {}
        self.show_titles = show["residence_title"]
        self.showcase = list(dd.SHOWCASE)  # recognition stages and decisions
        self.towns = [m for m in c["municipality"] if m not in ("abroad", "elsewhere_germany")]
        self.names = dd.build_name_pools(seed)
        self.country_de = Locale.parse("de").territories
        self.clients: dict[bool, list[int]] = {True: [], False: []}  # person ids by "abroad"
        self.persons: dict[int, _Person] = {}
        self.orgs: dict[str, list[int]] = defaultdict(list)
        self.org_names: set[str] = set()
        self.places: dict[tuple[str, int | None], str | None] = {}  # municipality of clients

    def _add(self, table: str, row: Row) -> int:
        """Add a row with the next id of ``table``, assigned here: no round trip per row."""
        if table not in self.ids:
            self.ids[table] = self.s.scalar(select(func.max(Base.metadata.tables[table].c.id))) or 0
        self.ids[table] = row["id"] = self.ids[table] + 1
        self.rows[table].append(row)
        return self.ids[table]

    def build(self) -> DemoSummary:
        """Build every row, make sure each code occurs, write them; returns the counts."""
        self.counsellors, created_users = self._users()
        self._records()
        self._events()
        for table in Base.metadata.sorted_tables:  # parents before children
            if rows := self.rows.get(table.name):
                _bulk_insert(self.s, table, rows)
        n = Counter({t: len(rows) for t, rows in self.rows.items()})
        return DemoSummary(
            n["records"], n["persons"], n["organisations"], n["consultations"], n["referrals"],
            n["follow_ups"], n["recognition_procedures"], n["residence_titles"], created_users,
            n["events"],
        )  # fmt: skip

    def _users(self) -> tuple[list[int], int]:
        existing = {n.lower(): i for n, i in self.s.execute(select(User.username, User.id))}
        password_hash = users._hasher.hash(DEMO_PASSWORD)  # once: argon2 is slow on purpose
        counsellors: list[int] = []
        for u in DEMO_USERS:
            uid = existing.get(u.username.lower()) or self._add("users", {
                "username": u.username, "display_name": u.display_name, "role": u.role.value,
                "password_hash": password_hash, "active": True, "created_at": dd.ts(self.start, 7),
            })  # fmt: skip
            if u.role is Role.COUNSELLOR:
                counsellors.append(uid)
        return counsellors, len(self.rows["users"])

    # --- records ----------------------------------------------------------------------------

    def _records(self) -> None:
        seq: Counter[int] = Counter()
        weights = [30, 25, 20, 15, 10, 10, 10][: len(self.counsellors)]
        for opened in dd.opening_days(self.rng, self.start, self.today, self.n):
            seq[opened.year] += 1
            number = f"{self.prefix}-{opened.year}-{seq[opened.year]:04d}"
            self._record(opened, number, self.rng.choices(self.counsellors, weights)[0])
        for year, last in seq.items():  # numbers handed out later continue after these
            counter = self.s.get(NumberCounter, (self.prefix, year))
            if counter is None:
                self.s.add(NumberCounter(prefix=self.prefix, year=year, last=last))
            else:
                counter.last = max(counter.last, last)

    def _record(self, opened: date, number: str, counsellor: int) -> None:
        rng = self.rng
        requester = self.pick["requester_type"].pick(rng)
        org_kind = requester if requester in _ORG_REQUESTERS else None
        org = self._org(org_kind) if org_kind else None
        person = None if org else self._client(requester == "person_abroad", opened)
        place = self.places[("person", person)] if person else self.places[("org", org)]
        promoted, closed, status = dd.life(rng, opened, self.today)
        topics, services = self._subjects(org is None, promoted is not None)
        row: Row = {
            "number": number, "kind": "case" if promoted else "enquiry", "status": status.value,
            "client_person_id": person, "client_organisation_id": org, "opened_on": opened,
            "promoted_on": promoted, "closed_on": closed,
            "closing_reason": self.pick["closing_reason"].pick(rng) if closed else None,
            "counsellor_id": counsellor, "requester_type": requester,
            "channel": self.pick["channel"].pick(rng), "municipality": place,
            "summary": self._summary(person, org_kind, topics),
            "created_at": dd.ts(opened), "updated_by_id": counsellor,
        }  # fmt: skip
        rid = self._add("records", row)
        end = closed or self.today
        last = self._consultations(rid, opened, end, status, counsellor, topics, person)
        row["updated_at"] = dd.ts(closed or last, 16)
        self.rows["record_topics"].extend({"record_id": rid, "topic": t} for t in topics)
        self.rows["record_services"].extend({"record_id": rid, "service": x} for x in services)
        self._parties(rid, requester, person, org, topics, opened)
        if status is not RecordStatus.NEW:
            self._referrals(rid, opened, end, topics, counsellor, promoted is not None)
        self._follow_ups(rid, opened, closed, counsellor)
        if person and "recognition" in topics and rng.random() < 0.75:
            occ = self.persons[person].occupation
            stage = dd.recognition_stage(rng, opened, self.today)
            decision = None
            if self.showcase:  # the first ones show every stage and decision
                stage, decision = self.showcase.pop()
                occ = dd.FREE_OCCUPATION if decision == "zab_statement" else occ
            self._add("recognition_procedures", {
                "record_id": rid, "person_id": person, "updated_at": dd.ts(last, 15),
                **dd.recognition(rng, occ, opened, self.today, stage, decision),
            })  # fmt: skip

    def _subjects(self, person: bool, case: bool) -> tuple[list[str], list[str]]:
        """1-3 topics (residence, hiring and recognition above all) and the services given."""
        rng = self.rng
        how_many = 1 if rng.random() < 0.45 else 2 if rng.random() < 0.7 else 3
        topics = self.pick["topic" if person else "org_topic"].some(rng, how_many)
        services = self.pick["service"].some(rng, 1 if rng.random() < 0.7 else 2)
        if case and rng.random() < 0.8:
            services.append("case_accompaniment")
        return topics, [x for x in dict.fromkeys(services) if x in self.codes["service"]]

    def _summary(self, person: int | None, org_kind: str | None, topics: list[str]) -> str:
        if person is None:
            job = dd.OCCUPATIONS[self.rng.randrange(len(dd.OCCUPATIONS))].name
            hiring = org_kind in ("company", "public_employer")
            return dd.summary(f"Sucht {job}" if hiring else "Anfrage der Verwaltung", topics)
        nat, occ, _, _ = self.persons[person]
        job = dd.OCCUPATIONS[occ].name
        return dd.summary(job if nat == "DE" else f"{job} aus {self.country_de[nat]}", topics)

    def _consultations(
        self, rid: int, opened: date, end: date, status: RecordStatus, counsellor: int,
        topics: list[str], person: int | None,
    ) -> date:  # fmt: skip
        """About three per record: one or two for an enquiry, more for a case."""
        if status is RecordStatus.NEW:
            return opened
        rng, rand, span = self.rng, self.rng.random, (end - opened).days
        long = span > 20 and (len(topics) > 1 or rand() < 0.4)
        k = dd.CONTACTS["case" if long else "enquiry"].pick(rng)
        extra = sorted(int(rand() * (span + 1)) for _ in range(k - 1))
        days = [opened, *(opened + timedelta(d) for d in extra)]
        native = self.persons[person].language if person else "Deutsch"
        for j, held in enumerate(days):
            r = rand()
            language = "Deutsch" if r < 0.35 else "Englisch" if r < 0.7 else native
            topic = topics[int(rand() * len(topics))]
            cid = self._add("consultations", {
                "record_id": rid, "held_on": held, "is_first": j == 0,
                "duration_minutes": (30 if j == 0 else 10) + 5 * int(rand() * (13 if j else 9)),
                "channel": self.pick["contact_channel"].pick(rng), "language": language,
                "counsellor_id": counsellor if rand() < 0.9 else rng.choice(self.counsellors),
                "interpreter": language not in ("Deutsch", "Englisch") and rand() < 0.5,
                "notes": dd.consultation_note(rng, topic, j == 0), "created_at": dd.ts(held, 10),
            })  # fmt: skip
            also = [t for t in topics if t != topic][:1] if rand() < 0.25 else []
            for t in (topic, *also):
                self.rows["consultation_topics"].append({"consultation_id": cid, "topic": t})
        return days[-1]

    # --- clients and further parties --------------------------------------------------------

    def _client(self, abroad: bool, opened: date) -> int:
        earlier = self.clients[abroad]
        if earlier and self.rng.random() < 0.07:
            return self.rng.choice(earlier)  # a client who comes back with a new matter
        pid = self._person(opened, abroad, client=True)
        earlier.append(pid)
        self._titles(pid, opened, abroad)
        return pid

    def _person(
        self, opened: date, abroad: bool, nat: str = "", family: str = "", client: bool = False
    ) -> int:
        rng, rand = self.rng, self.rng.random
        place = "abroad" if abroad else self.pick["municipality" if client else "place"].pick(rng)
        nation = self.nations[nat or self.pick["nationality"].pick(rng)]
        surname, given = self.names[nation.pool].name(rng, rand() < 0.45)
        surname = family or surname
        born = date(opened.year - int(rng.triangular(19, 58, 29)), 1 + int(rand() * 12), 1)
        address = f"{dd.mail_name(given)}.{dd.mail_name(surname)}@example.com"
        pid = self._add("persons", {
            "family_name": surname, "given_name": given, "name_key": dd.person_key(surname, given),
            "birth_date": born + timedelta(int(rand() * 28)),
            "nationality": nation.code if rand() > 0.03 else None, "municipality": place,
            "email": address if rand() < 0.6 else "", "languages": nation.languages,
            "created_at": dd.ts(opened), "updated_at": dd.ts(opened),
        })  # fmt: skip
        occupation = int(rand() * len(dd.OCCUPATIONS))
        language = nation.languages.split(",")[0]
        self.persons[pid] = _Person(nation.code, occupation, language, surname)
        self.places["person", pid] = place
        return pid

    def _titles(self, pid: int, opened: date, abroad: bool) -> None:
        """Free movement for EU citizens, visas for people abroad, and the titles of people
        living here: a tenth come up for renewal within 90 days."""
        rng, today = self.rng, self.today
        nat, occ, _, _ = self.persons[pid]
        eu = self.nations[nat].eu
        if nat == "DE" or rng.random() < (0.6 if eu or abroad else 0.3):
            return
        if eu or abroad:
            start = min(today, opened - timedelta(rng.randint(30, 700) if eu else -60))
            code, expires = ("eu_free_movement", None) if eu else ("visa", start + timedelta(180))
            return self._title(pid, code, start, expires)
        key = (nat if nat in dd.TITLE_EXTRA else "", dd.OCCUPATIONS[occ].academic)
        if key not in self.titles:
            weights = dict(dd.WEIGHTS["title"], **dd.TITLE_EXTRA.get(key[0], {}))
            weights.update({} if key[1] else dict.fromkeys(dd.ACADEMIC_TITLES, 0.0))
            codes = self.codes["residence_title"]
            self.titles[key] = dd.Weighted(codes, weights, cover=self.show_titles)
        code = self.titles[key].pick(rng)
        start = opened - timedelta(rng.randint(0, 900))
        expires = None if code in dd.NO_EXPIRY else start + timedelta(rng.randint(300, 1460))
        if expires and rng.random() < 0.1:
            expires = today + timedelta(rng.randint(0, 89))
            start = min(start, expires - timedelta(365))
        if rng.random() < 0.15:  # came with a visa first
            self._title(pid, "visa", start - timedelta(180), start - timedelta(1))
        self._title(pid, code, start, expires)

    def _title(self, pid: int, code: str, start: date, expires: date | None) -> None:
        if code in self.codes["residence_title"]:
            self._add("residence_titles", {
                "person_id": pid, "title": code, "valid_from": start, "expires_on": expires,
                "accelerated_procedure": code in dd.SKILLED_TITLES and self.rng.random() < 0.25,
                "created_at": dd.ts(min(start, self.today)),
            })  # fmt: skip

    def _org(self, kind: str) -> int:
        """A company (or public employer, municipality, authority); most come back often."""
        rng, pool = self.rng, self.orgs[kind]
        sizes = {"company": max(8, self.n // 10), "public_employer": max(3, self.n // 150)}
        size = sizes.get(kind, 4)
        if pool and (len(pool) >= size or rng.random() < 0.5):
            return rng.choice(pool)
        town = rng.choice(self.towns) if self.towns else ""
        label, de = self.labels.get(town, "Zwickau"), self.names["de_DE"]
        name = ""
        for _attempt in range(20):
            if kind == "company":
                a, b = rng.choice(de.family_male), rng.choice(de.family_male)
                name = dd.company_name(rng, a, b, label)
            else:
                name = rng.choice(dd.ORGANISATIONS[kind]).format(town=label)
            if name not in self.org_names:
                break
        else:
            name = f"{name} ({len(self.org_names)})"
        self.org_names.add(name)
        pool.append(self._add("organisations", {
            "name": name, "name_key": organisation_key(name), "municipality": town or None,
            "created_at": dd.ts(self.start, 8), "updated_at": dd.ts(self.start, 8),
        }))  # fmt: skip
        self.places["org", pool[-1]] = town or None
        return pool[-1]

    def _parties(
        self, rid: int, requester: str, person: int | None, org: int | None, topics: list[str],
        opened: date,
    ) -> None:  # fmt: skip
        """The employer of a person, the candidate of a company, a relative, an adviser."""
        rng = self.rng
        links: list[tuple[PartyRole, int | None, int | None, str]] = []
        if person and "hiring" in topics and rng.random() < 0.4:
            links.append((PartyRole.EMPLOYER, None, self._org("company"), ""))
        if org and {"hiring", "recruitment"} & set(topics) and rng.random() < 0.5:
            candidate = self._person(opened, rng.random() < 0.6)
            job = dd.OCCUPATIONS[self.persons[candidate].occupation].name
            links.append((PartyRole.CANDIDATE, candidate, None, job))
        if person and "family" in topics and rng.random() < 0.5:
            nat, _, _, family = self.persons[person]
            relative = self._person(opened, True, nat, family)
            links.append((PartyRole.FAMILY_MEMBER, relative, None, rng.choice(dd.RELATIVES)))
        advisers = self._partners(dd.ADVISERS.get(requester, []))
        if advisers:
            links.append((PartyRole.ON_BEHALF, None, rng.choice(advisers), ""))
        elif requester == "on_behalf":
            helper = self._person(opened, False, "DE")
            links.append((PartyRole.ON_BEHALF, helper, None, rng.choice(dd.HELPERS)))
        for role, pid, oid, note in links:
            self._add("record_parties", {"record_id": rid, "person_id": pid,
                      "organisation_id": oid, "role": role.value, "note": note})  # fmt: skip

    # --- referrals, follow-ups, events ------------------------------------------------------

    def _partners(self, codes: list[str]) -> list[int]:
        return [self.partners[code] for code in codes if code in self.partners]

    def _referrals(
        self, rid: int, opened: date, end: date, topics: list[str], counsellor: int, case: bool
    ) -> None:
        rng = self.rng
        if not self.partners or rng.random() > (0.55 if case else 0.25):
            return
        for _n in range(2 if case and rng.random() < 0.3 else 1):
            topic = rng.choice(topics)
            fit = self._partners(dd.PARTNERS_BY_TOPIC.get(topic, []))
            on = opened + timedelta(rng.randint(0, (end - opened).days))
            status, answered, outcome = dd.feedback(rng, self.pick["referral"], on, self.today)
            self._add("referrals", {
                "record_id": rid, "partner_id": rng.choice(fit or list(self.partners.values())),
                "topic": topic, "referred_on": on, "reason": dd.TOPIC_PHRASES.get(topic, topic),
                "status": status, "feedback_on": answered, "outcome": outcome,
                "created_by_id": counsellor, "created_at": dd.ts(on, 11),
            })  # fmt: skip

    def _follow_ups(self, rid: int, opened: date, closed: date | None, counsellor: int) -> None:
        """Open records often have one pending (some overdue); some reminders were done."""
        rng, today = self.rng, self.today
        due: list[tuple[date, date | None]] = []
        if closed is None and rng.random() < 0.6:
            due.append((max(opened, today + timedelta(rng.randint(-25, 30))), None))
        if rng.random() < 0.2:
            end = closed or today
            on = opened + timedelta(rng.randint(0, (end - opened).days))
            due.append((on, min(end, on + timedelta(rng.randint(0, 4)))))
        for on, done in due:
            self._add("follow_ups", {
                "record_id": rid, "due_on": on, "assigned_to_id": counsellor,
                "note": rng.choice(dd.FOLLOW_UP_NOTES), "source": "manual", "done_on": done,
                "done_by_id": counsellor if done else None, "created_at": dd.ts(opened, 12),
            })  # fmt: skip

    def _events(self) -> None:
        rng, days = self.rng, (self.today - self.start).days
        partners = list(self.partners.values())
        for _n in range(max(3, min(self.n // 20, days // 15))):
            kind, title, group = rng.choice(dd.EVENTS)
            held = self.start + timedelta(rng.randint(0, days))
            eid = self._add("events", {
                "title": title, "kind": kind, "held_on": held, "target_group": group,
                "participants": rng.randint(6, 60), "created_at": dd.ts(held, 18),
            })  # fmt: skip
            for oid in rng.sample(partners, min(len(partners), rng.randint(0, 2))):
                self.rows["event_partners"].append({"event_id": eid, "organisation_id": oid})
