"""The duplicate corpus (``duplicate_corpus.csv``): pairs of persons that the intake check must
propose (transliterations, spelling variants, swapped names, a given name missing, a typing
slip) and look-alikes it must not (another birth date or year, a common family name with another
given name, a male or female form). Every first person is recorded in one office; the second is
typed at intake; the check proposes the first or not. Precision and recall are printed."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from welcome_center.db.uow import UnitOfWork
from welcome_center.domain.drafts import PersonDraft
from welcome_center.services import people
from welcome_center.services.context import Actor

CORPUS = Path(__file__).with_name("duplicate_corpus.csv")


@dataclass(frozen=True)
class Pair:
    line: int
    expect: bool  # True: must be proposed
    recorded: PersonDraft
    typed: PersonDraft
    what: str


def _draft(family: str, given: str, born: str, nationality: str) -> PersonDraft:
    """A birth date (1990-03-04), a birth year alone (1990), or nothing."""
    birth_date = date.fromisoformat(born) if len(born) == 10 else None
    birth_year = int(born) if len(born) == 4 else None
    return PersonDraft(
        family_name=family,
        given_name=given,
        birth_date=birth_date,
        birth_year=birth_year,
        nationality=nationality or None,
    )


def load_corpus() -> list[Pair]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Pair(
            line=i + 2,
            expect={"propose": True, "reject": False}[r["expect"]],
            recorded=_draft(r["family_a"], r["given_a"], r["born_a"], r["nat_a"]),
            typed=_draft(r["family_b"], r["given_b"], r["born_b"], r["nat_b"]),
            what=r["what"],
        )
        for i, r in enumerate(rows)
    ]


def test_the_corpus_is_large_enough_and_well_formed() -> None:
    pairs = load_corpus()
    assert sum(p.expect for p in pairs) >= 50
    assert sum(not p.expect for p in pairs) >= 50
    assert all(p.recorded.family_name and p.typed.family_name and p.what for p in pairs)


def test_the_intake_check_proposes_every_variant_and_no_look_alike(
    uow: UnitOfWork, anna: Actor, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = load_corpus()
    ids = [
        people.create_person(uow, anna, p.recorded, accept_duplicates=True).value.id for p in pairs
    ]
    missed, wrong = [], []
    for pair, recorded in zip(pairs, ids, strict=True):
        found = people.find_duplicates(uow, anna, pair.typed)
        proposed = recorded in {c.id for c in found}
        if pair.expect and not proposed:
            missed.append(pair)
        if not pair.expect and proposed:
            wrong.append(pair)
        if proposed:
            candidate = next(c for c in found if c.id == recorded)
            assert candidate.reason and candidate.facts.nationality == pair.recorded.nationality
    must, must_not = sum(p.expect for p in pairs), sum(not p.expect for p in pairs)
    true_pos, false_pos = must - len(missed), len(wrong)
    recall = true_pos / must
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 1.0
    rejected = (must_not - false_pos) / must_not
    with capsys.disabled():
        print(
            f"\nduplicate corpus: {must} pairs to propose, {must_not} look-alikes; "
            f"recall {recall:.1%} ({true_pos}/{must}), precision {precision:.1%} "
            f"({true_pos}/{true_pos + false_pos}), look-alikes not proposed {rejected:.1%} "
            f"({must_not - false_pos}/{must_not})"
        )
    assert not missed, [(p.line, p.what) for p in missed]
    assert not wrong, [(p.line, p.what) for p in wrong]
