"""The chooser: a model of the entries' own phrasings settling a near-tie the scores offer."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.evaluation import read_rows
from bot.kb.loader import KnowledgeBase
from bot.matcher import Decision, Matcher
from bot.matcher import chooser as chooser_module
from bot.matcher.chooser import (
    CLEAR_OF_THE_REST,
    SETTLES_AGREEING_AT,
    SETTLES_AT,
    SETTLES_CLEAR_OF_THE_REST_AT,
    Chooser,
    chooser_for,
    train,
)
from bot.text import normalize
from tests.conftest import CHAT_SET

# Near-ties of my own, written after reading the kinds the labelled sets settle (none of them
# is a labelled message): each is a "did you mean" without the chooser.
SETTLED = [
    ("typhoon coming, should we postpone driving the suhua highway back to taipei tomorrow?",
     "service.typhoon"),
    ("who helps exchange students from sister cities when something goes wrong",
     "exchange.student-support"),
    ("여름 축제 언제 해요? 불꽃놀이도 있어요?", "event.summer-festival"),
    ("지진 후에 타이루거 협곡 지금 가도 돼요?", "service.taroko-access"),
    ("縣府裡面負責國際交流跟姊妹市的是哪個單位", "exchange.coordination"),
]  # fmt: skip

TWO_TOPICS = [
    ["visa extension at the immigration office", "extend my visa", "immigration office hours"],
    ["library opening hours", "borrow books at the library", "library card"],
    ["bus timetable", "bus from the station", "bus fare"],
    ["garbage truck times", "recycling days", "where to throw trash"],
]


@pytest.mark.parametrize(("question", "entry"), SETTLED)
def test_a_near_tie_is_answered_with_the_entry_its_phrasings_point_to(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch, question: str, entry: str
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(matcher, "chooser", None)
        offered = matcher.match(question)
    assert offered.decision is Decision.CLARIFY
    assert entry in offered.candidates
    settled = matcher.match(question)
    assert settled.decision is Decision.ANSWER
    assert settled.entry == entry
    assert settled.candidates == (entry,)


@pytest.mark.parametrize("topic", ["festival", "節慶活動", "交流", "student"])
def test_a_word_or_two_naming_a_topic_stays_the_visitors_choice(
    matcher: Matcher, topic: str
) -> None:
    match = matcher.match(topic)
    assert match.decision is Decision.CLARIFY
    # …though the model alone would have settled it.
    assert matcher.chooser is not None
    options = [matcher.positions[entry] for entry in match.candidates]
    assert matcher.chooser.choice(normalize(topic), options) is not None


def test_it_changes_nothing_but_a_choice_into_one_of_its_options(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """…or a choice among unrelated options into none (the veto, Matcher._options_unrelated)."""
    settled = declined = 0
    for row in read_rows(CHAT_SET):
        with monkeypatch.context() as patch:
            patch.setattr(matcher, "chooser", None)
            before = matcher.match(row.question)
        after = matcher.match(row.question)
        # The same answer may come with another confidence (a settled choice inside
        # _past_the_partners_name carries the option's own score).
        if (after.decision, after.entry, after.candidates) == (
            before.decision,
            before.entry,
            before.candidates,
        ):
            continue
        assert before.decision is Decision.CLARIFY, row.question
        if after.decision is Decision.FALLBACK:
            declined += 1
            continue
        assert after.decision is Decision.ANSWER
        assert after.entry in before.candidates
        settled += 1
    assert settled > 0
    assert declined > 0


class _Sure(Chooser):
    """A model as sure of each entry as it is told to be, whatever the message."""

    def probabilities(self, normal: str) -> np.ndarray:  # type: ignore[type-arg]
        return self.bias


def _sure(*probabilities: float) -> Chooser:
    return _Sure({}, np.zeros((0, len(probabilities)), np.float32), np.asarray(probabilities))


def test_less_certainty_settles_the_option_the_scores_put_first() -> None:
    assert SETTLES_AGREEING_AT < 0.27 < SETTLES_AT
    model = _sure(0.27, 0.25, 0.24, 0.24)
    # Its choice is the scores' first option: the two agree.
    assert model.choice("…", [0, 1]) == 0
    # Its choice is an option the scores put second: it must be sure on its own.
    assert model.choice("…", [1, 0]) is None
    assert _sure(0.31, 0.25, 0.22, 0.22).choice("…", [1, 0]) == 0
    # Agreeing, but below even the lower bar.
    assert _sure(0.24, 0.19, 0.19, 0.19, 0.19).choice("…", [0, 1]) is None
    # A tie among the options is no choice.
    assert _sure(0.3, 0.3, 0.2, 0.2).choice("…", [0, 1]) is None


def test_an_agreeing_choice_clear_of_every_other_entry_settles_with_less_certainty() -> None:
    assert SETTLES_CLEAR_OF_THE_REST_AT < 0.15 < SETTLES_AGREEING_AT
    rest = (1 - 0.15 - 0.03) / 40
    assert CLEAR_OF_THE_REST * 0.03 <= 0.15
    assert CLEAR_OF_THE_REST * rest <= 0.15
    clear = _sure(0.15, 0.03, *[rest] * 40)
    assert clear.choice("…", [0, 1]) == 0
    # Not the scores' own first option: no.
    assert clear.choice("…", [1, 0]) is None
    # Another entry, even one the scores did not offer, comes near it: no.
    near = _sure(0.15, 0.03, 0.08, *[(1 - 0.26) / 20] * 20)
    assert near.choice("…", [0, 1]) is None
    # Clear of the rest but too unsure of anything.
    faint = _sure(0.09, 0.02, *[(1 - 0.11) / 40] * 40)
    assert faint.choice("…", [0, 1]) is None


@pytest.mark.parametrize(
    ("message", "entry"),
    [
        # (a development message of chat-mimic11: the rule is met by wordings, not meanings)
        ("十二月去花莲冷不冷 要带羽绒服吗", "service.weather"),
    ],
)
def test_a_message_in_words_of_its_own_is_settled_when_its_entry_is_clear(
    matcher: Matcher, message: str, entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    match = matcher.match(message)
    assert (match.decision, match.entry) == (Decision.ANSWER, entry)
    # …which the chooser's certainty alone left a "did you mean".
    monkeypatch.setattr(chooser_module, "CLEAR_OF_THE_REST", float("inf"))
    assert matcher.match(message).decision is Decision.CLARIFY


def test_the_phrasings_decide_between_entries() -> None:
    model = train(TWO_TOPICS)
    probabilities = model.probabilities("how late is the library open")
    assert int(probabilities.argmax()) == 1
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert model.choice("how late is the library open", [0, 1]) == 1


def test_it_settles_only_among_the_options_and_only_when_sure() -> None:
    model = train(TWO_TOPICS)
    # Its choice is not among the options: the scores did not find it, so it is not brought in.
    assert model.choice("how late is the library open", [0, 2]) is None
    # Words no phrasing holds: every entry as likely as the next, below the bar.
    unknown = model.probabilities("zzzz qqqq")
    assert np.allclose(unknown, 1 / 4)
    assert max(unknown) < SETTLES_AT
    assert model.choice("zzzz qqqq", [0, 1, 2, 3]) is None


def test_training_is_deterministic() -> None:
    first, second = train(TWO_TOPICS), train(TWO_TOPICS)
    assert first.columns == second.columns
    assert np.array_equal(first.weights, second.weights)
    assert np.array_equal(first.bias, second.bias)


def test_the_same_knowledge_base_is_trained_once_a_process(kb: KnowledgeBase) -> None:
    first = chooser_for(kb.entries)
    assert isinstance(first, Chooser)
    assert chooser_for(kb.entries) is first


def test_a_large_knowledge_base_goes_without(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(chooser_module, "MAX_ENTRIES", len(kb.entries) - 1)
    with caplog.at_level(logging.INFO, logger="bot.matcher.chooser"):
        assert chooser_for(kb.entries) is None
    assert "not settled by a model" in caplog.text


def test_threads_training_the_same_knowledge_base_at_once_share_one_cache(
    kb: KnowledgeBase,
) -> None:
    # Two reloads in a row start two trainings in worker threads (kb/live.py).
    chooser_module.forget_trained_choosers()
    with ThreadPoolExecutor(max_workers=2) as pool:
        models = list(pool.map(lambda _: chooser_for(kb.entries), range(2)))
    assert all(isinstance(model, Chooser) for model in models)
    # Whichever finished first is the one both hand out and the one the cache keeps.
    assert models[0] is models[1]
    assert chooser_for(kb.entries) is models[0]
