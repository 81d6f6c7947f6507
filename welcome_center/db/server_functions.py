"""The functions and triggers with which a team server keeps "own records only" where the
policies alone cannot (db/server_rights.py has the grants and policies): a record given to a
colleague seen in the transaction that gives it, search entries a login could not rewrite, the
rule for session_user in the functions that run with their owner's rights, and a login's search
through the index. ``server setup`` runs them (db/server_roles.py), formatted with the office's
role names."""

from __future__ import annotations

# A record given to a colleague in an office of own records: noted for the transaction that
# gives it, in a schema of the tables' owner that no login may use. The trigger notes it
# BEFORE the row is written, as an INSERT's RETURNING (the ORM reads the new id back) checks
# the new row against the SELECT policy; wc_handed_over() is VOLATILE so that this check sees
# the note the same statement's trigger wrote (a STABLE function or a sub-select would read
# the statement's snapshot, taken before). The trigger function runs with its owner's rights,
# asks who signed in by session_user, and cannot be called otherwise; an INSERT with the id of
# a record already there (ON CONFLICT) notes nothing. And the policy's arm wants the row as
# the login last wrote it (``updated_by_id``, which every save sets): an INSERT ... ON CONFLICT
# DO NOTHING racing a colleague's uncommitted new record (which the trigger's look cannot see
# yet) leaves a note, but the row is the colleague's. Notes of finished transactions are
# cleared by the next one.
HANDOVERS = """
CREATE SCHEMA IF NOT EXISTS wc_rls;
REVOKE ALL ON SCHEMA wc_rls FROM PUBLIC;
CREATE TABLE IF NOT EXISTS wc_rls.handed_over (
  record_id integer NOT NULL,
  txid bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX IF NOT EXISTS ix_handed_over_txid ON wc_rls.handed_over (txid);
-- A note names a transaction of this server: after a restore onto another, none may stay.
TRUNCATE wc_rls.handed_over;
CREATE OR REPLACE FUNCTION wc_handed_over() RETURNS integer[] LANGUAGE sql VOLATILE
SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(record_id), '{{}}') FROM wc_rls.handed_over
  WHERE txid = txid_current_if_assigned()
$$;
CREATE OR REPLACE FUNCTION wc_note_handover() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  uid integer;
BEGIN
  IF coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all') <> 'own'
     OR to_regrole('{counsellor}') IS NULL  -- restored where no set-up made the roles yet
     OR NOT pg_has_role(session_user, '{counsellor}', 'MEMBER') THEN
    RETURN NEW;
  END IF;
  SELECT id INTO uid FROM users WHERE '{login_prefix}' || lower(username) = session_user;
  IF uid IS NULL OR NEW.counsellor_id = uid OR NEW.substitute_id = uid THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM records WHERE id = NEW.id) THEN
    RETURN NEW;
  END IF;
  -- Once per transaction, the notes of transactions older than any still running (by the
  -- index; rows another transaction is clearing are left to it, not waited for).
  IF NOT EXISTS (SELECT 1 FROM wc_rls.handed_over WHERE txid = txid_current()) THEN
    DELETE FROM wc_rls.handed_over WHERE ctid IN (
      SELECT ctid FROM wc_rls.handed_over
       WHERE txid < txid_snapshot_xmin(txid_current_snapshot()) FOR UPDATE SKIP LOCKED);
  END IF;
  INSERT INTO wc_rls.handed_over (record_id) VALUES (NEW.id);
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS wc_handover ON records;
CREATE TRIGGER wc_handover BEFORE INSERT OR UPDATE OF counsellor_id, substitute_id ON records
  FOR EACH ROW WHEN (NEW.counsellor_id IS NOT NULL) EXECUTE FUNCTION wc_note_handover();
"""

