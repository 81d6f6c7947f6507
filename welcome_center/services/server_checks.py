"""``db check`` on a server: what it checks on a file, in PostgreSQL's terms.

The server enforces every foreign key at every write, so a check cannot find what SQLite's
``foreign_key_check`` finds in a file written without them. What it can find: a constraint
added ``NOT VALID`` (older rows never checked), a constraint's triggers disabled (``ALTER TABLE
... DISABLE TRIGGER ALL``, or a restore run with ``session_replication_role = replica``), and
the rows that got past them, counted per constraint. The search index is compared with the
documents the records make now (FTS5's ``integrity-check`` compares the index only with its own
stored text): every record has its entry, every entry its record, and each entry holds the
words of its record. The audit chain is checked by :mod:`welcome_center.services.audit_check`
on either engine. The check reads only, in one snapshot (``REPEATABLE READ``, read only), so
that colleagues' saves meanwhile do not look like damage.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from welcome_center.db import activity, search, server_search
from welcome_center.db.engine import Database
from welcome_center.i18n import _, format_number

_CHUNK = 500
_SHOWN = 20  # records named per finding; the rest are counted

_FOREIGN_KEYS = """
SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, c.convalidated,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(num, i)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num ORDER BY k.i),
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(num, i)
             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num ORDER BY k.i),
       EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgconstraint = c.oid AND t.tgenabled = 'D')
FROM pg_constraint c
WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
ORDER BY c.conrelid::regclass::text, c.conname
"""


def run(db: Database) -> list[tuple[str, list[str]]]:
    """(check name, problems) for the foreign keys and the search index of a server database,
    as :func:`welcome_center.services.storage.storage_checks` gives them for a file."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin():
            return [
                (_("Foreign keys"), foreign_key_problems(conn)),
                (_("Search index"), search_index_problems(conn)),
                (_("Active months"), months_problems(conn)),
            ]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def foreign_key_problems(conn: Connection) -> list[str]:
    """Constraints not validated or with disabled triggers, and rows pointing to missing rows."""
    problems: list[str] = []
    for name, table, parent, valid, cols, parent_cols, disabled in conn.execute(
        text(_FOREIGN_KEYS)
    ):
        where = {"name": name, "table": table}
        if not valid:
            problems.append(
                _(
                    "constraint %(name)s of table %(table)s was added without checking the "
                    "rows already there (NOT VALID)"
                )
                % where
            )
        if disabled:
            problems.append(
                _(
                    "constraint %(name)s of table %(table)s is not enforced: its triggers "
                    "are disabled"
                )
                % where
            )
        orphans = _orphans(conn, table, parent, cols, parent_cols)
        if orphans:
            problems.append(
                _("table %(table)s: %(n)s rows point to missing rows of %(parent)s (%(cols)s)")
                % {
                    "table": table,
                    "n": format_number(orphans),
                    "parent": parent,
                    "cols": ", ".join(cols),
                }
            )
    return problems


def _orphans(
    conn: Connection, table: str, parent: str, cols: Sequence[str], parent_cols: Sequence[str]
) -> int:
    """The rows of ``table`` whose key in ``cols`` has no row in ``parent`` (a key with a NULL
    points nowhere, as the constraint's default MATCH SIMPLE reads it)."""
    present = " AND ".join(f"c.{_ident(c)} IS NOT NULL" for c in cols)
    joined = " AND ".join(
        f"p.{_ident(pc)} = c.{_ident(c)}" for c, pc in zip(cols, parent_cols, strict=True)
    )
    # The names come from the catalog (regclass text is quoted where it needs it; columns are
    # quoted here), not from anyone's input.
    sql = (
        f"SELECT count(*) FROM {table} c WHERE {present} "  # noqa: S608 - the catalog's names
        f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {joined})"
    )
    return int(conn.exec_driver_sql(sql).scalar_one())


def months_problems(conn: Connection) -> list[str]:
    """The records' active months kept for the figures (db/activity.py) against what their
    dates, consultations and referrals say now; on a file too (services/storage.py)."""
    missing, extra = activity.problems(conn)
    problems = []
    if missing:
        problems.append(
            _(
                "%(n)d months in which records were active are not kept: the figures of "
                "whole months leave those records out"
            )
            % {"n": missing}
        )
    if extra:
        problems.append(
            _(
                "%(n)d months are kept in which their records were not active: the figures "
                "of whole months count those records"
            )
            % {"n": extra}
        )
    return problems


