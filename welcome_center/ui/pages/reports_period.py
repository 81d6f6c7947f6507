"""The period of a report: a month (the last complete one by default), a quarter, a year or a
custom range, with buttons for the previous and the next one."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.statistics import Period
from welcome_center.i18n import _, format_date
from welcome_center.ui import forms
from welcome_center.ui.qt_i18n import short_date

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
DELAY_MS = 300  # quick clicks on "previous" compute only the period finally chosen


def last_complete_month(today: date | None = None) -> Period:
    first = (today or office_today()).replace(day=1)
    before = first - timedelta(days=1)
    return Period.month(before.year, before.month)


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def describe(p: Period) -> str:
    """The period as a reader says it: "March 2026", "Q1 2026", "2026" or a range of dates."""
    if p.is_month():
        return format_date(p.start, "LLLL yyyy")
    if p.is_year():
        return str(p.start.year)
    if p == Period.quarter(p.start.year, quarter_of(p.start)):
        return _("Q%(quarter)d %(year)d") % {"quarter": quarter_of(p.start), "year": p.start.year}
    return f"{short_date(p.start)} – {short_date(p.end)}"


def shifted(kind: str, p: Period, step: int) -> Period:
    """The period ``step`` units (months, quarters, years, range lengths) before or after."""
    if kind == MONTH:
        index = p.start.year * 12 + p.start.month - 1 + step
        return Period.month(index // 12, index % 12 + 1)
    if kind == QUARTER:
        index = p.start.year * 4 + quarter_of(p.start) - 1 + step
        return Period.quarter(index // 4, index % 4 + 1)
    if kind == YEAR:
        return Period.year(p.start.year + step)
    days = timedelta(days=((p.end - p.start).days + 1) * step)
    return Period(p.start + days, p.end + days)


class PeriodChooser(QWidget):
    """Emits :attr:`edited` at each change of a field, and :attr:`changed` a moment after the
    user settles on a period."""

    changed = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.changed)
        self._build()
        self.set_period(MONTH, last_complete_month())

    def _build(self) -> None:
        self.kind = forms.fill_combo(QComboBox(), [(_("Month"), MONTH), (_("Quarter"), QUARTER),
            (_("Year"), YEAR), (_("Custom range"), CUSTOM)], optional=False)  # fmt: skip
        self.kind.setAccessibleName(_("Kind of period"))
        kind_label = QLabel(_("&Period:"))
        kind_label.setBuddy(self.kind)
        self.month = forms.fill_combo(
            QComboBox(),
            [(format_date(date(2000, m, 1), "LLLL"), m) for m in range(1, 13)],
            optional=False,
        )
        self.quarter = forms.fill_combo(
            QComboBox(), [(_("Q%(quarter)d") % {"quarter": q}, q) for q in range(1, 5)],
            optional=False,
        )  # fmt: skip
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setGroupSeparatorShown(False)
        self.start = forms.date_edit()
        self.end = forms.date_edit()
        self.start_label = QLabel(_("&From"))
        self.start_label.setBuddy(self.start)
        self.end_label = QLabel(_("&to"))
        self.end_label.setBuddy(self.end)
        self.previous = self._arrow(Qt.ArrowType.LeftArrow, _("Previous period"), "Alt+Left", -1)
        self.next = self._arrow(Qt.ArrowType.RightArrow, _("Next period"), "Alt+Right", 1)
        self.error = forms.error_label()
        named = ((self.month, _("Month")), (self.quarter, _("Quarter")), (self.year, _("Year")),
                 (self.start, _("From")), (self.end, _("To")))  # fmt: skip
        for widget, name in named:
            widget.setAccessibleName(name)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (kind_label, self.kind, self.previous, self.month, self.quarter, self.year,
                  self.start_label, self.start, self.end_label, self.end, self.next,
                  self.error):  # fmt: skip
            lay.addWidget(w)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        for combo in (self.month, self.quarter):
            combo.currentIndexChanged.connect(self._edited)
        self.year.valueChanged.connect(self._edited)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._edited)
        self._shown = MONTH

    def _arrow(self, arrow: Qt.ArrowType, name: str, keys: str, step: int) -> QToolButton:
        button = QToolButton()
        button.setArrowType(arrow)
        button.setAccessibleName(name)
        button.setToolTip(f"{name} ({keys})")
        button.setShortcut(keys)
        button.clicked.connect(lambda: self.step(step))
        return button

    # -- the chosen period -------------------------------------------------------------------

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def period(self) -> Period | None:
        """The chosen period; None for a range that ends before it starts."""
        kind, year = self.current_kind(), self.year.value()
        if kind == MONTH:
            return Period.month(year, int(self.month.currentData()))
        if kind == QUARTER:
            return Period.quarter(year, int(self.quarter.currentData()))
        if kind == YEAR:
            return Period.year(year)
        start, end = forms.date_of(self.start), forms.date_of(self.end)
        if start is None or end is None or end < start:
            return None
        return Period(start, end)

    def set_period(self, kind: str, p: Period) -> None:
        """Show ``p`` as a period of ``kind`` (without waiting: :attr:`changed` at once)."""
        self.kind.blockSignals(True)
        forms.set_combo_value(self.kind, kind)
        self.kind.blockSignals(False)
        self._shown = kind
        self._place(p)
        self._timer.stop()
        self.changed.emit()

    def step(self, step: int) -> None:
        """The previous (-1) or next (+1) period of the same kind."""
        current = self.period()
        if current is not None:
            self._place(shifted(self.current_kind(), current, step))
            self._later()

    def _place(self, p: Period) -> None:
        """Put ``p`` into the fields without emitting once per field."""
        widgets = (self.month, self.quarter, self.year, self.start, self.end)
        for w in widgets:
            w.blockSignals(True)
        forms.set_combo_value(self.month, p.start.month)
        forms.set_combo_value(self.quarter, quarter_of(p.start))
        self.year.setValue(p.start.year)
        forms.set_date(self.start, p.start)
        forms.set_date(self.end, p.end)
        for w in widgets:
            w.blockSignals(False)
        self._show_fields()

    def _kind_changed(self) -> None:
        """Keep the day the old period starts on: March 2026 becomes Q1 2026, then 2026."""
        before = self._period_of(self._shown)
        self._shown = self.current_kind()
        if before is not None:
            if self._shown == CUSTOM:
                self._place(before)
            else:
                self._place(_unit(self._shown, before.start))
        self._show_fields()
        self._later()

    def _period_of(self, kind: str) -> Period | None:
        self.kind.blockSignals(True)
        chosen = self.kind.currentIndex()
        forms.set_combo_value(self.kind, kind)
        p = self.period()
        self.kind.setCurrentIndex(chosen)
        self.kind.blockSignals(False)
        return p

    def _edited(self) -> None:
        self._show_fields()
        self._later()

    def _later(self) -> None:
        self.edited.emit()
        self._timer.start()

    def _show_fields(self) -> None:
        kind = self.current_kind()
        self.month.setVisible(kind == MONTH)
        self.quarter.setVisible(kind == QUARTER)
        self.year.setVisible(kind != CUSTOM)
        for w in (self.start_label, self.start, self.end_label, self.end):
            w.setVisible(kind == CUSTOM)
        invalid = kind == CUSTOM and self.period() is None
        self.error.setText(_("The range ends before it starts.") if invalid else "")
        self.error.setVisible(invalid)
        self.previous.setEnabled(not invalid)
        self.next.setEnabled(not invalid)


def _unit(kind: str, day: date) -> Period:
    """The month, quarter or year that holds ``day``."""
    if kind == MONTH:
        return Period.month(day.year, day.month)
    if kind == QUARTER:
        return Period.quarter(day.year, quarter_of(day))
    return Period.year(day.year)
