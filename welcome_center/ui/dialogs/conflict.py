"""A colleague saved the item being edited: both versions side by side, and a choice.

A save based on an older version is refused by the services (``ConflictError``). Instead of
losing the input or the colleague's change, :func:`compare` shows, field by field, the version
saved meanwhile (who, when) beside the user's version: what the user changed since opening the
form, on top of the saved version (a field only the colleague changed keeps the colleague's
value). Fields that differ are marked. The user chooses:

- **Save my version**: it is saved on top of the new version (a write with the new version as
  the expected one); the history still lists the colleague's change.
- **Take the saved version**: the form shows the colleague's version; the input is dropped.
- **Back to editing**: the user's version stays in the form, now based on the saved version,
  so that the user can take over parts of the other by hand; the next save goes on top of it.

The fields are read off the form as the user sees them (:func:`form_fields`): the dialog that
compares needs no list of its fields, only a way to show the saved version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from welcome_center.i18n import _
from welcome_center.ui.forms import CodeChecklist, set_combo_value
from welcome_center.ui.widgets.date_field import DateField

EMPTY = "—"


class Resolution(Enum):
    KEEP_MINE = "keep mine"
    TAKE_THEIRS = "take theirs"
    BACK = "back to editing"


@dataclass(frozen=True)
class Field:
    """A field of a form as the conflict dialog needs it: its label, what it shows now, and
    ``keep``: remembers what it holds now and returns the function that puts it back."""

    label: str
    text: Callable[[], str]
    keep: Callable[[], Callable[[], None]]


@dataclass(frozen=True)
class Row:
    label: str
    theirs: str
    mine: str

    @property
    def differs(self) -> bool:
        return self.theirs != self.mine


# -- reading a form as the user sees it ---------------------------------------------------------

_INPUTS = (
    DateField,
    CodeChecklist,
    QCheckBox,
    QComboBox,
    QAbstractSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)


def plain_label(text: str) -> str:
    """A label's text without its mnemonic mark ("Fa&mily name:" reads "Family name")."""
    return re.sub(r"&(&?)", r"\1", text).strip().rstrip(":").strip()


def form_fields(*forms: QFormLayout) -> list[Field]:
    """Every input row of ``forms`` in reading order (buttons, lists of other items and hidden
    rows are left out)."""
    fields: list[Field] = []
    for form in forms:
        owner = form.parentWidget()
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole) or form.itemAt(
                row, QFormLayout.ItemRole.SpanningRole
            )
            label_widget = label.widget() if label is not None else None
            text = label_widget.text() if isinstance(label_widget, QLabel) else ""
            for widget in _inputs(field):
                if owner is not None and not widget.isVisibleTo(owner):
                    continue
                made = widget_field(text or _own_text(widget), widget)
                if made is not None:
                    fields.append(made)
    return fields


def _inputs(item: QLayoutItem | QWidget | None) -> list[QWidget]:
    """The inputs in a form row (a field may sit in a box with its error line)."""
    if item is None:
        return []
    if isinstance(item, QWidget):
        if isinstance(item, _INPUTS):
            return [item]
        found: list[QWidget] = []
        for child in item.children():
            if isinstance(child, QWidget):
                found += _inputs(child)
        return found
    if item.widget() is not None:
        return _inputs(item.widget())
    layout = item.layout()
    if isinstance(layout, QLayout):
        found = []
        for i in range(layout.count()):
            found += _inputs(layout.itemAt(i))
        return found
    return []


def _own_text(widget: QWidget) -> str:
    return widget.text() if isinstance(widget, QCheckBox) else widget.accessibleName()


def widget_field(label: str, widget: QWidget) -> Field | None:
    """``widget`` as a :class:`Field` labelled ``label`` (None for a kind it does not know)."""
    name = plain_label(label)
    if isinstance(widget, DateField):
        return Field(name, widget.text, lambda: _keep_date(widget))
    if isinstance(widget, CodeChecklist):
        return Field(name, lambda: _checked(widget), lambda: _keep_checklist(widget))
    if isinstance(widget, QCheckBox):
        return Field(
            name,
            lambda: _("yes") if widget.isChecked() else _("no"),
            lambda: _keep_checked(widget),
        )
    if isinstance(widget, QComboBox):
        return Field(name, widget.currentText, lambda: _keep_combo(widget))
    if isinstance(widget, QSpinBox | QDoubleSpinBox):
        return Field(name, widget.text, lambda: _keep_spin(widget))
    if isinstance(widget, QLineEdit):
        return Field(name, widget.text, lambda: _keep_line(widget))
    if isinstance(widget, QPlainTextEdit | QTextEdit):
        return Field(name, widget.toPlainText, lambda: _keep_plain(widget))
    return None


