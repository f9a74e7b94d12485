"""Durable delivery: the inbox worker answers accepted events, the outbox sender delivers.

A webhook answers 200 only after its event is committed to the inbox. The inbox worker runs
the desk on it and, in one transaction, marks it done and queues the replies in the outbox,
with what staff must hear of it (a new ticket's card, a note) for the Telegram staff group.
The outbox sender delivers each queued message through the channel's SDK, retrying 429, 5xx
and network failures with exponential backoff and full jitter (honouring Retry-After), until
it is delivered or fails for good (blocked bot, 400/403), which is recorded on the ticket.
Both loops lease rows, so several server processes on one PostgreSQL share the work and a
crashed process's rows are taken up again when its lease runs out.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import functools
import json
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import aiohttp
from linebot.v3.messaging import ApiException
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.channels.line import ReplyTokenSpent
from bot.desk import Desk
from bot.errors import MailNotSent
from bot.kb.schema import Contact
from bot.metrics import Metrics
from bot.models import Channel, Inbound, InboundKind, NoticeKind, Option, Outcome, Reply
from bot.store import Store, Ticket
from bot.store.db import utcnow
from bot.store.queue import STAFF_GROUP, InboxItem, OutboxItem, OutboxRow, PostKind, StaffPost
from bot.text import Lang

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)
BATCH = 20
SEND_CONCURRENCY = 16
MAX_INBOX_ATTEMPTS = 5
#: A message still failing after this many tries is shown to staff on its ticket (it is
#: still retried); one failing for a reason nobody knows is given up after UNEXPECTED_TRIES.
SHOW_STAFF_AFTER = 5
UNEXPECTED_TRIES = 5
#: How long a message keeps being retried after it was queued, by default (SEND_RETRY_HOURS).
SEND_WINDOW = dt.timedelta(hours=24)
BACKOFF_BASE = 1.0
BACKOFF_CAP = 300.0
#: LINE reply tokens are good for about a minute; older ones go straight to push.
REPLY_TOKEN_FRESH = dt.timedelta(seconds=50)
IDLE_WAIT = 1.0
#: Seconds a stopping server gives the sends in flight (the SDK calls time out after 10 s).
STOP_GRACE = 12.0


#: Called with how many parts of a message have been delivered so far.
PartsSent = Callable[[int], Awaitable[None]]


class Deliverer(Protocol):
    async def deliver(
        self,
        user_id: str,
        replies: list[Reply],
        reply_token: str | None,
        retry_key: str,
        *,
        push_if_token_spent: bool = True,
        parts_sent: int = 0,
        on_part_sent: PartsSent | None = None,
    ) -> None:
        """Deliver ``replies``, skipping the first ``parts_sent`` parts (delivered by an
        earlier try) and reporting each part delivered through ``on_part_sent``."""
        ...


class StaffPoster(Protocol):
    """The Telegram staff group, as the outbox sends to it."""

    chat_id: int

    async def post(self, post: StaffPost, chat_id: int) -> None:
        """Post (or edit) in the staff group ``chat_id`` what ``post`` says."""
        ...


# -- codecs: what is stored in the inbox and outbox --------------------------------------


def encode_inbound(inbound: Inbound) -> str:
    # ASCII escapes keep what a database cannot store (lone surrogates, NUL) storable; the
    # desk cleans them when it reads the event back.
    return json.dumps(dataclasses.asdict(inbound), ensure_ascii=True)


def decode_inbound(payload: str) -> Inbound:
    data: dict[str, Any] = json.loads(payload)
    data["channel"] = Channel(data["channel"])
    data["kind"] = InboundKind(data["kind"])
    return Inbound(**data)


def encode_replies(replies: list[Reply]) -> str:
    return json.dumps(
        [
            {
                "text": reply.text,
                "lang": reply.lang.value,
                "options": [[o.label, o.choice] for o in reply.options],
                "urgent": reply.urgent,
                "contacts": [
                    c.model_dump(mode="json", by_alias=True, exclude_none=True)
                    for c in reply.contacts
                ],
            }
            for reply in replies
        ],
        ensure_ascii=False,
    )


def decode_replies(payload: str) -> list[Reply]:
    return list(_decoded_replies(payload))


@functools.lru_cache(maxsize=1024)
def _decoded_replies(payload: str) -> tuple[Reply, ...]:
    # The same answers are queued over and over; Reply is immutable, so one copy serves all.
    return tuple(
        Reply(
            text=item["text"],
            options=tuple(Option(label, choice) for label, choice in item["options"]),
            contacts=tuple(Contact.model_validate(c) for c in item["contacts"]),
            lang=Lang(item["lang"]),
            # Rows queued before the field existed are ordinary replies.
            urgent=bool(item.get("urgent", False)),
        )
        for item in json.loads(payload)
    )


# -- failure classes ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Verdict:
    retry: bool
    #: Seconds the platform asked us to wait (Retry-After), if it said.
    wait: float | None
    reason: str
    #: Tries after which it is given up whatever the time (None: only the retry window).
    max_attempts: int | None = None


def classify(exc: BaseException) -> Verdict:
    """Retry what may pass (429, 5xx, network, timeouts); give up on what will not."""
    if isinstance(exc, MailNotSent):
        return Verdict(exc.retry, None, f"e-mail: {exc.reason}")
    if isinstance(exc, ApiException):
        status = exc.status or 0
        if status == 429 or status >= 500:
            after = (exc.headers or {}).get("Retry-After")
            try:
                wait = float(after) if after is not None else None
            except ValueError:
                wait = None
            return Verdict(True, wait, f"LINE {status}")
        return Verdict(False, None, f"LINE {status}: {str(exc.body)[:200]}")
    if isinstance(exc, RetryAfter):
        seconds = exc.retry_after
        wait = seconds.total_seconds() if isinstance(seconds, dt.timedelta) else float(seconds)
        return Verdict(True, wait, "Telegram 429")
    if isinstance(exc, (BadRequest, Forbidden)):
        return Verdict(False, None, f"Telegram {type(exc).__name__}: {exc.message[:200]}")
    if isinstance(exc, (NetworkError, aiohttp.ClientError, TimeoutError, OSError)):
        return Verdict(True, None, type(exc).__name__)
    # Not a failure the platforms are known for (a bug, a misconfiguration): a few tries,
    # then it is shown to staff rather than retried all day.
    return Verdict(True, None, f"unexpected {type(exc).__name__}", max_attempts=UNEXPECTED_TRIES)


def backoff(attempt: int, wait: float | None) -> float:
    """Full jitter (AWS architecture blog) over an exponential ceiling; Retry-After wins."""
    # The exponent stops growing long after the cap is reached: a day of retries is hundreds
    # of tries, and 2.0 ** 1024 overflows.
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** min(max(0, attempt - 1), 30))
    delay = random.uniform(0, ceiling)  # noqa: S311 - jitter, not security
    return max(delay, wait) if wait is not None else delay


@dataclasses.dataclass(frozen=True)
class _Sent:
    """One delivery try: delivered, or why not and (when it may pass) the seconds to wait."""

    delivered: bool
    retry_in: float | None
    reason: str | None


def _visitors_ticket(item: OutboxItem) -> int | None:
    """The ticket whose delivery state ``item`` tells (a message to its visitor does; a post
    to the staff group about it does not)."""
    return None if item.channel == STAFF_GROUP else item.ticket_id


class _FinishedElsewhere(Exception):
    """Raised to undo an event's side effects when another worker already finished it."""


