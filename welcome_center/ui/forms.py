"""Building blocks of the desk's forms: errors next to fields, vocabulary choices, dates.

Every form uses these so that a counsellor meets the same behaviour everywhere: a date is typed
as ``TT.MM.JJJJ``, an optional choice starts empty ("—"), a rejected save shows its reason in red
under the field and puts the cursor there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import office_today
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.errors import DomainError
from welcome_center.i18n import _, language
from welcome_center.ui.widgets.date_field import DateField
from welcome_center.ui.widgets.type_ahead import TypeAheadCombo

EMPTY = "—"


def error_label() -> QLabel:
    """A red message line, hidden until it has something to say (plain text, never markup)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.darkRed)
    label.setPalette(pal)
    label.setAccessibleName(_("Error message"))
    label.hide()
    return label


class FieldErrors:
    """Error lines under the fields of one form, keyed by the services' field names."""

    def __init__(self, general: QLabel | None = None) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        self.general = general or error_label()

    def add_row(
        self, form: QFormLayout, text: str, widget: QWidget, field: str | None = None
    ) -> QWidget:
        """Add ``text: widget`` to ``form``, with an error line under the widget for ``field``."""
        label = QLabel(text)
        label.setBuddy(widget)
        if field is None:
            form.addRow(label, widget)
            return widget
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(widget)
        err = error_label()
        lay.addWidget(err)
        form.addRow(label, box)
        self._fields[field] = (widget, err)
        return widget

    def register(self, field: str, widget: QWidget, label: QLabel) -> None:
        """Use ``label`` (placed by the caller) for the errors of ``field``."""
        self._fields[field] = (widget, label)

    def clear(self) -> None:
        for _w, label in self._fields.values():
            label.clear()
            label.hide()
        self.general.clear()
        self.general.hide()

    def show(self, exc: DomainError) -> bool:
        """Show ``exc`` next to its field (or in the general line) and focus the field.
        Returns False when the form has no place for it (the caller shows a message box)."""
        if exc.field and exc.field in self._fields:
            widget, label = self._fields[exc.field]
            label.setText(exc.message)
            label.show()
            widget.setFocus()
            return True
        if self.general.parent() is not None:
            self.general.setText(exc.message)
            self.general.show()
            return True
        return False

    def message(self, field: str) -> str:
        """The error shown for ``field`` ("" if none): what a user reads under the field."""
        entry = self._fields.get(field)
        return entry[1].text() if entry and not entry[1].isHidden() else ""


# -- choices ------------------------------------------------------------------------------------


def fill_combo(
    combo: QComboBox,
    items: Iterable[tuple[str, object]],
    optional: bool = True,
    empty_text: str = EMPTY,
) -> QComboBox:
    """Fill ``combo`` with (text, value) pairs; an optional one starts with an empty choice."""
    current = combo.currentData()
    combo.clear()
    if optional:
        combo.addItem(empty_text, None)
    for text, value in items:
        combo.addItem(text, value)
    if current is not None:
        set_combo_value(combo, current)
    return combo


def vocab_combo(ops: object, vocabulary: Vocabulary, optional: bool = True) -> QComboBox:
    """A choice among the active entries of a vocabulary, labelled in the UI language."""
    combo = TypeAheadCombo()
    items = ops.vocabulary(vocabulary)  # type: ignore[attr-defined]
    fill_combo(combo, [(e.label(language()), e.code) for e in items], optional)
    combo.setAccessibleName(_("Choice"))
    return combo


def set_combo_value(combo: QComboBox, value: object, text: str | None = None) -> None:
    """Select the entry holding ``value``; a retired code is added so that it stays visible."""
    index = combo.findData(value)
    if index < 0 and value is not None:
        combo.addItem(text or str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


def combo_value(combo: QComboBox) -> object:
    return combo.currentData()


class CodeChecklist(QListWidget):
    """Several codes of a vocabulary, ticked with the mouse or the space bar.

    Every label is shown whole: the list is as wide as its longest label (up to
    :attr:`WIDEST_CHARS` average characters, beyond that a label wraps onto further lines) and
    as high as its entries (up to :attr:`ROWS` of them; a longer vocabulary scrolls)."""

    ROWS = 16
    WIDEST_CHARS = 60

    def __init__(self, items: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for text, code in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.fit_labels()
        self.itemActivated.connect(self._toggle)

    def fit_labels(self) -> None:
        """Widen and heighten the list so that each label shows whole (see the class)."""
        texts = [self.item(i).text() for i in range(self.count())]
        metrics = self.fontMetrics()
        longest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        # The check box, icon space and margins of a line: what a line needs beyond its text.
        extra = max(self.sizeHintForColumn(0) - longest, 0) if texts else 0
        text_width = min(longest, metrics.averageCharWidth() * self.WIDEST_CHARS)
        scroll = self.verticalScrollBar().sizeHint().width() if len(texts) > self.ROWS else 0
        frame = 2 * self.frameWidth()
        self.setMinimumWidth(text_width + extra + scroll + frame + 4)
        # The height of a line of one row of text (the shortest label takes one row).
        rows = [self.sizeHintForRow(i) for i in range(self.count())]
        row = max(min(rows), metrics.height()) if rows else metrics.height() + 4
        flags = int(Qt.TextFlag.TextWordWrap)
        wrap = max(text_width, 1)
        extra_lines = [
            metrics.boundingRect(0, 0, wrap, 10_000, flags, t).height() - metrics.height()
            for t in texts
        ]
        heights = [row + extra for extra in extra_lines]
        shown = heights[: self.ROWS] or [row] * 3
        shown += [row] * max(3 - len(shown), 0)
        self.setMinimumHeight(sum(shown) + frame + 4)

    @classmethod
    def of(cls, ops: object, vocabulary: Vocabulary) -> CodeChecklist:
        items = ops.vocabulary(vocabulary)  # type: ignore[attr-defined]
        return cls([(e.label(language()), e.code) for e in items])

    def _toggle(self, item: QListWidgetItem) -> None:
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def codes(self) -> tuple[str, ...]:
        out = []
        for i in range(self.count()):
            item = self.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(out)

    def set_codes(self, codes: Iterable[str], labels: dict[str, str] | None = None) -> None:
        wanted = set(codes)
        present = set()
        for i in range(self.count()):
            item = self.item(i)
            code = str(item.data(Qt.ItemDataRole.UserRole))
            present.add(code)
            on = code in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        added = False
        for code in sorted(wanted - present):  # a retired entry still on the record
            item = QListWidgetItem((labels or {}).get(code, code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.addItem(item)
            added = True
        if added:
            self.fit_labels()


# -- dates --------------------------------------------------------------------------------------


def date_format() -> str:
    return "dd.MM.yyyy" if language() == "de" else "dd/MM/yyyy"


def date_edit(value: date | None = None, optional: bool = False) -> DateField:
    """The desk's date field (typed or picked); an optional one may stay empty, a required
    one without ``value`` shows the office's today."""
    return DateField(value if value is not None or optional else office_today(), optional)


def set_date(edit: DateField, value: date | None, optional: bool = False) -> None:
    """Show ``value``; None empties an optional field and shows today in a required one."""
    edit.set_date(value if value is not None or optional else office_today())


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_of(edit: DateField) -> date | None:
    """The date typed or picked, or None (empty, or no valid date: see ``dates_ok``)."""
    return edit.date()
