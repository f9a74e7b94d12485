"""The web chat as the visitor's conversation: messages.card, tickets.notify_email, web_requests

messages.card holds how the web chat shows a bot message besides its text (buttons, an
emergency card, contacts), so that a conversation restored after a reload looks as it did.
tickets.notify_email is the address a web-chat visitor left to get the staff answer by e-mail
too. web_requests remembers the page's own id for each message a while, so that a message
sent again (the answer was lost on the way) is answered once.

Revision ID: 0010_webchat
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_webchat"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A table rebuilt on SQLite keeps AUTOINCREMENT only when it is asked again (migration 0006).
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("card", sa.Text(), nullable=True))
    with op.batch_alter_table("tickets", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("notify_email", sa.String(length=254), nullable=True))
    op.create_table(
        "web_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_requests"),
        sa.UniqueConstraint("session", "client_id", name="uq_web_requests_session_client"),
    )
    op.create_index("ix_web_requests_created", "web_requests", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_web_requests_created", table_name="web_requests")
    op.drop_table("web_requests")
    with op.batch_alter_table("tickets", table_kwargs=KEEP_IDS) as batch:
        batch.drop_column("notify_email")
    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.drop_column("card")
