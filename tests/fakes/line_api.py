"""A fake LINE Messaging API: records every request and answers like api.line.me.

The real ``linebot.v3`` async client talks to it (``Configuration(host=fake.url)``), so tests
assert the exact JSON LINE would receive.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"


@dataclass(frozen=True)
class LineCall:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class _Failure:
    remaining: int
    status: int
    path: str | None
    message: str


@dataclass
class FakeLineApi:
    """Start with :meth:`start`; ``url`` is then the value for ``LINE_API_BASE_URL``."""

    access_token: str
    calls: list[LineCall] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _server: TestServer | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100000001))

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeLineApi.start() was not awaited"
        return str(self._server.make_url("")).rstrip("/")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
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
        path: str | None = None,
        message: str = "The request failed",
    ) -> None:
        """Answer the next ``count`` calls (to ``path``, or any) with ``status``."""
        self._failures.append(_Failure(count, status, path, message))

    def calls_to(self, path: str) -> list[LineCall]:
        return [call for call in self.calls if call.path == path]

    @property
    def sent(self) -> list[LineCall]:
        """Reply and push calls: what reached (or tried to reach) a visitor."""
        return [call for call in self.calls if call.path in (REPLY, PUSH)]

    async def wait_for(self, path: str, count: int = 1, seconds: float = 5.0) -> list[LineCall]:
        """Poll until ``count`` calls to ``path`` were recorded (at most ``seconds``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.calls_to(path)) < count:
            if loop.time() > deadline:
                raise AssertionError(
                    f"fake LINE API: expected {count} call(s) to {path} within {seconds}s, "
                    f"got {[c.path for c in self.calls]}"
                )
            await asyncio.sleep(0.01)
        return self.calls_to(path)

    def _failure_for(self, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.remaining > 0 and failure.path in (None, path):
                failure.remaining -= 1
                return failure
        return None

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.calls.append(LineCall(request.method, request.path, dict(request.headers), body))
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.json_response({"message": "Authentication failed"}, status=401)
        failure = self._failure_for(request.path)
        if failure is not None:
            return web.json_response({"message": failure.message}, status=failure.status)
        if request.method == "POST" and request.path in (REPLY, PUSH):
            if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
            sent = [
                {"id": str(next(self._ids)), "quoteToken": f"quote-{n}"}
                for n, _ in enumerate(body["messages"])
            ]
            return web.json_response({"sentMessages": sent})
        if request.method == "POST" and request.path == "/v2/bot/chat/loading/start":
            return web.json_response({}, status=202)
        return web.json_response({"message": "Not found"}, status=404)
