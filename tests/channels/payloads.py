"""Webhook payloads shaped like the platforms' documented examples, and request signing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import time
from typing import Any

LINE_DESTINATION = "Uf1c0a5b4e3d2c1b0a9f8e7d6c5b4a3f2"
LINE_USER = "U4af4980629b2f1c3d5e7a9b0c2d4e6f8"
TG_CHAT = 1111111
TG_USER = {
    "id": TG_CHAT,
    "is_bot": False,
    "first_name": "Mika",
    "last_name": "Tanaka",
    "username": "mika_t",
    "language_code": "en",
}
TG_BOT = {"id": 7000000001, "is_bot": True, "first_name": "Desk", "username": "desk_bot"}

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_sequence = itertools.count(1)


def ulid() -> str:
    """A ULID like LINE's webhookEventId: 48-bit milliseconds + 80 random bits, Crockford base32."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))


def reply_token() -> str:
    return base64.urlsafe_b64encode(os.urandom(24)).decode().rstrip("=")


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def sign(body: bytes, secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 over the raw body, keyed by the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# ---- LINE (https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects) ----


def line_body(*events: dict[str, Any], destination: str = LINE_DESTINATION) -> dict[str, Any]:
    return {"destination": destination, "events": list(events)}


def _line_event(
    kind: str,
    *,
    user_id: str = LINE_USER,
    event_id: str | None = None,
    token: str | None = None,
    redelivery: bool = False,
    with_token: bool = True,
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind,
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user_id},
        "webhookEventId": event_id or ulid(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if with_token:
        event["replyToken"] = token or reply_token()
    return event


def line_text(text: str, **kwargs: Any) -> dict[str, Any]:
    event = _line_event("message", **kwargs)
    event["message"] = {
        "id": str(444573844083572737 + next(_sequence)),
        "type": "text",
        "quoteToken": "q3Plxr4AgKd" + str(next(_sequence)),
        "text": text,
    }
    return event


def line_postback(data: str, **kwargs: Any) -> dict[str, Any]:
    event = _line_event("postback", **kwargs)
    event["postback"] = {"data": data}
    return event


def line_follow(**kwargs: Any) -> dict[str, Any]:
    event = _line_event("follow", **kwargs)
    event["follow"] = {"isUnblocked": False}
    return event


def line_sticker(**kwargs: Any) -> dict[str, Any]:
    event = _line_event("message", **kwargs)
    event["message"] = {
        "id": str(444573844083572737 + next(_sequence)),
        "type": "sticker",
        "quoteToken": "q3Plxr4AgKd" + str(next(_sequence)),
        "packageId": "446",
        "stickerId": "1988",
        "stickerResourceType": "ANIMATION",
        "keywords": ["happy", "smile"],
    }
    return event


def line_image(**kwargs: Any) -> dict[str, Any]:
    event = _line_event("message", **kwargs)
    event["message"] = {
        "id": str(444573844083572737 + next(_sequence)),
        "type": "image",
        "quoteToken": "q3Plxr4AgKd" + str(next(_sequence)),
        "contentProvider": {"type": "line"},
    }
    return event


# ---- Telegram (https://core.telegram.org/bots/api#update, #message, #callbackquery) ----

_update_ids = itertools.count(847500001)


def update_id() -> int:
    return next(_update_ids)


def tg_message(text: str, *, uid: int | None = None, chat_id: int = TG_CHAT) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 1365 + next(_sequence),
        "from": {**TG_USER, "id": chat_id},
        "chat": {
            "id": chat_id,
            "first_name": TG_USER["first_name"],
            "last_name": TG_USER["last_name"],
            "username": TG_USER["username"],
            "type": "private",
        },
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return {"update_id": uid if uid is not None else update_id(), "message": message}


def tg_callback(data: str, *, uid: int | None = None, chat_id: int = TG_CHAT) -> dict[str, Any]:
    return {
        "update_id": uid if uid is not None else update_id(),
        "callback_query": {
            "id": str(4382000000000000000 + next(_sequence)),
            "from": {**TG_USER, "id": chat_id},
            "message": {
                "message_id": 1366 + next(_sequence),
                "from": TG_BOT,
                "chat": {"id": chat_id, "first_name": TG_USER["first_name"], "type": "private"},
                "date": int(time.time()) - 30,
                "text": "Did you mean one of these?",
            },
            "chat_instance": "-8345012345678901234",
            "data": data,
        },
    }
