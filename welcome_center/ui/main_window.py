"""The main window: navigation on the left, the page on the right, a status bar; record windows.

Pages are shown as the user's role allows (a manager sees figures, never names). Each record
opens in its own window, one per record; closing the main window closes them, asking first
where something is unsaved. Window geometry is remembered per user in the desk's QSettings.
Logging out or switching user closes the window the same way and says so with :attr:`ended`
(``ui.start.DeskSession`` then shows the login again).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QWidget,
)
from shiboken6 import isValid

from welcome_center.domain.permissions import Permission, allowed
from welcome_center.domain.views import ClientRef
from welcome_center.i18n import LANGUAGES, N_, _, language
from welcome_center.i18n.labels import roles_label
from welcome_center.services import storage
from welcome_center.services.context import Changes
from welcome_center.ui import backup, plain
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.ops import Ops
from welcome_center.ui.pages.base import Page
from welcome_center.ui.screen import fit_to_screen

LANGUAGE_KEY = "language"
_LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}
# Whole sentences: a language's name inside another sentence needs its own grammar.
_NEXT_START = {
    "de": lambda: _("From its next start, the desk is in German."),
    "en": lambda: _("From its next start, the desk is in English."),
}


# (key, permissions, title, module under ui.pages, class) of every page in navigation order: a
# page is offered to whoever holds one of its permissions (an administrator without case work
# keeps the partner directory, without the referrals sent). Modules are imported when a page is
# first shown, so start-up builds only the page it opens on.
_RECORDS = (Permission.WORK_RECORDS,)
_PAGES: tuple[tuple[str, tuple[Permission, ...], str, str, str], ...] = (
    ("today", _RECORDS, N_("Today"), "today", "TodayPage"),
    ("records", _RECORDS, N_("Enquiries & cases"), "records", "RecordsPage"),
    ("people", _RECORDS, N_("People & organisations"), "people", "PeoplePage"),
    (
        "partners",
        (Permission.WORK_RECORDS, Permission.MANAGE_PARTNERS),
        N_("Partners"),
        "partners",
        "PartnersPage",
    ),
    ("follow_ups", _RECORDS, N_("Follow-ups"), "follow_ups", "FollowUpsPage"),
    ("reports", (Permission.VIEW_STATISTICS,), N_("Reports"), "reports", "ReportsPage"),
    (
        "events",
        (Permission.MANAGE_EVENTS, Permission.VIEW_STATISTICS),
        N_("Events"),
        "events",
        "EventsPage",
    ),
    ("admin", (Permission.MANAGE_USERS,), N_("Administration"), "admin", "AdminPage"),
)


class _Pages(Mapping[str, Page]):
    """The pages a role may see, in navigation order; each is built the first time it is
    asked for (shown, or looked up)."""

    def __init__(self, build: Callable[[str], Page], keys: list[str]) -> None:
        self._build = build
        self._keys = keys
        self.built: dict[str, Page] = {}

    def __getitem__(self, key: str) -> Page:
        if key not in self.built:
            if key not in self._keys:
                raise KeyError(key)
            self.built[key] = self._build(key)
        return self.built[key]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class Leaving(StrEnum):
    """How the main window was closed: the program ends, or another login follows."""

    QUIT = "quit"
    LOG_OUT = "log_out"  # the login comes again with the user's name filled in
    SWITCH_USER = "switch_user"  # the login comes again, empty
    RESTORE = "restore"  # a backup is put in place (restore_request), then the login again


class MainWindow(QMainWindow):
    """The desk's main window for one logged-in user."""

    ended = Signal(str, str)  # Leaving, the user name; once the window has closed
    idle_lock: QObject | None = None  # ui.idle_lock.IdleLock, set by ui.start.open_desk
    live_updates: QObject | None = None  # ui.live_updates.LiveUpdates, set there too
    restore_request: Any = None  # ui.restore.RestoreRequest, when leaving to restore

    def __init__(
        self,
        ops: Ops,
        state: QSettings,
        parent: QWidget | None = None,
        *,
        backups: Path | None = None,
    ) -> None:
        """``backups``: the folder of the office's backups (by default beside the file)."""
        super().__init__(parent)
        self.ops = ops
        self.state = state
        self.backups = backups or storage.backups_folder(ops.uow)
        self.leaving = Leaving.QUIT
        self.record_windows: dict[int, Any] = {}
        self.setWindowTitle(_("Welcome Center desk – %(office)s") % {"office": self._office()})
        self._build()
        ops.open_record_requested.connect(self.open_record)
        ops.open_client_requested.connect(self.open_client)
        self._status_text = ""
        ops.status.connect(self.show_status)
        # The whole of a shortened message stays at hand while it shows.
        self.statusBar().messageChanged.connect(
            lambda shown: self.statusBar().setToolTip(self._status_text if shown else "")
        )
        ops.changed.connect(self._changed)
        from welcome_center.ui.pages.today import raise_reminders

        raise_reminders(ops, self)  # before any list is read: reading never raises them
        start = self._restore()
        self.nav.setCurrentRow(self._keys.index(start) if start else 0)

    def _office(self) -> str:
        return self.ops.settings.office_name

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.nav = QListWidget()
        self.nav.setAccessibleName(_("Navigation"))
        self.stack = QStackedWidget()
        roles = self.ops.actor.roles

        def offered(permissions: tuple[Permission, ...]) -> bool:
            return any(allowed(roles, p) for p in permissions)

        self._keys = [key for key, permissions, *_rest in _PAGES if offered(permissions)]
        self.pages = _Pages(self._build_page, self._keys)
        for number, (key, permissions, title, _module, _cls) in enumerate(_PAGES, start=1):
            if not offered(permissions):
                continue
            self.stack.addWidget(QWidget())  # the page itself comes when first shown
            item = QListWidgetItem(_(title))
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(_("Alt+%(n)d") % {"n": number})
            self.nav.addItem(item)
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setWhatsThis(_(title))  # the keyboard shortcuts list says what it does
            shortcut.activated.connect(lambda k=key: self.show_page(k))
        self.nav.setSpacing(3)
        self.nav.setFixedWidth(self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 24)
        self.nav.currentRowChanged.connect(self._nav_changed)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(6, 6, 6, 0)
        lay.addWidget(self.nav)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._menus()
        self._status_bar()

    def _build_page(self, key: str) -> Page:
        """Build a page in the place held for it in the stack."""
        _key, _permission, _title, module, cls = next(p for p in _PAGES if p[0] == key)
        factory = getattr(importlib.import_module(f"welcome_center.ui.pages.{module}"), cls)
        page: Page = factory(self.ops)
        install_view = getattr(page, "install_view", None)
        if install_view is not None:  # View menu entries, remembered per user (records page)
            install_view(self.menuBar(), self.state, self._key(key))
        index = self._keys.index(key)
        placeholder = self.stack.widget(index)
        assert placeholder is not None
        current = self.stack.currentIndex() == index
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        if current:
            self.stack.setCurrentIndex(index)
        return page

    def _menus(self) -> None:
        desk = self.menuBar().addMenu(_("&Desk"))
        if allowed(self.ops.actor.roles, Permission.WORK_RECORDS):
            new = QAction(_("&New enquiry…"), self)
            new.setShortcut(QKeySequence("Ctrl+N"))
            new.triggered.connect(self.new_enquiry)
            desk.addAction(new)
        find = QAction(_("&Search"), self)
        find.setShortcut(QKeySequence("Ctrl+F"))
        find.triggered.connect(lambda: self.current_page().focus_search())
        refresh = QAction(_("&Refresh"), self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(lambda: self.current_page().refresh())
        desk.addActions([find, refresh])
        lang_menu = desk.addMenu(_("&Language"))
        # One tick, on the language of the next start (the one chosen, else the current one).
        self.language_group = QActionGroup(self)
        self.language_group.setExclusive(True)
        chosen = self.state.value(LANGUAGE_KEY) or language()
        for code in LANGUAGES:
            act = QAction(plain.for_button(_LANGUAGE_NAMES[code]), self)
            act.setCheckable(True)
            act.setChecked(code == chosen)
            act.setData(code)
            act.triggered.connect(lambda _c=False, lang=code: self.choose_language(lang))
            self.language_group.addAction(act)
            lang_menu.addAction(act)
        desk.addSeparator()
        self._session_menu(desk)
        quit_action = QAction(_("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        desk.addAction(quit_action)
        if "records" in self._keys:  # View → Preview pane (F8), remembered per user
            from welcome_center.ui.widgets.record_preview import add_view_menu

            add_view_menu(self.menuBar(), self.state, self._key("records"))
        from welcome_center.ui.dialogs.help import add_help_menu

        add_help_menu(self, self.ops)

    def _session_menu(self, desk: QMenu) -> None:
        """Back up (administrators, on a database file); one's password; logging out."""
        if backup.may_back_up(self.ops):
            self.backup_action = QAction(_("Back &up now…"), self)
            self.backup_action.triggered.connect(self.back_up)
            desk.addAction(self.backup_action)
            self.restore_action = QAction(_("Res&tore a backup…"), self)
            self.restore_action.triggered.connect(self.restore_backup)
            desk.addAction(self.restore_action)
            desk.addSeparator()
        for text, slot in (
            (_("Change my &password…"), self.change_password),
            (_("S&witch user…"), self.switch_user),
            (_("Log &out"), self.log_out),
        ):
            action = QAction(text, self)
            action.triggered.connect(slot)
            desk.addAction(action)
        desk.addSeparator()

    def _status_bar(self) -> None:
        actor = self.ops.actor
        name = self.ops.user_name(actor.user_id) or actor.name
        self.office_label = QLabel()
        self.user_label = QLabel(
            _("%(user)s (%(role)s)")
            % {"user": name, "role": roles_label(actor.roles, grants=False)}
        )
        self.db_label = QLabel(_("Database: %(name)s") % {"name": self.ops.db_name})
        for w in (self.office_label, self.user_label, self.db_label):
            w.setTextFormat(Qt.TextFormat.PlainText)
            self.statusBar().addPermanentWidget(w)
        self.office_label.setText(self._office())
        self.storage_label: QLabel | None = None  # shown when the database check finds damage
        self.backup_label = backup.BackupLabel(self.ops, self.backups)
        self.statusBar().addPermanentWidget(self.backup_label)
        QTimer.singleShot(0, self.backup_label, self.backup_label.refresh)  # after the first paint

    def check_storage(self) -> None:
        """SQLite's quick check of the database file, in the background after start: damage
        is warned about (the desk goes on working; refusing would lock the office out)."""
        from welcome_center.services import storage

        self.ops.quietly(storage.quick_check, self._storage_checked)

    def _storage_checked(self, problems: list[str]) -> None:
        if not problems or not isValid(self):
            return
        self.storage_label = label = QLabel(_("Database check: problems found"))
        label.setStyleSheet("color: #b00020; font-weight: bold")
        self.statusBar().insertPermanentWidget(0, label)
        self.storage_warning = QMessageBox(
            QMessageBox.Icon.Warning,
            _("The database file may be damaged"),
            _(
                "SQLite's check of the database file found problems. You can go on working, "
                "but do this first: make a backup now (welcome-center db backup FILE), keep the "
                "file and its -wal file as they are, and ask whoever looks after the computer "
                "to run 'welcome-center db check'. Found:"
            ),
            QMessageBox.StandardButton.Ok,
            self,
        )
        self.storage_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.storage_warning.setDetailedText("\n".join(problems[:50]))
        self.storage_warning.setInformativeText(problems[0][:300])
        self.storage_warning.open()

    # -- navigation --------------------------------------------------------------------------

    def current_page(self) -> Page:
        return self.pages[self._keys[max(self.stack.currentIndex(), 0)]]

    def show_page(self, key: str) -> Page | None:
        if key not in self.pages:
            return None
        page = self.pages[key]
        self.nav.setCurrentRow(self._keys.index(key))
        return page

    def _nav_changed(self, row: int) -> None:
        if row < 0:
            return
        page = self.pages[self._keys[row]]
        self.stack.setCurrentIndex(row)
        page.activated()

    def open_record(self, record_id: int) -> None:
        """Show the record's window (one per record; brought to the front if open)."""
        window = self.record_windows.get(record_id)
        if window is None:
            from welcome_center.ui.record.window import RecordWindow

            window = RecordWindow(self.ops, record_id)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            window.destroyed.connect(
                lambda _o=None, rid=record_id: self.record_windows.pop(rid, None)
            )
            self.record_windows[record_id] = window
            window.resize(min(1100, self.width()), min(760, self.height()))
        window.show()
        window.raise_()
        window.activateWindow()

    def open_client(self, client: ClientRef) -> None:
        page = self.show_page("people")
        if page is not None:
            page.show_client(client)  # type: ignore[attr-defined]
            self.raise_()
            self.activateWindow()

    def new_enquiry(self) -> None:
        from welcome_center.ui.dialogs.quick_enquiry import QuickEnquiryDialog

        QuickEnquiryDialog.ask(self.ops, self)

    # -- session ---------------------------------------------------------------------------

    def log_out(self) -> None:
        """Close the desk (record windows first, each may ask) and show the login again."""
        self._leave(Leaving.LOG_OUT)

    def switch_user(self) -> None:
        """As logging out, for a colleague: the login comes without a user name."""
        self._leave(Leaving.SWITCH_USER)

    def _leave(self, how: Leaving) -> None:
        self.leaving = how
        if not self.close():  # something unsaved, and the user kept it
            self.leaving = Leaving.QUIT

    def change_password(self) -> None:
        from welcome_center.ui.dialogs.password import ChangePasswordDialog

        ChangePasswordDialog.ask(self.ops, self)

    def back_up(self) -> None:
        """An administrator's backup, to a file they choose, off the UI thread."""
        if self.backups is not None:
            backup.back_up_now(self.ops, self, self.backups, self._backed_up)

    def restore_backup(self) -> None:
        """Choose and check a backup; the session puts it in place once the desk is closed."""
        from welcome_center.ui.restore import ask_restore

        self.restore_request = ask_restore(self.ops, self, self.backups)
        if self.restore_request is not None:
            self._leave(Leaving.RESTORE)

    def _backed_up(self, target: Path) -> None:
        # The name: the whole path would not fit beside the status bar's permanent words.
        self.show_status(_("Backup written: %(file)s") % {"file": target.name}, 15000)
        self.backup_label.refresh()

    def show_status(self, text: str, ms: int = 8000) -> None:
        """A passing message in the status bar, shortened in the middle to the room that the
        permanent words (office, user, database, backup) leave it: a saved report's path
        would otherwise cut off its end ("... and kept in the archive."). The whole message
        is the bar's tooltip while it shows."""
        bar = self.statusBar()
        permanent = [self.office_label, self.user_label, self.db_label, self.backup_label,
                     self.storage_label]  # fmt: skip
        layout = bar.layout()
        gap = layout.spacing() if layout is not None else 6
        used = sum(w.width() + gap for w in permanent if w is not None and w.isVisible())
        room = max(bar.width() - used - 2 * bar.fontMetrics().averageCharWidth() - 16, 120)
        self._status_text = text
        shown = bar.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, room)
        bar.showMessage(shown, ms)

    def choose_language(self, lang: str) -> None:
        self.state.setValue(LANGUAGE_KEY, lang)
        if lang != language():
            QMessageBox.information(self, _("Language"), _NEXT_START[lang]())

    def _changed(self, changes: Changes, _initiator: object = None) -> None:
        if changes.settings:
            self.office_label.setText(self._office())

    # -- window state ------------------------------------------------------------------------

    def _key(self, what: str) -> str:
        return f"users/{self.ops.actor.name}/{what}"

    def _restore(self) -> str | None:
        """Geometry and splitter as the user left them; returns the page they were on."""
        geometry = self.state.value(self._key("geometry"))
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 860)
        fit_to_screen(self)
        state = self.state.value(self._key("state"))
        if state is not None:
            self.restoreState(state)
        page = self.state.value(self._key("page"))
        return page if isinstance(page, str) and page in self.pages else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # The window manager's frame (title bar, borders) is known only once the window is
        # shown: fit again with its real size, so that the status bar is on the screen.
        QTimer.singleShot(0, self._fit)

    def _fit(self) -> None:
        if isValid(self):
            fit_to_screen(self)

    def save_state(self) -> None:
        self.state.setValue(self._key("geometry"), self.saveGeometry())
        self.state.setValue(self._key("state"), self.saveState())
        key = (
            self.nav.currentItem().data(Qt.ItemDataRole.UserRole) if self.nav.currentItem() else ""
        )
        self.state.setValue(self._key("page"), key)
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close the record windows first; any of them may refuse (unsaved input kept). A page
        with input not saved (the office settings) asks before it is lost."""
        for window in list(self.record_windows.values()):
            if not window.close():
                event.ignore()
                return
        if not self._pages_may_close():
            event.ignore()
            return
        self.save_state()
        event.accept()
        self.ended.emit(self.leaving.value, self.ops.actor.name)

    def _pages_may_close(self) -> bool:
        for key, page in list(self.pages.built.items()):
            unsaved = getattr(page, "has_unsaved", None)
            if unsaved is None or not unsaved():
                continue
            self.show_page(key)
            if not confirm(
                self,
                _("Unsaved changes"),
                _("%(page)s holds input that is not saved. Close the desk and lose it?")
                % {"page": page.title()},
                yes=_("&Discard and close"),
            ):
                return False
        return True
