"""A breakdown is one declaration (domain.breakdowns): the statistics, the SQL and the reports all
read the registry, and a declared breakdown cannot go without its SQL."""

from __future__ import annotations

import dataclasses

import pytest

from tests.reports import sample_content, sample_statistics
from welcome_center.domain.breakdowns import (
    N_,
    REGISTRY,
    BreakdownSpec,
    Codes,
    Unit,
    charted,
)
from welcome_center.domain.statistics import BREAKDOWNS, SUPPRESSED_BREAKDOWNS
from welcome_center.i18n import figures, using
from welcome_center.reports import sections
from welcome_center.services import statistics as _statistics  # noqa: F401  (registers all SQL)
from welcome_center.services import statistics_breakdowns


def test_every_declared_breakdown_has_its_sql_and_nothing_else_has() -> None:
    statistics_breakdowns.check_complete()
    assert set(statistics_breakdowns.QUERIES) == set(REGISTRY)
    assert tuple(REGISTRY) == BREAKDOWNS
    # The small-cell rule: nationality and municipality, and every person-based breakdown.
    assert SUPPRESSED_BREAKDOWNS[:2] == ("by_nationality", "by_municipality")
    assert {k for k in REGISTRY if k.startswith("persons_by_")} <= set(SUPPRESSED_BREAKDOWNS)
    assert [b.key for b in charted()] == ["by_topic"]


def test_sql_for_an_undeclared_breakdown_is_refused() -> None:
    with pytest.raises(KeyError, match="declare the breakdown"):
        statistics_breakdowns.counts("persons_by_shoe_size")


def test_statistics_take_declared_breakdowns_by_key_and_refuse_others() -> None:
    stats = sample_statistics()
    assert stats.breakdown("by_channel") == stats.breakdowns["by_channel"] == stats.by_channel
    fewer = dataclasses.replace(stats, by_channel=())
    assert fewer.breakdown("by_channel") == ()
    assert fewer.breakdown("by_topic") == stats.breakdown("by_topic")
    with pytest.raises(TypeError, match="persons_by_shoe_size"):
        dataclasses.replace(stats, persons_by_shoe_size=(("42", 3),))
    with pytest.raises(KeyError):
        stats.breakdown("persons_by_shoe_size")


def test_the_reports_show_the_declared_title_definition_and_order() -> None:
    content = sample_content("de")
    with using("de"):
        shown = sections.breakdowns(content)
        assert [s.key for s in shown] == [k for k, b in REGISTRY.items() if not b.internal]
        for s in shown:
            assert s.title == figures.title(s.key)
            assert s.multi_valued is REGISTRY[s.key].multi_valued
        assert figures.title("by_topic") == "Themen"


def test_a_person_based_breakdown_can_be_declared() -> None:
    spec = BreakdownSpec(
        key="persons_by_age_band",
        unit=Unit.PERSONS,
        values=Codes(names=(("under_18", N_("under 18")), ("18_29", N_("18 to 29")))),
        share_of="persons_advised",
        suppressed=True,
        title=N_("Persons by age band"),
        definition=N_("Persons advised, by their age at the end of the period."),
    )
    assert spec.suppressed and spec.unit is Unit.PERSONS and not spec.multi_valued
    with pytest.raises(ValueError, match="JSON key"):
        dataclasses.replace(spec, key="persons by age")
