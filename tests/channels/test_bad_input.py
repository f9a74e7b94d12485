"""Hostile and broken input: the right status, no crash, nothing sent, no secret in the logs."""

from __future__ import annotations

import base64
import json
import logging
import os
from typing import Any

import pytest
from aiohttp import ClientResponse

from tests.channels.conftest import LINE_SECRET, SECRETS, Desk, DeskFactory
from tests.channels.payloads import (
    dumps,
    line_body,
    line_postback,
    line_text,
    sign,
    tg_callback,
    tg_message,
)
from tests.fakes.line_api import PUSH, REPLY

TWO_MB = 2 * 1024 * 1024


async def rejected(desk: Desk, response: ClientResponse, status: int) -> dict[str, Any]:
    """The response is a short JSON error with ``status``, and no platform was called."""
    body = await response.text()
    assert response.status == status, body
    assert "Traceback" not in body
    assert response.content_type == "application/json"
    data: dict[str, Any] = json.loads(body)
    assert set(data) == {"error"}
    assert data["error"]
    await desk.settle()
    assert desk.line.calls == []
    assert desk.telegram.calls == []
    return data


# ---- LINE ------------------------------------------------------------------------------


async def test_line_unsigned_is_401(desk: Desk) -> None:
    response = await desk.post_line(line_body(line_text("hello")), signature=None)
    await rejected(desk, response, 401)


@pytest.mark.parametrize(
    "signature",
    [
        base64.b64encode(os.urandom(32)).decode(),
        "not base64 at all!",
        "",
        "x" * 4_000,  # aiohttp itself refuses header lines over 8190 bytes
    ],
    ids=["random", "garbage", "empty", "huge"],
)
async def test_line_wrong_signature_is_401(desk: Desk, signature: str) -> None:
    response = await desk.post_line(line_body(line_text("hello")), signature=signature)
    await rejected(desk, response, 401)


async def test_line_signed_with_another_secret_is_401(desk: Desk) -> None:
    response = await desk.post_line(
        line_body(line_text("hello")), secret="0123456789abcdef0123456789abcdef"
    )
    await rejected(desk, response, 401)


async def test_line_signature_over_other_bytes_is_401(desk: Desk) -> None:
    """A valid signature for one body does not authorise a re-serialised or altered body."""
    original = dumps(line_body(line_text("hello")))
    altered = original.replace(b"hello", b"HELLO")
    response = await desk.post_line(altered, signature=sign(original, LINE_SECRET))
    await rejected(desk, response, 401)


@pytest.mark.parametrize(
    "body",
    [
        b'{"destination": "U1", "events": [',
        b"",
        b"null",
        b"[]",
        b'"events"',
        b'{"destination": "U1"}',
        b'{"destination": "U1", "events": "nope"}',
        b'{"destination": "U1", "events": [1, 2]}',
        b'{"destination": "U1", "events": [{}]}',
        b'{"destination": "U1", "events": [{"type": "message"}]}',
        dumps(line_body({**line_text("hi"), "source": "user"})),
        dumps(line_body({k: v for k, v in line_text("hi").items() if k != "webhookEventId"})),
    ],
    ids=[
        "truncated",
        "empty",
        "null",
        "list",
        "string",
        "no-events",
        "events-string",
        "events-ints",
        "event-empty",
        "event-missing-fields",
        "source-string",
        "no-webhook-event-id",
    ],
)
async def test_line_signed_but_malformed_is_400(desk: Desk, body: bytes) -> None:
    response = await desk.post_line(body)
    await rejected(desk, response, 400)


async def test_line_signed_invalid_utf8_is_400(desk: Desk) -> None:
    body = b'{"destination": "U1", "events": [], "x": "\xff\xfe\xc3("}'
    response = await desk.post_line(body)
    await rejected(desk, response, 400)


@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_line_two_megabyte_body_is_413(desk: Desk, signed: bool) -> None:
    event = line_text("a" * 100)
    body = dumps(line_body(event))[:-2] + b', "pad": "' + b"x" * TWO_MB + b'"}'
    response = await desk.post_line(body, signature="sign" if signed else None)
    await rejected(desk, response, 413)


