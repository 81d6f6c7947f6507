"""The rules that make two names one person's (domain/name_match.py): spelling, sound, the
comparison of whole names, birth data, and the keys that find candidates."""

from __future__ import annotations

from datetime import date

import pytest

from welcome_center.domain.name_match import (
    Birth,
    How,
    Name,
    Orientation,
    birth_evidence,
    compare,
    family_part,
    likelihood,
    query_keys,
    stored_keys,
    typing_slip,
)
from welcome_center.domain.name_sound import sound, spelling


def test_any_script_is_spelled_in_plain_small_letters() -> None:
    assert spelling("Иванов") == "ivanov"
    assert spelling("Nguyễn Thị") == "nguyen thi"
    assert spelling("Çelik") == "celik"
    assert spelling("محمد") == "mhmd"
    assert spelling("Müller-Lüdenscheidt") == "muller ludenscheidt"
    assert spelling("O'Brien") == "obrien"
    assert spelling("Mueller") == spelling("Müller")


@pytest.mark.parametrize(
    "spellings",
    [
        ("mohammed", "muhammad", "mohamed", "muhammed", "mohammad", "mhmd"),
        ("ivanov", "iwanow"),
        ("schewtschenko", "shevchenko"),
        ("schukow", "zhukov"),
        ("tschernow", "chernov"),
        ("chabarow", "khabarov"),
        ("chalid", "khalid", "halid", "khaled"),
        ("dschamal", "djamal", "dzhamal", "jamal"),
        ("jewgeni", "evgeniy", "yevgeny"),
        ("iuliia", "julia", "yulia", "julija"),
        ("jussuf", "yusuf", "youssef"),
        ("meier", "maier", "meyer", "mayer"),
        ("schmidt", "schmitt", "schmid"),
        ("alexander", "aleksandr", "oleksandr"),
        ("sarah", "sara"),
    ],
)
def test_transliterations_of_one_name_have_one_sound(spellings: tuple[str, ...]) -> None:
    assert len({sound(s) for s in spellings}) == 1, {s: sound(s) for s in spellings}


def test_particles_are_glued_in_a_family_name_only() -> None:
    assert family_part("al-Hassan").glued == family_part("Al Hassan").glued == "alhassan"
    assert family_part("Alhassan").glued == "alhassan"
    assert family_part("van der Berg").core == ("berg",)
    assert family_part("Le").glued == "le"  # Lê, a family name, not a particle
    # In given names "Van" is the Vietnamese middle name: a word of its own.
    assert Name.of("Nguyen", "Van Anh").given.words == ("van", "anh")


def _how(a: tuple[str, str], b: tuple[str, str]) -> tuple[How, How, Orientation] | None:
    match = compare(Name.of(*a), Name.of(*b))
    return None if match is None else (match.family, match.given, match.orientation)


def test_how_two_names_agree() -> None:
    direct = Orientation.DIRECT
    assert _how(("Müller", "Anna"), ("Mueller", "Anna")) == (How.SAME, How.SAME, direct)
    assert _how(("Hassan", "Mohammed"), ("Hasan", "Muhammad")) == (How.SOUND, How.SOUND, direct)
    assert _how(("Müller", "Anna Maria"), ("Müller", "Anna")) == (How.SAME, How.MISSING, direct)
    assert _how(("López", "María José"), ("Lopez", "José María")) == (How.SAME, How.ORDER, direct)
    assert _how(("al-Hassan", "Omar"), ("Hassan", "Omar")) == (How.MISSING, How.SAME, direct)
    assert _how(("Schmidt", "Thomas"), ("Schmdit", "Thomas")) == (How.SIMILAR, How.SAME, direct)
    assert _how(("Nguyen", "Lan"), ("Lan", "Nguyen")) == (
        How.SAME,
        How.SAME,
        Orientation.SWAPPED,
    )
    assert _how(("Nguyen Van", "Anh"), ("Nguyen", "Van Anh"))[2] == Orientation.REDIVIDED  # type: ignore[index]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Müller", "Anna"), ("Müller", "Petra")),
        (("Müller", "Anna"), ("Miller", "Anna")),  # another vowel: another family
        (("Nguyen", "Minh"), ("Nguyen", "Manh")),
        (("Kim", "Min-jun"), ("Kim", "Min-jin")),
        (("Petrov", "Sascha"), ("Petrova", "Sascha")),  # a final vowel: another form
        (("Fischer", "Daniel"), ("Fischer", "Daniela")),
        (("Garcia", "Maria"), ("Garcia", "Mario")),
        (("Santos", "Ana"), ("Santos", "Ina")),
        (("Hoffmann", "Paul"), ("Hoffmann", "Pauline")),
        (("Hassan", "Mohammed"), ("Hassan", "Mahmoud")),
        (("Müller", ""), ("Müller", "Anna")),
    ],
)
def test_look_alikes_are_not_one_name(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert compare(Name.of(*a), Name.of(*b)) is None


def test_birth_data_decide() -> None:
    day = date(1990, 3, 4)
    assert birth_evidence(day, 1990, day, 1990) == Birth.SAME_DATE
    assert birth_evidence(day, 1990, date(1990, 4, 3), 1990) == Birth.CONTRADICTS
    assert birth_evidence(day, 1990, None, 1990) == Birth.SAME_YEAR
    assert birth_evidence(day, None, None, 1991) == Birth.CONTRADICTS
    assert birth_evidence(None, None, day, 1990) == Birth.UNKNOWN
    assert typing_slip(day, date(1990, 4, 3))  # day and month swapped
    assert typing_slip(day, date(1991, 3, 4))  # one digit
    assert not typing_slip(day, date(1985, 7, 12))
    assert not typing_slip(day, day)


def test_an_agreeing_birth_date_and_nationality_rank_higher() -> None:
    match = compare(Name.of("Hassan", "Mohammed"), Name.of("Hasan", "Muhammad"))
    assert match is not None
    same_day = likelihood(match, Birth.SAME_DATE, "SY", "SY")
    unknown = likelihood(match, Birth.UNKNOWN, "SY", "SY")
    elsewhere = likelihood(match, Birth.UNKNOWN, "SY", "IQ")
    assert same_day > unknown > elsewhere


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (("Hassan", "Mohammed"), ("Hasan", "Muhammad")),
        (("Müller", "Anna Maria"), ("Müller", "Anna")),
        (("Nguyen", "Lan"), ("Lan", "Nguyen")),
        (("al-Hassan", "Omar"), ("Hassan", "Omar")),
        (("Schmidt", "Thomas"), ("Schmdit", "Thomas")),
        (("Kowalczyk", "Anna"), ("Kowalcyzk", "Anna")),
        (("Schneider", "Alexandra"), ("Schneider", "Alexnadra")),
        (("Nguyen", "Van Anh"), ("Nguyen Van Anh", "")),
        (("Ahmadi", "Mohammad Reza"), ("Mohammad Reza", "Ahmadi")),
    ],
)
def test_the_keys_of_a_typed_variant_meet_the_stored_ones(
    stored: tuple[str, str], typed: tuple[str, str]
) -> None:
    assert stored_keys(*stored) & query_keys(*typed)
    assert all(len(k) <= 64 for k in stored_keys(*stored))


def test_an_empty_family_name_has_no_keys() -> None:
    assert stored_keys("", "Anna") == set()
