"""What each group of an office's roles may do on the team server: the GRANTs per table and
column, and the row-level security (docs/ARCHITECTURE.md, "The team server's roles").
``db/server_roles.py`` names the roles and runs these statements at ``server setup``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from welcome_center.domain.enums import Role

if TYPE_CHECKING:
    from welcome_center.db.server_roles import ServerRoles


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- what each group may do -------------------------------------------------------------------

# Case content: names, contact details, notes, documents, the search index of names.
CASE_TABLES = (
    "persons", "person_name_keys", "organisations", "contact_persons", "records",
    "record_topics", "record_services", "record_parties", "consultations",
    "consultation_topics", "referrals", "follow_ups", "documents", "recognition_procedures",
    "residence_titles", "consents", "record_search", "number_counters", "record_months",
)  # fmt: skip

# The columns the figures are counted from: no name, contact, note or free text. An
# administrator reads them on the tables; a manager through the views of the schema
# FIGURES_SCHEMA, which show them and nothing else (figure_views).
FIGURE_COLUMNS = {
    "records": "id, number, kind, status, client_person_id, client_organisation_id, anonymous, "
    "opened_on, promoted_on, closed_on, closing_reason, counsellor_id, substitute_id, "
    "requester_type, channel, municipality, anonymised_at, created_at, updated_at, legal_hold",
    "record_topics": "record_id, topic",
    "record_services": "record_id, service",
    "record_months": "record_id, month",
    "record_parties": "id, record_id, person_id, organisation_id, role",
    "consultations": "id, record_id, held_on, duration_minutes, channel, counsellor_id, "
    "is_first, language, interpreter",
    "consultation_topics": "consultation_id, topic",
    "referrals": "id, record_id, partner_id, topic, referred_on, status, feedback_on",
    "follow_ups": "id, record_id, due_on, assigned_to_id, source, residence_title_id, done_on",
    "persons": "id, birth_year, nationality, nationality_2, municipality, gender, "
    "employment_status, education, german_level, arrival_year, anonymised_at, updated_at",
    # All but the notes: a report names the partners referred to, and the events page lists
    # the partner directory. Partners and client organisations share the table: the manager's
    # view shows PARTNER_ONLY's columns of partners only, NULL for a client organisation.
    "organisations": "id, code, name, short_name, name_key, is_partner, municipality, email, "
    "phone, website, kind, size, active, created_at, updated_at, updated_by_id, version",
    "recognition_procedures": "id, record_id, person_id, regulated, training_country, state, "
    "decision, submitted_on, decided_on",
    "residence_titles": "id, person_id, title, valid_from, expires_on, accelerated_procedure",
    "consents": "id, person_id, organisation_id, purpose, partner_id, given_on, withdrawn_on",
}

# The schema of the views a manager's login reads instead of the tables (same names, the
# figures' columns only); the login's search_path puts it before public (db/server_roles.py).
FIGURES_SCHEMA = "figures"
# An organisation's columns that name it or reach it: in the manager's view, a partner's only.
PARTNER_ONLY = ("code", "name", "short_name", "name_key", "email", "phone", "website")


def figure_views(figures: str) -> list[str]:
    """The statements that make the schema of the manager's views anew, readable by the group
    ``figures`` (quoted) only. The views run with their owner's rights (the tables' owner,
    whom row-level security does not filter): a manager counts the office's rows, as before,
    and her login needs no right on any table. A view for every table the figures read, under
    the table's name, so that the program's unqualified queries reach the views unchanged."""
    schema = FIGURES_SCHEMA
    out = [f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}"]
    for table, columns in FIGURE_COLUMNS.items():
        names = [c.strip() for c in columns.split(",")]
        if table == "organisations":
            names = [
                f"CASE WHEN is_partner THEN {c} END AS {c}" if c in PARTNER_ONLY else c
                for c in names
            ]
        shown = ", ".join(names)
        out.append(f"CREATE VIEW {schema}.{table} AS SELECT {shown} FROM public.{table}")  # noqa: S608
    out += [
        f"REVOKE ALL ON SCHEMA {schema} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {schema} TO {figures}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {figures}",
    ]
    return out


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
    # Appends a transaction's entries under the head's lock (migration 0019), with the rights
    # above: granted, not left to PUBLIC's default (a server may revoke that).
    "GRANT EXECUTE ON FUNCTION audit_append(text, json) TO {desk}",
    # Failed logins are counted per name tried (the idle lock's too).
    "GRANT SELECT, INSERT, UPDATE, DELETE ON login_attempts TO {desk}",
    "GRANT SELECT, INSERT ON retention_runs TO {desk}",
)

COUNSELLOR_GRANTS = (
    "GRANT SELECT, INSERT, UPDATE, DELETE ON {case_tables} TO {counsellor}",
    "GRANT INSERT, UPDATE, DELETE ON events, event_partners, import_aliases TO {counsellor}",
    "GRANT INSERT ON published_reports TO {counsellor}",
    # A record's history (row-level security: of the records they see, and their own acts).
    "GRANT SELECT ON audit_log TO {counsellor}",
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
    # Legal holds, on the retention tab, by record number.
    "GRANT SELECT (legal_hold_reason, version), UPDATE (legal_hold, legal_hold_reason, version) "
    "ON records TO {admin}",
    "GRANT {figures} TO {admin}",
)

MANAGER_GRANTS = (
    "GRANT INSERT ON published_reports TO {manager}",
    "GRANT USAGE ON SEQUENCE published_reports_id_seq TO {manager}",
    "GRANT {figures} TO {manager}",
)


def grants(roles: ServerRoles) -> list[str]:
    names = {
        "desk": quote(roles.desk),
        "figures": quote(roles.figures),
        "case_tables": ", ".join(CASE_TABLES),
        **{r.value: quote(roles.group(r)) for r in Role},
    }
    out = [g.format(**names) for g in DESK_GRANTS + COUNSELLOR_GRANTS + LIST_EXPORT_GRANTS]
    out += [g.format(**names) for g in ADMIN_GRANTS + MANAGER_GRANTS]
    # An administrator's figures: the columns on the tables (a manager's: the views).
    out += [
        f"GRANT SELECT ({columns}) ON {table} TO {names['admin']}"
        for table, columns in FIGURE_COLUMNS.items()
    ]
    out.append(f"GRANT USAGE ON SEQUENCE published_reports_id_seq TO {names['figures']}")
    return out


# --- row-level security ----------------------------------------------------------------------

# Whether the connected user sees every record: the office shows all records to counsellors,
# or the user reads no case content (managers and administrators read figures, whose rows are
# the office's), or the connection is not a desk login (the owner). A list exporter who does
# not counsel sees, where the office shows own records, what the desk shows her: the records
# nobody is assigned to (and her own, if any). Both functions run with the
# caller's rights and without a search_path of their own, so their tables are named with their
# schema: a session's temporary tables come first in its search_path, and a login's own
# temporary "office_settings" saying 'all' would otherwise have switched the rule off. They ask
# session_user, the login that signed in: SET ROLE to a group (the list exporters', which does
# not counsel) changes nothing.
FUNCTIONS = """
CREATE OR REPLACE FUNCTION wc_user_id() RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT id FROM public.users
   WHERE '{login_prefix}' || pg_catalog.lower(username) = session_user
