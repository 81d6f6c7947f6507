"""Administration, tab Users: add a user, deactivate or activate, reset a password, change the
roles (a user holds one or several: an administrator who also counsels holds both). Also the frame
of the administration's small dialogs."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import Role
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import UserView
from welcome_center.i18n import N_, _
from welcome_center.i18n.labels import roles_label
from welcome_center.services import users
from welcome_center.services.login_attempts import clock_text
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


def user_row(dialog: AdminDialog, user: UserView) -> QLabel:
    """The form's first row names the user the dialog changes: its title may be shortened by
    the window manager ("Reset password of…"), the form is not."""
    shown = user.username
    if user.display_name and user.display_name != user.username:
        shown = f"{user.display_name} ({user.username})"
    label = QLabel(shown)
    label.setTextFormat(Qt.TextFormat.PlainText)
    dialog.form.addRow(_("User:"), label)
    return label


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


# Each role's check box and what it lets a user do (DOMAIN.md, who uses the program).
_ROLE_TEXTS: tuple[tuple[Role, str, str], ...] = (
    (Role.COUNSELLOR, N_("C&ounsellor"), N_("enquiries and cases, with names and notes")),
    (Role.MANAGER, N_("&Manager"), N_("figures and reports, no names or notes")),
    (
        Role.ADMIN,
        N_("Adm&inistrator"),
        N_("users, vocabularies, partners, settings, backups; no case content"),
    ),
    (
        Role.LIST_EXPORT,
        N_("E&xport lists with names"),
        N_("record lists as spreadsheets; each export is logged"),
    ),
)


class RoleChecks(QWidget):
    """A check box per role, each with what it lets a user do; several may be ticked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_("Roles"))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.checks: dict[Role, QCheckBox] = {}
        for row, (role, text, what) in enumerate(_ROLE_TEXTS):
            check = QCheckBox(_(text))
            hint = QLabel(_(what))
            hint.setTextFormat(Qt.TextFormat.PlainText)
            hint.setEnabled(False)  # the greyed words of a hint
            check.setToolTip(_(what))
            grid.addWidget(check, row, 0)
            grid.addWidget(hint, row, 1)
            self.checks[role] = check
        grid.setColumnStretch(1, 1)

    def roles(self) -> frozenset[Role]:
        return frozenset(r for r, c in self.checks.items() if c.isChecked())

    def set_roles(self, roles: frozenset[Role]) -> None:
        for role, check in self.checks.items():
            check.setChecked(role in roles)

    def first(self) -> QCheckBox:
        return self.checks[Role.COUNSELLOR]


class AddUserDialog(AdminDialog):
    """A new user: user name, display name, roles and a password typed twice."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Add user"), parent)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.roles = RoleChecks()
        self.roles.set_roles(frozenset({Role.COUNSELLOR}))
        self.errors.add_row(self.form, _("&User name:"), self.username, field="username")
        self.errors.add_row(self.form, _("&Display name:"), self.display_name, field="display_name")
        self.errors.add_row(self.form, _("Roles:"), self.roles, field="roles")
        self.passwords = _PasswordPair(self, _("&Password:"), _("Repe&at password:"))
        self.ready()

    def value(self) -> Any:
        return (self.username.text(), self.display_name.text(), self.roles.roles(),
                self.passwords.password.text(), self.passwords.repeat.text())  # fmt: skip

    def write(self) -> bool:
        password = self.passwords.checked(self.errors)
        if password is None:
            return False
        name = self.username.text().strip()
        roles = self.roles.roles()
        saved = self.ops.write(
            self,
            lambda uow, actor: users.add_user(
                uow, actor, name, password, roles, self.display_name.text()
            ),
            errors=self.errors,
            done=_("User %(name)s added.") % {"name": name},
        )
        return saved is not None


class RolesDialog(AdminDialog):
    """The roles of one user, ticked; for one's own account only a role held may be given up
    (never the administrator's: another administrator changes that)."""

    def __init__(self, ops: Ops, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Roles of %(user)s") % {"user": user.username}, parent)
        self.user = user
        self.user_label = user_row(self, user)
        self.roles = RoleChecks()
        self.roles.set_roles(user.roles)
        self.errors.add_row(self.form, _("Roles:"), self.roles, field="roles")
        if user.id == ops.actor.user_id:
            for role, check in self.roles.checks.items():
                check.setEnabled(role in user.roles and role is not Role.ADMIN)
            note = QLabel(
                _("You can give up a role of your own; another administrator gives you one.")
            )
            note.setWordWrap(True)
            self.form.addRow(note)
        self.ready()

    def showEvent(self, event: QShowEvent) -> None:
        """The dialog opens on the first role that may be changed (it has no text field)."""
        super().showEvent(event)
        first = next((c for c in self.roles.checks.values() if c.isEnabled()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.TabFocusReason)

    def value(self) -> Any:
        return self.roles.roles()

    def write(self) -> bool:
        roles, u = self.roles.roles(), self.user
        if roles == u.roles:
            return True
        done = _("%(user)s is now: %(role)s.") % {"user": u.username, "role": roles_label(roles)}
        saved = self.ops.write(
            self,
            lambda uow, actor: users.set_roles(uow, actor, u.id, roles),
            errors=self.errors,
            done=done,
        )
        return saved is not None


class PasswordDialog(AdminDialog):
    """A new password for a user, typed twice."""

    def __init__(self, ops: Ops, user: UserView, parent: QWidget | None = None) -> None:
        super().__init__(ops, _("Reset password of %(user)s") % {"user": user.username}, parent)
        self.user = user
        self.user_label = user_row(self, user)
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
    if u.locked_until is not None:
        return _("Locked until %(time)s (failed logins)") % {"time": clock_text(u.locked_until)}
    return _("Active") if u.has_password else _("Active, no password yet")


class UsersTab(QWidget):
    """Every user of the desk, with what an administrator does to them."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.users: list[UserView] = []
        self.model = RowTableModel([_("User name"), _("Display name"), _("Roles"), _("State")],
                                   parent=self)  # fmt: skip
        self.table = list_table(self.model, _("Users"))
        self.add_button = QPushButton(_("Add u&ser…"))
        self.add_button.clicked.connect(self.add_user)
        self.active_button = QPushButton(_("Deac&tivate"))
        self.active_button.clicked.connect(self.toggle_active)
        self.password_button = QPushButton(_("Reset pass&word…"))
        self.password_button.clicked.connect(self.reset_password)
        self.role_button = QPushButton(_("Change &roles…"))
        self.role_button.clicked.connect(self.change_roles)
        self.unlock_button = QPushButton(_("Lift login &lock"))
        self.unlock_button.setToolTip(
            _("Let the user log in again now, after failed logins locked their user name.")
        )
        self.unlock_button.clicked.connect(self.unlock_login)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.active_button, self.password_button, self.role_button,
                  self.unlock_button):  # fmt: skip
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
            (u.id, (u.username, u.display_name, roles_label(u.roles), state_word(u)))
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
        self.role_button.setEnabled(u is not None)
        self.password_button.setEnabled(u is not None)
        self.unlock_button.setEnabled(u is not None and u.locked_until is not None)

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

    def change_roles(self) -> None:
        u = self.current()
        if u is not None:
            RolesDialog(self.ops, u, self).run()

    def unlock_login(self) -> None:
        u = self.current()
        if u is None or u.locked_until is None:
            return
        done = _("%(user)s can log in again.") % {"user": u.username}
        self.ops.write(self, lambda uow, actor: users.unlock_login(uow, actor, u.id), done=done)
