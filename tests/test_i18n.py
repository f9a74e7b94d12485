"""The interface texts' catalogs (bot/locale/): complete, consistent, and what visitors read."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import string
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.channels.web import chat_page
from bot.desk import LANGUAGE_OPTIONS, Desk, requested_language
from bot.i18n import CATALOGS, DOMAIN, LOCALE_DIR, date_and_time, translate
from bot.kb.loader import KnowledgeBase
from bot.matcher import Matcher
from bot.models import Channel, Inbound, InboundKind, Outcome
from bot.settings import Settings
from bot.setup import visitor_commands
from bot.staff import relay
from bot.store import Store
from bot.text import Lang
from scripts.catalogs import KEYWORDS
from tests.conftest import KNOWLEDGE_DIR

ROOT = Path(__file__).resolve().parent.parent
TAIPEI = ZoneInfo("Asia/Taipei")


def _used_in_code() -> set[str]:
    """Every interface text the code marks, as ``pybabel extract`` (babel.cfg) finds it."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = {"N_": None, **{keyword: None for keyword in KEYWORDS}}
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords, comment_tags=())
    return {str(message) for _file, _line, message, _comments, _context in found}


def _catalog(lang: Lang) -> Catalog:
    path = LOCALE_DIR / CATALOGS[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as file:
        return read_po(file)


USED = _used_in_code()


def test_the_code_marks_its_interface_texts() -> None:
    # A wrong babel.cfg or keyword list would find nothing, and every check below pass.
    assert "Ask staff" in USED
    assert "Request #{number} is waiting for a staff member." in USED
    assert len(USED) >= 30


@pytest.mark.parametrize("lang", list(Lang))
def test_every_text_the_code_uses_is_translated_in_each_catalog(lang: Lang) -> None:
    catalog = _catalog(lang)
    missing = sorted(text for text in USED if catalog.get(text) is None)
    assert not missing, f"not in {CATALOGS[lang]}'s catalog (make catalogs-update): {missing}"
    untranslated = sorted(text for text in USED if not catalog[text].string or catalog[text].fuzzy)
    assert not untranslated, f"untranslated or fuzzy in {CATALOGS[lang]}: {untranslated}"


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@pytest.mark.parametrize("lang", list(Lang))
def test_each_translation_has_the_placeholders_of_its_english_text(lang: Lang) -> None:
    wrong = {
        str(message.id): str(message.string)
        for message in _catalog(lang)
        if message.id
        and message.string
        and _fields(str(message.id)) != _fields(str(message.string))
    }
    assert not wrong


def test_the_desk_reads_the_compiled_catalogs() -> None:
    assert translate("Ask staff", Lang.JA) == "担当職員に問い合わせる"
    assert translate("Ask staff", Lang.KO) == "담당 직원에게 문의"
    assert translate("Ask staff", Lang.ZH_HANS) == "询问承办人员"
    assert translate("OK, I will answer in English.", Lang.ZH_HANS) == "好的，我会用简体中文回答。"
    assert translate(
        "Request #{number} is closed. I am back to answering your questions.", Lang.JA, number=7
    ).startswith("お問い合わせ #7 を終了しました")


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        (Lang.EN, "Fri 27 Nov at 08:00"),
        (Lang.ZH_HANT, "11月27日（週五）08:00"),
        (Lang.ZH_HANS, "11月27日（周五）08:00"),
        (Lang.JA, "11月27日（金）8:00"),
        (Lang.KO, "11월 27일(금) 08:00"),
    ],
    ids=[lang.value for lang in Lang],
)
def test_dates_and_times_are_written_as_each_language_writes_them(lang: Lang, written: str) -> None:
    assert date_and_time(dt.datetime(2026, 11, 27, 8, tzinfo=TAIPEI), lang) == written


# -- through the desk -------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 26, 18, 5, tzinfo=TAIPEI)  # Thursday, after hours

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(f"sqlite+aiosqlite:///{tmp_path / 'i18n.db'}")
    yield opened
    await opened.close()


@pytest.fixture
def desk(kb: KnowledgeBase, matcher: Matcher, store: Store) -> Desk:
    settings = Settings(_env_file=None, knowledge_dir=KNOWLEDGE_DIR)
    return Desk(kb, matcher, store, settings, clock=Clock())


_visitors = itertools.count(1)


async def _conversation(desk: Desk, *texts: str) -> list[Outcome]:
    user = f"U{next(_visitors):032x}"
    return [
        await desk.handle(Inbound(Channel.LINE, user, InboundKind.TEXT, text=text))
        for text in texts
    ]


@pytest.mark.parametrize(
    ("greeting", "lang", "staff_button", "handed_off", "when", "staff_languages"),
    [
        (
            "こんにちは。盛岡市役所の者です",
            Lang.JA,
            "担当職員に問い合わせる",
            "メッセージを担当職員に伝えました（お問い合わせ番号 #1）。担当職員がこちらでお返事します。",
            "現在は業務時間外です。11月27日（金）8:00（台湾時間）の業務再開後に職員がお返事します。",
            "職員からのお返事は英語または中国語になります。",
        ),
        (
            "안녕하세요. 울산시청 직원입니다",
            Lang.KO,
            "담당 직원에게 문의",
            "메시지를 담당 직원에게 전달했습니다(문의 번호 #1). 담당 직원이 이곳에서 답변드립니다.",
            "지금은 업무 시간이 아닙니다. 11월 27일(금) 08:00(대만 시간) 업무 재개 후에 직원이 답변드립니다.",
            "직원의 답변은 영어 또는 중국어로 드립니다.",
        ),
    ],
    ids=["ja", "ko"],
)
async def test_japanese_and_korean_visitors_are_greeted_and_handed_off_in_their_language(
    desk: Desk,
    greeting: str,
    lang: Lang,
    staff_button: str,
    handed_off: str,
    when: str,
    staff_languages: str,
) -> None:
    greeted, handoff = await _conversation(desk, greeting, "/human")
    assert greeted.lang is lang
    assert staff_button in [option.label for option in greeted.replies[-1].options]
    assert handoff.decision == "handoff"
    # Told that staff write English or Chinese: no one waits for a Japanese or Korean reply.
    assert handoff.replies[0].text.splitlines() == [handed_off, when, staff_languages]
    buttons = [option.label for option in handoff.replies[0].options]
    assert buttons == [translate("Request status", lang), translate("Close my request", lang)]
    assert not any(label.isascii() for label in buttons)


