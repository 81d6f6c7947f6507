"""Fixtures shared by the database tests."""

from tests.db.statistics_office import office  # noqa: F401  (the hand-worked office)
