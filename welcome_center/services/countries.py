"""Countries: ISO 3166-1 alpha-2 codes (pycountry), names in German and English (Babel/CLDR)."""

from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale

from welcome_center.domain.text import strip_accents


@cache
def codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    return frozenset(c.alpha_2 for c in pycountry.countries)


def is_country(code: str) -> bool:
    return code.upper() in codes()


@cache
def _names() -> dict[str, str]:
    out: dict[str, str] = {}
    for lang in ("en", "de"):
        for code, name in Locale.parse(lang).territories.items():
            if code in codes():
                out[strip_accents(name)] = code
    for c in pycountry.countries:
        out.setdefault(strip_accents(c.name), c.alpha_2)
        if hasattr(c, "common_name"):
            out.setdefault(strip_accents(c.common_name), c.alpha_2)
    return out


def resolve(value: str) -> str | None:
    """The code for a code or a German or English country name ("Vietnam", "Türkei", "UA")."""
    text = value.strip()
    if len(text) == 2 and is_country(text):
        return text.upper()
    return _names().get(strip_accents(text))
