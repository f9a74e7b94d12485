"""The web chat's budget per client address: rotating session ids no longer give unlimited
visitors, tickets and staff cards. LINE and Telegram (all from the platforms' servers) are
never limited by address."""

from __future__ import annotations

from typing import Any

from bot.app import STORE
from bot.i18n import translate
from bot.text import Lang
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import line_body, line_text, tg_message
from tests.fakes.line_api import REPLY


async def _chat(
    desk: Desk, session: str, text: str, forwarded: str | None = None
) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json"}
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    response = await desk.client.post(
        "/api/chat", json={"session": session, "text": text}, headers=headers
    )
    return response.status, await response.json()


async def test_new_tickets_from_one_address_are_capped_politely(make_desk: DeskFactory) -> None:
    desk = await make_desk(web_chat_tickets_per_hour=3)
    answers = [
        await _chat(desk, f"rotating-session-{n:03d}", "I want to talk to a real person")
        for n in range(5)
    ]
    assert [status for status, _ in answers] == [200] * 5
    assert [data["ticket"] for _, data in answers] == [1, 2, 3, None, None]
    refused = answers[3][1]
    assert refused["decision"] == "ticket_limit"
    assert "try again later" in refused["replies"][0]["text"]
    assert len(await desk.app[STORE].tickets()) == 3
    # The visitor can still ask the bot: only new requests to staff wait.
    status, data = await _chat(desk, "rotating-session-004", "sister cities")
    assert (status, data["decision"], data["ticket"]) == (200, "answer", None)


async def test_an_emergency_over_the_budget_still_gets_the_numbers(
    make_desk: DeskFactory,
) -> None:
    desk = await make_desk(web_chat_tickets_per_hour=1)
    assert (await _chat(desk, "first-visitor-01", "I want to talk to a real person"))[1][
        "ticket"
    ] == 1
    status, data = await _chat(desk, "second-visitor-02", "help! there is a fire, call 119")
    assert status == 200
    assert data["entry"] == "contact.emergency"
    assert data["ticket"] is None
    text = "\n".join(reply["text"] for reply in data["replies"])
    assert "119" in text
    assert "#" not in text  # no request number promised
    assert len(await desk.app[STORE].tickets()) == 1


async def test_answers_without_a_ticket_do_not_spend_the_ticket_budget(
    make_desk: DeskFactory,
) -> None:
    desk = await make_desk(web_chat_tickets_per_hour=1)
    for n in range(4):
        status, data = await _chat(desk, f"curious-visitor-{n}", "sister cities")
        assert (status, data["ticket"]) == (200, None)
    assert (await _chat(desk, "curious-visitor-9", "talk to a person"))[1]["ticket"] == 1


async def test_messages_over_the_minute_budget_are_refused(make_desk: DeskFactory) -> None:
    desk = await make_desk(web_chat_messages_per_minute=5)
    answers = [await _chat(desk, f"flooding-session-{n:03d}", "sister cities") for n in range(8)]
    assert [status for status, _ in answers] == [200] * 5 + [429] * 3
    assert "wait a minute" in answers[-1][1]["error"]
    assert "請稍候一分鐘" in answers[-1][1]["error"]  # the page for everyone: both languages
    assert await desk.app[STORE].find_visitor("web", "flooding-session-007") is None
    # A Korean page's request is told in Korean.
    refused = await desk.client.post(
        "/api/chat",
        json={"session": "flooding-session-100", "text": "sister cities"},
        headers={"Accept-Language": "ko-KR,ko;q=0.9"},
    )
    assert refused.status == 429
    assert (await refused.json())["error"] == translate(
        "You are sending messages very fast. Please wait a minute, then ask again.", Lang.KO
    )


async def test_the_budget_follows_the_client_behind_a_trusted_proxy(
    make_desk: DeskFactory,
) -> None:
    desk = await make_desk(web_chat_messages_per_minute=2, trusted_proxies="127.0.0.1/32")
    statuses = [
        (await _chat(desk, f"hotel-guest-{n:03d}", "sister cities", f"203.0.113.{n % 3}"))[0]
        for n in range(6)
    ]
    assert statuses == [200] * 6  # three addresses, two messages each
    assert (await _chat(desk, "hotel-guest-100", "sister cities", "203.0.113.0"))[0] == 429


async def test_a_forwarded_header_from_anyone_else_is_ignored(make_desk: DeskFactory) -> None:
    desk = await make_desk(web_chat_messages_per_minute=2)
    statuses = [
        (await _chat(desk, f"liar-{n:03d}-session", "sister cities", f"198.51.100.{n}"))[0]
        for n in range(4)
    ]
    assert statuses == [200, 200, 429, 429]


async def test_webhooks_are_never_limited_by_address(make_desk: DeskFactory) -> None:
    desk = await make_desk(web_chat_messages_per_minute=1, web_chat_tickets_per_hour=1)
    for n in range(6):
        body = line_body(line_text("I want to talk to a person", user_id=f"U{n:032x}"))
        assert (await desk.post_line(body)).status == 200
        assert (
            await desk.post_telegram(tg_message("talk to a human", chat_id=5000 + n))
        ).status == 200
    await desk.settle()
    assert len(desk.line.calls_to(REPLY)) == 6
    assert len(await desk.app[STORE].tickets()) == 12
