"""One simulated desk of the load run (``benchmarks/load.py``), in a process of its own: it logs
in as its own user and works through the services the desk calls, as a counsellor's day mixes
them: quick enquiries, consultations, referrals with the client's consent and the partner's
feedback, follow-ups, records opened, searches, the record list opened and scrolled.

It keeps the id of every save the services confirmed (the parent checks afterwards that each is
in the database), each action's latency, and every failure by kind. A desk does not stop at a
failure: it says so (as the desk shows a message) and goes on."""

from __future__ import annotations

import os
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

# What a counsellor does, with how often (weights), and whether it saves.
ACTIONS: dict[str, tuple[int, bool]] = {
    "quick enquiry": (12, True),
    "consultation": (18, True),
    "referral": (7, True),
    "feedback": (5, True),
    "follow-up": (5, True),
    "follow-up done": (3, True),
    "open record": (14, False),
    "search": (16, False),
    "list scroll": (16, False),
    "list open": (4, False),
}
SAVES = frozenset(name for name, (_w, saves) in ACTIONS.items() if saves)
# Saves that may need a consent first: the consent is a save of its own ("consent").
CONSENT = "consent"


def _words(text: str) -> list[str]:
    return text.split()


FAMILY = _words(
    "Haddad Khalil Darwish Nasser Mansour Ibrahim Saleh Hamdan Kovalenko Shevchenko Bondarenko "
    "Tkachenko Melnyk Yilmaz Kaya Demir Sahin Celik Popescu Ionescu Nowak Kowalski Wiśniewski "
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Nguyen Tran Le "
    "Pham Hoang Ahmadi Hosseini Karimi Rahimi Mohammadi Silva Santos Oliveira Costa Pereira"
)
GIVEN = _words(
    "Rami Omar Yousef Lina Hiba Nour Olena Iryna Andrii Mykola Ayşe Mehmet Elif Ana Maria Piotr "
    "Anna Jonas Lea Minh Linh Reza Sara Ali João Beatriz"
)
NOTES = _words(
    "Anerkennung Abschluss Pflege Sprachkurs Arbeitsvertrag Aufenthalt Familiennachzug Wohnung "
    "Bewerbung Ingenieur Krankenhaus Kita Jobcenter Integrationskurs Zeugnis Übersetzung"
)
BLOCK = 100  # the record list reads its lines a block at a time (ui/models/record_table.py)


@dataclass
class DeskResult:
    """What one desk did: the parent merges these and checks the confirmed saves."""

    desk: int
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Of each latency, the time the desk's thread waited for a core (Linux), in the same order.
    queued: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    confirmed: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, str] = field(default_factory=dict)
    cpu_s: float = 0.0  # the desk process's own CPU time during the run

    def plain(self) -> dict[str, Any]:
        """As plain dicts, to pass between processes."""
        return {
            "desk": self.desk,
            "latencies": dict(self.latencies),
            "queued": dict(self.queued),
            "confirmed": dict(self.confirmed),
            "errors": dict(self.errors),
            "examples": self.examples,
            "cpu_s": self.cpu_s,
        }


