"""The idle lock: after some minutes without input the desk hides every window behind a lock.

Counsellors leave the desk open beside the phone; a desk nobody touched for the office's
``idle_lock_minutes`` covers each of its windows (main window, record windows, dialogs, message
boxes) and asks for the logged-in user's password in a :class:`LockScreen`. Nothing is closed:
a dialog waiting in ``exec()`` keeps waiting, with what was typed, and the right password shows
every window as it was, the cursor where it was. "Switch user" closes the desk as the menu's
entry does, asking first about unsaved input; kept input keeps the desk locked.

Input is any key press, mouse click, movement or wheel in any of the desk's windows: a filter
on the application sees them all. It only notes the time (a clock that can be injected); a
timer compares that time with the limit when the limit may have passed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QVBoxLayout, QWidget
from shiboken6 import isValid

from welcome_center.domain.errors import DomainError
from welcome_center.i18n import _
from welcome_center.services import users
from welcome_center.services.context import Changes
from welcome_center.ui.dialogs.lock_screen import LockScreen
from welcome_center.ui.screen import fit_to_screen

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
_UNWIND_TRIES = 10  # of 20 ms each
# Menus, drop-down lists and tips are closed instead (they open again on input).
_NOT_COVERED = (Qt.WindowType.Popup, Qt.WindowType.ToolTip, Qt.WindowType.Desktop)


def _clock() -> float:
    """Seconds, also counting while the computer slept (a laptop closed for an hour)."""
    boot = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boot) if boot is not None else time.monotonic()


class Cover(QWidget):
    """Hides the content of one window: its own widgets are hidden (kept as they are), its
    title says only that the desk is locked, and this plain panel fills it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.target = window
        self.title = window.windowTitle()
        self.focus = window.focusWidget()
        self.hidden = [
            child
            for child in window.findChildren(
                QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
            )
            if not child.isWindow() and not child.isHidden() and child is not self
        ]
        for child in self.hidden:
            child.hide()
        window.setWindowTitle(_("Welcome Center desk – locked"))
        self.setAutoFillBackground(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        text = QLabel(_("The desk is locked."))
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        QVBoxLayout(self).addWidget(text)
        self.setGeometry(window.rect())
        self.show()
        self.raise_()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
        return False

    def remove(self) -> None:
        """Show the window as it was."""
        self.target.removeEventFilter(self)
        self.hide()
        for child in self.hidden:
            if isValid(child):
                child.show()
        self.target.setWindowTitle(self.title)
        if self.focus is not None and isValid(self.focus) and self.focus.isVisible():
            self.focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.deleteLater()


class IdleLock(QObject):
    """Locks ``window``'s desk after the office's idle time; unlocks with the user's password.

    ``window`` is the main window (``ops``, ``switch_user()``, ``leaving``); ``clock`` gives
    seconds (tests pass their own)."""

    def __init__(self, window: Any, clock: Callable[[], float] = _clock) -> None:
        super().__init__(window)
        self.window = window
        self.ops = window.ops
        self.clock = clock
        self.last_input = clock()
        self.limit = 0.0
        self.covers: list[Cover] = []
        self.screen: LockScreen | None = None
        self.switching = False  # the questions of switching user are shown, not covered
        self.focus: QWidget | None = None  # where the cursor was, and in which window
        self.active: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.ops.changed.connect(self._changed)
        self.set_minutes(self.ops.settings.idle_lock_minutes)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def set_minutes(self, minutes: float) -> None:
        """Lock after ``minutes`` without input (a fraction of a minute in tests)."""
        self.limit = minutes * 60
        if not self.locked:
            self._arm()

    def _changed(self, changes: Changes, _initiator: object = None) -> None:
        if changes.settings:
            self.set_minutes(self.ops.settings.idle_lock_minutes)

    def _arm(self) -> None:
        idle = self.clock() - self.last_input
        self.timer.start(max(0, int((self.limit - idle) * 1000)) + 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _INPUT:
            if not self.locked:
                self.last_input = self.clock()
        elif (
            kind == QEvent.Type.Show
            and self.locked
            and not self.switching
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            # A window that opens while locked (a message from a background job) is covered too.
            self._cover(watched)
        return False

    def check(self) -> None:
        """Lock if the desk has been idle long enough, else look again when it may be."""
        if self.locked:
            return
        if self.clock() - self.last_input >= self.limit:
            self.lock()
        else:
            self._arm()

    # -- locking -----------------------------------------------------------------------------

    def lock(self) -> None:
        """Cover every window of the desk and ask for the password."""
        if self.locked or not isValid(self.window) or not self.window.isVisible():
            return
        self.timer.stop()
        for _i in range(20):  # an open menu, a list that dropped down, a calendar
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        QToolTip.hideText()
        self.focus = QApplication.focusWidget()
        self.active = QApplication.activeWindow()
        top = QApplication.activeModalWidget()
        actor = self.ops.actor
        name = self.ops.user_name(actor.user_id)
        who = f"{name} ({actor.name})" if name and name != actor.name else actor.name
        self.screen = LockScreen(self.ops.settings.office_name, who, self.window)
        self.screen.unlock_requested.connect(self.unlock)
        self.screen.switch_user_requested.connect(self.switch_user)
        for widget in QApplication.topLevelWidgets():
            self._cover(widget)
        self._show_screen(top)

    def _cover(self, widget: QWidget) -> None:
        if (
            widget is self.screen
            or not widget.isVisible()
            or widget.windowType() in _NOT_COVERED
            or any(c.target is widget for c in self.covers)
        ):
            return
        self.covers.append(Cover(widget))

    def _show_screen(self, above: QWidget | None) -> None:
        screen = self.screen
        assert screen is not None
        # Over the dialog it guards (or the main window), also when shown again after a switch
        # of user was called off.
        anchor = above if above is not None and isValid(above) else self.window
        screen.adjustSize()
        frame = screen.frameGeometry()
        frame.moveCenter(anchor.frameGeometry().center())
        screen.move(frame.topLeft())
        screen.show()
        fit_to_screen(screen)
        handle = screen.windowHandle()
        if above is not None and isValid(above) and above.windowHandle() and handle:
            handle.setTransientParent(above.windowHandle())  # above the open dialog
        screen.raise_()
        screen.activateWindow()
        screen.password.setFocus()

    def unlock(self, password: str) -> None:
        """The logged-in user's password shows every window as it was; another is refused."""
        try:
            users.authenticate(self.ops.uow, self.ops.actor.name, password)
        except DomainError as exc:
            if self.screen is not None:
                self.screen.say(exc.message)
            return
        self._uncover()

    def _uncover(self) -> None:
        if self.screen is not None:
            self.screen.finish()
            self.screen = None
        for cover in self.covers:
            if isValid(cover) and isValid(cover.target):
                cover.remove()
        self.covers = []
        if self.active is not None and isValid(self.active) and self.active.isVisible():
            self.active.activateWindow()
        if self.focus is not None and isValid(self.focus) and self.focus.isVisible():
            self.focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.last_input = self.clock()
        self._arm()

    # -- switching user ------------------------------------------------------------------------

    def switch_user(self) -> None:
        """Close the open dialogs (each asks about unsaved input), then the desk as the menu's
        "Switch user" does; kept input keeps the desk locked."""
        if self.screen is None:
            return
        self.switching = True
        self.screen.hide()
        self._close_next_dialog()

    def _close_next_dialog(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and dialog is not self.screen:
            level = QThread.currentThread().loopLevel()
            dialog.close()  # a form dialog asks (as on Esc); a question gets its safe answer
            if dialog.isVisible():
                self._stay_locked()
                return
            self._after_unwinding(level)
            return
        window = self.window
        window.switch_user()  # record windows and pages ask about unsaved input
        if isValid(window) and window.isVisible():
            self._stay_locked()
            return
        if self.screen is not None:
            self.screen.finish()
            self.screen = None

    def _after_unwinding(self, level: int, tries: int = 0) -> None:
        """Go on once the closed dialog's exec() has returned to whoever opened it: the desk
        must not close under a dialog still running (a dialog shown without exec() leaves the
        level as it was: on after a moment)."""
        if QThread.currentThread().loopLevel() < level or tries >= _UNWIND_TRIES:
            self._close_next_dialog()
        else:
            QTimer.singleShot(20, self, lambda: self._after_unwinding(level, tries + 1))

    def _stay_locked(self) -> None:
        self.switching = False
        if self.screen is None:
            return
        for widget in QApplication.topLevelWidgets():  # a question's window, say, is gone now
            self._cover(widget)
        self._show_screen(QApplication.activeModalWidget())
        self.screen.say(_("The user was not switched: input that is not saved was kept."))
