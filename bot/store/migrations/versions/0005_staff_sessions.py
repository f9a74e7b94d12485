"""staff_accounts.session_epoch and disabled_at: staff sessions that end

A console session carries the account's epoch; signing out, a new password or disabling the
account moves the epoch on, so every session cookie issued before stops working at once (a
copied cookie no longer works until it expires). A disabled account cannot sign in.

Revision ID: 0005_staff_sessions
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_staff_sessions"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_accounts") as batch:
        batch.drop_column("disabled_at")
        batch.drop_column("session_epoch")
