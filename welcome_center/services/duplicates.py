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

import heapq
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
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
# A key shared by more persons than this is split by birth data before pairing.
_BLOCK = 50
_CHUNK = 500
# Progress is told, and cancelling looked at, every this many groups of persons.
_TELL = 200
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


def person_candidates(
    s: Session,
    d: PersonDraft,
    exclude: int | None = None,
    actor: Actor | None = None,
    limit: int = MAX_CANDIDATES,
) -> list[DuplicateCandidate]:
    """Persons who may be the one in ``d``, most likely first; with ``actor``, those the actor
    sees. Found by the name keys (and the exact folded name, as before keys existed); the
    names found are read as plain columns, and only the ``limit`` shown as persons."""
    keys = query_keys(d.family_name, d.given_name)
    exact = {person_key(d.family_name, d.given_name), person_key(d.given_name, d.family_name)}
    stmt = select(
        Person.id,
        Person.family_name,
        Person.given_name,
        Person.birth_date,
        Person.birth_year,
        Person.nationality,
    ).where(
        or_(Person.id.in_(name_keys.matching(keys)), Person.name_key.in_(exact)),
        Person.anonymised_at.is_(None),
    )
    if actor is not None:
        stmt = stmt.where(visibility.visible_persons(s, actor))
    if exclude is not None:
        stmt = stmt.where(Person.id != exclude)
    typed = Name.of(d.family_name, d.given_name)
    found: list[tuple[float, int, str]] = []
    for pid, family, given, born, year, nationality in s.execute(stmt):
        birth = birth_evidence(d.birth_date, d.birth_year, born, year)
        if birth == Birth.CONTRADICTS:
            continue
        match = compare(typed, Name.of(family, given))
        if match is not None:
            score = likelihood(match, birth, d.nationality, nationality)
            found.append((score, pid, reason(match, birth)))
    best = heapq.nsmallest(limit, found, key=lambda f: (-f[0], f[1]))
    persons = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_(f[1] for f in best)))}
    facts = person_facts(s, list(persons.values()))
    return [
        DuplicateCandidate(
            kind=ClientKind.PERSON,
            id=pid,
            display_name=record_views.person_name(
                persons[pid].family_name, persons[pid].given_name
            ),
            birth_date=persons[pid].birth_date,
            reason=why,
            facts=facts[pid],
            score=round(score, 4),
        )
        for score, pid, why in best
    ]


# --- the administrator's list ----------------------------------------------------------------


@dataclass(frozen=True)
class _Known:
    """What the pairing needs of a person (read once, compared many times)."""

    id: int
    raw: tuple[str, str]  # family and given name as stored: persons alike share one Name
    name: Name
    birth_date: date | None
    birth_year: int | None
    nationality: str | None


class SearchCancelled(Exception):
    """The administrator cancelled the search for likely duplicates: nothing is shown or
    audited."""


Progress = Callable[[int, int], None]
"""Told (groups of persons compared, groups in all) as the search goes on."""


