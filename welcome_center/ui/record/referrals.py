"""The record's referrals (Verweise) to partners, and what each partner answered."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QWidget

from welcome_center.domain.drafts import ReferralDraft
from welcome_center.domain.enums import ReferralStatus, Vocabulary
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.views import ReferralView
from welcome_center.i18n import _
from welcome_center.i18n.labels import label
from welcome_center.services import people, referrals
from welcome_center.ui.forms import date_edit, date_of, fill_combo, set_date, vocab_combo
from welcome_center.ui.qt_i18n import short_date
from welcome_center.ui.record.dialogs import (
    EditDialog,
    enum_combo,
    enum_value,
    find,
    notes_edit,
    run,
)
from welcome_center.ui.record.referral_note import make_referral_note
from welcome_center.ui.record.tables import RowsModel, TableTab, first_line
from welcome_center.ui.widgets.consent_panel import refer_asking_for_consent

if TYPE_CHECKING:
    from welcome_center.ui.record.host import RecordHost

ANSWERS = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.DONE,
    ReferralStatus.DECLINED,
    ReferralStatus.NO_FEEDBACK,
)


class ReferralModel(RowsModel):
    STATUS_COLUMN = 4
    REASON, OUTCOME = 3, 6
    STRETCH = frozenset({REASON, OUTCOME})
    WRAP = True

    def __init__(self, ops: Any, parent: Any = None) -> None:
        self.ops = ops
        super().__init__(parent)

    def columns(self) -> list[str]:
        return [
            _("Date"),
            _("Partner"),
            _("Topic"),
            _("Reason"),
            _("Status"),
            _("Feedback on"),
            _("Outcome"),
        ]

    def row(self, f: ReferralView) -> tuple[str, ...]:
        return (
            short_date(f.referred_on),
            f.partner,
            self.ops.label(Vocabulary.TOPIC, f.topic),
            first_line(f.reason),
            label(f.status),
            short_date(f.feedback_on),
            first_line(f.outcome),
        )

    def full(self, f: ReferralView, shown: tuple[str, ...]) -> tuple[str, ...]:
        texts = list(shown)
        texts[self.REASON], texts[self.OUTCOME] = f.reason, f.outcome
        return tuple(texts)

    def preview(self, f: ReferralView) -> str:
        """The whole reason and outcome of ``f`` (the table shows their first line)."""
        topic = self.ops.label(Vocabulary.TOPIC, f.topic) if f.topic else ""
        head = " · ".join(t for t in (f.partner, topic, label(f.status)) if t)
        reason = f.reason.strip() or "—"
        outcome = f.outcome.strip() or "—"
        return "\n\n".join(
            (
                head,
                _("Reason:") + "\n" + reason,
                _("Outcome:") + "\n" + outcome,
            )
        )


class ReferralDialog(EditDialog):
    """Pass the record to a partner of the directory, for a topic and a reason."""

    def __init__(self, host: RecordHost, parent: QWidget | None = None) -> None:
        super().__init__(host.ops, _("Refer to a partner"), parent or host.widget())
        self.host = host
        self.partner = self.row(_("&Partner"), QComboBox(), field="partner")
        partners = people.list_partners(self.ops.uow)
        fill_combo(self.partner, [(p.display_name, p.id) for p in partners])
        self.partner.setAccessibleName(_("Partner"))
        if not partners:
            self.errors.general.setText(
                _("The partner directory is empty. An administrator can add partners.")
            )
            self.errors.general.show()
        self.referred_on = self.row(_("&Date"), date_edit(), field="referred_on")
        topic = vocab_combo(self.ops, Vocabulary.TOPIC)
        self.topic = self.row(_("&Topic"), topic, field="topic")
        self.reason = self.row(_("&Reason"), notes_edit(_("Reason")), field="reason")
        self.ready()

    def value(self) -> tuple[object, ...]:
        return (
            self.partner.currentData(),
            date_of(self.referred_on),
            self.topic.currentData(),
            self.reason.toPlainText(),
        )

    def write(self) -> bool:
        partner = self.partner.currentData()
        if partner is None:
            self._missing_partner()
            return False
        on = date_of(self.referred_on)
        assert on is not None  # a required date field always holds one
        draft = ReferralDraft(
            partner_id=int(partner),
            referred_on=on,
            topic=self.topic.currentData(),
            reason=self.reason.toPlainText(),
        )
        # Refused for want of the client's consent, it offers to record it and tries again.
        saved = refer_asking_for_consent(
            self, self.ops, self.host.record_id, draft, errors=self.errors,
            done=_("Referral recorded."),
        )  # fmt: skip
        return saved is not None

    def _missing_partner(self) -> None:
        self.errors.clear()
        self.errors.show(ValidationError(_("Choose a partner."), field="partner"))


class FeedbackDialog(EditDialog):
    """What the partner answered to a referral, when, and the outcome."""

    def __init__(self, host: RecordHost, referral: ReferralView, parent: QWidget | None = None):
        super().__init__(host.ops, _("Partner's feedback"), parent or host.widget())
        self.host, self.referral = host, referral
        self.status = self.row(_("&Answer"), enum_combo(ANSWERS), field="status")
        self.feedback_on = self.row(_("&Date"), date_edit(), field="feedback_on")
        self.outcome = self.row(_("&Outcome"), notes_edit(_("Outcome")), field="outcome")
        self._fill(referral)
        self.ready()

    def _fill(self, referral: ReferralView) -> None:
        if referral.status in ANSWERS:
            self.status.setCurrentIndex(ANSWERS.index(referral.status))
        set_date(self.feedback_on, referral.feedback_on)
        self.outcome.setPlainText(referral.outcome)

    def value(self) -> tuple[ReferralStatus | None, date | None, str]:
        return (
            enum_value(self.status, ReferralStatus),
            date_of(self.feedback_on),
            self.outcome.toPlainText(),
        )

    def write(self) -> bool:
        status, on, outcome = self.value()
        if status is None:  # the list always has a choice; nothing to save without one
            return False
        saved = self.ops.write(
            self,
            lambda uow, actor: referrals.record_feedback(
                uow,
                actor,
                self.referral.id,
                status,
                outcome,
                on,
                expected_version=self.referral.version,
            ),
            errors=self.errors,
            on_conflict=self.reload,
            done=_("Feedback recorded."),
        )
        return saved is not None

    def saved_item(self) -> ReferralView | None:
        d = self.host.read_again()
        return find(d.referrals, self.referral.id) if d else None

    def show_item(self, item: ReferralView) -> None:
        self.referral = item
        self._fill(item)


def _no_referral() -> str:
    return _(
        "An anonymous enquiry cannot be referred: a referral passes the client's matter on to "
        "a partner and needs the client's consent. Assign a client first; until then, tell the "
        "caller where to turn."
    )


class ReferralsTab(TableTab):
    """The record's referrals, newest first; Enter records the partner's feedback."""

    def __init__(self, host: RecordHost) -> None:
        super().__init__(
            ReferralModel(host.ops),
            _("Referrals"),
            _("No referrals yet. Refer the record to a partner with Ctrl+R."),
            _("Reason and outcome of the se&lected referral"),
        )
        self.host = host
        self.new_button = self.add_button(_("&New referral… (Ctrl+R)"), self.add)
        self.add_button(_("Record feedbac&k…"), self.edit_current, needs_item=True)
        self.note_button = self.add_button(
            _("Wr&ite to the partner…"), self.write_note, needs_item=True
        )
        self.finish_buttons()

    def write_note(self) -> None:
        """The referral note for the partner of the selected referral (PDF or e-mail text)."""
        item = self.current_item()
        if item is not None:
            make_referral_note(self.host, item)

    def show_details(self, details: Any) -> None:
        self.needs_client(self.new_button, details.client is None, _no_referral())
        self.show_items(details.referrals)

    def add(self) -> bool:
        d = self.host.details
        if self.refused(self.host.widget(), d is not None and d.client is None, _no_referral()):
            return False
        return run(ReferralDialog(self.host))

    def edit_item(self, item: ReferralView) -> None:
        run(FeedbackDialog(self.host, item))
