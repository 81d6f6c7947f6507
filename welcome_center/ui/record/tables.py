"""Read-only tables of the record editor: rows built once from RecordDetails, Enter edits.

A record holds at most a few hundred consultations, referrals or follow-ups, all loaded with
the record; so each model keeps its rows as pre-built tuples of text and ``data()`` is a look-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from welcome_center.i18n import _

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def first_line(text: str) -> str:
    """The first line of a note, for a table cell."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 80 else line[:79] + "…"


class RowsModel(QAbstractTableModel):
    """Items of one kind, one line each; subclasses name the columns and build a line."""

    RIGHT: frozenset[int] = frozenset()  # columns of numbers, aligned right

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = self.headers()
        self._items: list[Any] = []
        self._rows: list[tuple[str, ...]] = []

    def headers(self) -> list[str]:
        raise NotImplementedError

    def row(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def set_items(self, items: Iterable[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._rows = [self.row(item) for item in self._items]
        self.endResetModel()

    def item(self, row: int) -> Any:
        return self._items[row] if 0 <= row < len(self._items) else None

    def text(self, row: int, column: int) -> str:
        """What the user reads in a cell (tests use it too)."""
        return self._rows[row][column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if not index.isValid():
                return None
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.RIGHT:
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self._headers[section] if 0 <= section < len(self._headers) else None


def table_view(model: RowsModel, name: str, view: QTableView | None = None) -> QTableView:
    """A read-only, row-selecting view; Tab leaves it (the arrows move inside)."""
    view = view or QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class TableTab(QWidget):
    """A tab with a table of items and buttons; an empty one says what to do next.
    Enter or a double click on a line calls :meth:`edit_item`."""

    def __init__(self, model: RowsModel, name: str, empty_text: str) -> None:
        super().__init__()
        self.model = model
        model.setParent(self)
        self.table = table_view(model, name)
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

    def _activated(self, index: QModelIndex) -> None:
        item = self.model.item(index.row())
        if item is not None:
            self.edit_item(item)

    def edit_item(self, item: Any) -> None:
        """Enter or a double click on ``item`` (subclasses open its dialog)."""
