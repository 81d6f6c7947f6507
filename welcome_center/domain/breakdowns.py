"""Every breakdown of a report, declared once: what it counts, where its codes' names come from,
whether it is suppressed or multi-valued, the part of the report it stands in, its title and its
definition. The statistics service, every renderer (PDF, XLSX, CSV, JSON), the desk's Reports
page and the benchmark's baseline read this registry, so that no other file keeps a table of
breakdown keys.

Adding a breakdown (docs/ARCHITECTURE.md, "A new figure", says the same)
------------------------------------------------------------------------
0. Define it in DOMAIN.md ("Statistics: one definition each"); its JSON key is its name.
1. Declare it here: a :class:`BreakdownSpec` in ``_DECLARED`` (its place there is its place in
   every report; its ``key`` is its JSON key).
2. Write its SQL: one function in ``services/statistics_breakdowns.py`` (or a module that file
   imports) registered with ``@counts("its_key")``; it returns ``ordered(...)`` counts.
3. Write its baseline SQL in ``benchmarks/_stats_sql.py`` (``_BREAKDOWNS["its_key"]``).
4. Test it: a hand-worked case in ``tests/db/test_statistics*.py``.
5. Run the catalog update (the title and definition are new messages).
Nothing else: the statistics carry it, the renderers show it, the desk lists it. A person-based
breakdown (``unit=Unit.PERSONS``, ``share_of="persons_advised"``, ``suppressed=True``, its
values from a vocabulary, a :class:`Codes` list or a code enum; its SQL counts distinct persons
with their value at the period's end) touches three files of code, its test, DOMAIN.md and the
German catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from welcome_center.domain.enums import (
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    RecognitionDecision,
    RecognitionState,
    ReferralStatus,
    Vocabulary,
)
from welcome_center.domain.person_facts import AGE_BANDS


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; ``i18n.figures`` translates it where it is shown (the
    domain does not import ``i18n``)."""
    return message


class Unit(StrEnum):
    """What a breakdown counts; each counted thing counts once per code (a multi-valued
    breakdown counts it under each of its codes)."""

    RECORDS = "records"
    PERSONS = "persons"  # distinct person clients, with their value at the period's end
    ORGANISATIONS = "organisations"  # distinct organisation clients
    CONSULTATIONS = "consultations"
    REFERRALS = "referrals"
    PROCEDURES = "procedures"  # recognition procedures
    EVENTS = "events"


class Source(StrEnum):
    """Where a breakdown's codes get their names, when not from a vocabulary, a code enum or a
    :class:`Codes` list."""

    COUNTRY = "country"  # ISO 3166-1 codes, named in the report's language
    STAFF = "staff"  # user names, named by display name (internal reports only)
    PARTNER = "partner"  # partner organisations by code (or id), named by short name


@dataclass(frozen=True, kw_only=True)
class Codes:
    """A fixed list of codes with their names (``N_`` strings), e.g. age bands."""

    names: tuple[tuple[str, str], ...]


# A breakdown's codes: vocabulary entries, the members of a code enum (named by
# ``i18n.labels``), a fixed list, or one of the sources above.
Values = Vocabulary | type[StrEnum] | Codes | Source


AGE_BAND_NAMES = Codes(
    names=tuple(
        zip(
            (code for code, _low, _high in AGE_BANDS),
            (N_("under 18"), N_("18 to 29"), N_("30 to 54"), N_("55 to 64"), N_("65 and over")),
            strict=True,
        )
    )
)
# (code, fewest minutes) in order; a consultation of 0 minutes has no duration recorded.
DURATION_BANDS: tuple[tuple[str, int], ...] = (
    ("under_15", 1),
    ("15_29", 15),
    ("30_59", 30),
    ("60_plus", 60),
)
DURATION_NAMES = Codes(
    names=(
        ("under_15", N_("under 15 minutes")),
        ("15_29", N_("15 to 29 minutes")),
        ("30_59", N_("30 to 59 minutes")),
        ("60_plus", N_("60 minutes or more")),
    )
)


