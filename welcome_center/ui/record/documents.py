"""The record's documents: a list (name, kind, size, added on, by) with Add…, Open, Save as…
and Remove; files dropped on the tab are added too.

The program never runs a document: "Open" writes a copy into a private temporary folder of
the desk (readable by the user only, removed when the desk ends) and hands it to the system's
viewer; the name of the copy is made safe by the service, never taken as a path. Reading and
writing the bytes runs off the UI thread (a document may have 20 MB); every read is audited
by the service.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.documents import copy_name
from welcome_center.domain.views import DocumentView
from welcome_center.i18n import _, format_size
from welcome_center.i18n.labels import label
from welcome_center.services import documents
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.tables import RowsModel, TableTab

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

_FOLDER: list[tempfile.TemporaryDirectory[str]] = []  # the copies opened; removed at the end
PREFIX = "welcome-center-documents-"
LEFTOVER_AGE_S = 24 * 3600  # a folder a killed desk left behind, untouched for a day


def viewer_folder() -> Path:
    """The desk's private folder for copies handed to the viewer (made on first use, mode
    0700, removed when the desk ends: a viewer may still be reading a copy until then). The
    folders of desks that were killed, untouched for a day, are removed when it is made."""
    if not _FOLDER or not Path(_FOLDER[-1].name).is_dir():
        remove_leftovers(Path(tempfile.gettempdir()))
        _FOLDER.append(tempfile.TemporaryDirectory(prefix=PREFIX, ignore_cleanup_errors=True))
    return Path(_FOLDER[-1].name)


def remove_leftovers(folder: Path) -> None:
    """Remove copies that killed desks left in ``folder`` (the desk ends before it can)."""
    limit = time.time() - LEFTOVER_AGE_S
    for leftover in folder.glob(f"{PREFIX}*"):
        try:
            if leftover.is_dir() and leftover.stat().st_mtime < limit:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass  # gone meanwhile, or another user's


def file_filter() -> str:
    return ";;".join(
        (
            _("Documents (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.gif *.heic *.doc *.docx *.odt "
              "*.rtf *.xls *.xlsx *.ods *.ppt *.pptx *.odp *.txt *.csv *.eml *.msg)"),
            _("All files (*)"),
        )
    )  # fmt: skip


class DocumentModel(RowsModel):
    RIGHT = frozenset({2})
    STRETCH = frozenset({0})

    def columns(self) -> list[str]:
        return [_("Name"), _("Kind"), _("Size"), _("Added on"), _("By")]

    def row(self, d: DocumentView) -> tuple[str, ...]:
        at = d.added_at.astimezone(OFFICE_TZ)
        return (
            d.file_name,
            label(d.kind),
            format_size(d.size),
            f"{short_date(at.date())} {at:%H:%M}",
            d.added_by or "",
        )


class DocumentsTab(TableTab):
    """The record's documents, newest first; Enter opens the selected one."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(
            DocumentModel(),
            _("Documents"),
            _(
                "No documents on this record. “Add…” attaches a PDF file, an image or an "
                "office document of up to 20 MB; files dragged here are attached too."
            ),
        )
        self.host = host
        self.folder = Path.home()  # where the last file was chosen or saved
        self.add_doc_button = self.add_button(_("A&dd…"), self.add)
        self.open_button = self.add_button(_("Ope&n"), self.open_current, needs_item=True)
        self.save_button = self.add_button(_("Sa&ve as…"), self.save_current, needs_item=True)
        self.remove_button = self.add_button(_("Re&move"), self.remove_current, needs_item=True)
        self.finish_buttons()
        self.setAcceptDrops(True)

    def show_details(self, details: Any) -> None:
        self.show_items(details.documents)

    def focus_first(self) -> None:
        """The list, to choose a document; "Add…" while there is none."""
        if self.model.rowCount() > 0:
            self.table.setFocus()
        else:
            self.add_doc_button.setFocus()

    # -- adding ------------------------------------------------------------------------------

    def add(self) -> None:
        """Choose files (several at once) and attach them."""
        chosen, _filter = QFileDialog.getOpenFileNames(
            self, _("Add documents to the record"), str(self.folder), file_filter()
        )
        if chosen:
            self.folder = Path(chosen[0]).parent
            self.add_paths([Path(c) for c in chosen])

    def add_paths(self, paths: Sequence[Path]) -> None:
        """Attach ``paths`` off the UI thread; what was refused is said afterwards."""
        record_id = self.host.record_id
        ops = self.host.ops
        title = (
            _("Adding %(file)s…") % {"file": paths[0].name}
            if len(paths) == 1
            else _("Adding %(n)d documents…") % {"n": len(paths)}
        )

        def done(saved: Any) -> None:
            added: documents.Added = saved.value
            ops.broadcast(saved.changes)  # the window reads the record again
            if added.documents:
                ops.status.emit(
                    _("Document added: %(file)s") % {"file": added.documents[0].file_name}
                    if len(added.documents) == 1
                    else _("%(n)d documents added.") % {"n": len(added.documents)}
                )
            if added.refused:
                QMessageBox.warning(
                    self.host.widget(),
                    _("Not attached"),
                    "\n\n".join(added.refused),
                )

        ops.background(
            self.host.widget(),
            title,
            lambda uow, actor: documents.add_files(uow, actor, record_id, paths),
            on_done=done,
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_files(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: Any) -> None:
        if _local_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _local_files(event)
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # -- reading -----------------------------------------------------------------------------

    def edit_item(self, item: DocumentView) -> None:
        """Enter or a double click: open the document."""
        self.open_document(item)

    def open_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.open_document(item)

    def open_document(self, item: DocumentView) -> None:
        """Write a copy into the desk's private folder and hand it to the system's viewer."""
        ops, folder, doc_id = self.host.ops, viewer_folder(), item.id

        def opened(path: Path) -> None:
            if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                ops.status.emit(_("%(file)s opened.") % {"file": item.file_name})
            else:
                QMessageBox.information(
                    self.host.widget(),
                    _("No program for this file"),
                    _(
                        "No program on this computer opens %(file)s. Save it with “Save as…” "
                        "and open it where a program for it is installed."
                    )
                    % {"file": item.file_name},
                )

        ops.background(
            self.host.widget(),
            _("Opening %(file)s…") % {"file": item.file_name},
            lambda uow, actor: documents.open_copy(uow, actor, doc_id, folder),
            on_done=opened,
        )

    def save_current(self) -> None:
        """Ask where to, and save a copy of the selected document there."""
        item = self.current_item()
        if item is None:
            return
        suggested = self.folder / copy_name(item.file_name, item.media_type)
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the document as"), str(suggested)
        )
        if not chosen:
            return
        target, ops, doc_id = Path(chosen), self.host.ops, item.id
        self.folder = target.parent

        def saved(path: Path) -> None:
            ops.status.emit(_("Saved: %(file)s") % {"file": str(path)})

        ops.background(
            self.host.widget(),
            _("Saving %(file)s…") % {"file": target.name},
            lambda uow, actor: documents.save_copy(uow, actor, doc_id, target),
            on_done=saved,
        )

    # -- removing ----------------------------------------------------------------------------

    def remove_current(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if not confirm(
            self.host.widget(),
            _("Remove the document?"),
            _(
                "%(file)s is removed from the record for good; the audit log keeps that you "
                "removed it. Keep a copy first with “Save as…” if it may still be needed."
            )
            % {"file": item.file_name},
            yes=_("&Remove"),
        ):
            return
        self.host.ops.write(
            self,
            lambda uow, actor: documents.remove_document(uow, actor, item.id),
            done=_("Document removed: %(file)s") % {"file": item.file_name},
        )


def _local_files(event: QDragEnterEvent | QDropEvent | Any) -> list[Path]:
    """The local files a drag carries (none: it carries something else)."""
    data = event.mimeData()
    if not data.hasUrls():
        return []
    urls = data.urls()
    if not all(u.isLocalFile() for u in urls):
        return []
    paths = [Path(u.toLocalFile()) for u in urls]
    return paths if all(p.is_file() for p in paths) else []
