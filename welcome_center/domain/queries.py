"""What a list of records is asked for: filters, search words and the sort order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from welcome_center.domain.enums import RecordKind, RecordStatus


class RecordSort(StrEnum):
    """The columns the record list can be sorted by (each sorted in SQL)."""

    NUMBER = "number"
    KIND = "kind"
    STATUS = "status"
    CLIENT = "client"
    OPENED_ON = "opened_on"
    COUNSELLOR = "counsellor"


@dataclass(frozen=True)
class RecordQuery:
    """Filters of the record list; an empty query lists every record, newest first.

    ``text`` is searched in numbers, names, organisations and notes; ``open_only`` hides closed
    records; ``overdue_only`` keeps records with an open follow-up due before today;
    ``anonymous_only`` keeps the anonymous enquiries (callers who gave no name).
    """

    text: str = ""
    kind: RecordKind | None = None
    status: RecordStatus | None = None
    open_only: bool = False
    counsellor_id: int | None = None
    unassigned: bool = False
    topic: str | None = None
    requester_type: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    overdue_only: bool = False
    anonymous_only: bool = False
    sort: RecordSort = RecordSort.OPENED_ON
    descending: bool = True
