"""Start of the desk: the first-run set-up of a new database, and the login."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import Role
from welcome_center.domain.errors import DomainError, ValidationError
from welcome_center.i18n import _
from welcome_center.services import settings, users
from welcome_center.services.context import Actor, UnitOfWork
from welcome_center.ui.forms import FieldErrors, error_label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


Opener = Callable[[str, str], tuple[UnitOfWork, Actor]]


class LoginDialog(QDialog):
    """User name and password; one message for every failure (no hint whether a user exists).

    On an encrypted file that is not open yet there is no ``uow``: ``opener`` opens the file
    with the name and password (their key slot) and logs in."""

    def __init__(
        self,
        uow: UnitOfWork | None,
        office_name: str,
        database: str,
        hint: str = "",
        parent: QWidget | None = None,
        opener: Opener | None = None,
    ) -> None:
        super().__init__(parent)
        self.uow = uow
        self._opener = opener
        self.actor: Actor | None = None
        self.setWindowTitle(_("Log in – %(office)s") % {"office": office_name})
        self.username = QLineEdit()
        self.password = _password_edit()
        self.message = error_label()
        # The message wraps within the dialog's width: showing it makes the dialog taller, not
        # wider to the right of where it opened (a German refusal widened it by a third).
        policy = self.message.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.message.setSizePolicy(policy)
        form = QFormLayout()
        for text, widget in ((_("&User name:"), self.username), (_("&Password:"), self.password)):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Log in"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        where = QLabel(_("Database: %(name)s") % {"name": database})
        where.setTextFormat(Qt.TextFormat.PlainText)
        where.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(_heading(office_name))
        lay.addWidget(where)
        if hint:
            self.hint = QLabel(hint)
            self.hint.setTextFormat(Qt.TextFormat.PlainText)
            self.hint.setWordWrap(True)
            self.hint.setFrameShape(QLabel.Shape.StyledPanel)
            self.hint.setMargin(8)
            lay.addWidget(self.hint)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        width = self.fontMetrics().averageCharWidth() * 60
        self.setMinimumWidth(width)
        # As tall as the lines need at that width (the size hint's narrower width wraps them
        # into more lines; the spare height then moved the fields when the message showed).
        self.resize(width, max(self.heightForWidth(width), self.minimumSizeHint().height()))

    def try_login(self) -> None:
        self.message.hide()
        try:
            if self.uow is None:
                assert self._opener is not None
                self.uow, self.actor = self._opener(self.username.text(), self.password.text())
            else:
                self.actor = users.authenticate(
                    self.uow, self.username.text(), self.password.text()
                )
        except DomainError as exc:
            self.message.setText(exc.message)
            self.message.show()
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


class FirstRunDialog(QDialog):
    """A new database: the office's name and the first administrator, then straight in."""

    def __init__(
        self,
        uow: UnitOfWork | None,
        parent: QWidget | None = None,
        *,
        location: str = "",
        create: Callable[[bool], UnitOfWork] | None = None,
        can_encrypt: bool = False,
    ) -> None:
        """``uow`` of a new, empty database; or none yet, and ``create`` makes it at
        ``location`` when the user confirms (encrypted if asked: ``can_encrypt`` offers it)."""
        super().__init__(parent)
        self.uow = uow
        self._create = create
        self.actor: Actor | None = None
        self.setWindowTitle(_("Set up the office"))
        current = settings.get_settings(uow) if uow else settings.DEFAULTS
        self.office = QLineEdit(current.office_name)
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.password = _password_edit()
        self.repeat = _password_edit()
        self.errors = FieldErrors(error_label())
        form = QFormLayout()
        e = self.errors
        e.add_row(form, _("&Office name:"), self.office, "office_name")
        e.add_row(form, _("Administrator's &user name:"), self.username, "username")
        e.add_row(form, _("&Full name:"), self.display_name)
        e.add_row(form, _("&Password:"), self.password, "password")
        e.add_row(form, _("&Repeat password:"), self.repeat, "repeat")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Set up and log in"))
        buttons.accepted.connect(self.set_up)
        buttons.rejected.connect(self.reject)
        intro = QLabel(
            _(
                "This database is new. Name the office (it appears on reports) and create the "
                "first administrator, who can then add the counsellors."
            )
        )
        intro.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(_heading(_("Welcome")))
        lay.addWidget(intro)
        if uow is None:
            self.where = QLabel(
                _("The office's database will be created in this file: %(path)s")
                % {"path": location}
            )
            self.where.setTextFormat(Qt.TextFormat.PlainText)
            self.where.setWordWrap(True)
            self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lay.addWidget(self.where)
        self.encrypt = QCheckBox(
            _("&Encrypt the database (recommended: a copied file shows nothing without a password)")
        )
        self.encrypt.setChecked(can_encrypt)
        self.encrypt.setVisible(uow is None and can_encrypt)
        lay.addLayout(form)
        lay.addWidget(self.encrypt)
        lay.addWidget(self.errors.general)
        lay.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 95)

    def set_up(self) -> None:
        """Office name first, then the administrator: a failed second step can be repeated
        (the dialog comes again at the next start until an administrator exists)."""
        self.errors.clear()
        try:
            if self.password.text() != self.repeat.text():
                raise ValidationError(_("The two passwords differ."), field="repeat")
            if not self.office.text().strip():
                raise ValidationError(_("Enter the office's name."), field="office_name")
            users.check_new_user(self.username.text(), self.password.text())
            if self.uow is None:
                assert self._create is not None
                # The database is made only now, when confirmed.
                self.uow = self._create(self.encrypt.isVisible() and self.encrypt.isChecked())
            first_run = Actor(None, f"first-run:{self.username.text().strip()}", Role.ADMIN)
            settings.update_settings(self.uow, first_run, office_name=self.office.text())
            saved = users.add_user(
                self.uow,
                None,
                self.username.text(),
                self.password.text(),
                users.FIRST_USER_ROLES,
                self.display_name.text(),
            )
        except DomainError as exc:
            self.errors.show(exc)
            return
        self.actor = Actor(saved.value.id, saved.value.username, saved.value.roles)
        self.accept()


def show_start_error(message: str) -> None:
    """The desk cannot start: why, and what to do, in a window of its own."""
    box = QMessageBox(QMessageBox.Icon.Critical, _("Welcome Center cannot start"), message)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
