"""Report tests; ``sample_content`` is a hand-built report of one month (no database), shared with
``scripts/sample_report.py``."""

from __future__ import annotations

from datetime import date, datetime

from welcome_center import i18n
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.statistics import (
    NOT_RECORDED,
    Period,
    ReportContent,
    SinceStart,
    Statistics,
    TrendMonth,
)

OFFICE = "Welcome Center Region Zwickau"
# (code, German, English, count); a record counts under each of its topics.
TOPICS = (
    ("recognition", "Anerkennung ausländischer Abschlüsse", "Recognition of foreign degrees", 19),
    ("residence", "Aufenthalt, Einreise, Visum", "Residence, entry, visa", 15),
    ("recruitment", "Fachkräftegewinnung EU / Drittstaaten", "Recruiting from the EU / third countries", 11),  # noqa: E501
    ("living", "Wohnen, Kinderbetreuung, Schule, Gesundheit, Freizeit", "Housing, childcare, school, health, leisure", 8),  # noqa: E501
    ("language", "Deutschlernen", "Learning German", 7),
    ("job_search", "Arbeitssuche, Bewerbung", "Job search, applications", 5),
    (NOT_RECORDED, "nicht erfasst", "not recorded", 2),
)  # fmt: skip
# Vietnam (2) and Brazil (1) are small cells: shown as "< 3".
NATIONALITIES = (("SY", 12), ("UA", 9), ("IN", 6), ("TR", 4), ("VN", 2), ("BR", 1))
MUNICIPALITIES = (
    ("zwickau", "Zwickau", 21),
    ("glauchau", "Glauchau", 8),
    ("werdau", "Werdau", 5),
    ("wilkau_hasslau", "Wilkau-Haßlau", 4),
    ("meerane", "Meerane", 1),
)
PARTNERS = (
    ("fizuz", "Fachinformationszentrum Zuwanderung (EXIS Europa e.V.)", 6),
    ("aa_zwickau", "Agentur für Arbeit Zwickau", 4),
    ("acme", "Müller & Söhne <GmbH>", 2),  # user-typed text, markup characters included
)


VOCABULARIES: dict[str, tuple[tuple[str, str, str, int], ...]] = {
    "by_requester_type": (
        ("person_in_region", "Person in der Region", "Person in the region", 24),
        ("person_abroad", "Person im Ausland", "Person abroad", 15),
        ("company", "Unternehmen", "Company", 9),
    ),
    "by_service": (
        ("initial_information", "Erstinformation", "Initial information", 30),
        ("individual_counselling", "Individuelle Beratung", "Individual counselling", 22),
    ),
    "by_channel": (
        ("in_person", "Persönlich", "In person", 20),
        ("email", "E-Mail", "E-mail", 16),
        ("phone", "Telefon", "Phone", 12),
    ),
    "closed_by_reason": (
        ("goal_reached", "Ziel erreicht", "Goal reached", 5),
        ("referred_on", "Weitervermittelt", "Referred on", 3),
        (NOT_RECORDED, "", "", 1),
    ),
    "referrals_by_status": (
        ("open", "offen", "open", 5),
        ("accepted", "angenommen", "accepted", 7),
    ),
}


def _counts(key: str) -> tuple[tuple[str, int], ...]:
    return tuple((code, n) for code, _de, _en, n in VOCABULARIES[key])


def _vocab(lang: str, entries: tuple[tuple[str, str, str, int], ...]) -> dict[str, str]:
    return {code: de if lang == "de" else en for code, de, en, _n in entries}


def _trend(period: Period) -> tuple[TrendMonth, ...]:
    months = period.trend_months()
    return tuple(
        TrendMonth(m.start, 30 + (i * 7) % 17, 18 + (i * 5) % 11) for i, m in enumerate(months)
    )


def sample_statistics(period: Period | None = None) -> Statistics:
    """The figures of March 2026 (or ``period``) of a small office."""
    p = period or Period.month(2026, 3)
    return Statistics(
        period=p, enquiries_received=41, enquiries_worked=48, cases_worked=31,
        cases_worked_persons=26, cases_worked_organisations=5, cases_new=12, closed=9,
        closed_by_reason=_counts("closed_by_reason"),
        open_at_end=64, consultations=57, consultation_minutes=2315, persons_advised=36,
        organisations_advised=7,
        by_topic=tuple((code, n) for code, _de, _en, n in TOPICS),
        by_requester_type=_counts("by_requester_type"), by_service=_counts("by_service"),
        by_channel=_counts("by_channel"),
        by_nationality=NATIONALITIES,
        by_municipality=tuple((code, n) for code, _name, n in MUNICIPALITIES),
        by_counsellor=(("anna", 29), ("ben", 19)),
        referrals=12,
        referrals_by_partner=tuple((code, n) for code, _name, n in PARTNERS),
        referrals_by_status=_counts("referrals_by_status"),
        since_start=SinceStart(date(2024, 3, 1), 1234, 687),
        trend=_trend(p),
        events=3, event_participants=64,
    )  # fmt: skip


def sample_labels(lang: str) -> dict[str, dict[str, str]]:
    """The labels a report in ``lang`` gets from the services."""
    with i18n.using(lang):
        countries = {code: i18n.country_name(code) for code, _n in NATIONALITIES}
    labels = {key: _vocab(lang, entries) for key, entries in VOCABULARIES.items()}
    labels |= {
        "by_topic": _vocab(lang, TOPICS),
        "by_nationality": countries,
        "by_municipality": {code: name for code, name, _n in MUNICIPALITIES},
        "by_counsellor": {"anna": "Anna Berger", "ben": "Ben Schulz"},
        "referrals_by_partner": {code: name for code, name, _n in PARTNERS},
    }
    for mapping in labels.values():
        mapping[NOT_RECORDED] = "nicht erfasst" if lang == "de" else "not recorded"
    return labels


def sample_content(lang: str, statistics: Statistics | None = None) -> ReportContent:
    """A report of the sample figures in ``lang`` (``de`` or ``en``), threshold 3."""
    return ReportContent(
        office_name=OFFICE,
        created_at=datetime(2026, 4, 2, 9, 30, tzinfo=OFFICE_TZ),
        language=lang,
        statistics=statistics or sample_statistics(),
        threshold=3,
        labels=sample_labels(lang),
    )
