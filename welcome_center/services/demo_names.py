"""Fictitious names for the demonstration data: nationalities, name pools, companies.

Names come from Faker, drawn once per run into seeded pools (Faker is far too slow to call per
row): the same seed gives the same names. Data in German, not user interface text.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from welcome_center.domain.text import fold, strip_accents
from welcome_center.services.demo_data import split_items


@dataclass(frozen=True)
class Nationality:
    code: str  # ISO 3166-1 alpha-2
    weight: int
    pool: str  # the name pool: a Faker locale, or "arabic"
    languages: str  # in German, as the office writes them
    eu: bool


NATIONALITIES = [
    Nationality(code, int(w), pool, languages.replace("+", ", "), eu == "EU")
    for code, w, pool, languages, eu in (
        item.split()
        for item in split_items(
            "VN 12 vi_VN Vietnamesisch+Englisch -; UA 11 uk_UA Ukrainisch+Russisch -; "
            "IN 11 en_IN Englisch+Hindi -; SY 8 arabic Arabisch -; PL 7 pl_PL Polnisch EU; "
            "TR 7 tr_TR Türkisch -; RO 6 ro_RO Rumänisch EU; BR 5 pt_BR Portugiesisch -; "
            "CO 3 es_CO Spanisch -; MX 2 es_MX Spanisch+Englisch -; ES 2 es_ES Spanisch EU; "
            "CZ 3 cs_CZ Tschechisch EU; HU 2 hu_HU Ungarisch EU; "
            "ID 3 id_ID Indonesisch+Englisch -; "
            "TN 3 arabic Arabisch+Französisch -; MA 3 arabic Arabisch+Französisch -; "
            "EG 2 arabic Arabisch+Englisch -; IT 2 it_IT Italienisch EU; HR 2 hr_HR Kroatisch EU; "
            "DE 3 de_DE Deutsch EU"
        )
    )
]
_ARABIC_MALE = """Mohammad Ahmad Omar Yousef Khaled Mahmoud Hussein Tarek Bashar Sami Rami Karim Ali
    Hassan Ibrahim Mustafa Amer Fadi Nabil Walid Anas Jamal Majd Hamza Ziad Adnan Samer Yazan"""
_ARABIC_FEMALE = """Rania Lina Hiba Nour Fatima Aya Layla Dima Ghada Reem Salma Yasmin Amal Huda
    Mariam Rasha Samira Jana Noura Lama Rahaf Asmaa Heba Dalia Sara Maha"""
_ARABIC_FAMILY = """Al-Hassan Haddad Khalil Darwish Nasser Al-Ali Mansour Ibrahim Saleh Hamdan
    Kassem Shami Zidan Aziz Othman Al-Masri Sabbagh Haidar Yassin Najjar Hariri Khoury Jaber
    Qasim Barakat Ben-Youssef Trabelsi Benali El-Amrani Chaabane Abdallah Hamdi Farouk Suleiman"""
# The official Ukrainian transliteration ("_": dropped); some letters differ at a word's start.
_UK_LATIN = "a b v h g d e ie zh z y i i i k l m n o p r s t u f kh ts ch sh shch _ iu ia _ _"
_UK = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ'", split_items(_UK_LATIN, " "), strict=True))
_UK_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def transliterate_ukrainian(text: str) -> str:
    """Ukrainian Cyrillic in Latin letters, as passports (and so German files) spell it."""
    out: list[str] = []
    start = True
    for ch in text:
        low = ch.lower()
        latin = (_UK_INITIAL.get(low) if start else None) or _UK.get(low, ch)
        latin = "" if latin == "_" else latin
        out.append(latin.capitalize() if ch != low else latin)
        start = not ch.isalpha()
    return "".join(out)


@dataclass(frozen=True)
class NamePool:
    """Given and family names of one language, for women and men."""

    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family_female: tuple[str, ...]
    family_male: tuple[str, ...]

    def name(self, rng: random.Random, female: bool) -> tuple[str, str]:
        """(family name, given name)."""
        if female:
            return rng.choice(self.family_female), rng.choice(self.given_female)
        return rng.choice(self.family_male), rng.choice(self.given_male)


def _written_name(name: str) -> bool:
    """Letters, spaces, hyphens and apostrophes only: Faker's Turkish list holds a typo with a
    spacing tilde ("N˜zamett˜n"), which the desk showed as such."""
    return all(c.isalpha() or c in " -'’" for c in name)


def _unique(draw: Callable[[], object], n: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(draw()) for _ in range(n)))


@cache
def build_name_pools(seed: int, size: int = 240) -> dict[str, NamePool]:
    """A seeded pool per name language: Faker's, plus Arabic names in Latin spelling.

    Only Faker's person providers are loaded: a full ``Faker(locale)`` takes ten times as long.
    """
    from faker import Generator

    pools: dict[str, NamePool] = {}
    for i, locale in enumerate(sorted({n.pool for n in NATIONALITIES} - {"arabic"})):
        generator = Generator()
        fake = import_module(f"faker.providers.person.{locale}").Provider(generator)
        generator.seed_instance(seed * 1009 + i)
        draws = (fake.first_name_female, fake.first_name_male)
        lists = [_unique(d, size) for d in (*draws, fake.last_name_female, fake.last_name_male)]
        if locale == "vi_VN":  # "Thị Hương", "Văn Nam": the middle name belongs to the given name
            lists[0] = tuple(f"Thị {g}" for g in lists[0])
            lists[1] = tuple(f"{'Văn' if j % 3 else 'Đức'} {g}" for j, g in enumerate(lists[1]))
        if locale == "uk_UA":
            lists = [tuple(transliterate_ukrainian(n) for n in names) for names in lists]
        lists = [tuple(n for n in names if _written_name(n)) for names in lists]
        pools[locale] = NamePool(*lists)
    family = tuple(_ARABIC_FAMILY.split())
    female, male = tuple(_ARABIC_FEMALE.split()), tuple(_ARABIC_MALE.split())
    pools["arabic"] = NamePool(female, male, family, family)
    return pools


@cache
def _folded(name: str) -> str:
    return fold(name)


def person_key(family_name: str, given_name: str) -> str:
    """domain.rules.person_key, with each name's folding cached (the same names recur)."""
    return f"{_folded(family_name)}|{_folded(given_name)}"


