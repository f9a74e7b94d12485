"""Table definitions (SQLAlchemy Core). Dialect-neutral: the same tables on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

visitors = sa.Table(
    "visitors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("display_name", sa.String(200)),
    #: The visitor's explicit language choice; NULL means "answer in the language they write".
    sa.Column("lang_choice", sa.String(8)),
    sa.Column("last_lang", sa.String(8)),
    #: JSON list of the choices offered last, so a bare "2" can pick the second option.
    sa.Column("last_options", sa.Text, nullable=False, server_default="[]"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("channel", "user_id", name="uq_visitor_channel_user"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "visitor_id", sa.Integer, sa.ForeignKey("visitors.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("direction", sa.String(3), nullable=False),  # "in" | "out"
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("decision", sa.String(16)),
    sa.Column("entry_id", sa.String(80)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_messages_visitor", "visitor_id", "created_at"),
)

#: Webhook events already accepted; redeliveries hit the unique key and are dropped.
processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("channel", sa.String(16), primary_key=True),
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)
