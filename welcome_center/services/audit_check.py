"""Checking the audit log's hash chain, in words a data protection officer understands.

``welcome-center db check`` runs :func:`check_lines`; the administrator's audit page calls
:func:`verify_audit_chain`. Both read the whole log in one transaction (a snapshot on
PostgreSQL, so that entries written meanwhile by colleagues do not look inserted).
"""

from __future__ import annotations

from welcome_center.db.engine import Database
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import action_of
from welcome_center.domain.audit_chain import ChainReport, Finding, Problem, StoredEntry
from welcome_center.domain.permissions import Permission
from welcome_center.i18n import _, format_number, ngettext
from welcome_center.services import audit_chain
from welcome_center.services.audit import action_label, entity_label, moment_text
from welcome_center.services.context import Actor


def check_database(db: Database) -> ChainReport:
    """Walk the whole log of ``db`` and say where its chain is broken, if it is."""
    with db.engine.connect() as conn:
        if not db.is_sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return audit_chain.check(conn)


def verify_audit_chain(uow: UnitOfWork, actor: Actor) -> ChainReport:
    """The check for the desk: administrators who may read the log may check it."""
    actor.require(Permission.VIEW_AUDIT)
    return check_database(uow.db)


def describe_entry(e: StoredEntry) -> str:
    """``entry 1234 (03.11.2026 14:02:11, lena.krause, Update Record 55)``."""
    what = f"{action_label(action_of(e.action))} {entity_label(e.entity)}"
    if e.entity_id is not None:
        what += f" {e.entity_id}"
    return _("entry %(id)s (%(when)s, %(who)s, %(what)s)") % {
        "id": e.id, "when": moment_text(e.at), "who": e.actor, "what": what,
    }  # fmt: skip


def finding_text(f: Finding) -> str:
    """One break of the chain as a sentence."""
    e = f.entry
    if f.problem is Problem.CHANGED and e is not None:
        return _("%(entry)s was changed after it was written.") % {"entry": describe_entry(e)}
    if f.problem is Problem.INSERTED and e is not None:
        return _("%(entry)s was not written by this program: it was inserted.") % {
            "entry": describe_entry(e)
        }
    if f.problem is Problem.MISSING and e is not None and f.before is not None:
        return _("Entries between entry %(before)s and entry %(after)s are missing.") % {
            "before": f.before.id, "after": e.id,
        }  # fmt: skip
    if f.problem is Problem.MISSING_BEFORE and e is not None:
        return _("Entries before %(entry)s are missing.") % {"entry": describe_entry(e)}
    if f.problem is Problem.TAIL_REMOVED:
        if f.before is None:
            return ngettext(
                "The only entry was removed.", "All %(n)d entries were removed.", f.count
            ) % {"n": f.count}
        return ngettext(
            "The last entry (after entry %(id)s) was removed.",
            "The last %(n)d entries (after entry %(id)s) were removed.",
            f.count,
        ) % {"n": f.count, "id": f.before.id}
    if f.problem is Problem.COUNT:
        return _(
            "The log should hold %(n)s entries but holds a different number: entries were "
            "removed or inserted."
        ) % {"n": format_number(f.count)}
    return _("The record of the log's newest entry is missing: it was removed.")


def report_lines(report: ChainReport) -> list[str]:
    """The result: one line when all is well, else the first findings, one per line."""
    if report.ok:
        line = ngettext(
            "%(n)s entry checked, unchanged since it was written.",
            "%(n)s entries checked, all unchanged since they were written.",
            report.checked,
        ) % {"n": format_number(report.checked)}
        if report.removed_by_retention:
            line += " " + ngettext(
                "%(n)s older entry was deleted under the retention rules.",
                "%(n)s older entries were deleted under the retention rules.",
                report.removed_by_retention,
            ) % {"n": format_number(report.removed_by_retention)}
        return [line]
    lines = [finding_text(f) for f in report.findings]
    if report.total > len(report.findings):
        more = report.total - len(report.findings)
        lines.append(
            ngettext("… and %(n)s more finding.", "… and %(n)s more findings.", more)
            % {"n": format_number(more)}
        )
    return lines


def check_lines(db: Database) -> tuple[bool, list[str]]:
    """(all well, the lines) for ``welcome-center db check``."""
    report = check_database(db)
    name = _("Audit log")
    if report.ok:
        return True, [_("%(check)s: ok") % {"check": name} + " (" + report_lines(report)[0] + ")"]
    lines = [_("%(check)s: FAILED:") % {"check": name}]
    lines.extend(f"  {line}" for line in report_lines(report))
    return False, lines
