"""The printable consent form as a reader sees it (text extracted with pypdf): the office's own
wording, the client, the purposes as boxes, the partners with the one printed for ticked, lines
for the signatures, in the client's language, on one page."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from welcome_center import i18n
from welcome_center.domain.consent import (
    DEFAULT_CONSENT_TEXT_DE,
    DEFAULT_CONSENT_TEXT_EN,
    ConsentFormContent,
    FormPartner,
)
from welcome_center.reports.consent_form import render_consent_form

PARTNERS = tuple(
    FormPartner(name, ticked=name.startswith("Fach"))
    for name in (
        "Agentur für Arbeit Zwickau",
        "Ausländerbehörde Landkreis Zwickau",
        "Fachinformationszentrum Zuwanderung",
        "IQ Netzwerk Sachsen",
        "Jobcenter Zwickau",
        "Migrationsberatung für Erwachsene (MBE)",
    )
)


def _content(lang: str, **kw: object) -> ConsentFormContent:
    values: dict[str, object] = dict(
        language=lang,
        office_name="Welcome Center Region Zwickau",
        text=DEFAULT_CONSENT_TEXT_DE if lang == "de" else DEFAULT_CONSENT_TEXT_EN,
        text_version="3",
        client_name="Nguyễn, Thị Lan",
        birth_date=date(1990, 4, 3),
        partners=PARTNERS,
        printed_on=date(2026, 12, 6),
    )
    values.update(kw)
    return ConsentFormContent(**values)  # type: ignore[arg-type]


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_the_german_form_on_one_page() -> None:
    (page,) = _pages(render_consent_form(_content("de")))
    flat = " ".join(page.split())
    assert "Einwilligung in die Verarbeitung personenbezogener Daten" in flat
    assert "Welcome Center Region Zwickau" in flat
    assert "Nguyễn, Thị Lan" in flat and "03.04.1990" in flat
    assert "Wir beraten Sie kostenlos und vertraulich." in flat  # the office's own wording
    for purpose in ("☐ Beratung:", "☐ Weitervermittlung:", "☐ Arbeitgeber:", "☐ Veranstaltungen:"):
        assert purpose in flat, purpose
    assert "☒ Fachinformationszentrum Zuwanderung" in flat  # the partner it is printed for
    assert "☐ Jobcenter Zwickau" in flat
    assert flat.count("Ort, Datum") == 2 and "Unterschrift der Klientin / des Klienten" in flat
    assert "Textversion 3 · gedruckt am 06.12.2026" in flat


def test_the_english_form_whatever_the_desks_language() -> None:
    i18n.set_language("de")
    (page,) = _pages(render_consent_form(_content("en")))
    flat = " ".join(page.split())
    assert "Consent to the processing of personal data" in flat
    assert "We advise you free of charge" in flat
    assert "☐ Counselling:" in flat and "Signature of the client" in flat
    assert i18n.language() == "de"  # the desk's language is left as it was


def test_user_text_is_printed_as_written_never_as_markup() -> None:
    odd = "Müller & Söhne <b>GmbH</b>"
    text = "Line one <i>not italic</i> & more\nsecond line"
    data = render_consent_form(
        _content("en", client_name=odd, text=text, partners=(FormPartner(odd),))
    )
    flat = " ".join(" ".join(_pages(data)).split())
    assert flat.count("Müller & Söhne <b>GmbH</b>") == 2
    assert "Line one <i>not italic</i> & more second line" in flat


def test_an_empty_directory_leaves_a_line_to_write_a_partner_in() -> None:
    (page,) = _pages(render_consent_form(_content("en", partners=())))
    assert "only the partners ticked here:" in page
