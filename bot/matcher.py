"""Match a visitor's question to a knowledge-base entry, or decide that it should not be answered.

The method, in order:

1. Safety and intent first: emergency words always lead to the emergency entry; a request
   for a person is a ``handoff`` whatever else the question says.
2. The question is normalised (:mod:`bot.text`), filler phrases are dropped, and it becomes a
   bag of weighted tokens: English words (stemmed, typos corrected against the KB's own
   vocabulary with rapidfuzz), Chinese character bigrams and (lightly weighted) unigrams,
   multi-character terms from the KB's keywords, and synonym-group tokens, which let "ARC",
   "residence permit" and 居留證 meet. Chinese pairs that straddle a particle or sit inside
   an A-not-A question are seams between words, not words, and are dropped.
3. BM25 over each entry's questions, keywords and title ranks the entries (numpy postings,
   so a query costs the same whether the KB has 60 or 10,000 entries).
4. The leading candidates are re-scored: how much of the question's information (IDF
   weight) the entry explains — a question about a place or thing the KB never mentions
   explains little and is declined — blended with BM25 and fuzzy similarity to the entry's
   closest phrasing.
5. A threshold and a margin over the runner-up decide ``answer``, ``clarify`` (≤ 3 options)
   or ``fallback``.

Everything is synchronous: the index is built once, on whole batches of texts (numpy, and two
processes for a large KB; see _index_parts); ``match`` has no side effect but filling, once,
the list of places the KB's answers mention (see Matcher.is_elsewhere).
"""

from __future__ import annotations

import gc
import logging
import math
import multiprocessing
import os
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import compress, count
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Entry
from bot.text import (
    Lang,
    code_points,
    detect_language,
    distinct_code_points,
    han_mask,
    has_han,
    is_han,
    normalize,
    normalize_many,
)

logger = logging.getLogger(__name__)

EMERGENCY_ENTRY = "contact.emergency"


class Decision(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    FALLBACK = "fallback"
    HANDOFF = "handoff"


@dataclass(frozen=True)
class Match:
    question: str
    lang: Lang
    decision: Decision
    entry: str | None = None
    candidates: tuple[str, ...] = ()
    score: float = 0.0
    #: The question named an emergency: the desk also opens an urgent ticket.
    emergency: bool = False
    #: The best-scoring entries whatever the decision (for staff: "the bot's best guesses").
    guesses: tuple[tuple[str, float], ...] = ()

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "lang": self.lang.value,
            "decision": self.decision.value,
            "entry": self.entry,
            "candidates": list(self.candidates),
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class MatcherConfig:
    """The method's parameters; tuned on the dev set as a whole, never per question."""

    k1: float = 1.2
    b: float = 0.3
    unigram_weight: float = 0.25
    number_weight: float = 0.5
    synonym_weight: float = 1.0
    term_weight: float = 1.0
    keyword_boost: int = 2
    typo_min_length: int = 4
    typo_cutoff: float = 80.0
    rerank_depth: int = 12
    weight_coverage: float = 0.45
    weight_bm25: float = 0.25
    weight_fuzzy: float = 0.30
    answer_threshold: float = 0.35
    answer_margin: float = 0.08
    clarify_threshold: float = 0.20
    #: A clear leader below the answer bar is still answered when it leads by this much.
    cue_boost: float = 0.06
    lead_threshold: float = 0.30
    lead_margin: float = 0.15
    #: …but only when most of the question is in the KB's vocabulary at all.
    lead_max_unknown: float = 0.6
    #: Similarity (0-100) a function-word-only question needs to a KB phrasing of that kind.
    function_phrase_cutoff: float = 75.0
    clarify_window: float = 0.12
    max_options: int = 3


_EN_STOPWORDS = frozenset(
    """a an the is are am was were be been being do does did doing i me my mine we our us you
    your yours it its to of in on at for from with by about and or but can could would
    should will shall may might must there here what whats which who whom whose how where
    when why this that these those any some please tell know want wanna like get got if so
    up out just also have has had as into than then them they he she his her im id ive dont
    doesnt cant isnt arent theres hows wheres whos let lets me ok okay yes no not very
    much many more one someone something anything go going gonna should u ur pls plz
    really kindly""".split()
)
# Function characters: they appear in almost every Chinese question and say nothing of its topic.
_ZH_STOP_UNIGRAMS = frozenset(
    "的了是嗎呢吧啊呀喔哦我你妳您他她們在有要想會能可以和跟與及或這那哪什麼怎樣個些一也都就還很請問給把被讓對說為嘛囉耶欸"
)
_ZH_STOP_BIGRAMS = frozenset(
    """什麼 怎麼 哪裡 哪個 哪些 可以 請問 我們 你們 是否 是不 不是 有沒 沒有 一下 知道 想要 需要 如何 怎樣 這個 那個 有什 有哪 要怎 要去 在哪 去哪 的話
    的是 是什 麼辦 請告 告訴 訴我 想問 我想 我要 可不 不可 能不 不能 嗎？ 多少 幾號 有人 是哪""".split()
)

# Characters that only ever join a word on a known side (什麼, 怎麼) or end a sentence: a bigram
# holding one is a seam between two words, except in the few words listed after.
_ZH_PARTICLES = frozenset("的嗎呢吧啊呀喔哦嘛囉欸麼怎")
_ZH_PARTICLE_WORDS = frozenset("目的 的士 的確 酒吧 怎樣".split())
# An A-not-A question (貴不貴, 遠不遠, 開沒開): a yes/no question about A.
_A_NOT_A = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[不沒]\1")

_EN_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
_HASH_BASE = np.uint64(1_000_003)
#: Pairs are looked up in a table with a slot for every possible pair while it holds at
#: most this many (32 MB); beyond it, by binary search, which is many times slower.
_DENSE_PAIRS = 1 << 22
_WORD_OR_BREAK = re.compile(r"[a-z0-9][a-z0-9+#]*|\n")
_HAN_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+)")
_SPACE_RUNS = re.compile(r" {2,}")
_ALL_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
#: A line of three Han characters or more, and nothing else.
_ZH_TERM_LINES = re.compile(
    r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]{3,}$", re.MULTILINE
)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light English stemmer: plurals only, which is where visitors' words differ most."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _add(weights: dict[str, float], token: str, weight: float) -> None:
    # A token seen twice keeps its strongest weight: repetition in a question is not emphasis.
    if weight > weights.get(token, 0.0):
        weights[token] = weight


class _Found:
    """(text, token) pairs gathered by the batch tokeniser. A token is a Chinese character
    or pair (its code in the batch's alphabet, see _TokenTable) or any other token, given
    a number of its own here."""

    def __init__(self) -> None:
        #: Tokens numbered as one block, first (see numbered_first), then the others.
        self.block: list[str] = []
        self.others: dict[str, int] = {}
        self.texts: list[npt.NDArray[np.int64]] = []
        self.codes: list[npt.NDArray[np.int64]] = []
        self.other_texts: list[npt.NDArray[np.int64]] = []
        self.other_codes: list[npt.NDArray[np.int64]] = []
        self.probes: set[int] = set()

    def other(self, token: str) -> int:
        return self.others.setdefault(token, len(self.block) + len(self.others))

    def numbered_first(self, tokens: list[str]) -> None:
        """Gives ``tokens`` (distinct, and never given to ``other``) the numbers 0, 1, …:
        some 100,000 KB terms at 10,000 entries, numbered without a dict."""
        if self.block or self.others:
            raise ValueError("a block is numbered before any other token")
        self.block = tokens

    def add(self, texts: npt.NDArray[np.int64], codes: npt.NDArray[np.int64]) -> None:
        self.texts.append(texts)
        self.codes.append(codes)

    def add_others(self, texts: npt.NDArray[np.int64], numbers: npt.NDArray[np.int64]) -> None:
        self.other_texts.append(texts)
        self.other_codes.append(numbers)

    def table(self, n: int, alphabet: npt.NDArray[np.int64]) -> _TokenTable:
        size = len(alphabet)
        base = size + size * size
        span = base + len(self.block) + len(self.others)
        # The batch's (text, token) pairs run to millions: each key is made in place, one
        # gathered lot at a time, so no temporary is the size of all of them.
        keys = [texts * span for texts in [*self.texts, *self.other_texts]]
        for key, codes in zip(keys, self.codes, strict=False):
            key += codes
        for key, codes in zip(keys[len(self.texts) :], self.other_codes, strict=True):
            key += codes
            key += base
        table = _TokenTable.from_keys(
            n,
            np.concatenate([*keys, np.zeros(0, dtype=np.int64)]),
            alphabet,
            [*self.block, *self.others],
        )
        return replace(table, probes_found=frozenset(self.probes))


