"""``python -m bot backup FILE`` copies the SQLite database while the server runs and writes;
the copy, restored as a server's database, holds the tickets."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
from pathlib import Path

from bot.store import Store
from tests.channels.conftest import DeskFactory
from tests.conftest import ROOT

ASKING = (
    "I want to talk to a real person",
    "我想找承辦人員",
    "can a staff member call me back",
)


async def _backup(database_url: str, target: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(target),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_a_backup_taken_while_the_server_writes_restores_its_tickets(
    make_desk: DeskFactory, tmp_path: Path
) -> None:
    desk = await make_desk(line=False, telegram=False)
    for number, question in enumerate(ASKING):
        answer = await desk.chat({"session": f"backup-visitor-{number:03d}", "text": question})
        assert (await answer.json())["ticket"] == number + 1

    # Visitors keep writing while the backup runs.
    done = asyncio.Event()
    written = 0

    async def keep_chatting() -> None:
        nonlocal written
        while not done.is_set():
            await desk.chat({"session": f"busy-visitor-{written:05d}", "text": "hello"})
            written += 1

    chatting = asyncio.create_task(keep_chatting())
    code, out, err = await _backup(desk.settings.database_url, tmp_path / "desk-backup.db")
    done.set()
    await chatting
    assert written > 10
    assert code == 0, err
    assert "3 ticket(s)" in out
    assert err == ""

    # A single file, no -wal beside it: restore is a copy.
    backup = tmp_path / "desk-backup.db"
    assert not (tmp_path / "desk-backup.db-wal").exists()
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".partial")]
    restored = tmp_path / "restored" / "desk.db"
    restored.parent.mkdir()
    shutil.copy(backup, restored)
    store = await Store.open(f"sqlite:///{restored}")
    try:
        tickets = await store.tickets()
        assert sorted(t.question for t in tickets) == sorted(ASKING)
        assert {t.number for t in tickets} == {1, 2, 3}
    finally:
        await store.close()
    with sqlite3.connect(backup) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_postgresql_and_a_missing_database_are_told_what_to_do(tmp_path: Path) -> None:
    code, _, err = await _backup(
        "postgresql+asyncpg://desk:secret@127.0.0.1:9/desk", tmp_path / "x.db"
    )
    assert code == 2
    assert "pg_dump" in err
    assert "secret" not in err

    missing = tmp_path / "nowhere" / "desk.db"
    code, _, err = await _backup(f"sqlite:///{missing}", tmp_path / "y.db")
    assert code == 2
    assert "no database at" in err
    assert not missing.exists()  # not created empty on the way
    assert not (tmp_path / "y.db").exists()
