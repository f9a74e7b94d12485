"""A fake LINE Messaging API for the fault tests, stricter than :mod:`tests.fakes.line_api`.

It keeps LINE's own guarantees, so "shown to the visitor once" can be counted here:

- a reply token works once (a second use is 400 "Invalid reply token", as on LINE);
- a push whose ``X-Line-Retry-Key`` was already accepted is 409 and shown no second time;
- only an answer with status 200 reaches the visitor (:attr:`LinePlatform.shown`).

And it can misbehave on demand: answer every call with an error status (optionally with a
``Retry-After`` header), or sleep before answering. Every request is recorded with the status
it got and the loop time it arrived at.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fakes.line_api import PUSH, REPLY


@dataclass(frozen=True)
class Call:
    at: float  #: event-loop time the request arrived
    path: str
    headers: dict[str, str]
    body: Any
    status: int  #: what the fake answered

    @property
    def retry_key(self) -> str | None:
        return self.headers.get("X-Line-Retry-Key")

    @property
    def texts(self) -> list[str]:
        messages = self.body.get("messages", []) if isinstance(self.body, dict) else []
        return [m.get("text", "") for m in messages if isinstance(m, dict)]


@dataclass
class LinePlatform:
    """Start with :meth:`start`; ``url`` is then the value for ``LINE_API_BASE_URL``."""

    access_token: str
    #: Answer every call with this status (None: behave).
    error_status: int | None = None
    #: The Retry-After header sent with ``error_status`` (seconds), if any.
    retry_after: str | None = None
    #: Seconds to sleep before answering each call.
    hang: float = 0.0
    calls: list[Call] = field(default_factory=list)
    #: Requests received and not answered yet (sleeping in a hang).
    in_flight: int = 0
    _used_tokens: set[str] = field(default_factory=set)
    _accepted_keys: dict[str, str] = field(default_factory=dict)
    _server: TestServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "LinePlatform.start() was not awaited"
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._server = TestServer(app, host="127.0.0.1", port=0)
        # No access log: the request lines carry the bot token.
        await self._server.start_server(access_log=None, shutdown_timeout=0.5)

    async def close(self) -> None:
        if self._server is not None:
            await self._server.close()
            self._server = None

    def behave(self) -> None:
        self.error_status = None
        self.retry_after = None
        self.hang = 0.0

    @property
    def shown(self) -> list[Call]:
        """Reply and push calls that reached a visitor (LINE answered 200)."""
        return [c for c in self.calls if c.path in (REPLY, PUSH) and c.status == 200]

    def shown_per(self, keys: dict[str, str]) -> Counter[str]:
        """How many times each event was shown, given ``keys``: reply token or user id → event.

        A reply is known by its reply token, a push by its recipient.
        """
        counts: Counter[str] = Counter()
        for call in self.shown:
            key = call.body["replyToken"] if call.path == REPLY else call.body["to"]
            counts[keys.get(key, f"unknown:{key}")] += 1
        return counts

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = asyncio.get_running_loop().time()
        raw = await request.read()
        try:
            body: Any = await request.json() if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        if self.hang:
            self.in_flight += 1
            try:
                await asyncio.sleep(self.hang)
            finally:
                self.in_flight -= 1
        status, answer, headers = self._answer(request, body)
        self.calls.append(Call(arrived, request.path, dict(request.headers), body, status))
        return web.json_response(answer, status=status, headers=headers)

    def _answer(
        self, request: web.Request, body: Any
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, {"message": "Authentication failed"}, {}
        if self.error_status is not None:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return self.error_status, {"message": "The request failed"}, headers
        if request.method == "POST" and request.path == "/v2/bot/chat/loading/start":
            return 202, {}, {}
        if request.method != "POST" or request.path not in (REPLY, PUSH):
            return 404, {"message": "Not found"}, {}
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return 400, {"message": "The request body has 1 error(s)"}, {}
        request_id = str(uuid.uuid4())
        if request.path == REPLY:
            token = str(body.get("replyToken"))
            if token in self._used_tokens:
                return 400, {"message": "Invalid reply token"}, {}
            self._used_tokens.add(token)
        else:
            key = request.headers.get("X-Line-Retry-Key")
            if key is not None:
                if key in self._accepted_keys:
                    return (
                        409,
                        {"message": "The retry key is already accepted"},
                        {"x-line-accepted-request-id": self._accepted_keys[key]},
                    )
                self._accepted_keys[key] = request_id
        sent = [
            {"id": f"{n}{request_id[:8]}", "quoteToken": "q"} for n in range(len(body["messages"]))
        ]
        return 200, {"sentMessages": sent}, {"x-line-request-id": request_id}
