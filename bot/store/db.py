"""The database the parts of the store share: opening it, units of work, the clock.

SQLite runs in the event loop's own thread (bot/store/inline.py), PostgreSQL on the async
engine (asyncpg); both are brought up to date by Alembic when the store opens. ``StoreBase``
gives every part of the store (visitors.py, tickets.py, queue.py, staff.py, retention.py) the
same two ways to reach the database: ``_read()`` and ``_write()``, which join the unit of work
the calling task is in, or else take a connection (a transaction, for writes) of their own.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.store.batching import GroupCommit
from bot.store.calendar import Calendar
from bot.store.inline import InlineConnection, InlineEngine
from bot.store.migrate import upgrade

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: What the store runs on: the async engine (PostgreSQL), or SQLite in the loop's thread.
Database = AsyncEngine | InlineEngine
DatabaseConnection = AsyncConnection | InlineConnection


# -- the clock --------------------------------------------------------------------------------
# The parts of the store call it as ``db.utcnow()``, so a test sets one clock for all of them.


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """A stored instant as an aware datetime: SQLite hands back naive datetimes even for
    timezone=True columns; they were stored as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def as_utc(value: dt.datetime) -> dt.datetime:
    """An instant to compare with stored ones, in UTC: SQLite stores and compares the text
    without its offset, so a Taipei-time cutoff would be read eight hours off there."""
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


# -- statements that differ by dialect ----------------------------------------------------------


def dialect_insert(conn: DatabaseConnection) -> Callable[[sa.Table], Any]:
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING."""
    return postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert


_INSERTS: dict[tuple[str, ...], Any] = {}


def insert_or_skip(conn: DatabaseConnection, table: sa.Table, *returning: sa.Column[Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING [RETURNING …] in the connection's dialect, built once: a
    statement object used again skips SQLAlchemy's construction and cache-key work, a good
    part of the cost of a short statement."""
    key = (conn.dialect.name, table.name, *(column.name for column in returning))
    statement = _INSERTS.get(key)
    if statement is None:
        statement = dialect_insert(conn)(table).on_conflict_do_nothing()
        if returning:
            statement = statement.returning(*returning)
        _INSERTS[key] = statement
    return statement


# -- units of work ----------------------------------------------------------------------------

#: The connection of the unit of work the current task is in, if any (see unit_of_work).
_unit_of_work: contextvars.ContextVar[tuple[StoreBase, DatabaseConnection] | None] = (
    contextvars.ContextVar("unit_of_work", default=None)
)


