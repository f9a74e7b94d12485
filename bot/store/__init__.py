"""Persistence: SQLAlchemy Core tables and the async Store (SQLite by default, PostgreSQL too)."""

from bot.store.store import (
    ACTIVE_STATUSES,
    CLOSURE_FLAG,
    Message,
    Priority,
    StaffAccount,
    Store,
    Ticket,
    TicketEvent,
    TicketStatus,
    UnansweredQuestion,
    Visitor,
    VisitorState,
)

__all__ = [
    "ACTIVE_STATUSES",
    "CLOSURE_FLAG",
    "Message",
    "Priority",
    "StaffAccount",
    "Store",
    "Ticket",
    "TicketEvent",
    "TicketStatus",
    "UnansweredQuestion",
    "Visitor",
    "VisitorState",
]
