"""Administration, tab Import: an office's existing list (CSV or XLSX) into the program
(DOMAIN.md, spreadsheet interchange), as the command line imports it but seen first.

Choosing a file shows its first rows as read, each column with what it is taken for, its row
count and every value the program's lists do not know; each such value is given a meaning (an
entry, a partner, a user, or "skip these rows") and may be remembered as an alias for the next
import. "Check" runs the whole import and rolls it back; "Import" writes it, all or nothing.
Both run off the UI thread with a progress bar and Cancel (a cancelled import writes nothing),
and end in a summary.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from welcome_center.domain.errors import DomainError
from welcome_center.i18n import _, format_number, ngettext, pgettext
from welcome_center.services import import_preview, import_summary, imports, server_accounts
from welcome_center.services.context import ConcurrentChangeError, UnitOfWork
from welcome_center.services.import_preview import Preview
from welcome_center.services.imports import ImportReport
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.dialogs.import_aliases import AliasesDialog
from welcome_center.ui.import_values import ValuesTable
from welcome_center.ui.layout import text_label
from welcome_center.ui.lists import RowTableModel, configure_list
from welcome_center.ui.ops import Ops, show_concurrent, show_error

POLL_MS = 100  # how often the progress bar reads the worker's count


class _Progress:
    """What the worker thread has done, read by the UI thread's timer (plain attributes: no
    Qt object is touched from the worker)."""

    def __init__(self) -> None:
        self.phase = ""
        self.done = 0
        self.total: int | None = None
        self.cancel = threading.Event()

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        self.phase, self.done, self.total = phase, done, total


@dataclass(frozen=True)
class _Failed:
    error: Exception


def _header(written: str, meaning: str) -> str:
    """A preview column's header: as written, and below it what it is read as (once, when the
    file writes the program's own words)."""
    return written if written.casefold() == meaning.casefold() else f"{written}\n{meaning}"


