"""Material for the demonstration data: weights, occupations, phrases, and the small rules
that keep generated dates and states consistent.

Everything here is fictitious data in German, the office's working language: data, not user
interface text, so none of it is translated. Names and companies are in :mod:`demo_names`.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Generic, TypeVar

from welcome_center.domain.enums import RecognitionState, RecordStatus

Row = dict[str, Any]
T = TypeVar("T")


def split_items(text: str, sep: str = ";") -> list[str]:
    """The non-empty, stripped items of a ``sep``-separated list."""
    return [item.strip() for item in text.split(sep) if item.strip()]


def parse_weights(text: str) -> dict[str, float]:
    """``"a:2 b:0.5"`` -> ``{"a": 2.0, "b": 0.5}``."""
    return {code: float(w) for code, w in (item.split(":") for item in text.split())}


# Weights of the seeded codes by vocabulary (codes the office added get 1); "org_topic": what
# companies ask about; "title": titles of people living here (visas and free movement go by
# nationality instead).
WEIGHTS = {
    name.strip(): parse_weights(weights)
    for name, weights in (
        split_items(item, "=")
        for item in split_items("""
    topic = residence:30 hiring:26 recognition:22 job_search:9 career:5 qualification:5
        language:8 funding:4 fair_work:3 recruitment:2 diversity:1 family:6 living:7 studies:4
        other:2;
    requester_type = person_abroad:22 person_in_region:38 company:16 public_employer:3
        employment_agency:6 municipality:1.5 authority:2 counselling_service:5 on_behalf:5
        other:1.5;
    channel = email:34 phone:25 in_person:25 video:9 event:4 letter:1 other:2;
    service = initial_information:40 referral_counselling:25 individual_counselling:30
        case_accompaniment:6 collegial_case_work:3 information_material:10;
    closing_reason = goal_reached:40 referred_on:25 no_further_contact:20 moved_away:4
        not_responsible:8 duplicate:3;
    municipality = zwickau:30 glauchau:6 crimmitschau:5 werdau:5 meerane:4 limbach_oberfrohna:4
        hohenstein_ernstthal:4 lichtenstein:2 kirchberg:2 wilkau_hasslau:2 elsewhere_germany:6
        abroad:0;
    org_topic = hiring:30 recruitment:22 residence:20 recognition:15 funding:8 diversity:5
        fair_work:4 qualification:4 language:3 living:3;
    title = s18a:20 s18b:12 s18g:8 s19c:5 s16d:8 s16a:6 s16b:6 s17:2 s20:6 s18c:5
        permanent_eu:3 family:10 humanitarian:3 other:2 unknown:3 visa:0 eu_free_movement:0
