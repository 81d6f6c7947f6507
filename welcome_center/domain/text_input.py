"""Rules for text that people type or import: one clean form and one length limit per kind.

User text is data. Before it is stored it is put in Unicode's composed form (NFC), invisible
formatting characters that could make two equal-looking names differ or turn a line around
(zero-width spaces, joiners, bidi overrides, the byte order mark) are removed, and what is left
is checked: control characters (NUL, ESC, BEL, ...) are refused, line breaks only where a text
may have lines, and every kind has a maximum length. The services translate a problem into a
message under the field; the import into a message with line and column.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class TextKind(StrEnum):
    """What a text field holds; decides its limit and whether it may have lines."""

    NAME = "name"  # a person's or organisation's name, a user's display name
    SHORT = "short"  # short names, codes, phone numbers, e-mail, a function, a language
    LABEL = "label"  # vocabulary labels, the office name, a reference occupation
    SUMMARY = "summary"  # a record's summary, a reason, an outcome, a follow-up text
    NOTE = "note"  # notes: many lines


@dataclass(frozen=True)
class Limit:
    max_chars: int
    multiline: bool


LIMITS: dict[TextKind, Limit] = {
    TextKind.NAME: Limit(200, False),
    TextKind.SHORT: Limit(200, False),
    TextKind.LABEL: Limit(200, False),
    TextKind.SUMMARY: Limit(2_000, True),
    TextKind.NOTE: Limit(20_000, True),
}

# Invisible format characters that are removed: zero-width space, non-joiner, joiner, the
# left-to-right and right-to-left marks, the bidi embeddings and overrides, word joiner and
# invisible operators, the bidi isolates, the byte order mark / zero-width no-break space.
_INVISIBLE = frozenset(
    [
        *(0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0x180E, 0xFEFF),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2065),
        *range(0x2066, 0x206A),
    ]
)
_REMOVE = {cp: None for cp in _INVISIBLE}


class TextProblem(StrEnum):
    CONTROL = "control"  # a control character (its code point in ``char``)
    LINE_BREAK = "line_break"  # a line break in a one-line field
    TOO_LONG = "too_long"  # longer than the kind's limit (``limit``, ``length``)


@dataclass(frozen=True)
class TextFinding:
    problem: TextProblem
    position: int = 0  # 1-based character position of the offending character
    char: str = ""
    length: int = 0
    limit: int = 0

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.char):04X}" if self.char else ""


def clean_text(value: str, kind: TextKind = TextKind.SHORT) -> str:
    """``value`` in NFC without invisible formatting characters, and without white space at
    its ends (line breaks are normalised to ``\\n`` in texts that may have lines)."""
    text = unicodedata.normalize("NFC", value.translate(_REMOVE))
    if LIMITS[kind].multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def find_problem(value: str, kind: TextKind = TextKind.SHORT) -> TextFinding | None:
    """The first problem of an already cleaned text, or None when it may be stored."""
    limit = LIMITS[kind]
    for i, ch in enumerate(value, start=1):
        if ch in "\n\t" and limit.multiline:
            continue
        if ch in "\n\r\v\f\x85\u2028\u2029":
            return TextFinding(TextProblem.LINE_BREAK, i, ch)
        category = unicodedata.category(ch)
        if category == "Cc" and ch != "\t":
            return TextFinding(TextProblem.CONTROL, i, ch)
    if len(value) > limit.max_chars:
        return TextFinding(TextProblem.TOO_LONG, length=len(value), limit=limit.max_chars)
    return None
