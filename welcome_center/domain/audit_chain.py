"""The audit log's hash chain: each entry's hash covers its content and the previous entry's hash.

An entry changed, removed or inserted with any SQLite tool breaks the chain, and
:class:`ChainVerifier` says where. The serialisation is canonical and versioned (``FORMAT``
is its first element): a later format gets a new tag and the verifier tries each, so that
entries written by this version stay verifiable. The chain's head (last id, last hash, number
of entries) is kept beside the log, so that removing the newest entries shows too; the
retention rules delete old entries legitimately, and each such gap is recorded as a
:class:`Gap` (the entry after it and the hash it links to).

Pure logic: the database side is in ``services/audit_chain.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

FORMAT = "welcome-center audit v1"
GENESIS = "0" * 64  # what the very first entry links to
RECENT = 1024  # hashes remembered to tell an inserted entry from a removed one


def utc_text(at: datetime) -> str:
    """``at`` in UTC, ISO form with microseconds: the way both databases give it back."""
    if at.tzinfo is None:
        raise ValueError("naive datetime: audit entries carry aware UTC times")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_middle(
    at: datetime,
    user_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    fields: Sequence[str] | None,
    detail: str | None,
) -> str:
    """The canonical JSON of an entry's content without its brackets, id and link: what a
    server's ``audit_append`` function (migration 0019) puts between the id and the previous
    hash when it chains the entry under its lock."""
    content = [
        utc_text(at), user_id, actor, action, entity, entity_id, list(fields or ()), detail or "",
    ]  # fmt: skip
    return json.dumps(content, ensure_ascii=False, separators=(",", ":"))[1:-1]


FORMAT_JSON = json.dumps(FORMAT)  # the first element of every hashed text


def chained_hash(entry_id: int, middle: str, prev_hash: str) -> str:
    """SHA-256 (hex) of ``[FORMAT, id, <middle>, prev_hash]``: the same text ``json.dumps`` of
    the whole list gives (its items joined by commas), which the server's function builds too."""
    text = f"[{FORMAT_JSON},{entry_id},{middle},{json.dumps(prev_hash)}]"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(
    entry_id: int,
    at: datetime,
    user_id: int | None,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    fields: Sequence[str] | None,
    detail: str | None,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) over the canonical JSON of an entry and the hash it links to."""
    middle = entry_middle(at, user_id, actor, action, entity, entity_id, fields, detail)
    return chained_hash(entry_id, middle, prev_hash)


def row_middle(row: Mapping[str, Any]) -> str:
    """:func:`entry_middle` of a row given as a mapping of its column values."""
    return entry_middle(
        row["at"], row.get("user_id"), row["actor"], row["action"], row["entity"],
        row.get("entity_id"), row.get("fields"), row.get("detail"),
    )  # fmt: skip


def row_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """:func:`entry_hash` of a row given as a mapping of its column values."""
    return chained_hash(row["id"], row_middle(row), prev_hash)


@dataclass(frozen=True)
class StoredEntry:
    """An entry as read back from the log, with the hashes stored beside it."""

    id: int
    at: datetime
    user_id: int | None
    actor: str
    action: str
    entity: str
    entity_id: int | None
    fields: tuple[str, ...]
    detail: str
    prev_hash: str | None
    hash: str | None

    def computed_hash(self) -> str | None:
        """The hash this content and ``prev_hash`` give (None without a stored prev_hash)."""
        if self.prev_hash is None:
            return None
        return entry_hash(
            self.id, self.at, self.user_id, self.actor, self.action, self.entity,
            self.entity_id, self.fields, self.detail, self.prev_hash,
        )  # fmt: skip


@dataclass(frozen=True)
class Head:
    """What the writers last recorded: the newest entry's id and hash, and how many there are."""

    last_id: int
    last_hash: str
    count: int


@dataclass(frozen=True)
class Gap:
    """Entries removed under the retention rules: the entry after them links to ``prev_hash``."""

    entry_id: int
    prev_hash: str
    removed: int


class Problem(StrEnum):
    CHANGED = "changed"  # the entry's content differs from what was hashed
    INSERTED = "inserted"  # the entry was not written by the program
    MISSING = "missing"  # entries between two were removed
    MISSING_BEFORE = "missing_before"  # entries before the first one were removed
    TAIL_REMOVED = "tail_removed"  # the newest entries were removed
    COUNT = "count"  # the number of entries differs from the head's
    NO_HEAD = "no_head"  # the head record itself is missing


@dataclass(frozen=True)
class Finding:
    """One break in the chain. ``entry`` is the entry named; ``before`` the last good one before
    a gap; ``count`` how many (removed newest entries, or the count the head expects)."""

    problem: Problem
    entry: StoredEntry | None = None
    before: StoredEntry | None = None
    count: int = 0


