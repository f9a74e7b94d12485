"""The web chat's live updates: pages waiting (long polling) for a staff answer.

A page with a request open keeps one ``GET /api/chat/updates`` waiting; the server answers it
as soon as a staff message for that session is stored, or after ``WAIT_SECONDS`` with nothing.
One watcher per server process looks at the database for new staff messages (every
``POLL_SECONDS`` while pages wait, at once when this process stored one), so an answer given
on another replica reaches a page waiting on this one. (On PostgreSQL a message can commit
after one with a higher id that the watcher has already seen: the watcher misses it, and the
page finds it with its next request, within ``WAIT_SECONDS``.)

Waiting pages are bounded: at most ``per_address`` from one client address and ``total`` in
all, per process; over either the page is told to come back later (429, Retry-After): a
refusal it understands, never a 500 or a connection held without end.
A stopping server answers every waiting page at once (503), so a restart is not held up by
them; the pages come back with backoff.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import AsyncIterator

from bot.store import Store

logger = logging.getLogger(__name__)

#: How long a page's request waits for a staff answer before it is answered empty (below the
#: idle timeouts of common proxies).
WAIT_SECONDS = 25.0
#: How often the watcher looks at the database for staff answers while pages wait.
POLL_SECONDS = 1.0
#: Seconds a page refused for being over a cap is asked to wait.
RETRY_AFTER_SECONDS = 15


class Crowded(Exception):
    """A page may not wait now: too many wait from its address or in all (429 either way: the
    page does the same, waits and asks again)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Closing(Exception):
    """The server is stopping: the page should come back (to this or another server)."""


class LiveUpdates:
    def __init__(self, store: Store, channel: str, *, per_address: int, total: int) -> None:
        self.store = store
        self.channel = channel
        self.per_address = per_address
        self.total = total
        self._by_address: collections.Counter[str] = collections.Counter()
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._poke = asyncio.Event()
        self._closing = asyncio.Event()
        self._cursor: int | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def open(self) -> int:
        """Pages waiting now (on this process)."""
        return sum(self._by_address.values())

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="web-live-updates")

    async def stop(self) -> None:
        self.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def close(self) -> None:
        """Answer every waiting page now, and every later one at once (the server stops)."""
        self._closing.set()
        for events in self._waiting.values():
            for event in events:
                event.set()

    def poke(self) -> None:
        """A staff message was just stored by this process: look now, not at the next tick."""
        self._poke.set()

    @contextlib.asynccontextmanager
    async def admitted(self, address: str) -> AsyncIterator[None]:
        """Hold one of the places for waiting pages, or raise :class:`Crowded`."""
        if self._closing.is_set():
            raise Closing
        if self._by_address[address] >= self.per_address:
            raise Crowded(429, "too many chat pages from your network are waiting for replies")
        if self.open >= self.total:
            raise Crowded(429, "too many chat pages are waiting for replies")
        self._by_address[address] += 1
        try:
            yield
        finally:
            self._by_address[address] -= 1
            if not self._by_address[address]:
                del self._by_address[address]

    @contextlib.contextmanager
    def watching(self, session: str) -> collections.abc.Iterator[asyncio.Event]:
        """An event set when a staff message for ``session`` may have been stored. Taken
        before the page's messages are read, so one stored in between is not missed."""
        event = asyncio.Event()
        if self._closing.is_set():
            event.set()
        self._waiting.setdefault(session, set()).add(event)
        try:
            yield event
        finally:
            events = self._waiting.get(session)
            if events is not None:
                events.discard(event)
                if not events:
                    del self._waiting[session]

    @property
    def closing(self) -> bool:
        return self._closing.is_set()

    async def _watch(self) -> None:
        while True:
            try:
                await self._look()
            except Exception:
                # The database may be away for a moment; the pages time out and ask again.
                logger.warning("live updates: looking for staff answers failed", exc_info=True)
            self._poke.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poke.wait(), POLL_SECONDS)

    async def _look(self) -> None:
        if self._cursor is None:
            # At start: what was stored before a page waits is found by the page's own request.
            self._cursor = await self.store.latest_message_id()
            return
        if not self._waiting:
            return  # nobody to wake; the next look covers what is stored meanwhile
        self._cursor, sessions = await self.store.staff_answers_since(self._cursor, self.channel)
        for session in sessions:
            for event in self._waiting.get(session, ()):
                event.set()
