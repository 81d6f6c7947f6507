"""Material for the demonstration data: weights, name pools, companies, occupations, phrases,
and the small rules that keep generated dates and states consistent.

Everything here is fictitious data in German, the office's working language: data, not user
interface text, so none of it is translated. Names come from Faker, drawn once per run into
seeded pools (Faker is far too slow to call per row): the same seed gives the same names.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import import_module
from typing import Any, Generic, TypeVar

from welcome_center.domain.enums import RecognitionState, RecordStatus
from welcome_center.domain.text import fold, strip_accents

Row = dict[str, Any]
T = TypeVar("T")


def _items(text: str, sep: str = ";") -> list[str]:
    return [item.strip() for item in text.split(sep) if item.strip()]


def _weights(text: str) -> dict[str, float]:
    return {code: float(w) for code, w in (item.split(":") for item in text.split())}


# Weights of the seeded codes by vocabulary (codes the office added get 1); "org_topic": what
# companies ask about; "title": titles of people living here (visas and free movement go by
# nationality instead).
WEIGHTS = {
    name.strip(): _weights(weights)
    for name, weights in (
        _items(item, "=")
        for item in _items("""
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
TITLE_EXTRA = {"UA": _weights("humanitarian:90"), "SY": _weights("humanitarian:30 family:12")}
ACADEMIC_TITLES = ("s18b", "s18g", "s16b")
SKILLED_TITLES = ("s18a", "s18b", "s18g")  # may come by the accelerated procedure (§ 81a)
NO_EXPIRY = {"eu_free_movement", "s18c", "permanent_eu", "unknown"}


@dataclass(frozen=True)
class Nationality:
    code: str  # ISO 3166-1 alpha-2
    weight: int
    pool: str  # the name pool: a Faker locale, or "arabic"
    languages: str  # in German, as the office writes them
    eu: bool


NATIONALITIES = [
    Nationality(code, int(w), pool, languages.replace("+", ", "), eu == "EU")
    for code, w, pool, languages, eu in (
        item.split()
        for item in _items(
            "VN 12 vi_VN Vietnamesisch+Englisch -; UA 11 uk_UA Ukrainisch+Russisch -; "
            "IN 11 en_IN Englisch+Hindi -; SY 8 arabic Arabisch -; PL 7 pl_PL Polnisch EU; "
            "TR 7 tr_TR Türkisch -; RO 6 ro_RO Rumänisch EU; BR 5 pt_BR Portugiesisch -; "
            "CO 3 es_CO Spanisch -; MX 2 es_MX Spanisch+Englisch -; ES 2 es_ES Spanisch EU; "
            "CZ 3 cs_CZ Tschechisch EU; HU 2 hu_HU Ungarisch EU; "
            "ID 3 id_ID Indonesisch+Englisch -; "
            "TN 3 arabic Arabisch+Französisch -; MA 3 arabic Arabisch+Französisch -; "
            "EG 2 arabic Arabisch+Englisch -; IT 2 it_IT Italienisch EU; HR 2 hr_HR Kroatisch EU; "
            "DE 3 de_DE Deutsch EU"
        )
    )
]
_ARABIC_MALE = """Mohammad Ahmad Omar Yousef Khaled Mahmoud Hussein Tarek Bashar Sami Rami Karim Ali
    Hassan Ibrahim Mustafa Amer Fadi Nabil Walid Anas Jamal Majd Hamza Ziad Adnan Samer Yazan"""
_ARABIC_FEMALE = """Rania Lina Hiba Nour Fatima Aya Layla Dima Ghada Reem Salma Yasmin Amal Huda
    Mariam Rasha Samira Jana Noura Lama Rahaf Asmaa Heba Dalia Sara Maha"""
_ARABIC_FAMILY = """Al-Hassan Haddad Khalil Darwish Nasser Al-Ali Mansour Ibrahim Saleh Hamdan
    Kassem Shami Zidan Aziz Othman Al-Masri Sabbagh Haidar Yassin Najjar Hariri Khoury Jaber
    Qasim Barakat Ben-Youssef Trabelsi Benali El-Amrani Chaabane Abdallah Hamdi Farouk Suleiman"""
# The official Ukrainian transliteration ("_": dropped); some letters differ at a word's start.
_UK_LATIN = "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia _ _"
_UK = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ'", _items(_UK_LATIN, " "), strict=True))
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate_ukrainian(text: str) -> str:
    """Ukrainian Cyrillic in Latin letters, as passports (and so German files) spell it."""
    out: list[str] = []
    start = True
    for ch in text:
        low = ch.lower()
        latin = (_UK_INITIAL.get(low) if start else None) or _UK.get(low, ch)
        latin = "" if latin == "_" else latin
        out.append(latin.capitalize() if ch != low else latin)
        start = not ch.isalpha()
    return "".join(out)


@dataclass(frozen=True)
class NamePool:
    """Given and family names of one language, for women and men."""

    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family_female: tuple[str, ...]
    family_male: tuple[str, ...]

    def name(self, rng: random.Random, female: bool) -> tuple[str, str]:
        """(family name, given name)."""
        if female:
            return rng.choice(self.family_female), rng.choice(self.given_female)
        return rng.choice(self.family_male), rng.choice(self.given_male)


def _unique(draw: Callable[[], object], n: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(draw()) for _ in range(n)))