async def test_line_emoji_only_text_gets_a_sane_reply(desk: Desk) -> None:
    assert (await desk.post_line(line_body(line_text("😀🙏🎉🇹🇼")))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    [message] = call.body["messages"]
    assert message["text"].strip()
    data = [item["action"]["data"] for item in message["quickReply"]["items"]]
    assert "staff" in data


async def test_line_ten_thousand_character_text_gets_a_sane_reply(desk: Desk) -> None:
    text = ("Where can I renew my residence permit in Hualien? " * 200)[:10_000]
    assert (await desk.post_line(line_body(line_text(text)))).status == 200
    [call] = await desk.line.wait_for(REPLY)
    messages = call.body["messages"]
    assert 1 <= len(messages) <= 5
    assert messages[0]["text"].startswith("Your message is very long")
    assert all(len(m.get("text", "")) <= 5000 for m in messages)


async def test_line_control_characters_and_lone_surrogates_do_not_crash(desk: Desk) -> None:
    body = line_body(
        line_text("\x00\x07\u202e\ufeff縣府\\ud800電話"),
        line_postback("entry:" + "x" * 280),
        line_postback("lang:klingon"),
    )
    raw = json.dumps(body).replace("\\\\ud800", "\\ud800").encode()
    assert (await desk.post_line(raw)).status == 200
    await desk.line.wait_for(REPLY, count=3)
    await desk.settle()
    assert desk.line.calls_to(PUSH) == []


# ---- Telegram --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret", [None, "", "wrong-secret", "hook-secret_Tw9xQ4mZ7pL2vB8", "ü" * 30]
)
async def test_telegram_wrong_or_missing_secret_is_401(desk: Desk, secret: str | None) -> None:
    response = await desk.post_telegram(tg_message("hello"), secret=secret)
    await rejected(desk, response, 401)


async def test_telegram_wrong_secret_with_huge_body_is_401_not_413(desk: Desk) -> None:
    """The secret is checked before the body is read."""
    response = await desk.post_telegram(b"x" * TWO_MB, secret="wrong")
    await rejected(desk, response, 401)


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 1, "message": {',
        b"",
        b"\xff\xfe",
        b"[]",
        b"42",
        b'{"message": {"text": "hi"}}',
        b'{"update_id": "1"}',
        b'{"update_id": 1, "message": "hi"}',
        b'{"update_id": 1, "message": {}}',
        b'{"update_id": 1, "message": {"message_id": 1, "date": 1, "chat": "x"}}',
        b'{"update_id": 1, "callback_query": {"id": "1"}}',
        b'{"update_id": 1, "message": {"message_id": 1, "date": 1,'
        b' "chat": {"id": 1, "type": "private"}, "entities": [1]}}',
    ],
    ids=[
        "truncated",
        "empty",
        "not-utf8",
        "list",
        "number",
        "no-update-id",
        "string-update-id",
        "message-string",
        "message-empty",
        "chat-string",
        "callback-incomplete",
        "entities-ints",
    ],
)
async def test_telegram_malformed_update_is_400(desk: Desk, body: bytes) -> None:
    response = await desk.post_telegram(body)
    await rejected(desk, response, 400)


async def test_telegram_two_megabyte_body_is_413(desk: Desk) -> None:
    response = await desk.post_telegram(b'{"update_id": 1, "pad": "' + b"x" * TWO_MB + b'"}')
    await rejected(desk, response, 413)


async def test_telegram_emoji_only_and_long_text_get_sane_replies(desk: Desk) -> None:
    assert (await desk.post_telegram(tg_message("🙏🙏🙏"))).status == 200
    assert (await desk.post_telegram(tg_message("sister cities? " * 300))).status == 200
    calls = await desk.telegram.wait_for("sendMessage", count=2)
    await desk.settle()
    assert all(c.params["text"].strip() for c in calls)
    assert any(c.params["text"].startswith("Your message is very long") for c in calls)


# ---- Web chat --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"session": "abcdefgh", "text": ',
        b"",
        b"\xff",
        b"[]",
        b'"hi"',
        b'{"text": "hello"}',
        b'{"session": "abcdefgh", "text": "hello", "choice": "staff"}',
        b'{"session": "abcdefgh"}',
        b'{"session": "short", "text": "hello"}',
        b'{"session": "../../etc/passwd", "text": "hello"}',
        b'{"session": "abcdefgh", "text": 42}',
        b'{"session": "abcdefgh", "text": "hi", "admin": true}',
        dumps({"session": "abcdefgh", "text": "x" * 10_001}),
    ],
    ids=[
        "truncated",
        "empty",
        "not-utf8",
        "list",
        "string",
        "missing-session",
        "text-and-choice",
        "neither",
        "short-session",
        "bad-session",
        "text-number",
        "extra-field",
        "too-long",
    ],
)
async def test_chat_bad_request_is_400(desk: Desk, body: bytes) -> None:
    response = await desk.chat(body)
    await rejected(desk, response, 400)


async def test_chat_two_megabyte_body_is_413(desk: Desk) -> None:
    response = await desk.chat(dumps({"session": "abcdefgh", "text": "x" * TWO_MB}))
    await rejected(desk, response, 413)


