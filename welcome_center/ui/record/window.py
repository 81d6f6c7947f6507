"""The record editor: one top-level window per open record, a tab per part of the record.

Nothing typed is lost: closing with unsaved input in the overview asks; a change saved by
someone else never overwrites the input: the window says who changed the record, and shows that
version beside the input (on saving, or asked to) to save the input on top of it or take it
(:mod:`welcome_center.ui.dialogs.conflict`); the window's own saves of consultations, referrals
and so on keep the overview's input.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.dates import OFFICE_TZ
from welcome_center.domain.drafts import RecordDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.errors import ConflictError
from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import _
from welcome_center.i18n.labels import client_name
from welcome_center.services import cases
from welcome_center.services.context import Changes, Saved
from welcome_center.ui.dialogs.base import Answer, ask_unsaved, confirm
from welcome_center.ui.dialogs.conflict import (
    Field,
    Resolution,
    Texts,
    compare,
    form_fields,
    texts_of,
)
from welcome_center.ui.forms import FieldErrors
from welcome_center.ui.ops import Call, Ops
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.consultations import ConsultationsTab
from welcome_center.ui.record.documents import DocumentsTab
from welcome_center.ui.record.follow_ups import FollowUpsTab
from welcome_center.ui.record.header import HeaderBar
from welcome_center.ui.record.history import HistoryTab
from welcome_center.ui.record.overview import OverviewTab, draft_of, same_overview
from welcome_center.ui.record.printouts import print_client_summary
from welcome_center.ui.record.recognition import RecognitionTab
from welcome_center.ui.record.referrals import ReferralsTab
from welcome_center.ui.record.residence import ResidenceTab
from welcome_center.ui.record.unseen import NoLongerSeen
from welcome_center.ui.widgets.date_field import dates_ok

# Window shortcuts that text fields would otherwise take for themselves (Ctrl+K deletes to the
# end of the line in Qt's text fields on X11, Ctrl+D the next character).
_WINDOW_KEYS = (
    QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_K),
    QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_R),
    QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_D),
)


class _KeepWindowKeys(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride and event.keyCombination() in _WINDOW_KEYS  # type: ignore[attr-defined]
        ):
            event.ignore()  # not taken by the field: the window's shortcut runs
            return True
        return False


class RecordWindow(NoLongerSeen, QMainWindow):
    """Edit one record. ``closed`` carries the record id once the window has closed."""

    closed = Signal(int)

    def __init__(self, ops: Ops, record_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.ops = ops
        self.record_id = record_id
        self.details: RecordDetails | None = None
        self._pristine: RecordDraft | None = None  # the overview's draft as last loaded
        self._meanwhile: RecordDetails | None = None  # a colleague's version the notice names
        self._saving_overview = False
        self._save_again = False
        self._base: Texts | None = None  # what the overview's fields showed as loaded
        self._listening = False
        self._unseen = False  # given to a colleague or deleted: no longer the user's to see
        self._build()
        self._actions()
        self._keys = _KeepWindowKeys(self)
        for kind in (QLineEdit, QPlainTextEdit):
            for edit in self.findChildren(kind):
                edit.installEventFilter(self._keys)
        self.resize(1100, 720)
        self._listen(True)
        self.reload()

    # -- layout --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = HeaderBar(self)
        self.notice = QFrame()
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice_text = QLabel()
        self.notice_text.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_text.setWordWrap(True)
        # A key of its own (no letter: every letter of the words is taken on some tab).
        self.notice_compare = QPushButton(_("Compare both versions (F6)…"))
        self.notice_compare.clicked.connect(self.compare_meanwhile)
        self.notice_reload = QPushButton(_("Reload (F5)"))
        self.notice_reload.clicked.connect(self.reload)
        self.notice_ok = QPushButton(_("OK"))  # a colleague's change shown: read, then away
        self.notice_ok.clicked.connect(self.notice.hide)
        self.notice_ok.hide()
        row = QHBoxLayout(self.notice)
        row.addWidget(self.notice_text, 1)
        row.addWidget(self.notice_compare)
        row.addWidget(self.notice_reload)
        row.addWidget(self.notice_ok)
        self.notice.hide()
        self.tabs = QTabWidget()
        self.overview = OverviewTab(self)
        self.overview.edited.connect(self._edited)
        self.consultations = ConsultationsTab(self)
        self.referrals = ReferralsTab(self)
        self.follow_ups = FollowUpsTab(self)
        self.recognition = RecognitionTab(self)
        self.residence = ResidenceTab(self)
        self.documents = DocumentsTab(self)
        self.history = HistoryTab(self)
        for tab, text in (
            (self.overview, _("Overvie&w")),
            (self.consultations, _("&Consultations")),
            (self.referrals, _("R&eferrals")),
            (self.follow_ups, _("&Follow-ups")),
            (self.recognition, _("Reco&gnition")),
            (self.residence, _("Residence &titles")),
            # Its letter was the last one free (Overview, Counsellor, Substitute gave theirs).
            (self.documents, documents_title(0)),
            (self.history, _("&History")),
        ):
            self.tabs.addTab(tab, text)
        keys = QKeySequence("Ctrl+D").toString(QKeySequence.SequenceFormat.NativeText)
        self.tabs.setTabToolTip(self.tabs.indexOf(self.documents), keys)
        self.tabs.currentChanged.connect(self._tab_changed)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

    def _actions(self) -> None:
        for keys, slot in (
            (("Ctrl+S",), self.save),
            (("Ctrl+Return", "Ctrl+Enter"), self.save_and_close),
            (("Ctrl+K",), self.record_consultation),
            (("Ctrl+R",), self.refer),
            (("Ctrl+P",), self.print_summary),
            (("Ctrl+D",), self.show_documents),
            (("Esc", "Ctrl+W"), self.close),
            (("F5",), self.refresh),
            (("F6",), self._compare_noticed),
            (("Ctrl+L",), self._assign_if_anonymous),
        ):
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(action)

    def _assign_if_anonymous(self) -> None:
        """Ctrl+L: the header's "Assign a client…", while the record has no client."""
        if self.header.assign_button.isVisibleTo(self):
            self.header.assign_button.click()

    def _compare_noticed(self) -> None:
        """F6: the notice's Compare, while the notice of a colleague's change offers it."""
        if self.notice.isVisibleTo(self) and self.notice_compare.isVisibleTo(self):
            self.compare_meanwhile()

    # -- what the main window and the user call -----------------------------------------------

    def has_unsaved(self) -> bool:
        """Whether the overview holds input that is not saved."""
        if self.details is None or self._pristine is None:
            return False
        if not self.overview.opened_on.is_valid():  # typed, but no date yet: still input
            return True
        return not same_overview(self.overview.draft(), self._pristine)

    def save(self) -> bool:
        """Save the overview (Ctrl+S); True when saved or nothing was to be saved."""
        d = self.details
        if d is None:
            return False
        if self._unseen:
            self.ops.status.emit(_("This record is no longer shown to you: nothing is saved."))
            return False
        if not dates_ok(self.overview):
            return False
        self._saving_overview = True
        try:
            while True:  # once more when a conflict was answered with "save my version"
                if not self.has_unsaved():
                    self.ops.status.emit(_("Nothing to save."))
                    return True
                self._save_again = False
                if self._write_overview() is not None:
                    return True
                if not self._save_again:
                    return False
        finally:
            self._saving_overview = False

    def _write_overview(self) -> Saved[RecordDetails] | None:
        d = self.details
        assert d is not None
        draft, version = self.overview.draft(), d.version
        return self.write_record(
            lambda uow, actor: cases.update_record(uow, actor, self.record_id, draft, version),
            errors=self.overview.errors,
            done=_("Record saved."),
            own_overview=True,
        )

    def save_and_close(self) -> None:
        if self.save() and self.isVisible():  # (a record given away has closed already)
            self.close()

    def record_consultation(self) -> None:
        if self.details is not None:
            self.tabs.setCurrentWidget(self.consultations)
            self.consultations.add()

    def refer(self) -> None:
        if self.details is not None:
            self.tabs.setCurrentWidget(self.referrals)
            self.referrals.add()

    def print_summary(self) -> None:
        """Ctrl+P: the summary for the client to take home."""
        if self.details is not None:
            print_client_summary(self)

    def show_documents(self) -> None:
        """Ctrl+D: the record's documents, the list (or, while there is none, "Add…") focused."""
        if self.details is not None:
            self.tabs.setCurrentWidget(self.documents)
            self.documents.focus_first()

    def refresh(self) -> None:
        """F5: load the record again; unsaved input is dropped only if the user agrees."""
        if self.has_unsaved() and not confirm(
            self,
            _("Reload the record?"),
            _("Reloading discards what you typed in the overview. Reload anyway?"),
            yes=_("&Reload and discard"),
        ):
            return
        self.reload()

    def reload(self) -> None:
        """Show the saved record; the overview's input is discarded."""
        d = self.ops.read(self, lambda uow, actor: cases.get_record(uow, actor, self.record_id))
        if d is not None:
            self._show(d)
        elif self.details is None:
            self.setWindowTitle(_("Record not available"))
            self.tabs.setEnabled(False)
            self.header.setEnabled(False)

    def widget(self) -> QWidget:
        return self

    def read_again(self) -> RecordDetails | None:
        """The record as saved now, shown at once (typed input in the overview is kept); for a
        dialog of a tab that offers the saved version after a conflict."""
        d = self.ops.read(self, lambda uow, actor: cases.get_record(uow, actor, self.record_id))
        if d is not None:
            self._receive(d)
        return d

    def write_record(
        self,
        call: Call[Saved[RecordDetails]],
        *,
        errors: FieldErrors | None = None,
        done: str = "",
        own_overview: bool = False,
    ) -> Saved[RecordDetails] | None:
        """A write of the record itself (overview, promote, status, close, reopen) with the
        version read; a conflict of the overview's save shows both versions
        (:meth:`resolve_conflict`), one of the other writes offers to reload. The result is
        shown at once."""
        before = self.details
        saved = self.ops.write(self, call, errors=errors, on_conflict=self.reload, done=done)
        if saved is not None:
            if self._given_away(before, saved.value):
                return saved
            if own_overview:
                self._show(saved.value)
            else:
                self._receive(saved.value)
        return saved

    # -- showing --------------------------------------------------------------------------------

    def _show(self, d: RecordDetails) -> None:
        """Show ``d`` everywhere, the overview included."""
        self._show_around(d)
        self.overview.set_details(d)
        self._pristine = self.overview.draft()
        self._base = texts_of(self._overview_fields())
        self.notice.hide()
        self._edited()

    def _show_around(self, d: RecordDetails) -> None:
        """Show ``d`` in everything but the overview form."""
        self.details = d
        self.header.show_details(d)
        self.overview.set_details(d, keep_input=True)
        for tab in (self.consultations, self.referrals, self.follow_ups, self.recognition):
            tab.show_details(d)
        self.documents.show_details(d)
        self.tabs.setTabText(self.tabs.indexOf(self.documents), documents_title(len(d.documents)))
        is_person = d.client is not None and d.client.kind is ClientKind.PERSON
        self.tabs.setTabVisible(self.tabs.indexOf(self.residence), is_person)
        if is_person:
            self.residence.show_details(d)
        if self.tabs.currentWidget() is self.history:
            self.history.refresh()

    def _receive(self, d: RecordDetails, remote: bool = False) -> None:
        """A newer state of the record arrived (``remote``: from another desk); keep any typed
        input and never hide that someone else changed what the input is based on."""
        old = self.details
        if old is None or not self.has_unsaved():
            self._show(d)
        elif same_overview(draft_of(old), draft_of(d)):
            # Only parts the overview does not save changed: take the new version, keep input.
            self._show_around(d)
        elif same_overview(self.overview.draft(), draft_of(d)):
            self._show(d)  # saved as typed (by another window of the same user, say)
        else:
            self._changed_meanwhile(d, remote)

    def _changed_meanwhile(self, d: RecordDetails, remote: bool = False) -> None:
        self._meanwhile = d
        who, when = _changed_by(d)
        text = (
            _(
                "%(who)s changed this record on another desk on %(when)s. Your input is kept: "
                "compare it with that version to save yours on top of it or to take it, or "
                "reload (your input is then discarded)."
            )
            if remote
            else _(
                "%(who)s changed this record on %(when)s. Your input is kept: compare it with "
                "that version to save yours on top of it or to take it, or reload (your input "
                "is then discarded)."
            )
        )
        self.notice_text.setText(text % {"who": who, "when": when})
        self.notice_compare.show()
        self.notice_reload.show()
        self.notice_ok.hide()
        self.notice.show()

    # -- a colleague's change and the overview's input --------------------------------------------

    def resolve_conflict(self, exc: ConflictError) -> bool:
        """A save of the overview was refused: a colleague saved the record meanwhile. Show the
        two side by side (``Ops.write`` calls this; other writes of the record only say so)."""
        if not self._saving_overview:
            return False
        fresh = self.ops.read(self, lambda uow, actor: cases.get_record(uow, actor, self.record_id))
        if fresh is not None:
            who, when = exc.changed_by or _("Someone else"), exc.changed_at or ""
            self._save_again = self._compare(fresh, who, when) is Resolution.KEEP_MINE
        return True

    def compare_meanwhile(self) -> None:
        """The notice's "Compare": the colleague's version beside the input."""
        d = self._meanwhile
        if d is None or self.details is None:
            return
        if self._compare(d, *_changed_by(d)) is Resolution.KEEP_MINE:
            self.save()

    def _compare(self, fresh: RecordDetails, who: str, when: str) -> Resolution:
        """Both versions side by side; afterwards the overview shows ``fresh`` (taken) or the
        input based on ``fresh``."""
        fields, base = self._overview_fields(), self._base
        return compare(self, fields, lambda: self._show(fresh), who, when, base)

    def _overview_fields(self) -> list[Field]:
        return form_fields(*self.overview.findChildren(QFormLayout))

    def _edited(self) -> None:
        d = self.details
        if d is not None:
            self.setWindowTitle(f"{d.number} – {client_name(d.client)}[*]")
        self.setWindowModified(self.has_unsaved())

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.history:
            self.history.refresh()

    # -- keeping up with changes ----------------------------------------------------------------

    def _listen(self, on: bool) -> None:
        if on and not self._listening:
            self.ops.changed.connect(self._on_changed)
        elif not on and self._listening:
            self.ops.changed.disconnect(self._on_changed)
        self._listening = on

    def _on_changed(self, changes: Changes, initiator: object = None) -> None:
        d = self.details
        if initiator is self or d is None:  # this window's own write: its result is shown
            return
        person = d.client.id if d.client and d.client.kind is ClientKind.PERSON else None
        if self.record_id in changes.records or (person is not None and person in changes.persons):
            seen = self._still_seen()
            if seen is None:  # the read failed, and said so
                return
            if not seen:
                if not self._unseen:
                    self._no_longer_seen(remote=getattr(initiator, "is_remote", False))
                return
            if self._unseen:  # given back while the window kept its input
                self._seen_again()
            fresh = self.ops.read(
                self, lambda uow, actor: cases.get_record(uow, actor, self.record_id)
            )
            if fresh is not None:
                before = d.version
                self._receive(fresh, remote=getattr(initiator, "is_remote", False))
                if getattr(initiator, "is_remote", False) and fresh.version != before:
                    self._changed_elsewhere(fresh)

    def _changed_elsewhere(self, d: RecordDetails) -> None:
        """Another desk saved the record and nothing typed here was based on the old version:
        the window shows the new one, and says so (the notice about typed input stays)."""
        if self.notice.isVisible():
            return
        who, when = _changed_by(d)
        self.notice_text.setText(
            _("%(who)s changed this record on another desk on %(when)s; the window shows it now.")
            % {"who": who, "when": when}
        )
        self.notice_compare.hide()
        self.notice_reload.hide()
        self.notice_ok.show()
        self.notice.show()

    def showEvent(self, event: QShowEvent) -> None:
        if not self._listening and not self._unseen:  # shown again after closing: catch up
            self._listen(True)
            self.reload()
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.has_unsaved() and not self._may_close():
            event.ignore()
            return
        self._listen(False)
        event.accept()
        self.closed.emit(self.record_id)

    def _may_close(self) -> bool:
        if self._unseen:
            return confirm(
                self,
                _("Close the window?"),
                _("What you typed in the overview cannot be saved any more. Close and discard it?"),
                yes=_("Close and &discard"),
            )
        answer = ask_unsaved(
            self,
            _("The overview of %(number)s has changes that are not saved. Save them?")
            % {"number": self.details.number if self.details else ""},
        )
        if answer is Answer.SAVE:
            return self.save()
        return answer is Answer.DISCARD


def documents_title(count: int) -> str:
    """The Documents tab's title, with how many there are."""
    return _("Doc&uments (%(n)d)") % {"n": count} if count else _("Doc&uments")


def _changed_by(d: RecordDetails) -> tuple[str, str]:
    """Who changed the record last, and when (as the conflict dialog says it)."""
    at = d.updated_at.astimezone(OFFICE_TZ)
    return d.updated_by or _("Someone else"), f"{short_date(at)} {at:%H:%M}"
