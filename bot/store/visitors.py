"""Visitors and their messages: who wrote on which channel, the state of their conversation,
everything they wrote and were sent, and the deletion of all of it (the visitor's /delete).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from bot.store import db, insights
from bot.store.tables import (
    messages,
    outbox,
    ticket_events,
    ticket_notes,
    tickets,
    visitors,
    web_requests,
)
from bot.store.tickets import ACTIVE, FOLLOW_UP_DECISION, forget_tickets, visitor_wrote

#: What the curators' report lists: questions the bot had no answer for, and "did you mean"
#: questions the visitor left unresolved.
FALLBACK = "fallback"
CLARIFY = "clarify"

#: The outbox's channel for staff answers sent to a web-chat visitor's e-mail address
#: (``user_id``: the ticket's number; the address is read from the ticket when it is sent).
EMAIL_CHANNEL = "email"


@dataclass(frozen=True)
class VisitorState:
    visitor_id: int
    lang_choice: str | None
    last_options: tuple[str, ...]
    last_lang: str | None = None
    #: Whether an open, claimed or answered ticket is theirs (``active_ticket`` fetches it).
    has_ticket: bool = False


@dataclass(frozen=True)
class Visitor:
    id: int
    channel: str
    user_id: str
    display_name: str | None
    lang: str | None


class Role(StrEnum):
    """Who wrote a message."""

    VISITOR = "visitor"
    BOT = "bot"
    STAFF = "staff"


@dataclass(frozen=True)
class Message:
    id: int
    direction: str
    role: Role
    #: The staff member's name for a staff answer ("bot" for the bot's messages).
    author: str | None
    text: str
    decision: str | None
    entry_id: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class ChatMessage:
    """A message of a web-chat conversation, as the page shows it again."""

    id: int
    role: Role
    text: str
    #: The web chat's JSON for a bot message's buttons, emergency card and contacts.
    card: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    lang: str | None
    created_at: dt.datetime
    #: The message's id (its place in the visitor's conversation) and the visitor's.
    id: int = 0
    visitor_id: int = 0
    #: "fallback" (no answer) or "clarify" (a "did you mean" list the visitor left unresolved).
    kind: str = FALLBACK
    handled: bool = False


def _message(row: Any) -> Message:
    return Message(
        row.id,
        row.direction,
        Role(row.role),
        row.author,
        row.text,
        row.decision,
        row.entry_id,
        db.aware(row.created_at) or db.utcnow(),
    )


# The statements of answering one event, built once (see db.insert_or_skip). Bound parameter
# names differ from column names, which SQLAlchemy keeps for the SET and VALUES clauses.
_VISITOR_STATE = sa.select(
    visitors.c.id,
    visitors.c.lang_choice,
    visitors.c.last_options,
    visitors.c.last_lang,
    visitors.c.display_name,
    sa.exists()
    .where(tickets.c.visitor_id == visitors.c.id, tickets.c.status.in_(ACTIVE))
    .label("has_ticket"),
).where(
    visitors.c.channel == sa.bindparam("channel_key"),
    visitors.c.user_id == sa.bindparam("user_key"),
)
_INSERT_MESSAGE = messages.insert()
_UPDATE_VISITOR_STATE = (
    visitors.update()
    .where(visitors.c.id == sa.bindparam("visitor_key"))
    .values(
        last_lang=sa.bindparam("new_last_lang"),
        last_options=sa.bindparam("new_last_options"),
        # Only a visitor's explicit choice sets it; otherwise it stays as it was.
        lang_choice=sa.func.coalesce(
            sa.bindparam("new_lang_choice", type_=sa.String), visitors.c.lang_choice
        ),
        updated_at=sa.bindparam("now"),
    )
)


class VisitorStore(db.StoreBase):
    # -- visitors --------------------------------------------------------------------------

    async def visitor(
        self, channel: str, user_id: str, display_name: str | None = None
    ) -> VisitorState:
        """The visitor's state, creating the visitor on first contact."""
        key = {"channel_key": channel, "user_key": user_id}
        async with self._write() as conn:
            row = (await conn.execute(_VISITOR_STATE, key)).first()
            if row is None:
                now = db.utcnow()
                created = (
                    await conn.execute(
                        db.insert_or_skip(conn, visitors, visitors.c.id),
                        {
                            "channel": channel,
                            "user_id": user_id,
                            "display_name": display_name,
                            "last_options": "[]",
                            "created_at": now,
                            "updated_at": now,
                        },
                    )
                ).first()
                if created is not None:
                    return VisitorState(int(created.id), None, ())
                # Another worker created the same visitor at the same moment.
                row = (await conn.execute(_VISITOR_STATE, key)).one()
            if display_name and display_name != row.display_name:
                await conn.execute(
                    visitors.update()
                    .where(visitors.c.id == row.id)
                    .values(display_name=display_name)
                )
            return VisitorState(
                int(row.id),
                row.lang_choice,
                tuple(json.loads(row.last_options)),
                row.last_lang,
                has_ticket=bool(row.has_ticket),
            )

    async def find_visitor(self, channel: str, user_id: str) -> int | None:
        """The visitor's id, without creating one."""
        async with self._read() as conn:
            value = (
                await conn.execute(
                    sa.select(visitors.c.id).where(
                        visitors.c.channel == channel, visitors.c.user_id == user_id
                    )
                )
            ).scalar_one_or_none()
        return int(value) if value is not None else None

    async def visitor_by_id(self, visitor_id: int) -> Visitor | None:
        async with self._read() as conn:
            row = (
                await conn.execute(sa.select(visitors).where(visitors.c.id == visitor_id))
            ).first()
        if row is None:
            return None
        return Visitor(
            row.id, row.channel, row.user_id, row.display_name, row.lang_choice or row.last_lang
        )

    async def record_exchange(
        self,
        visitor_id: int,
        entries: Sequence[tuple[str, str, str | None]],
        *,
        decision: str | None,
        entry_id: str | None,
        ticket_id: int | None,
        last_lang: str,
        last_options: tuple[str, ...],
        lang_choice: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        """One inbound message and the bot's replies, and the visitor's new state, in one
        transaction: ``entries`` are (direction, text, author), the visitor's ("in") or the
        bot's ("out"). ``at`` is the desk's time of the exchange (what a topic's age is
        measured against), by default now."""
        now = at or db.utcnow()
        async with self._write() as conn:
            if entries:
                await conn.execute(
                    _INSERT_MESSAGE,
                    [
                        {
                            "visitor_id": visitor_id,
                            "ticket_id": ticket_id,
                            "direction": direction,
                            "role": Role.VISITOR if direction == "in" else Role.BOT,
                            "author": author,
                            "text": text,
                            "decision": decision,
                            "entry_id": entry_id,
                            "created_at": now,
                        }
                        for direction, text, author in entries
                    ],
                )
            await conn.execute(
                _UPDATE_VISITOR_STATE,
                {
                    "visitor_key": visitor_id,
                    "new_last_lang": last_lang,
                    "new_last_options": json.dumps(list(last_options)),
                    "new_lang_choice": lang_choice,
                    "now": now,
                },
            )
            asked = next((text for direction, text, _ in entries if direction == "in"), None)
            if asked is not None:
                await insights.count_exchange(
                    conn,
                    self.calendar,
                    visitor_id,
                    now,
                    text=asked,
                    decision=decision,
                    entry_id=entry_id,
                    lang=last_lang,
                )
            if ticket_id is not None and decision == FOLLOW_UP_DECISION:
                await visitor_wrote(conn, self.calendar, ticket_id, now)

    async def update_visitor(
        self,
        visitor_id: int,
        *,
        last_lang: str,
        last_options: tuple[str, ...],
        lang_choice: str | None = None,
    ) -> None:
        values: dict[str, object] = {
            "last_lang": last_lang,
            "last_options": json.dumps(list(last_options)),
            "updated_at": db.utcnow(),
        }
        if lang_choice is not None:
            values["lang_choice"] = lang_choice
        async with self._write() as conn:
            await conn.execute(
                visitors.update().where(visitors.c.id == visitor_id).values(**values)
            )

    # -- messages --------------------------------------------------------------------------

    async def log_message(
        self,
        visitor_id: int,
        direction: str,
        text: str,
        decision: str | None = None,
        entry_id: str | None = None,
        *,
        ticket_id: int | None = None,
        author: str | None = None,
        role: Role | None = None,
    ) -> int:
        """Log one message; ``role`` is the visitor's for "in", the bot's for "out" unless
        told (a staff answer is ``Role.STAFF``, whatever its author's name)."""
        async with self._write() as conn:
            result = await conn.execute(
                messages.insert().values(
                    visitor_id=visitor_id,
                    ticket_id=ticket_id,
                    direction=direction,
                    role=role or (Role.VISITOR if direction == "in" else Role.BOT),
                    author=author,
                    text=text,
                    decision=decision,
                    entry_id=entry_id,
                    created_at=db.utcnow(),
                )
            )
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    async def messages_of(self, visitor_id: int, after_id: int = 0) -> list[Message]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(messages)
                .where(messages.c.visitor_id == visitor_id, messages.c.id > after_id)
                .order_by(messages.c.id)
            )
            return [_message(row) for row in rows]

    async def message_count(self, visitor_id: int) -> int:
        async with self._read() as conn:
            result = await conn.execute(
                sa.select(sa.func.count())
                .select_from(messages)
                .where(messages.c.visitor_id == visitor_id)
            )
            return int(result.scalar_one())

    async def recent_topic(self, visitor_id: int, since: dt.datetime) -> str | None:
        """The entry the visitor's latest answered question got, if answered after ``since``:
        what a short follow-up is read against. Greetings, thanks and the like are no topic."""
        async with self._read() as conn:
            value = (
                await conn.execute(
                    sa.select(messages.c.entry_id)
                    .where(
                        messages.c.visitor_id == visitor_id,
                        messages.c.direction == "in",
                        messages.c.decision == "answer",
                        messages.c.entry_id.is_not(None),
                        messages.c.entry_id.not_like("faq.%"),
                        messages.c.created_at >= since,
                    )
                    .order_by(messages.c.id.desc())
                    .limit(1)
                )
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    async def last_question(
        self, visitor_id: int, *, skip: Callable[[str], bool] | None = None, scan: int = 20
    ) -> str | None:
        """The visitor's latest typed question (what "ask staff" after an answer refers to).

        ``skip`` tells inbound texts that were no question (a tapped button's value, a numbered
        pick, a command), which are logged with the decision they led to; the latest ``scan``
        candidates are looked at.
        """
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(messages.c.text)
                .where(
                    messages.c.visitor_id == visitor_id,
                    messages.c.direction == "in",
                    messages.c.decision.in_(["answer", "clarify", "fallback", "handoff"]),
                )
                .order_by(messages.c.id.desc())
                .limit(scan if skip is not None else 1)
            )
            texts = [str(row.text) for row in rows]
        return next((text for text in texts if skip is None or not skip(text)), None)

    async def unanswered(
        self, limit: int = 500, *, handled: bool = False
    ) -> list[UnansweredQuestion]:
        """The newest questions the bot could not answer, for the curators: fallbacks, and
        "did you mean" (clarify) questions the visitor left unresolved: their next message
        got no answer (a tapped option, a numbered pick or a rephrasing the bot answered
        resolves one), or there was none. ``handled``: those staff marked handled instead."""
        later = messages.alias("later")
        next_decision = (
            sa.select(later.c.decision)
            .where(
                later.c.visitor_id == messages.c.visitor_id,
                later.c.direction == "in",
                later.c.id > messages.c.id,
            )
            .order_by(later.c.id)
            .limit(1)
            .scalar_subquery()
        )
        unresolved = sa.or_(next_decision.is_(None), next_decision != "answer")
        marked = messages.c.handled_at.is_not(None) if handled else messages.c.handled_at.is_(None)
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(
                    messages.c.id,
                    messages.c.visitor_id,
                    messages.c.text,
                    messages.c.decision,
                    messages.c.handled_at,
                    visitors.c.last_lang,
                    messages.c.created_at,
                )
                .join(visitors, visitors.c.id == messages.c.visitor_id)
                .where(
                    messages.c.direction == "in",
                    sa.or_(
                        messages.c.decision == FALLBACK,
                        sa.and_(messages.c.decision == CLARIFY, unresolved),
                    ),
                    marked,
                )
                .order_by(messages.c.id.desc())
                .limit(limit)
            )
            return [
                UnansweredQuestion(
                    row.text,
                    row.last_lang,
                    db.aware(row.created_at) or db.utcnow(),
                    id=int(row.id),
                    visitor_id=int(row.visitor_id),
                    kind=row.decision,
                    handled=row.handled_at is not None,
                )
                for row in rows
            ]

    async def mark_handled(self, ids: Sequence[int], by: str, *, handled: bool = True) -> int:
        """Mark questions of the curators' report handled (or not); how many changed."""
        if not ids:
            return 0
        values: dict[str, object] = (
            {"handled_at": db.utcnow(), "handled_by": by}
            if handled
            else {"handled_at": None, "handled_by": None}
        )
        async with self._write() as conn:
            result = await conn.execute(
                messages.update()
                .where(
                    messages.c.id.in_(sorted(set(ids))),
                    messages.c.direction == "in",
                    messages.c.decision.in_([FALLBACK, CLARIFY]),
                )
                .values(**values)
            )
        return int(result.rowcount)

    # -- the web chat's conversation --------------------------------------------------------

    async def conversation(self, channel: str, user_id: str, limit: int) -> list[ChatMessage]:
        """The newest ``limit`` messages of a visitor's conversation, oldest first (none for
        a visitor never seen)."""
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(
                    messages.c.id,
                    messages.c.role,
                    messages.c.text,
                    messages.c.card,
                    messages.c.created_at,
                )
                .join(visitors, visitors.c.id == messages.c.visitor_id)
                .where(visitors.c.channel == channel, visitors.c.user_id == user_id)
                .order_by(messages.c.id.desc())
                .limit(limit)
            )
            found = [
                ChatMessage(
                    int(row.id),
                    Role(row.role),
                    row.text,
                    row.card,
                    db.aware(row.created_at) or db.utcnow(),
                )
                for row in rows
            ]
        return found[::-1]

    async def file_cards(
        self, visitor_id: int, cards: Sequence[str | None]
    ) -> tuple[int | None, list[int]]:
        """Give the exchange just recorded for ``visitor_id`` (the visitor's message and the
        bot's ``len(cards)`` replies, the newest messages of the visitor) the web chat's cards;
        returns the ids of the visitor's message and of the replies.

        Called in the unit of work that recorded the exchange: the visitor's row is locked
        by it (the desk updated it), so no other exchange of theirs is in between.
        """
        async with self._write() as conn:
            rows = (
                await conn.execute(
                    sa.select(messages.c.id, messages.c.role)
                    .where(
                        messages.c.visitor_id == visitor_id,
                        messages.c.role.in_([Role.VISITOR.value, Role.BOT.value]),
                    )
                    .order_by(messages.c.id.desc())
                    .limit(len(cards) + 1)
                )
            ).all()[::-1]
            roles = [Role(row.role) for row in rows]
            if roles != [Role.VISITOR] + [Role.BOT] * len(cards):
                return None, []
            replies = [int(row.id) for row in rows[1:]]
            for message_id, card in zip(replies, cards, strict=True):
                if card is not None:
                    await conn.execute(
                        messages.update().where(messages.c.id == message_id).values(card=card)
                    )
        return int(rows[0].id), replies

    async def latest_message_id(self) -> int:
        async with self._read() as conn:
            value = (await conn.execute(sa.select(sa.func.max(messages.c.id)))).scalar_one()
        return int(value or 0)

    async def staff_answers_since(self, after_id: int, channel: str) -> tuple[int, set[str]]:
        """The newest message id, and which visitors of ``channel`` (their user ids) were
        sent a staff message after ``after_id``: what the web chat's live updates wake for."""
        async with self._read() as conn:
            newest = (
                await conn.execute(
                    sa.select(sa.func.max(messages.c.id)).where(messages.c.id > after_id)
                )
            ).scalar_one()
            if newest is None:
                return after_id, set()
            rows = await conn.execute(
                sa.select(visitors.c.user_id)
                .join(messages, messages.c.visitor_id == visitors.c.id)
                .where(
                    messages.c.id > after_id,
                    messages.c.id <= newest,
                    messages.c.role == Role.STAFF.value,
                    visitors.c.channel == channel,
                )
            )
            return int(newest), {str(row.user_id) for row in rows}

    # -- the web chat's messages by the page's id for them ----------------------------------

    async def claim_web_request(self, session: str, client_id: str) -> bool:
        """Note that the message ``client_id`` of ``session`` is being handled; False when it
        was handled before (or is being handled by a request in flight, whose unit of work
        this one waits for on PostgreSQL)."""
        async with self._write() as conn:
            created = (
                await conn.execute(
                    db.insert_or_skip(conn, web_requests, web_requests.c.id),
                    {
                        "session": session,
                        "client_id": client_id,
                        "response": None,
                        "created_at": db.utcnow(),
                    },
                )
            ).first()
        return created is not None

    async def web_response(self, session: str, client_id: str) -> str | None:
        async with self._read() as conn:
            value = (
                await conn.execute(
                    sa.select(web_requests.c.response).where(
                        web_requests.c.session == session, web_requests.c.client_id == client_id
                    )
                )
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    async def save_web_response(self, session: str, client_id: str, response: str | None) -> None:
        """The answer to a message claimed with ``claim_web_request``; None forgets the claim
        (the visitor's data was just deleted: nothing of the exchange may stay)."""
        async with self._write() as conn:
            where = (web_requests.c.session == session, web_requests.c.client_id == client_id)
            if response is None:
                await conn.execute(web_requests.delete().where(*where))
            else:
                await conn.execute(web_requests.update().where(*where).values(response=response))

    async def forget_web_requests(self, before: dt.datetime) -> int:
        """Drop the web chat's message ids older than ``before`` (a resend comes within
        minutes; the answers they keep are the visitor's conversation)."""
        async with self._write() as conn:
            result = await conn.execute(
                web_requests.delete().where(web_requests.c.created_at < db.as_utc(before))
            )
        return int(result.rowcount or 0)

    # -- deletion --------------------------------------------------------------------------

    async def delete_visitor(self, visitor_id: int) -> None:
        """Everything stored about one visitor, gone (the visitor's /delete); the desk's
        messages about them in the staff group are queued to be edited to say so."""
        async with self._write() as conn:
            await delete_visitors(conn, [visitor_id], reason="visitor")
            self._deleted_something()


async def delete_visitors(
    conn: db.DatabaseConnection, visitor_ids: list[int], *, reason: str
) -> None:
    """Delete the visitors and all they left (also run by the retention purge, ``reason``
    "retention"; a visitor's own /delete is "visitor")."""
    # Children first: SQLite enforces no foreign keys unless asked, so cascades are explicit.
    ticket_ids = sa.select(tickets.c.id).where(tickets.c.visitor_id.in_(visitor_ids))
    await forget_tickets(conn, ticket_ids, reason)
    # Every message to them, sent or not (a staff answer still waiting holds what staff wrote
    # to them). The confirmation of a /delete is queued after this, in the same transaction.
    await conn.execute(
        outbox.delete().where(
            sa.exists().where(
                visitors.c.id.in_(visitor_ids),
                visitors.c.channel == outbox.c.channel,
                visitors.c.user_id == outbox.c.user_id,
            ),
        )
    )
    # Staff answers still to be e-mailed (the address goes with the ticket below), and the
    # web chat's answers kept by message id.
    await conn.execute(
        outbox.delete().where(outbox.c.channel == EMAIL_CHANNEL, outbox.c.ticket_id.in_(ticket_ids))
    )
    await conn.execute(
        web_requests.delete().where(
            web_requests.c.session.in_(
                sa.select(visitors.c.user_id).where(
                    visitors.c.id.in_(visitor_ids), visitors.c.channel == "web"
                )
            )
        )
    )
    await conn.execute(ticket_events.delete().where(ticket_events.c.ticket_id.in_(ticket_ids)))
    await conn.execute(ticket_notes.delete().where(ticket_notes.c.ticket_id.in_(ticket_ids)))
    await conn.execute(messages.delete().where(messages.c.visitor_id.in_(visitor_ids)))
    await conn.execute(tickets.delete().where(tickets.c.visitor_id.in_(visitor_ids)))
    await conn.execute(visitors.delete().where(visitors.c.id.in_(visitor_ids)))
