"""Phone numbers a foreign visitor can dial; Chinese answers keep Taiwan's own form."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers import AnswerContext, render
from bot.kb.loader import KnowledgeBase
from bot.phones import e164, for_foreigners, international, shown, tel_uri
from bot.text import Lang


@pytest.mark.parametrize(
    ("written", "foreign", "link"),
    [
        ("03-822-7171", "+886 3 822 7171", "tel:+88638227171"),
        ("(03) 862-1100", "+886 3 862 1100", "tel:+88638621100"),
        ("038-246997", "+886 3 824 6997", "tel:+88638246997"),
        ("+886-3-856-1825", "+886 3 856 1825", "tel:+88638561825"),
        ("+886-3-856-5301 ext. 1014-1018", "+886 3 856 5301 ext. 1014-1018", "tel:+88638565301"),
        ("0912-345-678", "+886 912 345 678", "tel:+886912345678"),
        ("(02) 2345-6789", "+886 2 2345 6789", "tel:+886223456789"),
        ("110", "110", "tel:110"),
        ("1925", "1925", "tel:1925"),
        ("0800-011-765", "0800-011-765", "tel:+886800011765"),
    ],
)
def test_numbers_for_foreigners_and_their_links(written: str, foreign: str, link: str) -> None:
    assert international(written) == foreign
    assert tel_uri(written) == link


def test_short_codes_have_no_international_form() -> None:
    assert e164("119") is None
    assert e164("03-822-7171") == "+88638227171"


def test_text_is_rewritten_but_dates_and_years_are_not_numbers() -> None:
    text = "Switchboard 03-822-7171, plan 2020-2023, since 2024-07-19; hotline 0800-011-765."
    assert for_foreigners(text) == (
        "Switchboard +886 3 822 7171, plan 2020-2023, since 2024-07-19; "
        "hotline 0800-011-765 (free only within Taiwan)."
    )


def test_chinese_keeps_the_local_form() -> None:
    assert shown("03-822-7171", Lang.ZH_HANT) == "03-822-7171"
    assert shown("03-822-7171", Lang.EN) == "+886 3 822 7171"


def test_english_answers_give_international_numbers_chinese_ones_local(
    kb: KnowledgeBase,
) -> None:
    context = AnswerContext(dt.date(2026, 12, 6), range(0, 5), dt.time(8), dt.time(17), 180)
    entry = kb["contact.county-government"]
    english = render(kb, entry, Lang.EN, context)
    chinese = render(kb, entry, Lang.ZH_HANT, context)
    assert "+886 3 822 7171" in english
    assert "03-822-7171" not in english
    assert "03-822-7171" in chinese
