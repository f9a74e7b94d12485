"""Each LINE visitor sees the rich menu of the language the desk talks to them in.

``python -m bot setup`` publishes everyone's default menu (Chinese and English) and a Japanese
and a Korean one under rich menu aliases (bot/rich_menu.py). When the desk answers a visitor in
Japanese or Korean, that menu is linked to them (LINE shows a user's own menu instead of the
default); when it answers them in another language again, the link is removed and they see the
default. LINE is asked only when a visitor's menu changes: the menu each visitor was last given
is remembered in this process (a bounded map; after a restart, a Japanese or Korean visitor's
menu is linked once more, which LINE takes as a no-op).

It is a convenience, never in the way of an answer: a failed call is logged and tried again
with the visitor's next answer; without the aliases (setup not run since) nothing is linked.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

from linebot.v3.messaging import ApiException, AsyncMessagingApi

from bot.rich_menu import DEFAULT_MENU, Menu, menu_for
from bot.text import Lang

logger = logging.getLogger(__name__)

#: Visitors whose menu is remembered; the least recently answered are forgotten first.
MAX_REMEMBERED = 50_000
#: How long an alias's menu id is believed before LINE is asked again (setup may replace it).
ALIAS_SECONDS = 600.0
REQUEST_TIMEOUT = 10.0


def is_user_id(user_id: str) -> bool:
    """A LINE user (U…), not a group (C…) or room (R…): only users have menus of their own."""
    return len(user_id) == 33 and user_id.startswith("U")


class MenuLinks:
    def __init__(self, api: AsyncMessagingApi) -> None:
        self._api = api
        self._given: OrderedDict[str, str] = OrderedDict()
        self._aliases: dict[str, tuple[str | None, float]] = {}

    def _remember(self, user_id: str, key: str) -> None:
        self._given[user_id] = key
        self._given.move_to_end(user_id)
        while len(self._given) > MAX_REMEMBERED:
            self._given.popitem(last=False)

    async def follow(self, user_id: str, lang: Lang) -> None:
        """Give ``user_id`` the menu of ``lang`` if it is not the one they were last given."""
        if not is_user_id(user_id):
            return
        menu = menu_for(lang)
        given = self._given.get(user_id)
        # Nobody is linked before the desk answers them in Japanese or Korean.
        if given == menu.key or (given is None and menu is DEFAULT_MENU):
            self._remember(user_id, menu.key)
            return
        if menu.alias is None:
            await self._api.unlink_rich_menu_id_from_user(user_id, _request_timeout=REQUEST_TIMEOUT)
        else:
            menu_id = await self._menu_id(menu)
            if menu_id is None:
                return
            try:
                await self._api.link_rich_menu_id_to_user(
                    user_id, menu_id, _request_timeout=REQUEST_TIMEOUT
                )
            except ApiException as exc:
                if exc.status in (400, 404):  # the menu was replaced since: ask for the alias
                    self._aliases.pop(menu.key, None)
                raise
        self._remember(user_id, menu.key)
        logger.info("LINE rich menu %s linked to a visitor", menu.key)

    async def _menu_id(self, menu: Menu) -> str | None:
        assert menu.alias is not None
        known = self._aliases.get(menu.key)
        if known is not None and time.monotonic() - known[1] < ALIAS_SECONDS:
            return known[0]
        try:
            alias = await self._api.get_rich_menu_alias(
                menu.alias, _request_timeout=REQUEST_TIMEOUT
            )
            menu_id: str | None = alias.rich_menu_id
        except ApiException as exc:
            if exc.status != 404:
                raise
            logger.warning(
                "LINE rich menu alias %s does not exist: run python -m bot setup", menu.alias
            )
            menu_id = None
        self._aliases[menu.key] = (menu_id, time.monotonic())
        return menu_id
