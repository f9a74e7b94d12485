"""The decision for Japanese and Korean questions: a higher bar than zh/en, and a clear
leader below it answered only when the two halves of the ranking agree on it.

A Japanese or Korean question is matched against the KB's translated phrasings only, and a
wrong answer in the visitor's own language reads as true: the answer bar is higher
(``translated_answer_threshold``, ``translated_answer_margin``). But a delegate's or a
student's message tells its story around the question (「歯の詰め物が取れちゃいました。…予約が
いりますか」), in words the KB never uses, and its confidence stays low however clearly one
entry leads: below the bar such a leader is answered when it leads by a share of
its own confidence (``translated_lead_share``: 0.41 against 0.22, 0.37 against 0.26; not
0.46 against 0.44) *and* its closest phrasing is at least as close as the runner-up's. A
share rather than a fixed lead, since at these low confidences a fixed lead asks the most of
the weakest-scoring questions: a long message whose story the KB never speaks of. Words
(BM25 and coverage) and wording (fuzzy) then point the same way; when they part
(「台風の日ってコンビニも…」: the money entry by its words, the typhoon entry by its wording)
the leads are offered instead — unless the words lead by a wider share
(``translated_lead_share_alone``): a delegate's message often asks in a clause too generic to
resemble any phrasing (「受け入れ窓口をお知らせください」) while its story names the topic,
and the wording then says nothing either way. A question declined outright (nothing worth
offering) stays declined.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.matcher.config import MatcherConfig
from bot.matcher.decide import Decider
from bot.matcher.result import Decision, Match
from bot.matcher.score import Scored
from bot.text import Lang


def wording_agrees(scored: Sequence[Scored]) -> bool:
    """Whether the leader's closest phrasing is at least as close as the runner-up's."""
    return len(scored) < 2 or scored[0].fuzzy >= scored[1].fuzzy


class TranslatedDecider(Decider):
    """Decides for Japanese and Korean questions (see the module's docstring)."""

    def __init__(
        self,
        entry_ids: Sequence[str],
        config: MatcherConfig,
        buttons: Mapping[int, frozenset[int]] | None = None,
    ) -> None:
        strict = replace(
            config,
            answer_threshold=config.translated_answer_threshold,
            answer_margin=config.translated_answer_margin,
            lead_threshold=2.0,  # no clear-leader path without agreement: see decide
            lead_share=1.0,  # the lead asked is this module's own share (lead_margin below)
        )
        super().__init__(entry_ids, strict, buttons)
        self.leading_config = replace(strict, lead_threshold=config.translated_lead_threshold)
        self.lead_share = config.translated_lead_share
        self.lead_share_alone = config.translated_lead_share_alone

    def decide(self, question: str, lang: Lang, scored: list[Scored]) -> Match:
        match = super().decide(question, lang, scored)
        if match.decision is not Decision.CLARIFY:
            return match
        share = self.lead_share if wording_agrees(scored) else self.lead_share_alone
        margin = share * scored[0].confidence
        leading = Decider(
            self.entry_ids, replace(self.leading_config, lead_margin=margin), self.buttons
        )
        return leading.decide(question, lang, scored)
