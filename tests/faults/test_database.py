"""The database goes away for a moment: webhooks answer 503 with a short JSON error (never 500,
never a traceback), so the platform delivers them again; once it is back, the redelivered
events are accepted and each is answered once, and what was accepted before is not lost.

SQLite: the store's engine is swapped for one whose file cannot be opened. PostgreSQL (with
TEST_DATABASE_URL): the server refuses connections (the engine points at a closed port, as when
PostgreSQL restarts), or the database stops accepting connections and the open ones are
terminated (ALTER DATABASE … ALLOW_CONNECTIONS false, pg_terminate_backend).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import aiohttp
import asyncpg
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

import bot.delivery
from bot.keys import STORE
from bot.store import Store
from bot.store.db import Database
from bot.store.inline import InlineEngine
from tests.faults.conftest import (
    Event,
    InProcessFactory,
    all_shown_once,
    free_port,
    make_events,
    post_event,
)
from tests.faults.line_platform import LinePlatform
from tests.store.conftest import _asyncpg_dsn

pytestmark = pytest.mark.faults

Outage = Callable[[Store, Path], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def _engine_swapped(store: Store, url: str) -> AsyncIterator[None]:
    working = store.engine
    broken: Database = (
        InlineEngine(sa.create_engine(url))
        if url.startswith("sqlite")
        else create_async_engine(url)
    )
    store.engine = broken
    try:
        yield
    finally:
        store.engine = working
        await broken.dispose()


@asynccontextmanager
async def _sqlite_unopenable(store: Store, tmp_path: Path) -> AsyncIterator[None]:
    async with _engine_swapped(store, f"sqlite:///{tmp_path}/no-such-dir/desk.db"):
        yield


@asynccontextmanager
async def _postgres_refusing(store: Store, tmp_path: Path) -> AsyncIterator[None]:
    url = store.engine.url.set(host="127.0.0.1", port=free_port())
    async with _engine_swapped(store, url.render_as_string(hide_password=False)):
        yield


@asynccontextmanager
async def _postgres_not_accepting(store: Store, tmp_path: Path) -> AsyncIterator[None]:
    url = store.engine.url
    name = url.database
    assert name
    admin = await asyncpg.connect(_asyncpg_dsn(url, "postgres"))
    try:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()


OUTAGES = [
    pytest.param("sqlite", _sqlite_unopenable, id="sqlite-unopenable"),
    pytest.param(
        "postgresql", _postgres_refusing, id="postgresql-refusing", marks=pytest.mark.postgres
    ),
    pytest.param(
        "postgresql",
        _postgres_not_accepting,
        id="postgresql-not-accepting",
        marks=pytest.mark.postgres,
    ),
]


@pytest.mark.parametrize(("database_url", "outage"), OUTAGES, indirect=["database_url"])
async def test_database_outage_answers_503_and_loses_nothing(
    database_url: str,
    outage: Outage,
    tmp_path: Path,
    platform: LinePlatform,
    in_process: InProcessFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A batch the worker had claimed when the database went away is taken up again when its
    # lease runs out: 60 s in production, 3 s here so the test stays short.
    monkeypatch.setattr(bot.delivery, "LEASE", dt.timedelta(seconds=3))
    desk = await in_process(platform.url, database_url)
    store: Store = desk.app[STORE]

    before = make_events(10, "before")
    in_flight = make_events(10, "inflight")
    during = make_events(10, "during")
    async with aiohttp.ClientSession() as session:

        async def post_all(events: list[Event], **kwargs: bool) -> list[tuple[int | None, object]]:
            return list(
                await asyncio.gather(*(post_event(session, desk.url, e, **kwargs) for e in events))
            )

        # Accepted and answered while all is well.
        assert [s for s, _ in await post_all(before)] == [200] * len(before)
        await all_shown_once(platform, before, seconds=15)
        # Accepted just before the outage: the worker is still at them when it starts.
        assert [s for s, _ in await post_all(in_flight)] == [200] * len(in_flight)

        async with outage(store, tmp_path):
            answers = await post_all(during)
            for status, body in answers:
                assert status == 503, (status, body)
                assert isinstance(body, dict), body
                assert set(body) == {"error"}, body
                assert "Traceback" not in str(body["error"])
            # The readiness probe says so too, and the server stays alive.
            async with session.get(f"{desk.url}/readyz") as response:
                assert response.status == 503
                assert (await response.json())["database"] is False
            async with session.get(f"{desk.url}/healthz") as response:
                assert response.status == 200
            await asyncio.sleep(1.5)  # the pipeline keeps failing meanwhile, and survives it

        # Back: LINE redelivers what got 503; all is accepted and answered once.
        again = await post_all(during, redelivery=True)
        assert [s for s, _ in again] == [200] * len(during), again
        await all_shown_once(platform, before + in_flight + during, seconds=30)
        assert len(platform.shown) == len(before) + len(in_flight) + len(during)
        # A second redelivery of anything is dropped at the inbox: no second answer.
        assert [s for s, _ in await post_all(before + during, redelivery=True)] == [200] * 20
    await desk.idle(15)
    assert len(platform.shown) == len(before) + len(in_flight) + len(during)
    async with store.engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT count(*) FROM inbox WHERE status = 'failed'")) == 0
