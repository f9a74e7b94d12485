"""The Telegram staff group: ticket cards with Claim/Close buttons; replies to a card reach the
visitor. Only updates from the configured staff chat are ever acted on.

Cards and notes are posted through the outbox (``post``), and every message the desk posts
about a ticket is recorded: a staff reply is matched to its ticket only through that record.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
from collections.abc import Callable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.staff.relay import Relay
from bot.store import CLOSURE_FLAG, Store, Ticket, TicketStatus
from bot.store.queue import PostKind, StaffPost

logger = logging.getLogger(__name__)

CLAIM = "claim:"
CLOSE = "close:"
_CHANNEL_NAMES = {"line": "LINE", "telegram": "Telegram", "web": "Web chat"}
#: The event that records who brought a ticket to its status (shown on the card).
_STATUS_ACTIONS = {TicketStatus.ANSWERED: "replied", TicketStatus.CLOSED: "closed"}
#: Ticket numbers in buttons have at most 9 digits (the console's routes say the same): a
#: longer one is no ticket, and would overflow the database's integer.
_NUMBER = re.compile(r"\d{1,9}")
#: How a deleted ticket's messages say why it was deleted (None: not known).
_DELETED = {
    "visitor": "deleted at the visitor's request",
    "retention": "deleted at the end of the retention period",
}


def _deleted(reason: str | None) -> str:
    return _DELETED.get(reason or "", "deleted")


def redacted_text(post: StaffPost) -> str:
    """What one of the desk's messages about a deleted ticket is edited to."""
    why = _deleted(post.reason)
    if post.shown == "list":
        return f"(A list of requests: removed, as request #{post.ticket} in it was {why}.)"
    if post.shown == "card":
        return f"Request #{post.ticket}: {why}."
    return f"#{post.ticket}: {why}."


def card_text(ticket: Ticket, by: str | None = None) -> str:
    """The card; ``by`` is who answered or closed the ticket, when it is in that status."""
    urgent = "🚨 URGENT " if ticket.priority.value == "urgent" else ""
    actor = "the visitor" if by == "visitor" else by
    status = {
        TicketStatus.OPEN: "open: reply to this message to answer",
        TicketStatus.CLAIMED: f"claimed by {ticket.assignee}",
        TicketStatus.ANSWERED: f"answered by {actor or ticket.assignee or 'staff'}",
        TicketStatus.CLOSED: f"closed by {actor}" if actor else "closed",
    }[ticket.status]
    guesses = ", ".join(f"{entry} ({score:.2f})" for entry, score in ticket.guesses) or "none"
    lines = [
        f"<b>{urgent}Request #{ticket.number}</b>",
        f"Channel: {_CHANNEL_NAMES.get(ticket.channel, ticket.channel)} · Language: {ticket.lang}",
        f"From: {html.escape(ticket.display_name or 'visitor')}",
        f"Question: {html.escape(ticket.question[:1500])}",
        f"Bot's guesses: {html.escape(guesses)}",
        f"Status: {html.escape(status)}",
    ]
    if ticket.delivery_error:
        lines.append(f"⚠️ Last delivery failed: {html.escape(ticket.delivery_error[:200])}")
    return "\n".join(lines)


def card_keyboard(ticket: Ticket) -> InlineKeyboardMarkup | None:
    if ticket.status is TicketStatus.CLOSED:
        return None
    buttons = [InlineKeyboardButton("Close", callback_data=f"{CLOSE}{ticket.number}")]
    if ticket.status is TicketStatus.OPEN:
        buttons.insert(0, InlineKeyboardButton("Claim", callback_data=f"{CLAIM}{ticket.number}"))
    return InlineKeyboardMarkup([buttons])


def _staff_name(user: object) -> str:
    full_name = getattr(user, "full_name", None)
    username = getattr(user, "username", None)
    return str(full_name or username or "staff")[:100]