def likely_duplicates(
    uow: UnitOfWork,
    actor: Actor,
    limit: int = 500,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[DuplicatePair]:
    """Pairs of recorded persons who may be one person, most likely first: for the
    administrator who cleans up after an import (the import permission; the whole database,
    the read audited with the number of pairs).

    Blocking: only persons who share a name key are compared; a key shared by more than
    ``_BLOCK`` persons is split by birth data (see :func:`_pairs`), so the work grows with
    the persons who share keys and birth data, not with the square of all persons.

    It takes seconds in a large database, so the desk runs it in a worker thread: ``progress``
    hears how far it is, and ``cancelled()`` is asked between groups; when it says yes,
    :class:`SearchCancelled` is raised (nothing audited)."""
    actor.require(Permission.IMPORT)

    def stop() -> None:
        if cancelled is not None and cancelled():
            raise SearchCancelled

    with uow.begin() as s:
        blocks = _blocks(s)
        stop()
        known = _load(s, {pid for block in blocks for pid in block}, stop)
        judge = _Judge()
        judged: set[tuple[int, int]] = set()
        scored: dict[tuple[int, int], _Verdict] = {}
        for done, block in enumerate(blocks):
            if done % _TELL == 0:
                stop()
                if progress is not None:
                    progress(done, len(blocks))
            for a, b in _pairs([known[i] for i in block if i in known]):
                if (a.id, b.id) in judged:
                    continue
                judged.add((a.id, b.id))
                if (found := judge(a, b)) is not None:
                    scored[(a.id, b.id)] = found
        stop()
        if progress is not None:
            progress(len(blocks), len(blocks))
        ranked = heapq.nsmallest(limit, scored.items(), key=lambda item: (-item[1].score, item[0]))
        pairs = _pair_views(s, ranked)
        audit.log(s, actor, AuditAction.SEARCH, "person", None, detail=f"duplicates={len(pairs)}")
        return pairs


def _blocks(s: Session) -> list[list[int]]:
    """The persons of each key that more than one person has (each such group once)."""
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
    # The keys of one name often gather the same persons: each set of persons once.
    return [list(ids) for ids in {tuple(ids) for ids in by_key.values()}]


def _load(
    s: Session, ids: Iterable[int], stop: Callable[[], None] = lambda: None
) -> dict[int, _Known]:
    out: dict[int, _Known] = {}
    names: dict[tuple[str, str], Name] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        stop()
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
            raw = (family, given)
            if raw not in names:
                names[raw] = Name.of(family, given)
            out[pid] = _Known(pid, raw, names[raw], born, year, nationality)
    return out


def _pairs(block: list[_Known]) -> Iterable[tuple[_Known, _Known]]:
    """The pairs of a block that may be one person, lower id first (a pair may come twice).
    A small block: every pair. A large one: persons of unknown birth with everyone, a birth
    year alone with the persons of that year, and full dates only where they may be one date,
    equal or mistyped (two of day, month and year alike, or day and month swapped)."""
    if len(block) <= _BLOCK:
        yield from _all_pairs(block)
        return
    unknown: list[_Known] = []
    year_only: dict[int, list[_Known]] = defaultdict(list)
    dated: dict[int, list[_Known]] = defaultdict(list)
    dates: dict[tuple[object, ...], list[_Known]] = defaultdict(list)
    for k in block:
        if k.birth_date is not None:
            d = k.birth_date
            dated[d.year].append(k)
            for bucket in (
                ("ym", d.year, d.month),
                ("yd", d.year, d.day),
                ("md", d.month, d.day),
                ("swapped", d.year, min(d.day, d.month), max(d.day, d.month)),
            ):
                dates[bucket].append(k)
        elif k.birth_year is not None:
            year_only[k.birth_year].append(k)
        else:
            unknown.append(k)
    yield from _all_pairs(unknown)
    others = [k for k in block if k.birth_date is not None or k.birth_year is not None]
    yield from _across(unknown, others)
    for year, members in year_only.items():
        yield from _all_pairs(members)
        yield from _across(members, dated[year])
    for members in dates.values():
        yield from _all_pairs(members)


def _across(left: list[_Known], right: list[_Known]) -> Iterable[tuple[_Known, _Known]]:
    for a in left:
        for b in right:
            yield (a, b) if a.id < b.id else (b, a)


def _all_pairs(members: list[_Known]) -> Iterable[tuple[_Known, _Known]]:
    ordered = sorted(members, key=lambda k: k.id)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            yield a, b


@dataclass(frozen=True)
class _Verdict:
    """A pair that may be one person: its score, and what its reason is made of (the words
    are made for the pairs shown only)."""

    score: float
    match: NameMatch
    birth: Birth
    slip: bool = False

    def reason(self) -> str:
        return reason(self.match, self.birth, self.slip)


class _Judge:
    """Judges pairs; the names of two persons are compared once for all persons of those two
    names (a large block is mostly the same few names)."""

    def __init__(self) -> None:
        self.compared: dict[tuple[tuple[str, str], tuple[str, str]], NameMatch | None] = {}

    def __call__(self, a: _Known, b: _Known) -> _Verdict | None:
        birth = birth_evidence(a.birth_date, a.birth_year, b.birth_date, b.birth_year)
        slip = False
        if birth == Birth.CONTRADICTS:
            if not (a.birth_date and b.birth_date and typing_slip(a.birth_date, b.birth_date)):
                return None
            slip = True  # only for the same name, below
        match = self._compare(a, b)
        if match is None or (slip and not match.same):
            return None
        if slip:
            score = likelihood(match, Birth.UNKNOWN, a.nationality, b.nationality)
            return _Verdict(score - _SLIP_PENALTY, match, birth, slip=True)
        return _Verdict(likelihood(match, birth, a.nationality, b.nationality), match, birth)

    def _compare(self, a: _Known, b: _Known) -> NameMatch | None:
        key = (a.raw, b.raw)
        if key not in self.compared:
            self.compared[key] = compare(a.name, b.name)
        return self.compared[key]


def _pair_views(
    s: Session, ranked: Sequence[tuple[tuple[int, int], _Verdict]]
) -> list[DuplicatePair]:
    ids = sorted({pid for (a, b), _verdict in ranked for pid in (a, b)})
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

    out = []
    for (a, b), verdict in ranked:
        why = verdict.reason()
        out.append(
            DuplicatePair(first=view(a, why, verdict.score), second=view(b, why, verdict.score))
        )
    return out
