"""Demonstration clients (people with their residence titles, organisations) and the rows and
weighted choices that every builder of a demonstration office shares."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import Base
from welcome_center.db.models import VocabularyEntry as Voc
from welcome_center.domain.enums import ReferralStatus
from welcome_center.domain.errors import ValidationError
from welcome_center.domain.rules import organisation_key
from welcome_center.i18n import _
from welcome_center.services import demo_data as dd
from welcome_center.services import demo_names as dn
from welcome_center.services.demo_facts import Facts

Row = dd.Row
START = date(2023, 3, 1)


class Rows:
    """The rows of a demonstration office by table, ids assigned here: no round trip per row."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.by_table: dict[str, list[Row]] = defaultdict(list)
        self.ids: dict[str, int] = {}

    def add(self, table: str, row: Row) -> int:
        """Add ``row`` with the next id of ``table``; returns the id."""
        if table not in self.ids:
            self.ids[table] = self.s.scalar(select(func.max(Base.metadata.tables[table].c.id))) or 0
        self.ids[table] = row["id"] = self.ids[table] + 1
        self.by_table[table].append(row)
        return self.ids[table]


@dataclass
class Basis:
    """What the builders of one office share: the random source, the period, the office's
    vocabulary codes, the weighted choices among them, and the rows built so far."""

    rng: random.Random
    start: date
    today: date
    n: int  # how many records
    codes: dict[str, list[str]]  # active codes by vocabulary, in the office's order
    labels: dict[str, str]  # German label by code
    pick: dict[str, dd.Weighted[str]]
    show_titles: list[str]  # residence titles still to be shown (see dd.Weighted)
    rows: Rows


