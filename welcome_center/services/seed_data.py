"""The initial vocabularies and partners (DOMAIN.md); editable afterwards, never code."""

from __future__ import annotations

# (code, German label, English label)
Entry = tuple[str, str, str]

TOPICS: list[Entry] = [
    ("residence", "Aufenthalt, Einreise, Visum", "Residence, entry, visa"),
    ("hiring", "Einstellung, Arbeitsaufnahme", "Hiring, taking up work"),
    ("recognition", "Anerkennung von Abschlüssen", "Recognition of qualifications"),
    ("job_search", "Arbeitssuche, Bewerbung", "Job search, applications"),
    ("career", "Berufliche Orientierung", "Career orientation"),
    ("qualification", "Qualifizierung", "Further training"),
    ("language", "Deutschlernen", "Learning German"),
    ("funding", "Finanzierung und Förderung", "Financing and funding"),
    ("fair_work", "Faire Integration, Arbeitsrecht", "Fair integration, labour law"),
    (
        "recruitment",
        "Fachkräftegewinnung EU / Drittstaaten",
        "Recruiting from the EU / third countries",
    ),
    ("diversity", "Vielfalt im Unternehmen", "Diversity in the company"),
    ("family", "Familiennachzug", "Family reunification"),
    (
        "living",
        "Wohnen, Kinderbetreuung, Schule, Gesundheit, Freizeit",
        "Housing, childcare, school, health, leisure",
    ),
    ("studies", "Studium", "Studies"),
    ("other", "Sonstiges", "Other"),
]

REQUESTER_TYPES: list[Entry] = [
    ("person_abroad", "Person im Ausland (zuwandernd)", "Person abroad (moving here)"),
    ("person_in_region", "Person in der Region (zugewandert)", "Person in the region"),
    ("company", "Unternehmen", "Company"),
    ("public_employer", "Öffentlicher Arbeitgeber", "Public employer"),
    ("employment_agency", "Agentur für Arbeit / Jobcenter", "Employment agency / job centre"),
    ("municipality", "Kommune", "Municipality"),
    ("authority", "Behörde", "Authority"),
    ("counselling_service", "Beratungsstelle", "Counselling service"),
    ("on_behalf", "Anfrage für Dritte", "On behalf of someone"),
    ("other", "Sonstige", "Other"),
]

CHANNELS: list[Entry] = [
    ("in_person", "Persönlich", "In person"),
    ("phone", "Telefon", "Phone"),
    ("email", "E-Mail", "E-mail"),
    ("video", "Video", "Video call"),
    ("letter", "Brief", "Letter"),
    ("event", "Veranstaltung", "Event"),
    ("other", "Sonstiger Weg", "Other"),
]

SERVICES: list[Entry] = [
    ("initial_information", "Erstinformation", "Initial information"),
    ("referral_counselling", "Verweisberatung", "Referral counselling"),
    ("individual_counselling", "Individuelle Beratung", "Individual counselling"),
    ("case_accompaniment", "Fallbegleitung", "Case accompaniment"),
    ("collegial_case_work", "Kollegiale Fallarbeit", "Collegial case work"),
    ("information_material", "Informationsmaterial", "Information material"),
]

CLOSING_REASONS: list[Entry] = [
    ("goal_reached", "Ziel erreicht", "Goal reached"),
    ("referred_on", "Weitervermittelt", "Referred on"),
    ("no_further_contact", "Kein weiterer Kontakt", "No further contact"),
    ("moved_away", "Weggezogen", "Moved away"),
    ("not_responsible", "Nicht zuständig", "Not responsible"),
    ("duplicate", "Doppelt erfasst", "Duplicate"),
]

