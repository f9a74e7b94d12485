"""Telegram webhooks end to end: updates in, the real python-telegram-bot client out to a fake."""

from __future__ import annotations

import html
from typing import Any

import pytest
import sqlalchemy as sa

from bot.kb.loader import KnowledgeBase
from bot.keys import STORE
from bot.matcher import Decision, Matcher
from bot.store.tables import outbox
from bot.text import Lang, has_han
from tests.channels.conftest import TELEGRAM_TOKEN, Desk, DeskFactory
from tests.channels.expected import (
    answer_text,
    candidate_options,
    entry_options,
    utf16_len,
    with_answer,
    with_geo,
)
from tests.channels.payloads import TG_CHAT, tg_callback, tg_message, update_id


def keyboard(options: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "inline_keyboard": [[{"text": label, "callback_data": choice}] for label, choice in options]
    }


def send_message(text: str, options: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """The exact sendMessage parameters the Bot API receives (form fields, JSON decoded)."""
    params: dict[str, Any] = {
        "chat_id": str(TG_CHAT),
        "text": html.escape(text, quote=False),
        "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True},
    }
    if options:
        params["reply_markup"] = keyboard(options)
    return params


async def test_question_gets_clarify_with_inline_keyboard(
    desk: Desk, kb: KnowledgeBase, matcher: Matcher
) -> None:
    match = matcher.match("festival")
    assert match.decision is Decision.CLARIFY, "the matcher no longer finds 'festival' ambiguous"
    response = await desk.post_telegram(tg_message("festival"))
    assert response.status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    await desk.settle()
    assert call.token == TELEGRAM_TOKEN
    options = candidate_options(kb, match.candidates, Lang.EN)
    numbered = [f"{n}. {label}" for n, (label, _) in enumerate(options[:-1], 1)]
    assert call.params == send_message(
        "\n".join(["Did you mean one of these?", *numbered]), options
    )
    assert [c.method for c in desk.telegram.calls] == ["sendMessage"]  # no getMe, nothing else


async def test_question_gets_answer(desk: Desk, kb: KnowledgeBase) -> None:
    assert (await desk.post_telegram(tg_message("county government phone number"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params == send_message(
        answer_text(kb, "contact.county-government", Lang.EN, desk.settings),
        entry_options(kb, "contact.county-government", Lang.EN),
    )


async def test_start_is_a_bilingual_welcome(desk: Desk) -> None:
    assert (await desk.post_telegram(tg_message("/start"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    text = call.params["text"]
    assert "Hello" in text
    assert "您好" in text
    assert call.params["reply_markup"] == keyboard(
        [
            ("English", "lang:en"),
            ("繁體中文", "lang:zh-Hant"),
            ("简体中文", "lang:zh-Hans"),
            ("日本語", "lang:ja"),
            ("한국어", "lang:ko"),
            ("Help", "help"),
            ("Ask staff", "staff"),
        ]
    )


async def test_help_command(desk: Desk, kb: KnowledgeBase) -> None:
    assert (await desk.post_telegram(tg_message("/help@desk_bot"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params == send_message(
        answer_text(kb, "faq.help", Lang.EN, desk.settings),
        entry_options(kb, "faq.help", Lang.EN),
    )


async def test_lang_button_choice_sticks_for_later_questions(desk: Desk, kb: KnowledgeBase) -> None:
    assert (await desk.post_telegram(tg_message("/lang"))).status == 200
    [menu] = await desk.telegram.wait_for("sendMessage")
    assert menu.params["reply_markup"] == keyboard(
        [
            ("English", "lang:en"),
            ("繁體中文", "lang:zh-Hant"),
            ("简体中文", "lang:zh-Hans"),
            ("日本語", "lang:ja"),
            ("한국어", "lang:ko"),
        ]
    )

    tap = tg_callback("lang:zh-Hant")
    assert (await desk.post_telegram(tap)).status == 200
    [answered] = await desk.telegram.wait_for("answerCallbackQuery")
    assert answered.params == {"callback_query_id": tap["callback_query"]["id"]}
    [_, confirm] = await desk.telegram.wait_for("sendMessage", count=2)
    assert confirm.params == send_message("好的，我會用繁體中文回答。")

    # An English question now gets the Traditional Chinese answer, and keeps getting it.
    for n, question in enumerate(["county government phone number", "sister cities"], 3):
        assert (await desk.post_telegram(tg_message(question))).status == 200
        calls = await desk.telegram.wait_for("sendMessage", count=n)
        entry = "contact.county-government" if n == 3 else "exchange.sister-cities"
        assert calls[-1].params["text"] == html.escape(
            answer_text(kb, entry, Lang.ZH_HANT, desk.settings), quote=False
        )


async def test_lang_command_with_argument(desk: Desk, kb: KnowledgeBase) -> None:
    assert (await desk.post_telegram(tg_message("/lang 简体"))).status == 200
    await desk.telegram.wait_for("sendMessage")
    assert (await desk.post_telegram(tg_message("county government phone number"))).status == 200
    [_, call] = await desk.telegram.wait_for("sendMessage", count=2)
    assert call.params["text"] == html.escape(
        answer_text(kb, "contact.county-government", Lang.ZH_HANS, desk.settings), quote=False
    )
    assert "总机" in call.params["text"]


async def test_english_please_sticks(desk: Desk, kb: KnowledgeBase) -> None:
    assert (await desk.post_telegram(tg_message("English please"))).status == 200
    [ok] = await desk.telegram.wait_for("sendMessage")
    assert ok.params["text"] == "OK, I will answer in English."
    assert (await desk.post_telegram(tg_message("縣府電話"))).status == 200
    [_, call] = await desk.telegram.wait_for("sendMessage", count=2)
    assert call.params["text"] == html.escape(
        answer_text(kb, "contact.county-government", Lang.EN, desk.settings), quote=False
    )


async def test_human_command_hands_off(desk: Desk) -> None:
    assert (await desk.post_telegram(tg_message("/human"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params == send_message(
        "I have passed your message to our staff as request #1. They will reply to you here.\n"
        "The office is open now, so expect a reply soon.",
        [("Request status", "ticket:status"), ("Close my request", "ticket:cancel")],
    )


async def test_callback_query_is_answered_then_the_entry_is_sent(
    desk: Desk, kb: KnowledgeBase
) -> None:
    tap = tg_callback("entry:exchange.sister-cities")
    assert (await desk.post_telegram(tap)).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert [c.method for c in desk.telegram.calls] == ["answerCallbackQuery", "sendMessage"]
    assert desk.telegram.calls[0].params == {"callback_query_id": tap["callback_query"]["id"]}
    assert call.params == send_message(
        answer_text(kb, "exchange.sister-cities", Lang.EN, desk.settings),
        entry_options(kb, "exchange.sister-cities", Lang.EN),
    )


async def test_stale_or_forged_button_still_answers_callback(desk: Desk) -> None:
    tap = tg_callback("entry:no.such-entry")
    assert (await desk.post_telegram(tap)).status == 200
    await desk.telegram.wait_for("sendMessage")
    assert desk.telegram.calls_to("answerCallbackQuery")[0].params == {
        "callback_query_id": tap["callback_query"]["id"]
    }


async def test_answer_is_sent_even_when_the_callback_query_is_too_old(
    desk: Desk, kb: KnowledgeBase
) -> None:
    desk.telegram.fail_next(
        1,
        400,
        method="answerCallbackQuery",
        description="Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert (await desk.post_telegram(tg_callback("entry:exchange.sister-cities"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params["text"] == html.escape(
        answer_text(kb, "exchange.sister-cities", Lang.EN, desk.settings), quote=False
    )


async def test_answer_text_is_html_escaped(make_desk: DeskFactory, kb: KnowledgeBase) -> None:
    raw = 'Opening <b>soon</b> & "Q&A" day: R&D <3, <script>alert(1)</script>'
    desk = await make_desk(knowledge=with_answer(kb, "exchange.sister-cities", en=raw, zh=raw))
    assert (await desk.post_telegram(tg_callback("entry:exchange.sister-cities"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params["text"] == (
        'Opening &lt;b&gt;soon&lt;/b&gt; &amp; "Q&amp;A" day: R&amp;D &lt;3, '
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert call.params["parse_mode"] == "HTML"


async def test_visitor_text_with_markup_characters_is_harmless(desk: Desk) -> None:
    assert (await desk.post_telegram(tg_message("<b>help</b> & <i>me</i>"))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params["text"].strip()
    assert "<b>" not in call.params["text"]


async def test_long_answer_is_split_under_4096(make_desk: DeskFactory, kb: KnowledgeBase) -> None:
    paragraphs = "\n".join(f"{n}. Hualien & Taroko <gorge> 🌊 " + "marble " * 60 for n in range(40))
    desk = await make_desk(
        knowledge=with_answer(kb, "exchange.sister-cities", en=paragraphs, zh=paragraphs)
    )
    assert utf16_len(paragraphs) > 3 * 4096
    assert (await desk.post_telegram(tg_message("sister cities"))).status == 200
    await desk.settle()
    calls = desk.telegram.calls_to("sendMessage")
    assert len(calls) >= 4
    # Telegram counts the text after entity parsing, in UTF-16 units.
    parts = [html.unescape(c.params["text"]) for c in calls]
    assert all(0 < utf16_len(p) <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == paragraphs.replace(
        "\n", ""
    ).replace(" ", "")
    # The buttons ride on the last part only.
    assert [("reply_markup" in c.params) for c in calls] == [False] * (len(calls) - 1) + [True]


async def test_a_retried_long_answer_resumes_after_the_parts_delivered(
    make_desk: DeskFactory, kb: KnowledgeBase
) -> None:
    """The Bot API has no idempotency key: a retry must not send the first parts again."""
    paragraphs = "\n".join(f"{n}. Hualien & Taroko " + "marble " * 60 for n in range(40))
    desk = await make_desk(
        knowledge=with_answer(kb, "exchange.sister-cities", en=paragraphs, zh=paragraphs)
    )
    # The third part fails (500) once, after two went through; the outbox retries it.
    desk.telegram.fail_next(1, 500, method="sendMessage", after=2)
    assert (await desk.post_telegram(tg_message("sister cities"))).status == 200
    await desk.settle()
    texts = [c.params["text"] for c in desk.telegram.calls_to("sendMessage")]
    assert len(texts) >= 5
    # What the visitor saw: every part once, in order (the failed try showed nothing).
    shown = texts[:2] + texts[3:]
    assert texts[2] == texts[3]
    assert len(set(shown)) == len(shown)
    assert "".join(html.unescape(t) for t in shown).replace("\n", "").replace(
        " ", ""
    ) == paragraphs.replace("\n", "").replace(" ", "")
    async with desk.app[STORE].engine.connect() as conn:
        row = (await conn.execute(sa.select(outbox.c.status, outbox.c.attempts))).one()
    assert (row.status, row.attempts) == ("sent", 2)


async def test_contact_with_coordinates_is_sent_as_a_location(
    make_desk: DeskFactory, kb: KnowledgeBase
) -> None:
    desk = await make_desk(
        knowledge=with_geo(kb, "contact.county-government", 23.991_36, 121.619_55)
    )
    assert (await desk.post_telegram(tg_message("county government phone number"))).status == 200
    [location] = await desk.telegram.wait_for("sendLocation")
    assert [c.method for c in desk.telegram.calls] == ["sendMessage", "sendLocation"]
    assert location.params == {
        "chat_id": str(TG_CHAT),
        "latitude": "23.99136",
        "longitude": "121.61955",
    }


async def test_repeated_update_id_is_answered_once(desk: Desk) -> None:
    update = tg_message("sister cities")
    assert (await desk.post_telegram(update)).status == 200
    await desk.telegram.wait_for("sendMessage")
    assert (await desk.post_telegram(update)).status == 200
    await desk.settle()
    assert len(desk.telegram.calls_to("sendMessage")) == 1


async def test_sticker_gets_polite_bilingual_reply(desk: Desk) -> None:
    update = tg_message("x")
    message = update["message"]
    del message["text"]
    message["sticker"] = {
        "file_id": "CAACAgIAAxkBAAEB",
        "file_unique_id": "AgADBAADz",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": "🙂",
    }
    assert (await desk.post_telegram(update)).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert has_han(call.params["text"])
    assert "Sorry" in call.params["text"]


@pytest.mark.parametrize(
    "update",
    [
        {
            "update_id": 0,
            "edited_message": tg_message("edited text")["message"] | {"edit_date": 1441646600},
        },
        {
            "update_id": 0,
            "my_chat_member": {
                "chat": {"id": TG_CHAT, "first_name": "Mika", "type": "private"},
                "from": {"id": TG_CHAT, "is_bot": False, "first_name": "Mika"},
                "date": 1441645532,
                "old_chat_member": {
                    "user": {"id": 7000000001, "is_bot": True, "first_name": "Desk"},
                    "status": "member",
                },
                "new_chat_member": {
                    "user": {"id": 7000000001, "is_bot": True, "first_name": "Desk"},
                    "status": "kicked",
                    "until_date": 0,
                },
            },
        },
        {"update_id": 0, "some_future_update_kind": {"id": 1}},
        {
            "update_id": 0,
            "message": tg_message("sister cities", chat_id=-100123)["message"]
            | {"chat": {"id": -100123, "title": "Staff", "type": "supergroup"}},
        },
    ],
    ids=["edited", "my_chat_member", "unknown", "group"],
)
async def test_other_updates_are_acknowledged_and_ignored(
    desk: Desk, update: dict[str, Any]
) -> None:
    update = {**update, "update_id": update_id()}
    assert (await desk.post_telegram(update)).status == 200
    await desk.settle()
    assert desk.telegram.calls == []


def _in_language(update: dict[str, Any], code: str | None) -> dict[str, Any]:
    """The update as a client set to ``code`` sends it (None: a client that sends none)."""
    message = update["message"]
    sender = {key: value for key, value in message["from"].items() if key != "language_code"}
    if code is not None:
        sender["language_code"] = code
    return {**update, "message": {**message, "from": sender}}


@pytest.mark.parametrize(
    ("code", "greeting"),
    [
        ("ja", "こんにちは"),
        ("ko", "화롄현 정부"),
        ("zh-hans", "您好"),
        (None, "您好"),
        ("x-klingon", "您好"),
    ],
)
async def test_telegrams_language_code_is_the_first_guess(
    desk: Desk, code: str | None, greeting: str
) -> None:
    assert (await desk.post_telegram(_in_language(tg_message("/start"), code))).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert greeting in call.params["text"]


async def test_what_the_visitor_writes_wins_over_the_language_code(
    desk: Desk, kb: KnowledgeBase
) -> None:
    update = _in_language(tg_message("county government phone number"), "ja")
    assert (await desk.post_telegram(update)).status == 200
    [call] = await desk.telegram.wait_for("sendMessage")
    assert call.params["text"] == answer_text(
        kb, "contact.county-government", Lang.EN, desk.settings
    )
