"""Name folding, record numbers, organisation keys, date input and the search expression: the
rules behind duplicate candidates, numbering, imports and search, without a database."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from welcome_center.db.search import fts_query
from welcome_center.domain.case_number import CaseNumber, valid_prefix
from welcome_center.domain.dates import parse_date
from welcome_center.domain.rules import organisation_key, person_key
from welcome_center.domain.text import fold, name_variants, strip_accents

# --- fold ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Müller", "muller"),
        ("MULLER", "muller"),
        ("Mueller", "muller"),
        ("MÜLLER", "muller"),
        ("müller", "muller"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Strasse", "strasse"),
        ("Özlem", "ozlem"),
        ("Oezlem", "ozlem"),
        ("Jürgen", "jurgen"),
        ("Juergen", "jurgen"),
        ("Łukasz", "lukasz"),
        ("Søren", "soren"),
        ("Đorđević", "dordevic"),
        ("Dvořák", "dvorak"),
        ("Nguyễn", "nguyen"),
        ("  Anna   Maria  ", "anna maria"),
        ("Anna\tMaria\n", "anna maria"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold_ignores_case_accents_and_german_transliteration(text: str, key: str) -> None:
    assert fold(text) == key


@pytest.mark.parametrize(
    "spellings",
    [
        ("Müller", "MULLER", "Mueller", "MÜLLER", "mueller"),
        ("Straße", "Strasse", "STRASSE"),
        ("Schröder", "Schroeder", "SCHRODER"),
        ("Gärtner", "Gaertner", "Gartner"),
    ],
)
def test_every_spelling_of_a_name_folds_to_one_key(spellings: tuple[str, ...]) -> None:
    assert len({fold(s) for s in spellings}) == 1


def test_fold_keeps_different_names_apart() -> None:
    assert fold("Müller") != fold("Miller")
    assert fold("Schmidt") != fold("Schmitt")
    assert fold("Anna") != fold("Anne")


def test_strip_accents_does_not_read_digraphs() -> None:
    assert strip_accents("Özlem") == "ozlem"
    assert strip_accents("Mueller") == "mueller"
    assert strip_accents("Straße") == "strasse"


@given(st.text(max_size=40))
def test_a_key_has_no_stray_spaces(text: str) -> None:
    key = fold(text)
    assert key == key.strip()
    assert "  " not in key


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß -", max_size=30))
def test_upper_and_lower_case_fold_alike(text: str) -> None:
    assert fold(text) == fold(text.upper()) == fold(text.title())


# --- name_variants (what the search index stores) ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "variants"),
    [
        # The index drops diacritics itself, so "Müller" needs no second spelling.
        ("Müller", ["Müller"]),
        ("Schmidt", ["Schmidt"]),
        ("Nguyễn", ["Nguyễn"]),
        # "Mueller" must also be found as "Müller": the folded key is added.
        ("Mueller", ["Mueller", "muller"]),
        # The index does not transliterate, so these need their plain spelling too.
        ("Straße", ["Straße", "strasse"]),
        ("Łukasz", ["Łukasz", "lukasz"]),
        ("Søren", ["Søren", "soren"]),
        ("", [""]),
    ],
)
def test_name_variants(text: str, variants: list[str]) -> None:
    assert name_variants(text) == variants


def test_name_variants_start_with_the_name_as_written() -> None:
    for name in ("Müller-Lüdenscheid", "O'Brien", "Ærø", "van der Berg"):
        assert name_variants(name)[0] == name
        assert len(name_variants(name)) <= 2


# --- organisation and person keys --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Muster GmbH",
        "MUSTER",
        "muster",
        "Muster AG",
        "Muster GmbH & Co. KG",
        "Muster gGmbH",
        "Muster UG (haftungsbeschränkt)",
        "Muster e.V.",
        "Muster e. V.",
        "Muster KG",
        "Muster Ltd.",
        "  Muster   GmbH  ",
        "Muster, GmbH",
    ],
)
def test_the_legal_form_does_not_matter_for_an_organisation(name: str) -> None:
    assert organisation_key(name) == "muster"


def test_organisation_keys_keep_the_name() -> None:
    assert organisation_key("Müller & Söhne GmbH") == "muller & sohne"
    assert organisation_key("Kessler Maschinenbau GmbH") == "kessler maschinenbau"
    assert organisation_key("Agentur für Arbeit Zwickau") == "agentur fur arbeit zwickau"
    # A legal form inside a word is part of the word.
    assert organisation_key("Wagner Verlag") == "wagner verlag"
    assert organisation_key("Bäckerei Agnes") == "backerei agnes"
    assert organisation_key("Muster") != organisation_key("Musterbau GmbH")


def test_person_key_folds_both_names() -> None:
    assert person_key("Müller", "Anna") == person_key("MUELLER", "anna") == "muller|anna"
    assert person_key("Müller", "") == "muller|"


# --- record numbers --------------------------------------------------------------------------


def test_a_case_number_is_written_with_four_digits() -> None:
    assert str(CaseNumber("WC", 2024, 42)) == "WC-2024-0042"
    assert str(CaseNumber("FIZUZ", 2023, 1)) == "FIZUZ-2023-0001"
    assert str(CaseNumber("WC", 2024, 12345)) == "WC-2024-12345"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("WC-2024-0042", CaseNumber("WC", 2024, 42)),
        (" wc-2024-42 ", CaseNumber("WC", 2024, 42)),
        ("FIZUZ-2023-0001", CaseNumber("FIZUZ", 2023, 1)),
        ("A1-1999-123456", CaseNumber("A1", 1999, 123456)),
    ],
)
def test_a_case_number_is_read(text: str, number: CaseNumber) -> None:
    assert CaseNumber.parse(text) == number
    assert CaseNumber.parse(str(number)) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "WC",
        "WC-2024",
        "WC-24-0001",
        "WC_2024_0001",
        "W C-2024-0001",
        "WC-2024-0001-1",
        "WC-2024-1234567",
        "ABCDEFGHIJK-2024-0001",
        "WC-2024-00x1",
        "2024-0001",
    ],
)
def test_anything_else_is_not_a_case_number(text: str) -> None:
    with pytest.raises(ValueError):
        CaseNumber.parse(text)


def test_case_numbers_sort_by_prefix_year_and_sequence() -> None:
    numbers = [CaseNumber("WC", 2024, 10), CaseNumber("WC", 2023, 99), CaseNumber("WC", 2024, 9)]
    assert [str(n) for n in sorted(numbers)] == ["WC-2023-0099", "WC-2024-0009", "WC-2024-0010"]


@pytest.mark.parametrize(
    ("prefix", "ok"),
    [
        ("WC", True),
        ("A", True),
        ("FIZUZ2", True),
        ("ABCDEFGHIJ", True),
        ("", False),
        ("ABCDEFGHIJK", False),
        ("W-C", False),
        ("W C", False),
        ("WÄ", False),
        ("W_C", False),
    ],
)
def test_valid_prefix(prefix: str, ok: bool) -> None:
    assert valid_prefix(prefix) is ok


# --- date input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2024-03-04", date(2024, 3, 4)),
        ("04.03.2024", date(2024, 3, 4)),
        ("4.3.2024", date(2024, 3, 4)),
        (" 2024-03-04 ", date(2024, 3, 4)),
        ("\t04.03.2024\n", date(2024, 3, 4)),
        ("29.02.2024", date(2024, 2, 29)),
        ("31.12.1999", date(1999, 12, 31)),
    ],
)
def test_dates_are_read_in_iso_and_german_form(text: str, value: date) -> None:
    assert parse_date(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "04.03.24",  # a two-digit year is ambiguous
        "2024-3-4",
        "29.02.2023",  # no such day
        "31.04.2024",
        "2024-02-30",
        "13.13.2024",
        "1.2.3.2024",
        "a.b.2024",
        "03/04/2024",
        "2024/03/04",
        "4 March 2024",
        "20240304",  # neither of the two forms
        "2024-W10-1",
        "2024-03-04T10:00",
        "２０２４-03-04",
        "04.03.２０２４",
    ],
)
def test_anything_else_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


# --- the search expression -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        # The index ignores case and accents itself: a second spelling only where it
        # differs for the index (a digraph, "ß", "ł"), since each one is another index scan.
        ("Müller", '("Müller"*)'),
        ("muller", '("muller"*)'),
        ("Mueller", '("Mueller"* OR "muller"*)'),
        ("Straße", '("Straße"* OR "strasse"*)'),
        ("Łukasz", '("Łukasz"* OR "lukasz"*)'),
        ("Anna Müller", '("Anna"*) AND ("Müller"*)'),
        ("WC-2024-0001", '("WC-2024-0001"*)'),
        ("1", '("1"*)'),
        ('say "hi"', '("say"*) AND ("""hi"""*)'),
        ("AND", '("AND"*)'),
        ("OR NOT", '("OR"*) AND ("NOT"*)'),
        ("(Müller", '("(Müller"*)'),
    ],
)
def test_each_word_is_a_prefix_in_the_spellings_the_index_needs(typed: str, query: str) -> None:
    assert fts_query(typed) == query


@pytest.mark.parametrize("typed", ["", "   ", "\t\n", '"', "*", "(", ")", "'", "-", "- * ( ) ' \""])
def test_nothing_searchable_gives_an_empty_expression(typed: str) -> None:
    assert fts_query(typed) == ""


def test_punctuation_only_words_are_dropped_between_real_words() -> None:
    assert fts_query("Müller - Schmidt") == fts_query("Müller Schmidt")


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    """An FTS5 table like the program's record_search, with a few documents."""
    con = sqlite3.connect(":memory:")
    con.execute(
        "CREATE VIRTUAL TABLE record_search USING fts5(number, names, body, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    docs = [
        (1, "WC-2024-0001 1 2024-1", "Müller Anna", "Visum"),
        (2, "WC-2024-0002 2 2024-2", "Mueller muller Ben", "Arbeit"),
        (3, "WC-2024-0003 3 2024-3", "Straße strasse Olga", "and or not"),
    ]
    con.executemany("INSERT INTO record_search(rowid, number, names, body) VALUES (?,?,?,?)", docs)
    return con


def _match(con: sqlite3.Connection, typed: str) -> set[int]:
    query = fts_query(typed)
    if not query:
        return set()
    rows = con.execute("SELECT rowid FROM record_search WHERE record_search MATCH ?", (query,))
    return {r[0] for r in rows}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Müller", {1, 2}),
        ("mueller", {1, 2}),
        ("MÜL", {1, 2}),
        ("strasse", {3}),
        ("Straße", {3}),
        ("WC-2024-0002", {2}),
        ("1", {1}),
        ("AND", {3}),
        ("NOT Olga", {3}),
        ("Anna Ben", set()),
    ],
)
def test_the_expression_runs_in_fts5(fts: sqlite3.Connection, typed: str, found: set[int]) -> None:
    assert _match(fts, typed) == found


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_no_typed_text_breaks_the_expression(fts: sqlite3.Connection, typed: str) -> None:
    _match(fts, typed)  # raises sqlite3.OperationalError on a syntax error
