"""Group commit: callers that arrive together share one transaction.

The first caller starts a flush; those arriving while it runs join the next one. Each caller
gets its own result (or the exception that sank its batch) only once the batch is committed,
so nothing is reported done before it is durable, and under load a commit serves many.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Writes a batch in one transaction; returns one result per item, in order (an exception in
#: the list fails only that item's caller).
Flush = Callable[[Sequence[Item]], Awaitable[Sequence[Result | BaseException]]]


class GroupCommit(Generic[Item, Result]):
    def __init__(self, flush: Flush[Item, Result], name: str, limit: int = 500) -> None:
        self._flush = flush
        self._name = name
        self._limit = limit
        self._pending: list[tuple[Item, asyncio.Future[Result]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._task is None or self._task.done():
            # A context of its own: started from inside a unit of work, it must still commit
            # on its own, not wait for the connection that unit holds.
            self._task = asyncio.create_task(
                self._run(), name=self._name, context=contextvars.Context()
            )
        return await future

    async def drained(self) -> None:
        """Wait for the flush in flight, if any (at shutdown)."""
        if self._task is not None:
            await asyncio.wait([self._task])

    async def _run(self) -> None:
        while self._pending:
            batch = self._pending[: self._limit]
            del self._pending[: self._limit]
            try:
                results = await self._flush([item for item, _ in batch])
            except asyncio.CancelledError:
                for _, future in batch + self._pending:
                    future.cancel()
                self._pending.clear()
                raise
            except Exception as exc:
                # The commit failed: none of the batch happened.
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue  # its caller went away
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)
