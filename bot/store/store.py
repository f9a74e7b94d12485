"""The async Store: one small interface over SQLAlchemy Core, the same on every backend.

SQLite (aiosqlite) by default, PostgreSQL (asyncpg) through ``DATABASE_URL``; one contract test
suite runs against both. The schema is brought up to date by Alembic when the store opens.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.store.batching import GroupCommit
from bot.store.inline import InlineConnection, InlineEngine
from bot.store.migrate import upgrade
from bot.store.tables import (
    flags,
    inbox,
    messages,
    outbox,
    processed_events,
    staff_accounts,
    ticket_events,
    tickets,
    visitors,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

CLOSURE_FLAG = "office_closed"
#: Webhook events committed together at most (SQLite allows 32,766 bound values a statement).
ACCEPT_BATCH = 500


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes even for timezone=True columns; they were stored as UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _utc(value: dt.datetime) -> dt.datetime:
    # An instant to compare with stored ones, in UTC: SQLite stores and compares the text
    # without its offset, so a Taipei-time cutoff would be read eight hours off there.
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


class TicketStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    ANSWERED = "answered"
    CLOSED = "closed"


ACTIVE_STATUSES = (TicketStatus.OPEN, TicketStatus.CLAIMED, TicketStatus.ANSWERED)


class Priority(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


@dataclass(frozen=True)
class VisitorState:
    visitor_id: int
    lang_choice: str | None
    last_options: tuple[str, ...]
    last_lang: str | None = None
    #: Whether an open, claimed or answered ticket is theirs (``active_ticket`` fetches it).
    has_ticket: bool = False


@dataclass(frozen=True)
class Visitor:
    id: int
    channel: str
    user_id: str
    display_name: str | None
    lang: str | None


@dataclass(frozen=True)
class StaffAccount:
    name: str
    password_hash: str
    #: Every console session carries it; it moves on to end them all.
    session_epoch: int
    disabled: bool


@dataclass(frozen=True)
class Ticket:
    number: int
    visitor_id: int
    channel: str
    user_id: str
    display_name: str | None
    lang: str
    status: TicketStatus
    priority: Priority
    reason: str
    question: str
    guesses: tuple[tuple[str, float], ...]
    assignee: str | None
    card_message_id: int | None
    card_posted_at: dt.datetime | None
    delivery_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True)
class Message:
    id: int
    direction: str
    author: str | None
    text: str
    decision: str | None
    entry_id: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class TicketEvent:
    actor: str
    action: str
    detail: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    lang: str | None
    created_at: dt.datetime


_TICKET_COLUMNS = (
    tickets,
    visitors.c.user_id,
    visitors.c.display_name,
)


def _ticket(row: Any) -> Ticket:
    created = _aware(row.created_at)
    updated = _aware(row.updated_at)
    assert created is not None
    assert updated is not None
    return Ticket(
        number=row.id,
        visitor_id=row.visitor_id,
        channel=row.channel,
        user_id=row.user_id,
        display_name=row.display_name,
        lang=row.lang,
        status=TicketStatus(row.status),
        priority=Priority(row.priority),
        reason=row.reason,
        question=row.question,
        guesses=tuple((str(g[0]), float(g[1])) for g in json.loads(row.guesses)),
        assignee=row.assignee,
        card_message_id=row.card_message_id,
        card_posted_at=_aware(row.card_posted_at),
        delivery_error=row.delivery_error,
        created_at=created,
        updated_at=updated,
    )


def _ticket_query() -> sa.Select[Any]:
    return sa.select(*_TICKET_COLUMNS).join(visitors, visitors.c.id == tickets.c.visitor_id)


# The statements of answering one event, built once (see _insert_or_skip). Bound parameter
# names differ from column names, which SQLAlchemy keeps for the SET and VALUES clauses.
_ACTIVE = [status.value for status in ACTIVE_STATUSES]
_VISITOR_STATE = sa.select(
    visitors.c.id,
    visitors.c.lang_choice,
    visitors.c.last_options,
    visitors.c.last_lang,
    visitors.c.display_name,
    sa.exists()
    .where(tickets.c.visitor_id == visitors.c.id, tickets.c.status.in_(_ACTIVE))
    .label("has_ticket"),
).where(
    visitors.c.channel == sa.bindparam("channel_key"),
    visitors.c.user_id == sa.bindparam("user_key"),
)
_ACTIVE_TICKET = (
    _ticket_query()
    .where(tickets.c.visitor_id == sa.bindparam("visitor_key"), tickets.c.status.in_(_ACTIVE))
    .order_by(tickets.c.id.desc())
    .limit(1)
)
_INSERT_MESSAGE = messages.insert()
_UPDATE_VISITOR_STATE = (
    visitors.update()
    .where(visitors.c.id == sa.bindparam("visitor_key"))
    .values(
        last_lang=sa.bindparam("new_last_lang"),
        last_options=sa.bindparam("new_last_options"),
        # Only a visitor's explicit choice sets it; otherwise it stays as it was.
        lang_choice=sa.func.coalesce(
            sa.bindparam("new_lang_choice", type_=sa.String), visitors.c.lang_choice
        ),
        updated_at=sa.bindparam("now"),
    )
)
_FINISH_INBOX = (
    inbox.update()
    .where(inbox.c.id == sa.bindparam("inbox_key"), inbox.c.status == "pending")
    # What the visitor wrote lives on in messages (until /delete or retention), not in the
    # inbox: a processed event keeps only its id for deduplication.
    .values(status="done", processed_at=sa.bindparam("now"), locked_until=None, payload="")
)


#: What the Store runs on: the async engine (PostgreSQL), or SQLite in the loop's thread.
Database = AsyncEngine | InlineEngine
DatabaseConnection = AsyncConnection | InlineConnection


#: The connection of the unit of work the current task is in, if any (see Store.unit_of_work).
_unit_of_work: contextvars.ContextVar[tuple[Store, DatabaseConnection] | None] = (
    contextvars.ContextVar("unit_of_work", default=None)
)


class Store:
    def __init__(self, engine: Database) -> None:
        self.engine = engine
        self._accepts: GroupCommit[dict[str, Any], bool] = GroupCommit(
            self._insert_accepted, "accept", ACCEPT_BATCH
        )
        self._shared: GroupCommit[Callable[[], Awaitable[Any]], Any] = GroupCommit(
            self._run_shared, "shared commit"
        )
        self._deliveries: GroupCommit[tuple[int, int | None], bool] = GroupCommit(
            self._mark_sent, "sent"
        )

    # -- transactions ----------------------------------------------------------------------

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

    @contextlib.asynccontextmanager
    async def _read(self) -> AsyncIterator[DatabaseConnection]:
        conn = self._ambient()
        if conn is not None:
            yield conn
            return
        async with self.engine.connect() as conn:
            yield conn

    @classmethod
    async def open(cls, url: str) -> Store:
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
        store = cls(engine)
        async with engine.begin() as conn:
            await conn.run_sync(_migrate)
        logger.info("store ready on %s", sa_url.render_as_string(hide_password=True))
        return store

    async def close(self) -> None:
        # Webhooks and sends already waiting on a commit get their answer before the engine
        # goes.
        for batcher in (self._accepts, self._shared, self._deliveries):
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

    # -- visitors ------------------------------------------------------------------------

    async def visitor(
        self, channel: str, user_id: str, display_name: str | None = None
    ) -> VisitorState:
        """The visitor's state, creating the visitor on first contact."""
        key = {"channel_key": channel, "user_key": user_id}
        async with self._write() as conn:
            row = (await conn.execute(_VISITOR_STATE, key)).first()
            if row is None:
                now = utcnow()
                created = (
                    await conn.execute(
                        _insert_or_skip(conn, visitors, visitors.c.id),
                        {
                            "channel": channel,
                            "user_id": user_id,
                            "display_name": display_name,
                            "last_options": "[]",
                            "created_at": now,
                            "updated_at": now,
                        },
                    )
                ).first()
                if created is not None:
                    return VisitorState(int(created.id), None, ())
                # Another worker created the same visitor at the same moment.
                row = (await conn.execute(_VISITOR_STATE, key)).one()
            if display_name and display_name != row.display_name:
                await conn.execute(
                    visitors.update()
                    .where(visitors.c.id == row.id)
                    .values(display_name=display_name)
                )
            return VisitorState(
                int(row.id),
                row.lang_choice,
                tuple(json.loads(row.last_options)),
                row.last_lang,
                has_ticket=bool(row.has_ticket),
            )

    async def find_visitor(self, channel: str, user_id: str) -> int | None:
        """The visitor's id, without creating one."""
        async with self._read() as conn:
            value = (
                await conn.execute(
                    sa.select(visitors.c.id).where(
                        visitors.c.channel == channel, visitors.c.user_id == user_id
                    )
                )
            ).scalar_one_or_none()
        return int(value) if value is not None else None

    async def record_exchange(
        self,
        visitor_id: int,
        entries: Sequence[tuple[str, str, str | None]],
        *,
        decision: str | None,
        entry_id: str | None,
        ticket_id: int | None,
        last_lang: str,
        last_options: tuple[str, ...],
        lang_choice: str | None = None,
    ) -> None:
        """One inbound message and the bot's replies, and the visitor's new state, in one
        transaction: ``entries`` are (direction, text, author)."""
        now = utcnow()
        async with self._write() as conn:
            if entries:
                await conn.execute(
                    _INSERT_MESSAGE,
                    [
                        {
                            "visitor_id": visitor_id,
                            "ticket_id": ticket_id,
                            "direction": direction,
                            "author": author,
                            "text": text,
                            "decision": decision,
                            "entry_id": entry_id,
                            "created_at": now,
                        }
                        for direction, text, author in entries
                    ],
                )
            await conn.execute(
                _UPDATE_VISITOR_STATE,
                {
                    "visitor_key": visitor_id,
                    "new_last_lang": last_lang,
                    "new_last_options": json.dumps(list(last_options)),
                    "new_lang_choice": lang_choice,
                    "now": now,
                },
            )

    async def visitor_by_id(self, visitor_id: int) -> Visitor | None:
        async with self._read() as conn:
            row = (
                await conn.execute(sa.select(visitors).where(visitors.c.id == visitor_id))
            ).first()
        if row is None:
            return None
        return Visitor(
            row.id, row.channel, row.user_id, row.display_name, row.lang_choice or row.last_lang
        )

    async def update_visitor(
        self,
        visitor_id: int,
        *,
        last_lang: str,
        last_options: tuple[str, ...],
        lang_choice: str | None = None,
    ) -> None:
        values: dict[str, object] = {
            "last_lang": last_lang,
            "last_options": json.dumps(list(last_options)),
            "updated_at": utcnow(),
        }
        if lang_choice is not None:
            values["lang_choice"] = lang_choice
        async with self._write() as conn:
            await conn.execute(
                visitors.update().where(visitors.c.id == visitor_id).values(**values)
            )

    async def delete_visitor(self, visitor_id: int) -> None:
        """Everything stored about one visitor, gone (the visitor's /delete)."""
        async with self._write() as conn:
            await _delete_visitors(conn, [visitor_id])

    # -- messages ------------------------------------------------------------------------

    async def log_message(
        self,
        visitor_id: int,
        direction: str,
        text: str,
        decision: str | None = None,
        entry_id: str | None = None,
        *,
        ticket_id: int | None = None,
        author: str | None = None,
    ) -> int:
        async with self._write() as conn:
            result = await conn.execute(
                messages.insert().values(
                    visitor_id=visitor_id,
                    ticket_id=ticket_id,
                    direction=direction,
                    author=author,
                    text=text,
                    decision=decision,
                    entry_id=entry_id,
                    created_at=utcnow(),
                )
            )
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    async def messages_of(self, visitor_id: int, after_id: int = 0) -> list[Message]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(messages)
                .where(messages.c.visitor_id == visitor_id, messages.c.id > after_id)
                .order_by(messages.c.id)
            )
            return [_message(row) for row in rows]

    async def message_count(self, visitor_id: int) -> int:
        async with self._read() as conn:
            result = await conn.execute(
                sa.select(sa.func.count())
                .select_from(messages)
                .where(messages.c.visitor_id == visitor_id)
            )
            return int(result.scalar_one())

    async def last_question(
        self, visitor_id: int, *, skip: Callable[[str], bool] | None = None, scan: int = 20
    ) -> str | None:
        """The visitor's latest typed question (what "ask staff" after an answer refers to).

        ``skip`` tells inbound texts that were no question (a tapped button's value, a numbered
        pick, a command), which are logged with the decision they led to; the latest ``scan``
        candidates are looked at.
        """
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(messages.c.text)
                .where(
                    messages.c.visitor_id == visitor_id,
                    messages.c.direction == "in",
                    messages.c.decision.in_(["answer", "clarify", "fallback", "handoff"]),
                )
                .order_by(messages.c.id.desc())
                .limit(scan if skip is not None else 1)
            )
            texts = [str(row.text) for row in rows]
        return next((text for text in texts if skip is None or not skip(text)), None)

    async def unanswered(self, limit: int = 500) -> list[UnansweredQuestion]:
        """The newest questions the bot could not answer (fallbacks), for the curators."""
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(messages.c.text, visitors.c.last_lang, messages.c.created_at)
                .join(visitors, visitors.c.id == messages.c.visitor_id)
                .where(messages.c.direction == "in", messages.c.decision == "fallback")
                .order_by(messages.c.id.desc())
                .limit(limit)
            )
            return [
                UnansweredQuestion(row.text, row.last_lang, _aware(row.created_at) or utcnow())
                for row in rows
            ]

    # -- tickets -------------------------------------------------------------------------

    async def open_ticket(
        self,
        visitor_id: int,
        *,
        channel: str,
        lang: str,
        priority: Priority,
        reason: str,
        question: str,
        guesses: Sequence[tuple[str, float]] = (),
    ) -> Ticket:
        now = utcnow()
        async with self._write() as conn:
            result = await conn.execute(
                tickets.insert().values(
                    visitor_id=visitor_id,
                    channel=channel,
                    lang=lang,
                    status=TicketStatus.OPEN.value,
                    priority=priority.value,
                    reason=reason,
                    question=question,
                    guesses=json.dumps([[g, round(s, 4)] for g, s in guesses]),
                    created_at=now,
                    updated_at=now,
                )
            )
            pk = result.inserted_primary_key
            assert pk is not None
            number = int(pk[0])
            await _add_event(conn, number, "visitor", "opened", reason)
        ticket = await self.ticket(number)
        assert ticket is not None
        return ticket

    async def ticket(self, number: int) -> Ticket | None:
        async with self._read() as conn:
            row = (await conn.execute(_ticket_query().where(tickets.c.id == number))).first()
        return _ticket(row) if row is not None else None

    async def active_ticket(self, visitor_id: int) -> Ticket | None:
        async with self._read() as conn:
            row = (await conn.execute(_ACTIVE_TICKET, {"visitor_key": visitor_id})).first()
        return _ticket(row) if row is not None else None

    async def ticket_by_card(self, card_message_id: int) -> Ticket | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    _ticket_query().where(tickets.c.card_message_id == card_message_id)
                )
            ).first()
        return _ticket(row) if row is not None else None

    async def tickets(
        self,
        *,
        statuses: Sequence[str] = (),
        channel: str | None = None,
        lang: str | None = None,
        priority: str | None = None,
        limit: int = 200,
    ) -> list[Ticket]:
        query = _ticket_query()
        if statuses:
            query = query.where(tickets.c.status.in_(list(statuses)))
        if channel:
            query = query.where(tickets.c.channel == channel)
        if lang:
            query = query.where(tickets.c.lang == lang)
        if priority:
            query = query.where(tickets.c.priority == priority)
        query = query.order_by(
            sa.case((tickets.c.priority == Priority.URGENT.value, 0), else_=1),
            tickets.c.id.desc(),
        ).limit(limit)
        async with self._read() as conn:
            return [_ticket(row) for row in await conn.execute(query)]

    async def set_status(
        self, number: int, status: TicketStatus, actor: str, detail: str | None = None
    ) -> Ticket | None:
        values: dict[str, object] = {"status": status.value, "updated_at": utcnow()}
        if status is TicketStatus.CLAIMED:
            values["assignee"] = actor
        async with self._write() as conn:
            result = await conn.execute(
                tickets.update().where(tickets.c.id == number).values(**values)
            )
            if result.rowcount == 0:
                return None
            action = {
                TicketStatus.CLAIMED: "claimed",
                TicketStatus.ANSWERED: "replied",
                TicketStatus.CLOSED: "closed",
                TicketStatus.OPEN: "reopened",
            }[status]
            await _add_event(conn, number, actor, action, detail)
        return await self.ticket(number)

    async def add_event(self, number: int, actor: str, action: str, detail: str | None) -> None:
        async with self._write() as conn:
            await _add_event(conn, number, actor, action, detail)

    async def events(self, number: int) -> list[TicketEvent]:
        async with self._read() as conn:
            rows = await conn.execute(
                sa.select(ticket_events)
                .where(ticket_events.c.ticket_id == number)
                .order_by(ticket_events.c.id)
            )
            return [
                TicketEvent(r.actor, r.action, r.detail, _aware(r.created_at) or utcnow())
                for r in rows
            ]

    async def escalate(self, number: int, actor: str, detail: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                tickets.update()
                .where(tickets.c.id == number)
                .values(priority=Priority.URGENT.value, updated_at=utcnow())
            )
            await _add_event(conn, number, actor, "escalated", detail)

    async def set_card(self, number: int, card_message_id: int) -> None:
        async with self._write() as conn:
            await conn.execute(
                tickets.update()
                .where(tickets.c.id == number)
                .values(card_message_id=card_message_id, card_posted_at=utcnow())
            )

    async def record_delivery_error(self, number: int, error: str | None) -> None:
        async with self._write() as conn:
            await conn.execute(
                tickets.update().where(tickets.c.id == number).values(delivery_error=error)
            )
            if error:
                await _add_event(conn, number, "bot", "delivery_failed", error)

    async def unclaimed_since(self, cutoff: dt.datetime) -> list[Ticket]:
        """Open tickets whose card was last posted before ``cutoff`` (to post them again)."""
        cutoff = _utc(cutoff)
        async with self._read() as conn:
            rows = await conn.execute(
                _ticket_query()
                .where(
                    tickets.c.status == TicketStatus.OPEN.value,
                    sa.or_(tickets.c.card_posted_at.is_(None), tickets.c.card_posted_at < cutoff),
                )
                .order_by(tickets.c.id)
            )
            return [_ticket(row) for row in rows]

    # -- staff accounts and flags -------------------------------------------------------

    async def add_staff(self, name: str, password_hash: str) -> None:
        """Create an account, or give an existing one a new password: that ends its sessions
        and enables it again if it was disabled."""
        async with self._write() as conn:
            existing = (
                await conn.execute(
                    sa.select(staff_accounts.c.id).where(staff_accounts.c.name == name)
                )
            ).first()
            if existing is None:
                await conn.execute(
                    staff_accounts.insert().values(
                        name=name, password_hash=password_hash, created_at=utcnow()
                    )
                )
            else:
                await conn.execute(
                    staff_accounts.update()
                    .where(staff_accounts.c.id == existing.id)
                    .values(
                        password_hash=password_hash,
                        session_epoch=staff_accounts.c.session_epoch + 1,
                        disabled_at=None,
                    )
                )

    async def staff_account(self, name: str) -> StaffAccount | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        staff_accounts.c.name,
                        staff_accounts.c.password_hash,
                        staff_accounts.c.session_epoch,
                        staff_accounts.c.disabled_at,
                    ).where(staff_accounts.c.name == name)
                )
            ).first()
        if row is None:
            return None
        return StaffAccount(
            name=row.name,
            password_hash=row.password_hash,
            session_epoch=row.session_epoch,
            disabled=row.disabled_at is not None,
        )

    async def end_staff_sessions(self, name: str, *, disable: bool = False) -> bool:
        """End every session of the account (and disable it); False if there is no such
        account."""
        values: dict[str, Any] = {"session_epoch": staff_accounts.c.session_epoch + 1}
        if disable:
            values["disabled_at"] = utcnow()
        async with self._write() as conn:
            result = await conn.execute(
                staff_accounts.update().where(staff_accounts.c.name == name).values(**values)
            )
        return bool(result.rowcount)

    async def staff_password_hash(self, name: str) -> str | None:
        async with self._read() as conn:
            value = (
                await conn.execute(
                    sa.select(staff_accounts.c.password_hash).where(staff_accounts.c.name == name)
                )
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    async def get_flag(self, name: str) -> str | None:
        async with self._read() as conn:
            value = (
                await conn.execute(sa.select(flags.c.value).where(flags.c.name == name))
            ).scalar_one_or_none()
        return str(value) if value is not None else None

    async def set_flag(self, name: str, value: str | None) -> None:
        async with self._write() as conn:
            await conn.execute(flags.delete().where(flags.c.name == name))
            if value is not None:
                await conn.execute(
                    flags.insert().values(name=name, value=value, updated_at=utcnow())
                )

    # -- events and retention ------------------------------------------------------------

    async def first_delivery(self, channel: str, event_id: str) -> bool:
        """Record an event id; False when it was already recorded (a redelivery)."""
        async with self._write() as conn:
            result = await conn.execute(
                _insert(conn)(processed_events)
                .values(channel=channel, event_id=event_id, received_at=utcnow())
                .on_conflict_do_nothing()
            )
        return bool(result.rowcount == 1)

    # -- inbox and outbox ---------------------------------------------------------------

    async def accept_event(self, channel: str, event_id: str, payload: str) -> bool:
        """Commit an accepted webhook event; False when it was accepted before (redelivery).

        Webhooks that arrive together share one commit (group commit): the first starts a
        flush, those arriving while it runs join the next one, and each caller returns only
        once its own row is committed.
        """
        values = {
            "channel": channel,
            "event_id": event_id,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
        }
        accepted: bool = await self._accepts.submit(values)
        return accepted

    async def _insert_accepted(self, batch: Sequence[dict[str, Any]]) -> list[bool]:
        now = utcnow()
        async with self.engine.begin() as conn:
            # One statement for the batch (SQLAlchemy's "insertmanyvalues"); a row already
            # there (a redelivery) is skipped and not returned.
            inserted = {
                (row.channel, row.event_id)
                for row in await conn.execute(
                    _insert_or_skip(conn, inbox, inbox.c.channel, inbox.c.event_id),
                    [{**values, "created_at": now} for values in batch],
                )
            }
        results = []
        for values in batch:
            key = (values["channel"], values["event_id"])
            results.append(key in inserted)
            inserted.discard(key)  # a second copy within one batch is a redelivery too
        return results

    async def claim_inbox(self, limit: int, lease: dt.timedelta) -> list[InboxItem]:
        async with self._write() as conn:
            rows = await _claim(conn, inbox, sa.true(), limit, lease)
        return [
            InboxItem(r.id, r.channel, r.payload, r.attempts, _aware(r.created_at)) for r in rows
        ]

    async def finish_inbox(self, inbox_id: int, rows: Sequence[OutboxRow]) -> bool:
        """Mark the event processed and queue its replies, in one transaction; False when
        another worker finished it first (its replies and notices are that worker's)."""
        now = utcnow()
        async with self._write() as conn:
            done = await conn.execute(_FINISH_INBOX, {"inbox_key": inbox_id, "now": now})
            if done.rowcount == 0:
                return False  # another worker finished it after our lease ran out
            for row in rows:
                await _queue(conn, row, now)
        return True

    async def fail_inbox(self, inbox_id: int, error: str, give_up: bool) -> None:
        async with self._write() as conn:
            await conn.execute(
                inbox.update()
                .where(inbox.c.id == inbox_id)
                .values(
                    status="failed" if give_up else "pending",
                    last_error=error[:1000],
                    locked_until=None if give_up else utcnow() + dt.timedelta(seconds=5),
                )
            )

    async def enqueue(self, rows: Sequence[OutboxRow]) -> None:
        now = utcnow()
        async with self._write() as conn:
            for row in rows:
                await _queue(conn, row, now)

    async def claim_outbox(self, limit: int, lease: dt.timedelta) -> list[OutboxItem]:
        async with self._write() as conn:
            rows = await _claim(conn, outbox, outbox.c.next_attempt_at <= utcnow(), limit, lease)
        return [
            OutboxItem(
                r.id,
                r.channel,
                r.user_id,
                r.payload,
                r.reply_token,
                r.retry_key,
                r.attempts,
                r.ticket_id,
                _aware(r.created_at) or utcnow(),
                r.last_error,
                _aware(r.reply_by),
                r.parts_sent,
            )
            for r in rows
        ]

    async def outbox_sent(self, outbox_id: int, ticket_id: int | None = None) -> bool:
        """Mark a message delivered; True when it cleared an earlier failure on its ticket."""
        cleared = False
        async with self._write() as conn:
            await conn.execute(
                outbox.update()
                .where(outbox.c.id == outbox_id)
                .values(status="sent", sent_at=utcnow(), locked_until=None)
            )
            if ticket_id is not None:
                # A message got through: an earlier failure no longer describes the ticket.
                result = await conn.execute(
                    tickets.update()
                    .where(tickets.c.id == ticket_id, tickets.c.delivery_error.is_not(None))
                    .values(delivery_error=None)
                )
                cleared = result.rowcount > 0
        return cleared

    async def mark_sent(self, outbox_id: int, ticket_id: int | None = None) -> bool:
        """``outbox_sent`` through a group commit: every send is recorded the moment it is
        delivered, and under load one commit (two statements) records many."""
        cleared: bool = await self._deliveries.submit((outbox_id, ticket_id))
        return cleared

    async def _mark_sent(self, batch: Sequence[tuple[int, int | None]]) -> list[bool]:
        ticket_ids = {ticket_id for _, ticket_id in batch if ticket_id is not None}
        async with self.engine.begin() as conn:
            await conn.execute(
                outbox.update()
                .where(outbox.c.id.in_([outbox_id for outbox_id, _ in batch]))
                .values(status="sent", sent_at=utcnow(), locked_until=None)
            )
            cleared: set[int] = set()
            if ticket_ids:
                # A message got through: an earlier failure no longer describes the ticket.
                cleared = {
                    row.id
                    for row in await conn.execute(
                        tickets.update()
                        .where(tickets.c.id.in_(ticket_ids), tickets.c.delivery_error.is_not(None))
                        .values(delivery_error=None)
                        .returning(tickets.c.id)
                    )
                }
        results = []
        for _, ticket_id in batch:
            results.append(ticket_id in cleared)
            cleared.discard(ticket_id)  # told once, even if two of its messages went together
        return results

    async def outbox_progress(self, outbox_id: int, parts_sent: int) -> None:
        """Record that the first ``parts_sent`` parts of a message were delivered."""
        async with self._write() as conn:
            await conn.execute(
                outbox.update().where(outbox.c.id == outbox_id).values(parts_sent=parts_sent)
            )

    async def outbox_retry(self, outbox_id: int, error: str, at: dt.datetime) -> None:
        async with self._write() as conn:
            await conn.execute(
                outbox.update()
                .where(outbox.c.id == outbox_id)
                .values(next_attempt_at=_utc(at), last_error=error[:1000], locked_until=None)
            )

    async def outbox_failed(self, outbox_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                outbox.update()
                .where(outbox.c.id == outbox_id)
                .values(status="failed", last_error=error[:1000], locked_until=None)
            )

    async def release_leases(self) -> int:
        """Free the leases a killed server left on SQLite, so what it held is taken up now.

        SQLite serves one server process per database file, so at start-up every lease in it
        belongs to a process that is gone. On PostgreSQL a lease may be a live replica's: there a
        dead replica's leases simply run out. Returns how many rows were freed.
        """
        if self.engine.dialect.name != "sqlite":
            return 0
        freed = 0
        async with self._write() as conn:
            for queue in (inbox, outbox):
                result = await conn.execute(
                    queue.update()
                    .where(queue.c.status == "pending", queue.c.locked_until.is_not(None))
                    .values(locked_until=None)
                )
                freed += result.rowcount
        if freed:
            logger.info("freed %d inbox/outbox row(s) a stopped server had leased", freed)
        return freed

    async def backlog(self) -> dict[str, int]:
        """Pending inbox and outbox rows (for /metrics and the fault tests)."""
        async with self._read() as conn:
            pending_in = (
                await conn.execute(
                    sa.select(sa.func.count()).select_from(inbox).where(inbox.c.status == "pending")
                )
            ).scalar_one()
            pending_out = (
                await conn.execute(
                    sa.select(sa.func.count())
                    .select_from(outbox)
                    .where(outbox.c.status == "pending")
                )
            ).scalar_one()
        return {"inbox": int(pending_in), "outbox": int(pending_out)}

    async def purge_before(self, cutoff: dt.datetime) -> int:
        """Delete visitors silent since ``cutoff`` with all they left; old event ids too, and
        inbox and outbox rows finished before it (they hold what visitors wrote and were sent).
        A visitor who still writes keeps nothing older than ``cutoff`` either: their closed
        tickets that last changed before it and their messages written before it go (an
        active ticket keeps its messages).

        Returns how many visitors were removed. A visitor with an active ticket is kept.
        """
        cutoff = _utc(cutoff)
        async with self._write() as conn:
            active = sa.select(tickets.c.visitor_id).where(
                tickets.c.status.in_([s.value for s in ACTIVE_STATUSES])
            )
            stale = [
                int(row.id)
                for row in await conn.execute(
                    sa.select(visitors.c.id).where(
                        visitors.c.updated_at < cutoff, visitors.c.id.not_in(active)
                    )
                )
            ]
            if stale:
                await _delete_visitors(conn, stale)
            old_tickets = sa.select(tickets.c.id).where(
                tickets.c.status == TicketStatus.CLOSED.value, tickets.c.updated_at < cutoff
            )
            active_tickets = sa.select(tickets.c.id).where(
                tickets.c.status.in_([s.value for s in ACTIVE_STATUSES])
            )
            await conn.execute(
                ticket_events.delete().where(ticket_events.c.ticket_id.in_(old_tickets))
            )
            await conn.execute(
                messages.delete().where(
                    sa.or_(
                        messages.c.ticket_id.in_(old_tickets),
                        sa.and_(
                            messages.c.created_at < cutoff,
                            sa.or_(
                                messages.c.ticket_id.is_(None),
                                messages.c.ticket_id.not_in(active_tickets),
                            ),
                        ),
                    )
                )
            )
            await conn.execute(tickets.delete().where(tickets.c.id.in_(old_tickets)))
            await conn.execute(
                processed_events.delete().where(processed_events.c.received_at < cutoff)
            )
            # Finished deliveries are history; pending ones are kept whatever their age.
            await conn.execute(
                inbox.delete().where(inbox.c.status != "pending", inbox.c.created_at < cutoff)
            )
            await conn.execute(
                outbox.delete().where(outbox.c.status != "pending", outbox.c.created_at < cutoff)
            )
        return len(stale)


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
    cursor.close()


@dataclass(frozen=True)
class InboxItem:
    id: int
    channel: str
    payload: str
    attempts: int
    #: When the webhook was accepted: a LINE reply token is good for about a minute from then.
    accepted_at: dt.datetime | None = None


@dataclass(frozen=True)
class OutboxRow:
    """A message to queue: ``payload`` is the replies as JSON."""

    source: str
    seq: int
    channel: str
    user_id: str
    payload: str
    reply_token: str | None = None
    ticket_id: int | None = None
    #: Until when the reply token may be used (it is then pushed instead).
    reply_by: dt.datetime | None = None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    channel: str
    user_id: str
    payload: str
    reply_token: str | None
    retry_key: str
    attempts: int
    ticket_id: int | None
    created_at: dt.datetime
    last_error: str | None = None
    reply_by: dt.datetime | None = None
    #: Parts of the message delivered by earlier tries.
    parts_sent: int = 0


async def _claim(
    conn: DatabaseConnection, table: sa.Table, due: Any, limit: int, lease: dt.timedelta
) -> list[Any]:
    """Lease up to ``limit`` due rows to this worker. On PostgreSQL, rows another replica holds
    are skipped (FOR UPDATE SKIP LOCKED); SQLite has one writer, so the lease alone suffices."""
    now = utcnow()
    ids = [
        row.id
        for row in await conn.execute(
            sa.select(table.c.id)
            .where(
                table.c.status == "pending",
                due,
                sa.or_(table.c.locked_until.is_(None), table.c.locked_until < now),
            )
            .order_by(table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ]
    if not ids:
        return []
    await conn.execute(
        table.update()
        .where(table.c.id.in_(ids))
        .values(locked_until=now + lease, attempts=table.c.attempts + 1)
    )
    return list(
        await conn.execute(sa.select(table).where(table.c.id.in_(ids)).order_by(table.c.id))
    )


#: Any fixed number: the key of the lock that lets one replica at a time run migrations.
_MIGRATION_LOCK = 7_215_342


def _migrate(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Replicas starting together on an empty database would all create the same tables;
        # the transaction-level advisory lock lets one migrate while the others wait.
        connection.execute(sa.text(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})"))
    upgrade(connection)


def _message(row: Any) -> Message:
    return Message(
        row.id,
        row.direction,
        row.author,
        row.text,
        row.decision,
        row.entry_id,
        _aware(row.created_at) or utcnow(),
    )


def _insert(conn: DatabaseConnection) -> Callable[[sa.Table], Any]:
    """The dialect's INSERT, which knows ON CONFLICT DO NOTHING."""
    return postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert


def _insert_or_skip(conn: DatabaseConnection, table: sa.Table, *returning: sa.Column[Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING [RETURNING …] in the connection's dialect, built once: a
    statement object used again skips SQLAlchemy's construction and cache-key work, a good
    part of the cost of a short statement."""
    key = (conn.dialect.name, table.name, *(column.name for column in returning))
    statement = _INSERTS.get(key)
    if statement is None:
        statement = _insert(conn)(table).on_conflict_do_nothing()
        if returning:
            statement = statement.returning(*returning)
        _INSERTS[key] = statement
    return statement


_INSERTS: dict[tuple[str, ...], Any] = {}


async def _queue(conn: DatabaseConnection, row: OutboxRow, now: dt.datetime) -> None:
    """Insert an outbox row; a second run of the same source (a worker that crashed after
    queueing) adds nothing, as the unique (source, seq) turns the copy into a no-op."""
    values = {
        "source": row.source,
        "seq": row.seq,
        "channel": row.channel,
        "user_id": row.user_id,
        "ticket_id": row.ticket_id,
        "payload": row.payload,
        "reply_token": row.reply_token,
        "reply_by": row.reply_by,
        "retry_key": str(uuid.uuid4()),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    result = await conn.execute(_insert_or_skip(conn, outbox), values)
    if result.rowcount == 0:
        logger.info("outbox %s/%d already queued", row.source, row.seq)


async def _add_event(
    conn: DatabaseConnection, number: int, actor: str, action: str, detail: str | None
) -> None:
    # Only while the ticket exists: a delivery failure or an escalation arriving after the
    # visitor deleted their data records nothing (PostgreSQL's foreign key would refuse the
    # row; SQLite, which enforces none, would keep an orphan).
    await conn.execute(
        ticket_events.insert().from_select(
            ["ticket_id", "actor", "action", "detail", "created_at"],
            sa.select(
                tickets.c.id,
                sa.literal(actor, ticket_events.c.actor.type),
                sa.literal(action, ticket_events.c.action.type),
                sa.literal(detail, ticket_events.c.detail.type),
                sa.literal(utcnow(), ticket_events.c.created_at.type),
            ).where(tickets.c.id == number),
        )
    )


async def _delete_visitors(conn: DatabaseConnection, visitor_ids: list[int]) -> None:
    # Children first: SQLite enforces no foreign keys unless asked, so cascades are explicit.
    ticket_ids = sa.select(tickets.c.id).where(tickets.c.visitor_id.in_(visitor_ids))
    # Messages already sent to them (what is still pending, such as the confirmation of a
    # /delete, is still sent).
    await conn.execute(
        outbox.delete().where(
            outbox.c.status != "pending",
            sa.exists().where(
                visitors.c.id.in_(visitor_ids),
                visitors.c.channel == outbox.c.channel,
                visitors.c.user_id == outbox.c.user_id,
            ),
        )
    )
    await conn.execute(ticket_events.delete().where(ticket_events.c.ticket_id.in_(ticket_ids)))
    await conn.execute(messages.delete().where(messages.c.visitor_id.in_(visitor_ids)))
    await conn.execute(tickets.delete().where(tickets.c.visitor_id.in_(visitor_ids)))
    await conn.execute(visitors.delete().where(visitors.c.id.in_(visitor_ids)))
