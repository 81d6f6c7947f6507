"""Folding of names for matching: case, accents and German transliteration are ignored.

"Müller", "MULLER" and "Mueller" all fold to ``muller``; "Straße" and "Strasse" to ``strasse``.
"""

from __future__ import annotations

import re
import unicodedata

_TRANSLIT = {"ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "œ": "oe", "þ": "th"}
_UMLAUT_DIGRAPH = re.compile(r"([aou])e")
_SPACES = re.compile(r"\s+")


_TRANSLIT_TABLE = str.maketrans(_TRANSLIT)


def strip_accents(text: str) -> str:
    """``text`` case-folded, without diacritics (``Özlem`` -> ``ozlem``)."""
    folded = text.casefold()
    if folded.isascii():  # most text: nothing to transliterate or decompose (a fifth the time)
        return folded
    folded = folded.translate(_TRANSLIT_TABLE)
    return unicodedata.normalize("NFKD", folded).translate(_NO_MARKS)


class _WithoutMarks(dict[int, str | None]):
    """A ``str.translate`` table that drops combining marks, filled as characters come (a
    table of all of Unicode would cost every start of the program a tenth of a second)."""

    def __missing__(self, code: int) -> str | None:
        kept = None if unicodedata.combining(chr(code)) else chr(code)
        self[code] = kept
        return kept


_NO_MARKS = _WithoutMarks()


def fold(text: str) -> str:
    """A matching key for a name: case and accents ignored, ``ae/oe/ue`` read as ``a/o/u``.

    The digraph rule makes "Mueller" meet "Müller"; it is a key for *candidates*, so the rare
    false friend ("Manuel" and "Manul") costs a glance, never a merge.
    """
    plain = strip_accents(text)
    plain = _UMLAUT_DIGRAPH.sub(r"\1", plain)
    return _SPACES.sub(" ", plain).strip()


def _without_marks(text: str) -> str:
    """``text`` in small letters without combining marks, as the search index reads it (it
    drops diacritics but neither case-folds nor transliterates: "ß", "ł", "ø" stay)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_variants(text: str) -> list[str]:
    """The spellings of a name worth indexing for search: as written, and its folded key
    unless the index reads the written form as the key anyway ("Müller" is read as "muller",
    but "Straße" is not read as "strasse")."""
    variants = [text]
    key = fold(text)
    if key and key != _without_marks(text):
        variants.append(key)
    return variants