def load_basis(s: Session, rng: random.Random, today: date, n: int) -> Basis:
    """The office's vocabularies and the weighted choices among their codes."""
    start = START if today >= START + timedelta(days=90) else today - timedelta(365)
    codes: dict[str, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    vocabularies = select(Voc.vocabulary, Voc.code, Voc.label_de).where(Voc.active)
    for voc, code, label in s.execute(vocabularies.order_by(Voc.vocabulary, Voc.position)):
        codes[voc].append(code)
        labels[code] = label
    if missing := [v for v in (*dd.VOCABULARIES, "residence_title") if not codes[v]]:
        names = ", ".join(missing)
        raise ValidationError(
            _("These vocabularies have no active entries: %(names)s") % {"names": names}
        )
    # Every code shows up once early on (see Weighted): the first records, people, titles
    # and referrals go through the codes of their vocabulary.
    show = {voc: rng.sample(c, len(c)) for voc, c in codes.items()}
    show["referral"] = [status.value for status in ReferralStatus]
    w, c = dd.WEIGHTS, codes
    pick = {voc: dd.Weighted(c[voc], w[voc], cover=show[voc]) for voc in dd.VOCABULARIES}
    pick["org_topic"] = dd.Weighted(c["topic"], w["org_topic"], 0, cover=show["topic"])
    pick["contact_channel"] = dd.Weighted(c["channel"], w["channel"])
    pick["place"] = dd.Weighted(c["municipality"], w["municipality"])
    pick["referral"] = dd.Weighted(dd.FEEDBACK, dd.FEEDBACK, cover=show["referral"])
    rows = Rows(s)
    return Basis(rng, start, today, n, codes, labels, pick, show["residence_title"], rows)


class PersonTraits(NamedTuple):
    nationality: str
    occupation: int  # index into demo_data.OCCUPATIONS
    language: str  # the first language, in German
    family_name: str


class Clients:
    """Builds the people (clients, candidates, relatives, helpers) and organisations."""

    def __init__(self, b: Basis, seed: int) -> None:
        self.rng, self.today, self.start, self.n = b.rng, b.today, b.start, b.n
        self.pick, self.codes, self.labels, self._add = b.pick, b.codes, b.labels, b.rows.add
        self.nations = {x.code: x for x in dn.NATIONALITIES}
        weights = {x.code: x.weight for x in self.nations.values()}
        self.pick_nationality = dd.Weighted(self.nations, weights)
        self.titles: dict[tuple[str, bool], dd.Weighted[str]] = {}
        self.show_titles = b.show_titles
        self.towns = [
            m for m in self.codes["municipality"] if m not in ("abroad", "elsewhere_germany")
        ]
        self.names = dn.build_name_pools(seed)
        self.clients: dict[bool, list[int]] = {True: [], False: []}  # person ids by "abroad"
        self.persons: dict[int, PersonTraits] = {}
        self.orgs: dict[str, list[int]] = defaultdict(list)
        self.org_names: set[str] = set()
        self.places: dict[tuple[str, int | None], str | None] = {}  # municipality of clients
        self.facts = Facts(seed)  # the facts funders count, from a random source of their own

    def client(self, abroad: bool, opened: date) -> int:
        """A person asking for themselves: new, or now and then one who came before."""
        earlier = self.clients[abroad]
        if earlier and self.rng.random() < 0.07:
            return self.rng.choice(earlier)  # a client who comes back with a new matter
        pid = self.person(opened, abroad, client=True)
        earlier.append(pid)
        self._titles(pid, opened, abroad)
        return pid

    def person(
        self, opened: date, abroad: bool, nat: str = "", family: str = "", client: bool = False
    ) -> int:
        """A new person, of nationality ``nat`` and family name ``family`` if given."""
        rng, rand = self.rng, self.rng.random
        place = "abroad" if abroad else self.pick["municipality" if client else "place"].pick(rng)
        nation = self.nations[nat or self.pick_nationality.pick(rng)]
        surname, given = self.names[nation.pool].name(rng, rand() < 0.45)
        surname = family or surname
        born = date(opened.year - int(rng.triangular(19, 58, 29)), 1 + int(rand() * 12), 1)
        address = f"{dn.mail_name(given)}.{dn.mail_name(surname)}@example.com"
        row: Row = {
            "family_name": surname, "given_name": given, "name_key": dn.person_key(surname, given),
            "birth_date": born + timedelta(int(rand() * 28)),
            "nationality": nation.code if rand() > 0.03 else None, "municipality": place,
            "email": address if rand() < 0.6 else "", "languages": nation.languages,
            "created_at": dd.ts(opened), "updated_at": dd.ts(opened),
        }  # fmt: skip
        pid = self._add("persons", row)
        occupation = int(rand() * len(dd.OCCUPATIONS))
        self.facts.person(row, opened, abroad, row["nationality"] or "", occupation)
        language = nation.languages.split(",")[0]
        self.persons[pid] = PersonTraits(nation.code, occupation, language, surname)
        self.places["person", pid] = place
        return pid

    def _titles(self, pid: int, opened: date, abroad: bool) -> None:
        """Free movement for EU citizens, visas for people abroad, and the titles of people
        living here: a tenth come up for renewal within 90 days."""
        rng, today = self.rng, self.today
        nat, occ, _language, _family = self.persons[pid]
        eu = self.nations[nat].eu
        if nat == "DE" or rng.random() < (0.6 if eu or abroad else 0.3):
            return
        if eu or abroad:
            start = min(today, opened - timedelta(rng.randint(30, 700) if eu else -60))
            code, expires = ("eu_free_movement", None) if eu else ("visa", start + timedelta(180))
            return self._title(pid, code, start, expires)
        key = (nat if nat in dd.TITLE_EXTRA else "", dd.OCCUPATIONS[occ].academic)
        if key not in self.titles:
            weights = dict(dd.WEIGHTS["title"], **dd.TITLE_EXTRA.get(key[0], {}))
            weights.update({} if key[1] else dict.fromkeys(dd.ACADEMIC_TITLES, 0.0))
            codes = self.codes["residence_title"]
            self.titles[key] = dd.Weighted(codes, weights, cover=self.show_titles)
        code = self.titles[key].pick(rng)
        start = opened - timedelta(rng.randint(0, 900))
        expires = None if code in dd.NO_EXPIRY else start + timedelta(rng.randint(300, 1460))
        if expires and rng.random() < 0.1:
            expires = today + timedelta(rng.randint(0, 89))
            start = min(start, expires - timedelta(365))
        if rng.random() < 0.15:  # came with a visa first
            self._title(pid, "visa", start - timedelta(180), start - timedelta(1))
        self._title(pid, code, start, expires)

    def _title(self, pid: int, code: str, start: date, expires: date | None) -> None:
        if code in self.codes["residence_title"]:
            self._add("residence_titles", {
                "person_id": pid, "title": code, "valid_from": start, "expires_on": expires,
                "accelerated_procedure": code in dd.SKILLED_TITLES and self.rng.random() < 0.25,
                "created_at": dd.ts(min(start, self.today)),
            })  # fmt: skip

    def org(self, kind: str) -> int:
        """A company (or public employer, municipality, authority); most come back often."""
        rng, pool = self.rng, self.orgs[kind]
        sizes = {"company": max(8, self.n // 10), "public_employer": max(3, self.n // 150)}
        size = sizes.get(kind, 4)
        if pool and (len(pool) >= size or rng.random() < 0.5):
            return rng.choice(pool)
        town = rng.choice(self.towns) if self.towns else ""
        label, de = self.labels.get(town, "Zwickau"), self.names["de_DE"]
        name = ""
        for _attempt in range(20):
            if kind == "company":
                a, b = rng.choice(de.family_male), rng.choice(de.family_male)
                name = dn.company_name(rng, a, b, label)
            else:
                name = rng.choice(dn.ORGANISATIONS[kind]).format(town=label)
            if name not in self.org_names:
                break
        else:
            name = f"{name} ({len(self.org_names)})"
        self.org_names.add(name)
        row: Row = {
            "name": name, "name_key": organisation_key(name), "municipality": town or None,
            "created_at": dd.ts(self.start, 8), "updated_at": dd.ts(self.start, 8),
        }  # fmt: skip
        self.facts.organisation(row, kind)
        pool.append(self._add("organisations", row))
        self.places["org", pool[-1]] = town or None
        return pool[-1]
