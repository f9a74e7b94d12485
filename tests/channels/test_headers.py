"""Response hardening: the chat page's Content-Security-Policy and framing, HSTS behind TLS,
a Server header that names no version, and /api/chat taking JSON only."""

from __future__ import annotations

import asyncio
import re

import pytest
import yaml

from bot.app import STORE
from tests.channels.conftest import Desk, DeskFactory
from tests.channels.payloads import line_body, line_text
from tests.conftest import ROOT

SESSION = "headers-session-1"


async def test_chat_page_has_a_nonce_csp_and_cannot_be_framed(desk: Desk) -> None:
    response = await desk.client.get("/")
    assert response.status == 200
    page = await response.text()
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([A-Za-z0-9_-]{16,})'", policy)
    assert nonce is not None, policy
    assert f'<script nonce="{nonce[1]}">' in page
    assert f'<style nonce="{nonce[1]}">' in page
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == f"'nonce-{nonce[1]}'"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # A fresh nonce on every load.
    again = await desk.client.get("/")
    assert again.headers["Content-Security-Policy"] != policy


async def _raw(desk: Desk, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", desk.client.port)
    writer.write(request)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(65536), 10)
    writer.close()
    await writer.wait_closed()
    return answer


def _server(head: bytes) -> str:
    found = re.search(rb"\r\nServer: ([^\r\n]*)", head)
    assert found is not None, head[:300]
    return found[1].decode()


async def test_no_version_in_the_server_header(desk: Desk) -> None:
    responses = [
        await desk.client.get("/"),
        await desk.client.get("/healthz"),
        await desk.client.get("/no-such-page"),
        await desk.client.get("/staff/login"),
        await desk.client.get("/staff"),
        await desk.client.post("/webhooks/line", data=b"{}"),
        await desk.chat(b"not json"),
    ]
    servers = {r.headers.get("Server", "") for r in responses}
    # Bytes no client library would send: aiohttp's parser answers these itself.
    for request in (
        b"GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
        b"BREW /pot HTTP/9.9\r\n\r\n",
    ):
        servers.add(_server(await _raw(desk, request)))
    for server in servers:
        assert not re.search(r"\d|aiohttp|python", server, re.IGNORECASE), server


@pytest.mark.parametrize("secure", [True, False])
async def test_hsts_when_the_cookie_is_secure(make_desk: DeskFactory, secure: bool) -> None:
    desk = await make_desk(staff_cookie_secure=secure)
    for path in ("/", "/healthz", "/staff/login", "/no-such-page"):
        response = await desk.client.get(path)
        hsts = response.headers.get("Strict-Transport-Security")
        if secure:
            assert hsts is not None, path
            assert int(re.search(r"max-age=(\d+)", hsts)[1]) >= 180 * 86400  # type: ignore[index]
        else:
            # Plain http during development: HSTS there would lock a browser out of it.
            assert hsts is None, path
    line = await desk.post_line(line_body(line_text("hello")))
    assert line.status == 200


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None],
)
async def test_chat_takes_json_only(desk: Desk, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    body = b'{"session": "' + SESSION.encode() + b'", "text": "hello"}'
    response = await desk.client.post("/api/chat", data=body, headers=headers)
    # (Without a Content-Type of ours, aiohttp's client labels bytes application/octet-stream.)
    assert response.status == 415, content_type
    assert "application/json" in (await response.json())["error"]
    assert await desk.app[STORE].find_visitor("web", SESSION) is None
    ok = await desk.client.post(
        "/api/chat", data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert ok.status == 200


def test_compose_serves_the_console_cookie_over_https_only() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    environment = compose["x-bot"]["environment"]
    assert str(environment["STAFF_COOKIE_SECURE"]).startswith("${STAFF_COOKIE_SECURE:-true}")
