"""Storage: SQLAlchemy models, engine, unit of work, migrations, backup and full-text search."""
