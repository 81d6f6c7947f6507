"""The client summary's wording for a new office, in German, simple German (Einfache Sprache:
short sentences, one statement each, everyday words) and English. The office's administrator
adapts it in the settings; the syntax is in :mod:`welcome_center.domain.printouts`."""

from __future__ import annotations

DEFAULT_SUMMARY_DE = """\
# Zusammenfassung Ihrer Beratung

Am {date} haben Sie mit {counsellor} ({office}) gesprochen. Auf diesem Blatt steht, worüber \
wir gesprochen haben, was als Nächstes zu tun ist und wer Ihnen weiterhelfen kann.

## Worüber wir gesprochen haben
{topics}

## Ihre nächsten Schritte
{steps}

## Wer Ihnen weiterhilft
Wir haben Sie an diese Stellen verwiesen:
{partners}

## So erreichen Sie uns
{contact}

Die Beratung ist kostenlos und vertraulich. Bitte bringen Sie dieses Blatt zu Ihrem nächsten \
Termin mit.
"""

DEFAULT_SUMMARY_DE_SIMPLE = """\
# Ihr Gespräch bei uns

Sie waren am {date} bei uns.
Sie haben mit {counsellor} gesprochen.
Hier steht, worüber wir gesprochen haben.
Und hier steht, was Sie jetzt tun können.

## Darüber haben wir gesprochen
{topics}

## Das sind Ihre nächsten Schritte
{steps}

## Hier bekommen Sie mehr Hilfe
Diese Stellen können Ihnen helfen:
{partners}

## Haben Sie Fragen?
Dann rufen Sie uns an.
Oder schreiben Sie uns eine E-Mail.
{contact}

Die Beratung kostet nichts.
Wir geben Ihre Daten nur weiter, wenn Sie es erlauben.
Bitte bringen Sie dieses Blatt zum nächsten Termin mit.
"""

DEFAULT_SUMMARY_EN = """\
# Summary of your counselling

On {date} you spoke with {counsellor} ({office}). This sheet lists what we talked about, what \
happens next and who can help you further.

## What we talked about
{topics}

## Your next steps
{steps}

## Who can help you further
We referred you to:
{partners}

## How to reach us
{contact}

The counselling is free of charge and confidential. Please bring this sheet to your next \
appointment.
"""

DEFAULT_SUMMARY_TEXTS: dict[str, str] = {
    "de": DEFAULT_SUMMARY_DE,
    "de_simple": DEFAULT_SUMMARY_DE_SIMPLE,
    "en": DEFAULT_SUMMARY_EN,
}
