"""Read-only tables of the record editor: rows built once from RecordDetails, Enter edits.

A record holds at most a few hundred consultations, referrals or follow-ups, all loaded with
the record; so each model keeps its rows as pre-built tuples of text and ``data()`` is a look-up.

Nothing a counsellor wrote is out of reach: a cell shows the start of a long text, its tooltip
the whole text, and a tab whose model has a :meth:`RowsModel.preview` shows the selected line
in full under the table (it follows the cursor, and Tab moves into it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from welcome_center.i18n import _
from welcome_center.ui.full_text import Preview, tooltip
from welcome_center.ui.lists import RowTableModel, list_table

# A column sized to its texts is at most this many average characters wide; the stretching
# columns take the rest, and a cut cell is wrapped (WRAP) or has its text in the tooltip.
MAX_COLUMN_CHARS = 34


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def first_line(text: str) -> str:
    """The first line of a note, for a table cell."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 80 else line[:79] + "…"


class RowsModel(RowTableModel):
    """Items of one kind, one line each; subclasses name the columns and build a line.

    A cell's tooltip is its whole text (:meth:`full`, e.g. a note of which the cell shows the
    first line). ``STRETCH`` names the columns that share the table's free width (default: the
    last); ``WRAP`` lets long cells wrap onto further lines instead of being cut."""

    RIGHT: frozenset[int] = frozenset()  # columns of numbers, aligned right
    STRETCH: frozenset[int] = frozenset()
    WRAP = False

    def __init__(self, parent: Any = None) -> None:
        super().__init__(self.columns(), tuple(self.RIGHT), parent)
        self.tips: list[tuple[str, ...]] = []

    def columns(self) -> list[str]:
        raise NotImplementedError

    def row(self, item: Any) -> tuple[str, ...]:
        raise NotImplementedError

    def full(self, item: Any, shown: tuple[str, ...]) -> tuple[str, ...]:
        """The whole texts of a line whose cells show ``shown`` (the tooltips)."""
        return shown

    def preview(self, item: Any) -> str:
        """The item in full for the preview under the table ("" for none)."""
        return ""

    def set_items(self, items: Iterable[Any]) -> None:
        rows = [(item, self.row(item)) for item in items]
        self.tips = [tuple(tooltip(t) for t in self.full(item, shown)) for item, shown in rows]
        self.set_rows(rows)

    def item(self, row: int) -> Any:
        return self.key(row)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if not index.isValid() or index.row() >= len(self.tips):
                return None
            return self.tips[index.row()][index.column()] or None
        return super().data(index, role)


def fit_table(table: QTableView, model: RowsModel) -> None:
    """Size ``table``'s columns: the stretching ones share the free width, the others fit their
    texts up to :data:`MAX_COLUMN_CHARS`; wrapping rows grow to their texts."""
    header = table.horizontalHeader()
    count = model.columnCount()
    stretch = model.STRETCH or frozenset({count - 1})
    header.setStretchLastSection(False)
    widest = table.fontMetrics().averageCharWidth() * MAX_COLUMN_CHARS
    for column in range(count):
        if column in stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.resizeColumnToContents(column)
        if header.sectionSize(column) > widest:
            header.resizeSection(column, widest)


class TableTab(QWidget):
    """A tab with a table of items and buttons; an empty one says what to do next.
    Enter or a double click on a line calls :meth:`edit_item`. With ``preview`` (the title of
    the preview), the selected line is shown in full under the table."""

    def __init__(self, model: RowsModel, name: str, empty_text: str, preview: str = "") -> None:
        super().__init__()
        self.model = model
        model.setParent(self)
        self.table = list_table(model, name)
        if model.WRAP:
            self.table.setWordWrap(True)
            rows = self.table.verticalHeader()
            rows.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._activated)
        self.empty = QLabel(empty_text)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.buttons = QHBoxLayout()
        self._needs_item: list[QPushButton] = []
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.table, 3)
        self.preview: Preview | None = None
        self.preview_title: QLabel | None = None
        if preview:
            self.preview = Preview(preview.replace("&", ""))
            self.preview_title = QLabel(preview)
            self.preview_title.setBuddy(self.preview)
            layout.addWidget(self.preview_title)
            layout.addWidget(self.preview, 1)
        self.table.selectionModel().currentRowChanged.connect(self._enable)
        self.table.selectionModel().currentRowChanged.connect(self._show_preview)

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

    def needs_client(self, add: QPushButton, anonymous: bool, why: str) -> None:
        """On an anonymous enquiry (no client) ``add`` is off and the empty list says ``why``;
        :meth:`refused` says it when the action is asked for by its key."""
        if not hasattr(self, "_empty_text"):
            self._empty_text = self.empty.text()
        add.setEnabled(not anonymous)
        self.empty.setText(why if anonymous else self._empty_text)

    def refused(self, parent: QWidget, anonymous: bool, why: str) -> bool:
        """Whether the action is refused for want of a client (and then said in a box)."""
        if anonymous:
            QMessageBox.information(parent, _("Assign a client first"), why)
        return anonymous

    def show_items(self, items: Sequence[Any]) -> None:
        """Show ``items``, keeping the cursor on the same line number where possible."""
        row = self.table.currentIndex().row()
        self.model.set_items(items)
        empty = not items
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        for widget in (self.preview, self.preview_title):
            if widget is not None:
                widget.setVisible(not empty)
        if not empty:
            fit_table(self.table, self.model)
            self.table.setCurrentIndex(self.model.index(min(max(row, 0), len(items) - 1), 0))
        self._enable()
        self._show_preview()

    def current_item(self) -> Any:
        index = self.table.currentIndex()
        return self.model.item(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        self.table.setCurrentIndex(self.model.index(row, 0))

    def _enable(self, *_args: object) -> None:
        has = self.current_item() is not None
        for button in self._needs_item:
            button.setEnabled(has)

    def _show_preview(self, *_args: object) -> None:
        if self.preview is not None:
            item = self.current_item()
            self.preview.show_text(self.model.preview(item) if item is not None else "")

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