async def test_chat_emoji_only_and_ten_thousand_characters(desk: Desk) -> None:
    for text in ("🌊🏔️🍜", "台" * 10_000, ""):
        response = await desk.chat({"session": "abcdefgh", "text": text})
        body = await response.text()
        assert response.status == 200, body
        data = json.loads(body)
        assert data["replies"]
        assert all(r["text"].strip() for r in data["replies"])


async def test_lone_surrogates_and_nul_on_every_channel(desk: Desk) -> None:
    """Valid JSON can carry what no database stores ("\\ud800", "\\u0000"): still answered."""
    response = await desk.chat(b'{"session": "abcdefgh", "text": "sister cities \\u0000"}')
    assert response.status == 200, await response.text()
    # The web chat's validation refuses a lone surrogate outright: a clean 400, not a 500.
    response = await desk.chat(b'{"session": "abcdefgh", "text": "\\ud800 sister cities"}')
    assert response.status == 400
    update = dumps(tg_message("sister cities \u0000")).replace(b"Mika", b"\\udc00Mika")
    update = update.replace(b"\\u0000", b"\\u0000\\ud83d")
    assert (await desk.post_telegram(update)).status == 200
    await desk.telegram.wait_for("sendMessage")
    await desk.settle()


# ---- Routing, unconfigured channels, errors --------------------------------------------


async def test_unconfigured_channels_answer_404_json(
    make_desk: DeskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.app")
    desk = await make_desk(line=False, telegram=False)
    assert "LINE off" in caplog.text
    assert "Telegram off" in caplog.text
    line = await desk.post_line(line_body(line_text("hello")))
    assert "LINE" in (await rejected(desk, line, 404))["error"]
    telegram = await desk.post_telegram(tg_message("hello"))
    assert "Telegram" in (await rejected(desk, telegram, 404))["error"]
    # The web chat still works.
    response = await desk.chat({"session": "abcdefgh", "text": "hello"})
    assert response.status == 200


async def test_unknown_route_and_wrong_method_are_json(desk: Desk) -> None:
    await rejected(desk, await desk.client.get("/nope"), 404)
    await rejected(desk, await desk.client.get("/webhooks/line"), 405)
    await rejected(desk, await desk.client.put("/api/chat", data=b"{}"), 405)


async def test_platform_outage_is_logged_and_the_next_request_works(desk: Desk) -> None:
    desk.line.fail_next(2, 500)
    desk.telegram.fail_next(1, 502, description="Bad Gateway")
    assert (await desk.post_line(line_body(line_text("sister cities")))).status == 200
    assert (await desk.post_telegram(tg_message("sister cities"))).status == 200
    await desk.settle()
    assert (await desk.post_telegram(tg_message("sister cities"))).status == 200
    await desk.telegram.wait_for("sendMessage", count=2)


# ---- Secrets never reach the logs ------------------------------------------------------


async def test_logs_never_contain_secrets(
    make_desk: DeskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    desk = await make_desk()
    # Good traffic on every channel …
    await desk.post_line(line_body(line_text("county government phone number")))
    await desk.post_line(line_body(line_postback("entry:exchange.sister-cities")))
    await desk.post_telegram(tg_message("festival"))
    await desk.post_telegram(tg_callback("entry:exchange.sister-cities"))
    await desk.chat({"session": "abcdefgh", "text": "hello"})
    # … platform failures (errors are logged with their tracebacks) …
    desk.line.fail_next(1, 400, path=REPLY)
    desk.line.fail_next(1, 500, path=PUSH)
    await desk.post_line(line_body(line_text("sister cities")))
    desk.telegram.fail_next(1, 400, method="answerCallbackQuery")
    desk.telegram.fail_next(1, 500, method="sendMessage")
    await desk.post_telegram(tg_callback("staff"))
    await desk.settle()
    # … and rejected requests.
    await desk.post_line(line_body(line_text("hi")), signature=None)
    await desk.post_line(line_body(line_text("hi")), secret="another-secret")
    await desk.post_line(b"{broken")
    await desk.post_telegram(tg_message("hi"), secret="wrong")
    await desk.post_telegram(b"{broken")
    await desk.settle()
    await desk.client.close()  # start-up and shut-down logging too

    assert desk.line.calls
    assert desk.telegram.calls
    assert caplog.records
    logged = caplog.text + "\n".join(
        f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records
    )
    for secret in SECRETS:
        assert secret not in logged
    # The token's bot id is public, but its secret half must not appear either.
    for secret in SECRETS:
        for piece in (secret[len(secret) // 2 :],):
            assert piece not in logged