def _checked(widget: CodeChecklist) -> str:
    items = (widget.item(i) for i in range(widget.count()))
    return ", ".join(i.text() for i in items if i.checkState() == Qt.CheckState.Checked)


def _keep_date(widget: DateField) -> Callable[[], None]:
    text, valid, value = widget.text(), widget.is_valid(), widget.date()

    def put_back() -> None:
        if valid:
            widget.set_date(value)
        elif widget.text() != text:
            widget.edit.setText(text)  # not a date: kept as typed, refused on saving

    return put_back


def _keep_checklist(widget: CodeChecklist) -> Callable[[], None]:
    codes = widget.codes()
    labels = {
        str(widget.item(i).data(Qt.ItemDataRole.UserRole)): widget.item(i).text()
        for i in range(widget.count())
    }
    return lambda: widget.set_codes(codes, labels)


def _keep_checked(widget: QCheckBox) -> Callable[[], None]:
    on = widget.isChecked()
    return lambda: widget.setChecked(on)


def _keep_combo(widget: QComboBox) -> Callable[[], None]:
    index, data, text = widget.currentIndex(), widget.currentData(), widget.currentText()

    def put_back() -> None:
        if index < widget.count() and widget.itemText(index) == text:
            widget.setCurrentIndex(index)
        else:
            set_combo_value(widget, data, text)

    return put_back


def _keep_spin(widget: QSpinBox | QDoubleSpinBox) -> Callable[[], None]:
    value = widget.value()
    return lambda: widget.setValue(value)  # type: ignore[arg-type]


def _keep_line(widget: QLineEdit) -> Callable[[], None]:
    text = widget.text()
    return lambda: None if widget.text() == text else widget.setText(text)


def _keep_plain(widget: QPlainTextEdit | QTextEdit) -> Callable[[], None]:
    text = widget.toPlainText()

    def put_back() -> None:
        if widget.toPlainText() != text:
            widget.setPlainText(text)
            widget.moveCursor(widget.textCursor().MoveOperation.End)

    return put_back


# -- comparing ----------------------------------------------------------------------------------


Texts = dict[tuple[str, int], str]
"""What the fields of a form show, by label (and which of the fields of that label)."""


def texts_of(fields: list[Field]) -> Texts:
    """What ``fields`` show now: the base that :func:`compare` tells the user's changes by."""
    texts: Texts = {}
    for f in fields:
        texts[_key(texts, f.label)] = f.text()
    return texts


def _key(texts: Texts, label: str) -> tuple[str, int]:
    return label, sum(1 for name, _n in texts if name == label)


def compare(
    parent: QWidget | None,
    fields: list[Field],
    show_saved: Callable[[], None],
    who: str,
    when: str,
    base: Texts | None = None,
) -> Resolution:
    """Show the version saved by ``who`` at ``when`` beside the user's version and ask which
    to keep. The user's version is what they changed (since ``base``, the form as loaded; all
    of it without a base) on top of the saved version: a field only the colleague changed
    takes the colleague's value. ``show_saved`` fills the form with the saved version and takes
    it as the base of the next save. Afterwards the form shows the saved version (TAKE_THEIRS)
    or the user's version, based on the saved one (KEEP_MINE, BACK)."""
    seen: Texts = {}
    mine: list[tuple[str, str, bool]] = []  # label, text, changed by the user
    for f in fields:
        key, text = _key(seen, f.label), f.text()
        seen[key] = text
        mine.append((f.label, text, base is None or base.get(key) != text))
    put_back = [
        f.keep() if changed else None for f, (_l, _t, changed) in zip(fields, mine, strict=True)
    ]
    show_saved()
    rows = []
    for (label, text, changed), f in zip(mine, fields, strict=True):
        theirs = f.text()
        rows.append(Row(label, theirs, text if changed else theirs))
    dialog = ConflictDialog(parent, rows, who, when)
    try:
        choice = dialog.ask()
    finally:
        dialog.deleteLater()
    if choice is not Resolution.TAKE_THEIRS:
        for put in put_back:
            if put is not None:
                put()
    return choice


