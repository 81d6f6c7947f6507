"""The record list's table model: the ordered ids from SQL, lines fetched in blocks on demand.

``rowCount`` comes from the id list; a block of :data:`BLOCK` lines is read the first time one
of its rows is painted and kept in a small LRU cache, so ``data()`` is a dictionary look-up and a
list of 100,000 records scrolls smoothly. Sorting re-queries SQL (never a proxy model). A search
lists its newest matches first and fetches the rest as the list is scrolled to its end (Qt's
``canFetchMore``/``fetchMore``), while its total is counted in the background.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from shiboken6 import isValid

from welcome_center.domain.enums import RecordStatus, Vocabulary
from welcome_center.domain.queries import RecordQuery, RecordSort
from welcome_center.domain.views import RecordSummary
from welcome_center.i18n import _
from welcome_center.i18n.labels import client_name, label
from welcome_center.services import record_list
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date

BLOCK = 100  # a page step crosses at most one block: one short read (about 5 ms) at a time
CACHED_BLOCKS = 80
FIRST_PAGE = 100  # a search's matches listed at once (record_list.record_page)
COUNT_DELAY_MS = 50  # a search's total is counted this long after its first page is shown

# The sort key of each column (None: not sortable).
_SORT_KEYS: tuple[RecordSort | None, ...] = (
    RecordSort.NUMBER,
    RecordSort.KIND,
    RecordSort.STATUS,
    RecordSort.CLIENT,
    RecordSort.OPENED_ON,
    RecordSort.COUNSELLOR,
    None,
)
OPENED_COLUMN = 4
_Index = QModelIndex | QPersistentModelIndex


class RecordTableModel(QAbstractTableModel):
    """Records selected by a :class:`RecordQuery`, one line each."""

    total_known = Signal(int)  # the number of the query's records, once counted

    def __init__(self, ops: Ops, parent: Any = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.query = RecordQuery()
        self.ids: list[int] = []
        self.complete = True  # every id of the query is in ``ids``
        self.total: int | None = 0  # the query's records; None while being counted
        self.first_page = FIRST_PAGE
        self._generation = 0
        # The count starts a moment after the first page, so as not to compete with its painting.
        self._count_timer = QTimer(self)
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self._count)
        self._blocks: OrderedDict[int, list[tuple[str, ...]]] = OrderedDict()
        self._headers = [_("Number"), _("Kind"), _("Status"), _("Client"), _("Opened"),
                         _("Counsellor"), _("Topics")]  # fmt: skip
        self.blocks_read = 0  # how many blocks were fetched (tests and benchmarks read it)
        # Listed records whose lines were not read: given away or deleted since the ids were.
        self._gone: set[int] = set()
        self._gone_timer = QTimer(self)
        self._gone_timer.setSingleShot(True)
        self._gone_timer.setInterval(0)  # after the painting that read the block
        self._gone_timer.timeout.connect(self._drop_gone)

    # -- the query ---------------------------------------------------------------------------

    def set_query(self, query: RecordQuery, rows: int = 0) -> None:
        """Select the records of ``query`` (one SQL query for the ids; lines come on demand).

        A search lists its first :data:`FIRST_PAGE` matches (or ``rows``, when the same list is
        read again and had been scrolled further), newest first, at once; the rest follow as
        the list is scrolled (``fetchMore``), and the total is counted in the background
        (:attr:`total_known`; the last count of the same query stays shown meanwhile), so that
        a common word shows as fast as a rare one."""
        self._generation += 1
        self._count_timer.stop()
        self._gone_timer.stop()
        self._gone.clear()
        same = query == self.query
        first: list[RecordSummary] = []  # the lines of the first block, read with the ids
        if query.text.strip():
            size = max(self.first_page, rows)
            found = self.ops.read(None, lambda uow, actor: record_list.first_page(
                uow, actor, query, size + 1, BLOCK))  # fmt: skip
            page, first = found if found is not None else ([], [])
            complete = len(page) <= size
            ids = page[:size]
        else:
            every = self.ops.read(
                None, lambda uow, actor: record_list.record_ids(uow, actor, query)
            )
            ids, complete = every or [], True
        self.beginResetModel()
        self.query = query
        self.ids = ids
        self.complete = complete
        self.total = len(ids) if complete else (self.total if same else None)
        self._blocks.clear()
        if first:
            self._store(0, first)
        self.endResetModel()
        if not complete:
            self._count_timer.start()  # after the first page is painted

    def reload(self) -> None:
        self.set_query(self.query, len(self.ids))

    def all_ids(self) -> list[int]:
        """Every id of the list, those not fetched yet included (for an export)."""
        if not self.complete:
            query = self.query
            rest = self.ops.read(None, lambda uow, actor: record_list.record_ids(uow, actor, query))
            return rest if rest is not None else list(self.ids)
        return list(self.ids)

    def _count(self) -> None:
        """Count the list's records off the UI thread; a count for an older query (the
        counsellor typed on) is dropped, and not even started if it is still waiting."""
        query, generation = self.query, self._generation

        def work(uow: UnitOfWork, actor: Actor) -> int | None:
            if generation != self._generation:
                return None
            return record_list.record_count(uow, actor, query)

        def done(total: int | None) -> None:
            if total is None or generation != self._generation or not isValid(self):
                return
            self.total = total
            self.total_known.emit(total)

        actor = self.ops.actor
        self.ops.quietly(lambda uow: work(uow, actor), done)

    # -- more of a search's matches, as the list is scrolled ---------------------------------

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self.complete

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        """The next matches: as many as are listed already (so a long list needs few reads)."""
        if parent.isValid() or self.complete:
            return
        query, offset = self.query, len(self.ids)
        want = max(offset, self.first_page)
        page = self.ops.read(None, lambda uow, actor: record_list.record_page(
            uow, actor, query, offset, want + 1)) or []  # fmt: skip
        listed = set(self.ids)  # a record saved meanwhile may have moved a match by one
        new = [rid for rid in page[:want] if rid not in listed]
        if len(page) <= want:
            self.complete = True
        if new:
            self.beginInsertRows(QModelIndex(), offset, offset + len(new) - 1)
            self.ids.extend(new)
            self.endInsertRows()
        if self.complete:
            self.total = len(self.ids)
            self.total_known.emit(self.total)

    def forget(self, record_ids: frozenset[int]) -> None:
        """Lines of these records changed: drop their cached blocks and repaint them."""
        if not record_ids:
            return
        positions = {rid: row for row, rid in enumerate(self.ids) if rid in record_ids}
        for row in positions.values():
            self._blocks.pop(row // BLOCK, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(_SORT_KEYS) - 1))

    def record_id(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def row_of(self, record_id: int) -> int:
        try:
            return self.ids.index(record_id)
        except ValueError:
            return -1

    # -- Qt --------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_SORT_KEYS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._headers):
                return self._headers[section]
        elif role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole and role != Qt.ItemDataRole.ToolTipRole:
            return None
        if not index.isValid():
            return None
        row = index.row()
        block = self._blocks.get(row // BLOCK)
        if block is None:
            block = self._load(row // BLOCK)
        else:
            self._blocks.move_to_end(row // BLOCK)
        offset = row % BLOCK
        if offset >= len(block):
            return None
        return block[offset][index.column()]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in SQL by the clicked column (the topics column is not sortable)."""
        key = _SORT_KEYS[column] if 0 <= column < len(_SORT_KEYS) else None
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key == self.query.sort and descending == self.query.descending):
            return
        self.set_query(replace(self.query, sort=key, descending=descending))

    def sort_column(self) -> int:
        """The column the list is sorted by (for the header's sort indicator)."""
        return _SORT_KEYS.index(self.query.sort)

    # -- blocks ------------------------------------------------------------------------------

    def _load(self, number: int) -> list[tuple[str, ...]]:
        ids = self.ids[number * BLOCK : (number + 1) * BLOCK]
        rows = self.ops.read(None, lambda uow, actor: record_list.record_rows(uow, actor, ids))
        return self._store(number, rows or [], read=rows is not None)

    def _store(
        self, number: int, rows: list[RecordSummary], read: bool = True
    ) -> list[tuple[str, ...]]:
        """Keep the lines of block ``number``; where the read succeeded (``read``), records it
        did not return are gone (given away, deleted) and leave the list."""
        ids = self.ids[number * BLOCK : (number + 1) * BLOCK]
        by_id = {r.id: self._line(r) for r in rows}
        block = [by_id.get(rid, ("",) * len(_SORT_KEYS)) for rid in ids]
        gone = [rid for rid in ids if rid not in by_id] if read else []
        if gone:
            self._gone.update(gone)
            self._gone_timer.start()
        self._blocks[number] = block
        self.blocks_read += 1
        while len(self._blocks) > CACHED_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def _drop_gone(self) -> None:
        """Records whose lines were not read any more leave the list instead of showing as
        empty lines: given to a colleague where counsellors see only their own records, or
        deleted (merged, anonymised away) on another desk since the list's ids were read."""
        gone, self._gone = self._gone, set()
        rows = [row for row, rid in enumerate(self.ids) if rid in gone]
        for row in reversed(rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.ids[row]
            self.endRemoveRows()
        if rows:
            self._blocks.clear()  # the lines below moved up: read again as they are painted
            if self.complete:  # (a search's count, if still running, counts without them)
                self.total = len(self.ids)
                self.total_known.emit(self.total)

    def _line(self, r: RecordSummary) -> tuple[str, ...]:
        status = label(r.status)
        if r.status is RecordStatus.CLOSED and r.closed_on:
            status = _("Closed %(date)s") % {"date": short_date(r.closed_on)}
        topics = ", ".join(self.ops.label(Vocabulary.TOPIC, t) for t in r.topics)
        return (r.number, label(r.kind), status, client_name(r.client), short_date(r.opened_on),
                r.counsellor or "", topics)  # fmt: skip
