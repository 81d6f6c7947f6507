"""The record window's header: number, client, kind and status in words, and the actions that
change the record's state (promote to a case, set the status, close with a reason, reopen)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from welcome_center.domain.drafts import ClosingChoices
from welcome_center.domain.enums import RecordKind, RecordStatus, Vocabulary
from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import _
from welcome_center.i18n.labels import client_name, label
from welcome_center.services import cases
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.forms import date_edit, date_of, vocab_combo
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.assign_client import assign_client, assign_text
from welcome_center.ui.record.closing import OpenWorkChoice
from welcome_center.ui.record.dialogs import EditDialog, run

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

OPEN_STATES = (RecordStatus.NEW, RecordStatus.IN_PROGRESS, RecordStatus.WAITING)


def status_word(status: RecordStatus) -> str:
    """The record status as a word. (labels.label mixes up "closed" of a record with "closed"
    of a recognition procedure: equal StrEnum values are one key of its table.)"""
    return _("Closed") if status is RecordStatus.CLOSED else label(status)


def _plain(text: str = "") -> QLabel:
    lbl = QLabel(text)
    lbl.setTextFormat(Qt.TextFormat.PlainText)
    lbl.setWordWrap(True)
    lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lbl


def _badge() -> QLabel:
    """A state word in a frame (the word carries the meaning; the frame only sets it apart)."""
    lbl = _plain()
    lbl.setFrameShape(QFrame.Shape.StyledPanel)
    lbl.setMargin(2)
    lbl.setWordWrap(False)
    return lbl


class CloseDialog(EditDialog):
    """Close the record: a closing reason, the closing day, and what becomes of its open
    follow-ups and of its referrals waiting for feedback (kept by default: nothing is lost)."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(host.ops, _("Close the record"), host.widget())
        self.host = host
        reason = vocab_combo(self.ops, Vocabulary.CLOSING_REASON)
        reason.setAccessibleName(_("Closing reason"))
        self.reason = self.row(_("Closing &reason"), reason, field="closing_reason")
        self.closed_on = self.row(_("Closed &on"), date_edit(), field="closed_on")
        self.open_work = OpenWorkChoice(host.details)
        self.form.addRow(self.open_work)
        reason.setFocus()  # the dialog opens in its first field
        self.ready()

    def value(self) -> tuple[str | None, date | None, ClosingChoices]:
        return (self.reason.currentData(), date_of(self.closed_on), self.open_work.choices())

    def write(self) -> bool:
        reason, on, choices = self.value()
        d = self.host.details
        if d is None:
            return False
        record_id, version = self.host.record_id, d.version
        saved = self.host.write_record(
            lambda uow, actor: cases.close(
                uow, actor, record_id, reason or "", version, on, choices
            ),
            errors=self.errors,
            done=_("Record closed."),
        )
        return saved is not None


class HeaderBar(QWidget):
    """What the record is and where it stands, with the actions on its state."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__()
        self.host = host
        self.title = _plain()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.kind = _badge()
        self.status = _badge()
        self.facts = _plain()
        self.kind.setAccessibleName(_("Kind"))
        self.status.setAccessibleName(_("Status"))
        self._buttons()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.kind)
        top.addWidget(self.status)
        actions = QHBoxLayout()
        actions.addWidget(self.facts, 1)
        for b in (
            self.assign_button,
            self.promote_button,
            self.status_button,
            self.close_button,
            self.reopen_button,
            self.save_button,
        ):
            actions.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(actions)

    def _buttons(self) -> None:
        # An anonymous enquiry's way to its client (the caller came back and gave a name); it
        # takes the overview's key for the client, which an anonymous enquiry does not use.
        self.assign_button = QPushButton(assign_text())
        self.assign_button.setToolTip(
            _("The caller gave no name. Assign the person or organisation once they give it.")
        )
        self.assign_button.clicked.connect(lambda: assign_client(self.host))
        self.promote_button = QPushButton(_("&Promote to case"))
        self.promote_button.clicked.connect(self.promote_record)
        self.status_button = QPushButton(_("Set st&atus"))
        self.status_menu = QMenu(self.status_button)
        for state in OPEN_STATES:
            action = self.status_menu.addAction(label(state))
            action.setData(state.value)
            action.triggered.connect(lambda _c=False, s=state: self.change_status(s))
        self.status_button.setMenu(self.status_menu)
        self.close_button = QPushButton(_("Close &record…"))
        self.close_button.clicked.connect(self.close_record)
        self.reopen_button = QPushButton(_("&Reopen"))
        self.reopen_button.clicked.connect(self.reopen_record)
        self.save_button = QPushButton(_("&Save"))
        self.save_button.setToolTip(_("Saves the overview (Ctrl+S)."))
        self.save_button.clicked.connect(self.host.save)

    def show_details(self, d: RecordDetails) -> None:
        self.title.setText(f"{d.number} – {client_name(d.client)}")
        self.kind.setText(label(d.kind))
        self.status.setText(_("Status: %(status)s") % {"status": status_word(d.status)})
        self.facts.setText(self._facts(d))
        closed = d.status is RecordStatus.CLOSED
        anonymous = d.client is None  # no case without a client: it is assigned first
        self.assign_button.setVisible(anonymous)
        self.promote_button.setVisible(
            d.kind is RecordKind.ENQUIRY and not closed and not anonymous
        )
        self.status_button.setEnabled(not closed)
        for action in self.status_menu.actions():
            action.setEnabled(action.data() != d.status.value)
        self.close_button.setVisible(not closed)
        self.reopen_button.setVisible(closed)

    def _facts(self, d: RecordDetails) -> str:
        parts = [_("Opened on %(date)s") % {"date": short_date(d.opened_on)}]
        if d.promoted_on:
            parts.append(_("case since %(date)s") % {"date": short_date(d.promoted_on)})
        if d.closed_on:
            reason = self.host.ops.label(Vocabulary.CLOSING_REASON, d.closing_reason)
            parts.append(
                _("closed on %(date)s: %(reason)s")
                % {"date": short_date(d.closed_on), "reason": reason}
            )
        if d.updated_by:
            parts.append(_("last changed by %(name)s") % {"name": d.updated_by})
        return " · ".join(parts)

    # -- actions -------------------------------------------------------------------------------

    def promote_record(self) -> None:
        d = self.host.details
        if d is None or d.kind is RecordKind.CASE:
            return
        if confirm(
            self.host.widget(),
            _("Promote to case"),
            _("Promote %(number)s to a case as of today? It then counts as a case in the reports.")
            % {"number": d.number},
            yes=_("&Promote"),
        ):
            record_id, version = self.host.record_id, d.version
            self.host.write_record(
                lambda uow, actor: cases.promote(uow, actor, record_id, version),
                done=_("Promoted to a case."),
            )

    def change_status(self, status: RecordStatus) -> None:
        d = self.host.details
        if d is not None and d.status is not status:
            record_id, version = self.host.record_id, d.version
            self.host.write_record(
                lambda uow, actor: cases.set_status(uow, actor, record_id, status, version),
                done=_("Status set to %(status)s.") % {"status": label(status)},
            )

    def close_record(self) -> bool:
        d = self.host.details
        if d is None or d.status is RecordStatus.CLOSED:
            return False
        return run(CloseDialog(self.host))

    def reopen_record(self) -> None:
        d = self.host.details
        if d is not None and d.status is RecordStatus.CLOSED:
            record_id, version = self.host.record_id, d.version
            self.host.write_record(
                lambda uow, actor: cases.reopen(uow, actor, record_id, version),
                done=_("Record reopened."),
            )
