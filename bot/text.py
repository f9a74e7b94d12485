"""Text normalisation and language detection, shared by the matcher, the desk and the CLI.

Everything here is pure and synchronous. OpenCC converters are built once per process
because building one reads its dictionaries from disk.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import cache

import opencc


class Lang(StrEnum):
    EN = "en"
    ZH_HANT = "zh-Hant"
    ZH_HANS = "zh-Hans"

    @property
    def is_chinese(self) -> bool:
        return self is not Lang.EN


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    """Simplified → Traditional in Taiwan's usage (phrases too: 出租车 → 計程車)."""
    return str(_converter("s2twp").convert(text))


def to_simplified(text: str) -> str:
    """Taiwan Traditional → Simplified with mainland phrasing, for answers to zh-Hans visitors."""
    return str(_converter("tw2sp").convert(text))


def localize(text: str, lang: Lang) -> str:
    """Text authored in zh-Hant, shown to a visitor of ``lang`` (only zh-Hans changes it)."""
    return to_simplified(text) if lang is Lang.ZH_HANS else text


def is_han(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x20000 <= code <= 0x2EBEF
        or 0xF900 <= code <= 0xFAFF
    )


_LATIN_WORD = re.compile(r"[a-z]+", re.IGNORECASE)


def _script_counts(text: str) -> tuple[str, int, int]:
    han = "".join(ch for ch in text if is_han(ch))
    latin_words = len(_LATIN_WORD.findall(text))
    return han, len(han), latin_words


def detect_language(text: str) -> Lang:
    """The visitor's language by the dominant script; Chinese split by script-specific characters.

    A Han character counts as much as a Latin word: "iTaiwan怎麼用" is Chinese with an English
    brand in it, "Tzu Chi hospital 電話" is English with a Chinese word in it.
    """
    text = unicodedata.normalize("NFKC", text)
    han, han_count, latin_words = _script_counts(text)
    if han_count == 0 or latin_words > han_count:
        return Lang.EN
    # Character-level converters keep the length, so a position-wise comparison tells which
    # characters exist only in one script.
    as_simplified = _converter("t2s").convert(han)
    as_traditional = _converter("s2t").convert(han)
    traditional_only = sum(a != b for a, b in zip(han, as_simplified, strict=False))
    simplified_only = sum(a != b for a, b in zip(han, as_traditional, strict=False))
    return Lang.ZH_HANS if simplified_only > traditional_only else Lang.ZH_HANT


# Anything but a letter, a digit or a space becomes a space; "+" and "#" stay because "C++",
# "+886" and "#3" keep meaning. One regex pass instead of a per-character category lookup:
# normalisation runs on every phrasing of a 10,000-entry knowledge base at start-up.
_NOISE = re.compile(r"(?:[^\w+#]|_)+")
# The same, for a batch of texts joined by line breaks: the breaks stay.
_NOISE_WITHIN_LINES = re.compile(r"(?:[^\w+#\n]|_)+")
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
# Apostrophes inside words ("what's", "don't") join the word instead of splitting it.
_APOSTROPHE = re.compile(r"(?<=[a-z])['’](?=[a-z])")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def _fold(text: str) -> str:
    text = text.encode("utf-8", "ignore").decode("utf-8")
    text = unicodedata.normalize("NFKC", text).casefold()
    if "'" in text or "’" in text:
        text = _APOSTROPHE.sub("", text)
    return text


def _finish(text: str) -> str:
    return _NOISE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """NFKC (full width → half width), case-folded, Traditional script, punctuation removed.

    Never raises: any Unicode string gives a (possibly empty) normalised string. Lone
    surrogates, which some clients send, are dropped.
    """
    text = _fold(text)
    if has_han(text):
        text = to_traditional(text)
    return _finish(text)


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]``, done on the whole batch at once.

    A knowledge base of 10,000 entries holds some 700,000 phrasings, keywords and answers;
    per-string calls spend most of their time in call overhead. Here each step (folding,
    OpenCC, punctuation) runs once over the texts joined by line breaks, and each distinct
    text is normalised once. Every step works within a line, so the result is the same as
    text by text.
    """
    distinct = list(dict.fromkeys(texts))
    if len(distinct) < len(texts):
        normal = dict(zip(distinct, normalize_many(distinct), strict=True))
        return [normal[text] for text in texts]
    if not texts:
        return []
    # Line breaks inside a text would shift the batch apart: they become spaces first.
    lines = _fold("\n".join([text.replace("\n", " ").replace("\r", " ") for text in texts])).split(
        "\n"
    )
    if len(lines) != len(texts):  # never seen; kept so a quirk cannot misalign the batch
        return [normalize(text) for text in texts]
    chinese = [index for index, line in enumerate(lines) if has_han(line)]
    if chinese:
        converted = to_traditional("\n".join([lines[index] for index in chinese])).split("\n")
        if len(converted) == len(chinese):
            for index, text in zip(chinese, converted, strict=True):
                lines[index] = text
        else:  # never seen; kept so a converter quirk cannot misalign the batch
            for index in chinese:
                lines[index] = to_traditional(lines[index])
    finished = _NOISE_WITHIN_LINES.sub(" ", "\n".join(lines)).split("\n")
    return [line.strip() for line in finished]


def utf16_length(text: str) -> int:
    """Length as LINE and Telegram count it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_utf16(text: str, limit: int) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` UTF-16 units, at line breaks if possible."""
    if limit < 2:
        raise ValueError("limit must allow at least one surrogate pair")
    chunks: list[str] = []
    remaining = text
    while utf16_length(remaining) > limit:
        cut = _fit(remaining, limit)
        window = remaining[:cut]
        for sep in ("\n\n", "\n", "。", ". ", " "):
            at = window.rfind(sep)
            if at > cut // 2:
                cut = at + len(sep)
                break
        chunks.append(remaining[:cut].rstrip())
        remaining = remaining[cut:].lstrip()
    if remaining:
        chunks.append(remaining)
    return chunks


def _fit(text: str, limit: int) -> int:
    """The largest prefix length (in code points) that fits in ``limit`` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)
