"""The index build's tokeniser: the tokens of every KB text at once, on numpy arrays.

A 10,000-entry KB holds some 500,000 distinct texts to tokenise; one by one that takes
seconds. Here the texts are joined and worked on as arrays: Chinese characters and pairs by
their code points, KB terms and synonyms by exact integer keys of their characters, English
words from one regex pass. They come out as (text, token) pairs, for the index to count; each
text's tokens are those Analyzer.index_keys gives it (tests/matcher/test_batch_tokens.py
holds the two equal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import count, pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.matcher.analyzer import Analyzer
from bot.matcher.words import EN_STOPWORDS, HAN_RUNS, ZH_STOP_BIGRAMS, ZH_STOP_UNIGRAMS, stem
from bot.text import code_points, distinct_code_points, han_mask

#: The code point ranges of katakana (with its long-vowel mark) and Hangul syllables, which
#: make runs of their own as Han characters do (words.HAN_RUNS).
_KATAKANA = ((0x30A1, 0x30FA), (0x30FC, 0x30FC))
_HANGUL = ((0xAC00, 0xD7A3),)


def _script_of(codes: npt.NDArray[np.uint32]) -> npt.NDArray[np.int8]:
    """Each character's run script: 1 Han, 2 katakana, 3 Hangul, 0 none (see HAN_RUNS)."""
    script = han_mask(codes).astype(np.int8)
    for value, ranges in ((2, _KATAKANA), (3, _HANGUL)):
        for low, high in ranges:
            script[(codes >= low) & (codes <= high)] = value
    return script


_HASH_BASE = np.uint64(1_000_003)
#: Pairs are looked up in a table with a slot for every possible pair while it holds at
#: most this many (32 MB); beyond it, by binary search, which is many times slower.
DENSE_PAIRS = 1 << 22
_WORD_OR_BREAK = re.compile(r"[a-z0-9][a-z0-9+#]*|\n")


#: The joined texts are read about this many characters at a time (see _HanText).
_SLICE_CHARACTERS = 1 << 20
_LINE_BREAK = ord("\n")


def _slices(text_starts: npt.NDArray[np.int64], length: int) -> list[tuple[int, int]]:
    """The texts (starting at ``text_starts`` in a text of ``length`` characters) in runs of
    about _SLICE_CHARACTERS characters: (first text, end text) of each."""
    cuts = np.searchsorted(text_starts, np.arange(_SLICE_CHARACTERS, length, _SLICE_CHARACTERS))
    bounds = [0, *np.unique(cuts).tolist(), len(text_starts)]
    return [(first, end) for first, end in pairwise(bounds) if end > first]


def _code_type(span: int) -> type[np.int32] | type[np.int64]:
    """The integer type for numbers below ``span``: 32 bits when they fit. At 10,000 entries
    a batch holds millions of characters, pairs and text numbers, and each array of them made
    fresh costs the kernel page faults by its size (a third of that build's time, measured)."""
    return np.int32 if span < 1 << 31 else np.int64


class _Found:
    """(text, token) pairs gathered by the batch tokeniser. A token is a Chinese character
    or pair (its code in the batch's alphabet, see TokenCodes) or any other token, given
    a number of its own here."""

    def __init__(self) -> None:
        #: Tokens numbered as one block, first (see numbered_first), then the others.
        self.block: list[str] = []
        self.others: dict[str, int] = {}
        self.texts: list[npt.NDArray[np.signedinteger[Any]]] = []
        self.codes: list[npt.NDArray[np.signedinteger[Any]]] = []
        self.other_texts: list[npt.NDArray[np.signedinteger[Any]]] = []
        #: Numbered as ``other`` numbers them (64 bits): the pairs' codes follow.
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

    def add(
        self, texts: npt.NDArray[np.signedinteger[Any]], codes: npt.NDArray[np.signedinteger[Any]]
    ) -> None:
        self.texts.append(texts)
        self.codes.append(codes)

    def add_others(
        self, texts: npt.NDArray[np.signedinteger[Any]], numbers: npt.NDArray[np.int64]
    ) -> None:
        self.other_texts.append(texts)
        self.other_codes.append(numbers)

    def pairs(self, n: int, alphabet: npt.NDArray[np.int64]) -> TokenPairs:
        numbering = TokenCodes(alphabet, [*self.block, *self.others])
        base = len(alphabet) + len(alphabet) * len(alphabet)
        none = np.zeros(0, dtype=np.int64)
        for codes in self.other_codes:
            codes += base
        # Some 10 million pairs at 10,000 entries: 32 bits a number where they fit.
        return TokenPairs(
            n,
            np.concatenate([*self.texts, *self.other_texts, none], dtype=_code_type(n)),
            np.concatenate(
                [*self.codes, *self.other_codes, none], dtype=_code_type(numbering.span)
            ),
            numbering,
            frozenset(self.probes),
        )


