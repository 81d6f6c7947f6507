"""Shares round half up on the exact fraction, one decimal, in German and English (1 of 16 is
6.3 %, where a float's round() gives 6.2); 0 of 0 has no share and shows as an empty cell."""

from __future__ import annotations

from decimal import Decimal

import pytest

from welcome_center import i18n
from welcome_center.domain.shares import share
from welcome_center.i18n import format_share, format_share_of

CASES = [
    (1, 16, "6.3", "6,3\u00a0%", "6.3%"),
    (1, 8, "12.5", "12,5\u00a0%", "12.5%"),
    (5, 8, "62.5", "62,5\u00a0%", "62.5%"),
    (1, 3, "33.3", "33,3\u00a0%", "33.3%"),
    (2, 3, "66.7", "66,7\u00a0%", "66.7%"),
    (15, 16, "93.8", "93,8\u00a0%", "93.8%"),
    (0, 7, "0.0", "0,0\u00a0%", "0.0%"),
    (7, 7, "100.0", "100,0\u00a0%", "100.0%"),
]


@pytest.mark.parametrize(("part", "whole", "value", "german", "english"), CASES)
def test_a_share_rounds_half_up_in_both_languages(
    part: int, whole: int, value: str, german: str, english: str
) -> None:
    assert share(part, whole) == Decimal(value)
    with i18n.using("de"):
        assert format_share(share(part, whole)) == german
        assert format_share_of(part, whole) == german
    with i18n.using("en"):
        assert format_share_of(part, whole) == english


def test_float_rounding_would_show_one_of_sixteen_as_six_point_two() -> None:
    """Why the share is not computed in floats: round() rounds half to even."""
    assert round(1 / 16 * 100, 1) == 6.2
    assert share(1, 16) == Decimal("6.3")


def test_no_share_of_nothing() -> None:
    assert share(0, 0) is None
    with i18n.using("de"):
        assert format_share(None) == "" and format_share_of(0, 0) == ""


def test_large_counts_stay_exact() -> None:
    assert share(1_000_001, 2_000_000) == Decimal("50.0")  # 50.00005 %
    assert share(125_000_001, 1_000_000_000) == Decimal("12.5")  # 12.5000001 %
    assert share(1, 1_600) == Decimal("0.1")  # 0.0625 % rounds up
    with pytest.raises(ValueError):
        share(-1, 4)
