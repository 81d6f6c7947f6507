"""An access request (Art. 15 GDPR) as JSON (stable English keys, ISO dates and times, codes
beside their labels, UTF-8), and the words both renderings use; the PDF is
:mod:`welcome_center.reports.access_export`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from welcome_center.domain.access import (
    REDACTED,
    AccessExport,
    AccessPerson,
)
from welcome_center.domain.audit import AuditAction, AuditEntity
from welcome_center.domain.documents import kind_of
from welcome_center.domain.enums import Vocabulary
from welcome_center.i18n import (
    _,
    country_name,
    language,
)
from welcome_center.i18n.fields import ALL_FIELDS
from welcome_center.i18n.labels import label

FORMAT_NAME = "welcome-center/access-export"
FORMAT_VERSION = 1


def field_words(names: Sequence[str]) -> str:
    """The changed fields of an audit entry in words of the active language."""
    return ", ".join(dict.fromkeys(_(ALL_FIELDS[n]) if n in ALL_FIELDS else n for n in names))


def title() -> str:
    """The document's title in the active language."""
    return _("Access request (Art. 15 GDPR)")


def explanation() -> str:
    """What the document holds and what it leaves out, in the active language."""
    return _(
        "This document lists everything the office holds about the person named above on the "
        "day of the export: their details; the records whose client they are, with every "
        "consultation and its notes, the referrals with the partner they went to, the "
        "follow-ups and the documents attached (by name, date and size; the office hands over "
        "the files themselves on request); the records of others they are linked to (the "
        "link only); residence titles, recognition procedures and consents; and who read or "
        "changed the data, and when. Nobody else is named: another person linked to a record "
        "appears by their role only, and the name of a linked person in a note is replaced by "
        "%(mark)s."
    ) % {"mark": REDACTED}


# --- JSON --------------------------------------------------------------------------------------


