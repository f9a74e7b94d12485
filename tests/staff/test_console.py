"""The staff web console: sign-in, throttling, CSRF, authorization on every route, the
request pages (relayed exactly as the Telegram staff group does), unanswered questions, and
``python -m bot staff add``."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.errors import ConfigurationError
from bot.keys import RELAY, STORE
from bot.settings import Settings
from bot.staff.accounts import hash_password, verify
from bot.staff.console import COOKIE_NAME, group_questions
from bot.store import Store, TicketStatus, UnansweredQuestion
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import LINE_USER, line_body, line_text
from tests.conftest import ROOT
from tests.fakes.line_api import PUSH

NAME = "Mei"
PASSWORD = "typhoon-season-2026"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def _add_staff(desk: Desk, name: str = NAME, password: str = PASSWORD) -> None:
    await desk.app[STORE].add_staff(name, hash_password(password))


async def _line_ticket(desk: Desk, text: str = "I want to talk to a real person") -> int:
    response = await desk.post_line(line_body(line_text(text)))
    assert response.status == 200
    await desk.settle()
    [ticket] = await desk.app[STORE].tickets()
    return ticket.number


async def _csrf(client: Any, path: str = "/staff/login") -> str:
    response = await client.get(path)
    assert response.status == 200, await response.text()
    match = CSRF.search(await response.text())
    assert match is not None, "no CSRF field on the page"
    return match[1]


async def _login(
    client: Any,
    name: str = NAME,
    password: str = PASSWORD,
    *,
    csrf: str | None = None,
    next_path: str | None = None,
) -> ClientResponse:
    token = csrf if csrf is not None else await _csrf(client)
    form = {"csrf": token, "name": name, "password": password}
    if next_path is not None:
        form["next"] = next_path
    return await client.post("/staff/login", data=form, allow_redirects=False)


async def _signed_in(desk: Desk) -> str:
    """Sign in as NAME; the session's CSRF token (from the request list page)."""
    await _add_staff(desk)
    response = await _login(desk.client)
    assert response.status == 303, await response.text()
    return await _csrf(desk.client, "/staff")


