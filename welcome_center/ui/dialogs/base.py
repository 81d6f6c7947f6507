"""The desk's questions, and the frame of its form dialogs.

- :func:`confirm`: a question answered by the action's own words ("&Promote" / "&Cancel"),
  never a bare Yes / No; the safe answer is the default, Escape gives it too.
- :func:`ask_unsaved`: input would be lost: "&Save" / "&Discard" / "&Cancel".
- :class:`BaseDialog`: a form dialog that asks before typed input is lost (Esc, Cancel, the
  window's close button), and that answers a save refused because a colleague saved the same
  item meanwhile by showing both versions side by side (:mod:`.conflict`): the user keeps
  theirs on top of the colleague's (a new version; the colleague's stays in the history), takes
  the colleague's, or goes back to editing.

Every question is shown by :func:`run_question`, the one place tests answer them (the
``message_boxes`` fixture of tests/ui) without a window appearing.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QMessageBox, QPushButton, QWidget

from welcome_center.domain.errors import ConflictError
from welcome_center.i18n import _
from welcome_center.ui.dialogs.conflict import (
    Field,
    Resolution,
    Texts,
    compare,
    form_fields,
    texts_of,
)

T = TypeVar("T")


class Answer(Enum):
    """What the user answered to :func:`ask_unsaved`."""

    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def run_question(box: QMessageBox) -> None:
    """Show ``box`` until it is answered (tests replace this to answer it themselves)."""
    box.exec()


def _box(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names in the text are data, never markup
    box.setText(text)
    return box


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str, no: str = "") -> bool:
    """Ask before an action: True when the user chose ``yes``, the action's own words with a
    mnemonic ("&Promote", "&Remove"); ``no`` (by default "&Cancel") is the default answer and
    the one Escape gives."""
    box = _box(parent, title, text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no or _("&Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    run_question(box)
    return box.clickedButton() is yes_button


def ask_unsaved(parent: QWidget | None, text: str, title: str = "") -> Answer:
    """Typed input would be lost: save it, discard it, or cancel (keep editing). Save is the
    default answer, Escape cancels."""
    box = _box(parent, title or _("Unsaved changes"), text)
    buttons: dict[Answer, QPushButton] = {
        Answer.SAVE: box.addButton(_("&Save"), QMessageBox.ButtonRole.AcceptRole),
        Answer.DISCARD: box.addButton(_("&Discard"), QMessageBox.ButtonRole.DestructiveRole),
        Answer.CANCEL: box.addButton(_("&Cancel"), QMessageBox.ButtonRole.RejectRole),
    }
    box.setDefaultButton(buttons[Answer.SAVE])
    box.setEscapeButton(buttons[Answer.CANCEL])
    run_question(box)
    clicked = box.clickedButton()
    return next((a for a, b in buttons.items() if b is clicked), Answer.CANCEL)


class BaseDialog(QDialog):
    """A form dialog. Subclasses say whether there is unsaved input (:meth:`has_unsaved`) and
    how to save it (:meth:`save_and_close`); to resolve conflicts they read the saved version
    (:meth:`saved_version`) and show it (:meth:`show_saved`). Their saves go through
    :meth:`saving`, and their writes pass the dialog as the parent to ``Ops.write``, which
    hands a conflict to :meth:`resolve_conflict`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save_again = False
        self._base: Texts | None = None  # what the fields showed when the form was loaded

    # -- unsaved input -------------------------------------------------------------------------

    def has_unsaved(self) -> bool:
        """Whether closing now would lose typed input."""
        return False

    def unsaved_text(self) -> str:
        """The question asked before unsaved input is lost."""
        return _("What you typed in this window is not saved. Save it?")

    def save_and_close(self) -> None:
        """Save the input; the dialog closes when it is saved, else stays with the reason."""
        raise NotImplementedError

    def reject(self) -> None:
        """Esc, Cancel or the window's close button: with unsaved input, ask first."""
        if self.has_unsaved():
            answer = ask_unsaved(self, self.unsaved_text())
            if answer is Answer.SAVE:
                self.save_and_close()
                return
            if answer is Answer.CANCEL:
                return
        super().reject()

    def discard(self) -> None:
        """Close without saving and without asking."""
        super().reject()

    # -- a colleague saved the same item meanwhile -----------------------------------------------

    def saved_version(self) -> Any:
        """The item as saved now (None: removed meanwhile). Raises NotImplementedError where
        the dialog cannot compare (then the plain notice of ``Ops`` is shown)."""
        raise NotImplementedError

    def show_saved(self, item: Any) -> None:
        """Fill the form with ``item`` and take its version as the one a save is based on."""
        raise NotImplementedError

    def conflict_fields(self) -> list[Field]:
        """The fields compared when a save conflicts: by default every row of the dialog's
        forms, as the user reads them."""
        return form_fields(*self.findChildren(QFormLayout))

    def remember_base(self) -> None:
        """The form shows the item as saved: what the user changes is told apart from it (a
        conflict keeps the colleague's value in the fields the user left as they were)."""
        self._base = texts_of(self.conflict_fields())

    def resolve_conflict(self, exc: ConflictError) -> bool:
        """Show the saved version beside the input and do what the user chooses (``Ops.write``
        calls this). False when this dialog cannot compare versions."""
        try:
            saved = self.saved_version()
        except NotImplementedError:
            return False
        if saved is None:
            QMessageBox.information(
                self, _("Removed meanwhile"), _("Someone else removed this entry meanwhile.")
            )
            super().reject()  # nothing left to save the input to
            return True
        choice = compare(
            self,
            self.conflict_fields(),
            lambda: self.show_saved(saved),
            exc.changed_by or _("Someone else"),
            exc.changed_at or "",
            self._base,
        )
        self._save_again = choice is Resolution.KEEP_MINE
        return True

    def saving(self, write: Callable[[], T]) -> T:
        """``write()``; once more when a conflict was answered with "save my version" (the input
        is then based on the version saved meanwhile, so it is saved on top of it)."""
        while True:
            self._save_again = False
            result = write()
            if result or not self._save_again:
                return result
