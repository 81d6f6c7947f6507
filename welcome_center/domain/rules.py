"""Rules of the domain that need no storage: validity of names, dates and codes."""

from __future__ import annotations

import re
from datetime import date

from welcome_center.domain.text import fold

_LEGAL_FORMS = re.compile(
    r"\b(gmbh & co\.? kg|gmbh|ggmbh|ug \(haftungsbeschrankt\)|ug|ag|kg|ohg|e\.? ?v\.?|e\.? ?k\.?|"
    r"gbr|mbh|ltd\.?|inc\.?|llc|s\.?a\.?|sp\. z o\.o\.)(?=\s|$)"
)


def organisation_key(name: str) -> str:
    """A matching key for a company name: folded, legal form dropped ("Muster GmbH" = "MUSTER")."""
    key = fold(name)
    key = _LEGAL_FORMS.sub(" ", key)
    return " ".join(key.replace(",", " ").split())


def person_key(family_name: str, given_name: str) -> str:
    """A matching key for a person's name: folded family name, then folded given name."""
    return f"{fold(family_name)}|{fold(given_name)}"


def plausible_birth_date(value: date, today: date) -> bool:
    """Birth dates lie between 120 years ago and today."""
    return date(today.year - 120, 1, 1) <= value <= today


_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


def plausible_email(value: str) -> bool:
    """An e-mail address has a local part, an "@" and a domain with a dot ("keine-mail" and
    "anna@localhost" are not addresses a client or a partner can be written to)."""
    return bool(_EMAIL.fullmatch(value))
