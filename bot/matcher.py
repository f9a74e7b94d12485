"""Match a visitor's question to a knowledge-base entry, or decide that it should not be answered.

The method, in order:

1. Safety and intent first: emergency words always lead to the emergency entry; a request
   for a person is a ``handoff`` whatever else the question says.
2. The question is normalised (:mod:`bot.text`), filler phrases are dropped, and it becomes a
   bag of weighted tokens: English words (stemmed, typos corrected against the KB's own
   vocabulary with rapidfuzz), Chinese character bigrams and (lightly weighted) unigrams,
   multi-character terms from the KB's keywords, and synonym-group tokens, which let "ARC",
   "residence permit" and 居留證 meet.
3. BM25 over each entry's questions, keywords and title ranks the entries (numpy postings,
   so a query costs the same whether the KB has 60 or 10,000 entries).
4. The leading candidates are re-scored: how much of the question's information (IDF
   weight) the entry explains — a question about a place or thing the KB never mentions
   explains little and is declined — blended with BM25 and fuzzy similarity to the entry's
   closest phrasing.
5. A threshold and a margin over the runner-up decide ``answer``, ``clarify`` (≤ 3 options)
   or ``fallback``.

Everything is synchronous and pure: the index is built once; ``match`` has no side effects.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from itertools import chain

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Entry
from bot.text import Lang, detect_language, has_han, is_han, normalize, normalize_many

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
_HAN_RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+)")
_SPACE_RUNS = re.compile(r" {2,}")


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


class _Analyzer:
    """Turns normalised text into weighted tokens; shared by indexing and querying."""

    def __init__(
        self,
        config: MatcherConfig,
        synonyms: Sequence[Sequence[str]],
        terms: Iterable[str],
        fillers: Iterable[str],
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
        self.zh_terms: set[str] = {
            compact
            for compact in (n.replace(" ", "") for n in normalize_many(sorted(set(terms))))
            if len(compact) >= 3 and all(is_han(ch) for ch in compact)
        }
        # Multi-character KB terms and synonyms: what each piece stands for, and the lengths of
        # the pieces that open with each character (or, for the index build, each bigram). A
        # run is then scanned once whatever the size of the lexicon: a 10,000-entry KB has
        # tens of thousands of keyword terms, too many to try one by one at each position.
        self.zh_pieces: dict[str, tuple[str | None, bool]] = {
            piece: (self.zh_synonyms.get(piece), piece in self.zh_terms)
            for piece in sorted({*self.zh_terms, *self.zh_synonyms})
        }
        by_char: dict[str, set[int]] = defaultdict(set)
        by_bigram: dict[str, set[int]] = defaultdict(set)
        for piece in self.zh_pieces:
            by_char[piece[0]].add(len(piece))
            if len(piece) >= 2:
                by_bigram[piece[:2]].add(len(piece))
        # Lengths ascending: the pieces found at one position come out in sorted order.
        self.zh_piece_lengths = {char: tuple(sorted(sizes)) for char, sizes in by_char.items()}
        self._zh_piece_openings = {pair: tuple(sorted(sizes)) for pair, sizes in by_bigram.items()}
        self._zh_opening_pairs = frozenset(self._zh_piece_openings)
        self._zh_single_pieces = frozenset(piece for piece in self.zh_pieces if len(piece) == 1)
        self._all_weighted = (
            min(
                config.unigram_weight,
                config.number_weight,
                config.synonym_weight,
                config.term_weight,
            )
            > 0
        )
        normal_fillers = sorted(
            {normalize(filler) for filler in fillers} - {""}, key=len, reverse=True
        )
        zh_fillers = [f.replace(" ", "") for f in normal_fillers if has_han(f)]
        en_fillers = [f for f in normal_fillers if not has_han(f)]
        # English fillers go wherever they stand; Chinese ones only where a sentence opens
        # (請問…, 我想知道…), since inside one they may be part of a word (申請問題 holds 請問).
        self._en_fillers = (
            re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, en_fillers)) + r")(?!\S)")
            if en_fillers
            else None
        )
        self._zh_fillers = (
            re.compile(r"(?:(?<=\s)|^)(?:" + "|".join(map(re.escape, zh_fillers)) + r")+(?=\S)")
            if zh_fillers
            else None
        )
        self.vocabulary: set[str] = set()

    def strip_fillers(self, normal: str) -> str:
        if self._en_fillers is not None:
            normal = self._en_fillers.sub(" ", normal)
        if self._zh_fillers is not None:
            normal = self._zh_fillers.sub("", normal)
        return " ".join(normal.split())

    def strip_fillers_many(self, normals: list[str]) -> list[str]:
        """``[strip_fillers(n) for n in normals]`` in one pass over the batch.

        The texts are normalised, so they hold no line break: joined by line breaks, each
        filler pattern sees a line as it sees a whole text (a break is a space to it, and
        "^" only ever meets the first line, where a text's start and a space are alike).
        """
        if not normals:
            return []
        joined = "\n".join(normals)
        if self._en_fillers is not None:
            joined = self._en_fillers.sub(" ", joined)
        if self._zh_fillers is not None:
            joined = self._zh_fillers.sub("", joined)
        lines = _SPACE_RUNS.sub(" ", joined).split("\n")
        if len(lines) != len(normals):  # a text held a line break after all
            return [self.strip_fillers(normal) for normal in normals]
        return [line.strip(" ") for line in lines]

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

    def freeze_vocabulary(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = {w for w in vocabulary if w.isascii() and w.isalpha()}
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
        self.config = cfg = config or MatcherConfig()
        self.entries: tuple[Entry, ...] = kb.entries
        terms = [kw for entry in kb.entries for kw in entry.keywords.zh_hant]
        self.analyzer = _Analyzer(cfg, kb.synonyms, terms, kb.intents.fillers.all())
        self.handoff = _PhraseSpotter(kb.intents.handoff.all())
        self.emergency = _PhraseSpotter(kb.intents.emergency.all())
        self.emergency_index = next(
            (i for i, entry in enumerate(self.entries) if entry.id == EMERGENCY_ENTRY), None
        )
        indexed_texts = self._build_index()
        self.elsewhere = self._places_not_in_kb(kb.intents.elsewhere.all(), indexed_texts)
        self.category_cues = [
            (category, _PhraseSpotter(cues.all()))
            for category, cues in kb.intents.category_cues.items()
        ]
        self.entry_categories = [entry.category for entry in self.entries]

    def _places_not_in_kb(self, places: list[str], indexed_texts: list[str]) -> _PhraseSpotter:
        # Questions and keywords were normalised for the index already; answers are added here.
        answers = [text for entry in self.entries for text in entry.answer.model_dump().values()]
        known = " " + " ".join([*indexed_texts, *normalize_many(answers)]) + " "
        compact = known.replace(" ", "")
        unknown = [
            place
            for place, normal in zip(places, normalize_many(places), strict=True)
            if normal
            and (
                normal.replace(" ", "") not in compact
                if has_han(normal)
                else f" {normal} " not in known
            )
        ]
        return _PhraseSpotter(unknown)

    # -- index ---------------------------------------------------------------------------

    def _entry_texts(self, entry: Entry) -> tuple[list[str], list[str]]:
        phrasings = [*entry.questions.all(), entry.title.zh_hant, entry.title.en]
        keywords = entry.keywords.all()
        return phrasings, keywords

    def _build_index(self) -> list[str]:
        """Index every entry; returns the distinct normalised texts that were indexed.

        Built in batches, for a 10,000-entry KB holds some 700,000 phrasings and keywords:
        all texts are normalised in one pass, each distinct text is tokenised once (keywords
        and phrasings recur: department names, "110"), and the postings are laid out with
        numpy from one flat list of (document, token, count) cells.
        """
        cfg = self.config
        analyzer = self.analyzer
        texts = [self._entry_texts(entry) for entry in self.entries]
        normal_phrasings = analyzer.strip_fillers_many(
            normalize_many([text for phrasings, _ in texts for text in phrasings])
        )
        normal_keywords = normalize_many([text for _, keywords in texts for text in keywords])
        # Distinct texts in the order an entry-by-entry pass meets them (phrasings, keywords).
        distinct: dict[str, int] = {}
        phrasing_ids: list[list[int]] = []
        keyword_ids: list[list[int]] = []
        at_phrasing = at_keyword = 0
        for phrasings, keywords in texts:
            ids = []
            for text in normal_phrasings[at_phrasing : at_phrasing + len(phrasings)]:
                ids.append(distinct.setdefault(text, len(distinct)))
            phrasing_ids.append(ids)
            at_phrasing += len(phrasings)
            ids = []
            for text in normal_keywords[at_keyword : at_keyword + len(keywords)]:
                ids.append(distinct.setdefault(text, len(distinct)))
            keyword_ids.append(ids)
            at_keyword += len(keywords)
        distinct_texts = list(distinct)
        keys = [analyzer.index_keys(text) for text in distinct_texts]
        # A token's count in an entry: the phrasings that hold it, plus keyword_boost for each
        # keyword that holds it.
        doc_terms: list[Counter[str]] = []
        for in_phrasings, in_keywords in zip(phrasing_ids, keyword_ids, strict=True):
            counts = Counter(chain.from_iterable([keys[i] for i in in_phrasings]))
            if in_keywords:
                held = [keys[i] for i in in_keywords]
                for _ in range(cfg.keyword_boost):
                    counts.update(chain.from_iterable(held))
            doc_terms.append(counts)
        self.phrasings: list[list[str]] = [
            [distinct_texts[i] for i in ids if distinct_texts[i]] for ids in phrasing_ids
        ]
        self.function_phrasings: list[tuple[str, int]] = [
            (distinct_texts[i], index)
            for index, ids in enumerate(phrasing_ids)
            for i in ids
            if distinct_texts[i] and not keys[i]
        ]
        #: Each entry's tokens (a Counter answers ``in`` as a set would).
        self.entry_tokens: list[Counter[str]] = doc_terms
        n_docs = len(doc_terms)
        document_frequency = Counter(chain.from_iterable(doc_terms))
        self.analyzer.freeze_vocabulary(document_frequency)
        self.idf: dict[str, float] = {
            token: math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
            for token, df in document_frequency.items()
        }
        self.unknown_idf = math.log(1 + (n_docs + 0.5) / 0.5)
        # All postings at once in numpy: one (token, document, tf) cell per entry's token,
        # weights computed vectorised, then ordered by token into one CSR layout.
        vocabulary = list(document_frequency)
        self._token_ids: dict[str, int] = {token: index for index, token in enumerate(vocabulary)}
        sizes = np.fromiter(map(len, doc_terms), dtype=np.int64, count=n_docs)
        cells = int(sizes.sum())
        cell_token = np.fromiter(
            map(self._token_ids.__getitem__, chain.from_iterable(doc_terms)),
            dtype=np.int32,
            count=cells,
        )
        cell_tf = np.fromiter(
            chain.from_iterable(counts.values() for counts in doc_terms),
            dtype=np.float64,
            count=cells,
        )
        cell_doc = np.repeat(np.arange(n_docs, dtype=np.int32), sizes)
        lengths = np.fromiter(
            (sum(counts.values()) for counts in doc_terms), dtype=np.float64, count=n_docs
        )
        average = float(lengths.mean()) if n_docs else 1.0
        idf = np.fromiter(
            (self.idf[token] for token in vocabulary), dtype=np.float64, count=len(vocabulary)
        )
        norm = cfg.k1 * (1 - cfg.b + cfg.b * lengths[cell_doc] / average)
        cell_weight = idf[cell_token] * cell_tf * (cfg.k1 + 1) / (cell_tf + norm)
        order = np.argsort(cell_token, kind="stable")
        self._posting_bounds: list[int] = np.searchsorted(
            cell_token[order], np.arange(len(vocabulary) + 1)
        ).tolist()
        self._posting_docs: npt.NDArray[np.int32] = cell_doc[order]
        self._posting_weights: npt.NDArray[np.float32] = cell_weight[order].astype(np.float32)
        self.n_docs = n_docs
        return distinct_texts

    def _posting(self, token: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]] | None:
        """The entries holding ``token`` and its BM25 weight in each, or None."""
        index = self._token_ids.get(token)
        if index is None:
            return None
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
        if self.elsewhere.found_in(normal):
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
        total_information = 0.0
        unknown_information = 0.0
        best_possible = 0.0
        for token, weight in query.items():
            idf = self.idf.get(token, self.unknown_idf)
            total_information += weight * idf
            if token not in self.idf:
                unknown_information += weight * idf
            best_possible += weight * idf * (cfg.k1 + 1)
            posting = self._posting(token)
            if posting is not None:
                scores[posting[0]] += posting[1] * weight
        depth = min(cfg.rerank_depth, self.n_docs)
        top = np.argpartition(-scores, depth - 1)[:depth]
        results: list[_Scored] = []
        for index in top:
            raw = float(scores[index])
            if raw <= 0:
                continue
            tokens = self.entry_tokens[index]
            explained = sum(
                weight * self.idf[token] for token, weight in query.items() if token in tokens
            )
            coverage = explained / total_information if total_information else 0.0
            bm25 = min(1.0, raw / best_possible) if best_possible else 0.0
            fuzzy = self._fuzzy(normal, int(index))
            confidence = (
                cfg.weight_coverage * coverage + cfg.weight_bm25 * bm25 + cfg.weight_fuzzy * fuzzy
            )
            unknown = unknown_information / total_information if total_information else 1.0
            results.append(_Scored(int(index), confidence, coverage, bm25, fuzzy, unknown))
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
        idf = self.idf
        for piece in self.analyzer.pieces_in(normal):
            dropped.update(
                bigram
                for bigram in (piece[i : i + 2] for i in range(len(piece) - 1))
                if bigram not in idf
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

    def _fuzzy(self, normal: str, index: int) -> float:
        found = process.extractOne(normal, self.phrasings[index], scorer=fuzz.token_set_ratio)
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
