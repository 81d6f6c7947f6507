"""The selected record at a glance, beside the record list (a mail program's reading pane).

Read-only: number, kind and status, client, counsellor, dates, topics, the next follow-up, open
referrals and the last consultation with the first lines of its notes. The record window is one
Enter away. The pane reads lazily and cheaply: one ``get_record`` for the record the selection
rests on (:data:`SETTLE_MS` after the last move, so holding Down through a list reads once),
nothing while it is hidden, nothing again for the record it already shows unless a change names
that record, its client, or the names and labels it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QMenu,
    QMenuBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.enums import ClientKind, RecordStatus, ReferralStatus, Vocabulary
from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import _, ngettext
from welcome_center.i18n.labels import client_name, label
from welcome_center.services import cases
from welcome_center.services.context import Changes
from welcome_center.ui.ops import Ops
from welcome_center.ui.qt_i18n import short_date

SETTLE_MS = 150  # key repeat moves the selection every ~30 ms: read once it rests
NOTE_LINES = 4  # lines of the last consultation's notes shown
NOTE_CHARS = 320
REFERRALS_SHOWN = 3
_OPEN_REFERRALS = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
PREVIEW_KEY = "F8"  # Thunderbird's key for its message pane
PREVIEW_ACTION = "preview_pane"  # the object name of the View menu's entry


def preview_action(parent: QObject) -> QAction:
    """View → Preview pane (F8): checked while the preview is wanted beside the list."""
    action = QAction(_("&Preview pane"), parent)
    action.setObjectName(PREVIEW_ACTION)
    action.setCheckable(True)
    action.setChecked(True)
    action.setShortcut(QKeySequence(PREVIEW_KEY))
    action.setToolTip(_("The selected record's overview beside the list"))
    return action


def add_view_menu(menu_bar: QMenuBar, state: QSettings, key: str) -> QAction:
    """The main window's View menu with its Preview pane entry, checked as the user left it
    (remembered under ``key`` in the desk's per-user ``state``). The records page, built
    later, takes this entry over (``RecordsPage.install_view``)."""
    view = QMenu(_("&View"), menu_bar)
    menu_bar.addMenu(view)
    action = preview_action(view)
    action.setChecked(bool(state.value(f"{key}/preview", True, type=bool)))
    action.toggled.connect(lambda on: state.setValue(f"{key}/preview", on))
    view.addAction(action)
    return action


def _text(bold: bool = False, scale: float = 1.0) -> QLabel:
    """A label for data: plain text whatever it looks like, wrapped, selectable by mouse."""
    lbl = QLabel()
    lbl.setTextFormat(Qt.TextFormat.PlainText)
    lbl.setWordWrap(True)
    lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold or scale != 1.0:
        font = lbl.font()
        font.setBold(bold)
        if scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * scale)
        lbl.setFont(font)
    return lbl


def excerpt(notes: str, lines: int = NOTE_LINES, chars: int = NOTE_CHARS) -> str:
    """The first non-empty ``lines`` of ``notes``, at most ``chars`` characters, "…" if cut."""
    kept = [line.strip() for line in notes.splitlines() if line.strip()]
    text = "\n".join(kept[:lines])
    cut = len(kept) > lines
    if len(text) > chars:
        text = text[:chars].rstrip()
        cut = True
    return text + "…" if cut else text


class RecordPreview(QScrollArea):
    """The overview of one record; :meth:`show_record` follows the list's current row."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.details: RecordDetails | None = None
        self.reads = 0  # get_record calls made (tests and the curious read it)
        self._target: int | None = None  # the record the list's selection is on
        self._stale = False  # the shown record changed since it was read
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._settle)
        self._build()
        self._show(None)
        ops.changed.connect(self._changed)

    # -- layout ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(_("Preview of the selected record"))
        body = QWidget()
        self.number = _text(bold=True, scale=1.2)
        self.kind_status = _text()
        self.client = _text(bold=True, scale=1.1)
        self.client.setAccessibleName(_("Client"))
        self.counsellor = _text()
        self.opened = _text()
        self.last_contact = _text()
        self.topics = _text()
        self.next_follow_up = _text()
        self.referrals = _text()
        self.consultation = _text(bold=True)
        self.consultation.setAccessibleName(_("Last consultation"))
        self.notes = _text()
        self.notes.setAccessibleName(_("Notes of the last consultation"))
        self.empty = _text()
        self.empty.setText(_("Select a record in the list to see its overview here."))
        self.hint = _text()
        self.hint.setText(_("Enter opens the record."))
        self.hint.setEnabled(False)  # the platform's quiet grey, no colour of our own

        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows = (
            (_("Counsellor:"), self.counsellor),
            (_("Opened:"), self.opened),
            (_("Last contact:"), self.last_contact),
            (_("Topics:"), self.topics),
            (_("Next follow-up:"), self.next_follow_up),
            (_("Open referrals:"), self.referrals),
        )
        for caption, field in rows:
            field.setAccessibleName(caption.rstrip(":"))
            self.form.addRow(caption, field)
        self.facts = QWidget()
        self.facts.setLayout(self.form)
        self.form.setContentsMargins(0, 0, 0, 0)

        lay = QVBoxLayout(body)
        lay.addWidget(self.empty)
        lay.addWidget(self.number)
        lay.addWidget(self.kind_status)
        lay.addWidget(self.client)
        lay.addWidget(self.facts)
        lay.addSpacing(self.fontMetrics().height() // 2)
        lay.addWidget(self.consultation)
        lay.addWidget(self.notes)
        lay.addStretch(1)
        lay.addWidget(self.hint)
        self.setWidget(body)
        # Wide enough for "Nächste Wiedervorlage:" and a date on one line, and a name's words.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 40)

    # -- following the list --------------------------------------------------------------------

    def show_record(self, record_id: int | None) -> None:
        """The list's current record is now ``record_id`` (None: none). Read once the selection
        rests and the pane is visible; the record already shown is not read again."""
        self._target = record_id
        self._timer.start()

    def shown_id(self) -> int | None:
        return self.details.id if self.details is not None else None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._timer.isActive() or self._target != self.shown_id() or self._stale:
            self._timer.stop()
            self._settle()  # shown again (window widened, toggled on): catch up at once

    def _settle(self) -> None:
        if not self.isVisible():
            return  # read when shown
        target = self._target
        if target is None:
            self._show(None)
            return
        if target == self.shown_id() and not self._stale:
            return
        self.reads += 1
        details = self.ops.read(self, lambda uow, actor: cases.get_record(uow, actor, target))
        self._stale = False
        if self._target == target:  # (a message box may have let the selection move)
            self._show(details)

    def _changed(self, changes: Changes, _initiator: object = None) -> None:
        d = self.details
        if d is None:
            return
        ref = d.client  # None: an anonymous enquiry, no client to follow
        client = changes.persons if ref and ref.kind is ClientKind.PERSON else changes.organisations
        touched = (
            d.id in changes.records
            or (ref is not None and ref.id in client)
            or changes.users
            or changes.vocabularies
            or bool(changes.organisations and self._open_referrals(d))  # a partner's name
        )
        if touched:
            self._stale = True
            self._timer.start()

    # -- showing -------------------------------------------------------------------------------

    def _show(self, d: RecordDetails | None) -> None:
        self.details = d
        self.empty.setVisible(d is None)
        shown = (self.number, self.kind_status, self.client, self.facts, self.consultation,
                 self.notes, self.hint)  # fmt: skip
        for w in shown:
            w.setVisible(d is not None)
        if d is None:
            return
        self.number.setText(d.number)
        if d.status is RecordStatus.CLOSED:
            status = (
                _("Closed %(date)s") % {"date": short_date(d.closed_on)}
                if d.closed_on
                else _("Closed")
            )
        else:
            status = label(d.status)
        self.kind_status.setText(f"{label(d.kind)} · {status}")
        self.client.setText(client_name(d.client))
        self.counsellor.setText(d.counsellor or _("nobody yet"))
        self.opened.setText(short_date(d.opened_on))
        last = max([d.opened_on, *(c.held_on for c in d.consultations)])
        self.last_contact.setText(short_date(last))
        topics = [self.ops.label(Vocabulary.TOPIC, t) for t in d.topics]
        self.topics.setText(", ".join(topics) if topics else _("none recorded"))
        self.next_follow_up.setText(self._follow_up_text(d))
        self.referrals.setText(self._referrals_text(d))
        if d.consultations:
            c = d.consultations[0]
            self.consultation.setText(
                _("Last consultation on %(date)s:") % {"date": short_date(c.held_on)}
                if c.notes.strip()
                else _("Last consultation on %(date)s (no notes).")
                % {"date": short_date(c.held_on)}
            )
            self.notes.setText(excerpt(c.notes))
            self.notes.setVisible(bool(c.notes.strip()))
        else:
            self.consultation.setText(_("No consultation yet."))
            self.notes.setVisible(False)

    @staticmethod
    def _open_referrals(d: RecordDetails) -> list[str]:
        return [
            _("%(partner)s since %(date)s")
            % {"partner": f.partner, "date": short_date(f.referred_on)}
            for f in d.referrals
            if f.status in _OPEN_REFERRALS
        ]

    def _referrals_text(self, d: RecordDetails) -> str:
        lines = self._open_referrals(d)
        if not lines:
            return _("none")
        shown = lines[:REFERRALS_SHOWN]
        more = len(lines) - len(shown)
        if more:
            shown.append(ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more})
        return "\n".join(shown)

    @staticmethod
    def _follow_up_text(d: RecordDetails) -> str:
        waiting = sorted((f for f in d.follow_ups if f.done_on is None), key=lambda f: f.due_on)
        if not waiting:
            return _("none")
        f = waiting[0]
        when = short_date(f.due_on)
        if f.overdue:
            when = _("%(date)s (overdue)") % {"date": when}
        note = f.note.strip().splitlines()[0] if f.note.strip() else ""
        return f"{when} – {note}" if note else when
