"""Tickets: a visitor's request to staff, its status, its history (events), staff's internal
notes on it, and the desk's messages about it in the Telegram staff group (its cards, the notes
under them).

A ticket's number is its id, shown to the visitor and to staff; it is never given again.

What needs a staff member's attention is kept on the ticket as it happens: since when the
visitor has been waiting for an answer (``waiting_since``), whether they wrote again after an
answer (``new_reply_at``: the ticket is reopened), and its last activity. Each event is also
counted in the insights' anonymous daily totals (bot/store/insights.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from bot.store import db, insights
from bot.store.calendar import Calendar
from bot.store.queue import STAFF_GROUP, OutboxRow, PostKind, StaffPost, queue
from bot.store.tables import (
    messages,
    outbox,
    staff_messages,
    ticket_events,
    ticket_notes,
    tickets,
    visitors,
)


class TicketStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"


ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.ANSWERED)


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


#: The decision the desk files a visitor's message under when it goes to their open ticket
#: (bot/desk.py, ``_follow_up``): such a message reopens an answered ticket.
FOLLOW_UP_DECISION = "relayed"
#: How the console may order the list: what needs attention first, or the newest first.
SORTS = ("attention", "newest")
MAX_SEARCH = 200
_NUMBER = re.compile(r"#?\s*(\d{1,9})")


@dataclass(frozen=True)
class LatestMessage:
    """A ticket's latest message from the visitor or staff (the bot's acknowledgements are
    not news), as the list shows it."""

    role: str
    author: str | None
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class StaffAnswer:
    """A staff member's message to a visitor on a ticket, as the visitor was sent it."""

    ticket: int
    lang: str
    text: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Pulse:
    """What the console's live pages compare: ``version`` changes whenever a ticket is opened,
    changes or goes; ``waiting`` is how many active tickets wait for a staff answer."""

    version: str
    waiting: int


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
    last_activity_at: dt.datetime | None = None
    #: Since when the visitor has been waiting for a staff answer (None: not waiting).
    waiting_since: dt.datetime | None = None
    #: When the visitor wrote again after a staff answer, if no answer came since.
    new_reply_at: dt.datetime | None = None
    first_reply_at: dt.datetime | None = None
    #: Filled by :meth:`TicketStore.tickets` (the list) only: a view of its messages, not
    #: part of the ticket's state (two reads of one ticket are equal with or without it).
    latest: LatestMessage | None = dataclasses.field(default=None, compare=False)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def waiting(self) -> bool:
        return self.active and self.waiting_since is not None


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
        last_activity_at=db.aware(row.last_activity_at) or updated,
        waiting_since=db.aware(row.waiting_since),
        new_reply_at=db.aware(row.new_reply_at),
        first_reply_at=db.aware(row.first_reply_at),
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


async def visitor_wrote(
    conn: db.DatabaseConnection, calendar: Calendar, number: int, at: dt.datetime
) -> None:
    """The visitor wrote on their ticket again: it waits for staff, and an answered one is
    reopened with a "new reply" marker (claimed again by its assignee, else open)."""
    row = (
        await conn.execute(
            sa.select(
                tickets.c.status,
                tickets.c.assignee,
                tickets.c.channel,
                tickets.c.lang,
                tickets.c.question,
            )
            .where(tickets.c.id == number)
            .with_for_update()
        )
    ).first()
    if row is None or row.status == TicketStatus.CLOSED.value:
        return
    values: dict[str, Any] = {
        "waiting_since": sa.func.coalesce(tickets.c.waiting_since, at),
        "last_activity_at": at,
    }
    reopened = row.status == TicketStatus.ANSWERED.value
    if reopened:
        status = TicketStatus.CLAIMED if row.assignee else TicketStatus.OPEN
        values.update(status=status.value, new_reply_at=at, waiting_since=at, updated_at=at)
    await conn.execute(tickets.update().where(tickets.c.id == number).values(**values))
    if reopened:
        await add_event(conn, number, "visitor", "reopened", "a new message from the visitor")
        await insights.count(
            conn,
            calendar,
            at,
            insights.REOPENED,
            channel=row.channel,
            lang=insights.written_lang(row.question or "", row.lang),
        )


