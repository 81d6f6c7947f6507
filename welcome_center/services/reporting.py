"""The manager's reports: the figures of a period with their labels, rendered as PDF, XLSX, CSV
or JSON, and the archive of published reports (what left the office, kept unchanged)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import Organisation, PublishedReport, User
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.breakdowns import REGISTRY, Codes, Source, Values
from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.errors import DomainError, NotFoundError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.quarters import quarter_of
from welcome_center.domain.statistics import (
    NOT_RECORDED,
    Period,
    ReportContent,
    ReportFormat,
    Statistics,
)
from welcome_center.domain.views import OfficeSettingsView, PublishedReportView
from welcome_center.i18n import _, country_name, language, pgettext, using
from welcome_center.i18n.labels import label
from welcome_center.reports import figures_export, sections
from welcome_center.services import audit, settings, statistics, vocabularies
from welcome_center.services.context import Actor

# Re-exported for the desk, which shows the same tables as the reports.
Section = sections.Section
KeyFigure = sections.KeyFigure
breakdowns = sections.breakdowns
key_figures = sections.key_figures
since_start = sections.since_start
cell_text = sections.cell_text
period_text = figures_export.period_text


Labels = dict[str, dict[str, str]]  # {breakdown: {code: label}}


def _labels(s: Session, stats: Statistics, lang: str, internal: bool) -> Labels:
    """{breakdown: {code: label}} in ``lang`` for the codes the statistics hold, from where each
    breakdown's declaration says its values come from (the names of counsellors only for an
    ``internal`` report)."""
    out: dict[str, dict[str, str]] = {}
    for key, declared in REGISTRY.items():
        names = _names(s, stats, key, declared.values, lang, internal)
        if names is not None:
            out[key] = names | {NOT_RECORDED: _("not recorded")}
    return out


def _names(
    s: Session, stats: Statistics, key: str, values: Values, lang: str, internal: bool
) -> dict[str, str] | None:
    """The names of a breakdown's codes; None: none to give (staff in a published report)."""
    codes = [code for code, _n in stats.breakdown(key)]
    if isinstance(values, Vocabulary):
        return {e.code: e.label(lang) for e in vocabularies.entries(s, values)}
    if isinstance(values, Codes):
        return {code: _(name) for code, name in values.names}
    if values is Source.COUNTRY:
        return {code: country_name(code) for code in codes}
    if values is Source.STAFF:
        if not internal:  # staff names only where the counsellor breakdown is shown
            return None
        names = {u: n for u, n in s.execute(select(User.username, User.display_name))}
        return {code: names.get(code, code) for code in codes}
    if values is Source.PARTNER:
        ids = [i for i in map(statistics.partner_without_code, codes) if i is not None]
        partners = s.execute(select(Organisation.id, Organisation.code, Organisation.short_name,
                                    Organisation.name).where(Organisation.is_partner.is_(True) |
                                    Organisation.id.in_(ids)))  # fmt: skip
        return {statistics.partner_code(i, code): short or name
                for i, code, short, name in partners}  # fmt: skip
    assert not isinstance(values, Source)
    return {member.value: label(member) for member in values}


def content(
    uow: UnitOfWork, actor: Actor, period: Period, lang: str | None = None, internal: bool = False
) -> ReportContent:
    """Everything a report of ``period`` shows, with labels in ``lang`` (default: the desk's).
    ``internal``: the office's workload report, with the counsellor breakdown; it is never
    published (DOMAIN.md: reports that leave the office carry no names of staff). A month's
    or a year's report holds the same period one year earlier beside it."""
    actor.require(Permission.VIEW_STATISTICS)
    lang = lang or language()
    earlier = period.year_earlier()  # a month or a year: the same one a year before

    def office_and_labels(s: Session, stats: Statistics) -> tuple[OfficeSettingsView, Labels]:
        return settings.current(s), _labels(s, stats, lang, internal)

    with using(lang):
        # The earlier period's key figures only are shown: no second trend or breakdowns.
        stats, previous, extra = statistics.compute_at_once(
            uow, actor, period, earlier, office_and_labels
        )
        assert extra is not None
        office, labels = extra
        return ReportContent(
            office_name=office.office_name,
            created_at=datetime.now(OFFICE_TZ),
            language=lang,
            statistics=stats,
            threshold=office.suppression_threshold,
            labels=labels,
            internal=internal,
            previous_period=previous,
        )


