"""The facts funders count (DOMAIN.md "Who was advised") for a new person of the quick enquiry.

The quick enquiry is full: one more letter per field would run out of mnemonics, and five more
rows would not fit a 1366x768 screen. So the facts sit folded under one button with one
mnemonic, compact in four rows; opened, the cursor goes to the first of them and Tab walks on.
Each is optional: untouched, the person is saved with "not recorded", as in the person editor.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from welcome_center.domain.enums import EducationLevel, EmploymentStatus, Gender, GermanLevel
from welcome_center.i18n import _
from welcome_center.ui.forms import FieldErrors, error_label
from welcome_center.ui.funder_facts import YearField, enum_combo, enum_value


class PersonFacts:
    """A toggle button and, under it while open, gender, birth year, employment status,
    education and German of the new person: rows of the person's form, so that their labels
    stand under the name's and the nationality's."""

    def __init__(self, form: QFormLayout, errors: FieldErrors) -> None:
        self.form = form
        self.toggle = QToolButton()
        self.toggle.setText(_("For the statistics (optional): gender, age, &job, education"))
        self.toggle.setCheckable(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolTip(
            _(
                "Whatever is left empty is saved as not recorded; the person's details can be "
                "completed later."
            )
        )
        self.gender = enum_combo(Gender, _("Gender"))
        self.birth_year = YearField(_("Birth year"))
        self.employment_status = enum_combo(
            EmploymentStatus, _("Employment status at first contact")
        )
        self.employment_status.setToolTip(_("At the first contact"))
        self.education = enum_combo(EducationLevel, _("Education level"))
        self.german_level = enum_combo(GermanLevel, _("Knowledge of German"))
        self.birth_year.setMinimumWidth(
            self.birth_year.fontMetrics().horizontalAdvance("0000") + 16
        )
        for combo in (self.employment_status, self.education):
            # The whole choice in view ("Long-term unemployed (12 months or more)"): the
            # column widens when the facts are opened.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumWidth(combo.sizeHint().width())
        self.gender.setMinimumContentsLength(10)  # beside the birth year
        self.year_error = error_label()
        for field, widget in zip(
            ("gender", "birth_year", "employment_status", "education", "german_level"),
            self.fields(),
            strict=True,
        ):
            errors.register(field, widget, self.year_error)
        form.addRow(self.toggle)
        # No mnemonics on these labels: the button's leads here, then Tab.
        self.rows = [_row(form, _("Gender:"), self.gender, _("Birth year:"), self.birth_year)]
        form.addRow(self.year_error)  # hidden until a year is refused
        self.rows += [
            _row(form, _("Employment status:"), self.employment_status),
            _row(form, _("Education:"), self.education),
            _row(form, _("German:"), self.german_level),
        ]
        self._show_rows(False)
        self.toggle.toggled.connect(self._toggled)

    def fields(self) -> list[QWidget]:
        """The fields in reading (and Tab) order."""
        return [
            self.gender,
            self.birth_year,
            self.employment_status,
            self.education,
            self.german_level,
        ]

    def tab_chain(self) -> list[QWidget]:
        return [self.toggle, *self.fields()]

    def is_open(self) -> bool:
        return self.toggle.isChecked()

    def set_open(self, shown: bool) -> None:
        self.toggle.setChecked(shown)

    def _show_rows(self, shown: bool) -> None:
        for row in self.rows:
            self.form.setRowVisible(row, shown)

    def _toggled(self, shown: bool) -> None:
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.toggle.setArrowType(arrow)
        focus = QApplication.focusWidget()
        inside = focus is not None and any(r.isAncestorOf(focus) for r in self.rows)
        self._show_rows(shown)
        if shown:  # opened to be filled in: the cursor goes to the first field
            self.gender.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not shown and inside:
            self.toggle.setFocus(Qt.FocusReason.OtherFocusReason)

    def reveal_errors(self) -> None:
        """A refused year is shown under the fields: open them, with the cursor in the year."""
        if self.year_error.isHidden() or not self.year_error.text():
            return
        self.set_open(True)
        self.birth_year.setFocus(Qt.FocusReason.OtherFocusReason)

    def draft_fields(self) -> dict[str, Any]:
        """The facts as PersonDraft's keywords ("not recorded" and no year when untouched)."""
        return {
            "gender": enum_value(self.gender, Gender),
            "birth_year": self.birth_year.year(),
            "employment_status": enum_value(self.employment_status, EmploymentStatus),
            "education": enum_value(self.education, EducationLevel),
            "german_level": enum_value(self.german_level, GermanLevel),
        }

    def values(self) -> tuple[object, ...]:
        """What was chosen or typed, to tell whether the user entered anything."""
        return (*self.draft_fields().values(), self.birth_year.text())


def _row(
    form: QFormLayout, text: str, field: QWidget, text_2: str = "", field_2: QWidget | None = None
) -> QWidget:
    """``text: field`` as a row of ``form``, with ``text_2: field_2`` beside it; the row's
    field part (by which the row is shown or hidden)."""
    box = QWidget()
    lay = QHBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(field, 1)
    if field_2 is not None:
        second = QLabel(text_2)
        second.setBuddy(field_2)
        lay.addWidget(second)
        lay.addWidget(field_2)  # a year: the first field takes the room
    label = QLabel(text)
    label.setBuddy(field)
    form.addRow(label, box)
    return box