$$;
CREATE OR REPLACE FUNCTION wc_sees_all() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT record_visibility FROM public.office_settings WHERE id = 1), 'all')
         <> 'own'
      OR NOT (pg_catalog.pg_has_role(session_user, '{counsellor}', 'MEMBER')
              OR pg_catalog.pg_has_role(session_user, '{list_export}', 'MEMBER'))
$$;
CREATE OR REPLACE FUNCTION wc_role_prefix() RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT '{prefix}'::text
$$;
"""

# A record seen: the rule of services/visibility.py, with the sub-selects evaluated once per
# statement (InitPlans), so that an office that shows all records pays almost nothing. And,
# in the transaction that gives a record to a colleague (opens it for them, hands it over,
# imports it as theirs) and only there, that record: the rest of the save reads it back,
# writes its consultation, its search entry and its active months (server_functions.HANDOVERS).
OWN_RECORD = (
    "(SELECT wc_sees_all()) OR {t}.counsellor_id IS NULL"
    " OR {t}.counsellor_id = (SELECT wc_user_id()) OR {t}.substitute_id = (SELECT wc_user_id())"
    " OR ({t}.id = ANY ((SELECT wc_handed_over())::integer[])"
    " AND {t}.updated_by_id = (SELECT wc_user_id()))"
)
_SEEN_RECORD = (
    "(SELECT wc_sees_all()) OR EXISTS (SELECT 1 FROM records r WHERE r.id = {t}.{column})"
)


_OF_SEEN_ORGANISATION = "wc_organisation_seen(contact_persons.organisation_id)"


_HISTORY = " OR ".join(
    (
        "(entity = 'record' AND EXISTS (SELECT 1 FROM records r WHERE r.id = audit_log.entity_id))",
        "(entity = 'person' AND wc_person_seen(audit_log.entity_id))",
        "(entity = 'organisation' AND wc_organisation_seen(audit_log.entity_id))",
        "user_id = (SELECT wc_user_id())",
    )
)

# Whether the caller sees a person or an organisation: the rows' own policies, asked from a
# function. The tables that hang on a person or an organisation (consents, name keys,
# residence titles, contact persons, their history) asked it with a sub-select, which the
# planner expanded with the persons' policy, and that policy's sub-selects with theirs, into
# every statement on them: in an office of own records a consent's read by id took 2.3 ms to
# plan and 0.9 ms to run, planned anew at each of a save's first executions on a connection.
# A PL/pgSQL function keeps its query's plan for the session: the statement plans one call.
# The caller's rights (the policies of persons and organisations apply inside, as in the
# sub-select; the tables' owner sees every row), STABLE (the statement's snapshot, as a
# sub-select's), the tables named with their schema (a login's temporary table of the same
# name comes first in its search_path).
SEEN_FUNCTIONS = """
CREATE OR REPLACE FUNCTION wc_person_seen(person integer) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN person IS NOT NULL AND EXISTS (SELECT 1 FROM public.persons p WHERE p.id = person);
END $$;
CREATE OR REPLACE FUNCTION wc_organisation_seen(organisation integer) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN organisation IS NOT NULL
     AND EXISTS (SELECT 1 FROM public.organisations o WHERE o.id = organisation);