def run_delay_ns() -> int | None:
    """How long the calling thread has waited for a core, runnable but not running, since it
    started (Linux's ``schedstat``; None elsewhere). On this benchmark's machine the ten desks
    and the server share the cores; an office's desks are PCs of their own, where a save does
    not wait for nine other desks' turns on the CPU."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            return int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None


def error_kind(exc: BaseException) -> str:
    """A failure as the run counts it: the kinds the desk handles with a message (conflict,
    lock timeout, busy, connection, refused) and the ones it would not (unhandled: ...)."""
    from welcome_center.db.uow import ConcurrentChangeError
    from welcome_center.domain.errors import ConflictError, DomainError, StorageError

    if isinstance(exc, (ConflictError, ConcurrentChangeError)):
        return "conflict"
    if isinstance(exc, StorageError):
        return {
            "lock_timeout": "lock timeout",
            "busy": "busy (SQLite)",
            "connection_lost": "connection",
            "server": "connection",
            "timeout": "statement timeout",
        }.get(exc.kind, f"storage: {exc.kind}")
    if isinstance(exc, DomainError):
        return f"refused: {type(exc).__name__}"
    return f"unhandled: {type(exc).__name__}"


class Desk:
    """A logged-in desk and what it has saved so far (its own records, referrals, follow-ups)."""

    def __init__(
        self, n: int, url: str, username: str, password: str, seed: int, login: bool = False
    ) -> None:
        from welcome_center.db.uow import UnitOfWork
        from welcome_center.services import server_accounts, users
        from welcome_center.services.storage import open_database

        self.n = n
        self.rng = random.Random(seed)
        # ``login``: the desk's sign-in on a team server, as the user's own login.
        self.db = (
            server_accounts.open_signed_in(url, None, username, password)
            if login
            else open_database(url)
        )
        self.uow = UnitOfWork(self.db)
        self.actor = users.authenticate(self.uow, username, password)
        self.result = DeskResult(n)
        self.records: list[int] = []  # this desk's own records
        self.listed: list[int] = []  # the record list's ids (every record the desk sees)
        self.client_of: dict[int, tuple[str, int]] = {}  # own record -> (client kind, id)
        self.consented: set[tuple[str, int]] = set()
        self.sent: dict[int, int] = {}  # referral id -> its version, awaiting feedback
        self.open_follow_ups: dict[int, int] = {}  # follow-up id -> version
        self.partners: list[int] = []
        self.words = [*FAMILY, *NOTES]

    def close(self) -> None:
        self.db.dispose()

    # -- the loop ------------------------------------------------------------------------------

    def run(self, until: float, think_s: float) -> DeskResult:
        from welcome_center.services import people

        self.partners = [p.id for p in people.list_partners(self.uow)]
        self._timed("list open", self.list_open)
        names = list(ACTIONS)
        weights = [ACTIONS[a][0] for a in names]
        cpu = time.process_time()
        while time.monotonic() < until:
            action = self.rng.choices(names, weights)[0]
            self._timed(action, getattr(self, action.replace(" ", "_").replace("-", "_")))
            if think_s > 0:
                time.sleep(self.rng.expovariate(1 / think_s))
        self.result.cpu_s = time.process_time() - cpu
        return self.result

    def _timed(self, action: str, do: Any) -> None:
        waited = run_delay_ns()
        start = time.perf_counter()
        try:
            done = do()
        except Exception as exc:  # every failure is counted by kind; the desk goes on
            kind = error_kind(exc)
            self.result.errors[kind] += 1
            self.result.examples.setdefault(kind, f"{action}: {exc}"[:300])
            return
        if done is not False:  # False: nothing to do yet (no referral awaiting feedback ...)
            self.result.latencies[action].append((time.perf_counter() - start) * 1000)
            if waited is not None:
                self.result.queued[action].append(((run_delay_ns() or 0) - waited) / 1e6)

    def _confirm(self, kind: str, value: Any) -> None:
        self.result.confirmed[kind].append(value)

    def _some_record(self) -> int | None:
        """Mostly the desk's own records, sometimes any record it lists (a colleague's too)."""
        if self.records and (not self.listed or self.rng.random() < 0.7):
            return self.rng.choice(self.records)
        return self.rng.choice(self.listed) if self.listed else None

    # -- saves ---------------------------------------------------------------------------------

    def quick_enquiry(self) -> None:
        """A new person and their enquiry with its first consultation (the quick enquiry's save:
        ui/dialogs/quick_enquiry_saving.py, then cases.open_record)."""
        from welcome_center.domain.dates import office_today
        from welcome_center.domain.drafts import (
            ClientChoice,
            ConsultationDraft,
            PersonDraft,
            RecordDraft,
        )
        from welcome_center.domain.enums import ClientKind
        from welcome_center.services import cases, people

        rng = self.rng
        draft = PersonDraft(family_name=rng.choice(FAMILY), given_name=rng.choice(GIVEN))
        person = people.create_person(self.uow, self.actor, draft, accept_duplicates=True)
        self._confirm("persons", person.value.id)
        today = office_today()
        record = cases.open_record(
            self.uow,
            self.actor,
            RecordDraft(
                client=ClientChoice(ClientKind.PERSON, person.value.id),
                opened_on=today,
                summary=f"Desk {self.n}: {rng.choice(NOTES)} {rng.choice(NOTES)}",
                consultation=ConsultationDraft(
                    held_on=today, duration_minutes=15, is_first=True, notes=rng.choice(NOTES)
                ),
            ),
        )
        self._confirm("records", record.value.id)
        self.records.append(record.value.id)
        self.client_of[record.value.id] = (ClientKind.PERSON.value, person.value.id)

    def consultation(self) -> bool:
        from welcome_center.domain.dates import office_today
        from welcome_center.domain.drafts import ConsultationDraft
        from welcome_center.services import consultations

        rid = self._some_record()
        if rid is None:
            return False
        notes = " ".join(self.rng.sample(NOTES, 3))
        draft = ConsultationDraft(held_on=office_today(), duration_minutes=30, notes=notes)
        saved = consultations.record_consultation(self.uow, self.actor, rid, draft)
        self._confirm("consultations", saved.value.id)
        return True

    def referral(self) -> bool:
        """A referral of one of the desk's own records; its client's consent first if the desk
        has not recorded one yet (a save of its own, timed as such)."""
        from welcome_center.domain.dates import office_today
        from welcome_center.domain.drafts import ReferralDraft
        from welcome_center.services import referrals

        if not self.records or not self.partners:
            return False
        rid = self.rng.choice(self.records)
        client = self.client_of[rid]
        if client not in self.consented:
            self._timed(CONSENT, lambda: self._consent(client))
            if client not in self.consented:
                return False
        draft = ReferralDraft(
            partner_id=self.rng.choice(self.partners), referred_on=office_today(), reason="Load"
        )
        saved = referrals.refer(self.uow, self.actor, rid, draft)
        self._confirm("referrals", saved.value.id)
        self.sent[saved.value.id] = saved.value.version
        return True

    def _consent(self, client: tuple[str, int]) -> None:
        from welcome_center.domain.consent import ConsentDraft
        from welcome_center.domain.dates import office_today
        from welcome_center.domain.enums import ClientKind, ConsentForm, ConsentPurpose
        from welcome_center.services.privacy import consent

        draft = ConsentDraft(ConsentPurpose.REFERRAL, office_today(), ConsentForm.WRITTEN, None)
        saved = consent.record_consent(
            self.uow, self.actor, ClientKind(client[0]), client[1], draft
        )
        self._confirm("consents", saved.value.id)
        self.consented.add(client)

    def feedback(self) -> bool:
        from welcome_center.domain.enums import ReferralStatus
        from welcome_center.services import referrals

        if not self.sent:
            return False
        rid = self.rng.choice(sorted(self.sent))
        status = self.rng.choice([ReferralStatus.ACCEPTED, ReferralStatus.DONE])
        version = self.sent.pop(rid)
        referrals.record_feedback(
            self.uow, self.actor, rid, status, "Load feedback", expected_version=version
        )
        self._confirm("feedback", (rid, status.value))
        return True

    def follow_up(self) -> bool:
        from welcome_center.domain.dates import office_today
        from welcome_center.services import follow_ups

        rid = self._some_record()
        if rid is None:
            return False
        due = office_today() + timedelta(days=self.rng.randint(1, 30))
        saved = follow_ups.add_follow_up(self.uow, self.actor, rid, due, "Call back")
        self._confirm("follow_ups", saved.value.id)
        self.open_follow_ups[saved.value.id] = saved.value.version
        return True

    def follow_up_done(self) -> bool:
        from welcome_center.services import follow_ups

        if not self.open_follow_ups:
            return False
        fid = self.rng.choice(sorted(self.open_follow_ups))
        version = self.open_follow_ups.pop(fid)
        follow_ups.complete(self.uow, self.actor, fid, expected_version=version)
        self._confirm("follow_ups_done", fid)
        return True

    # -- reads ---------------------------------------------------------------------------------

    def open_record(self) -> bool:
        from welcome_center.services import cases

        rid = self._some_record()
        if rid is None:
            return False
        cases.get_record(self.uow, self.actor, rid)
        return True

    def search(self) -> None:
        from welcome_center.services import search

        word = self.rng.choice(self.words)
        typed = word[: self.rng.randint(3, len(word))] if len(word) > 3 else word
        search.search_records(self.uow, self.actor, typed)

    def list_open(self) -> None:
        """The record list opened (or refreshed): the ids of every record, newest first."""
        from welcome_center.domain.queries import RecordQuery
        from welcome_center.services import record_list

        self.listed = record_list.record_ids(self.uow, self.actor, RecordQuery())

    def list_scroll(self) -> bool:
        """One block of the list's lines, somewhere in the list (a scroll or page step)."""
        from welcome_center.services import record_list

        if not self.listed:
            return False
        start = self.rng.randrange(0, len(self.listed), BLOCK) if len(self.listed) > BLOCK else 0
        record_list.record_rows(self.uow, self.actor, self.listed[start : start + BLOCK])
        return True


def desk_main(
    n: int,
    url: str,
    username: str,
    password: str,
    seconds: float,
    think_s: float,
    ready: Any,
    go: Any,
    results: Any,
    nice: int = 0,
    login: bool = False,
) -> None:
    """The desk process: log in, say ready, wait for the start, work ``seconds``, report;
    ``nice``: at that lower priority (Unix), so that the server's backends take a core first."""
    if nice and hasattr(os, "nice"):
        os.nice(nice)
    try:
        desk = Desk(n, url, username, password, seed=1000 + n, login=login)
    except Exception as exc:  # the parent reports a desk that could not start
        results.put({"desk": n, "failed": f"{type(exc).__name__}: {exc}"})
        ready.put(n)
        return
    ready.put(n)
    go.wait()
    try:
        result = desk.run(time.monotonic() + seconds, think_s)
        results.put(result.plain())
    except Exception as exc:  # a failure outside the timed actions: the run reports it
        results.put({"desk": n, "failed": f"{type(exc).__name__}: {exc}"})
    finally:
        desk.close()
