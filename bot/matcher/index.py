"""The index: each entry's questions, titles and keywords → BM25 postings and idf; each
entry's phrasings, for the fuzzy comparison; which places the KB's texts mention.

Built once, in one process, on whole batches: one normalisation pass over every text, one
batch tokenisation (batch_tokens.py), the counting and the postings on numpy arrays, never a
loop over the entries' tokens. docs/performance.md has the figures and where the time goes.
"""

from __future__ import annotations

import hashlib
import math
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, count, pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.kb.schema import Entry
from bot.matcher.analyzer import Analyzer, Fillers
from bot.matcher.batch_tokens import TokenPairs, token_pairs
from bot.matcher.config import MatcherConfig
from bot.matcher.words import ALL_HAN, EN_STOPWORDS, EN_WORD, is_seam, stem
from bot.text import code_points, distinct_code_points, has_han, is_han, normalize_many


@dataclass(frozen=True)
class Index:
    """The built index. Token ``t`` (numbered by ``token_ids``) is held by the entries
    ``posting_docs[posting_bounds[t]:posting_bounds[t + 1]]``, ascending, with the BM25
    weights beside them in ``posting_weights``."""

    n_docs: int
    token_ids: dict[str, int]
    idf_by_id: list[float]
    #: The idf a token no entry holds would have: the question's information no entry explains.
    unknown_idf: float
    posting_bounds: list[int]
    posting_docs: npt.NDArray[np.int64]
    posting_weights: npt.NDArray[np.float32]
    #: Each entry's filler-free phrasings (questions and titles), entry after entry: those of
    #: entry i are phrasing_texts[phrasing_bounds[i]:phrasing_bounds[i + 1]].
    phrasing_texts: list[str]
    phrasing_bounds: list[int]
    #: The phrasings made only of function words ("who are you"), with their entry.
    function_phrasings: list[tuple[str, int]]
    #: The places (of those given to build_index, normalised) that the texts never mention.
    places_unmentioned: list[str]

    def idf(self, token: str) -> float | None:
        """The token's idf, or None for a token the KB does not hold."""
        index = self.token_ids.get(token)
        return None if index is None else self.idf_by_id[index]

    def posting(self, token: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]] | None:
        """The entries holding ``token`` and its BM25 weight in each, or None."""
        index = self.token_ids.get(token)
        return None if index is None else self.posting_at(index)

    def posting_at(self, index: int) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        low, high = self.posting_bounds[index], self.posting_bounds[index + 1]
        return self.posting_docs[low:high], self.posting_weights[low:high]

    def phrasings(self, index: int) -> list[str]:
        """The filler-free phrasings (questions and titles) of entry ``index``."""
        return self.phrasing_texts[self.phrasing_bounds[index] : self.phrasing_bounds[index + 1]]

    def is_kb_pair(self, pair: str) -> bool:
        """Whether the KB's questions, keywords or titles use this pair of Han characters as a
        word: a pair with a particle (拜的, 京嗎) is a seam between words, not one."""
        return (
            len(pair) == 2
            and is_han(pair[0])
            and is_han(pair[1])
            and not is_seam(pair)
            and pair in self.token_ids
        )


#: The languages of the main index (the authored ones), and of the index Japanese and
#: Korean questions are matched in.
AUTHORED_INDEX_LANGS = ("zh-Hant", "en")
TRANSLATED_INDEX_LANGS = ("ja", "ko")


#: The last index built for each set of languages, under the digest of everything it was
#: built from (see _index_inputs). A reload after a curator changed only answers (most edits:
#: a phone number, a date) finds it here instead of building it again.
_last_built: dict[tuple[str, ...], tuple[bytes, Index, Analyzer]] = {}


def build_index(
    entries: Sequence[Entry],
    config: MatcherConfig,
    synonyms: Sequence[Sequence[str]],
    fillers: Fillers,
    places: list[str],
    langs: Sequence[str] = AUTHORED_INDEX_LANGS,
) -> tuple[Index, Analyzer]:
    """Index the texts in ``langs`` of ``entries`` (see _build_index), or give the index last
    built from the very same texts, which neither the index nor its analyzer change once built."""
    key = tuple(langs)
    digest = _index_inputs(entries, config, synonyms, fillers, places, key)
    last = _last_built.get(key)
    if last is not None and last[0] == digest:
        return last[1], last[2]
    index, analyzer = _build_index(entries, config, synonyms, fillers, places, key)
    _last_built[key] = (digest, index, analyzer)
    return index, analyzer