class StaffGroup:
    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        store: Store,
        relay: Relay,
        tz: dt.tzinfo,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.bot = bot
        self.tz = tz
        #: The same clock as the desk's: the closure switch holds the date the desk compares.
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.chat_id = chat_id
        self.store = store
        self.relay = relay
        self._editing = asyncio.Lock()
        relay.cards = self

    def is_staff_update(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.id == self.chat_id

    # -- outgoing ------------------------------------------------------------------------

    async def post_card(self, ticket: Ticket) -> None:
        message = await self.bot.send_message(
            self.chat_id, card_text(ticket), parse_mode="HTML", reply_markup=card_keyboard(ticket)
        )
        await self.store.record_staff_message(
            self.chat_id, message.message_id, "card", [ticket.number]
        )
        await self.store.set_card(ticket.number, message.message_id)

    async def refresh_card(self, ticket: Ticket) -> None:
        # Edits race (a staff answer and the failed delivery it causes): one at a time, each
        # showing the ticket as stored when it is made, so the last edit is the current state.
        async with self._editing:
            current = await self.store.ticket(ticket.number)
            if current is None or current.card_message_id is None:
                return
            by = await self._status_actor(current)
            try:
                await self.bot.edit_message_text(
                    card_text(current, by),
                    chat_id=self.chat_id,
                    message_id=current.card_message_id,
                    parse_mode="HTML",
                    reply_markup=card_keyboard(current),
                )
            except TelegramError as exc:
                # "message is not modified" and deleted cards must not stop the staff action.
                logger.info("card of ticket #%d not edited: %s", ticket.number, exc)

    async def _status_actor(self, ticket: Ticket) -> str | None:
        action = _STATUS_ACTIONS.get(ticket.status)
        if action is None:
            return None
        events = await self.store.events(ticket.number)
        return next((e.actor for e in reversed(events) if e.action == action), None)

    async def post(self, post: StaffPost, chat_id: int) -> None:
        """Send one of the outbox's posts for the staff group (see delivery.py)."""
        if post.kind is PostKind.REDACT:
            await self._redact(post, chat_id)
            return
        ticket = await self.store.ticket(post.ticket)
        if ticket is None:
            return  # deleted before staff heard of it: nothing of it is shown
        if post.kind is PostKind.CARD:
            await self.post_card(ticket)
            return
        if post.kind is PostKind.CANCELLED:
            await self.refresh_card(ticket)
            text = f"Request #{ticket.number} was closed by the visitor."
        else:
            prefix = "🚨 EMERGENCY WORDS · " if post.urgent else ""
            who = html.escape(ticket.display_name or "visitor")
            text = f"{prefix}#{ticket.number} {who}: {html.escape(post.text[:3500])}"
            if post.urgent:
                await self.refresh_card(ticket)
        message = await self.bot.send_message(
            chat_id,
            text,
            parse_mode="HTML",
            reply_to_message_id=ticket.card_message_id,
            allow_sending_without_reply=True,
        )
        await self.store.record_staff_message(chat_id, message.message_id, "note", [ticket.number])

    async def _redact(self, post: StaffPost, chat_id: int) -> None:
        assert post.message_id is not None
        try:
            # Without reply_markup: the card's buttons go too.
            await self.bot.edit_message_text(
                redacted_text(post), chat_id=chat_id, message_id=post.message_id
            )
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return  # edited already (a list naming two deleted requests)
            raise

    async def repost_unclaimed(self, older_than: dt.timedelta, now: dt.datetime) -> int:
        stale = await self.store.unclaimed_since(now - older_than)
        for ticket in stale:
            await self.post_card(ticket)
        return len(stale)

    # -- incoming ------------------------------------------------------------------------

    async def handle(self, update: Update) -> None:
        if not self.is_staff_update(update):
            return
        if update.callback_query is not None:
            await self._button(update)
            return
        message = update.message
        if message is None:
            return
        if not message.text:
            if message.reply_to_message is not None:
                await self._media_not_relayed(message)
            return
        staff = _staff_name(message.from_user)
        command = message.text.strip().split(maxsplit=1)[0].split("@", 1)[0].lower()
        if command == "/tickets":
            await self._list()
        elif command == "/closed":
            await self._closure(message.text)
        elif message.reply_to_message is not None:
            await self._answer(message, message.reply_to_message, staff)

    async def _answer(self, message: Message, replied: Message, staff: str) -> None:
        assert message.text is not None
        ticket = await self._replied_ticket(message, replied)
        if ticket is None:
            return
        answered = await self.relay.reply(ticket.number, staff, message.text)
        if answered is None:
            await self._tell(
                message, f"Request #{ticket.number} is closed; the answer was not sent."
            )

    async def _media_not_relayed(self, message: Message) -> None:
        """A photo, file or sticker answering a card: only text reaches visitors, so the staff
        member is told at once rather than believing the visitor has it."""
        assert message.reply_to_message is not None
        ticket = await self._replied_ticket(message, message.reply_to_message)
        if ticket is None:
            return
        await self._tell(
            message,
            f"Only text is relayed: this was not sent to the visitor of request "
            f"#{ticket.number}. Write the answer as a text reply (a link to a shared file "
            "works).",
        )

    async def _replied_ticket(self, message: Message, replied: Message) -> Ticket | None:
        """The ticket a staff member's ``message`` answers, by replying to ``replied``: one of
        the desk's cards or notes, as recorded when it was posted (what a message says proves
        nothing). None, with the staff member told why, when it leads to no ticket; None
        silently when ``replied`` is a colleague's (staff talking among themselves)."""
        found = await self.store.staff_message(self.chat_id, replied.message_id)
        if found is None:
            # A card posted before the desk recorded its messages is still its ticket's.
            ticket = await self.store.ticket_by_card(replied.message_id)
            if ticket is None and self._own(replied):
                await self._tell(
                    message,
                    "This message is not a request's card or note: the answer was not "
                    "sent. Reply to the request's card, or answer in the console.",
                )
            return ticket
        if found.kind == "list":
            await self._tell(
                message,
                "A list names several requests: the answer was not sent. Reply to the "
                "request's card, or answer in the console.",
            )
            return None
        ticket = await self.store.ticket(found.ticket)
        if ticket is None:
            await self._tell(
                message,
                f"Request #{found.ticket} was {_deleted(found.deleted)}: the answer was not sent.",
            )
        return ticket

    def _own(self, message: Message) -> bool:
        """Whether the bot wrote ``message`` (a bot token starts with the bot's user id)."""
        author = message.from_user
        return author is not None and self.bot.token.startswith(f"{author.id}:")

    async def _tell(self, message: Message, text: str) -> None:
        await self.bot.send_message(
            self.chat_id,
            text,
            reply_to_message_id=message.message_id,
            allow_sending_without_reply=True,
        )

    async def _button(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        data = query.data or ""
        staff = _staff_name(query.from_user)
        notice = "Unknown action"
        action, _, number = data.partition(":")
        if _NUMBER.fullmatch(number) and f"{action}:" == CLAIM:
            ticket = await self.relay.claim(int(number), staff)
            if ticket is None:
                notice = "No such request"
            elif ticket.status is TicketStatus.CLOSED:
                notice = f"Request #{ticket.number} is already closed"
            else:
                notice = f"Claimed #{ticket.number}"
        elif _NUMBER.fullmatch(number) and f"{action}:" == CLOSE:
            ticket = await self.relay.close(int(number), staff)
            notice = f"Closed #{ticket.number}" if ticket else "No such request"
        try:
            await self.bot.answer_callback_query(query.id, text=notice)
        except TelegramError as exc:
            logger.info("answerCallbackQuery failed: %s", exc)

    async def _list(self) -> None:
        open_tickets = await self.store.tickets(statuses=["open", "claimed", "answered"], limit=30)
        if not open_tickets:
            text = "No open requests."
        else:
            text = "\n".join(
                f"{'🚨 ' if t.priority.value == 'urgent' else ''}#{t.number} [{t.status.value}"
                f"{' · ' + html.escape(t.assignee) if t.assignee else ''}] "
                f"{html.escape(t.question[:80])}"
                for t in open_tickets
            )
        sent = await self.bot.send_message(self.chat_id, text, parse_mode="HTML")
        if open_tickets:
            # It shows the visitors' questions: edited when one of them is deleted.
            await self.store.record_staff_message(
                self.chat_id, sent.message_id, "list", [t.number for t in open_tickets]
            )

    async def _closure(self, text: str) -> None:
        argument = text.strip().split(maxsplit=1)[1:] or [""]
        # The switch holds the office's local date: it lapses by itself at local midnight.
        today = self.clock().astimezone(self.tz).date().isoformat()
        if argument[0].lower() in ("on", "today", "yes"):
            await self.store.set_flag(CLOSURE_FLAG, today)
            reply = "Office marked closed for today: visitors are told when it reopens."
        elif argument[0].lower() in ("off", "no"):
            await self.store.set_flag(CLOSURE_FLAG, None)
            reply = "Closure switch cleared: normal office hours apply."
        else:
            state = await self.store.get_flag(CLOSURE_FLAG)
            reply = f"Closure switch: {'on for ' + state if state else 'off'}. Use /closed on|off."
        await self.bot.send_message(self.chat_id, reply)
