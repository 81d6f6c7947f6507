"""The ESF+ common output indicators (Regulation (EU) 2021/1057, Annex I) that the office's
figures support, declared once: each indicator's code (as the Commission's SFC2021 monitoring
names it), its title, and what it sums: one figure, or cells of one breakdown. The reports compute
the values from the published statistics (``reports.sections.esf_indicators``); no SQL of their
own, so an indicator never disagrees with the table it comes from.

The regulation asks every participant indicator by gender; the reports give totals, with the
persons-by-gender table beside them. Indicators the office does not record are listed in
``NOT_SUPPORTED`` (the reports say so under the table).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from welcome_center.domain.breakdowns import REGISTRY, code_order
from welcome_center.domain.enums import EducationLevel, EmploymentStatus


def N_(message: str) -> str:
    """Mark ``message`` for the catalog; the reports translate it where they show it."""
    return message


@dataclass(frozen=True, kw_only=True)
class Indicator:
    """One indicator: ``figure`` (a figure's JSON key) or the ``cells`` (codes) of the
    ``breakdown`` (a breakdown's JSON key) it adds up."""

    code: str
    title: str
    figure: str | None = None
    breakdown: str | None = None
    cells: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.figure is None) == (self.breakdown is None):
            raise ValueError(f"{self.code}: a figure or a breakdown's cells, not both")
        if self.breakdown is not None:
            codes = code_order(REGISTRY[self.breakdown])
            if not self.cells or not set(self.cells) <= set(codes):
                raise ValueError(f"{self.code}: cells {self.cells} not of {self.breakdown}")


_EMPLOYMENT = "persons_by_employment_status"
_AGE = "persons_by_age_band"
_EDUCATION = "persons_by_education"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(code="EECO01", title=N_("Total number of participants"), figure="persons_advised"),
    Indicator(
        code="EECO02",
        title=N_("Unemployed, including long-term unemployed"),
        breakdown=_EMPLOYMENT,
        cells=(EmploymentStatus.UNEMPLOYED, EmploymentStatus.LONG_TERM_UNEMPLOYED),
    ),
    Indicator(
        code="EECO03",
        title=N_("Long-term unemployed"),
        breakdown=_EMPLOYMENT,
        cells=(EmploymentStatus.LONG_TERM_UNEMPLOYED,),
    ),
    Indicator(
        code="EECO04",
        title=N_("Inactive (including in education)"),
        breakdown=_EMPLOYMENT,
        # In ESF terms a person in education or training is inactive.
        cells=(EmploymentStatus.INACTIVE, EmploymentStatus.IN_EDUCATION),
    ),
    Indicator(
        code="EECO05",
        title=N_("Employed, including self-employed"),
        breakdown=_EMPLOYMENT,
        cells=(EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED),
    ),
    Indicator(
        code="EECO06",
        title=N_("Children below 18 years of age"),
        breakdown=_AGE,
        cells=("under_18",),
    ),
    Indicator(
        code="EECO07",
        title=N_("Young people between 18 and 29 years of age"),
        breakdown=_AGE,
        cells=("18_29",),
    ),
    Indicator(
        code="EECO08",
        title=N_("Participants 55 years of age and above"),
        breakdown=_AGE,
        cells=("55_64", "65_plus"),
    ),
    Indicator(
        code="EECO09",
        title=N_("With lower secondary education or less (ISCED 0-2)"),
        breakdown=_EDUCATION,
        cells=(EducationLevel.ISCED_0_2,),
    ),
    Indicator(
        code="EECO10",
        title=N_("With upper secondary or post-secondary education (ISCED 3-4)"),
        breakdown=_EDUCATION,
        cells=(EducationLevel.ISCED_3_4,),
    ),
    Indicator(
        code="EECO11",
        title=N_("With tertiary education (ISCED 5-8)"),
        breakdown=_EDUCATION,
        cells=(EducationLevel.ISCED_5_8,),
    ),
    Indicator(code="EECO13", title=N_("Third-country nationals"), figure="third_country_persons"),
    Indicator(
        code="EECO19",
        title=N_("Supported micro, small and medium-sized enterprises"),
        figure="smes_advised",
    ),
)

# Annex I indicators the office does not record: (code, title).
NOT_SUPPORTED: tuple[tuple[str, str], ...] = (
    ("EECO12", N_("Participants with disabilities")),
    ("EECO14", N_("Participants with a foreign background")),
    ("EECO15", N_("Minorities")),
    ("EECO16", N_("Homeless or affected by housing exclusion")),
    ("EECO17", N_("Participants from rural areas")),
    ("EECO18", N_("Supported public administrations or public services")),
)

BY_CODE: Mapping[str, Indicator] = MappingProxyType({i.code: i for i in INDICATORS})
if len(BY_CODE) != len(INDICATORS) or set(BY_CODE) & {c for c, _t in NOT_SUPPORTED}:
    raise ValueError("an ESF+ indicator's code is declared twice")