END $$;
"""


def _client_seen(column: str, party_column: str, table: str) -> str:
    """A person or organisation seen: a client or party of a record seen (the records' own
    policy filters the sub-select), or of no record at all. "No record at all" must see every
    record: it asks the views ``wc_record_clients`` and ``wc_record_parties``, which run with
    their owner's rights (the tables' owner, whom row-level security does not filter) and show
    ids only. Sub-selects, not a function per row, so that the planner probes the indexes."""
    seen = "EXISTS (SELECT 1 FROM {other} WHERE {other}.{col} = {table}.id)"
    return " OR ".join(
        (
            "(SELECT wc_sees_all())",
            seen.format(other="records", col=column, table=table),
            seen.format(other="record_parties", col=party_column, table=table),
            "(NOT "
            + seen.format(other="wc_record_clients", col=column, table=table)
            + " AND NOT "
            + seen.format(other="wc_record_parties", col=party_column, table=table)
            + ")",
        )
    )


# Which persons and organisations records refer to, ids only, for "of no record at all".
IN_NO_RECORD = """
CREATE OR REPLACE VIEW wc_record_clients AS
  SELECT client_person_id, client_organisation_id FROM records;
CREATE OR REPLACE VIEW wc_record_parties AS
  SELECT person_id, organisation_id FROM record_parties;
