"""A black-box hostile-input run against a running server (``python -m bot serve`` on SQLite,
LINE and Telegram on fakes, the staff group on).

Every route, with every method, gets malformed, oversized and compressed bodies (a zip bomb
among them), wrong content types and hostile headers, each once without and once with valid
credentials (the LINE signature over that very body, the Telegram secret, a signed-in staff
session with its CSRF token, a web-chat session); raw bytes on the socket add what no client
library sends (bytes that are not UTF-8 in a header, a smuggling Content-Length beside a
Transfer-Encoding, broken chunks, a header line of 20 kB). Meanwhile real visitors keep
writing on LINE, Telegram and the web chat, and staff answer from the console.

Zero 5xx; every real message answered, every staff answer delivered (no lost event); the
server alive and ready at the end, and its log without an unexpected error.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import io
import itertools
import json
import os
import re
import subprocess
import sys
import uuid
import zlib
from collections import Counter
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import create_app
from bot.kb.loader import KnowledgeBase
from bot.settings import Settings
from tests.channels.payloads import dumps, line_body, line_text, sign, tg_callback, tg_message
from tests.conftest import KNOWLEDGE_DIR, ROOT
from tests.fakes.line_api import PUSH, REPLY
from tests.fakes.telegram_api import FakeTelegramApi
from tests.faults.conftest import LINE_SECRET, LINE_TOKEN, ServerMaker, wait_until
from tests.faults.line_platform import LinePlatform

pytestmark = pytest.mark.faults

TELEGRAM_TOKEN = "7000000002:AAHhostileRunToken_only-x9Kq2LmN3pR7"
TELEGRAM_SECRET = "hostile-run-secret_Tw9xQ4mZ7pL2"
STAFF_CHAT = -1001987650000
STAFF_NAME = "Ah-Lan"
STAFF_PASSWORD = "east-rift-valley-2026"
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS")
CONCURRENCY = 16
DEEP = 100_000

#: Bodies every route gets with every method. Oversized ones: over the 1 MiB limit.
BODIES: dict[str, bytes] = {
    "empty": b"",
    "random": os.urandom(1024),
    "not-utf8": b"\xff\xfe\xfd{\x80}",
    "nul": b'{"session": "hostile-s-000", "text": "\\u0000\\ud800"}',
    "brackets": b"[" * DEEP,
    "deep-objects": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "digits": b"9" * 5000,
    "json-null": b"null",
    "json-list": b"[]",
    "wrong-types": b'{"session": 5, "text": ["x"], "events": "no", "update_id": "1"}',
    "telegram-text-int": dumps(
        {**tg_message("x"), "message": {**tg_message("x")["message"], "text": 7}}
    ),
    "line-no-events": b'{"destination": "U1"}',
    "form": b"csrf=x&name=%FF&password=" + b"p" * 2000 + b"&next=%0d%0aX:1",
    "multipart": b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--b--\r\n',
    "two-megabytes": b'{"pad": "' + b"x" * (2 * 1024 * 1024) + b'"}',
}
#: (label, Content-Encoding, body): compressed bodies, a bomb among them (64 MiB of zeros).
COMPRESSED = (
    ("gzip-bomb", "gzip", gzip.compress(b"0" * (64 * 1024 * 1024), 9)),
    ("deflate-json", "deflate", zlib.compress(dumps(tg_message("hello")))),
    ("gzip-not-gzip", "gzip", b"\x00\x01 plain"),
)
CONTENT_TYPES = (
    None,
    "application/json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=b",
)
#: Raw requests, on the socket as they are.
RAW = (
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: \xff\xfe\r\n\r\n",
    b"POST /webhooks/telegram HTTP/1.1\r\nHost: x\r\n"
    b"X-Telegram-Bot-Api-Secret-Token: \xff\xfe\r\nContent-Length: 2\r\n\r\n{}",
    b"POST /staff/tickets/1/claim HTTP/1.1\r\nHost: x\r\nX-CSRF-Token: \xc3\x28\r\n"
    b"Content-Length: 0\r\n\r\n",
    b"GET /api/chat/updates?after=0 HTTP/1.1\r\nHost: x\r\nX-Chat-Session: \xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\r\n\r\n",
    b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"0\r\n\r\n",
    b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nZZ\r\nnot a chunk\r\n",
    b"POST /webhooks/line HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /webhooks/line HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
    b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 20_000 + b"\r\n\r\n",
    b"GET /staff/login?next=/staff%0d%0aSet-Cookie:x=1 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /staff/login?next=/staff\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"BREW /coffee HTCPCP/1.0\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS ClientHello on the plain port
    b"GET / HTTP/1.1\r\n" + b"X-Many: 1\r\n" * 500 + b"Host: x\r\n\r\n",
)


@dataclass
class Result:
    label: str
    status: int | None  #: None: the server closed the connection without an answer


@dataclass
class Staff:
    cookie_jar: aiohttp.CookieJar
    csrf: str


def _routes(tmp_path: Path, kb: KnowledgeBase) -> list[str]:
    """Every path the server routes, {number} filled in with a few ticket numbers."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'routes.db'}",
        knowledge_dir=KNOWLEDGE_DIR,
    )
    app = create_app(settings, kb=kb)
    canonical = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    paths = set()
    for path in canonical:
        for number in ("1", "0", "99999999999999999999"):
            paths.add(path.replace("{number}", number))
    return sorted(paths)


