"""The Telegram staff group: ticket cards with Claim/Close buttons; replies to a card reach the
visitor. Only updates from the configured staff chat are ever acted on.
"""

from __future__ import annotations

import datetime as dt
import html
import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.models import NoticeKind, StaffNotice
from bot.staff.relay import Relay
from bot.store import CLOSURE_FLAG, Store, Ticket, TicketStatus

logger = logging.getLogger(__name__)

CLAIM = "claim:"
CLOSE = "close:"
_CHANNEL_NAMES = {"line": "LINE", "telegram": "Telegram", "web": "Web chat"}


def card_text(ticket: Ticket) -> str:
    urgent = "🚨 URGENT " if ticket.priority.value == "urgent" else ""
    status = {
        TicketStatus.OPEN: "open: reply to this message to answer",
        TicketStatus.CLAIMED: f"claimed by {ticket.assignee}",
        TicketStatus.ANSWERED: f"answered by {ticket.assignee or 'staff'}",
        TicketStatus.CLOSED: "closed",
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
    def __init__(self, bot: Bot, chat_id: int, store: Store, relay: Relay, tz: dt.tzinfo) -> None:
        self.bot = bot
        self.tz = tz
        self.chat_id = chat_id
        self.store = store
        self.relay = relay
        relay.cards = self

    def is_staff_update(self, update: Update) -> bool:
        chat = update.effective_chat
        return chat is not None and chat.id == self.chat_id

    # -- outgoing ------------------------------------------------------------------------

    async def post_card(self, ticket: Ticket) -> None:
        message = await self.bot.send_message(
            self.chat_id, card_text(ticket), parse_mode="HTML", reply_markup=card_keyboard(ticket)
        )
        await self.store.set_card(ticket.number, message.message_id)

    async def refresh_card(self, ticket: Ticket) -> None:
        if ticket.card_message_id is None:
            return
        try:
            await self.bot.edit_message_text(
                card_text(ticket),
                chat_id=self.chat_id,
                message_id=ticket.card_message_id,
                parse_mode="HTML",
                reply_markup=card_keyboard(ticket),
            )
        except TelegramError as exc:
            # "message is not modified" and deleted cards must not stop the staff action.
            logger.info("card of ticket #%d not edited: %s", ticket.number, exc)

    async def notify(self, notice: StaffNotice) -> None:
        ticket = await self.store.ticket(notice.ticket_number)
        if ticket is None:
            return
        if notice.kind is NoticeKind.OPENED:
            await self.post_card(ticket)
            return
        if notice.kind is NoticeKind.CANCELLED:
            await self.refresh_card(ticket)
            text = f"Request #{ticket.number} was closed by the visitor."
        else:
            prefix = "🚨 EMERGENCY WORDS · " if notice.urgent else ""
            who = html.escape(ticket.display_name or "visitor")
            text = f"{prefix}#{ticket.number} {who}: {html.escape(notice.text[:3500])}"
            if notice.urgent:
                await self.refresh_card(ticket)
        await self.bot.send_message(
            self.chat_id,
            text,
            parse_mode="HTML",
            reply_to_message_id=ticket.card_message_id,
            allow_sending_without_reply=True,
        )

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
        if message is None or not message.text:
            return
        staff = _staff_name(message.from_user)
        command = message.text.strip().split(maxsplit=1)[0].split("@", 1)[0].lower()
        if command == "/tickets":
            await self._list()
        elif command == "/closed":
            await self._closure(message.text)
        elif message.reply_to_message is not None:
            ticket = await self.store.ticket_by_card(message.reply_to_message.message_id)
            if ticket is None:
                return
            answered = await self.relay.reply(ticket.number, staff, message.text)
            if answered is None:
                await self.bot.send_message(
                    self.chat_id,
                    f"Request #{ticket.number} is closed; the answer was not sent.",
                    reply_to_message_id=message.message_id,
                )

    async def _button(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        data = query.data or ""
        staff = _staff_name(query.from_user)
        notice = "Unknown action"
        try:
            if data.startswith(CLAIM):
                ticket = await self.relay.claim(int(data[len(CLAIM) :]), staff)
                notice = f"Claimed #{ticket.number}" if ticket else "No such request"
            elif data.startswith(CLOSE):
                ticket = await self.relay.close(int(data[len(CLOSE) :]), staff)
                notice = f"Closed #{ticket.number}" if ticket else "No such request"
        except ValueError:
            notice = "Unknown action"
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
        await self.bot.send_message(self.chat_id, text, parse_mode="HTML")

    async def _closure(self, text: str) -> None:
        argument = text.strip().split(maxsplit=1)[1:] or [""]
        # The switch holds the office's local date: it lapses by itself at local midnight.
        today = dt.datetime.now(self.tz).date().isoformat()
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
