"""The team server's roles: group roles, GRANTs and row-level security that make PostgreSQL
itself enforce what the services allow (docs/ARCHITECTURE.md, "The team server's roles").

``welcome-center server setup`` runs :func:`set_up` once, as the server's administrator (a role
that may create roles; it owns the tables). Each desk user then signs in as their own login
role, member of the groups of their roles; a login that bypasses the desk (``psql`` with a
user's password) can do no more than the desk lets that user do:

- counsellors read and write case content; where the office shows counsellors only their own
  records, row-level security shows them only those (and those nobody is assigned to);
- managers read no table of case content: views of the figures' columns only (no name,
  contact, note or free text), in a schema of their own that comes first in their login's
  search_path, under the tables' names (the program's queries reach them unchanged);
- administrators manage users, settings, vocabularies, partners and events, read the audit log
  and the figures' columns, but no case content;
- nobody updates or deletes an audit entry (only the tables' owner, for the retention rules).

Role names carry a prefix made from the database's name, so that two offices on one server
do not share roles. Logins are made, given a password and given their groups through
SECURITY DEFINER functions owned by the setup role, which an administrator's login may call:
an administrator's login needs no CREATEROLE, which would let it change every role of the
server (other offices' too).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from welcome_center.db import server_functions, server_rights
from welcome_center.db.server_rights import quote
from welcome_center.domain.enums import Role

NAME_LIMIT = 63  # PostgreSQL's longest identifier (longer ones are cut off silently)
_GROUPS = {
    Role.COUNSELLOR: "counsellor",
    Role.MANAGER: "manager",
    Role.ADMIN: "admin",
    Role.LIST_EXPORT: "list_export",
}


def role_prefix(database: str) -> str:
    """The prefix of an office's role names, from its database's name (``wc_<name>``)."""
    cleaned = re.sub(r"[^a-z0-9]+", "_", database.lower()).strip("_")[:20]
    return f"wc_{cleaned or 'office'}"


@dataclass(frozen=True)
class ServerRoles:
    """The role names of one office's database."""

    prefix: str

    @classmethod
    def of_database(cls, database: str) -> ServerRoles:
        return cls(role_prefix(database))

    @property
    def desk(self) -> str:
        """Every desk login: what every user needs (users, settings, vocabularies, audit)."""
        return f"{self.prefix}_desk"

    @property
    def figures(self) -> str:
        """The figures' views (managers; administrators are members too, but read the
        figures' columns on the tables)."""
        return f"{self.prefix}_figures"

    def group(self, role: Role) -> str:
        return f"{self.prefix}_{_GROUPS[role]}"

    def groups(self) -> list[str]:
        return [self.desk, self.figures, *(self.group(r) for r in _GROUPS)]

    def login(self, username: str) -> str:
        """A user's login role (user names are case-insensitive: lower case)."""
        return f"{self.prefix}_u_{username.strip().lower()}"

    def login_fits(self, username: str) -> bool:
        return len(self.login(username).encode()) <= NAME_LIMIT


def scram_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677). Sent
    instead of the password, so that the password itself never reaches the server's logs."""
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


# --- the functions an administrator's login calls --------------------------------------------

