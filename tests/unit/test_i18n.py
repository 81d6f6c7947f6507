"""The German catalog is complete: every message in the code is in it, translated, not fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from welcome_center import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _code_messages() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT / "welcome_center"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f)


def test_every_message_in_the_code_is_in_the_german_catalog() -> None:
    catalog = _catalog("de")
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    missing = sorted(_code_messages() - ids)
    assert missing == [], "run the catalog update described in the README"


def test_german_catalog_has_no_untranslated_or_fuzzy_entry() -> None:
    catalog = _catalog("de")
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation() -> None:
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]")
    for m in _catalog("de"):
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set(pattern.findall(ids[-1]))
        for s in strings:
            assert set(pattern.findall(s)) <= wanted | set(pattern.findall(ids[0])), m.id
            assert wanted <= set(pattern.findall(s)) | {"n"}, m.id


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("de", "Benutzername oder Passwort ist falsch."), ("en", "User name or password is wrong.")],
)
def test_messages_come_in_the_chosen_language(lang: str, expected: str) -> None:
    i18n.set_language(lang)
    assert i18n._("User name or password is wrong.") == expected


def test_german_formats() -> None:
    from datetime import date

    i18n.set_language("de")
    assert i18n.format_date(date(2026, 3, 1)) == "01.03.2026"
    assert i18n.format_number(1234567.5) == "1.234.567,5"
    assert i18n.country_name("SY") == "Syrien"
