"""The team server's roles: group roles, GRANTs and row-level security that make PostgreSQL
itself enforce what the services allow (docs/ARCHITECTURE.md, "The team server's roles").

``welcome-center server setup`` runs :func:`set_up` once, as the server's administrator (a role
that may create roles; it owns the tables). Each desk user then signs in as their own login
role, member of the groups of their roles; a login that bypasses the desk (``psql`` with a
user's password) can do no more than the desk lets that user do:

- counsellors read and write case content; where the office shows counsellors only their own
  records, row-level security shows them only those (and those nobody is assigned to);
- managers read the figures' columns only (no name, contact, note or free text);
- administrators manage users, settings, vocabularies, partners and events, read the audit log
  and the figures, but no case content;
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
        """The figures' columns (managers, administrators)."""
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


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


# --- what each group may do -------------------------------------------------------------------

# Case content: names, contact details, notes, documents, the search index of names.
CASE_TABLES = (
    "persons", "person_name_keys", "organisations", "contact_persons", "records",
    "record_topics", "record_services", "record_parties", "consultations",
    "consultation_topics", "referrals", "follow_ups", "documents", "recognition_procedures",
    "residence_titles", "consents", "record_search", "number_counters",
)  # fmt: skip

# The columns the figures are counted from: no name, contact, note or free text.
FIGURE_COLUMNS = {
    "records": "id, number, kind, status, client_person_id, client_organisation_id, anonymous, "
    "opened_on, promoted_on, closed_on, closing_reason, counsellor_id, substitute_id, "
    "requester_type, channel, municipality, anonymised_at, created_at, legal_hold",
    "record_topics": "record_id, topic",
    "record_services": "record_id, service",
    "record_parties": "id, record_id, person_id, organisation_id, role",
    "consultations": "id, record_id, held_on, duration_minutes, channel, counsellor_id, "
    "is_first, language, interpreter",
    "consultation_topics": "consultation_id, topic",
    "referrals": "id, record_id, partner_id, topic, referred_on, status, feedback_on",
    "follow_ups": "id, record_id, due_on, assigned_to_id, source, residence_title_id, done_on",
    "persons": "id, birth_year, nationality, nationality_2, municipality, gender, "
    "employment_status, education, german_level, arrival_year, anonymised_at",
    "organisations": "id, code, is_partner, municipality, kind, size, active",
    "recognition_procedures": "id, record_id, person_id, regulated, training_country, state, "
    "decision, submitted_on, decided_on",
    "residence_titles": "id, person_id, title, valid_from, expires_on, accelerated_procedure",
    "consents": "id, person_id, organisation_id, purpose, partner_id, given_on, withdrawn_on",
}

# Every desk login. The users table without the password hashes.
USER_COLUMNS = "id, username, display_name, active, created_at"
DESK_GRANTS = (
    f"GRANT SELECT ({USER_COLUMNS}) ON users TO {{desk}}",
    "GRANT SELECT ON user_roles, office_settings, vocabulary_entries, alembic_version, "
    "events, event_partners, published_reports, import_aliases TO {desk}",
    # The audit log: entries are added (chained under the head row's lock), never changed.
    "GRANT INSERT ON audit_log TO {desk}",
    "GRANT SELECT (id, hash) ON audit_log TO {desk}",
    "GRANT SELECT, INSERT, UPDATE ON audit_chain_head TO {desk}",
    "GRANT SELECT, UPDATE ON audit_chain_gaps TO {desk}",
    "GRANT USAGE, SELECT, UPDATE ON SEQUENCE audit_log_id_seq TO {desk}",
    # Failed logins are counted per name tried (the idle lock's too).
    "GRANT SELECT, INSERT, UPDATE, DELETE ON login_attempts TO {desk}",
    "GRANT SELECT, INSERT ON retention_runs TO {desk}",
)

COUNSELLOR_GRANTS = (
    "GRANT SELECT, INSERT, UPDATE, DELETE ON {case_tables} TO {counsellor}",
    "GRANT INSERT, UPDATE, DELETE ON events, event_partners, import_aliases TO {counsellor}",
    "GRANT INSERT ON published_reports TO {counsellor}",
    # A user name an import meets for the first time is made an inactive user (no password).
    "GRANT INSERT (username, display_name, password_hash, active, created_at) ON users "
    "TO {counsellor}",
    "GRANT INSERT ON user_roles TO {counsellor}",
    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {counsellor}",
)

LIST_EXPORT_GRANTS = ("GRANT SELECT ON {case_tables} TO {list_export}",)

