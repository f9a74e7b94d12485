"""Chinese patterns are matched against a message's normal form (bot.text.normalize), which
OpenCC writes in Taiwan's own words: 窗口 becomes 視窗, 網卡 網絡卡, 服務台 服務臺, 平台 平臺.
A literal written otherwise can never match, silently (three person-request patterns named
窗口 for a whole session). Each Chinese literal must be its own normal form, or be listed
beside the form it becomes."""

from __future__ import annotations

import re

import pytest

import bot.matcher.pipeline as pipeline
import bot.matcher.situations as situations
import bot.matcher.spotters as spotters
import bot.reading as reading
import bot.when as when
from bot.text import normalize

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_KANA_OR_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7a3]")


def _chinese_patterns() -> dict[str, str]:
    found: dict[str, str] = {}
    for kind, table in (("happening", situations._HAPPENING), ("topic", situations._TOPICS)):
        for situation, signs in table.items():
            found[f"situations {kind} {situation}"] = "|".join(signs.han)
    for module in (situations, spotters, pipeline, reading, when):
        for name, value in vars(module).items():
            if not isinstance(value, re.Pattern) or not isinstance(value.pattern, str):
                continue
            # Japanese and Korean patterns mostly read the text as typed (its kana, its
            # kanji); those that read the normal form are listed below.
            if _HAN_RUN.search(value.pattern) and not _KANA_OR_HANGUL.search(value.pattern):
                found[f"{module.__name__}.{name}"] = value.pattern
    for module, name in _NORMAL_FORM_READERS:
        found[f"{module.__name__}.{name}"] = getattr(module, name).pattern
    return found


#: Patterns with kana or Hangul that read a message's normal form (asks_for_a_task and
#: asks_about_a_visa_to_enter are given it): their kanji must be normal too (記錄, 禮狀, 臺風;
#: a session's Japanese task patterns were written 記録 and never matched).
_NORMAL_FORM_READERS = (
    (spotters, "_JA_TASK"),
    (spotters, "_KO_TASK"),
    (spotters, "_VISA_TO_ENTER"),
    (spotters, "_VISA_HELD_HERE"),
    (spotters, "_HEALTH"),
    (spotters, "_HOLDING_A_VISA"),
    (spotters, "_WHALE_BIOLOGY"),
    (spotters, "_WHALE_TRIPS"),
    (spotters, "_PAPERS_FOUND"),
    (spotters, "_AWAY_FROM_HOME"),
    (spotters, "_HOME_PAPERS_KEPT_UP"),
    (spotters, "_PAPERS_HELD_HERE"),
    (spotters, "_HISTORY_AND_MEANING"),
    (spotters, "_THE_EXCHANGES_OWN"),
    (pipeline, "_WHERE_THE_VISITOR_IS"),
    (pipeline, "_HERE"),
    (pipeline, "_A_WAY_TO_TRAVEL"),
    (pipeline, "_AN_OFFICIAL_VISIT"),
)


@pytest.mark.parametrize(("name", "pattern"), sorted(_chinese_patterns().items()))
def test_every_chinese_literal_can_match_the_normal_form(name: str, pattern: str) -> None:
    # A character class lists its spellings on purpose ([県縣]): only literals are read.
    literals = re.sub(r"\[[^\]]*\]", " ", pattern)
    dead = [
        f"{run} (normal form {normal})"
        for run in sorted(set(_HAN_RUN.findall(literals)))
        if (normal := normalize(run).replace(" ", "")) != run and normal not in pattern
    ]
    assert not dead, dead