@dataclass(frozen=True)
class TokenCodes:
    """How a batch's tokens are numbered: codes below ``len(alphabet)`` are Chinese
    characters (the alphabet's code points), then come pairs of them, then ``others`` in
    order."""

    alphabet: npt.NDArray[np.int64]
    others: list[str]

    @property
    def span(self) -> int:
        """One more than the largest code."""
        size = len(self.alphabet)
        return size + size * size + len(self.others)

    def strings(self, codes: npt.NDArray[np.int64]) -> list[str]:
        """The tokens ``codes`` (ascending) stand for.

        A 10,000-entry KB uses some 200,000 tokens: the characters and pairs are
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


@dataclass(frozen=True)
class TokenPairs:
    """The (text, token) pairs found in a batch of ``n`` texts: text ``texts[k]`` holds the
    token of code ``codes[k]``; in no particular order, and a pair may come more than once
    (a text holding a token twice)."""

    n: int
    texts: npt.NDArray[np.signedinteger[Any]]
    codes: npt.NDArray[np.signedinteger[Any]]
    numbering: TokenCodes
    #: Which probes (see token_pairs) the texts hold.
    probes_found: frozenset[int] = frozenset()

    @staticmethod
    def from_sets(keys: list[set[str]]) -> TokenPairs:
        others = sorted({token for held in keys for token in held})
        number = {token: index for index, token in enumerate(others)}
        texts = np.repeat(np.arange(len(keys), dtype=np.int64), [len(held) for held in keys])
        codes = np.fromiter(
            (number[token] for held in keys for token in held), dtype=np.int64, count=len(texts)
        )
        return TokenPairs(len(keys), texts, codes, TokenCodes(np.zeros(0, dtype=np.int64), others))

    def holding_tokens(self) -> npt.NDArray[np.bool_]:
        """Whether each text holds a token."""
        held = np.zeros(self.n, dtype=np.bool_)
        # A slice at a time: numpy indexes with 64-bit numbers, and would copy the millions
        # of text numbers to 64 bits at once (80 MB of fresh memory at 10,000 entries).
        for start in range(0, len(self.texts), _SLICE_CHARACTERS):
            held[self.texts[start : start + _SLICE_CHARACTERS]] = True
        return held

    def table(self) -> TokenTable:
        """Each text's distinct tokens."""
        keys = self.texts.astype(np.int64)
        keys *= self.numbering.span
        keys += self.codes
        keys.sort()
        if len(keys):
            keys = keys[np.append(True, keys[1:] != keys[:-1])]
        text, codes = np.divmod(keys, self.numbering.span)
        offsets = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(text, minlength=self.n), out=offsets[1:])
        return TokenTable(offsets, codes, self.numbering)


@dataclass(frozen=True)
class TokenTable:
    """The distinct tokens of each text of a batch: text ``i`` holds the tokens of codes
    ``codes[offsets[i]:offsets[i + 1]]``, ascending."""

    offsets: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int64]
    numbering: TokenCodes

    def of(self, text: int) -> set[str]:
        return set(self.numbering.strings(self.codes[self.offsets[text] : self.offsets[text + 1]]))


