"""Read-only tables of the record editor: rows built once from RecordDetails, Enter edits.

A record holds at most a few hundred consultations, referrals or follow-ups, all loaded with
the record; so each model keeps its rows as pre-built tuples of text and ``data()`` is a look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.i18n import _
from welcome_center.ui.lists import RowTableModel, list_table


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def first_line(text: str) -> str:
    """The first line of a note, for a table cell."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 80 else line[:79] + "…"


class RowsModel(RowTableModel):
    """Items of one kind, one line each; subclasses name the columns and build a line."""

    RIGHT: frozenset[int] = frozenset()  # columns of numbers, aligned right
    TOOLTIPS = False

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.columns(), tuple(self.RIGHT), parent)

    def columns(self) -> list[str]:
        raise NotImplementedError

    def row(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def set_items(self, items: Iterable[Any]) -> None:
        self.set_rows([(item, self.row(item)) for item in items])

    def item(self, row: int) -> Any:
        return self.key(row)


class TableTab(QWidget):
    """A tab with a table of items and buttons; an empty one says what to do next.
    Enter or a double click on a line calls :meth:`edit_item`."""

    def __init__(self, model: RowsModel, name: str, empty_text: str) -> None:
        super().__init__()
        self.model = model
        model.setParent(self)
        self.table = list_table(model, name)
        self.table.activated.connect(self._activated)
        self.empty = QLabel(empty_text)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.buttons = QHBoxLayout()
        self._needs_item: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 1)
        self.table.selectionModel().currentRowChanged.connect(self._enable)

    def add_button(
        self, text: str, slot: Callable[[], object], needs_item: bool = False
    ) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: slot())
        if needs_item:
            self._needs_item.append(button)
            button.setEnabled(False)
        self.buttons.addWidget(button)
        return button

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def show_items(self, items: Sequence[Any]) -> None:
        """Show ``items``, keeping the cursor on the same line number where possible."""
        row = self.table.currentIndex().row()
        self.model.set_items(items)
        empty = not items
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        if not empty:
            self.table.resizeColumnsToContents()
            self.table.setCurrentIndex(self.model.index(min(max(row, 0), len(items) - 1), 0))
        self._enable()

    def current_item(self) -> Any:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _enable(self, *_args: object) -> None:
        has = self.current_item() is not None
        for button in self._needs_item:
            button.setEnabled(has)

    def edit_current(self) -> None:
        """The "Edit…" button: :meth:`edit_item` on the line under the cursor."""
        item = self.current_item()
        if item is not None:
            self.edit_item(item)

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.edit_item(item)

    def edit_item(self, item: Any) -> None:
        """Enter or a double click on ``item`` (subclasses open its dialog)."""
