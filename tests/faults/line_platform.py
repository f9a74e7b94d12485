"""A fake LINE Messaging API for the fault tests, stricter than :mod:`tests.fakes.line_api`.

It keeps LINE's own guarantees, so "shown to the visitor once" can be counted here:

- a reply token works once (a second use is 400 "Invalid reply token", as on LINE);
- a push whose ``X-Line-Retry-Key`` was already accepted is 409 and shown no second time;
- only an answer with status 200 reaches the visitor (:attr:`LinePlatform.shown`).

And it can misbehave on demand: answer every call with an error status (optionally with a
``Retry-After`` header), or sleep before answering. Every request is recorded with the status
it got and the loop time it arrived at.

Two failures make the outcome of a reply unknown to the server that sent it, the hard case
for "shown exactly once" (LINE's reply API takes no retry key):

- ``fail_after_accepting``: a reply takes effect (the visitor sees it), then the call is
  answered 500, as when LINE's edge fails after delivering;
- ``hold``: the replies of one caller take effect and are then not answered at all until
  ``release``, as when the replica that sent them is killed before the answer arrives.

A caller is told apart by a first path segment before ``/v2``: a server given
``LINE_API_BASE_URL=<url>/replica-a`` calls ``/replica-a/v2/bot/message/reply``.
"""

from __future__ import annotations

import asyncio
import dataclasses
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
    #: The first path segment the caller's base URL carries, if any.
    via: str | None = None
    #: Whether it reached the visitor (a 200, or a reply accepted before failing).
    delivered: bool = False

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
    #: Replies still to take effect and then be answered 500.
    fail_after_accepting: int = 0
    #: Callers whose replies take effect and are then held unanswered until ``release``.
    held: set[str] = field(default_factory=set)
    _released: asyncio.Event = field(default_factory=asyncio.Event)
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
        self.fail_after_accepting = 0

    def hold(self, caller: str) -> None:
        """Hold the replies of ``caller`` (after they took effect) until ``release``."""
        self._released.clear()
        self.held.add(caller)

    def release(self) -> None:
        self.held.clear()
        self._released.set()

    def holding(self, caller: str) -> int:
        """Replies of ``caller`` that took effect and were not answered yet."""
        return sum(1 for c in self.calls if c.via == caller and c.status == 0)

    @property
    def shown(self) -> list[Call]:
        """Reply and push calls that reached a visitor."""
        return [c for c in self.calls if c.path in (REPLY, PUSH) and c.delivered]

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
        first, _, rest = request.path.lstrip("/").partition("/")
        via, path = (first, f"/{rest}") if first and first != "v2" else (None, request.path)
        if self.hang:
            self.in_flight += 1
            try:
                await asyncio.sleep(self.hang)
            finally:
                self.in_flight -= 1
        status, answer, headers = self._answer(request, path, body)
        call = Call(arrived, path, dict(request.headers), body, status, via, status == 200)
        if path == REPLY and status == 200 and via is not None and via in self.held:
            # It took effect; the answer waits (status 0 until then), likely for a dead caller.
            waiting = dataclasses.replace(call, status=0)
            self.calls.append(waiting)
            await self._released.wait()
            at = next(n for n, recorded in enumerate(self.calls) if recorded is waiting)
            self.calls[at] = call
        elif path == REPLY and status == 200 and self.fail_after_accepting > 0:
            self.fail_after_accepting -= 1
            call = dataclasses.replace(call, status=500)
            self.calls.append(call)
            return web.json_response({"message": "Internal server error"}, status=500)
        else:
            self.calls.append(call)
        return web.json_response(answer, status=status, headers=headers)

    def _answer(
        self, request: web.Request, path: str, body: Any
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return 401, {"message": "Authentication failed"}, {}
        if self.error_status is not None:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return self.error_status, {"message": "The request failed"}, headers
        if request.method == "POST" and path == "/v2/bot/chat/loading/start":
            return 202, {}, {}
        if request.method != "POST" or path not in (REPLY, PUSH):
            return 404, {"message": "Not found"}, {}
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return 400, {"message": "The request body has 1 error(s)"}, {}
        request_id = str(uuid.uuid4())
        if path == REPLY:
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