@cache
def mail_name(name: str) -> str:
    """A name as the local part of an e-mail address: ``Nguyễn`` -> ``nguyen``."""
    return "".join(ch for ch in strip_accents(name) if ch.isalnum())


# --- companies and other employers ----------------------------------------------------------

BRANCHES = split_items(
    "Automotive Fahrzeugteile Maschinenbau Metallbau Präzisionstechnik Elektrotechnik "
    "Kunststofftechnik Logistik Spedition Bau Gebäudetechnik Pflegedienst Softwaresysteme "
    "Oberflächentechnik Textilveredlung Gastronomie Werkzeugbau Energietechnik",
    " ",
)
_PREFIXES = split_items("Mulde Pleiße Westsachsen Sachsen Robur Horch Glückauf Vogtland", " ")
_SUFFIXES = split_items("tec plast metall tronic log med", " ")
_LEGAL = ["GmbH", "GmbH", "GmbH", "GmbH & Co. KG", "KG", "AG", "e.K."]
# Other employers and bodies, by kind; "{town}" is a town of the district.
ORGANISATIONS = {
    "public_employer": split_items(
        "Stadtverwaltung {town}; Kreiskrankenhaus {town} gGmbH; Oberschule {town}; "
        "Kindertagesstätte Sonnenschein {town}; Seniorenzentrum {town} gGmbH"
    ),
    "municipality": ["Stadtverwaltung {town}, Bürgerservice", "Gemeindeverwaltung {town}"],
    "authority": split_items(
        "Landratsamt Zwickau, Sozialamt; Landratsamt Zwickau, Kreisentwicklungsamt; "
        "Finanzamt Zwickau; Landesamt für Schule und Bildung, Standort Zwickau"
    ),
}


def company_name(rng: random.Random, family: str, family2: str, town: str) -> str:
    """A regional-sounding, fictitious company name."""
    branch, legal = rng.choice(BRANCHES), rng.choice(_LEGAL)
    form = rng.randrange(6)
    if form == 0 and town.isalpha():  # "Zwickauer", "Meeraner"
        return f"{town}{'r' if town.endswith('e') else 'er'} {branch} {legal}"
    if form == 1:
        return f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)} {town} {legal}"
    if form == 2:
        return f"{family} & {family2} {branch} KG"
    return f"{branch} {family} {legal}" if form == 3 else f"{family} {branch} {legal}"