class ConflictDialog(QDialog):
    """The saved version beside the input, field by field; fields that differ are marked."""

    def __init__(self, parent: QWidget | None, rows: list[Row], who: str, when: str) -> None:
        super().__init__(parent)
        self.rows = rows
        self.choice = Resolution.BACK
        self.setWindowTitle(_("Changed meanwhile"))
        differing = sum(r.differs for r in rows)
        self.intro = _label(
            _(
                "%(who)s saved this entry on %(when)s, after you opened it. Your version keeps "
                "what you changed and takes the rest from the saved version; fields that differ "
                "are marked with ≠."
            )
            % {"who": who, "when": when}
            if differing
            else _(
                "%(who)s saved this entry on %(when)s, after you opened it. Your changes do not "
                "contradict that version: your version keeps both."
            )
            % {"who": who, "when": when}
        )
        self.table = self._table(rows, who, when)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setWidget(self.table)
        self.rows_area = scroll
        note = _label(
            _(
                "Saving your version makes it the newest; the history still lists the change by "
                "%(who)s. Back to editing keeps your version in the form: the next save also "
                "goes on top of the saved version."
            )
            % {"who": who}
        )
        self.keep_button = QPushButton(_("&Save my version"))
        self.theirs_button = QPushButton(_("&Take the saved version"))
        self.back_button = QPushButton(_("&Back to editing"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.back_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.keep_button.clicked.connect(lambda: self._choose(Resolution.KEEP_MINE))
        self.theirs_button.clicked.connect(lambda: self._choose(Resolution.TAKE_THEIRS))
        self.back_button.clicked.connect(lambda: self._choose(Resolution.BACK))
        self.back_button.setDefault(True)  # Enter overwrites nothing
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._size()

    def _table(self, rows: list[Row], who: str, when: str) -> QWidget:
        table = QWidget()
        table.setBackgroundRole(QPalette.ColorRole.Base)
        table.setAutoFillBackground(True)
        grid = QGridLayout(table)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(6)
        heads = (
            "",
            _("Field"),
            _("Saved by %(who)s, %(when)s") % {"who": who, "when": when},
            _("Your version"),
        )
        for column, text in enumerate(heads):
            head = _label(text)
            bold = QFont(head.font())
            bold.setBold(True)
            head.setFont(bold)
            grid.addWidget(head, 0, column, Qt.AlignmentFlag.AlignTop)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        grid.addWidget(line, 1, 0, 1, 4)
        self.cells: list[tuple[QLabel, QLabel, QLabel]] = []
        for i, row in enumerate(rows, start=2):
            mark = _label("≠" if row.differs else "")
            mark.setToolTip(_("differs") if row.differs else "")
            name, theirs, mine = _label(row.label), _label(row.theirs), _label(row.mine)
            for cell in (theirs, mine):
                cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if not cell.text():
                    cell.setText(EMPTY)
            if row.differs:
                for cell in (mark, name, theirs, mine):
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                for cell in (theirs, mine):
                    cell.setAutoFillBackground(True)
                    pal = cell.palette()
                    cell.setBackgroundRole(QPalette.ColorRole.Base)  # as the table around it
                    pal.setColor(QPalette.ColorRole.Base, _tint(pal))
                    cell.setPalette(pal)
                    cell.setMargin(2)
            for column, cell in enumerate((mark, name, theirs, mine)):
                grid.addWidget(cell, i, column, Qt.AlignmentFlag.AlignTop)
            self.cells.append((name, theirs, mine))
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(len(rows) + 2, 1)
        return table

    def _size(self) -> None:
        """Wide enough for two texts side by side, as tall as the rows need, within the
        screen (the rows scroll beyond)."""
        screen = self.screen().availableGeometry()
        width = min(screen.width() - 80, max(760, self.fontMetrics().averageCharWidth() * 150))
        self.table.setMinimumWidth(0)
        self.resize(width, 100)
        inner = width - 60
        table_height = self.table.layout().totalHeightForWidth(inner)  # type: ignore[union-attr]
        if table_height < 0:
            table_height = self.table.sizeHint().height()
        rest = self.sizeHint().height() - self.rows_area.sizeHint().height()
        height = min(screen.height() - 80, table_height + rest + 8)
        self.rows_area.setMinimumHeight(min(table_height + 4, screen.height() - 80 - rest))
        self.resize(width, max(height, 200))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.back_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _choose(self, choice: Resolution) -> None:
        self.choice = choice
        if choice is Resolution.BACK:
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:
        """Esc or the close button: back to editing, nothing overwritten, nothing lost."""
        self.choice = Resolution.BACK
        super().reject()

    def ask(self) -> Resolution:
        """Show modally; the user's choice (Escape: back to editing)."""
        self.choice = Resolution.BACK
        self.exec()
        return self.choice

    # -- what a user reads (for tests) -----------------------------------------------------------

    def shown_rows(self) -> list[tuple[str, str, str, bool]]:
        """(field, saved version, input, marked as differing) as shown."""
        return [
            (name.text(), theirs.text(), mine.text(), row.differs)
            for (name, theirs, mine), row in zip(self.cells, self.rows, strict=True)
        ]


def _tint(pal: QPalette) -> QColor:
    """The background of a differing field: the base colour with a touch of the highlight
    (light or dark theme alike)."""
    base, mark = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Highlight)
    mix = 0.18
    return QColor(
        round(base.red() * (1 - mix) + mark.red() * mix),
        round(base.green() * (1 - mix) + mark.green() * mix),
        round(base.blue() * (1 - mix) + mark.blue() * mix),
    )


def _label(text: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # user text: never markup
    label.setWordWrap(True)
    label.setText(text)
    return label
