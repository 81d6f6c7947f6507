"""The changed fields an audit entry names, in words: the desk's History tab and audit page
and the access export say them alike."""

from __future__ import annotations

from welcome_center.i18n import N_

# A record's fields (the History tab, and the audit page for entries about a record).
RECORD_FIELDS = {
    "counsellor_id": N_("Counsellor"),
    "requester_type": N_("Requester type"),
    "channel": N_("Channel"),
    "municipality": N_("Municipality"),
    "summary": N_("Summary"),
    "opened_on": N_("Opened on"),
    "promoted_on": N_("Case since"),
    "client_person_id": N_("Client"),
    "client_organisation_id": N_("Client"),
    "anonymous": N_("Anonymous"),
    "topics": N_("Topics"),
    "services": N_("Services"),
    "status": N_("Status"),
    "kind": N_("Kind"),
    "closed_on": N_("Closed on"),
    "closing_reason": N_("Closing reason"),
    "parties": N_("Further parties"),
}

# The changed fields of persons, organisations, users, vocabulary entries and the settings, in
# words (a record's come from its History tab).
OTHER_FIELDS = {
    "family_name": N_("Family name"),
    "given_name": N_("Given name"),
    "birth_date": N_("Birth date"),
    "nationality": N_("Nationality"),
    "municipality": N_("Municipality"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "languages": N_("Languages"),
    "notes": N_("Notes"),
    # The facts funders count (DOMAIN.md "Who was advised"), of persons and organisations.
    "gender": N_("Gender"),
    "birth_year": N_("Birth year"),
    "nationality_2": N_("Second nationality"),
    "employment_status": N_("Employment status at first contact"),
    "education": N_("Education"),
    "german_level": N_("Knowledge of German"),
    "arrival_year": N_("Arrival year"),
    "kind": N_("Kind"),
    "size": N_("Size (employees)"),
    "name": N_("Name"),
    "short_name": N_("Short name"),
    "is_partner": N_("Partner"),
    "code": N_("Code"),
    "website": N_("Website"),
    "contacts": N_("Contact persons"),
    "username": N_("User name"),
    "display_name": N_("Display name"),
    "role": N_("Role"),
    "active": N_("Active"),
    "label_de": N_("German label"),
    "label_en": N_("English label"),
    "office_name": N_("Office name"),
    "number_prefix": N_("Number prefix"),
    "project_start": N_("Project start"),
    "suppression_threshold": N_("Suppression threshold"),
    "residence_expiry_window_days": N_("Residence expiry window"),
    "referral_feedback_days": N_("Referral feedback period"),
}

# Every field word, for texts that name fields of persons and records together.
ALL_FIELDS = {**OTHER_FIELDS, **RECORD_FIELDS}
