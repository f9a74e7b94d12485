"""What staff do to a ticket, whichever tool they use (Telegram group or web console).

A staff answer is filed under the ticket and queued for delivery (the outbox) on the channel
the visitor used; claim and close are recorded with who did them. The Telegram staff group, if
configured, is kept in step (its card shows who claimed or closed the ticket).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.i18n import N_, translate
from bot.store import Role, Store, Ticket, TicketStatus
from bot.text import Lang

MAX_STAFF_TEXT = 4000


class CardKeeper(Protocol):
    async def refresh_card(self, ticket: Ticket) -> None: ...


_ANSWER_HEADER = N_("Staff reply (request #{number}):")
_CLOSED_NOTE = N_("Request #{number} has been closed by our staff. Ask me anything any time.")


def _answer_header(number: int, lang: str) -> str:
    """The line above a staff answer, in the visitor's language (bot/locale/)."""
    return translate(_ANSWER_HEADER, Lang(lang), number=number) + "\n"


def _staff_answer(ticket: Ticket, text: str) -> str:
    return f"{_answer_header(ticket.number, ticket.lang)}{text}"


def staff_words(number: int, lang: str, sent: str) -> str | None:
    """What the staff member wrote, from a staff message as the visitor was sent it; None for
    a staff message that is no answer (the note that the request was closed)."""
    try:
        headers = [_answer_header(number, lang)]
    except ValueError:  # a language this version does not know
        return None
    if Lang(lang).is_translated:
        # Japanese and Korean visitors were sent the English header before it was translated.
        headers.append(_answer_header(number, Lang.EN.value))
    for header in headers:
        if sent.startswith(header):
            return sent[len(header) :]
    return None


def _closed_note(ticket: Ticket) -> str:
    return translate(_CLOSED_NOTE, Lang(ticket.lang), number=ticket.number)


#: Queues a staff message for durable delivery (the outbox); returns False for a channel it
#: does not deliver to (the web chat fetches its messages itself).
Queue = Callable[[Ticket, str], Awaitable[bool]]


class Relay:
    def __init__(self, store: Store, queue: Queue) -> None:
        self.store = store
        self.queue = queue
        self.cards: CardKeeper | None = None

    async def reply(self, number: int, staff: str, text: str) -> Ticket | None:
        """Send a staff answer to the visitor; None when there is no such open ticket."""
        text = text.strip()[:MAX_STAFF_TEXT]
        ticket = await self.store.ticket(number)
        if ticket is None or not text:
            return None
        if ticket.status is TicketStatus.CLOSED:
            return None
        visible = _staff_answer(ticket, text)
        await self.store.log_message(
            ticket.visitor_id,
            "out",
            visible,
            "staff",
            ticket_id=number,
            author=staff,
            role=Role.STAFF,
        )
        updated = await self.store.set_status(number, TicketStatus.ANSWERED, staff, text[:500])
        # The card first: a delivery failure, found later by the outbox, edits it again.
        await self._refresh(updated)
        await self.queue(ticket, visible)
        return await self.store.ticket(number)

    async def _refresh(self, ticket: Ticket | None) -> None:
        if ticket is not None and self.cards is not None:
            await self.cards.refresh_card(ticket)

    async def claim(self, number: int, staff: str) -> Ticket | None:
        ticket = await self.store.ticket(number)
        if ticket is None or ticket.status is TicketStatus.CLOSED:
            return ticket
        updated = await self.store.set_status(number, TicketStatus.CLAIMED, staff)
        if updated is not None and self.cards is not None:
            await self.cards.refresh_card(updated)
        return updated

    async def assign(self, number: int, staff: str, assignee: str | None) -> Ticket | None:
        """Give the ticket to ``assignee`` (None: nobody); None when it is closed or gone."""
        updated = await self.store.assign(number, staff, assignee)
        await self._refresh(updated)
        return updated

    async def close(self, number: int, staff: str) -> Ticket | None:
        ticket = await self.store.ticket(number)
        if ticket is None or ticket.status is TicketStatus.CLOSED:
            return ticket
        updated = await self.store.set_status(number, TicketStatus.CLOSED, staff)
        note = _closed_note(ticket)
        await self.store.log_message(
            ticket.visitor_id,
            "out",
            note,
            "staff",
            ticket_id=number,
            author=staff,
            role=Role.STAFF,
        )
        await self.queue(ticket, note)
        if updated is not None and self.cards is not None:
            await self.cards.refresh_card(updated)
        return updated