"""


def _policies(roles: ServerRoles) -> dict[str, list[tuple[str, str, str]]]:
    """table -> (policy name, TO whom, USING) for SELECT/UPDATE/DELETE; INSERT is checked by
    the services (a counsellor may open a record for a colleague). An administrator sees every
    row of what their columns show (wc_sees_all: they do not counsel), of organisations the
    partners; one who counsels too sees what a counsellor sees. A manager reads no table (the
    views of FIGURES_SCHEMA)."""
    desk = quote(roles.desk)
    readers = f"{quote(roles.group(Role.COUNSELLOR))}, {quote(roles.group(Role.LIST_EXPORT))}"
    record_children = [
        "record_topics", "record_services", "record_parties", "consultations", "referrals",
        "follow_ups", "documents", "recognition_procedures", "record_months",
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
            # An administrator manages the partner directory, not the clients.
            ("wc_partners", quote(roles.group(Role.ADMIN)), "is_partner"),
        ],
    }
    for table in record_children:
        out[table] = [("wc_seen", desk, _SEEN_RECORD.format(t=table, column="record_id"))]
    # The search index: a record's names, summary and notes.
    out["record_search"] = [
        ("wc_seen", desk, _SEEN_RECORD.format(t="record_search", column="rowid"))
    ]
    out["contact_persons"] = [("wc_seen", desk, _OF_SEEN_ORGANISATION)]
    # What hangs on a person, an organisation or a consultation seen: the sounds of a
    # person's names (the duplicate check's keys), residence titles, consents, the topics of
    # a consultation.
    seen_person = "wc_person_seen({t}.person_id)"
    seen_org = "wc_organisation_seen({t}.organisation_id)"
    for table, using in (
        ("person_name_keys", seen_person),
        ("residence_titles", seen_person),
        ("consents", f"{seen_person} OR {seen_org}"),
        ("consultation_topics",
         "EXISTS (SELECT 1 FROM consultations c WHERE c.id = {t}.consultation_id)"),
    ):  # fmt: skip
        out[table] = [("wc_seen", desk, "(SELECT wc_sees_all()) OR " + using.format(t=table))]
    # The audit log: an administrator reads all of it; a counsellor the history of the records
    # they see and their own entries; every login the chain's newest entry (the head names it).
    out["audit_log"] = [
        ("wc_all", quote(roles.group(Role.ADMIN)), "true"),
        ("wc_history", quote(roles.group(Role.COUNSELLOR)), _HISTORY),
        ("wc_newest", desk, "id = (SELECT last_id FROM audit_chain_head WHERE id = 1)"),
    ]
    return out


# A counsellor may change a record she sees into one she does not: hand it to a colleague.
_GIVEN = {("records", "UPDATE")}


# Policies an older set-up made that this one does not (a manager read the organisations
# table itself).
RETIRED_POLICIES = {"organisations": ("wc_figures",)}


# The rules' first test, whether the login sees every record (wc_sees_all). Where the office
# shows all records it is true for every login, and the policies hold "true" in its place
# (``_in_office_of_all``): the planner then drops the rest of the rule, sub-selects and all,
# instead of planning them into every statement of a save (ten desks on logins saved at p95
# 87 to 89 ms with the whole rule, 44 to 51 ms with "true"). The server swaps the two forms
# when an administrator changes the setting (VISIBILITY_TRIGGER), in the same transaction.
SEES_ALL = "(SELECT wc_sees_all())"


def _in_office_of_all(rule: str) -> str:
    """``rule`` where the office shows all records: wc_sees_all() is true there."""
    return rule.replace(SEES_ALL, "true")


def _rules(roles: ServerRoles) -> list[tuple[str, str, str, str, str]]:
    """Every policy as (table, name, command, TO whom, USING or WITH CHECK rule), in the form
    of an office that shows counsellors their own records only."""
    out = []
    for table, policies in _policies(roles).items():
        for name, to, using in policies:
            out.append((table, name, "SELECT", to, using))
            for verb in ("UPDATE", "DELETE"):
                out.append((table, f"{name}_{verb.lower()}", verb, to, using))
        check = next((u for n, to, u in policies if n == "wc_seen"), "true")
        if table not in INSERT_AS_SEEN:
            check = "true"
        out.append((table, "wc_insert", "INSERT", quote(roles.desk), check))
    return out


def _clause(table: str, command: str, rule: str) -> str:
    if command == "INSERT":
        return f"WITH CHECK ({rule})"
    given = (table, command) in _GIVEN
    return f"USING ({rule})" + (" WITH CHECK (true)" if given else "")


def policy_statements(roles: ServerRoles, own: bool) -> list[str]:
    """The statements that make the policies, in the form for an office that shows its
    counsellors their own records only (``own``) or all records."""
    out = [
        f"DROP POLICY IF EXISTS {name}{verb} ON {table}"
        for table, names in RETIRED_POLICIES.items()
        for name in names
        for verb in ("", "_update", "_delete")
    ]
    for table in _policies(roles):
        out.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, to, rule in _rules(roles):
        rule = rule if own else _in_office_of_all(rule)
        out.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        out.append(f"CREATE POLICY {name} ON {table} FOR {command} TO {to} "
                   + _clause(table, command, rule))  # fmt: skip
    return out


def visibility_trigger(roles: ServerRoles) -> str:
    """The trigger that swaps the policies' forms when the office's setting changes: a
    function of the tables' owner (only the owner may alter a policy), which the
    administrator's save of the setting runs in its own transaction. It locks the tables a
    moment (ALTER POLICY), as a change of the schema does; a desk's statement waiting on it
    meanwhile is planned anew under the new rule."""
    swaps = [(t, n, c, r) for t, n, c, _to, r in _rules(roles) if SEES_ALL in r]

    def alter(own: bool) -> str:
        return "\n".join(
            f"    ALTER POLICY {name} ON public.{table} "
            + _clause(table, command, rule if own else _in_office_of_all(rule))
            + ";"
            for table, name, command, rule in swaps
        )

    return f"""
