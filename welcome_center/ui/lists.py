"""Short lists shown as tables across the desk: a model of pre-built text rows with a key per
row, and the read-only view every list uses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView

_Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    """A short list shown as a table: each row a pre-built tuple of texts (``data()`` is a
    look-up) with a key saying what it stands for."""

    TOOLTIPS = True  # a cell's text as its tooltip too (for cut-off cells)

    def __init__(
        self, headers: Sequence[str], right_aligned: Sequence[int] = (), parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.headers = list(headers)
        self.right_aligned = frozenset(right_aligned)
        self.rows: list[tuple[str, ...]] = []
        self.keys: list[Any] = []

    def set_rows(self, rows: Sequence[tuple[Any, tuple[str, ...]]]) -> None:
        """Show ``(key, texts)`` pairs in their order."""
        self.beginResetModel()
        self.keys = [key for key, _texts in rows]
        self.rows = [texts for _key, texts in rows]
        self.endResetModel()

    def key(self, row: int) -> Any:
        return self.keys[row] if 0 <= row < len(self.keys) else None

    def row_of(self, key: object) -> int:
        try:
            return self.keys.index(key)
        except ValueError:
            return -1

    def text(self, row: int, column: int) -> str:
        return self.rows[row][column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.headers[section] if 0 <= section < len(self.headers) else None
        return section + 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole or (
            role == Qt.ItemDataRole.ToolTipRole and self.TOOLTIPS
        ):
            if not index.isValid():
                return None
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in self.right_aligned:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def configure_list(table: QTableView, name: str) -> QTableView:
    """Make ``table`` a read-only list of whole rows, one selected at a time; Tab leaves it
    (the arrows move inside)."""
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def list_table(model: QAbstractItemModel, name: str, table: QTableView | None = None) -> QTableView:
    """A read-only list of ``model``'s rows (in ``table``, or a new view)."""
    table = configure_list(table or QTableView(), name)
    table.setModel(model)
    return table


def fit_columns(
    table: QTableView, columns: Iterable[int] | None = None, at_most: int | None = None
) -> None:
    """Widen ``columns`` (default: all) to their texts (Qt samples at most 1,000 rows); a
    stretching column takes the rest. ``at_most``: none wider than about that many characters
    (one long text pushed the other columns out of sight; a longer one is cut with "…", its
    tooltip shows it whole)."""
    header = table.horizontalHeader()
    widest = table.fontMetrics().averageCharWidth() * at_most if at_most else None
    for column in range(header.count()) if columns is None else columns:
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Stretch:
            table.resizeColumnToContents(column)
            if widest is not None and header.sectionSize(column) > widest:
                header.resizeSection(column, widest)


def select_row(table: QTableView, row: int) -> None:
    """Make ``row`` (kept within the list) the current, selected one."""
    count = table.model().rowCount()
    if count:
        table.selectRow(min(max(row, 0), count - 1))


def selected_row(table: QTableView) -> int:
    """The selected row, or -1."""
    rows = table.selectionModel().selectedRows()
    return rows[0].row() if rows else -1


class _DownInto(QObject):
    def __init__(self, search: QLineEdit, table: QTableView) -> None:
        super().__init__(search)
        self.table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            model = self.table.model()
            if model is not None and model.rowCount() > 0:
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.table.currentIndex().isValid():
                    select_row(self.table, 0)
                return True
        return False


def down_into(search: QLineEdit, table: QTableView) -> None:
    """Down in ``search`` moves into ``table`` (onto its first line when none is current), so
    that a search typed is followed by arrow keys and Enter, as in a mail program."""
    search.installEventFilter(_DownInto(search, table))
