"""inbox.leased_by, outbox.leased_by: which server process holds a leased row

On PostgreSQL each server holds an advisory lock of its own for as long as it runs; a row
leased by a server whose lock is gone (it was killed) is taken up at once by another one,
instead of when its lease runs out a minute later, when a LINE reply token sent by the dead
server can no longer be tried again to learn whether its reply got through.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A table rebuilt on SQLite keeps AUTOINCREMENT only when it is asked again (migration 0006).
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    for table in ("inbox", "outbox"):
        with op.batch_alter_table(table, table_kwargs=KEEP_IDS) as batch:
            batch.add_column(sa.Column("leased_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in ("inbox", "outbox"):
        with op.batch_alter_table(table, table_kwargs=KEEP_IDS) as batch:
            batch.drop_column("leased_by")
