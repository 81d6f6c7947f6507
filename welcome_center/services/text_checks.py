"""User text checked before it is stored: cleaned, and refused with a message under its field."""

from __future__ import annotations

from welcome_center.domain.errors import ValidationError
from welcome_center.domain.text_input import (
    TextFinding,
    TextKind,
    TextProblem,
    clean_text,
    find_problem,
)
from welcome_center.i18n import _


def problem_message(finding: TextFinding) -> str:
    """What is wrong with a text, in the user's language (without naming the field)."""
    if finding.problem is TextProblem.TOO_LONG:
        return _("The text is too long: %(length)d characters, at most %(limit)d are allowed.") % {
            "length": finding.length,
            "limit": finding.limit,
        }
    if finding.problem is TextProblem.LINE_BREAK:
        return _("The text has a line break at character %(pos)d; it must be one line.") % {
            "pos": finding.position
        }
    return _(
        "The text has an invisible control character (%(code)s) at character %(pos)d; remove it."
    ) % {"code": finding.code_point, "pos": finding.position}


def checked_text(value: str, kind: TextKind, field: str) -> str:
    """``value`` cleaned (see :func:`clean_text`); raises ValidationError on ``field``."""
    text = clean_text(value, kind)
    finding = find_problem(text, kind)
    if finding is not None:
        raise ValidationError(problem_message(finding), field=field)
    return text
