"""Change my password: the current one, the new one typed twice; mistakes under their field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from welcome_center.domain.errors import ValidationError
from welcome_center.i18n import _
from welcome_center.services import users
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.dialogs import EditDialog
from welcome_center.ui.record.dialogs import run as run_dialog


def _password_field(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class ChangePasswordDialog(EditDialog):
    """The logged-in user's own new password, after the current one."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Change my password"), parent)
        intro = QLabel(
            _(
                "Type your current password, then the new one twice. A password has at least "
                "%(n)d characters; it applies from your next login."
            )
            % {"n": users.MIN_PASSWORD_LENGTH}
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.current = _password_field(_("Current password"))
        self.password = _password_field(_("New password"))
        self.repeat = _password_field(_("Repeat new password"))
        self.row(_("&Current password:"), self.current, "current")
        self.row(_("&New password:"), self.password, "password")
        self.row(_("&Repeat new password:"), self.repeat, "repeat")
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(_("Change pass&word"))
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 85)
        self.ready()

    @classmethod
    def ask(cls, ops: Ops, parent: QWidget | None = None) -> bool:
        """Run the dialog; True when the password was changed."""
        return run_dialog(cls(ops, parent))

    def value(self) -> Any:
        return (self.current.text(), self.password.text(), self.repeat.text())

    def write(self) -> bool:
        self.errors.clear()
        current, new = self.current.text(), self.password.text()
        if not current:
            return self._refuse(_("Type your current password."), "current")
        if new != self.repeat.text():
            return self._refuse(_("The two new passwords differ."), "repeat")
        saved = self.ops.write(
            self,
            lambda uow, actor: users.change_own_password(uow, actor, current, new),
            errors=self.errors,
            done=_("Your password is changed."),
        )
        if saved is None and self.errors.message("current"):
            self.current.clear()  # typed again from the start, as at the login
        return saved is not None

    def _refuse(self, message: str, field: str) -> bool:
        self.errors.show(ValidationError(message, field=field))
        return False
