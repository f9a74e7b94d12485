"""A fake Telegram Bot API: routes ``/bot{token}/{method}``, records calls, answers like Telegram.

The real python-telegram-bot ``Bot(base_url=fake.base_url)`` talks to it. PTB sends
``application/x-www-form-urlencoded`` bodies in which nested objects (``reply_markup``,
``link_preview_options`` …) are JSON strings; :attr:`TelegramCall.params` decodes those.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

# Parameters that PTB serialises as JSON inside a form field.
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "link_preview_options",
        "entities",
        "caption_entities",
        "reply_parameters",
        "allowed_updates",
        "media",
        "commands",
        "scope",
    }
)


@dataclass(frozen=True)
class TelegramCall:
    method: str
    token: str
    headers: dict[str, str]
    #: Form fields as received (strings), nested JSON fields decoded.
    params: dict[str, Any]
    #: The id of the message it sent (sendMessage, sendLocation), once answered.
    message_id: int | None = None


@dataclass
class _Failure:
    remaining: int
    #: Matching calls still to let through before failing.
    skip: int
    status: int
    method: str | None
    description: str
    retry_after: int | None


@dataclass
class FakeTelegramApi:
    """Start with :meth:`start`; ``base_url`` is then the value for ``TELEGRAM_API_BASE_URL``."""

    token: str
    bot_id: int = 7000000001
    calls: list[TelegramCall] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _server: TestServer | None = None
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5001))

    # -- state that setWebhook / setMyCommands change (python -m bot setup) ----------------
    webhook: dict[str, Any] = field(default_factory=dict)
    #: Command lists by (scope type, language code or ""), as setMyCommands received them.
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    #: What getWebhookInfo reports as Telegram's last failure to deliver an update.
    last_error_message: str | None = None
    last_error_date: int | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeTelegramApi.start() was not awaited"
        return str(self._server.make_url("/bot"))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", r"/bot{token}/{method}", self._handle)
        # No access log: the fake's request lines (which carry the bot token) are not the
        # server's logs, which tests check for secrets.
        self._server = TestServer(app, host="127.0.0.1", port=0)
        await self._server.start_server(access_log=None)

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        method: str | None = None,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        after: int = 0,
    ) -> None:
        """Answer the next ``count`` calls (of ``method``, or any) with an error, once
        ``after`` such calls have gone through."""
        self._failures.append(_Failure(count, after, status, method, description, retry_after))

    def calls_to(self, method: str) -> list[TelegramCall]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(
        self, method: str, count: int = 1, seconds: float = 5.0
    ) -> list[TelegramCall]:
        """Poll until ``count`` calls of ``method`` were recorded (at most ``seconds``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.calls_to(method)) < count:
            if loop.time() > deadline:
                raise AssertionError(
                    f"fake Bot API: expected {count} {method} call(s) within {seconds}s, "
                    f"got {[c.method for c in self.calls]}"
                )
            await asyncio.sleep(0.01)
        return self.calls_to(method)

    def _failure_for(self, method: str) -> _Failure | None:
        for failure in self._failures:
            if failure.remaining > 0 and failure.method in (None, method):
                if failure.skip > 0:
                    failure.skip -= 1
                    return None
                failure.remaining -= 1
                return failure
        return None

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data = await request.json()
            return dict(data) if isinstance(data, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else "<file>"
            params[key] = json.loads(text) if key in JSON_FIELDS else text
        return params

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        raw_chat = str(params.get("chat_id", "0"))
        chat: dict[str, Any] = (
            {"id": int(raw_chat), "type": "private" if int(raw_chat) > 0 else "group"}
            if raw_chat.lstrip("-").isdigit()
            else {"id": -1001, "type": "channel", "username": raw_chat.lstrip("@")}
        )
        if chat["type"] == "group":
            chat["title"] = "Staff"
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": "Desk",
                "username": "desk_bot",
            },
            **extra,
        }

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        params = await self._params(request)
        call = TelegramCall(method, token, dict(request.headers), params)
        self.calls.append(call)
        if token != self.token:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        failure = self._failure_for(method)
        if failure is not None:
            payload: dict[str, Any] = {
                "ok": False,
                "error_code": failure.status,
                "description": failure.description,
            }
            if failure.retry_after is not None:
                payload["parameters"] = {"retry_after": failure.retry_after}
            return web.json_response(payload, status=failure.status)
        result: Any
        if method == "getMe":
            result = {
                "id": self.bot_id,
                "is_bot": True,
                "first_name": "Desk",
                "username": "desk_bot",
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        elif method == "sendMessage":
            result = self._message(params, text=str(params.get("text", "")))
        elif method == "sendLocation":
            result = self._message(
                params,
                location={
                    "latitude": float(params.get("latitude", 0)),
                    "longitude": float(params.get("longitude", 0)),
                },
            )
        elif method == "setWebhook":
            self.webhook = params
            result = True
        elif method == "setMyCommands":
            scope = params.get("scope") or {"type": "default"}
            key = (str(scope.get("type")), str(params.get("language_code", "")))
            self.commands[key] = list(params.get("commands", []))
            result = True
        elif method == "getWebhookInfo":
            result = self._webhook_info()
        else:  # answerCallbackQuery, deleteWebhook …
            result = True
        if isinstance(result, dict) and "message_id" in result:
            at = next(n for n, recorded in enumerate(self.calls) if recorded is call)
            self.calls[at] = dataclasses.replace(call, message_id=result["message_id"])
        return web.json_response({"ok": True, "result": result})

    def _webhook_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": str(self.webhook.get("url", "")),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        if "allowed_updates" in self.webhook:
            info["allowed_updates"] = self.webhook["allowed_updates"]
        if self.last_error_message is not None:
            info["last_error_message"] = self.last_error_message
            info["last_error_date"] = self.last_error_date or int(time.time())
        return info
