"""A report's content as titled tables, shared by every format (PDF, XLSX, CSV, JSON) and the
desk's Reports page, so that each shows the same rows in the same order, the same suppression and
the same definitions. In a suppressed breakdown the hidden rows come last, alphabetically by
label (``not recorded`` last): never in the order of their counts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from welcome_center.domain.breakdowns import REGISTRY
from welcome_center.domain.esf_indicators import INDICATORS, NOT_SUPPORTED, Indicator
from welcome_center.domain.shares import share
from welcome_center.domain.statistics import NOT_RECORDED, ReportContent
from welcome_center.domain.suppression import Cell, Hidden, suppress
from welcome_center.i18n import _, figures

KEY_FIGURES = (
    "enquiries_received",
    "enquiries_worked",
    "cases_worked",
    "cases_worked_persons",
    "cases_worked_organisations",
    "cases_new",
    "closed",
    "open_at_end",
    "consultations",
    "consultation_minutes",
    "consultation_hours",
    "consultations_first",
    "consultations_follow_up",
    "consultations_with_interpreter",
    "persons_advised",
    "third_country_persons",
    "organisations_advised",
    "smes_advised",
    "referrals",
    "recognition_active",
    "recognition_regulated",
    "events",
    "event_participants_persons",
    "event_participants_organisations",
    "event_participants",  # last: its definition is that of "events"
)
# The key figures of the report's first page, an overview: the detailed figures (first and
# follow-up consultations, third-country nationals, SMEs, ...) stand in their part's table.
OVERVIEW = (
    "enquiries_received",
    "enquiries_worked",
    "cases_worked",
    "cases_worked_persons",
    "cases_worked_organisations",
    "cases_new",
    "closed",
    "open_at_end",
    "persons_advised",
    "organisations_advised",
    "consultations",
    "consultation_hours",
    "referrals",
    "recognition_active",
    "events",
    "event_participants",
)


@dataclass(frozen=True)
class Row:
    """One line of a breakdown: a hidden cell has ``value`` Hidden and no ``share``; a share is
    in percent, one decimal, rounded half up (``domain.shares``)."""

    code: str
    label: str
    value: Cell
    share: Decimal | None


@dataclass(frozen=True)
class Section:
    """A breakdown as a table. ``withheld``: too few records to show it (suppression)."""

    key: str
    title: str
    definition: str
    rows: tuple[Row, ...]
    withheld: bool
    multi_valued: bool


@dataclass(frozen=True)
class KeyFigure:
    """A plain figure: a count, or hours with one decimal (``consultation_hours``, a float)."""

    key: str
    title: str
    value: int | float
    definition: str


def sort_key(label: str) -> str:
    """A label as an alphabetical list sorts it: "Österreich" with the O's, not after "Z"."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def cell_text(value: Cell, threshold: int) -> str:
    """A cell as every format shows it: the count, ``< 3`` or ``x``."""
    if isinstance(value, Hidden):
        return figures.hidden_text(value is Hidden.SMALL, threshold)
    return str(value)


def key_figures(content: ReportContent) -> tuple[KeyFigure, ...]:
    """The headline figures, in the report's order."""
    stats = content.statistics
    return tuple(
        KeyFigure(k, figures.title(k), _value(getattr(stats, k)), figures.definition(_def(k)))
        for k in KEY_FIGURES
    )


def _value(value: float) -> int | float:
    """A count as an int (whatever SQL gave), hours as they are."""
    return value if isinstance(value, float) else int(value)


def _def(key: str) -> str:
    return "events" if key == "event_participants" else key


def since_start(content: ReportContent) -> tuple[KeyFigure, ...]:
    s = content.statistics.since_start
    text = figures.definition("since_start")
    return (
        KeyFigure(
            "since_start_enquiries", figures.title("since_start_enquiries"), s.enquiries, text
        ),
        KeyFigure("since_start_cases", figures.title("since_start_cases"), s.cases, text),
    )


def breakdown_keys(content: ReportContent) -> tuple[str, ...]:
    """The breakdowns ``content`` shows, in their declared order (``domain.breakdowns``): those
    that name staff only in an internal report."""
    return tuple(key for key, b in REGISTRY.items() if content.internal or not b.internal)


