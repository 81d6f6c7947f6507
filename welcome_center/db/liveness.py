"""On a server: a pooled connection is tested before it is handed out only where it may have
been lost.

SQLAlchemy's ``pool_pre_ping`` sends a ``SELECT 1`` (and, with psycopg, the ``BEGIN`` before it)
every time a connection leaves the pool: one round trip of the six that a search made, each
waiting milliseconds for the CPU on a busy machine. A connection that the server ended while it
lay in the pool (a restart, ``pg_terminate_backend``, an administrator's ``pg_ctl stop``) has
the server's last message or the closed socket waiting to be read: that is seen without a round
trip. What leaves no trace on the socket (a firewall that drops idle connections, a cable pulled)
happens over minutes: a connection idle longer than :data:`PING_AFTER_IDLE_S` is pinged as
before. A connection found dead is replaced before the action uses it (SQLAlchemy retries the
checkout on ``DisconnectionError``); one lost during an action fails that action, which says so,
and the next one reconnects (issue 16, item 5; ``db/failures.py``).
"""

from __future__ import annotations

import select
import time
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE_S = 60.0
_SINCE = "welcome_center_idle_since"


def install(engine: Engine) -> None:
    """Test ``engine``'s pooled connections at checkout as the module docstring says."""
    dialect = engine.dialect

    def rest(_dbapi_conn: Any, record: Any, *_args: Any) -> None:
        record.info[_SINCE] = time.monotonic()

    def check(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_SINCE)
        fresh = since is not None and time.monotonic() - since < PING_AFTER_IDLE_S
        if fresh and not _has_word_from_server(dbapi_conn):
            return
        try:
            dialect.do_ping(dbapi_conn)
            dbapi_conn.rollback()  # the ping's transaction (none in autocommit)
        except Exception as exc:  # whatever the driver says: the connection is no use
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine, "connect", rest)
    event.listen(engine, "checkin", rest)
    event.listen(engine, "checkout", check)


def _has_word_from_server(dbapi_conn: Any) -> bool:
    """Whether the server said something (or closed the socket) while the connection lay idle:
    an idle connection of ours hears nothing else (LISTEN has a connection of its own)."""
    if getattr(dbapi_conn, "closed", False):
        return True
    try:
        readable, _, _ = select.select([dbapi_conn.fileno()], [], [], 0)
    except (OSError, ValueError):  # no socket any more
        return True
    return bool(readable)
