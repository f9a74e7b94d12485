"""staff_messages: every message the desk posted to the staff group, by ticket

Staff replies were matched to a ticket by the "#N" in the first line of the message replied
to; they are now matched only through the message ids recorded here, and a deleted ticket's
messages are found here to be edited.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("deleted", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_messages")),
        sa.UniqueConstraint("chat_id", "message_id", "ticket_id", name="uq_staff_messages_message"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_staff_messages_ticket", "staff_messages", ["ticket_id"])


def downgrade() -> None:
    op.drop_index("ix_staff_messages_ticket", table_name="staff_messages")
    op.drop_table("staff_messages")
