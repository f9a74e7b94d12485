"""The inbox and the outbox: accepted webhook events waiting to be answered, and messages
waiting to be delivered. Both are shared out by leases, so several server processes on one
PostgreSQL database share the work and a crashed process's rows are taken up again.

A row is leased to one worker until ``locked_until`` (``claim_inbox``, ``claim_outbox``); the
worker then records what became of it (``finish_inbox``, ``mark_sent``, ``outbox_retry`` …).

On PostgreSQL a lease also names the server process holding it (``leased_by``), and a server
is known to be alive by an advisory lock it holds on a connection of its own: when a server is
killed, its connection closes and PostgreSQL drops the lock at once, and the rows it held are
taken up by another server at once, not a minute later when their leases run out. That matters
for a reply the dead server may have sent: its LINE reply token is then still fresh, and tried
again, a spent token says the reply got through (bot/delivery.py). SQLite serves one server
process per file, which frees the leases a killed one left when it starts again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store import db
from bot.store.batching import GroupCommit
from bot.store.tables import inbox, outbox, processed_events, tickets

logger = logging.getLogger(__name__)

#: Webhook events committed together at most (SQLite allows 32,766 bound values a statement).
ACCEPT_BATCH = 500

#: The outbox's channel for what goes to the Telegram staff group (``user_id``: its chat id);
#: the visitors' channels are "line" and "telegram".
STAFF_GROUP = "staff"


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


class PostKind(StrEnum):
    CARD = "card"  #: a new ticket's card
    NOTE = "note"  #: what the visitor wrote while their ticket is open, under its card
    CANCELLED = "cancelled"  #: the visitor closed their ticket
    REDACT = "redact"  #: one of the desk's messages about a deleted ticket, edited to say so


@dataclass(frozen=True)
class StaffPost:
    """The payload of an outbox row for the staff group: what to post about ticket ``ticket``.
    The card and the note are written when they are sent, from the ticket as it is then."""

    kind: PostKind
    ticket: int
    text: str = ""
    urgent: bool = False
    #: REDACT: the message to edit, what it was (card, note, list) and why its ticket was
    #: deleted ("visitor", "retention"; None when not known).
    message_id: int | None = None
    shown: str | None = None
    reason: str | None = None

    def encode(self) -> str:
        # ASCII escapes, as for the inbox: what a database cannot store stays storable.
        return json.dumps(dataclasses.asdict(self), ensure_ascii=True)

    @classmethod
    def decode(cls, payload: str) -> StaffPost:
        data: dict[str, Any] = json.loads(payload)
        data["kind"] = PostKind(data["kind"])
        return cls(**data)


_FINISH_INBOX = (
    inbox.update()
    .where(inbox.c.id == sa.bindparam("inbox_key"), inbox.c.status == "pending")
    # What the visitor wrote lives on in messages (until /delete or retention), not in the
    # inbox: a processed event keeps only its id for deduplication.
    .values(status="done", processed_at=sa.bindparam("now"), locked_until=None, payload="")
)


#: The first key of the advisory locks that tell which servers are alive (the second is the
#: server's own). Any fixed number, other than the migration lock's.
_ALIVE = 7_215_343

#: PostgreSQL's view of the locks held, as much of it as is read here.
_PG_LOCKS = sa.table(
    "pg_locks",
    sa.column("locktype"),
    sa.column("database"),
    sa.column("classid"),
    sa.column("objid"),
    sa.column("objsubid"),
    sa.column("granted"),
)
_LIVE_SERVERS = sa.select(sa.cast(_PG_LOCKS.c.objid, sa.BigInteger)).where(
    _PG_LOCKS.c.locktype == "advisory",
    _PG_LOCKS.c.classid == _ALIVE,
    _PG_LOCKS.c.objsubid == 2,
    _PG_LOCKS.c.granted,
    _PG_LOCKS.c.database
    == sa.select(sa.column("oid"))
    .select_from(sa.table("pg_database", sa.column("datname")))
    .where(sa.column("datname") == sa.func.current_database())
    .scalar_subquery(),
)


class LeaseHolder:
    """This server process, as the leases it takes name it on PostgreSQL: a key of its own,
    and a session-level advisory lock on it, held on a connection kept open for the purpose
    for as long as the server runs."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._turn = asyncio.Lock()
        self.key = 0

    async def hold(self, lost: int) -> None:
        """Take a new key and its lock, the key ``lost`` being no longer held: at the first
        claim, or when the lock went with its connection (the rows leased under the old key
        may already have been taken up by another server). The inbox and the outbox claim
        at the same moment: the second to find the key lost finds it replaced."""
        async with self._turn:
            if self.key != lost:
                return
            await self.close()
            connection = await self._engine.connect()
            try:
                while True:
                    key = secrets.randbelow(2**31 - 1) + 1
                    taken = (
                        await connection.execute(
                            # Session-level: it outlives the transaction, not the connection.
                            sa.select(sa.func.pg_try_advisory_lock(_ALIVE, key))
                        )
                    ).scalar_one()
                    await connection.commit()
                    if taken:
                        break
            except BaseException:
                await connection.close()
                raise
            self._connection = connection
            self.key = key
        logger.info("leases on this database are held as server %d", key)

    async def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.close()  # the lock goes with its connection
            except Exception:
                logger.warning("closing the lease holder's connection failed", exc_info=True)


