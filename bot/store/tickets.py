"""Tickets: a visitor's request to staff, its status, its history (events), and the desk's
messages about it in the Telegram staff group (its cards, the notes under them).

A ticket's number is its id, shown to the visitor and to staff; it is never given again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from bot.store import db
from bot.store.queue import STAFF_GROUP, OutboxRow, PostKind, StaffPost, queue
from bot.store.tables import outbox, staff_messages, ticket_events, tickets, visitors


class TicketStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"


ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.ANSWERED)


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


@dataclass(frozen=True)
class Ticket:
    number: int
    visitor_id: int
    channel: str
    user_id: str
    display_name: str | None
    lang: str
    status: TicketStatus
    priority: Priority
    reason: str
    question: str
    guesses: tuple[tuple[str, float], ...]
    assignee: str | None
    card_message_id: int | None
    card_posted_at: dt.datetime | None
    delivery_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True)
class TicketEvent:
    actor: str
    action: str
    detail: str | None
    created_at: dt.datetime


def _ticket(row: Any) -> Ticket:
    created = db.aware(row.created_at)
    updated = db.aware(row.updated_at)
    assert created is not None
    assert updated is not None
    return Ticket(
        number=row.id,
        visitor_id=row.visitor_id,
        channel=row.channel,
        user_id=row.user_id,
        display_name=row.display_name,
        lang=row.lang,
        status=TicketStatus(row.status),
        priority=Priority(row.priority),
        reason=row.reason,
        question=row.question,
        guesses=tuple((str(g[0]), float(g[1])) for g in json.loads(row.guesses)),
        assignee=row.assignee,
        card_message_id=row.card_message_id,
        card_posted_at=db.aware(row.card_posted_at),
        delivery_error=row.delivery_error,
        created_at=created,
        updated_at=updated,
    )


def _ticket_query() -> sa.Select[Any]:
    return sa.select(tickets, visitors.c.user_id, visitors.c.display_name).join(
        visitors, visitors.c.id == tickets.c.visitor_id
    )


ACTIVE = [status.value for status in ACTIVE_STATUSES]
# Built once: it is asked for every event of a visitor with a ticket (see db.insert_or_skip).
_ACTIVE_TICKET = (
    _ticket_query()
    .where(tickets.c.visitor_id == sa.bindparam("visitor_key"), tickets.c.status.in_(ACTIVE))
    .order_by(tickets.c.id.desc())
    .limit(1)
)


@dataclass(frozen=True)
class StaffMessage:
    """One of the desk's messages in the staff group, and the ticket it is about."""

    ticket: int
    kind: str  #: card | note | list
    #: Why its ticket was deleted ("visitor", "retention"), if it was.
    deleted: str | None


async def add_event(
    conn: db.DatabaseConnection, number: int, actor: str, action: str, detail: str | None
) -> None:
    # Only while the ticket exists: a delivery failure or an escalation arriving after the
    # visitor deleted their data records nothing (PostgreSQL's foreign key would refuse the
    # row; SQLite, which enforces none, would keep an orphan).
    await conn.execute(
        ticket_events.insert().from_select(
            ["ticket_id", "actor", "action", "detail", "created_at"],
            sa.select(
                tickets.c.id,
                sa.literal(actor, ticket_events.c.actor.type),
                sa.literal(action, ticket_events.c.action.type),
                sa.literal(detail, ticket_events.c.detail.type),
                sa.literal(db.utcnow(), ticket_events.c.created_at.type),
            ).where(tickets.c.id == number),
        )
    )