@dataclass(frozen=True)
class _TokenTable:
    """Distinct tokens of each text of a batch, as integer codes: text ``i`` holds
    ``codes[offsets[i]:offsets[i + 1]]``. Codes below ``len(alphabet)`` are Chinese
    characters, then come pairs of them, then ``others`` in order."""

    offsets: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]
    alphabet: npt.NDArray[np.int64]
    others: list[str]
    #: Which probes (see _Analyzer.index_keys_many) the texts hold.
    probes_found: frozenset[int] = frozenset()

    @staticmethod
    def build(
        n: int,
        texts: npt.NDArray[np.int64],
        codes: npt.NDArray[np.int64],
        alphabet: npt.NDArray[np.int64],
        others: list[str],
    ) -> _TokenTable:
        size = len(alphabet)
        keys = texts * (size + size * size + len(others))
        keys += codes
        return _TokenTable.from_keys(n, keys, alphabet, others)

    @staticmethod
    def from_keys(
        n: int, keys: npt.NDArray[np.int64], alphabet: npt.NDArray[np.int64], others: list[str]
    ) -> _TokenTable:
        """The table of ``keys``, text * span + code, in any order and repeated (sorted in
        place here)."""
        size = len(alphabet)
        span = size + size * size + len(others)
        keys.sort()
        if len(keys):
            keys = keys[np.append(True, keys[1:] != keys[:-1])]
        text, codes = np.divmod(keys, span)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(text, minlength=n), out=offsets[1:])
        return _TokenTable(offsets, codes, alphabet, others)

    @staticmethod
    def from_sets(keys: list[set[str]]) -> _TokenTable:
        others = sorted({token for held in keys for token in held})
        number = {token: index for index, token in enumerate(others)}
        texts = np.repeat(np.arange(len(keys), dtype=np.int64), [len(held) for held in keys])
        codes = np.fromiter(
            (number[token] for held in keys for token in held), dtype=np.int64, count=len(texts)
        )
        return _TokenTable.build(len(keys), texts, codes, np.zeros(0, dtype=np.int64), others)

    @property
    def span(self) -> int:
        """One more than the largest code."""
        size = len(self.alphabet)
        return size + size * size + len(self.others)

    def strings(self, codes: npt.NDArray[np.int64]) -> list[str]:
        """The tokens ``codes`` (ascending) stand for.

        A half of a 10,000-entry KB uses some 100,000 tokens: the characters and pairs are
        decoded as one text each, and cut into tokens there.
        """
        if len(codes) > 1 and bool((codes[1:] < codes[:-1]).any()):
            raise ValueError("codes must be ascending")
        size = len(self.alphabet)
        base = size + size * size
        to_pairs, to_others = np.searchsorted(codes, [size, base]).tolist()
        pairs = codes[to_pairs:to_others] - size
        chars = np.concatenate(
            (
                self.alphabet[codes[:to_pairs]],
                np.column_stack(
                    (self.alphabet[pairs // size], self.alphabet[pairs % size])
                ).ravel(),
            )
        )
        text = chars.astype(np.uint32).tobytes().decode("utf-32-le")
        ends = range(to_pairs + 2, len(text) + 1, 2)
        return [
            *text[:to_pairs],
            *map(text.__getitem__, map(slice, range(to_pairs, len(text), 2), ends)),
            *map(self.others.__getitem__, (codes[to_others:] - base).tolist()),
        ]

    def of(self, text: int) -> set[str]:
        return set(self.strings(self.codes[self.offsets[text] : self.offsets[text + 1]]))


_PairValues = TypeVar("_PairValues", npt.NDArray[np.uint64], npt.NDArray[np.bool_])


class _HanText:
    """The Han characters of a batch of texts joined by line breaks, as numpy arrays: the
    ``k``-th of them is character ``ids[k]`` of ``alphabet``, in text ``texts[k]``, and
    ``pair_k`` lists the ``k`` whose next character follows it directly in the text."""

    def __init__(self, codes: npt.NDArray[np.uint32], text_of: npt.NDArray[np.int32]) -> None:
        # Millions of characters: each array is made once and then worked on in place.
        at = np.flatnonzero(han_mask(codes))
        han_codes = codes[at]
        self.alphabet = np.array(distinct_code_points(han_codes), dtype=np.int64)
        size = len(self.alphabet)
        self._char_id = np.full(int(self.alphabet[-1]) + 1 if size else 1, -1, dtype=np.int64)
        self._char_id[self.alphabet] = np.arange(size)
        self.ids = self._char_id[han_codes]
        del han_codes
        self.texts = text_of[at].astype(np.int64)
        gap = np.diff(at)
        joins_next = gap == 1
        del gap
        self.pair_k = np.flatnonzero(joins_next)
        self.pair_key = self.ids[self.pair_k]
        self.pair_key *= size
        self.pair_key += self.ids[self.pair_k + 1]
        # How many Han characters the run holds from each one on (itself included).
        breaks = ~joins_next
        run_last = np.flatnonzero(np.append(breaks, True))
        run = np.cumsum(np.concatenate(([False], breaks)))[: len(at)]
        self._left = run_last[run]
        self._left += 1
        self._left -= np.arange(len(at))

    def pair_values(self, keys: npt.NDArray[np.int64], values: _PairValues) -> _PairValues:
        """For each pair of the texts (as ``pair_key``), its value among ``keys`` (distinct
        pair keys), 0 (False) for a pair not among them."""
        size = len(self.alphabet)
        if size * size <= _DENSE_PAIRS:
            dense = np.zeros(size * size, dtype=values.dtype)
            dense[keys] = values
            found: _PairValues = dense[self.pair_key]
            return found
        out = np.zeros(len(self.pair_key), dtype=values.dtype)
        if len(keys):
            order = np.argsort(keys)
            table = keys[order]
            slot = np.minimum(np.searchsorted(table, self.pair_key), len(table) - 1)
            held = table[slot] == self.pair_key
            out[held] = values[order][slot[held]]
        return out

    def ids_of(self, text: str) -> npt.NDArray[np.int64]:
        """The alphabet ids of ``text``'s characters, -1 for one the texts never use."""
        points = code_points(text).astype(np.int64)
        inside = points < len(self._char_id)
        return np.where(inside, self._char_id[np.where(inside, points, 0)], -1)

    def find(self, pieces: list[str]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Where each of ``pieces`` (all Han) occurs: (k of its first character, piece index)
        for every occurrence."""
        size = len(self.alphabet)
        none = np.zeros(0, dtype=np.int64)
        if not pieces or not size:
            return none, none
        ids, left = self.ids, self._left
        piece_ids = self.ids_of("".join(pieces))
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        starts = np.cumsum(lengths) - lengths
        groups: dict[int, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = {}
        opening_pairs: list[npt.NDArray[np.int64]] = [none]  # the pair each piece opens with
        opening_bits: list[npt.NDArray[np.uint64]] = [np.zeros(0, dtype=np.uint64)]  # its length
        for length in np.unique(lengths).tolist():
            members = np.flatnonzero(lengths == length)
            rows = piece_ids[starts[members][:, None] + np.arange(length)]
            present = (rows >= 0).all(axis=1)  # else a character no text has: nowhere
            if present.any():
                groups[length] = (members[present], rows[present])
                if length > 1:
                    opening_pairs.append(rows[present, 0] * size + rows[present, 1])
                    opening_bits.append(
                        np.full(int(present.sum()), 1 << min(length, 63), dtype=np.uint64)
                    )
        # Each opening pair with the lengths of the pieces it opens, as bits.
        pairs = np.concatenate(opening_pairs)
        order = np.argsort(pairs, kind="stable")
        pairs = pairs[order]
        firsts = np.flatnonzero(np.append(True, pairs[1:] != pairs[:-1])) if len(pairs) else none
        pair_bits = np.zeros(len(ids), dtype=np.uint64)
        if len(pairs):
            pair_bits[self.pair_k] = self.pair_values(
                pairs[firsts], np.bitwise_or.reduceat(np.concatenate(opening_bits)[order], firsts)
            )
        # Only where some piece of two characters or more opens is one looked for.
        opening = np.flatnonzero(pair_bits)
        opening_bits_at = pair_bits[opening]
        del pair_bits
        found_at: list[npt.NDArray[np.int64]] = [none]
        found_which: list[npt.NDArray[np.int64]] = [none]
        for length, (members, rows) in groups.items():
            if length == 1:
                is_piece = np.zeros(size, dtype=np.bool_)
                is_piece[rows[:, 0]] = True
                at = np.flatnonzero(is_piece[ids])
            else:
                at = opening[(opening_bits_at & np.uint64(1 << min(length, 63))) != 0]
                at = at[left[at] >= length]
            if not len(at):
                continue
            # Hash each candidate's characters (wrapping 64-bit arithmetic), look the hash
            # up among the pieces', then compare the characters themselves.
            hashes = np.zeros(len(at), dtype=np.uint64)
            piece_hashes = np.zeros(len(members), dtype=np.uint64)
            with np.errstate(over="ignore"):
                for offset in range(length):
                    hashes = hashes * _HASH_BASE + ids[at + offset].astype(np.uint64)
                    piece_hashes = piece_hashes * _HASH_BASE + rows[:, offset].astype(np.uint64)
            order = np.argsort(piece_hashes, kind="stable")
            sorted_hashes = piece_hashes[order]
            # Pieces that share a hash (never seen) are each tried in turn.
            for shift in range(int(np.max(np.unique(sorted_hashes, return_counts=True)[1]))):
                slot = np.searchsorted(sorted_hashes, hashes) + shift
                inside = slot < len(order)
                slot = np.where(inside, slot, 0)
                # Most candidates' hashes match no piece's: only the others are compared.
                hit = np.flatnonzero(inside & (sorted_hashes[slot] == hashes))
                row = order[slot[hit]]
                same = (ids[at[hit, None] + np.arange(length)] == rows[row]).all(axis=1)
                found_at.append(at[hit[same]])
                found_which.append(members[row[same]])
        return np.concatenate(found_at), np.concatenate(found_which)


@dataclass(frozen=True)
class _PieceKinds:
    """What the pieces of _Analyzer.zh_pieces are, by their indexes in it."""

    term_index: npt.NDArray[np.int64]
    #: The pieces that are KB terms, in that order.
    terms: list[str]
    #: (index, synonym token) of each piece that is a synonym.
    synonyms: list[tuple[int, str]]


def _lengths_by_first_char(pieces: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """The lengths (ascending) of the pieces opening with each character. Some 100,000
    pieces at 10,000 entries: worked out on their code points, not one by one."""
    joined = "\n".join(pieces)
    if not joined:
        return {}
    codes = code_points(joined)
    starts = np.concatenate(([0], np.flatnonzero(codes == ord("\n")) + 1))
    ends = np.append(starts[1:] - 1, len(codes))
    keep = ends > starts
    pairs = _distinct(codes[starts[keep]].astype(np.int64) << 32 | (ends - starts)[keep])
    by_char: dict[str, list[int]] = defaultdict(list)
    for pair in pairs.tolist():
        by_char[chr(pair >> 32)].append(pair & 0xFFFFFFFF)
    return {char: tuple(sizes) for char, sizes in by_char.items()}


def _any_of(words: Iterable[str]) -> str:
    """A regex group matching any one of ``words`` literally."""
    return "(?:" + "|".join(map(re.escape, words)) + ")"


class _Fillers:
    """Words that carry no meaning of their own ("請問", "please", "I want to know")."""

    def __init__(self, fillers: Iterable[str]) -> None:
        normal_fillers = sorted(
            {normalize(filler) for filler in fillers} - {""}, key=len, reverse=True
        )
        zh_fillers = [f.replace(" ", "") for f in normal_fillers if has_han(f)]
        en_fillers = [f for f in normal_fillers if not has_han(f)]
        # English fillers go wherever they stand; Chinese ones only where a sentence opens
        # (請問…, 我想知道…), since inside one they may be part of a word (申請問題 holds 請問).
        self._en = re.compile(r"(?<!\S)" + _any_of(en_fillers) + r"(?!\S)") if en_fillers else None
        self._zh = (
            re.compile(r"(?:(?<=\s)|^)" + _any_of(zh_fillers) + r"+(?=\S)") if zh_fillers else None
        )
        # The same for a batch joined by line breaks, opening with the space or break before
        # a filler: the regex engine then skips to spaces instead of trying every position.
        self._en_many = (
            re.compile(r"([ \n])" + _any_of(en_fillers) + r"(?=[ \n]|$)") if en_fillers else None
        )
        self._zh_many = (
            re.compile(r"([ \n])" + _any_of(zh_fillers) + r"+(?=[^ \n])") if zh_fillers else None
        )

    def strip(self, normal: str) -> str:
        if self._en is not None:
            normal = self._en.sub(" ", normal)
        if self._zh is not None:
            normal = self._zh.sub("", normal)
        return " ".join(normal.split())

    def strip_many(self, normals: list[str]) -> list[str]:
        """``[strip(n) for n in normals]`` in one pass over the batch.

        The texts are normalised: their only white space is single spaces, and no line
        break. Joined by line breaks (one before the first too), every line opens with a
        break, and a filler pattern sees a line as it sees a whole text.
        """
        if not normals:
            return []
        joined = "\n" + "\n".join(normals)
        if joined.count("\n") != len(normals):  # a text holds a line break after all
            return [self.strip(normal) for normal in normals]
        if self._en_many is not None:
            joined = self._en_many.sub(r"\1 ", joined)
        if self._zh_many is not None:
            joined = self._zh_many.sub(r"\1", joined)
        return [line.strip(" ") for line in _SPACE_RUNS.sub(" ", joined[1:]).split("\n")]


class _Analyzer:
    """Turns normalised text into weighted tokens; shared by indexing and querying."""

    def __init__(
        self,
        config: MatcherConfig,
        synonyms: Sequence[Sequence[str]],
        normal_terms: Iterable[str],
        fillers: _Fillers,
    ) -> None:
        self.config = config
        self.en_synonyms: dict[tuple[str, ...], str] = {}
        self.zh_synonyms: dict[str, str] = {}
        grouped = [(f"~syn{index}", term) for index, group in enumerate(synonyms) for term in group]
        for (token, _), normal in zip(
            grouped, normalize_many([term for _, term in grouped]), strict=True
        ):
            if not normal:
                continue
            if has_han(normal):
                self.zh_synonyms[normal.replace(" ", "")] = token
            else:
                words = tuple(stem(word) for word in _EN_WORD.findall(normal))
                if words:
                    self.en_synonyms[words] = token
        self.max_en_phrase = max((len(key) for key in self.en_synonyms), default=1)
        self.en_phrase_starts = {key[0] for key in self.en_synonyms}
        # The KB's Chinese keywords (normalised) of three or more characters are its terms.
        # A 10,000-entry KB has some 100,000: they are sifted as one text, a line each.
        compact = "\n".join(dict.fromkeys(normal_terms)).replace(" ", "")
        self.zh_terms: set[str] = set(_ZH_TERM_LINES.findall(compact))
        terms = list(self.zh_terms)
        # Multi-character KB terms and synonyms: what each piece stands for, and the lengths of
        # the pieces that open with each character (or, for the index build, each bigram). A
        # run is then scanned once whatever the size of the lexicon: a 10,000-entry KB has
        # tens of thousands of keyword terms, too many to try one by one at each position.
        self.zh_pieces: dict[str, tuple[str | None, bool]] = dict.fromkeys(terms, (None, True))
        for piece, synonym in self.zh_synonyms.items():
            self.zh_pieces[piece] = (synonym, piece in self.zh_terms)
        # The terms come first among the pieces, in the order of ``terms``; then the synonyms
        # that are not terms too.
        synonym_terms = self.zh_synonyms.keys() & self.zh_terms
        at_term = {term: index for index, term in enumerate(terms) if term in synonym_terms}
        synonym_at: list[tuple[int, str]] = []
        after_terms = count(len(terms))
        for piece, token in self.zh_synonyms.items():
            synonym_at.append((at_term[piece] if piece in at_term else next(after_terms), token))
        self._zh_piece_kinds = _PieceKinds(np.arange(len(terms), dtype=np.int64), terms, synonym_at)
        # Lengths ascending: the pieces found at one position come out in sorted order.
        self.zh_piece_lengths = _lengths_by_first_char(self.zh_pieces)
        # Terms have three characters or more: only a synonym can be a single one.
        self._zh_single_pieces = frozenset(piece for piece in self.zh_synonyms if len(piece) == 1)
        self._all_weighted = (
            min(
                config.unigram_weight,
                config.number_weight,
                config.synonym_weight,
                config.term_weight,
            )
            > 0
        )
        self.fillers = fillers
        self.vocabulary: set[str] = set()

    @cached_property
    def _zh_piece_openings(self) -> dict[str, tuple[int, ...]]:
        """The lengths of the pieces opening with each bigram (for index_keys)."""
        by_bigram: dict[str, set[int]] = defaultdict(set)
        for piece in self.zh_pieces:
            if len(piece) >= 2:
                by_bigram[piece[:2]].add(len(piece))
        return {pair: tuple(sorted(sizes)) for pair, sizes in by_bigram.items()}

    @cached_property
    def _zh_opening_pairs(self) -> frozenset[str]:
        return frozenset(self._zh_piece_openings)

    def strip_fillers(self, normal: str) -> str:
        return self.fillers.strip(normal)

    def tokens(self, normal: str, correct: bool = False) -> dict[str, float]:
        weights: dict[str, float] = {}
        words: list[str] = []
        for chunk in _HAN_RUNS.split(normal):
            if not chunk.strip():
                continue
            if is_han(chunk[0]):
                self._han_tokens(chunk, weights)
            else:
                words.extend(stem(word) for word in _EN_WORD.findall(chunk))
        self._word_tokens(words, weights, correct)
        return weights

    def _word_tokens(self, words: list[str], weights: dict[str, float], correct: bool) -> None:
        cfg = self.config
        if correct:
            words = [self.correct(word) for word in words]
        starts = self.en_phrase_starts
        for start, word in enumerate(words):
            if word not in starts:
                continue
            for size in range(1, min(self.max_en_phrase, len(words) - start) + 1):
                token = self.en_synonyms.get(tuple(words[start : start + size]))
                if token:
                    _add(weights, token, cfg.synonym_weight)
        for word in words:
            if word not in _EN_STOPWORDS:
                # Bare numbers are rarely the topic ("17 times 23"); service numbers still count.
                _add(weights, word, cfg.number_weight if word.isdigit() else 1.0)

    def _han_tokens(self, run: str, weights: dict[str, float]) -> None:
        # The hottest loop of an index build: _add is inlined through a bound ``get``.
        cfg = self.config
        lengths = self.zh_piece_lengths
        pieces = self.zh_pieces
        get = weights.get
        unigram, synonym_weight, term_weight = (
            cfg.unigram_weight,
            cfg.synonym_weight,
            cfg.term_weight,
        )
        last = len(run) - 1
        for start, char in enumerate(run):
            if char not in _ZH_STOP_UNIGRAMS and get(char, 0.0) < unigram:
                weights[char] = unigram
            if start < last:
                bigram = run[start : start + 2]
                if bigram not in _ZH_STOP_BIGRAMS and get(bigram, 0.0) < 1.0:
                    weights[bigram] = 1.0
            sizes = lengths.get(char)
            if sizes is None:
                continue
            for size in sizes:
                piece = run[start : start + size]
                if len(piece) < size:
                    break
                found = pieces.get(piece)
                if found is None:
                    continue
                synonym, is_term = found
                if synonym is not None and get(synonym, 0.0) < synonym_weight:
                    weights[synonym] = synonym_weight
                if is_term and get(piece, 0.0) < term_weight:
                    weights[piece] = term_weight

    def pieces_in(self, normal: str) -> list[str]:
        """The KB terms and synonyms of three or more characters that ``normal`` holds."""
        found: list[str] = []
        lengths = self.zh_piece_lengths
        pieces = self.zh_pieces
        for run in _HAN_RUNS.findall(normal):
            for start, char in enumerate(run):
                for size in lengths.get(char, ()):
                    piece = run[start : start + size]
                    if len(piece) < size:
                        break
                    if size >= 3 and piece in pieces:
                        found.append(piece)
        return found

    def index_keys_many(self, texts: list[str], probes: Sequence[str] = ()) -> _TokenTable:
        """``index_keys`` of every text of a batch, as one table of integer token codes.

        The index build needs the tokens of some 500,000 distinct texts for a 10,000-entry
        KB; one by one that takes seconds. Here the texts are joined and worked on as numpy
        arrays: Chinese characters and pairs by their code points, KB terms and synonyms by
        exact integer keys of their characters, English words from one regex pass. Each
        text's tokens come out distinct and the same as ``index_keys`` gives (tests hold the
        two equal on the KB and on random text). ``probes`` (Chinese, spaces left out) are
        looked for too: the table tells which of them some text holds within a run of Han
        characters.
        """
        n = len(texts)
        joined = "\n".join(texts)
        if not self._all_weighted or joined.count("\n") != n - 1:
            runs = set(_HAN_RUNS.findall(joined))
            return replace(
                _TokenTable.from_sets([self.index_keys(text) for text in texts]),
                probes_found=frozenset(
                    i for i, probe in enumerate(probes) if any(probe in run for run in runs)
                ),
            )
        codes = code_points(joined)
        sizes = np.fromiter(map(len, texts), dtype=np.int64, count=n)
        text_of = np.repeat(np.arange(n, dtype=np.int32), sizes + 1)[: len(codes)]
        found = _Found()
        alphabet = self._han_tokens_many(codes, text_of, found, probes)
        self._word_tokens_many(joined, found)
        return found.table(n, alphabet)

    def _han_tokens_many(
        self,
        codes: npt.NDArray[np.uint32],
        text_of: npt.NDArray[np.int32],
        found: _Found,
        probes: Sequence[str],
    ) -> npt.NDArray[np.int64]:
        """Chinese characters, pairs, terms and synonyms; returns the characters met, whose
        positions in it are the codes of characters (pairs follow: see _TokenTable)."""
        han = _HanText(codes, text_of)
        size = len(han.alphabet)
        if not size:
            return han.alphabet
        ids, texts = han.ids, han.texts
        stop_ids = han.ids_of("".join(sorted(_ZH_STOP_UNIGRAMS)))
        stop_chars = np.zeros(size, dtype=np.bool_)
        stop_chars[stop_ids[stop_ids >= 0]] = True
        keep = ~stop_chars[ids]
        found.add(texts[keep], ids[keep])
        stop_rows = han.ids_of("".join(sorted(_ZH_STOP_BIGRAMS))).reshape(-1, 2)
        stop_rows = stop_rows[(stop_rows >= 0).all(axis=1)]
        stop_keys = np.unique(stop_rows[:, 0] * size + stop_rows[:, 1])
        keep = ~han.pair_values(stop_keys, np.ones(len(stop_keys), dtype=np.bool_))
        found.add(texts[han.pair_k[keep]], size + han.pair_key[keep])
        # KB terms and synonyms. Terms are the first tokens ``found`` numbers: some 100,000 of
        # them at 10,000 entries, numbered in one go.
        pieces = list(self.zh_pieces)
        synonym_of = np.full(len(pieces), -1, dtype=np.int64)
        term_of = np.full(len(pieces), -1, dtype=np.int64)
        kinds = self._zh_piece_kinds
        # Terms are all Han: no other token (English words, synonym tokens) can be one.
        found.numbered_first(kinds.terms)
        term_of[kinds.term_index] = np.arange(len(kinds.terms))
        for index, synonym in kinds.synonyms:
            synonym_of[index] = found.other(synonym)
        at, which = han.find([*pieces, *probes])
        probe = which >= len(pieces)
        found.probes.update((which[probe] - len(pieces)).tolist())
        at, which = at[~probe], which[~probe]
        for codes_of in (synonym_of, term_of):
            token = codes_of[which]
            found.add_others(texts[at[token >= 0]], token[token >= 0])
        return han.alphabet

    def _word_tokens_many(self, joined: str, found: _Found) -> None:
        """English words (stemmed, stop words left out) and synonym phrases."""
        words = _WORD_OR_BREAK.findall(joined)
        if not words:
            return
        first_seen: dict[str, int] = {}
        word_id = np.fromiter(
            map(first_seen.setdefault, words, count()), dtype=np.int64, count=len(words)
        )
        text_of = np.cumsum(word_id == first_seen.get("\n", -1))
        own_token = np.full(len(words), -1, dtype=np.int64)  # -1: no token of its own
        stem_id = np.full(len(words), -1, dtype=np.int64)  # -1: a line break
        stems: dict[str, int] = {}
        for word, index in first_seen.items():
            if word == "\n":
                continue
            stemmed = stem(word)
            stem_id[index] = stems.setdefault(stemmed, len(stems))
            if stemmed not in _EN_STOPWORDS:
                own_token[index] = found.other(stemmed)
        tokens = own_token[word_id]
        has_token = tokens >= 0
        found.add_others(text_of[has_token], tokens[has_token])
        sequence = stem_id[word_id]
        opens = np.zeros(len(stems) + 1, dtype=np.bool_)  # index -1: line breaks open nothing
        phrases: list[tuple[list[int], str]] = []
        for phrase, synonym in self.en_synonyms.items():
            phrase_ids = [stems.get(word, -1) for word in phrase]
            if min(phrase_ids) >= 0:
                phrases.append((phrase_ids, synonym))
                opens[phrase_ids[0]] = True
        starts = np.flatnonzero(opens[sequence])
        start_stem = sequence[starts]
        order = np.argsort(start_stem, kind="stable")
        by_stem = start_stem[order]
        for phrase_ids, synonym in phrases:
            low, high = np.searchsorted(by_stem, [phrase_ids[0], phrase_ids[0] + 1])
            at = starts[order[low:high]]
            for offset, wanted in enumerate(phrase_ids[1:], start=1):
                at = at[at + offset < len(sequence)]
                at = at[sequence[at + offset] == wanted]
            if len(at):
                found.add_others(text_of[at], np.full(len(at), found.other(synonym)))

    def index_keys(self, normal: str) -> set[str]:
        """The tokens of ``normal`` without their weights: ``set(tokens(normal))``.

        The index build needs only which tokens a text has, for some 700,000 texts of a
        10,000-entry KB; set operations find them several times faster than the weighted
        scan. tests/test_matcher.py holds the two to the same result.
        """
        if not self._all_weighted:  # a token of weight 0 is no token: the weighted scan knows
            return set(self.tokens(normal))
        keys: set[str] = set()
        if not normal.isascii():
            openings = self._zh_piece_openings
            pieces = self.zh_pieces
            for run in _HAN_RUNS.findall(normal):
                keys.update(run)
                if len(run) < 2:
                    if run in self._zh_single_pieces:
                        self._add_piece(run, keys)
                    continue
                bigrams = {run[i : i + 2] for i in range(len(run) - 1)}
                keys |= bigrams
                for char in self._zh_single_pieces.intersection(run):
                    self._add_piece(char, keys)
                for pair in bigrams & self._zh_opening_pairs:
                    sizes = openings[pair]
                    at = run.find(pair)
                    while at >= 0:
                        for size in sizes:
                            piece = run[at : at + size]
                            if len(piece) < size:
                                break
                            if piece in pieces:
                                self._add_piece(piece, keys)
                        at = run.find(pair, at + 1)
            # ``-`` walks the smaller set; ``-=`` would walk the whole stop list every time.
            keys = keys - _ZH_STOP_UNIGRAMS - _ZH_STOP_BIGRAMS
        words = [stem(word) for word in _EN_WORD.findall(normal)]
        if words:
            synonyms = self.en_synonyms
            starts = self.en_phrase_starts
            for start, word in enumerate(words):
                if word not in starts:
                    continue
                for size in range(1, min(self.max_en_phrase, len(words) - start) + 1):
                    token = synonyms.get(tuple(words[start : start + size]))
                    if token:
                        keys.add(token)
            keys.update(word for word in words if word not in _EN_STOPWORDS)
        return keys

    def _add_piece(self, piece: str, keys: set[str]) -> None:
        synonym, is_term = self.zh_pieces[piece]
        if synonym is not None:
            keys.add(synonym)
        if is_term:
            keys.add(piece)

    def correct(self, word: str) -> str:
        if (
            len(word) < self.config.typo_min_length
            or word in self.vocabulary
            or word in _EN_STOPWORDS
            or not word.isalpha()
        ):
            return word
        return self._nearest(word)

    @lru_cache(maxsize=8192)  # noqa: B019 - one analyzer per matcher, kept for its lifetime
    def _nearest(self, word: str) -> str:
        bucket = self._buckets.get(len(word), ())
        found = process.extractOne(
            word,
            bucket,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=self.config.typo_cutoff / 100,
        )
        return str(found[0]) if found else word

    def freeze_vocabulary(self, words: set[str]) -> None:
        """The KB's English words (see _english_words), which typos are corrected to."""
        self.vocabulary = words
        buckets: dict[int, list[str]] = defaultdict(list)
        for word in sorted(self.vocabulary):
            if len(word) < self.config.typo_min_length:
                continue
            # Typos change the length by at most one or two letters in practice.
            for length in range(len(word) - 1, len(word) + 2):
                buckets[length].append(word)
        self._buckets: dict[int, tuple[str, ...]] = {k: tuple(v) for k, v in buckets.items()}


# A request for a person, beyond the listed phrases: a verb of talking near a word for a person
# ("can I speak with a staff member", "is there someone I can talk to"), or a message that is
# nothing but such a word ("human pls", "staff").
_PERSON = r"(?:human|humans|person|people|someone|somebody|staff|staffer|agent|operator|representative|officer|member of staff|staff member|real one)"
_TALK = r"(?:talk|speak|chat|connect|transfer|put me through|get me)"
_EN_PERSON_REQUEST = re.compile(
    rf"\b{_TALK}\b(?:\s+\S+){{0,4}}?\s+{_PERSON}\b|\b{_PERSON}\b(?:\s+\S+){{0,6}}?\s+(?:i|we)\s+(?:can|could)\s+{_TALK}\b"
)
_EN_PERSON_ONLY = re.compile(
    rf"^(?:(?:a|an|the|to|please|pls|plz|now|me|i want|i need)\s+)*{_PERSON}(?:\s+(?:please|pls|plz|now))*$"
)
_ZH_PERSON_REQUEST = re.compile(
    r"(?:跟|和|與|找|轉|接|給)[^，。？！ ]{0,4}(?:真人|工作人員|承辦|客服|專人|人工|服務人員|縣府的人|真的人)"
)


# Asking whether the bot is a person is a question about the bot, not a request for one.
_ABOUT_THE_BOT = re.compile(
    r"(?:你|妳|您)是(?:不是)?真人|是真人還是|是不是真人|\bare you (?:a |an )?(?:real|human|bot|robot|person)"
    r"|\b(?:real person|human) or (?:a )?(?:bot|robot|machine)"
)


def is_person_request(normal: str) -> bool:
    compact = normal.replace(" ", "")
    if _ABOUT_THE_BOT.search(normal) or _ABOUT_THE_BOT.search(compact):
        return False
    return bool(
        _EN_PERSON_REQUEST.search(normal)
        or _EN_PERSON_ONLY.match(normal)
        or _ZH_PERSON_REQUEST.search(compact)
    )


class _PhraseSpotter:
    """Finds any of a set of phrases in normalised text (English by whole words)."""

    def __init__(self, phrases: Iterable[str]) -> None:
        normal = {normalize(phrase) for phrase in phrases} - {""}
        self.zh = sorted({p.replace(" ", "") for p in normal if any(is_han(ch) for ch in p)})
        self.en = sorted({f" {p} " for p in normal if not any(is_han(ch) for ch in p)})

    def found_in(self, normal: str) -> bool:
        padded = f" {normal} "
        compact = normal.replace(" ", "")
        return any(p in padded for p in self.en) or any(p in compact for p in self.zh)


#: Han text right after a place that makes it a description of people, papers or firms from
#: there (「大阪人」「中國的學生」「日本籍」「美國護照」「中國信託」), part of another name
#: (「中山路」「南京東路」「中山一路」, a district, a village, a school) or where a trip starts
#: (「東京出發」): not what the question is about.
_HAN_NOT_THE_SUBJECT_AFTER = re.compile(
    r"(?:大陸)?的?(?:人(?!口)|籍|國籍|護照|駕照|學生|留學生|交換生|同學|朋友|家人|旅客|遊客|"
    r"觀光客|老師|教授|居民|公民|國民|移工|外勞|配偶|新住民|代表團|訪問團|銀聯)"
    r"|信託|航空|銀行|醫藥"
    r"|[東西南北]?[一二三四五六七八九十]*段?(?:路(?!線)|街|巷|弄|大道)|區|村|大學|國小|國中|高中"
    r"|出發|來的|過來"
)
#: Han text right before a place the visitor comes from: 「從台中」「來自大阪」.
_HAN_FROM = ("從", "自")
#: English words before and after a place that make it where the visitor comes from, a
#: description of people, papers or firms from there, or part of a street's name.
_EN_FROM = {"from"}
_EN_NOT_THE_SUBJECT_AFTER = {
    "citizen", "citizens", "national", "nationals", "passport", "passports", "student",
    "students", "exchange", "friend", "friends", "visitor", "visitors", "tourist", "tourists",
    "people", "resident", "residents", "delegation", "delegates", "migrant", "migrants",
    "worker", "workers", "spouse", "spouses", "wife", "husband", "family", "driver", "drivers",
    "driving", "license", "licence", "airlines", "airline", "bank", "street", "st", "road",
    "rd", "avenue", "ave",
}  # fmt: skip


class _PlaceSpotter:
    """Finds the places a question is about, among thousands, by lookups rather than scans.

    A place the question names only as where the visitor comes from ("I'm from Osaka, do I
    need an ARC?", 「從台中到花蓮」), as what people or papers are ("Vietnam students") or
    inside another name (「中山路」) is not what it asks about. Chinese has no spaces, so a
    name may also sit across two words (卡達 in 「信用卡達到上限」, 東加 in 「花東加油站」): where
    a character next to it forms a pair the KB's own texts use (用卡, 花東), the name is read
    as part of that word instead.
    """

    def __init__(self, places: Iterable[str], known_pair: Callable[[str], bool]) -> None:
        normal = set(normalize_many(list(places))) - {""}
        self.han = {p.replace(" ", "") for p in normal if has_han(p)}
        self.en = {p for p in normal if not has_han(p)}
        self._han_lengths = sorted({len(p) for p in self.han}, reverse=True)
        self._en_lengths = sorted({len(p.split()) for p in self.en}, reverse=True)
        self._known_pair = known_pair

    def __bool__(self) -> bool:
        return bool(self.han or self.en)

    def named(self, normal: str) -> list[str]:
        """The places (normalised) the normalised question is about."""
        found: list[str] = []
        if self.han and has_han(normal):
            compact = normal.replace(" ", "")
            at = 0
            while at < len(compact):
                place = next(
                    (
                        compact[at : at + n]
                        for n in self._han_lengths
                        if compact[at : at + n] in self.han
                    ),
                    None,
                )
                if place is None:
                    at += 1
                    continue
                end = at + len(place)
                if not (
                    compact.endswith(_HAN_FROM, 0, at)
                    or _HAN_NOT_THE_SUBJECT_AFTER.match(compact, end)
                    or (at and self._known_pair(compact[at - 1 : at + 1]))
                    or (
                        end < len(compact)
                        and (
                            self._known_pair(compact[end - 1 : end + 1])
                            # A doubled character is one word (多哥 in 「多哥哥」).
                            or compact[end - 1] == compact[end]
                        )
                    )
                ):
                    found.append(place)
                at = end
        if self.en:
            words = normal.split()
            at = 0
            while at < len(words):
                size = next(
                    (n for n in self._en_lengths if " ".join(words[at : at + n]) in self.en), 0
                )
                place = " ".join(words[at : at + size])
                if not size and len(words[at]) > 4 and words[at][-1] == "s":
                    # "Tokyo's" is normalised to "tokyos".
                    size, place = (1, words[at][:-1]) if words[at][:-1] in self.en else (0, "")
                if not size:
                    at += 1
                    continue
                # "Nigeria students", "a Nigeria exchange student": the next word or the one
                # after it.
                after = set(words[at + size : at + size + 2])
                if not ((at and words[at - 1] in _EN_FROM) or after & _EN_NOT_THE_SUBJECT_AFTER):
                    found.append(place)
                at += size
        return found


@dataclass(frozen=True)
class _Scored:
    entry_index: int
    confidence: float
    coverage: float
    bm25: float
    fuzzy: float
    #: Share of the question's information in words the KB never uses (a query-level figure).
    unknown: float


class Matcher:
    def __init__(self, kb: KnowledgeBase, config: MatcherConfig | None = None) -> None:
        self.kb = kb
        self.config = config or MatcherConfig()
        self.entries: tuple[Entry, ...] = kb.entries
        self.handoff = _PhraseSpotter(kb.intents.handoff.all())
        self.home = _PhraseSpotter(kb.intents.home.all())
        self.emergency = _PhraseSpotter(kb.intents.emergency.all())
        self.emergency_index = next(
            (i for i, entry in enumerate(self.entries) if entry.id == EMERGENCY_ENTRY), None
        )
        places = [*kb.intents.elsewhere.all(), *kb.places]
        self._build_index(_Fillers(kb.intents.fillers.all()), places)
        self.category_cues = [
            (category, _PhraseSpotter(cues.all()))
            for category, cues in kb.intents.category_cues.items()
        ]
        self.entry_categories = [entry.category for entry in self.entries]

    # -- index ---------------------------------------------------------------------------

    def _build_index(self, fillers: _Fillers, places: list[str]) -> None:
        """Index every entry, and find which of ``places`` the KB never mentions.

        A 10,000-entry KB holds some 700,000 phrasings and keywords and 20,000 answers, 16
        million characters: every step works on whole batches (see _index_part), and the
        postings are laid out with numpy. On a machine with more than one core a large KB
        is indexed in two halves side by side (see _index_parts).
        """
        cfg = self.config
        merged, self.analyzer = _index_parts(
            _AnalyzerRecipe(cfg, self.kb.synonyms, fillers), self.entries, places
        )
        parts, numbers, n_tokens = merged.parts, merged.numbers, merged.n_numbers
        #: Each entry's filler-free phrasings, for the fuzzy comparison at query time: those of
        #: entry i are _phrasings[_phrasing_bounds[i]:_phrasing_bounds[i + 1]].
        self._phrasings = merged.phrasings
        self._phrasing_bounds: list[int] = np.concatenate(
            ([0], np.cumsum(np.concatenate([part.per_entry for part in parts])))
        ).tolist()
        self.function_phrasings = merged.function
        #: Places the index texts never mention; the answers are looked at on first need.
        self._places_named = _PlaceSpotter(
            (place for i, place in enumerate(places) if i not in merged.places),
            self._is_kb_pair,
        )
        self._answers: tuple[str, str] | None = None
        self._in_answers: dict[str, bool] = {}
        self.analyzer.freeze_vocabulary(merged.words)
        n_docs = len(self.entries)
        # A part's cells come ordered by token, then entry, and every entry of a part comes
        # after those of the parts before it: each cell's place in the postings (by token,
        # then entry) follows from counts, without sorting them all again.
        held = [
            np.bincount(number[part.cell_token], minlength=n_tokens)
            for part, number in zip(parts, numbers, strict=True)
        ]
        document_frequency = np.sum([np.zeros(n_tokens, dtype=np.int64), *held], axis=0)
        bounds = np.concatenate(([0], np.cumsum(document_frequency)))
        docs = np.zeros(int(bounds[-1]), dtype=np.int64)
        tf = np.zeros(int(bounds[-1]), dtype=np.float64)
        next_free = bounds[:-1].copy()
        first_doc = 0
        for part, number, count_of in zip(parts, numbers, held, strict=True):
            local = part.cell_token
            run_start = np.cumsum(np.bincount(local, minlength=len(part.vocabulary)))
            run_start -= np.bincount(local, minlength=len(part.vocabulary))
            at = next_free[number[local]] + np.arange(len(local)) - run_start[local]
            docs[at] = part.cell_doc + first_doc
            tf[at] = part.cell_tf
            next_free += count_of
            first_doc += len(part.per_entry)
        # idf takes one value per document frequency: math.log on each distinct one.
        distinct_df = _distinct(document_frequency)
        logs = np.array(
            [math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in distinct_df.tolist()],
            dtype=np.float64,
        )
        idf = logs[np.searchsorted(distinct_df, document_frequency)]
        self._idf: list[float] = idf.tolist()
        self.unknown_idf = math.log(1 + (n_docs + 0.5) / 0.5)
        self._token_ids: dict[str, int] = merged.token_ids
        lengths = np.bincount(docs, weights=tf, minlength=n_docs)
        average = float(lengths.mean()) if n_docs else 1.0
        norm = cfg.k1 * (1 - cfg.b + cfg.b * lengths[docs] / average)
        weight = np.repeat(idf, document_frequency) * tf * (cfg.k1 + 1) / (tf + norm)
        self._posting_bounds: list[int] = bounds.tolist()
        self._posting_docs: npt.NDArray[np.int64] = docs
        self._posting_weights: npt.NDArray[np.float32] = weight.astype(np.float32)
        self.n_docs = n_docs

    def idf(self, token: str) -> float | None:
        """The token's idf, or None for a token the KB does not hold."""
        index = self._token_ids.get(token)
        return None if index is None else self._idf[index]

    def is_elsewhere(self, place: str) -> bool:
        """Whether the KB's answers, too, never mention ``place`` (normalised), which its
        questions, keywords and titles do not mention (see _build_index).

        The answers are only needed for a question naming such a place, so they are
        normalised then, once: at 10,000 entries they are 5 million characters the index
        build need not read.
        """
        known = self._in_answers.get(place)
        if known is None:
            if self._answers is None:
                answers = [
                    text for entry in self.entries for text in entry.answer.model_dump().values()
                ]
                padded = " " + " ".join(normalize_many(answers)) + " "
                self._answers = (padded, padded.replace(" ", ""))
            padded, compact = self._answers
            known = place.replace(" ", "") in compact if has_han(place) else f" {place} " in padded
            self._in_answers[place] = known
        return not known

    def _is_kb_pair(self, pair: str) -> bool:
        """Whether the KB's questions, keywords or titles use this pair of Han characters as a
        word: a pair with a particle (拜的, 京嗎) is a seam between words, not one."""
        return (
            len(pair) == 2
            and is_han(pair[0])
            and is_han(pair[1])
            and (
                (pair[0] not in _ZH_PARTICLES and pair[1] not in _ZH_PARTICLES)
                or pair in _ZH_PARTICLE_WORDS
            )
            and pair in self._token_ids
        )

    def _posting(self, token: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]] | None:
        """The entries holding ``token`` and its BM25 weight in each, or None."""
        index = self._token_ids.get(token)
        return None if index is None else self._posting_at(index)

    def _posting_at(self, index: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        low, high = self._posting_bounds[index], self._posting_bounds[index + 1]
        return self._posting_docs[low:high], self._posting_weights[low:high]

    # -- query ---------------------------------------------------------------------------

    def match(self, question: str) -> Match:
        lang = detect_language(question)
        normal = normalize(question)
        if self.emergency_index is not None and self.emergency.found_in(normal):
            return Match(
                question,
                lang,
                Decision.ANSWER,
                EMERGENCY_ENTRY,
                (EMERGENCY_ENTRY,),
                1.0,
                emergency=True,
            )
        if not _ABOUT_THE_BOT.search(normal) and (
            self.handoff.found_in(normal) or is_person_request(normal)
        ):
            return Match(question, lang, Decision.HANDOFF, score=1.0)
        scored = self._score(self.analyzer.strip_fillers(normal))
        cued = {category for category, spotter in self.category_cues if spotter.found_in(normal)}
        if cued:
            scored = sorted(
                (
                    replace(s, confidence=s.confidence + self.config.cue_boost)
                    if self.entry_categories[s.entry_index] in cued
                    else s
                    for s in scored
                ),
                key=lambda s: s.confidence,
                reverse=True,
            )
        guesses = tuple((self.entries[s.entry_index].id, s.confidence) for s in scored[:3])
        if (
            self._places_named
            and not self.home.found_in(normal)
            and any(map(self.is_elsewhere, self._places_named.named(normal)))
        ):
            # About a place the desk knows nothing of: the county's answer would mislead.
            best = scored[0].confidence if scored else 0.0
            return Match(question, lang, Decision.FALLBACK, score=best, guesses=guesses)
        return self._decide(question, lang, scored, guesses)

    def _score(self, normal: str) -> list[_Scored]:
        cfg = self.config
        query = self._drop_seams(normal, self.analyzer.tokens(normal, correct=True))
        if not self.n_docs:
            return []
        if not query:
            return self._score_function_words(normal)
        scores = np.zeros(self.n_docs, dtype=np.float32)
        # The question's information each entry explains: the idf of the tokens it holds,
        # added in the question's order.
        explained = np.zeros(self.n_docs, dtype=np.float64)
        total_information = 0.0
        unknown_information = 0.0
        best_possible = 0.0
        for token, weight in query.items():
            index = self._token_ids.get(token)
            idf = self.unknown_idf if index is None else self._idf[index]
            total_information += weight * idf
            best_possible += weight * idf * (cfg.k1 + 1)
            if index is None:
                unknown_information += weight * idf
                continue
            docs, weights = self._posting_at(index)
            scores[docs] += weights * weight
            explained[docs] += weight * idf
        depth = min(cfg.rerank_depth, self.n_docs)
        top = np.argpartition(-scores, depth - 1)[:depth]
        unknown = unknown_information / total_information if total_information else 1.0
        candidates: list[tuple[float, int, float, float]] = []
        for index in top:
            raw = float(scores[index])
            if raw <= 0:
                continue
            coverage = float(explained[index]) / total_information if total_information else 0.0
            bm25 = min(1.0, raw / best_possible) if best_possible else 0.0
            partial = cfg.weight_coverage * coverage + cfg.weight_bm25 * bm25
            candidates.append((partial, int(index), coverage, bm25))
        # The fuzzy comparison is most of a question's cost, and only the best few results
        # are ever used (the answer, the runner-up, up to three options or guesses). Taken
        # from the most promising down, a candidate that could not reach them even with a
        # perfect fuzzy score and a category cue is not compared at all, nor any after it.
        candidates.sort(reverse=True)
        ceiling = cfg.weight_fuzzy + cfg.cue_boost
        used = max(3, cfg.max_options)
        results: list[_Scored] = []
        best: list[float] = []  # the ``used`` highest confidences so far, highest first
        for partial, index, coverage, bm25 in candidates:
            if len(best) == used and partial + ceiling < best[-1]:
                break
            fuzzy = self._fuzzy(normal, index)
            confidence = partial + cfg.weight_fuzzy * fuzzy
            results.append(_Scored(index, confidence, coverage, bm25, fuzzy, unknown))
            best = sorted([*best, confidence], reverse=True)[:used]
        results.sort(key=lambda s: s.confidence, reverse=True)
        return results

    def _drop_seams(self, normal: str, query: dict[str, float]) -> dict[str, float]:
        """Drop the question's bigrams that are not words of it.

        Chinese is written without spaces, so bigrams also pair characters across a word
        boundary. Such a pair is a seam, not a word, and blurs the ranking: unknown to the
        KB, it counts as information the KB cannot explain and drags every entry's coverage
        down alike, the right one with the others; known (的國 from 「…的國際…」), it rewards
        whichever entry happens to have the same seam. Three kinds are dropped:

        * a pair with a particle (的, 麼, 嗎 …): 「學校之間的國際交流怎麼申請」 holds 間的,
          的國, 流怎 and 麼申; the few real words with one (目的, 的士) stay;
        * the pairs of an A-not-A question: 「貴不貴」 asks about 貴, not about 貴不 or 不貴;
        * a pair the KB never uses inside a term or synonym it knows as a whole: 「出入境管理
          局」 is the immigration agency (a synonym of 移民署), and its 境管 and 理局 say no more.

        An unknown pair of content characters elsewhere is kept: it still tells a question
        about something the KB does not cover.
        """
        dropped = {
            token
            for token in query
            if len(token) == 2
            and (token[0] in _ZH_PARTICLES or token[1] in _ZH_PARTICLES)
            and token not in _ZH_PARTICLE_WORDS
        }
        for match in _A_NOT_A.finditer(normal):
            dropped.update((match.group(0)[:2], match.group(0)[1:]))
        known = self._token_ids
        for piece in self.analyzer.pieces_in(normal):
            dropped.update(
                bigram
                for bigram in (piece[i : i + 2] for i in range(len(piece) - 1))
                if bigram not in known
            )
        if not dropped:
            return query
        return {token: weight for token, weight in query.items() if token not in dropped}

    def _score_function_words(self, normal: str) -> list[_Scored]:
        """A question made only of function words ("what can I ask you", "who are you") has
        no token to rank by; it is compared whole with the KB phrasings of the same kind."""
        if not normal or not self.function_phrasings:
            return []
        found = process.extract(
            normal,
            [text for text, _ in self.function_phrasings],
            scorer=fuzz.ratio,
            limit=self.config.max_options * 2,
            score_cutoff=self.config.function_phrase_cutoff,
        )
        best: dict[int, float] = {}
        for _, score, position in found:
            index = self.function_phrasings[position][1]
            best[index] = max(best.get(index, 0.0), score / 100)
        return sorted(
            (_Scored(index, score, 1.0, 0.0, score, 0.0) for index, score in best.items()),
            key=lambda s: s.confidence,
            reverse=True,
        )

    def phrasings(self, index: int) -> list[str]:
        """The filler-free phrasings (questions and titles) of entry ``index``."""
        return self._phrasings[self._phrasing_bounds[index] : self._phrasing_bounds[index + 1]]

    def _fuzzy(self, normal: str, index: int) -> float:
        found = process.extractOne(normal, self.phrasings(index), scorer=fuzz.token_set_ratio)
        return float(found[1]) / 100 if found else 0.0

    def _decide(
        self,
        question: str,
        lang: Lang,
        scored: list[_Scored],
        guesses: tuple[tuple[str, float], ...],
    ) -> Match:
        cfg = self.config
        if not scored or scored[0].confidence < cfg.clarify_threshold:
            best = scored[0].confidence if scored else 0.0
            return Match(question, lang, Decision.FALLBACK, score=best, guesses=guesses)
        top = scored[0]
        runner_up = scored[1].confidence if len(scored) > 1 else 0.0
        top_id = self.entries[top.entry_index].id
        # A confident leader needs a smaller lead: the margin shrinks with the room left above it.
        room = (1.05 - top.confidence) / (1.05 - cfg.answer_threshold)
        required_margin = cfg.answer_margin * min(1.0, max(room, 0.0))
        lead = top.confidence - runner_up
        if (top.confidence >= cfg.answer_threshold and lead >= required_margin) or (
            top.confidence >= cfg.lead_threshold
            and lead >= cfg.lead_margin
            and top.unknown <= cfg.lead_max_unknown
        ):
            return Match(
                question,
                lang,
                Decision.ANSWER,
                top_id,
                (top_id,),
                top.confidence,
                guesses=guesses,
            )
        options = tuple(
            self.entries[s.entry_index].id
            for s in scored[: cfg.max_options]
            if s.confidence >= cfg.clarify_threshold
            and top.confidence - s.confidence <= cfg.clarify_window
        )
        # A single option below the answer bar is still offered, as a "did you mean".
        return Match(
            question, lang, Decision.CLARIFY, None, options, top.confidence, guesses=guesses
        )


# -- index build ---------------------------------------------------------------------------

#: A KB at least this large is indexed in two halves side by side when the machine allows.
PARALLEL_MIN_ENTRIES = 2_000
#: How long the index build waits for its worker process to leave once it is done with it.
WORKER_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class _Part:
    """The index of a run of entries before merging: what a worker process hands back.

    ``cell_*`` hold one (entry, token, count) cell per token an entry holds, entries
    counted from the run's first, tokens as indexes into ``vocabulary``; ordered by token,
    then entry."""

    #: The entries' filler-free phrasings, none empty, entry after entry: ``per_entry`` each.
    phrasings: list[str]
    per_entry: npt.NDArray[np.int64]
    function: list[tuple[str, int]]
    vocabulary: list[str]
    cell_doc: npt.NDArray[np.int64]
    cell_token: npt.NDArray[np.int64]
    cell_tf: npt.NDArray[np.int64]
    #: Indexes of the places (intents.elsewhere, places.yaml) the run's texts mention.
    places: frozenset[int]
    #: The English words among ``vocabulary`` (see _english_words).
    words: list[str]

    def to_wire(self) -> _WirePart:
        """This part in the form that crosses a pipe fastest: a few long texts and arrays
        rather than hundreds of thousands of short strings (none holds a line break)."""
        return _WirePart(
            "\n".join(self.phrasings),
            len(self.phrasings),
            self.per_entry.astype(np.int32),
            self.function,
            "\n".join(self.vocabulary),
            len(self.vocabulary),
            self.cell_doc.astype(np.int32),
            self.cell_token.astype(np.int32),
            self.cell_tf.astype(np.int32),
            self.places,
            "\n".join(self.words),
        )


@dataclass(frozen=True)
class _WirePart:
    phrasings: str
    n_phrasings: int
    per_entry: npt.NDArray[np.int32]
    function: list[tuple[str, int]]
    vocabulary: str
    n_vocabulary: int
    cell_doc: npt.NDArray[np.int32]
    cell_token: npt.NDArray[np.int32]
    cell_tf: npt.NDArray[np.int32]
    places: frozenset[int]
    words: str

    def part(self) -> _Part:
        texts = self.phrasings.split("\n") if self.n_phrasings else []
        vocabulary = self.vocabulary.split("\n") if self.n_vocabulary else []
        if len(texts) != self.n_phrasings or len(vocabulary) != self.n_vocabulary:
            raise ValueError("a phrasing or token holds a line break")
        return _Part(
            texts,
            self.per_entry.astype(np.int64),
            self.function,
            vocabulary,
            self.cell_doc.astype(np.int64),
            self.cell_token.astype(np.int64),
            self.cell_tf.astype(np.int64),
            self.places,
            self.words.split("\n") if self.words else [],
        )


@dataclass(frozen=True)
class _AnalyzerRecipe:
    """All the analyzer is built from but its terms, which the index build finds."""

    config: MatcherConfig
    synonyms: Sequence[Sequence[str]]
    fillers: _Fillers

    def build(self, normal_terms: Iterable[str]) -> _Analyzer:
        return _Analyzer(self.config, self.synonyms, normal_terms, self.fillers)


class _Merged:
    """The parts' indexes, joined as they come: the first while the second is still being
    built elsewhere. Token numbers: a part's tokens are numbered after the parts before
    it, in one pass; one an earlier part holds keeps that number, and leaves its own slot
    empty (no postings), which costs less than numbering the new ones without gaps."""

    def __init__(self) -> None:
        self.parts: list[_Part] = []
        self.token_ids: dict[str, int] = {}
        #: Token numbers given so far (0 to n_numbers - 1; some left empty), and each
        #: part's tokens by number.
        self.n_numbers = 0
        self.numbers: list[npt.NDArray[np.int64]] = []
        self.phrasings: list[str] = []
        self.function: list[tuple[str, int]] = []
        self.words: set[str] = set()
        self.places: set[int] = set()
        self.n_docs = 0

    def add(self, part: _Part) -> None:
        self.numbers.append(
            np.fromiter(
                map(self.token_ids.setdefault, part.vocabulary, count(self.n_numbers)),
                dtype=np.int64,
                count=len(part.vocabulary),
            )
        )
        self.n_numbers += len(part.vocabulary)
        self.phrasings += part.phrasings
        self.function += [(text, self.n_docs + doc) for text, doc in part.function]
        self.words.update(part.words)
        self.places.update(part.places)
        self.parts.append(part)
        self.n_docs += len(part.per_entry)


#: Gives the analyzer, from the Chinese keywords (normalised) of the entries being indexed.
_AnalyzerOf = Callable[[list[str]], _Analyzer]


def _index_parts(
    recipe: _AnalyzerRecipe, entries: Sequence[Entry], places: list[str]
) -> tuple[_Merged, _Analyzer]:
    """Index ``entries``: in one go, or in two halves side by side in a forked process.

    The analyzer needs every entry's Chinese keywords (its terms) before any text can be
    tokenised. Each half normalises its own phrasings and keywords first, then the halves
    trade their Chinese keywords and each builds the same analyzer: nothing is done before
    the halves start, and nothing twice but the analyzer itself.

    Forking is safe only in a process with no other thread (a lock held by one would stay
    held in the child forever), so a process that has started threads indexes in one go.
    """
    if (
        len(entries) < PARALLEL_MIN_ENTRIES
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
        or threading.active_count() > 1
    ):
        part, analyzer = _index_part(entries, places, recipe.fillers, recipe.build)
        merged = _Merged()
        merged.add(part)
        return merged, analyzer
    half = len(entries) // 2
    here, there = multiprocessing.get_context("fork").Pipe(duplex=True)

    def work() -> None:
        # The parent's end, inherited: held open here, it would keep this side waiting on
        # the pipe for ever after the parent had given up on it.
        here.close()

        def trade(own: list[str]) -> _Analyzer:
            there.send("\n".join(own))
            theirs: str = there.recv()
            return recipe.build([*own, *theirs.split("\n")])

        try:
            part, _ = _index_part(entries[half:], places, recipe.fillers, trade)
            there.send(part.to_wire())
        except (EOFError, OSError):  # the parent has given up on this half
            pass
        finally:
            there.close()

    def trade(own: list[str]) -> _Analyzer:
        try:
            received: str = here.recv()
            theirs = received.split("\n")
            here.send("\n".join(own))
        except (EOFError, OSError):  # the worker died: its keywords are normalised here
            theirs = normalize_many(_zh_keywords(entries[half:]))
        return recipe.build([*own, *theirs])

    worker = multiprocessing.get_context("fork").Process(target=work, daemon=True)
    # The child shares the parent's memory page by page until either writes to a page; a
    # garbage collection walking the KB's objects would write to (and so copy) them all.
    # Frozen, they are left out of collections, here and in the child, during the build.
    gc.freeze()
    try:
        worker.start()
    except BaseException:
        gc.unfreeze()
        raise
    try:
        there.close()
        first, analyzer = _index_part(entries[:half], places, recipe.fillers, trade)
        merged = _Merged()
        merged.add(first)  # while the worker may still be at its half
        try:
            wire: _WirePart = here.recv()
            second = wire.part()
        except (EOFError, OSError):  # the worker died: do its half here
            second, _ = _index_part(entries[half:], places, recipe.fillers, lambda _: analyzer)
        merged.add(second)
    finally:
        gc.unfreeze()
        here.close()
        # The worker leaves once it has handed its half back, or on finding this end closed;
        # one stuck anyway is not waited on for ever.
        worker.join(WORKER_GRACE_SECONDS)
        if worker.is_alive():
            logger.warning("the index worker did not leave; killing it")
            worker.kill()
            worker.join()
    return merged, analyzer


def _zh_keywords(entries: Sequence[Entry]) -> list[str]:
    """The distinct Chinese keywords of ``entries``, as written."""
    return list(dict.fromkeys(k for entry in entries for k in entry.keywords.zh_hant))


def _index_part(
    entries: Sequence[Entry], places: list[str], fillers: _Fillers, analyzer_of: _AnalyzerOf
) -> tuple[_Part, _Analyzer]:
    """Tokenise a run of entries and count each entry's tokens; ``analyzer_of`` gets the
    run's Chinese keywords, normalised, and gives the analyzer to tokenise with.

    An entry's count of a token: the phrasings (questions and titles) that hold it, plus
    keyword_boost for each keyword that holds it. Everything works on the whole batch: one
    normalisation pass over all texts, each distinct keyword tokenised once (keywords recur:
    department names, "110"; phrasings hardly do, and finding repeats would cost more than
    it saves), the counting done on numpy arrays.
    """
    phrasings: list[str] = []
    for entry in entries:
        questions = entry.questions
        phrasings += [*questions.zh_hant, *questions.en, entry.title.zh_hant, entry.title.en]
    per_phrasings = np.fromiter(
        (len(e.questions.zh_hant) + len(e.questions.en) + 2 for e in entries),
        dtype=np.int64,
        count=len(entries),
    )
    per_keywords = np.fromiter(
        (len(e.keywords.zh_hant) + len(e.keywords.en) for e in entries),
        dtype=np.int64,
        count=len(entries),
    )
    stripped = fillers.strip_many(normalize_many(phrasings))
    keywords = [k for entry in entries for k in (*entry.keywords.zh_hant, *entry.keywords.en)]
    distinct = list(dict.fromkeys(keywords))
    normal = dict(zip(distinct, normalize_many(distinct), strict=True))
    analyzer = analyzer_of(list(map(normal.__getitem__, _zh_keywords(entries))))
    boost = analyzer.config.keyword_boost
    texts = stripped + list(map(normal.__getitem__, distinct))
    position = dict(zip(distinct, count(len(stripped)), strict=False))
    keyword_ids = np.fromiter(
        map(position.__getitem__, keywords), dtype=np.int64, count=len(keywords)
    )
    places_han, places_other = _places_by_script(places)
    table = analyzer.index_keys_many(texts, [place for _, place in places_han])
    docs = np.arange(len(entries), dtype=np.int64)
    occurrence_doc = np.concatenate((np.repeat(docs, per_phrasings), np.repeat(docs, per_keywords)))
    occurrence_text = np.concatenate((np.arange(len(stripped), dtype=np.int64), keyword_ids))
    occurrence_weight = np.concatenate(
        (
            np.ones(len(stripped), dtype=np.int64),
            np.full(len(keyword_ids), boost, dtype=np.int64),
        )
    )
    # One cell per token of each occurrence, then the cells of one (entry, token) summed.
    # Millions of cells: worked on in place, each step writing over the last.
    starts = table.offsets[occurrence_text]
    held = table.offsets[occurrence_text + 1] - starts
    starts -= np.cumsum(held) - held
    at = np.repeat(starts, held)
    at += np.arange(len(at), dtype=np.int64)
    packed = table.codes[at]
    del at
    n_docs = max(len(entries), 1)
    packing = max(boost, 1) + 1
    # Ordered by token, then entry: the order of the postings (see Matcher._build_index).
    packed *= n_docs
    packed += np.repeat(occurrence_doc, held)
    packed *= packing
    packed += np.repeat(occurrence_weight, held)
    packed.sort()
    cell, weight = np.divmod(packed, packing)
    del packed
    if len(cell):
        opens = np.flatnonzero(np.append(True, cell[1:] != cell[:-1]))
        tf = np.add.reduceat(weight, opens)
        cell = cell[opens]
    else:
        tf = cell
    code = cell // n_docs
    new_token = np.append(True, code[1:] != code[:-1]) if len(code) else code.astype(np.bool_)
    used = code[new_token]
    cell_token = np.cumsum(new_token) - 1
    # Each entry's filler-free phrasings, for the fuzzy comparison at query time, and the
    # ones made only of function words ("who are you"), compared whole with such questions.
    doc_of = np.repeat(docs, per_phrasings)
    filled = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped)) > 0
    no_token = table.offsets[1 : len(stripped) + 1] == table.offsets[: len(stripped)]
    function = [(stripped[i], int(doc_of[i])) for i in np.flatnonzero(no_token & filled).tolist()]
    vocabulary = table.strings(used)
    part = _Part(
        list(compress(stripped, filled.tolist())),
        np.bincount(doc_of[filled], minlength=len(entries)),
        function,
        vocabulary,
        cell % n_docs,
        cell_token,
        tf,
        frozenset(
            [places_han[i][0] for i in table.probes_found]
            + _places_mentioned(places_other, texts, set(table.others))
        ),
        _english_words(table.others),
    )
    return part, analyzer


