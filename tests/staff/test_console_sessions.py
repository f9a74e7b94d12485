"""Staff sessions that end (sign-out, new password, a disabled account), a login throttle that
cannot be raced, trivial passwords refused, and console input that must not crash the server.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.app import STORE
from bot.staff import accounts
from bot.staff.accounts import LoginThrottle, hash_password, password_problem, verify
from bot.staff.console import CONSOLE, COOKIE_NAME
from bot.store import Store
from tests.channels.conftest import Desk
from tests.conftest import ROOT
from tests.staff.test_console import (
    NAME,
    PASSWORD,
    _add_staff,
    _another_browser,
    _csrf,
    _login,
    _signed_in,
)


def _cookie(desk: Desk) -> str:
    jar = desk.client.session.cookie_jar.filter_cookies(desk.client.make_url("/staff"))
    return jar[COOKIE_NAME].value


async def _status_with_cookie(desk: Desk, cookie: str, path: str = "/staff") -> int:
    """A request from someone else holding a copy of ``cookie``."""
    async with _another_browser(desk) as other:
        other.cookie_jar.update_cookies({COOKIE_NAME: cookie}, desk.client.make_url("/staff"))
        async with other.get(path, allow_redirects=False) as response:
            return response.status


# -- sessions that end ------------------------------------------------------------------------


async def test_a_cookie_copied_before_logout_stops_working(desk: Desk) -> None:
    token = await _signed_in(desk)
    copied = _cookie(desk)
    assert await _status_with_cookie(desk, copied) == 200
    response = await desk.client.post("/staff/logout", data={"csrf": token}, allow_redirects=False)
    assert response.status == 303
    assert await _status_with_cookie(desk, copied) == 303
    assert await _status_with_cookie(desk, copied, "/staff/api/tickets") == 401


async def test_logout_ends_every_session_of_the_account(desk: Desk) -> None:
    token = await _signed_in(desk)
    async with _another_browser(desk) as laptop:
        assert (await _login(laptop)).status == 303
        assert (await laptop.get("/staff", allow_redirects=False)).status == 200
        await desk.client.post("/staff/logout", data={"csrf": token}, allow_redirects=False)
        assert (await laptop.get("/staff", allow_redirects=False)).status == 303
    # Signing in again works, and that new session is good.
    assert (await _login(desk.client)).status == 303
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 200


async def test_a_new_password_ends_a_copied_session(desk: Desk) -> None:
    await _signed_in(desk)
    copied = _cookie(desk)
    await desk.app[STORE].add_staff(NAME, hash_password("a-brand-new-password-7"))
    assert await _status_with_cookie(desk, copied) == 303


def _staff_cli(database_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "staff", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=120,
    )


async def test_staff_disable_ends_sessions_and_refuses_sign_in(desk: Desk) -> None:
    await _signed_in(desk)
    copied = _cookie(desk)
    result = await asyncio.to_thread(_staff_cli, desk.settings.database_url, "disable", NAME)
    assert result.returncode == 0, result.stderr
    assert "disabled" in result.stdout
    assert await _status_with_cookie(desk, copied) == 303
    async with _another_browser(desk) as other:
        response = await _login(other)
        assert response.status == 401  # the right password, but the account is disabled
    missing = await asyncio.to_thread(_staff_cli, desk.settings.database_url, "disable", "Nobody")
    assert missing.returncode == 1
    assert "no staff account" in missing.stderr


# -- the login throttle ----------------------------------------------------------------------


class _CountingCheck:
    """Stands in for the argon2 check: counts calls and how many run at once."""

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.calls = 0
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def __call__(self, stored: str | None, password: str) -> bool:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
        return False


async def test_parallel_wrong_passwords_are_not_all_checked(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _add_staff(desk)
    check = _CountingCheck()
    monkeypatch.setattr(accounts, "_check", check)
    token = await _csrf(desk.client)
    responses = await asyncio.gather(
        *(_login(desk.client, password=f"guess-{n:04d}-guess", csrf=token) for n in range(60))
    )
    statuses = sorted(r.status for r in responses)
    assert check.calls <= 5, f"{check.calls} password checks for one name and address"
    assert statuses.count(401) == check.calls
    assert statuses.count(429) == 60 - check.calls


async def test_password_checks_run_a_few_at_a_time(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _add_staff(desk)
    desk.app[CONSOLE].throttle = LoginThrottle(attempts=1000)
    check = _CountingCheck()
    monkeypatch.setattr(accounts, "_check", check)
    token = await _csrf(desk.client)
    responses = await asyncio.gather(
        *(
            _login(desk.client, name=f"name{n}", password="guess-guess-guess", csrf=token)
            for n in range(12)
        )
    )
    assert [r.status for r in responses] == [401] * 12
    assert check.calls == 12
    assert check.most <= accounts.CONCURRENT_CHECKS


def test_throttle_counts_an_attempt_before_it_is_checked() -> None:
    throttle = LoginThrottle(attempts=3)
    keys = ("name:mei", "ip:203.0.113.7")
    assert [throttle.attempt(*keys) for _ in range(5)] == [True, True, True, False, False]
    throttle.succeeded(*keys)
    assert throttle.attempt(*keys)
    # One key over the limit blocks, whatever the other says.
    assert not LoginThrottle(attempts=0).attempt("ip:x")


# -- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "abababababab",
        "1234567890",
        "password123",
        "Password1234",
        "qwertyuiop",
        "hualien2026",
        "mei-mei-mei-2",
        "My name is Mei!",
    ],
)
def test_trivial_passwords_are_refused(password: str) -> None:
    assert password_problem(password, "Mei") is not None
    with pytest.raises(ValueError, match=r"."):
        hash_password(password, name="Mei")


@pytest.mark.parametrize(
    "password", ["typhoon-season-2026", "correct horse battery", "花蓮太魯閣峽谷步道健行"]
)
def test_ordinary_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, "Mei") is None


async def test_staff_add_refuses_a_trivial_password(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    refused = _staff_cli(url, "add", "Mei", "--password-stdin", stdin="mei12345678\n")
    assert refused.returncode == 2
    assert "name" in refused.stderr
    assert "mei12345678" not in refused.stdout + refused.stderr
    accepted = _staff_cli(url, "add", "Mei", "--password-stdin", stdin=f"{PASSWORD}\n")
    assert accepted.returncode == 0, accepted.stderr
    store = await Store.open(url)
    try:
        assert await verify(store, "Mei", PASSWORD)
    finally:
        await store.close()


# -- input that must not crash the console ----------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["/staff\r\nSet-Cookie: x=1", "/staff\x00", "/staff/\x7f", "/staff\t"]
)
async def test_next_with_control_characters_is_refused(desk: Desk, bad: str) -> None:
    await _add_staff(desk)
    page = await desk.client.get("/staff/login", params={"next": bad}, allow_redirects=False)
    assert page.status == 400
    response = await _login(desk.client, next_path=bad)
    assert response.status == 400
    assert "Set-Cookie: x" not in str(response.headers)
    # The server is fine and the right login without a bad next still works.
    assert (await _login(desk.client)).status == 303


async def test_a_csrf_header_that_is_not_utf8_is_refused(desk: Desk) -> None:
    await _signed_in(desk)
    cookie = _cookie(desk)
    reader, writer = await asyncio.open_connection("127.0.0.1", desk.client.port)
    writer.write(
        b"POST /staff/tickets/1/claim HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + f"Cookie: {COOKIE_NAME}={cookie}\r\n".encode()
        + b"X-CSRF-Token: \xff\xfe\xfd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.read(4096), 10)
    writer.close()
    await writer.wait_closed()
    assert head.startswith(b"HTTP/1.1 403"), head[:200]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"\x80"),
        ("application/x-www-form-urlencoded", b"csrf=%FF%FE&name=%C3"),
        ("multipart/form-data; boundary=xyz", b"--xyz\r\ngarbage\r\n"),
        ("multipart/form-data", b"no boundary at all"),
    ],
)
async def test_a_form_that_cannot_be_read_is_400(
    desk: Desk, content_type: str, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    await _signed_in(desk)
    for path in ("/staff/login", "/staff/tickets/1/reply", "/staff/logout"):
        response = await desk.client.post(
            path, data=body, headers={"Content-Type": content_type}, allow_redirects=False
        )
        assert response.status in (400, 403), (path, response.status)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 200
