"""The web chat: the page at / and POST /api/chat, the same desk as LINE and Telegram."""

from __future__ import annotations

import re
from typing import Any

from bot.kb.loader import KnowledgeBase
from bot.text import Lang
from tests.channels.conftest import Desk
from tests.channels.expected import answer_text, entry_options

SESSION = "web-session-0001"


async def ask(desk: Desk, **payload: Any) -> dict[str, Any]:
    response = await desk.chat({"session": SESSION, **payload})
    assert response.status == 200, await response.text()
    assert response.content_type == "application/json"
    data: dict[str, Any] = await response.json()
    return data


def options(reply: dict[str, Any]) -> list[tuple[str, str]]:
    return [(o["label"], o["choice"]) for o in reply["options"]]


def web_entry_options(kb: KnowledgeBase, entry_id: str, lang: Lang) -> list[tuple[str, str]]:
    """The buttons the page shows under an answer: "Talk to our staff" (an entry) is not
    shown beside "Ask staff" (which opens a request)."""
    return [o for o in entry_options(kb, entry_id, lang) if o[1] != "entry:contact.staff"]


async def test_traditional_chinese_question(desk: Desk, kb: KnowledgeBase) -> None:
    data = await ask(desk, text="縣府總機電話幾號？")
    assert data["decision"] == "answer"
    assert data["entry"] == "contact.county-government"
    assert data["lang"] == "zh-Hant"
    [reply] = data["replies"]
    assert reply["text"] == answer_text(
        kb, "contact.county-government", Lang.ZH_HANT, desk.settings
    )
    assert options(reply) == web_entry_options(kb, "contact.county-government", Lang.ZH_HANT)
    assert reply["contacts"] == [
        {
            "name": "花蓮縣政府",
            "phone": "03-822-7171",
            "tel": "tel:+88638227171",
            "url": "https://www.hl.gov.tw",
            "email": None,
        }
    ]


async def test_simplified_question_gets_simplified_answer(desk: Desk, kb: KnowledgeBase) -> None:
    data = await ask(desk, text="县府总机电话是多少")
    assert data["entry"] == "contact.county-government"
    assert data["lang"] == "zh-Hans"
    [reply] = data["replies"]
    assert reply["text"] == answer_text(
        kb, "contact.county-government", Lang.ZH_HANS, desk.settings
    )
    assert "总机" in reply["text"]
    assert "總機" not in reply["text"]
    assert ("询问承办人员", "staff") in options(reply)


async def test_english_question(desk: Desk, kb: KnowledgeBase) -> None:
    data = await ask(desk, text="county government phone number")
    assert (data["decision"], data["entry"], data["lang"]) == (
        "answer",
        "contact.county-government",
        "en",
    )
    [reply] = data["replies"]
    assert reply["text"] == answer_text(kb, "contact.county-government", Lang.EN, desk.settings)


async def test_choice_answers_the_entry(desk: Desk, kb: KnowledgeBase) -> None:
    data = await ask(desk, choice="entry:exchange.sister-cities")
    assert (data["decision"], data["entry"]) == ("answer", "exchange.sister-cities")
    assert data["replies"][0]["text"] == answer_text(
        kb, "exchange.sister-cities", Lang.EN, desk.settings
    )


async def test_language_button_sticks(desk: Desk, kb: KnowledgeBase) -> None:
    data = await ask(desk, choice="lang:en")
    assert (data["decision"], data["lang"]) == ("language", "en")
    data = await ask(desk, text="縣府電話")
    assert data["lang"] == "en"
    assert data["replies"][0]["text"] == answer_text(
        kb, "contact.county-government", Lang.EN, desk.settings
    )
    data = await ask(desk, choice="lang:zh-Hans")
    assert data["replies"][0]["text"] == "好的，我会用简体中文回答。"
    data = await ask(desk, text="county government phone number")
    assert data["lang"] == "zh-Hans"
    assert data["replies"][0]["text"] == answer_text(
        kb, "contact.county-government", Lang.ZH_HANS, desk.settings
    )


async def test_sessions_are_separate(desk: Desk) -> None:
    await ask(desk, choice="lang:en")
    response = await desk.chat({"session": "another-visitor", "text": "縣府電話"})
    assert (await response.json())["lang"] == "zh-Hant"


async def test_page_is_served_without_external_resources(desk: Desk) -> None:
    response = await desk.client.get("/")
    assert response.status == 200
    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    page = await response.text()
    assert "<html" in page
    assert 'name="viewport"' in page
    assert "api/chat" in page
    external = re.findall(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert external == []
    assert re.search(r"""@import|url\(\s*["']?(?:https?:)?//""", page) is None
    # Nothing else the browser would fetch from another host (fetch/XHR to absolute URLs).
    assert re.search(r"""fetch\(\s*["'](?:https?:)?//""", page) is None


async def test_health_endpoints(desk: Desk) -> None:
    assert (await (await desk.client.get("/healthz")).json()) == {"status": "alive"}
    ready = await desk.client.get("/readyz")
    assert ready.status == 200
    assert (await ready.json())["database"] is True
