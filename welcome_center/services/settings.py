"""Office-wide settings: office name, number prefix, project start, suppression threshold, ..."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import date

from sqlalchemy.orm import Session

from welcome_center.db.models import OfficeSettings
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.case_number import valid_prefix
from welcome_center.domain.consent import DEFAULT_CONSENT_TEXT_DE, DEFAULT_CONSENT_TEXT_EN
from welcome_center.domain.enums import RecordVisibility
from welcome_center.domain.errors import ConflictError, ValidationError
from welcome_center.domain.permissions import Permission
from welcome_center.domain.printout_texts import DEFAULT_SUMMARY_TEXTS
from welcome_center.domain.printouts import (
    LANGUAGE_NAMES,
    PLACEHOLDERS,
    TEMPLATE_CHARS,
    TemplateError,
    TemplateProblem,
    template_problem,
)
from welcome_center.domain.views import OfficeSettingsView
from welcome_center.i18n import _
from welcome_center.services import audit
from welcome_center.services.context import Actor, Changes, Saved

DEFAULTS = OfficeSettingsView(
    office_name="Welcome Center",
    number_prefix="WC",
    project_start=None,
    suppression_threshold=3,
    residence_expiry_window_days=90,
    referral_feedback_days=14,
    version=0,
    consent_text_de=DEFAULT_CONSENT_TEXT_DE,
    consent_text_en=DEFAULT_CONSENT_TEXT_EN,
)


def _view(row: OfficeSettings | None) -> OfficeSettingsView:
    if row is None:
        return DEFAULTS
    return OfficeSettingsView(
        office_name=row.office_name,
        number_prefix=row.number_prefix,
        project_start=row.project_start,
        suppression_threshold=row.suppression_threshold,
        residence_expiry_window_days=row.residence_expiry_window_days,
        referral_feedback_days=row.referral_feedback_days,
        version=row.version,
        consent_override_allowed=row.consent_override_allowed,
        consent_text_de=row.consent_text_de,
        consent_text_en=row.consent_text_en,
        consent_text_version=row.consent_text_version,
        retention_enquiry_months=row.retention_enquiry_months,
        retention_case_months=row.retention_case_months,
        retention_audit_months=row.retention_audit_months,
        backups_keep=row.backups_keep,
        record_visibility=row.record_visibility,
        idle_lock_minutes=row.idle_lock_minutes,
        office_address=row.office_address,
        office_phone=row.office_phone,
        office_email=row.office_email,
        office_website=row.office_website,
        summary_texts=_stored_texts(row.summary_texts),
    )


def _stored_texts(stored: str) -> tuple[tuple[str, str], ...]:
    """The office's own summary texts as stored (a JSON object), by language."""
    try:
        found = json.loads(stored) if stored else {}
    except ValueError:
        return ()
    if not isinstance(found, dict):
        return ()
    return tuple(sorted((str(k), str(v)) for k, v in found.items() if v))


def current(session: Session) -> OfficeSettingsView:
    """The settings inside a caller's transaction (defaults before the first-run set-up)."""
    return _view(session.get(OfficeSettings, 1))


def get_settings(uow: UnitOfWork) -> OfficeSettingsView:
    """The office's settings."""
    with uow.read() as s:
        return current(s)


def is_configured(uow: UnitOfWork) -> bool:
    """Whether the first-run set-up (office name) has been done."""
    with uow.read() as s:
        return s.get(OfficeSettings, 1) is not None