# -- the two loops ---------------------------------------------------------------------------


_POSTS = {
    NoticeKind.OPENED: PostKind.CARD,
    NoticeKind.FOLLOW_UP: PostKind.NOTE,
    NoticeKind.CANCELLED: PostKind.CANCELLED,
}


class Pipeline:
    def __init__(
        self,
        store: Store,
        desk: Desk,
        deliverers: dict[str, Deliverer],
        staff: StaffPoster | None = None,
        on_delivery_changed: Callable[[int], Awaitable[None]] | None = None,
        metrics: Metrics | None = None,
        send_window: dt.timedelta = SEND_WINDOW,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.send_window = send_window
        #: Called with a ticket number when its delivery state changes (failed, or recovered).
        self.on_delivery_changed = on_delivery_changed
        self.store = store
        self.desk = desk
        self.deliverers = deliverers
        #: By channel, how to look up a visitor's language on the platform (the LINE profile),
        #: asked once, when they add the bot: the welcome is their first message from us.
        self.platform_languages: dict[str, Callable[[str], Awaitable[str | None]]] = {}
        #: The staff group, if one is configured: what staff must hear goes there.
        self.staff = staff
        self.inbox_ready = asyncio.Event()
        self.outbox_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._busy = 0
        self._sending: asyncio.Task[None] | None = None

    async def queue_staff_message(self, ticket: Ticket, text: str) -> bool:
        """A staff answer (or closing note) to the visitor, through the outbox."""
        if ticket.channel not in self.deliverers:
            return False
        await self.store.enqueue(
            [
                OutboxRow(
                    source=f"staff:{ticket.number}:{uuid.uuid4().hex}",
                    seq=0,
                    channel=ticket.channel,
                    user_id=ticket.user_id,
                    payload=encode_replies([Reply(text, lang=Lang(ticket.lang))]),
                    ticket_id=ticket.number,
                )
            ]
        )
        self.outbox_ready.set()
        return True

    def staff_rows(self, source: str, outcome: Outcome) -> list[OutboxRow]:
        """What staff must hear of ``outcome`` (a new ticket, a follow-up, a cancellation), as
        outbox rows for the staff group: queued with the rest of the exchange, so that a
        notice that fails to reach the group is tried again, not lost."""
        if self.staff is None:
            for notice in outcome.notices:
                logger.info(
                    "ticket #%d %s (no staff group configured)", notice.ticket_number, notice.kind
                )
            return []
        return [
            OutboxRow(
                source=source,
                seq=seq,
                channel=STAFF_GROUP,
                user_id=str(self.staff.chat_id),
                payload=StaffPost(
                    _POSTS[notice.kind], notice.ticket_number, notice.text, notice.urgent
                ).encode(),
                ticket_id=notice.ticket_number,
            )
            # Sequence 0 is the visitor's answer to the same exchange.
            for seq, notice in enumerate(outcome.notices, start=1)
        ]

    async def idle(self) -> bool:
        """Nothing left to process or send, nothing being processed (tests wait for this)."""
        if self._busy or (self._sending is not None and not self._sending.done()):
            return False
        backlog = await self.store.backlog()
        return backlog["inbox"] == 0 and backlog["outbox"] == 0

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop(self.inbox_ready, self.drain_inbox), name="inbox"),
            asyncio.create_task(self._loop(self.outbox_ready, self.drain_outbox), name="outbox"),
        ]

    async def stop(self) -> None:
        # Sends in flight finish (and are recorded) first: cut off, a delivered message would
        # be sent again after the restart. The platforms' own timeouts bound the wait.
        if self._sending is not None:
            await asyncio.wait([self._sending], timeout=STOP_GRACE)
            self._tasks.append(self._sending)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _loop(self, ready: asyncio.Event, drain: Callable[[], Awaitable[int]]) -> None:
        while True:
            try:
                worked = await drain()
            except Exception:
                # The database may be down for a moment: nothing is lost, try again shortly.
                logger.exception("delivery loop failed; retrying")
                worked = 0
            if worked == 0:
                ready.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(ready.wait(), IDLE_WAIT)

    async def drain_inbox(self) -> int:
        self._busy += 1
        try:
            items = await self.store.claim_inbox(BATCH, LEASE)
            if not items:
                return 0
            # The whole batch in one transaction, in arrival order (so one visitor's messages
            # are answered in order); each event in a savepoint of its own, so one that fails
            # leaves no half-done side effects and does not hold up the others.
            # Looked up before the transaction: no database write waits on the platform.
            inbounds = [await self._with_platform_language(item) for item in items]
            async with self.store.unit_of_work():
                outcomes = [
                    await self._process(item, inbound)
                    for item, inbound in zip(items, inbounds, strict=True)
                ]
            # Sending overlaps answering the next batch; one batch's sends in flight at a time
            # keeps the database and the platform from being asked for more than they give.
            if self._sending is not None:
                await self._sending
            if any(queued for _, queued in outcomes):
                self._sending = asyncio.create_task(self._send_batch(), name="send")
            return len(items)
        finally:
            self._busy -= 1

    async def _send_batch(self) -> None:
        try:
            await self.drain_outbox()
        except Exception:
            # Nothing is lost: what is queued stays for the outbox loop.
            logger.exception("sending a processed batch failed; the outbox retries")

    async def _with_platform_language(self, item: InboxItem) -> Inbound:
        inbound = decode_inbound(item.payload)
        lookup = self.platform_languages.get(inbound.channel.value)
        if lookup is None or inbound.kind is not InboundKind.FOLLOW or inbound.group:
            return inbound
        if inbound.language is not None:
            return inbound
        return dataclasses.replace(inbound, language=await lookup(inbound.user_id))

    async def _process(self, item: InboxItem, inbound: Inbound) -> tuple[Outcome | None, bool]:
        """Answer one event and queue its replies: (the outcome, whether replies were queued)."""
        started = time.perf_counter()
        try:
            async with self.store.savepoint():
                outcome = await self.desk.handle(inbound)
                rows = self.staff_rows(f"inbox:{item.id}", outcome)
                if outcome.replies and inbound.channel.value in self.deliverers:
                    rows.append(
                        OutboxRow(
                            source=f"inbox:{item.id}",
                            seq=0,
                            channel=inbound.channel.value,
                            user_id=inbound.user_id,
                            payload=encode_replies(outcome.replies),
                            reply_token=inbound.reply_token,
                            ticket_id=outcome.ticket_number,
                            reply_by=(item.accepted_at or utcnow()) + REPLY_TOKEN_FRESH,
                        )
                    )
                if not await self.store.finish_inbox(item.id, rows):
                    # Another worker finished it after our lease ran out: its replies and
                    # notices are that worker's, and what we just wrote is undone.
                    raise _FinishedElsewhere
        except _FinishedElsewhere:
            return None, False
        except Exception as exc:
            give_up = item.attempts >= MAX_INBOX_ATTEMPTS
            logger.exception("inbox %d failed (attempt %d)", item.id, item.attempts)
            await self.store.fail_inbox(item.id, f"{type(exc).__name__}: {exc}", give_up)
            return None, False
        self.metrics.observe_outcome(inbound.channel.value, outcome, started)
        return outcome, bool(rows)

    async def drain_outbox(self) -> int:
        self._busy += 1
        try:
            items = await self.store.claim_outbox(BATCH, LEASE)
            if not items:
                return 0
            limit = asyncio.Semaphore(SEND_CONCURRENCY)

            async def one(item: OutboxItem) -> None:
                async with limit:
                    result = await self._send(item)
                # Recorded the moment it is known: a delivered message not yet marked sent
                # would go out again if the server stopped now.
                try:
                    if result.delivered:
                        changed = await self.store.mark_sent(item.id, _visitors_ticket(item))
                    else:
                        changed = await self.store.in_shared_commit(
                            functools.partial(self._record, item, result)
                        )
                except Exception:
                    logger.exception("outbox %d: could not record %s", item.id, result)
                    return
                if changed and self.on_delivery_changed is not None:
                    assert item.ticket_id is not None
                    await self.on_delivery_changed(item.ticket_id)

            # The visitors first (emergency numbers at once), then the staff group, one post
            # after another: a card before the notes that answer it.
            await asyncio.gather(*(one(item) for item in items if item.channel != STAFF_GROUP))
            for item in items:
                if item.channel == STAFF_GROUP:
                    await one(item)
            return len(items)
        finally:
            self._busy -= 1

    async def _send(self, item: OutboxItem) -> _Sent:
        """One try at delivering ``item``; touches no database (the batch records it)."""
        if item.channel == STAFF_GROUP:
            if self.staff is None:
                return _Sent(False, None, "no staff group is configured")
            staff = self.staff
            chat = int(item.user_id) if item.user_id else staff.chat_id
            return await self._try(item, lambda: staff.post(StaffPost.decode(item.payload), chat))
        deliverer = self.deliverers.get(item.channel)
        if deliverer is None:
            return _Sent(False, None, f"channel {item.channel} is not configured")
        first_try = item.attempts == 1
        if item.channel == Channel.TELEGRAM.value:
            # A callback-query id: acknowledged on the first try only.
            token = item.reply_token if first_try else None
        else:
            # Fresh is counted from the webhook's acceptance, not from queueing: after a
            # restart an old token must not be mistaken for one an earlier try spent.
            fresh = item.reply_by is not None and utcnow() < item.reply_by
            # While it is fresh, every try uses the reply token. The reply API takes no retry
            # key, and a try whose outcome is unknown may have got through: LINE failed after
            # delivering it, the connection broke, the server that sent it was killed. LINE
            # refuses a token used before, so on a later try that refusal says an earlier one
            # was delivered; pushing instead would show the visitor the answer twice. Only on
            # the first try does a refused token mean it is no good: then it is pushed.
            token = item.reply_token if fresh else None

        async def part_sent(parts: int) -> None:
            await self.store.outbox_progress(item.id, parts)

        return await self._try(
            item,
            lambda: deliverer.deliver(
                item.user_id,
                decode_replies(item.payload),
                token,
                item.retry_key,
                push_if_token_spent=first_try,
                parts_sent=item.parts_sent,
                on_part_sent=part_sent,
            ),
        )

    async def _try(self, item: OutboxItem, send: Callable[[], Awaitable[None]]) -> _Sent:
        """One try at ``item`` (``send``), and what became of it."""
        self.metrics.send_attempts.labels(item.channel).inc()
        started = time.perf_counter()
        try:
            await send()
        except ReplyTokenSpent:
            logger.info("outbox %d: reply token spent by an earlier try: delivered", item.id)
        except Exception as exc:
            verdict = classify(exc)
            # Retried through an outage of any length up to the window, then given up (and
            # staff are shown it on the ticket): an answer a day late is still worth sending.
            final = (
                not verdict.retry
                or utcnow() - item.created_at > self.send_window
                or (verdict.max_attempts is not None and item.attempts >= verdict.max_attempts)
            )
            self.metrics.send_failures.labels(item.channel, str(final).lower()).inc()
            if not final:
                delay = backoff(item.attempts, verdict.wait)
                logger.info(
                    "outbox %d: %s; retry %d in %.1f s",
                    item.id,
                    verdict.reason,
                    item.attempts,
                    delay,
                )
                return _Sent(False, delay, verdict.reason)
            logger.warning("outbox %d failed for good: %s", item.id, verdict.reason)
            return _Sent(False, None, verdict.reason)
        self.metrics.send_seconds.labels(item.channel).observe(time.perf_counter() - started)
        return _Sent(True, None, None)

    async def _record(self, item: OutboxItem, result: _Sent) -> bool:
        """Store what became of one try; True when its ticket's delivery state changed."""
        ticket = _visitors_ticket(item)
        if result.delivered:
            return await self.store.outbox_sent(item.id, ticket)
        assert result.reason is not None
        if result.retry_in is not None:
            await self.store.outbox_retry(
                item.id, result.reason, utcnow() + dt.timedelta(seconds=result.retry_in)
            )
            self._wake_later(result.retry_in)
            if ticket is None or item.attempts != SHOW_STAFF_AFTER:
                return False
            # Still retrying, but staff should know now, not when the window closes: the card
            # and the console show it until a message gets through (outbox_sent clears it).
            await self.store.record_delivery_error(
                ticket, f"not delivered yet, retrying: {result.reason}"
            )
            return True
        await self.store.outbox_failed(item.id, result.reason)
        if ticket is None:
            return False
        await self.store.record_delivery_error(ticket, result.reason)
        return True

    def _wake_later(self, delay: float) -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(delay, self.outbox_ready.set)
