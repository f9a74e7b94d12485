"""The Store: one object over the database, the same on every backend.

What the rest of the code asks of it lives in one file a concern, each readable on its own:

- visitors.py  visitors, their messages and conversation state, deleting a visitor
- tickets.py   tickets, their events and their staff-group card
- queue.py     the inbox and the outbox, and the leases that share them out
- staff.py     staff accounts and run-time flags
- retention.py the hourly purge
- insights.py  the insights' anonymous daily totals (calendar.py: their days and office hours)
- db.py        opening the database, units of work, the clock (shared by all of the above)

SQLite by default, PostgreSQL through ``DATABASE_URL``; one contract test suite runs against
both. The schema is brought up to date by Alembic when the store opens.
"""

from __future__ import annotations

from bot.store.db import open_database
from bot.store.insights import InsightsStore
from bot.store.queue import QueueStore
from bot.store.retention import RetentionStore
from bot.store.staff import StaffStore
from bot.store.tickets import TicketStore
from bot.store.visitors import VisitorStore


class Store(VisitorStore, TicketStore, QueueStore, StaffStore, RetentionStore, InsightsStore):
    @classmethod
    async def open(cls, url: str) -> Store:
        return cls(await open_database(url))