def search_index_problems(conn: Connection) -> list[str]:
    """Records without an entry, entries without a record, and entries whose words are not
    their record's (a damaged or stale entry). Names no words: the check's reader may be an
    administrator who is not to read the records' content."""
    problems: list[str] = []
    missing = conn.execute(
        text(
            "SELECT r.number FROM records r WHERE NOT EXISTS "
            "(SELECT 1 FROM record_search s WHERE s.rowid = r.id) ORDER BY r.id"
        )
    ).scalars()
    problems += _named(
        list(missing), _("record %(number)s has no entry in the search index: it is not found")
    )
    extra = conn.execute(
        text(
            "SELECT s.rowid FROM record_search s WHERE NOT EXISTS "
            "(SELECT 1 FROM records r WHERE r.id = s.rowid) ORDER BY s.rowid"
        )
    ).scalars()
    problems += _named(
        [str(i) for i in extra],
        _("the search index has an entry for record id %(number)s, which does not exist"),
    )
    differing: list[tuple[int, str]] = []
    session = Session(bind=conn)
    ids = list(conn.execute(text("SELECT id FROM records ORDER BY id")).scalars())
    for start in range(0, len(ids), _CHUNK):
        differing += _differing(conn, session, ids[start : start + _CHUNK])
    waiting = _waiting(conn)
    problems += _named(
        [number for rid, number in differing if rid not in waiting],
        _(
            "record %(number)s: its entry in the search index does not hold the record's "
            "words (searches find it by words it no longer has, or not by its own)"
        ),
    )
    problems += _named(
        [number for rid, number in differing if rid in waiting],
        _(
            "record %(number)s: its entry in the search index still holds its client's old "
            "name (renamed by a counsellor who does not see the record); its counsellor's desk "
            "writes it when it starts or learns of a change, “server setup” at once"
        ),
    )
    return problems


def _waiting(conn: Connection) -> set[int]:
    """The records whose search entries wait for a desk that sees them (server_functions,
    STALE_SEARCH); none where the server was not set up."""
    if conn.execute(text("SELECT to_regclass('wc_rls.search_stale')")).scalar() is None:
        return set()
    return set(conn.execute(text("SELECT record_id FROM wc_rls.search_stale")).scalars())


def _named(numbers: list[str], sentence: str) -> list[str]:
    lines = [sentence % {"number": n} for n in numbers[:_SHOWN]]
    if len(numbers) > _SHOWN:
        lines.append(_("… and %(n)s more like it") % {"n": format_number(len(numbers) - _SHOWN)})
    return lines


def _differing(conn: Connection, session: Session, ids: Sequence[int]) -> list[tuple[int, str]]:
    """The ids and numbers of the records among ``ids`` whose stored entry differs from the one the
    record makes now: its words (``doc``) or the stored columns they are made of. Compared as
    sets of words: the order of consultations read from the table may differ between reads,
    and with it the words' positions, without anything being wrong."""
    stored: dict[int, tuple[set[str], set[str]]] = {}
    for rowid, number, names, body, lexemes in conn.execute(
        text(
            "SELECT rowid, number, names, body, tsvector_to_array(doc) FROM record_search "
            "WHERE rowid = ANY(:ids)"
        ),
        {"ids": list(ids)},
    ):
        stored[rowid] = (set(lexemes or ()), _words(number, names, body))
    differing = []
    for d in search.documents(session, ids):
        found = stored.get(d["id"])
        if found is None:  # counted as missing above
            continue
        expected = _words(d["number"], d["names"], d["body"])
        if found[0] != expected or found[1] != expected:
            differing.append(d["id"])
    if not differing:
        return []
    numbers: dict[int, str] = dict(
        conn.execute(
            text("SELECT id, number FROM records WHERE id = ANY(:ids)"), {"ids": differing}
        ).all()
    )
    return [(i, str(numbers[i])) for i in differing]


def _words(*columns: Any) -> set[str]:
    return {w for c in columns for w in server_search.words(str(c or ""))}
