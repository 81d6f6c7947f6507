"""An administrator restores a backup from the desk (Desk › Restore a backup…).

The backup is chosen, the administrator proves who they are (their password; for an encrypted
backup made before their account had a key slot, the office's recovery key), the backup is
checked (ours, intact, of a schema this program knows), and a question says what happens. Then
the desk closes (every window may keep unsaved input and stop it), the backup is put in place,
the replaced file is kept aside, and the login comes again on the restored database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.errors import AuthenticationError, DomainError
from welcome_center.i18n import _
from welcome_center.services import encryption, users
from welcome_center.services.encryption import Unlock
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.forms import error_label
from welcome_center.ui.ops import Ops


@dataclass(frozen=True)
class RestoreRequest:
    backup: Path
    how: Unlock


class ProveDialog(QDialog):
    """The administrator's password (or the recovery key) before a backup replaces the data."""

    def __init__(self, ops: Ops, backup: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.backup = ops, backup
        self.how: Unlock | None = None
        self.setWindowTitle(_("Restore a backup"))
        intro = QLabel(
            _(
                "Restore %(file)s? Everything saved since this backup was made is replaced. "
                "The current database is kept aside beside it. Type your password to go on; "
                "for an encrypted backup that does not know your account yet, type the "
                "office's recovery key instead."
            )
            % {"file": backup.name}
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        # Room for a recovery key (8 groups of 4) as well as a password.
        self.secret.setMinimumWidth(self.secret.fontMetrics().averageCharWidth() * 46)
        self.message = error_label()
        form = QFormLayout()
        label = QLabel(_("&Password or recovery key:"))
        label.setBuddy(self.secret)
        form.addRow(label, self.secret)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("C&heck the backup"))
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)

    def check(self) -> None:
        self.message.hide()
        secret = self.secret.text()
        name = self.ops.actor.name
        try:
            how = self._opening(name, secret)
        except DomainError as exc:
            self.message.setText(exc.message)
            self.message.show()
            self.secret.clear()
            self.secret.setFocus()
            return
        self.how = how
        self.accept()

    def _opening(self, name: str, secret: str) -> Unlock:
        """What opens the backup: the user's password (checked against the open database
        too), else the recovery key; DomainError saying why not."""
        as_password = Unlock(name, secret)
        try:
            users.authenticate(self.ops.uow, name, secret)
        except AuthenticationError as wrong:
            as_key = Unlock(recovery_key=secret)
            try:  # the recovery key counts only where it opens an encrypted backup
                if encryption.check_backup(self.backup, as_key) is None:
                    raise wrong from None
            except AuthenticationError:
                raise wrong from None
            return as_key
        try:
            encryption.check_backup(self.backup, as_password)
        except AuthenticationError:
            raise DomainError(
                _(
                    "This encrypted backup does not know your account yet: type the office's "
                    "recovery key instead of your password."
                )
            ) from None
        return as_password


def ask_restore(ops: Ops, parent: QWidget, folder: Path | None) -> RestoreRequest | None:
    """Choose a backup, prove who one is, confirm: what to restore, or None."""
    chosen, _filter = QFileDialog.getOpenFileName(
        parent,
        _("Restore a backup"),
        str(folder or Path.home()),
        _("Welcome Center database (*.db)"),
    )
    if not chosen:
        return None
    prove = ProveDialog(ops, Path(chosen), parent)
    if prove.exec() != QDialog.DialogCode.Accepted or prove.how is None:
        return None
    if not confirm(
        parent,
        _("Restore a backup"),
        _(
            "The backup %(file)s is intact. The desk closes now, puts it in place of the "
            "database and shows the login again."
        )
        % {"file": Path(chosen).name},
        yes=_("&Restore"),
    ):
        return None
    return RestoreRequest(Path(chosen), prove.how)