def _index_inputs(
    entries: Sequence[Entry],
    config: MatcherConfig,
    synonyms: Sequence[Sequence[str]],
    fillers: Fillers,
    places: list[str],
    langs: tuple[str, ...],
) -> bytes:
    """A digest of all an index is built from: its entries' phrasings, titles and keywords in
    ``langs``, in order (an entry's answer is not indexed), and the words that read them."""
    # The texts joined with separators no KB text holds (control characters): pickling the
    # same nested lists is ten times slower.
    texts: list[str] = []
    for entry in entries:
        for lang in langs:
            texts += entry.questions.get(lang)
            texts += ("\x1f", entry.title.exact(lang) or "", "\x1f")
            texts += entry.keywords.get(lang)
            texts.append("\x1e")
    words = (langs, repr(config), synonyms, type(fillers).__qualname__, fillers.phrases, places)
    digest = hashlib.sha256(pickle.dumps(words, protocol=pickle.HIGHEST_PROTOCOL))
    digest.update("\x1d".join(texts).encode("utf-8", "surrogatepass"))
    return digest.digest()


#: Texts and what was made of each, in the same order.
_Made = tuple[list[str], list[str]]
#: How many of a build's texts are looked up in the last build's, to tell whether the rest are
#: worth looking up.
_SAMPLE = 200


@dataclass(frozen=True)
class _TextForms:
    """What the last build of an index made of the texts it read: the keywords' normal forms
    (a function of the text alone) and the phrasings' filler-free normal forms (of the text
    and the fillers). A reload that added a question or changed a keyword normalises and
    strips only the new texts; the others are looked up. Kept as the lists the build made
    anyway, so that a first build pays nothing for it (dicts of the million texts of a
    10,000-entry KB take over a second to make), and only the last build's texts are kept."""

    #: The fillers the phrasings were stripped with: other fillers strip them anew.
    fillers: tuple[str, tuple[str, ...]]
    keywords: _Made
    phrasings: _Made


#: The text forms of the last index built for each set of languages.
_last_forms: dict[tuple[str, ...], _TextForms] = {}


def _fillers_key(fillers: Fillers) -> tuple[str, tuple[str, ...]]:
    """What a filler-free form depends on besides the text: the kind of fillers (base forms
    or not) and their phrases (see _index_inputs)."""
    return type(fillers).__qualname__, fillers.phrases


