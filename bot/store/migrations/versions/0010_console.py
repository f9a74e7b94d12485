"""The staff console as a helpdesk, and the insights' anonymous daily totals

- tickets: last_activity_at (the list's "last activity" and the live pages' change mark),
  waiting_since (the visitor waits for staff since then), new_reply_at (the visitor wrote
  again: an answered ticket is reopened), first_reply_at, opened_in_office;
- ticket_notes: staff's internal notes, never sent to anyone;
- messages: handled_at / handled_by (the curators' report), and an index by ticket;
- daily_totals: anonymous counts per day, kept whatever is deleted.

Only columns are added (SQLite rebuilds no table: a rebuilt tickets table would forget the
numbers given before, migration 0006). Existing tickets: their last activity is their last
change; open and claimed ones wait since
they were opened; the first reply is their first "replied" event.

Revision ID: 0010_console
Revises: 0010_webchat (both were written on 0009; chained here when main took the web chat)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_console"
down_revision: str | Sequence[str] | None = "0010_webchat"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A table rebuilt on SQLite keeps AUTOINCREMENT only when it is asked again (migration 0006).
KEEP_IDS = {"sqlite_autoincrement": True}
_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("tickets", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("last_activity_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("waiting_since", _WHEN, nullable=True))
        batch.add_column(sa.Column("new_reply_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("first_reply_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("opened_in_office", sa.Boolean(), nullable=True))
    op.execute("UPDATE tickets SET last_activity_at = updated_at")
    op.execute("UPDATE tickets SET waiting_since = created_at WHERE status IN ('open', 'claimed')")
    op.execute(
        "UPDATE tickets SET first_reply_at = (SELECT min(e.created_at) FROM ticket_events e"
        " WHERE e.ticket_id = tickets.id AND e.action = 'replied')"
    )

    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("handled_at", _WHEN, nullable=True))
        batch.add_column(sa.Column("handled_by", sa.String(length=100), nullable=True))
    op.create_index("ix_messages_ticket", "messages", ["ticket_id", "id"])

    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_notes_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_notes")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_ticket_notes_ticket", "ticket_notes", ["ticket_id", "id"])

    op.create_table(
        "daily_totals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), server_default="", nullable=False),
        sa.Column("lang", sa.String(length=8), server_default="", nullable=False),
        sa.Column("detail", sa.String(length=80), server_default="", nullable=False),
        sa.Column("office", sa.String(length=3), server_default="", nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_totals")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_daily_totals_day", "daily_totals", ["day", "metric"])


def downgrade() -> None:
    op.drop_index("ix_daily_totals_day", table_name="daily_totals")
    op.drop_table("daily_totals")
    op.drop_index("ix_ticket_notes_ticket", table_name="ticket_notes")
    op.drop_table("ticket_notes")
    op.drop_index("ix_messages_ticket", table_name="messages")
    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.drop_column("handled_by")
        batch.drop_column("handled_at")
    with op.batch_alter_table("tickets", table_kwargs=KEEP_IDS) as batch:
        for column in (
            "opened_in_office",
            "first_reply_at",
            "new_reply_at",
            "waiting_since",
            "last_activity_at",
        ):
            batch.drop_column(column)