CREATE OR REPLACE FUNCTION wc_visibility_changed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NEW.id <> 1 OR (TG_OP = 'UPDATE'
                     AND (OLD.record_visibility = 'own') = (NEW.record_visibility = 'own')) THEN
    RETURN NULL;
  END IF;
  IF NEW.record_visibility = 'own' THEN
{alter(True)}
  ELSE
{alter(False)}
  END IF;
  RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION wc_visibility_changed() FROM PUBLIC;
DROP TRIGGER IF EXISTS wc_visibility ON office_settings;
CREATE TRIGGER wc_visibility AFTER INSERT OR UPDATE OF record_visibility ON office_settings
  FOR EACH ROW EXECUTE FUNCTION wc_visibility_changed();
"""


# Tables whose new rows must hang on what the login sees, as their rows to read do: a consent
# or a residence title of a colleague's client, a consultation on his record would otherwise
# be written blind (and a refused foreign key would tell whether an id exists). A record, a
# person and an organisation may be new to everyone (a record opened for a colleague: the
# records' trigger, server_functions.HANDOVERS), the audit log takes every login's entries.
INSERT_AS_SEEN = frozenset({
    "record_topics", "record_services", "record_parties", "consultations", "referrals",
    "follow_ups", "documents", "recognition_procedures", "record_months", "record_search",
    "contact_persons", "person_name_keys", "residence_titles", "consents",
    "consultation_topics",
})  # fmt: skip
