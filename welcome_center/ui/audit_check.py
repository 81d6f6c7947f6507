"""The audit page's check of the log's hash chain: run off the UI thread, said in a message."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from welcome_center.domain.audit_chain import ChainReport
from welcome_center.i18n import _
from welcome_center.services import audit_check
from welcome_center.ui.ops import Ops


def check_chain(ops: Ops, parent: QWidget) -> None:
    """Check every entry of the log (as ``db check`` does) and say what was found."""
    ops.background(
        parent,
        _("Checking the audit log…"),
        lambda uow, actor: audit_check.verify_audit_chain(uow, actor),
        on_done=lambda report: show_result(parent, report),
    )


def show_result(parent: QWidget, report: ChainReport) -> None:
    lines = audit_check.report_lines(report)
    if report.ok:
        box = QMessageBox(
            QMessageBox.Icon.Information, _("Audit log"), "\n".join(lines), parent=parent
        )
    else:
        text = _("The audit log was changed after it was written:") + "\n\n" + "\n".join(lines)
        box = QMessageBox(QMessageBox.Icon.Warning, _("Audit log"), text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
