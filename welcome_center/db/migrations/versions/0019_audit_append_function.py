"""the audit chain's entries appended by one function call on PostgreSQL

Every logged transaction locks the chain's head row until its commit. The program used to
spend five round trips under that lock (lock the head, take ids, insert, move the head, then
commit), each waiting for the desk's process to be scheduled again; ten busy desks queued on
it (benchmarks/load.py: save p95 930 ms). ``audit_append`` does the lock, the ids, the hashes,
the inserts and the head's move in one call, so the lock is held for that call and the commit.
The entries' canonical content comes from the program (domain/audit_chain.py,
``entry_middle``); the function adds the id and the link exactly as ``chained_hash`` does, so
both make the same hashes, and the program's check verifies either. SQLite is unchanged.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Returns the number of entries written, or NULL without a head row (the program then makes
# the head from the log and chains as before). Invoker's rights: a desk's login may insert
# entries, move the head and take ids, as before; nobody may change an entry. Its own
# search_path: a login's (a manager's views come first in hers) never redirects its tables.
FUNCTION = """
CREATE OR REPLACE FUNCTION audit_append(format_json text, entries json) RETURNS integer
LANGUAGE plpgsql SET search_path = public, pg_temp AS $fn$
DECLARE
    head_id integer;
    prev text;
    h text;
    e record;
    new_id integer;
    first_id integer;
    n integer := 0;
BEGIN
    SELECT last_id, last_hash INTO head_id, prev FROM audit_chain_head WHERE id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    FOR e IN
        SELECT * FROM json_to_recordset(entries) AS x(
            at timestamptz, user_id integer, actor text, action text, entity text,
            entity_id integer, fields json, detail text, middle text)
    LOOP
        new_id := nextval(pg_get_serial_sequence('audit_log', 'id'));
        IF n = 0 THEN
            IF new_id <= head_id THEN  -- the sequence is behind (set back by hand, say)
                PERFORM setval(pg_get_serial_sequence('audit_log', 'id'), head_id);
                new_id := nextval(pg_get_serial_sequence('audit_log', 'id'));
            END IF;
            first_id := new_id;
        END IF;
        -- The hash first: RETURNING would need the row-level security's SELECT policy.
        h := encode(sha256(convert_to(
            '[' || format_json || ',' || new_id::text || ',' || e.middle || ','
                || to_json(prev)::text || ']',
            'UTF8')), 'hex');
        INSERT INTO audit_log
            (id, at, user_id, actor, action, entity, entity_id, fields, detail, prev_hash, hash)
        VALUES (
            new_id, e.at, e.user_id, e.actor, e.action, e.entity, e.entity_id,
            coalesce(e.fields, '[]'::json), coalesce(e.detail, ''), prev, h);
        prev := h;
        n := n + 1;
    END LOOP;
    IF n = 0 THEN
        RETURN 0;
    END IF;
    IF first_id <> head_id + 1 THEN  -- a retention gap waiting for the next entry moves to it
        UPDATE audit_chain_gaps SET entry_id = first_id WHERE entry_id = head_id + 1;
    END IF;
    UPDATE audit_chain_head SET last_id = new_id, last_hash = prev, count = count + n
        WHERE id = 1;
    RETURN n;
END
$fn$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP FUNCTION IF EXISTS audit_append(text, json)")
