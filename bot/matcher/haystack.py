"""A long normalised text — the KB's answers, millions of characters at 10,000 entries — and
whether it holds a phrase as whole words or a piece of text anywhere.

Most of what is looked for (the places questions name) is not there, and a scan of millions
of characters takes milliseconds: a question's first look at a place cost 5–8 ms at 10,000
entries, the p99 of the bench. The words the text uses, and the pairs of adjacent non-ASCII
characters it holds, tell most absences by a lookup; only a phrase or piece that passes them
is looked for in the text itself, with the same result.
"""

from __future__ import annotations

from functools import cached_property
from itertools import pairwise

import numpy as np

from bot.text import code_points, has_han, is_hangul

#: A pair of adjacent characters as one int: code points are below 2**21.
_SHIFT = 21


class Haystack:
    """Normalised texts joined: ``padded`` (spaces at both ends, for whole words) and
    ``compact`` (without spaces, for pieces inside Chinese, Japanese or Korean words)."""

    def __init__(self, normals: list[str]) -> None:
        self.padded = " " + " ".join(normals) + " "
        self.compact = self.padded.replace(" ", "")

    # Each made on the first look that needs it (under 0.2 s each at 10,000
    # entries): the first question naming a place elsewhere already waits for the answers.
    @cached_property
    def _words(self) -> frozenset[str]:
        return frozenset(self.padded.split(" "))

    @cached_property
    def _wide_pairs(self) -> frozenset[int]:
        codes = code_points(self.compact).astype(np.int64)
        wide = codes >= 0x80
        both = wide[:-1] & wide[1:]
        return frozenset(np.unique((codes[:-1][both] << _SHIFT) | codes[1:][both]).tolist())

    def has_words(self, phrase: str) -> bool:
        """``f" {phrase} " in self.padded``: the phrase, as whole words."""
        words = phrase.split(" ")
        if not all(words):  # empty, or spaces side by side: no normalised phrase is
            return f" {phrase} " in self.padded
        # Each word of a phrase the text holds is a word of the text; a phrase of one word
        # is then there.
        if not self._words.issuperset(words):
            return False
        return len(words) == 1 or f" {phrase} " in self.padded

    def has_piece(self, piece: str) -> bool:
        """``piece in self.compact`` (``piece`` holds no space)."""
        # Each pair of adjacent non-ASCII characters of a piece the text holds is a pair of
        # the text.
        pairs = self._wide_pairs
        for first, second in pairwise(map(ord, piece)):
            if first >= 0x80 and second >= 0x80 and (first << _SHIFT) | second not in pairs:
                return False
        return piece in self.compact

    def names_place(self, place: str) -> bool:
        """Whether the texts name ``place`` (normalised): a Han or Hangul name inside words
        (Korean attaches particles: 타이베이에서), any other as whole words."""
        if has_han(place) or is_hangul(place[0]):
            return self.has_piece(place.replace(" ", ""))
        return self.has_words(place)