@dataclass(frozen=True, kw_only=True)
class ReportPart:
    """A part of a report. ``title`` None: its breakdowns stand under headings of their own;
    else they stand under the part's heading, after a table of its ``figures`` (JSON keys)."""

    key: str
    title: str | None = None
    figures: tuple[str, ...] = ()


ENQUIRIES = ReportPart(key="enquiries")
ADVISED = ReportPart(
    key="advised",
    title=N_("Who was advised"),
    figures=(
        "persons_advised",
        "third_country_persons",
        "organisations_advised",
        "smes_advised",
    ),
)
CONSULTATIONS = ReportPart(
    key="consultations",
    title=N_("Consultations"),
    figures=(
        "consultations",
        "consultations_first",
        "consultations_follow_up",
        "consultations_with_interpreter",
        "consultation_hours",
        "consultation_minutes",
    ),
)
REFERRALS = ReportPart(key="referrals", title=N_("Referrals"), figures=("referrals",))
RECOGNITION = ReportPart(
    key="recognition",
    title=N_("Recognition"),
    figures=("recognition_active", "recognition_regulated"),
)
EVENTS = ReportPart(
    key="events",
    title=N_("Events"),
    figures=(
        "events",
        "event_participants",
        "event_participants_persons",
        "event_participants_organisations",
    ),
)
# The parts in the order a report shows them.
PARTS: tuple[ReportPart, ...] = (ENQUIRIES, ADVISED, CONSULTATIONS, REFERRALS, RECOGNITION, EVENTS)


@dataclass(frozen=True, kw_only=True)
class BreakdownSpec:
    """One breakdown, declared once.

    ``share_of``: the figure (JSON key) its shares are of; None: of its own total.
    ``suppressed``: small counts are hidden when the report leaves the office (DOMAIN.md's
    small-cell rule; every person-based breakdown). ``multi_valued``: a thing counts under each
    of its codes, so the shares add up to more than 100 %. ``internal``: names staff, only in
    the office's internal report. ``chart``: drawn as bars besides its table.
    ``in_code_order``: its rows stand in the order of its codes (age bands, levels), not largest
    first; ``not_recorded`` stays last."""

    key: str
    unit: Unit
    values: Values
    title: str
    definition: str
    part: ReportPart = ENQUIRIES
    share_of: str | None = None
    suppressed: bool = False
    multi_valued: bool = False
    internal: bool = False
    chart: bool = False
    in_code_order: bool = False

    def __post_init__(self) -> None:
        if not self.key.isidentifier():
            raise ValueError(f"a breakdown's key is its JSON key: {self.key!r}")


