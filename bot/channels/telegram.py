"""Telegram adapter (python-telegram-bot v22 as a Bot API client; the webhook route is ours)."""

from __future__ import annotations

import functools
import hmac
import html
import logging
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from telegram import Bot, CopyTextButton, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from bot.channels.web import load_json
from bot.errors import WebhookRejected
from bot.models import Channel, Inbound, InboundKind, Reply
from bot.text import split_utf16, tag_language

logger = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CALLBACK_DATA_LIMIT = 64  # bytes
REQUEST_TIMEOUT = 10.0
CHAT_ID_COMMAND = "/chatid"
GROUP_CHATS = frozenset({"group", "supergroup"})
#: The visitors table's display_name column; Telegram's own names are at most 64 characters.
MAX_DISPLAY_NAME = 200

# The parts of an update this server reads, with the types it relies on. PTB builds its
# objects from whatever it is given ({"text": 123} becomes a Message whose text is an int),
# so an update is checked against these first: a wrong type is a 400 at the webhook, not an
# event that fails in the inbox on every retry.
_Int64 = Annotated[int, Field(strict=True, ge=-(2**63), lt=2**63)]
_Text = Annotated[str, Field(strict=True)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _User(_Part):
    id: _Int64
    first_name: _Text = ""
    last_name: _Text | None = None
    username: _Text | None = None


class _Chat(_Part):
    id: _Int64
    type: _Text


class _Message(_Part):
    message_id: _Int64
    chat: _Chat
    from_: _User | None = Field(default=None, alias="from")
    text: _Text | None = None
    caption: _Text | None = None
    reply_to_message: _Message | None = None


class _Callback(_Part):
    id: _Text
    from_: _User = Field(alias="from")
    data: _Text | None = None
    message: _Message | None = None


class _Update(_Part):
    update_id: _Int64
    message: _Message | None = None
    edited_message: _Message | None = None
    channel_post: _Message | None = None
    edited_channel_post: _Message | None = None
    callback_query: _Callback | None = None


def _checked(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise WebhookRejected(400, "not a Telegram update (update_id missing)")
    try:
        _Update.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise WebhookRejected(400, f"malformed Telegram update: {where}: {first['msg']}") from exc
    return data


def _language_tag(code: str | None) -> str | None:
    """Telegram's ``language_code`` when it reads as a language the desk knows: it is only a
    first guess, and whatever else a client sends is dropped."""
    return code if code and tag_language(code) is not None else None


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    # Telegram's buttons take no tel: links; in an emergency each number gets a button that
    # copies it, and the numbers stand in the text, which clients make tappable.
    copy_rows = [
        [InlineKeyboardButton(f"📋 {contact.phone}", copy_text=CopyTextButton(contact.phone))]
        for contact in reply.contacts
        if reply.urgent and contact.phone
    ]
    rows = copy_rows + [
        [InlineKeyboardButton(option.label[:64], callback_data=option.choice)]
        for option in reply.options
        if len(option.choice.encode("utf-8")) <= CALLBACK_DATA_LIMIT
    ]
    return InlineKeyboardMarkup(rows) if rows else None


# Loggers that write the Bot API URL, which carries the token: httpx logs every request URL
# at INFO, PTB logs its base URLs at DEBUG.
_URL_LOGGERS = ("httpx", "telegram.Bot")


class _RedactToken(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<redacted>")
            record.args = None
        return True


class TelegramChannel:
    def __init__(self, token: str, webhook_secret: str, base_url: str) -> None:
        self._secret = webhook_secret.encode("utf-8")
        # Installed before Bot() is built: its constructor logs the URLs.
        self._redact = _RedactToken(token)
        for name in _URL_LOGGERS:
            logging.getLogger(name).addFilter(self._redact)
        self._request = HTTPXRequest(
            connect_timeout=5.0,
            read_timeout=REQUEST_TIMEOUT,
            write_timeout=REQUEST_TIMEOUT,
            pool_timeout=5.0,
        )
        # No Bot.initialize(): it calls getMe at start-up (and its error message carries the
        # token). Our own request object is initialised and shut down here instead.
        self.bot = Bot(token, base_url=base_url, request=self._request)

    async def start(self) -> None:
        await self._request.initialize()

    async def close(self) -> None:
        await self._request.shutdown()
        for name in _URL_LOGGERS:
            logging.getLogger(name).removeFilter(self._redact)

    def verify(self, secret_header: str | None) -> None:
        # A header that is not UTF-8 arrives with surrogates in it: "replace" makes it a
        # wrong secret (the secret is A-Z, a-z, 0-9, _ and -), where strict encoding raised.
        if not secret_header or not hmac.compare_digest(
            secret_header.encode("utf-8", "replace"), self._secret
        ):
            raise WebhookRejected(401, "missing or wrong X-Telegram-Bot-Api-Secret-Token")

    def parse(self, body: bytes, secret_header: str | None) -> Inbound | None:
        return self.convert(self.parse_update(body, secret_header))

    def parse_update(self, body: bytes, secret_header: str | None) -> Update:
        """Verify the secret, then decode the update (visitor or staff group alike)."""
        self.verify(secret_header)
        data = _checked(load_json(body, "the body"))
        try:
            update = Update.de_json(data, self.bot)
        except (AttributeError, KeyError, TypeError, ValueError, RecursionError) as exc:
            # PTB trusts the payload's shape: {"message": "x"} raises AttributeError.
            raise WebhookRejected(400, f"malformed Telegram update: {type(exc).__name__}") from exc
        return update

    @staticmethod
    def chat_id_request(update: Update) -> int | None:
        """The group's id when ``update`` is ``/chatid`` sent in a group, else None.

        Answered in any group the bot is in, so an operator can learn the id of the group to
        set as STAFF_TELEGRAM_CHAT_ID before any staff group is configured.
        """
        message = update.message
        if message is None or message.chat.type not in GROUP_CHATS or not message.text:
            return None
        command = message.text.strip().split(maxsplit=1)[0].split("@", 1)[0].lower()
        return message.chat.id if command == CHAT_ID_COMMAND else None

    async def tell_chat_id(self, chat_id: int, staff_chat_id: int | None) -> None:
        if chat_id == staff_chat_id:
            text = f"This group is the staff group: STAFF_TELEGRAM_CHAT_ID={chat_id}."
        else:
            text = (
                f"This group's chat id is {chat_id}. To make it the staff group, set "
                f"STAFF_TELEGRAM_CHAT_ID={chat_id} and restart the bot."
            )
        await self.bot.send_message(chat_id, text)

    @staticmethod
    def convert(update: Update) -> Inbound | None:
        event_id = str(update.update_id)
        if update.callback_query is not None:
            query = update.callback_query
            chat = query.message.chat if query.message is not None else None
            if chat is not None and chat.type != "private":
                return None  # a button in some group: not a visitor conversation
            user_id = str(chat.id if chat is not None else query.from_user.id)
            return Inbound(
                Channel.TELEGRAM,
                user_id,
                InboundKind.CHOICE,
                choice=query.data or "",
                event_id=event_id,
                reply_token=query.id,
                display_name=query.from_user.full_name[:MAX_DISPLAY_NAME],
                language=_language_tag(query.from_user.language_code),
            )
        message = update.message
        if message is None or message.chat.type != "private":
            return None  # edits, channel posts, groups: not a visitor conversation
        name = message.from_user.full_name[:MAX_DISPLAY_NAME] if message.from_user else None
        language = _language_tag(message.from_user.language_code if message.from_user else None)
        if message.text is not None:
            return Inbound(
                Channel.TELEGRAM,
                str(message.chat.id),
                InboundKind.TEXT,
                text=message.text,
                event_id=event_id,
                display_name=name,
                language=language,
            )
        return Inbound(
            Channel.TELEGRAM,
            str(message.chat.id),
            InboundKind.UNSUPPORTED,
            event_id=event_id,
            display_name=name,
            language=language,
        )

    async def deliver(
        self,
        user_id: str,
        replies: list[Reply],
        reply_token: str | None,
        retry_key: str,
        *,
        push_if_token_spent: bool = True,
        parts_sent: int = 0,
        on_part_sent: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        """The outbox's delivery; ``reply_token`` is a callback-query id to acknowledge.

        An answer is several Bot API calls (long text in chunks, then locations), and the API
        has no idempotency key: a retry starts after the last part that got through, so a
        visitor never sees the first half of an answer twice.
        """
        if reply_token and parts_sent == 0:
            try:
                await self.bot.answer_callback_query(reply_token)
            except TelegramError as exc:
                logger.warning("answerCallbackQuery failed: %s", exc)
        parts = [part for reply in replies for part in self._parts(int(user_id), reply)]
        for number, send in enumerate(parts[parts_sent:], start=parts_sent + 1):
            await send()
            if on_part_sent is not None and number < len(parts):
                await on_part_sent(number)

    async def send_reply(self, chat_id: int, reply: Reply) -> None:
        for send in self._parts(chat_id, reply):
            await send()

    def _parts(self, chat_id: int, reply: Reply) -> list[Callable[[], Awaitable[object]]]:
        """One Bot API call for each part of ``reply``, in order, not yet made."""
        # Split before escaping so an entity (&amp;) is never cut; escaping grows a chunk by
        # at most a few characters per "<>&", well inside the margin left below 4096.
        chunks = [
            html.escape(chunk, quote=False) for chunk in split_utf16(reply.text, TEXT_LIMIT - 596)
        ] or [" "]
        parts: list[Callable[[], Awaitable[object]]] = [
            functools.partial(
                self.bot.send_message,
                chat_id,
                chunk,
                parse_mode="HTML",
                reply_markup=_keyboard(reply) if index == len(chunks) - 1 else None,
                disable_web_page_preview=True,
            )
            for index, chunk in enumerate(chunks)
        ]
        for contact in reply.contacts:
            if contact.geo is not None:
                parts.append(
                    functools.partial(
                        self.bot.send_location, chat_id, contact.geo.lat, contact.geo.lon
                    )
                )
        return parts
