"""Helpers for the Telegram staff group tests: the app with ``STAFF_TELEGRAM_CHAT_ID`` set, and
staff-side Telegram updates (messages, replies to cards, button taps) from any chat.

Builds on :mod:`tests.channels.conftest`: the same fake LINE and Telegram APIs, the same fixed
clock (a Thursday morning in Hualien, office open).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import Callable
from typing import Any

from bot.keys import STAFF_GROUP, STORE
from bot.store import Store, Ticket
from bot.store import db as store_db
from tests.channels.conftest import NOW, Desk, DeskFactory
from tests.channels.payloads import TG_BOT, update_id
from tests.fakes.telegram_api import TelegramCall

#: A Telegram supergroup id (negative, -100 prefix) for the staff group.
STAFF_CHAT = -1001987654321
#: Another group the bot might sit in: never a staff chat.
OTHER_GROUP = -1001555000111
#: A staff member's own private chat with the bot.
STAFF_PRIVATE = 2220001
STAFF_USER = {
    "id": STAFF_PRIVATE,
    "is_bot": False,
    "first_name": "Mei",
    "last_name": "Lin",
    "username": "mei_lin",
    "language_code": "zh-hant",
}
STAFF_NAME = "Mei Lin"

_message_ids = itertools.count(9001)


async def start_staff_desk(make_desk: DeskFactory) -> Desk:
    """LINE + Telegram visitors, staff group ``STAFF_CHAT`` on, the group on the desk's clock."""
    desk = await make_desk(staff_telegram_chat_id=STAFF_CHAT)
    # create_app does not hand its clock to the staff group (yet): the closure switch must
    # record the same local date the desk compares against.
    desk.app[STAFF_GROUP].clock = lambda: NOW
    return desk


def store(desk: Desk) -> Store:
    return desk.app[STORE]


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": STAFF_USER["first_name"]}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    title = "Exchange desk staff" if chat_id == STAFF_CHAT else "Hualien volunteers"
    return {"id": chat_id, "type": kind, "title": title}


def staff_message(
    text: str,
    *,
    reply_to: int | None = None,
    reply_to_text: str = "Request #1",
    reply_to_author: dict[str, Any] | None = None,
    chat_id: int = STAFF_CHAT,
    user: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A message typed in a chat (the staff group by default), optionally replying to one
    (by default one of the bot's, whose plain text is ``reply_to_text``)."""
    message: dict[str, Any] = {
        "message_id": next(_message_ids),
        "from": user or STAFF_USER,
        "chat": _chat(chat_id),
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    if reply_to is not None:
        message["reply_to_message"] = {
            "message_id": reply_to,
            "from": reply_to_author or TG_BOT,
            "chat": _chat(chat_id),
            "date": int(time.time()) - 60,
            "text": reply_to_text,
        }
    return {"update_id": update_id(), "message": message}


def staff_callback(
    data: str, *, card_id: int, chat_id: int = STAFF_CHAT, user: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A tap on an inline button under the bot's message ``card_id`` in ``chat_id``."""
    return {
        "update_id": update_id(),
        "callback_query": {
            "id": str(5382000000000000000 + next(_message_ids)),
            "from": user or STAFF_USER,
            "message": {
                "message_id": card_id,
                "from": TG_BOT,
                "chat": _chat(chat_id),
                "date": int(time.time()) - 60,
                "text": "Request #1",
            },
            "chat_instance": "-6345012345678901234",
            "data": data,
        },
    }


def to_chat(desk: Desk, chat_id: int, method: str = "sendMessage") -> list[TelegramCall]:
    return [c for c in desk.telegram.calls_to(method) if c.params.get("chat_id") == str(chat_id)]


def cards(desk: Desk, number: int) -> list[TelegramCall]:
    """Every card of ticket ``number`` posted to the staff group (first post, then reposts)."""
    headline = f"Request #{number}</b>"
    return [c for c in to_chat(desk, STAFF_CHAT) if headline in c.params["text"]]


async def wait_until(check: Callable[[], bool], seconds: float = 5.0) -> None:
    """Poll a synchronous predicate (for calls that arrive after the webhook returned)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def ticket(desk: Desk, number: int) -> Ticket:
    found = await store(desk).ticket(number)
    assert found is not None, f"ticket #{number} does not exist"
    return found


def later(minutes: float) -> dt.datetime:
    """The store's clock plus ``minutes``: it stamps the rows ``now`` is compared with."""
    return store_db.utcnow() + dt.timedelta(minutes=minutes)
