"""Administration, tab Likely duplicates: pairs of persons in the whole database who may be one
person (services/duplicates.py), to clean up after an import; a pair opens the merge dialog.
The list shows names, birth data, nationality and why, never case content (DOMAIN.md).

The search compares every person who shares a name key with another: seconds in a large
database (about 5 s at 87,000 persons), so it runs in a worker thread (``Ops.jobs``, as the
import does) with a progress bar and Cancel below the buttons; the desk stays usable meanwhile
and the list is filled when it ends."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import DomainError
from welcome_center.domain.views import DuplicateCandidate, DuplicatePair
from welcome_center.i18n import _, format_number, ngettext, pgettext
from welcome_center.services import duplicates, server_accounts
from welcome_center.services.context import ConcurrentChangeError
from welcome_center.ui.client_facts import nationality_text
from welcome_center.ui.dialogs.merge import MergeDialog
from welcome_center.ui.funder_facts import born_text
from welcome_center.ui.layout import KeyTableView, text_label
from welcome_center.ui.lists import RowTableModel
from welcome_center.ui.ops import Ops, show_concurrent, show_error

POLL_MS = 100  # how often the progress bar reads the worker's count


class PairsModel(RowTableModel):
    """One row per pair: each person's name, birth and nationality, and why they may be one."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (_("Person"), _("Born"), _("Nationality"), _("Person"), _("Born"),
             _("Nationality"), _("Why")), parent=parent,
        )  # fmt: skip

    def set_pairs(self, pairs: list[DuplicatePair]) -> None:
        def one(c: DuplicateCandidate) -> tuple[str, str, str]:
            return c.display_name, born_text(c.facts), nationality_text(c.facts)

        self.set_rows([(p, (*one(p.first), *one(p.second), p.reason)) for p in pairs])


class _Search:
    """How far the worker is (plain attributes, read by the UI thread's timer) and whether the
    user cancelled."""

    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None
        self.cancel = threading.Event()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total


@dataclass(frozen=True)
class _Cancelled:
    """The search ended because the user cancelled it."""


class DuplicatesTab(QWidget):
    """Look for likely duplicates (on request: the whole database is compared, in the
    background), then merge a pair (Enter or Merge…)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.running: _Search | None = None
        self.found: list[DuplicatePair] = []
        self.pairs = PairsModel(self)
        self.table = KeyTableView(_("Likely duplicates"), self.merge_selected, stretch=6)
        self.table.setModel(self.pairs)
        self.hint = text_label()
        self.hint.setText(
            _(
                "Persons who may be recorded twice, the most likely first: after an import, "
                "look for them and merge those that are one person."
            )
        )
        self.find_button = QPushButton(_("&Look for duplicates"))
        self.find_button.clicked.connect(self.look)
        self.merge_button = QPushButton(_("M&erge…"))
        self.merge_button.clicked.connect(self.merge_selected)
        self.merge_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Progress of the search for duplicates"))
        self.progress_label = text_label()
        # Its own word: the German "&Abbrechen" is the main window's menu "&Arbeitsplatz".
        self.cancel_button = QPushButton(pgettext("duplicates", "&Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._show_progress)
        caption = QLabel(_("Pai&rs:"))
        caption.setBuddy(self.table)
        self.progress.setMaximumWidth(240)
        row = QHBoxLayout()
        for widget in (self.find_button, self.merge_button, self.progress, self.cancel_button):
            row.addWidget(widget)
        row.addWidget(self.progress_label, 1)
        row.addStretch(0)  # the buttons keep their size while nothing runs
        lay = QVBoxLayout(self)
        lay.addWidget(self.hint)
        lay.addLayout(row)
        lay.addWidget(caption)
        lay.addWidget(self.table, 1)
        # A team server's administrator who does not counsel may not read the persons' names:
        # the tab says so at once, not with the server's refusal after a click.
        self.refusal = server_accounts.duplicates_refusal(ops.uow, ops.actor)
        if self.refusal is not None:
            self.hint.setText(self.refusal)
        self._set_running(False)

    def look(self) -> None:
        """Compare the whole database in a worker thread (audited with the number of pairs)."""
        if self.running is not None or self.refusal is not None:
            return
        search, actor, uow = _Search(), self.ops.actor, self.ops.uow

        def work() -> list[DuplicatePair] | _Cancelled:
            try:
                return duplicates.likely_duplicates(
                    uow, actor, progress=search, cancelled=search.cancel.is_set
                )
            except duplicates.SearchCancelled:
                return _Cancelled()

        self.running = search
        self._set_running(True)
        self.progress_label.setText(_("Looking for duplicates…"))
        self.ops.jobs.start(work, self._finished)

    def cancel(self) -> None:
        if self.running is not None:
            self.running.cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Cancelling…"))

    def _show_progress(self) -> None:
        s = self.running
        if s is None or s.cancel.is_set() or not s.total:
            return
        self.progress.setRange(0, s.total)
        self.progress.setValue(min(s.done, s.total))
        self.progress_label.setText(
            _("Comparing names: %(done)s of %(total)s groups")
            % {"done": format_number(s.done), "total": format_number(s.total)}
        )

    def _finished(self, ok: bool, result: object) -> None:
        if not isValid(self):
            return  # the window was closed meanwhile
        self.running = None
        self._set_running(False)
        if isinstance(result, _Cancelled):
            self.hint.setText(_("The search was cancelled."))
            return
        if not ok:
            if isinstance(result, DomainError):
                show_error(self, result)
            elif isinstance(result, ConcurrentChangeError):
                show_concurrent(self)
            else:
                show_error(self, DomainError(_("The task failed: %(reason)s") % {"reason": result}))
            return
        assert isinstance(result, list)
        self._show(result)

    def _show(self, pairs: list[DuplicatePair]) -> None:
        self.found = pairs
        self.pairs.set_pairs(pairs)
        self.merge_button.setEnabled(bool(pairs))
        n = len(pairs)
        self.hint.setText(
            ngettext("%(count)s likely pair", "%(count)s likely pairs", n)
            % {"count": format_number(n)}
            if n
            else _("No likely duplicates found.")
        )
        if pairs:
            self.table.select_row(0)
            self.table.setFocus()

    def _set_running(self, running: bool) -> None:
        """While the search runs: the progress bar and Cancel; no second search, no merge."""
        self.progress.setVisible(running)
        self.progress_label.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.find_button.setEnabled(not running and self.refusal is None)
        self.merge_button.setEnabled(not running and self.pairs.rowCount() > 0)
        if running:
            self.progress.setRange(0, 0)  # busy until the first count arrives
            self.timer.start()
        else:
            self.timer.stop()
            self.progress_label.clear()

    def merge_selected(self) -> None:
        if self.running is not None:
            return
        pair = self.pairs.key(self.table.currentIndex().row())
        if not isinstance(pair, DuplicatePair):
            return
        dialog = MergeDialog(self.ops, ClientKind.PERSON, pair.first.id, pair.second.id, self)
        dialog.exec()
        if dialog.merged_into is not None:
            # The merged-away one leaves the list at once; the search then runs again.
            gone = {pair.first.id, pair.second.id} - {dialog.merged_into}
            self._show([p for p in self.found if not gone & {p.first.id, p.second.id}])
            self.look()
