"""Property: whatever a client sends to whichever route (any method, query, headers and body,
with or without valid credentials), the server answers below 500, logs no error of its own,
and stays healthy.

The real app runs on 127.0.0.1 in a thread of its own (its own event loop, LINE and Telegram
on fakes), so that hypothesis drives it with plain blocking HTTP from the test.
"""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import logging
import re
import threading
import urllib.parse
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import STORE, create_app
from bot.kb.loader import KnowledgeBase
from bot.settings import Settings
from bot.staff.accounts import hash_password
from tests.channels.conftest import LINE_SECRET, LINE_TOKEN, TELEGRAM_SECRET, TELEGRAM_TOKEN
from tests.channels.payloads import dumps, line_body, line_text, sign, tg_callback, tg_message
from tests.conftest import KNOWLEDGE_DIR
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

STAFF_CHAT = -1001987654321
STAFF_NAME = "Mei"
STAFF_PASSWORD = "typhoon-season-2026"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD")


class _Errors(logging.Handler):
    """ERROR records of the server's own loggers (bot.*)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot"):
            self.records.append(record)


@dataclass
class Served:
    port: int
    routes: list[tuple[str, str]]
    cookie: str = ""
    csrf: str = ""
    errors: _Errors = field(default_factory=_Errors)

    def exchange(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, Any] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body or method in ("POST", "PUT", "PATCH"):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body or None)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, Any] | None = None
    ) -> tuple[int, bytes]:
        status, _, answer = self.exchange(method, path, body, headers)
        return status, answer


def _serve(tmp_path: Path, kb: KnowledgeBase, ready: threading.Event, box: dict[str, Any]) -> None:
    loop = asyncio.new_event_loop()
    box["loop"] = loop

    async def start() -> None:
        line = FakeLineApi(LINE_TOKEN)
        await line.start()
        telegram = FakeTelegramApi(TELEGRAM_TOKEN)
        await telegram.start()
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'property.db'}",
            knowledge_dir=KNOWLEDGE_DIR,
            line_channel_secret=LINE_SECRET,
            line_channel_access_token=LINE_TOKEN,
            line_api_base_url=line.url,
            telegram_bot_token=TELEGRAM_TOKEN,
            telegram_webhook_secret=TELEGRAM_SECRET,
            telegram_api_base_url=telegram.base_url,
            staff_telegram_chat_id=STAFF_CHAT,
            # The budget per address would answer most examples 429 before they reach a route.
            web_chat_messages_per_minute=100_000,
        )
        app = create_app(settings, kb=kb)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        await app[STORE].add_staff(STAFF_NAME, hash_password(STAFF_PASSWORD))
        box.update(
            runner=runner,
            fakes=(line, telegram),
            port=runner.addresses[0][1],
            routes=sorted(
                {(r.method, r.resource.canonical) for r in app.router.routes() if r.resource}
            ),
        )

    async def stop() -> None:
        await box["runner"].cleanup()
        for fake in box["fakes"]:
            await fake.close()

    try:
        loop.run_until_complete(start())
    except BaseException as exc:
        box["error"] = exc
        ready.set()
        loop.close()
        return
    ready.set()
    loop.run_until_complete(box["stopped"].wait())
    loop.run_until_complete(stop())
    loop.close()


def _sign_in(served: Served) -> None:
    """A signed-in staff session: its cookie and CSRF token."""
    status, headers, page = served.exchange("GET", "/staff/login")
    assert status == 200
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(rb'name="csrf" value="([^"]+)"', page)
    assert token is not None
    form = urllib.parse.urlencode(
        {"csrf": token[1].decode(), "name": STAFF_NAME, "password": STAFF_PASSWORD}
    ).encode()
    status, headers, _ = served.exchange(
        "POST",
        "/staff/login",
        form,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 303, status
    served.cookie = headers["Set-Cookie"].split(";", 1)[0]
    status, _, page = served.exchange("GET", "/staff", headers={"Cookie": served.cookie})
    assert status == 200
    token = re.search(rb'name="csrf" value="([^"]+)"', page)
    assert token is not None
    served.csrf = token[1].decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> Iterator[Served]:
    box: dict[str, Any] = {}
    ready = threading.Event()

    def run() -> None:
        box["stopped"] = asyncio.Event()
        _serve(tmp_path_factory.mktemp("property"), kb, ready, box)

    thread = threading.Thread(target=run, name="property-server", daemon=True)
    thread.start()
    assert ready.wait(60), "the server did not start"
    if "error" in box:
        raise box["error"]
    result = Served(box["port"], box["routes"])
    logging.getLogger().addHandler(result.errors)
    try:
        _sign_in(result)
        yield result
    finally:
        logging.getLogger().removeHandler(result.errors)
        box["loop"].call_soon_threadsafe(box["stopped"].set)
        thread.join(60)


# ---- what a client may send ------------------------------------------------------------------

_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=15,
)
_TEMPLATES = (
    line_body(line_text("sister cities")),
    tg_message("hello"),
    tg_callback("staff"),
    {"update_id": 1, "callback_query": {"id": "1", "from": {"id": STAFF_CHAT}, "data": "claim:1"}},
    {"session": "property-session-1", "text": "I want to talk to a person"},
    {"session": "property-session-2", "choice": "ticket:status"},
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@st.composite
def _mutated(draw: st.DrawFn) -> Any:
    """A real payload with one of its parts replaced by anything."""
    template = json.loads(json.dumps(draw(st.sampled_from(_TEMPLATES))))
    path = draw(st.sampled_from(_paths(template)))
    replacement = draw(_json)
    if not path:
        return replacement
    target = template
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = replacement
    return template


_bodies = st.one_of(
    st.binary(max_size=300),
    _json.map(lambda v: json.dumps(v).encode()),
    _mutated().map(dumps),
    st.sampled_from(
        [
            b"",
            b"[" * 5000,
            b"1" * 5000,
            b'{"a":' * 3000 + b"1" + b"}" * 3000,
            b"\xff\xfe\x00garbage",
            b'{"session": "x\\ud800y", "text": "\\u0000"}',
        ]
    ),
)
_header_value = st.binary(max_size=120).filter(lambda b: not re.search(rb"[\r\n\x00]", b))
_HEADER_NAMES = (
    "Content-Type",
    "X-Line-Signature",
    "X-Telegram-Bot-Api-Secret-Token",
    "X-CSRF-Token",
    "X-Chat-Session",
    "X-Forwarded-For",
    "Cookie",
    "Accept",
    "Origin",
    "Content-Encoding",
)
_CONTENT_TYPES = (
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/octet-stream",
)


@dataclass(frozen=True)
class Attempt:
    method: str
    path: str
    body: bytes
    headers: dict[str, Any]


@st.composite
def attempts(draw: st.DrawFn, routes: list[tuple[str, str]]) -> Attempt:
    method, canonical = draw(st.sampled_from(routes))
    if draw(st.booleans()):
        method = draw(st.sampled_from(METHODS))
    number = draw(
        st.one_of(
            st.integers(min_value=0, max_value=10**30).map(str),
            st.text(max_size=12).map(lambda t: urllib.parse.quote(t, safe="")),
        )
    )
    path = canonical.replace("{number}", number or "0")
    query = draw(st.dictionaries(st.text(max_size=8), st.text(max_size=30), max_size=3))
    if query:
        path += "?" + urllib.parse.urlencode(query)
    body = draw(_bodies)
    headers: dict[str, Any] = {}
    for name in draw(st.lists(st.sampled_from(_HEADER_NAMES), unique=True, max_size=4)):
        headers[name] = draw(_header_value)
    if draw(st.booleans()):
        headers["Content-Type"] = draw(st.sampled_from(_CONTENT_TYPES))
    encoding = draw(st.sampled_from(["", "", "", "gzip", "deflate", "gzip-lie"]))
    if encoding == "gzip":
        body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
    elif encoding == "deflate":
        body, headers["Content-Encoding"] = zlib.compress(body), "deflate"
    elif encoding == "gzip-lie":
        headers["Content-Encoding"] = "gzip"
    return Attempt(method, path, body, headers)


def _with_credentials(served: Served, attempt: Attempt, credentials: bool) -> Attempt:
    if not credentials:
        return attempt
    headers = dict(attempt.headers)
    headers["X-Line-Signature"] = sign(attempt.body, LINE_SECRET)
    headers["X-Telegram-Bot-Api-Secret-Token"] = TELEGRAM_SECRET
    headers["Cookie"] = served.cookie
    headers["X-CSRF-Token"] = served.csrf
    return Attempt(attempt.method, attempt.path, attempt.body, headers)


# ---- the property ----------------------------------------------------------------------------


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_route_answers_5xx_to_anything(served: Served, data: st.DataObject) -> None:
    attempt = data.draw(attempts(served.routes), label="attempt")
    # Signing out would end the session the other examples use: tried in the console tests.
    credentials = data.draw(st.booleans(), label="credentials") and "logout" not in attempt.path
    attempt = _with_credentials(served, attempt, credentials)
    status, body = served.request(attempt.method, attempt.path, attempt.body, attempt.headers)
    assert status < 500, (status, attempt, body[:300])
    assert b"Traceback" not in body
    assert not served.errors.records, [r.getMessage() for r in served.errors.records]
    assert served.request("GET", "/healthz")[0] == 200


def test_the_server_is_healthy_after_the_property_run(served: Served) -> None:
    assert served.request("GET", "/healthz")[0] == 200
    assert served.request("GET", "/readyz")[0] == 200
    # The session the examples used is still good: nothing above signed it out.
    assert served.request("GET", "/staff", headers={"Cookie": served.cookie})[0] == 200
