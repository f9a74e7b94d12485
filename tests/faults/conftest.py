"""Fixtures of the fault tests: the strict fake LINE platform, signed events, the real server as
a subprocess (``python -m bot serve``) or in this process, and fresh PostgreSQL databases.

Everything listens on and connects to 127.0.0.1 only; every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.app import create_app
from bot.kb.loader import KnowledgeBase
from bot.keys import PIPELINE, STORE
from bot.settings import Settings
from tests.channels.payloads import dumps, line_body, line_text, sign, ulid
from tests.conftest import KNOWLEDGE_DIR, ROOT
from tests.faults.line_platform import LinePlatform
from tests.store.conftest import _asyncpg_dsn, drop_database, postgres_url

LINE_SECRET = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
LINE_TOKEN = "LnTok+faults.fake-line-channel-access-token/Zq9=="

#: Questions the knowledge base answers; events cycle through them.
QUESTIONS = (
    "sister cities",
    "county government phone number",
    "How do I get from Taipei to Hualien?",
    "Where can I exchange money?",
    "花蓮有哪些姊妹市？",
    "What is the weather like in Hualien?",
)


# ---- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One LINE text event from its own visitor, with its own reply token."""

    event_id: str
    user_id: str
    token: str
    text: str

    def body(self, *, redelivery: bool = False) -> bytes:
        event = line_text(
            self.text,
            user_id=self.user_id,
            event_id=self.event_id,
            token=self.token,
            redelivery=redelivery,
        )
        return dumps(line_body(event))


def make_events(count: int, tag: str = "") -> list[Event]:
    events = []
    for n in range(count):
        user = f"U{uuid.uuid4().hex}"
        token = f"rt{tag}{n:04d}{uuid.uuid4().hex}"
        events.append(Event(ulid(), user, token, QUESTIONS[n % len(QUESTIONS)]))
    return events


def keys_of(events: Iterable[Event]) -> dict[str, str]:
    """Reply token and user id → event id, for :meth:`LinePlatform.shown_per`."""
    keys: dict[str, str] = {}
    for event in events:
        keys[event.token] = event.event_id
        keys[event.user_id] = event.event_id
    return keys


async def post_event(
    session: aiohttp.ClientSession,
    base_url: str,
    event: Event,
    *,
    redelivery: bool = False,
    seconds: float = 10.0,
) -> tuple[int | None, Any]:
    """POST one signed webhook: (status, JSON body), or (None, the error) when no answer came."""
    body = event.body(redelivery=redelivery)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Line-Signature": sign(body, LINE_SECRET),
    }
    try:
        async with session.post(
            f"{base_url}/webhooks/line",
            data=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=seconds),
        ) as response:
            try:
                answer: Any = await response.json(content_type=None)
            except ValueError:
                answer = await response.text()
            return response.status, answer
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return None, exc