class _HanText:
    """The Han characters of a batch of texts joined by line breaks, as numpy arrays: the
    ``k``-th of them is character ``ids[k]`` of ``alphabet``, in text ``texts[k]``, and
    ``pair_k`` lists the ``k`` whose next character follows it directly in the text."""

    def __init__(self, joined: str, text_starts: npt.NDArray[np.int64]) -> None:
        # Millions of characters: each array is made once and then worked on in place. The
        # arrays as long as the joined text itself (its code points, their scripts, masks of
        # them: 19 million characters at 10,000 entries) are made a slice of texts at a time,
        # a few MB each that the allocator hands out again: made whole, each was 20-150 MB of
        # fresh pages, and faulting those in cost the kernel more than the work on them.
        found = [
            self._characters(joined, text_starts, first, end)
            for first, end in _slices(text_starts, len(joined))
        ]
        han_codes, self.texts, joins_next = (
            np.concatenate(column) for column in zip(*found, strict=True)
        )
        self.alphabet = np.array(distinct_code_points(han_codes), dtype=np.int64)
        size = len(self.alphabet)
        # Pairs are coded as size * first + second (see TokenCodes): 32 bits unless the
        # texts hold over 46,000 distinct Han, kana and Hangul characters.
        number = _code_type(size + size * size)
        self._char_id = np.full(int(self.alphabet[-1]) + 1 if size else 1, -1, dtype=number)
        self._char_id[self.alphabet] = np.arange(size, dtype=number)
        self.ids = self._char_id[han_codes]
        del han_codes
        self.pair_k = np.flatnonzero(joins_next)
        self.pair_key = self.ids[self.pair_k]
        self.pair_key *= size
        self.pair_key += self.ids[1:][self.pair_k]  # the next character's (no pair_k + 1 made)
        # How many Han characters the run holds from each one on (itself included).
        breaks = ~joins_next
        run_last = np.flatnonzero(np.append(breaks, True)).astype(np.int32)
        run = np.cumsum(np.concatenate(([False], breaks)), dtype=np.int32)[: len(breaks)]
        self._left = run_last[run]
        self._left += 1
        self._left -= np.arange(len(breaks), dtype=np.int32)

    @staticmethod
    def _characters(
        joined: str, text_starts: npt.NDArray[np.int64], first: int, end: int
    ) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int32], npt.NDArray[np.bool_]]:
        """The characters of runs (Han, katakana, Hangul) in texts ``first`` to ``end``
        (excluded) of ``joined``: their code points, their texts, and whether the next one
        follows each directly in the same run."""
        start = int(text_starts[first])
        codes = code_points(
            joined[start : int(text_starts[end])] if end < len(text_starts) else joined[start:]
        )
        script = _script_of(codes)
        at = np.flatnonzero(script)
        texts = np.cumsum(codes == _LINE_BREAK, dtype=np.int32)[at]  # the breaks before each
        texts += first
        script = script[at]
        # A pair never straddles two scripts: a run is of one script (HAN_RUNS). The last
        # character of the slice ends its text, and its run.
        joins_next = np.zeros(len(at), dtype=np.bool_)
        joins_next[:-1] = (np.diff(at) == 1) & (script[1:] == script[:-1])
        return codes[at], texts, joins_next

    def pairs_among(self, keys: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """For each pair of the texts (as ``pair_key``), whether it is among ``keys``."""
        size = len(self.alphabet)
        if size * size <= DENSE_PAIRS:
            # A table of booleans, one a possible pair: at most 4 MB, read at random.
            dense = np.zeros(size * size, dtype=np.bool_)
            dense[keys] = True
            among: npt.NDArray[np.bool_] = dense[self.pair_key]
            return among
        out = np.zeros(len(self.pair_key), dtype=np.bool_)
        if len(keys):
            table = np.sort(keys)
            slot = np.minimum(np.searchsorted(table, self.pair_key), len(table) - 1)
            out = table[slot] == self.pair_key
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
        # Only where some piece of two characters or more opens is one looked for. Which
        # pairs open one is read from a table of booleans, and only their bits are looked up:
        # a table of the bits themselves, one for every possible pair, is 8 times as large,
        # and reading it at random took 49 ms of a 1,000-entry build (two indexes), this 17.
        opening_keys = pairs[firsts]
        opens = self.pairs_among(opening_keys)
        opening = self.pair_k[opens]
        opening_bits_at = np.bitwise_or.reduceat(np.concatenate(opening_bits)[order], firsts)[
            np.searchsorted(opening_keys, self.pair_key[opens])
        ]
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


def token_pairs(analyzer: Analyzer, texts: list[str], probes: Sequence[str] = ()) -> TokenPairs:
    """The tokens ``analyzer.index_keys`` gives each of ``texts``, as (text, token) pairs.

    ``probes`` (Chinese, spaces left out) are looked for too: the pairs tell which of them
    some text holds within a run of Han characters.
    """
    n = len(texts)
    joined = "\n".join(texts)
    if not analyzer.all_weighted or joined.count("\n") != n - 1:
        runs = set(HAN_RUNS.findall(joined))
        return replace(
            TokenPairs.from_sets([analyzer.index_keys(text) for text in texts]),
            probes_found=frozenset(
                i for i, probe in enumerate(probes) if any(probe in run for run in runs)
            ),
        )
    # Where each text starts in ``joined``: one past the line break that ends the one before.
    text_starts = np.zeros(n, dtype=np.int64)
    np.cumsum(
        np.fromiter(map(len, texts[:-1]), dtype=np.int64, count=n - 1) + 1, out=text_starts[1:]
    )
    found = _Found()
    alphabet = _han_tokens_many(analyzer, joined, text_starts, found, probes)
    _word_tokens_many(analyzer, joined, found)
    return found.pairs(n, alphabet)


def _han_tokens_many(
    analyzer: Analyzer,
    joined: str,
    text_starts: npt.NDArray[np.int64],
    found: _Found,
    probes: Sequence[str],
) -> npt.NDArray[np.int64]:
    """Chinese characters, pairs, terms and synonyms; returns the characters met, whose
    positions in it are the codes of characters (pairs follow: see TokenCodes)."""
    han = _HanText(joined, text_starts)
    size = len(han.alphabet)
    if not size:
        return han.alphabet
    ids, texts = han.ids, han.texts
    stop_ids = han.ids_of("".join(sorted(ZH_STOP_UNIGRAMS)))
    stop_chars = np.zeros(size, dtype=np.bool_)
    stop_chars[stop_ids[stop_ids >= 0]] = True
    # Characters and pairs, each ordered by token, then text: the index's sort of every
    # token of every text (index._counted) then merges a few sorted runs, instead of sorting
    # a million keys afresh at 1,000 entries (a build's two sorts 115 -> 30 ms).
    keep = np.flatnonzero(~stop_chars[ids])
    keep = keep[_stable_order(ids[keep], size)]
    found.add(texts[keep], ids[keep])
    stop_rows = han.ids_of("".join(sorted(ZH_STOP_BIGRAMS))).reshape(-1, 2)
    stop_rows = stop_rows[(stop_rows >= 0).all(axis=1)]
    stop_keys = np.unique(stop_rows[:, 0] * size + stop_rows[:, 1])
    keep = np.flatnonzero(~han.pairs_among(stop_keys))
    keep = keep[_stable_order(han.pair_key[keep], size * size)]
    found.add(texts[han.pair_k[keep]], size + han.pair_key[keep])
    # KB terms and synonyms. Terms are the first tokens ``found`` numbers: some 100,000 of
    # them at 10,000 entries, numbered in one go.
    pieces = list(analyzer.zh_pieces)
    synonym_of = np.full(len(pieces), -1, dtype=np.int64)
    term_of = np.full(len(pieces), -1, dtype=np.int64)
    kinds = analyzer.zh_piece_kinds
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


def _stable_order(codes: npt.NDArray[np.int64], ceiling: int) -> npt.NDArray[np.intp]:
    """The stable sorting order of ``codes``, each below ``ceiling``. numpy sorts 16-bit
    integers stably by radix, in linear time: codes below 2**32 are ordered by their low 16
    bits, then by their high ones."""
    if ceiling <= 1 << 16:
        return np.argsort(codes.astype(np.uint16), kind="stable")
    if ceiling <= 1 << 32:
        order = np.argsort((codes & 0xFFFF).astype(np.uint16), kind="stable")
        return order[np.argsort((codes[order] >> 16).astype(np.uint16), kind="stable")]
    return np.argsort(codes, kind="stable")


def _word_tokens_many(analyzer: Analyzer, joined: str, found: _Found) -> None:
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
        if stemmed not in EN_STOPWORDS:
            own_token[index] = found.other(stemmed)
    tokens = own_token[word_id]
    has_token = tokens >= 0
    found.add_others(text_of[has_token], tokens[has_token])
    sequence = stem_id[word_id]
    opens = np.zeros(len(stems) + 1, dtype=np.bool_)  # index -1: line breaks open nothing
    phrases: list[tuple[list[int], str]] = []
    for phrase, synonym in analyzer.en_synonyms.items():
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
