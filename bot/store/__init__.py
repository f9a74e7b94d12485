"""Persistence: SQLAlchemy Core tables and the async Store (SQLite by default, PostgreSQL too)."""

from bot.store.staff import CLOSURE_FLAG, StaffAccount
from bot.store.store import Store
from bot.store.tickets import ACTIVE_STATUSES, Priority, Ticket, TicketEvent, TicketStatus
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
    "ChatMessage",
    "Message",
    "Priority",
    "Role",
    "StaffAccount",
    "Store",
    "Ticket",
    "TicketEvent",
    "TicketStatus",
    "UnansweredQuestion",
    "Visitor",
    "VisitorState",
]
