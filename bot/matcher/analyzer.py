"""The analyzer: normalised text → weighted tokens, the same for a KB text and a question.

Filler phrases are stripped ("請問", "I want to know"); English words are stemmed and, in a
question, typos are corrected against the KB's own vocabulary (rapidfuzz); Chinese runs give
character bigrams, lightly weighted unigrams, and the KB's multi-character terms and synonyms
found whole (the pieces); synonym groups (knowledge/synonyms.yaml) give one token per group,
so that "ARC", "residence permit" and 居留證 meet. The index build tokenises the KB's texts in
batches (batch_tokens.py) to the same tokens ``index_keys`` gives one text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import count

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.matcher.config import MatcherConfig
from bot.matcher.words import (
    EN_STOPWORDS,
    EN_WORD,
    HAN_RUNS,
    ZH_STOP_BIGRAMS,
    ZH_STOP_UNIGRAMS,
    ZH_TERM_LINES,
    is_katakana,
    is_run_char,
    stem,
)
from bot.text import code_points, has_han, normalize, normalize_many

#: A number written in groups (normalised: "0800 011 765", "03 822 7171").
_DIGIT_GROUPS = re.compile(r"\d{2,4}(?: \d{2,4}){1,3}")
#: How many typo corrections an analyzer remembers (each took a fuzzy search of the vocabulary).
TYPOS_REMEMBERED = 8192

#: Two spaces or more. (Two literal spaces open the pattern: the regex engine then looks for
#: them as a string, four times faster than trying each single space.)
_SPACE_RUNS = re.compile(r"  +")


def _add(weights: dict[str, float], token: str, weight: float) -> None:
    # A token seen twice keeps its strongest weight: repetition in a question is not emphasis.
    if weight > weights.get(token, 0.0):
        weights[token] = weight


@dataclass(frozen=True)
class PieceKinds:
    """What the pieces of Analyzer.zh_pieces are, by their indexes in it (for the batch
    tokeniser)."""

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
    pairs = np.unique(codes[starts[keep]].astype(np.int64) << 32 | (ends - starts)[keep])
    by_char: dict[str, list[int]] = defaultdict(list)
    for pair in pairs.tolist():
        by_char[chr(pair >> 32)].append(pair & 0xFFFFFFFF)
    return {char: tuple(sizes) for char, sizes in by_char.items()}


def _any_of(words: Iterable[str]) -> str:
    """A regex group matching any one of ``words`` literally."""
    return "(?:" + "|".join(map(re.escape, words)) + ")"


def _opening_any_of(words: Iterable[str]) -> str:
    """A lookahead for a character that opens one of ``words``: before a group of many
    alternatives, it turns away most positions with one test instead of one per word."""
    return "(?=[" + "".join(sorted({re.escape(word[0]) for word in words})) + "])"


class Fillers:
    """Words that carry no meaning of their own ("請問", "please", "I want to know")."""

    def __init__(self, fillers: Iterable[str]) -> None:
        normal_fillers = sorted(
            {normalize(filler) for filler in fillers} - {""}, key=len, reverse=True
        )
        self.phrases = tuple(normal_fillers)
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
            re.compile(
                r"([ \n])" + _opening_any_of(zh_fillers) + _any_of(zh_fillers) + r"+(?=[^ \n])"
            )
            if zh_fillers
            else None
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


class Analyzer:
    """Turns normalised text into weighted tokens; shared by indexing and querying."""

    def __init__(
        self,
        config: MatcherConfig,
        synonyms: Sequence[Sequence[str]],
        normal_terms: Iterable[str],
        fillers: Fillers,
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
            # Kanji, katakana and Hangul terms are found as pieces of a run, as Chinese ones.
            if any(map(is_run_char, normal)):
                self.zh_synonyms[normal.replace(" ", "")] = token
            else:
                words = tuple(stem(word) for word in EN_WORD.findall(normal))
                if words:
                    self.en_synonyms[words] = token
        self.max_en_phrase = max((len(key) for key in self.en_synonyms), default=1)
        self.en_phrase_starts = {key[0] for key in self.en_synonyms}
        # The KB's Chinese keywords (normalised) of three or more characters are its terms.
        # A 10,000-entry KB has some 100,000: they are sifted as one text, a line each.
        distinct_terms = list(dict.fromkeys(normal_terms))  # read twice below
        compact = "\n".join(distinct_terms).replace(" ", "")
        self.zh_terms: set[str] = set(ZH_TERM_LINES.findall(compact))
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
        self.zh_piece_kinds = PieceKinds(np.arange(len(terms), dtype=np.int64), terms, synonym_at)
        # Lengths ascending: the pieces found at one position come out in sorted order.
        self.zh_piece_lengths = _lengths_by_first_char(self.zh_pieces)
        # Terms have three characters or more: only a synonym can be a single one.
        self._zh_single_pieces = frozenset(piece for piece in self.zh_synonyms if len(piece) == 1)
        self.all_weighted = (
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
        # The KB's phone numbers typed without their dashes ("0800011765" for 0800-011-765):
        # the groups the KB writes them in, by the digits joined.
        self.joined_numbers: dict[str, tuple[str, ...]] = {
            "".join(groups): groups
            for term in distinct_terms
            if _DIGIT_GROUPS.fullmatch(term)
            for groups in [tuple(term.split())]
        }

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
        for chunk in HAN_RUNS.split(normal):
            if not chunk.strip():
                continue
            if is_run_char(chunk[0]):
                self._han_tokens(chunk, weights)
            else:
                words.extend(stem(word) for word in EN_WORD.findall(chunk))
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
            if word not in EN_STOPWORDS:
                # Bare numbers are rarely the topic ("17 times 23"); service numbers still count.
                _add(weights, word, cfg.number_weight if word.isdigit() else 1.0)
                if correct:  # a question's, read as the KB writes the number
                    for group in self.joined_numbers.get(word, ()):
                        _add(weights, group, cfg.number_weight)

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
        # A katakana run is one loanword (ワーキングホリデー, コンビニ): its pairs share one
        # word's weight, where a kanji or Hangul run's pairs are words of their own; else a
        # long loanword outweighs the rest of the question (「台風の日ってコンビニも…」).
        pair_weight = 1.0 / last if last > 1 and is_katakana(run[0]) else 1.0
        # A character standing alone between kana or spaces is a word of its own (「持病の薬が
        # なくなります」: 薬, medicine), not one character of a longer word.
        char_weight = cfg.lone_char_weight if last == 0 else unigram
        for start, char in enumerate(run):
            if char not in ZH_STOP_UNIGRAMS and get(char, 0.0) < char_weight:
                weights[char] = char_weight
            if start < last:
                bigram = run[start : start + 2]
                if bigram not in ZH_STOP_BIGRAMS and get(bigram, 0.0) < pair_weight:
                    weights[bigram] = pair_weight
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
        for run in HAN_RUNS.findall(normal):
            for start, char in enumerate(run):
                for size in lengths.get(char, ()):
                    piece = run[start : start + size]
                    if len(piece) < size:
                        break
                    if size >= 3 and piece in pieces:
                        found.append(piece)
        return found

    def index_keys(self, normal: str) -> set[str]:
        """The tokens of ``normal`` without their weights: ``set(tokens(normal))``.

        The index build needs only which tokens a text has, for some 700,000 texts of a
        10,000-entry KB; set operations find them several times faster than the weighted
        scan. tests/matcher/test_analyzer.py holds the two to the same result.
        """
        if not self.all_weighted:  # a token of weight 0 is no token: the weighted scan knows
            return set(self.tokens(normal))
        keys: set[str] = set()
        if not normal.isascii():
            openings = self._zh_piece_openings
            pieces = self.zh_pieces
            for run in HAN_RUNS.findall(normal):
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
            keys = keys - ZH_STOP_UNIGRAMS - ZH_STOP_BIGRAMS
        words = [stem(word) for word in EN_WORD.findall(normal)]
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
            keys.update(word for word in words if word not in EN_STOPWORDS)
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
            or word in EN_STOPWORDS
            or not word.isalpha()
        ):
            return word
        nearest = self._typos_corrected.get(word)
        if nearest is None:
            nearest = self._nearest(word)
            if len(self._typos_corrected) < TYPOS_REMEMBERED:
                self._typos_corrected[word] = nearest
        return nearest

    def _nearest(self, word: str) -> str:
        bucket = self._buckets.get(len(word), ())
        # OSA: two letters swapped ("tyhpoon", "recieve") are one slip, as a typist makes it;
        # Levenshtein counted two, too many for a word of seven letters.
        cutoff = self.config.typo_cutoff / 100
        if len(word) >= self.config.typo_two_edits_length:
            cutoff = min(cutoff, 1 - 2 / len(word))
        found = process.extractOne(
            word, bucket, scorer=OSA.normalized_similarity, score_cutoff=cutoff
        )
        return str(found[0]) if found else word

    def freeze_vocabulary(self, words: set[str]) -> None:
        """The KB's English words (see index.english_words), which typos are corrected to."""
        self.vocabulary = words
        buckets: dict[int, list[str]] = defaultdict(list)
        for word in sorted(self.vocabulary):
            if len(word) < self.config.typo_min_length:
                continue
            # Typos change the length by at most one or two letters in practice.
            for length in range(len(word) - 1, len(word) + 2):
                buckets[length].append(word)
        self._buckets: dict[int, tuple[str, ...]] = {k: tuple(v) for k, v in buckets.items()}
        # The analyzer's own memory of corrections (functools.lru_cache on the method would
        # be one for the class, holding every analyzer ever used after a reload replaced it).
        self._typos_corrected: dict[str, str] = {}
