"""The unit of work: a save that races another one is refused whole, never merged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from welcome_center.db.engine import Database
from welcome_center.db.models import Person
from welcome_center.db.uow import ConcurrentChangeError, UnitOfWork


def test_a_save_racing_another_is_refused_and_the_first_save_kept(
    db: Database, uow: UnitOfWork
) -> None:
    with uow.begin() as s:
        s.add(Person(family_name="Novak", given_name="Eva", name_key="novak|eva"))
    with pytest.raises(ConcurrentChangeError) as raced, uow.begin() as mine:
        person = mine.scalars(select(Person)).one()
        with uow.begin() as theirs:  # someone else saves after my read
            theirs.scalars(select(Person)).one().given_name = "Eva Maria"
        person.family_name = "Nowak"  # my write now rests on an old version
    assert type(raced.value.__cause__).__name__ == "StaleDataError"
    with uow.read() as s:
        saved = s.scalars(select(Person)).one()
        assert (saved.family_name, saved.given_name, saved.version) == ("Novak", "Eva Maria", 2)