# A client renamed by a login that does not see all of the client's records: their search
# entries hold the old name, and that login cannot write them (it reads neither their summary
# nor their notes). The trigger notes them, with the tables' owner's rights; a desk that sees
# them writes them anew when it learns of the change (services/remote_changes.py) or starts:
# wc_search_stale() names the noted records (ids only), wc_search_refreshed() takes back the
# notes of those it wrote.
STALE_SEARCH = """
CREATE SEQUENCE IF NOT EXISTS wc_rls.search_stale_stamp;
CREATE TABLE IF NOT EXISTS wc_rls.search_stale (record_id integer PRIMARY KEY);
ALTER TABLE wc_rls.search_stale ADD COLUMN IF NOT EXISTS
  stamp bigint NOT NULL DEFAULT nextval('wc_rls.search_stale_stamp');
DELETE FROM wc_rls.search_stale s
 WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.id = s.record_id);
CREATE OR REPLACE FUNCTION wc_note_renamed() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  person integer := CASE WHEN TG_TABLE_NAME = 'persons' THEN NEW.id END;
  organisation integer := CASE WHEN TG_TABLE_NAME = 'organisations' THEN NEW.id END;
BEGIN
  IF coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all') <> 'own' THEN
    RETURN NULL;
  END IF;
  INSERT INTO wc_rls.search_stale (record_id)
  SELECT r.id FROM records r
   WHERE (r.client_person_id = person OR r.client_organisation_id = organisation
          OR r.id IN (SELECT p.record_id FROM record_parties p
                       WHERE p.person_id = person OR p.organisation_id = organisation))
     AND NOT wc_login_sees(r.counsellor_id, r.substitute_id)
  ON CONFLICT (record_id) DO UPDATE SET stamp = EXCLUDED.stamp;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS wc_renamed ON persons;
CREATE TRIGGER wc_renamed AFTER UPDATE OF family_name, given_name ON persons FOR EACH ROW
  WHEN (OLD.family_name IS DISTINCT FROM NEW.family_name
        OR OLD.given_name IS DISTINCT FROM NEW.given_name)
  EXECUTE FUNCTION wc_note_renamed();
DROP TRIGGER IF EXISTS wc_renamed ON organisations;
CREATE TRIGGER wc_renamed AFTER UPDATE OF name, short_name ON organisations FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.short_name IS DISTINCT FROM NEW.short_name)
  EXECUTE FUNCTION wc_note_renamed();
DROP FUNCTION IF EXISTS wc_search_stale();
DROP FUNCTION IF EXISTS wc_search_refreshed(integer[]);
CREATE OR REPLACE FUNCTION wc_search_stale(OUT ids integer[], OUT stamp bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(array_agg(s.record_id ORDER BY s.record_id), '{{}}'), coalesce(max(s.stamp), 0)
    FROM wc_rls.search_stale s JOIN records r ON r.id = s.record_id
   WHERE wc_login_sees(r.counsellor_id, r.substitute_id)
$$;
-- The notes of these records, as far as the caller wrote them anew: not those noted again
-- (a later stamp) since it read them.
CREATE OR REPLACE FUNCTION wc_search_refreshed(ids integer[], up_to bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DELETE FROM wc_rls.search_stale s USING records r
   WHERE r.id = s.record_id AND s.record_id = ANY(ids) AND s.stamp <= up_to
     AND wc_login_sees(r.counsellor_id, r.substitute_id)
$$;
REVOKE ALL ON FUNCTION wc_search_stale(), wc_search_refreshed(integer[], bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wc_search_stale(), wc_search_refreshed(integer[], bigint)
  TO {desk_q};
"""

# Whether the signed-in login (session_user) sees a record of this counsellor and substitute:
# the policies' rule for the functions that run with their owner's rights. A login that may
# not read the search index (a manager's, an administrator's who does not counsel) sees none.
LOGIN_SEES = """
CREATE OR REPLACE FUNCTION wc_login_sees(counsellor integer, substitute integer)
RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce(has_table_privilege(session_user, 'public.record_search', 'SELECT')
     AND (session_user = (SELECT tableowner FROM pg_tables
                          WHERE schemaname = 'public' AND tablename = 'records')
          OR (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
          OR coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all')
             <> 'own'
          OR NOT (pg_has_role(session_user, '{counsellor}', 'MEMBER')
                  OR pg_has_role(session_user, '{list_export}', 'MEMBER'))
          OR counsellor IS NULL
          OR counsellor = (SELECT id FROM users
                           WHERE '{login_prefix}' || lower(username) = session_user)
          OR substitute = (SELECT id FROM users
                           WHERE '{login_prefix}' || lower(username) = session_user)), false)
$$;
"""

# The search on a login. Under row-level security PostgreSQL tests a query's own conditions
# only after the policy's, unless their functions are LEAKPROOF (which only a superuser may
# declare): the words' test (``doc @@ query``) then cannot use the GIN index, and every search
# read the whole index table (25 ms at 26,000 records, growing with them, against 0.1 ms with
# the index). So a login searches through this function, with its owner's rights: the index
# answers, and the function itself keeps to the policies' rule, for session_user: only a login
# that may read the index (a counsellor's, a list exporter's) gets anything, and where the
# office shows own records, a counsellor only the ids of the records she sees.
SEARCH_FUNCTION = """
CREATE OR REPLACE FUNCTION wc_search_ids(q tsquery) RETURNS SETOF bigint LANGUAGE plpgsql
STABLE SECURITY DEFINER ROWS 1000 SET search_path = public, pg_temp AS $$
DECLARE
  uid integer;
  handed integer[];
BEGIN
  IF NOT has_table_privilege(session_user, 'record_search', 'SELECT') THEN
    RAISE EXCEPTION 'permission denied for table record_search' USING ERRCODE = '42501';
  END IF;
  IF coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all') <> 'own'
     OR NOT (pg_has_role(session_user, '{counsellor}', 'MEMBER')
             OR pg_has_role(session_user, '{list_export}', 'MEMBER')) THEN
    RETURN QUERY SELECT s.rowid FROM record_search s WHERE s.doc @@ q;
    RETURN;
  END IF;
  SELECT id INTO uid FROM users WHERE '{login_prefix}' || lower(username) = session_user;
  -- Once, not in the query: a VOLATILE function there is called for every row, and the
  -- planner read every record to call it (a word of 10,000 matches: 206 ms, against 8 ms).
  handed := wc_handed_over();
  RETURN QUERY SELECT s.rowid FROM record_search s JOIN records r ON r.id = s.rowid
   WHERE s.doc @@ q AND (r.counsellor_id IS NULL OR r.counsellor_id = uid
                         OR r.substitute_id = uid
                         OR (r.id = ANY (handed) AND r.updated_by_id = uid));
END $$;
"""

