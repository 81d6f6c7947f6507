"""The facts funders count for the demonstration office, with distributions like a Welcome
Center's: gender about balanced (a few not stated or not asked), most people employed or
unemployed, ISCED 5-8 frequent among the academic occupations and 3-4 among the trades, German
from none to C1 (lower for people still abroad), an arrival year for people living here;
organisations mostly small and medium companies; the country of training mostly the person's
nationality; events with the participants split into persons and organisations where known.

A random source of its own (seeded from the office's seed), so that the rest of the
demonstration office stays as it was with the same seed."""

from __future__ import annotations

import random
from datetime import date

from welcome_center.services import demo_data as dd

_GENDER = {"female": 46, "male": 47, "diverse": 1, "not_stated": 3, "not_recorded": 3}
_EMPLOYMENT_HERE = {
    "employed": 40, "unemployed": 22, "long_term_unemployed": 8, "self_employed": 4,
    "inactive": 6, "in_education": 12, "not_recorded": 8,
}  # fmt: skip
_EMPLOYMENT_ABROAD = {"employed": 62, "unemployed": 12, "self_employed": 5, "in_education": 9,
                      "inactive": 2, "not_recorded": 10}  # fmt: skip
_EDUCATION_ACADEMIC = {"isced_5_8": 88, "isced_3_4": 5, "not_recorded": 7}
_EDUCATION_TRADE = {"isced_3_4": 62, "isced_5_8": 18, "isced_0_2": 12, "not_recorded": 8}
_GERMAN_HERE = {"none": 3, "A1": 9, "A2": 16, "B1": 28, "B2": 22, "C1": 12, "C2": 2,
                "not_recorded": 8}  # fmt: skip
_GERMAN_ABROAD = {"none": 14, "A1": 24, "A2": 24, "B1": 20, "B2": 8, "C1": 2,
                  "not_recorded": 8}  # fmt: skip
_COMPANY_SIZE = {"micro": 22, "small": 36, "medium": 27, "large": 10, "not_recorded": 5}
_PUBLIC_SIZE = {"small": 15, "medium": 45, "large": 35, "not_recorded": 5}
# Words of an event's target group whose participants come for an organisation, mostly.
_EMPLOYER_GROUPS = ("Unternehmen", "Personalverantwortliche", "Kammern", "Arbeitgeber")
_ORGANISATION_KIND = {"company": "company", "public_employer": "public_employer",
                      "municipality": "authority", "authority": "authority"}  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Facts:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"facts-{seed}")

    def person(
        self, row: dd.Row, opened: date, abroad: bool, nationality: str, occupation: int
    ) -> None:
        """Add a person's facts to their row."""
        rng = self.rng
        born = row.get("birth_date")
        academic = dd.OCCUPATIONS[occupation].academic
        row["birth_year"] = born.year if isinstance(born, date) else None
        row["gender"] = _pick(rng, _GENDER)
        row["employment_status"] = _pick(rng, _EMPLOYMENT_ABROAD if abroad else _EMPLOYMENT_HERE)
        row["education"] = _pick(rng, _EDUCATION_ACADEMIC if academic else _EDUCATION_TRADE)
        german = _GERMAN_ABROAD if abroad else _GERMAN_HERE
        row["german_level"] = "C2" if nationality == "DE" else _pick(rng, german)
        here = not abroad and nationality != "DE"
        row["arrival_year"] = opened.year - int(rng.triangular(0, 8, 1)) if here else None
        row["nationality_2"] = None
        if nationality and nationality != "DE" and rng.random() < 0.03:
            row["nationality_2"] = "DE"  # naturalised, the first one kept

    def organisation(self, row: dd.Row, kind: str) -> None:
        row["kind"] = _ORGANISATION_KIND.get(kind, "other")
        sizes = _COMPANY_SIZE if kind == "company" else _PUBLIC_SIZE
        row["size"] = _pick(self.rng, sizes)

    def training_country(self, nationality: str, countries: list[str]) -> str | None:
        """Mostly where the person comes from; now and then a third country or not recorded."""
        roll = self.rng.random()
        if roll < 0.05:
            return None
        if roll < 0.85 or not countries:
            return nationality if nationality and nationality != "DE" else None
        return self.rng.choice(countries)

    def event(self, row: dd.Row) -> None:
        """Participants split into persons and organisations for most events (some offices do
        not count who came for whom): at events for employers, chambers and HR staff most came
        for an organisation, at those for newcomers and students nearly all for themselves."""
        total = int(row["participants"])
        if self.rng.random() < 0.2:
            row["participants_persons"] = row["participants_organisations"] = None
            return
        group = str(row.get("target_group", ""))
        employers = any(word in group for word in _EMPLOYER_GROUPS)
        share = self.rng.uniform(0.6, 0.95) if employers else self.rng.uniform(0.0, 0.12)
        row["participants_organisations"] = round(total * share)
        row["participants_persons"] = total - row["participants_organisations"]