class TicketStore(db.StoreBase):
    async def open_ticket(
        self,
        visitor_id: int,
        *,
        channel: str,
        lang: str,
        priority: Priority,
        reason: str,
        question: str,
        guesses: Sequence[tuple[str, float]] = (),
    ) -> Ticket:
        now = db.utcnow()
        async with self._write() as conn:
            result = await conn.execute(
                tickets.insert().values(
                    visitor_id=visitor_id,
                    channel=channel,
                    lang=lang,
                    status=TicketStatus.OPEN.value,
                    priority=priority.value,
                    reason=reason,
                    question=question,
                    guesses=json.dumps([[g, round(s, 4)] for g, s in guesses]),
                    created_at=now,
                    updated_at=now,
                )
            )
            pk = result.inserted_primary_key
            assert pk is not None
            number = int(pk[0])
            await add_event(conn, number, "visitor", "opened", reason)
        ticket = await self.ticket(number)
        assert ticket is not None
        return ticket

    async def ticket(self, number: int) -> Ticket | None:
        async with self._read() as conn:
            row = (await conn.execute(_ticket_query().where(tickets.c.id == number))).first()
        return _ticket(row) if row is not None else None

    async def active_ticket(self, visitor_id: int) -> Ticket | None:
        async with self._read() as conn:
            row = (await conn.execute(_ACTIVE_TICKET, {"visitor_key": visitor_id})).first()
        return _ticket(row) if row is not None else None

    async def ticket_by_card(self, card_message_id: int) -> Ticket | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    _ticket_query().where(tickets.c.card_message_id == card_message_id)
                )
            ).first()
        return _ticket(row) if row is not None else None

    async def tickets(
        self,
        *,
        statuses: Sequence[str] = (),
        channel: str | None = None,
        lang: str | None = None,
        priority: str | None = None,
        limit: int = 200,
    ) -> list[Ticket]:
        query = _ticket_query()
        if statuses:
            query = query.where(tickets.c.status.in_(list(statuses)))
        if channel:
            query = query.where(tickets.c.channel == channel)
        if lang:
            query = query.where(tickets.c.lang == lang)
        if priority:
            query = query.where(tickets.c.priority == priority)
        query = query.order_by(
            sa.case((tickets.c.priority == Priority.URGENT.value, 0), else_=1),
            tickets.c.id.desc(),
        ).limit(limit)
        async with self._read() as conn:
            return [_ticket(row) for row in await conn.execute(query)]

    async def set_status(
        self, number: int, status: TicketStatus, actor: str, detail: str | None = None
    ) -> Ticket | None:
        values: dict[str, object] = {"status": status.value, "updated_at": db.utcnow()}
        if status is TicketStatus.CLAIMED:
            values["assignee"] = actor
        async with self._write() as conn:
            result = await conn.execute(
                tickets.update().where(tickets.c.id == number).values(**values)
            )
            if result.rowcount == 0:
                return None
            action = {
                TicketStatus.CLAIMED: "claimed",
                TicketStatus.ANSWERED: "replied",
                TicketStatus.CLOSED: "closed",
                TicketStatus.OPEN: "reopened",
            }[status]
            await add_event(conn, number, actor, action, detail)
        return await self.ticket(number)

    async def add_event(self, number: int, actor: str, action: str, detail: str | None) -> None:
        async with self._write() as conn:
            await add_event(conn, number, actor, action, detail)

    async def events(self, number: int) -> list[TicketEvent]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(ticket_events)
                .where(ticket_events.c.ticket_id == number)
                .order_by(ticket_events.c.id)
            )
            return [
                TicketEvent(r.actor, r.action, r.detail, db.aware(r.created_at) or db.utcnow())
                for r in rows
            ]

    async def escalate(self, number: int, actor: str, detail: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                tickets.update()
                .where(tickets.c.id == number)
                .values(priority=Priority.URGENT.value, updated_at=db.utcnow())
            )
            await add_event(conn, number, actor, "escalated", detail)

    async def set_card(self, number: int, card_message_id: int) -> None:
        async with self._write() as conn:
            await conn.execute(
                tickets.update()
                .where(tickets.c.id == number)
                .values(card_message_id=card_message_id, card_posted_at=db.utcnow())
            )

    async def record_delivery_error(self, number: int, error: str | None) -> None:
        async with self._write() as conn:
            await conn.execute(
                tickets.update().where(tickets.c.id == number).values(delivery_error=error)
            )
            if error:
                await add_event(conn, number, "bot", "delivery_failed", error)

    async def unclaimed_since(self, cutoff: dt.datetime) -> list[Ticket]:
        """Open tickets whose card was last posted before ``cutoff`` (to post them again)."""
        cutoff = db.as_utc(cutoff)
        async with self._read() as conn:
            rows = await conn.execute(
                _ticket_query()
                .where(
                    tickets.c.status == TicketStatus.OPEN.value,
                    sa.or_(tickets.c.card_posted_at.is_(None), tickets.c.card_posted_at < cutoff),
                )
                .order_by(tickets.c.id)
            )
            return [_ticket(row) for row in rows]

    # -- a web-chat visitor's e-mail address ---------------------------------------------------

    async def set_notify_email(self, visitor_id: int, address: str | None) -> int | None:
        """Put ``address`` (None: remove it) on the visitor's active ticket, so that staff
        answers to it are also e-mailed; the ticket's number, or None without one."""
        async with self._write() as conn:
            number = (await conn.execute(_ACTIVE_TICKET, {"visitor_key": visitor_id})).first()
            if number is None:
                return None
            await conn.execute(
                tickets.update().where(tickets.c.id == number.id).values(notify_email=address)
            )
        return int(number.id)

    async def notify_email(self, number: int) -> str | None:
        """The e-mail address on ticket ``number``, if the visitor left one."""
        async with self._read() as conn:
            value = (
                await conn.execute(sa.select(tickets.c.notify_email).where(tickets.c.id == number))
            ).scalar_one_or_none()
        return str(value) if value else None

    # -- the staff group's messages ----------------------------------------------------------

    async def record_staff_message(
        self, chat_id: int, message_id: int, kind: str, numbers: Sequence[int]
    ) -> None:
        """Remember that the desk's message ``message_id`` is about tickets ``numbers``: a card
        or a note (one ticket), or a list. Staff replies are matched to tickets only this way.

        A ticket deleted while its message was on its way is forgotten at once: the message
        is queued to be edited like the others of a deleted ticket.
        """
        now = db.utcnow()
        async with self._write() as conn:
            await conn.execute(
                db.insert_or_skip(conn, staff_messages),
                [
                    {
                        "chat_id": chat_id,
                        "message_id": message_id,
                        "ticket_id": number,
                        "kind": kind,
                        "created_at": now,
                    }
                    for number in numbers
                ],
            )
            gone = sa.select(tickets.c.id).where(tickets.c.id.in_(list(numbers)))
            missing = set(numbers) - {int(row.id) for row in await conn.execute(gone)}
            if missing:
                await forget_tickets(conn, sorted(missing), reason=None)

    async def staff_message(self, chat_id: int, message_id: int) -> StaffMessage | None:
        """What the desk's message ``message_id`` in the staff group is about (a list names
        several tickets: the first is given, with kind "list")."""
        async with self._read() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        staff_messages.c.ticket_id, staff_messages.c.kind, staff_messages.c.deleted
                    )
                    .where(
                        staff_messages.c.chat_id == chat_id,
                        staff_messages.c.message_id == message_id,
                    )
                    .order_by(staff_messages.c.id)
                    .limit(1)
                )
            ).first()
        return StaffMessage(int(row.ticket_id), row.kind, row.deleted) if row else None


