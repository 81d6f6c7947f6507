"""Runs service calls for the desk: errors become messages, and what changed is broadcast.

Every widget calls the services through one :class:`Ops` (anki's CollectionOp idea): a call is
a closure ``lambda uow, actor: service.fn(uow, actor, ...)``, so that its arguments are checked
by the type checker against the service's signature. A write returns its ``Saved`` value or
None; on success the ``Changes`` are emitted on :attr:`changed` together with the widget that
asked (the *initiator*), so that every open window refreshes just what they name and a window
can tell its own saves from a colleague's. A validation error with a known field
is shown next to that field (see :class:`welcome_center.ui.forms.FieldErrors`); a conflict shows
the saved version beside the input where the window can (a form dialog, the record's overview),
else says who changed what and when, and offers to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Protocol, TypeVar, runtime_checkable
from weakref import WeakSet

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from welcome_center.domain.enums import Vocabulary
from welcome_center.domain.errors import ConflictError, DomainError
from welcome_center.domain.views import OfficeSettingsView, UserView, VocabularyItem
from welcome_center.i18n import _, language
from welcome_center.services import settings, users, vocabularies
from welcome_center.services.context import Actor, Changes, ConcurrentChangeError, Saved, UnitOfWork

T = TypeVar("T")

Call = Callable[[UnitOfWork, Actor], T]
"""A service call with its arguments bound: ``lambda uow, actor: get_record(uow, actor, 7)``."""


@runtime_checkable
class ResolvesConflicts(Protocol):
    """A window that answers a conflict of its own save itself (see :meth:`Ops.write`)."""

    def resolve_conflict(self, exc: ConflictError) -> bool:
        """Let the user resolve ``exc``; False when this window cannot (the plain message is
        shown instead)."""
        ...


class Ops(QObject):
    """The logged-in user's access to the services, shared by every window of the desk."""

    changed = Signal(object, object)  # Changes, the initiator (the widget that saved, or None)
    status = Signal(str)  # a quiet success message for the status bar
    open_record_requested = Signal(int)
    open_client_requested = Signal(object)  # ClientRef

    def __init__(self, uow: UnitOfWork, actor: Actor, db_name: str = "") -> None:
        super().__init__()
        self.uow = uow
        self.actor = actor
        self.db_name = db_name
        self._vocab: dict[Vocabulary, list[VocabularyItem]] | None = None
        self._users: list[UserView] | None = None
        self._settings: OfficeSettingsView | None = None
        self._labels: dict[tuple[Vocabulary, str], str] | None = None
        self.jobs = Jobs(self)
        self.changed.connect(self._forget)
        self.is_closed = False

    def close(self) -> None:
        """The desk is closing and its database goes: a timer of a page that fires later reads
        nothing and shows no message (nobody is there to answer it)."""
        self.jobs.wait()
        self.is_closed = True

    # -- cached look-ups -------------------------------------------------------------------

    def _forget(self, changes: Changes, _initiator: object = None) -> None:
        if changes.vocabularies:
            self._vocab = None
            self._labels = None
        if changes.users:
            self._users = None
        if changes.settings:
            self._settings = None

    def vocabulary(self, vocabulary: Vocabulary, active_only: bool = True) -> list[VocabularyItem]:
        """The entries of a vocabulary in their order (cached until a change names it)."""
        if self._vocab is None:
            self._vocab = vocabularies.all_entries(self.uow)
        items = self._vocab.get(vocabulary, [])
        return [e for e in items if e.active] if active_only else list(items)

    def label(self, vocabulary: Vocabulary, code: str | None) -> str:
        """The label of a code in the UI language ("" for None, the code if unknown)."""
        if not code:
            return ""
        if self._labels is None or self._vocab is None:
            lang = language()
            self._labels = {
                (v, e.code): e.label(lang)
                for v in Vocabulary
                for e in self.vocabulary(v, active_only=False)
            }
        return self._labels.get((vocabulary, code), code)

    def users(self) -> list[UserView]:
        if self._users is None:
            self._users = users.list_users(self.uow)
        return self._users

    def counsellors(self) -> list[UserView]:
        """Active users who can work records, by name."""
        from welcome_center.domain.permissions import Permission, allowed

        found = [u for u in self.users() if u.active and allowed(u.roles, Permission.WORK_RECORDS)]
        return sorted(found, key=lambda u: (u.display_name or u.username).casefold())

    def user_name(self, user_id: int | None) -> str:
        for u in self.users():
            if u.id == user_id:
                return u.display_name or u.username
        return ""

    @property
    def settings(self) -> OfficeSettingsView:
        if self._settings is None:
            self._settings = settings.get_settings(self.uow)
        return self._settings

    # -- calls -----------------------------------------------------------------------------

    def read(self, parent: QWidget | None, call: Call[T]) -> T | None:
        """``call(uow, actor)``; an error is shown and None returned. After :meth:`close`
        nothing is read and nothing shown."""
        if self.is_closed:
            return None
        try:
            return call(self.uow, self.actor)
        except DomainError as exc:
            show_error(parent, exc)
        except ConcurrentChangeError:
            show_concurrent(parent)
        return None

    def write(
        self,
        parent: QWidget | None,
        call: Call[Saved[T]],
        *,
        errors: Any = None,
        on_conflict: Callable[[], None] | None = None,
        done: str = "",
        initiator: QObject | None = None,
    ) -> Saved[T] | None:
        """Run a writing call. On success broadcast its Changes with ``initiator`` (by default
        ``parent``) and show ``done`` in the status bar; on a validation error show it next to
        its field in ``errors`` (a FieldErrors) if it knows the field, else in a message box. A
        conflict goes to ``parent`` when it resolves conflicts itself (a form dialog shows the
        saved version beside the input: :mod:`welcome_center.ui.dialogs.conflict`); otherwise a
        message says who changed the item and offers ``on_conflict`` (reload)."""
        if errors is not None:
            errors.clear()
        try:
            saved = call(self.uow, self.actor)
        except ConflictError as exc:
            if not (isinstance(parent, ResolvesConflicts) and parent.resolve_conflict(exc)):
                show_conflict(parent, exc, on_conflict)
            return None
        except DomainError as exc:
            if errors is None or not errors.show(exc):
                show_error(parent, exc)
            return None
        except ConcurrentChangeError:
            show_concurrent(parent)
            return None
        self.broadcast(saved.changes, initiator if initiator is not None else parent)
        if done:
            self.status.emit(done)
        return saved

    def broadcast(self, changes: Changes, initiator: QObject | None = None) -> None:
        """Tell every window what changed, and who asked for it (None: not a window)."""
        if changes != Changes():
            self.changed.emit(changes, initiator)

    def open_record(self, record_id: int) -> None:
        self.open_record_requested.emit(record_id)

    def open_client(self, client: object) -> None:
        self.open_client_requested.emit(client)

    def background(
        self,
        parent: QWidget | None,
        title: str,
        call: Call[T],
        *,
        on_done: Callable[[T], None],
    ) -> None:
        """Run ``call(uow, actor)`` off the UI thread behind a progress dialog; its result
        goes to ``on_done`` on the UI thread, an error to a message box."""
        dialog = QProgressDialog(title, "", 0, 0, parent)
        dialog.setCancelButton(None)
        dialog.setMinimumDuration(300)
        dialog.setWindowTitle(title)

        def finished(ok: bool, value: object) -> None:
            if not isValid(dialog):
                return  # the program is closing: the progress dialog went with its window
            dialog.reset()
            dialog.deleteLater()
            if parent is not None and not isValid(parent):
                return  # the page that asked was closed meanwhile: nobody to tell
            if ok:
                on_done(value)  # type: ignore[arg-type]
            elif isinstance(value, DomainError):
                show_error(parent, value)
            elif isinstance(value, ConcurrentChangeError):
                show_concurrent(parent)
            else:
                show_error(
                    parent, DomainError(_("The task failed: %(reason)s") % {"reason": value})
                )

        self.jobs.start(lambda: call(self.uow, self.actor), finished)

    def quietly(self, fn: Callable[[UnitOfWork], T], on_done: Callable[[T], None]) -> None:
        """Run ``fn(uow)`` off the UI thread without a progress dialog (a check after start);
        its result goes to ``on_done`` on the UI thread, an error is dropped."""

        def finished(ok: bool, value: object) -> None:
            if ok:
                on_done(value)  # type: ignore[arg-type]

        self.jobs.start(lambda: fn(self.uow), finished)


