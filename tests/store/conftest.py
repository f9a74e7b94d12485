"""The store's contract fixtures: every test runs on SQLite and on a real PostgreSQL server.

SQLite is a file in the test's temporary directory. PostgreSQL is the server named by
``TEST_DATABASE_URL`` (postgresql+asyncpg://user:password@127.0.0.1:5432/db; the role needs
CREATEDB): each test gets a database of its own, created empty from ``template0`` through the
server's ``postgres`` maintenance database and dropped afterwards, so no test sees another's rows
and two runs against one server do not collide. Without the variable the PostgreSQL half skips
locally and fails when ``CI`` is set, so CI can never pass it silently.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa

from bot.store import Store

PG_ENV = "TEST_DATABASE_URL"
PG_MISSING = "PostgreSQL tests need TEST_DATABASE_URL=postgresql+asyncpg://…"


def postgres_url() -> sa.URL:
    """The configured server, or skip (locally) / fail (in CI) when there is none."""
    raw = os.environ.get(PG_ENV, "").strip()
    if not raw:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_MISSING} (CI is set: the PostgreSQL contract tests must run)")
        pytest.skip(PG_MISSING)
    url = sa.make_url(raw)
    if url.get_backend_name() != "postgresql" or url.get_driver_name() != "asyncpg":
        pytest.fail(f"{PG_ENV} must be a postgresql+asyncpg:// URL, not {url.drivername}://")
    return url


def _asyncpg_dsn(url: sa.URL, database: str) -> str:
    return url.set(drivername="postgresql", database=database).render_as_string(hide_password=False)


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL of an empty database for this test only, on the backend in ``request.param``."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/desk.db"
        return
    url = postgres_url()
    name = f"desk_contract_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(_asyncpg_dsn(url, "postgres"))
    try:
        try:
            await admin.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        except asyncpg.InsufficientPrivilegeError:
            pytest.fail(f"the role in {PG_ENV} needs CREATEDB (ALTER ROLE … CREATEDB)")
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        try:
            await drop_database(admin, name)
        finally:
            await admin.close()


async def drop_database(admin: asyncpg.Connection, name: str) -> None:
    # An autovacuum worker may be in the database for a moment; a role without
    # pg_signal_backend (a developer's own) cannot end it, so wait for it instead.
    for attempt in range(20):
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except asyncpg.InsufficientPrivilegeError:
            if attempt == 19:
                raise
            await asyncio.sleep(0.25)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def backend(database_url: str) -> str:
    return sa.make_url(database_url).get_backend_name()
