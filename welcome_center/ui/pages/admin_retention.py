"""Administration, tab Retention: the periods, what is due and when, legal holds, the runs.

An administrator manages retention without reading case content (DOMAIN.md, need to know): the
page shows counts, record numbers and dates, never a client's name. The periods are office
settings (saved as the Office settings tab saves, with a check that nobody changed them
meanwhile). "Run now" runs in the background with its progress below the button; the
automatic run happens when a desk starts, at most daily (``ui/retention_start.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.errors import DomainError
from welcome_center.domain.retention import RetentionStatus, RunView
from welcome_center.domain.views import OfficeSettingsView
from welcome_center.i18n import _, format_number
from welcome_center.i18n.labels import label
from welcome_center.services.context import ConcurrentChangeError, Saved, UnitOfWork
from welcome_center.services.privacy import retention, retention_text
from welcome_center.ui import forms
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.lists import RowTableModel, fit_columns, list_table
from welcome_center.ui.ops import Ops, show_concurrent, show_error
from welcome_center.ui.pages.admin_settings import (
    number_field,
    save_bar,
    show_saved_settings,
    write_settings,
)
from welcome_center.ui.qt_i18n import short_date


def _phase(name: str) -> str:
    words = {
        "records": _("Anonymising records"),
        "persons": _("Anonymising persons"),
        "audit": _("Deleting old audit entries"),
        "copies": _("Cleaning the database file"),
        "backups": _("Looking after the backups"),
    }
    return words.get(name, name)


class _Progress(QObject):
    """Carries a run's progress from the worker thread to the page (a queued signal)."""

    moved = Signal(str, int, int)


@dataclass(frozen=True)
class _Failed:
    error: Exception


def _moment(run: RunView) -> str:
    at = run.started_at.astimezone(OFFICE_TZ)
    return f"{short_date(at.date())} {at:%H:%M}"


def _n(value: int) -> str:
    return format_number(value)