_LOGIN_FUNCTIONS = """
CREATE OR REPLACE FUNCTION wc_require_admin() RETURNS void LANGUAGE plpgsql STABLE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- current_user is the set-up role that owns the function: it may, as may its members.
  IF NOT (pg_has_role(session_user, '{admin}', 'MEMBER')
          OR pg_has_role(session_user, current_user, 'MEMBER')) THEN
    RAISE EXCEPTION 'only an administrator of this office manages its logins'
      USING ERRCODE = '42501';
  END IF;
END $$;

CREATE OR REPLACE FUNCTION wc_save_login(username text, verifier text, roles text[],
                                         may_log_in boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  login text := '{login_prefix}' || lower(username);
  grp text;
  wanted text[];
BEGIN
  PERFORM wc_require_admin();
  IF username !~ '^[A-Za-z0-9._@-]{{2,64}}$' OR octet_length(login) > 63 THEN
    RAISE EXCEPTION 'not a user name for a login: %', username USING ERRCODE = '22023';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = login) THEN
    EXECUTE format('CREATE ROLE %I LOGIN', login);
    IF verifier IS NULL THEN  -- marked until an administrator gives it a password
      EXECUTE format('COMMENT ON ROLE %I IS %L', login, '{no_password}');
    END IF;
  END IF;
  EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN may_log_in THEN 'LOGIN' ELSE 'NOLOGIN' END);
  -- The policies' sub-selects make the planner's estimates large enough to start JIT
  -- compilation, which costs a desk's short queries up to a second each.
  EXECUTE format('ALTER ROLE %I IN DATABASE %I SET jit = off', login, current_database());
  IF verifier IS NOT NULL THEN
    IF verifier !~ '^SCRAM-SHA-256\\$' THEN
      RAISE EXCEPTION 'a password is passed as its SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
    EXECUTE format('COMMENT ON ROLE %I IS NULL', login);
  END IF;
  IF roles IS NOT NULL THEN
    wanted := ARRAY(SELECT '{prefix}_' || r FROM unnest(roles) AS r
                    WHERE r IN ('counsellor', 'manager', 'admin', 'list_export'));
    FOREACH grp IN ARRAY ARRAY['{prefix}_counsellor', '{prefix}_manager', '{prefix}_admin',
                               '{prefix}_list_export'] LOOP
      IF grp = ANY (wanted) THEN
        EXECUTE format('GRANT %I TO %I', grp, login);
      ELSIF pg_has_role(login, grp, 'MEMBER') THEN
        EXECUTE format('REVOKE %I FROM %I', grp, login);
      END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', '{desk}', login);
  END IF;
  -- A manager who neither counsels, exports lists nor administers reads the figures' views
  -- under the tables' names (server_rights.figure_views): they come first in her search_path.
  -- Anyone else reads the tables, as their groups allow.
  IF pg_has_role(login, '{prefix}_manager', 'MEMBER')
     AND NOT pg_has_role(login, '{prefix}_counsellor', 'MEMBER')
     AND NOT pg_has_role(login, '{prefix}_list_export', 'MEMBER')
     AND NOT pg_has_role(login, '{prefix}_admin', 'MEMBER') THEN
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = {figures_schema}, public',
                   login, current_database());
  ELSE
    EXECUTE format('ALTER ROLE %I IN DATABASE %I RESET search_path', login, current_database());
  END IF;
END $$;
REVOKE ALL ON FUNCTION wc_save_login(text, text, text[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wc_save_login(text, text, text[], boolean) TO {admin_q};
REVOKE ALL ON FUNCTION wc_require_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wc_require_admin() TO {admin_q};

-- One's own argon2 hash beside the login's new password (the owner's command line checks it):
-- a login may not write the users table, and this changes the caller's row only.
CREATE OR REPLACE FUNCTION wc_set_own_password_hash(new_hash text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  UPDATE users SET password_hash = new_hash
   WHERE '{login_prefix}' || lower(username) = session_user
$$;
REVOKE ALL ON FUNCTION wc_set_own_password_hash(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wc_set_own_password_hash(text) TO {desk_q};
"""


# The comment on a login made without a password (PostgreSQL tells no one but a superuser
# whether a role has one): the logins that ``server setup`` made for the users of a database
# that was a file before, until an administrator sets their passwords.
NO_PASSWORD = "welcome-center: no password yet"


def logins_without_password(conn: Connection, roles: ServerRoles) -> set[str]:
    """The office's logins marked as made without a password (and given none since)."""
    found = conn.execute(
        text(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE :p"
            " AND shobj_description(oid, 'pg_authid') = :mark"
        ),
        {"p": roles.login("").replace("_", r"\_") + "%", "mark": NO_PASSWORD},
    ).scalars()
    return set(found)


