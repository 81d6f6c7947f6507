"""Write a realistic import list: ``python -m benchmarks.make_import_csv OUT.csv --rows N``.

German headers, semicolons and a UTF-8 byte order mark, as German Excel saves a CSV. Values mix
vocabulary codes with German and English labels and name partners by short name, code or
``partner@DD.MM.YYYY``, as lists kept by hand do. The same seed gives the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

from welcome_center.domain.dates import office_today
from welcome_center.domain.rules import organisation_key, person_key
from welcome_center.services import seed_data
from welcome_center.services.import_rows import COLUMNS

# Latin-script locales of the countries skilled workers in the region come from.
_LOCALES = {
    "de_DE": "DE",
    "vi_VN": "VN",
    "tr_TR": "TR",
    "pl_PL": "PL",
    "es_CO": "CO",
    "en_IN": "IN",
    "pt_BR": "BR",
    "ro_RO": "RO",
    "hr_HR": "HR",
    "it_IT": "IT",
}
_COUNTRY_NAMES = {"VN": "Vietnam", "TR": "Türkei", "IN": "Indien", "BR": "Brasilien"}
_COUNTRY_NAMES |= {"CO": "Kolumbien", "PL": "Polen", "RO": "Rumänien", "HR": "Kroatien"}
_COUNTRY_NAMES |= {"IT": "Italien", "DE": "Deutschland"}
_COUNSELLORS = ["anna", "ben", "c.weber", "d.schmidt", "e.novak"]
_DAYS = 3 * 365


def _label(rng: random.Random, entry: tuple[str, str, str]) -> str:
    """A vocabulary value as people write it: mostly the German label, sometimes code or English."""
    code, de, en = entry
    return rng.choices([de, code, en, de.upper()], weights=[70, 15, 10, 5])[0]


def _partner(rng: random.Random, opened: date, today: date) -> str:
    code, _name, short = rng.choice(seed_data.PARTNERS)
    name = rng.choices([short, code, short.lower()], weights=[80, 15, 5])[0]
    if rng.random() < 0.3:
        on = opened + timedelta(days=rng.randint(0, max(0, (today - opened).days)))
        return f"{name}@{on:%d.%m.%Y}"
    return name


class _Clients:
    """Persons and companies; some come back with a later enquiry."""

    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng, self.fake = rng, fake
        self.seen: list[tuple[str, str, str, str]] = []  # kind, family or org, given, nationality

    def pick(self) -> tuple[str, str, str, str]:
        if self.seen and self.rng.random() < 0.1:
            return self.rng.choice(self.seen)
        if self.rng.random() < 0.2:
            client = ("Organisation", str(self.fake["de_DE"].company()), "", "")
        else:
            locale = self.rng.choice(list(_LOCALES))
            code = _LOCALES[locale]
            nationality = _COUNTRY_NAMES[code] if self.rng.random() < 0.5 else code
            family = str(self.fake[locale].last_name())
            given = str(self.fake[locale].first_name())
            client = ("Person", family, given, nationality)
        self.seen.append(client)
        return client


def rows(n: int, seed: int, today: date) -> list[list[str]]:
    """``n`` data rows in the column order of :data:`COLUMNS`."""
    rng = random.Random(seed)
    Faker.seed(seed)
    clients = _Clients(rng, Faker(list(_LOCALES)))
    used: set[tuple[str, str, date]] = set()
    seq: dict[int, int] = {}
    out: list[list[str]] = []
    while len(out) < n:
        kind, family, given, nationality = clients.pick()
        opened = today - timedelta(days=rng.randint(1, _DAYS))
        # The import takes equal names (ignoring case, accents, legal form) for one client.
        key = person_key(family, given) if kind == "Person" else organisation_key(family)
        if (kind, key, opened) in used:
            continue
        used.add((kind, key, opened))
        number = ""
        if rng.random() < 0.4:  # part of the old list was numbered by hand
            seq[opened.year] = seq.get(opened.year, 900) + 1
            number = f"WC-{opened.year}-{seq[opened.year]:04d}"
        closed = ""
        reason = ""
        if rng.random() < 0.5:
            on = opened + timedelta(days=rng.randint(0, (today - opened).days))
            closed = f"{on:%d.%m.%Y}" if rng.random() < 0.8 else on.isoformat()
            reason = _label(rng, rng.choice(seed_data.CLOSING_REASONS))
        topics = rng.sample(seed_data.TOPICS, rng.choice([1, 1, 2, 2, 3]))
        referrals = [_partner(rng, opened, today) for _ in range(rng.choice([0, 0, 0, 1, 1, 2]))]
        person = kind == "Person"
        requester = rng.choice(
            seed_data.REQUESTER_TYPES[:2] if person else seed_data.REQUESTER_TYPES[2:4]
        )
        out.append(
            [
                number,
                rng.choice(["Anfrage", "Anfrage", "Fall", "enquiry", "case"]),
                f"{opened:%d.%m.%Y}" if rng.random() < 0.8 else opened.isoformat(),
                closed,
                reason,
                kind if rng.random() < 0.7 else "",
                family if person else "",
                given,
                "" if person else family,
                nationality,
                _label(rng, rng.choice(seed_data.MUNICIPALITIES)),
                _label(rng, requester),
                "; ".join(_label(rng, t) for t in topics),
                _label(rng, rng.choice(seed_data.CHANNELS)),
                rng.choice(_COUNSELLORS),
                "; ".join(dict.fromkeys(referrals)),
                str(rng.choice([0, 1, 1, 1, 2, 2, 3, 5])),
            ]
        )
    return out


def write(path: Path, n: int, seed: int = 1, today: date | None = None) -> None:
    """Write ``n`` rows to ``path`` as German Excel would save them."""
    day = today or office_today()  # the office's day: the machine's may be tomorrow already
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow([german for german, _english in COLUMNS.values()])
        w.writerows(rows(n, seed, day))


def main(argv: Sequence[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("out", type=Path, help="the CSV file to write")
    p.add_argument("--rows", type=int, default=10_000, help="number of data rows")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same file)")
    args = p.parse_args(argv)
    write(args.out, args.rows, args.seed)


if __name__ == "__main__":
    main()