ADMIN_GRANTS = (
    "GRANT SELECT, INSERT, UPDATE, DELETE ON users, user_roles, vocabulary_entries, "
    "events, event_partners, import_aliases TO {admin}",
    "GRANT SELECT, INSERT, UPDATE ON office_settings, retention_runs TO {admin}",
    "GRANT INSERT ON published_reports TO {admin}",
    "GRANT SELECT ON audit_log, audit_chain_gaps TO {admin}",
    # The partner directory (row-level security shows an administrator partners only).
    "GRANT SELECT, INSERT, UPDATE ON organisations, contact_persons TO {admin}",
    "GRANT USAGE ON SEQUENCE users_id_seq, vocabulary_entries_id_seq, events_id_seq, "
    "import_aliases_id_seq, organisations_id_seq, contact_persons_id_seq, "
    "retention_runs_id_seq, published_reports_id_seq, office_settings_id_seq TO {admin}",
    "GRANT {figures} TO {admin}",
)

MANAGER_GRANTS = (
    "GRANT INSERT ON published_reports TO {manager}",
    "GRANT USAGE ON SEQUENCE published_reports_id_seq TO {manager}",
    "GRANT {figures} TO {manager}",
)


def _grants(roles: ServerRoles) -> list[str]:
    names = {
        "desk": quote(roles.desk),
        "figures": quote(roles.figures),
        "case_tables": ", ".join(CASE_TABLES),
        **{g: quote(roles.group(r)) for r, g in _GROUPS.items()},
    }
    out = [g.format(**names) for g in DESK_GRANTS + COUNSELLOR_GRANTS + LIST_EXPORT_GRANTS]
    out += [g.format(**names) for g in ADMIN_GRANTS + MANAGER_GRANTS]
    out += [
        f"GRANT SELECT ({columns}) ON {table} TO {names['figures']}"
        for table, columns in FIGURE_COLUMNS.items()
    ]
    out.append(f"GRANT USAGE ON SEQUENCE published_reports_id_seq TO {names['figures']}")
    return out


# --- row-level security ----------------------------------------------------------------------

# Whether the connected user sees every record: the office shows all records to counsellors,
# or the user counsels not (managers and administrators read figures, whose rows are the
# office's), or the connection is not a desk login (the owner).
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION wc_user_id() RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT id FROM users WHERE '{login_prefix}' || lower(username) = current_user
$$;
CREATE OR REPLACE FUNCTION wc_sees_all() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all') <> 'own'
      OR NOT pg_has_role(current_user, '{counsellor}', 'MEMBER')