async def wait_until(
    condition: Callable[[], Awaitable[bool] | bool], seconds: float, what: str
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if loop.time() > deadline:
            raise AssertionError(f"not within {seconds:.0f} s: {what}")
        await asyncio.sleep(0.05)


async def all_shown(
    platform: LinePlatform,
    events: list[Event],
    *,
    seconds: float,
    extra: Callable[[], str] = lambda: "",
) -> None:
    """Wait until every event was shown to its visitor at least once (none lost), then a
    moment more, for a double that is on its way to arrive."""
    keys = keys_of(events)
    wanted = {e.event_id for e in events}

    def missing() -> set[str]:
        return wanted - set(platform.shown_per(keys))

    await wait_until(
        lambda: not missing(),
        seconds,
        f"{len(missing())} of {len(events)} event(s) never answered {extra()}",
    )
    await asyncio.sleep(1.5)


def assert_shown_once(
    platform: LinePlatform, events: list[Event], extra: Callable[[], str] = lambda: ""
) -> None:
    """Each of ``events`` was shown exactly once (what else was shown is not looked at)."""
    wanted = {e.event_id for e in events}
    counts = {e: n for e, n in platform.shown_per(keys_of(events)).items() if e in wanted}
    doubled = {e: n for e, n in counts.items() if n != 1}
    assert not doubled, f"answered more than once: {doubled} {extra()}"
    assert set(counts) == wanted, f"never answered: {wanted - set(counts)} {extra()}"


async def all_shown_once(
    platform: LinePlatform,
    events: list[Event],
    *,
    seconds: float,
    extra: Callable[[], str] = lambda: "",
) -> None:
    """Every event shown to its visitor exactly once: none lost, none doubled."""
    await all_shown(platform, events, seconds=seconds, extra=extra)
    assert_shown_once(platform, events, extra)


# ---- the LINE platform ---------------------------------------------------------------------


@pytest.fixture
async def platform() -> AsyncIterator[LinePlatform]:
    fake = LinePlatform(LINE_TOKEN)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


# ---- the server as a subprocess ------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    """``python -m bot serve`` on 127.0.0.1:``port``; its log goes to ``log_path``."""

    port: int
    env: dict[str, str]
    log_path: Path
    cwd: Path
    process: asyncio.subprocess.Process | None = None
    _logs: list[Any] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        log = self.log_path.open("ab")
        self._logs.append(log)
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=self.cwd,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )

    async def ready(self, seconds: float = 30.0) -> None:
        """Wait until /healthz answers (the store is open and migrated by then)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        async with aiohttp.ClientSession() as session:
            while True:
                assert self.process is not None
                if self.process.returncode is not None:
                    raise AssertionError(
                        f"server on port {self.port} exited with {self.process.returncode}:\n"
                        f"{self.log_tail()}"
                    )
                with contextlib.suppress(aiohttp.ClientError, TimeoutError, OSError):
                    async with session.get(
                        f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=1)
                    ) as response:
                        if response.status == 200:
                            return
                if loop.time() > deadline:
                    raise AssertionError(
                        f"server on port {self.port} not up in {seconds:.0f} s:\n{self.log_tail()}"
                    )
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind happens in the server."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        elif self.process is not None:
            await self.process.wait()
        for log in self._logs:
            log.close()
        self._logs.clear()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


#: ``servers(database_url, line_api_url, name)``: a server process, not started yet.
ServerMaker = Callable[..., ServerProcess]


def server_env(database_url: str, line_api_url: str, port: int) -> dict[str, str]:
    # Nothing of the developer's or CI's own settings (any Settings field) or proxies.
    settings = {name.upper() for name in Settings.model_fields}
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() not in settings and not key.upper().endswith("_PROXY")
    }
    existing = env.get("PYTHONPATH")
    env.update(
        BOT_HOST="127.0.0.1",
        BOT_PORT=str(port),
        DATABASE_URL=database_url,
        KNOWLEDGE_DIR=str(KNOWLEDGE_DIR),
        LINE_CHANNEL_SECRET=LINE_SECRET,
        LINE_CHANNEL_ACCESS_TOKEN=LINE_TOKEN,
        LINE_API_BASE_URL=line_api_url,
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        PYTHONPATH=f"{ROOT}{os.pathsep}{existing}" if existing else str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
async def servers(tmp_path: Path) -> AsyncIterator[ServerMaker]:
    """Make (not start) servers: ``servers(database_url, line_api_url, name)``; all are stopped
    at the end of the test."""
    made: list[ServerProcess] = []

    def make(database_url: str, line_api_url: str, name: str = "server") -> ServerProcess:
        port = free_port()
        # Not the repository as cwd: a developer's .env there must not leak in.
        cwd = tmp_path / f"cwd-{name}"
        cwd.mkdir(exist_ok=True)
        server = ServerProcess(
            port, server_env(database_url, line_api_url, port), tmp_path / f"{name}.log", cwd
        )
        made.append(server)
        return server

    try:
        yield make
    finally:
        for server in made:
            await server.stop()


# ---- the app in this process ---------------------------------------------------------------


@dataclass
class InProcess:
    app: web.Application
    server: TestServer
    settings: Settings

    @property
    def url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    async def idle(self, seconds: float = 30.0) -> None:
        """Wait until the inbox and outbox are empty and nothing is being processed."""
        pipeline = self.app[PIPELINE]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not await pipeline.idle():
            if loop.time() > deadline:
                backlog = await self.app[STORE].backlog()
                raise AssertionError(f"backlog not drained in {seconds:.0f} s: {backlog}")
            await asyncio.sleep(0.05)


InProcessFactory = Callable[..., Awaitable[InProcess]]


@pytest.fixture
async def in_process(
    tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[InProcessFactory]:
    """Serve the real app (``create_app``) on 127.0.0.1 in this process, LINE on ``platform``."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    async with AsyncExitStack() as stack:

        async def factory(line_api_url: str, database_url: str | None = None) -> InProcess:
            settings = Settings(
                _env_file=None,
                database_url=database_url or f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}",
                knowledge_dir=KNOWLEDGE_DIR,
                line_channel_secret=LINE_SECRET,
                line_channel_access_token=LINE_TOKEN,
                line_api_base_url=line_api_url,
            )
            app = create_app(settings, kb=kb)
            server = TestServer(app, host="127.0.0.1", port=0)
            await server.start_server()
            stack.push_async_callback(server.close)
            return InProcess(app, server, settings)

        yield factory


# ---- PostgreSQL ----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards); skips locally and fails under CI
    without TEST_DATABASE_URL, like the store's contract tests."""
    url = postgres_url()
    name = f"desk_faults_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(_asyncpg_dsn(url, "postgres"))
    try:
        try:
            await admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        except asyncpg.InsufficientPrivilegeError:
            pytest.fail("the role in TEST_DATABASE_URL needs CREATEDB (ALTER ROLE … CREATEDB)")
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            await drop_database(admin, name)
        finally:
            await admin.close()


@pytest.fixture
async def postgres_database() -> AsyncIterator[str]:
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on the backend in ``request.param`` ("sqlite" or "postgresql")."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/desk.db"
        return
    async with fresh_postgres_database() as url:
        yield url
