"""The lock screen of an idle desk: the office, who is logged in, and that user's password.

It is shown by :class:`welcome_center.ui.idle_lock.IdleLock` over the covered windows and says
what it was asked to; it cannot be closed by Esc or the window's close button, only by the
right password (:attr:`unlocked`) or by switching user (:attr:`switch_user_requested`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.i18n import _
from welcome_center.ui.forms import error_label


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
    label.setWordWrap(True)
    return label


class LockScreen(QDialog):
    """Password of the logged-in user, or another login: nothing of the desk's data."""

    unlock_requested = Signal(str)  # the password typed
    switch_user_requested = Signal()

    def __init__(self, office: str, user: str, parent: QWidget | None = None) -> None:
        """``user``: the logged-in user as the desk names them ("Lena Krause (lena.krause)")."""
        super().__init__(parent)
        self.setWindowTitle(_("Desk locked"))  # short: the office is named below
        self.setWindowFlags(
            Qt.WindowType.Dialog
            | Qt.WindowType.CustomizeWindowHint
            | Qt.WindowType.WindowTitleHint  # no close button: only unlock or switch user
        )
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.closing = False
        heading = _plain(_("The desk is locked"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.office = _plain(office)
        self.user = _plain(user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Password"))
        why = _plain(
            _(
                "Nobody worked at the desk for a while, so its windows are hidden. Enter your "
                "password to go on where you left off; nothing you typed is lost."
            )
        )
        form = QFormLayout()
        form.addRow(_("Office:"), self.office)
        form.addRow(_("Logged in:"), self.user)
        label = QLabel(_("&Password:"))
        label.setBuddy(self.password)
        form.addRow(label, self.password)
        self.message = error_label()
        buttons = QDialogButtonBox()
        self.unlock_button = QPushButton(_("&Unlock"))
        self.unlock_button.setDefault(True)
        self.switch_button = QPushButton(_("S&witch user…"))
        self.switch_button.setAutoDefault(False)
        buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.switch_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.unlock_button.clicked.connect(self._unlock)
        self.switch_button.clicked.connect(self.switch_user_requested)
        lay = QVBoxLayout(self)
        lay.addWidget(heading)
        lay.addWidget(why)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.password.setFocus()

    def _unlock(self) -> None:
        if not self.password.text():
            self.say(_("Enter your password."))
            return
        self.message.hide()
        self.unlock_requested.emit(self.password.text())

    def say(self, text: str) -> None:
        """Show ``text`` (a wrong password, a switch of user called off); the password field is
        emptied for the next try."""
        self.message.setText(text)
        self.message.show()
        self.password.clear()
        self.password.setFocus()

    def reject(self) -> None:
        """Esc does not unlock the desk."""

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.closing:
            event.accept()
        else:
            event.ignore()  # the window manager's close (Alt+F4) does not unlock either

    def finish(self) -> None:
        """Close for good (unlocked, or the user switched)."""
        self.closing = True
        self.close()
        self.deleteLater()
