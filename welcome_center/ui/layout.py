"""Layout pieces the pages share: a keyboard-friendly list, label/value lines, columns, rows
and labels for plain text. Pages compose these; they hold no data of their own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from welcome_center.ui.lists import configure_list, fit_columns


class KeyTableView(QTableView):
    """A list: Enter calls ``on_enter``; typing a letter continues in ``search`` (if given)."""

    def __init__(
        self,
        name: str,
        on_enter: Callable[[], None],
        search: QLineEdit | None = None,
        on_double_click: Callable[[], None] | None = None,
        stretch: int | None = None,
    ) -> None:
        super().__init__()
        self.on_enter = on_enter
        self.search = search
        self.stretch = stretch
        configure_list(self, name)
        clicked = on_double_click or on_enter
        self.doubleClicked.connect(lambda _i: clicked())

    def setModel(self, model: Any) -> None:
        """Columns as wide as their texts (the tables here are short); the ``stretch`` column,
        else the last, takes the rest."""
        super().setModel(model)
        header = self.horizontalHeader()
        if self.stretch is None:
            model.modelReset.connect(self._fit_columns)
            self._fit_columns()  # an empty list shows its headings whole too
            return
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.stretch, QHeaderView.ResizeMode.Stretch)

    def _fit_columns(self) -> None:
        """Each column as wide as its texts, up to about 32 characters: one long organisation's
        name among 200 hits pushed the facts that tell names apart (born, nationality, town)
        out of sight."""
        fit_columns(self, at_most=32)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_enter()
            return
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if self.search and text and text.isprintable() and not text.isspace() and plain:
            self.search.setFocus()
            self.search.setText(self.search.text() + text)
            return
        super().keyPressEvent(event)

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model().rowCount():
            self.selectRow(row)
            self.scrollTo(self.model().index(row, 0))


class DetailsView(QWidget):
    """Label and value lines (values are plain, selectable text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, str] = {}

    def show_lines(self, lines: Sequence[tuple[str, str]]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.values = {}
        for caption, value in lines:
            if not value:
                continue
            text = QLabel(value)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            text.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
            self.form.addRow(caption, text)
            self.values[caption] = value


def column(*parts: QWidget | QLayout | tuple[QWidget, int]) -> QWidget:
    """A margin-less column of widgets and layouts; ``(widget, n)`` stretches by ``n``."""
    box = QWidget()
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    for part in parts:
        if isinstance(part, tuple):
            lay.addWidget(part[0], part[1])
        elif isinstance(part, QLayout):
            lay.addLayout(part)
        else:
            lay.addWidget(part)
    return box


def side_by_side(left: QWidget, right: QWidget, page: QWidget) -> None:
    """The list left (two fifths), the details right, in a splitter filling ``page``."""
    splitter = QSplitter()
    splitter.addWidget(left)
    splitter.addWidget(right)
    splitter.setSizes([2000, 3000])  # relative sizes
    QVBoxLayout(page).addWidget(splitter)


def buttons_row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for b in buttons:
        row.addWidget(b)
    row.addStretch(1)
    return row


def text_label(bold: bool = False) -> QLabel:
    """A label for changing plain text (a heading if ``bold``), wrapped as needed."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def buddy_label(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label