@cache
def build_name_pools(seed: int, size: int = 240) -> dict[str, NamePool]:
    """A seeded pool per name language: Faker's, plus Arabic names in Latin spelling.

    Only Faker's person providers are loaded: a full ``Faker(locale)`` takes ten times as long.
    """
    from faker import Generator

    pools: dict[str, NamePool] = {}
    for i, locale in enumerate(sorted({n.pool for n in NATIONALITIES} - {"arabic"})):
        generator = Generator()
        fake = import_module(f"faker.providers.person.{locale}").Provider(generator)
        generator.seed_instance(seed * 1009 + i)
        draws = (fake.first_name_female, fake.first_name_male)
        lists = [_unique(d, size) for d in (*draws, fake.last_name_female, fake.last_name_male)]
        if locale == "vi_VN":  # "Thị Hương", "Văn Nam": the middle name belongs to the given name
            lists[0] = tuple(f"Thị {g}" for g in lists[0])
            lists[1] = tuple(f"{'Văn' if j % 3 else 'Đức'} {g}" for j, g in enumerate(lists[1]))
        if locale == "uk_UA":
            lists = [tuple(transliterate_ukrainian(n) for n in names) for names in lists]
        pools[locale] = NamePool(*lists)
    family = tuple(_ARABIC_FAMILY.split())
    female, male = tuple(_ARABIC_FEMALE.split()), tuple(_ARABIC_MALE.split())
    pools["arabic"] = NamePool(female, male, family, family)
    return pools


@cache
def _folded(name: str) -> str:
    return fold(name)


def person_key(family_name: str, given_name: str) -> str:
    """domain.rules.person_key, with each name's folding cached (the same names recur)."""
    return f"{_folded(family_name)}|{_folded(given_name)}"


@cache
def mail_name(name: str) -> str:
    """A name as the local part of an e-mail address: ``Nguyễn`` -> ``nguyen``."""
    return "".join(ch for ch in strip_accents(name) if ch.isalnum())


# --- organisations, occupations, texts ------------------------------------------------------

BRANCHES = _items(
    "Automotive Fahrzeugteile Maschinenbau Metallbau Präzisionstechnik Elektrotechnik "
    "Kunststofftechnik Logistik Spedition Bau Gebäudetechnik Pflegedienst Softwaresysteme "
    "Oberflächentechnik Textilveredlung Gastronomie Werkzeugbau Energietechnik",
    " ",
)
_PREFIXES = _items("Mulde Pleiße Westsachsen Sachsen Robur Horch Glückauf Vogtland", " ")
_SUFFIXES = _items("tec plast metall tronic log med", " ")
_LEGAL = ["GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "KG", "AG", "e.K."]
# Other employers and bodies, by kind; "{town}" is a town of the district.
ORGANISATIONS = {
    "public_employer": _items(
        "Stadtverwaltung {town}; Kreiskrankenhaus {town} gGmbH; Oberschule {town}; "
        "Kindertagesstätte Sonnenschein {town}; Seniorenzentrum {town} gGmbH"
    ),
    "municipality": ["Stadtverwaltung {town}, Bürgerservice", "Gemeindeverwaltung {town}"],
    "authority": _items(
        "Landratsamt Zwickau, Sozialamt; Landratsamt Zwickau, Kreisentwicklungsamt; "
        "Finanzamt Zwickau; Landesamt für Schule und Bildung, Standort Zwickau"
    ),
}


def company_name(rng: random.Random, family: str, family2: str, town: str) -> str:
    """A regional-sounding, fictitious company name."""
    branch, legal = rng.choice(BRANCHES), rng.choice(_LEGAL)
    form = rng.randrange(6)
    if form == 0 and town.isalpha():  # "Zwickauer", "Meeraner"
        return f"{town}{'r' if town.endswith('e') else 'er'} {branch} {legal}"
    if form == 1:
        return f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)} {town} {legal}"
    if form == 2:
        return f"{family} & {family2} {branch} KG"
    return f"{branch} {family} {legal}" if form == 3 else f"{family} {branch} {legal}"


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
        _items(line, "|")
        for line in _items("""
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
    _items(item, "=")
    for item in _items(
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
_OPENERS = _items("Telefonat Beratung Rückfrage Folgetermin Gespräch", " ")
_DETAILS = _items(
    "Unterlagen gesichtet, Übersetzungen fehlen noch; Ablauf und Fristen erläutert; "
    "Checkliste ausgehändigt; Zeugnisse und Arbeitsvertrag besprochen; Fragen zur "
    "Krankenversicherung geklärt; Termin bei der Ausländerbehörde vorbereitet; Arbeitgeber hat "
    "Stellenbeschreibung geschickt; Sprachkurse in Zwickau vorgestellt; Antragsformulare "
    "gemeinsam ausgefüllt; Gehaltsangebot und Mindestgehalt verglichen"
)
_NEXT_STEPS = _items(
    "Klient/in reicht Unterlagen nach.; Rückmeldung in zwei Wochen.; Wiedervorlage nach "
    "Bescheid.; Kontakt zum Arbeitgeber aufnehmen.; Weitere Schritte per E-Mail.; Kein "
    "weiterer Handlungsbedarf."
)
RELATIVES = _items("Ehefrau Ehemann Tochter Sohn Mutter", " ")
HELPERS = ["Ehrenamtliche Begleitung", "Schwester", "Kollege", "Vermieterin"]
FOLLOW_UP_NOTES = _items(
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
        _items(item, ":")
        for item in _items(
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
    _items(item, "|")
    for item in _items(
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
    weights = {int(n): w for n, w in _weights(text).items()}
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


FEEDBACK = _weights("accepted:20 done:45 declined:8 no_feedback:12 sent:5")


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