# The client lookup on a login. As with the search, the typed words' test (``name_key LIKE``)
# came only after the policies of persons and organisations, and the server tested them for
# every row in the order of the names: 200 to 420 ms a keystroke at 100,000 records in an
# office of own records (83,000 persons tested for "Mül"; the organisations 55 to 80 ms more).
# These functions find the matching rows with their owner's rights and keep to the policies'
# rule for session_user, as wc_search_ids does: a login that may not read persons (a
# manager's, an administrator's who does not counsel) gets an error, a counsellor where the
# office shows own records the clients of her records and those of no record (of
# organisations the partners too). The policies then test the few ids returned.
# Sub-selects with LIMIT 1, not EXISTS: an EXISTS the planner may turn into a hash of every
# record of the counsellor's (30,000 at 100,000 records, 40 to 50 ms) before the first match is
# tested; these are index probes for the matches alone.
_SEEN_CLIENT = """
     AND (coalesce((SELECT true FROM records r WHERE r.{client} = t.id AND {hers}
                    LIMIT 1), false)
          OR coalesce((SELECT true FROM record_parties rp JOIN records r ON r.id = rp.record_id
                        WHERE rp.{party} = t.id AND {hers} LIMIT 1), false)
          OR (NOT EXISTS (SELECT 1 FROM records r WHERE r.{client} = t.id)
              AND NOT EXISTS (SELECT 1 FROM record_parties rp WHERE rp.{party} = t.id)){more})"""
_HERS = "(r.counsellor_id IS NULL OR r.counsellor_id = uid OR r.substitute_id = uid)"
_LOOKUP = """
-- Dropped first: nothing refers to them, and CREATE OR REPLACE cannot rename a parameter (a
-- server set up during their making had them take "patterns").
DROP FUNCTION IF EXISTS {name}(text[], integer);
CREATE FUNCTION {name}(words text[], lim integer)
RETURNS SETOF integer LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 20
SET search_path = public, pg_temp AS $$
DECLARE
  uid integer;
  patterns text[];
BEGIN
  IF NOT has_table_privilege(session_user, 'persons', 'SELECT') THEN
    RAISE EXCEPTION 'permission denied for table persons' USING ERRCODE = '42501';
  END IF;
  -- Each word a pattern of its own characters: a pattern of the caller's could fail on the
  -- rows the rule hides (one ending in the escape character fails only where the text before
  -- it matched), and tell them so.
  SELECT coalesce(array_agg('%' || replace(replace(replace(w, '\\', '\\\\'), '%', '\\%'),
                                           '_', '\\_') || '%'), ARRAY[]::text[])
    INTO patterns FROM unnest(words) AS w;
  IF coalesce((SELECT record_visibility FROM office_settings WHERE id = 1), 'all') <> 'own'
     OR NOT (pg_has_role(session_user, '{{counsellor}}', 'MEMBER')
             OR pg_has_role(session_user, '{{list_export}}', 'MEMBER')) THEN
    RETURN QUERY SELECT t.id FROM {table} t WHERE {matches}
     ORDER BY t.name_key, t.id LIMIT lim;
    RETURN;
  END IF;
  SELECT id INTO uid FROM users WHERE '{{login_prefix}}' || lower(username) = session_user;
  -- The matches first, then the rule for them alone (asked in one, the planner tested
  -- the rule first, for every row: 390 ms for the organisations of "Mül").
  RETURN QUERY WITH m AS MATERIALIZED (
    SELECT t.id, t.name_key{columns} FROM {table} t WHERE {matches})
  SELECT t.id FROM m t WHERE true{seen}
   ORDER BY t.name_key, t.id LIMIT lim;
END $$;
REVOKE ALL ON FUNCTION {name}(text[], integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION {name}(text[], integer) TO {{desk_q}};
"""
CLIENT_LOOKUP = _LOOKUP.format(
    name="wc_person_lookup",
    table="persons",
    columns="",
    matches="t.anonymised_at IS NULL AND t.name_key LIKE ALL (patterns)",
    seen=_SEEN_CLIENT.format(client="client_person_id", party="person_id", more="", hers=_HERS),
) + _LOOKUP.format(
    name="wc_organisation_lookup",
    table="organisations",
    columns=", t.is_partner",
    # every pattern in the name or in the short name (as services/people.py asks)
    matches="t.active AND NOT EXISTS (SELECT 1 FROM unnest(patterns) AS w(p)"
    " WHERE NOT (t.name_key LIKE w.p OR coalesce(t.short_name, '') ILIKE w.p))",
    seen=_SEEN_CLIENT.format(
        client="client_organisation_id",
        party="organisation_id",
        more=" OR t.is_partner",
        hers=_HERS,
    ),
)