def update_settings(
    uow: UnitOfWork,
    actor: Actor,
    *,
    office_name: str | None = None,
    number_prefix: str | None = None,
    project_start: date | str | None = "keep",
    suppression_threshold: int | None = None,
    residence_expiry_window_days: int | None = None,
    referral_feedback_days: int | None = None,
    consent_override_allowed: bool | None = None,
    consent_text_de: str | None = None,
    consent_text_en: str | None = None,
    consent_text_version: str | None = None,
    retention_enquiry_months: int | None = None,
    retention_case_months: int | None = None,
    retention_audit_months: int | None = None,
    backups_keep: int | None = None,
    record_visibility: RecordVisibility | str | None = None,
    idle_lock_minutes: int | None = None,
    office_address: str | None = None,
    office_phone: str | None = None,
    office_email: str | None = None,
    office_website: str | None = None,
    summary_texts: Mapping[str, str] | None = None,
    expected_version: int | None = None,
) -> Saved[OfficeSettingsView]:
    """Change the given settings (``project_start=None`` clears it; the default keeps it; every
    other setting left at None stays as it is). ``summary_texts`` are the client summary's
    templates by language, all of them: a language left out or empty prints the built-in text
    (German, simple German, English) or, for another language, the English one."""
    actor.require(Permission.MANAGE_SETTINGS)
    with uow.begin() as s:
        row = s.get(OfficeSettings, 1)
        if row is None:
            d = DEFAULTS
            row = OfficeSettings(
                id=1,
                office_name=d.office_name,
                number_prefix=d.number_prefix,
                suppression_threshold=d.suppression_threshold,
                residence_expiry_window_days=d.residence_expiry_window_days,
                referral_feedback_days=d.referral_feedback_days,
                consent_text_de=d.consent_text_de,
                consent_text_en=d.consent_text_en,
            )
            s.add(row)
        elif expected_version is not None and row.version != expected_version:
            raise ConflictError(_("The settings were changed meanwhile; reload them."))
        new = replace(
            _view(row),
            office_name=(office_name if office_name is not None else row.office_name).strip(),
            number_prefix=(number_prefix if number_prefix is not None else row.number_prefix)
            .strip()
            .upper(),
        )
        _validate(new, suppression_threshold, residence_expiry_window_days, referral_feedback_days)
        before = _audited(_view(row))
        row.office_name = new.office_name
        row.number_prefix = new.number_prefix
        if project_start != "keep":
            row.project_start = project_start if isinstance(project_start, date) else None
        if suppression_threshold is not None:
            row.suppression_threshold = suppression_threshold
        if residence_expiry_window_days is not None:
            row.residence_expiry_window_days = residence_expiry_window_days
        if referral_feedback_days is not None:
            row.referral_feedback_days = referral_feedback_days
        privacy = _privacy_settings(
            consent_override_allowed=consent_override_allowed,
            consent_text_de=consent_text_de,
            consent_text_en=consent_text_en,
            consent_text_version=consent_text_version,
            retention_enquiry_months=retention_enquiry_months,
            retention_case_months=retention_case_months,
            retention_audit_months=retention_audit_months,
            backups_keep=backups_keep,
            record_visibility=record_visibility,
            idle_lock_minutes=idle_lock_minutes,
        )
        for name, value in privacy.items():
            setattr(row, name, value)
        contact = {
            "office_address": office_address,
            "office_phone": office_phone,
            "office_email": office_email,
            "office_website": office_website,
        }
        for name, text in _contact(contact).items():
            setattr(row, name, text)
        if summary_texts is not None:
            row.summary_texts = _checked_texts(summary_texts)
        s.flush()
        after = _audited(_view(row))
        changed = audit.changed_fields(before, after)
        audit.log(
            s, actor, AuditAction.UPDATE, "settings", 1, changed, _changes_text(before, after)
        )
        return Saved(_view(row), Changes(settings=True))


# The idle lock's minutes: an unattended desk always locks, within the hour at most.
IDLE_LOCK_MINUTES = (1, 60)

# Settings whose values the audit log must not hold (personal data): only their names are logged.
NOT_LOGGED_VALUES: frozenset[str] = frozenset()
LOGGED_TEXT_CHARS = 100  # a longer text (a form's wording, say) is logged as changed, not quoted


def _audited(view: OfficeSettingsView) -> dict[str, object]:
    """Every setting by its name (the version is bookkeeping, not a setting)."""
    values = asdict(view)
    values.pop("version", None)
    return values


ADDRESS_CHARS = 500


def _contact(given: dict[str, str | None]) -> dict[str, str]:
    """The office's contact fields given (not None), stripped; an address of a few lines."""
    out = {}
    for name, value in given.items():
        if value is None:
            continue
        text = value.strip()
        if name == "office_address":
            text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
            if len(text) > ADDRESS_CHARS or text.count("\n") > 5:
                raise ValidationError(
                    _("The address may have at most 6 lines and %(n)d characters.")
                    % {"n": ADDRESS_CHARS},
                    field=name,
                )
        if name == "office_email" and text and "@" not in text:
            raise ValidationError(
                _("Enter an e-mail address such as welcome@example.org."), field=name
            )
        out[name] = text
    return out