def _add_staff(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", STAFF_NAME, "--password-stdin"],
        input=f"{STAFF_PASSWORD}\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


async def _sign_in(base_url: str) -> Staff:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=base_url, cookie_jar=jar) as session:
        page = await (await session.get("/staff/login")).text()
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        form = {"csrf": token[1], "name": STAFF_NAME, "password": STAFF_PASSWORD}
        answer = await session.post("/staff/login", data=form, allow_redirects=False)
        assert answer.status == 303, await answer.text()
        page = await (await session.get("/staff")).text()
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        return Staff(jar, token[1])


def _hostile(paths: list[str]) -> Iterator[tuple[str, str, str, dict[str, str], bytes, bool]]:
    """(label, method, path, headers, body, with credentials) for the whole barrage."""
    types = itertools.cycle(CONTENT_TYPES)
    for path in paths:
        for method in METHODS:
            bodies = BODIES.items() if method in ("POST", "PUT", "PATCH") else [("empty", b"")]
            for name, body in bodies:
                content_type = next(types)
                headers = {"Content-Type": content_type} if content_type else {}
                for credentials in (False, True):
                    yield f"{method} {path} {name}", method, path, headers, body, credentials
        for name, encoding, body in COMPRESSED:
            headers = {"Content-Encoding": encoding, "Content-Type": "application/json"}
            for credentials in (False, True):
                yield f"POST {path} {name}", "POST", path, headers, body, credentials


async def _send(
    session: aiohttp.ClientSession,
    staff: Staff,
    label: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    credentials: bool,
) -> Result:
    headers = dict(headers)
    cookies = None
    if credentials:
        headers["X-Line-Signature"] = sign(body, LINE_SECRET)
        headers["X-Telegram-Bot-Api-Secret-Token"] = TELEGRAM_SECRET
        headers["X-CSRF-Token"] = staff.csrf
        headers["X-Chat-Session"] = "hostile-run-session-01"
        cookies = {c.key: c.value for c in staff.cookie_jar}
    try:
        async with session.request(
            method,
            path,
            # aiohttp warns (an error here) when a large body is sent from raw bytes.
            data=(io.BytesIO(body) if len(body) > 64 * 1024 else body) or None,
            headers=headers,
            cookies=cookies,
            allow_redirects=False,
            skip_auto_headers=("Content-Type",) if "Content-Type" not in headers else (),
            timeout=aiohttp.ClientTimeout(total=60),
        ) as response:
            await response.read()
            return Result(label, response.status)
    except (TimeoutError, aiohttp.ClientError, OSError):
        return Result(label, None)


async def _raw(port: int, request: bytes) -> Result:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        head = await asyncio.wait_for(reader.readline(), 30)
    except (OSError, TimeoutError):
        head = b""
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    found = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    return Result(f"raw {request[:40]!r}", int(found[1]) if found else None)


async def _bounded(limit: asyncio.Semaphore, work: Awaitable[Result]) -> Result:
    async with limit:
        return await work


