"""GET /api/chat/transcript: the web-chat conversation is the server's, restored as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.keys import RELAY, STORE
from bot.matcher import EMERGENCY_ENTRY
from bot.store.tables import web_requests
from tests.channels.conftest import Desk

SESSION = "web-transcript-0001"


async def say(desk: Desk, session: str = SESSION, **payload: Any) -> dict[str, Any]:
    response = await desk.chat({"session": session, **payload})
    assert response.status == 200, await response.text()
    data: dict[str, Any] = await response.json()
    return data


async def transcript(desk: Desk, session: str = SESSION) -> dict[str, Any]:
    response = await desk.client.get("/api/chat/transcript", headers={"X-Chat-Session": session})
    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    data: dict[str, Any] = await response.json()
    return data


async def test_an_unknown_session_gets_an_empty_conversation_and_creates_nothing(
    desk: Desk,
) -> None:
    await say(desk, text="hello")  # someone else's conversation exists
    assert await transcript(desk, "never-seen-session") == {"messages": []}
    assert await desk.app[STORE].find_visitor("web", "never-seen-session") is None


async def test_a_malformed_session_is_refused_and_never_in_the_url(desk: Desk) -> None:
    for headers in ({}, {"X-Chat-Session": "short"}, {"X-Chat-Session": "bad session id"}):
        response = await desk.client.get("/api/chat/transcript", headers=headers)
        assert response.status == 400, headers
        assert "Traceback" not in await response.text()
    in_url = await desk.client.get(
        "/api/chat/transcript", params={"session": SESSION}, headers={"X-Chat-Session": SESSION}
    )
    assert in_url.status == 400
    assert "X-Chat-Session" in (await in_url.json())["error"]


async def test_the_conversation_in_order_with_the_ids_the_page_was_given(desk: Desk) -> None:
    first = await say(desk, text="county government phone number")
    second = await say(desk, text="emergency numbers")
    messages = (await transcript(desk))["messages"]
    assert [(m["from"], m["text"][:30]) for m in messages][::2] == [
        ("visitor", "county government phone number"),
        ("visitor", "emergency numbers"),
    ]
    assert [m["from"] for m in messages] == ["visitor", "bot", "visitor", "bot"]
    # The page got these ids with the answers, so it can keep staff replies in order.
    ids = [m["id"] for m in messages]
    assert ids == sorted(ids)
    assert ids[0] == first["id"]
    assert ids[1] == first["replies"][0]["id"]
    assert ids[2] == second["id"]
    assert [r["id"] for r in second["replies"]] == ids[3:]
    times = [dt.datetime.fromisoformat(m["at"]) for m in messages]
    assert times == sorted(times)
    assert all(t.tzinfo is not None for t in times)
    # A bot message keeps its language (read aloud in it after a reload, as it was live).
    assert [m.get("lang") for m in messages] == [None, "en", None, "en"]
    # The page's own welcome is no part of it.
    assert not any("Hello! Ask about sister cities" in m["text"] for m in messages)


async def test_an_emergency_is_restored_as_an_emergency_card(desk: Desk) -> None:
    # The desk marks its emergency answer urgent (LINE's red card, the page's): a reload shows
    # the same card, its numbers as links to call.
    live = await say(desk, text="help there is a fire")
    assert live["entry"] == EMERGENCY_ENTRY
    assert live["replies"][0]["urgent"] is True
    restored = [m for m in (await transcript(desk))["messages"] if m["from"] == "bot"]
    card = restored[0]
    assert card["urgent"] is True
    assert card["text"] == live["replies"][0]["text"]
    assert card["contacts"] == live["replies"][0]["contacts"]
    assert card["contacts"][0]["tel"] == "tel:119"
    # The note that staff were alerted is an ordinary message.
    assert restored[1]["urgent"] is False


async def test_a_staff_answer_is_part_of_the_conversation_in_its_place(desk: Desk) -> None:
    handoff = await say(desk, text="I want to talk to a real person")
    await desk.app[RELAY].reply(handoff["ticket"], "Mei", "We will call you at 3 pm.")
    later = await say(desk, text="thank you")
    data = await transcript(desk)
    froms = [m["from"] for m in data["messages"]]
    assert froms == ["visitor", "bot", "staff", "visitor", "bot"]
    staff = data["messages"][2]
    assert "We will call you at 3 pm." in staff["text"]
    assert staff["id"] < later["id"]
    assert data["ticket"] == {"number": handoff["ticket"], "email": False}


async def test_did_you_mean_shows_buttons_only_on_the_web(desk: Desk) -> None:
    live = await say(desk, text="student")
    assert live["decision"] == "clarify"
    [reply] = live["replies"]
    labels = [o["label"] for o in reply["options"]]
    # No "1. …" lines repeating the buttons: the question alone, the options as buttons.
    assert reply["text"] == "Did you mean one of these?"
    assert len(labels) >= 3
    restored = (await transcript(desk))["messages"][1]
    assert restored["text"] == "Did you mean one of these?"
    assert [o["label"] for o in restored["options"]] == labels
    # The numbered list stays in what is stored (LINE and Telegram show it, staff read it).
    visitor_id = await desk.app[STORE].find_visitor("web", SESSION)
    assert visitor_id is not None
    stored = (await desk.app[STORE].messages_of(visitor_id))[1].text
    assert f"1. {labels[0]}" in stored


async def test_one_button_to_staff_not_two(desk: Desk) -> None:
    # The county government's answer lists "Talk to our staff" among its related entries.
    live = await say(desk, text="county government phone number")
    choices = [o["choice"] for o in live["replies"][0]["options"]]
    assert "staff" in choices
    assert "entry:contact.staff" not in choices
    restored = (await transcript(desk))["messages"][1]
    assert [o["choice"] for o in restored["options"]] == choices


async def test_a_tapped_button_is_restored_by_its_label_and_its_row_as_used(desk: Desk) -> None:
    clarify = await say(desk, text="student")
    option = clarify["replies"][0]["options"][0]
    await say(desk, choice=option["choice"])
    await say(desk, choice="lang:zh-Hant")
    messages = (await transcript(desk))["messages"]
    assert messages[1]["chosen"] == option["choice"]
    tap = messages[2]
    assert (tap["from"], tap["text"], tap["choice"]) == (
        "visitor",
        option["label"],
        option["choice"],
    )
    # The header's language button, which no answer offered.
    assert (messages[4]["text"], messages[4]["choice"]) == ("繁體中文", "lang:zh-Hant")
    # An answer whose buttons were not used keeps them usable.
    assert "chosen" not in messages[3]


async def test_delete_leaves_an_empty_conversation_and_no_kept_answers(desk: Desk) -> None:
    await say(desk, text="hello", id="client-message-0001")
    await say(desk, text="/delete")
    done = await say(desk, choice="delete:yes", id="client-message-0002")
    assert done["decision"] == "deleted"
    assert "open_ticket" not in done
    assert await transcript(desk) == {"messages": []}
    async with desk.app[STORE].engine.connect() as conn:
        assert (await conn.execute(web_requests.select())).all() == []
