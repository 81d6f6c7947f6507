"""The facts funders count (DOMAIN.md "Who was advised") as the desk asks and shows them.

Every choice starts with "not recorded", which is also what an untouched choice saves: none of
these fields ever blocks a save. A year is typed as four digits into a plain line (empty: not
known); the services say under the field when a year is not plausible.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QComboBox, QLineEdit

from welcome_center.domain.views import ClientFacts, OrganisationView, PersonView
from welcome_center.i18n import _, country_name
from welcome_center.i18n.labels import label
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.widgets.type_ahead import TypeAheadCombo

E = TypeVar("E", bound=StrEnum)
NOT_RECORDED = "not_recorded"


def enum_combo(members: Iterable[StrEnum], name: str) -> QComboBox:
    """A choice among ``members``, "not recorded" first (typing a label's first letters picks)."""
    combo = TypeAheadCombo()
    ordered = sorted(members, key=lambda m: m.value != NOT_RECORDED)  # stable: enum order kept
    for member in ordered:
        combo.addItem(label(member), member)
    combo.setAccessibleName(name)
    # Long entries ("Langzeitarbeitslos (12 Monate oder länger)") must not push the labels out.
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    return combo


def enum_value(combo: QComboBox, kind: type[E]) -> E:
    value = combo.currentData()
    return kind(value) if value is not None else kind(NOT_RECORDED)


def set_enum(combo: QComboBox, value: StrEnum) -> None:
    combo.setCurrentIndex(max(combo.findData(value), 0))


class YearField(QLineEdit):
    """A year of four digits, or empty when not known."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setValidator(QIntValidator(0, 9999, self))
        self.setMaxLength(4)
        self.setPlaceholderText(_("YYYY"))
        self.setMaximumWidth(self.fontMetrics().averageCharWidth() * 10)
        self.setAccessibleName(name)

    def year(self) -> int | None:
        text = self.text().strip()
        return int(text) if text.isdigit() else None

    def set_year(self, value: int | None) -> None:
        self.setText(str(value) if value is not None else "")


def born_text(p: PersonView | ClientFacts) -> str:
    """``03.04.1990``, or ``1990`` when only the year is known."""
    if p.birth_date is not None:
        return short_date(p.birth_date)
    return str(p.birth_year) if p.birth_year is not None else ""


def nationalities_text(p: PersonView) -> str:
    """``Syria, Türkiye``: the first nationality (the one figures count), then a second one."""
    return ", ".join(country_name(c) for c in (p.nationality, p.nationality_2) if c)


def _known(value: StrEnum) -> str:
    return "" if value.value == NOT_RECORDED else label(value)


def person_fact_lines(p: PersonView) -> list[tuple[str, str]]:
    """The funders' facts of a person as (label, text) lines; empty text when not recorded."""
    return [
        (_("Gender:"), _known(p.gender)),
        (_("Employment status:"), _known(p.employment_status)),
        (_("Education:"), _known(p.education)),
        (_("German:"), _known(p.german_level)),
        (_("In Germany since:"), str(p.arrival_year) if p.arrival_year is not None else ""),
    ]


def organisation_fact_lines(o: OrganisationView) -> list[tuple[str, str]]:
    return [(_("Kind:"), _known(o.kind)), (_("Size:"), _known(o.size))]
