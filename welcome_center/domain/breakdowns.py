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

from welcome_center.domain.enums import ReferralStatus, Vocabulary


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


@dataclass(frozen=True, kw_only=True)
class ReportPart:
    """A part of a report. ``title`` None: its breakdowns stand under headings of their own;
    else they stand under the part's heading, after a table of its ``figures`` (JSON keys)."""

    key: str
    title: str | None = None
    figures: tuple[str, ...] = ()


ENQUIRIES = ReportPart(key="enquiries")
REFERRALS = ReportPart(key="referrals", title=N_("Referrals"), figures=("referrals",))
ACTIVITY = ReportPart(
    key="activity",
    title=N_("Consultations and events"),
    figures=("consultations", "consultation_minutes", "events", "event_participants"),
)
# The parts in the order a report shows them.
PARTS: tuple[ReportPart, ...] = (ENQUIRIES, REFERRALS, ACTIVITY)


@dataclass(frozen=True, kw_only=True)
class BreakdownSpec:
    """One breakdown, declared once.

    ``share_of``: the figure (JSON key) its shares are of; None: of its own total.
    ``suppressed``: small counts are hidden when the report leaves the office (DOMAIN.md's
    small-cell rule; every person-based breakdown). ``multi_valued``: a thing counts under each
    of its codes, so the shares add up to more than 100 %. ``internal``: names staff, only in
    the office's internal report. ``chart``: drawn as bars besides its table."""

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
)

# Every breakdown by its JSON key, in report order.
REGISTRY: Mapping[str, BreakdownSpec] = MappingProxyType({b.key: b for b in _DECLARED})
if len(REGISTRY) != len(_DECLARED):
    raise ValueError("two breakdowns declare the same key")


def spec(key: str) -> BreakdownSpec:
    """The declaration of the breakdown ``key`` (KeyError for an undeclared one)."""
    return REGISTRY[key]


def charted() -> tuple[BreakdownSpec, ...]:
    """The breakdowns drawn as bars, in report order."""
    return tuple(b for b in REGISTRY.values() if b.chart)
