"""The archive of published reports: every export, kept unchanged; open an entry in its program
or save it as a file again."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.errors import DomainError
from welcome_center.domain.statistics import Period
from welcome_center.domain.views import PublishedReportView
from welcome_center.i18n import _, format_number
from welcome_center.reports.files import write_atomically
from welcome_center.services import reporting
from welcome_center.ui.lists import (
    RowTableModel,
    fit_columns,
    list_table,
    select_row,
    selected_row,
)
from welcome_center.ui.ops import Ops, show_error
from welcome_center.ui.pages.reports_period import describe
from welcome_center.ui.qt_i18n import short_date

FILE_COLUMN = 4
VISIBLE_ROWS = 6


def size_text(size: int) -> str:
    """``900 bytes``, ``12.3 KB``, ``1.2 MB`` in the desk's number format."""
    if size < 1024:
        return _("%(size)s bytes") % {"size": format_number(size)}
    if size < 1024 * 1024:
        return _("%(size)s KB") % {"size": format_number(round(size / 1024, 1))}
    return _("%(size)s MB") % {"size": format_number(round(size / 1024 / 1024, 1))}


class ArchiveTableModel(RowTableModel):
    """Published reports, newest first: created, by whom, period, format, file name, size."""

    def __init__(self, parent: Any = None) -> None:
        headers = [_("Created"), _("By"), _("Period"), _("Format"), _("File name"), _("Size")]
        super().__init__(headers, right_aligned=(5,), parent=parent)
        self.entries: list[PublishedReportView] = []

    def set_entries(
        self, entries: Sequence[PublishedReportView], names: Mapping[str, str] | None = None
    ) -> None:
        """Show ``entries``; ``names`` gives the display name of a user name."""
        self.entries = list(entries)
        self.set_rows([(e.id, _line(e, names or {})) for e in entries])

    def entry(self, row: int) -> PublishedReportView | None:
        return self.entries[row] if 0 <= row < len(self.entries) else None


def _line(e: PublishedReportView, names: Mapping[str, str]) -> tuple[str, ...]:
    at = e.created_at.astimezone(OFFICE_TZ)
    period = describe(Period(e.period_start, e.period_end))
    by = names.get(e.created_by, e.created_by)
    return (f"{short_date(at.date())} {at:%H:%M}", by, period, e.format.upper(),
            e.file_name, size_text(e.size))  # fmt: skip


class ArchivePanel(QWidget):
    """The archive as a table with "Open" and "Save as…" for the chosen entry."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.model = ArchiveTableModel(self)
        self.folder = Path.home()
        self._temp: Path | None = None
        self._temp_dir: tempfile.TemporaryDirectory[str] | None = None
        self.table = list_table(self.model, _("Archive of published reports"))
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.ResizeMode.Stretch)
        rows = self.table.verticalHeader().defaultSectionSize() * (VISIBLE_ROWS + 1) + 8
        self.table.setMinimumHeight(rows)
        self.table.activated.connect(lambda _i: self.open_current())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        self.empty = QLabel(
            _(
                "No report has been exported yet. Every export is kept here unchanged, with "
                "who made it and when."
            )
        )
        self.empty.setWordWrap(True)
        self.open_button = QPushButton(_("&Open"))
        self.open_button.clicked.connect(self.open_current)
        self.save_button = QPushButton(_("Save &as…"))
        self.save_button.clicked.connect(self.save_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty, 1)
        buttons.addStretch(0)  # the buttons keep their size when the sentence is hidden
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table)
        lay.addLayout(buttons)
        self._enable()

    def refresh(self, select_id: int | None = None) -> None:
        """Read the archive again; select ``select_id`` (else keep the selected entry)."""
        keep = select_id if select_id is not None else self.model.key(selected_row(self.table))
        found = self.ops.read(self, reporting.archive)
        names = {u.username: u.display_name or u.username for u in self.ops.users()}
        self.model.set_entries(found or [], names)
        fit_columns(self.table)
        if keep is not None and self.model.row_of(keep) >= 0:
            select_row(self.table, self.model.row_of(keep))
        self.empty.setVisible(not self.model.entries)
        self._enable()

    def _enable(self) -> None:
        chosen = self.current_entry() is not None
        self.open_button.setEnabled(chosen)
        self.save_button.setEnabled(chosen)

    def current_entry(self) -> PublishedReportView | None:
        return self.model.entry(selected_row(self.table))

    def _file(self) -> tuple[PublishedReportView, str, bytes] | None:
        entry = self.current_entry()
        if entry is None:
            return None
        found = self.ops.read(
            self, lambda uow, actor: reporting.archived_file(uow, actor, entry.id)
        )
        return (entry, *found) if found else None

    def open_current(self) -> None:
        """Write the entry to a private temporary folder and open it in its program."""
        found = self._file()
        if found is None:
            return
        entry, name, data = found
        if self._temp is None:
            # Removed when the desk ends (a program may still be reading the file now).
            self._temp_dir = tempfile.TemporaryDirectory(
                prefix="welcome-center-reports-", ignore_cleanup_errors=True
            )
            self._temp = Path(self._temp_dir.name)
        folder = self._temp / str(entry.id)
        folder.mkdir(exist_ok=True)  # one folder per entry: the file keeps its own name
        path = folder / name
        if not write_file(self, path, data):
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.ops.status.emit(_("%(file)s opened.") % {"file": name})
        else:
            self.ops.status.emit(
                _("No program opens %(file)s here; save it with “Save as…”.") % {"file": name}
            )

    def save_current(self) -> None:
        found = self._file()
        if found is None:
            return
        _entry, name, data = found
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the report as"), str(self.folder / name)
        )
        if not chosen:
            return
        path = Path(chosen)
        if not write_file(self, path, data):
            return
        self.folder = path.parent
        self.ops.status.emit(_("Report saved to %(file)s.") % {"file": str(path)})


def write_file(parent: QWidget, path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path``; say why not in a message box if that fails."""
    try:
        write_atomically(path, data)  # whole or not at all, no temporary file left
    except OSError as exc:
        reason = exc.strerror or str(exc)
        show_error(parent, DomainError(
            _("%(file)s could not be written: %(reason)s. Choose another folder or file name.")
            % {"file": str(path), "reason": reason}))  # fmt: skip
        return False
    return True
