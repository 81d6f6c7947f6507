"""Fast bulk inserts of prepared rows, and moving PostgreSQL sequences past ids given in them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

Row = Mapping[str, Any]
Target = Table | type[DeclarativeBase]
CHUNK = 10_000
# From this many rows a server takes them by COPY (an INSERT per row, even pipelined, took most of
# the demo's time there); fewer, as the audit chain's one entry per save, by INSERT.
COPY_FROM = 100


def _table(target: Target) -> Table:
    table = target if isinstance(target, Table) else target.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{target!r} is not mapped to a table")
    return table


def bulk_insert(session: Session, target: Target, rows: Sequence[Row], chunk: int = CHUNK) -> None:
    """Insert ``rows`` (dicts of column values, all with the keys of the first) into a table
    or a model's table, in chunks, in the session's transaction.

    Much faster than ORM objects: no identity map, no events, so the search index is not
    updated (call ``search.rebuild`` or ``search.reindex`` afterwards) and ids given in the
    rows leave a PostgreSQL sequence behind (call :func:`reset_sequences`). Columns the rows
    leave out get their default. Pending ORM changes are flushed first, so that ids follow the
    order of the calls. On SQLite the compiled statement goes straight to the driver's
    executemany, values converted column by column with the columns' own bind processors: a
    third of the time SQLAlchemy takes to build and process a dict per row.
    """
    if not rows:
        return
    session.flush()
    table = _table(target)
    dialect = session.get_bind().dialect
    default = {c.name: c.default for c in table.c if c.default is not None}
    scalar = {k: d.arg for k, d in default.items() if isinstance(d, ScalarElementColumnDefault)}
    # Defaults SQLAlchemy computes per row (a time stamp): only its own INSERT sets them, but
    # for COPY, which takes them computed once for all the rows (the moment of the insert).
    computed = [k for k in default if k not in rows[0] and k not in scalar]
    if dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        once = _computed_once(table, computed)
        if once is not None:
            values = {**scalar, **once}
            if copy_allowed(session, table.name):
                _copy(session, table, rows, values, default)
            else:
                for start in range(0, len(rows), chunk):
                    _unnest(session, table, rows[start : start + chunk], values, default)
            return
    # A few rows (the audit chain's entry per save, written while it holds the chain's head):
    # SQLAlchemy's cached statement, no compilation of our own.
    if dialect.name != "sqlite" or computed:
        for start in range(0, len(rows), chunk):
            session.execute(insert(table), rows[start : start + chunk])
        return
    compiled = insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    keys = list(compiled.positiontup or ())  # the given columns, and those with defaults
    convert = [_converter(table, k, session) for k in keys]
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        columns = [[row.get(k, d) for row in part] for k in keys for d in [scalar.get(k)]]
        columns = [list(map(f, c)) if f else c for f, c in zip(convert, columns, strict=True)]
        session.connection().exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))


def _computed_once(table: Table, keys: Sequence[str]) -> dict[str, Any] | None:
    """The values of these columns' computed defaults, each computed once (None: a default that
    is SQL, not a Python function)."""
    out: dict[str, Any] = {}
    for key in keys:
        default = table.c[key].default
        if not isinstance(default, CallableColumnDefault):
            return None
        out[key] = default.arg(None)  # type: ignore[arg-type]  # the context: ours take none
    return out


def new_ids(session: Session, target: Target, rows: Sequence[Row]) -> list[int] | None:
    """On a server, from COPY_FROM rows: insert ``rows`` by COPY with ids drawn from the
    table's sequence in one query, and return the ids in the rows' order. An INSERT ...
    RETURNING of thousands of rows is a statement of megabytes that the driver reads through
    for its placeholders (a third of a 10,000-row import's time went to that). None where it
    does not apply (a file, fewer rows): the caller inserts as before."""
    if session.get_bind().dialect.name != "postgresql" or len(rows) < COPY_FROM:
        return None
    table = _table(target)
    session.flush()
    sequence = func.pg_get_serial_sequence(table.name, "id")
    numbers = select(func.nextval(sequence)).select_from(func.generate_series(1, len(rows)))
    ids = [int(i) for i in session.scalars(numbers)]
    bulk_insert(session, table, [{**row, "id": i} for row, i in zip(rows, ids, strict=True)])
    return ids


def copy_allowed(session: Session, table: str) -> bool:
    """Whether the session may COPY into ``table``: PostgreSQL refuses COPY FROM where
    row-level security applies (a desk's login on a team server's case tables)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return not session.execute(select(func.row_security_active(table))).scalar()


def _unnest(
    session: Session,
    table: Table,
    rows: Sequence[Row],
    scalar: Mapping[str, Any],
    default: Mapping[str, Any],
) -> None:
    """PostgreSQL where COPY is refused: one ``INSERT ... SELECT FROM unnest(...)`` with an
    array per column, values converted as for COPY (a statement of a few placeholders, where
    a multi-row VALUES list has one per value for the driver to read through)."""
    dialect = session.get_bind().dialect
    keys = _columns(table, rows, default)
    quote = dialect.identifier_preparer.quote
    arrays = []
    params: dict[str, list[Any]] = {}
    for n, key in enumerate(keys):
        convert = _converter(table, key, session)
        values = [row.get(key, scalar.get(key)) for row in rows]
        params[f"c{n}"] = [convert(v) for v in values] if convert else values
        column_type = table.c[key].type.dialect_impl(dialect)
        arrays.append(f"CAST(:c{n} AS {column_type.compile(dialect=dialect)}[])")
    name = dialect.identifier_preparer.format_table(table)
    columns = ", ".join(quote(k) for k in keys)
    sql = f"INSERT INTO {name} ({columns}) SELECT * FROM unnest({', '.join(arrays)})"  # noqa: S608
    session.execute(text(sql), params)


def _copy(
    session: Session,
    table: Table,
    rows: Sequence[Row],
    scalar: Mapping[str, Any],
    default: Mapping[str, Any],
) -> None:
    """PostgreSQL: the rows through ``COPY ... FROM STDIN`` on the session's own connection (in
    its transaction), values converted by the columns' bind processors as an INSERT would; the
    columns the rows leave out without a default of ours get the server's (the ids)."""
    keys = _columns(table, rows, default)
    convert = [_converter(table, k, session) for k in keys]
    columns = ", ".join(session.get_bind().dialect.identifier_preparer.quote(k) for k in keys)
    name = session.get_bind().dialect.identifier_preparer.format_table(table)
    driver: Any = session.connection().connection.dbapi_connection  # psycopg's connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            values = [row.get(k, scalar.get(k)) for k in keys]
            copy.write_row([f(v) if f else v for f, v in zip(convert, values, strict=True)])


def _columns(table: Table, rows: Sequence[Row], default: Mapping[str, Any]) -> list[str]:
    """The columns a bulk insert writes: those the rows give and those with a default of ours
    (the others get the server's, the ids)."""
    return [c.name for c in table.c if c.name in rows[0] or c.name in default]


def _converter(table: Table, key: str, session: Session) -> Callable[[Any], Any] | None:
    """The column's bind processor; cached for hashable values, since the same few thousand
    dates recur and formatting them is the bulk of the work."""
    dialect = session.get_bind().dialect
    column_type = table.c[key].type
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    try:
        python_type = column_type.python_type
        # JSON says ``object``: its values are lists and dicts, which no cache can hold.
        hashable = python_type is not object and python_type.__hash__ is not None
    except NotImplementedError:
        hashable = False
    return cache(process) if hashable else process


def reset_sequences(session: Session, targets: Iterable[Target]) -> None:
    """On PostgreSQL, move each table's ``id`` sequence past the highest id in the table, so
    that rows inserted later with generated ids do not collide; elsewhere nothing to do."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in map(_table, targets):
        if "id" not in table.c:
            continue
        sequence = func.pg_get_serial_sequence(table.name, "id")
        highest = select(func.coalesce(func.max(table.c.id), 0)).scalar_subquery()
        session.execute(select(func.setval(sequence, highest + 1, False)))
