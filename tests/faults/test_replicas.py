"""Two replicas on one PostgreSQL database: the same events sent to both are answered once.

Two ``python -m bot serve`` processes start at the same moment on one fresh database (they
migrate it together: an advisory lock lets one do it). Every signed event is posted to both at
once, as a load balancer retrying on another replica would. Both answer 200 to every copy (the
second copy is dropped at the inbox's unique key), the inbox and outbox rows are shared out with
FOR UPDATE SKIP LOCKED, and every event is shown to its visitor exactly once.

PostgreSQL only: skipped without TEST_DATABASE_URL, failed under CI without it.
"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store.tables import inbox, outbox
from tests.faults.conftest import (
    Event,
    ServerMaker,
    ServerProcess,
    all_shown_once,
    make_events,
    post_event,
    wait_until,
)
from tests.faults.line_platform import LinePlatform

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

EVENTS = 200


async def test_two_replicas_answer_each_event_once(
    postgres_database: str, platform: LinePlatform, servers: ServerMaker
) -> None:
    replicas: list[ServerProcess] = [
        servers(postgres_database, platform.url, "replica-a"),
        servers(postgres_database, platform.url, "replica-b"),
    ]
    await asyncio.gather(*(r.start() for r in replicas))
    await asyncio.gather(*(r.ready() for r in replicas))

    events = make_events(EVENTS, "rep")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=100)) as session:

        async def to_both(event: Event) -> list[int | None]:
            answers = await asyncio.gather(*(post_event(session, r.url, event) for r in replicas))
            return [status for status, _ in answers]

        statuses = await asyncio.wait_for(asyncio.gather(*(to_both(e) for e in events)), 60)
    assert all(s == [200, 200] for s in statuses), [s for s in statuses if s != [200, 200]][:5]

    def logs() -> str:
        return "".join(f"\n{r.log_path.name}:\n{r.log_tail(10)}" for r in replicas)

    await all_shown_once(platform, events, seconds=60, extra=logs)
    assert len(platform.shown) == EVENTS

    engine = create_async_engine(postgres_database)
    try:

        async def queues() -> dict[str, dict[str, int]]:
            async with engine.connect() as conn:
                return {
                    table.name: {
                        str(status): int(count)
                        for status, count in await conn.execute(
                            sa.select(table.c.status, sa.func.count()).group_by(table.c.status)
                        )
                    }
                    for table in (inbox, outbox)
                }

        async def settled() -> bool:
            return await queues() == {"inbox": {"done": EVENTS}, "outbox": {"sent": EVENTS}}

        await wait_until(settled, 10, "every event processed once and its reply sent once")
        # Both replicas are still up after all this.
        for replica in replicas:
            assert replica.process is not None
            assert replica.process.returncode is None, logs()
    finally:
        await engine.dispose()