def _reusing(
    texts: list[str], last: _Made | None, work: Callable[[list[str]], list[str]]
) -> list[str]:
    """``work(texts)``, for a ``work`` that does each text on its own, done only on the texts
    the ``last`` build did not make anything of (the others are looked up)."""
    if last is None:
        return work(texts)
    made = dict(zip(*last, strict=True))
    # Texts unlike the last ones (another knowledge base: the bench's synthetic one after the
    # real one) are worked on whole: looking up a million texts that are not there takes a
    # second at 10,000 entries. A sample tells.
    sample = texts[:: max(1, len(texts) // _SAMPLE)]
    if sum(text in made for text in sample) < len(sample) / 2:
        return work(texts)
    new = list(dict.fromkeys(text for text in texts if text not in made))
    made.update(zip(new, work(new), strict=True))
    return list(map(made.__getitem__, texts))


def _build_index(
    entries: Sequence[Entry],
    config: MatcherConfig,
    synonyms: Sequence[Sequence[str]],
    fillers: Fillers,
    places: list[str],
    langs: Sequence[str] = AUTHORED_INDEX_LANGS,
) -> tuple[Index, Analyzer]:
    """Index the texts in ``langs`` of ``entries``, and find which of ``places`` their texts
    mention; gives the index and the analyzer built for it (its terms are the entries'
    keywords in those languages but English).

    An entry's count of a token: the phrasings (questions and titles) that hold it, plus
    keyword_boost for each keyword that holds it. Each distinct keyword is tokenised once
    (keywords recur: department names, "110"; phrasings hardly do, and finding repeats would
    cost more than it saves).
    """
    phrasings: list[str] = []
    per_entry_phrasings: list[int] = []
    per_entry_keywords: list[int] = []
    keywords: list[str] = []
    term_keywords: list[str] = []
    for entry in entries:
        questions = [entry.questions.get(lang) for lang in langs]
        titles = [title for lang in langs if (title := entry.title.exact(lang)) is not None]
        for texts in questions:
            phrasings += texts
        phrasings += titles
        per_entry_phrasings.append(sum(map(len, questions)) + len(titles))
        held = [entry.keywords.get(lang) for lang in langs]
        for lang, texts in zip(langs, held, strict=True):
            keywords += texts
            if lang != "en":
                term_keywords += texts
        per_entry_keywords.append(sum(map(len, held)))
    per_phrasings = np.array(per_entry_phrasings, dtype=np.int64)
    per_keywords = np.array(per_entry_keywords, dtype=np.int64)
    last = _last_forms.get(tuple(langs))
    fillers_key = _fillers_key(fillers)
    stripped = _reusing(
        phrasings,
        last.phrasings if last is not None and last.fillers == fillers_key else None,
        lambda texts: fillers.strip_many(normalize_many(texts)),
    )
    distinct = list(dict.fromkeys(keywords))
    normals = _reusing(distinct, last.keywords if last is not None else None, normalize_many)
    _last_forms[tuple(langs)] = _TextForms(fillers_key, (distinct, normals), (phrasings, stripped))
    normal = dict(zip(distinct, normals, strict=True))
    terms = dict.fromkeys(term_keywords)
    analyzer = Analyzer(config, synonyms, list(map(normal.__getitem__, terms)), fillers)
    texts = stripped + normals
    position = dict(zip(distinct, count(len(stripped)), strict=False))
    keyword_ids = np.fromiter(
        map(position.__getitem__, keywords), dtype=np.int64, count=len(keywords)
    )
    normal_places = normalize_many(places)
    places_han, places_other = _places_by_script(normal_places)
    pairs = token_pairs(analyzer, texts, [place for _, place in places_han])
    docs = np.arange(len(entries), dtype=np.int64)
    doc_of = np.repeat(docs, per_phrasings)
    cell_doc, cell_token, tf, vocabulary = _cells(
        pairs,
        doc_of,
        _Keywords(np.repeat(docs, per_keywords), keyword_ids - len(stripped)),
        len(entries),
        config.keyword_boost,
    )
    # Each entry's filler-free phrasings, for the fuzzy comparison at query time, and the
    # ones made only of function words ("who are you"), compared whole with such questions.
    filled = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped)) > 0
    no_token = ~pairs.holding_tokens()[: len(stripped)]
    function = [(stripped[i], int(doc_of[i])) for i in np.flatnonzero(no_token & filled).tolist()]
    per_entry = np.bincount(doc_of[filled], minlength=len(entries))
    others = pairs.numbering.others
    analyzer.freeze_vocabulary(set(english_words(others)))
    mentioned = {places_han[i][0] for i in pairs.probes_found}
    mentioned.update(_places_mentioned(places_other, texts, set(others)))
    index = Index(
        len(entries),
        dict(zip(vocabulary, count(), strict=False)),
        *_postings(cell_doc, cell_token, tf, len(vocabulary), len(entries), config),
        list(compress(stripped, filled.tolist())),
        np.concatenate(([0], np.cumsum(per_entry))).tolist(),
        function,
        [place for i, place in enumerate(normal_places) if i not in mentioned],
    )
    return index, analyzer


@dataclass(frozen=True)
class _Keywords:
    """The keywords of the entries, listed entry after entry: the ``k``-th belongs to entry
    ``docs[k]`` (ascending) and is text ``texts[k]`` of the distinct keywords."""

    docs: npt.NDArray[np.int64]
    texts: npt.NDArray[np.int64]


