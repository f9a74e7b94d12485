"""Which language the web chat page is in: ``?lang=``, the visitor's earlier choice, the
browser's Accept-Language, else the page for everyone (English and Chinese at once)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.web import accepted_languages, page_language
from bot.text import Lang, tag_language
from tests.channels.conftest import Desk


@pytest.mark.parametrize(
    ("header", "tags"),
    [
        ("ja", ["ja"]),
        ("en-US,en;q=0.9,ja;q=0.8", ["en-US", "en", "ja"]),
        # Weights, not the order written, decide; equals keep the header's order.
        ("en;q=0.5, ko;q=0.9, ja", ["ja", "ko", "en"]),
        ("ko-KR;q=1.0, zh-TW;q=1", ["ko-KR", "zh-TW"]),
        # q=0 is "not this one"; broken items are skipped, not guessed at.
        ("ja;q=0, en", ["en"]),
        ("ja;q=2, ko;q=abc, en;level=1, zh;q=0.3", ["zh"]),
        ("*;q=0.1, fr", ["fr", "*"]),
        ("", []),
        (",,;;q=,", []),
        ("日本語, ko", ["ko"]),
        ("x" * 2000, []),
    ],
)
def test_accept_language_is_read_by_its_weights(header: str, tags: list[str]) -> None:
    assert accepted_languages(header) == tags


@pytest.mark.parametrize(
    ("tag", "lang"),
    [
        ("ja-JP", Lang.JA),
        ("KO", Lang.KO),
        ("en-GB", Lang.EN),
        ("zh-TW", Lang.ZH_HANT),
        ("zh-Hant", Lang.ZH_HANT),
        ("zh", Lang.ZH_HANT),
        ("zh-CN", Lang.ZH_HANS),
        ("zh-Hans-SG", Lang.ZH_HANS),
        ("fr", None),
        ("*", None),
        ("ja_JP", None),
        ("ja-" + "x" * 40, None),
    ],
)
def test_a_language_tag_names_one_of_the_desk_s_languages(tag: str, lang: Lang | None) -> None:
    assert tag_language(tag) is lang


@pytest.mark.parametrize(
    ("asked", "chosen", "header", "page"),
    [
        # The browser: Japanese, Korean and Simplified Chinese get a page of their own...
        (None, None, "ja,en-US;q=0.9", Lang.JA),
        (None, None, "fr, ko-KR;q=0.8, en;q=0.5", Lang.KO),
        (None, None, "zh-CN", Lang.ZH_HANS),
        # ... English and Traditional Chinese read the page for everyone.
        (None, None, "en-US,ja;q=0.9", None),
        (None, None, "zh-TW,ja;q=0.5", None),
        (None, None, "fr, de", None),
        (None, None, None, None),
        # The visitor's own choice beats the browser; ?lang= beats both.
        (None, "ko", "ja", Lang.KO),
        (None, "en", "ja", Lang.EN),
        ("ja", "ko", "zh-TW", Lang.JA),
        # Nonsense in either is passed over.
        ("klingon", "<script>", "ja", Lang.JA),
    ],
)
def test_the_page_language(
    asked: str | None, chosen: str | None, header: str | None, page: Lang | None
) -> None:
    assert page_language(asked, chosen, header)[0] is page


@given(st.text(max_size=300))
def test_any_accept_language_header_gives_a_page(header: str) -> None:
    lang, explicit = page_language(None, None, header)
    assert lang is None or isinstance(lang, Lang)
    assert not explicit


def _html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', page)
    assert found is not None
    return found.group(1)


async def test_the_page_follows_the_browser_s_japanese(desk: Desk) -> None:
    response = await desk.client.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.8"})
    page = await response.text()
    assert response.status == 200
    assert _html_lang(page) == "ja"
    assert ">送信</button>" in page
    assert "Accept-Language" in response.headers["Vary"]
    # Not asked for explicitly: nothing to remember.
    assert "desk_lang" not in response.cookies


async def test_lang_in_the_address_is_served_and_remembered(desk: Desk) -> None:
    response = await desk.client.get("/?lang=ko", headers={"Accept-Language": "ja"})
    assert _html_lang(await response.text()) == "ko"
    cookie = response.cookies["desk_lang"]
    assert cookie.value == "ko"
    assert cookie["samesite"] == "Lax"
    # Coming back without ?lang=: the choice holds over the browser's Japanese.
    again = await desk.client.get("/", headers={"Accept-Language": "ja"})
    assert _html_lang(await again.text()) == "ko"


async def test_the_page_offers_all_five_languages(desk: Desk) -> None:
    page = await (await desk.client.get("/")).text()
    header = page.split("<header>", 1)[1].split("</header>", 1)[0]
    assert re.findall(r'data-lang="([^"]+)"', header) == ["en", "zh-Hant", "zh-Hans", "ja", "ko"]
    assert 'lang="ja" title="日本語"' in header
    assert 'lang="ko" title="한국어"' in header


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("?lang=%FF%FE", {}),
        ("?lang=" + "a" * 5000, {}),
        ("?lang=ja&lang=ko", {}),
        ("", {"Accept-Language": "ja;q=1e999999, ko;q=-1, zh;q=NaN"}),
        ("", {"Accept-Language": ";" * 4000}),
        ("", {"Accept-Language": "q=0.5," * 500}),
        ("", {"Cookie": "desk_lang=%00; desk_lang=<b>"}),
        ("", {"Cookie": 'desk_lang="ja'}),
    ],
)
async def test_hostile_language_input_gets_the_page_for_everyone(
    desk: Desk, query: str, headers: dict[str, str]
) -> None:
    response = await desk.client.get("/" + query, headers=headers)
    assert response.status == 200
    page = await response.text()
    assert _html_lang(page) in {"en", "ja"}
    assert "Traceback" not in page
