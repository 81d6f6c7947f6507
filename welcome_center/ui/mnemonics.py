"""The standard buttons of every dialog and message box carry a mnemonic in the desk's language
("&Speichern", "&Abbrechen"): Qt's own texts have none on most platforms, so Alt+letter would
reach every field of a dialog but not its buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QWidget,
)

from welcome_center.i18n import _

_Std = QDialogButtonBox.StandardButton
_Msg = QMessageBox.StandardButton

# Texts by the button's name (the same for QDialogButtonBox and QMessageBox); called at use, in
# the language of the moment.
_TEXTS: dict[str, Callable[[], str]] = {
    "Ok": lambda: _("&OK"),
    "Save": lambda: _("&Save"),
    "Cancel": lambda: _("&Cancel"),
    "Close": lambda: _("C&lose"),
    "Discard": lambda: _("&Discard"),
    "Yes": lambda: _("&Yes"),
    "No": lambda: _("&No"),
    "Apply": lambda: _("&Apply"),
    "Reset": lambda: _("&Reset"),
    "Retry": lambda: _("&Retry"),
    "Ignore": lambda: _("&Ignore"),
    "Open": lambda: _("&Open"),
    "Help": lambda: _("&Help"),
}


def name_buttons(widget: QWidget) -> None:
    """Give every standard button under ``widget`` (a dialog or message box) our text with its
    mnemonic, unless the dialog named it itself ("&Log in")."""
    found: list[tuple[str, QAbstractButton | None]] = []
    for box in widget.findChildren(QDialogButtonBox):
        found += [(name, box.button(getattr(_Std, name))) for name in _TEXTS]
    if isinstance(widget, QMessageBox):
        found += [(name, widget.button(getattr(_Msg, name))) for name in _TEXTS]
    for name, button in found:
        if button is not None and "&" not in button.text():
            button.setText(_TEXTS[name]())


class _NameButtons(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDialog):
            name_buttons(watched)
        return False


def install_button_names(app: QApplication) -> None:
    """Every dialog of ``app`` shows its standard buttons with mnemonics (idempotent)."""
    if app.property("welcome_center_names_buttons"):
        return
    app.installEventFilter(_NameButtons(app))
    app.setProperty("welcome_center_names_buttons", True)
