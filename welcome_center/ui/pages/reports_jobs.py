"""The Reports page's background work: computing a period's figures, and exporting them
(compute afresh, publish into the archive, write the file). Both run off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from welcome_center.domain.statistics import Period, ReportContent, ReportFormat
from welcome_center.domain.views import PublishedReportView
from welcome_center.i18n import N_
from welcome_center.reports.files import write_atomically
from welcome_center.services import reporting
from welcome_center.services.context import Actor, UnitOfWork


@dataclass(frozen=True)
class Computed:
    """What a background computation brings back: the figures, or why there are none."""

    period: Period
    content: ReportContent | None = None
    error: Exception | None = None
    internal: bool = False


@dataclass(frozen=True)
class Exported:
    """An exported report: its archive entry (None for an internal report, which is not
    published), where it was written (or why not), and the figures it holds (computed afresh
    for the export)."""

    content: ReportContent
    entry: PublishedReportView | None
    path: Path
    error: str = ""


def compute_report(
    uow: UnitOfWork, actor: Actor, period: Period, internal: bool = False
) -> Computed:
    """The figures of ``period`` (``internal``: of the workload report, with the counsellors),
    or the error that prevented them (the page says so)."""
    try:
        return Computed(period, reporting.content(uow, actor, period, internal=internal),
                        internal=internal)  # fmt: skip
    except Exception as exc:  # shown on the page and in a message box, on the UI thread
        return Computed(period, error=exc, internal=internal)


def export_report(
    uow: UnitOfWork,
    actor: Actor,
    period: Period,
    fmt: ReportFormat,
    path: Path,
    internal: bool = False,
) -> Exported:
    """Compute the figures now, publish them (render and archive) and write the file. An
    internal report is only written: it is not for publication."""
    content = reporting.content(uow, actor, period, internal=internal)
    entry: PublishedReportView | None
    if internal:
        entry, data = None, reporting.render(content, fmt)
    else:
        entry, data = reporting.publish(uow, actor, content, fmt)
    try:
        write_atomically(path, data)  # whole or not at all, no temporary file left
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
