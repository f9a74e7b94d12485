"""The learned second opinion on emergencies (bot/matcher/alarm.py)."""

from __future__ import annotations

import pytest

from bot.alarm_training import examples, retrain
from bot.matcher import Decision, Matcher
from bot.matcher.alarm import MODEL_PATH, THRESHOLD, AlarmModel, ngrams, saved_model, train
from bot.matcher.situations import Situation, detect
from bot.text import normalize

#: Emergencies written for this test, told in words no sign of situations.py holds.
TOLD_WITHOUT_A_SIGN = [
    "my uncle went grey and slumped over at the dinner table, he's making a weird snoring sound",
    "our guide slipped on the wet rocks and his ankle is bent the wrong way, we're an hour from the road",
    "my daughter drank something from a bottle under the sink and is coughing and crying",
    "the hostel owner says if i dont pay him more he will keep my passport and hurt me",
    "她吃了一整排的退燒藥 現在一直吐",
    "知らない人が部屋のドアノブをずっとガチャガチャしてる",
]

ORDINARY = [
    "where can i buy a sim card near the station",
    "i need a sim card for my phone",
    "how do i apply for the ARC",
    "is there a bus from hualien station to qixingtan",
    "台風の準備は何をすればいいですか",
    "지진 나면 어떻게 해야 하나요",
    "花蓮有什麼好吃的小吃",
]

#: Alarming words without an emergency: nearer the threshold, still below it.
FIGURES_OF_SPEECH = ["my homework is killing me lol", "餓死了 附近有什麼宵夜", "배고파 죽겠어요"]


def test_the_saved_model_is_what_training_on_todays_examples_gives() -> None:
    # A change to the labelled messages or to training without `python -m bot alarm train`
    # would leave the desk on a model nobody can reproduce.
    assert MODEL_PATH.read_text(encoding="utf-8") == retrain().dumps()


def test_training_reads_the_dev_parts_only_and_the_kb_as_non_emergencies() -> None:
    found = examples()
    normals = {normal for normal, _ in found}
    assert normalize("where is the nearest ATM") not in normals  # not a message of any source
    assert sum(is_emergency for _, is_emergency in found) > 500
    assert sum(not is_emergency for _, is_emergency in found) > 5000


def test_ngrams_are_distinct_sorted_and_leave_single_latin_letters_out() -> None:
    grams = ngrams("fire 火災")
    assert grams == sorted(set(grams))
    assert "f" not in grams
    assert " f" in grams
    assert "re " in grams
    assert "火" in grams
    assert " 火災 " in grams
    assert "e 火災 " not in grams


def test_training_is_deterministic_and_learns_what_it_is_shown() -> None:
    shown = [("smoke everywhere", True), ("bus timetable", False)] * 20
    first, second = train(shown), train(shown)
    assert first.dumps() == second.dumps()
    assert first.probability("smoke everywhere") > 0.9 > 0.1 > first.probability("bus timetable")
    assert AlarmModel({}, 0.0).probability("") == 0.0


@pytest.mark.parametrize("message", TOLD_WITHOUT_A_SIGN)
def test_an_emergency_told_without_a_sign_is_answered_as_one(
    message: str, matcher: Matcher
) -> None:
    situation = detect(normalize(message), message)
    assert situation is None or not situation.happening  # the signs alone miss it
    assert saved_model().probability(normalize(message)) >= THRESHOLD
    match = matcher.match(message)
    assert match.decision is Decision.ANSWER
    assert match.entry == "contact.emergency"
    assert match.emergency
    assert match.situation is not None


def test_what_the_model_alone_finds_leads_with_the_general_numbers(matcher: Matcher) -> None:
    match = matcher.match(TOLD_WITHOUT_A_SIGN[0])
    assert match.situation is not None
    assert match.situation.lead is Situation.GENERAL
    assert match.situation.numbers[:2] == ("110", "119")


def test_someone_in_danger_who_asks_for_a_person_gets_the_numbers_first(matcher: Matcher) -> None:
    message = TOLD_WITHOUT_A_SIGN[0] + ", can a staff member call me"
    assert matcher.handoff.found_in(normalize(message), message)
    assert matcher.match(message).emergency


@pytest.mark.parametrize("message", ORDINARY)
def test_ordinary_messages_are_far_from_the_threshold(message: str, matcher: Matcher) -> None:
    assert saved_model().probability(normalize(message)) < THRESHOLD / 2
    assert not matcher.match(message).emergency


@pytest.mark.parametrize("message", FIGURES_OF_SPEECH)
def test_figures_of_speech_are_not_emergencies(message: str, matcher: Matcher) -> None:
    assert saved_model().probability(normalize(message)) < THRESHOLD
    assert not matcher.match(message).emergency


@pytest.mark.parametrize(
    "message",
    ["how much is a haircut", "how do I apply for an ARC", "she fainted and won't wake up"],
)
def test_every_match_carries_the_models_probability(message: str, matcher: Matcher) -> None:
    # The desk reads it from the Match (its worrying line) instead of asking the model again.
    expected = saved_model().probability(normalize(message))
    assert matcher.match(message).danger == pytest.approx(expected)
