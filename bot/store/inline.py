"""SQLite run in the event loop's own thread, behind the awaitable interface the Store uses.

SQLite is a library inside this process, not a server: an indexed statement takes a few
microseconds. The asyncio driver (aiosqlite) hands every call to a worker thread and back,
several times a statement, which costs about 300 µs a statement against 15 µs for the work
itself, and that made the database most of the cost of answering a webhook event. Here each
statement runs directly, so it holds the loop for microseconds instead of waiting on a thread.

One connection serves every task, one transaction at a time: an asyncio lock queues them (a
waiting task yields to the loop; a blocking pool checkout would stall it). SQLite has one
writer anyway. PostgreSQL keeps the async engine (asyncpg): there a statement is a network
round trip, and waiting for it must not block the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, Dialect, Engine

logger = logging.getLogger(__name__)

T = TypeVar("T")


class InlineConnection:
    """The subset of ``AsyncConnection`` the Store uses, over a synchronous connection."""

    def __init__(self, connection: Connection) -> None:
        self.sync_connection = connection

    @property
    def dialect(self) -> Dialect:
        return self.sync_connection.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> CursorResult[Any]:
        # Rows are read at once, as the async engine does, so a result outlives its block.
        return self.sync_connection.execute(statement, parameters, execution_options=_BUFFERED)

    async def scalar(self, statement: Any, parameters: Any = None) -> Any:
        return self.sync_connection.scalar(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> CursorResult[Any]:
        return self.sync_connection.exec_driver_sql(statement, parameters)

    async def run_sync(self, function: Callable[..., T], *args: Any) -> T:
        return function(self.sync_connection, *args)

    @contextlib.asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        with self.sync_connection.begin_nested():
            yield

    async def commit(self) -> None:
        self.sync_connection.commit()

    async def rollback(self) -> None:
        self.sync_connection.rollback()


_BUFFERED = {"prebuffer_rows": True}


class InlineEngine:
    """The subset of ``AsyncEngine`` the Store uses, over a synchronous SQLite engine.

    It keeps one connection open for good: every transaction is on it anyway (one at a time),
    and checking a connection out of a pool and back for each one was a good part of a short
    transaction's cost.
    """

    def __init__(self, engine: Engine) -> None:
        self.sync_engine = engine
        self._turn = asyncio.Lock()
        self._connection: Connection | None = None

    def _open(self) -> Connection:
        if self._connection is None or self._connection.closed or self._connection.invalidated:
            self._connection = self.sync_engine.connect()
        return self._connection

    @property
    def dialect(self) -> Dialect:
        return self.sync_engine.dialect

    @property
    def url(self) -> sa.URL:
        return self.sync_engine.url

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[InlineConnection]:
        async with self._turn:
            connection = self._open()
            with connection.begin():
                yield InlineConnection(connection)

    @contextlib.asynccontextmanager
    async def connect(self) -> AsyncIterator[InlineConnection]:
        async with self._turn:
            connection = self._open()
            try:
                yield InlineConnection(connection)
            finally:
                # As a connection returned to a pool would be: nothing left half done.
                if connection.in_transaction():
                    connection.rollback()

    async def dispose(self) -> None:
        async with self._turn:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
        self.sync_engine.dispose()
