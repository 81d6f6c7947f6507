"""A record window's record that its user no longer sees: where counsellors see only their own
records, one given to a colleague (in the window itself, or on another desk) or deleted. The
window says so and closes, or, with input typed, stays for copying it and saves nothing
(:class:`NoLongerSeen`, mixed into :class:`~welcome_center.ui.record.window.RecordWindow`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QWidget,
)

from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import _
from welcome_center.services import cases
from welcome_center.ui.ops import Ops
from welcome_center.ui.record.header import HeaderBar
from welcome_center.ui.record.overview import OverviewTab


class NoLongerSeen:
    """The record window's part for a record its user no longer sees."""

    # What the window has (RecordWindow sets them).
    ops: Ops
    record_id: int
    details: RecordDetails | None
    header: HeaderBar
    tabs: QTabWidget
    overview: OverviewTab
    notice: QFrame
    notice_text: QLabel
    notice_compare: QPushButton
    notice_reload: QPushButton
    notice_ok: QPushButton
    _unseen: bool
    has_unsaved: Callable[[], bool]
    _show: Callable[[RecordDetails], None]
    _listen: Callable[[bool], None]
    close: Callable[[], bool]

    @property
    def _window(self) -> QWidget:
        return cast(QWidget, self)

    def _still_seen(self) -> bool | None:
        """Whether the record is still there for this user; None when the read failed (its
        error has been shown)."""
        rid = self.record_id
        return self.ops.read(self._window, lambda uow, actor: cases.is_seen(uow, actor, rid))

    def _given_away(self, before: RecordDetails | None, d: RecordDetails) -> bool:
        """After a save of this window that changed the counsellor or the substitute: where
        counsellors see only their own records, one given to a colleague is not the user's to
        see any more; the window says whose it is now and closes."""
        if before is None or (before.counsellor_id, before.substitute_id) == (
            d.counsellor_id,
            d.substitute_id,
        ):
            return False
        if self._still_seen() is not False:
            return False
        self._show(d)  # saved: no input is left
        names = {"number": d.number, "name": d.counsellor or _("a colleague")}
        if before.counsellor_id == d.counsellor_id:  # she was its substitute, and is not now
            text = _(
                "You are no longer the substitute on %(number)s, %(name)s's record. In this "
                "office counsellors see only their own records, so its window closes."
            )
        else:
            text = _(
                "%(number)s is now %(name)s's record. In this office counsellors see only their "
                "own records, so its window closes."
            )
        self._close_unseen(text % names)
        return True

    def _no_longer_seen(self, remote: bool) -> None:
        """Someone gave the record to a colleague, or deleted it: it is not shown to this user
        any more. Without input the window closes; with input it stays, so that the user can
        copy what was typed, and says that nothing can be saved to it."""
        number = self.details.number if self.details else ""
        text = (
            _(
                "%(number)s was given to a colleague or deleted on another desk: it is no longer "
                "shown to you."
            )
            if remote
            else _("%(number)s was given to a colleague or deleted: it is no longer shown to you.")
        ) % {"number": number}
        if not self.has_unsaved() and not self._dialog_open():
            self._close_unseen(text)
            return
        # Input typed, here or in a dialog of a tab: kept for copying; nothing else to do here.
        # The window keeps listening: given back, it becomes the record's window again.
        self._set_unseen(True)
        self.notice_text.setText(
            text
            + " "
            + _("What you typed cannot be saved to it: copy what you need, then close the window.")
        )
        for button in (self.notice_compare, self.notice_reload, self.notice_ok):
            button.hide()
        self.notice.show()

    def _dialog_open(self) -> bool:
        """Whether a dialog of this window (a consultation, a referral ...) is open: its input
        would go with the window."""
        modal = QApplication.activeModalWidget()
        while modal is not None:
            if modal is self._window:
                return True
            modal = modal.parentWidget()
        return False

    def _set_unseen(self, unseen: bool) -> None:
        """The record's parts but the overview (whose input may be copied), and the header's
        actions, are out of use while the record is not the user's to see."""
        self._unseen = unseen
        self.header.setEnabled(not unseen)
        if unseen:  # (a tab disabled under the user would pass the focus on to another)
            self.tabs.setCurrentWidget(self.overview)
        for index in range(self.tabs.count()):
            if self.tabs.widget(index) is not self.overview:
                self.tabs.setTabEnabled(index, not unseen)

    def _seen_again(self) -> None:
        self._set_unseen(False)
        self.notice.hide()

    def _close_unseen(self, text: str) -> None:
        self._unseen = True
        self._listen(False)
        self.ops.status.emit(text)
        QMessageBox.information(self._window, _("Record no longer shown"), text)
        self.close()
