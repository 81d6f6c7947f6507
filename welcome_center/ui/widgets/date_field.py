"""The desk's one date field: typed as people write dates, or picked from a calendar.

A plain line edit (no sections that jump or overflow, Tab moves on) with a calendar button. What
is typed is read by :func:`welcome_center.domain.dates.parse_typed_date` (``15.01.2027``,
``15.1.27``, ``15012027``; ``15/01/2027`` in English) and shown normalised when the field is
left. An impossible day (``31.02.2027``) is never replaced by another: the text stays and a
message under the field says why; saves ask :func:`dates_ok` first. An optional field may be
empty; the calendar opens at the field's day, or at the office's today.
"""

from __future__ import annotations

import datetime as dt
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today, parse_typed_date
from welcome_center.domain.errors import ValidationError
from welcome_center.i18n import _
from welcome_center.ui.qt_i18n import short_date

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2099, 12, 31)


def _pattern() -> str:
    """How a date is written in the UI language, for messages and the empty field."""
    return _("DD/MM/YYYY")


class DateField(QWidget):
    """A date typed or picked; :meth:`date` is None when empty or not a date."""

    #: The date (or None) after typing finished (Enter, leaving the field) or a day was picked,
    #: and after :meth:`set_date`: only when it differs from the one before.
    dateChanged = Signal(object)

    def __init__(
        self,
        value: dt.date | None = None,
        optional: bool = False,
        parent: QWidget | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.optional = optional
        self.field_name = name  # the services' field name, for :meth:`checked`
        self.minimum, self.maximum = FIRST_DAY, LAST_DAY
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("—" if optional else _pattern())
        self.edit.installEventFilter(self)
        self.edit.editingFinished.connect(self._finished)
        self.edit.textEdited.connect(self._typing)
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes on to the next field
        self.button.setToolTip(_("Open the calendar (F4)"))
        self.button.clicked.connect(self.open_calendar)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        pal = self.error.palette()
        pal.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.darkRed)
        self.error.setPalette(pal)
        self.error.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.error)
        self.setFocusProxy(self.edit)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.calendar: _Calendar | None = None
        self.setAccessibleName(_("Date"))
        self._value: dt.date | None = None
        self.set_date(value)

    # -- the value -------------------------------------------------------------------------

    def date(self) -> dt.date | None:
        """The date typed or picked; None when the field is empty or holds no valid date."""
        try:
            return self._read()
        except ValidationError:
            return None

    def set_date(self, value: dt.date | None) -> None:
        """Show ``value`` (None empties the field); no message remains."""
        self.edit.setText(short_date(value) if value else "")
        self._hide_error()
        self._emit(value)

    def text(self) -> str:
        return self.edit.text()

    def is_empty(self) -> bool:
        return not self.edit.text().strip()

    def is_valid(self) -> bool:
        """Whether the field holds a date in range, or is empty and optional."""
        try:
            self._read()
        except ValidationError:
            return False
        return True

    def checked(self) -> dt.date | None:
        """The date; raises ValidationError (with :attr:`field_name`) when there is none."""
        return self._read()

    def check(self) -> bool:
        """Show the message under the field when it holds no valid date; True when valid."""
        try:
            self._read()
        except ValidationError as exc:
            self._show_error(exc.message)
            return False
        self._hide_error()
        return True

    def error_text(self) -> str:
        """The message under the field ("" if none): what a user reads."""
        return "" if self.error.isHidden() else self.error.text()

    def set_range(self, minimum: dt.date | None = None, maximum: dt.date | None = None) -> None:
        """Refuse days outside ``minimum`` .. ``maximum`` (the calendar offers only these)."""
        self.minimum, self.maximum = minimum or FIRST_DAY, maximum or LAST_DAY

    def _read(self) -> dt.date | None:
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise ValidationError(
                _("Enter a date (%(pattern)s).") % {"pattern": _pattern()}, field=self.field_name
            )
        try:
            value = parse_typed_date(text, office_today())
        except ValueError:
            raise ValidationError(
                _("%(text)s is not a date (%(pattern)s).") % {"text": text, "pattern": _pattern()},
                field=self.field_name,
            ) from None
        if not self.minimum <= value <= self.maximum:
            raise ValidationError(
                _("Enter a date from %(first)s to %(last)s.")
                % {"first": short_date(self.minimum), "last": short_date(self.maximum)},
                field=self.field_name,
            )
        return value

    # -- typing ----------------------------------------------------------------------------

    def _typing(self, _text: str) -> None:
        self._hide_error()

    def _finished(self) -> None:
        """Typing is finished: show a date the usual way, or say why it is none."""
        if not self.check():
            return
        value = self._read()
        if value is not None:
            self.edit.setText(short_date(value))
        self._emit(value)

    def _emit(self, value: dt.date | None) -> None:
        if value != self._value:
            self._value = value
            self.dateChanged.emit(value)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.edit.setAccessibleDescription(message)
        # The dialog grows to show it whole: ui.screen's filter, for every dialog.

    def _hide_error(self) -> None:
        self.error.clear()
        self.error.hide()
        self.edit.setAccessibleDescription("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """F4 or Alt+Down in the field opens the calendar, as in a combo box."""
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt_down = event.key() == Qt.Key.Key_Down and bool(
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if event.key() == Qt.Key.Key_F4 or alt_down:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.button.setAccessibleName(_("Calendar for %(field)s") % {"field": name})

    # -- the calendar ----------------------------------------------------------------------

    def open_calendar(self) -> None:
        """Show the calendar under the field, at the field's day or the office's today."""
        if self.calendar is None:
            self.calendar = _Calendar(self)
            self.calendar.picked.connect(self._picked)
        cal = self.calendar
        cal.setDateRange(_qdate(self.minimum), _qdate(self.maximum))
        shown = self.date() or min(max(office_today(), self.minimum), self.maximum)
        cal.setSelectedDate(_qdate(shown))
        cal.setCurrentPage(shown.year, shown.month)
        cal.adjustSize()
        cal.move(self._popup_place(cal.sizeHint().width(), cal.sizeHint().height()))
        cal.show()
        cal.setFocus(Qt.FocusReason.PopupFocusReason)

    def _popup_place(self, width: int, height: int) -> QPoint:
        """Under the field, or above it when the screen ends; never off the screen."""
        below = self.edit.mapToGlobal(QPoint(0, self.edit.height()))
        screen = QGuiApplication.screenAt(below) or QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        x = max(area.left(), min(below.x(), area.right() - width))
        y = below.y()
        if y + height > area.bottom():
            y = max(area.top(), self.edit.mapToGlobal(QPoint(0, 0)).y() - height)
        return QPoint(x, y)

    def _picked(self, picked: dt.date) -> None:
        self.edit.setText(short_date(picked))
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        self._finished()


class _Calendar(QCalendarWidget):
    """The calendar popup: a click, Enter or Space picks the day; Esc closes it."""

    picked = Signal(object)

    def __init__(self, field: DateField) -> None:
        super().__init__(field)
        self.setWindowFlags(Qt.WindowType.Popup)
        self.setGridVisible(False)
        self.setAccessibleName(_("Calendar"))
        self.clicked.connect(self._pick)
        self.activated.connect(self._pick)
        for child in self.findChildren(QWidget):  # the keys reach the month's table first
            child.installEventFilter(self)

    def _pick(self, day: QDate) -> None:
        self.hide()
        self.picked.emit(date(day.year(), day.month(), day.day()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:
                self.hide()
                parent = self.parentWidget()
                if parent is not None:
                    parent.setFocus(Qt.FocusReason.PopupFocusReason)
                return True
            if event.key() == Qt.Key.Key_Space:
                self._pick(self.selectedDate())
                return True
        return super().eventFilter(watched, event)


def _qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def invalid_fields(root: QWidget) -> list[DateField]:
    """The date fields under ``root`` (shown and enabled) that hold no valid date."""
    return [
        f
        for f in root.findChildren(DateField)
        if f.isEnabled() and f.isVisibleTo(root) and not f.is_valid()
    ]


def dates_ok(root: QWidget) -> bool:
    """Before a save: every date field under ``root`` holds a valid date or is allowed empty.
    Otherwise each says why under itself and the first gets the focus; nothing is changed."""
    wrong = invalid_fields(root)
    for f in wrong:
        f.check()
    if wrong:
        wrong[0].setFocus(Qt.FocusReason.OtherFocusReason)
        wrong[0].edit.selectAll()
    return not wrong