@dataclass(frozen=True)
class ChainReport:
    """The result of a check: entries read, the first findings, how many findings in all."""

    checked: int
    findings: tuple[Finding, ...]
    total: int
    removed_by_retention: int = 0

    @property
    def ok(self) -> bool:
        return self.total == 0


@dataclass
class ChainVerifier:
    """Feed the entries in id order, then :meth:`finish`; keeps only recent hashes in memory."""

    head: Head | None
    gaps: Mapping[int, Gap] = field(default_factory=dict)
    keep: int = 20  # findings kept (all are counted)
    _findings: list[Finding] = field(default_factory=list)
    _total: int = 0
    _checked: int = 0
    _chained: int = 0
    _last: StoredEntry | None = None  # the last entry that belongs to the chain
    _suspect: StoredEntry | None = None  # neither its link nor its content fit: decided next
    _recent: deque[StoredEntry] = field(default_factory=lambda: deque(maxlen=RECENT))
    _retention: int = 0

    def _add(self, finding: Finding) -> None:
        self._total += 1
        if len(self._findings) < self.keep:
            self._findings.append(finding)

    def _expected(self, entry_id: int) -> set[str]:
        """The hashes the entry ``entry_id`` may link to."""
        out = {self._last.hash if self._last is not None and self._last.hash else GENESIS}
        gap = self.gaps.get(entry_id)
        if gap is not None:
            out.add(gap.prev_hash)
        return out

    def _accept(self, e: StoredEntry) -> None:
        gap = self.gaps.get(e.id)
        if gap is not None and e.prev_hash == gap.prev_hash:
            self._retention += gap.removed
        self._last = e
        self._chained += 1
        self._recent.append(e)

    def feed(self, e: StoredEntry) -> None:
        self._checked += 1
        if self._suspect is not None:
            suspect, self._suspect = self._suspect, None
            if e.prev_hash is not None and e.prev_hash in self._expected(e.id):
                self._add(Finding(Problem.INSERTED, suspect))  # the chain goes on without it
            else:
                self._changed(suspect)
                if e.prev_hash == suspect.hash:
                    self._check_content(e)
                    return
        if e.hash is None or e.prev_hash is None:
            self._add(Finding(Problem.INSERTED, e))
            return
        if self.head is not None and e.id > self.head.last_id:
            self._add(Finding(Problem.INSERTED, e))
            return
        if e.prev_hash in self._expected(e.id):
            self._check_content(e)
            return
        if e.computed_hash() != e.hash:
            self._suspect = e  # inserted, or changed with its link: the next entry tells
            return
        self._broken_link(e)
        self._accept(e)

    def _check_content(self, e: StoredEntry) -> None:
        if e.computed_hash() == e.hash:
            self._accept(e)
        else:
            self._changed(e)

    def _changed(self, e: StoredEntry) -> None:
        self._add(Finding(Problem.CHANGED, e))
        self._accept(e)

    def _broken_link(self, e: StoredEntry) -> None:
        """``e`` is intact but links elsewhere: entries inserted before it (with hashes made to
        fit), entries removed before it, or the previous entry changed and its hash rewritten."""
        recent = list(self._recent)
        for i, r in enumerate(recent[:-1]):
            if r.hash == e.prev_hash:
                self._add(Finding(Problem.INSERTED, recent[i + 1]))
                return
        last = self._last
        if last is None:
            self._add(Finding(Problem.MISSING_BEFORE, e))
        elif e.id - last.id > 1:
            self._add(Finding(Problem.MISSING, e, before=last))
        else:
            self._add(Finding(Problem.CHANGED, last))

    def finish(self) -> ChainReport:
        if self._suspect is not None:
            suspect, self._suspect = self._suspect, None
            self._changed(suspect)
        head, last = self.head, self._last
        if head is None:
            self._add(Finding(Problem.NO_HEAD))
        elif last is None or last.id < head.last_id:
            tail_gap = self.gaps.get(head.last_id + 1)
            if tail_gap is not None and tail_gap.prev_hash == head.last_hash:
                self._retention += tail_gap.removed  # the retention rules took the newest ones
            elif head.count > 0 or last is not None:
                removed = head.count - self._chained
                self._add(Finding(Problem.TAIL_REMOVED, before=last, count=max(removed, 1)))
        elif last.id == head.last_id and last.hash != head.last_hash and not self._total:
            self._add(Finding(Problem.CHANGED, last))
        if head is not None and not self._total and self._chained != head.count:
            self._add(Finding(Problem.COUNT, count=head.count))
        return ChainReport(self._checked, tuple(self._findings), self._total, self._retention)


def verify(
    entries: Sequence[StoredEntry], head: Head | None, gaps: Sequence[Gap] = ()
) -> ChainReport:
    """Check a whole (small) log at once; see :class:`ChainVerifier`."""
    v = ChainVerifier(head, {g.entry_id: g for g in gaps})
    for e in entries:
        v.feed(e)
    return v.finish()
