"""Persons who may be recorded twice: the candidates shown at intake, and the administrator's
list of likely duplicates in the whole database.

Names propose, birth dates decide (``domain/name_match.py``): a person is a candidate when the
names may be one person's (spelling, transliteration, swapped, a given name missing, a typing
slip) and the birth data do not contradict it. Different known birth dates (or years) rule a
candidate out at intake even when the names are identical: the counsellor reads the date from a
document, and two people of a common name ("Nguyen, Thi Lan") are the usual case, so showing
them would teach the desk to click "Save anyway". The administrator's list, which cleans up
imported lists, also shows identical names whose birth dates look like one date mistyped (day
and month swapped, or one digit different).

Candidates are found through the persons' name keys (``db/name_keys.py``), one indexed look-up,
never a scan of the person table; the names found are then compared in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from welcome_center.db import name_keys
from welcome_center.db.models import Person, PersonNameKey
from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.audit import AuditAction
from welcome_center.domain.drafts import PersonDraft
from welcome_center.domain.enums import ClientKind
from welcome_center.domain.name_match import (
    Birth,
    How,
    Name,
    NameMatch,
    Orientation,
    birth_evidence,
    compare,
    likelihood,
    query_keys,
    typing_slip,
)
from welcome_center.domain.permissions import Permission
from welcome_center.domain.rules import person_key
from welcome_center.domain.views import DuplicateCandidate, DuplicatePair
from welcome_center.i18n import _
from welcome_center.services import audit, record_views, visibility
from welcome_center.services.client_facts import person_facts
from welcome_center.services.context import Actor

# At most this many candidates are shown at intake (the most likely).
MAX_CANDIDATES = 20
# A key shared by more persons than this is split by birth year before pairing.
_BLOCK = 200
_CHUNK = 500
# A pair of identical names whose birth dates look mistyped ranks below every other pair.
_SLIP_PENALTY = 0.15


# --- reasons in words ------------------------------------------------------------------------


def _family_words(how: How) -> str:
    return {
        How.SOUND: _("family name spelled differently"),
        How.ORDER: _("family names in another order"),
        How.MISSING: _("part of the family name missing"),
        How.SIMILAR: _("family name almost the same"),
    }[how]


def _given_words(how: How) -> str:
    return {
        How.SOUND: _("given name spelled differently"),
        How.ORDER: _("given names in another order"),
        How.MISSING: _("a given name missing"),
        How.SIMILAR: _("given name almost the same"),
    }[how]


def reason(match: NameMatch, birth: Birth, slip: bool = False) -> str:
    """Why two persons may be one, as the candidate list says it."""
    if match.same:
        if birth == Birth.SAME_DATE:
            return _("same name and birth date")
        if birth == Birth.SAME_YEAR:
            return _("same name and birth year")
        if slip:
            return _("same name; the birth dates differ by one digit or by day and month")
        return _("same name")
    parts = []
    if match.orientation == Orientation.SWAPPED:
        parts.append(_("family and given name swapped"))
    if match.orientation == Orientation.REDIVIDED:
        parts.append(_("the same names, divided otherwise into family and given name"))
    else:
        if match.family != How.SAME:
            parts.append(_family_words(match.family))
        if match.given != How.SAME:
            parts.append(_given_words(match.given))
    how = "; ".join(parts)
    if birth == Birth.SAME_DATE:
        return _("%(how)s; same birth date") % {"how": how}
    if birth == Birth.SAME_YEAR:
        return _("%(how)s; same birth year") % {"how": how}
    return how


# --- candidates at intake --------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    person: Person
    reason: str
    score: float


def person_candidates(
    s: Session,
    d: PersonDraft,
    exclude: int | None = None,
    actor: Actor | None = None,
    limit: int = MAX_CANDIDATES,
) -> list[DuplicateCandidate]:
    """Persons who may be the one in ``d``, most likely first; with ``actor``, those the actor
    sees. Found by the name keys (and the exact folded name, as before keys existed)."""
    keys = query_keys(d.family_name, d.given_name)
    exact = {person_key(d.family_name, d.given_name), person_key(d.given_name, d.family_name)}
    stmt = select(Person).where(
        or_(Person.id.in_(name_keys.matching(keys)), Person.name_key.in_(exact)),
        Person.anonymised_at.is_(None),
    )
    if actor is not None:
        stmt = stmt.where(visibility.visible_persons(s, actor))
    if exclude is not None:
        stmt = stmt.where(Person.id != exclude)
    typed = Name.of(d.family_name, d.given_name)
    found = []
    for p in s.scalars(stmt.order_by(Person.id)):
        birth = birth_evidence(d.birth_date, d.birth_year, p.birth_date, p.birth_year)
        if birth == Birth.CONTRADICTS:
            continue
        match = compare(typed, Name.of(p.family_name, p.given_name))
        if match is None:
            continue
        score = likelihood(match, birth, d.nationality, p.nationality)
        found.append(_Found(p, reason(match, birth), score))
    found.sort(key=lambda f: (-f.score, f.person.id))
    return _candidates(s, found[:limit])


def _candidates(s: Session, found: Sequence[_Found]) -> list[DuplicateCandidate]:
    facts = person_facts(s, [f.person for f in found])
    return [
        DuplicateCandidate(
            kind=ClientKind.PERSON,
            id=f.person.id,
            display_name=record_views.person_name(f.person.family_name, f.person.given_name),
            birth_date=f.person.birth_date,
            reason=f.reason,
            facts=facts[f.person.id],
            score=round(f.score, 4),
        )
        for f in found
    ]


# --- the administrator's list ----------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    """What the pairing needs of a person (read once, compared many times)."""

    id: int
    name: Name
    birth_date: date | None
    birth_year: int | None
    nationality: str | None


def likely_duplicates(uow: UnitOfWork, actor: Actor, limit: int = 500) -> list[DuplicatePair]:
    """Pairs of recorded persons who may be one person, most likely first: for the
    administrator who cleans up after an import (the import permission; the whole database,
    the read audited with the number of pairs).

    Blocking: only persons who share a name key are compared; a key shared by more than
    ``_BLOCK`` persons is split by birth year (persons of different years cannot be one), so
    the work grows with the persons who share keys, not with the square of all persons."""
    actor.require(Permission.IMPORT)
    with uow.begin() as s:
        blocks = _blocks(s)
        known = _load(s, {pid for block in blocks for pid in block})
        judged: set[tuple[int, int]] = set()
        scored: dict[tuple[int, int], tuple[float, str]] = {}
        for block in blocks:
            for a, b in _pairs([known[i] for i in block if i in known]):
                if (a.id, b.id) in judged:
                    continue
                judged.add((a.id, b.id))
                if (found := _judge(a, b)) is not None:
                    scored[(a.id, b.id)] = found
        ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        pairs = _pair_views(s, ranked)
        audit.log(s, actor, AuditAction.SEARCH, "person", None, detail=f"duplicates={len(pairs)}")
        return pairs


def _blocks(s: Session) -> list[list[int]]:
    """The persons of each key that more than one person has."""
    shared = (
        select(PersonNameKey.key)
        .group_by(PersonNameKey.key)
        .having(func.count(PersonNameKey.person_id) > 1)
    )
    rows = s.execute(
        select(PersonNameKey.key, PersonNameKey.person_id)
        .where(PersonNameKey.key.in_(shared))
        .order_by(PersonNameKey.key, PersonNameKey.person_id)
    )
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, pid in rows:
        by_key[key].append(pid)
    return list(by_key.values())


def _load(s: Session, ids: Iterable[int]) -> dict[int, _Known]:
    out: dict[int, _Known] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        rows = s.execute(
            select(
                Person.id,
                Person.family_name,
                Person.given_name,
                Person.birth_date,
                Person.birth_year,
                Person.nationality,
            ).where(Person.id.in_(chunk), Person.anonymised_at.is_(None))
        )
        for pid, family, given, born, year, nationality in rows:
            out[pid] = _Known(pid, Name.of(family, given), born, year, nationality)
    return out


def _pairs(block: list[_Known]) -> Iterable[tuple[_Known, _Known]]:
    """Every pair of a block, lower id first; in a large block only persons of one birth
    year, and those of unknown year with everyone."""
    if len(block) <= _BLOCK:
        yield from _all_pairs(block)
        return
    by_year: dict[int | None, list[_Known]] = defaultdict(list)
    for k in block:
        by_year[k.birth_date.year if k.birth_date else k.birth_year].append(k)
    unknown = by_year.pop(None, [])
    for members in [unknown, *by_year.values()]:
        yield from _all_pairs(members)
    dated = [k for members in by_year.values() for k in members]
    for u in unknown:
        for k in dated:
            yield (u, k) if u.id < k.id else (k, u)


def _all_pairs(members: list[_Known]) -> Iterable[tuple[_Known, _Known]]:
    ordered = sorted(members, key=lambda k: k.id)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


def _judge(a: _Known, b: _Known) -> tuple[float, str] | None:
    """(score, reason) of a pair that may be one person, else None."""
    match = compare(a.name, b.name)
    if match is None:
        return None
    birth = birth_evidence(a.birth_date, a.birth_year, b.birth_date, b.birth_year)
    if birth != Birth.CONTRADICTS:
        return likelihood(match, birth, a.nationality, b.nationality), reason(match, birth)
    if match.same and a.birth_date and b.birth_date and typing_slip(a.birth_date, b.birth_date):
        score = likelihood(match, Birth.UNKNOWN, a.nationality, b.nationality) - _SLIP_PENALTY
        return score, reason(match, birth, slip=True)
    return None


def _pair_views(
    s: Session, ranked: Sequence[tuple[tuple[int, int], tuple[float, str]]]
) -> list[DuplicatePair]:
    ids = sorted({pid for (a, b), _found in ranked for pid in (a, b)})
    persons = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_(ids)))}
    facts = person_facts(s, list(persons.values()))

    def view(pid: int, why: str, score: float) -> DuplicateCandidate:
        p = persons[pid]
        return DuplicateCandidate(
            kind=ClientKind.PERSON,
            id=p.id,
            display_name=record_views.person_name(p.family_name, p.given_name),
            birth_date=p.birth_date,
            reason=why,
            facts=facts[p.id],
            score=round(score, 4),
        )

    return [
        DuplicatePair(first=view(a, why, score), second=view(b, why, score))
        for (a, b), (score, why) in ranked
    ]