def render(report: ReportContent, fmt: ReportFormat) -> bytes:
    """The report as a file in ``fmt``, in the report's language."""
    with using(report.language):
        if fmt is ReportFormat.PDF:
            # ReportLab loads only when a PDF is asked for, not with every start of the desk.
            from welcome_center.reports.pdf import render_pdf

            pdf: bytes = render_pdf(report)
            return pdf
        if fmt is ReportFormat.XLSX:
            return figures_export.render_xlsx(report)
        if fmt is ReportFormat.CSV:
            return figures_export.render_csv(report)
        return figures_export.render_json(report)


def file_name(report: ReportContent, fmt: ReportFormat) -> str:
    """A file name that says what the report is: ``Bericht_2026-03.pdf``, ``report_2025.xlsx``."""
    p = report.statistics.period
    if p.is_month():
        span = p.start.strftime("%Y-%m")
    elif p.is_year():
        span = str(p.start.year)
    elif quarter := quarter_of(p):
        span = f"{p.start.year}-Q{quarter}"
    else:
        span = f"{p.start.isoformat()}_{p.end.isoformat()}"
    with using(report.language):
        stem = _("report")
        if report.internal:
            stem += "_" + pgettext("file name", "internal")
    return f"{stem}_{span}.{fmt.value}"


def _view(r: PublishedReport, size: int) -> PublishedReportView:
    return PublishedReportView(
        id=r.id,
        created_at=r.created_at,
        created_by=r.created_by,
        period_start=r.period_start,
        period_end=r.period_end,
        format=r.format,
        language=r.language,
        file_name=r.file_name,
        size=size,
        sha256=r.sha256,
    )


def publish(
    uow: UnitOfWork, actor: Actor, report: ReportContent, fmt: ReportFormat
) -> tuple[PublishedReportView, bytes]:
    """Render ``report`` and keep it in the archive with its figures, who and when (one
    transaction); returns the archive entry and the file's bytes. An internal report is not
    published."""
    actor.require(Permission.VIEW_STATISTICS)
    if report.internal:
        raise DomainError(
            _("An internal report is not published: it names staff and stays in the office.")
        )
    data = render(report, fmt)
    with using(report.language):
        figures = json.dumps(figures_export.published_figures(report), ensure_ascii=False)
    p = report.statistics.period
    with uow.begin() as s:
        row = PublishedReport(
            created_by_id=actor.user_id,
            created_by=actor.name,
            period_start=p.start,
            period_end=p.end,
            format=fmt.value,
            language=report.language,
            file_name=file_name(report, fmt),
            figures=figures,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        s.add(row)
        s.flush()
        audit.log(
            s,
            actor,
            AuditAction.PUBLISH,
            "report",
            row.id,
            detail=f"{p.start}..{p.end} {fmt.value}",
        )
        return _view(row, len(data)), data


def archive(uow: UnitOfWork, actor: Actor, limit: int = 500) -> list[PublishedReportView]:
    """The published reports, newest first."""
    actor.require(Permission.VIEW_STATISTICS)
    size = func.length(PublishedReport.content)
    with uow.read() as s:
        stmt = (
            select(PublishedReport, size)
            .order_by(PublishedReport.created_at.desc(), PublishedReport.id.desc())
            .limit(limit)
        )
        return [_view(r, int(n or 0)) for r, n in s.execute(stmt).all()]


def archived_file(uow: UnitOfWork, actor: Actor, report_id: int) -> tuple[str, bytes]:
    """The file of a published report, exactly as it was sent out: (file name, bytes)."""
    actor.require(Permission.VIEW_STATISTICS)
    with uow.read() as s:
        row = s.get(PublishedReport, report_id)
        if row is None:
            raise NotFoundError(_("This report is not in the archive."))
        return row.file_name, bytes(row.content)


def archived_figures(uow: UnitOfWork, actor: Actor, report_id: int) -> dict[str, object]:
    """The figures of a published report as they were published (the JSON keys)."""
    actor.require(Permission.VIEW_STATISTICS)
    with uow.read() as s:
        row = s.get(PublishedReport, report_id)
        if row is None:
            raise NotFoundError(_("This report is not in the archive."))
        figures: dict[str, object] = json.loads(row.figures)
        return figures
