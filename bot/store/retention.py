"""Retention: what is kept no longer than ``RETENTION_DAYS`` (the hourly purge). The insights'
anonymous daily totals are kept: the purge only folds past days' rows together."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.store import db, insights
from bot.store.tables import (
    inbox,
    messages,
    outbox,
    processed_events,
    staff_messages,
    ticket_events,
    ticket_notes,
    tickets,
    visitors,
)
from bot.store.tickets import ACTIVE, TicketStatus, forget_tickets
from bot.store.visitors import EMAIL_CHANNEL, delete_visitors


class RetentionStore(db.StoreBase):
    async def purge_before(self, cutoff: dt.datetime) -> int:
        """Delete visitors silent since ``cutoff`` with all they left; old event ids too, and
        inbox and outbox rows finished before it (they hold what visitors wrote and were sent).
        A visitor who still writes keeps nothing older than ``cutoff`` either: their closed
        tickets that last changed before it and their messages written before it go (an
        active ticket keeps its messages).

        Returns how many visitors were removed. A visitor with an active ticket is kept.
        """
        cutoff = db.as_utc(cutoff)
        async with self._write() as conn:
            active = sa.select(tickets.c.visitor_id).where(tickets.c.status.in_(ACTIVE))
            stale = [
                int(row.id)
                for row in await conn.execute(
                    sa.select(visitors.c.id).where(
                        visitors.c.updated_at < cutoff, visitors.c.id.not_in(active)
                    )
                )
            ]
            if stale:
                await delete_visitors(conn, stale, reason="retention")
            old_tickets = sa.select(tickets.c.id).where(
                tickets.c.status == TicketStatus.CLOSED.value, tickets.c.updated_at < cutoff
            )
            await forget_tickets(conn, old_tickets, "retention")
            # E-mails of their staff answers not sent yet: the address goes with the ticket.
            await conn.execute(
                outbox.delete().where(
                    outbox.c.channel == EMAIL_CHANNEL, outbox.c.ticket_id.in_(old_tickets)
                )
            )
            active_tickets = sa.select(tickets.c.id).where(tickets.c.status.in_(ACTIVE))
            await conn.execute(
                ticket_events.delete().where(ticket_events.c.ticket_id.in_(old_tickets))
            )
            await conn.execute(
                ticket_notes.delete().where(ticket_notes.c.ticket_id.in_(old_tickets))
            )
            words = await conn.execute(
                messages.delete().where(
                    sa.or_(
                        messages.c.ticket_id.in_(old_tickets),
                        sa.and_(
                            messages.c.created_at < cutoff,
                            sa.or_(
                                messages.c.ticket_id.is_(None),
                                messages.c.ticket_id.not_in(active_tickets),
                            ),
                        ),
                    )
                )
            )
            gone = await conn.execute(tickets.delete().where(tickets.c.id.in_(old_tickets)))
            await conn.execute(
                processed_events.delete().where(processed_events.c.received_at < cutoff)
            )
            # Finished deliveries are history; pending ones are kept whatever their age.
            events = await conn.execute(
                inbox.delete().where(inbox.c.status != "pending", inbox.c.created_at < cutoff)
            )
            sent = await conn.execute(
                outbox.delete().where(outbox.c.status != "pending", outbox.c.created_at < cutoff)
            )
            # Which staff-group message was about which deleted ticket is kept as long as
            # the rest, so that a late reply to one is told why it went nowhere.
            await conn.execute(
                staff_messages.delete().where(
                    staff_messages.c.deleted.is_not(None), staff_messages.c.created_at < cutoff
                )
            )
            if stale or any(r.rowcount for r in (words, gone, events, sent)):
                self._deleted_something()
            # Not a deletion: the insights' counts of days gone by, one row per key. (They
            # are anonymous and kept for ever.)
            await insights.compact(conn, self.calendar.day(db.utcnow()))
        return len(stale)