""")
    )
}
VOCABULARIES = ["topic", "requester_type", "channel", "service", "closing_reason", "municipality"]
TITLE_EXTRA = {
    "UA": parse_weights("humanitarian:90"),
    "SY": parse_weights("humanitarian:30 family:12"),
}
ACADEMIC_TITLES = ("s18b", "s18g", "s16b")
SKILLED_TITLES = ("s18a", "s18b", "s18g")  # may come by the accelerated procedure (§ 81a)
NO_EXPIRY = {"eu_free_movement", "s18c", "permanent_eu", "unknown"}


# --- occupations, texts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Occupation:
    name: str
    qualification: str  # the foreign one
    reference: str  # the German reference occupation
    regulated: bool
    body: str  # the competent body for its recognition
    academic: bool


_BODIES = {
    "LDS": "Landesdirektion Sachsen",
    "LaSuB": "Landesamt für Schule und Bildung",
    "FOSA": "IHK FOSA",
    "HWK": "Handwerkskammer Chemnitz",
    "IngK": "Ingenieurkammer Sachsen",
    "ZAB": "ZAB (Zentralstelle für ausländisches Bildungswesen)",
    "LRA": "Landratsamt Zwickau, Fahrerlaubnisbehörde",
}
OCCUPATIONS = [
    Occupation(name, qualification, reference, "reg" in flags, _BODIES[body], "uni" in flags)
    for name, qualification, reference, body, flags in (
        split_items(line, "|")
        for line in split_items("""
            Pflegefachkraft | Bachelor of Nursing | Pflegefachfrau/-mann | LDS | reg uni;
            Pflegehelfer/in | Diplom Krankenpflege | Pflegefachfrau/-mann | LDS | reg;
            Ärztin/Arzt | Medical Degree (MBBS) | Ärztin/Arzt | LDS | reg uni;
            Erzieher/in | Diplom Vorschulpädagogik | Erzieher/in | LaSuB | reg uni;
            Elektroniker/in | Diplom Elektrotechnik (Fachschule) | Elektroniker/in | FOSA | -;
            Mechatroniker/in | Berufsabschluss Mechatronik | Mechatroniker/in | FOSA | -;
            Kfz-Mechatroniker/in | Berufsabschluss Kfz-Technik | Kfz-Mechatroniker/in | HWK | -;
            Industriemechaniker/in | Berufsabschluss Metall | Industriemechaniker/in | FOSA | -;
            Schweißer/in | Zertifikat Schweißtechnik | Konstruktionsmechaniker/in | FOSA | -;
            Maschinenbauingenieur/in | Bachelor Engineering | Ingenieur/in | IngK | reg uni;
            Softwareentwickler/in | Bachelor Computer Science | Informatiker/in | ZAB | uni;
            Betriebswirt/in | Master Business Administration | Betriebswirt/in | ZAB | uni;
            Berufskraftfahrer/in | Führerschein Klasse CE | Berufskraftfahrer/in | LRA | reg;
            Koch/Köchin | Berufsabschluss Gastronomie | Koch/Köchin | FOSA | -;
            Lagerlogistiker/in | Berufsabschluss Logistik | Fachkraft für Lagerlogistik | FOSA | -;
            Lehrer/in | Lehramtsstudium Mathematik | Lehrkraft | LaSuB | reg uni
        """)
    )
]

TOPIC_PHRASES = dict(
    split_items(item, "=")
    for item in split_items(
        "residence = Fragen zu Visum und Aufenthaltstitel; hiring = Arbeitsaufnahme bei "
        "regionalem Arbeitgeber; recognition = Anerkennung des ausländischen Abschlusses; "
        "job_search = Unterstützung bei der Stellensuche; career = berufliche Orientierung; "
        "qualification = Anpassungsqualifizierung; language = Suche nach einem Deutschkurs; "
        "funding = Fördermöglichkeiten und Kostenübernahme; fair_work = Fragen zum "
        "Arbeitsvertrag; recruitment = Gewinnung von Fachkräften aus Drittstaaten; diversity = "
        "interkulturelle Öffnung im Betrieb; family = Familiennachzug; living = Wohnungssuche, "
        "Kita- und Schulplatz; studies = Studienmöglichkeiten an der WHZ; other = allgemeine "
        "Anfrage"
    )
)
_OPENERS = split_items("Telefonat Beratung Rückfrage Folgetermin Gespräch", " ")
_DETAILS = split_items(
    "Unterlagen gesichtet, Übersetzungen fehlen noch; Ablauf und Fristen erläutert; "
    "Checkliste ausgehändigt; Zeugnisse und Arbeitsvertrag besprochen; Fragen zur "
    "Krankenversicherung geklärt; Termin bei der Ausländerbehörde vorbereitet; Arbeitgeber hat "
    "Stellenbeschreibung geschickt; Sprachkurse in Zwickau vorgestellt; Antragsformulare "
    "gemeinsam ausgefüllt; Gehaltsangebot und Mindestgehalt verglichen"
)
_NEXT_STEPS = split_items(
    "Klient/in reicht Unterlagen nach.; Rückmeldung in zwei Wochen.; Wiedervorlage nach "
    "Bescheid.; Kontakt zum Arbeitgeber aufnehmen.; Weitere Schritte per E-Mail.; Kein "
    "weiterer Handlungsbedarf."
)
RELATIVES = split_items("Ehefrau Ehemann Tochter Sohn Mutter", " ")
HELPERS = ["Ehrenamtliche Begleitung", "Schwester", "Kollege", "Vermieterin"]
# Who an anonymous enquiry's summary says asked (DOMAIN.md: a caller who gives no name).
ANONYMOUS_CALLERS = [
    "Anruferin ohne Namen", "Anrufer ohne Namen", "Anonyme Anfrage",
    "Anrufer, möchte keinen Namen nennen",
]  # fmt: skip
FOLLOW_UP_NOTES = split_items(
    "Nachfragen, ob Unterlagen vollständig sind; Stand des Visumverfahrens erfragen; "
    "Rückmeldung des Partners prüfen; Termin zur Vertragsunterzeichnung; Bescheid der "
    "Anerkennungsstelle abwarten; Arbeitgeber anrufen"
)
_OUTCOMES = {
    "accepted": ["Termin vereinbart", "Partner hat übernommen"],
    "done": ["Beratung erfolgt, Antrag gestellt", "Anliegen geklärt", "Kurs vermittelt"],
    "declined": ["Nicht zuständig", "Keine freien Kapazitäten"],
    "no_feedback": ["", "Keine Rückmeldung trotz Nachfrage"],
}
# Who asks on someone's behalf, by requester type (partner codes of seed_data.PARTNERS).
ADVISERS = {"employment_agency": ["aa_zwickau", "jc_zwickau"]}
ADVISERS["counselling_service"] = ["mbe", "jmd", "fizuz"]
# The partners that a topic is usually referred to.
PARTNERS_BY_TOPIC = {
    topic: partners.split()
    for topic, partners in (
        split_items(item, ":")
        for item in split_items(
            "residence: abh_zwickau fizuz; hiring: aa_zwickau zav fizuz; recognition: "
            "iq_sachsen ihk_fosa hwk_chemnitz; job_search: aa_zwickau jc_zwickau; career: "
            "aa_zwickau jmd; qualification: iq_sachsen hwk_chemnitz ihk_chemnitz; language: "
            "mbe jmd; funding: aa_zwickau jc_zwickau; fair_work: fizuz; recruitment: zav "
            "ihk_chemnitz hwk_chemnitz; diversity: ihk_chemnitz fizuz; family: abh_zwickau mbe; "
            "living: mbe jmd; studies: whz dhsn_glauchau"
        )
    )
}
# (kind, title, target group)
EVENTS = [
    split_items(item, "|")
    for item in split_items(
        "information_event | Infoabend Fachkräfteeinwanderung | Unternehmen der Region; "
        "workshop | Anerkennung ausländischer Abschlüsse | Neuzugewanderte Fachkräfte; "
        "information_event | Willkommensfrühstück | Neuzugewanderte und ihre Familien; "
        "training | Interkulturelle Kompetenz im Betrieb | Personalverantwortliche; "
        "information_event | Chancenkarte: was Arbeitgeber wissen müssen | Unternehmen; "
        "workshop | Bewerbungstraining international | Studierende der WHZ; "
        "training | Onboarding ausländischer Fachkräfte | Unternehmen und Kammern"
    )
]


@cache
def _notes(topic: str, first: bool) -> tuple[str, ...]:
    phrase = TOPIC_PHRASES.get(topic, topic)
    openers = ["Erstgespräch"] if first else _OPENERS
    return tuple(f"{o}: {phrase}. {d}. {n}" for o in openers for d in _DETAILS for n in _NEXT_STEPS)


def consultation_note(rng: random.Random, topic: str, first: bool) -> str:
    """A short, plausible note of one consultation."""
    notes = _notes(topic, first)
    return notes[int(rng.random() * len(notes))]


def summary(who: str, topics: list[str]) -> str:
    """The record's one-line summary: who asks, about what."""
    about = "; ".join(TOPIC_PHRASES.get(t, t) for t in topics)
    return f"{who}: {about[:1].upper()}{about[1:]}"


