"""Demonstration records and what hangs off them: consultations, parties, referrals,
follow-ups, recognition procedures; and the office's events."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from babel import Locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import NumberCounter, Organisation, User
from welcome_center.domain.enums import PartyRole, RecordStatus
from welcome_center.services import demo_data as dd
from welcome_center.services import settings
from welcome_center.services.demo_clients import Basis, Clients, Row

_ORG_REQUESTERS = {"company", "public_employer", "municipality", "authority"}  # client: an org
# Anonymous enquiries (DOMAIN.md): of the enquiries a person makes, this share gives no name;
# about 4 % of all records, most of them phone calls, answered at once.
ANONYMOUS_SHARE = 0.05
_ANONYMOUS_CHANNELS = dd.Weighted(["phone", "email", "in_person"], {"phone": 8, "email": 1})
_NEEDS_A_CLIENT = frozenset({"case_accompaniment", "collegial_case_work"})
CHUNK_RECORDS = 10_000  # the records whose rows are built before ``Office.write`` writes them


class Office:
    """Builds the records of one demonstration office, worked by ``counsellors``, and its
    events, into ``b.rows``."""

    def __init__(
        self,
        s: Session,
        b: Basis,
        clients: Clients,
        counsellors: list[int],
        anonymous_share: float = ANONYMOUS_SHARE,
        write: Callable[[datetime], None] | None = None,
    ) -> None:
        self.anonymous_share = anonymous_share
        self.write = write  # the rows built so far, every CHUNK_RECORDS (services/demo.py)
        self.s, self.rng, self.today, self.start, self.n = s, b.rng, b.today, b.start, b.n
        self.pick, self.codes, self.rows, self._add = b.pick, b.codes, b.rows.by_table, b.rows.add
        self.clients, self.counsellors = clients, counsellors
        self.prefix = settings.current(s).number_prefix
        partners = select(Organisation.code, Organisation.id).where(Organisation.is_partner)
        partners = partners.where(Organisation.active).order_by(Organisation.id)
        self.partners = {code or str(pid): pid for code, pid in s.execute(partners)}
        self.showcase = list(dd.SHOWCASE)  # recognition stages and decisions
        self.country_de = Locale.parse("de").territories
        self.usernames = {uid: name for uid, name in s.execute(select(User.id, User.username))}
        self.usernames.update({u["id"]: u["username"] for u in self.rows.get("users", [])})

    def build(self) -> None:
        """Build the records (numbered per year) and the events."""
        self._records()
        self._events()

    # --- records ----------------------------------------------------------------------------

    def _records(self) -> None:
        seq: Counter[int] = Counter()
        weights = [30, 25, 20, 15, 10, 10, 10][: len(self.counsellors)]
        for k, opened in enumerate(dd.opening_days(self.rng, self.start, self.today, self.n)):
            if self.write and k and k % CHUNK_RECORDS == 0:  # later entries: from this day on
                self.write(datetime(opened.year, opened.month, opened.day, tzinfo=UTC))
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
        rng, people = self.rng, self.clients
        requester = self.pick["requester_type"].pick(rng)
        org_kind = requester if requester in _ORG_REQUESTERS else None
        org = people.org(org_kind) if org_kind else None
        if org is None and rng.random() < self.anonymous_share:
            self._anonymous(opened, number, counsellor, requester)
            return
        person = None if org else people.client(requester == "person_abroad", opened)
        place = people.places[("person", person)] if person else people.places[("org", org)]
        promoted, closed, status = dd.life(rng, opened, self.today)
        topics, services = self._subjects(org is None, promoted is not None)
        row: Row = {
            "number": number, "kind": "case" if promoted else "enquiry", "status": status.value,
            "anonymous": False, "client_person_id": person, "client_organisation_id": org,
            "opened_on": opened, "promoted_on": promoted, "closed_on": closed,
            "closing_reason": self.pick["closing_reason"].pick(rng) if closed else None,
            "counsellor_id": counsellor, "requester_type": requester,
            "channel": self.pick["channel"].pick(rng), "municipality": place,
            "summary": self._summary(person, org_kind, topics),
            "created_at": dd.ts(opened), "updated_by_id": counsellor,
        }  # fmt: skip
        rid = self._add("records", row)
        self._history(rid, row, counsellor)
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
            self._recognition(rid, person, opened, last)

    def _anonymous(self, opened: date, number: str, counsellor: int, requester: str) -> None:
        """A caller who gave no name: an enquiry without a client, answered in one or two
        contacts and closed within days; never a case, no referral, party or recognition."""
        rng, today = self.rng, self.today
        closed: date | None = opened + timedelta(rng.choice((0, 0, 0, 1, 2, 5)))
        if closed is not None and (closed > today or rng.random() < 0.05):
            closed = None
        status = RecordStatus.CLOSED if closed else RecordStatus.IN_PROGRESS
        topics, services = self._subjects(True, False)
        # Accompanying a case, or working on it with colleagues, needs someone with a name.
        services = [x for x in services if x not in _NEEDS_A_CLIENT] or ["initial_information"]
        place = self.pick["municipality"].pick(rng) if rng.random() < 0.3 else None
        reason = rng.choice(("goal_reached", "goal_reached", "not_responsible")) if closed else None
        if closed and reason not in self.codes["closing_reason"]:
            reason = self.pick["closing_reason"].pick(rng)
        row: Row = {
            "number": number, "kind": "enquiry", "status": status.value, "anonymous": True,
            "client_person_id": None, "client_organisation_id": None, "opened_on": opened,
            "promoted_on": None, "closed_on": closed,
            "closing_reason": reason,
            "counsellor_id": counsellor, "requester_type": requester,
            "channel": _ANONYMOUS_CHANNELS.pick(rng), "municipality": place,
            "summary": dd.summary(rng.choice(dd.ANONYMOUS_CALLERS), topics),
            "created_at": dd.ts(opened), "updated_by_id": counsellor,
        }  # fmt: skip
        rid = self._add("records", row)
        self._history(rid, row, counsellor)
        last = self._consultations(rid, opened, closed or today, status, counsellor, topics, None)
        row["updated_at"] = dd.ts(closed or last, 16)
        self.rows["record_topics"].extend({"record_id": rid, "topic": t} for t in topics)
        self.rows["record_services"].extend({"record_id": rid, "service": x} for x in services)

    def _history(self, rid: int, row: Row, counsellor: int) -> None:
        """The audit entries the record would have had it been typed in: its creation, its
        promotion to a case and its closing, as the services log them (the History tab)."""
        who = {"user_id": counsellor, "actor": self.usernames.get(counsellor, ""),
               "entity": "record", "entity_id": rid}  # fmt: skip
        opened, promoted, closed = row["opened_on"], row["promoted_on"], row["closed_on"]
        log = self.rows["audit_log"].append
        kind = "case" if promoted == opened else "enquiry"
        log({**who, "at": dd.ts(opened), "action": "create", "fields": [], "detail": kind})
        if promoted and promoted != opened:
            log({**who, "at": dd.ts(promoted, 10), "action": "promote",
                 "fields": ["kind", "promoted_on"], "detail": ""})  # fmt: skip
        if closed:
            log({**who, "at": dd.ts(closed, 15), "action": "close",
                 "fields": ["closed_on", "closing_reason", "status"],
                 "detail": row["closing_reason"]})  # fmt: skip

    def _recognition(self, rid: int, person: int, opened: date, last: date) -> None:
        occ = self.clients.persons[person].occupation
        stage = dd.recognition_stage(self.rng, opened, self.today)
        decision = None
        if self.showcase:  # the first ones show every stage and decision
            stage, decision = self.showcase.pop()
            occ = dd.FREE_OCCUPATION if decision == "zab_statement" else occ
        nationality = self.clients.persons[person].nationality
        self._add("recognition_procedures", {
            "record_id": rid, "person_id": person, "updated_at": dd.ts(last, 15),
            **dd.recognition(self.rng, occ, opened, self.today, stage, decision),
            "training_country": self.clients.facts.training_country(
                nationality, list(self.clients.nations)),
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
        nat, occ, _language, _family = self.clients.persons[person]
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
        extra = sorted(int(rand() * (span + 1)) for _n in range(k - 1))
        days = [opened, *(opened + timedelta(d) for d in extra)]
        native = self.clients.persons[person].language if person else "Deutsch"
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

    def _parties(
        self, rid: int, requester: str, person: int | None, org: int | None, topics: list[str],
        opened: date,
    ) -> None:  # fmt: skip
        """The employer of a person, the candidate of a company, a relative, an adviser."""
        rng, people = self.rng, self.clients
        links: list[tuple[PartyRole, int | None, int | None, str]] = []
        if person and "hiring" in topics and rng.random() < 0.4:
            links.append((PartyRole.EMPLOYER, None, people.org("company"), ""))
        if org and {"hiring", "recruitment"} & set(topics) and rng.random() < 0.5:
            candidate = people.person(opened, rng.random() < 0.6)
            job = dd.OCCUPATIONS[people.persons[candidate].occupation].name
            links.append((PartyRole.CANDIDATE, candidate, None, job))
        if person and "family" in topics and rng.random() < 0.5:
            nat, _occupation, _language, family = people.persons[person]
            relative = people.person(opened, True, nat, family)
            links.append((PartyRole.FAMILY_MEMBER, relative, None, rng.choice(dd.RELATIVES)))
        advisers = self._partners(dd.ADVISERS.get(requester, []))
        if advisers:
            links.append((PartyRole.ON_BEHALF, None, rng.choice(advisers), ""))
        elif requester == "on_behalf":
            helper = people.person(opened, False, "DE")
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
        """An event every few weeks, spread over the whole period as an office plans them (each
        year has its share), on working days, going through the kinds of events in turn."""
        rng, days = self.rng, (self.today - self.start).days
        partners = list(self.partners.values())
        count = max(3, min(self.n // 20, days // 15))
        planned: list[list[str]] = []
        for k in range(count):
            if not planned:
                planned = rng.sample(dd.EVENTS, len(dd.EVENTS))
            kind, title, group = planned.pop()
            held = self._working_day(self.start + timedelta(int(days * (k + rng.random()) / count)))
            row: Row = {
                "title": title, "kind": kind, "held_on": held, "target_group": group,
                "participants": rng.randint(6, 60), "created_at": dd.ts(held, 18),
            }  # fmt: skip
            self.clients.facts.event(row)
            eid = self._add("events", row)
            for oid in rng.sample(partners, min(len(partners), rng.randint(0, 2))):
                self.rows["event_partners"].append({"event_id": eid, "organisation_id": oid})

    def _working_day(self, day: date) -> date:
        """``day``, or the Friday before it when it is a weekend (the Monday after at the start)."""
        if day.weekday() < 5:
            return day
        friday = day - timedelta(day.weekday() - 4)
        monday = day + timedelta(7 - day.weekday())
        return friday if friday >= self.start or monday > self.today else monday
