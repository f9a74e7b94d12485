"""Alembic environment: migrations run on a connection handed over by bot.store.migrate.

The server upgrades its own database at start-up (inside its event loop, through
``AsyncConnection.run_sync``), so there is no URL here and no offline mode.
"""

from alembic import context

from bot.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.store.migrate.upgrade(connection)")

# Batch mode lets later migrations alter tables on SQLite, which has no ALTER COLUMN.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
