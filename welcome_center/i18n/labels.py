"""Words for the states that code branches on (kind, status, roles, ...), in the active language."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from welcome_center.domain.audit import AuditAction, AuditEntity
from welcome_center.domain.documents import DocumentKind
from welcome_center.domain.enums import (
    ClientKind,
    ConsentForm,
    ConsentPurpose,
    EducationLevel,
    EmploymentStatus,
    EventKind,
    FollowUpSource,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
    PartyRole,
    RecognitionDecision,
    RecognitionState,
    RecordKind,
    RecordStatus,
    ReferralStatus,
    Role,
)
from welcome_center.domain.queries import RecordSort
from welcome_center.domain.views import ClientRef
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
    (RecognitionDecision.ZAB_STATEMENT, N_("Statement of comparability (ZAB)")),
    (DocumentKind.PDF, N_("PDF")),
    (DocumentKind.IMAGE, N_("Image")),
    (DocumentKind.TEXT_DOCUMENT, N_("Text document")),
    (DocumentKind.SPREADSHEET, N_("Spreadsheet")),
    (DocumentKind.PRESENTATION, N_("Presentation")),
    (DocumentKind.TEXT, N_("Plain text")),
    (DocumentKind.EMAIL, N_("E-mail")),
    (DocumentKind.ARCHIVE, N_("Archive")),
    (DocumentKind.OTHER, N_("Other file")),
    (FollowUpSource.MANUAL, N_("Follow-up")),
    (FollowUpSource.RESIDENCE_EXPIRY, N_("Residence title expires")),
    (ConsentPurpose.COUNSELLING, N_("Counselling")),
    (ConsentPurpose.REFERRAL, N_("Referral to partners")),
    (ConsentPurpose.EMPLOYER, N_("Sharing with the employer")),
    (ConsentPurpose.EVENTS, N_("Invitations to events")),
    (EventKind.INFORMATION_EVENT, N_("Information event")),
    (EventKind.WORKSHOP, N_("Workshop")),
    (EventKind.TRAINING, N_("Training")),
    (EventKind.JOB_FAIR, N_("Job fair")),
    # The facts funders count; "not recorded" is the first entry of every choice.
    (Gender.FEMALE, N_("Female")),
    (Gender.MALE, N_("Male")),
    (Gender.DIVERSE, N_("Diverse")),
    (Gender.NOT_STATED, N_("Prefers not to say")),
    (Gender.NOT_RECORDED, N_("not recorded")),
    (EmploymentStatus.EMPLOYED, N_("Employed")),
    (EmploymentStatus.SELF_EMPLOYED, N_("Self-employed")),
    (EmploymentStatus.UNEMPLOYED, N_("Unemployed")),
    (EmploymentStatus.LONG_TERM_UNEMPLOYED, N_("Long-term unemployed (12 months or more)")),
    (EmploymentStatus.INACTIVE, N_("Not in employment, not seeking")),
    (EmploymentStatus.IN_EDUCATION, N_("In education or training")),
    (EmploymentStatus.NOT_RECORDED, N_("not recorded")),
    (EducationLevel.ISCED_0_2, N_("ISCED 0-2: up to lower secondary")),
    (EducationLevel.ISCED_3_4, N_("ISCED 3-4: upper secondary, vocational")),
    (EducationLevel.ISCED_5_8, N_("ISCED 5-8: tertiary (master craftsman, degree)")),
    (EducationLevel.NOT_RECORDED, N_("not recorded")),
    (GermanLevel.NONE, N_("No German")),
    (GermanLevel.A1, N_("A1")),
    (GermanLevel.A2, N_("A2")),
    (GermanLevel.B1, N_("B1")),
    (GermanLevel.B2, N_("B2")),
    (GermanLevel.C1, N_("C1")),
    (GermanLevel.C2, N_("C2")),
    (GermanLevel.NOT_RECORDED, N_("not recorded")),
    (OrganisationKind.COMPANY, N_("Company")),
    (OrganisationKind.PUBLIC_EMPLOYER, N_("Public employer")),
    (OrganisationKind.AUTHORITY, N_("Authority")),
    (OrganisationKind.PARTNER, N_("Partner")),
    (OrganisationKind.SCHOOL_OR_UNIVERSITY, N_("School or university")),
    (OrganisationKind.ASSOCIATION, N_("Association")),
    (OrganisationKind.OTHER, N_("Other")),
    (OrganisationKind.NOT_RECORDED, N_("not recorded")),
    (OrganisationSize.MICRO, N_("Micro (under 10 employees)")),
    (OrganisationSize.SMALL, N_("Small (10-49 employees)")),
    (OrganisationSize.MEDIUM, N_("Medium (50-249 employees)")),
    (OrganisationSize.LARGE, N_("Large (250 employees or more)")),
    (OrganisationSize.NOT_RECORDED, N_("not recorded")),
    (ConsentForm.WRITTEN, N_("Written")),
    (ConsentForm.ORAL, N_("Oral")),
    (ConsentForm.ELECTRONIC, N_("Electronic")),
    (Role.COUNSELLOR, N_("Counsellor")),
    (Role.MANAGER, N_("Manager")),
    (Role.ADMIN, N_("Administrator")),
    (Role.LIST_EXPORT, N_("List export with names")),
    (RecordSort.NUMBER, N_("Number")),
    (RecordSort.KIND, N_("Kind")),
    (RecordSort.STATUS, N_("Status")),
    (RecordSort.CLIENT, N_("Client")),
    (RecordSort.OPENED_ON, N_("Opened")),
    (RecordSort.COUNSELLOR, N_("Counsellor")),
    (AuditAction.READ, N_("Viewed")),
    (AuditAction.SEARCH, N_("Searched")),
    (AuditAction.EXPORT, N_("Exported")),
    (AuditAction.EXPORT_LIST, N_("List with names exported")),
    (AuditAction.ACCESS_EXPORT, N_("Access export made (Art. 15)")),
    (AuditAction.CLIENT_SUMMARY, N_("Summary for the client printed")),
    (AuditAction.REFERRAL_NOTE, N_("Referral note for the partner made")),
    (AuditAction.READ_DOCUMENT, N_("Document read")),
    (AuditAction.CREATE, N_("Created")),
    (AuditAction.UPDATE, N_("Changed")),
    (AuditAction.STATUS, N_("Status changed")),
    (AuditAction.PROMOTE, N_("Promoted to a case")),
    (AuditAction.CLOSE, N_("Closed")),
    (AuditAction.REOPEN, N_("Reopened")),
    (AuditAction.LINK_PARTY, N_("Party linked")),
    (AuditAction.ASSIGN_CLIENT, N_("Client assigned")),  # to an anonymous enquiry
    (AuditAction.UNLINK_PARTY, N_("Party removed")),
    (AuditAction.MERGE, N_("Merged with a duplicate")),
    (AuditAction.ADD_CONSULTATION, N_("Consultation recorded")),
    (AuditAction.EDIT_CONSULTATION, N_("Consultation corrected")),
    (AuditAction.DELETE_CONSULTATION, N_("Consultation removed")),
    (AuditAction.REFER, N_("Referred to a partner")),
    (AuditAction.REFERRAL_FEEDBACK, N_("Partner's feedback recorded")),
    (AuditAction.ADD_FOLLOW_UP, N_("Follow-up added")),
    (AuditAction.COMPLETE_FOLLOW_UP, N_("Follow-up done")),
    (AuditAction.RESCHEDULE_FOLLOW_UP, N_("Follow-up moved")),
    (AuditAction.ADD_RECOGNITION, N_("Recognition procedure added")),
    (AuditAction.EDIT_RECOGNITION, N_("Recognition procedure changed")),
    (AuditAction.ADD_RESIDENCE_TITLE, N_("Residence title added")),
    (AuditAction.EDIT_RESIDENCE_TITLE, N_("Residence title changed")),
    (AuditAction.ADD_DOCUMENT, N_("Document added")),
    (AuditAction.REMOVE_DOCUMENT, N_("Document removed")),
    (AuditAction.RECORD_CONSENT, N_("Consent recorded")),
    (AuditAction.WITHDRAW_CONSENT, N_("Consent withdrawn")),
    (AuditAction.CONSENT_OVERRIDE, N_("Referred without consent")),
    (AuditAction.ACTIVATE, N_("Activated")),
    (AuditAction.RETIRE, N_("Retired")),
    (AuditAction.REORDER, N_("Order changed")),
    (AuditAction.LOGIN, N_("Logged in")),
    (AuditAction.LOGIN_FAILED, N_("Login failed")),
    (AuditAction.DEACTIVATE, N_("Deactivated")),
    (AuditAction.RESET_PASSWORD, N_("Password reset")),
    (AuditAction.CHANGE_PASSWORD, N_("Own password changed")),
    (AuditAction.UNLOCK_LOGIN, N_("Login lock lifted")),
    (AuditAction.BACKUP, N_("Backup made")),
    (AuditAction.RESTORE, N_("Backup restored")),
    (AuditAction.ENCRYPT, N_("Database encrypted")),
    (AuditAction.IMPORT, N_("Imported")),
    (AuditAction.DELETE, N_("Removed")),
    (AuditAction.DEMO, N_("Demo data created")),
    (AuditAction.PUBLISH, N_("Report published")),
    (AuditAction.RETENTION_RUN, N_("Retention run")),
    (AuditAction.LEGAL_HOLD, N_("Legal hold changed")),
    (AuditEntity.RECORD, N_("Record")),
    (AuditEntity.PERSON, N_("Person")),
    (AuditEntity.ORGANISATION, N_("Organisation")),
    (AuditEntity.USER, N_("User")),
    (AuditEntity.VOCABULARY, N_("Vocabulary entry")),
    (AuditEntity.SETTINGS, N_("Office settings")),
    (AuditEntity.EVENT, N_("Event")),
    (AuditEntity.REPORT, N_("Report")),
    (AuditEntity.DATABASE, N_("Database")),
    (AuditEntity.CLIENT, N_("Persons and organisations")),
    (AuditEntity.AUDIT, N_("Audit log")),
    (AuditEntity.IMPORT_ALIAS, N_("Import alias")),
)


# Keyed by type too: RecordStatus.CLOSED and RecognitionState.CLOSED are the same string.
_BY_TYPE = {(type(k), str(k)): v for k, v in _LABELS}


def label(value: StrEnum) -> str:
    """The word for ``value`` in the active language (its code if none is known)."""
    text = _BY_TYPE.get((type(value), str(value)))
    return _(text) if text else str(value)


def roles_label(roles: Iterable[Role], *, grants: bool = True) -> str:
    """A user's roles in words, in the order of :class:`Role` ("Counsellor, Administrator");
    without ``grants``, the jobs only (not the list export granted beside one)."""
    held = set(roles) if grants else set(roles) - {Role.LIST_EXPORT}
    return ", ".join(label(r) for r in Role if r in held)


ANONYMOUS_CALLER = N_("Anonymous caller")


def client_name(client: ClientRef | None) -> str:
    """The record's client as lists and titles show it; an anonymous enquiry has none (the
    caller gave no name) and says so."""
    return client.display_name if client is not None else _(ANONYMOUS_CALLER)