RESIDENCE_TITLES: list[Entry] = [
    ("eu_free_movement", "EU-Freizügigkeit", "EU free movement"),
    ("visa", "Visum", "Visa"),
    ("s16a", "§ 16a Berufsausbildung", "§ 16a vocational training"),
    ("s16b", "§ 16b Studium", "§ 16b studies"),
    ("s16d", "§ 16d Anerkennungsmaßnahmen", "§ 16d recognition measures"),
    (
        "s17",
        "§ 17 Suche nach Ausbildungs- oder Studienplatz",
        "§ 17 search for training or studies",
    ),
    ("s18a", "§ 18a Fachkraft mit Berufsausbildung", "§ 18a skilled worker (vocational)"),
    ("s18b", "§ 18b Fachkraft mit akademischer Ausbildung", "§ 18b skilled worker (academic)"),
    ("s18g", "§ 18g Blaue Karte EU", "§ 18g EU Blue Card"),
    ("s19c", "§ 19c Sonstige Beschäftigung", "§ 19c other employment"),
    (
        "s20",
        "§ 20 / § 20a Arbeitsplatzsuche, Chancenkarte",
        "§ 20 / § 20a job search, opportunity card",
    ),
    ("s18c", "§ 18c Niederlassungserlaubnis", "§ 18c settlement permit"),
    ("permanent_eu", "Daueraufenthalt-EU", "Permanent EU residence"),
    ("family", "Familiennachzug (§§ 27 ff.)", "Family (§§ 27 ff.)"),
    ("humanitarian", "Humanitärer Aufenthalt", "Humanitarian residence"),
    ("other", "Sonstiger Titel", "Other title"),
    ("unknown", "Unbekannt", "Unknown"),
]

_TOWNS = [
    "Crimmitschau",
    "Glauchau",
    "Hartenstein",
    "Hohenstein-Ernstthal",
    "Kirchberg",
    "Lichtenstein/Sa.",
    "Limbach-Oberfrohna",
    "Meerane",
    "Oberlungwitz",
    "Waldenburg",
    "Werdau",
    "Wildenfels",
    "Wilkau-Haßlau",
    "Zwickau",
    "Bernsdorf",
    "Callenberg",
    "Crinitzberg",
    "Dennheritz",
    "Fraureuth",
    "Gersdorf",
    "Hartmannsdorf b. Kirchberg",
    "Hirschfeld",
    "Langenbernsdorf",
    "Langenweißbach",
    "Lichtentanne",
    "Mülsen",
    "Neukirchen/Pleiße",
    "Niederfrohna",
    "Oberwiera",
    "Reinsdorf",
    "Remse",
    "Schönberg",
    "St. Egidien",
]


def _town_code(name: str) -> str:
    from welcome_center.domain.text import strip_accents

    plain = strip_accents(name).replace("/sa.", "").replace(" b. ", "_").replace("st. ", "st_")
    return "".join(ch if ch.isalnum() else "_" for ch in plain).strip("_")


MUNICIPALITIES: list[Entry] = [(_town_code(t), t, t) for t in _TOWNS] + [
    ("elsewhere_germany", "Anderswo in Deutschland", "Elsewhere in Germany"),
    ("abroad", "Ausland", "Abroad"),
]

VOCABULARIES: dict[str, list[Entry]] = {
    "topic": TOPICS,
    "requester_type": REQUESTER_TYPES,
    "service": SERVICES,
    "channel": CHANNELS,
    "closing_reason": CLOSING_REASONS,
    "residence_title": RESIDENCE_TITLES,
    "municipality": MUNICIPALITIES,
}

# (code, full name, short name)
PARTNERS: list[tuple[str, str, str]] = [
    ("fizuz", "Fachinformationszentrum Zuwanderung (EXIS Europa e.V.)", "FIZUZ"),
    ("aa_zwickau", "Agentur für Arbeit Zwickau", "Agentur für Arbeit"),
    ("jc_zwickau", "Jobcenter Zwickau", "Jobcenter"),
    ("abh_zwickau", "Ausländerbehörde Landkreis Zwickau", "Ausländerbehörde"),
    ("ihk_chemnitz", "IHK Chemnitz (Regionalkammer Zwickau)", "IHK Chemnitz"),
    ("ihk_fosa", "IHK FOSA (Foreign Skills Approval)", "IHK FOSA"),
    ("hwk_chemnitz", "Handwerkskammer Chemnitz", "HWK Chemnitz"),
    ("iq_sachsen", "IQ Netzwerk Sachsen (Anerkennungsberatung)", "IQ Netzwerk"),
    ("whz", "Westsächsische Hochschule Zwickau", "WHZ"),
    (
        "dhsn_glauchau",
        "Duale Hochschule Sachsen, Staatliche Studienakademie Glauchau",
        "DHSN Glauchau",
    ),
    ("mbe", "Migrationsberatung für Erwachsene", "MBE"),
    ("jmd", "Jugendmigrationsdienst", "JMD"),
    ("zav", "ZAV (Zentrale Auslands- und Fachvermittlung)", "ZAV"),
]
