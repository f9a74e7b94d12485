"""The README's first screen, as a newcomer runs it: ``python -m bot serve`` says where the web
chat and the console are once they answer; ``staff add`` prints its one line and no migration
chatter; the account then signs in at the console."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from pathlib import Path

from aiohttp import ClientSession, CookieJar

from tests.conftest import KNOWLEDGE_DIR, ROOT

PASSWORD = "first-account-pass-1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _environment(tmp_path: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "NO_PROXY": "127.0.0.1,localhost",
        "BOT_PORT": str(port),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'desk.db'}",
        "KNOWLEDGE_DIR": str(KNOWLEDGE_DIR),
    }
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TELEGRAM_BOT_TOKEN"):
        env.pop(name, None)
    return env


async def test_serve_then_staff_add_then_the_console_signs_in(tmp_path: Path) -> None:
    port = _free_port()
    env = _environment(tmp_path, port)
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert server.stderr is not None
        urls: dict[str, str] = {}
        while "staff console" not in urls:
            line = (await asyncio.wait_for(server.stderr.readline(), 60)).decode()
            assert line, "the server stopped before it listened"
            if found := re.search(r"bot\.app: (web chat|staff console): (http://\S+)", line):
                urls[found[1]] = found[2]
        assert urls == {
            "web chat": f"http://127.0.0.1:{port}/",
            "staff console": f"http://127.0.0.1:{port}/staff",
        }

        staff_add = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "staff",
            "add",
            "Lin Mei-hua",
            "--password-stdin",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(staff_add.communicate(f"{PASSWORD}\n".encode()), 120)
        assert staff_add.returncode == 0, err.decode()
        assert out.decode() == "staff account 'Lin Mei-hua' created: sign in at /staff/login\n"
        assert err.decode() == ""  # no Alembic lines, no store start-up line

        # unsafe: keep cookies of an IP address (127.0.0.1), as a browser does.
        async with ClientSession(cookie_jar=CookieJar(unsafe=True)) as http:
            async with http.get(urls["web chat"]) as page:
                assert page.status == 200
                assert "<html" in (await page.text()).lower()
            async with http.get(urls["staff console"]) as login:
                assert login.status == 200
                assert str(login.url).startswith(f"{urls['staff console']}/login")
                form = await login.text()
            # The form as a browser fills it in: its hidden fields (CSRF …) as they are, the
            # text and password fields with the account.
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
            for kind, value in (("text", "Lin Mei-hua"), ("password", PASSWORD)):
                field = re.search(rf'<input[^>]* name="([^"]+)"[^>]* type="{kind}"', form)
                assert field is not None, f"no {kind} field on the login form"
                fields[field[1]] = value
            action = re.search(r'<form method="post" action="([^"]+)"', form)
            assert action is not None
            async with http.post(
                urls["staff console"].removesuffix("/staff") + action[1], data=fields
            ) as signed_in:
                assert signed_in.status == 200
                assert "Signed in as" in await signed_in.text()
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 30)
