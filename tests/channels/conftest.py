"""The real app (``create_app``) served on 127.0.0.1, its SDK clients pointed at fake platforms."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.kb.loader import KnowledgeBase
from bot.keys import PIPELINE, STORE, TASKS
from bot.settings import Settings
from tests.channels.payloads import dumps, sign
from tests.conftest import KNOWLEDGE_DIR
from tests.fakes.line_api import FakeLineApi
from tests.fakes.telegram_api import FakeTelegramApi

LINE_SECRET = "5f0c3e9a71d84b26a0e1c7d9b3f46a82"
LINE_TOKEN = "LnTok+eyJhbGciOiJIUzI1NiJ9.fake-line-channel-access-token/4f8Qz=="
TELEGRAM_TOKEN = "7000000001:AAHfakeTokenForTests_only-x9Kq2LmN3pR7"
TELEGRAM_SECRET = "hook-secret_Tw9xQ4mZ7pL2vB8n"
SECRETS = (LINE_SECRET, LINE_TOKEN, TELEGRAM_TOKEN, TELEGRAM_SECRET)

#: A Thursday morning in Hualien: office hours are open.
NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


def _payload(body: bytes) -> bytes | io.BytesIO:
    # aiohttp warns (an error here) when a large body is sent from raw bytes.
    return io.BytesIO(body) if len(body) > 64 * 1024 else body


@dataclass
class Desk:
    """The running server plus the fakes it talks to."""

    app: web.Application
    client: TestClient[web.Request, web.Application]
    line: FakeLineApi
    telegram: FakeTelegramApi
    settings: Settings

    async def post_line(
        self,
        payload: Any,
        *,
        signature: str | None = "sign",
        secret: str = LINE_SECRET,
        headers: dict[str, str] | None = None,
    ) -> ClientResponse:
        """POST a LINE webhook; signed with ``secret`` unless ``signature`` is given or None."""
        body = payload if isinstance(payload, bytes) else dumps(payload)
        sent = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
        if signature == "sign":
            sent["X-Line-Signature"] = sign(body, secret)
        elif signature is not None:
            sent["X-Line-Signature"] = signature
        return await self.client.post("/webhooks/line", data=_payload(body), headers=sent)

    async def post_telegram(
        self, payload: Any, *, secret: str | None = TELEGRAM_SECRET
    ) -> ClientResponse:
        body = payload if isinstance(payload, bytes) else dumps(payload)
        sent = {"Content-Type": "application/json"}
        if secret is not None:
            sent["X-Telegram-Bot-Api-Secret-Token"] = secret
        return await self.client.post("/webhooks/telegram", data=_payload(body), headers=sent)

    async def chat(self, payload: Any) -> ClientResponse:
        body = payload if isinstance(payload, bytes) else dumps(payload)
        return await self.client.post(
            "/api/chat", data=_payload(body), headers={"Content-Type": "application/json"}
        )

    async def settle(self, seconds: float = 10.0) -> None:
        """Wait until every accepted event has been answered and every reply sent or given up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        tasks: set[asyncio.Task[None]] = self.app[TASKS]
        while tasks:
            if loop.time() > deadline:
                raise AssertionError(f"{len(tasks)} staff task(s) still running")
            await asyncio.wait(list(tasks), timeout=deadline - loop.time())
        pipeline = self.app[PIPELINE]
        while not await pipeline.idle():
            if loop.time() > deadline:
                raise AssertionError(f"backlog not drained: {await self.app[STORE].backlog()}")
            await asyncio.sleep(0.02)


DeskFactory = Callable[..., Awaitable[Desk]]


@pytest.fixture
async def make_desk(
    tmp_path: Path, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[DeskFactory]:
    """Build and serve the real app; ``line=False``/``telegram=False`` leave a channel off."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    async with AsyncExitStack() as stack:
        count = 0

        async def factory(
            *,
            line: bool = True,
            telegram: bool = True,
            knowledge: KnowledgeBase | None = None,
            **overrides: Any,
        ) -> Desk:
            nonlocal count
            count += 1
            line_api = FakeLineApi(LINE_TOKEN)
            await line_api.start()
            stack.push_async_callback(line_api.close)
            telegram_api = FakeTelegramApi(TELEGRAM_TOKEN)
            await telegram_api.start()
            stack.push_async_callback(telegram_api.close)
            settings = Settings(
                _env_file=None,
                database_url=f"sqlite+aiosqlite:///{tmp_path / f'desk{count}.db'}",
                knowledge_dir=KNOWLEDGE_DIR,
                line_channel_secret=LINE_SECRET if line else None,
                line_channel_access_token=LINE_TOKEN if line else None,
                line_api_base_url=line_api.url,
                telegram_bot_token=TELEGRAM_TOKEN if telegram else None,
                telegram_webhook_secret=TELEGRAM_SECRET if telegram else None,
                telegram_api_base_url=telegram_api.base_url,
                **overrides,
            )
            app = create_app(settings, kb=knowledge or kb, clock=lambda: NOW)
            client: TestClient[web.Request, web.Application] = TestClient(
                TestServer(app, host="127.0.0.1", port=0)
            )
            await client.start_server()
            # Closed first (LIFO): in-flight answers drain into the fakes before they stop.
            stack.push_async_callback(client.close)
            return Desk(app, client, line_api, telegram_api, settings)

        yield factory


@pytest.fixture
async def desk(make_desk: DeskFactory) -> Desk:
    return await make_desk()
