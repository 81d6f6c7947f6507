"""The Reports page's background work: computing a period's figures, and exporting them
(compute afresh, publish into the archive, write the file). Both run off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from welcome_center.domain.statistics import Period, ReportContent, ReportFormat
from welcome_center.domain.views import PublishedReportView
from welcome_center.i18n import N_
from welcome_center.services import reporting
from welcome_center.services.context import Actor, UnitOfWork


@dataclass(frozen=True)
class Computed:
    """What a background computation brings back: the figures, or why there are none."""

    period: Period
    content: ReportContent | None = None
    error: Exception | None = None


@dataclass(frozen=True)
class Exported:
    """A published report: its archive entry, where it was written (or why not), and the
    figures it holds (computed afresh for the export)."""

    content: ReportContent
    entry: PublishedReportView
    path: Path
    error: str = ""


def compute_report(uow: UnitOfWork, actor: Actor, period: Period) -> Computed:
    """The figures of ``period``, or the error that prevented them (the page says so)."""
    try:
        return Computed(period, reporting.content(uow, actor, period))
    except Exception as exc:  # shown on the page and in a message box, on the UI thread
        return Computed(period, error=exc)


def export_report(
    uow: UnitOfWork, actor: Actor, period: Period, fmt: ReportFormat, path: Path
) -> Exported:
    """Compute the figures now, publish them (render and archive) and write the file."""
    content = reporting.content(uow, actor, period)
    entry, data = reporting.publish(uow, actor, content, fmt)
    try:
        path.write_bytes(data)
    except OSError as exc:
        return Exported(content, entry, path, exc.strerror or str(exc))
    return Exported(content, entry, path)


# The file dialog's filter per format (translated where shown).
FILTERS = {
    ReportFormat.PDF: N_("PDF document (*.pdf)"),
    ReportFormat.XLSX: N_("Excel workbook (*.xlsx)"),
    ReportFormat.CSV: N_("CSV for Excel (*.csv)"),
    ReportFormat.JSON: N_("JSON data (*.json)"),
}