class Jobs(QObject):
    """Work off the UI thread: Python threads run it, and the UI thread collects the results
    on a short timer while any job is pending, so that no Qt object is touched from a worker
    thread. (PySide6 6.12.0 miscounted references to None and True in its threads and queued
    signals, with or without QThreadPool, and the interpreter aborted with "bool_dealloc"
    after some thousands of jobs: pyproject.toml excludes it, tests/ui/test_background_jobs.py
    runs 20,000 jobs to catch such a release.)"""

    POLL_MS = 25
    _all: WeakSet[Jobs] = WeakSet()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        Jobs._all.add(self)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="desk-job")
        self._pending: list[tuple[Future[object], Callable[[bool, object], None]]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self.collect)

    def start(self, work: Callable[[], object], finished: Callable[[bool, object], None]) -> None:
        """Run ``work()`` in a worker thread; ``finished(ok, value or exception)`` follows on
        the UI thread."""
        self._pending.append((self._pool.submit(work), finished))
        self._timer.start()

    def collect(self) -> None:
        """Report every finished job (on the UI thread), in the order they were started."""
        done = [(f, report) for f, report in self._pending if f.done()]
        self._pending = [(f, report) for f, report in self._pending if not f.done()]
        if not self._pending:
            self._timer.stop()
        for future, report in done:
            error = future.exception()
            report(error is None, future.result() if error is None else error)

    def pending(self) -> int:
        return len(self._pending)

    def wait(self, timeout: float = 10.0) -> None:
        """Wait for the running jobs and report them (for tests and for closing)."""
        wait([f for f, _report in self._pending], timeout=timeout)
        self.collect()

    @classmethod
    def wait_all(cls, timeout: float = 10.0) -> None:
        """Every desk's jobs end and report back (a test's teardown, before its database goes)."""
        for jobs in list(cls._all):
            if isValid(jobs):
                jobs.wait(timeout)


def show_error(parent: QWidget | None, exc: DomainError) -> None:
    QMessageBox.warning(parent, _("Not saved") if exc.field else _("Notice"), exc.message)


def show_concurrent(parent: QWidget | None) -> None:
    QMessageBox.warning(
        parent,
        _("Saved by someone else"),
        _(
            "Someone else saved the same item at the same moment; nothing was saved. "
            "Please try again."
        ),
    )


def show_conflict(
    parent: QWidget | None, exc: ConflictError, on_conflict: Callable[[], None] | None
) -> None:
    """Say who changed the item and when; offer to reload (the typed input stays otherwise)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(_("Changed meanwhile"))
    box.setText(exc.message)
    box.setInformativeText(
        _("Reload shows the saved version; your input in this window is then discarded.")
        if on_conflict
        else _("Close this window and open the item again to see the saved version.")
    )
    reload_button = None
    if on_conflict:
        reload_button = box.addButton(_("&Reload"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("&Keep my input"), QMessageBox.ButtonRole.RejectRole)
    else:
        box.addButton(QMessageBox.StandardButton.Ok)
    box.exec()
    if on_conflict and box.clickedButton() is reload_button:
        on_conflict()