async def test_hostile_input_run(
    tmp_path: Path, kb: KnowledgeBase, servers: ServerMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    line = LinePlatform(LINE_TOKEN)
    await line.start()
    telegram = FakeTelegramApi(TELEGRAM_TOKEN)
    await telegram.start()
    database_url = f"sqlite:///{tmp_path / 'hostile.db'}"
    try:
        await asyncio.to_thread(_add_staff, database_url)
        server = servers(database_url, line.url, "hostile")
        server.env.update(
            TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
            TELEGRAM_WEBHOOK_SECRET=TELEGRAM_SECRET,
            TELEGRAM_API_BASE_URL=telegram.base_url,
            STAFF_TELEGRAM_CHAT_ID=str(STAFF_CHAT),
            # Every request of the run comes from 127.0.0.1: the budget per address would
            # answer the real visitors' messages 429 (tested in tests/channels/test_web_budget).
            WEB_CHAT_MESSAGES_PER_MINUTE="100000",
            WEB_CHAT_TICKETS_PER_HOUR="100000",
        )
        await server.start()
        await server.ready()
        await _run(server.url, server.port, tmp_path, kb, line, telegram)
        assert server.process is not None
        assert server.process.returncode is None, "the server died"
        log = server.log_path.read_text("utf-8", "replace")
        assert "unexpected error during" not in log, server.log_tail(80)
        # Malformed requests are refused with a 400 and logged as one line each, not as an
        # error with a traceback that buries real ones.
        assert "Traceback" not in log, server.log_tail(80)
        assert "malformed request refused" in log, server.log_tail(80)
    finally:
        await line.close()
        await telegram.close()


async def _run(
    base_url: str,
    port: int,
    tmp_path: Path,
    kb: KnowledgeBase,
    line: LinePlatform,
    telegram: FakeTelegramApi,
) -> None:
    staff = await _sign_in(base_url)
    limit = asyncio.Semaphore(CONCURRENCY)
    line_events = [
        line_text(text, user_id=f"U{uuid.uuid4().hex}")
        for text in ["sister cities", "I want to talk to a person", "緊急電話"] * 10
    ]
    telegram_updates = [
        tg_message(text, chat_id=700_000 + n)
        for n, text in enumerate(["festival", "我要找真人", "ARC renewal"] * 6)
    ] + [tg_callback("help", chat_id=800_000 + n) for n in range(6)]
    chats = [(f"hostile-visitor-{n:03d}", "sister cities") for n in range(20)]

    async with aiohttp.ClientSession(base_url=base_url) as session:

        async def real_line(event: dict[str, Any]) -> Result:
            body = dumps(line_body(event))
            headers = {"X-Line-Signature": sign(body, LINE_SECRET)}
            async with session.post("/webhooks/line", data=body, headers=headers) as response:
                return Result("real LINE event", response.status)

        async def real_telegram(update: dict[str, Any]) -> Result:
            headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
            async with session.post(
                "/webhooks/telegram", data=dumps(update), headers=headers
            ) as response:
                return Result("real Telegram update", response.status)

        async def real_chat(visitor: str, text: str) -> Result:
            async with session.post("/api/chat", json={"session": visitor, "text": text}) as r:
                data = await r.json()
                ok = r.status == 200 and bool(data.get("replies"))
                return Result("real web chat message", r.status if ok else -r.status)

        hostile = [
            _bounded(limit, _send(session, staff, *attempt))
            for attempt in _hostile(_routes(tmp_path, kb))
        ]
        raw = [_bounded(limit, _raw(port, request)) for request in RAW]
        real: list[Awaitable[Result]] = [
            *(_bounded(limit, real_line(e)) for e in line_events),
            *(_bounded(limit, real_telegram(u)) for u in telegram_updates),
            *(_bounded(limit, real_chat(v, t)) for v, t in chats),
        ]
        # The real visitors are spread through the barrage, not sent before or after it.
        work = list(hostile) + raw
        step = max(1, len(work) // len(real))
        for n, item in enumerate(real):
            work.insert(n * (step + 1), item)
        results = await asyncio.gather(*work)

    statuses = Counter(r.status for r in results)
    server_errors = [r for r in results if r.status is not None and r.status >= 500]
    assert not server_errors, server_errors[:20]
    unanswered = [r for r in results if r.status is None]
    assert not unanswered, f"connections closed without an answer: {unanswered[:20]}"
    real_results = [r for r in results if r.label.startswith("real ")]
    assert {r.status for r in real_results} == {200}, [r for r in real_results if r.status != 200]
    assert len(results) > 1000, statuses

    # No lost event: every real visitor was answered.
    def line_answered() -> bool:
        tokens = {c.body.get("replyToken") for c in line.shown if c.path == REPLY}
        pushed = {c.body.get("to") for c in line.shown if c.path == PUSH}
        return all(
            e["replyToken"] in tokens or e["source"]["userId"] in pushed for e in line_events
        )

    def telegram_answered() -> bool:
        chats_told = {c.params.get("chat_id") for c in telegram.calls_to("sendMessage")}
        wanted = {
            str((u.get("message") or u["callback_query"]["message"])["chat"]["id"])
            for u in telegram_updates
        }
        return wanted <= chats_told

    await wait_until(line_answered, 90, "every real LINE event answered")
    await wait_until(telegram_answered, 90, "every real Telegram update answered")

    # Staff answers the LINE visitors who asked for a person, from the console: delivered. (A
    # fresh sign-in: the barrage's POST /staff/logout with credentials ended the first one.)
    staff = await _sign_in(base_url)
    async with aiohttp.ClientSession(base_url=base_url, cookie_jar=staff.cookie_jar) as console:
        tickets = (await (await console.get("/staff/api/tickets?status=all")).json())["tickets"]
        line_tickets = [t for t in tickets if t["channel"] == "line"]
        assert len(line_tickets) >= 10
        for ticket in line_tickets:
            answer = await console.post(
                f"/staff/tickets/{ticket['number']}/reply",
                data={"csrf": staff.csrf, "text": f"Staff answer {ticket['number']}"},
                allow_redirects=False,
            )
            assert answer.status == 303, await answer.text()
        assert (await console.get("/healthz")).status == 200
        ready = await console.get("/readyz")
        assert ready.status == 200, await ready.text()

    def staff_answers_delivered() -> bool:
        texts = " ".join(t for c in line.shown if c.path == PUSH for t in c.texts)
        return all(f"Staff answer {t['number']}" in texts for t in line_tickets)

    await wait_until(staff_answers_delivered, 90, "every staff answer delivered")
    # And nothing the hostile requests carried reached a visitor or the staff group.
    for call in telegram.calls_to("sendMessage"):
        assert "hostile" not in json.dumps(call.params)
