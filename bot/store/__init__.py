"""Persistence: SQLAlchemy Core tables and the async Store (SQLite by default, PostgreSQL too)."""

from bot.store.store import Store, VisitorState

__all__ = ["Store", "VisitorState"]
