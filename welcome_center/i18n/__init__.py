"""Translations (gettext, messages written in English) and Babel formatting for the active language.

The active language is chosen once at start-up by the composition root (``app.py``); switching it
needs a restart, like the desk does. German is the default.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal as _babel_format_decimal
from babel.numbers import format_percent as _babel_format_percent

from welcome_center.domain.shares import share

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
_LOCALES = {"de": "de_DE", "en": "en_GB"}

_state: dict[str, object] = {
    "lang": DEFAULT_LANGUAGE,
    "translations": _gettext.NullTranslations(),
}


def translations_dir() -> Path:
    """The folder with ``<lang>/LC_MESSAGES/messages.mo``: inside the package when installed
    from a wheel, beside the package in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    packaged = here / "translations"
    return packaged if packaged.is_dir() else here.parent / "translations"


def set_language(lang: str) -> None:
    """Make ``lang`` (``de`` or ``en``) the language of every message and format."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _state["lang"] = lang
    _state["translations"] = _gettext.translation(
        "messages", localedir=str(translations_dir()), languages=[lang], fallback=True
    )


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Messages and formats in ``lang`` for the block (a report in another language than the
    desk's), then the previous language again."""
    previous = language()
    set_language(lang)
    try:
        yield
    finally:
        set_language(previous)


def language() -> str:
    """The active language code."""
    return str(_state["lang"])


def locale_name() -> str:
    """The Babel/CLDR locale of the active language, e.g. ``de_DE``."""
    return _LOCALES[language()]


def _t() -> _gettext.NullTranslations:
    t = _state["translations"]
    assert isinstance(t, _gettext.NullTranslations)
    return t


def _(message: str) -> str:
    """Translate ``message`` into the active language."""
    return _t().gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with the plural form for ``n``."""
    return _t().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate ``message`` in ``context`` (for words that differ by use)."""
    return _t().pgettext(context, message)


def format_date(value: date, fmt: str = "medium") -> str:
    """A date in the active language: ``24.11.2026`` in German with the default format."""
    return _babel_format_date(value, fmt, locale=locale_name())


def format_short_date(value: date) -> str:
    """A date as digits: ``24.11.2026`` in German, ``24/11/2026`` in English (lists, CSV).

    Written out directly: the pattern is fixed per language, and lists format thousands of
    dates while scrolling (Babel's formatter costs about 50 µs a date)."""
    sep = "." if language() == "de" else "/"
    return f"{value.day:02d}{sep}{value.month:02d}{sep}{value.year:04d}"


def format_number(value: float | int) -> str:
    """A number with the active language's separators."""
    return _babel_format_decimal(value, locale=locale_name())


def format_size(size: int) -> str:
    """A file's size as people read it, in units of 1024 as file managers count them, rounded
    up (a file a byte over 20 MB never reads as "20 MB"): ``512 bytes``, ``245 KB``, ``1,2 MB``
    (German) / ``1.2 MB`` (English), ``20 MB``."""
    if size < 1024:
        return ngettext("%(n)d byte", "%(n)d bytes", size) % {"n": size}
    if size < 1024 * 1024:
        kb = _babel_format_decimal(-(-size // 1024), "#,##0", locale=locale_name())
        return _("%(n)s KB") % {"n": kb}
    mb = (Decimal(size) / (1024 * 1024)).quantize(Decimal("0.1"), rounding=ROUND_CEILING)
    number = _babel_format_decimal(mb, "#,##0.#", locale=locale_name())
    return _("%(n)s MB") % {"n": number}


def format_share(value: Decimal | None) -> str:
    """A share as :func:`welcome_center.domain.shares.share` computes it (percent, one decimal,
    rounded half up) in the active language: ``6,3 %`` in German, ``6.3%`` in English; empty
    for no share (0 of 0), as every table shows it."""
    if value is None:
        return ""
    number = _babel_format_decimal(value, "#,##0.0", locale=locale_name())
    return f"{number}%" if language() == "en" else f"{number}\u00a0%"


def format_share_of(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a share in the active language (see :func:`format_share`)."""
    return format_share(share(part, whole))


def format_percent(value: float, decimals: int = 0) -> str:
    """A ratio (0.25) as a percentage in the active language (``decimals`` after the point).
    Not for shares of counts: those go through :func:`format_share`, which rounds half up
    on the exact fraction (a float's 0.0625 would show as 6.2 %)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    if language() == "en":
        pattern = pattern.replace("\u00a0%", "%")
    return _babel_format_percent(value, pattern, locale=locale_name())


def country_name(code: str) -> str:
    """The name of an ISO 3166-1 alpha-2 country in the active language (the code if unknown)."""
    name: str = Locale.parse(locale_name()).territories.get(code.upper(), code.upper())
    return name
