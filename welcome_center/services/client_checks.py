"""The checks of a person's or an organisation's draft before it is saved: the names given, the
dates and years plausible, the country and municipality codes known, the e-mail address shaped
like one, a partner's code unique; each refusal says which field (``services.people``)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from welcome_center.db.models import Organisation
from welcome_center.domain.dates import office_today
from welcome_center.domain.drafts import OrganisationDraft, PersonDraft
from welcome_center.domain.enums import (
    EducationLevel,
    EmploymentStatus,
    Gender,
    GermanLevel,
    OrganisationKind,
    OrganisationSize,
    Vocabulary,
)
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.person_facts import birth_year_of, plausible_year
from welcome_center.domain.rules import plausible_birth_date, plausible_email
from welcome_center.i18n import _
from welcome_center.services import countries, vocabularies

_PARTNER_CODE = re.compile(r"^[a-z0-9_]{1,64}$")


def _kept(code: str | None) -> frozenset[str]:
    """A code an item had before: it may stay even if retired since (new ones must be active)."""
    return frozenset({code}) if code else frozenset()


def clean_person(s: Session, d: PersonDraft, kept: str | None = None) -> PersonDraft:
    family = d.family_name.strip()
    if not family:
        raise ValidationError(_("Enter the family name."), field="family_name")
    if d.birth_date is not None and not plausible_birth_date(d.birth_date, office_today()):
        raise ValidationError(_("The birth date is not plausible."), field="birth_date")
    nationality = _country(d.nationality, "nationality")
    nationality_2 = _country(d.nationality_2, "nationality_2")
    if nationality_2 and not nationality:
        raise ValidationError(
            _("Enter the first nationality before a second one."), field="nationality"
        )
    if nationality_2 == nationality:
        nationality_2 = None
    birth_year = _year(d.birth_year, "birth_year")
    if d.birth_date is not None and birth_year not in (None, d.birth_date.year):
        raise ValidationError(
            _("The birth year is not the year of the birth date."), field="birth_year"
        )
    arrival_year = _year(d.arrival_year, "arrival_year")
    if d.municipality:
        vocabularies.require_codes(
            s, Vocabulary.MUNICIPALITY, [d.municipality], "municipality", _kept(kept)
        )
    check_email(d.email, "email")
    return PersonDraft(
        family_name=family,
        given_name=d.given_name.strip(),
        birth_date=d.birth_date,
        nationality=nationality,
        municipality=d.municipality or None,
        email=d.email.strip(),
        phone=d.phone.strip(),
        languages=d.languages.strip(),
        notes=d.notes,
        birth_year=birth_year_of(d.birth_date, birth_year),
        nationality_2=nationality_2,
        gender=Gender(d.gender),
        employment_status=EmploymentStatus(d.employment_status),
        education=EducationLevel(d.education),
        german_level=GermanLevel(d.german_level),
        arrival_year=arrival_year,
    )


def _country(value: str | None, field: str) -> str | None:
    code = value.strip().upper() if value else None
    if code and not countries.is_country(code):
        raise ValidationError(
            _("%(code)s is not a country code (ISO 3166-1, e.g. DE, VN, UA).") % {"code": code},
            field=field,
        )
    return code or None


def _year(value: int | None, field: str) -> int | None:
    """A birth or arrival year: none, or one of the last 120 years."""
    if value is not None and not plausible_year(value, office_today()):
        raise ValidationError(_("%(year)s is not a plausible year.") % {"year": value}, field=field)
    return value


def clean_org(
    s: Session, d: OrganisationDraft, own_id: int | None, kept: str | None = None
) -> OrganisationDraft:
    name = d.name.strip()
    if not name:
        raise ValidationError(_("Enter the organisation's name."), field="name")
    code = (d.code or "").strip().lower() or None
    if code is not None:
        if not _PARTNER_CODE.match(code):
            raise ValidationError(
                _("A code has 1 to 64 small letters, digits or underscores."), field="code"
            )
        other = s.scalar(select(Organisation.id).where(Organisation.code == code))
        if other is not None and other != own_id:
            raise ValidationError(
                _("The code %(code)s exists already.") % {"code": code}, field="code"
            )
    if d.municipality:
        vocabularies.require_codes(
            s, Vocabulary.MUNICIPALITY, [d.municipality], "municipality", _kept(kept)
        )
    check_email(d.email, "email")
    return OrganisationDraft(
        name=name,
        short_name=d.short_name.strip(),
        is_partner=d.is_partner,
        code=code,
        municipality=d.municipality or None,
        email=d.email.strip(),
        phone=d.phone.strip(),
        website=d.website.strip(),
        notes=d.notes,
        kind=OrganisationKind(d.kind),
        size=OrganisationSize(d.size),
    )


def check_email(value: str, field: str) -> None:
    """An e-mail address, if one is given, must look like one (a typo is caught at the desk,
    not when the letter bounces)."""
    text = value.strip()
    if text and not plausible_email(text):
        raise ValidationError(
            _("%(value)s is not an e-mail address (name@example.org).") % {"value": text},
            field=field,
        )
