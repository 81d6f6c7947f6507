"""Retention's status and runs in words, for the command line and the desk's log: counts, record
numbers and dates, never a client's name."""

from __future__ import annotations

from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.retention import RetentionStatus, RunView
from welcome_center.i18n import _, format_number, format_short_date
from welcome_center.i18n.labels import label


def _n(value: int) -> str:
    return format_number(value)


def periods_line(st: RetentionStatus) -> str:
    p = st.periods
    return _(
        "Periods: an enquiry %(enquiry)s months after its last activity, a case %(case)s months "
        "after its closing, the audit log %(audit)s months; backups kept: %(keep)s."
    ) % {
        "enquiry": _n(p.enquiry_months),
        "case": _n(p.case_months),
        "audit": _n(p.audit_months),
        "keep": _n(st.backups_keep),
    }


def due_now_line(st: RetentionStatus) -> str:
    return _(
        "Due now – records: %(records)s, persons: %(persons)s, audit entries: %(audit)s "
        "(dated %(cut)s or earlier)."
    ) % {
        "records": _n(st.records_due),
        "persons": _n(st.persons_due),
        "audit": _n(st.audit_due),
        "cut": format_short_date(st.audit_cut_off),
    }


def status_lines(st: RetentionStatus, with_list: bool = False) -> list[str]:
    """The status as the command line prints it."""
    lines = [
        _("Retention on %(day)s") % {"day": format_short_date(st.today)},
        periods_line(st),
        due_now_line(st),
        _("Due later (records / persons):"),
    ]
    for m in st.by_month:
        lines.append(f"  {m.month:%m/%Y}: {_n(m.records)} / {_n(m.persons)}")
    lines.append(_("  later: %(records)s / -") % {"records": _n(st.later_records)})
    open_text = _(
        "Open records (never due while open): %(n)s; without activity for longer than the "
        "enquiry period: %(stale)s"
    )
    lines.append(open_text % {"n": _n(st.open_records), "stale": _n(len(st.stale_records))})
    if st.stale_records:
        more = " …" if len(st.stale_records) > 20 else ""
        lines.append("  " + ", ".join(st.stale_records[:20]) + more)
    lines.append(_("Records on legal hold: %(n)s") % {"n": _n(len(st.held))})
    lines.extend(f"  {h.number}: {h.reason}" for h in st.held)
    if st.runs:
        lines.append(_("Last run: %(run)s") % {"run": run_line(st.runs[0])})
    else:
        lines.append(_("No run yet."))
    if with_list:
        lines.append(_("Records due now and next (number, kind, due):"))
        lines.extend(
            f"  {d.number}  {label(d.kind):<8} {format_short_date(d.due)}" for d in st.due_list
        )
    return lines


def run_line(run: RunView) -> str:
    """One run in a line: when, who, its counts."""
    at = run.started_at.astimezone(OFFICE_TZ)
    when = f"{format_short_date(at.date())} {at:%H:%M}"
    counts = _(
        "anonymised – records: %(records)s, persons: %(persons)s; audit entries deleted: "
        "%(audit)s; backups removed: %(removed)s, anonymised: %(anonymised)s"
    ) % {
        "records": _n(run.records_anonymised),
        "persons": _n(run.persons_anonymised),
        "audit": _n(run.audit_rows_deleted),
        "removed": _n(run.backups_removed),
        "anonymised": _n(run.backups_anonymised),
    }
    if run.finished_at is None:
        state = _("not finished (the next run carries on)")
    elif run.seconds is not None:
        state = _("%(seconds)s s") % {"seconds": format_number(round(run.seconds, 1))}
    else:
        state = ""
    return f"{when}, {run.actor}: {counts}" + (f" ({state})" if state else "")