def _cells(
    pairs: TokenPairs,
    phrasing_docs: npt.NDArray[np.int64],
    keywords: _Keywords,
    n_entries: int,
    boost: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], list[str]]:
    """One (entry, token, count) cell for each token an entry holds, ordered by token, then
    entry, which is the order of the postings: (entry, token number, count) and the tokens.

    The first texts of ``pairs`` are the phrasings, text ``k`` of entry ``phrasing_docs[k]``
    (ascending), then the distinct keywords. An entry's count of a token: its phrasings that
    hold it, plus ``boost`` for each of its keywords that holds it.

    The phrasings' tokens (10 million at 10,000 entries) are counted one range of tokens
    after another, about a million at a time: their keys and the copies counting makes,
    made whole, were a gigabyte of fresh memory to fault in; a slice's are a few MB, which
    the allocator hands out again from one slice to the next.
    """
    n_phrasings = len(phrasing_docs)
    n_docs = max(n_entries, 1)
    if pairs.numbering.span * max(n_phrasings, len(keywords.docs), n_docs) >= 1 << 63:
        raise ValueError("the knowledge base is too large to index")
    is_phrasing = pairs.texts < n_phrasings
    keyword_table = TokenPairs(
        pairs.n - n_phrasings,
        pairs.texts[~is_phrasing] - n_phrasings,
        pairs.codes[~is_phrasing],
        pairs.numbering,
    ).table()
    # A keyword's tokens, once for each time an entry lists it.
    starts = keyword_table.offsets[keywords.texts]
    held = keyword_table.offsets[keywords.texts + 1] - starts
    starts -= np.cumsum(held) - held
    at = np.repeat(starts, held)
    at += np.arange(len(at), dtype=np.int64)
    keyword_cells, keyword_counts = _counted(
        keyword_table.codes[at],
        np.repeat(np.arange(len(keywords.docs), dtype=np.int64), held),
        keywords.docs,
        n_docs,
    )
    del at
    keyword_counts *= boost
    cells: list[npt.NDArray[np.int64]] = []
    tfs: list[npt.NDArray[np.int64]] = []
    codes = pairs.codes
    for low, high in _token_ranges(codes, pairs.numbering.span):
        chosen = codes >= low
        chosen &= codes < high
        chosen &= is_phrasing
        phrasing_cells, phrasing_counts = _counted(
            codes[chosen], pairs.texts[chosen], phrasing_docs, n_docs
        )
        first, end = np.searchsorted(keyword_cells, [low * n_docs, high * n_docs]).tolist()
        # Both ascending: the stable sort (timsort) merges the two runs.
        both = np.concatenate((phrasing_cells, keyword_cells[first:end]))
        if not len(both):
            continue
        order = np.argsort(both, kind="stable")
        both = both[order]
        opens = np.flatnonzero(np.append(True, both[1:] != both[:-1]))
        counts = np.concatenate((phrasing_counts, keyword_counts[first:end]))
        cells.append(both[opens])
        tfs.append(np.add.reduceat(counts[order], opens))
    if not cells:
        none = np.zeros(0, dtype=np.int64)
        return none, none, none, []
    code, cell_doc = np.divmod(np.concatenate(cells), n_docs)
    new_token = np.append(True, code[1:] != code[:-1])
    cell_token = np.cumsum(new_token) - 1
    return cell_doc, cell_token, np.concatenate(tfs), pairs.numbering.strings(code[new_token])


#: The phrasings' tokens are counted about this many at a time (see _cells).
_COUNTING_SLICE = 1 << 20
#: One token in this many is read to cut them into ranges.
_SAMPLE_STEP = 64