class RetentionTab(QWidget):
    """The retention periods, what is due, legal holds and the runs."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.loaded: OfficeSettingsView | None = None
        self.status: RetentionStatus | None = None
        self.running = False
        self._stale = True  # what is due is read when the tab is first shown
        self.errors = forms.FieldErrors()
        self.hold_errors = forms.FieldErrors()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._moved)
        self._build()

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self._periods_box())
        left.addWidget(self._hold_box(), 1)
        right = QVBoxLayout()
        right.addWidget(self._due_box(), 3)
        right.addWidget(self._runs_box(), 1)
        grid = QGridLayout(self)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(1, 1)

    def _periods_box(self) -> QGroupBox:
        box = QGroupBox(_("Periods"))
        months = " " + _("months")
        self.enquiry_months = number_field(months)
        self.case_months = number_field(months)
        self.audit_months = number_field(months)
        self.backups_keep = number_field()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        add = self.errors.add_row
        add(form, _("En&quiries, after the last activity:"), self.enquiry_months,
            field="retention_enquiry_months")  # fmt: skip
        add(form, _("&Cases, after closing:"), self.case_months, field="retention_case_months")
        add(form, _("Audit &log kept:"), self.audit_months, field="retention_audit_months")
        add(form, _("&Backups kept:"), self.backups_keep, field="backups_keep")
        buttons = save_bar(self, _("Discard chan&ges"))
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addWidget(self.errors.general)
        lay.addLayout(buttons)
        return box

    def _hold_box(self) -> QGroupBox:
        box = QGroupBox(_("Legal hold"))
        hint = QLabel(_("A record on legal hold is never anonymised, whatever its periods say."))
        hint.setWordWrap(True)
        self.hold_number = QLineEdit()
        self.hold_number.setPlaceholderText(_("such as WC-2026-0042"))
        self.hold_reason = QLineEdit()
        form = QFormLayout()
        add = self.hold_errors.add_row
        add(form, _("&Record number:"), self.hold_number, field="record_number")
        add(form, _("R&eason:"), self.hold_reason, field="reason")
        self.hold_button = QPushButton(_("Se&t hold"))
        self.hold_button.clicked.connect(self.set_hold)
        self.lift_button = QPushButton(_("Li&ft hold"))
        self.lift_button.clicked.connect(self.lift_hold)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.lift_button)
        buttons.addStretch(1)
        self.held_model = RowTableModel([_("Record"), _("Reason")])
        self.held_table = list_table(self.held_model, _("Records on legal hold"))
        # A long reason is cut with "…" (its tooltip has it whole), not scrolled to.
        self.held_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.held_table.selectionModel().currentRowChanged.connect(self._held_chosen)
        self.held_label = QLabel()
        self.held_label.setTextFormat(Qt.TextFormat.PlainText)
        lay = QVBoxLayout(box)
        lay.addWidget(hint)
        lay.addLayout(form)
        lay.addWidget(self.hold_errors.general)
        lay.addLayout(buttons)
        lay.addWidget(self.held_label)
        lay.addWidget(self.held_table, 1)
        return box

    def _due_box(self) -> QGroupBox:
        box = QGroupBox(_("Due"))
        self.due_label = QLabel(_("Reading…"))
        self.due_label.setTextFormat(Qt.TextFormat.PlainText)
        self.due_label.setWordWrap(True)
        self.month_model = RowTableModel([_("Month"), _("Records"), _("Persons")], (1, 2))
        self.month_table = list_table(self.month_model, _("Due per month"))
        self.list_model = RowTableModel([_("Record"), _("Kind"), _("Due on")])
        self.list_table = list_table(self.list_model, _("Records due, by number"))
        self.open_label = QLabel()
        self.open_label.setTextFormat(Qt.TextFormat.PlainText)
        self.open_label.setWordWrap(True)
        tables = QHBoxLayout()
        tables.addWidget(self.month_table, 1)
        tables.addWidget(self.list_table, 1)
        lay = QVBoxLayout(box)
        lay.addWidget(self.due_label)
        lay.addLayout(tables, 1)
        lay.addWidget(self.open_label)
        return box

    def _runs_box(self) -> QGroupBox:
        box = QGroupBox(_("Runs"))
        # On a team server the runs are the server administrator's (retention.server_refusal).
        refusal = retention.server_refusal(self.ops.uow)
        hint = QLabel(
            refusal
            or _(
                "The run is automatic when the program starts, at most once a day. It "
                "anonymises what is due, deletes old audit entries, cleans the database file "
                "and treats the backups in the backups folder the same way (backups saved "
                "elsewhere are yours to look after)."
            )
        )
        hint.setWordWrap(True)
        self.runs_model = RowTableModel(
            [_("Started"), _("By"), _("Records"), _("Persons"), _("Audit entries deleted"),
             _("Backups"), _("Duration")],
            (2, 3, 4, 6),
        )  # fmt: skip
        self.runs_table = list_table(self.runs_model, _("The last runs"))
        # Room for the last few runs; the rest of the height goes to what is due.
        row_height = self.runs_table.verticalHeader().defaultSectionSize()
        self.runs_table.setMaximumHeight(row_height * 6 + 8)
        self.run_button = QPushButton(_("Run no&w…"))
        self.run_button.clicked.connect(self.run_now)
        self.run_button.setEnabled(refusal is None)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_("Progress of the run"))
        self.progress.hide()
        self.run_label = QLabel()
        self.run_label.setTextFormat(Qt.TextFormat.PlainText)
        self.run_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self.progress, 1)
        lay = QVBoxLayout(box)
        lay.addWidget(hint)
        lay.addWidget(self.runs_table, 1)
        lay.addLayout(row)
        lay.addWidget(self.run_label)
        return box

    # -- periods ----------------------------------------------------------------------------

    def value(self) -> Any:
        return (
            self.enquiry_months.value(),
            self.case_months.value(),
            self.audit_months.value(),
            self.backups_keep.value(),
        )

    def has_unsaved(self) -> bool:
        return self.loaded is not None and self.value() != _values(self.loaded)

    def load(self) -> None:
        """Show the saved periods (typed input is dropped)."""
        self.errors.clear()
        self._show_settings(self.ops.settings)

    def _show_settings(self, s: OfficeSettingsView) -> None:
        self.loaded = s
        self.enquiry_months.setValue(s.retention_enquiry_months)
        self.case_months.setValue(s.retention_case_months)
        self.audit_months.setValue(s.retention_audit_months)
        self.backups_keep.setValue(s.backups_keep)

    def reload_saved(self) -> None:
        show_saved_settings(self)

    def save(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        enquiry, case, audit, keep = self.value()
        saved = write_settings(
            self,
            loaded,
            _("Retention periods saved."),
            retention_enquiry_months=enquiry,
            retention_case_months=case,
            retention_audit_months=audit,
            backups_keep=keep,
        )
        if saved is not None:
            self._show_settings(saved)
            self.read_status()

    # -- what is due -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the periods (unless typed into) and, when shown, what is due."""
        if not self.has_unsaved():
            self.load()
        self._stale = True
        if self.isVisible():
            self.read_status()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.read_status()

    def read_status(self) -> None:
        """Read what is due off the UI thread (a second on a large office)."""
        self._stale = False
        actor = self.ops.actor
        self.ops.quietly(lambda uow: retention.status(uow, actor), self._show_status)

    def _show_status(self, st: RetentionStatus) -> None:
        if not isValid(self):
            return
        self.status = st
        self.due_label.setText(retention_text.due_now_line(st))
        rows: list[tuple[object, tuple[str, ...]]] = [
            (m.month, (f"{m.month:%m/%Y}", _n(m.records), _n(m.persons))) for m in st.by_month
        ]
        rows.append((None, (_("later"), _n(st.later_records), "")))
        self.month_model.set_rows(rows)
        self.list_model.set_rows(
            [(d.id, (d.number, label(d.kind), short_date(d.due))) for d in st.due_list]
        )
        open_text = _(
            "Open records are never due while open: %(n)s. Without any activity for longer than "
            "the enquiry period (a counsellor should close them): %(stale)s."
        ) % {"n": _n(st.open_records), "stale": _n(len(st.stale_records))}
        if st.stale_records:
            more = " …" if len(st.stale_records) > 10 else ""
            open_text += " " + ", ".join(st.stale_records[:10]) + more
        self.open_label.setText(open_text)
        self.held_model.set_rows([(h.id, (h.number, h.reason)) for h in st.held])
        self.held_label.setText(_("Records on legal hold: %(n)s") % {"n": _n(len(st.held))})
        self.runs_model.set_rows([(r.id, _run_texts(r)) for r in st.runs])
        for table in (self.month_table, self.list_table, self.held_table, self.runs_table):
            fit_columns(table)

    # -- legal hold --------------------------------------------------------------------------

    def _held_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.row()
        if row < 0 or row >= self.held_model.rowCount():
            return
        self.hold_number.setText(self.held_model.text(row, 0))
        self.hold_reason.setText(self.held_model.text(row, 1))

    def _hold(self, reason: str | None) -> None:
        number = self.hold_number.text()
        saved = self.ops.write(
            self,
            lambda uow, actor: retention.set_legal_hold(
                uow, actor, retention.record_by_number(uow, actor, number).id, reason
            ),
            errors=self.hold_errors,
            done=_("Legal hold set.") if reason is not None else _("Legal hold lifted."),
        )
        if saved is not None:
            self.hold_number.clear()
            self.hold_reason.clear()
            self.read_status()

    def set_hold(self) -> None:
        self._hold(self.hold_reason.text())

    def lift_hold(self) -> None:
        self._hold(None)

    # -- running -----------------------------------------------------------------------------

    def run_now(self) -> None:
        """Ask, then run in the background with the progress below the button."""
        if self.running:
            return
        st = self.status
        due = (
            retention_text.due_now_line(st) + " " + _("This cannot be undone.")
            if st is not None
            else _("What is due is anonymised now. This cannot be undone.")
        )
        if not confirm(self, _("Run retention now"), due, yes=_("&Run now")):
            return
        self.running = True
        self.run_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.run_label.setText(_("Running…"))
        actor, report = self.ops.actor, self._progress.moved.emit

        def call(uow: UnitOfWork) -> Saved[RunView] | _Failed:
            try:
                return retention.run(uow, actor, progress=report)
            except (DomainError, ConcurrentChangeError) as exc:
                return _Failed(exc)

        self.ops.quietly(call, self._ran)

    def _moved(self, phase: str, done: int, total: int) -> None:
        if not isValid(self) or not self.running:
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.run_label.setText(
            _("%(phase)s: %(done)s of %(total)s")
            % {"phase": _phase(phase), "done": _n(done), "total": _n(total)}
        )

    def _ran(self, result: Saved[RunView] | _Failed) -> None:
        if not isValid(self):
            return
        self.running = False
        self.run_button.setEnabled(True)
        self.progress.hide()
        if isinstance(result, _Failed):
            self.run_label.clear()
            if isinstance(result.error, DomainError):
                show_error(self, result.error)
            else:
                show_concurrent(self)
            return
        self.run_label.setText(_("Done: %(run)s") % {"run": retention_text.run_line(result.value)})
        self.ops.broadcast(result.changes, self)
        self.ops.status.emit(_("Retention run finished."))
        self.read_status()


def _run_texts(r: RunView) -> tuple[str, ...]:
    if r.finished_at is None:
        duration = _("not finished")
    elif r.seconds is not None:
        duration = _("%(seconds)s s") % {"seconds": format_number(round(r.seconds, 1))}
    else:
        duration = ""
    return (
        _moment(r),
        r.actor,
        _n(r.records_anonymised),
        _n(r.persons_anonymised),
        _n(r.audit_rows_deleted),
        _("%(removed)s removed, %(anonymised)s anonymised")
        % {"removed": _n(r.backups_removed), "anonymised": _n(r.backups_anonymised)},
        duration,
    )


def _values(s: OfficeSettingsView) -> Any:
    return (s.retention_enquiry_months, s.retention_case_months, s.retention_audit_months,
            s.backups_keep)  # fmt: skip
