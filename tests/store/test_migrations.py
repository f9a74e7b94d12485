"""Migrations on databases made by earlier versions: what they hold is kept, and what the new
schema promises holds for them too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from bot.store import Priority, Store
from bot.store.migrate import alembic_config
from bot.store.tables import metadata

CREATED = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _database_at(path: Path, revision: str) -> sa.Engine:
    """A SQLite file whose schema is at ``revision``."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    return engine


async def test_an_existing_sqlite_database_never_gives_a_deleted_number_again(
    tmp_path: Path,
) -> None:
    db = tmp_path / "old.db"
    engine = _database_at(db, "0004")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO visitors (id, channel, user_id, last_options, created_at, updated_at)"
                " VALUES (1, 'line', 'U1', '[]', :at, :at)"
            ),
            {"at": CREATED},
        )
        for number in (1, 2, 3, 4):
            conn.execute(
                sa.text(
                    "INSERT INTO tickets (id, visitor_id, channel, lang, status, priority, reason,"
                    " question, guesses, created_at, updated_at) VALUES (:n, 1, 'line', 'en',"
                    " 'open', 'normal', 'asked', 'q', '[]', :at, :at)"
                ),
                {"n": number, "at": CREATED},
            )
        conn.execute(
            sa.text(
                "INSERT INTO outbox (source, seq, channel, user_id, ticket_id, payload, retry_key,"
                " status, attempts, next_attempt_at, created_at) VALUES ('staff:4:x', 0, 'line',"
                " 'U1', 4, '[]', 'k', 'pending', 0, :at, :at)"
            ),
            {"at": CREATED},
        )
        # #4 is deleted (its answer still waits in the outbox); then #3 as well.
        conn.execute(sa.text("DELETE FROM tickets WHERE id IN (3, 4)"))
    engine.dispose()

    store = await Store.open(f"sqlite:///{db}")
    try:
        assert [t.number for t in await store.tickets()] == [2, 1]  # nothing else lost
        visitor_id = (await store.visitor("line", "U2")).visitor_id
        fresh = await store.open_ticket(
            visitor_id,
            channel="line",
            lang="en",
            priority=Priority.NORMAL,
            reason="asked",
            question="hello",
        )
        # Not 3 (the highest left + 1): the outbox still names #4.
        assert fresh.number == 5
        await store.delete_visitor(visitor_id)
        again = await store.open_ticket(
            (await store.visitor("line", "U3")).visitor_id,
            channel="line",
            lang="en",
            priority=Priority.NORMAL,
            reason="asked",
            question="hello again",
        )
        assert again.number == 6
    finally:
        await store.close()


async def test_every_sqlite_table_that_should_never_reuse_an_id_has_autoincrement(
    tmp_path: Path,
) -> None:
    """A later migration that rebuilds a table on SQLite (batch mode) loses AUTOINCREMENT
    unless it asks for it again: this catches one that forgets."""
    store = await Store.open(f"sqlite:///{tmp_path / 'desk.db'}")
    try:
        async with store.engine.connect() as conn:
            created = dict(
                (await conn.execute(sa.text("SELECT name, sql FROM sqlite_master"))).all()
            )
    finally:
        await store.close()
    wanted = {
        table.name
        for table in metadata.tables.values()
        if table.dialect_options["sqlite"]["autoincrement"]
    }
    assert {"tickets", "messages", "staff_messages"} <= wanted
    missing = {name for name in wanted if "AUTOINCREMENT" not in created[name]}
    assert not missing