def mark_logins_from_the_catalog(conn: Connection, roles: ServerRoles) -> bool:
    """Set the marks of the office's logins from PostgreSQL's own record of their passwords,
    where this connection may read it (``pg_authid``: a superuser, or a member of
    ``pg_read_all_data``). Logins made by a setup older than the marks carry none, though they
    have no password; no other role can tell (``pg_roles`` shows '********' for every role,
    and the server refuses a login without a password as it refuses a wrong one). Returns
    whether the marks could be set."""
    readable = conn.execute(
        text("SELECT has_table_privilege('pg_catalog.pg_authid', 'SELECT')")
    ).scalar()
    if not readable:
        return False
    found = conn.execute(
        text(
            "SELECT rolname, rolpassword IS NULL, shobj_description(oid, 'pg_authid')"
            " FROM pg_catalog.pg_authid WHERE rolname LIKE :p"
        ),
        {"p": roles.login("").replace("_", r"\_") + "%"},
    ).all()
    for name, without, mark in found:
        if without and mark != NO_PASSWORD:
            conn.exec_driver_sql(f"COMMENT ON ROLE {quote(name)} IS '{NO_PASSWORD}'")
        elif not without and mark == NO_PASSWORD:
            conn.exec_driver_sql(f"COMMENT ON ROLE {quote(name)} IS NULL")
    return True


def group_names(roles: Iterable[Role]) -> list[str]:
    """The names ``wc_save_login`` takes for these roles."""
    return sorted(_GROUPS[r] for r in roles)


# --- set-up ------------------------------------------------------------------------------------


def _script(conn: Connection, sql: str) -> None:
    """Run SQL with several statements and literal ``%`` (function bodies): through the
    driver without parameters, so that nothing in it is read as a placeholder."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


class PrefixTakenError(Exception):
    """The office's role names are another database's already."""

    def __init__(self, prefix: str, database: str) -> None:
        super().__init__(f"{prefix}: {database}")
        self.prefix = prefix
        self.database = database


def _other_database(conn: Connection, roles: ServerRoles) -> str | None:
    """Another database in which the office's desk group holds rights, if any."""
    found = conn.execute(
        text(
            "SELECT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid"
            " JOIN pg_roles r ON r.oid = s.refobjid"
            " WHERE r.rolname = :desk AND d.datname <> current_database() LIMIT 1"
        ),
        {"desk": roles.desk},
    ).scalar()
    return str(found) if found is not None else None


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    )


# Whether the office shows counsellors their own records only (services/visibility.py).
_OWN_RECORDS = (
    "SELECT coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all') = 'own'"
)


