"""The part of the close dialog that asks what becomes of a record's open work: its open
follow-ups (keep them open / mark them done) and its referrals waiting for the partner's answer
(keep waiting / mark "no feedback"). Keeping is chosen at first: closing then loses nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QRadioButton, QVBoxLayout, QWidget

from welcome_center.domain.drafts import ClosingChoices
from welcome_center.domain.enums import ReferralStatus
from welcome_center.domain.views import RecordDetails
from welcome_center.i18n import format_number, ngettext


def _choice(title: str, keep: str, mark: str, name: str) -> tuple[QGroupBox, QRadioButton]:
    """A group of two choices, "keep" checked; returns the group and its "mark" button."""
    box = QGroupBox(title)
    box.setAccessibleName(name)
    keep_button, mark_button = QRadioButton(keep), QRadioButton(mark)
    keep_button.setChecked(True)
    group = QButtonGroup(box)
    lay = QVBoxLayout(box)
    for b in (keep_button, mark_button):
        group.addButton(b)
        lay.addWidget(b)
    return box, mark_button


class OpenWorkChoice(QWidget):
    """Says how many follow-ups are open and how many referrals wait for an answer, and asks
    what to do with each; hidden parts where there is nothing open."""

    def __init__(self, details: RecordDetails | None) -> None:
        super().__init__()
        self.follow_ups = tuple(
            (f.id, f.version) for f in (details.follow_ups if details else ()) if f.done_on is None
        )
        self.referrals = tuple(
            (r.id, r.version)
            for r in (details.referrals if details else ())
            if r.status is ReferralStatus.SENT
        )
        n, m = len(self.follow_ups), len(self.referrals)
        box, self.follow_ups_done = _choice(
            ngettext(
                "This record has %(count)s open follow-up.",
                "This record has %(count)s open follow-ups.",
                n,
            )
            % {"count": format_number(n)},
            ngettext("&Keep it open", "&Keep them open", n),
            ngettext("Mark it &done", "Mark them &done", n),
            ngettext("Open follow-up", "Open follow-ups", n),
        )
        ref_box, self.referrals_no_feedback = _choice(
            ngettext(
                "%(count)s referral is waiting for the partner's feedback.",
                "%(count)s referrals are waiting for the partner's feedback.",
                m,
            )
            % {"count": format_number(m)},
            ngettext("Keep &waiting for feedback", "Keep &waiting for feedback", m),
            ngettext('Mark it "no &feedback expected"', 'Mark them "no &feedback expected"', m),
            ngettext("Referral waiting for feedback", "Referrals waiting for feedback", m),
        )
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(box)
        lay.addWidget(ref_box)
        box.setVisible(n > 0)
        ref_box.setVisible(m > 0)

    def choices(self) -> ClosingChoices:
        """What the user chose, with the items as they saw them (for the conflict check)."""
        return ClosingChoices(
            follow_ups_done=bool(self.follow_ups) and self.follow_ups_done.isChecked(),
            referrals_no_feedback=bool(self.referrals) and self.referrals_no_feedback.isChecked(),
            seen_follow_ups=self.follow_ups,
            seen_referrals=self.referrals,
        )
