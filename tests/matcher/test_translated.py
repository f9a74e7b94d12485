"""The Japanese and Korean decision (bot/matcher/translated.py)."""

from __future__ import annotations

from bot.matcher import Decision, MatcherConfig
from bot.matcher.score import Scored
from bot.matcher.translated import TranslatedDecider
from bot.text import Lang

IDS = ["service.medical-care", "contact.hospitals", "service.money"]


def _scored(*rows: tuple[int, float, float]) -> list[Scored]:
    """(entry position, confidence, fuzzy) each, best first; a leader explaining most."""
    return [Scored(index, confidence, 0.5, 0.4, fuzzy, 0.3) for index, confidence, fuzzy in rows]


def test_a_clear_leader_below_the_bar_is_answered_when_its_wording_agrees() -> None:
    # Below the 0.55 bar (a story around the question lowers the confidence), far ahead.
    decider = TranslatedDecider(IDS, MatcherConfig())
    match = decider.decide("q", Lang.JA, _scored((0, 0.41, 0.50), (1, 0.22, 0.40)))
    assert match.decision is Decision.ANSWER
    assert match.entry == "service.medical-care"


def test_a_leader_whose_wording_disagrees_is_only_offered_unless_far_ahead() -> None:
    # Ahead by its words, behind by its wording: words and wording point two ways, and a lead
    # of a quarter of the leader's confidence settles nothing …
    decider = TranslatedDecider(IDS, MatcherConfig())
    match = decider.decide("q", Lang.JA, _scored((2, 0.44, 0.29), (0, 0.33, 0.33)))
    assert match.decision is Decision.CLARIFY
    assert match.candidates[0] == "service.money"
    # … a lead of half of it does: the asking clause's wording is then the weaker signal.
    match = decider.decide("q", Lang.JA, _scored((2, 0.44, 0.29), (0, 0.22, 0.33)))
    assert match.decision is Decision.ANSWER
    assert match.entry == "service.money"


def test_a_narrow_lead_below_the_bar_is_only_offered() -> None:
    decider = TranslatedDecider(IDS, MatcherConfig())
    match = decider.decide("q", Lang.KO, _scored((0, 0.45, 0.60), (1, 0.38, 0.40)))
    assert match.decision is Decision.CLARIFY


def test_the_bar_itself_is_higher_than_for_chinese_and_english() -> None:
    config = MatcherConfig()
    # A confidence that answers in zh/en (0.35 bar) but leads by too little for the lead path.
    scored = _scored((0, 0.50, 0.60), (1, 0.42, 0.50))
    match = TranslatedDecider(IDS, config).decide("q", Lang.JA, scored)
    assert match.decision is Decision.CLARIFY


def test_a_lead_counts_as_a_share_of_the_leaders_confidence() -> None:
    decider = TranslatedDecider(IDS, MatcherConfig())
    # The same lead of 0.08: a quarter of a weak leader's confidence, a sixth of a stronger one's.
    weak = decider.decide("q", Lang.KO, _scored((0, 0.34, 0.57), (1, 0.26, 0.36)))
    stronger = decider.decide("q", Lang.KO, _scored((0, 0.50, 0.57), (1, 0.42, 0.36)))
    assert weak.decision is Decision.ANSWER
    assert stronger.decision is Decision.CLARIFY


def test_a_leader_whose_runner_up_is_a_button_under_its_answer_is_answered() -> None:
    # The hospitals' answer offers the medical-care entry as a button: answering the likelier
    # one leaves the other a tap away, where an offer asked the visitor to choose first.
    scored = _scored((1, 0.60, 0.50), (0, 0.53, 0.55), (2, 0.20, 0.30))
    with_button = TranslatedDecider(IDS, MatcherConfig(), {1: frozenset({0})})
    match = with_button.decide("q", Lang.JA, scored)
    assert (match.decision, match.entry) == (Decision.ANSWER, "contact.hospitals")
    # Not a button of the leader's: the two are offered, as before.
    without = TranslatedDecider(IDS, MatcherConfig(), {0: frozenset({1})})
    assert without.decide("q", Lang.JA, scored).decision is Decision.CLARIFY
    # A lead too small in proportion (0.03 of 0.60) is still offered.
    close = _scored((1, 0.60, 0.50), (0, 0.57, 0.55))
    assert with_button.decide("q", Lang.JA, close).decision is Decision.CLARIFY
