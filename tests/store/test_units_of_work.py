"""Batched database work, on SQLite and PostgreSQL: units of work, savepoints, group commit,
and an inbox batch whose events leave nothing half done.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bot.delivery import (
    BACKOFF_CAP,
    SHOW_STAFF_AFTER,
    UNEXPECTED_TRIES,
    Pipeline,
    backoff,
    decode_inbound,
    encode_inbound,
    encode_replies,
)
from bot.desk import Desk
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.models import Channel, Inbound, InboundKind, Outcome, Reply
from bot.settings import Settings
from bot.store import Priority, Store, Ticket
from bot.store.db import utcnow
from bot.store.queue import OutboxItem, OutboxRow, PostKind, StaffPost
from bot.store.tables import inbox, messages, outbox, tickets, visitors
from tests.conftest import KNOWLEDGE_DIR
from tests.store.test_store_contract import count

NOW = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)  # a Thursday, 10:00 in Hualien


class Boom(Exception):
    pass


async def test_a_unit_of_work_commits_all_or_nothing(store: Store) -> None:
    async with store.unit_of_work():
        first = await store.visitor("line", "U1")
        await store.log_message(first.visitor_id, "in", "one")
    assert await count(store, visitors) == 1
    assert await count(store, messages) == 1

    async def half_done() -> None:
        async with store.unit_of_work():
            second = await store.visitor("line", "U2")
            await store.log_message(second.visitor_id, "in", "two")
            raise Boom

    with pytest.raises(Boom):
        await half_done()
    assert await count(store, visitors) == 1
    assert await count(store, messages) == 1


async def test_a_savepoint_undoes_only_its_own_writes(store: Store) -> None:
    async def undone(visitor_id: int) -> None:
        async with store.savepoint():
            await store.visitor("line", "U2")
            await store.log_message(visitor_id, "in", "undone")
            raise Boom

    async with store.unit_of_work():
        kept = await store.visitor("line", "U1")
        with pytest.raises(Boom):
            await undone(kept.visitor_id)
        await store.log_message(kept.visitor_id, "in", "kept")
    async with store.engine.connect() as conn:
        users = (await conn.execute(sa.select(visitors.c.user_id))).scalars().all()
        texts = (await conn.execute(sa.select(messages.c.text))).scalars().all()
    assert users == ["U1"]
    assert texts == ["kept"]


async def test_a_visitor_created_twice_in_one_unit_of_work_is_one_visitor(store: Store) -> None:
    async with store.unit_of_work():
        first = await store.visitor("line", "U1", "Ann")
        again = await store.visitor("line", "U1", "Ann")
    assert first.visitor_id == again.visitor_id
    assert await count(store, visitors) == 1


async def test_webhooks_arriving_together_share_commits_and_stay_exact(store: Store) -> None:
    keys = [f"e{i % 40}" for i in range(100)]  # 40 events, 60 redeliveries among them
    results = await asyncio.gather(
        *(store.accept_event("line", key, f'{{"n": {i}}}') for i, key in enumerate(keys))
    )
    assert sum(results) == 40
    # Exactly the first copy of each event is the accepted one.
    first_seen = {key: index for index, key in reversed(list(enumerate(keys)))}
    assert [i for i, accepted in enumerate(results) if accepted] == sorted(first_seen.values())
    assert await count(store, inbox) == 40
    assert await store.accept_event("line", "e0", "{}") is False
    assert await store.accept_event("telegram", "e0", "{}") is True  # ids are per channel


async def test_a_failed_group_commit_fails_every_caller_in_it(store: Store) -> None:
    working = store.engine

    class Broken:
        dialect = working.dialect

        def begin(self) -> object:
            raise sa.exc.OperationalError("BEGIN", {}, OSError("database went away"))

    store.engine = Broken()  # type: ignore[assignment]
    try:
        outcomes = await asyncio.gather(
            *(store.accept_event("line", f"x{i}", "{}") for i in range(5)),
            return_exceptions=True,
        )
    finally:
        store.engine = working
    assert all(isinstance(o, sa.exc.OperationalError) for o in outcomes), outcomes
    assert await count(store, inbox) == 0
    assert await store.accept_event("line", "x0", "{}") is True  # nothing was half-accepted


# -- the inbox worker's batch -------------------------------------------------------------


class RecordingDeliverer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Reply]]] = []

    async def deliver(
        self,
        user_id: str,
        replies: list[Reply],
        reply_token: str | None,
        retry_key: str,
        *,
        push_if_token_spent: bool = True,
        parts_sent: int = 0,
        on_part_sent: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        await self.attempt()
        self.sent.append((user_id, replies))

    async def attempt(self) -> None:
        """What the platform does with a send: here, take it (subclasses fail or dawdle)."""


class RecordingStaffGroup:
    chat_id = -1001000000001

    def __init__(self) -> None:
        self.posts: list[StaffPost] = []

    async def post(self, post: StaffPost, chat_id: int) -> None:
        assert chat_id == self.chat_id
        self.posts.append(post)


def _pipeline(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> tuple[Pipeline, Desk, RecordingDeliverer, list[StaffPost]]:
    settings = Settings(
        _env_file=None,
        database_url=database_url,
        knowledge_dir=KNOWLEDGE_DIR,
    )
    desk = Desk(kb, matcher, store, settings, clock=lambda: NOW)
    deliverer = RecordingDeliverer()
    staff = RecordingStaffGroup()
    return Pipeline(store, desk, {"line": deliverer}, staff), desk, deliverer, staff.posts


async def _accept(store: Store, event_id: str, user: str, text: str) -> None:
    inbound = Inbound(Channel.LINE, user, InboundKind.TEXT, text=text, event_id=event_id)
    assert await store.accept_event("line", event_id, encode_inbound(inbound))


async def _drained(pipeline: Pipeline, drain: Awaitable[int]) -> int:
    worked = await drain
    for _ in range(100):
        if await pipeline.idle():
            break
        await asyncio.sleep(0.01)
    return worked


async def test_one_failing_event_leaves_the_rest_of_its_batch_answered(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> None:
    pipeline, desk, deliverer, _ = _pipeline(store, kb, matcher, database_url)
    for i in range(5):
        await _accept(store, f"ev{i}", f"U{i}", "emergency numbers")
    handle = desk.handle

    async def fails_for_u2(inbound: Inbound) -> Outcome:
        outcome = await handle(inbound)  # writes the visitor and the messages first
        if inbound.user_id == "U2":
            raise RuntimeError("the desk broke halfway")
        return outcome

    desk.handle = fails_for_u2  # type: ignore[method-assign]
    assert await _drained(pipeline, pipeline.drain_inbox()) == 5
    assert sorted(user for user, _ in deliverer.sent) == ["U0", "U1", "U3", "U4"]
    # U2's half-done work is gone with its savepoint; the event waits for its retry.
    assert await store.find_visitor("line", "U2") is None
    assert await count(store, messages) == 8
    assert await count(store, inbox, inbox.c.status == "pending") == 1


async def test_an_event_another_worker_finished_leaves_no_second_ticket(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> None:
    """A worker whose lease ran out finishes late: its ticket and messages are undone."""
    slow, _, slow_sent, slow_told = _pipeline(store, kb, matcher, database_url)
    fast, _, fast_sent, fast_told = _pipeline(store, kb, matcher, database_url)
    await _accept(store, "ev-person", "U9", "I want to talk to a person")
    [stale] = await store.claim_inbox(10, -dt.timedelta(seconds=1))  # the lease ran out

    assert await _drained(fast, fast.drain_inbox()) == 1
    async with store.unit_of_work():
        outcome, queued = await slow._process(stale, decode_inbound(stale.payload))
    assert (outcome, queued) == (None, False)

    assert await count(store, tickets) == 1
    assert await count(store, messages) == 2  # the question and one answer
    assert await count(store, outbox) == 2  # the answer, and the card for the staff group
    assert len(fast_sent.sent) == 1
    assert slow_sent.sent == []
    assert [(p.kind, p.ticket) for p in fast_told] == [(PostKind.CARD, 1)]
    assert slow_told == []


async def _ticket_of(store: Store, user_id: str) -> Ticket:
    visitor = await store.visitor("line", user_id)
    return await store.open_ticket(
        visitor.visitor_id,
        channel="line",
        lang="en",
        priority=Priority.NORMAL,
        reason="person",
        question="help",
    )


# -- giving up on a message ---------------------------------------------------------------


async def _one_claimed(
    store: Store, pipeline: Pipeline, deliverer: RecordingDeliverer, row: OutboxRow
) -> OutboxItem:
    """``row`` queued and claimed, for ``pipeline`` to send through ``deliverer`` on LINE."""
    pipeline.deliverers = {"line": deliverer}
    await store.enqueue([row])
    [item] = await store.claim_outbox(10, dt.timedelta(minutes=1))
    return item


class FailingDeliverer(RecordingDeliverer):
    async def attempt(self) -> None:
        raise aiohttp.ClientConnectionError("LINE is unreachable")


async def test_a_failing_message_is_retried_through_its_window_then_given_up(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> None:
    pipeline, _, _, _ = _pipeline(store, kb, matcher, database_url)
    row = OutboxRow("staff:1:a", 0, "line", "U1", encode_replies([Reply("hi")]))
    item = await _one_claimed(store, pipeline, FailingDeliverer(), row)

    many_tries_later = dataclasses.replace(item, attempts=40)
    verdict = await pipeline._send(many_tries_later)
    assert verdict.retry_in is not None  # a long outage is no reason to give up

    day_old = dataclasses.replace(item, created_at=utcnow() - dt.timedelta(hours=25))
    verdict = await pipeline._send(day_old)
    assert verdict.retry_in is None
    assert not verdict.delivered
    assert verdict.reason is not None
    assert "ClientConnectionError" in verdict.reason


def test_backoff_stays_finite_after_a_day_of_tries() -> None:
    assert 0 <= backoff(5000, None) <= BACKOFF_CAP
    assert backoff(5000, 30.0) >= 30.0


class Broken(RecordingDeliverer):
    async def attempt(self) -> None:
        raise KeyError("a bug, not an outage")


async def test_staff_see_a_failing_answer_while_it_is_still_retried(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> None:
    pipeline, _, _, _ = _pipeline(store, kb, matcher, database_url)
    ticket = await _ticket_of(store, "U1")
    row = OutboxRow("staff:1:a", 0, "line", "U1", encode_replies([Reply("hi")]), ticket_id=1)
    item = await _one_claimed(store, pipeline, FailingDeliverer(), row)

    for attempts in (1, SHOW_STAFF_AFTER - 1):
        tried = dataclasses.replace(item, attempts=attempts)
        assert await pipeline._record(tried, await pipeline._send(tried)) is False
    assert (await store.ticket(ticket.number)).delivery_error is None  # type: ignore[union-attr]

    tried = dataclasses.replace(item, attempts=SHOW_STAFF_AFTER)
    result = await pipeline._send(tried)
    assert result.retry_in is not None  # still retried …
    assert await pipeline._record(tried, result) is True  # … and staff are shown it
    shown = (await store.ticket(ticket.number)).delivery_error  # type: ignore[union-attr]
    assert shown is not None
    assert "retrying" in shown

    # It gets through: the ticket no longer shows a failure.
    pipeline.deliverers = {"line": RecordingDeliverer()}
    assert await pipeline._record(item, await pipeline._send(item)) is True
    assert (await store.ticket(ticket.number)).delivery_error is None  # type: ignore[union-attr]


async def test_an_unknown_failure_is_given_up_after_a_few_tries(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> None:
    pipeline, _, _, _ = _pipeline(store, kb, matcher, database_url)
    row = OutboxRow("staff:1:b", 0, "line", "U1", encode_replies([Reply("hi")]))
    item = await _one_claimed(store, pipeline, Broken(), row)
    assert (await pipeline._send(item)).retry_in is not None
    last = await pipeline._send(dataclasses.replace(item, attempts=UNEXPECTED_TRIES))
    assert last.retry_in is None
    assert last.reason == "unexpected KeyError"


class Slow(RecordingDeliverer):
    async def attempt(self) -> None:
        await asyncio.sleep(0.3)


async def test_stopping_lets_the_sends_in_flight_finish_and_be_recorded(
    store: Store, kb: KnowledgeBase, matcher: Matcher, database_url: str
) -> None:
    pipeline, _, _, _ = _pipeline(store, kb, matcher, database_url)
    slow = Slow()
    pipeline.deliverers = {"line": slow}
    for i in range(3):
        await _accept(store, f"ev{i}", f"U{i}", "emergency numbers")
    assert await pipeline.drain_inbox() == 3
    await asyncio.sleep(0.05)  # the batch's sends are under way
    await pipeline.stop()
    assert len(slow.sent) == 3
    assert await count(store, outbox, outbox.c.status == "sent") == 3


async def test_work_sharing_a_commit_keeps_each_part_to_itself(store: Store) -> None:
    async def create(user: str) -> int:
        state = await store.visitor("line", user)
        await store.log_message(state.visitor_id, "in", f"hello from {user}")
        if user == "U3":
            raise Boom(user)
        return state.visitor_id

    outcomes = await asyncio.gather(
        *(store.in_shared_commit(functools.partial(create, f"U{i}")) for i in range(8)),
        return_exceptions=True,
    )
    assert isinstance(outcomes[3], Boom)
    assert all(isinstance(o, int) for i, o in enumerate(outcomes) if i != 3)
    async with store.engine.connect() as conn:
        users = set((await conn.execute(sa.select(visitors.c.user_id))).scalars())
    assert users == {f"U{i}" for i in range(8)} - {"U3"}
    assert await count(store, messages) == 7


async def test_sends_recorded_together_clear_a_ticket_failure_once(store: Store) -> None:
    ticket = await _ticket_of(store, "U1")
    await store.record_delivery_error(ticket.number, "LINE 500")
    rows = [
        OutboxRow(f"staff:1:{n}", 0, "line", "U1", "[]", ticket_id=ticket.number) for n in range(3)
    ]
    rows.append(OutboxRow("inbox:9", 0, "line", "U2", "[]"))
    await store.enqueue(rows)
    items = await store.claim_outbox(10, dt.timedelta(minutes=1))
    cleared = await asyncio.gather(*(store.mark_sent(i.id, i.ticket_id) for i in items))
    assert sorted(cleared) == [False, False, False, True]  # staff are told once
    assert await count(store, outbox, outbox.c.status == "sent") == 4
    assert (await store.ticket(ticket.number)).delivery_error is None  # type: ignore[union-attr]
    assert await store.backlog() == {"inbox": 0, "outbox": 0}


async def test_sqlite_syncs_each_commit_to_disk(tmp_path: Path) -> None:
    # WAL with synchronous=FULL syncs the log at each commit; NORMAL (1) would keep the last
    # commits only in the OS's cache, and an event answered 200 is never sent again.
    store = await Store.open(f"sqlite:///{tmp_path}/desk.db")
    try:
        async with store.engine.begin() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            synchronous = (await conn.exec_driver_sql("PRAGMA synchronous")).scalar()
    finally:
        await store.close()
    assert (journal, synchronous) == ("wal", 2)