class StoreBase:
    """The engine and the transactions; the parts of the store build on it."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine
        #: How the daily totals tell days and office hours (the server sets its own).
        self.calendar = Calendar()
        self._shared: GroupCommit[Callable[[], Awaitable[Any]], Any] = GroupCommit(
            self._run_shared, "shared commit"
        )
        #: Group commits drained before the engine goes (parts of the store add theirs).
        self._group_commits: list[GroupCommit[Any, Any]] = [self._shared]
        self._checkpoint_due = False

    @contextlib.asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[None]:
        """One transaction for every store call this task makes inside the block.

        The inbox worker answers a batch of events in one commit instead of a handful per
        event, and an event's side effects (visitor, messages, ticket) commit together with
        marking it done, so an event processed again after a crash repeats none of them.
        Calls from other tasks are not part of it; nothing inside may run store calls
        concurrently (one connection runs one statement at a time).
        """
        if self._ambient() is not None:
            yield
            return
        async with self.engine.begin() as conn:
            token = _unit_of_work.set((self, conn))
            try:
                yield
            finally:
                _unit_of_work.reset(token)
        await self._after_commit()

    def _ambient(self) -> DatabaseConnection | None:
        """The connection of this store's unit of work the current task is in, if any."""
        current = _unit_of_work.get()
        return current[1] if current is not None and current[0] is self else None

    async def in_shared_commit(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``work`` (store calls) and return its result once it is committed, in one
        transaction with whatever other work is queued at the same moment (group commit).

        Each piece runs in a savepoint of its own, so one that raises (its exception is
        raised here) undoes only itself.
        """
        result: T = await self._shared.submit(work)
        return result

    async def _run_shared(
        self, batch: Sequence[Callable[[], Awaitable[Any]]]
    ) -> list[Any | BaseException]:
        results: list[Any | BaseException] = []
        async with self.unit_of_work():
            for work in batch:
                try:
                    async with self.savepoint():
                        results.append(await work())
                except Exception as exc:
                    results.append(exc)
        return results

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Inside a unit of work: undo only this block's writes when it raises."""
        conn = self._ambient()
        if conn is None:
            yield
            return
        async with conn.begin_nested():
            yield

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[DatabaseConnection]:
        conn = self._ambient()
        if conn is not None:
            yield conn
            return
        async with self.engine.begin() as conn:
            yield conn
        await self._after_commit()

    @contextlib.asynccontextmanager
    async def _read(self) -> AsyncIterator[DatabaseConnection]:
        conn = self._ambient()
        if conn is not None:
            yield conn
            return
        async with self.engine.connect() as conn:
            yield conn

    def _deleted_something(self) -> None:
        """Called inside the transaction that deletes what a visitor wrote: once it commits,
        SQLite's write-ahead log is checkpointed and emptied, so that the deleted text is
        left neither there nor in the database file (secure_delete zeroes deleted content
        in the pages; the log would otherwise keep the older pages for a while)."""
        if self.engine.dialect.name == "sqlite":
            self._checkpoint_due = True

    async def _after_commit(self) -> None:
        if not self._checkpoint_due:
            return
        self._checkpoint_due = False
        try:
            async with self.engine.connect() as conn:
                busy = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()[0]
        except Exception:
            logger.warning("checkpoint after a deletion failed", exc_info=True)
            return
        if busy:
            # Another process (a command-line `staff add`) was reading: the next one will do.
            logger.warning("checkpoint after a deletion could not finish: the log is in use")

    async def close(self) -> None:
        # Webhooks and sends already waiting on a commit get their answer before the engine
        # goes.
        for batcher in self._group_commits:
            await batcher.drained()
        await self.engine.dispose()

    async def ping(self) -> bool:
        try:
            async with self._read() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception:
            logger.warning("database ping failed", exc_info=True)
            return False
        return True


# -- opening the database ---------------------------------------------------------------------


async def open_database(url: str) -> Database:
    """The engine for ``url``, its schema brought up to date."""
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite" and sa_url.database not in (None, "", ":memory:"):
        Path(sa_url.database).parent.mkdir(parents=True, exist_ok=True)
    engine: Database
    if sa_url.get_backend_name() == "sqlite":
        # SQLite has one writer at a time. One shared connection queues transactions in
        # the event loop; a pool of them would collide on the file lock and sleep in
        # SQLite's busy handler, which costs far more than the queueing. It runs in the
        # loop's thread (see bot/store/inline.py), whichever driver the URL names.
        sync_engine = sa.create_engine(
            sa_url.set(drivername="sqlite+pysqlite"), pool_size=1, max_overflow=0
        )
        sa.event.listen(sync_engine, "connect", _sqlite_pragmas)
        sa.event.listen(sync_engine, "begin", _sqlite_begin)
        engine = InlineEngine(sync_engine)
    else:
        engine = create_async_engine(sa_url, pool_pre_ping=True, pool_size=10)
    async with engine.begin() as conn:
        await conn.run_sync(_migrate)
    logger.info("store ready on %s", sa_url.render_as_string(hide_password=True))
    return engine


def _sqlite_begin(connection: Connection) -> None:
    # The sqlite3 module's own transaction handling ignores SAVEPOINT; SQLAlchemy's
    # documented remedy is to switch it off (isolation_level None) and begin here.
    connection.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions begin in _sqlite_begin
    # WAL lets readers work while one writer commits. FULL syncs the log on every commit: a
    # webhook is answered 200 only after its event is committed, and the platform never sends
    # it again, so that commit must survive a power cut or a kernel crash too, not only a
    # crash of this process (NORMAL would lose the last commits then). Commits are grouped
    # (see batching.py), so the sync is paid once a group: about 8% of throughput.
    # The busy timeout lets a write wait for another process's (a `staff add` from the command
    # line) instead of failing at once; it is short because the server waits in its only
    # thread: past it, the webhook answers 503 and the platform delivers the event again.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=1000")
    # What is deleted (a visitor's /delete, the retention purge) is overwritten with zeros,
    # not left in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


#: Any fixed number: the key of the lock that lets one replica at a time run migrations.
_MIGRATION_LOCK = 7_215_342


def _migrate(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Replicas starting together on an empty database would all create the same tables;
        # the transaction-level advisory lock lets one migrate while the others wait.
        connection.execute(sa.text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
    upgrade(connection)
