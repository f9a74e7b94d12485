"""messages.role: who wrote a message ("visitor", "bot" or "staff")

Staff answers were told from the bot's by the author's name, so the answers of a staff member
named "bot" never reached a web-chat visitor. Existing rows: inbound messages are the
visitor's; outbound ones are staff answers where the relay logged them as such (decision
"staff"), the bot's otherwise.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: A table rebuilt on SQLite keeps AUTOINCREMENT only when it is asked again (migration 0006).
KEEP_IDS = {"sqlite_autoincrement": True}


def upgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.add_column(sa.Column("role", sa.String(length=8), nullable=True))
    op.execute(
        "UPDATE messages SET role = CASE WHEN direction = 'in' THEN 'visitor'"
        " WHEN decision = 'staff' THEN 'staff' ELSE 'bot' END"
    )
    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.alter_column("role", existing_type=sa.String(length=8), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("messages", table_kwargs=KEEP_IDS) as batch:
        batch.drop_column("role")
