"""Dates as people type them: day first, short years read near today, impossible days refused."""

from __future__ import annotations

from datetime import date

import pytest

from welcome_center.domain.dates import full_year, parse_typed_date

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    "text",
    ["15.01.2027", "15.1.2027", "15.1.27", "15012027", "150127", "15/01/2027", "15/1/27",
     " 15.01.2027 ", "15-1-2027", "2027-01-15"],
)  # fmt: skip
def test_the_ways_a_day_is_typed(text: str) -> None:
    assert parse_typed_date(text, TODAY) == date(2027, 1, 15)


@pytest.mark.parametrize(
    "text",
    ["31.02.2027", "29.02.2027", "32.1.2027", "15.13.2027", "0.1.2027", "", "15.01.",
     "15.1", "1512027", "15.01.202", "heute", "15..2027", "1.1.2027.", "١٥.١.٢٠٢٧"],
)  # fmt: skip
def test_no_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_typed_date(text, TODAY)


def test_a_leap_day() -> None:
    assert parse_typed_date("29.2.28", TODAY) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("two", "year"), [(27, 2027), (26, 2026), (45, 2045), (46, 1946), (47, 1947), (99, 1999),
                      (0, 2000)],
)  # fmt: skip
def test_a_two_digit_year_lies_80_years_back_to_19_forward(two: int, year: int) -> None:
    assert full_year(two, TODAY) == year


def test_the_window_moves_with_today() -> None:
    assert full_year(46, date(2027, 1, 1)) == 2046
    assert full_year(46, date(2026, 12, 31)) == 1946
