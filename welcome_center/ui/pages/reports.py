"""Reports: the office's figures for a month, quarter, year or range, computed in the background;
key figures, topics and the 12-month trend as charts, every breakdown as a table; exports as
PDF, XLSX, CSV or JSON, each kept unchanged in the archive. The internal workload report (a
choice beside the period) adds the counsellors; it is marked internal and never archived."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.breakdowns import charted
from welcome_center.domain.errors import DomainError
from welcome_center.domain.statistics import Period, ReportContent, ReportFormat
from welcome_center.domain.suppression import Hidden
from welcome_center.i18n import _, figures, format_date, format_number, format_share
from welcome_center.services import reporting
from welcome_center.services.context import Changes
from welcome_center.ui.ops import Ops, show_error
from welcome_center.ui.pages.base import Page
from welcome_center.ui.pages.reports_archive import ArchivePanel
from welcome_center.ui.pages.reports_figures import FigureGrid, report_figures
from welcome_center.ui.pages.reports_jobs import (
    FILTERS,
    Computed,
    Exported,
    compute_report,
    export_report,
)
from welcome_center.ui.pages.reports_period import PeriodChooser, describe
from welcome_center.ui.pages.reports_tables import BreakdownsView, count_text
from welcome_center.ui.pages.reports_workload import WorkloadPanel, shown_to
from welcome_center.ui.widgets.charts import Bar, BarChart, MonthChart, Series

FIGURE_COLUMNS = 6
# The breakdown drawn as bars beside the trend: the first declared with a chart (the topics).
CHARTED = charted()[0].key
CHANGES_DELAY_MS = 1500  # saves elsewhere in a row recompute the shown figures once


class ReportsPage(Page):
    """Choose a period; see its figures at once; export them (kept in the archive)."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.content: ReportContent | None = None
        self.wanted: Period | None = None
        self.stale = False
        self.folder = Path.home()
        self.export_buttons: dict[ReportFormat, QPushButton] = {}
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(CHANGES_DELAY_MS)
        self._later.timeout.connect(self.compute)
        self.workload = WorkloadPanel(ops) if shown_to(ops) else None  # the manager's
        if self.workload is not None:
            self._later.timeout.connect(self.workload.refresh)
        self._build()

    def title(self) -> str:
        return _("Reports")

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.chooser = PeriodChooser()
        self.chooser.changed.connect(self.compute)
        self.chooser.edited.connect(self._period_edited)
        self.state = QLabel()
        self.state.setTextFormat(Qt.TextFormat.PlainText)
        self.state.setWordWrap(True)
        recompute = QPushButton(_("&Recalculate"))
        recompute.setToolTip(_("Compute the figures again from the records as they are now (F5)"))
        recompute.clicked.connect(self.refresh)
        self.internal = QCheckBox(_("&Internal workload report (with counsellors)"))
        self.internal.setToolTip(_("Adds the enquiries per counsellor. The report is marked "
                                   "as internal, not for publication, and is not kept in the "
                                   "archive."))  # fmt: skip
        self.internal.toggled.connect(self._internal_toggled)
        top = QHBoxLayout()
        top.addWidget(self.chooser)
        top.addWidget(self.internal)
        top.addWidget(self.state, 1)
        top.addWidget(recompute)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._body())
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(scroll, 1)
        lay.addLayout(self._export_bar())

    def _body(self) -> QWidget:
        self.heading = _heading(scale=1.2)
        explain = QPushButton(_("&What the figures mean…"))
        explain.clicked.connect(self.show_definitions)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(explain)
        self.empty = _note()
        self.figures = FigureGrid(FIGURE_COLUMNS)
        self.topics = BarChart()
        self.topics.setAccessibleName(figures.title(CHARTED))
        self.topics_note = _note(figures.definition(CHARTED))
        self.trend = MonthChart()
        self.trend.setAccessibleName(figures.title("trend"))
        self.trend.setToolTip(figures.definition("trend"))
        charts = QHBoxLayout()
        charts.addLayout(_titled(figures.title(CHARTED), self.topics_note, self.topics), 1)
        charts.addLayout(_titled(figures.title("trend"), _note(figures.definition("trend")),
                                 self.trend), 1)  # fmt: skip
        self.breakdowns = BreakdownsView()
        breakdowns_heading = _heading(_("&Breakdowns"))
        breakdowns_heading.setBuddy(self.breakdowns.chooser)
        self.archive = ArchivePanel(self.ops)
        archive_heading = _heading(_("Arc&hive of published reports"))
        archive_heading.setBuddy(self.archive.table)
        self.results = QWidget()  # hidden until the first figures arrive
        self.results.hide()
        shown = QVBoxLayout(self.results)
        shown.setContentsMargins(0, 0, 0, 0)
        shown.addLayout(head)
        shown.addWidget(self.empty)
        shown.addWidget(self.figures)
        shown.addSpacing(8)
        shown.addLayout(charts)
        shown.addSpacing(8)
        shown.addWidget(breakdowns_heading)
        shown.addWidget(self.breakdowns)
        shown.addSpacing(8)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(0, 0, 8, 0)
        lay.addWidget(self.results)
        if self.workload is not None:
            lay.addWidget(self.workload)
            lay.addSpacing(8)
        lay.addWidget(archive_heading)
        lay.addWidget(self.archive)
        lay.addStretch(1)
        return body

    def _export_bar(self) -> QHBoxLayout:
        self.export_intro = intro = QLabel(_export_intro(internal=False))
        intro.setWordWrap(True)
        texts = {ReportFormat.PDF: _("P&DF…"), ReportFormat.XLSX: _("E&xcel (XLSX)…"),
                 ReportFormat.CSV: _("CS&V…"), ReportFormat.JSON: _("&JSON…")}  # fmt: skip
        bar = QHBoxLayout()
        bar.addWidget(intro, 1)
        for fmt, text in texts.items():
            button = QPushButton(text)
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            self.export_buttons[fmt] = button
            bar.addWidget(button)
        self._enable_exports()
        return bar

    # -- computing ---------------------------------------------------------------------------

    def activated(self) -> None:
        """Shown: compute the first time, and again if records changed while hidden."""
        if not self.loaded or self.stale:
            self.loaded = True
            self.stale = False
            self.refresh()

    def refresh(self) -> None:
        self.compute()
        self.archive.refresh()
        if self.workload is not None:
            self.workload.refresh()

    def on_changes(self, changes: Changes) -> None:
        # An event saved on the Events page counts in the figures as a record does.
        relevant = (changes.records or changes.persons or changes.organisations
                    or changes.vocabularies or changes.users or changes.settings
                    or changes.events)  # fmt: skip
        if not relevant:
            return
        if self.isVisible():
            self._later.start()
        else:
            self.stale = True

    def _internal_toggled(self, internal: bool) -> None:
        """The funder report or the internal one: computed afresh, exported accordingly."""
        self.export_intro.setText(_export_intro(internal))
        self.compute()

    def _period_edited(self) -> None:
        """No export of the figures shown while another period is chosen."""
        self.wanted = self.chooser.period()
        self._enable_exports()

    def compute(self) -> None:
        """Compute the chosen period's figures in the background (the page stays usable)."""
        self._later.stop()
        period = self.chooser.period()
        self.wanted = period
        self._enable_exports()
        if period is None or not self.loaded:
            self.state.clear()
            return
        self.state.setText(
            _("Computing the figures for %(period)s…") % {"period": describe(period)}
        )
        internal = self.internal.isChecked()
        self.ops.background(
            self,
            _("Computing the report…"),
            lambda uow, actor: compute_report(uow, actor, period, internal),
            on_done=self._computed,
        )

    def _computed(self, result: Computed) -> None:
        if result.period != self.wanted or result.internal != self.internal.isChecked():
            return  # the user chose another period meanwhile; its figures are on their way
        if result.content is None:
            self.state.setText(_("The figures could not be computed."))
            error = result.error
            if not isinstance(error, DomainError):
                reason = {"reason": error}
                error = DomainError(_("The figures could not be computed: %(reason)s") % reason)
            show_error(self, error)
            return
        self.show_content(result.content)

    # -- showing -----------------------------------------------------------------------------

    def show_content(self, content: ReportContent) -> None:
        """Show every figure of ``content`` at once."""
        self.content = content
        stats = content.statistics
        period = describe(stats.period)
        heading = _("Key figures of %(period)s") % {"period": period}
        if content.internal:
            heading = f"{heading} · {figures.internal_note()}"
        self.heading.setText(heading)
        at = content.created_at
        self.state.setText(_("%(period)s, computed at %(time)s.")
                           % {"period": period, "time": f"{at:%H:%M}"})  # fmt: skip
        nothing = stats.enquiries_worked == 0 and stats.referrals == 0 and stats.events == 0
        self.empty.setText(_("No enquiry or case was worked in %(period)s. Choose another "
                             "period above.") % {"period": period} if nothing else "")  # fmt: skip
        self.empty.setVisible(nothing)
        self.figures.set_figures(report_figures(content))
        sections = reporting.breakdowns(content)
        self._show_topics(next(s for s in sections if s.key == CHARTED), content.threshold)
        self._show_trend(content)
        self.breakdowns.show_content(content, sections)
        self.results.show()
        self._enable_exports()

    def _show_topics(self, section: reporting.Section, threshold: int) -> None:
        bars = [Bar(r.label, r.value if isinstance(r.value, int) else 0,
                    _bar_text(r.value, r.share, threshold)) for r in section.rows]  # fmt: skip
        self.topics.set_bars(bars)
        self.topics.setAccessibleDescription("; ".join(f"{b.label}: {b.text}" for b in bars))

    def _show_trend(self, content: ReportContent) -> None:
        trend = content.statistics.trend
        received, worked = figures.title("enquiries_received"), figures.title("cases_worked")
        tips = [
            f"{format_date(m.month, 'LLLL yyyy')}: {received} {format_number(m.enquiries_received)}"
            f", {worked} {format_number(m.cases_worked)}"
            for m in trend
        ]
        self.trend.set_data(
            [format_date(m.month, "LLL") for m in trend],
            [str(m.month.year) if i == 0 or m.month.month == 1 else ""
             for i, m in enumerate(trend)],
            [Series(received, tuple(m.enquiries_received for m in trend)),
             Series(worked, tuple(m.cases_worked for m in trend))],
            tips,
        )  # fmt: skip
        self.trend.setAccessibleDescription("; ".join(tips))

    def show_definitions(self) -> None:
        """Every figure's definition as text (not only in tooltips), in a dialog that scrolls."""
        if self.content is None:
            return
        shown = [(f.title, f.definition) for f in reporting.key_figures(self.content)]
        shown += [(figures.title(k), figures.definition(k)) for k in ("since_start", "trend")]
        shown.append((_("Active record"), figures.definition("active")))
        dialog = QDialog(self)
        dialog.setWindowTitle(_("What the figures mean"))
        text = QPlainTextEdit("\n\n".join(f"{title}: {meaning}" for title, meaning in shown))
        text.setReadOnly(True)
        text.setAccessibleName(_("Definitions of the figures"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        lay = QVBoxLayout(dialog)
        lay.addWidget(_note(_("Every figure counts the days of the chosen period (Berlin time).")))
        lay.addWidget(text, 1)
        lay.addWidget(buttons)
        dialog.resize(620, 480)
        dialog.exec()
        dialog.deleteLater()

    # -- exporting ---------------------------------------------------------------------------

    def _enable_exports(self) -> None:
        content = self.content
        ready = (content is not None and content.statistics.period == self.wanted
                 and content.internal == self.internal.isChecked())  # fmt: skip
        for button in self.export_buttons.values():
            button.setEnabled(ready)

    def export(self, fmt: ReportFormat) -> None:
        """Ask where to, then publish the figures (kept in the archive) and write the file."""
        content = self.content
        if content is None or content.statistics.period != self.wanted:
            return
        internal = content.internal
        suggested = self.folder / reporting.file_name(content, fmt)
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Export the report"), str(suggested), _(FILTERS[fmt])
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != f".{fmt.value}":
            path = path.with_name(f"{path.name}.{fmt.value}")
        self.folder = path.parent
        period = content.statistics.period
        self.ops.background(
            self,
            _("Exporting the report…"),
            lambda uow, actor: export_report(uow, actor, period, fmt, path, internal),
            on_done=self._exported,
        )

    def _exported(self, done: Exported) -> None:
        if done.entry is None:  # an internal report: written, never archived
            self._exported_internal(done)
            return
        self.archive.refresh(select_id=done.entry.id)
        if done.content.statistics.period == self.wanted:
            self.show_content(done.content)
        if done.error:
            show_error(self, DomainError(
                _("The report is kept in the archive, but %(file)s could not be written: "
                  "%(reason)s. Save it from the archive with “Save as…”.")
                % {"file": str(done.path), "reason": done.error}))  # fmt: skip
            return
        self.ops.status.emit(_("Report saved to %(file)s and kept in the archive.")
                             % {"file": str(done.path)})  # fmt: skip

    def _exported_internal(self, done: Exported) -> None:
        if done.content.statistics.period == self.wanted and self.internal.isChecked():
            self.show_content(done.content)
        if done.error:
            text = _("The internal report could not be written to %(file)s: %(reason)s.")
            show_error(self, DomainError(text % {"file": str(done.path), "reason": done.error}))
            return
        self.ops.status.emit(_("Internal report saved to %(file)s (not kept in the archive).")
                             % {"file": str(done.path)})  # fmt: skip


def _export_intro(internal: bool) -> str:
    if internal:
        return _("Export this internal report (not for publication, not kept in the archive):")
    return _("Export this report (every export is kept unchanged in the archive):")


def _bar_text(value: int | Hidden, share: Decimal | None, threshold: int) -> str:
    count = count_text(value, threshold)
    return count if share is None else f"{count} ({format_share(share)})"


def _heading(text: str = "", scale: float = 1.0) -> QLabel:
    label = QLabel(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _titled(title: str, note: QLabel, chart: QWidget) -> QVBoxLayout:
    lay = QVBoxLayout()
    lay.addWidget(_heading(title))
    lay.addWidget(note)
    lay.addWidget(chart)
    lay.addStretch(1)
    return lay