async def forget_tickets(
    conn: db.DatabaseConnection, numbers: Sequence[int] | sa.Select[Any], reason: str | None
) -> None:
    """Before tickets are deleted: every message the desk posted about them in the staff group
    is queued to be edited to say they were deleted (a bot may edit its messages for ever but
    delete them only for 48 hours), and what was still to be posted about them (a card, a
    note holding the visitor's words) is dropped. The record of which message was about which
    ticket stays, marked with ``reason``, so that a staff reply to one is told why it went
    nowhere.
    """
    ids = numbers if isinstance(numbers, sa.Select) else list(numbers)
    now = db.utcnow()
    shown = await conn.execute(
        sa.select(staff_messages).where(
            staff_messages.c.ticket_id.in_(ids), staff_messages.c.deleted.is_(None)
        )
    )
    for row in shown:
        post = StaffPost(
            PostKind.REDACT,
            int(row.ticket_id),
            message_id=int(row.message_id),
            shown=row.kind,
            reason=reason,
        )
        await queue(
            conn,
            OutboxRow(
                f"redact:{row.id}",
                0,
                STAFF_GROUP,
                str(row.chat_id),
                post.encode(),
                ticket_id=int(row.ticket_id),
            ),
            now,
        )
    # A card posted before the desk recorded its messages (migration 0008) is known only as
    # its ticket's current card, in the staff group of the day (an empty chat id).
    unrecorded = await conn.execute(
        sa.select(tickets.c.id, tickets.c.card_message_id).where(
            tickets.c.id.in_(ids),
            tickets.c.card_message_id.is_not(None),
            ~sa.exists().where(
                staff_messages.c.ticket_id == tickets.c.id,
                staff_messages.c.message_id == tickets.c.card_message_id,
            ),
        )
    )
    for row in unrecorded:
        post = StaffPost(
            PostKind.REDACT,
            int(row.id),
            message_id=int(row.card_message_id),
            shown="card",
            reason=reason,
        )
        await queue(
            conn,
            OutboxRow(f"redact-card:{row.id}", 0, STAFF_GROUP, "", post.encode(), ticket_id=row.id),
            now,
        )
    await conn.execute(
        staff_messages.update()
        .where(staff_messages.c.ticket_id.in_(ids), staff_messages.c.deleted.is_(None))
        .values(deleted=reason or "deleted")
    )
    await conn.execute(
        outbox.delete().where(
            outbox.c.channel == STAFF_GROUP,
            outbox.c.ticket_id.in_(ids),
            outbox.c.source.not_like("redact%"),
        )
    )
