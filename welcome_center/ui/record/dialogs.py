"""The small edit dialogs of the record editor share this frame: a form with error lines under
the fields, Save and Cancel, Ctrl+S / Ctrl+Enter to save; Esc asks before typed input is lost,
and a save refused because a colleague saved the item meanwhile shows both versions side by side
(both from :class:`welcome_center.ui.dialogs.base.BaseDialog`).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from welcome_center.i18n import _
from welcome_center.i18n.labels import label
from welcome_center.ui.dialogs.base import BaseDialog
from welcome_center.ui.dialogs.conflict import Field, form_fields
from welcome_center.ui.forms import FieldErrors, fill_combo, set_combo_value
from welcome_center.ui.widgets.date_field import dates_ok, invalid_fields

if TYPE_CHECKING:
    from welcome_center.ui.ops import Ops

E = TypeVar("E", bound=StrEnum)
W = TypeVar("W", bound=QWidget)
T = TypeVar("T")


def field_row(
    errors: FieldErrors, form: QFormLayout, text: str, widget: W, field: str | None = None
) -> W:
    """``text: widget`` in ``form`` with an error line for ``field``; returns ``widget``."""
    errors.add_row(form, text, widget, field)
    return widget


def notes_edit(name: str) -> QPlainTextEdit:
    """A multi-line note; Tab moves on to the next field."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setAccessibleName(name)
    rows = 4
    edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * rows + 12)
    return edit


class EditDialog(BaseDialog):
    """A form dialog: subclasses fill :attr:`form`, then call :meth:`ready`; they implement
    :meth:`value` (the input as a comparable value) and :meth:`write` (the service call)."""

    def __init__(self, ops: Ops, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.try_save)
        self._initial: Any = None

    def row(self, text: str, widget: W, field: str | None = None) -> W:
        """Add a row to the dialog's form (with an error line for ``field``)."""
        return field_row(self.errors, self.form, text, widget, field)

    def ready(self) -> None:
        """The form is filled: what it shows now counts as unchanged."""
        self._initial = self.value()
        self.remember_base()

    def value(self) -> Any:
        raise NotImplementedError

    def write(self) -> bool:
        """Save through ``self.ops.write(self, ..., errors=self.errors)``; True when saved."""
        raise NotImplementedError

    def has_unsaved(self) -> bool:
        return bool(self.value() != self._initial or invalid_fields(self))

    def unsaved_text(self) -> str:
        return _("What you typed in this dialog has not been saved. Save it?")

    def showEvent(self, event: QShowEvent) -> None:
        """The dialog opens with the cursor in its first field (it sat on a button)."""
        super().showEvent(event)
        focused = self.focusWidget()
        if focused is None or isinstance(focused, QAbstractButton):
            first = first_field(self.form)
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

    def try_save(self) -> None:
        if dates_ok(self) and self.saving(self.write):
            self.accept()

    def save_and_close(self) -> None:
        self.try_save()

    # -- a change of an item someone else changed meanwhile ------------------------------------

    def saved_item(self) -> Any:
        """The item being changed as saved now (None if it is gone); for :meth:`reload`."""
        raise NotImplementedError

    def show_item(self, item: Any) -> None:
        """Fill the form with ``item`` and take its version as the one the change is based on."""
        raise NotImplementedError

    def saved_version(self) -> Any:
        return self.saved_item()

    def show_saved(self, item: Any) -> None:
        self.errors.clear()
        self.show_item(item)
        self.ready()

    def conflict_fields(self) -> list[Field]:
        return form_fields(self.form)

    def reload(self) -> None:
        """The saved version replaces the input (``on_conflict`` of a write whose conflict the
        dialog does not compare itself)."""
        item = self.saved_item()
        if item is None:
            QMessageBox.information(
                self, _("Removed meanwhile"), _("Someone else removed this entry meanwhile.")
            )
            self.discard()  # nothing left to save the input to
            return
        self.show_saved(item)


def first_field(form: QFormLayout) -> QWidget | None:
    """The first input of ``form`` that takes the keyboard (in reading order)."""
    owner = form.parentWidget()
    if owner is None:
        return None
    for row in range(form.rowCount()):
        item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        widget = item.widget() if item is not None else None
        candidates = [widget] if widget is not None else []
        if widget is not None:
            candidates += widget.findChildren(QWidget)
        for candidate in candidates:
            if (
                candidate.isEnabled()
                and candidate.isVisibleTo(owner)
                and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
                and not isinstance(candidate, QAbstractButton)
            ):
                return candidate
    return None


def find(items: Iterable[T], item_id: int) -> T | None:
    """The item of ``items`` with the id ``item_id``, or None."""
    return next((i for i in items if getattr(i, "id", None) == item_id), None)


def run(dialog: EditDialog) -> bool:
    """Show ``dialog`` modally; True when it saved. The dialog is deleted afterwards."""
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()


def counsellor_combo(ops: Ops, optional: bool = True) -> QComboBox:
    """A choice among the office's counsellors (by name)."""
    combo = QComboBox()
    fill_combo(combo, [(u.display_name or u.username, u.id) for u in ops.counsellors()], optional)
    return combo


def set_counsellor(combo: QComboBox, ops: Ops, user_id: int | None) -> None:
    """Select ``user_id``; an inactive user stays visible under their name."""
    set_combo_value(combo, user_id, ops.user_name(user_id) or None)


def enum_combo(values: Iterable[StrEnum], optional: bool = False) -> QComboBox:
    """A choice among states of code (kinds, roles, statuses), by their words."""
    combo = QComboBox()
    fill_combo(combo, [(label(v), v.value) for v in values], optional)
    return combo


def enum_value(combo: QComboBox, cls: type[E]) -> E | None:
    """The chosen state (Qt hands back the plain code)."""
    data = combo.currentData()
    return None if data is None else cls(data)
