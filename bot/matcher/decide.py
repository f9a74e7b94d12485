"""The decision: from the ranked entries to ``answer``, ``clarify`` (≤ 3 options) or
``fallback``, by a threshold and a margin over the runner-up; and the decisions that need
no ranking (an emergency, a request for a person, a question about somewhere else)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.matcher.config import MatcherConfig
from bot.matcher.result import EMERGENCY_ENTRY, Decision, Match
from bot.matcher.score import Scored
from bot.matcher.situations import Emergency
from bot.text import Lang


def emergency(question: str, lang: Lang, situation: Emergency) -> Match:
    """A situation happening now always gets the emergency entry (and, in the desk, its
    numbers first and an urgent ticket)."""
    return Match(
        question,
        lang,
        Decision.ANSWER,
        EMERGENCY_ENTRY,
        (EMERGENCY_ENTRY,),
        1.0,
        emergency=True,
        situation=situation,
    )


def numbers_asked(question: str, lang: Lang, situation: Emergency) -> Match:
    """A question about the number for a kind of emergency ("number to report a crime?"):
    the emergency entry, that situation's numbers first, and no urgent ticket."""
    return Match(
        question,
        lang,
        Decision.ANSWER,
        EMERGENCY_ENTRY,
        (EMERGENCY_ENTRY,),
        1.0,
        situation=situation,
    )


def fixed(question: str, lang: Lang, entry_id: str, *, in_context: bool = False) -> Match:
    """An answer no ranking is needed for (a greeting alone, thanks alone, a follow-up on the
    topic the visitor is on)."""
    return Match(question, lang, Decision.ANSWER, entry_id, (entry_id,), 1.0, in_context=in_context)


def handoff(question: str, lang: Lang) -> Match:
    """The visitor asked for a person: a ticket, whatever else the question says."""
    return Match(question, lang, Decision.HANDOFF, score=1.0)


class Decider:
    """Decides for the entries ``entry_ids`` (in index order) with ``config``'s bars.

    ``buttons`` holds, for an entry's position, the positions of the entries its answer
    offers as buttons (its first related entries): see ``_answer_with_its_neighbour``."""

    def __init__(
        self,
        entry_ids: Sequence[str],
        config: MatcherConfig,
        buttons: Mapping[int, frozenset[int]] | None = None,
    ) -> None:
        self.entry_ids = entry_ids
        self.config = config
        self.buttons = buttons or {}

    def guesses(self, scored: list[Scored]) -> tuple[tuple[str, float], ...]:
        """The best-scoring entries whatever the decision (for staff: "the bot's best guesses")."""
        return tuple((self.entry_ids[s.entry_index], s.confidence) for s in scored[:3])

    def decline(self, question: str, lang: Lang, scored: list[Scored]) -> Match:
        """``fallback``: no answer (the bot offers to pass the question to staff)."""
        best = scored[0].confidence if scored else 0.0
        return Match(question, lang, Decision.FALLBACK, score=best, guesses=self.guesses(scored))

    def worth_offering(self, top: Scored) -> bool:
        """Whether the leader explains enough of the question to be offered as a "did you
        mean": a question mostly about things the KB never mentions, whose leader is met by
        a word or two it happens to share ("how do i make dumplings at home": make) and
        resembles none of its phrasings, is declined instead of answered with unrelated
        options."""
        cfg = self.config
        if top.unknown < cfg.clarify_unknown:
            return True
        support = top.coverage + cfg.clarify_fuzzy_weight * top.fuzzy
        return support >= cfg.clarify_min_support

    def decide(self, question: str, lang: Lang, scored: list[Scored]) -> Match:
        """Answer a clear leader, offer the close ones, or decline."""
        cfg = self.config
        if not scored or scored[0].confidence < cfg.clarify_threshold:
            return self.decline(question, lang, scored)
        guesses = self.guesses(scored)
        top = scored[0]
        runner_up = scored[1].confidence if len(scored) > 1 else 0.0
        top_id = self.entry_ids[top.entry_index]
        # A confident leader needs a smaller lead: the margin shrinks with the room left above it.
        room = (1.05 - top.confidence) / (1.05 - cfg.answer_threshold)
        required_margin = cfg.answer_margin * min(1.0, max(room, 0.0))
        lead = top.confidence - runner_up
        clear = (
            top.coverage >= cfg.answer_min_coverage
            and top.unknown <= cfg.answer_max_unknown
            and (
                (top.confidence >= cfg.answer_threshold and lead >= required_margin)
                or (
                    top.confidence >= cfg.lead_threshold
                    and lead >= min(cfg.lead_margin, cfg.lead_share * top.confidence)
                    and top.unknown <= cfg.lead_max_unknown
                )
            )
        )
        if clear or self._answer_with_its_neighbour(scored):
            return Match(
                question,
                lang,
                Decision.ANSWER,
                top_id,
                (top_id,),
                top.confidence,
                guesses=guesses,
            )
        if not self.worth_offering(top):
            return self.decline(question, lang, scored)
        options = tuple(
            self.entry_ids[s.entry_index]
            for s in scored[: cfg.max_options]
            if s.confidence >= cfg.clarify_threshold
            and top.confidence - s.confidence <= cfg.clarify_window
        )
        # A single option below the answer bar is still offered, as a "did you mean".
        return Match(
            question, lang, Decision.CLARIFY, None, options, top.confidence, guesses=guesses
        )

    def _answer_with_its_neighbour(self, scored: list[Scored]) -> bool:
        """Whether the leader is answered although its runner-up is close: when the runner-up
        is one of the buttons under the leader's answer (the ARC and the immigration office,
        an event and the bureau that runs it) and the leader still leads clearly in
        proportion. The visitor gets the likelier answer at once, and the other one tap away,
        where a "did you mean" asked them first to choose between the two."""
        cfg = self.config
        if len(scored) < 2:
            return False
        top, runner_up = scored[0], scored[1]
        if runner_up.entry_index not in self.buttons.get(top.entry_index, frozenset()):
            return False
        return (
            top.confidence >= cfg.neighbour_threshold
            and top.coverage >= cfg.answer_min_coverage
            and top.unknown <= cfg.lead_max_unknown
            and top.confidence - runner_up.confidence >= cfg.neighbour_lead_share * top.confidence
        )
