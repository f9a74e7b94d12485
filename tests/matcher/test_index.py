"""The index build: the vectorised counting gives the postings, idf and BM25 weights that
their definition gives, entry by entry; every entry's keywords are terms of every text."""

from __future__ import annotations

import math
import weakref
from collections import Counter
from dataclasses import fields, replace

import numpy as np
import pytest

from bot.kb.loader import KnowledgeBase
from bot.kb.schema import Entry
from bot.matcher import Matcher, MatcherConfig, batch_tokens
from bot.matcher import index as index_module
from bot.matcher.analyzer import Fillers
from bot.matcher.index import AUTHORED_INDEX_LANGS, TRANSLATED_INDEX_LANGS, Index, build_index
from bot.matcher.words import ALL_HAN
from bot.text import has_han, normalize, normalize_many


def _phrasings(entry: Entry) -> list[str]:
    """What the index reads of an entry besides its keywords: its questions and its title in
    Traditional Chinese and English."""
    return [*entry.questions.zh_hant, *entry.questions.en, entry.title.zh_hant, entry.title.en]


def _counts_by_definition(matcher: Matcher) -> list[Counter[str]]:
    """Each entry's count of each token: 1 for each phrasing (question or title) holding it,
    keyword_boost for each keyword holding it."""
    analyzer, boost = matcher.analyzer, matcher.config.keyword_boost
    counts = []
    for entry in matcher.entries:
        count: Counter[str] = Counter()
        for text in _phrasings(entry):
            count.update(
                dict.fromkeys(analyzer.index_keys(analyzer.strip_fillers(normalize(text))), 1)
            )
        for keyword in [*entry.keywords.zh_hant, *entry.keywords.en]:
            count.update(dict.fromkeys(analyzer.index_keys(normalize(keyword)), boost))
        counts.append(count)
    return counts


def test_postings_idf_and_weights_are_those_of_bm25(matcher: Matcher) -> None:
    index, cfg = matcher.index, matcher.config
    counts = _counts_by_definition(matcher)
    n_docs = len(counts)
    holders: dict[str, list[int]] = {}
    for doc, count in enumerate(counts):
        for token in count:
            holders.setdefault(token, []).append(doc)
    assert set(index.token_ids) == set(holders)
    lengths = [sum(count.values()) for count in counts]
    average = sum(lengths) / n_docs
    for token, docs in holders.items():
        idf = math.log(1 + (n_docs - len(docs) + 0.5) / (len(docs) + 0.5))
        assert index.idf(token) == idf
        posting = index.posting(token)
        assert posting is not None
        assert posting[0].tolist() == docs
        tf = np.array([counts[doc][token] for doc in docs], dtype=np.float64)
        norm = cfg.k1 * (1 - cfg.b + cfg.b * np.array([lengths[d] for d in docs]) / average)
        expected = idf * tf * (cfg.k1 + 1) / (tf + norm)
        np.testing.assert_allclose(posting[1], expected, rtol=1e-6)


def test_each_entrys_phrasings_are_kept_for_the_fuzzy_comparison(matcher: Matcher) -> None:
    index, analyzer = matcher.index, matcher.analyzer
    for number, entry in enumerate(matcher.entries):
        stripped = [analyzer.strip_fillers(normalize(text)) for text in _phrasings(entry)]
        assert index.phrasings(number) == [text for text in stripped if text]
    assert index.function_phrasings
    for text, number in index.function_phrasings:
        assert text in index.phrasings(number)
        assert not analyzer.index_keys(text)