# --- choices and rules ----------------------------------------------------------------------


class Weighted(Generic[T]):
    """A weighted choice among codes; codes without a weight get ``default``.

    ``cover`` is a shuffled list of codes still to be shown, shared by the choices of one
    vocabulary: the first draws take from it, so that a demo shows every code at least once.
    """

    def __init__(
        self,
        codes: Iterable[T],
        weights: Mapping[T, float],
        default: float = 1,
        cover: list[T] | None = None,
    ) -> None:
        codes = list(codes)
        self.codes = [c for c in codes if weights.get(c, default) > 0] or codes
        self.allowed, self.pending = set(self.codes), cover
        self.cum: list[float] = []
        for c in self.codes:
            self.cum.append((self.cum[-1] if self.cum else 0) + (weights.get(c, default) or 1))

    def pick(self, rng: random.Random) -> T:
        if self.pending:
            for i, code in enumerate(self.pending):
                if code in self.allowed:
                    return self.pending.pop(i)
        # bisect by hand: random.choices is several times slower, and this runs millions of times
        return self.codes[bisect(self.cum, rng.random() * self.cum[-1])]

    def some(self, rng: random.Random, k: int) -> list[T]:
        """``k`` different codes (fewer if there are not that many)."""
        out: list[T] = []
        while len(out) < min(k, len(self.codes)):
            if (c := self.pick(rng)) not in out:
                out.append(c)
        return out


@cache
def ts(d: date, hour: int = 9) -> datetime:
    """A UTC timestamp on day ``d`` (cached: the same few thousand days recur)."""
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def opening_days(rng: random.Random, start: date, today: date, n: int) -> list[date]:
    """``n`` working days from ``start`` to ``today``, sorted: the office gets busier over time
    and is quieter in August and December."""
    days, cum, total = [], [], 0.0
    span = max((today - start).days, 1)
    for k in range(span + 1):
        d = start + timedelta(days=k)
        if d.weekday() < 5:
            total += (0.5 + k / span) * (0.6 if d.month == 12 else 0.7 if d.month == 8 else 1)
            days.append(d)
            cum.append(total)
    return sorted(rng.choices(days, cum_weights=cum, k=n)) if days else [today] * n