$$;
CREATE OR REPLACE FUNCTION wc_role_prefix() RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '{prefix}'::text
$$;
"""

# A record seen: the rule of services/visibility.py, with the sub-selects evaluated once per
# statement (InitPlans), so that an office that shows all records pays almost nothing.
OWN_RECORD = (
    "(SELECT wc_sees_all()) OR {t}.counsellor_id IS NULL"
    " OR {t}.counsellor_id = (SELECT wc_user_id()) OR {t}.substitute_id = (SELECT wc_user_id())"
)
_SEEN_RECORD = (
    "(SELECT wc_sees_all()) OR EXISTS (SELECT 1 FROM records r WHERE r.id = {t}.record_id)"
)

_OF_SEEN_ORGANISATION = (
    "EXISTS (SELECT 1 FROM organisations o WHERE o.id = contact_persons.organisation_id)"
)


def _client_seen(column: str, party_column: str, table: str) -> str:
    """A person or organisation seen: a client or party of a record seen (the records' own
    policy filters the sub-select), or of no record at all (wc_in_no_record, which sees
    every record)."""
    seen = "EXISTS (SELECT 1 FROM {other} WHERE {other}.{col} = {table}.id)"
    return " OR ".join(
        (
            "(SELECT wc_sees_all())",
            seen.format(other="records", col=column, table=table),
            seen.format(other="record_parties", col=party_column, table=table),
            f"wc_in_no_record('{table}', {table}.id)",
        )
    )


_IN_NO_RECORD = """
CREATE OR REPLACE FUNCTION wc_in_no_record(kind text, item integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT CASE kind
    WHEN 'persons' THEN NOT EXISTS (SELECT 1 FROM records WHERE client_person_id = item)
                    AND NOT EXISTS (SELECT 1 FROM record_parties WHERE person_id = item)
    ELSE NOT EXISTS (SELECT 1 FROM records WHERE client_organisation_id = item)
     AND NOT EXISTS (SELECT 1 FROM record_parties WHERE organisation_id = item)
  END
$$;
REVOKE ALL ON FUNCTION wc_in_no_record(text, integer) FROM PUBLIC;
"""


def _policies(roles: ServerRoles) -> dict[str, list[tuple[str, str, str]]]:
    """table -> (policy name, TO whom, USING) for SELECT/UPDATE/DELETE; INSERT is checked by
    the services (a counsellor may open a record for a colleague). Managers and administrators
    see every row of what their columns show (wc_sees_all: they do not counsel); one who
    counsels too sees what a counsellor sees."""
    desk = quote(roles.desk)
    readers = f"{quote(roles.group(Role.COUNSELLOR))}, {quote(roles.group(Role.LIST_EXPORT))}"
    record_children = [
        "record_topics", "record_services", "record_parties", "consultations", "referrals",
        "follow_ups", "documents", "recognition_procedures",
    ]  # fmt: skip
    out: dict[str, list[tuple[str, str, str]]] = {
        "records": [("wc_seen", desk, OWN_RECORD.format(t="records"))],
        "persons": [("wc_seen", desk, _client_seen("client_person_id", "person_id", "persons"))],
        "organisations": [
            (
                "wc_seen",
                readers,
                "is_partner OR "
                + _client_seen("client_organisation_id", "organisation_id", "organisations"),
            ),
            ("wc_figures", quote(roles.group(Role.MANAGER)), "(SELECT wc_sees_all())"),
            # An administrator manages the partner directory, not the clients.
            ("wc_partners", quote(roles.group(Role.ADMIN)), "is_partner"),
        ],
    }
    for table in record_children:
        out[table] = [("wc_seen", desk, _SEEN_RECORD.format(t=table))]
    out["contact_persons"] = [("wc_seen", desk, _OF_SEEN_ORGANISATION)]
    return out


def _policy_statements(roles: ServerRoles) -> list[str]:
    out = []
    for table, policies in _policies(roles).items():
        out.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        for name, to, using in policies:
            out.append(f"DROP POLICY IF EXISTS {name} ON {table}")
            out.append(f"CREATE POLICY {name} ON {table} FOR SELECT TO {to} USING ({using})")
            for verb in ("UPDATE", "DELETE"):
                out.append(f"DROP POLICY IF EXISTS {name}_{verb.lower()} ON {table}")
                out.append(
                    f"CREATE POLICY {name}_{verb.lower()} ON {table} FOR {verb} TO {to} "
                    f"USING ({using})"
                )
        out.append(f"DROP POLICY IF EXISTS wc_insert ON {table}")
        out.append(f"CREATE POLICY wc_insert ON {table} FOR INSERT TO {quote(roles.desk)} "
                   "WITH CHECK (true)")  # fmt: skip
    return out


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
  END IF;
  EXECUTE format('ALTER ROLE %I %s', login, CASE WHEN may_log_in THEN 'LOGIN' ELSE 'NOLOGIN' END);
  IF verifier IS NOT NULL THEN
    IF verifier !~ '^SCRAM-SHA-256\\$' THEN
      RAISE EXCEPTION 'a password is passed as its SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', login, verifier);
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
END $$;
REVOKE ALL ON FUNCTION wc_save_login(text, text, text[], boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wc_save_login(text, text, text[], boolean) TO {admin_q};
REVOKE ALL ON FUNCTION wc_require_admin() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wc_require_admin() TO {admin_q};
"""


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


def _role_exists(conn: Connection, name: str) -> bool:
    return bool(
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    )


def set_up(conn: Connection, roles: ServerRoles) -> None:
    """Create (or bring up to date) the office's group roles, their GRANTs, the row-level
    security and the login functions, in the caller's transaction; run again, it changes
    nothing but what a newer program grants differently."""
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
    for statement in _grants(roles):
        conn.exec_driver_sql(statement)
    names = {
        "prefix": roles.prefix,
        "login_prefix": roles.login(""),
        "counsellor": roles.group(Role.COUNSELLOR),
        "admin": roles.group(Role.ADMIN),
        "admin_q": quote(roles.group(Role.ADMIN)),
        "desk": roles.desk,
    }
    _script(conn, _FUNCTIONS.format(**names))
    _script(conn, _IN_NO_RECORD)
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION wc_in_no_record(text, integer) TO "
                         f"{quote(roles.desk)}")  # fmt: skip
    for statement in _policy_statements(roles):
        conn.exec_driver_sql(statement)
    _script(conn, _LOGIN_FUNCTIONS.format(**names))


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


def change_own_password(conn: Connection, password: str) -> None:
    """The connected login's own new password (PostgreSQL lets every role change its own)."""
    verifier = scram_verifier(password).replace("'", "''")
    conn.exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")


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