_DECLARED = (
    BreakdownSpec(
        key="by_topic",
        unit=Unit.RECORDS,
        values=Vocabulary.TOPIC,
        share_of="enquiries_worked",
        multi_valued=True,
        chart=True,
        title=N_("Topics"),
        definition=N_(
            "Enquiries worked per topic. A record counts under each of its topics, so the shares "
            "add up to more than 100 %."
        ),
    ),
    BreakdownSpec(
        key="by_requester_type",
        unit=Unit.RECORDS,
        values=Vocabulary.REQUESTER_TYPE,
        share_of="enquiries_worked",
        title=N_("Requester types"),
        definition=N_("Enquiries worked per type of requester."),
    ),
    BreakdownSpec(
        key="by_service",
        unit=Unit.RECORDS,
        values=Vocabulary.SERVICE,
        share_of="enquiries_worked",
        multi_valued=True,
        title=N_("Services"),
        definition=N_(
            "Enquiries worked per service given. A record counts under each of its services, so "
            "the shares may add up to more than 100 %."
        ),
    ),
    BreakdownSpec(
        key="by_channel",
        unit=Unit.RECORDS,
        values=Vocabulary.CHANNEL,
        share_of="enquiries_worked",
        title=N_("Channels"),
        definition=N_("Enquiries worked per channel by which the enquiry came in."),
    ),
    BreakdownSpec(
        key="by_nationality",
        unit=Unit.RECORDS,
        values=Source.COUNTRY,
        share_of=None,  # of the records with a person as client
        suppressed=True,
        title=N_("Nationalities"),
        definition=N_(
            "Enquiries worked whose client is a person, per nationality of that person. Records "
            "with an organisation as client are not counted here."
        ),
    ),
    BreakdownSpec(
        key="by_municipality",
        unit=Unit.RECORDS,
        values=Vocabulary.MUNICIPALITY,
        share_of="enquiries_worked",
        suppressed=True,
        title=N_("Municipalities"),
        definition=N_("Enquiries worked per municipality of residence or seat."),
    ),
    BreakdownSpec(
        key="by_counsellor",
        unit=Unit.RECORDS,
        values=Source.STAFF,
        share_of="enquiries_worked",
        internal=True,  # DOMAIN.md: reports that leave the office carry no names of staff
        title=N_("Counsellors"),
        definition=N_("Enquiries worked per responsible counsellor."),
    ),
    BreakdownSpec(
        key="closed_by_reason",
        unit=Unit.RECORDS,
        values=Vocabulary.CLOSING_REASON,
        share_of="closed",
        title=N_("Closed, by reason"),
        definition=N_("Records closed in the period, by the reason given on closing."),
    ),
    BreakdownSpec(
        key="persons_by_gender",
        unit=Unit.PERSONS,
        part=ADVISED,
        values=Gender,
        share_of="persons_advised",
        suppressed=True,
        in_code_order=True,
        title=N_("Persons advised, by gender"),
        definition=N_(
            "Distinct persons who are the client of an enquiry worked, each counted once, per "
            "gender."
        ),
    ),
    BreakdownSpec(
        key="persons_by_age_band",
        unit=Unit.PERSONS,
        part=ADVISED,
        values=AGE_BAND_NAMES,
        share_of="persons_advised",
        suppressed=True,
        in_code_order=True,
        title=N_("Persons advised, by age"),
        definition=N_(
            "Distinct persons advised, each counted once, per age on the last day of the period "
            "(from the birth date, or from the birth year alone when only it is known)."
        ),
    ),
    BreakdownSpec(
        key="persons_by_employment_status",
        unit=Unit.PERSONS,
        part=ADVISED,
        values=EmploymentStatus,
        share_of="persons_advised",
        suppressed=True,
        in_code_order=True,
        title=N_("Persons advised, by employment status"),
        definition=N_(
            "Distinct persons advised, each counted once, per employment status at the first "
            "contact (long-term unemployed: 12 months or more)."
        ),
    ),
    BreakdownSpec(
        key="persons_by_education",
        unit=Unit.PERSONS,
        part=ADVISED,
        values=EducationLevel,
        share_of="persons_advised",
        suppressed=True,
        in_code_order=True,
        title=N_("Persons advised, by education"),
        definition=N_(
            "Distinct persons advised, each counted once, per highest level of education "
            "(ISCED 2011 groups)."
        ),
    ),
    BreakdownSpec(
        key="persons_by_german_level",
        unit=Unit.PERSONS,
        part=ADVISED,
        values=GermanLevel,
        share_of="persons_advised",
        suppressed=True,
        in_code_order=True,
        title=N_("Persons advised, by knowledge of German"),
        definition=N_(
            "Distinct persons advised, each counted once, per level of German (Common European "
            "Framework of Reference)."
        ),
    ),
    BreakdownSpec(
        key="persons_by_nationality",
        unit=Unit.PERSONS,
        part=ADVISED,
        values=Source.COUNTRY,
        share_of="persons_advised",
        suppressed=True,
        title=N_("Persons advised, by nationality"),
        definition=N_(
            "Distinct persons advised, each counted once, per nationality; a person with two "
            "nationalities counts under the first."
        ),
    ),
    BreakdownSpec(
        key="organisations_by_kind",
        unit=Unit.ORGANISATIONS,
        part=ADVISED,
        values=OrganisationKind,
        share_of="organisations_advised",
        in_code_order=True,
        title=N_("Organisations advised, by kind"),
        definition=N_(
            "Distinct organisations that are the client of an enquiry worked, each counted once, "
            "per kind."
        ),
    ),
    BreakdownSpec(
        key="referrals_by_partner",
        unit=Unit.REFERRALS,
        values=Source.PARTNER,
        part=REFERRALS,
        share_of="referrals",
        title=N_("Referrals, by partner"),
        definition=N_("Referrals dated in the period, per partner."),
    ),
    BreakdownSpec(
        key="referrals_by_status",
        unit=Unit.REFERRALS,
        values=ReferralStatus,
        part=REFERRALS,
        share_of="referrals",
        title=N_("Referrals, by status"),
        definition=N_(
            "Referrals dated in the period, per status as recorded on the day of the report."
        ),
    ),
    BreakdownSpec(
        key="consultations_by_duration",
        unit=Unit.CONSULTATIONS,
        values=DURATION_NAMES,
        part=CONSULTATIONS,
        share_of="consultations",
        in_code_order=True,
        title=N_("Consultations, by duration"),
        definition=N_(
            "Consultations dated in the period, per duration; a consultation without a duration "
            "is not recorded."
        ),
    ),
    BreakdownSpec(
        key="consultations_by_channel",
        unit=Unit.CONSULTATIONS,
        values=Vocabulary.CHANNEL,
        part=CONSULTATIONS,
        share_of="consultations",
        title=N_("Consultations, by channel"),
        definition=N_("Consultations dated in the period, per channel of the consultation."),
    ),
    BreakdownSpec(
        key="recognition_by_state",
        unit=Unit.PROCEDURES,
        part=RECOGNITION,
        values=RecognitionState,
        share_of="recognition_active",
        in_code_order=True,
        title=N_("Recognition procedures, by state"),
        definition=N_(
            "Recognition procedures active in the period (submitted or decided on a day of it), "
            "per state at the end of the period: one decided after the period's end counts as "
            "submitted."
        ),
    ),
    BreakdownSpec(
        key="recognition_decisions",
        unit=Unit.PROCEDURES,
        part=RECOGNITION,
        values=RecognitionDecision,
        in_code_order=True,
        title=N_("Recognition decisions"),
        definition=N_("Recognition procedures decided in the period, per decision."),
    ),
    BreakdownSpec(
        key="recognition_by_training_country",
        unit=Unit.PROCEDURES,
        part=RECOGNITION,
        values=Source.COUNTRY,
        share_of="recognition_active",
        suppressed=True,
        title=N_("Recognition procedures, by country of training"),
        definition=N_(
            "Recognition procedures active in the period, per country in which the "
            "qualification was gained."
        ),
    ),
)

# Every breakdown by its JSON key, in report order.
REGISTRY: Mapping[str, BreakdownSpec] = MappingProxyType({b.key: b for b in _DECLARED})
if len(REGISTRY) != len(_DECLARED):
    raise ValueError("two breakdowns declare the same key")


def code_order(declared: BreakdownSpec) -> tuple[str, ...]:
    """The codes of a breakdown with a fixed list of values, in their declared order (empty for
    a vocabulary or a source, whose codes are data)."""
    values = declared.values
    if isinstance(values, Codes):
        return tuple(code for code, _name in values.names)
    if isinstance(values, type) and issubclass(values, StrEnum):
        return tuple(member.value for member in values)
    return ()


def spec(key: str) -> BreakdownSpec:
    """The declaration of the breakdown ``key`` (KeyError for an undeclared one)."""
    return REGISTRY[key]


def charted() -> tuple[BreakdownSpec, ...]:
    """The breakdowns drawn as bars, in report order."""
    return tuple(b for b in REGISTRY.values() if b.chart)
