"""The matcher: one match per category, safety words, handoff, scripts, and robustness."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import matcher as matcher_module
from bot.answers import AnswerContext, render
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Matcher
from bot.text import Lang, normalize, normalize_many


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which cities are Hualien's sister cities?", "exchange.sister-cities"),
        ("花蓮縣政府的總機電話", "contact.county-government"),
        ("how do I renew my residence permit", "service.arc"),
        ("石雕藝術季什麼時候舉辦", "event.stone-sculpture"),
        ("thank you so much", "faq.thanks"),
    ],
)
def test_one_question_per_category(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.match(question)
    assert result.decision is Decision.ANSWER, result
    assert result.entry == expected


@pytest.mark.parametrize(
    "question", ["help, there is a fire!", "我朋友出車禍受傷了", "救命啊", "有人受伤了怎么办"]
)
def test_emergency_words_always_give_the_emergency_entry(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert (result.decision, result.entry, result.emergency) == (
        Decision.ANSWER,
        "contact.emergency",
        True,
    )


@pytest.mark.parametrize(
    "question", ["I want to talk to a real person", "我要找真人客服", "我要转人工客服"]
)
def test_requests_for_a_person_hand_off_in_every_script(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is Decision.HANDOFF


def test_emergency_wins_over_a_request_for_a_person(matcher: Matcher) -> None:
    result = matcher.match("someone is injured, let me talk to a real person")
    assert result.emergency
    assert result.entry == "contact.emergency"


def test_simplified_question_matches_the_traditional_entry(matcher: Matcher) -> None:
    result = matcher.match("居留证怎么延期")
    assert result.lang is Lang.ZH_HANS
    assert result.entry == "service.arc" or "service.arc" in result.candidates


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("留学生怎么办医保手续", "service.health-insurance"),
        ("在哪里办手机卡", "service.sim-card"),
        ("我们想跟花莲的学校结成友好学校", "exchange.school-exchange"),
        ("出入境管理局在哪里", "contact.immigration"),
        ("打车贵不贵", "service.local-transport"),
    ],
)
def test_mainland_words_reach_their_entry(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.match(question)
    assert result.lang is Lang.ZH_HANS
    assert expected in (result.entry, *result.candidates), result


def test_particle_seams_are_not_question_words(matcher: Matcher) -> None:
    query = matcher._drop_seams(
        "學校之間的國際交流怎麼申請",
        matcher.analyzer.tokens("學校之間的國際交流怎麼申請", correct=True),
    )
    assert {"間的", "的國", "流怎", "麼申"}.isdisjoint(query)
    assert {"學校", "國際", "交流", "申請"} <= set(query)
    assert "貴不" not in matcher._drop_seams("車貴不貴", matcher.analyzer.tokens("車貴不貴"))


def test_typos_are_forgiven(matcher: Matcher) -> None:
    result = matcher.match("imigration ofice hualien")
    assert "contact.immigration" in (result.entry, *result.candidates)


def test_synonyms_cross_languages(matcher: Matcher) -> None:
    result = matcher.match("健保 for students")
    assert "service.health-insurance" in (result.entry, *result.candidates)


@pytest.mark.parametrize(
    "question", ["What is the population of Canada?", "幫我寫一首情詩", "qwertyuiop", ""]
)
def test_out_of_scope_is_not_answered(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).decision is not Decision.ANSWER


def test_clarify_offers_at_most_three_distinct_options(matcher: Matcher, kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        result = matcher.match(entry.title.en)
        assert len(result.candidates) <= 3
        assert len(set(result.candidates)) == len(result.candidates)
        if result.decision is Decision.CLARIFY:
            assert result.entry is None
            assert result.candidates


def test_entry_titles_find_their_own_entry(matcher: Matcher, kb: KnowledgeBase) -> None:
    found = 0
    for entry in kb.entries:
        result = matcher.match(entry.title.zh_hant)
        found += entry.id in (result.entry, *result.candidates)
    assert found >= 0.9 * len(kb.entries)


def _context(today: dt.date) -> AnswerContext:
    return AnswerContext(today, range(0, 5), dt.time(8), dt.time(17), 180)


def test_upcoming_events_depend_on_the_injected_date(kb: KnowledgeBase) -> None:
    entry = kb["event.upcoming"]
    june = render(kb, entry, Lang.EN, _context(dt.date(2027, 6, 1)))
    september = render(kb, entry, Lang.EN, _context(dt.date(2027, 9, 15)))
    assert "Summer" in june.split("\n", 2)[1] or "summer" in june.lower()
    assert june != september
    # Harvest festivals (July-August) are next in June, past by mid-September.
    assert "2027" in june


def test_simplified_visitors_get_simplified_answers(kb: KnowledgeBase, matcher: Matcher) -> None:
    result = matcher.match("紧急电话是多少")
    assert result.entry == "contact.emergency"
    text = render(kb, kb["contact.emergency"], result.lang, _context(dt.date(2026, 11, 26)))
    assert "紧急" in text
    assert "緊急" not in text


def test_answer_placeholders_are_filled(kb: KnowledgeBase) -> None:
    for entry in kb.entries:
        for lang in (Lang.EN, Lang.ZH_HANT, Lang.ZH_HANS):
            text = render(kb, entry, lang, _context(dt.date(2026, 11, 26)))
            assert "{{" not in text, entry.id
            assert "}}" not in text, entry.id


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300))
def test_any_unicode_gives_a_valid_decision(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.decision in Decision
    assert len(result.candidates) <= 3
    assert 0.0 <= result.score <= 1.5
    if result.decision is Decision.ANSWER:
        assert result.entry is not None


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.sampled_from(["arc", "居留證", "醫院", "hospital", "🙂", "ＡＴＭ", " ", "嗎", "the"]),
        max_size=30,
    )
)
def test_domain_word_soup_never_raises(matcher: Matcher, words: list[str]) -> None:
    assert matcher.match("".join(words)).decision in Decision


def _texts(kb: KnowledgeBase) -> list[str]:
    return [
        text
        for entry in kb.entries
        for text in (*entry.questions.all(), *entry.keywords.all(), entry.title.zh_hant)
    ]


def test_index_keys_are_the_tokens_of_every_kb_text(matcher: Matcher, kb: KnowledgeBase) -> None:
    analyzer = matcher.analyzer
    for normal in normalize_many(_texts(kb)):
        assert analyzer.index_keys(normal) == set(analyzer.tokens(normal)), normal


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=8),
            st.sampled_from(
                ["居留證", "姊妹市", "校際交流", "國際教育交流", "sim card", "ARC", "的", "嗎", " "]
            ),
        ),
        max_size=12,
    )
)
def test_index_keys_are_the_tokens_of_any_text(matcher: Matcher, parts: list[str]) -> None:
    normal = normalize("".join(parts))
    assert matcher.analyzer.index_keys(normal) == set(matcher.analyzer.tokens(normal))


# 0: pairs looked up by binary search, as for a KB written with a very large alphabet.
@pytest.mark.parametrize("dense_pairs", [matcher_module._DENSE_PAIRS, 0])
def test_batch_index_keys_are_the_tokens_of_every_kb_text(
    matcher: Matcher, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, dense_pairs: int
) -> None:
    monkeypatch.setattr(matcher_module, "_DENSE_PAIRS", dense_pairs)
    normals = sorted(set(normalize_many(_texts(kb))))
    table = matcher.analyzer.index_keys_many(normals)
    for index, normal in enumerate(normals):
        assert table.of(index) == matcher.analyzer.index_keys(normal), normal


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.text(max_size=6),
                st.sampled_from(
                    [
                        "居留證",
                        "姊妹市",
                        "校際交流",
                        "國際教育交流",
                        "sim card",
                        "arc",
                        "的",
                        "請問",
                        "please",
                    ]
                ),
            ),
            max_size=8,
        ).map(lambda parts: normalize("".join(parts))),
        max_size=8,
    )
)
def test_batch_index_keys_and_fillers_match_one_by_one(
    matcher: Matcher, normals: list[str]
) -> None:
    analyzer = matcher.analyzer
    table = analyzer.index_keys_many(normals)
    assert [table.of(i) for i in range(len(normals))] == [analyzer.index_keys(n) for n in normals]
    assert analyzer.fillers.strip_many(normals) == [analyzer.strip_fillers(n) for n in normals]


def _copies(kb: KnowledgeBase, size: int) -> KnowledgeBase:
    """``size`` copies of the KB's entries. Each copy has a Chinese keyword of its own, which
    a question of the copy half the KB away holds: each half is tokenised right only with
    the other half's keywords among the analyzer's terms."""

    def term(index: int) -> str:
        return "試" + "".join("零一二三四五六七八九"[int(d)] for d in f"{index:04d}") + "詞"

    entries = []
    for index in range(size):
        base = kb.entries[index % len(kb.entries)]
        mark = f"{index:04d}"
        far = (index + size // 2) % size
        entries.append(
            base.model_copy(
                update={
                    "id": f"{base.category.value}.copy-{index}",
                    "questions": base.questions.model_copy(
                        update={
                            "zh_hant": [f"{q}{index % 7}號" for q in base.questions.zh_hant]
                            + [f"請問{term(far)}在哪裡"],
                            "en": [f"{q} {mark}" for q in base.questions.en],
                        }
                    ),
                    "keywords": base.keywords.model_copy(
                        update={"zh_hant": [*base.keywords.zh_hant, term(index)]}
                    ),
                    "related": [],
                }
            )
        )
    return KnowledgeBase(entries=tuple(entries), synonyms=kb.synonyms, intents=kb.intents)


def _indexed_in_halves(copies: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> Matcher:
    monkeypatch.setattr(matcher_module, "PARALLEL_MIN_ENTRIES", 100)
    split = matcher_module._index_parts
    counts: list[int] = []

    def counted(*args: Any) -> Any:
        merged, analyzer = split(*args)
        counts.append(len(merged.parts))
        return merged, analyzer

    monkeypatch.setattr(matcher_module, "_index_parts", counted)
    halves = Matcher(copies)
    assert counts == [2]  # it did fork
    return halves


def _assert_same_index(whole: Matcher, halves: Matcher) -> None:
    assert halves.analyzer.zh_terms == whole.analyzer.zh_terms
    assert set(halves._token_ids) == set(whole._token_ids)
    assert [halves.phrasings(i) for i in range(halves.n_docs)] == [
        whole.phrasings(i) for i in range(whole.n_docs)
    ]
    assert halves.n_docs == whole.n_docs
    assert sorted(halves.function_phrasings) == sorted(whole.function_phrasings)
    for token in whole._token_ids:
        assert halves.idf(token) == whole.idf(token)
        one, two = whole._posting(token), halves._posting(token)
        assert one is not None
        assert two is not None
        assert one[0].tolist() == two[0].tolist()
        assert one[1].tolist() == two[1].tolist()


@pytest.fixture(scope="module")
def copies(kb: KnowledgeBase) -> KnowledgeBase:
    return _copies(kb, 240)


@pytest.fixture(scope="module")
def whole(copies: KnowledgeBase) -> Matcher:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matcher_module, "PARALLEL_MIN_ENTRIES", 10**9)
        return Matcher(copies)


def test_the_copies_need_the_other_halfs_keywords(whole: Matcher) -> None:
    for term, entries in [("試零一二五詞", {5, 125}), ("試零零零五詞", {5, 125})]:
        posting = whole._posting(term)  # a keyword of the one, in a question of the other
        assert posting is not None
        assert entries == set(posting[0].tolist())


def test_a_large_kb_indexed_in_two_halves_is_indexed_as_in_one(
    copies: KnowledgeBase, whole: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    halves = _indexed_in_halves(copies, monkeypatch)
    _assert_same_index(whole, halves)
    for question in [
        "居留證怎麼延期",
        "where is the hospital",
        "新北市政府電話",
        "okinawa exchange",
    ]:
        assert halves.match(question) == whole.match(question)


def _die_in_the_worker(parent: int) -> None:
    if os.getpid() != parent:
        os._exit(1)


def test_a_worker_dying_before_the_halves_trade_keywords_leaves_the_index_whole(
    copies: KnowledgeBase, whole: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, normalize_batch = os.getpid(), matcher_module.normalize_many

    def dies_in_the_worker(texts: list[str]) -> list[str]:
        _die_in_the_worker(parent)
        return normalize_batch(texts)

    monkeypatch.setattr(matcher_module, "normalize_many", dies_in_the_worker)
    _assert_same_index(whole, _indexed_in_halves(copies, monkeypatch))


def test_a_worker_dying_before_it_hands_its_half_back_leaves_the_index_whole(
    copies: KnowledgeBase, whole: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, to_wire = os.getpid(), matcher_module._Part.to_wire

    def dies_in_the_worker(part: Any) -> Any:
        _die_in_the_worker(parent)
        return to_wire(part)

    monkeypatch.setattr(matcher_module._Part, "to_wire", dies_in_the_worker)
    _assert_same_index(whole, _indexed_in_halves(copies, monkeypatch))


def test_the_analyzers_piece_tables_describe_its_pieces(matcher: Matcher) -> None:
    """The batch tokeniser reads the pieces through tables worked out at once, not piece by
    piece; they must say what the pieces themselves say."""
    analyzer = matcher.analyzer
    pieces = list(analyzer.zh_pieces)
    kinds = analyzer._zh_piece_kinds
    is_term = [is_term for _, is_term in analyzer.zh_pieces.values()]
    assert kinds.term_index.tolist() == [i for i, term in enumerate(is_term) if term]
    assert [pieces[i] for i in kinds.term_index.tolist()] == kinds.terms
    assert sorted((pieces[i], token) for i, token in kinds.synonyms) == sorted(
        analyzer.zh_synonyms.items()
    )
    lengths: dict[str, set[int]] = {}
    for piece in pieces:
        lengths.setdefault(piece[0], set()).add(len(piece))
    assert analyzer.zh_piece_lengths == {c: tuple(sorted(n)) for c, n in lengths.items()}


class _BuildFailed(RuntimeError):
    pass


def _worker_must_leave_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker the build had to kill is a failure: it would have waited for ever."""

    def refuse(process: Any) -> None:
        raise AssertionError("the index worker had to be killed")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "kill", refuse)
    monkeypatch.setattr(matcher_module, "WORKER_GRACE_SECONDS", 20.0)
    monkeypatch.setattr(matcher_module, "PARALLEL_MIN_ENTRIES", 100)


def test_a_build_failing_before_the_halves_trade_leaves_no_worker_behind(
    copies: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    _worker_must_leave_by_itself(monkeypatch)
    parent, strip_many = os.getpid(), matcher_module._Fillers.strip_many

    def fails_in_the_parent(fillers: Any, normals: list[str]) -> list[str]:
        if os.getpid() == parent:
            raise _BuildFailed
        return strip_many(fillers, normals)

    monkeypatch.setattr(matcher_module._Fillers, "strip_many", fails_in_the_parent)
    with pytest.raises(_BuildFailed):
        Matcher(copies)
    assert multiprocessing.active_children() == []


def test_a_build_failing_after_the_halves_trade_leaves_no_worker_behind(
    copies: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    _worker_must_leave_by_itself(monkeypatch)

    def fails(merged: Any, part: Any) -> None:  # only the parent merges
        raise _BuildFailed

    monkeypatch.setattr(matcher_module._Merged, "add", fails)
    with pytest.raises(_BuildFailed):
        Matcher(copies)
    assert multiprocessing.active_children() == []
