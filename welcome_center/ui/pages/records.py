"""Enquiries & cases: the record list with search, filters, sorting in SQL, and export."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenuBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import RecordKind, RecordStatus, Vocabulary
from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.queries import RecordQuery
from welcome_center.i18n import _, format_number, language, ngettext
from welcome_center.i18n.labels import label
from welcome_center.services import record_list
from welcome_center.services.context import Changes
from welcome_center.ui import forms
from welcome_center.ui.lists import down_into
from welcome_center.ui.models.record_table import OPENED_COLUMN, RecordTableModel
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.widgets.record_preview import (
    PREVIEW_ACTION,
    RecordPreview,
    preview_action,
)

SEARCH_DELAY_MS = 250
_MINE, _UNASSIGNED = "mine", "unassigned"
_ANONYMOUS = "anonymous"  # the kind filter's entry for the anonymous enquiries (no client)


class RecordTableView(QTableView):
    """The list: Enter opens the record; typing a letter starts a search."""

    def __init__(self, page: RecordsPage) -> None:
        super().__init__()
        self.page = page

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.page.open_current()
            return
        text = event.text()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier
        if text and text.isprintable() and not text.isspace() and plain:
            self.page.search.setFocus()
            self.page.search.setText(self.page.search.text() + text)
            return
        super().keyPressEvent(event)


class RecordsPage(Page):
    """Every enquiry and case: search, filters, a sortable list; Enter opens a record."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.model = RecordTableModel(ops, self)
        self.model.total_known.connect(lambda _n: self._show_count())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self._build()

    def title(self) -> str:
        return _("Enquiries & cases")

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search number, name, organisation or note words"))
        self.search.setAccessibleName(_("Search records"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_entered)

        kinds = [(label(k), k) for k in RecordKind] + [(_("Anonymous enquiries"), _ANONYMOUS)]
        self.kind = forms.fill_combo(QComboBox(), kinds, empty_text=_("Enquiries and cases"))
        status_items = [(_("Open"), "open")] + [(label(s), s) for s in RecordStatus]
        self.status = forms.fill_combo(QComboBox(), status_items, empty_text=_("Any status"))
        self.counsellor = QComboBox()
        self.topic = QComboBox()
        self.requester = QComboBox()
        self._fill_choices()
        self.opened_from = forms.date_edit(optional=True)
        self.opened_to = forms.date_edit(optional=True)
        self.overdue = QCheckBox(_("With &overdue follow-up"))
        reset = QPushButton(_("&Reset filters"))
        reset.clicked.connect(self.reset_filters)
        named = (
            (self.kind, _("Kind")),
            (self.status, _("Status")),
            (self.counsellor, _("Counsellor")),
            (self.topic, _("Topic")),
            (self.requester, _("Requester type")),
            (self.opened_from, _("Opened from")),
            (self.opened_to, _("Opened until")),
        )
        for w, name in named:
            w.setAccessibleName(name)
        for combo in (self.kind, self.status, self.counsellor, self.topic, self.requester):
            combo.currentIndexChanged.connect(self.apply_filters)
        for edit in (self.opened_from, self.opened_to):
            edit.dateChanged.connect(self.apply_filters)
        self.overdue.toggled.connect(self.apply_filters)

        for combo in (self.kind, self.status, self.counsellor, self.topic, self.requester):
            # Long German labels must not widen the page beyond a 1366-pixel screen.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(14)
        search_label = QLabel(_("&Search:"))
        search_label.setBuddy(self.search)
        first = QHBoxLayout()
        first.addWidget(search_label)
        first.addWidget(self.search, 2)
        for combo in (self.kind, self.status, self.counsellor):
            first.addWidget(combo, 1)
        from_label = QLabel(_("Opened &from"))
        from_label.setBuddy(self.opened_from)
        to_label = QLabel(_("un&til"))
        to_label.setBuddy(self.opened_to)
        second = QHBoxLayout()
        second.addWidget(self.topic, 1)
        second.addWidget(self.requester, 1)
        for part in (from_label, self.opened_from, to_label, self.opened_to, self.overdue):
            second.addWidget(part)
        second.addStretch(0)
        second.addWidget(reset)

        self.table = RecordTableView(self)
        self.table.setModel(self.model)
        down_into(self.search, self.table)
        self.table.setAccessibleName(_("Records"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        # The indicator first: enabling sorting sorts by it, which is then the model's own
        # order (no query). The other way round, each call ran a query over every record.
        self.table.horizontalHeader().setSortIndicator(OPENED_COLUMN, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._size_columns()
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self._build_preview()

        self.count = QLabel()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        export = self.export_button = QPushButton(_("E&xport list…"))
        export.clicked.connect(self.export)
        if not allowed(self.ops.actor.roles, Permission.EXPORT_NAMES):  # a permission of its own
            export.setEnabled(False)
            export.setToolTip(
                _("Exporting a list with client names needs a permission an administrator grants.")
            )
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.empty, 1)
        bottom.addWidget(export)

        lay = QVBoxLayout(self)
        lay.addLayout(first)
        lay.addLayout(second)
        lay.addWidget(self.splitter, 1)
        lay.addLayout(bottom)

    def _build_preview(self) -> None:
        """The selected record's overview beside the list, as in a mail program; shown while
        wanted (View → Preview pane, F8) and while the page is wide enough for both."""
        self.preview = RecordPreview(self.ops)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 1)  # a wider window widens the list
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_moved)
        self.model.modelReset.connect(self._current_moved)  # (the reselection follows at once)
        # The page's own toggle (F8) until the main window's View menu lends its entry.
        self.preview_action = preview_action(self)
        self.preview_action.toggled.connect(self._preview_toggled)
        self.addAction(self.preview_action)
        self._state: QSettings | None = None
        self._state_key = ""
        self._sized = False
        self.preview.hide()  # until the page knows its width

    def install_view(self, menu_bar: QMenuBar, state: QSettings, key: str) -> None:
        """Called by the main window when it builds the page: use the View menu's Preview
        pane entry (see :func:`add_view_menu`, which remembers the choice) and remember the
        splitter's position per user under ``key`` in ``state``."""
        self._state, self._state_key = state, key
        shared = menu_bar.findChild(QAction, PREVIEW_ACTION)
        if isinstance(shared, QAction) and shared is not self.preview_action:
            self.removeAction(self.preview_action)
            self.preview_action.deleteLater()
            self.preview_action = shared
            shared.toggled.connect(self._preview_toggled)
        sizes = state.value(f"{key}/splitter")
        if sizes is not None and self.splitter.restoreState(sizes):
            self._sized = True
        self.splitter.splitterMoved.connect(self._remember_splitter)

    def preview_fits(self) -> bool:
        """Whether the page is wide enough for the list's columns up to the counsellor (read
        whole, the topics column may scroll) and the preview at its minimum width beside
        them. On a 1366-pixel screen, maximised, in German, the page is 1152 px wide beside
        the navigation column and needs 1086: the preview shows. A window of about 1300 px
        or less (half of a 1920 screen, say) keeps the whole width for the list."""
        return self.width() >= self.preview_width_needed()

    def _list_width_needed(self) -> int:
        """The list's columns up to the counsellor, its frame and scroll bar."""
        header = self.table.horizontalHeader()
        columns = sum(header.sectionSize(c) for c in range(OPENED_COLUMN + 2))
        scroll = self.table.verticalScrollBar().sizeHint().width()
        return columns + 2 * self.table.frameWidth() + scroll

    def preview_width_needed(self) -> int:
        lay = self.layout()
        outer = lay.contentsMargins().left() + lay.contentsMargins().right() if lay else 0
        return (self._list_width_needed() + self.splitter.handleWidth()
                + self.preview.minimumWidth() + outer)  # fmt: skip

    def _fit_preview(self) -> None:
        show = self.preview_action.isChecked() and self.preview_fits()
        if show == self.preview.isVisible() or not self.isVisible():
            return
        if show and not self._sized:
            # The list keeps its columns; the pane takes what is left, at most two fifths.
            width = self.splitter.width()
            least = self.preview.minimumWidth()
            spare = width - self.splitter.handleWidth() - self._list_width_needed()
            pane = max(least, min(spare, width * 2 // 5))
            self.splitter.setSizes([width - pane, pane])
            self._sized = True
        self.preview.setVisible(show)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_preview()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_preview()

    def _preview_toggled(self, on: bool) -> None:
        self._fit_preview()
        if on and not self.preview.isVisible() and self.isVisible():
            # (short: the status bar's permanent labels leave it little room)
            self.ops.status.emit(_("The window is too narrow for the preview."))

    def _remember_splitter(self) -> None:
        if self._state is not None:
            self._state.setValue(f"{self._state_key}/splitter", self.splitter.saveState())

    def _current_moved(self, *_args: object) -> None:
        self.preview.show_record(self.current_id())

    def current_id(self) -> int | None:
        """The record of the list's current row (the one Enter opens)."""
        index: QModelIndex = self.table.currentIndex()
        return self.model.record_id(index.row()) if index.isValid() else None

    def _size_columns(self) -> None:
        """Widths from the font and the longest expected words, not from the rows (which would
        read every block of a large list)."""
        fm = self.table.fontMetrics()
        pad = 2 * fm.averageCharWidth() + 8
        sample_date = short_date(date(2026, 12, 24))
        widest = {
            0: fm.horizontalAdvance("WC-2026-00000"),
            1: max(fm.horizontalAdvance(label(k)) for k in RecordKind),
            2: fm.horizontalAdvance(_("Closed %(date)s") % {"date": sample_date}),
            3: fm.averageCharWidth() * 36,
            4: fm.horizontalAdvance(sample_date),
            5: fm.averageCharWidth() * 16,
        }
        header = self.table.horizontalHeader()
        for column, width in widest.items():
            title = self.model.headerData(column, Qt.Orientation.Horizontal)
            header.resizeSection(column, max(width, fm.horizontalAdvance(str(title)) + 16) + pad)

    def _fill_choices(self) -> None:
        lang = language()
        people: list[tuple[str, object]] = [
            (_("My records"), _MINE),
            (_("Without counsellor"), _UNASSIGNED),
        ]
        people += [(u.display_name or u.username, u.id) for u in self.ops.counsellors()]
        forms.fill_combo(self.counsellor, people, empty_text=_("All counsellors"))
        topics = [(e.label(lang), e.code) for e in self.ops.vocabulary(Vocabulary.TOPIC)]
        forms.fill_combo(self.topic, topics, empty_text=_("Any topic"))
        requesters = self.ops.vocabulary(Vocabulary.REQUESTER_TYPE)
        forms.fill_combo(self.requester, [(e.label(lang), e.code) for e in requesters],
                         empty_text=_("Any requester type"))  # fmt: skip

    # -- behaviour ---------------------------------------------------------------------------

    def current_query(self) -> RecordQuery:
        status = self.status.currentData()
        who = self.counsellor.currentData()
        kind = self.kind.currentData()
        return replace(
            self.model.query,
            text=self.search.text().strip(),
            kind=None if kind == _ANONYMOUS else kind,
            anonymous_only=kind == _ANONYMOUS,
            status=None if status in (None, "open") else status,
            open_only=status == "open",
            counsellor_id=self.ops.actor.user_id if who == _MINE else (
                who if isinstance(who, int) else None),
            unassigned=who == _UNASSIGNED,
            topic=self.topic.currentData(),
            requester_type=self.requester.currentData(),
            opened_from=forms.date_of(self.opened_from),
            opened_to=forms.date_of(self.opened_to),
            overdue_only=self.overdue.isChecked(),
        )  # fmt: skip

    def apply_filters(self) -> None:
        self._timer.stop()
        if not self.loaded:
            return
        keep = self.selected_id()
        query = self.current_query()
        # The same list read again (a record saved here or on another desk) keeps the matches
        # of a search it had fetched by scrolling.
        self.model.set_query(query, self.model.rowCount() if query == self.model.query else 0)
        self._show_count()
        if keep is not None:
            self.select_record(keep)

    def refresh(self) -> None:
        self.apply_filters()

    def on_changes(self, changes: Changes) -> None:
        if changes.vocabularies or changes.users:
            self._fill_choices()
        if changes.records:
            new = [r for r in changes.records if self.model.row_of(r) < 0]
            if new:
                self.apply_filters()  # a new record may belong in the list
            else:
                self.model.forget(changes.records)
        elif changes.follow_ups and self.overdue.isChecked():
            self.apply_filters()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def reset_filters(self) -> None:
        widgets = (self.kind, self.status, self.counsellor, self.topic, self.requester,
                   self.opened_from, self.opened_to, self.overdue, self.search)  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        for combo in (self.kind, self.status, self.counsellor, self.topic, self.requester):
            combo.setCurrentIndex(0)
        forms.set_date(self.opened_from, None, optional=True)
        forms.set_date(self.opened_to, None, optional=True)
        self.overdue.setChecked(False)
        self.search.clear()
        for w in widgets:
            w.blockSignals(False)
        self.apply_filters()

    def _show_count(self) -> None:
        n = len(self.model.ids)
        total = self.model.total
        if total is None:  # a search's first page: the total is being counted
            self.count.setText(
                _("More than %(count)s records (counting …)") % {"count": format_number(n)}
            )
        else:
            self.count.setText(
                ngettext("%(count)s record", "%(count)s records", total)
                % {"count": format_number(total)}
            )
        if n:
            self.empty.clear()
        elif self.current_query() == replace(RecordQuery(), sort=self.model.query.sort,
                                              descending=self.model.query.descending):  # fmt: skip
            self.empty.setText(_("No records yet. Record an enquiry with Ctrl+N."))
        else:
            self.empty.setText(_("No record matches. Change the search or reset the filters."))

    def _search_entered(self) -> None:
        self.apply_filters()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record_id(rows[0].row()) if rows else None

    def select_record(self, record_id: int) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def open_current(self) -> None:
        record_id = self.current_id()
        if record_id is not None:
            self.ops.open_record(record_id)

    def export(self) -> None:
        """Save the listed records (as filtered and sorted) as XLSX or CSV."""
        if not self.model.ids:
            self.ops.status.emit(_("The list is empty; nothing to export."))
            return
        xlsx, csv = _("Excel workbook (*.xlsx)"), _("CSV for Excel (*.csv)")
        name, chosen = QFileDialog.getSaveFileName(
            self, _("Export list"), str(Path.home() / _("records.xlsx")), f"{xlsx};;{csv}"
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".csv" if chosen == csv else ".xlsx")
        ids = self.model.all_ids()  # a search's matches not scrolled to yet too

        def done(count: int) -> None:
            self.ops.status.emit(
                ngettext("%(count)s record exported to %(file)s.",
                         "%(count)s records exported to %(file)s.", count)
                % {"count": format_number(count), "file": path.name}
            )  # fmt: skip

        self.ops.background(
            self,
            _("Exporting the list…"),
            lambda uow, actor: record_list.export_list(uow, actor, ids, path),
            on_done=done,
        )
