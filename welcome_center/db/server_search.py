"""Search documents and queries for PostgreSQL, written as ``tsvector`` and ``tsquery`` text.

FTS5 reads a document as words (runs of letters and digits), each typed token as a phrase of
words whose last one is a prefix, and a search as all its tokens. PostgreSQL's full-text types
say the same thing (``'muller' <-> 'ludenscheid':*``) and a GIN index answers prefixes of any
length, the one or two letters typed first included (a trigram index cannot use them). The
words and their positions are made here in Python, not by ``to_tsvector``: its parser reads
"3.5", "a@b.de" or "wc-2024-0001" as tokens of their own and its case folding follows the
database's locale, so the results would differ from SQLite's and from one server to another.
Stored documents are folded (``strip_accents``) by the caller; queries are folded here.
"""

from __future__ import annotations

import re

from welcome_center.domain.text import fold, strip_accents

_WORD = re.compile(r"[^\W_]+")
# A word longer than this is refused by the tsvector type; nobody types it, a prefix of it stays.
_MAX_WORD_BYTES = 2046
# Positions between columns, so that a phrase does not run from one column into the next (an
# FTS5 phrase stays inside its column).
_COLUMN_GAP = 2


def words(text: str) -> list[str]:
    """The words of ``text`` as FTS5's tokenizer cuts them (punctuation and ``_`` separate)."""
    return [_fit(w) for w in _WORD.findall(text)]


def _fit(word: str) -> str:
    raw = word.encode()
    if len(raw) <= _MAX_WORD_BYTES:
        return word
    return raw[:_MAX_WORD_BYTES].decode(errors="ignore")


def _quote(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def document(*columns: str) -> str:
    """The ``tsvector`` text of a document made of these (folded) columns: every word with its
    position (PostgreSQL keeps positions up to 16383; beyond, phrases are not told apart)."""
    positions: dict[str, list[int]] = {}
    position = 0
    for column in columns:
        for word in words(column):
            position += 1
            positions.setdefault(word, []).append(min(position, 16383))
        position += _COLUMN_GAP
    return " ".join(
        _quote(w) + ":" + ",".join(str(p) for p in dict.fromkeys(ps)) for w, ps in positions.items()
    )


def query(user_text: str) -> str:
    """The ``tsquery`` text for what a user typed ("" when nothing searchable was typed): every
    token a phrase whose last word is a prefix, in its written and its folded spelling (the
    documents hold names both ways, folded), all tokens required."""
    terms = []
    for token in user_text.replace("\x00", " ").split():
        if not any(ch.isalnum() for ch in token):
            continue
        alternatives = []
        for variant in dict.fromkeys([strip_accents(token), fold(token)]):
            found = words(variant)
            if found:
                alternatives.append(" <-> ".join(_quote(w) for w in found) + ":*")
        if alternatives:
            terms.append("(" + " | ".join(dict.fromkeys(alternatives)) + ")")
    return " & ".join(terms)
