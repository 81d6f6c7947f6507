"""Administration, tab Users: add a user, deactivate or activate, reset a password, change a role.
Also the frame of the administration's small dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import Role
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import UserView
from welcome_center.i18n import _
from welcome_center.i18n.labels import label
from welcome_center.services import users
from welcome_center.ui import forms
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.lists import (
    RowTableModel,
    fit_columns,
    list_table,
    select_row,
    selected_row,
)
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.dialogs import EditDialog
from welcome_center.ui.record.dialogs import run as run_dialog


class AdminDialog(EditDialog):
    """A form with error lines under the fields, Save and Cancel, Ctrl+S to save; closing with
    typed input asks first (the record window's form dialog). Subclasses fill :attr:`form` and
    implement :meth:`value` and :meth:`write` (True when saved)."""

    def run(self) -> bool:
        """Show modally; True when saved. The dialog is deleted afterwards."""
        return run_dialog(self)


def password_field(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setAccessibleName(name)
    return edit


class _PasswordPair:
    """Two password fields that must match; the second one shows the mismatch."""

    def __init__(self, dialog: AdminDialog, first: str, second: str) -> None:
        self.password = password_field(_("Password"))
        self.repeat = password_field(_("Repeat password"))
        dialog.errors.add_row(dialog.form, first, self.password, field="password")
        dialog.errors.add_row(dialog.form, second, self.repeat, field="repeat")

    def checked(self, errors: forms.FieldErrors) -> str | None:
        """The password, or None after showing that the two differ."""
        errors.clear()
        if self.password.text() != self.repeat.text():
            errors.show(ValidationError(_("The two passwords differ."), field="repeat"))
            return None
        return self.password.text()


def role_combo() -> QComboBox:
    combo = forms.fill_combo(QComboBox(), [(label(r), r.value) for r in Role], optional=False)
    combo.setAccessibleName(_("Role"))
    return combo


class AddUserDialog(AdminDialog):
    """A new user: user name, display name, role and a password typed twice."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Add user"), parent)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = role_combo()
        forms.set_combo_value(self.role, Role.COUNSELLOR.value)
        self.errors.add_row(self.form, _("&User name:"), self.username, field="username")
        self.errors.add_row(self.form, _("&Display name:"), self.display_name, field="display_name")
        self.errors.add_row(self.form, _("&Role:"), self.role)
        self.passwords = _PasswordPair(self, _("&Password:"), _("Repe&at password:"))
        self.ready()

    def value(self) -> Any:
        return (self.username.text(), self.display_name.text(), self.role.currentIndex(),
                self.passwords.password.text(), self.passwords.repeat.text())  # fmt: skip

    def write(self) -> bool:
        password = self.passwords.checked(self.errors)
        if password is None:
            return False
        name = self.username.text().strip()
        saved = self.ops.write(
            self,
            lambda uow, actor: users.add_user(
                uow, actor, name, password, Role(self.role.currentData()), self.display_name.text()
            ),
            errors=self.errors,
            done=_("User %(name)s added.") % {"name": name},
        )
        return saved is not None


class PasswordDialog(AdminDialog):
    """A new password for a user, typed twice."""

    def __init__(self, ops: Ops, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Reset password of %(user)s") % {"user": user.username}, parent)
        self.user = user
        self.passwords = _PasswordPair(self, _("New &password:"), _("Repe&at password:"))
        self.ready()

    def value(self) -> Any:
        return (self.passwords.password.text(), self.passwords.repeat.text())

    def write(self) -> bool:
        password = self.passwords.checked(self.errors)
        if password is None:
            return False
        done = _("New password set for %(user)s.") % {"user": self.user.username}
        saved = self.ops.write(
            self,
            lambda uow, actor: users.reset_password(uow, actor, self.user.id, password),
            errors=self.errors,
            done=done,
        )
        return saved is not None


def state_word(u: UserView) -> str:
    if not u.active:
        return _("Deactivated")
    return _("Active") if u.has_password else _("Active, no password yet")


class UsersTab(QWidget):
    """Every user of the desk, with what an administrator does to them."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.users: list[UserView] = []
        self.model = RowTableModel([_("User name"), _("Display name"), _("Role"), _("State")],
                                   parent=self)  # fmt: skip
        self.table = list_table(self.model, _("Users"))
        self.add_button = QPushButton(_("&Add user…"))
        self.add_button.clicked.connect(self.add_user)
        self.active_button = QPushButton(_("Deac&tivate"))
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button = QPushButton(_("Reset pass&word…"))
        self.password_button.clicked.connect(self.reset_password)
        self.role_button = QPushButton(_("Change &role…"))
        self.role_button.clicked.connect(self.change_role)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.active_button, self.password_button, self.role_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._enable())
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self._enable()

    def refresh(self) -> None:
        keep = self.current()
        self.users = list(self.ops.users())
        self.model.set_rows([
            (u.id, (u.username, u.display_name, label(u.role), state_word(u)))
            for u in self.users
        ])  # fmt: skip
        fit_columns(self.table)
        self.select(keep.id if keep else None)
        self._enable()

    def select(self, user_id: int | None) -> None:
        row = self.model.row_of(user_id) if user_id is not None else 0
        select_row(self.table, row)

    def current(self) -> UserView | None:
        row = selected_row(self.table)
        return self.users[row] if 0 <= row < len(self.users) else None

    def _enable(self) -> None:
        u = self.current()
        me = u is not None and u.id == self.ops.actor.user_id
        self.active_button.setText(
            _("Ac&tivate") if u is not None and not u.active else _("Deac&tivate")
        )
        self.active_button.setEnabled(u is not None and not me)
        self.role_button.setEnabled(u is not None and not me)
        self.password_button.setEnabled(u is not None)

    def add_user(self) -> None:
        dialog = AddUserDialog(self.ops, self)
        if dialog.run():
            name = dialog.username.text().strip().casefold()
            found = [u for u in self.ops.users() if u.username.casefold() == name]
            self.select(found[0].id if found else None)

    def toggle_active(self) -> None:
        u = self.current()
        if u is None:
            return
        if u.active:
            question = _(
                "Deactivate %(user)s? The user can no longer log in; their records, "
                "follow-ups and history stay."
            ) % {"user": u.display_name or u.username}
            if not confirm(self, _("Deactivate user"), question, yes=_("&Deactivate")):
                return
            done = _("%(user)s deactivated.") % {"user": u.username}
        else:
            done = _("%(user)s activated.") % {"user": u.username}
        self.ops.write(
            self, lambda uow, actor: users.set_active(uow, actor, u.id, not u.active), done=done
        )

    def reset_password(self) -> None:
        u = self.current()
        if u is not None:
            PasswordDialog(self.ops, u, self).run()

    def change_role(self) -> None:
        u = self.current()
        if u is None:
            return
        roles = list(Role)
        words = [label(r) for r in roles]
        word, ok = QInputDialog.getItem(
            self, _("Change role"), _("&Role of %(user)s:") % {"user": u.username},
            words, roles.index(u.role), False,
        )  # fmt: skip
        if not ok or word not in words:
            return
        role = roles[words.index(word)]
        if role is not u.role:
            done = _("%(user)s is now: %(role)s.") % {"user": u.username, "role": label(role)}
            self.ops.write(
                self, lambda uow, actor: users.set_role(uow, actor, u.id, role), done=done
            )
