"""``python -m bot backup FILE``: a consistent copy of the SQLite database, server running or not.

SQLite's online backup API (``sqlite3.Connection.backup``) copies the database page by page
as one reader: the copy is the database as it stood at one commit, whatever the server writes
meanwhile (WAL mode lets it go on writing). The copy is written beside ``FILE``, checked with
``PRAGMA integrity_check``, switched to a single file (no -wal beside it) and only then moved
onto ``FILE``, so an interrupted backup never leaves half a file under the name.

PostgreSQL has its own tool for this: ``pg_dump`` (README.md, "Backups").
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bot.errors import ConfigurationError

logger = logging.getLogger(__name__)

#: How long the backup waits for a writer's lock (the server commits in milliseconds).
BUSY_SECONDS = 10.0


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    tickets: int
    visitors: int


def sqlite_file(database_url: str) -> Path:
    """The database file of a SQLite URL; a clear error for anything else."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise ConfigurationError(
            f"DATABASE_URL is {url.get_backend_name()}, not SQLite: back it up with pg_dump, "
            'e.g. pg_dump --format=custom --file=desk.dump "$DATABASE_URL" '
            "(with postgresql:// instead of postgresql+asyncpg://; README.md, Backups)"
        )
    if url.database in (None, "", ":memory:"):
        raise ConfigurationError(
            "DATABASE_URL names an in-memory SQLite database: nothing to back up"
        )
    return Path(url.database)


def _count(connection: sqlite3.Connection, table: str) -> int:
    try:
        row = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    except sqlite3.OperationalError:  # a database from before that table existed
        return 0
    return int(row[0])


def backup(database_url: str, target: Path) -> Backup:
    source = sqlite_file(database_url)
    if not source.is_file():
        # sqlite3.connect would create an empty database there and back that up.
        raise ConfigurationError(f"no database at {source}: nothing to back up")
    if target.exists() and target.resolve() == source.resolve():
        raise ConfigurationError("the backup file must not be the database itself")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with (
        contextlib.closing(sqlite3.connect(source, timeout=BUSY_SECONDS)) as database,
        contextlib.closing(sqlite3.connect(partial)) as copy,
    ):
        # All pages in one step: one read transaction, so one consistent snapshot.
        database.backup(copy)
        # The server's database is in WAL mode, and the copy inherits it; one file is
        # easier to move, restore and inspect.
        copy.execute("PRAGMA journal_mode=DELETE")
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise ConfigurationError(f"the copy failed its integrity check: {verdict}")
        tickets, visitors = _count(copy, "tickets"), _count(copy, "visitors")
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    os.replace(partial, target)
    logger.info("backup of %s written to %s", source, target)
    return Backup(target, target.stat().st_size, tickets, visitors)