@contextlib.asynccontextmanager
async def _another_browser(desk: Desk) -> AsyncIterator[aiohttp.ClientSession]:
    """Another browser: its own cookie jar, the same running server."""
    async with aiohttp.ClientSession(
        base_url=desk.client.make_url("/"), cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as session:
        yield session


async def _ticket_state(desk: Desk, number: int) -> tuple[Any, ...]:
    store = desk.app[STORE]
    ticket = await store.ticket(number)
    assert ticket is not None
    messages = await store.messages_of(ticket.visitor_id)
    return (ticket.status, ticket.assignee, len(await store.events(number)), len(messages))


# -- sign in --------------------------------------------------------------------------------


async def test_login_page_is_public_and_its_cookie_is_httponly_lax(desk: Desk) -> None:
    response = await desk.client.get("/staff/login")
    assert response.status == 200
    text = await response.text()
    assert 'autocomplete="current-password"' in text
    assert CSRF.search(text)
    cookie = SimpleCookie(response.headers["Set-Cookie"])[COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/staff"
    assert not cookie["secure"]  # plain http on 127.0.0.1 in development
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    # The cookie is encrypted: nothing readable in it.
    assert "csrf" not in cookie.value


async def test_right_password_signs_in_and_wrong_one_does_not(desk: Desk) -> None:
    await _add_staff(desk)
    wrong = await _login(desk.client, password="not-the-password")
    assert wrong.status == 401
    assert "Wrong name or password" in await wrong.text()
    unknown = await _login(desk.client, name="Nobody")
    assert unknown.status == 401
    assert "Wrong name or password" in await unknown.text()  # no hint which names exist
    still_out = await desk.client.get("/staff", allow_redirects=False)
    assert still_out.status == 303

    right = await _login(desk.client)
    assert right.status == 303
    assert right.headers["Location"] == "/staff"
    page = await desk.client.get("/staff")
    assert page.status == 200
    assert f"Signed in as <strong>{NAME}</strong>" in await page.text()


async def test_sixth_wrong_attempt_is_throttled_even_with_the_right_password(desk: Desk) -> None:
    await _add_staff(desk)
    token = await _csrf(desk.client)
    for _ in range(5):
        response = await _login(desk.client, password="guess-guess-guess", csrf=token)
        assert response.status == 401
    sixth = await _login(desk.client, password="guess-guess-guess", csrf=token)
    assert sixth.status == 429
    assert "Too many failed sign-ins" in await sixth.text()
    right = await _login(desk.client, csrf=token)
    assert right.status == 429
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 303


async def test_failures_are_counted_per_client_address_across_names(desk: Desk) -> None:
    await _add_staff(desk)
    token = await _csrf(desk.client)
    for n in range(5):
        response = await _login(desk.client, name=f"guess{n}", password="x" * 12, csrf=token)
        assert response.status == 401
    # A sixth name from the same address: blocked before any password is checked.
    response = await _login(desk.client, csrf=token)
    assert response.status == 429


async def test_next_only_leads_inside_the_console(desk: Desk) -> None:
    await _add_staff(desk)
    number = await _line_ticket(desk)
    page = await desk.client.get(f"/staff/tickets/{number}", allow_redirects=False)
    assert page.status == 303
    assert page.headers["Location"] == f"/staff/login?next=/staff/tickets/{number}"
    inside = await _login(desk.client, next_path=f"/staff/tickets/{number}")
    assert inside.headers["Location"] == f"/staff/tickets/{number}"
    for outside in ("//evil.example/staff", "https://evil.example/staff", "/staffroom", "/"):
        async with _another_browser(desk) as other:
            response = await _login(other, next_path=outside)
            assert response.status == 303
            assert response.headers["Location"] == "/staff", outside


async def test_logout_ends_the_session(desk: Desk) -> None:
    token = await _signed_in(desk)
    response = await desk.client.post("/staff/logout", data={"csrf": token}, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/staff/login")
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 303
    assert (await desk.client.get("/staff/api/tickets")).status == 401


async def test_a_new_password_ends_the_accounts_sessions(desk: Desk) -> None:
    await _signed_in(desk)
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 200
    await desk.app[STORE].add_staff(NAME, hash_password("a-brand-new-password"))
    response = await desk.client.get("/staff", allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"].startswith("/staff/login")


# -- CSRF and authorization -----------------------------------------------------------------


async def test_posts_without_or_with_a_wrong_csrf_token_are_refused(desk: Desk) -> None:
    token = await _signed_in(desk)
    number = await _line_ticket(desk)
    before = await _ticket_state(desk, number)
    sent_before = len(desk.line.sent)
    actions = [
        (f"/staff/tickets/{number}/reply", {"text": "Forged answer"}),
        (f"/staff/tickets/{number}/claim", {}),
        (f"/staff/tickets/{number}/close", {}),
        ("/staff/logout", {}),
    ]
    for path, form in actions:
        for csrf in (None, "", "wrong-" + token[6:], token + "x"):
            data = dict(form) if csrf is None else {**form, "csrf": csrf}
            response = await desk.client.post(path, data=data, allow_redirects=False)
            assert response.status == 403, (path, csrf)
            assert "nothing was done" in await response.text()
        # A JSON or other non-form body with no X-CSRF-Token header: refused too.
        response = await desk.client.post(path, json={"text": "x"}, allow_redirects=False)
        assert response.status == 403
    assert await _ticket_state(desk, number) == before
    assert len(desk.line.sent) == sent_before
    # Still signed in (the forged logout did nothing), and the real token still works.
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 200
    ok = await desk.client.post(
        f"/staff/tickets/{number}/claim", data={"csrf": token}, allow_redirects=False
    )
    assert ok.status == 303


async def test_login_post_needs_the_forms_csrf_token(desk: Desk) -> None:
    await _add_staff(desk)
    response = await desk.client.post(
        "/staff/login", data={"name": NAME, "password": PASSWORD}, allow_redirects=False
    )
    assert response.status == 403
    assert (await desk.client.get("/staff", allow_redirects=False)).status == 303


async def test_every_staff_route_refuses_a_visitor_without_a_session(desk: Desk) -> None:
    await _add_staff(desk)
    number = await _line_ticket(desk)
    before = await _ticket_state(desk, number)
    # Worse than no cookie: a session that holds a valid CSRF token but never signed in.
    token = await _csrf(desk.client)
    checked = []
    for route in desk.app.router.routes():
        resource = route.resource
        assert resource is not None
        path = resource.canonical
        if not (path == "/staff" or path.startswith("/staff/")) or path == "/staff/login":
            continue
        url = path.replace("{number}", str(number))
        async with _another_browser(desk) as stranger:
            for client in (desk.client, stranger):
                data = {"csrf": token, "text": "Should never be sent"}
                response = await client.request(
                    route.method,
                    url,
                    data=data if route.method == "POST" else None,
                    allow_redirects=False,
                )
                assert response.status != 200, (route.method, url)
                if path.startswith("/staff/api/"):
                    assert response.status == 401, (route.method, url)
                    if route.method != "HEAD":
                        assert "error" in await response.json()
                else:
                    assert response.status == 303, (route.method, url)
                    assert response.headers["Location"].startswith("/staff/login")
        checked.append(f"{route.method} {path}")
    # The enumeration really covered the console (GET routes come with HEAD).
    for expected in (
        "GET /staff",
        "HEAD /staff",
        "POST /staff/logout",
        "GET /staff/tickets/{number}",
        "POST /staff/tickets/{number}/reply",
        "POST /staff/tickets/{number}/claim",
        "POST /staff/tickets/{number}/close",
        "GET /staff/unanswered",
        "GET /staff/api/tickets",
        "GET /staff/api/unanswered",
        "POST /staff/tickets/{number}/assign",
        "POST /staff/tickets/{number}/note",
        "GET /staff/visitors/{number}",
        "POST /staff/unanswered/handled",
        "GET /staff/unanswered/draft/{number}",
        "POST /staff/knowledge/reload",
        "GET /staff/insights",
        "GET /staff/insights.csv",
        "GET /staff/api/changes",
        "GET /staff/api/canned",
    ):
        assert expected in checked
    assert await _ticket_state(desk, number) == before
    assert desk.line.calls_to(PUSH) == []


# -- the request pages ----------------------------------------------------------------------


async def test_console_reply_is_relayed_as_a_group_reply_is(desk: Desk) -> None:
    token = await _signed_in(desk)
    number = await _line_ticket(desk)

    page = await desk.client.get(f"/staff/tickets/{number}")
    assert page.status == 200
    html = await page.text()
    assert "I want to talk to a real person" in html  # the visitor's words
    assert f"request #{number}" in html  # the bot's answer with the number
    assert "Send reply" in html

    claimed = await desk.client.post(
        f"/staff/tickets/{number}/claim", data={"csrf": token}, allow_redirects=False
    )
    assert claimed.status == 303
    ticket = await desk.app[STORE].ticket(number)
    assert ticket is not None
    assert ticket.status is TicketStatus.CLAIMED
    assert ticket.assignee == NAME

    text = "We can meet you at the county hall at 3 pm. 下午三點縣府見。"
    replied = await desk.client.post(
        f"/staff/tickets/{number}/reply", data={"csrf": token, "text": text}
    )
    assert replied.status == 200
    assert "Reply sent to the visitor on LINE" in await replied.text()
    [push] = await desk.line.wait_for(PUSH)
    assert push.body["to"] == LINE_USER
    assert push.body["messages"][0]["text"] == (f"Staff reply (request #{number}):\n{text}")
    assert push.headers["X-Line-Retry-Key"]
    ticket = await desk.app[STORE].ticket(number)
    assert ticket is not None
    assert ticket.status is TicketStatus.ANSWERED
    events = [(e.actor, e.action) for e in await desk.app[STORE].events(number)]
    assert events[-2:] == [(NAME, "claimed"), (NAME, "replied")]

    # The same as a reply through the Relay (what the Telegram staff group calls).
    await desk.app[RELAY].reply(number, "Group member", "Second answer")
    pushes = await desk.line.wait_for(PUSH, 2)
    assert (
        pushes[1].body["messages"][0]["text"] == f"Staff reply (request #{number}):\nSecond answer"
    )

    closed = await desk.client.post(f"/staff/tickets/{number}/close", data={"csrf": token})
    assert closed.status == 200
    assert "closed" in await closed.text()
    pushes = await desk.line.wait_for(PUSH, 3)
    assert "has been closed" in pushes[2].body["messages"][0]["text"]
    ticket = await desk.app[STORE].ticket(number)
    assert ticket is not None
    assert ticket.status is TicketStatus.CLOSED
    # A closed request takes no more replies.
    late = await desk.client.post(
        f"/staff/tickets/{number}/reply", data={"csrf": token, "text": "Too late"}
    )
    assert "is closed" in await late.text()
    assert len(desk.line.calls_to(PUSH)) == 3


async def test_delivery_error_is_shown_on_the_request(desk: Desk) -> None:
    token = await _signed_in(desk)
    number = await _line_ticket(desk)
    desk.line.fail_next(5, 403, path=PUSH, message="The user blocked the bot")
    response = await desk.client.post(
        f"/staff/tickets/{number}/reply", data={"csrf": token, "text": "Hello again"}
    )
    assert response.status == 200
    # Delivery goes through the outbox: the failure shows on the request once it is known.
    await desk.line.wait_for(PUSH)
    await desk.settle()
    page = await (await desk.client.get(f"/staff/tickets/{number}")).text()
    assert "Last delivery to the visitor failed" in page


async def test_missing_request_and_empty_reply(desk: Desk) -> None:
    token = await _signed_in(desk)
    number = await _line_ticket(desk)
    assert (await desk.client.get("/staff/tickets/999999")).status == 404
    missing = await desk.client.post(
        "/staff/tickets/999999/reply", data={"csrf": token, "text": "x"}
    )
    assert missing.status == 404
    empty = await desk.client.post(
        f"/staff/tickets/{number}/reply", data={"csrf": token, "text": "   "}
    )
    assert "Write a reply" in await empty.text()
    assert desk.line.calls_to(PUSH) == []


async def test_request_list_filters_and_puts_urgent_first(desk: Desk) -> None:
    await _signed_in(desk)
    await desk.post_line(line_body(line_text("I want to talk to a real person")))
    await desk.chat({"session": "web-visitor-0001", "text": "我想找真人客服"})
    await desk.chat({"session": "web-visitor-0002", "text": "救命 有人受傷"})
    await desk.settle()

    async def listed(**query: str) -> list[dict[str, Any]]:
        response = await desk.client.get("/staff/api/tickets", params=query)
        assert response.status == 200
        tickets: list[dict[str, Any]] = (await response.json())["tickets"]
        return tickets

    everything = await listed()
    assert len(everything) == 3
    assert everything[0]["priority"] == "urgent"
    assert [t["channel"] for t in await listed(channel="line")] == ["line"]
    assert {t["lang"] for t in await listed(lang="zh-Hant")} == {"zh-Hant"}
    assert len(await listed(lang="zh-Hant")) == 2
    assert [t["priority"] for t in await listed(priority="urgent")] == ["urgent"]
    assert await listed(status="closed") == []
    assert len(await listed(status="open")) == 3
    # Unknown filter values fall back to the default rather than failing.
    assert len(await listed(channel="fax", status="bogus")) == 3

    page = await desk.client.get("/staff", params={"channel": "web"})
    html = await page.text()
    assert page.status == 200
    assert html.count('<tr class="') == 2
    assert html.index("Urgent 緊急") < html.index("我想找真人客服")
    assert '<option value="web" selected>' in html


# -- unanswered questions -------------------------------------------------------------------


def _q(text: str, minutes_ago: int) -> UnansweredQuestion:
    when = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC) - dt.timedelta(minutes=minutes_ago)
    return UnansweredQuestion(text, None, when)


def test_similar_fallback_questions_are_grouped() -> None:
    questions = [  # newest first, as the store gives them
        _q("Is there a bus to Taroko on Sunday?", 1),
        _q("Where can I rent a scooter?", 2),
        _q("is there a bus to taroko on sunday", 3),
        _q("去太鲁阁的公车", 4),
        _q("Bus to Taroko on Sunday??", 5),
        _q("去太魯閣的公車", 6),
        _q("is there a bus to taroko on sunday", 7),
        _q("🙂", 8),
        _q("   ", 9),
    ]
    groups = group_questions(questions)
    # Case and punctuation do not make another wording; the newest of the commonest is shown.
    assert [(g.question, g.count) for g in groups] == [
        ("Is there a bus to Taroko on Sunday?", 4),
        ("去太鲁阁的公车", 2),
        ("Where can I rent a scooter?", 1),
        ("🙂", 1),
    ]
    bus = groups[0]
    assert bus.last_seen == questions[0].created_at
    assert bus.variants == ("Bus to Taroko on Sunday??",)
    assert bus.langs == ("en",)
    assert set(groups[1].langs) == {"zh-Hans", "zh-Hant"}


async def test_unanswered_page_shows_groups_with_counts(desk: Desk) -> None:
    await _signed_in(desk)
    for session, text in [
        ("web-visitor-0001", "zzzzz qqqq"),
        ("web-visitor-0002", "ZZZZZ QQQQ!"),
        ("web-visitor-0003", "zzzzz qqqq"),
        ("web-visitor-0004", "xylophone quasar"),
        ("web-visitor-0005", "zzzzz qqqq please"),
    ]:
        response = await desk.chat({"session": session, "text": text})
        assert (await response.json())["decision"] == "fallback"
    page = await desk.client.get("/staff/unanswered")
    assert page.status == 200
    html = await page.text()
    assert "zzzzz qqqq" in html
    assert "xylophone quasar" in html
    data = await (await desk.client.get("/staff/api/unanswered")).json()
    assert [(g["question"], g["count"]) for g in data["groups"]] == [
        ("zzzzz qqqq", 4),
        ("xylophone quasar", 1),
    ]
    assert data["groups"][0]["variants"] == ["zzzzz qqqq please"]


# -- session key ----------------------------------------------------------------------------


async def test_session_key_setting(make_desk: DeskFactory, kb: Any, tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'k.db'}",
        staff_session_key="not a fernet key",
    )
    with pytest.raises(ConfigurationError, match="STAFF_SESSION_KEY"):
        create_app(settings, kb=kb)

    # With a fixed key a session survives a restart (a second app with the same key).
    key = "uTg3pX2o9m0bqk7QZ4r5a8YcJ1dHf6sVwLnE0yTzC2M="
    first = await make_desk(staff_session_key=key)
    await _signed_in(first)
    cookie = first.client.session.cookie_jar.filter_cookies(first.client.make_url("/staff"))
    second = create_app(first.settings, kb=kb)
    client: TestClient[Any, Any] = TestClient(TestServer(second, host="127.0.0.1", port=0))
    await client.start_server()
    try:
        client.session.cookie_jar.update_cookies(
            {COOKIE_NAME: cookie[COOKIE_NAME].value}, client.make_url("/staff")
        )
        assert (await client.get("/staff", allow_redirects=False)).status == 200
    finally:
        await client.close()


# -- python -m bot staff add ----------------------------------------------------------------


def _staff_add(database_url: str, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "bot", "staff", "add", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=120,
    )


async def test_staff_add_cli_creates_and_updates_accounts(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    created = _staff_add(url, "Ah-Lan Chen", "--password-stdin", stdin="first-password-1\n")
    assert created.returncode == 0, created.stderr
    assert "Ah-Lan Chen" in created.stdout
    assert "created" in created.stdout
    updated = _staff_add(url, "Ah-Lan Chen", "--password-stdin", stdin="second-password-2\n")
    assert updated.returncode == 0, updated.stderr
    assert "updated" in updated.stdout
    short = _staff_add(url, "Short", "--password-stdin", stdin="tooshort\n")
    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    no_terminal = _staff_add(url, "Prompted", stdin="prompted-password\n")
    assert no_terminal.returncode == 2
    assert "--password-stdin" in no_terminal.stderr
    for result in (created, updated, short, no_terminal):
        for secret in ("first-password-1", "second-password-2", "tooshort", "prompted-password"):
            assert secret not in result.stdout + result.stderr

    store = await Store.open(url)
    try:
        assert await verify(store, "Ah-Lan Chen", "second-password-2")
        assert not await verify(store, "Ah-Lan Chen", "first-password-1")
        assert await store.staff_password_hash("Short") is None
        assert await store.staff_password_hash("Prompted") is None
    finally:
        await store.close()


def test_client_address_believes_only_trusted_proxies() -> None:
    from aiohttp.test_utils import make_mocked_request

    from bot.settings import Settings
    from bot.staff.accounts import LoginThrottle
    from bot.staff.console import CONSOLE, Console, client_address

    settings = Settings(_env_file=None, trusted_proxies="10.0.0.0/8")  # type: ignore[call-arg]
    app = web.Application()
    app[CONSOLE] = Console(
        storage=None,  # type: ignore[arg-type]
        throttle=LoginThrottle(),
        tz=settings.tz,
        proxies=settings.proxy_networks,
    )

    def request(remote: str, forwarded: str | None) -> web.Request:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        req = make_mocked_request("POST", "/staff/login", headers=headers, app=app)
        return req.clone(remote=remote)

    # Through the proxy: the staff member's own address, not the proxy's.
    assert client_address(request("10.0.0.5", "203.0.113.7, 10.0.0.9")) == "203.0.113.7"
    # Not from a trusted proxy: a forged header is ignored.
    assert client_address(request("198.51.100.2", "203.0.113.7")) == "198.51.100.2"
    # From the proxy without a header: the proxy is all we know.
    assert client_address(request("10.0.0.5", None)) == "10.0.0.5"
