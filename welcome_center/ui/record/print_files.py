"""Saving and printing a print-out's PDF from a dialog: save it where the user chooses, or
hand it to the system's PDF viewer to print. The PDF is made by a service (which audits it);
what the input lacks is said in the dialog's error line, nothing is left half-written."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from welcome_center.domain.errors import DomainError, ValidationError
from welcome_center.i18n import _
from welcome_center.reports.files import write_atomically
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui.ops import show_error

if TYPE_CHECKING:
    from welcome_center.ui.ops import Ops

Make = Callable[[UnitOfWork, Actor], bytes]
_OPENED: list[tempfile.TemporaryDirectory[str]] = []  # removed when the desk ends


def file_name(stem: str, *parts: str) -> str:
    """A file name from words: letters, digits and dashes, joined by "_"."""
    safe = [re.sub(r"[^\w-]+", "_", p, flags=re.UNICODE).strip("_")[:60] for p in parts]
    return "_".join([stem, *(p for p in safe if p)]) + ".pdf"


def _write(parent: QWidget, path: Path, data: bytes) -> bool:
    try:
        write_atomically(path, data)  # whole or not at all, no temporary file left
    except OSError as exc:
        show_error(parent, DomainError(
            _("%(file)s could not be written: %(reason)s. Choose another folder or file name.")
            % {"file": str(path), "reason": exc.strerror or str(exc)}))  # fmt: skip
        return False
    return True


def _made(parent: QWidget, ops: Ops, make: Make, errors: QLabel | None) -> bytes | None:
    """``make`` through ``ops.read``; what the input lacks goes to ``errors`` (a line of the
    dialog), anything else to a message box."""

    def call(uow: UnitOfWork, actor: Actor) -> bytes | None:
        try:
            return make(uow, actor)
        except ValidationError as exc:
            if errors is None:
                raise
            errors.setText(exc.message)
            errors.show()
            return None

    if errors is not None:
        errors.hide()
    return ops.read(parent, call)


def save_pdf(
    parent: QWidget, ops: Ops, caption: str, name: str, make: Make, errors: QLabel | None = None
) -> Path | None:
    """Ask where to, make the PDF (audited by the service) and write it there."""
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, caption, str(Path.home() / name), _("PDF document (*.pdf)")
    )
    if not chosen:
        return None
    target = Path(chosen)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    data = _made(parent, ops, make, errors)
    if data is None or not _write(parent, target, data):
        return None
    ops.status.emit(_("Saved: %(file)s") % {"file": str(target)})
    return target


def open_pdf(
    parent: QWidget, ops: Ops, name: str, make: Make, errors: QLabel | None = None
) -> Path | None:
    """Make the PDF and hand it to the system's viewer to print; the file lies in a private
    temporary folder that is removed when the desk ends."""
    data = _made(parent, ops, make, errors)
    if data is None:
        return None
    if not _OPENED:
        _OPENED.append(
            tempfile.TemporaryDirectory(prefix="welcome-center-print-", ignore_cleanup_errors=True)
        )
    folder = Path(tempfile.mkdtemp(dir=_OPENED[0].name))  # each its own: names may repeat
    path = folder / name
    if not _write(parent, path, data):
        return None
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        ops.status.emit(_("%(file)s opened for printing.") % {"file": name})
    else:
        show_error(parent, DomainError(
            _("No program here opens PDF files. Save the print-out with “Save as PDF…” and "
              "print it from there.")))  # fmt: skip
    return path
