"""Alembic environment: runs on the connection the runner hands over, in batch mode on SQLite."""

from alembic import context

from welcome_center.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - the runner always passes one
    raise RuntimeError("run migrations through welcome_center.db.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
if connection.dialect.name == "postgresql":
    # A migration may build an index over every record: longer than a desk's statement timeout
    # (db/engine.py), which is lifted for this transaction only.
    connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
with context.begin_transaction():
    context.run_migrations()