async def test_the_welcome_names_the_four_languages_the_desk_reads(desk: Desk) -> None:
    user = f"U{next(_visitors):032x}"
    [unknown] = (await desk.handle(Inbound(Channel.LINE, user, InboundKind.FOLLOW))).replies
    # Not knowing the visitor yet: Chinese and English, each naming all four languages.
    assert "中文、英文、日文或韓文" in unknown.text
    assert "in English, Chinese, Japanese or Korean" in unknown.text

    await desk.handle(Inbound(Channel.LINE, user, InboundKind.TEXT, text="こんにちは"))
    [again] = (await desk.handle(Inbound(Channel.LINE, user, InboundKind.FOLLOW))).replies
    # Known to write Japanese: the welcome in Japanese only.
    assert again.text.startswith("こんにちは。花蓮県政府国際交流窓口です。")
    assert "日本語・英語・中国語・韓国語" in again.text
    assert "English" not in again.text


def test_setup_publishes_the_commands_in_each_language_from_the_catalogs() -> None:
    commands = visitor_commands()
    assert set(commands) == {None, "zh", "ja", "ko"}
    assert dict(commands[None])["human"] == "Ask county staff to help you"
    assert dict(commands["zh"])["human"] == "請承辦人員協助"
    assert dict(commands["ja"])["status"] == "お問い合わせの状況"
    assert dict(commands["ko"])["delete"] == "저장된 내 정보 모두 삭제"
    names = [name for name, _ in commands[None]]
    assert all([name for name, _ in pairs] == names for pairs in commands.values())


def test_the_chat_page_for_everyone_is_in_english_and_chinese() -> None:
    page = chat_page("n0nce", email=True)
    assert '<html lang="en">' in page
    assert ">Send 送出</button>" in page
    assert 'placeholder="Type your question… 請輸入問題…"' in page
    assert '<span lang="zh-Hant">您好！歡迎詢問' in page
    # The script's own texts (the "writing" dots, a failed send) come from the catalogs too.
    assert json.dumps("The desk is writing… 服務台正在回覆…") in page


@pytest.mark.parametrize(
    ("lang", "send", "typing"),
    [
        (Lang.JA, "送信", "窓口が返信を入力しています…"),
        (Lang.KO, "보내기", "창구에서 답변을 작성하고 있습니다…"),
        (Lang.ZH_HANS, "送出", "服务台正在回复…"),
    ],
    ids=["ja", "ko", "zh-Hans"],
)
def test_the_chat_page_in_one_language(lang: Lang, send: str, typing: str) -> None:
    page = chat_page("n0nce", email=True, lang=lang)
    assert f'<html lang="{lang.value}">' in page
    assert f">{send}</button>" in page
    assert json.dumps(typing) in page
    assert f'<span lang="{lang.value}">' in page
    assert "Send" not in page.split("<script", 1)[0].split("</head>", 1)[1]


@pytest.mark.parametrize(
    ("message", "lang"),
    [
        ("日本語でお願いします", Lang.JA),
        ("japanese please", Lang.JA),
        ("한국어로 해 주세요", Lang.KO),
        ("Korean please", Lang.KO),
        ("日本語の資料はありますか", None),
        ("한국어 안내 책자가 있나요?", None),
    ],
)
def test_a_visitor_can_ask_for_japanese_or_korean(message: str, lang: Lang | None) -> None:
    assert requested_language(message) is lang


def test_the_language_menu_offers_japanese_and_korean() -> None:
    assert [option.label for option in LANGUAGE_OPTIONS][-2:] == ["日本語", "한국어"]
    assert translate("OK, I will answer in English.", Lang.JA) == "はい、日本語でお答えします。"


@pytest.mark.parametrize(
    ("lang", "header"),
    [
        (Lang.EN, "Staff reply (request #4):"),
        (Lang.ZH_HANT, "承辦同仁回覆（案件 #4）："),
        (Lang.ZH_HANS, "承办同仁回复（案件 #4）："),
        (Lang.JA, "担当職員からのお返事（お問い合わせ #4）："),
        (Lang.KO, "담당 직원 답변(문의 #4):"),
    ],
    ids=[lang.value for lang in Lang],
)
def test_a_staff_answer_is_headed_in_the_visitor_s_language(lang: Lang, header: str) -> None:
    sent = relay._answer_header(4, lang.value) + "See you at 10."
    assert sent.splitlines()[0] == header
    # The console finds the staff's own words under it, and under the English header that
    # Japanese and Korean visitors were sent before it was translated.
    assert relay.staff_words(4, lang.value, sent) == "See you at 10."
    old = "Staff reply (request #4):\nSee you at 10."
    expected = "See you at 10." if lang in (Lang.EN, Lang.JA, Lang.KO) else None
    assert relay.staff_words(4, lang.value, old) == expected
    assert (
        translate(
            "Request #{number} has been closed by our staff. Ask me anything any time.",
            lang,
            number=4,
        ).count("#4")
        == 1
    )
