"""A reply whose outcome the server never learns is not sent a second time.

LINE's reply API takes no retry key: when a reply reached the visitor but its answer did not
reach the server (LINE's edge failed after delivering, the connection broke, the server that
sent it was killed), a retry by push shows the visitor the answer twice. The server retries
with the same reply token instead, while it is fresh: LINE refuses a token used before, and
that refusal says the first try got through.

The app runs in this process against the strict fake platform, on SQLite (the replicas' case,
on PostgreSQL, is in test_replicas.py).
"""

from __future__ import annotations

import aiohttp
import pytest

from tests.fakes.line_api import PUSH, REPLY
from tests.faults.conftest import (
    InProcessFactory,
    all_shown_once,
    make_events,
    post_event,
)
from tests.faults.line_platform import LinePlatform

pytestmark = pytest.mark.faults


async def test_a_reply_that_reached_the_visitor_before_an_error_is_not_pushed_again(
    platform: LinePlatform, in_process: InProcessFactory
) -> None:
    desk = await in_process(platform.url)
    events = make_events(6, "unknown")
    # The first replies take effect, and then LINE answers 500.
    platform.fail_after_accepting = 3
    async with aiohttp.ClientSession() as session:
        for event in events:
            status, _ = await post_event(session, desk.url, event)
            assert status == 200
    await desk.idle()
    await all_shown_once(platform, events, seconds=20)
    failed = [c for c in platform.calls if c.path == REPLY and c.status == 500]
    assert len(failed) == 3, "LINE never failed after accepting a reply"
    # They were tried again with their token, not pushed; nothing is left to send.
    assert [c for c in platform.calls if c.path == PUSH] == []
    await desk.idle()
