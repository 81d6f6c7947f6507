"""Administration, tab Office settings: name, number prefix, project start, suppression
threshold, residence expiry window, referral feedback period, which records counsellors
see and after how many minutes without input the desk locks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import RecordVisibility
from welcome_center.domain.views import OfficeSettingsView
from welcome_center.i18n import _, ngettext
from welcome_center.services import settings
from welcome_center.services.context import Changes
from welcome_center.ui import forms
from welcome_center.ui.ops import Ops
from welcome_center.ui.widgets.date_field import dates_ok


def number_field(suffix: str = "") -> QSpinBox:
    """A whole number; the range is wide on purpose: the service says what is allowed, next to
    the field."""
    box = QSpinBox()
    box.setRange(0, 99999)
    box.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if suffix:
        box.setSuffix(suffix)
    return box


class SettingsTab(QWidget):
    """The office-wide settings as a form; saving checks that no one changed them meanwhile."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.loaded: OfficeSettingsView | None = None
        self.errors = forms.FieldErrors()
        self._build()

    def _build(self) -> None:
        days = " " + _("days")
        self.office_name = QLineEdit()
        # The office name is long ("Welcome Center Region Zwickau"); room for it in full.
        self.office_name.setMinimumWidth(self.office_name.fontMetrics().averageCharWidth() * 60)
        self.number_prefix = QLineEdit()
        self.project_start = forms.date_edit(optional=True)
        self.threshold = number_field()
        self.expiry_window = number_field(days)
        self.feedback = number_field(days)
        self.idle_lock = number_field(" " + ngettext("minute", "minutes", 0))
        self.idle_lock.valueChanged.connect(  # "1 Minute", "5 Minuten"
            lambda n: self.idle_lock.setSuffix(" " + ngettext("minute", "minutes", n))
        )
        self.visibility = forms.fill_combo(
            QComboBox(),
            [
                (_("every record of the office"), RecordVisibility.ALL.value),
                (_("their own records and those they substitute on"), RecordVisibility.OWN.value),
            ],
            optional=False,
        )
        form = QFormLayout()
        # Numbers and dates stay at their natural width beside their labels.
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add = self.errors.add_row
        add(form, _("Offic&e name:"), self.office_name, field="office_name")
        add(form, _("Num&ber prefix:"), self.number_prefix, field="number_prefix")
        add(form, _("Pro&ject start:"), self.project_start, field="project_start")
        add(form, _("Suppression &threshold:"), self.threshold, field="suppression_threshold")
        add(form, _("Residence e&xpiry window:"), self.expiry_window,
            field="residence_expiry_window_days")  # fmt: skip
        add(form, _("Referral &feedback period:"), self.feedback, field="referral_feedback_days")
        add(form, _("Counsello&rs see:"), self.visibility, field="record_visibility")
        add(form, _("&Lock the desk after:"), self.idle_lock, field="idle_lock_minutes")
        hint = QLabel(
            _(
                "The number prefix starts every new record number. Without a project start, "
                "reports count from the earliest record. Counts below the suppression threshold "
                "are hidden in published reports. A residence title expiring within the window "
                "raises a follow-up; a referral without an answer for the feedback period or "
                "longer is listed on Today. Where counsellors see only their own records, they "
                "see those they are the counsellor or the substitute of, those nobody is "
                "assigned to yet, and the clients of these. A desk without input for the "
                "given minutes (1 to 60) hides its windows until the user's password is entered."
            )
        )
        hint.setWordWrap(True)
        buttons = save_bar(self)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.errors.general)
        lay.addLayout(buttons)
        lay.addStretch(1)

    def value(self) -> Any:
        return (
            self.office_name.text().strip(),
            self.number_prefix.text().strip().upper(),
            forms.date_of(self.project_start),
            self.threshold.value(),
            self.expiry_window.value(),
            self.feedback.value(),
            self.visibility.currentData(),
            self.idle_lock.value(),
        )

    def has_unsaved(self) -> bool:
        return self.loaded is not None and self.value() != _values(self.loaded)

    def load(self) -> None:
        """Show the saved settings (typed input is dropped)."""
        self.errors.clear()
        self._show(self.ops.settings)

    def _show(self, s: OfficeSettingsView) -> None:
        self.loaded = s
        self.office_name.setText(s.office_name)
        self.number_prefix.setText(s.number_prefix)
        forms.set_date(self.project_start, s.project_start, optional=True)
        self.threshold.setValue(s.suppression_threshold)
        self.expiry_window.setValue(s.residence_expiry_window_days)
        self.feedback.setValue(s.referral_feedback_days)
        forms.set_combo_value(self.visibility, s.record_visibility)
        self.idle_lock.setValue(s.idle_lock_minutes)

    def reload_saved(self) -> None:
        show_saved_settings(self)

    def refresh(self) -> None:
        """Reload unless the administrator is typing (a conflict is caught on saving)."""
        if not self.has_unsaved():
            self.load()

    def save(self) -> None:
        loaded = self.loaded
        if loaded is None or not dates_ok(self):
            return
        name, prefix, start, threshold, window, feedback, visibility, idle = self.value()
        saved = write_settings(
            self,
            loaded,
            _("Office settings saved."),
            office_name=name,
            number_prefix=prefix,
            project_start=start,
            suppression_threshold=threshold,
            residence_expiry_window_days=window,
            referral_feedback_days=feedback,
            record_visibility=visibility,
            idle_lock_minutes=idle,
        )
        if saved is not None:
            self._show(saved)


def save_bar(tab: Any, discard: str = "") -> QHBoxLayout:
    """A settings tab's "Save" and "Discard changes" buttons (``tab.save_button``,
    ``tab.discard_button``; the tab's ``save`` and ``load``), and Ctrl+S to save."""
    tab.save_button = QPushButton(_("&Save"))
    tab.save_button.clicked.connect(tab.save)
    tab.discard_button = QPushButton(discard or _("Discard &changes"))
    tab.discard_button.clicked.connect(tab.load)
    QShortcut(QKeySequence("Ctrl+S"), tab, tab.save,
              context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
    buttons = QHBoxLayout()
    buttons.addWidget(tab.save_button)
    buttons.addWidget(tab.discard_button)
    buttons.addStretch(1)
    return buttons


def write_settings(
    tab: Any, loaded: OfficeSettingsView, done: str, **changed: Any
) -> OfficeSettingsView | None:
    """Save ``changed`` office settings from an Administration tab (with ``ops``, ``errors``
    and ``load``) over the version it showed; a field's error goes under the field, a conflict
    offers the saved version. The settings as saved, or None."""
    saved = tab.ops.write(
        tab,
        lambda uow, actor: settings.update_settings(
            uow, actor, expected_version=loaded.version, **changed
        ),
        errors=tab.errors,
        on_conflict=lambda: show_saved_settings(tab),
        done=done,
    )
    return None if saved is None else saved.value


def show_saved_settings(tab: Any) -> None:
    """After a conflict: show what someone else saved (every window learns of it too)."""
    tab.ops.broadcast(Changes(settings=True))
    tab.load()


def _values(s: OfficeSettingsView) -> Any:
    return (s.office_name, s.number_prefix, s.project_start, s.suppression_threshold,
            s.residence_expiry_window_days, s.referral_feedback_days,
            s.record_visibility, s.idle_lock_minutes)  # fmt: skip
