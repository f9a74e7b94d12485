"""SQLite: an id is never given twice (AUTOINCREMENT)

Without AUTOINCREMENT, SQLite gives a new row the highest id in use plus one: when the newest
request was deleted (the visitor's /delete, the retention purge), the next visitor got its
number, and a staff answer to the deleted request (an open console tab, its card in the staff
group) reached them. Each table with an integer id is rebuilt with AUTOINCREMENT, its counter
started past the highest id the database still holds or names anywhere.

PostgreSQL needs nothing: a sequence never goes back (an id taken by a rolled-back insert is
skipped, not given again).

Revision ID: 0006
Revises: 0005_staff_sessions
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005_staff_sessions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("visitors", "messages", "tickets", "ticket_events", "staff_accounts", "inbox", "outbox")

#: Columns that name another table's ids: a deleted ticket may still be named by a message
#: to send about it, and the counter must start past that number too.
REFERENCES = {
    "visitors": (("messages", "visitor_id"), ("tickets", "visitor_id")),
    "tickets": (("messages", "ticket_id"), ("ticket_events", "ticket_id"), ("outbox", "ticket_id")),
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in TABLES:
        # An empty batch with recreate="always": the table is copied into a new one created
        # with AUTOINCREMENT, indexes and constraints as they were.
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass
    for table in TABLES:
        highest = [
            bind.execute(sa.text(f"SELECT max({column}) FROM {source}")).scalar()  # noqa: S608
            for source, column in ((table, "id"), *REFERENCES.get(table, ()))
        ]
        start = max((int(value) for value in highest if value is not None), default=0)
        counted = bind.execute(
            sa.text("SELECT seq FROM sqlite_sequence WHERE name = :table"), {"table": table}
        ).scalar()
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :table"), {"table": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)"),
            {"table": table, "seq": max(start, int(counted or 0))},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        # Rebuilt from its reflection, which does not carry AUTOINCREMENT.
        with op.batch_alter_table(table, recreate="always"):
            pass