async def _touch(conn: db.DatabaseConnection, number: int, at: dt.datetime) -> None:
    await conn.execute(tickets.update().where(tickets.c.id == number).values(last_activity_at=at))


def _search(query: str) -> sa.ColumnElement[bool]:
    """A number ("12", "#12") finds that ticket; any other text the tickets whose question,
    visitor (name, or their id whole), messages or notes hold it (any case; % and _ are plain
    characters)."""
    text = query.strip()[:MAX_SEARCH]
    number = _NUMBER.fullmatch(text)
    if number is not None:
        return tickets.c.id == int(number[1])
    return sa.or_(
        tickets.c.question.icontains(text, autoescape=True),
        visitors.c.display_name.icontains(text, autoescape=True),
        visitors.c.user_id == text,
        sa.exists().where(
            messages.c.ticket_id == tickets.c.id,
            messages.c.text.icontains(text, autoescape=True),
        ),
        sa.exists().where(
            ticket_notes.c.ticket_id == tickets.c.id,
            ticket_notes.c.text.icontains(text, autoescape=True),
        ),
    )


def _attention() -> list[sa.ColumnElement[Any]]:
    """Active before closed; then urgent, then a visitor's new reply, then whoever has been
    waiting longest; tickets nobody waits on last, the latest activity first."""
    waiting = tickets.c.waiting_since.is_not(None)
    return [
        sa.case((tickets.c.status == TicketStatus.CLOSED.value, 1), else_=0),
        sa.case((tickets.c.priority == Priority.URGENT.value, 0), else_=1),
        sa.case((tickets.c.new_reply_at.is_not(None), 0), else_=1),
        sa.case((waiting, 0), else_=1),
        sa.case((waiting, tickets.c.waiting_since), else_=None).asc(),
        tickets.c.last_activity_at.desc(),
        tickets.c.id.desc(),
    ]


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
            office = await insights.office_at(conn, self.calendar, now)
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
                    last_activity_at=now,
                    waiting_since=now,
                    opened_in_office=office == "in" if office else None,
                )
            )
            pk = result.inserted_primary_key
            assert pk is not None
            number = int(pk[0])
            await add_event(conn, number, "visitor", "opened", reason)
            await insights.count(
                conn,
                self.calendar,
                now,
                insights.OPENED,
                channel=channel,
                lang=insights.written_lang(question, lang),
                detail=reason,
                office=office,
            )
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
        assignee: str | None = None,
        unassigned: bool = False,
        search: str = "",
        sort: str = "newest",
        limit: int = 200,
    ) -> list[Ticket]:
        """Tickets, each with its latest message. ``sort``: "newest" (urgent first, then
        newest first) or "attention" (see :func:`_attention`)."""
        query = _ticket_query()
        if statuses:
            query = query.where(tickets.c.status.in_(list(statuses)))
        if channel:
            query = query.where(tickets.c.channel == channel)
        if lang:
            query = query.where(tickets.c.lang == lang)
        if priority:
            query = query.where(tickets.c.priority == priority)
        if assignee:
            query = query.where(tickets.c.assignee == assignee)
        if unassigned:
            query = query.where(tickets.c.assignee.is_(None))
        if search.strip():
            query = query.where(_search(search))
        if sort == "attention":
            query = query.order_by(*_attention())
        else:
            query = query.order_by(
                sa.case((tickets.c.priority == Priority.URGENT.value, 0), else_=1),
                tickets.c.id.desc(),
            )
        async with self._read() as conn:
            found = [_ticket(row) for row in await conn.execute(query.limit(limit))]
            latest = await self._latest(conn, [t.number for t in found])
        return [
            dataclasses.replace(t, latest=latest[t.number]) if t.number in latest else t
            for t in found
        ]

    @staticmethod
    async def _latest(
        conn: db.DatabaseConnection, numbers: Sequence[int]
    ) -> dict[int, LatestMessage]:
        if not numbers:
            return {}
        newest = (
            sa.select(sa.func.max(messages.c.id))
            .where(messages.c.ticket_id.in_(list(numbers)), messages.c.role != "bot")
            .group_by(messages.c.ticket_id)
        )
        rows = await conn.execute(
            sa.select(
                messages.c.ticket_id,
                messages.c.role,
                messages.c.author,
                sa.func.substr(messages.c.text, 1, 300).label("text"),
                messages.c.created_at,
            ).where(messages.c.id.in_(newest))
        )
        return {
            int(row.ticket_id): LatestMessage(
                row.role, row.author, row.text, db.aware(row.created_at) or db.utcnow()
            )
            for row in rows
        }

    async def visitor_tickets(self, visitor_id: int) -> list[Ticket]:
        """Every ticket of the visitor, newest first."""
        async with self._read() as conn:
            rows = await conn.execute(
                _ticket_query()
                .where(tickets.c.visitor_id == visitor_id)
                .order_by(tickets.c.id.desc())
            )
            return [_ticket(row) for row in rows]

    async def pulse(self) -> Pulse:
        waiting = sa.and_(tickets.c.status.in_(ACTIVE), tickets.c.waiting_since.is_not(None))
        async with self._read() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        sa.func.count(),
                        sa.func.max(tickets.c.id),
                        sa.func.max(tickets.c.last_activity_at),
                        sa.func.coalesce(sa.func.sum(sa.case((waiting, 1), else_=0)), 0),
                    )
                )
            ).one()
        latest = db.aware(row[2])
        stamp = f"{latest.timestamp():.6f}" if latest is not None else "-"
        return Pulse(f"{row[0]}.{row[1] or 0}.{stamp}", int(row[3]))

    async def set_status(
        self, number: int, status: TicketStatus, actor: str, detail: str | None = None
    ) -> Ticket | None:
        now = db.utcnow()
        values: dict[str, object] = {
            "status": status.value,
            "updated_at": now,
            "last_activity_at": now,
        }
        if status is TicketStatus.CLAIMED:
            values["assignee"] = actor
        elif status is TicketStatus.ANSWERED:
            # Answered: nobody waits any more, and what the visitor wrote last is seen to.
            values.update(
                waiting_since=None,
                new_reply_at=None,
                first_reply_at=sa.func.coalesce(tickets.c.first_reply_at, now),
            )
        elif status is TicketStatus.CLOSED:
            values.update(waiting_since=None, new_reply_at=None)
        elif status is TicketStatus.OPEN:
            values["waiting_since"] = sa.func.coalesce(tickets.c.waiting_since, now)
        async with self._write() as conn:
            before = (
                await conn.execute(
                    sa.select(
                        tickets.c.status,
                        tickets.c.channel,
                        tickets.c.lang,
                        tickets.c.question,
                        tickets.c.created_at,
                        tickets.c.first_reply_at,
                        tickets.c.opened_in_office,
                    )
                    .where(tickets.c.id == number)
                    # Two answers at once: one of them is the first.
                    .with_for_update()
                )
            ).first()
            result = await conn.execute(
                tickets.update().where(tickets.c.id == number).values(**values)
            )
            if result.rowcount == 0 or before is None:
                return None
            await self._count_status(conn, before, status, now)
            action = {
                TicketStatus.CLAIMED: "claimed",
                TicketStatus.ANSWERED: "replied",
                TicketStatus.CLOSED: "closed",
                TicketStatus.OPEN: "reopened",
            }[status]
            await add_event(conn, number, actor, action, detail)
        return await self.ticket(number)

    async def _count_status(
        self, conn: db.DatabaseConnection, before: Any, status: TicketStatus, now: dt.datetime
    ) -> None:
        """The insights' count of a first staff answer or of a closing (how long after the
        ticket was opened, and whether it was opened in office hours)."""
        first_reply = status is TicketStatus.ANSWERED and before.first_reply_at is None
        closing = status is TicketStatus.CLOSED and before.status != TicketStatus.CLOSED.value
        if not (first_reply or closing):
            return
        opened = db.aware(before.created_at) or now
        office = {True: "in", False: "out"}.get(before.opened_in_office, "")
        await insights.count(
            conn,
            self.calendar,
            now,
            insights.FIRST_REPLY if first_reply else insights.CLOSED,
            channel=before.channel,
            lang=insights.written_lang(before.question or "", before.lang),
            detail=insights.duration_bucket((now - opened).total_seconds()),
            office=office,
        )

    async def add_event(self, number: int, actor: str, action: str, detail: str | None) -> None:
        async with self._write() as conn:
            await add_event(conn, number, actor, action, detail)

    async def assign(self, number: int, actor: str, assignee: str | None) -> Ticket | None:
        """Give the ticket to ``assignee`` (None: to nobody). An open ticket given to someone
        is claimed; a claimed one given to nobody is open again. None if there is no such
        active ticket."""
        now = db.utcnow()
        async with self._write() as conn:
            row = (
                await conn.execute(sa.select(tickets.c.status).where(tickets.c.id == number))
            ).first()
            if row is None or row.status == TicketStatus.CLOSED.value:
                return None
            values: dict[str, object] = {
                "assignee": assignee,
                "updated_at": now,
                "last_activity_at": now,
            }
            if assignee and row.status == TicketStatus.OPEN.value:
                values["status"] = TicketStatus.CLAIMED.value
            elif not assignee and row.status == TicketStatus.CLAIMED.value:
                values["status"] = TicketStatus.OPEN.value
            await conn.execute(tickets.update().where(tickets.c.id == number).values(**values))
            await add_event(conn, number, actor, "assigned" if assignee else "unassigned", assignee)
        return await self.ticket(number)

    async def staff_answers(
        self, asked: Sequence[tuple[int, dt.datetime]], within: dt.timedelta = dt.timedelta(days=1)
    ) -> list[StaffAnswer]:
        """Staff answers on the tickets that visitors opened soon after asking: ``asked`` holds
        (visitor id, when they asked); a ticket opened within ``within`` after is taken as
        about that question (the bot had no answer; the visitor tapped "Ask staff").
        Earliest first."""
        if not asked:
            return []
        visitor_ids = sorted({visitor for visitor, _ in asked})
        async with self._read() as conn:
            opened = await conn.execute(
                sa.select(tickets.c.id, tickets.c.visitor_id, tickets.c.created_at).where(
                    tickets.c.visitor_id.in_(visitor_ids)
                )
            )
            numbers = {
                int(row.id)
                for row in opened
                for visitor, at in asked
                if row.visitor_id == visitor
                and at <= (db.aware(row.created_at) or at) <= at + within
            }
            if not numbers:
                return []
            rows = await conn.execute(
                sa.select(
                    messages.c.ticket_id, messages.c.text, messages.c.created_at, tickets.c.lang
                )
                .join(tickets, tickets.c.id == messages.c.ticket_id)
                .where(messages.c.ticket_id.in_(sorted(numbers)), messages.c.role == "staff")
                .order_by(messages.c.id)
            )
            return [
                StaffAnswer(
                    int(row.ticket_id), row.lang, row.text, db.aware(row.created_at) or db.utcnow()
                )
                for row in rows
            ]

    # -- internal notes ----------------------------------------------------------------------

    async def add_note(self, number: int, author: str, text: str) -> bool:
        """An internal note on the ticket (never sent to anyone); False if there is no such
        ticket."""
        now = db.utcnow()
        async with self._write() as conn:
            result = await conn.execute(
                ticket_notes.insert().from_select(
                    ["ticket_id", "author", "text", "created_at"],
                    sa.select(
                        tickets.c.id,
                        sa.literal(author, ticket_notes.c.author.type),
                        sa.literal(text, ticket_notes.c.text.type),
                        sa.literal(now, ticket_notes.c.created_at.type),
                    ).where(tickets.c.id == number),
                )
            )
            if not result.rowcount:
                return False
            await _touch(conn, number, now)
        return True

    async def notes(self, number: int) -> list[Note]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(ticket_notes)
                .where(ticket_notes.c.ticket_id == number)
                .order_by(ticket_notes.c.id)
            )
            return [
                Note(row.id, row.author, row.text, db.aware(row.created_at) or db.utcnow())
                for row in rows
            ]

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
        """Make the ticket urgent (the visitor wrote emergency words on it: they also wrote
        again, see :func:`visitor_wrote`)."""
        now = db.utcnow()
        async with self._write() as conn:
            await conn.execute(
                tickets.update()
                .where(tickets.c.id == number)
                .values(priority=Priority.URGENT.value, updated_at=now)
            )
            await add_event(conn, number, actor, "escalated", detail)
            if actor == "visitor":
                await visitor_wrote(conn, self.calendar, number, now)

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
                tickets.update()
                .where(tickets.c.id == number)
                .values(delivery_error=error, last_activity_at=db.utcnow())
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