def _numbers(text: str) -> Weighted[int]:
    weights = {int(n): w for n, w in parse_weights(text).items()}
    return Weighted(weights, weights)


_ENQUIRY_DAYS = _numbers("0:25 1:12 2:10 3:8 5:10 7:10 10:8 14:7 21:5 30:5")  # until closed
# How many consultations a record has.
CONTACTS = {
    "enquiry": _numbers("1:50 2:30 3:13 4:7"),
    "case": _numbers("2:10 3:12 4:12 5:11 6:10 7:9 8:8 9:7 10:6 11:5 12:4 13:3 14:3"),
}


def life(
    rng: random.Random, opened: date, today: date
) -> tuple[date | None, date | None, RecordStatus]:
    """(promoted_on, closed_on, status) of a record: a third become cases (some are opened as
    cases), enquiries close within weeks, cases within months; new ones have no contact yet."""
    r = rng.random()
    promoted: date | None = None
    if r < 0.08:
        promoted = opened
    elif r < 0.34:
        promoted = min(today, opened + timedelta(days=rng.randint(1, 45)))
    if promoted:
        closed: date | None = promoted + timedelta(days=int(rng.triangular(20, 480, 120)))
    else:
        closed = opened + timedelta(days=_ENQUIRY_DAYS.pick(rng))
    if closed is not None and (closed > today or rng.random() < 0.03):
        closed = None
    if closed:
        return promoted, closed, RecordStatus.CLOSED
    if (today - opened).days <= 10 and promoted in (None, opened) and rng.random() < 0.5:
        return promoted, None, RecordStatus.NEW
    waiting = rng.random() < 0.25
    return promoted, None, RecordStatus.WAITING if waiting else RecordStatus.IN_PROGRESS


FEEDBACK = parse_weights("accepted:20 done:45 declined:8 no_feedback:12 sent:5")


def feedback(
    rng: random.Random, answers: Weighted[str], referred_on: date, today: date
) -> tuple[str, date | None, str]:
    """(status, feedback date, outcome) of a referral: partners answer within a month (or
    never); a fresh referral is still "sent"."""
    age = (today - referred_on).days
    status = "sent" if age < 3 or (age < 30 and rng.random() < 0.3) else answers.pick(rng)
    if status == "sent" or (status == "no_feedback" and age < 14):
        return "sent", None, ""
    answered = referred_on + timedelta(days=rng.randint(1, min(age, 30)))
    return status, answered, rng.choice(_OUTCOMES[status])


STATES = [s.value for s in RecognitionState]  # in the order a procedure goes through them
_FREE = Weighted(["zab_statement", "full", "partial", "none"], {"zab_statement": 6, "none": 1}, 2)
_REGULATED = Weighted(["full", "partial", "none"], {"full": 5, "partial": 4, "none": 1})


def recognition_stage(rng: random.Random, opened: date, today: date) -> int:
    """How far a procedure started on ``opened`` has come: an index into :data:`STATES`."""
    age = (today - opened).days
    top = 0 if age < 14 else 1 if age < 45 else 3 if age < 120 else 6
    return rng.randint(max(0, top - 3), top)


# Stages and decisions that the first procedures of a demo show, so that each occurs.
SHOWCASE = [(0, None), (1, None), (2, None), (3, None), (4, "full"), (5, "partial")]
SHOWCASE += [(6, "none"), (4, "zab_statement")]
FREE_OCCUPATION = next(i for i, o in enumerate(OCCUPATIONS) if o.academic and not o.regulated)


def recognition(
    rng: random.Random,
    occupation: int,
    opened: date,
    today: date,
    stage: int,
    decision: str | None = None,
) -> Row:
    """The fields of a recognition procedure at ``stage``, dates and decision consistent."""
    o = OCCUPATIONS[occupation]
    submitted = decided = None
    if stage >= 2:
        submitted = min(today, opened + timedelta(days=rng.randint(7, 60)))
    if stage >= 4 and submitted is not None:
        decided = min(today, submitted + timedelta(days=rng.randint(20, 120)))
        if stage == 5:  # a compensation measure follows a partial recognition
            decision = "partial"
        elif decision is None and not (stage == 6 and rng.random() < 0.15):  # or withdrawn
            decision = (_FREE if o.academic and not o.regulated else _REGULATED).pick(rng)
    return {
        "qualification": o.qualification,
        "reference_occupation": o.reference,
        "regulated": o.regulated,
        "competent_body": o.body,
        "state": STATES[stage],
        "decision": decision if decided else None,
        "submitted_on": submitted,
        "decided_on": decided,
    }
