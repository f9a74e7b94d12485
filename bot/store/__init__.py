"""Persistence: SQLAlchemy Core tables and the async Store (SQLite by default, PostgreSQL too)."""

from bot.store.calendar import Calendar
from bot.store.insights import Total
from bot.store.staff import CLOSURE_FLAG, StaffAccount
from bot.store.store import Store
from bot.store.tickets import (
    ACTIVE_STATUSES,
    LatestMessage,
    Note,
    Priority,
    Pulse,
    StaffAnswer,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from bot.store.visitors import (
    EMAIL_CHANNEL,
    ChatMessage,
    Message,
    Role,
    UnansweredQuestion,
    Visitor,
    VisitorState,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CLOSURE_FLAG",
    "EMAIL_CHANNEL",
    "Calendar",
    "ChatMessage",
    "LatestMessage",
    "Message",
    "Note",
    "Priority",
    "Pulse",
    "Role",
    "StaffAccount",
    "StaffAnswer",
    "Store",
    "Ticket",
    "TicketEvent",
    "TicketStatus",
    "Total",
    "UnansweredQuestion",
    "Visitor",
    "VisitorState",
]
