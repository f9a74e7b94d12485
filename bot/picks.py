"""A visitor's pick among the options the desk just offered, typed rather than tapped.

After "Did you mean: 1. Summer festival 2. Harvest festivals", people answer "2", "the second
one", 「第二個」, "harvest" or 「豐年祭那個」. A pick is only read where options were offered,
from a short reply, and only when it points at one option clearly: anything else is matched
as a new question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from bot.text import normalize

_ORDINALS: tuple[tuple[str, int], ...] = (
    (r"first|1st|one|the 1st one|第一|一|最初|一つ目|1つ目|첫\s?번째|첫번째|하나", 0),
    (r"second|2nd|two|第二|二|二つ目|2つ目|두\s?번째|둘", 1),
    (r"third|3rd|three|第三|三|三つ目|3つ目|세\s?번째|셋", 2),
    (r"fourth|4th|four|第四|四|네\s?번째", 3),
    (r"last|最後|最後一個|마지막", -1),
)
_FRAME = (
    r"^(?:the |number |no |option |choice |#|i mean |i meant |maybe )*(?:{})"
    r"(?: one| option| please| pls|個|項|個吧|吧|號|番|번|번째|번요|요|です|でお願いします)*$"
)
_ORDINAL_PATTERNS = [(re.compile(_FRAME.format(words)), index) for words, index in _ORDINALS]
_DIGITS = re.compile(r"^(?:no |number |option |#|第)?(\d{1,2})(?: 個| 號|個|號|番|번)?$")

NUMBERED_PREFIX = "entry:"
#: Words that only point at an option: "the summer one", 「豐年祭那個」.
_POINTING = re.compile(
    r"^(?:the|that|this|i mean|i meant)\s+|\s+(?:one|option|please|pls)$|(?:的)?那個$|(?:的)?這個$"
)

#: A worded pick is a short reply: a longer one is a question of its own.
_MAX_WORDS = 5
_MAX_HAN = 10
#: How close a reply must be to one option's name, and how far ahead of the others.
_NAME_CUTOFF = 75.0
_NAME_LEAD = 12.0


def _short(normal: str) -> bool:
    return len(normal.split()) <= _MAX_WORDS and len(normal.replace(" ", "")) <= 4 * _MAX_HAN


def _numbered(options: Sequence[str]) -> list[str]:
    # Numbers count the options the desk listed with numbers: its entries, not "Ask staff".
    return [choice for choice in options if choice.startswith(NUMBERED_PREFIX)] or list(options)


def by_position(text: str, options: Sequence[str]) -> str | None:
    """The option picked by its number or place: "2", "the second one", 「第二個」, "last"."""
    normal = normalize(text)
    if not options or not normal or not _short(normal):
        return None
    numbered = _numbered(options)
    if digits := _DIGITS.match(normal):
        index = int(digits.group(1)) - 1
        return numbered[index] if 0 <= index < len(numbered) else None
    compact = normal.replace(" ", "")
    for pattern, index in _ORDINAL_PATTERNS:
        if pattern.match(normal) or pattern.match(compact):
            return numbered[index] if -len(numbered) <= index < len(numbered) else None
    return None


def by_name(
    text: str, options: Sequence[str], names_of: Callable[[str], Sequence[str]]
) -> str | None:
    """The option a short reply names ("harvest", 「豐年祭那個」), when it names one clearly.

    ``names_of(choice)`` gives the names the option is known by (its title in every language).
    """
    normal = normalize(text)
    if not options or not normal or not _short(normal):
        return None
    normal = _POINTING.sub("", normal).strip() or normal
    scores = sorted(
        (
            (max((_similarity(normal, name) for name in names_of(choice)), default=0.0), choice)
            for choice in options
        ),
        reverse=True,
    )
    best, choice = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    if best >= _NAME_CUTOFF and best - runner_up >= _NAME_LEAD:
        return choice
    return None


def _similarity(reply: str, name: str) -> float:
    """How well a short reply names an option: "harvest" names "Amis harvest festivals"."""
    name = normalize(name)
    if not name:
        return 0.0
    if " " not in reply and " " not in name and any("\u4e00" <= ch <= "\u9fff" for ch in reply):
        # Chinese: a reply such as 「豐年祭那個」 holds the name's core.
        return float(fuzz.partial_ratio(name, reply)) if len(reply) >= 2 else 0.0
    return float(fuzz.partial_ratio(reply, name)) if len(reply) >= 4 else 0.0