def set_up(conn: Connection, roles: ServerRoles) -> None:
    """Create (or bring up to date) the office's group roles, their GRANTs, the row-level
    security and the login functions, in the caller's transaction; run again, it changes
    nothing but what a newer program grants differently. Raises PrefixTakenError when the
    office's role names already hold rights in another database (two databases whose names
    begin alike)."""
    other = _other_database(conn, roles)
    if other is not None:
        raise PrefixTakenError(roles.prefix, other)
    for name in roles.groups():
        if not _role_exists(conn, name):
            conn.exec_driver_sql(f"CREATE ROLE {quote(name)} NOLOGIN")
    for role in _GROUPS:
        conn.exec_driver_sql(f"GRANT {quote(roles.desk)} TO {quote(roles.group(role))}")
    # Start from nothing: what an older set-up granted and this one does not is taken back.
    everyone = ", ".join(quote(n) for n in roles.groups())
    conn.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {everyone}")
    conn.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {everyone}")
    conn.exec_driver_sql("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {quote(roles.desk)}")
    for statement in server_rights.grants(roles):
        conn.exec_driver_sql(statement)
    names = {
        "prefix": roles.prefix,
        "login_prefix": roles.login(""),
        "counsellor": roles.group(Role.COUNSELLOR),
        "list_export": roles.group(Role.LIST_EXPORT),
        "admin": roles.group(Role.ADMIN),
        "admin_q": quote(roles.group(Role.ADMIN)),
        "desk": roles.desk,
        "desk_q": quote(roles.desk),
        "figures_schema": server_rights.FIGURES_SCHEMA,
        "no_password": NO_PASSWORD,
    }
    _script(conn, server_rights.FUNCTIONS.format(**names))
    _script(conn, server_rights.IN_NO_RECORD)
    _script(conn, server_rights.SEEN_FUNCTIONS)
    conn.exec_driver_sql(f"GRANT SELECT ON wc_record_clients, wc_record_parties TO "
                         f"{quote(roles.desk)}")  # fmt: skip
    _script(conn, server_functions.HANDOVERS.format(**names))
    _script(conn, server_functions.LOGIN_SEES.format(**names))
    _script(conn, server_functions.STALE_SEARCH.format(**names))
    _script(conn, server_functions.SEARCH_FUNCTION.format(**names))
    _script(conn, server_functions.CLIENT_LOOKUP.format(**names))
    own = conn.execute(text(_OWN_RECORDS)).scalar_one()
    for statement in server_rights.policy_statements(roles, own=bool(own)):
        conn.exec_driver_sql(statement)
    _script(conn, server_rights.visibility_trigger(roles))
    make_figure_views(conn, roles)
    _script(conn, _LOGIN_FUNCTIONS.format(**names))


def make_figure_views(conn: Connection, roles: ServerRoles) -> None:
    """Make the manager's views anew (server_rights.figure_views)."""
    for statement in server_rights.figure_views(quote(roles.figures)):
        conn.exec_driver_sql(statement)


def set_aside_figure_views(conn: Connection) -> ServerRoles | None:
    """Before a migration: drop the manager's views, which would stop a migration that changes
    a column they show, and return the office's roles to make them again with afterwards
    (None where there are none: a file, a server without ``server setup``)."""
    if conn.dialect.name != "postgresql" or not is_set_up(conn):
        return None
    schema = server_rights.FIGURES_SCHEMA
    if conn.execute(text("SELECT to_regnamespace(:s)"), {"s": schema}).scalar() is None:
        return None
    prefix = str(conn.execute(text("SELECT wc_role_prefix()")).scalar_one())
    conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    return ServerRoles(prefix)


def save_login(
    conn: Connection,
    username: str,
    password: str | None,
    roles: Iterable[Role] | None,
    active: bool = True,
) -> None:
    """Create or change ``username``'s login (an administrator's connection, or the owner's):
    its password (None: unchanged), its groups (None: unchanged), whether it may log in."""
    conn.execute(
        text("SELECT wc_save_login(:u, :v, :r, :a)"),
        {
            "u": username,
            "v": scram_verifier(password) if password is not None else None,
            "r": group_names(roles) if roles is not None else None,
            "a": active,
        },
    )


def change_own_password(conn: Connection, password: str, password_hash: str) -> None:
    """The connected login's own new password (PostgreSQL lets every role change its own), and
    its user's argon2 ``password_hash`` to go with it."""
    verifier = scram_verifier(password).replace("'", "''")
    conn.exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")
    conn.execute(text("SELECT wc_set_own_password_hash(:h)"), {"h": password_hash})


def is_set_up(conn: Connection) -> bool:
    """Whether ``server setup`` ran on this database (its functions are there)."""
    found = conn.execute(text("SELECT to_regprocedure('wc_role_prefix()') IS NOT NULL")).scalar()
    return bool(found)


def drop_office_roles(conn: Connection, roles: ServerRoles) -> None:
    """Drop the office's logins and groups (tests; an office that leaves the server). The
    database's objects must be dropped first, or ``DROP OWNED`` run in it."""
    names = conn.execute(
        text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"),
        {"p": roles.prefix.replace("_", r"\_") + r"\_%"},
    ).scalars()
    for name in names:
        conn.exec_driver_sql(f"DROP ROLE IF EXISTS {quote(name)}")
