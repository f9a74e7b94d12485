"""Table definitions (SQLAlchemy Core). Dialect-neutral: the same tables on SQLite and PostgreSQL.

The schema is created and upgraded by Alembic (bot/store/migrations); these definitions are
what the code queries and what ``alembic revision --autogenerate`` compares against.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

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
    sqlite_autoincrement=True,
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "visitor_id", sa.Integer, sa.ForeignKey("visitors.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="SET NULL")),
    sa.Column("direction", sa.String(3), nullable=False),  # "in" | "out"
    #: Who wrote it: "visitor", "bot" or "staff" (never told by the author's name: a staff
    #: member may well be called "bot").
    sa.Column("role", sa.String(8), nullable=False),
    #: Who wrote an outbound message: "bot" or a staff member's name.
    sa.Column("author", sa.String(100)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("decision", sa.String(16)),
    sa.Column("entry_id", sa.String(80)),
    #: How the web chat shows a bot message besides its text (JSON: its buttons, whether it is
    #: an emergency card, its contacts), so that a restored conversation looks as it did.
    sa.Column("card", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    #: A question the bot could not answer that staff marked handled in the curators' report
    #: (and who did): it leaves the report. Deleted with the message.
    sa.Column("handled_at", sa.DateTime(timezone=True)),
    sa.Column("handled_by", sa.String(100)),
    sa.Index("ix_messages_visitor", "visitor_id", "created_at"),
    sa.Index("ix_messages_decision", "decision", "created_at"),
    #: A ticket's latest message (the console's list) and a ticket's messages (retention).
    sa.Index("ix_messages_ticket", "ticket_id", "id"),
    sqlite_autoincrement=True,
)

tickets = sa.Table(
    "tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "visitor_id", sa.Integer, sa.ForeignKey("visitors.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # open | claimed | answered | closed
    sa.Column("priority", sa.String(8), nullable=False),  # normal | urgent
    sa.Column("reason", sa.String(20), nullable=False),  # asked | fallback | emergency | support
    sa.Column("question", sa.Text, nullable=False),
    #: JSON list of [entry id, score]: the bot's best guesses, shown to staff.
    sa.Column("guesses", sa.Text, nullable=False, server_default="[]"),
    sa.Column("assignee", sa.String(100)),
    #: The Telegram staff-group message holding this ticket's card (edited on claim/close).
    sa.Column("card_message_id", sa.BigInteger),
    sa.Column("card_posted_at", sa.DateTime(timezone=True)),
    #: The last delivery failure to the visitor (blocked bot, 403 …), shown on the ticket.
    sa.Column("delivery_error", sa.Text),
    #: A web-chat visitor's e-mail address: staff answers to this ticket are also sent there.
    #: Deleted with the ticket (the visitor's /delete, retention).
    sa.Column("notify_email", sa.String(254)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    #: The last thing that happened on it: a message either way, a status change, a note, an
    #: assignment. The console's live pages look for changes by it. (Always set; nullable so
    #: that migration 0010 adds it without rebuilding the table on SQLite.)
    sa.Column("last_activity_at", sa.DateTime(timezone=True)),
    #: Since when the visitor has been waiting for a staff answer (opened, or wrote again);
    #: NULL once staff answered or closed it.
    sa.Column("waiting_since", sa.DateTime(timezone=True)),
    #: The visitor wrote after the ticket was opened and no staff answer came since: the
    #: console's "new reply" marker (an answered ticket is reopened by it).
    sa.Column("new_reply_at", sa.DateTime(timezone=True)),
    #: The first staff answer (the insights' time to first reply).
    sa.Column("first_reply_at", sa.DateTime(timezone=True)),
    #: Opened inside office hours (True), outside (False), or unknown (NULL: before 0010).
    sa.Column("opened_in_office", sa.Boolean),
    sa.Index("ix_tickets_status", "status", "created_at"),
    sa.Index("ix_tickets_visitor", "visitor_id", "status"),
    sqlite_autoincrement=True,
)

ticket_events = sa.Table(
    "ticket_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("actor", sa.String(100), nullable=False),  # "visitor", "bot" or a staff name
    sa.Column("action", sa.String(20), nullable=False),  # opened, claimed, replied, closed …
    sa.Column("detail", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_ticket_events_ticket", "ticket_id", "created_at"),
    sqlite_autoincrement=True,
)

#: Staff's internal notes on a ticket: never sent to the visitor or to any channel (they are
#: kept apart from ``messages``, which is what visitors are sent and shown). Deleted with the
#: ticket (a visitor's /delete, retention).
ticket_notes = sa.Table(
    "ticket_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "ticket_id", sa.Integer, sa.ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_ticket_notes_ticket", "ticket_id", "id"),
    sqlite_autoincrement=True,
)

#: Anonymous counts for the insights page: how many of what happened on a (local) day, by
#: channel, language, a detail (the decision, the topic, a ticket's reason or a duration's
#: bucket) and office hours ("in"/"out"). No visitor, ticket or text: the rows outlive every
#: deletion, so a year's figures stay true after visitors' records are gone. Rows are only
#: ever added (one per event: no two writers wait on one row), and the hourly purge folds a
#: past day's rows into one per key (bot/store/insights.py).
daily_totals = sa.Table(
    "daily_totals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("metric", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False, server_default=""),
    sa.Column("lang", sa.String(8), nullable=False, server_default=""),
    sa.Column("detail", sa.String(80), nullable=False, server_default=""),
    sa.Column("office", sa.String(3), nullable=False, server_default=""),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Index("ix_daily_totals_day", "day", "metric"),
    sqlite_autoincrement=True,
)

#: Every message the desk posted to the staff group about a ticket (its cards, the notes under
#: them, the lists naming it). A staff member's reply is matched to a ticket only through this
#: table; a deleted ticket's messages are edited to say so. Rows outlive their ticket (no
#: foreign key), so a reply to the card of a deleted ticket can be told why it went nowhere.
staff_messages = sa.Table(
    "staff_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("message_id", sa.BigInteger, nullable=False),
    sa.Column("ticket_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # card | note | list
    #: Set when the ticket was deleted: why ("visitor" or "retention").
    sa.Column("deleted", sa.String(10)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("chat_id", "message_id", "ticket_id", name="uq_staff_messages_message"),
    sa.Index("ix_staff_messages_ticket", "ticket_id"),
    sqlite_autoincrement=True,
)

staff_accounts = sa.Table(
    "staff_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    #: Carried by every console session; moved on to end them all (sign-out, new password).
    sa.Column("session_epoch", sa.Integer, nullable=False, server_default="0"),
    #: Set by ``python -m bot staff disable``: the account cannot sign in.
    sa.Column("disabled_at", sa.DateTime(timezone=True)),
    sqlite_autoincrement=True,
)

#: Small switches staff flip at run time (the typhoon-day closure).
flags = sa.Table(
    "flags",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

#: Webhook events already accepted; redeliveries hit the unique key and are dropped.
processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("channel", sa.String(16), primary_key=True),
    sa.Column("event_id", sa.String(128), primary_key=True),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

#: Accepted webhook events, committed before the webhook answers 200 and processed off the
#: request path; (channel, event_id) is unique, so a redelivered event is dropped at the door.
inbox = sa.Table(
    "inbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("event_id", sa.String(128), nullable=False),
    #: The neutral Inbound as JSON.
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # pending | done | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    #: A worker holds the row until then; a crashed worker's rows are taken up after it.
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    #: Which server process holds it (PostgreSQL; see bot/store/queue.py): a dead one's rows
    #: are taken up at once, without waiting for locked_until.
    sa.Column("leased_by", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("processed_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("channel", "event_id", name="uq_inbox_channel_event"),
    sa.Index("ix_inbox_pending", "status", "id"),
    sqlite_autoincrement=True,
)

#: Every message to a visitor, committed before it is sent; the sender retries until it is
#: delivered or fails for good. (source, seq) is unique so a re-run never queues a copy.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    #: What produced it: "inbox:<id>" or "staff:<ticket>:<message id>".
    sa.Column("source", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("ticket_id", sa.Integer),
    #: The replies as JSON; the channel renders them into platform messages.
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("reply_token", sa.String(256)),
    #: The reply token is used until then (about a minute after the webhook), then push.
    sa.Column("reply_by", sa.DateTime(timezone=True)),
    #: Also sent as X-Line-Retry-Key, so a retried LINE push is never shown twice.
    sa.Column("retry_key", sa.String(36), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),  # pending | sent | failed
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    #: Parts already delivered (a Telegram answer is several messages): a retry skips them.
    sa.Column("parts_sent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("locked_until", sa.DateTime(timezone=True)),
    sa.Column("leased_by", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("source", "seq", name="uq_outbox_source_seq"),
    sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    sqlite_autoincrement=True,
)

#: Web-chat messages by the page's own id for them (a resent message is answered from here,
#: not handled again); kept a day, and deleted with their visitor.
web_requests = sa.Table(
    "web_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    #: The web-chat session (the visitor's user_id on the web channel).
    sa.Column("session", sa.String(64), nullable=False),
    sa.Column("client_id", sa.String(64), nullable=False),
    #: The answer as JSON; NULL while the message is being handled.
    sa.Column("response", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session", "client_id", name="uq_web_requests_session_client"),
    sa.Index("ix_web_requests_created", "created_at"),
)
