"""User text checked before it is stored: cleaned, and refused with a message under its field."""

from __future__ import annotations

from welcome_center.domain.errors import ValidationError
from welcome_center.domain.text_input import TextKind, clean_text, find_problem
from welcome_center.i18n.text_problems import problem_message

__all__ = ["checked_text", "problem_message"]


def checked_text(value: str, kind: TextKind, field: str) -> str:
    """``value`` cleaned (see :func:`clean_text`); raises ValidationError on ``field``."""
    text = clean_text(value, kind)
    finding = find_problem(text, kind)
    if finding is not None:
        raise ValidationError(problem_message(finding), field=field)
    return text
