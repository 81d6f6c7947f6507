"""Words for the states that code branches on (kind, status, roles, ...), in the active language."""

from __future__ import annotations

from enum import StrEnum

from welcome_center.domain.enums import (
    ClientKind,
    FollowUpSource,
    PartyRole,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
    RecordStatus,
    ReferralStatus,
    Role,
)
from welcome_center.domain.queries import RecordSort
from welcome_center.i18n import N_, _

_LABELS: tuple[tuple[StrEnum, str], ...] = (
    (RecordKind.ENQUIRY, N_("Enquiry")),
    (RecordKind.CASE, N_("Case")),
    (RecordStatus.NEW, N_("New")),
    (RecordStatus.IN_PROGRESS, N_("In progress")),
    (RecordStatus.WAITING, N_("Waiting")),
    (RecordStatus.CLOSED, N_("Closed")),
    (ClientKind.PERSON, N_("Person")),
    (ClientKind.ORGANISATION, N_("Organisation")),
    (PartyRole.EMPLOYER, N_("Employer")),
    (PartyRole.CANDIDATE, N_("Candidate to hire")),
    (PartyRole.FAMILY_MEMBER, N_("Family member")),
    (PartyRole.ON_BEHALF, N_("Asking on behalf")),
    (PartyRole.OTHER, N_("Other party")),
    (ReferralStatus.SENT, N_("Sent")),
    (ReferralStatus.ACCEPTED, N_("Accepted")),
    (ReferralStatus.DONE, N_("Done")),
    (ReferralStatus.DECLINED, N_("Declined")),
    (ReferralStatus.NO_FEEDBACK, N_("No feedback")),
    (RecognitionState.INFORMED, N_("Informed")),
    (RecognitionState.GATHERING_DOCUMENTS, N_("Gathering documents")),
    (RecognitionState.SUBMITTED, N_("Submitted")),
    (RecognitionState.DOCUMENTS_COMPLETE, N_("Documents complete")),
    (RecognitionState.DECIDED, N_("Decided")),
    (RecognitionState.COMPENSATION_MEASURE, N_("Compensation measure")),
    (RecognitionState.CLOSED, N_("Procedure closed")),
    (RecognitionDecision.FULL, N_("Full recognition")),
    (RecognitionDecision.PARTIAL, N_("Partial recognition")),
    (RecognitionDecision.NONE, N_("No recognition")),
    (FollowUpSource.MANUAL, N_("Follow-up")),
    (FollowUpSource.RESIDENCE_EXPIRY, N_("Residence title expires")),
    (Role.COUNSELLOR, N_("Counsellor")),
    (Role.MANAGER, N_("Manager")),
    (Role.ADMIN, N_("Administrator")),
    (RecordSort.NUMBER, N_("Number")),
    (RecordSort.KIND, N_("Kind")),
    (RecordSort.STATUS, N_("Status")),
    (RecordSort.CLIENT, N_("Client")),
    (RecordSort.OPENED_ON, N_("Opened")),
    (RecordSort.COUNSELLOR, N_("Counsellor")),
)


# Keyed by type too: RecordStatus.CLOSED and RecognitionState.CLOSED are the same string.
_BY_TYPE = {(type(k), str(k)): v for k, v in _LABELS}


def label(value: StrEnum) -> str:
    """The word for ``value`` in the active language (its code if none is known)."""
    text = _BY_TYPE.get((type(value), str(value)))
    return _(text) if text else str(value)
