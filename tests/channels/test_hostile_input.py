"""Input that used to crash a route (a 500 with a logged traceback) or poison the inbox: each
case answers a 4xx now, nothing is stored or sent, and the server stays healthy.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import zlib

import pytest

from bot.app import STORE
from tests.channels.conftest import TELEGRAM_SECRET, Desk, DeskFactory
from tests.channels.payloads import dumps, tg_callback, tg_message
from tests.channels.test_bad_input import rejected
from tests.staff.staff_group import STAFF_CHAT, staff_callback, staff_message, start_staff_desk

DEEP = 100_000
SESSION = "hostile-session-01"


def _no_errors_logged(caplog: pytest.LogCaptureFixture) -> None:
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


async def _raw(desk: Desk, request: bytes) -> bytes:
    """Bytes on the wire (a client library would refuse to send such headers)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", desk.client.port)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    await writer.wait_closed()
    return answer


# ---- web chat ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 5000,
        b"1" * 5000,
        b'{"session": "' + SESSION.encode() + b'", "text": ' + b"9" * 5000 + b"}",
        b'{"session": "' + SESSION.encode() + b'", "text": ' + b"[" * DEEP + b"]" * DEEP + b"}",
    ],
    ids=["5000-brackets", "5000-digits", "5000-digit-text", "deep-text"],
)
async def test_chat_json_the_parser_chokes_on_is_400(
    desk: Desk, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    await rejected(desk, await desk.chat(body), 400)
    _no_errors_logged(caplog)
    assert (await desk.client.get("/healthz")).status == 200


@pytest.mark.parametrize("session", ["abcdefgh\n", "abcdefgh\r\n", "\nabcdefgh"])
async def test_chat_session_with_a_newline_is_refused(desk: Desk, session: str) -> None:
    await rejected(desk, await desk.chat({"session": session, "text": "hello"}), 400)


# ---- LINE and Telegram, signed -------------------------------------------------------------


async def test_line_signed_body_nested_100k_deep_is_400(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    for body in (
        b"[" * DEEP + b"]" * DEEP,
        b'{"destination": "U1", "events": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        b'{"destination": "U1", "events": [' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"]}",
    ):
        await rejected(desk, await desk.post_line(body), 400)
    _no_errors_logged(caplog)


async def test_telegram_body_nested_100k_deep_is_400(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    for body in (
        b"[" * DEEP + b"]" * DEEP,
        b'{"update_id": 5, "message": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        b'{"update_id": 5, "message": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
    ):
        await rejected(desk, await desk.post_telegram(body), 400)
    _no_errors_logged(caplog)


async def test_telegram_secret_header_that_is_not_utf8_is_401(
    desk: Desk, caplog: pytest.LogCaptureFixture
) -> None:
    body = dumps(tg_message("hello"))
    answer = await _raw(
        desk,
        b"POST /webhooks/telegram HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: \xff\xfe" + TELEGRAM_SECRET.encode() + b"\r\n"
        b"Content-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body,
    )
    assert answer.startswith(b"HTTP/1.1 401"), answer[:300]
    _no_errors_logged(caplog)
    assert desk.telegram.calls == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", 123),
        ("text", ["sister cities"]),
        ("text", {"text": "sister cities"}),
        ("text", True),
        ("caption", 5),
    ],
)
async def test_telegram_update_with_a_text_that_is_not_a_string_is_400(
    desk: Desk, field: str, value: object, caplog: pytest.LogCaptureFixture
) -> None:
    update = tg_message("hello")
    update["message"][field] = value
    await rejected(desk, await desk.post_telegram(update), 400)
    assert await desk.app[STORE].backlog() == {"inbox": 0, "outbox": 0}
    _no_errors_logged(caplog)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("first_name", 7),
        ("last_name", ["x"]),
        ("username", {"u": 1}),
    ],
)
async def test_telegram_update_with_a_name_that_is_not_a_string_is_400(
    desk: Desk, where: str, value: object, caplog: pytest.LogCaptureFixture
) -> None:
    update = tg_message("hello")
    update["message"]["from"][where] = value
    await rejected(desk, await desk.post_telegram(update), 400)
    callback = tg_callback("help")
    callback["callback_query"]["from"][where] = value
    await rejected(desk, await desk.post_telegram(callback), 400)
    _no_errors_logged(caplog)


async def test_telegram_callback_data_that_is_not_a_string_is_400(desk: Desk) -> None:
    callback = tg_callback("help")
    callback["callback_query"]["data"] = 12
    await rejected(desk, await desk.post_telegram(callback), 400)


# ---- web chat staff answers --------------------------------------------------------------


@pytest.mark.parametrize("after", [str(2**63), str(2**31), str(10**30), "-1"])
async def test_chat_updates_after_out_of_range_is_400(
    desk: Desk, after: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await desk.chat({"session": SESSION, "text": "hello"})).status == 200
    response = await desk.client.get(
        "/api/chat/updates", params={"after": after}, headers={"X-Chat-Session": SESSION}
    )
    assert response.status == 400, await response.text()
    _no_errors_logged(caplog)


# ---- the staff group ---------------------------------------------------------------------


@pytest.mark.parametrize("data", ["claim:" + "9" * 20, "close:" + "9" * 20, "claim:-1", "close:"])
async def test_staff_button_with_a_huge_or_odd_number(
    make_desk: DeskFactory, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    desk = await start_staff_desk(make_desk)
    assert (await desk.post_telegram(staff_callback(data, card_id=5))).status == 200
    [answer] = await desk.telegram.wait_for("answerCallbackQuery")
    assert answer.params["text"] in ("No such request", "Unknown action")
    await desk.settle()
    _no_errors_logged(caplog)


async def test_staff_reply_to_a_headline_with_a_huge_number(
    make_desk: DeskFactory, caplog: pytest.LogCaptureFixture
) -> None:
    desk = await start_staff_desk(make_desk)
    reply = staff_message("hello", reply_to=77, reply_to_text="Request #" + "9" * 30)
    assert (await desk.post_telegram(reply)).status == 200
    await desk.settle()
    _no_errors_logged(caplog)
    assert [c for c in desk.telegram.calls if c.params.get("chat_id") != str(STAFF_CHAT)] == []


# ---- compressed bodies ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd", "x-gzip, gzip"])
@pytest.mark.parametrize("path", ["/webhooks/line", "/webhooks/telegram", "/api/chat"])
async def test_a_compressed_body_is_refused_unread(
    desk: Desk, path: str, encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody who may post here compresses a body: whatever it holds (here: not even valid
    compressed data, which made the server answer 500), it is refused with a 415."""
    response = await desk.client.post(
        path,
        data=b"\x00\x00 not compressed at all",
        headers={
            "Content-Encoding": encoding,
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
            "X-Line-Signature": "c2lnbmF0dXJl",
        },
    )
    await rejected(desk, response, 415)
    _no_errors_logged(caplog)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize(
    "path", ["/webhooks/line", "/webhooks/telegram", "/api/chat", "/staff/login"]
)
async def test_a_decompression_bomb_is_never_inflated(
    desk: Desk, path: str, encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    """64 MB of zeros in 64 KB: refused before a byte of it is inflated."""
    plain = b'{"pad": "' + b"0" * (64 * 1024 * 1024) + b'"}'
    bomb = gzip.compress(plain, 9) if encoding == "gzip" else zlib.compress(plain, 9)
    assert len(bomb) < 200 * 1024
    response = await desk.client.post(
        path,
        data=bomb,
        headers={
            "Content-Encoding": encoding,
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        },
    )
    assert response.status in (403, 415), await response.text()
    assert (await desk.client.get("/healthz")).status == 200
    _no_errors_logged(caplog)
