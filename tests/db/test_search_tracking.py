"""Every session factory keeps the search index current, however many came and went before."""

from __future__ import annotations

import gc

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from welcome_center.db import search
from welcome_center.db.models import Base, VocabularyEntry


def test_a_factory_at_the_address_of_a_collected_one_is_still_tracked() -> None:
    """SQLAlchemy's event registry is keyed by id(): a new session factory created where a
    collected one lived was once taken for registered already, and its records never reached
    the search index."""
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    untracked = 0
    for round_ in range(25):
        factory = sessionmaker(engine)
        search.track_changes(factory)
        with factory() as session:
            session.add(
                VocabularyEntry(vocabulary="t", code=f"c{round_}", label_de="a", label_en="b")
            )
            session.flush()
            untracked += "search_touched" not in session.info
            session.rollback()
        del factory, session
        gc.collect()
    engine.dispose()
    assert untracked == 0
