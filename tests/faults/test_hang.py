"""LINE hangs: every call takes 5 s. Webhooks still answer within 1 s each, because answering
happens off the request path; once LINE is quick again every event is answered once."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from tests.faults.conftest import (
    Event,
    InProcessFactory,
    all_shown_once,
    make_events,
    post_event,
)
from tests.faults.line_platform import LinePlatform

pytestmark = pytest.mark.faults

HANG = 5.0
LIMIT = 1.0


async def test_webhooks_answer_within_a_second_while_line_hangs(
    platform: LinePlatform, in_process: InProcessFactory
) -> None:
    desk = await in_process(platform.url)
    platform.hang = HANG
    one_by_one = make_events(10, "seq")
    together = make_events(20, "par")
    timings: list[float] = []
    hanging: list[int] = []  # LINE calls hanging when each webhook was answered

    async with aiohttp.ClientSession() as session:

        async def timed(event: Event) -> None:
            started = time.perf_counter()
            status, body = await post_event(session, desk.url, event, seconds=HANG + 5)
            timings.append(time.perf_counter() - started)
            hanging.append(platform.in_flight)
            assert status == 200, body

        for event in one_by_one:
            await timed(event)
            await asyncio.sleep(0.05)  # the pipeline is busy with a hanging call meanwhile
        await asyncio.gather(*(timed(event) for event in together))

    assert len(timings) == len(one_by_one) + len(together)
    slow = [round(t, 3) for t in timings if t >= LIMIT]
    assert not slow, f"webhooks slower than {LIMIT} s while LINE hangs: {slow}"
    # The server really was waiting on LINE while it answered the webhooks.
    assert max(hanging) >= 1, hanging

    platform.hang = 0.0
    await all_shown_once(platform, one_by_one + together, seconds=60)
    assert len(platform.shown) == len(one_by_one) + len(together)
    await desk.idle(10)
