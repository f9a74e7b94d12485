"""A web-chat visitor's request reaches staff, and the staff answer reaches the open page: a
long poll (GET /api/chat/updates) that waits while a request is open, bounded per client
address and in all, and answered at once when the server stops."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.channels import web_live
from bot.keys import RELAY, STORE, WEB_LIVE
from bot.store import Role
from tests.channels.conftest import Desk, DeskFactory

SESSION = "web-visitor-0001"
#: How long a poll waits in these tests (the server's default is 25 s).
WAIT = 1.5


@pytest.fixture(autouse=True)
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web_live, "WAIT_SECONDS", WAIT)
    monkeypatch.setattr(web_live, "POLL_SECONDS", 0.05)


async def _get(
    desk: Desk, after: int = 0, session: str = SESSION, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    response = await desk.client.get(
        "/api/chat/updates",
        params={"after": str(after)},
        headers={"X-Chat-Session": session, **(headers or {})},
    )
    body: dict[str, Any] = await response.json()
    return response.status, body, time.monotonic() - started


async def _until_waiting(live: web_live.LiveUpdates, pages: int) -> None:
    for _ in range(500):
        if live.open >= pages:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{live.open} page(s) waiting, not {pages}")


async def _updates(desk: Desk, after: int = 0, session: str = SESSION) -> dict[str, Any]:
    status, body, _ = await _get(desk, after, session)
    assert status == 200, body
    return body


async def _handoff(desk: Desk, session: str = SESSION) -> int:
    response = await desk.chat({"session": session, "text": "I want to talk to a real person"})
    data = await response.json()
    assert data["decision"] == "handoff"
    assert data["open_ticket"] == data["ticket"]
    number: int = data["ticket"]
    return number


async def test_staff_answer_reaches_the_web_visitor_once(desk: Desk) -> None:
    number = await _handoff(desk)

    async def answer_soon() -> None:
        await asyncio.sleep(0.3)
        await desk.app[RELAY].reply(number, "Mei", "We will call you at 3 pm.")

    task = asyncio.create_task(answer_soon())
    status, first, took = await _get(desk)
    await task
    assert status == 200
    # Answered when the answer was stored, not at the end of the wait.
    assert took < WAIT - 0.5
    [message] = first["messages"]
    assert message["from"] == "staff"
    assert "We will call you at 3 pm." in message["text"]
    assert f"#{number}" in message["text"]
    assert first["after"] == message["id"]
    assert first["ticket"] == {"number": number, "email": False}
    # Asking again from the returned cursor gives nothing new: shown once.
    status, again, took = await _get(desk, after=first["after"])
    assert again["messages"] == []
    assert took >= WAIT - 0.1  # it waited, the request still open


async def test_an_answer_stored_by_another_server_wakes_the_page_too(desk: Desk) -> None:
    number = await _handoff(desk)
    store = desk.app[STORE]
    ticket = await store.ticket(number)
    assert ticket is not None

    async def another_replica_answers() -> None:
        await asyncio.sleep(0.3)
        # Stored without this server's relay: only the watcher's look at the database sees it.
        await store.log_message(
            ticket.visitor_id, "out", "From the other replica.", "staff", role=Role.STAFF
        )

    task = asyncio.create_task(another_replica_answers())
    _, body, took = await _get(desk)
    await task
    assert [m["text"] for m in body["messages"]] == ["From the other replica."]
    assert took < WAIT - 0.5


async def test_without_an_open_request_the_answer_comes_at_once(desk: Desk) -> None:
    status, unknown, took = await _get(desk, session="never-seen-session")
    assert (status, unknown) == (200, {"messages": [], "after": 0})
    assert took < 0.5
    await desk.chat({"session": SESSION, "text": "hello"})
    status, known, took = await _get(desk)
    assert (status, known) == (200, {"messages": [], "after": 0})
    assert took < 0.5
    assert await desk.app[STORE].find_visitor("web", "never-seen-session") is None


async def test_the_closing_note_ends_the_wait_and_the_request(desk: Desk) -> None:
    number = await _handoff(desk)
    await desk.app[RELAY].close(number, "Mei")
    body = await _updates(desk)
    assert "closed" in body["messages"][0]["text"]
    assert "ticket" not in body  # the page stops asking


async def test_updates_never_leak_other_sessions(desk: Desk) -> None:
    number = await _handoff(desk)
    await desk.app[RELAY].reply(number, "Mei", "Only for the first visitor.")
    assert await _updates(desk, session="someone-else-1") == {"messages": [], "after": 0}
    assert await desk.app[STORE].find_visitor("web", "someone-else-1") is None


async def test_updates_reject_bad_parameters(desk: Desk) -> None:
    for session in ("x", "", f"{SESSION} x", "é" * 10):
        bad_session = await desk.client.get(
            "/api/chat/updates", params={"after": "0"}, headers={"X-Chat-Session": session}
        )
        assert bad_session.status == 400, session
    missing = await desk.client.get("/api/chat/updates", params={"after": "0"})
    assert missing.status == 400
    for after in ("zero", "-1", "99999999999", "2147483648"):
        bad_after = await desk.client.get(
            "/api/chat/updates", params={"after": after}, headers={"X-Chat-Session": SESSION}
        )
        assert bad_after.status == 400, after
        assert "Traceback" not in await bad_after.text()


async def test_an_answer_from_a_staff_member_named_bot_reaches_the_web_visitor(desk: Desk) -> None:
    # Staff answers are told from the bot's own messages by who wrote them, not by the name
    # of the one who did: a staff member may well be called "bot".
    number = await _handoff(desk)
    await desk.app[RELAY].reply(number, "bot", "We will call you at 3 pm.")
    messages = (await _updates(desk))["messages"]
    assert [m["text"] for m in messages] == [
        f"Staff reply (request #{number}):\nWe will call you at 3 pm."
    ]


async def test_the_session_never_travels_in_the_url(desk: Desk) -> None:
    """A session id in a URL ends up in access logs: the page sends it in a header, and the
    server refuses it in the query even when the header is there too."""
    number = await _handoff(desk)
    await desk.app[RELAY].reply(number, "Mei", "Only in the header.")
    in_url = await desk.client.get(
        "/api/chat/updates",
        params={"session": SESSION, "after": "0"},
        headers={"X-Chat-Session": SESSION},
    )
    assert in_url.status == 400
    assert "X-Chat-Session" in (await in_url.json())["error"]
    page = await (await desk.client.get("/")).text()
    assert "session=" not in page
    assert '{"X-Chat-Session": session}' in page


async def test_waiting_pages_are_bounded_per_address_and_in_all(make_desk: DeskFactory) -> None:
    desk = await make_desk(
        web_chat_streams_per_address=2, web_chat_streams_total=3, trusted_proxies="127.0.0.1"
    )
    sessions = [f"web-visitor-{n:04d}" for n in range(4)]
    for session in sessions:
        await _handoff(desk, session)

    def poll(session: str, address: str) -> asyncio.Task[tuple[int, dict[str, Any], float]]:
        return asyncio.create_task(
            _get(desk, session=session, headers={"X-Forwarded-For": address})
        )

    live = desk.app[WEB_LIVE]
    hotel = [poll(sessions[0], "203.0.113.7"), poll(sessions[1], "203.0.113.7")]
    await _until_waiting(live, 2)
    # A third page from the same hotel: told to come back later, at once.
    status, body, took = await _get(
        desk, session=sessions[2], headers={"X-Forwarded-For": "203.0.113.7"}
    )
    assert status == 429
    assert body["retry_after"] > 0
    assert took < 0.5
    other = poll(sessions[2], "198.51.100.9")
    await _until_waiting(live, 3)
    # The server's total is reached: anyone else is asked to come back too.
    response = await desk.client.get(
        "/api/chat/updates",
        params={"after": "0"},
        headers={"X-Chat-Session": sessions[3], "X-Forwarded-For": "192.0.2.1"},
    )
    # A refusal the page understands (it waits and asks again), not a server error.
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "too many" in (await response.json())["error"]
    # The places are given back when the waiting ends.
    for task in [*hotel, other]:
        assert (await task)[0] == 200
    assert live.open == 0
    assert (await _get(desk, session=sessions[3]))[0] == 200


async def test_a_stopping_server_answers_waiting_pages_at_once(desk: Desk) -> None:
    await _handoff(desk)
    live = desk.app[WEB_LIVE]
    waiting = asyncio.create_task(_get(desk))
    await _until_waiting(live, 1)
    started = time.monotonic()
    await desk.app.shutdown()  # what the server runs before it waits for requests in flight
    status, body, _ = await waiting
    assert status == 503
    assert time.monotonic() - started < 0.5
    assert body["retry_after"] == 1
    # Later pages are turned away at once while it stops.
    status, _, took = await _get(desk)
    assert status == 503
    assert took < 0.5