def test_a_keyword_of_one_entry_is_a_term_in_the_texts_of_every_other(kb: KnowledgeBase) -> None:
    """The analyzer's terms are all entries' Chinese keywords: a question of entry 0 holding
    entry 3's keyword (unknown to the KB as a word otherwise) is indexed with that term."""
    term = "試零零零三詞"
    entries = list(kb.entries[:4])
    entries[0] = entries[0].model_copy(
        update={
            "questions": entries[0].questions.model_copy(
                update={"zh_hant": [*entries[0].questions.zh_hant, f"請問{term}在哪裡"]}
            )
        }
    )
    entries[3] = entries[3].model_copy(
        update={
            "keywords": entries[3].keywords.model_copy(
                update={"zh_hant": [*entries[3].keywords.zh_hant, term]}
            )
        }
    )
    matcher = Matcher(
        KnowledgeBase(entries=tuple(entries), synonyms=kb.synonyms, intents=kb.intents)
    )
    posting = matcher.index.posting(term)
    assert posting is not None
    assert posting[0].tolist() == [0, 3]


def _with(entry: Entry, **changes: object) -> Entry:
    return entry.model_copy(update=changes)


def test_an_index_is_built_again_only_when_what_it_indexes_changed(kb: KnowledgeBase) -> None:
    """A reload after an answer was edited reuses the index; any indexed text rebuilds it."""
    first = Matcher(kb)
    thanks = kb["faq.thanks"]
    answer = thanks.answer.model_copy(update={"en": thanks.answer.en + " Again."})
    answer_edited = replace(
        kb, entries=tuple(_with(e, answer=answer) if e is thanks else e for e in kb.entries)
    )
    second = Matcher(answer_edited)
    assert second.index is first.index
    assert second.translated_scorer.index is first.translated_scorer.index
    assert second.kb["faq.thanks"].answer.en.endswith("Again.")

    questions = thanks.questions.model_copy(
        update={"en": [*thanks.questions.en, "cheers for the help"]}
    )
    asked_anew = replace(
        kb, entries=tuple(_with(e, questions=questions) if e is thanks else e for e in kb.entries)
    )
    third = Matcher(asked_anew)
    assert third.index is not first.index
    assert third.translated_scorer.index is first.translated_scorer.index  # ja/ko unchanged
    assert "cheers for the help" in third.index.phrasings(third.positions["faq.thanks"])
    assert third.match("cheers for the help").entry == "faq.thanks"


def test_a_replaced_matchers_analyzer_is_freed_after_correcting_typos(kb: KnowledgeBase) -> None:
    first = Matcher(kb)
    assert first.match("how do i aplly for a resdent permit").decision is not None
    analyzer = weakref.ref(first.analyzer)
    thanks = kb["faq.thanks"]
    questions = thanks.questions.model_copy(update={"en": [*thanks.questions.en, "ta mate"]})
    Matcher(
        replace(
            kb,
            entries=tuple(_with(e, questions=questions) if e is thanks else e for e in kb.entries),
        )
    )
    del first
    assert analyzer() is None


def _assert_same_index(built: Index, fresh: Index) -> None:
    """Every field of the two indexes equal (the numpy arrays element by element, in order)."""
    for field in fields(Index):
        mine, theirs = getattr(built, field.name), getattr(fresh, field.name)
        if isinstance(mine, np.ndarray):
            assert mine.dtype == theirs.dtype, field.name
            assert np.array_equal(mine, theirs), field.name
        else:
            assert mine == theirs, field.name
            if isinstance(mine, dict):
                assert list(mine) == list(theirs), field.name  # the same token numbering