def _english_words(tokens: list[str]) -> list[str]:
    """The tokens that are English words: what a typo in a question is corrected to."""
    # Some 100,000 tokens at 10,000 entries, most of them Chinese terms: filtered in C.
    return list(filter(str.isalpha, filter(str.isascii, tokens)))


def _distinct(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values, sorted (np.unique, without its overhead for large arrays)."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered
    kept: npt.NDArray[np.int64] = ordered[np.append(True, ordered[1:] != ordered[:-1])]
    return kept


def _places_by_script(places: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The places (normalised) written in Han characters alone (spaces left out), and the
    others, each with its index in ``places``."""
    han: list[tuple[int, str]] = []
    other: list[tuple[int, str]] = []
    for index, normal in enumerate(normalize_many(places)):
        if normal:
            compact = normal.replace(" ", "")
            if _ALL_HAN.fullmatch(compact):
                han.append((index, compact))
            else:
                other.append((index, normal))
    return han, other


def _places_mentioned(
    places: list[tuple[int, str]], texts: list[str], vocabulary: set[str]
) -> list[int]:
    """Which of ``places`` (English, or mixed scripts) the normalised ``texts`` mention: an
    English one as whole words, a mixed one anywhere, its spaces left out."""
    found: list[int] = []
    padded = compact = None
    for index, place in places:
        if has_han(place):
            if compact is None:
                compact = "\n".join(texts).replace(" ", "")
            if place.replace(" ", "") in compact:
                found.append(index)
            continue
        # Only a place each of whose words the texts use can be there: the others are not
        # looked for in millions of characters.
        if all(stem(w) in vocabulary or stem(w) in _EN_STOPWORDS for w in _EN_WORD.findall(place)):
            if padded is None:
                # Spaces at both ends come from the join: added after, they would copy the
                # millions of characters again.
                padded = " \n ".join(["", *texts, ""])
            if f" {place} " in padded:
                found.append(index)
    return found
