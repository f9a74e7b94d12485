"""Scoring: a question's weighted tokens → the entries that best explain it, best first.

BM25 over the postings ranks the entries (numpy, so a question costs about the same at 60
entries or 10,000); the leaders are re-scored by how much of the question's information
(idf weight) the entry explains — a question about something the KB never mentions explains
little — blended with BM25 and the fuzzy similarity to the entry's closest phrasing. Chinese
pairs that are seams between words, not words, are dropped from the question first. Words
that say what kind of answer is wanted ("phone", 「地址」) lift entries of that category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from bot.kb.schema import Category, Entry, LocalizedList
from bot.matcher.analyzer import Analyzer
from bot.matcher.config import MatcherConfig
from bot.matcher.index import Index
from bot.matcher.spotters import PhraseSpotter
from bot.matcher.words import A_NOT_A, is_seam


@dataclass(frozen=True)
class Scored:
    entry_index: int
    confidence: float
    coverage: float
    bm25: float
    fuzzy: float
    #: Share of the question's information in words the KB never uses (a query-level figure).
    unknown: float


class Scorer:
    """Ranks the entries of ``index`` for a question, tokenised by ``analyzer``."""

    def __init__(
        self,
        index: Index,
        analyzer: Analyzer,
        config: MatcherConfig,
        place_tokens: frozenset[str] = frozenset(),
    ) -> None:
        self.index = index
        self.analyzer = analyzer
        self.config = config
        #: The tokens of Hualien's own places (its sights and townships): see _places_as_where.
        self.place_tokens = place_tokens

    def rank(
        self,
        normal: str,
        clauses: Sequence[tuple[str, float]] | None = None,
        among: Sequence[int] | None = None,
        also: Sequence[int] = (),
    ) -> list[Scored]:
        """The entries worth considering for the normalised, filler-free question, best first
        (only the leaders are re-scored: see the module's docstring).

        ``clauses`` (normalised, filler-free, each with the weight it counts for) are the
        parts of a chat message to match: the clause that asks counts in full, the story
        around it less, the greeting not at all. Without them the whole question counts.
        ``among`` (entry positions) ranks only those entries, whatever the others score;
        ``also`` are ranked beside the leaders whatever they score.
        """
        cfg = self.config
        if clauses:
            query: dict[str, float] = {}
            for clause, weight in clauses:
                for token, token_weight in self.analyzer.tokens(clause, correct=True).items():
                    query[token] = max(query.get(token, 0.0), token_weight * weight)
            asking = " ".join(clause for clause, weight in clauses if weight >= 1.0)
            normal_for_fuzzy = asking or normal
        else:
            query = self.analyzer.tokens(normal, correct=True)
            normal_for_fuzzy = normal
        query = self.drop_seams(normal, query)
        query = self._places_as_where(query)
        if not self.index.n_docs:
            return []
        if not query:
            return self._score_function_words(normal)
        scores = np.zeros(self.index.n_docs, dtype=np.float32)
        # The question's information each entry explains: the idf of the tokens it holds,
        # added in the question's order.
        explained = np.zeros(self.index.n_docs, dtype=np.float64)
        total_information = 0.0
        unknown_information = 0.0
        best_possible = 0.0
        for token, weight in query.items():
            token_id = self.index.token_ids.get(token)
            idf = self.index.unknown_idf if token_id is None else self.index.idf_by_id[token_id]
            total_information += weight * idf
            best_possible += weight * idf * (cfg.k1 + 1)
            if token_id is None:
                unknown_information += weight * idf
                continue
            docs, weights = self.index.posting_at(token_id)
            scores[docs] += weights * weight
            explained[docs] += weight * idf
        if among is not None:
            top = np.asarray(among, dtype=np.int64)
        else:
            depth = min(cfg.rerank_depth, self.index.n_docs)
            top = np.argpartition(-scores, depth - 1)[:depth]
            if also:
                top = np.union1d(top, np.asarray(also, dtype=np.int64))
        unknown = unknown_information / total_information if total_information else 1.0
        candidates: list[tuple[float, int, float, float]] = []
        for index in top:
            raw = float(scores[index])
            if raw <= 0 and index not in also:
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
        results: list[Scored] = []
        best: list[float] = []  # the ``used`` highest confidences so far, highest first
        for partial, index, coverage, bm25 in candidates:
            if len(best) == used and partial + ceiling < best[-1]:
                break
            fuzzy = self._fuzzy(normal_for_fuzzy, index)
            confidence = partial + cfg.weight_fuzzy * fuzzy
            results.append(Scored(index, confidence, coverage, bm25, fuzzy, unknown))
            best = sorted([*best, confidence], reverse=True)[:used]
        results.sort(key=lambda s: s.confidence, reverse=True)
        return results

    def _places_as_where(self, query: dict[str, float]) -> dict[str, float]:
        """A sight named beside something else asked about says where, not what: 「七星潭有
        wifi嗎」 asks about Wi-Fi at Qixingtan, and the sight's many tokens (七星潭, its
        synonym, 七星, 星潭) outweighed the one word asked about. Alone it is the question."""
        factor = self.config.place_weight_beside_topic
        if factor >= 1.0 or not self.place_tokens:
            return query
        places = query.keys() & self.place_tokens
        others = [t for t, w in query.items() if t not in places and w >= 1.0]
        if not places or not others:
            return query
        return {t: w * factor if t in places else w for t, w in query.items()}

    def drop_seams(self, normal: str, query: dict[str, float]) -> dict[str, float]:
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
        dropped = {token for token in query if len(token) == 2 and is_seam(token)}
        for match in A_NOT_A.finditer(normal):
            dropped.update((match.group(0)[:2], match.group(0)[1:]))
        known = self.index.token_ids
        for piece in self.analyzer.pieces_in(normal):
            dropped.update(
                bigram
                for bigram in (piece[i : i + 2] for i in range(len(piece) - 1))
                if bigram not in known
            )
        if not dropped:
            return query
        return {token: weight for token, weight in query.items() if token not in dropped}

    def _score_function_words(self, normal: str) -> list[Scored]:
        """A question made only of function words ("what can I ask you", "who are you") has
        no token to rank by; it is compared whole with the KB phrasings of the same kind."""
        if not normal or not self.index.function_phrasings:
            return []
        found = process.extract(
            normal,
            [text for text, _ in self.index.function_phrasings],
            scorer=fuzz.ratio,
            limit=self.config.max_options * 2,
            score_cutoff=self.config.function_phrase_cutoff,
        )
        best: dict[int, float] = {}
        for _, score, position in found:
            index = self.index.function_phrasings[position][1]
            best[index] = max(best.get(index, 0.0), score / 100)
        return sorted(
            (Scored(index, score, 1.0, 0.0, score, 0.0) for index, score in best.items()),
            key=lambda s: s.confidence,
            reverse=True,
        )

    def _fuzzy(self, normal: str, index: int) -> float:
        found = process.extractOne(normal, self.index.phrasings(index), scorer=fuzz.token_set_ratio)
        return float(found[1]) / 100 if found else 0.0


class CategoryCues:
    """Words that say what kind of answer is wanted ("phone", 「地址」 → a contact; "dates",
    「什麼時候」 → an event: intents.yaml ``category_cues``) lift that category slightly."""

    def __init__(
        self, cues: Mapping[Category, LocalizedList], entries: Sequence[Entry], boost: float
    ) -> None:
        self.spotters = [
            (category, PhraseSpotter(phrases.all())) for category, phrases in cues.items()
        ]
        self.entry_categories = [entry.category for entry in entries]
        self.boost = boost

    def lift(self, normal: str, scored: list[Scored]) -> list[Scored]:
        """``scored`` with the entries of the categories the normalised question asks for
        lifted, best first again."""
        cued = {category for category, spotter in self.spotters if spotter.found_in(normal)}
        if not cued:
            return scored
        return sorted(
            (
                replace(s, confidence=s.confidence + self.boost)
                if self.entry_categories[s.entry_index] in cued
                else s
                for s in scored
            ),
            key=lambda s: s.confidence,
            reverse=True,
        )
