"""A fake LINE Messaging API: records every request and answers like api.line.me.

The real ``linebot.v3`` async client talks to it (``Configuration(host=fake.url)``), so tests
assert the exact JSON LINE would receive. Like LINE, it has a second host for binary content,
``data_url`` (api-data.line.me): rich menu images are uploaded there and nowhere else. It keeps
the state ``python -m bot setup`` changes: the webhook endpoint, rich menus, the default one.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

PROFILE = "/v2/bot/profile/"
REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"
WEBHOOK_ENDPOINT = "/v2/bot/channel/webhook/endpoint"
WEBHOOK_TEST = "/v2/bot/channel/webhook/test"
RICH_MENU = "/v2/bot/richmenu"
RICH_MENU_LIST = "/v2/bot/richmenu/list"
DEFAULT_RICH_MENU = "/v2/bot/user/all/richmenu"
_MENU_CONTENT = re.compile(r"/v2/bot/richmenu/(richmenu-[0-9a-f]+)/content")
_MENU = re.compile(r"/v2/bot/richmenu/(richmenu-[0-9a-f]+)")
_SET_DEFAULT = re.compile(r"/v2/bot/user/all/richmenu/(richmenu-[0-9a-f]+)")
RICH_MENU_ALIAS = "/v2/bot/richmenu/alias"
RICH_MENU_ALIAS_LIST = "/v2/bot/richmenu/alias/list"
_ALIAS = re.compile(r"/v2/bot/richmenu/alias/([A-Za-z0-9_-]{1,32})")
_LINK = re.compile(r"/v2/bot/user/(U[0-9a-f]{32})/richmenu/(richmenu-[0-9a-f]+)")
_UNLINK = re.compile(r"/v2/bot/user/(U[0-9a-f]{32})/richmenu")


@dataclass(frozen=True)
class LineCall:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    #: "api" (api.line.me) or "data" (api-data.line.me).
    host: str = "api"


@dataclass
class _Failure:
    remaining: int
    status: int
    path: str | None
    message: str
    host: str | None = None


@dataclass
class FakeLineApi:
    """Start with :meth:`start`; ``url`` is then the value for ``LINE_API_BASE_URL``."""

    access_token: str
    calls: list[LineCall] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _server: TestServer | None = None
    _data_server: TestServer | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100000001))
    _menu_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(0xA11CE))

    # -- state that the channel's settings calls change (python -m bot setup) --------------
    webhook_endpoint: str | None = None
    #: "Use webhook" in the LINE console: only a person can switch it, the API only reads it.
    webhook_active: bool = True
    #: What LINE reports after sending its test event to the endpoint.
    webhook_test_result: dict[str, Any] = field(
        default_factory=lambda: {
            "success": True,
            "timestamp": "2026-11-26T02:00:00.000Z",
            "statusCode": 200,
            "reason": "OK",
            "detail": "200",
        }
    )
    #: Rich menus by id, as created (the request's JSON plus "richMenuId").
    rich_menus: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Uploaded images by rich menu id: (content type, bytes).
    rich_menu_images: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    default_rich_menu: str | None = None
    #: Rich menu aliases: alias id → rich menu id.
    rich_menu_aliases: dict[str, str] = field(default_factory=dict)
    #: The menu linked to each user (shown to them instead of the default).
    user_rich_menus: dict[str, str] = field(default_factory=dict)
    #: The language each user's profile gives (GET /v2/bot/profile/{userId}); a user not
    #: listed has a profile without one, as LINE gives for users who have not consented.
    profile_languages: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeLineApi.start() was not awaited"
        return str(self._server.make_url("")).rstrip("/")

    @property
    def data_url(self) -> str:
        """The value for ``LINE_API_DATA_BASE_URL``."""
        assert self._data_server is not None, "FakeLineApi.start() was not awaited"
        return str(self._data_server.make_url("")).rstrip("/")

    async def start(self) -> None:
        self._server = await self._serve(self._handle)
        self._data_server = await self._serve(self._handle_data)

    @staticmethod
    async def _serve(handler: Any) -> TestServer:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", handler)
        # No access log: the fake's request lines (which carry the bot token) are not the
        # server's logs, which tests check for secrets.
        server = TestServer(app, host="127.0.0.1", port=0)
        await server.start_server(access_log=None)
        return server

    async def close(self) -> None:
        for server in (self._server, self._data_server):
            if server is not None:
                await server.close()
        self._server = self._data_server = None

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        path: str | None = None,
        message: str = "The request failed",
        host: str | None = None,
    ) -> None:
        """Answer the next ``count`` calls (to ``path``, or any; on ``host`` "api" or "data",
        or either) with ``status``."""
        self._failures.append(_Failure(count, status, path, message, host))

    def calls_to(self, path: str) -> list[LineCall]:
        return [call for call in self.calls if call.path == path]

    @property
    def sent(self) -> list[LineCall]:
        """Reply and push calls: what reached (or tried to reach) a visitor."""
        return [call for call in self.calls if call.path in (REPLY, PUSH)]

    async def wait_for(self, path: str, count: int = 1, seconds: float = 5.0) -> list[LineCall]:
        """Poll until ``count`` calls to ``path`` were recorded (at most ``seconds``)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while len(self.calls_to(path)) < count:
            if loop.time() > deadline:
                raise AssertionError(
                    f"fake LINE API: expected {count} call(s) to {path} within {seconds}s, "
                    f"got {[c.path for c in self.calls]}"
                )
            await asyncio.sleep(0.01)
        return self.calls_to(path)

    def _failure_for(self, path: str, host: str = "api") -> _Failure | None:
        for failure in self._failures:
            if (
                failure.remaining > 0
                and failure.path in (None, path)
                and failure.host in (None, host)
            ):
                failure.remaining -= 1
                return failure
        return None

    def calls_on(self, host: str) -> list[LineCall]:
        return [call for call in self.calls if call.host == host]

    async def _handle_data(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.calls.append(
            LineCall(request.method, request.path, dict(request.headers), raw, host="data")
        )
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.json_response({"message": "Authentication failed"}, status=401)
        failure = self._failure_for(request.path, "data")
        if failure is not None:
            return web.json_response({"message": failure.message}, status=failure.status)
        found = _MENU_CONTENT.fullmatch(request.path)
        if request.method != "POST" or found is None or found[1] not in self.rich_menus:
            return web.json_response({"message": "Not found"}, status=404)
        content_type = request.headers.get("Content-Type", "")
        if content_type not in ("image/png", "image/jpeg"):
            return web.json_response({"message": "unsupported content type"}, status=415)
        if found[1] in self.rich_menu_images:
            return web.json_response({"message": "An image has already been uploaded"}, status=400)
        if len(raw) > 1024 * 1024:
            return web.json_response({"message": "image too large"}, status=413)
        self.rich_menu_images[found[1]] = (content_type, raw)
        return web.json_response({})

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.calls.append(LineCall(request.method, request.path, dict(request.headers), body))
        if request.headers.get("Authorization") != f"Bearer {self.access_token}":
            return web.json_response({"message": "Authentication failed"}, status=401)
        failure = self._failure_for(request.path)
        if failure is not None:
            return web.json_response({"message": failure.message}, status=failure.status)
        settings = self._channel_settings(request.method, request.path, body)
        if settings is not None:
            return settings
        if request.method == "POST" and request.path in (REPLY, PUSH):
            if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                return web.json_response({"message": "The request body has 1 error(s)"}, status=400)
            sent = [
                {"id": str(next(self._ids)), "quoteToken": f"quote-{n}"}
                for n, _ in enumerate(body["messages"])
            ]
            return web.json_response({"sentMessages": sent})
        if request.method == "POST" and request.path == "/v2/bot/chat/loading/start":
            return web.json_response({}, status=202)
        if request.method == "GET" and request.path.startswith(PROFILE):
            user_id = request.path.removeprefix(PROFILE)
            profile = {"displayName": "LINE user", "userId": user_id}
            if user_id in self.profile_languages:
                profile["language"] = self.profile_languages[user_id]
            return web.json_response(profile)
        return web.json_response({"message": "Not found"}, status=404)

    def _channel_settings(self, method: str, path: str, body: Any) -> web.Response | None:
        """The webhook endpoint and rich menu calls; None for any other path."""
        not_found = web.json_response({"message": "Not found"}, status=404)
        if path == WEBHOOK_ENDPOINT and method == "PUT":
            endpoint = body.get("endpoint") if isinstance(body, dict) else None
            if not isinstance(endpoint, str) or not endpoint.startswith("https://"):
                return web.json_response({"message": "Invalid webhook endpoint URL"}, status=400)
            self.webhook_endpoint = endpoint
            return web.json_response({})
        if path == WEBHOOK_ENDPOINT and method == "GET":
            if self.webhook_endpoint is None:
                return not_found
            return web.json_response(
                {"endpoint": self.webhook_endpoint, "active": self.webhook_active}
            )
        if path == WEBHOOK_TEST and method == "POST":
            return web.json_response(self.webhook_test_result)
        if path == RICH_MENU and method == "POST":
            menu_id = f"richmenu-{next(self._menu_ids):032x}"
            self.rich_menus[menu_id] = {"richMenuId": menu_id, **body}
            return web.json_response({"richMenuId": menu_id})
        if path == RICH_MENU_LIST and method == "GET":
            return web.json_response({"richmenus": list(self.rich_menus.values())})
        if path == DEFAULT_RICH_MENU and method == "GET":
            if self.default_rich_menu is None:
                return web.json_response({"message": "no default rich menu"}, status=404)
            return web.json_response({"richMenuId": self.default_rich_menu})
        if (found := _SET_DEFAULT.fullmatch(path)) and method == "POST":
            if found[1] not in self.rich_menus:
                return not_found
            if found[1] not in self.rich_menu_images:
                return web.json_response(
                    {"message": "must upload richmenu image before applying it to user"},
                    status=400,
                )
            self.default_rich_menu = found[1]
            return web.json_response({})
        if path.startswith(RICH_MENU_ALIAS) or path.startswith("/v2/bot/user/U"):
            return self._aliases_and_links(method, path, body)
        if (found := _MENU.fullmatch(path)) and method == "DELETE":
            if self.rich_menus.pop(found[1], None) is None:
                return not_found
            self.rich_menu_images.pop(found[1], None)
            if self.default_rich_menu == found[1]:
                self.default_rich_menu = None
            return web.json_response({})
        return None

    def _usable(self, menu_id: Any) -> web.Response | None:
        """LINE's answer when ``menu_id`` cannot be shown (none such, or no image yet)."""
        if menu_id not in self.rich_menus:
            return web.json_response({"message": "richmenu not found"}, status=400)
        if menu_id not in self.rich_menu_images:
            return web.json_response(
                {"message": "must upload richmenu image before applying it to user"}, status=400
            )
        return None

    def _aliases_and_links(self, method: str, path: str, body: Any) -> web.Response:
        not_found = web.json_response({"message": "Not found"}, status=404)
        fields = body if isinstance(body, dict) else {}
        if path == RICH_MENU_ALIAS_LIST and method == "GET":
            aliases = [
                {"richMenuAliasId": alias, "richMenuId": menu}
                for alias, menu in self.rich_menu_aliases.items()
            ]
            return web.json_response({"aliases": aliases})
        if path == RICH_MENU_ALIAS and method == "POST":
            alias = fields.get("richMenuAliasId")
            if alias in self.rich_menu_aliases:
                return web.json_response({"message": "conflict richmenu alias id"}, status=400)
            problem = self._usable(fields.get("richMenuId"))
            if problem is not None:
                return problem
            self.rich_menu_aliases[str(alias)] = str(fields["richMenuId"])
            return web.json_response({})
        if found := _ALIAS.fullmatch(path):
            alias = found[1]
            if alias not in self.rich_menu_aliases:
                return not_found
            if method == "GET":
                return web.json_response(
                    {"richMenuAliasId": alias, "richMenuId": self.rich_menu_aliases[alias]}
                )
            if method == "POST":
                problem = self._usable(fields.get("richMenuId"))
                if problem is not None:
                    return problem
                self.rich_menu_aliases[alias] = str(fields["richMenuId"])
                return web.json_response({})
            if method == "DELETE":
                del self.rich_menu_aliases[alias]
                return web.json_response({})
        if (found := _LINK.fullmatch(path)) and method == "POST":
            problem = self._usable(found[2])
            if problem is not None:
                return problem
            self.user_rich_menus[found[1]] = found[2]
            return web.json_response({})
        if (found := _UNLINK.fullmatch(path)) and method == "DELETE":
            self.user_rich_menus.pop(found[1], None)
            return web.json_response({})
        return not_found
