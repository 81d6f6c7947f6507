"""Anonymous enquiries in an import file (DOMAIN.md, spreadsheet import): a row that leaves
every client column empty (no name, no organisation, no client kind, nationality or fact such
as the birth year) records a caller who gave no name, without creating anyone.

Such a row is an enquiry (an empty ``Typ``; ``Fall``/case is a problem: a case needs a client)
and has no referrals (a referral needs the client's consent). It is recognised again on the
next import of the same file by its case number, or else by its opening date, channel,
requester type, municipality and counsellor: as many rows as the database holds anonymous
enquiries with these values count as imported before."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from welcome_center.db.models import Record
from welcome_center.domain.enums import RecordKind
from welcome_center.i18n import _
from welcome_center.services.import_facts import COLUMNS as FACT_COLUMNS

if TYPE_CHECKING:
    from welcome_center.services.import_checks import RowChecker
    from welcome_center.services.import_rows import ParsedRow

# The columns that say who the client is; all empty: an anonymous enquiry.
CLIENT_FIELDS: tuple[str, ...] = (
    "client_kind",
    "family_name",
    "given_name",
    "organisation",
    "nationality",
    *FACT_COLUMNS,
)
_CHUNK = 500  # dates per IN (...) query

Key = tuple[date, str | None, str | None, str | None, int | None]


def no_client(checker: RowChecker) -> bool:
    """Whether the row leaves every client column empty (a cell whose text was refused is
    not empty: it has its problem)."""
    return not any(checker._text(name) for name in CLIENT_FIELDS)


def client_columns_given(checker: RowChecker) -> list[str]:
    """The headers of the client columns the row fills (for the message of a row that gives,
    say, a birth year but no name)."""
    return [checker.cols.header[n] for n in CLIENT_FIELDS if checker._text(n)]


def kind(checker: RowChecker, read: RecordKind) -> RecordKind:
    """An anonymous row's kind, ``read`` from its cell (a case when empty): an enquiry; a row
    that says it is a case has a problem."""
    written = checker._text("kind")
    if written and read is RecordKind.CASE:
        reason = _(
            'A row without a client is an anonymous enquiry and cannot be a case ("%(value)s"; '
            "a case needs a client). Fill in the client or write Anfrage/enquiry."
        )
        checker._problem("kind", reason, value=written)
    return RecordKind.ENQUIRY


def check_referrals(checker: RowChecker, referrals: Sequence[object]) -> None:
    """An anonymous enquiry has no referrals: there is nobody to consent."""
    if referrals:
        reason = _(
            "A row without a client is an anonymous enquiry; it has no referrals (a referral "
            "needs the client's consent). Fill in the client or empty this cell."
        )
        checker._problem("referrals", reason)


def _key(r: ParsedRow) -> Key:
    return (r.opened_on, r.channel, r.requester_type, r.municipality, r.counsellor_id)


def mark_existing(s: Session, rows: Iterable[ParsedRow]) -> None:
    """Mark the anonymous rows without a case number that were imported before (see the
    module's docstring). A row whose counsellor is new cannot have been."""
    todo: dict[Key, list[ParsedRow]] = {}
    for r in rows:
        if r.client is None and r.number is None and r.new_counsellor is None:
            todo.setdefault(_key(r), []).append(r)
    days = sorted({key[0] for key in todo})
    stored: Counter[Key] = Counter()
    for start in range(0, len(days), _CHUNK):
        stmt = (
            select(
                Record.opened_on,
                Record.channel,
                Record.requester_type,
                Record.municipality,
                Record.counsellor_id,
                func.count(),
            )
            .where(Record.anonymous, Record.opened_on.in_(days[start : start + _CHUNK]))
            .group_by(
                Record.opened_on,
                Record.channel,
                Record.requester_type,
                Record.municipality,
                Record.counsellor_id,
            )
        )
        for opened, channel, requester, place, counsellor, n in s.execute(stmt):
            stored[(opened, channel, requester, place, counsellor)] += n
    for key, same in todo.items():
        for r in same[: stored[key]]:
            r.existing = True