def test_a_rebuild_normalises_only_the_texts_it_has_not_read_before(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reload after a question was added reads the other texts' forms from the last build,
    and builds the index a fresh build would."""
    Matcher(kb)
    thanks = kb["faq.thanks"]
    added = "Many thanks for the ferry timetable!"
    questions = thanks.questions.model_copy(update={"en": [*thanks.questions.en, added]})
    asked_anew = replace(
        kb, entries=tuple(_with(e, questions=questions) if e is thanks else e for e in kb.entries)
    )
    normalised: list[str] = []

    def recording(texts: list[str]) -> list[str]:
        normalised.extend(texts)
        return normalize_many(texts)

    monkeypatch.setattr(index_module, "normalize_many", recording)
    rebuilt = Matcher(asked_anew)
    # The new question, and the places the build looks for (a few thousand: not memoised).
    places = {*kb.intents.places_elsewhere(), *kb.places}
    assert [text for text in normalised if text not in places] == [added]
    monkeypatch.undo()
    index_module._last_built.clear()
    index_module._last_forms.clear()
    fresh = Matcher(asked_anew)
    _assert_same_index(rebuilt.index, fresh.index)
    _assert_same_index(rebuilt.translated_scorer.index, fresh.translated_scorer.index)


def test_phrasings_are_stripped_anew_when_the_fillers_change(kb: KnowledgeBase) -> None:
    config, langs = MatcherConfig(), AUTHORED_INDEX_LANGS
    entries = kb.entries
    question = normalize(kb["faq.thanks"].questions.en[0])
    filler = question.split()[0]
    with_filler, _ = build_index(entries, config, kb.synonyms, Fillers([filler]), [], langs)
    without, _ = build_index(entries, config, kb.synonyms, Fillers([]), [], langs)
    assert question not in with_filler.phrasing_texts
    assert question in without.phrasing_texts
    index_module._last_built.clear()
    index_module._last_forms.clear()
    fresh, _ = build_index(entries, config, kb.synonyms, Fillers([]), [], langs)
    _assert_same_index(without, fresh)


def test_the_places_the_texts_never_mention_are_those_of_the_definition(kb: KnowledgeBase) -> None:
    """A place written in Han characters is mentioned inside a run of them, an English one as
    whole words, a mixed one anywhere (spaces left out): the build's shortcuts (the English
    words the texts use, the characters they hold) change nothing of that."""
    fillers = Fillers(kb.intents.fillers.all())
    places = [*kb.intents.places_elsewhere(), *kb.places, "서울", "Taroko Gorge", "花蓮 hotel"]
    index, _ = build_index(
        kb.entries, MatcherConfig(), kb.synonyms, fillers, places, AUTHORED_INDEX_LANGS
    )
    texts: list[str] = []
    for entry in kb.entries:
        for lang in AUTHORED_INDEX_LANGS:
            phrasings = [*entry.questions.get(lang), entry.title.exact(lang) or ""]
            texts += [fillers.strip(normalize(text)) for text in phrasings]
            texts += map(normalize, entry.keywords.get(lang))
    runs = "\n".join(run for text in texts for run in ALL_HAN.findall(text))
    words = " \n ".join(["", *texts, ""])
    compact = "\n".join(text.replace(" ", "") for text in texts)

    def mentioned(place: str) -> bool:
        if ALL_HAN.fullmatch(place.replace(" ", "")):
            return place.replace(" ", "") in runs
        if has_han(place):
            return place.replace(" ", "") in compact
        return f" {place} " in words

    normal = [normalize(place) for place in places]
    assert index.places_unmentioned == [p for p in normal if not (p and mentioned(p))]
    assert "taroko gorge" not in index.places_unmentioned
    assert "서울" in index.places_unmentioned


@pytest.mark.parametrize("langs", [AUTHORED_INDEX_LANGS, TRANSLATED_INDEX_LANGS])
def test_an_index_built_in_small_slices_is_the_index_built_whole(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, langs: tuple[str, ...]
) -> None:
    """The build reads the joined texts and counts the tokens a slice at a time (a million
    characters, a million tokens): slices of a few texts and tokens give the same index."""
    config, fillers = MatcherConfig(), Fillers(kb.intents.fillers.all())
    whole, _ = build_index(kb.entries, config, kb.synonyms, fillers, [], langs)
    index_module._last_built.clear()
    index_module._last_forms.clear()
    monkeypatch.setattr(batch_tokens, "_SLICE_CHARACTERS", 50)
    monkeypatch.setattr(index_module, "_COUNTING_SLICE", 40)
    monkeypatch.setattr(index_module, "_SAMPLE_STEP", 3)
    sliced, _ = build_index(kb.entries, config, kb.synonyms, fillers, [], langs)
    assert len(whole.token_ids) > 1000
    _assert_same_index(sliced, whole)
