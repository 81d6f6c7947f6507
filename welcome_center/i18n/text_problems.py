"""Messages for text that may not be stored as typed (see ``domain.text_input``), without the
field's name: the form shows them under the field, the import with line and column."""

from __future__ import annotations

from welcome_center.domain.text_input import TextFinding, TextProblem
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


def invisible_only_message() -> str:
    """A text that consisted only of invisible characters (it would be stored empty)."""
    return _("The text consists only of invisible characters; type it again.")