async def _claim(
    conn: db.DatabaseConnection,
    table: sa.Table,
    due: Any,
    limit: int,
    lease: dt.timedelta,
    holder: LeaseHolder | None,
) -> list[Any]:
    """Lease up to ``limit`` due rows to this worker. On PostgreSQL, rows another replica holds
    are skipped (FOR UPDATE SKIP LOCKED), unless that replica is gone (see LeaseHolder); SQLite
    has one writer, so the lease alone suffices."""
    now = db.utcnow()
    free = [table.c.locked_until.is_(None), table.c.locked_until < now]
    if holder is not None:
        mine = holder.key
        alive = {int(key) for key in (await conn.execute(_LIVE_SERVERS)).scalars()}
        if mine not in alive:
            await holder.hold(lost=mine)  # the first claim, or the lock went with its connection
            alive.add(holder.key)
        free.append(table.c.leased_by.not_in(sorted(alive)))
    ids = [
        row.id
        for row in await conn.execute(
            sa.select(table.c.id)
            .where(table.c.status == "pending", due, sa.or_(*free))
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
        .values(
            locked_until=now + lease,
            leased_by=holder.key if holder is not None else None,
            attempts=table.c.attempts + 1,
        )
    )
    return list(
        await conn.execute(sa.select(table).where(table.c.id.in_(ids)).order_by(table.c.id))
    )


async def queue(conn: db.DatabaseConnection, row: OutboxRow, now: dt.datetime) -> None:
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
    result = await conn.execute(db.insert_or_skip(conn, outbox), values)
    if result.rowcount == 0:
        logger.info("outbox %s/%d already queued", row.source, row.seq)


class QueueStore(db.StoreBase):
    def __init__(self, engine: db.Database) -> None:
        super().__init__(engine)
        self._accepts: GroupCommit[dict[str, Any], bool] = GroupCommit(
            self._insert_accepted, "accept", ACCEPT_BATCH
        )
        self._deliveries: GroupCommit[tuple[int, int | None], bool] = GroupCommit(
            self._mark_sent, "sent"
        )
        self._group_commits[:0] = [self._accepts, self._deliveries]
        self._holder = LeaseHolder(self.engine) if isinstance(self.engine, AsyncEngine) else None

    async def close(self) -> None:
        if self._holder is not None:
            await self._holder.close()
        await super().close()

    # -- the inbox -------------------------------------------------------------------------

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
        now = db.utcnow()
        async with self.engine.begin() as conn:
            # One statement for the batch (SQLAlchemy's "insertmanyvalues"); a row already
            # there (a redelivery) is skipped and not returned.
            inserted = {
                (row.channel, row.event_id)
                for row in await conn.execute(
                    db.insert_or_skip(conn, inbox, inbox.c.channel, inbox.c.event_id),
                    [{**values, "created_at": now} for values in batch],
                )
            }
        results = []
        for values in batch:
            key = (values["channel"], values["event_id"])
            results.append(key in inserted)
            inserted.discard(key)  # a second copy within one batch is a redelivery too
        return results

    async def first_delivery(self, channel: str, event_id: str) -> bool:
        """Record an event id; False when it was already recorded (a redelivery). For updates
        handled at once, without the inbox (the staff group's)."""
        async with self._write() as conn:
            result = await conn.execute(
                db.dialect_insert(conn)(processed_events)
                .values(channel=channel, event_id=event_id, received_at=db.utcnow())
                .on_conflict_do_nothing()
            )
        return bool(result.rowcount == 1)

    async def claim_inbox(self, limit: int, lease: dt.timedelta) -> list[InboxItem]:
        async with self._write() as conn:
            rows = await _claim(conn, inbox, sa.true(), limit, lease, self._holder)
        return [
            InboxItem(r.id, r.channel, r.payload, r.attempts, db.aware(r.created_at)) for r in rows
        ]

    async def finish_inbox(self, inbox_id: int, rows: Sequence[OutboxRow]) -> bool:
        """Mark the event processed and queue its replies, in one transaction; False when
        another worker finished it first (its replies and notices are that worker's)."""
        now = db.utcnow()
        async with self._write() as conn:
            done = await conn.execute(_FINISH_INBOX, {"inbox_key": inbox_id, "now": now})
            if done.rowcount == 0:
                return False  # another worker finished it after our lease ran out
            for row in rows:
                await queue(conn, row, now)
        return True

    async def fail_inbox(self, inbox_id: int, error: str, give_up: bool) -> None:
        async with self._write() as conn:
            await conn.execute(
                inbox.update()
                .where(inbox.c.id == inbox_id)
                .values(
                    status="failed" if give_up else "pending",
                    last_error=error[:1000],
                    locked_until=None if give_up else db.utcnow() + dt.timedelta(seconds=5),
                )
            )

    # -- the outbox ------------------------------------------------------------------------

    async def enqueue(self, rows: Sequence[OutboxRow]) -> None:
        now = db.utcnow()
        async with self._write() as conn:
            for row in rows:
                await queue(conn, row, now)

    async def claim_outbox(self, limit: int, lease: dt.timedelta) -> list[OutboxItem]:
        async with self._write() as conn:
            rows = await _claim(
                conn, outbox, outbox.c.next_attempt_at <= db.utcnow(), limit, lease, self._holder
            )
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
                db.aware(r.created_at) or db.utcnow(),
                r.last_error,
                db.aware(r.reply_by),
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
                .values(status="sent", sent_at=db.utcnow(), locked_until=None)
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
                .values(status="sent", sent_at=db.utcnow(), locked_until=None)
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
                .values(next_attempt_at=db.as_utc(at), last_error=error[:1000], locked_until=None)
            )

    async def outbox_failed(self, outbox_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                outbox.update()
                .where(outbox.c.id == outbox_id)
                .values(status="failed", last_error=error[:1000], locked_until=None)
            )

    # -- both ------------------------------------------------------------------------------

    async def release_leases(self) -> int:
        """Free the leases a killed server left on SQLite, so what it held is taken up now.

        SQLite serves one server process per database file, so at start-up every lease in it
        belongs to a process that is gone. On PostgreSQL a lease may be a live replica's: there a
        dead replica's leases are known by its lock (see LeaseHolder). Returns how many rows
        were freed.
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