def render_json(export: AccessExport) -> bytes:
    """The export as JSON (UTF-8, indented, keys in a fixed order)."""
    lang = language()

    def vocab(vocabulary: Vocabulary, code: str | None) -> dict[str, str] | None:
        if not code:
            return None
        return {"code": code, "label": export.label(vocabulary, code, lang)}

    def vocabs(vocabulary: Vocabulary, codes: Sequence[str]) -> list[dict[str, str] | None]:
        return [vocab(vocabulary, c) for c in codes]

    def enum(value: StrEnum | None) -> dict[str, str] | None:
        return None if value is None else {"code": str(value), "label": label(value)}

    p = export.person
    data: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "title": title(),
        "language": lang,
        "office": export.office_name,
        "created_at": _iso(export.created_at),
        "created_by": export.created_by,
        "explanation": explanation(),
        "person": {
            "id": p.id,
            "family_name": p.family_name,
            "given_name": p.given_name,
            "birth_date": _iso(p.birth_date),
            "birth_year": p.birth_year,
            "nationality": (
                {"code": p.nationality, "label": country_name(p.nationality)}
                if p.nationality
                else None
            ),
            "nationality_2": (
                {"code": p.nationality_2, "label": country_name(p.nationality_2)}
                if p.nationality_2
                else None
            ),
            "arrival_year": p.arrival_year,
            **{
                key: {"code": str(value), "label": label(value)} if value is not None else None
                for key, value in (
                    ("gender", p.gender),
                    ("employment_status", p.employment_status),
                    ("education", p.education),
                    ("german_level", p.german_level),
                )
            },
            "municipality": vocab(Vocabulary.MUNICIPALITY, p.municipality),
            "email": p.email,
            "phone": p.phone,
            "languages": p.languages,
            "notes": p.notes,
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
            "anonymised_at": _iso(p.anonymised_at),
        },
        "records": [
            {
                "number": r.number,
                "kind": enum(r.kind),
                "status": enum(r.status),
                "opened_on": _iso(r.opened_on),
                "promoted_on": _iso(r.promoted_on),
                "closed_on": _iso(r.closed_on),
                "closing_reason": vocab(Vocabulary.CLOSING_REASON, r.closing_reason),
                "counsellor": r.counsellor,
                "requester_type": vocab(Vocabulary.REQUESTER_TYPE, r.requester_type),
                "channel": vocab(Vocabulary.CHANNEL, r.channel),
                "municipality": vocab(Vocabulary.MUNICIPALITY, r.municipality),
                "topics": vocabs(Vocabulary.TOPIC, r.topics),
                "services": vocabs(Vocabulary.SERVICE, r.services),
                "summary": r.summary,
                "legal_hold": r.legal_hold_reason is not None,
                "legal_hold_reason": r.legal_hold_reason,
                "further_parties": [
                    {"kind": enum(x.kind), "role": enum(x.role), "name": x.name} for x in r.parties
                ],
                "consultations": [
                    {
                        "held_on": _iso(c.held_on),
                        "duration_minutes": c.duration_minutes,
                        "channel": vocab(Vocabulary.CHANNEL, c.channel),
                        "counsellor": c.counsellor,
                        "first_contact": c.is_first,
                        "topics": vocabs(Vocabulary.TOPIC, c.topics),
                        "language": c.language,
                        "interpreter": c.interpreter,
                        "notes": c.notes,
                    }
                    for c in r.consultations
                ],
                "referrals": [
                    {
                        "referred_on": _iso(f.referred_on),
                        "partner": f.partner,
                        "topic": vocab(Vocabulary.TOPIC, f.topic),
                        "reason": f.reason,
                        "status": enum(f.status),
                        "feedback_on": _iso(f.feedback_on),
                        "outcome": f.outcome,
                        "consent_override_reason": f.consent_override_reason,
                    }
                    for f in r.referrals
                ],
                "follow_ups": [
                    {
                        "due_on": _iso(f.due_on),
                        "source": enum(f.source),
                        "assigned_to": f.assigned_to,
                        "note": f.note,
                        "done_on": _iso(f.done_on),
                    }
                    for f in r.follow_ups
                ],
                "documents": [
                    {
                        "file_name": d.file_name,
                        "media_type": d.media_type,
                        "kind": enum(kind_of(d.media_type)),
                        "size_bytes": d.size,
                        "added_at": _iso(d.added_at),
                        "added_by": d.added_by,
                    }
                    for d in r.documents
                ],
            }
            for r in export.records
        ],
        "further_party_of": [
            {
                "record_number": x.record_number,
                "record_kind": enum(x.record_kind),
                "opened_on": _iso(x.opened_on),
                "closed_on": _iso(x.closed_on),
                "role": enum(x.role),
                "note": x.note,
                "client_kind": enum(x.client_kind),
                "client_name": x.client_name,
            }
            for x in export.party_of
        ],
        "residence_titles": [
            {
                "title": vocab(Vocabulary.RESIDENCE_TITLE, t.title),
                "valid_from": _iso(t.valid_from),
                "expires_on": _iso(t.expires_on),
                "accelerated_procedure": t.accelerated_procedure,
                "notes": t.notes,
            }
            for t in export.residence_titles
        ],
        "recognition_procedures": [
            {
                "record_number": x.record_number,
                "qualification": x.qualification,
                "reference_occupation": x.reference_occupation,
                "regulated": x.regulated,
                "competent_body": x.competent_body,
                "state": enum(x.state),
                "decision": enum(x.decision),
                "submitted_on": _iso(x.submitted_on),
                "decided_on": _iso(x.decided_on),
                "notes": x.notes,
            }
            for x in export.recognitions
        ],
        "consents": [
            {
                "purpose": enum(c.purpose),
                "partner": c.partner,
                "given_on": _iso(c.given_on),
                "form": enum(c.form),
                "text_version": c.text_version,
                "recorded_by": c.recorded_by,
                "withdrawn_on": _iso(c.withdrawn_on),
            }
            for c in export.consents
        ],
        "access_log": [
            {
                "at": _iso(e.at),
                "user": e.actor,
                "user_name": e.actor_name,
                "action": (
                    enum(e.action)
                    if isinstance(e.action, AuditAction)
                    else {"code": e.action, "label": e.action}
                ),
                "about": entity_words(e.about),
                "record_number": e.record_number,
                "fields": list(e.fields),
                "detail": e.detail,
            }
            for e in export.audit
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def facts(p: AccessPerson) -> list[tuple[str, StrEnum | None]]:
    """The funders' facts held about the person, with their titles (both renderings)."""
    return [
        (_("Gender"), p.gender),
        (_("Employment status at first contact"), p.employment_status),
        (_("Education"), p.education),
        (_("Knowledge of German"), p.german_level),
    ]


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def entity_words(entity: str) -> dict[str, str]:
    try:
        return {"code": entity, "label": label(AuditEntity(entity))}
    except ValueError:
        return {"code": entity, "label": entity}