def breakdowns(content: ReportContent) -> tuple[Section, ...]:
    """Every breakdown the report shows as a table, those declared ``suppressed`` with their small
    cells hidden."""
    return tuple(breakdown(content, key) for key in breakdown_keys(content))


def breakdown(content: ReportContent, key: str) -> Section:
    """One breakdown as a table (``key`` a declared breakdown's)."""
    stats = content.statistics
    raw = stats.breakdown(key)
    declared = REGISTRY[key]
    base_key = declared.share_of
    base = int(getattr(stats, base_key)) if base_key else sum(n for _, n in raw)
    if declared.suppressed:

        def alphabetical(code: str) -> tuple[bool, str, str]:
            return code == NOT_RECORDED, sort_key(content.label(key, code)), code

        published = suppress(raw, content.threshold, alphabetical)
        cells, withheld = published.rows, published.withheld
    else:
        cells, withheld = tuple(raw), False
    rows = tuple(
        Row(
            code,
            content.label(key, code),
            value,
            None if isinstance(value, Hidden) else share(value, base),
        )
        for code, value in cells
    )
    return Section(
        key, figures.title(key), figures.definition(key), rows, withheld, declared.multi_valued
    )


# ESF+ common output indicators ----------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRow:
    """An ESF+ indicator as the reports show it (``domain.esf_indicators``): its code, its
    title in the report's language, and its value, or Hidden as the cells it sums are."""

    code: str
    title: str
    value: Cell


def esf_indicators(content: ReportContent) -> tuple[IndicatorRow, ...]:
    """The supported ESF+ indicators, from the statistics as published: an indicator that sums
    cells of a suppressed breakdown is shown only when each of those cells is shown in the
    breakdown's table (else EECO02 minus "unemployed" would tell a hidden count); it is hidden
    like the one cell it is, or as "x" when it sums several."""
    published: dict[str, Section] = {}
    rows = []
    for indicator in INDICATORS:
        if indicator.breakdown is None:
            assert indicator.figure is not None
            value: Cell = int(getattr(content.statistics, indicator.figure))
        else:
            key = indicator.breakdown
            section = published.setdefault(key, breakdown(content, key))
            value = _sum_of_cells(indicator, section)
        rows.append(IndicatorRow(indicator.code, _(indicator.title), value))
    return tuple(rows)


def _sum_of_cells(indicator: Indicator, section: Section) -> Cell:
    if section.withheld:
        return Hidden.COVER
    cells = {r.code: r.value for r in section.rows}
    mine = [cells.get(code, 0) for code in indicator.cells]  # no row: none counted
    hidden = [v for v in mine if isinstance(v, Hidden)]
    if not hidden:
        return sum(v for v in mine if isinstance(v, int))
    return hidden[0] if len(mine) == 1 else Hidden.COVER


def esf_title() -> str:
    return _("ESF+ common output indicators")


def esf_definition() -> str:
    """What the indicators are and how the office's figures give them (the appendix)."""
    return _(
        "The common output indicators of the ESF+ (Regulation (EU) 2021/1057, Annex I) that "
        "the recorded facts give, with the codes of the Commission's monitoring: participants "
        "are the persons advised, with their employment status at the first contact, their "
        "age on the last day of the period and their education; a person in education counts "
        "as inactive; supported enterprises are the small and medium enterprises advised."
    )


def esf_notes() -> tuple[str, ...]:
    """What the table does not say, for the note under it."""
    missing = ", ".join(f"{code} {_(title)}" for code, title in NOT_SUPPORTED)
    return (
        _(
            "Totals only: the regulation asks each participant indicator by gender (women, "
            "men, non-binary persons); the table of persons advised by gender stands beside "
            "this one."
        ),
        _(
            "EECO01 counts every person advised, also those whose employment status is not "
            "recorded. EECO13 counts the persons whose first nationality is not that of a "
            "member state of the EU or the EEA or of Switzerland (the regulation counts "
            "citizens of the EEA states and Switzerland as third-country nationals too)."
        ),
        _("Not recorded by the office, so not reported: %(indicators)s.") % {"indicators": missing},
    )