class ImportTab(QWidget):
    """Choose a list, see it, map its unknown values, check or import it."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.path: Path | None = None
        self.preview: Preview | None = None
        self.running: _Progress | None = None
        self.choose_button = QPushButton(_("Choose &file…"))
        self.choose_button.clicked.connect(self.choose_file)
        self.file_label = text_label(bold=True)
        self.file_label.setText(
            _("No list chosen yet: choose a CSV or XLSX file with one row per record.")
        )
        self.aliases_button = QPushButton(_("&Remembered aliases…"))
        self.aliases_button.clicked.connect(self.show_aliases)
        self.problems_label = text_label()
        self.problems_label.hide()
        self.rows_model = RowTableModel([])
        self.rows_table = configure_list(QTableView(), _("First rows of the file"))
        self.rows_table.setModel(self.rows_model)
        self.rows_table.verticalHeader().setVisible(True)
        self.values = ValuesTable()
        self.values_label = text_label()
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setAccessibleName(_("Summary of the import"))
        self.summary.setPlaceholderText(
            _("Check or import the list: what it did, or why nothing was imported, is shown here.")
        )
        self.views = QTabWidget()
        self.views.addTab(self.rows_table, _("Previe&w"))
        values_page = QWidget()
        values_lay = QVBoxLayout(values_page)
        values_lay.addWidget(self.values_label)
        values_lay.addWidget(self.values, 1)
        self.views.addTab(values_page, _("Unknown va&lues"))
        self.views.addTab(self.summary, _("&Summary"))
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Progress of the import"))
        self.progress_label = text_label()
        # Its own word: the German "&Abbrechen" is the main window's menu "&Arbeitsplatz".
        self.cancel_button = QPushButton(pgettext("import", "&Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.check_button = QPushButton(_("Chec&k"))
        self.check_button.clicked.connect(lambda: self.run(dry_run=True))
        self.import_button = QPushButton(_("Impor&t…"))
        self.import_button.clicked.connect(self.ask_and_import)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._show_progress)
        # Who may not import here (a team server's administrator who does not counsel) is
        # told so before choosing a file, not with the server's refusal after it.
        self.refusal = server_accounts.import_refusal(ops.uow, ops.actor)
        if self.refusal is not None:
            self.file_label.setText(self.refusal)
        self._layout()
        self._set_running(False)

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        top.addWidget(self.aliases_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.progress_label, 2)
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(0)
        bottom.addWidget(self.check_button)
        bottom.addWidget(self.import_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.problems_label)
        lay.addWidget(self.views, 1)
        lay.addLayout(bottom)
        for first, second in (
            (self.choose_button, self.aliases_button),
            (self.aliases_button, self.views),
            (self.views, self.rows_table),
            (self.rows_table, self.values),
            (self.values, self.summary),
            (self.summary, self.cancel_button),
            (self.cancel_button, self.check_button),
            (self.check_button, self.import_button),
        ):
            QWidget.setTabOrder(first, second)

    def refresh(self) -> None:
        """Nothing to read until a file is chosen."""

    # -- the file and its preview --------------------------------------------------------------

    def choose_file(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, _("Import a list"), str(Path.home()), _("Lists (*.csv *.xlsx)")
        )
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        """Read ``path``'s preview off the UI thread, then show it."""
        if self.refusal is not None:
            show_error(self, DomainError(self.refusal))
            return
        self.ops.background(
            self,
            _("Reading %(file)s…") % {"file": path.name},
            lambda uow, actor: import_preview.preview(uow, actor, path),
            on_done=lambda p: self._show_preview(path, p),
        )

    def _show_preview(self, path: Path, p: Preview) -> None:
        self.path, self.preview = path, p
        understood = sum(1 for c in p.columns if c.field is not None)
        self.file_label.setText(
            ngettext(
                "%(file)s: %(rows)s row, %(columns)s columns (%(known)s understood)",
                "%(file)s: %(rows)s rows, %(columns)s columns (%(known)s understood)",
                p.row_count,
            )
            % {
                "file": p.file_name,
                "rows": format_number(p.row_count),
                "columns": format_number(len(p.columns)),
                "known": format_number(understood),
            }
        )
        problems = [
            _("line %(line)d, column %(column)s: %(reason)s")
            % {"line": pr.line, "column": pr.column or "-", "reason": pr.reason}
            for pr in p.problems
        ]
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))
        headers = [_header(c.written, c.meaning if c.field else _("(unknown column)"))
                   for c in p.columns]  # fmt: skip
        width = max([len(p.columns), *(len(cells) for _line, cells in p.rows)])
        headers += [""] * (width - len(headers))
        self.rows_model.headers = headers
        self.rows_model.set_rows(
            [(line, tuple(cells) + ("",) * (width - len(cells))) for line, cells in p.rows]
        )
        self.rows_table.verticalHeader().setVisible(False)
        self.rows_table.resizeColumnsToContents()
        self.values.set_values(p.values, p.choices)
        self.values_label.setText(self._values_text(p))
        self.summary.clear()
        self._set_running(False)
        if p.unknown:  # straight to the first value to give a meaning
            self.views.setCurrentIndex(1)
            self.values.combos[self.values.values.index(p.unknown[0])].setFocus()
        else:
            self.views.setCurrentIndex(0)

    @staticmethod
    def _values_text(p: Preview) -> str:
        if not p.values:
            return _("Every value of the list columns, partners and counsellors is known.")
        text = ngettext(
            "%(n)d value the program's lists do not know. Choose what it means, or skip the "
            "rows that write it; a remembered mapping is used by every later import.",
            "%(n)d values the program's lists do not know. Choose what each means, or skip "
            "the rows that write it; a remembered mapping is used by every later import.",
            len(p.unknown),
        ) % {"n": len(p.unknown)}
        if p.more_values:
            text += " " + _("%(n)s more are not listed; correct the list first.") % {
                "n": format_number(p.more_values)}  # fmt: skip
        return text

    def show_aliases(self) -> None:
        AliasesDialog(self.ops, self).exec()

    # -- checking and importing ----------------------------------------------------------------

    def ask_and_import(self) -> None:
        if self.path is None or self.preview is None:
            return
        question = _(
            "Import %(file)s (%(rows)s rows)? Everything is written in one go, or nothing if a "
            "row has a problem."
        ) % {"file": self.path.name, "rows": format_number(self.preview.row_count)}
        unmapped = self.values.unmapped()
        if unmapped:
            question += " " + ngettext(
                "%(n)d value has no meaning yet: its rows will be refused.",
                "%(n)d values have no meaning yet: their rows will be refused.",
                unmapped,
            ) % {"n": unmapped}
        if confirm(self, _("Import a list"), question, yes=_("&Import")):
            self.run(dry_run=False)

    def run(self, dry_run: bool) -> None:
        """Check (and roll back) or import the chosen file off the UI thread."""
        if self.path is None or self.running is not None:
            return
        path, mappings, actor = self.path, self.values.mappings(), self.ops.actor
        progress = _Progress()

        def work(uow: UnitOfWork) -> ImportReport | _Failed:
            try:
                return imports.import_file(
                    uow,
                    actor,
                    path,
                    dry_run,
                    mappings=mappings,
                    progress=progress,
                    cancelled=progress.cancel.is_set,
                )
            except (DomainError, ConcurrentChangeError) as exc:
                return _Failed(exc)

        self.running = progress
        self._set_running(True)
        self.progress_label.setText(_("Checking…") if dry_run else _("Importing…"))
        self.ops.jobs.start(lambda: work(self.ops.uow), self._finished)

    def cancel(self) -> None:
        if self.running is not None:
            self.running.cancel.set()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(_("Cancelling…"))

    def _show_progress(self) -> None:
        p = self.running
        if p is None or p.cancel.is_set():
            return
        if p.phase == "finish":  # nothing left to cancel between rows
            self.progress.setRange(0, 0)
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(
                _("Saving the details, the search index and the audit log…")
            )
            return
        total = p.total if p.total is not None else (self.preview.row_count if self.preview else 0)
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(p.done, max(total, 1)))
        words = _("Rows checked") if p.phase != "write" else _("Records written")
        self.progress_label.setText(
            _("%(phase)s: %(done)s of %(total)s")
            % {"phase": words, "done": format_number(p.done), "total": format_number(total)}
        )

    def _finished(self, ok: bool, result: object) -> None:
        if not isValid(self):
            return
        self.running = None
        self._set_running(False)
        if not ok or isinstance(result, _Failed):
            error = result.error if isinstance(result, _Failed) else result
            if isinstance(error, DomainError):
                show_error(self, error)
            elif isinstance(error, ConcurrentChangeError):
                show_concurrent(self)
            else:
                reason = _("The task failed: %(reason)s") % {"reason": error}
                show_error(self, DomainError(reason))
            return
        assert isinstance(result, ImportReport) and self.path is not None
        self._show_report(result, self.path.name)

    def _show_report(self, report: ImportReport, name: str) -> None:
        if report.cancelled:
            lines = [_("Cancelled: nothing was written.")]
        elif report.ok:
            lines = import_summary.summary_lines(report, name)
        else:
            lines = import_summary.problem_lines(report, name)
            lines.insert(1, _("Correct the list, or give its unknown values a meaning."))
        self.summary.setPlainText("\n".join(lines))
        self.views.setCurrentWidget(self.summary)
        self.progress_label.clear()
        if report.ok and not report.dry_run and not report.cancelled:
            self.ops.broadcast(report.changes, self)
            self.ops.status.emit(
                ngettext("%(n)d record imported.", "%(n)d records imported.",
                         report.created_records) % {"n": report.created_records}
            )  # fmt: skip

    def _set_running(self, running: bool) -> None:
        """While a check or an import runs: the progress bar and Cancel; nothing else starts."""
        ready = not running and self.path is not None
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.choose_button.setEnabled(not running and self.refusal is None)
        self.aliases_button.setEnabled(not running)
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        self.values.setEnabled(not running)
        if running:
            self.progress.setRange(0, 0)
            self.timer.start()
            self.cancel_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.timer.stop()