def _template_message(language: str, error: TemplateError) -> str:
    where = {"language": LANGUAGE_NAMES.get(language, language), "line": error.line}
    name = "{" + error.name + "}"
    if error.problem is TemplateProblem.TOO_LONG:
        return _("The text in %(language)s is too long: at most %(n)d characters.") % {
            **where,
            "n": TEMPLATE_CHARS,
        }
    if error.problem is TemplateProblem.BRACES:
        return (
            _(
                "The text in %(language)s, line %(line)d: a brace without its partner. Write {{ "
                "or }} for a brace of its own."
            )
            % where
        )
    if error.problem is TemplateProblem.UNKNOWN:
        return _(
            "The text in %(language)s, line %(line)d: %(name)s is not a placeholder. Use %(known)s."
        ) % {**where, "name": name, "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS)}
    return _("The text in %(language)s, line %(line)d: %(name)s must stand alone on its line.") % {
        **where,
        "name": name,
    }


def _checked_texts(texts: Mapping[str, str]) -> str:
    """The texts to store (JSON): each checked; an empty one, or a built-in one unchanged,
    is not stored (so the program's own wording is used, and improves with it)."""
    keep = {}
    for language, raw in texts.items():
        if language not in LANGUAGE_NAMES:
            raise ValidationError(
                _("Unknown language: %(value)s") % {"value": language}, field="summary_texts"
            )
        text = raw.strip()
        if not text or text == DEFAULT_SUMMARY_TEXTS.get(language, "").strip():
            continue
        problem = template_problem(text)
        if problem is not None:
            raise ValidationError(_template_message(language, problem), field="summary_texts")
        keep[language] = text
    return json.dumps(dict(sorted(keep.items())), ensure_ascii=False) if keep else ""


def _value_text(value: object) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _long(value: object) -> bool:
    """A text, or texts (the summary's by language), too long to quote in the log."""
    if isinstance(value, tuple):
        return len(_value_text(value)) > LOGGED_TEXT_CHARS
    return isinstance(value, str) and len(value) > LOGGED_TEXT_CHARS


def _changes_text(before: dict[str, object], after: dict[str, object]) -> str:
    """``name: old → new`` for each changed setting, values as JSON (``"text"``, ``3``,
    ``null``); a personal or long text as ``name: changed``."""
    parts = []
    for name in audit.changed_fields(before, after):
        old, new = before.get(name), after[name]
        long_text = any(_long(v) for v in (old, new))
        if name in NOT_LOGGED_VALUES or long_text:
            parts.append(f"{name}: changed")
        else:
            parts.append(f"{name}: {_value_text(old)} → {_value_text(new)}")
    return "; ".join(parts)


def _privacy_settings(**given: object) -> dict[str, object]:
    """The data-protection and security settings given (not None), checked; texts stripped at
    the ends."""
    out: dict[str, object] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name.startswith("retention_") and not (isinstance(value, int) and 1 <= value <= 240):
            raise ValidationError(
                _("A retention period must be between 1 and 240 months."), field=name
            )
        if name == "backups_keep" and not (isinstance(value, int) and 1 <= value <= 100):
            raise ValidationError(
                _("The number of backups kept must be between 1 and 100."), field=name
            )
        if name == "idle_lock_minutes" and not (
            isinstance(value, int) and IDLE_LOCK_MINUTES[0] <= value <= IDLE_LOCK_MINUTES[1]
        ):
            raise ValidationError(
                _("The desk must lock after 1 to 60 minutes without input."), field=name
            )
        if name == "record_visibility":
            try:
                value = RecordVisibility(str(value)).value
            except ValueError:
                raise ValidationError(
                    _("Unknown record visibility: %(value)s") % {"value": value}, field=name
                ) from None
        if name in ("consent_text_de", "consent_text_en", "consent_text_version"):
            value = str(value).strip()
        if name == "consent_text_version" and not value:
            raise ValidationError(_("Enter the consent text's version."), field=name)
        if name in ("consent_text_de", "consent_text_en") and not value:
            raise ValidationError(_("Enter the consent text the form prints."), field=name)
        out[name] = value
    return out


def _validate(
    new: OfficeSettingsView, threshold: int | None, window: int | None, feedback: int | None
) -> None:
    if not new.office_name:
        raise ValidationError(_("Enter the office's name."), field="office_name")
    if not valid_prefix(new.number_prefix):
        raise ValidationError(
            _("The number prefix must be 1 to 10 letters or digits."), field="number_prefix"
        )
    if threshold is not None and not 1 <= threshold <= 100:
        raise ValidationError(
            _("The suppression threshold must be between 1 and 100."), field="suppression_threshold"
        )
    if window is not None and not 0 <= window <= 730:
        raise ValidationError(
            _("The expiry window must be between 0 and 730 days."),
            field="residence_expiry_window_days",
        )
    if feedback is not None and not 1 <= feedback <= 365:
        raise ValidationError(
            _("The feedback period must be between 1 and 365 days."),
            field="referral_feedback_days",
        )
