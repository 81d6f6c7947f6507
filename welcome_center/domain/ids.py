"""Typed ids, so that a person's id is never passed where a record's is expected."""

from typing import NewType

UserId = NewType("UserId", int)
PersonId = NewType("PersonId", int)
OrganisationId = NewType("OrganisationId", int)
ContactPersonId = NewType("ContactPersonId", int)
RecordId = NewType("RecordId", int)
PartyId = NewType("PartyId", int)
ConsultationId = NewType("ConsultationId", int)
ReferralId = NewType("ReferralId", int)
FollowUpId = NewType("FollowUpId", int)
RecognitionId = NewType("RecognitionId", int)
ResidenceTitleId = NewType("ResidenceTitleId", int)
EventId = NewType("EventId", int)