def _token_ranges(codes: npt.NDArray[np.signedinteger[Any]], span: int) -> list[tuple[int, int]]:
    """Ranges of token codes, [low, high), from 0 to ``span``, each holding about
    _COUNTING_SLICE of ``codes`` (as a sample of them has it), in order."""
    sample = np.sort(codes[::_SAMPLE_STEP])
    cuts = np.unique(sample[:: max(_COUNTING_SLICE // _SAMPLE_STEP, 1)][1:]).tolist()
    return list(pairwise([0, *cuts, span]))


def _counted(
    codes: npt.NDArray[np.signedinteger[Any]],
    occurrences: npt.NDArray[np.signedinteger[Any]],
    docs: npt.NDArray[np.int64],
    n_docs: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """How many phrasings (or keywords) of an entry hold a token: for each (token, entry)
    cell, its key ``token * n_docs + entry`` (ascending) and that count. Phrasing ``k``, of
    entry ``docs[k]`` (ascending), holds the token of code ``codes[i]`` for each ``i`` with
    ``occurrences[i] == k``, and may hold it more than once."""
    # Each token of a phrasing keyed by (token, phrasing), worked on in place.
    n = max(len(docs), 1)
    keys = codes.astype(np.int64)
    keys *= n
    keys += occurrences
    # Most of the keys come as a few sorted runs (batch_tokens orders the characters and
    # pairs): the stable sort (timsort) merges them.
    keys.sort(kind="stable")
    if not len(keys):
        return keys, keys
    # A phrasing holding a token twice gives two keys, side by side: the first counts.
    first = np.empty(len(keys), dtype=np.bool_)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    # Phrasings are listed entry after entry, so the keys become (token, entry) in order.
    entry = docs[keys % n]
    keys //= n
    keys *= n_docs
    keys += entry
    del entry
    opens = np.flatnonzero(np.append(True, keys[1:] != keys[:-1]))
    return keys[opens], np.add.reduceat(first, opens, dtype=np.int64)


def _postings(
    cell_doc: npt.NDArray[np.int64],
    cell_token: npt.NDArray[np.int64],
    cell_tf: npt.NDArray[np.int64],
    n_tokens: int,
    n_docs: int,
    config: MatcherConfig,
) -> tuple[list[float], float, list[int], npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """idf by token, the idf of an unknown token, and the postings (bounds, entries, BM25
    weights) of the cells, which come ordered as the postings are."""
    document_frequency = np.bincount(cell_token, minlength=n_tokens)
    bounds = np.concatenate(([0], np.cumsum(document_frequency)))
    # idf takes one value per document frequency: math.log on each distinct one.
    distinct_df = np.unique(document_frequency)
    logs = np.array(
        [math.log(1 + (n_docs - df + 0.5) / (df + 0.5)) for df in distinct_df.tolist()],
        dtype=np.float64,
    )
    idf = logs[np.searchsorted(distinct_df, document_frequency)]
    tf = cell_tf.astype(np.float64)
    lengths = np.bincount(cell_doc, weights=tf, minlength=n_docs)
    average = float(lengths.mean()) if n_docs else 1.0
    norm = config.k1 * (1 - config.b + config.b * lengths[cell_doc] / average)
    weight = np.repeat(idf, document_frequency) * tf * (config.k1 + 1) / (tf + norm)
    return (
        idf.tolist(),
        math.log(1 + (n_docs + 0.5) / 0.5),
        bounds.tolist(),
        cell_doc,
        weight.astype(np.float32),
    )


def english_words(tokens: list[str]) -> list[str]:
    """The tokens that are English words: what a typo in a question is corrected to."""
    # Some 100,000 tokens at 10,000 entries, most of them Chinese terms: filtered in C.
    return list(filter(str.isalpha, filter(str.isascii, tokens)))


def _places_by_script(
    normal_places: list[str],
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The places written in Han characters alone (spaces left out), and the others, each
    with its index in ``normal_places``."""
    han: list[tuple[int, str]] = []
    other: list[tuple[int, str]] = []
    for index, normal in enumerate(normal_places):
        if normal:
            compact = normal.replace(" ", "")
            if ALL_HAN.fullmatch(compact):
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
    # A place with a character no text holds is nowhere in them: Korean places are looked
    # for in the Chinese and English texts, and each look is a scan of millions of characters.
    held = _characters(texts) if places else set()
    for index, place in places:
        if not held.issuperset(place.replace(" ", "")):
            continue
        if has_han(place):
            if compact is None:
                compact = "\n".join(texts).replace(" ", "")
            if place.replace(" ", "") in compact:
                found.append(index)
            continue
        # Only a place each of whose words the texts use can be there: the others are not
        # looked for in millions of characters.
        if all(stem(w) in vocabulary or stem(w) in EN_STOPWORDS for w in EN_WORD.findall(place)):
            if padded is None:
                # Spaces at both ends come from the join: added after, they would copy the
                # millions of characters again.
                padded = " \n ".join(["", *texts, ""])
            if f" {place} " in padded:
                found.append(index)
    return found


def _characters(texts: list[str]) -> set[str]:
    """The distinct characters of ``texts``."""
    return set(map(chr, distinct_code_points(code_points("".join(texts)))))
