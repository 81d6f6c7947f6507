"""Quick enquiry (Ctrl+N): a phone or e-mail enquiry recorded in one compact form.

Saving runs one service call after the other, each its own transaction: the new client (if
any, a new organisation with its contact person), the enquiry with this contact as its first
consultation, the referral, the follow-up. When a later step fails the enquiry is saved
already: the dialog says so, keeps the remaining input and, on the next save, only does what is
left, so nothing is ever created twice.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import (
    ClientChoice,
    ConsultationDraft,
    RecordDraft,
    ReferralDraft,
)
from welcome_center.domain.enums import ClientKind, RecordKind
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import ClientRef
from welcome_center.i18n import _
from welcome_center.services import cases, follow_ups
from welcome_center.ui.dialogs.base import confirm
from welcome_center.ui.dialogs.quick_enquiry_form import QuickEnquiryForm
from welcome_center.ui.dialogs.quick_enquiry_saving import add_contacts, create_client
from welcome_center.ui.forms import combo_value, date_of
from welcome_center.ui.ops import Ops
from welcome_center.ui.renamed_fields import RenamedFields
from welcome_center.ui.widgets.consent_panel import refer_asking_for_consent
from welcome_center.ui.widgets.date_field import dates_ok


class QuickEnquiryDialog(QuickEnquiryForm):
    """Record an enquiry: client, requester type, channel, topics, answer, services, and an
    optional referral and follow-up. ``saved_record_id`` is the enquiry once it is saved."""

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(ops, parent)
        self.saved_record_id: int | None = None
        self.saved_number = ""
        self._referral_saved = False
        self._finished = False
        self._first_contact_set_by_user = False
        self.client.decided.connect(self._decided)
        self.client.picker.client_chosen.connect(lambda _ref: self._suggest_first_contact())
        self.client.modes.idToggled.connect(lambda _mode, _on: self._suggest_first_contact())
        self.client.no_name.toggled.connect(lambda _on: self._suggest_first_contact())
        self.first_contact.clicked.connect(self._first_contact_clicked)
        self.save_button.clicked.connect(lambda: self.save())
        self.cancel_button.clicked.connect(self.reject)
        for shortcut in self.save_shortcuts:
            shortcut.activated.connect(lambda: self.save())
        self._initial = self._values()
        self.client.picker.edit.setFocus()

    @classmethod
    def ask(cls, ops: Ops, parent: QWidget | None = None) -> int | None:
        """Run the dialog; the id of the saved enquiry, or None if nothing was saved. (An
        enquiry whose referral or follow-up failed and was then left out counts as saved.)"""
        dialog = cls(ops, parent)
        try:
            dialog.exec()
            return dialog.saved_record_id
        finally:
            dialog.deleteLater()

    # -- first contact ---------------------------------------------------------------------

    def _first_contact_clicked(self) -> None:
        self._first_contact_set_by_user = True

    def _suggest_first_contact(self) -> None:
        """Yes for a new client and for one without records; no for a client with records
        (unless the user has said otherwise)."""
        if self._first_contact_set_by_user or self.saved_record_id is not None:
            return
        chosen = self.client.chosen()  # (none for a caller who gives no name)
        if chosen is None:
            self.first_contact.setChecked(True)
            return
        client = ClientChoice(chosen.kind, chosen.id)
        known = self.ops.read(self, lambda uow, actor: cases.has_records(uow, actor, client))
        self.first_contact.setChecked(not known)

    # -- saving ----------------------------------------------------------------------------

    def save(self, accept_duplicates: bool = False) -> None:
        """Save what is not saved yet: client, enquiry, referral, follow-up (in this order)."""
        if not self._check_input():
            return
        if self.saved_record_id is None:
            if self.client.anonymous():  # the caller gave no name: nobody is created
                if not self._save_record(None):
                    return
            else:
                client = self._save_client(accept_duplicates)
                if client is None or not self._save_record(client):
                    return
        if self._save_referral() and self._save_follow_up():
            self._finished = True
            self.ops.status.emit(_("Enquiry %(number)s saved.") % {"number": self.saved_number})
            self.accept()

    def _check_input(self) -> bool:
        """What the form can tell before anything is written (so a save is not left half)."""
        if not dates_ok(self):
            return False
        found: list[ValidationError] = []
        if self.saved_record_id is None and (missing := self.client.missing_client()):
            found.append(missing)
        if self.saved_record_id is None and (contact := self.client.contact_problem()):
            found.append(contact)
        if self.client.anonymous() and self._referral_pending() is not False:
            found.append(
                ValidationError(
                    _(
                        "An anonymous enquiry cannot be referred: a referral needs the client's "
                        "consent. Choose “— no referral —”, or enter the caller as a person."
                    ),
                    field="partner",
                )
            )
        elif self._referral_pending() is None:
            found.append(
                ValidationError(
                    _("Choose the partner to refer to, or empty the reason."), field="partner"
                )
            )
        due, opened = date_of(self.due_on), date_of(self.opened_on)
        if self.follow_up.isChecked() and due and opened and due < opened:
            found.append(
                ValidationError(
                    _("The follow-up lies before the opening date of the enquiry."),
                    field="due_on",
                )
            )
        self.errors.clear()
        for error in reversed(found):  # the first one keeps the focus
            self.errors.show(error)
        return not found

    def _referral_pending(self) -> bool | None:
        """Whether a referral is to be saved; None when a reason is typed but no partner."""
        if self._referral_saved:
            return False
        if self.partner.currentData() is None:
            return None if self.reason.text().strip() else False
        return True

    def _save_client(self, accept_duplicates: bool) -> ClientRef | None:
        chosen = self.client.chosen()
        if chosen is not None:
            return chosen
        draft = self.client.new_draft(combo_value(self.municipality))  # type: ignore[arg-type]
        if draft is None:
            return None
        contacts = self.client.new_contacts()
        errors = RenamedFields(self.errors, self.client.field_names())
        saved = self.ops.write(
            self,
            lambda uow, actor: create_client(uow, actor, draft, accept_duplicates, contacts),
            errors=errors,
        )
        if saved is None:
            self.client.facts.reveal_errors()  # a refused birth year, under the folded facts
            return None
        if isinstance(saved.value, list):
            self.client.show_candidates(saved.value)
            return None
        self.client.use_client(saved.value)
        return saved.value

    def _decided(self, ref: ClientRef | None) -> None:
        """The user answered the duplicate question; the save goes on."""
        if ref is None:
            self.save(accept_duplicates=True)
            return
        contacts = self.client.new_contacts()
        self.client.use_client(ref)
        if contacts and ref.kind is ClientKind.ORGANISATION:
            org_id = ref.id
            added = self.ops.write(
                self,
                lambda uow, actor: add_contacts(uow, actor, org_id, contacts),
                errors=self.errors,
            )
            if added is None:
                return
        self.save()

    def _save_record(self, client: ClientRef | None) -> bool:
        """The enquiry and this contact, its first consultation, in one transaction (without
        ``client``: an anonymous enquiry)."""
        opened_on = date_of(self.opened_on) or office_today()
        channel: str | None = combo_value(self.channel)  # type: ignore[assignment]
        contact = ConsultationDraft(
            held_on=opened_on,
            duration_minutes=self.duration.value(),
            channel=channel,
            counsellor_id=self.ops.actor.user_id,
            is_first=self.first_contact.isChecked(),
            topics=self.topics.codes(),
        )
        draft = RecordDraft(
            client=ClientChoice(client.kind, client.id) if client is not None else None,
            opened_on=opened_on,
            kind=RecordKind.ENQUIRY,
            counsellor_id=self.ops.actor.user_id,
            requester_type=combo_value(self.requester),  # type: ignore[arg-type]
            channel=channel,
            municipality=combo_value(self.municipality),  # type: ignore[arg-type]
            topics=self.topics.codes(),
            services=self.services.codes(),
            summary=self.summary.toPlainText().strip(),
            consultation=contact,
        )
        saved = self.ops.write(
            self, lambda uow, actor: cases.open_record(uow, actor, draft), errors=self.errors
        )
        if saved is None:
            return False
        self.saved_record_id = saved.value.id
        self.saved_number = saved.value.number
        for widget in self._record_widgets():
            widget.setEnabled(False)
        return True

    def _save_referral(self) -> bool:
        record_id = self.saved_record_id
        if not self._referral_pending() or record_id is None:
            return True
        draft = ReferralDraft(
            partner_id=self.partner.currentData(),
            referred_on=office_today(),
            topic=self.referral_topic.currentData(),
            reason=self.reason.text().strip(),
        )
        # Refused for want of the client's consent, it offers to record it and tries again.
        saved = refer_asking_for_consent(self, self.ops, record_id, draft, errors=self.errors)
        if saved is None:
            self._partly_saved(
                _(
                    "Enquiry %(number)s is saved, but not the referral. Correct it and save "
                    "again, or close the window to leave the referral out."
                )
            )
            return False
        self._referral_saved = True
        self.referral_box.setEnabled(False)
        return True

    def _save_follow_up(self) -> bool:
        due = date_of(self.due_on)
        record_id = self.saved_record_id
        if not self.follow_up.isChecked() or due is None or record_id is None:
            return True
        saved = self.ops.write(
            self,
            lambda uow, actor: follow_ups.add_follow_up(
                uow, actor, record_id, due, self.remark.text().strip()
            ),
            errors=self.errors,
        )
        if saved is None:
            self._partly_saved(
                _(
                    "Enquiry %(number)s is saved, but not the follow-up. Correct it and save "
                    "again, or close the window to leave the follow-up out."
                )
            )
            return False
        return True

    def _partly_saved(self, text: str) -> None:
        self.note.setText(text % {"number": self.saved_number})
        self.note.show()

    # -- closing ---------------------------------------------------------------------------

    def _values(self) -> tuple[object, ...]:
        return (
            self.client.values(),
            combo_value(self.requester),
            combo_value(self.channel),
            date_of(self.opened_on),
            self.duration.value(),
            self.first_contact.isChecked(),
            combo_value(self.municipality),
            self.topics.codes(),
            self.summary.toPlainText(),
            self.services.codes(),
            self.partner.currentData(),
            self.reason.text(),
            self.follow_up.isChecked(),
            date_of(self.due_on),
            self.remark.text(),
        )

    def has_unsaved_input(self) -> bool:
        if self._finished:
            return False
        if self.saved_record_id is None:
            return self._values() != self._initial
        return bool(self._referral_pending()) or self.follow_up.isChecked()

    def reject(self) -> None:
        """Esc or Cancel: ask before typed input is thrown away."""
        if self.has_unsaved_input() and not self._confirm_discard():
            return
        super().reject()

    def _confirm_discard(self) -> bool:
        if self.saved_record_id is None:
            text = _("Close without saving? What you typed for this enquiry is lost.")
        else:
            text = _(
                "Enquiry %(number)s is saved, but not the rest of your input. Close anyway?"
            ) % {"number": self.saved_number}
        return confirm(self, _("Discard input?"), text, yes=_("&Discard"))
