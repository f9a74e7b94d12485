"""A LINE outage: 500 for every call, then 429 with Retry-After, ~10 s in all, then recovery.

Visitors keep writing and staff keep answering tickets through the outage. Afterwards every
reply and every staff answer reaches its visitor exactly once, nothing is given up, and while
LINE said Retry-After: 1 no message was tried again sooner than that.

The app runs in this process so the backoff can be shortened (BACKOFF_CAP 6 s instead of
300 s: the retries then come often through the outage, and the first try after
the recovery comes within seconds). Retry-After is still honoured.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict

import aiohttp
import pytest
import sqlalchemy as sa

import bot.delivery
from bot.keys import RELAY, STORE
from bot.store import Store
from bot.store.tables import outbox
from tests.fakes.line_api import PUSH
from tests.faults.conftest import (
    Event,
    InProcessFactory,
    all_shown_once,
    make_events,
    post_event,
    wait_until,
)
from tests.faults.line_platform import Call, LinePlatform

pytestmark = pytest.mark.faults

ERRORS_FOR = 5.0  #: seconds of 500
THROTTLED_FOR = 5.0  #: then seconds of 429 with Retry-After
RETRY_AFTER = 1.0


async def _outbox_states(store: Store) -> dict[str, int]:
    async with store.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.status, sa.func.count()).group_by(outbox.c.status)
        )
        return {str(status): int(count) for status, count in rows}


async def test_line_outage_then_recovery_delivers_everything_once(
    platform: LinePlatform, in_process: InProcessFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.delivery, "BACKOFF_BASE", 1.0)
    monkeypatch.setattr(bot.delivery, "BACKOFF_CAP", 6.0)
    desk = await in_process(platform.url)
    store: Store = desk.app[STORE]
    relay = desk.app[RELAY]
    loop = asyncio.get_running_loop()

    async with aiohttp.ClientSession() as session:

        async def post_all(events: list[Event]) -> None:
            answers = await asyncio.gather(*(post_event(session, desk.url, e) for e in events))
            assert [status for status, _ in answers] == [200] * len(events), answers

        # Three visitors ask for a person while LINE works: three tickets.
        askers = make_events(3, "ask")
        askers = [
            Event(e.event_id, e.user_id, e.token, "I want to talk to a person") for e in askers
        ]
        await post_all(askers)
        await all_shown_once(platform, askers, seconds=10)
        tickets = await store.tickets()
        assert sorted(t.user_id for t in tickets) == sorted(e.user_id for e in askers)

        # The outage: every call fails with 500.
        platform.error_status = 500
        started = loop.time()
        during_errors = make_events(12, "err")
        await post_all(during_errors)
        staff_texts: dict[str, str] = {}  # marker → the visitor it is for
        for ticket in tickets:
            marker = f"answer-{ticket.number}-during-500"
            assert await relay.reply(ticket.number, "Mei Lin", f"Here is your {marker}.")
            staff_texts[marker] = ticket.user_id
        await asyncio.sleep(max(0.0, started + ERRORS_FOR - loop.time()))

        # Then throttling: 429 with Retry-After: 1.
        platform.error_status = 429
        platform.retry_after = f"{RETRY_AFTER:g}"
        throttled_from = loop.time()
        during_throttling = make_events(8, "429")
        await post_all(during_throttling)
        marker = f"answer-{tickets[0].number}-during-429"
        assert await relay.reply(tickets[0].number, "Mei Lin", f"Here is your {marker}.")
        staff_texts[marker] = tickets[0].user_id
        await asyncio.sleep(max(0.0, throttled_from + THROTTLED_FOR - loop.time()))
        throttled_until = loop.time()
        platform.behave()

    failed_calls = [c for c in platform.calls if c.status in (500, 429)]
    assert {c.status for c in failed_calls} == {500, 429}, "the outage was not felt"

    # Every visitor's reply, once (the askers' pushes are the staff answers, checked below).
    visitors = during_errors + during_throttling
    await all_shown_once(platform, visitors, seconds=30)

    # Every staff answer, once, to the right visitor.
    def staff_shown() -> dict[str, list[Call]]:
        shown: dict[str, list[Call]] = defaultdict(list)
        for call in platform.shown:
            for marker in staff_texts:
                if any(marker in text for text in call.texts):
                    shown[marker].append(call)
        return shown

    await wait_until(
        lambda: set(staff_shown()) == set(staff_texts), 30, "every staff answer delivered"
    )
    await asyncio.sleep(1.0)
    for marker, calls in staff_shown().items():
        assert len(calls) == 1, f"{marker} shown {len(calls)} times"
        [call] = calls
        assert call.path == PUSH
        assert call.body["to"] == staff_texts[marker]
        assert call.retry_key, "a push without X-Line-Retry-Key"
    # And nothing else: the askers' own replies were not sent again either.
    assert len(platform.shown) == len(askers) + len(visitors) + len(staff_texts)

    # Retry-After was honoured: after a 429, the same message came back no sooner.
    _assert_retry_after_honoured(platform, throttled_until)

    # Nothing is left in the outbox, nothing was given up; no ticket shows a delivery failure.
    await desk.idle(10)
    assert await _outbox_states(store) == {"sent": len(visitors) + len(askers) + len(staff_texts)}
    assert all(t.delivery_error is None for t in await store.tickets())


def _assert_retry_after_honoured(platform: LinePlatform, until: float) -> None:
    """A message's tries are its pushes with one retry key (a visitor's reply is pushed from
    its second try on); after a 429 the next try waited Retry-After."""
    attempts: dict[str, list[Call]] = defaultdict(list)
    for call in platform.calls:
        if call.path == PUSH and call.retry_key:
            attempts[call.retry_key].append(call)
    checked = 0
    for calls in attempts.values():
        for before, after in itertools.pairwise(calls):
            if before.status == 429 and before.at < until:
                gap = after.at - before.at
                assert gap >= RETRY_AFTER - 0.05, f"retried {gap:.2f} s after a 429"
                checked += 1
    assert checked > 0, "no retry after a 429 was seen"
