"""The demonstration office's names: as a person writes them, whatever Faker's lists hold."""

from __future__ import annotations

from welcome_center.services.demo_names import build_name_pools


def test_every_demo_name_is_written_in_letters() -> None:
    odd = [
        name
        for pool in build_name_pools(1).values()
        for names in (pool.given_female, pool.given_male, pool.family_female, pool.family_male)
        for name in names
        if not all(c.isalpha() or c in " -'’" for c in name)
    ]
    assert odd == []  # Faker's Turkish list has "N˜zamett˜n" (a spacing tilde for the i)
