"""A web-chat visitor's request reaches staff, and the staff answer reaches the page."""

from __future__ import annotations

from bot.keys import RELAY, STORE
from tests.channels.conftest import Desk

SESSION = "web-visitor-0001"


async def _updates(desk: Desk, after: int = 0, session: str = SESSION) -> dict[str, object]:
    response = await desk.client.get(
        "/api/chat/updates", params={"after": str(after)}, headers={"X-Chat-Session": session}
    )
    assert response.status == 200
    body: dict[str, object] = await response.json()
    return body


async def test_staff_answer_reaches_the_web_visitor_once(desk: Desk) -> None:
    response = await desk.chat({"session": SESSION, "text": "I want to talk to a real person"})
    data = await response.json()
    assert data["decision"] == "handoff"
    number = data["ticket"]
    assert isinstance(number, int)
    assert await _updates(desk) == {"messages": [], "after": 0}

    await desk.app[RELAY].reply(number, "Mei", "We will call you at 3 pm.")

    first = await _updates(desk)
    messages = first["messages"]
    assert isinstance(messages, list)
    assert len(messages) == 1
    assert "We will call you at 3 pm." in messages[0]["text"]
    assert f"#{number}" in messages[0]["text"]
    # Polling again from the returned cursor gives nothing new: shown once.
    again = await _updates(desk, after=int(str(first["after"])))
    assert again["messages"] == []


async def test_updates_never_create_visitors_or_leak_other_sessions(desk: Desk) -> None:
    response = await desk.chat({"session": SESSION, "text": "talk to a human"})
    number = (await response.json())["ticket"]
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
    bad_after = await desk.client.get(
        "/api/chat/updates", params={"after": "zero"}, headers={"X-Chat-Session": SESSION}
    )
    assert bad_after.status == 400
    assert "Traceback" not in await bad_after.text()


async def test_an_answer_from_a_staff_member_named_bot_reaches_the_web_visitor(desk: Desk) -> None:
    # Staff answers are told from the bot's own messages by who wrote them, not by the name
    # of the one who did: a staff member may well be called "bot".
    response = await desk.chat({"session": SESSION, "text": "I want to talk to a real person"})
    number = (await response.json())["ticket"]
    await desk.app[RELAY].reply(number, "bot", "We will call you at 3 pm.")
    messages = (await _updates(desk))["messages"]
    assert isinstance(messages, list)
    assert [m["text"] for m in messages] == [
        f"Staff reply (request #{number}):\nWe will call you at 3 pm."
    ]


async def test_the_session_never_travels_in_the_url(desk: Desk) -> None:
    """A session id in a URL ends up in access logs: the page sends it in a header, and the
    server refuses it in the query even when the header is there too."""
    response = await desk.chat({"session": SESSION, "text": "talk to a human"})
    number = (await response.json())["ticket"]
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
    assert '"X-Chat-Session": session' in page
